//! `sextant monitor`: the flags into a monitoring plan, the files into inputs, the report
//! into its format, and the gates into the exit code; with `--serve`, `--follow` and
//! `--otlp-endpoint`, the long-running exporter that keeps the gauges current.

use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sextant::report::{monitor_html, monitor_json, monitor_markdown, monitor_text, openmetrics};
use sextant::{Error, FollowEvent, Growth, Input, MonitorOptions, MonitorPlan, MonitorReport};

use crate::cli::{unique_limits, MonitorArgs, MonitorFormat};
use crate::files::{
    input_name, is_stdin, one_stdin, open_file, write_error, write_file, write_replacing,
    write_stdout,
};
use crate::otlp::OtlpPush;
use crate::progress::TerminalProgress;
use crate::serve::{serve, Exposition};
use crate::CliError;

/// How often `--follow` looks for new rows.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// Runs `sextant monitor`.
pub fn monitor_command(args: &MonitorArgs) -> Result<ExitCode, CliError> {
    one_stdin([Some(args.data.as_path()), args.reference_file.as_deref()].into_iter().flatten())?;
    let fairness = args.audit.config(args.exit_zero)?.check()?;
    let options = MonitorOptions {
        time: args.time.clone(),
        window: args.window.clone(),
        drift: args.drift.clone(),
        categorical: args.categorical.clone(),
        reference: args.reference.clone(),
        max_drift: unique_limits("max_drift", &args.max_drift)?,
        max_change: unique_limits("max_change", &args.max_change)?,
        gate_windows: args.gate_windows.into(),
    };
    let plan = options.check(fairness, args.reference_file.is_some())?;
    let otlp = args.otlp_endpoint.as_deref().map(OtlpPush::new).transpose()?;
    if args.follow {
        return follow(args, &plan, otlp.as_ref());
    }
    let report = run(args, &plan, open_file(&args.data)?)?;
    let push = |report: &MonitorReport| match &otlp {
        Some(otlp) => otlp.push(report),
        None => Ok(()),
    };
    let Some(address) = &args.serve else {
        // The report is written before the push, whose failure it survives.
        write_output(args, &report, false)?;
        push(&report)?;
        return Ok(exit_code(args, &report));
    };
    // Served until stopped.
    if args.output.is_some() {
        write_output(args, &report, true)?;
    }
    let bound = serve(address, Arc::new(Mutex::new(openmetrics(&report))))?;
    eprintln!("sextant: serving the latest window's gauges at http://{bound}/metrics");
    // Serving outlives a collector that is down.
    if let Err(error) = push(&report) {
        eprintln!("sextant: error: {}", error.with_flags().line());
    }
    loop {
        std::thread::park();
    }
}

