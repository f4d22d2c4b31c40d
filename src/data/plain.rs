//! Plain CSV records split at commas and newlines, keeping only the fields of the columns a
//! count reads: the fast path for a chunk of whole records without quotes or carriage
//! returns, where the csv crate's state machine, which decodes every field of every record,
//! does work a count throws away (`bench/run-ingest-comparison.sh` measures the difference).
//!
//! Without a quote or a `\r` in the bytes, the csv crate's reading reduces to this: a record
//! ends at `\n`, fields end at `,`, an empty line is no record. A record whose number of
//! fields is not the header's stops the chunked count: the sequential reader reports it.

use crate::data::batch::Batch;
use crate::data::cell::{Cell, Place};
use wide::u8x16;

use crate::data::batch::BATCH_ROWS;

/// A batch of plain records read from a chunk, with the needed fields of each.
pub(crate) struct PlainRecords<'a> {
    bytes: &'a [u8],
    /// Per block of 64 bytes: the commas and the newlines among them, bit `i` for byte `i`.
    masks: Vec<(u64, u64)>,
    /// The offset of the first byte not yet read.
    next: usize,
    /// Lines before `next`, for the places of rows.
    lines: u64,
    width: usize,
    /// Per column of the header: its position among the needed fields, if it is needed.
    slot: Vec<Option<usize>>,
    /// The number of needed fields, and the last column needed.
    needed: usize,
    last_needed: usize,
    /// The needed fields, `needed` per row of the batch.
    fields: Vec<&'a [u8]>,
    /// Each row's line in the chunk (1-based).
    row_lines: Vec<u64>,
}

impl<'a> PlainRecords<'a> {
    /// The records of `bytes` (whole records of a table `width` columns wide) keeping the
    /// fields of `columns`; `None` when `bytes` hold a quote or a carriage return, which only
    /// the csv crate reads right, or `columns` are not columns of the table.
    pub(crate) fn new(bytes: &'a [u8], width: usize, columns: &[usize]) -> Option<Self> {
        if memchr::memchr2(b'"', b'\r', bytes).is_some() {
            return None;
        }
        let mut slot = vec![None; width];
        for &c in columns {
            *slot.get_mut(c)? = Some(0);
        }
        let mut needed = 0;
        for s in slot.iter_mut().flatten() {
            *s = needed;
            needed += 1;
        }
        let last_needed = slot.iter().rposition(Option::is_some)?;
        let masks: Vec<(u64, u64)> = bytes.chunks(64).map(separators).collect();
        // Room for the rows of a batch: at most one per newline, and one without.
        let newlines: usize = masks.iter().map(|(_, n)| n.count_ones() as usize).sum();
        let rows = BATCH_ROWS.min(newlines + 1);
        Some(PlainRecords {
            bytes,
            masks,
            next: 0,
            lines: 0,
            width,
            slot,
            needed,
            last_needed,
            fields: Vec::with_capacity(rows * needed),
            row_lines: Vec::with_capacity(rows),
        })
    }

    /// Reads the next batch of up to [`BATCH_ROWS`] records: `Some(false)` at the end,
    /// `None` at a record whose number of fields is not the header's.
    pub(crate) fn fill(&mut self) -> Option<bool> {
        self.fields.clear();
        self.row_lines.clear();
        while self.row_lines.len() < BATCH_ROWS && self.next < self.bytes.len() {
            self.lines += 1;
            if self.bytes[self.next] == b'\n' {
                self.next += 1; // an empty line is no record
                continue;
            }
            self.next = self.record(self.next)?;
            self.row_lines.push(self.lines);
        }
        Some(!self.row_lines.is_empty())
    }

    /// Keeps the needed fields of the record starting at `start`, and returns where the next
    /// record starts; `None` when the record does not have the header's number of fields.
    fn record(&mut self, start: usize) -> Option<usize> {
        let mut separators = Separators::at(&self.masks, start);
        let mut from = start;
        for column in 0..=self.last_needed {
            let (end, newline) = separators.next().unwrap_or((self.bytes.len(), true));
            if self.slot[column].is_some() {
                self.fields.push(&self.bytes[from..end]);
            }
            if newline {
                return (column + 1 == self.width).then_some(end + 1);
            }
            from = end + 1;
        }
        // The fields after the last needed one are only counted.
        let len = self.bytes.len();
        let end = next_bit(&self.masks, |(_, newlines)| newlines, from, len).unwrap_or(len);
        let fields = self.last_needed + 1 + count_bits(&self.masks, from, end) + 1;
        (fields == self.width).then_some(end + 1)
    }
}

/// The commas and newlines of a chunk in order, from a position on.
struct Separators<'m> {
    masks: &'m [(u64, u64)],
    /// The current block, the separators left in it, and its newlines.
    word: usize,
    left: u64,
    newlines: u64,
}

impl<'m> Separators<'m> {
    fn at(masks: &'m [(u64, u64)], from: usize) -> Self {
        let word = from / 64;
        let (commas, newlines) = masks.get(word).copied().unwrap_or_default();
        Separators { masks, word, left: (commas | newlines) & (u64::MAX << (from % 64)), newlines }
    }
}

