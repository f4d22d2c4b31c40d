//! A CSV file cut into chunks of whole records, to be counted on several cores. Threads read
//! the file's blocks at offsets at the same time; the blocks are then scanned for record
//! boundaries in file order, a short step, by a scan that follows the csv crate's quoting
//! rules (a quote opens a quoted field only at the start of a field, `""` inside one is an
//! escaped quote) while jumping from quote to quote with `memchr`. A chunk is the end of the
//! previous block's last record and the block's whole records.

use std::sync::{Arc, Condvar, Mutex};

use crate::data::csv_reader;
use crate::data::header::Header;
use crate::data::input::{AccessReader, RandomAccess};

/// Bytes per block: large enough that counting a chunk dwarfs handing it to a thread (1 MiB
/// and 4 MiB chunks were no faster on the 2M-row benchmark file, and held more memory).
pub(crate) const CHUNK_BYTES: usize = 1 << 18;

/// Where the scan for record boundaries stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Outside quotes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// After a quote inside a quoted field: an escaped quote if a quote follows, else the
    /// field's end.
    QuotedQuote,
}

/// Finds record boundaries in consecutive blocks of bytes.
#[derive(Debug)]
struct Boundaries {
    state: Scan,
    /// The last byte scanned (a newline before the first).
    previous: u8,
}

impl Boundaries {
    fn new() -> Self {
        Boundaries { state: Scan::Unquoted, previous: b'\n' }
    }

    /// Scans `block`, the bytes after those scanned before; returns the end of the last
    /// record that ends in it (one past its newline), 0 if none does.
    fn scan(&mut self, block: &[u8]) -> usize {
        let mut last = 0;
        let mut i = 0;
        while i < block.len() {
            match self.state {
                Scan::Unquoted => {
                    // The last newline before the next quote ends a record.
                    let quote = memchr::memchr(b'"', &block[i..]).map(|at| i + at);
                    let end = quote.unwrap_or(block.len());
                    if let Some(at) = memchr::memrchr(b'\n', &block[i..end]) {
                        last = i + at + 1;
                    }
                    let Some(j) = quote else { break };
                    let before = if j == 0 { self.previous } else { block[j - 1] };
                    if matches!(before, b',' | b'\n' | b'\r') {
                        self.state = Scan::Quoted;
                    }
                    i = j + 1;
                }
                Scan::Quoted => match memchr::memchr(b'"', &block[i..]) {
                    None => break,
                    Some(at) => {
                        self.state = Scan::QuotedQuote;
                        i += at + 1;
                    }
                },
                Scan::QuotedQuote => {
                    if block[i] == b'"' {
                        self.state = Scan::Quoted;
                        i += 1;
                    } else {
                        // The field ended: this byte is read outside quotes.
                        self.state = Scan::Unquoted;
                    }
                }
            }
        }
        if let Some(&byte) = block.last() {
            self.previous = byte;
        }
        last
    }
}

/// A chunk of whole records: `bytes[range]`.
pub(crate) struct Chunk {
    /// The chunk's place among the file's chunks, from 0.
    pub(crate) sequence: u64,
    pub(crate) bytes: Vec<u8>,
    pub(crate) range: std::ops::Range<usize>,
}

/// The chunks of a CSV file after its header, read by several threads.
pub(crate) struct Chunks {
    access: Arc<dyn RandomAccess>,
    /// The offset of the first data byte.
    start: u64,
    block: usize,
    order: Mutex<Order>,
    turn: Condvar,
}

/// The blocks handed out and scanned.
struct Order {
    /// Blocks handed out to be read.
    handed: u64,
    /// Blocks scanned (in order).
    scanned: u64,
    boundaries: Boundaries,
    /// The bytes after the last record boundary scanned.
    leftover: Vec<u8>,
    /// The number of chunks, once the end was read.
    chunks: Option<u64>,
    /// Whether a read failed.
    failed: bool,
}

impl Chunks {
    /// The header of the CSV file `access` (named `source`) and its chunks, read in blocks
    /// of `block` bytes; `None` when the header cannot be read (the sequential reader then
    /// reports why).
    pub(crate) fn open(
        access: Arc<dyn RandomAccess>,
        source: &str,
        block: usize,
    ) -> Option<(Header, Chunks)> {
        // The csv crate reads the header (a byte-order mark, `\r` line ends) as the
        // sequential reader does, and says where the data starts.
        let mut csv = csv_reader(AccessReader::new(access.clone(), 0));
        let header = Header::read(&mut csv, source).ok()?;
        let start = csv.position().byte();
        let order = Order {
            handed: 0,
            scanned: 0,
            boundaries: Boundaries::new(),
            leftover: Vec::new(),
            chunks: None,
            failed: false,
        };
        let chunks = Chunks {
            access,
            start,
            block: block.max(1),
            order: Mutex::new(order),
            turn: Condvar::new(),
        };
        Some((header, chunks))
    }

