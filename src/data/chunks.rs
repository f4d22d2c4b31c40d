//! A CSV file cut into chunks of whole records, to be counted on several cores: a scan for
//! record boundaries that follows the csv crate's quoting rules (a quote opens a quoted field
//! only at the start of a field, `""` inside one is an escaped quote) while jumping from quote
//! to newline with `memchr`.

use std::sync::Arc;

use crate::data::csv_reader;
use crate::data::header::Header;
use crate::data::input::{AccessReader, RandomAccess};

/// Bytes per chunk: large enough that counting a chunk dwarfs handing it to a thread (1 MiB
/// and 4 MiB chunks were no faster on the 2M-row benchmark file, and held more memory).
pub(crate) const CHUNK_BYTES: usize = 1 << 18;

/// Where the scan for record boundaries stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Outside quotes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
}

/// Finds record boundaries in a growing buffer.
#[derive(Debug)]
struct Boundaries {
    /// Bytes of `buffer` already scanned.
    scanned: usize,
    state: Scan,
    /// The end of the last complete record found (one past its newline).
    last: usize,
}

impl Boundaries {
    fn new() -> Self {
        Boundaries { scanned: 0, state: Scan::Unquoted, last: 0 }
    }

    /// Scans `buffer` from where the last call stopped; returns the end of the last record
    /// boundary found so far (0 if none). A quote at the very end of the buffer waits for
    /// the next byte (it may be an escaped quote).
    fn scan(&mut self, buffer: &[u8]) -> usize {
        let mut i = self.scanned;
        while i < buffer.len() {
            match self.state {
                Scan::Unquoted => {
                    // The last newline before the next quote ends a record.
                    let quote = memchr::memchr(b'"', &buffer[i..]).map(|at| i + at);
                    let end = quote.unwrap_or(buffer.len());
                    if let Some(at) = memchr::memrchr(b'\n', &buffer[i..end]) {
                        self.last = i + at + 1;
                    }
                    match quote {
                        None => i = end,
                        Some(j) => {
                            if j == 0 || matches!(buffer[j - 1], b',' | b'\n' | b'\r') {
                                self.state = Scan::Quoted;
                            }
                            i = j + 1;
                        }
                    }
                }
                Scan::Quoted => match memchr::memchr(b'"', &buffer[i..]) {
                    None => i = buffer.len(),
                    Some(at) => {
                        let j = i + at;
                        match buffer.get(j + 1) {
                            None => break, // decide when the next byte comes
                            Some(b'"') => i = j + 2,
                            Some(_) => {
                                self.state = Scan::Unquoted;
                                i = j + 1;
                            }
                        }
                    }
                },
            }
        }
        self.scanned = i.min(buffer.len());
        self.last
    }

    /// The same scan for the bytes left after cutting the first `cut` bytes off the buffer
    /// (at a boundary, or everything at the end of the input).
    fn cut(&mut self, cut: usize) {
        self.scanned = self.scanned.saturating_sub(cut);
        self.last = self.last.saturating_sub(cut);
    }
}

/// The chunks of a CSV file after its header, read in order.
pub(crate) struct Chunks {
    access: Arc<dyn RandomAccess>,
    /// The offset of the first byte not yet read.
    offset: u64,
    buffer: Vec<u8>,
    boundaries: Boundaries,
    eof: bool,
    chunk: usize,
    /// Buffers of chunks already counted, to hold the next ones without allocating.
    spare: Vec<Vec<u8>>,
}

impl Chunks {
    /// The header of the CSV file `access` (named `source`) and its chunks of about `chunk`
    /// bytes; `None` when the header cannot be read (the sequential reader then reports why).
    pub(crate) fn open(
        access: Arc<dyn RandomAccess>,
        source: &str,
        chunk: usize,
    ) -> Option<(Header, Chunks)> {
        let mut chunks = Chunks {
            access,
            offset: 0,
            buffer: Vec::new(),
            boundaries: Boundaries::new(),
            eof: false,
            chunk,
            spare: Vec::new(),
        };
        while chunks.boundaries.scan(&chunks.buffer) == 0 && !chunks.eof {
            chunks.read_more().ok()?;
        }
        // The csv crate reads the header (a byte-order mark, `\r` line ends) as the
        // sequential reader does, and says where the data starts.
        let mut csv = csv_reader(AccessReader::new(chunks.access.clone(), 0));
        let header = Header::read(&mut csv, source).ok()?;
        let start = usize::try_from(csv.position().byte()).ok()?;
        chunks.buffer.drain(..start.min(chunks.buffer.len()));
        chunks.boundaries = Boundaries::new();
        Some((header, chunks))
    }

    /// Appends the next block of the file to the buffer.
    fn read_more(&mut self) -> std::io::Result<()> {
        let before = self.buffer.len();
        self.buffer.resize(before + self.chunk, 0);
        let n = loop {
            match self.access.read_at(self.offset, &mut self.buffer[before..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        let n = n.inspect_err(|_| self.buffer.truncate(before))?;
        self.buffer.truncate(before + n);
        self.offset += n as u64;
        self.eof = n == 0;
        Ok(())
    }

    /// Takes back the buffer of a chunk counted, for a later chunk.
    pub(crate) fn recycle(&mut self, buffer: Vec<u8>) {
        self.spare.push(buffer);
    }

    /// The next chunk of whole records, `None` at the end.
    ///
    /// # Errors
    /// What the system reports on a read.
    pub(crate) fn next_chunk(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            while self.buffer.len() < self.chunk && !self.eof {
                self.read_more()?;
            }
            let boundary = self.boundaries.scan(&self.buffer);
            let cut = if self.eof { self.buffer.len() } else { boundary };
            if cut > 0 {
                let mut rest = self.spare.pop().unwrap_or_default();
                rest.clear();
                rest.extend_from_slice(&self.buffer[cut..]);
                let mut chunk = std::mem::replace(&mut self.buffer, rest);
                chunk.truncate(cut);
                self.boundaries.cut(cut);
                return Ok(Some(chunk));
            }
            if self.eof {
                return Ok(None);
            }
            // One record longer than a chunk: read on.
            self.read_more()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_skip_newlines_in_quoted_fields() {
        let text = b"a,\"x\ny\",b\nc,\"q\"\"\n\",d\ne,f\"g\nh,i";
        let mut b = Boundaries::new();
        // The boundaries are after "b\n" (10), "d\n" (21) and "g\n" (27): the quote after
        // "f" is a plain character, not the start of a quoted field.
        assert_eq!(b.scan(text), 27);
        let mut partial = Boundaries::new();
        // A quote at the end of the buffer waits for the next byte.
        assert_eq!(partial.scan(&text[..15]), 10);
        assert_eq!(partial.scan(text), 27);
    }
}
