//! A row's key: the values of some of its cells packed into four words, equal for two rows
//! exactly when those cells are (same bytes, or same type and value). Counting keeps a memo
//! of rows already counted by their keys; a batch builds its rows' keys a column at a time
//! ([`crate::data::batch::Batch::key_column`]).

use std::hash::{Hash, Hasher};

use crate::data::cell::Cell;

/// A row's key: each of its key cells in whole little-endian words, zeros after the last
/// cell. Text is its length in the first byte and its bytes after it (up to 7 bytes in one
/// word); a typed value is a word whose first byte is [`TYPED`] and second its type, with
/// the value in the other six bytes when it fits, else in the next word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RowKey([u64; SHORT_WORDS]);

/// Words of a key.
const SHORT_WORDS: usize = 4;

/// The first byte of a typed value's word: never the length of text in a key.
const TYPED: u64 = 0xFF;

/// A row's key being built, cell after cell: up to [`SHORT_WORDS`] words, or a mark that
/// the cells did not fit.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KeyWords {
    words: [u64; SHORT_WORDS],
    /// Words written; more than [`SHORT_WORDS`] when the cells did not fit.
    used: usize,
}

impl KeyWords {
    /// The key of the cells pushed; `None` when they did not fit.
    #[inline]
    pub(crate) fn finish(&self) -> Option<RowKey> {
        (self.used <= SHORT_WORDS).then_some(RowKey(self.words))
    }

    #[inline(always)]
    fn put(&mut self, word: u64) {
        // Words are written at increasing positions: a match per position lets the
        // compiler keep a key built in one go in registers (written to memory word by word
        // and read back whole to hash and compare, it stalls the processor on every row).
        match self.used {
            0 => self.words[0] = word,
            1 => self.words[1] = word,
            2 => self.words[2] = word,
            3 => self.words[3] = word,
            _ => {}
        }
        self.used += 1;
    }

    /// Appends the words of `other` (the key of a cell, pushed on its own).
    #[inline]
    #[cfg_attr(not(feature = "columnar"), allow(dead_code))] // keys of dictionary values
    pub(crate) fn append(&mut self, other: &KeyWords) {
        for &word in &other.words[..other.used.min(SHORT_WORDS)] {
            self.put(word);
        }
        if other.used > SHORT_WORDS {
            self.used = SHORT_WORDS + 1;
        }
    }

    /// Appends `cell`.
    #[inline(always)] // the hot path of counting: one call per cell otherwise
    pub(crate) fn push(&mut self, cell: Cell<'_>) {
        let inline = |tag: u64, value: u64| TYPED | tag << 8 | value << 16;
        let fits = |value: u64| value < 1 << 48;
        #[allow(clippy::cast_sign_loss)] // the bits of the value, kept whole
        let (first, second) = match cell {
            Cell::Text(bytes) => return self.push_text(bytes),
            Cell::Bool(b) => (inline(1, u64::from(b)), None),
            Cell::Int(v) if (-(1 << 47)..1 << 47).contains(&v) => {
                (inline(2, (v as u64) & ((1 << 48) - 1)), None)
            }
            Cell::Int(v) => (inline(3, 0), Some(v as u64)),
            Cell::UInt(v) if fits(v) => (inline(4, v), None),
            Cell::UInt(v) => (inline(5, 0), Some(v)),
            Cell::Float(x) => (inline(6, 0), Some(x.to_bits())),
            Cell::Float32(x) => (inline(7, u64::from(x.to_bits())), None),
            Cell::Null => (inline(8, 0), None),
        };
        self.put(first);
        if let Some(second) = second {
            self.put(second);
        }
    }

    /// Appends the text `cell`: its length in the first byte and its bytes after it.
    #[inline(always)]
    fn push_text(&mut self, cell: &[u8]) {
        if self.used + cell.len() / 8 + 1 > SHORT_WORDS {
            self.used = SHORT_WORDS + 1;
            return;
        }
        // Shifts rather than a copy: a copy of unknown length is a call to memcpy.
        let mut word = cell.len() as u64;
        let mut shift = 8;
        for &byte in cell {
            if shift == 64 {
                self.put(word);
                (word, shift) = (0, 0);
            }
            word |= u64::from(byte) << shift;
            shift += 8;
        }
        self.put(word);
    }
}

impl Hash for RowKey {
    /// The words folded into one before the hasher's mixing: four independent multiplies
    /// rather than a chain of four rounds.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let [a, b, c, d] = self.0;
        state.write_u64(
            a.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                ^ b.wrapping_mul(0xc2b2_ae3d_27d4_eb4f).rotate_left(17)
                ^ c.wrapping_mul(0x1656_67b1_9e37_79f9).rotate_left(31)
                ^ d.wrapping_mul(0x85eb_ca77_c2b2_ae63).rotate_left(47),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(cells: &[Cell<'_>]) -> Option<RowKey> {
        let mut key = KeyWords::default();
        for &cell in cells {
            key.push(cell);
        }
        key.finish()
    }

    #[test]
    fn different_cells_have_different_keys() {
        let keys = [
            key(&[Cell::Text(b"ab"), Cell::Text(b"c")]),
            key(&[Cell::Text(b"a"), Cell::Text(b"bc")]),
            key(&[Cell::Text(b"abc")]),
            key(&[Cell::Text(b"1")]),
            key(&[Cell::Int(1)]),
            key(&[Cell::UInt(1)]),
            key(&[Cell::Bool(true)]),
            key(&[Cell::Float(1.0)]),
            key(&[Cell::Float32(1.0)]),
            key(&[Cell::Int(-1)]),
            key(&[Cell::Int(i64::MIN)]),
            key(&[Cell::UInt(u64::MAX)]),
            key(&[Cell::Null]),
            key(&[Cell::Text(b"")]),
            key(&[Cell::Text(b"1234567")]),
            key(&[Cell::Text(b"12345678")]),
        ];
        for (i, a) in keys.iter().enumerate() {
            assert!(a.is_some(), "{i}");
            for (j, b) in keys.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{i} and {j}");
            }
        }
        assert_eq!(key(&[Cell::Text(b"ab")]), key(&[Cell::Text(b"ab")]));
    }

    #[test]
    fn cells_beyond_four_words_do_not_fit() {
        assert_eq!(key(&[Cell::Text(&[b'x'; 31])]).map(|_| ()), Some(()));
        assert_eq!(key(&[Cell::Text(&[b'x'; 32])]), None);
        assert_eq!(key(&[Cell::Float(1.0), Cell::Float(2.0), Cell::Int(1)]), None);
        // A key that overflowed stays overflowed, whatever is appended.
        let mut long = KeyWords::default();
        long.push(Cell::Text(&[b'x'; 40]));
        let mut key = KeyWords::default();
        key.append(&long);
        assert_eq!(key.finish(), None);
    }
}
