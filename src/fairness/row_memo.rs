//! What rows already seen were counted as: a row's contribution to the counts depends only
//! on its label, prediction and sensitive cells (the label codec never changes its reading
//! of a value once read, missing-value markers and group values are fixed spellings), so a
//! row whose cells repeat an earlier row's exactly (same bytes, or same type and value) is
//! counted without reading them again. Production tables repeat a few combinations over millions of rows: the memo turns
//! the per-row validation into one hash lookup (`bench/run-ingest-comparison.sh`).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::data::batch::Batch;
use crate::data::cell::Cell;
use crate::data::row_key::{KeyWords, RowKey};

/// How a row whose key cells were seen before is counted.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    /// The row's cell of the joint table.
    pub(crate) slot: usize,
    /// The label read as positive or not.
    pub(crate) label: bool,
    /// The prediction, when it is one of the key cells (not a score compared per row).
    pub(crate) prediction: Option<bool>,
}

/// Distinct keys remembered at most: enough for every combination of a real audit's values,
/// and a bound on the memory when values keep changing.
const MAX_KEYS: usize = 1 << 16;

/// Codes at most for the combinations of a batch's key cells ([`RowMemo::key_batch`]).
const MAX_CODES: u32 = 1 << 14;

/// The keys of rows counted so far and how they were counted. Short keys (the usual labels
/// and group names, see [`RowKey`]) are compared as four words; longer ones as byte strings.
#[derive(Clone)]
pub(crate) struct RowMemo {
    columns: Vec<usize>,
    short: HashMap<RowKey, Seen, BuildHasherDefault<WordHasher>>,
    long: HashMap<Vec<u8>, Seen, BuildHasherDefault<WordHasher>>,
    /// The keys of the rows of the batch being counted ([`RowMemo::key_batch`]).
    keys: Vec<KeyWords>,
    /// The key of the row last looked up.
    key: Key,
    /// The bytes of the last long key, built in place row after row (a new vector per row,
    /// when the key cells did not fit four words, had `sextant fairness` take 1.0 s instead
    /// of 0.55 s on the 10M-row monitor benchmark log).
    long_key: Vec<u8>,
    /// Each row's code, a number for the combination of its key cells, when the batch
    /// numbers them (typed columns of few values: [`Batch::code_column`]); else empty, and
    /// rows are keyed by `keys`.
    codes: Vec<u32>,
    /// How a row of each code of the batch was counted, once one was: the rows of a code
    /// are then counted without building their key.
    by_code: Vec<Option<Seen>>,
    /// The codes set in `by_code`, cleared before the next batch.
    coded: Vec<u32>,
    /// The code of the row last looked up, when the batch is coded and the code had no
    /// entry.
    code: Option<u32>,
}

/// A row's key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// None: no key looked up since the last one remembered.
    Unkeyed,
    Short(RowKey),
    /// In [`RowMemo::long_key`].
    Long,
}

impl RowMemo {
    /// A memo keyed by the cells of `columns` (positions in the table's header, in any
    /// order, repeats allowed).
    pub(crate) fn new(mut columns: Vec<usize>) -> Self {
        // Each column once: a cell read twice adds nothing to the key.
        columns.sort_unstable();
        columns.dedup();
        RowMemo {
            columns,
            short: HashMap::default(),
            long: HashMap::default(),
            keys: Vec::new(),
            key: Key::Unkeyed,
            long_key: Vec::new(),
            codes: Vec::new(),
            by_code: Vec::new(),
            coded: Vec::new(),
            code: None,
        }
    }

    /// Numbers or keys `batch`'s rows, before they are looked up.
    pub(crate) fn key_batch<B: Batch + ?Sized>(&mut self, batch: &B) {
        for code in self.coded.drain(..) {
            if let Some(seen) = self.by_code.get_mut(code as usize) {
                *seen = None;
            }
        }
        self.code = None;
        self.keys.clear();
        if self.code_batch(batch) {
            return;
        }
        self.codes.clear();
        self.keys.resize(batch.len(), KeyWords::default());
        for &c in &self.columns {
            batch.key_column(c, &mut self.keys);
        }
    }

