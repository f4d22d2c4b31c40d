//! The physical line where a CSV record starts, for errors. The csv crate's
//! `Position::line` counts a line break only once it consumes its `\n`, and it consumes the
//! `\n` of a `\r\n` (and blank lines) only when it reads the next record, after noting where
//! that record starts: on a file with `\r\n` line ends every record was named by the line
//! before it (rust-csv issue #395). Its byte offsets are right, so a [`LineIndex`] reader
//! notes where the line breaks of the bytes read through it are, and counts them up to a
//! record's first byte.

use std::collections::VecDeque;
use std::io::Read;

/// Where the CSV record at a csv crate position starts: its physical line (1-based).
pub(crate) trait RecordLines {
    /// The line of the record (or error) at `position`; positions asked for never go back.
    fn line_at(&mut self, position: &csv::Position) -> u64;
}

/// Bytes read by the csv crate from memory (a chunk of a file, counted apart): their
/// positions are the chunk's own, and the csv crate's line is kept.
impl RecordLines for &[u8] {
    fn line_at(&mut self, position: &csv::Position) -> u64 {
        position.line()
    }
}

/// The line ends in `bytes` (`\n`, `\r\n`, or a lone `\r`), as a [`LineIndex`] counts them;
/// `bytes` must not end inside a `\r\n`.
#[cfg(not(target_arch = "wasm32"))] // followed inputs, native only
pub(crate) fn line_ends(bytes: &[u8]) -> u64 {
    let ends = memchr::memchr2_iter(b'\r', b'\n', bytes)
        .filter(|&at| bytes[at] == b'\n' || bytes.get(at + 1) != Some(&b'\n'));
    ends.count() as u64
}

/// A reader that notes the `\r` and `\n` bytes read through it, to tell the physical line
/// of a record from its byte offset. A line ends at `\n`, `\r\n` or a lone `\r` (the
/// csv crate's record terminators).
pub(crate) struct LineIndex<R> {
    inner: R,
    /// Bytes read through so far.
    read: u64,
    /// The `\r` and `\n` bytes at or after the last offset asked for, ascending, as
    /// `offset << 2 | is_cr << 1 | ends_line` (a `\r` followed by `\n` does not end a line:
    /// its `\n` does).
    breaks: VecDeque<u64>,
    /// Lines ended before the first of `breaks`.
    lines_before: u64,
}

impl<R> LineIndex<R> {
    /// Indexes the bytes read from `inner`, whose first byte is at offset 0.
    pub(crate) fn new(inner: R) -> Self {
        Self::after_lines(inner, 0)
    }

    /// Indexes the bytes read from `inner`, whose first byte is on the line after `lines`
    /// lines (a part of a longer input, named by its lines there).
    pub(crate) fn after_lines(inner: R, lines: u64) -> Self {
        LineIndex { inner, read: 0, breaks: VecDeque::new(), lines_before: lines }
    }

    /// The reader indexed.
    pub(crate) fn inner(&self) -> &R {
        &self.inner
    }

    /// The line of the first byte at or after `offset` that is not a line break (a record
    /// starts there: the csv crate's offset may be that of the `\n` of the previous
    /// record's `\r\n`, or of blank lines it skips). Offsets asked for never go back.
    fn line_of(&mut self, offset: u64) -> u64 {
        while let Some(&front) = self.breaks.front() {
            if front >> 2 >= offset {
                break;
            }
            self.lines_before += front & 1;
            self.breaks.pop_front();
        }
        let skipped = self
            .breaks
            .iter()
            .zip(offset..)
            .take_while(|&(&b, at)| b >> 2 == at)
            .map(|(&b, _)| b & 1)
            .sum::<u64>();
        1 + self.lines_before + skipped
    }
}

impl<R> RecordLines for LineIndex<R> {
    fn line_at(&mut self, position: &csv::Position) -> u64 {
        self.line_of(position.byte())
    }
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        for at in memchr::memchr2_iter(b'\r', b'\n', &buffer[..n]) {
            let offset = self.read + at as u64;
            if buffer[at] == b'\r' {
                self.breaks.push_back(offset << 2 | 0b11);
                continue;
            }
            // The `\n` of a `\r\n` ends the line, not its `\r`.
            if let Some(back) = self.breaks.back_mut().filter(|b| **b == (offset - 1) << 2 | 0b11) {
                *back &= !1;
            }
            self.breaks.push_back(offset << 2 | 1);
        }
        self.read += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv_reader;

    /// The line of every record of `text` as a [`LineIndex`] tells it.
    fn record_lines(text: &[u8]) -> Vec<u64> {
        let mut csv = csv_reader(LineIndex::new(text));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while csv.read_byte_record(&mut record).unwrap_or(false) {
            let position = record.position().cloned().unwrap_or_else(csv::Position::new);
            lines.push(csv.get_mut().line_at(&position));
        }
        lines
    }

    #[test]
    fn records_are_named_by_the_line_they_start_on() {
        for (text, lines) in [
            (&b"a,b\n1,2\n3,4\n"[..], vec![2, 3]),
            (b"a,b\r\n1,2\r\n3,4\r\n", vec![2, 3]),
            (b"a,b\r\n1,2\r\n\r\n\r\n3,4", vec![2, 5]),
            (b"a,b\n\n1,2\n\n3,4\n", vec![3, 5]),
            (b"a,b\r\n1,\"x\r\ny\"\r\n3,4\r\n", vec![2, 4]),
            (b"a,b\r1,2\r3,4\r", vec![2, 3]),
            (b"a,b\n1,\"x\ry\"\n3,4\r\n\n5,6\n", vec![2, 4, 6]),
            (b"\xEF\xBB\xBFa,b\r\n1,2\r\n3,4\r\n", vec![2, 3]),
        ] {
            assert_eq!(record_lines(text), lines, "{:?}", String::from_utf8_lossy(text));
        }
    }
}
