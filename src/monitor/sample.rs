//! The values of one drift column in one window, as they are read: numbers counted per
//! distinct value while there are few (ages, hours), else kept one by one and sorted at the
//! end (an income, a score); categories counted. Samples of the parts of an input merge.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::data::batch::Batch;
use crate::data::cell::{Cell, Finite};
use crate::fairness::row_memo::WordHasher;
use crate::monitor::sorted::SortedSample;

/// The values of one drift column in one window (or the reference).
#[derive(Debug, Clone, Default)]
pub(crate) struct Sample {
    /// The numbers, sorted, once [`Sample::finish`] has made them.
    pub(crate) sorted: SortedSample,
    /// Numbers counted per distinct value (order keys ascending, with their counts), while
    /// there are at most [`MAX_DISTINCT`]: a column of few values (ages, hours) stays this
    /// small however many rows it has.
    runs: Vec<(u64, u64)>,
    /// Numbers written as short text (a word: see [`short_text`]) counted per spelling,
    /// with the order key of the number each spells: a repeated spelling is counted
    /// without being parsed again. Folded into `runs` by [`Sample::count`].
    spellings: HashMap<u64, (u64, u64), BuildHasherDefault<WordHasher>>,
    /// Numbers as they come ([`order_key`]s), not yet counted (or never, once `spilled`).
    keys: Vec<u64>,
    /// Whether the sample had more distinct numbers than it counts: it keeps them one by one.
    spilled: bool,
    /// Numbers of rows that stand for several rows (`--count-column`), with their counts:
    /// folded into `runs` while the sample counts, and never repeated one by one (a count
    /// may stand for millions of rows).
    weighted: Vec<(u64, u64)>,
    /// Whether a row stood for several: a spilled sample then keeps its counted values in
    /// `weighted` rather than repeating them.
    counted_rows: bool,
    /// The count per category, when it is categorical.
    pub(crate) categories: BTreeMap<String, u64>,
    /// Set once any sample of the column has spilled, shared by the column's samples in
    /// every window and chunk: later ones keep their values one by one without counting
    /// them first (which would sort them only to find too many distinct values again).
    spills_at_once: Option<Arc<AtomicBool>>,
}

/// Distinct values a sample counts before it keeps its values one by one.
const MAX_DISTINCT: usize = 4096;

/// Numbers a sample takes in before it counts them.
const COUNT_EVERY: usize = 1 << 16;

/// The sign bit of an `f64`.
const SIGN: u64 = 1 << 63;

/// An `f64`'s bits, flipped so that integer order is `f64::total_cmp`'s order: sorting
/// `u64`s is about twice as fast as comparing floats.
fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits & SIGN == 0 {
        bits | SIGN
    } else {
        !bits
    }
}

/// A cell of text of at most 7 bytes as one word: its length in the low byte, its bytes
/// above (so two cells have the same word exactly when they have the same bytes).
fn short_text(cell: &Cell<'_>) -> Option<u64> {
    match cell {
        Cell::Text(bytes) if bytes.len() < 8 => Some(
            bytes
                .iter()
                .enumerate()
                .fold(bytes.len() as u64, |word, (i, &b)| word | u64::from(b) << (8 * (i + 1))),
        ),
        _ => None,
    }
}

/// The `f64` of an [`order_key`].
fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key & SIGN != 0 { key & !SIGN } else { !key })
}

/// `runs` sorted by key, the counts of a repeated key added.
fn counted(mut runs: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    runs.sort_unstable();
    runs.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            earlier.1 += later.1;
        }
        same
    });
    runs
}

/// The union of two lists of counted keys (ascending), counts added.
fn merge_runs(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    loop {
        match (a.get(i), b.get(j)) {
            (Some(&(x, c)), Some(&(y, d))) if x == y => {
                merged.push((x, c + d));
                i += 1;
                j += 1;
            }
            (Some(&(x, c)), Some(&(y, _))) if x < y => {
                merged.push((x, c));
                i += 1;
            }
            (Some(&(x, c)), None) => {
                merged.push((x, c));
                i += 1;
            }
            (_, Some(&(y, d))) => {
                merged.push((y, d));
                j += 1;
            }
            (None, None) => return merged,
        }
    }
}