    /// Numbers the combinations of `batch`'s key cells, row by row in `codes`, when its key
    /// columns each number their cells and the combinations are at most [`MAX_CODES`].
    fn code_batch<B: Batch + ?Sized>(&mut self, batch: &B) -> bool {
        self.codes.clear();
        self.codes.resize(batch.len(), 0);
        let mut stride = 1;
        for &c in &self.columns {
            match batch.code_column(c, MAX_CODES / stride, stride, &mut self.codes) {
                Some(count) => stride *= count.max(1),
                None => return false,
            }
        }
        let codes = stride as usize;
        if self.by_code.len() < codes {
            self.by_code.resize(codes, None);
        }
        true
    }

    /// How the row `row` of `batch` (whose keys [`RowMemo::key_batch`] built) was counted,
    /// if a row with the same key cells was.
    pub(crate) fn lookup<B: Batch + ?Sized>(&mut self, batch: &B, row: usize) -> Option<Seen> {
        self.code = None;
        let short = match self.codes.get(row) {
            Some(&code) => {
                if let Some(seen) = self.by_code.get(code as usize).copied().flatten() {
                    self.key = Key::Unkeyed;
                    return Some(seen);
                }
                // The first row of its code in the batch: keyed by its cells.
                self.code = Some(code);
                let mut key = KeyWords::default();
                for &c in &self.columns {
                    key.push(batch.cell(row, c));
                }
                key.finish()
            }
            None => self.keys.get(row).and_then(KeyWords::finish),
        };
        self.key = match short {
            Some(key) => Key::Short(key),
            None => {
                self.build_long_key(batch, row);
                Key::Long
            }
        };
        let seen = match &self.key {
            Key::Short(words) => self.short.get(words).copied(),
            Key::Long => self.long.get(self.long_key.as_slice()).copied(),
            Key::Unkeyed => None,
        };
        if let Some(seen) = seen {
            self.remember_code(seen);
        }
        seen
    }

    /// Remembers that the rows of the code last looked up are counted as `seen`.
    fn remember_code(&mut self, seen: Seen) {
        if let Some(code) = self.code.take() {
            if let Some(entry) = self.by_code.get_mut(code as usize) {
                *entry = Some(seen);
                self.coded.push(code);
            }
        }
    }

    /// Builds in `long_key` the key of a row whose key cells do not fit a short key.
    fn build_long_key<B: Batch + ?Sized>(&mut self, batch: &B, row: usize) {
        let key = &mut self.long_key;
        key.clear();
        for &c in &self.columns {
            let cell = batch.cell(row, c);
            let (tag, value) = match cell {
                Cell::Text(bytes) => (0, bytes.len() as u64),
                Cell::Bool(b) => (1, u64::from(b)),
                #[allow(clippy::cast_sign_loss)] // the bits of the value, kept whole
                Cell::Int(v) => (2, v as u64),
                Cell::UInt(v) => (3, v),
                Cell::Float(x) => (4, x.to_bits()),
                Cell::Float32(x) => (5, u64::from(x.to_bits())),
                Cell::Null => (6, 0),
            };
            key.push(tag);
            key.extend_from_slice(&value.to_le_bytes());
            if let Cell::Text(bytes) = cell {
                key.extend_from_slice(bytes);
            }
        }
    }

    /// Remembers that the row last looked up was counted as `seen`.
    pub(crate) fn remember(&mut self, seen: Seen) {
        self.remember_code(seen);
        if self.short.len() + self.long.len() >= MAX_KEYS {
            return;
        }
        match std::mem::replace(&mut self.key, Key::Unkeyed) {
            Key::Short(words) => {
                self.short.insert(words, seen);
            }
            Key::Long => {
                self.long.insert(self.long_key.clone(), seen);
            }
            Key::Unkeyed => {}
        }
    }
}

/// A word-at-a-time multiplicative hash (the FxHash recipe): hashing the short keys of
/// cells is the reader's per-row hot spot, and SipHash's flooding resistance buys nothing
/// for keys from the user's own file.
#[derive(Clone, Copy, Default)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        // The product's high bits depend on every bit of the words, its low bits only on
        // their low bits, and the map picks buckets by the low bits: rotated as rustc-hash
        // 2 does, words that differ only above their first byte (short texts of one
        // length) no longer share a bucket.
        self.0.rotate_left(26)
    }

    fn write_u64(&mut self, word: u64) {
        self.mix(word);
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.mix(u64::from_le_bytes(tail) ^ (bytes.len() as u64) << 56);
    }
}