impl Iterator for Separators<'_> {
    /// The separator's position, and whether it is a newline.
    type Item = (usize, bool);

    fn next(&mut self) -> Option<(usize, bool)> {
        while self.left == 0 {
            self.word += 1;
            let (commas, newlines) = *self.masks.get(self.word)?;
            (self.left, self.newlines) = (commas | newlines, newlines);
        }
        let lowest = self.left & self.left.wrapping_neg();
        self.left ^= lowest;
        Some((self.word * 64 + lowest.trailing_zeros() as usize, self.newlines & lowest != 0))
    }
}

/// The commas and newlines of a block of up to 64 bytes, as bit masks: 16 bytes per vector
/// compare (SSE2 on x86-64, NEON on aarch64, through `wide`), where the same loop over bytes compiles to one
/// byte at a time (the 2M-row file of `bench/run-ingest-comparison.sh` split 2.5x faster).
fn separators(block: &[u8]) -> (u64, u64) {
    let (mut commas, mut newlines) = (0u64, 0u64);
    let mut lanes = block.chunks_exact(16);
    for (i, lane) in (&mut lanes).enumerate() {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(lane);
        let bytes = u8x16::new(bytes);
        let comma = bytes.simd_eq(u8x16::splat(b',')).to_bitmask();
        let newline = bytes.simd_eq(u8x16::splat(b'\n')).to_bitmask();
        commas |= u64::from(comma) << (16 * i);
        newlines |= u64::from(newline) << (16 * i);
    }
    let from = block.len() - lanes.remainder().len();
    for (i, &byte) in lanes.remainder().iter().enumerate() {
        commas |= u64::from(byte == b',') << (from + i);
        newlines |= u64::from(byte == b'\n') << (from + i);
    }
    (commas, newlines)
}

/// The first set bit of `pick(mask)` over `masks` at a position in `from..to`.
fn next_bit(
    masks: &[(u64, u64)],
    pick: impl Fn((u64, u64)) -> u64,
    from: usize,
    to: usize,
) -> Option<usize> {
    let mut word = from / 64;
    let mut bits = pick(*masks.get(word)?) & (u64::MAX << (from % 64));
    loop {
        if bits != 0 {
            let at = word * 64 + bits.trailing_zeros() as usize;
            return (at < to).then_some(at);
        }
        word += 1;
        if word * 64 >= to {
            return None;
        }
        bits = pick(*masks.get(word)?);
    }
}

/// The number of commas of `masks` at positions in `from..to`.
fn count_bits(masks: &[(u64, u64)], from: usize, to: usize) -> usize {
    if from >= to {
        return 0;
    }
    let (first, last) = (from / 64, (to - 1) / 64);
    let mut count = 0;
    for (word, &(commas, _)) in masks.iter().enumerate().take(last + 1).skip(first) {
        let mut bits = commas;
        if word == first {
            bits &= u64::MAX << (from % 64);
        }
        if word == last {
            bits &= u64::MAX >> (63 - (to - 1) % 64);
        }
        count += bits.count_ones() as usize;
    }
    count
}

impl Batch for PlainRecords<'_> {
    fn len(&self) -> usize {
        self.row_lines.len()
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        let field = match self.slot.get(column) {
            Some(&Some(slot)) => self.fields.get(row * self.needed + slot),
            _ => None,
        };
        Cell::Text(field.copied().unwrap_or_default())
    }

    fn place(&self, row: usize) -> Place {
        Place::Line(self.row_lines.get(row).copied().unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(records: &PlainRecords<'_>, columns: &[usize]) -> Vec<Vec<String>> {
        (0..records.len())
            .map(|row| {
                columns
                    .iter()
                    .map(|&c| match records.cell(row, c) {
                        Cell::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn needed_fields_are_kept_and_empty_lines_skipped() {
        let text = b"a,b,c,d\n\n,x,,\ne,f,g,h";
        let mut records = PlainRecords::new(text, 4, &[2, 0]).unwrap();
        assert_eq!(records.fill(), Some(true));
        assert_eq!(fields(&records, &[0, 2]), [["a", "c"], ["", ""], ["e", "g"]]);
        // Unneeded columns read as empty.
        assert_eq!(fields(&records, &[1]), [[""], [""], [""]]);
        assert_eq!(records.place(2), Place::Line(4));
        assert_eq!(records.fill(), Some(false));
    }

    #[test]
    fn ragged_records_quotes_and_carriage_returns_are_refused() {
        for text in [&b"a,b,c\nd,e\n"[..], b"a,b\nc,d,e\n", b"a,b,c,d,e\n"] {
            let mut records = PlainRecords::new(text, 3, &[0]).unwrap();
            assert_eq!(records.fill(), None, "{}", String::from_utf8_lossy(text));
        }
        assert!(PlainRecords::new(b"a,\"b\",c\n", 3, &[0]).is_none());
        assert!(PlainRecords::new(b"a,b,c\r\n", 3, &[0]).is_none());
        assert!(PlainRecords::new(b"a,b,c\n", 3, &[3]).is_none());
    }
}