impl Sample {
    /// An empty sample that spills when any sample sharing `spills` has (see
    /// [`Sample::spills_at_once`]).
    pub(crate) fn sharing(spills: Arc<AtomicBool>) -> Self {
        Sample { spills_at_once: Some(spills), ..Sample::default() }
    }

    /// The values kept (missing values are not).
    pub(crate) fn len(&self) -> u64 {
        self.sorted.len()
            + self.runs.iter().map(|&(_, c)| c).sum::<u64>()
            + self.spellings.values().map(|&(_, c)| c).sum::<u64>()
            + self.keys.len() as u64
            + self.weighted.iter().map(|&(_, c)| c).sum::<u64>()
            + self.categories.values().sum::<u64>()
    }

    /// Keeps the numbers of the first `rows` rows of `batch`'s `column` (missing values are
    /// not kept), each as many times as `counts` says, if given; the first row whose value
    /// is not a finite number, if any (rows that count 0 are not read).
    pub(crate) fn push_column<B: Batch + ?Sized>(
        &mut self,
        batch: &B,
        column: usize,
        rows: usize,
        counts: Option<&[u64]>,
    ) -> Option<(usize, Bad)> {
        if !self.spilled && self.spills_at_once.as_ref().is_some_and(|s| s.load(Ordering::Relaxed))
        {
            self.spill();
        }
        let number = |cell: &Cell<'_>, row: usize| match cell.finite() {
            Finite::Number(x) => Ok(Some(x)),
            Finite::Missing => Ok(None),
            Finite::Neither => Err((row, Bad::NotANumber)),
        };
        if let Some(counts) = counts {
            for (row, &n) in counts.iter().enumerate().take(rows).filter(|&(_, &n)| n > 0) {
                match number(&batch.cell(row, column), row) {
                    Ok(Some(x)) => self.push_n(x, n),
                    Ok(None) => {}
                    Err(bad) => return Some(bad),
                }
            }
            return None;
        }
        for row in 0..rows {
            let cell = batch.cell(row, column);
            let word = if self.spilled { None } else { short_text(&cell) };
            let Some(word) = word else {
                match number(&cell, row) {
                    Ok(Some(x)) => self.push(x),
                    Ok(None) => {}
                    Err(bad) => return Some(bad),
                }
                continue;
            };
            if let Some((_, count)) = self.spellings.get_mut(&word) {
                *count += 1;
                continue;
            }
            match number(&cell, row) {
                Ok(Some(x)) => {
                    self.spellings.insert(word, (order_key(x), 1));
                    if self.spellings.len() + self.runs.len() > MAX_DISTINCT {
                        self.count();
                    }
                }
                Ok(None) => {}
                Err(bad) => return Some(bad),
            }
        }
        None
    }

    /// Keeps the number `x`, `n` times.
    fn push_n(&mut self, x: f64, n: u64) {
        if n == 1 {
            return self.push(x);
        }
        self.counted_rows = true;
        self.weighted.push((order_key(x), n));
        if !self.spilled && self.weighted.len() >= COUNT_EVERY {
            self.count();
        }
    }

    /// Keeps the number `x`.
    fn push(&mut self, x: f64) {
        self.keys.push(order_key(x));
        if !self.spilled && self.keys.len() >= COUNT_EVERY {
            self.count();
        }
    }

    /// Counts the keys taken in into `runs`; or, when that makes more than [`MAX_DISTINCT`]
    /// distinct values, keeps every value one by one from now on.
    pub(crate) fn count(&mut self) {
        if !self.spellings.is_empty() {
            let spelled = counted(self.spellings.drain().map(|(_, run)| run).collect());
            self.runs = merge_runs(&self.runs, &spelled);
            if self.runs.len() > MAX_DISTINCT {
                self.spill();
                return;
            }
        }
        if !self.spilled && !self.weighted.is_empty() {
            self.runs = merge_runs(&self.runs, &counted(std::mem::take(&mut self.weighted)));
            if self.runs.len() > MAX_DISTINCT {
                self.spill();
                return;
            }
        }
        if self.spilled || self.keys.is_empty() {
            return;
        }
        if self.spills_at_once.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
            self.spill();
            return;
        }
        radsort::sort(&mut self.keys);
        let mut counted: Vec<(u64, u64)> = Vec::new();
        for &key in &self.keys {
            match counted.last_mut() {
                Some((last, count)) if *last == key => *count += 1,
                _ => counted.push((key, 1)),
            }
            if counted.len() > MAX_DISTINCT {
                self.spill();
                return;
            }
        }
        let merged = merge_runs(&self.runs, &counted);
        if merged.len() > MAX_DISTINCT {
            self.spill();
            return;
        }
        self.runs = merged;
        self.keys.clear();
    }

    /// Keeps every value one by one: the counted ones go back to `keys` (to `weighted`, with
    /// their counts, when rows stood for several).
    fn spill(&mut self) {
        self.spilled = true;
        if let Some(spills) = &self.spills_at_once {
            spills.store(true, Ordering::Relaxed);
        }
        let spelled = self.spellings.drain().map(|(_, run)| run);
        if self.counted_rows {
            self.weighted.extend(self.runs.drain(..).chain(spelled));
            return;
        }
        for (key, count) in self.runs.drain(..).chain(spelled) {
            let n = usize::try_from(count).unwrap_or(usize::MAX);
            self.keys.extend(std::iter::repeat_n(key, n));
        }
    }

    /// Takes in the numbers of the same column in a later part of the input.
    #[cfg(not(target_arch = "wasm32"))] // gathered in chunks, native only
    pub(crate) fn merge(&mut self, mut other: Sample) {
        self.counted_rows |= other.counted_rows;
        other.counted_rows = self.counted_rows;
        // Once either side keeps its values one by one, so does the whole: counting the
        // other's (sorting them) would be lost work.
        if !self.spilled && !other.spilled {
            self.count();
            other.count();
        }
        if !self.spilled && !other.spilled {
            self.runs = merge_runs(&self.runs, &other.runs);
            if self.runs.len() > MAX_DISTINCT {
                self.spill();
            }
        } else {
            self.spill();
            other.spill();
            // Copied into one vector as parts come: a large vector grows by remapping its
            // pages, and a part's memory is freed to be reused by the next part. Kept
            // apart and joined at the end, the parts' freed memory stayed resident beside
            // the joined copy (peak RSS twice the values).
            self.keys.extend_from_slice(&other.keys);
            self.weighted.extend(other.weighted);
        }
        for (category, count) in other.categories {
            *self.categories.entry(category).or_default() += count;
        }
    }

    pub(crate) fn finish(&mut self) {
        self.count();
        if !self.spilled {
            let counts: Vec<u64> = self.runs.iter().map(|&(_, c)| c).collect();
            let values = self.runs.drain(..).map(|(k, _)| from_order_key(k)).collect();
            self.sorted = SortedSample::from_counts(values, &counts);
            return;
        }
        let mut keys = std::mem::take(&mut self.keys);
        keys.shrink_to_fit();
        radsort::sort(&mut keys);
        if !self.weighted.is_empty() {
            // Rows that stood for several: the sample is its distinct values with counts.
            let ones = keys.into_iter().map(|key| (key, 1)).collect();
            let runs = merge_runs(&counted(ones), &counted(std::mem::take(&mut self.weighted)));
            let counts: Vec<u64> = runs.iter().map(|&(_, c)| c).collect();
            let values = runs.into_iter().map(|(k, _)| from_order_key(k)).collect();
            self.sorted = SortedSample::from_counts(values, &counts);
            return;
        }
        // Collected in place: the keys' memory holds the numbers.
        self.sorted = SortedSample::from_sorted(keys.into_iter().map(from_order_key).collect());
    }
}