/// The exit code of a report's gates (0 when `--exit-zero`).
fn exit_code(args: &MonitorArgs, report: &MonitorReport) -> ExitCode {
    if report.passed || args.exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `--follow`: the gauges served, written and pushed again after every read of appended
/// rows, until stopped (or until standard input ends, when nothing is served).
fn follow(
    args: &MonitorArgs,
    plan: &MonitorPlan,
    otlp: Option<&OtlpPush>,
) -> Result<ExitCode, CliError> {
    if args.serve.is_none() && args.output.is_none() && args.otlp_endpoint.is_none() {
        return Err(Error::invalid_option(
            "follow",
            "updates --serve, --output or --otlp-endpoint: give at least one",
        )
        .into());
    }
    // No gauges until the first rows are read: an empty exposition, terminated.
    let exposition: Exposition = Arc::new(Mutex::new("# EOF\n".to_owned()));
    if let Some(address) = &args.serve {
        let bound = serve(address, exposition.clone())?;
        eprintln!("sextant: serving the latest window's gauges at http://{bound}/metrics");
    }
    let reference_name = args.reference_file.as_deref().map(input_name);
    let reference = args.reference_file.as_deref().map(open_file).transpose()?;
    let mut growth = Growing::new(&args.data);
    // What stops following: the first report that cannot be written.
    let stop: RefCell<Option<CliError>> = RefCell::new(None);
    let mut last: Option<Box<MonitorReport>> = None;
    // Whether the last rows read could make no report (told on standard error).
    let mut unreported = false;
    let mut left_out = 0_u64;
    let mut tell = |event: FollowEvent| match event {
        FollowEvent::Report(report) => {
            if let Ok(mut served) = exposition.lock() {
                *served = openmetrics(&report);
            }
            if args.output.is_some() {
                if let Err(error) = write_output(args, &report, true) {
                    if last.is_none() {
                        *stop.borrow_mut() = Some(error);
                        return;
                    }
                    eprintln!("sextant: error: {}", error.with_flags().line());
                }
            }
            // A collector that is down is told, and pushed to again with the next update.
            if let Some(Err(error)) = otlp.map(|otlp| otlp.push(&report)) {
                eprintln!("sextant: error: {}", error.with_flags().line());
            }
            last = Some(report);
            unreported = false;
        }
        FollowEvent::LeftOut(error) => {
            left_out += 1;
            eprintln!(
                "sextant: error: {} (the row is left out)",
                CliError::from(error).with_flags().line()
            );
        }
        FollowEvent::NoReport(error) => {
            let gauges =
                if last.is_some() { "the gauges are the last good ones" } else { "no gauges yet" };
            eprintln!("sextant: error: {} ({gauges})", CliError::from(error).with_flags().line());
            unreported = true;
        }
    };
    let mut grow = || match stop.borrow().is_some() {
        true => Err(sextant::ErrorKind::Cancelled.into()),
        false => growth.grow(),
    };
    let followed = sextant::follow(
        plan,
        &input_name(&args.data),
        reference.zip(reference_name.as_deref()),
        &mut grow,
        &mut tell,
        &mut TerminalProgress::default(),
    );
    if let Some(error) = stop.take() {
        return Err(error);
    }
    followed?;
    // Standard input ended; without a report of its rows, that is an error, as in a whole run.
    if last.is_none() {
        // Why no report could be made was told above, on its line: exit 2 without telling
        // it again.
        if unreported {
            return Ok(ExitCode::from(2));
        }
        let source_name = input_name(&args.data);
        let none = match left_out {
            0 => sextant::ErrorKind::NoRows { source_name }.into(),
            n => Error::invalid_value(
                sextant::Location::source(&source_name),
                format!("every row was left out ({n}, each reported above)"),
            ),
        };
        return Err(none.into());
    }
    if args.serve.is_some() {
        eprintln!("sextant: the input ended; serving its last gauges");
        loop {
            std::thread::park();
        }
    }
    Ok(last.map_or(ExitCode::SUCCESS, |report| exit_code(args, &report)))
}

fn run(args: &MonitorArgs, plan: &MonitorPlan, data: Input<'_>) -> Result<MonitorReport, CliError> {
    let reference_name = args.reference_file.as_deref().map(input_name);
    let reference = args.reference_file.as_deref().map(open_file).transpose()?;
    let progress = &mut TerminalProgress::default();
    let name = input_name(&args.data);
    Ok(sextant::monitor(plan, data, &name, reference.zip(reference_name.as_deref()), progress)?)
}

/// Writes the report in its format to `--output` (replaced at once when `atomic`, for a
/// textfile collector reading it meanwhile) or standard output.
fn write_output(args: &MonitorArgs, report: &MonitorReport, atomic: bool) -> Result<(), CliError> {
    let text = match args.format {
        MonitorFormat::Text => monitor_text(report),
        MonitorFormat::Json => monitor_json(report),
        MonitorFormat::Markdown => monitor_markdown(report),
        MonitorFormat::Html => monitor_html(report),
        MonitorFormat::Openmetrics => openmetrics(report),
    };
    match &args.output {
        Some(path) if atomic => write_replacing(path, |out| {
            out.write_all(text.as_bytes()).map_err(|source| write_error(path, source))
        }),
        Some(path) => write_file(path, &text),
        None => write_stdout(&text),
    }
}

/// A followed input as it grows: a file polled for appended bytes (and for being replaced),
/// or standard input read on a thread of its own. Asked at most once per
/// [`FOLLOW_INTERVAL`], except while more bytes are there already: they come in pieces of
/// at most [`PIECE_BYTES`].
struct Growing {
    source: Source,
    /// When it was last asked.
    asked: Option<Instant>,
    /// Whether more bytes were there already when it was last asked.
    more: bool,
}

/// Where a followed input's bytes come from.
enum Source {
    File {
        path: PathBuf,
        /// Bytes read so far.
        offset: u64,
        /// The file read (device and inode), to tell it was rotated.
        identity: Option<(u64, u64)>,
        /// Whether the wait for an absent file was told.
        told_absent: bool,
    },
    /// Blocks of standard input, at most [`STDIN_BLOCKS`] of them waiting (the reading
    /// thread waits beyond), and the bytes received and not yet handed out.
    Stdin { received: Receiver<Vec<u8>>, held: Vec<u8> },
}

/// The most bytes one growth hands out.
const PIECE_BYTES: usize = 16 << 20;

/// Blocks of standard input (of 64 KiB at most) waiting to be handed out.
const STDIN_BLOCKS: usize = 1024;

impl Growing {
    fn new(path: &Path) -> Self {
        let source = if is_stdin(path) {
            let (sink, received) = std::sync::mpsc::sync_channel(STDIN_BLOCKS);
            std::thread::spawn(move || {
                let mut buffer = vec![0; 1 << 16];
                let mut stdin = std::io::stdin().lock();
                while let Ok(n) = stdin.read(&mut buffer) {
                    if n == 0 || sink.send(buffer[..n].to_vec()).is_err() {
                        break;
                    }
                }
            });
            Source::Stdin { received, held: Vec::new() }
        } else {
            Source::File { path: path.to_owned(), offset: 0, identity: None, told_absent: false }
        };
        Growing { source, asked: None, more: false }
    }

    /// What the input did since last asked: waits for it to grow (or end, or be replaced).
    fn grow(&mut self) -> sextant::Result<Growth> {
        if let (Some(elapsed), false) = (self.asked.map(|at| at.elapsed()), self.more) {
            std::thread::sleep(FOLLOW_INTERVAL.saturating_sub(elapsed));
        }
        self.asked = Some(Instant::now());
        let growth = match &mut self.source {
            Source::Stdin { received, held } => {
                if held.is_empty() {
                    match received.recv() {
                        Ok(block) => *held = block,
                        Err(_) => return Ok(Growth::Ended),
                    }
                }
                while held.len() < PIECE_BYTES {
                    let Ok(block) = received.try_recv() else { break };
                    held.extend(block);
                }
                let more = held.len() >= PIECE_BYTES;
                Growth::Appended { bytes: std::mem::take(held), more }
            }
            Source::File { path, offset, identity, told_absent } => loop {
                let io = |e: std::io::Error| sextant::ErrorKind::Io {
                    source_name: path.display().to_string(),
                    message: e.to_string(),
                };
                // The file opened is the one measured and read, rotated meanwhile or not.
                let mut file = match std::fs::File::open(&*path) {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        if !*told_absent {
                            eprintln!("sextant: waiting for {} to appear", path.display());
                            *told_absent = true;
                        }
                        std::thread::sleep(FOLLOW_INTERVAL);
                        continue;
                    }
                    Err(e) => return Err(io(e).into()),
                };
                let meta = file.metadata().map_err(io)?;
                let id = file_identity(&meta);
                if identity.is_some_and(|known| Some(known) != id) || meta.len() < *offset {
                    (*identity, *offset) = (id, 0);
                    break Growth::Replaced;
                }
                *identity = id;
                if meta.len() > *offset {
                    file.seek(SeekFrom::Start(*offset)).map_err(io)?;
                    let mut bytes = Vec::new();
                    file.take(PIECE_BYTES as u64).read_to_end(&mut bytes).map_err(io)?;
                    *offset += bytes.len() as u64;
                    if !bytes.is_empty() {
                        break Growth::Appended { bytes, more: *offset < meta.len() };
                    }
                }
                std::thread::sleep(FOLLOW_INTERVAL);
            },
        };
        self.more = matches!(growth, Growth::Appended { more: true, .. });
        Ok(growth)
    }
}

/// A file's device and inode, which a rotated log's new file does not share.
#[cfg(unix)]
fn file_identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// Elsewhere a rotation is told by the file shrinking only.
#[cfg(not(unix))]
fn file_identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}
