//! What a data input is: a stream of bytes (standard input, bytes in memory), or a file the
//! adapter opened that can be read at any offset, so that Parquet and Arrow IPC files decode
//! only the byte ranges of the columns they need instead of being read whole.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;

/// Bytes readable at any offset (a file opened by the adapter).
pub trait RandomAccess: Send + Sync {
    /// The size in bytes.
    fn size(&self) -> u64;

    /// Reads up to `buf.len()` bytes at `offset` into `buf`, as `pread` does: the number read,
    /// 0 at the end.
    ///
    /// # Errors
    /// What the system reports.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize>;
}

/// Bytes in memory, read at offsets.
impl RandomAccess for Vec<u8> {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

/// A data input.
pub enum Input<'a> {
    /// Bytes read once, from the start.
    Stream(Box<dyn Read + 'a>),
    /// Bytes readable at any offset.
    RandomAccess(Arc<dyn RandomAccess>),
}

impl<'a, R: Read + 'a> From<R> for Input<'a> {
    fn from(reader: R) -> Self {
        Input::Stream(Box::new(reader))
    }
}

/// A stream whose first bytes, read to tell its format, are put back in front.
pub(crate) type Prefixed<'a> = std::io::Chain<Cursor<Vec<u8>>, Box<dyn Read + 'a>>;

/// A [`RandomAccess`] read (and sought) as a stream.
#[derive(Clone)]
pub(crate) struct AccessReader {
    access: Arc<dyn RandomAccess>,
    position: u64,
}

impl AccessReader {
    /// A reader of `access` from `position`.
    pub(crate) fn new(access: Arc<dyn RandomAccess>, position: u64) -> Self {
        AccessReader { access, position }
    }
}

impl Read for AccessReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.access.read_at(self.position, buf)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for AccessReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(by) => self.access.size().checked_add_signed(by),
            SeekFrom::Current(by) => self.position.checked_add_signed(by),
        };
        self.position = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_reader_reads_and_seeks_like_a_file() -> std::io::Result<()> {
        let mut reader = AccessReader::new(Arc::new(b"abcdef".to_vec()), 0);
        let mut text = String::new();
        reader.read_to_string(&mut text)?;
        assert_eq!(text, "abcdef");
        assert_eq!(reader.seek(SeekFrom::End(-2))?, 4);
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest)?;
        assert_eq!(rest, b"ef");
        assert!(reader.seek(SeekFrom::Current(-10)).is_err());
        Ok(())
    }
}
