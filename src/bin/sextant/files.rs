//! The CLI's files: reading inputs (with a progress bar when large), writing reports (their
//! directory made first) and standard output. Every read or write error is a [`CliError`]
//! (exit 2), except a closed pipe on standard output (`sextant … | head`), which means the
//! reader has seen enough.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::Arc;

use indicatif::ProgressBar;
use sextant::{Input, RandomAccess};

use crate::progress::reading_bar;
use crate::CliError;

/// The file name that stands for standard input (`sextant fairness - …`).
pub(crate) const STDIN: &str = "-";

/// Whether `path` means standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// How errors name the input at `path`: `<stdin>` for standard input, else the path.
pub(crate) fn input_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Refuses several `-` among `paths`: standard input is read once.
///
/// # Errors
/// A [`CliError::Core`] invalid option when more than one path is `-`.
pub(crate) fn one_stdin<'a>(paths: impl Iterator<Item = &'a Path>) -> Result<(), CliError> {
    if paths.filter(|p| is_stdin(p)).count() > 1 {
        let error =
            sextant::Error::invalid_option("data", "only one input can be standard input (-)");
        return Err(error.into());
    }
    Ok(())
}

/// The bytes of the file at `path` (standard input for `-`).
///
/// # Errors
/// [`CliError::Io`] naming the file.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let io_error = |source| CliError::Io { action: "read", path: input_name(path), source };
    if is_stdin(path) {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes).map_err(io_error)?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(io_error)
}

/// The data file at `path` (standard input for `-`), read at offsets (so that a Parquet file
/// reads only the columns it needs, and a CSV is counted in chunks on all cores), with a
/// progress bar on a terminal when it is large; a named pipe or a device is a stream.
///
/// # Errors
/// [`CliError::Io`] naming the file.
pub(crate) fn open_file(path: &Path) -> Result<Input<'static>, CliError> {
    if is_stdin(path) {
        return Ok(Input::from(io::stdin()));
    }
    let error = |source| CliError::Io { action: "read", path: path.display().to_string(), source };
    let file = File::open(path).map_err(error)?;
    let metadata = file.metadata().map_err(error)?;
    if !metadata.is_file() {
        // A named pipe or a device (`<(zcat data.csv.gz)`, `/dev/stdin`): a stream.
        return Ok(Input::from(file));
    }
    let len = metadata.len();
    Ok(Input::RandomAccess(Arc::new(FileAccess { file, len, bar: reading_bar(len) })))
}

/// A file read at offsets, with the bytes read shown on `bar`.
struct FileAccess {
    file: File,
    len: u64,
    bar: Option<ProgressBar>,
}

impl Drop for FileAccess {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl RandomAccess for FileAccess {
    fn size(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&self.file, buf, offset)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&self.file, buf, offset)?;
        if let Some(bar) = &self.bar {
            bar.inc(n as u64);
        }
        Ok(n)
    }
}

/// Writes `content` to `path`, creating its directory.
///
/// # Errors
/// [`CliError::Io`] naming the file or its directory (a full disk, a missing permission).
pub(crate) fn write_file(path: &Path, content: &str) -> Result<(), CliError> {
    create_directory_of(path)?;
    std::fs::write(path, content).map_err(|source| write_error(path, source))
}

/// Writes `path` with `write` (streamed, buffered), replacing it only when `write` and the
/// writing succeed: the output goes to a hidden `.NAME.PID.partial` beside it (its own to
/// this process, skipped by a textfile collector reading `*.prom`), renamed over `path` at
/// the end and removed on an error. A failed command leaves no partial output, and a reader
/// never sees one. A path that is not a regular file (a device, a pipe, a symbolic link) is
/// written in place.
///
/// # Errors
/// `write`'s error, or [`CliError::Io`] naming `path` or its directory.
pub(crate) fn write_replacing<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<T, CliError> {
    create_directory_of(path)?;
    let in_place = std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file());
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let target = if in_place { path } else { &partial };
    let written =
        File::create(target).map_err(|source| write_error(path, source)).and_then(|file| {
            let mut out = io::BufWriter::new(file);
            let value = write(&mut out)?;
            out.flush().map_err(|source| write_error(path, source))?;
            Ok(value)
        });
    if in_place {
        return written;
    }
    let renamed = written.and_then(|value| {
        std::fs::rename(&partial, path).map_err(|source| write_error(path, source))?;
        Ok(value)
    });
    if renamed.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    renamed
}

/// Creates the directory `path` is in, when it has one.
fn create_directory_of(path: &Path) -> Result<(), CliError> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
            action: "create the directory of",
            path: path.display().to_string(),
            source,
        }),
        None => Ok(()),
    }
}

/// A failed write of `path`.
pub(crate) fn write_error(path: &Path, source: io::Error) -> CliError {
    CliError::Io { action: "write", path: path.display().to_string(), source }
}

/// Writes `content` to standard output; a closed pipe is not an error, a full disk is.
///
/// # Errors
/// [`CliError::Io`] naming standard output.
pub(crate) fn write_stdout(content: &str) -> Result<(), CliError> {
    let mut out = ClosedPipeIsFine::new(io::stdout().lock());
    out.write_all(content.as_bytes()).and_then(|()| out.flush()).map_err(|source| CliError::Io {
        action: "write",
        path: "standard output".to_owned(),
        source,
    })
}

/// A writer that treats a closed pipe as the reader having seen enough: later output is
/// dropped, and the command still succeeds. Other errors pass through.
pub(crate) struct ClosedPipeIsFine<W> {
    inner: W,
    closed: bool,
}

impl<W> ClosedPipeIsFine<W> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: W) -> Self {
        ClosedPipeIsFine { inner, closed: false }
    }
}

impl<W: Write> Write for ClosedPipeIsFine<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}
