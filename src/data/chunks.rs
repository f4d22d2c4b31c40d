//! A CSV file cut into chunks of whole records, to be counted on several cores. Threads read
//! the file's blocks at offsets at the same time; the blocks are then scanned for record
//! boundaries in file order, a short step, by the scan of [`crate::data::quotes`]. A chunk is
//! the end of the previous block's last record and the block's whole records. A file that
//! ends inside a quoted field is left to the sequential reader, which reports it.

use std::sync::{Arc, Condvar, Mutex};

use crate::data::csv_reader;
use crate::data::header::Header;
use crate::data::input::{AccessReader, RandomAccess};
use crate::data::quotes::Boundaries;

/// Bytes per block: large enough that counting a chunk dwarfs handing it to a thread (1 MiB
/// and 4 MiB chunks were no faster on the 2M-row benchmark file, and held more memory).
pub(crate) const CHUNK_BYTES: usize = 1 << 18;

/// Blocks one record may span before the file is left to the sequential reader: bounds the
/// memory a file without record boundaries would take.
const MAX_RECORD_BLOCKS: usize = 64;

/// A chunk of whole records.
pub(crate) struct Chunk {
    /// The chunk's place among the file's chunks, from 0.
    pub(crate) sequence: u64,
    pub(crate) bytes: Vec<u8>,
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

    /// The number of blocks of data after the header (at least 1): the most threads that
    /// can read at once.
    pub(crate) fn blocks(&self) -> u64 {
        self.access.size().saturating_sub(self.start).div_ceil(self.block as u64).max(1)
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
        // Wait for this block's turn, unless the file ended before it (a block handed out
        // past the end) or a read failed: then there is nothing to wait for.
        while order.scanned != sequence && !order.failed && order.chunks.is_none() {
            order = self.turn.wait(order).ok()?;
        }
        if order.failed || order.chunks.is_some() {
            return None;
        }
        let Ok(n) = read else {
            order.failed = true;
            self.turn.notify_all();
            return None;
        };
        let mut previous = std::mem::take(&mut order.leftover);
        let end = if n < self.block {
            // The file's end: the last chunk takes every byte left, unless a quoted field
            // is still open there.
            order.boundaries.scan(&buffer[..n]);
            if order.boundaries.in_quotes() {
                order.failed = true;
                self.turn.notify_all();
                return None;
            }
            order.chunks = Some(sequence + 1);
            n
        } else {
            match order.boundaries.scan(&buffer[..n]) {
                0 if previous.len() >= MAX_RECORD_BLOCKS * self.block => {
                    // No record ends in many blocks (a file without newlines): left to the
                    // sequential reader, which streams it.
                    order.failed = true;
                    self.turn.notify_all();
                    return None;
                }
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
        Some(Chunk { sequence, bytes: buffer })
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
    fn threads_past_the_end_of_a_small_file_stop() {
        // Three threads take blocks 0, 1 and 2 of a file of one block before any is
        // scanned: the two past the end must not wait for turns that never come.
        use std::sync::atomic::{AtomicUsize, Ordering};
        struct Gate(Vec<u8>, std::sync::Barrier, AtomicUsize);
        impl RandomAccess for Gate {
            fn size(&self) -> u64 {
                self.0.len() as u64
            }
            fn read_at(&self, offset: u64, buffer: &mut [u8]) -> std::io::Result<usize> {
                // Once the header is read, the first read of each of three blocks waits
                // for the other two.
                if self.2.fetch_sub(1, Ordering::SeqCst).wrapping_sub(1) < 3 {
                    self.1.wait();
                }
                self.0.read_at(offset, buffer)
            }
        }
        let gate = Arc::new(Gate(
            b"h\n1\n2\n".to_vec(),
            std::sync::Barrier::new(3),
            AtomicUsize::new(usize::MAX / 2),
        ));
        let (_, chunks) = Chunks::open(gate.clone(), "t.csv", 1 << 10).unwrap();
        gate.2.store(3, Ordering::SeqCst);
        let chunks = Arc::new(chunks);
        let (send, got) = std::sync::mpsc::channel();
        for _ in 0..3 {
            let (chunks, send) = (chunks.clone(), send.clone());
            std::thread::spawn(move || send.send(chunks.next(Vec::new()).map(|c| c.sequence)));
        }
        let timeout = std::time::Duration::from_secs(20);
        let got: Vec<Option<u64>> = (0..3)
            .map(|_| got.recv_timeout(timeout).expect("a thread past the end waits forever"))
            .collect();
        assert_eq!(got.iter().flatten().collect::<Vec<_>>(), [&0]);
        assert_eq!(chunks.count(), Some(1));
    }

    #[test]
    fn a_file_without_newlines_is_left_to_the_sequential_reader() {
        let mut text = b"h\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100 * MAX_RECORD_BLOCKS));
        let (_, chunks) = Chunks::open(Arc::new(text), "t.csv", 10).unwrap();
        while chunks.next(Vec::new()).is_some() {}
        assert_eq!(chunks.count(), None);
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
                let bytes = &chunk.bytes[..];
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