/// What is wrong with a drift column's value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bad {
    /// Not a finite number, in a numeric column.
    NotANumber,
    /// Text that is not UTF-8, in a categorical column.
    NotUtf8,
}

/// Counts the categories of the first `rows` rows of `batch`'s `column` (missing values
/// are not), each row as many times as `counts` says, if given; the first row whose text
/// is not UTF-8, if any (rows that count 0 are not read).
pub(crate) fn count_categories<B: Batch + ?Sized>(
    batch: &B,
    column: usize,
    rows: usize,
    counts: Option<&[u64]>,
    sample: &mut Sample,
) -> Option<(usize, Bad)> {
    for row in 0..rows {
        let n = counts.map_or(1, |counts| counts.get(row).copied().unwrap_or(1));
        if n == 0 {
            continue;
        }
        let cell = batch.cell(row, column);
        if cell.is_missing() {
            continue;
        }
        let text = cell.name();
        let Ok(value) = std::str::from_utf8(&text) else { return Some((row, Bad::NotUtf8)) };
        match sample.categories.get_mut(value) {
            Some(count) => *count += n,
            None => {
                sample.categories.insert(value.to_owned(), n);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_sort_as_floats_do_counted_or_one_by_one() {
        let mut numbers = vec![3.5, -0.0, 1e-300, -2.0, 0.0, f64::MAX, -1e300, 7.0, -2.0];
        numbers.extend((0..5000).map(|i| f64::from(i % 4500) / 7.0));
        let mut expected = numbers.clone();
        expected.sort_by(f64::total_cmp);
        let expected = SortedSample::from_sorted(expected);
        // Few values: counted; many: kept one by one; parts merged either way.
        for (cut, split) in [(9, false), (numbers.len(), false), (2000, true), (5, true)] {
            let mut sample = Sample::default();
            numbers[..cut].iter().for_each(|&x| sample.push(x));
            if split {
                let mut part = Sample::default();
                numbers[cut..].iter().for_each(|&x| part.push(x));
                sample.merge(part);
            } else {
                numbers[cut..].iter().for_each(|&x| sample.push(x));
            }
            sample.finish();
            let bits = |s: &SortedSample| {
                (0..s.len()).map(|r| s.value_at(r).to_bits()).collect::<Vec<_>>()
            };
            assert_eq!(bits(&sample.sorted), bits(&expected), "cut {cut}");
        }
    }

    /// A batch of one column of texts.
    struct Texts<'a>(&'a [String]);

    impl Batch for Texts<'_> {
        fn len(&self) -> usize {
            self.0.len()
        }

        fn cell(&self, row: usize, _: usize) -> Cell<'_> {
            Cell::Text(self.0[row].as_bytes())
        }

        fn place(&self, row: usize) -> crate::data::cell::Place {
            crate::data::cell::Place::Line(row as u64 + 2)
        }
    }

    #[test]
    fn a_column_keeps_its_numbers_and_names_its_first_bad_value() {
        let texts: Vec<String> = ["3", "NA", "", "2.5", "1e1", "x", "inf"].map(String::from).into();
        let mut sample = Sample::default();
        assert!(matches!(
            sample.push_column(&Texts(&texts), 0, texts.len(), None),
            Some((5, Bad::NotANumber))
        ));
        // The rows before it: the missing markers left out.
        sample.finish();
        let kept: Vec<f64> = (0..sample.sorted.len()).map(|r| sample.sorted.value_at(r)).collect();
        assert_eq!(kept, [2.5, 3.0, 10.0]);
        let infinite = vec!["inf".to_owned()];
        assert!(matches!(
            Sample::default().push_column(&Texts(&infinite), 0, 1, None),
            Some((0, Bad::NotANumber))
        ));
    }

    /// A batch of one column of typed cells (as Parquet gives them).
    struct Cells(Vec<Cell<'static>>);

    impl Batch for Cells {
        fn len(&self) -> usize {
            self.0.len()
        }

        fn cell(&self, row: usize, _: usize) -> Cell<'_> {
            self.0[row]
        }

        fn place(&self, row: usize) -> crate::data::cell::Place {
            crate::data::cell::Place::Row(row as u64 + 1)
        }
    }

    #[test]
    fn typed_missing_cells_are_left_out_and_infinities_named() {
        let cells = Cells(vec![Cell::Float(1.5), Cell::Float(f64::NAN), Cell::Null, Cell::Int(2)]);
        let mut sample = Sample::default();
        assert!(sample.push_column(&cells, 0, cells.len(), None).is_none());
        sample.finish();
        assert_eq!((sample.sorted.len(), sample.sorted.value_at(1)), (2, 2.0));
        let infinite = Cells(vec![Cell::Float(1.0), Cell::Float(f64::INFINITY)]);
        assert!(matches!(
            Sample::default().push_column(&infinite, 0, 2, None),
            Some((1, Bad::NotANumber))
        ));
    }

    #[test]
    fn booleans_are_two_categories_however_spelled() {
        let cells = Cells(vec![
            Cell::Text(b"true"),
            Cell::Text(b"TRUE"),
            Cell::Bool(true),
            Cell::Text(b"false"),
            Cell::Bool(false),
            Cell::Text(b"yes"),
        ]);
        let mut sample = Sample::default();
        assert!(count_categories(&cells, 0, cells.len(), None, &mut sample).is_none());
        let counted: Vec<(&str, u64)> =
            sample.categories.iter().map(|(k, &v)| (k.as_str(), v)).collect();
        assert_eq!(counted, [("False", 2), ("True", 3), ("yes", 1)]);
    }

    /// The sample of `texts` (each row `counts` times, if given), read in two parts cut at
    /// `cut` into `fresh` samples and merged: its size and its sorted values.
    fn in_two_parts(
        texts: &[String],
        cut: usize,
        counts: Option<&[u64]>,
        fresh: impl Fn() -> Sample,
    ) -> (u64, Vec<f64>) {
        let cut = cut.min(texts.len());
        let (mut sample, mut part) = (fresh(), fresh());
        let (before, after) = (Texts(&texts[..cut]), Texts(&texts[cut..]));
        let (first, rest) = match counts {
            Some(counts) => (Some(&counts[..cut]), Some(&counts[cut..])),
            None => (None, None),
        };
        assert!(sample.push_column(&before, 0, cut, first).is_none());
        assert!(part.push_column(&after, 0, texts.len() - cut, rest).is_none());
        sample.merge(part);
        sample.finish();
        let kept = (0..sample.sorted.len()).map(|r| sample.sorted.value_at(r)).collect();
        (sample.len(), kept)
    }

    proptest! {
        /// Cells counted per spelling (short text), parsed one by one (8 bytes and more),
        /// spilled past the distinct limit, split in parts, or after another sample of the
        /// column spilled: always the sorted numbers the cells spell.
        #[test]
        fn spelled_numbers_sort_as_their_values_do(
            values in proptest::collection::vec((0u32..6000, 0usize..4), 1..9000),
            cut in 0usize..9000,
            spilled_before in any::<bool>(),
        ) {
            let spell = |&(n, form): &(u32, usize)| match form {
                0 => n.to_string(),                  // "12"
                1 => format!("{n}.0"),               // "12.0": another spelling of 12
                2 => format!("{:.6}", f64::from(n)), // "12.000000": 9 bytes and more
                _ => format!("{n}e0"),
            };
            let texts: Vec<String> = values.iter().map(spell).collect();
            let mut expected: Vec<f64> = values.iter().map(|&(n, _)| f64::from(n)).collect();
            expected.sort_by(f64::total_cmp);
            let flag = Arc::new(AtomicBool::new(spilled_before));
            let fresh = || Sample::sharing(flag.clone());
            let (len, kept) = in_two_parts(&texts, cut, None, fresh);
            prop_assert_eq!(len, expected.len() as u64);
            prop_assert_eq!(kept, expected);
        }

        /// Rows that stand for several (`--count-column`), counted or spilled, in parts: the
        /// sample of the rows they stand for.
        #[test]
        fn counted_rows_sample_the_rows_they_stand_for(
            rows in proptest::collection::vec((0u32..6000, 0u64..4), 1..9000),
            cut in 0usize..9000,
        ) {
            let texts: Vec<String> = rows.iter().map(|&(n, _)| format!("{n}.5")).collect();
            let counts: Vec<u64> = rows.iter().map(|&(_, c)| c).collect();
            let mut expected: Vec<f64> = rows
                .iter()
                .flat_map(|&(n, c)| std::iter::repeat_n(f64::from(n) + 0.5, c as usize))
                .collect();
            expected.sort_by(f64::total_cmp);
            let (len, kept) = in_two_parts(&texts, cut, Some(&counts), Sample::default);
            prop_assert_eq!(len, expected.len() as u64);
            prop_assert_eq!(kept, expected);
        }
    }

    /// A row standing for a trillion rows is one value with its count, spilled or not.
    #[test]
    fn a_huge_count_is_never_repeated() {
        let texts: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let mut counts = vec![1; texts.len()];
        counts[7] = 1_000_000_000_000;
        let mut sample = Sample::default();
        assert!(sample.push_column(&Texts(&texts), 0, texts.len(), Some(&counts)).is_none());
        sample.finish();
        assert_eq!(sample.len(), 1_000_000_000_000 + 4999);
        assert_eq!(sample.sorted.value_at(500_000_000_000), 7.0);
        assert_eq!(sample.sorted.value_at(1_000_000_000_009), 10.0);
    }
}