    /// The number of chunks, once every chunk was handed out (`None` before, or when a read
    /// failed).
    pub(crate) fn count(&self) -> Option<u64> {
        let order = self.order.lock().ok()?;
        if order.failed {
            return None;
        }
        order.chunks
    }

    /// The next chunk, read into `buffer` (that of a chunk counted, or a new one); `None`
    /// when every chunk was handed out, or a read failed.
    pub(crate) fn next(&self, mut buffer: Vec<u8>) -> Option<Chunk> {
        let sequence = {
            let mut order = self.order.lock().ok()?;
            if order.chunks.is_some() || order.failed {
                return None;
            }
            order.handed += 1;
            order.handed - 1
        };
        // Read outside the lock: threads read their blocks at the same time.
        let offset = self.start + sequence * self.block as u64;
        buffer.resize(self.block, 0);
        let read = self.read_block(offset, &mut buffer);
        let mut order = self.order.lock().ok()?;
        while order.scanned != sequence && !order.failed {
            order = self.turn.wait(order).ok()?;
        }
        let Ok(n) = read else {
            order.failed = true;
            self.turn.notify_all();
            return None;
        };
        if order.failed || order.chunks.is_some() {
            return None;
        }
        let mut previous = std::mem::take(&mut order.leftover);
        let end = if n < self.block {
            // The file's end: the last chunk takes every byte left.
            order.chunks = Some(sequence + 1);
            n
        } else {
            match order.boundaries.scan(&buffer[..n]) {
                0 => {
                    // No record ends in this block: it all waits for the next one.
                    previous.extend_from_slice(&buffer[..n]);
                    order.leftover = std::mem::take(&mut previous);
                    0
                }
                cut => {
                    order.leftover.extend_from_slice(&buffer[cut..n]);
                    cut
                }
            }
        };
        order.scanned += 1;
        self.turn.notify_all();
        drop(order);
        // The end of the previous block's last record goes before this block's records.
        buffer.truncate(end);
        buffer.splice(0..0, previous);
        let range = 0..buffer.len();
        Some(Chunk { sequence, bytes: buffer, range })
    }

    /// Reads `buffer.len()` bytes at `offset`, or up to the end of the file: the bytes read.
    fn read_block(&self, offset: u64, buffer: &mut [u8]) -> std::io::Result<usize> {
        let mut filled = 0;
        while filled < buffer.len() {
            match self.access.read_at(offset + filled as u64, &mut buffer[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(filled)
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
        // Scanned in pieces, cut anywhere (inside an escaped quote too), the same.
        for cut in 0..text.len() {
            let mut pieces = Boundaries::new();
            let first = pieces.scan(&text[..cut]);
            let second = pieces.scan(&text[cut..]);
            let last = if second > 0 { cut + second } else { first };
            assert_eq!(last, 27, "cut at {cut}");
        }
    }

    #[test]
    fn chunks_hold_whole_records_in_order() {
        let text = b"h\n1\n22\n\"3\n3\"\n4444\n5".to_vec();
        for block in 1..text.len() + 2 {
            let access: Arc<dyn RandomAccess> = Arc::new(text.clone());
            let (header, chunks) = Chunks::open(access, "t.csv", block).unwrap();
            assert_eq!(header.names(), ["h"]);
            let mut joined = Vec::new();
            let mut next = 0;
            while let Some(chunk) = chunks.next(Vec::new()) {
                assert_eq!(chunk.sequence, next);
                next += 1;
                let bytes = &chunk.bytes[chunk.range];
                assert!(
                    bytes.is_empty() || bytes.ends_with(b"\n") || bytes.ends_with(b"5"),
                    "blocks of {block}: {:?}",
                    String::from_utf8_lossy(bytes)
                );
                joined.extend_from_slice(bytes);
            }
            assert_eq!(chunks.count(), Some(next));
            assert_eq!(joined, &text[2..], "blocks of {block}");
        }
    }
}
