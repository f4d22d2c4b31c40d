//! Streaming a table into time windows: each row goes to the window its time falls in,
//! where the fairness counter of that window counts it and the drift samples keep its
//! drift columns' values.
//!
//! Memory: the fairness counts grow with windows × groups, never with rows. The drift
//! samples keep each window's values of the numeric drift columns (8 bytes a value: the
//! KS statistic and the Wasserstein distance are exact functions of the whole samples) and
//! the counts of the categorical ones.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::data::batch::{Batch, Subset};
use crate::data::cell::Cell;
use crate::data::header::Header;
use crate::data::table::Table;
use crate::error::{Error, Location, Result};
use crate::fairness::counter::{read_count, Columns, CountedData, Counter};
use crate::fairness::plan::{FairnessPlan, MissingPolicy};
use crate::fairness::row_memo::WordHasher;
use crate::monitor::sample::{count_categories, Bad, Sample};
use crate::monitor::time::{not_a_time, parse_time_with, Dates, Timestamp};

/// How a drift column's values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Numbers: binned PSI and JS, KS, Wasserstein.
    Numeric,
    /// Categories: PSI and JS over the categories, chi-square.
    Categorical,
}

/// What one window (or the reference) gathered.
#[derive(Clone)]
pub(crate) struct Gathered<'p> {
    counter: Counter<'p>,
    /// Rows that fell in the window.
    pub(crate) rows: u64,
    /// The earliest and latest times seen.
    pub(crate) first: Timestamp,
    pub(crate) last: Timestamp,
    /// One sample per drift column.
    pub(crate) samples: Vec<Sample>,
}

impl<'p> Gathered<'p> {
    fn new(counter: Counter<'p>, spills: &[Arc<AtomicBool>], at: Timestamp) -> Self {
        Gathered {
            counter,
            rows: 0,
            first: at,
            last: at,
            samples: spills.iter().map(|spills| Sample::sharing(spills.clone())).collect(),
        }
    }

    /// Adds the rows of the same window gathered from a later part of the input; false when
    /// their counts cannot merge exactly.
    #[cfg(not(target_arch = "wasm32"))] // gathered in chunks, native only
    fn merge(&mut self, other: Gathered<'p>) -> bool {
        self.rows += other.rows;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        for (sample, part) in self.samples.iter_mut().zip(other.samples) {
            sample.merge(part);
        }
        self.counter.merge(other.counter)
    }

    /// How the window's rows read labels.
    pub(crate) fn labels(&self) -> &crate::fairness::labels::BinaryCodec {
        self.counter.labels()
    }

    /// The combinations of sensitive values the window counted.
    pub(crate) fn combinations(&self) -> impl Iterator<Item = &[String]> {
        self.counter.combinations()
    }

    /// Reads labels as the whole input does (see [`Counter::adopt_labels`]).
    pub(crate) fn adopt_labels(&mut self, shared: &crate::fairness::labels::BinaryCodec) -> bool {
        self.counter.adopt_labels(shared)
    }

    /// The window's fairness counts, and its samples ready to compare.
    ///
    /// # Errors
    /// As [`Counter::finish`].
    pub(crate) fn finish(self) -> Result<(CountedData, u64, Vec<Sample>)> {
        let mut samples = self.samples;
        samples.iter_mut().for_each(Sample::finish);
        Ok((self.counter.finish()?, self.rows, samples))
    }
}

/// Which window a row goes to: a calendar window's index from its time, or the window a
/// first pass over the times gave each row (`rows:N`).
pub(crate) enum Assign<'a> {
    /// By time, with [`crate::monitor::window::WindowSpec::index`].
    Time(&'a dyn Fn(Timestamp) -> Option<i64>),
    /// By time, with windows of whole days
    /// ([`crate::monitor::window::WindowSpec::whole_days`]): each day's window is found once.
    Day(&'a dyn Fn(Timestamp) -> Option<i64>),
    /// By the row's position in the input.
    Row(&'a [i64]),
}

/// The columns a monitor reads and how, found in a header.
#[derive(Clone)]
pub(crate) struct Reading<'p> {
    plan: &'p FairnessPlan,
    header: &'p Header,
    source: &'p str,
    columns: Columns,
    time: Option<(usize, &'p str)>,
    drift: Vec<(usize, &'p str)>,
    /// Each drift column's kind, once known (named, or told by its first value).
    pub(crate) kinds: Vec<Option<ColumnKind>>,
    /// Per drift column, whether its samples keep values one by one (see
    /// [`Sample::sharing`]), shared with every clone of the reading.
    spills: Vec<Arc<AtomicBool>>,
    /// The dates of the times read so far.
    dates: Dates,
}

impl<'p> Reading<'p> {
    /// The reading of `header` for `plan`, the time column `time` (none for a reference
    /// file) and the drift columns `drift` (with their kinds when named).
    ///
    /// # Errors
    /// A column that is missing or repeated.
    pub(crate) fn new(
        plan: &'p FairnessPlan,
        header: &'p Header,
        source: &'p str,
        time: Option<&'p str>,
        drift: &'p [(String, Option<ColumnKind>)],
    ) -> Result<Self> {
        Ok(Reading {
            plan,
            header,
            source,
            columns: Columns::find(header, plan, false)?,
            time: time.map(|t| Ok::<_, Error>((header.find(t)?, t))).transpose()?,
            drift: drift
                .iter()
                .map(|(c, _)| Ok((header.find(c)?, c.as_str())))
                .collect::<Result<_>>()?,
            kinds: drift.iter().map(|(_, kind)| *kind).collect(),
            spills: drift.iter().map(|_| Arc::default()).collect(),
            dates: Dates::default(),
        })
    }

    /// The time column's name (empty for a reference file, read without times).
    fn time_name(&self) -> &str {
        self.time.map_or("", |(_, name)| name)
    }

    /// The columns read, for a columnar input's projection.
    pub(crate) fn read(&self) -> Vec<usize> {
        let mut read = self.columns.read();
        read.extend(self.time.map(|(c, _)| c));
        read.extend(self.drift.iter().map(|&(c, _)| c));
        read
    }

    fn gathered(&self, at: Timestamp) -> Gathered<'p> {
        let counter = Counter::new(self.plan, self.header, self.columns.clone(), self.source);
        Gathered::new(counter, &self.spills, at)
    }

    /// The time of `row`: `None` for a missing time that the missing-value policy drops.
    ///
    /// # Errors
    /// A value that is not a time, or a missing one under the `error` policy.
    fn time<B: Batch + ?Sized>(&mut self, batch: &B, row: usize) -> Result<Option<Timestamp>> {
        let Some((column, name)) = self.time else { return Ok(Some(Timestamp::default())) };
        let cell = batch.cell(row, column);
        let at = || batch.place(row).locate(Location::source(self.source).in_column(name));
        if cell.is_missing() {
            return match self.plan.groups.missing {
                MissingPolicy::Error => Err(Error::invalid_value(
                    at(),
                    "missing time (set ‹missing› to drop to leave rows without a time out)",
                )),
                MissingPolicy::Drop | MissingPolicy::Group => Ok(None),
            };
        }
        parse_time_with(cell, &mut self.dates)
            .map(Some)
            .ok_or_else(|| Error::invalid_value(at(), not_a_time(cell)))
    }

    /// Tells the kind of each drift column still unknown from its value in `row` (rows come
    /// here in file order): a number makes it numeric; other text, and a boolean (which a
    /// CSV spells `True`/`False`), categorical.
    fn tell_kinds<B: Batch + ?Sized>(&mut self, batch: &B, row: usize) {
        for (kind, &(column, _)) in self.kinds.iter_mut().zip(&self.drift) {
            if kind.is_some() {
                continue;
            }
            let cell = batch.cell(row, column);
            if cell.is_missing() {
                continue;
            }
            *kind = Some(match cell {
                Cell::Text(bytes)
                    if std::str::from_utf8(bytes)
                        .ok()
                        .and_then(|t| t.trim().parse::<f64>().ok())
                        .is_none() =>
                {
                    ColumnKind::Categorical
                }
                Cell::Bool(_) => ColumnKind::Categorical,
                _ => ColumnKind::Numeric,
            });
        }
    }

    /// How many rows each row of `batch` stands for, when the plan names a count column. A
    /// count that cannot be read is taken as 1 here: the counter reports it, with its place,
    /// before the row is sampled.
    fn counts<B: Batch + ?Sized>(&self, batch: &B) -> Option<Vec<u64>> {
        let column = self.columns.count()?;
        let count = |row| read_count(batch.cell(row, column), Location::default).unwrap_or(1);
        Some((0..batch.len()).map(count).collect())
    }

    /// Adds the drift columns of every row of `batch` to `samples`, a column at a time, each
    /// row as many times as `counts` says, if given.
    ///
    /// # Errors
    /// A numeric column's value that is not a finite number, or text that is not UTF-8: the
    /// first in the rows' order (and the drift columns' order within a row), as reading row
    /// after row would report.
    fn sample<B: Batch + ?Sized>(
        &mut self,
        batch: &B,
        counts: Option<&[u64]>,
        samples: &mut [Sample],
    ) -> Result<()> {
        // The first bad row, its drift column's position and what is wrong.
        let mut first_bad: Option<(usize, usize, Bad)> = None;
        for (index, &(column, _)) in self.drift.iter().enumerate() {
            // Rows past a bad value of an earlier column are not read: that error comes first.
            let rows = first_bad.map_or(batch.len(), |(row, _, _)| row + 1);
            // Told by the column's first value in file order ([`Reading::tell_kinds`]).
            let bad = match self.kinds[index].unwrap_or(ColumnKind::Numeric) {
                ColumnKind::Numeric => samples[index].push_column(batch, column, rows, counts),
                ColumnKind::Categorical => {
                    count_categories(batch, column, rows, counts, &mut samples[index])
                }
            };
            if let Some((row, why)) = bad {
                if first_bad.is_none_or(|(first, _, _)| row < first) {
                    first_bad = Some((row, index, why));
                }
            }
        }
        let Some((row, index, why)) = first_bad else { return Ok(()) };
        let name = self.drift[index].1;
        let at = batch.place(row).locate(Location::source(self.source).in_column(name));
        Err(match why {
            Bad::NotANumber => Error::invalid_value(
                at,
                format!(
                    "\"{}\" is not a finite number, in a column compared as numbers (the first of its values read, in the log or the reference file, is one; name it with ‹categorical› to compare its values as categories)",
                    String::from_utf8_lossy(&batch.cell(row, self.drift[index].0).text())
                ),
            ),
            Bad::NotUtf8 => Error::from(crate::error::ErrorKind::NotUtf8 { at }),
        })
    }
}

/// The windows gathered from one input (or a chunk of it), by window index, and the
/// reference gathered from the rows in the reference range.
#[derive(Default, Clone)]
pub(crate) struct Windows<'p> {
    pub(crate) windows: BTreeMap<i64, Gathered<'p>>,
    pub(crate) reference: Option<Gathered<'p>>,
    /// Rows left out for a missing time.
    pub(crate) without_time: u64,
    /// Rows read so far (the position of the next row, for [`Assign::Row`]).
    rows_read: usize,
    /// The rows of the current batch per window, and in the reference range (kept between
    /// batches to reuse their memory).
    rows_of: BatchWindows,
    in_reference: Vec<usize>,
    /// The windows of the days met, for [`Assign::Day`].
    days: DayWindows,
}

/// The window of each day met, in a direct-mapped table of [`DayWindows::SLOTS`] days: the
/// days of a log of a few years each keep their slot, and finding a month from a day (a tenth
/// of the time the monitor spent putting rows in windows) happens once per day and slot.
#[derive(Default, Clone)]
struct DayWindows {
    /// Per slot: the day (days since the epoch) and its window.
    slots: Vec<(i64, Option<i64>)>,
}

impl DayWindows {
    const SLOTS: usize = 2048;

    /// The window of `at`, whose day's window `index` gives.
    fn index(&mut self, at: Timestamp, index: &dyn Fn(Timestamp) -> Option<i64>) -> Option<i64> {
        if self.slots.is_empty() {
            self.slots = vec![(i64::MIN, None); Self::SLOTS];
        }
        let day = at.seconds.div_euclid(86_400);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // below SLOTS
        let slot = day.rem_euclid(Self::SLOTS as i64) as usize;
        match self.slots[slot] {
            (cached, window) if cached == day => window,
            _ => {
                let window = index(at);
                self.slots[slot] = (day, window);
                window
            }
        }
    }
}

/// The rows of one batch sorted by window: a slot per window met, found by index without
/// a search of the ordered map of windows per row (two per row were a tenth of a monitor's
/// CPU time).
#[derive(Clone)]
struct BatchWindows {
    /// Per window met: its index, the batch's rows in it, their earliest and latest times.
    slots: Vec<(i64, Vec<usize>, Timestamp, Timestamp)>,
    /// The slot of each window index.
    slot_of: HashMap<i64, usize, BuildHasherDefault<WordHasher>>,
    /// The slots of recent window indices, direct-mapped by the index's low bits: rows of
    /// a log out of time order go to few windows, found here without hashing (a hash lookup
    /// per row was a twentieth of a monitor's CPU time on the unsorted benchmark log).
    recent: [Option<(i64, usize)>; RECENT_SLOTS],
}

/// Window indices [`BatchWindows`] finds without hashing.
const RECENT_SLOTS: usize = 64;

impl Default for BatchWindows {
    fn default() -> Self {
        BatchWindows {
            slots: Vec::new(),
            slot_of: HashMap::default(),
            recent: [None; RECENT_SLOTS],
        }
    }
}

impl BatchWindows {
    /// Empties every slot for the next batch.
    fn clear(&mut self) {
        self.slots.iter_mut().for_each(|(_, rows, _, _)| rows.clear());
    }

    /// Puts `row`, of time `at`, in window `index`.
    fn put(&mut self, index: i64, row: usize, at: Timestamp) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // the low bits
        let recent = &mut self.recent[index as usize % RECENT_SLOTS];
        let slot = match *recent {
            Some((known, slot)) if known == index => slot,
            _ => {
                let slot = *self.slot_of.entry(index).or_insert_with(|| {
                    self.slots.push((index, Vec::new(), at, at));
                    self.slots.len() - 1
                });
                *recent = Some((index, slot));
                slot
            }
        };
        let (_, rows, first, last) = &mut self.slots[slot];
        if rows.is_empty() {
            (*first, *last) = (at, at);
        } else {
            (*first, *last) = ((*first).min(at), (*last).max(at));
        }
        rows.push(row);
    }

    /// The slots holding rows, by window index.
    fn filled(&self) -> Vec<&(i64, Vec<usize>, Timestamp, Timestamp)> {
        let mut filled: Vec<_> =
            self.slots.iter().filter(|(_, rows, _, _)| !rows.is_empty()).collect();
        filled.sort_unstable_by_key(|(index, _, _, _)| *index);
        filled
    }
}

impl<'p> Windows<'p> {
    /// Adds every row of `batch` to its window, as `assign` says; rows whose time is in
    /// `reference_range` also go to the reference.
    ///
    /// # Errors
    /// The first unusable row of a window (a bad time, label, prediction, sensitive or
    /// drift value), named by line and column.
    pub(crate) fn add_batch<B: Batch + ?Sized>(
        &mut self,
        batch: &B,
        reading: &mut Reading<'p>,
        assign: &Assign<'_>,
        reference_range: Option<(Timestamp, Timestamp)>,
    ) -> Result<()> {
        let mut by_window = std::mem::take(&mut self.rows_of);
        by_window.clear();
        let mut in_reference = std::mem::take(&mut self.in_reference);
        in_reference.clear();
        // With counts, a row that counts 0 is absent: no time read, no window.
        let counts = reading.counts(batch);
        for row in 0..batch.len() {
            let position = self.rows_read;
            self.rows_read += 1;
            let count = counts.as_ref().map_or(1, |counts| counts[row]);
            if count == 0 {
                continue;
            }
            let Some(at) = reading.time(batch, row)? else {
                self.without_time += count;
                continue;
            };
            if reading.kinds.iter().any(Option::is_none) {
                reading.tell_kinds(batch, row);
            }
            let index = match assign {
                Assign::Time(index) => index(at),
                Assign::Day(index) => self.days.index(at, index),
                Assign::Row(windows) => windows.get(position).copied(),
            };
            let Some(index) = index else {
                let place = batch.place(row).locate(Location::source(reading.source));
                let why = match assign {
                    Assign::Time(_) | Assign::Day(_) => {
                        "the time's window would start or end beyond the years RFC 3339 writes (0000 to 9999)"
                    }
                    Assign::Row(_) => {
                        "the input changed between its two readings (rows:N reads it twice)"
                    }
                };
                return Err(Error::invalid_value(place.in_column(reading.time_name()), why));
            };
            by_window.put(index, row, at);
            if reference_range.is_some_and(|(start, end)| start <= at && at < end) {
                in_reference.push(row);
            }
        }
        for &(index, ref rows, first, last) in by_window.filled() {
            let window = self.windows.entry(index).or_insert_with(|| reading.gathered(first));
            window.first = window.first.min(first);
            window.last = window.last.max(last);
            gather_rows(reading, batch, counts.as_deref(), rows, window)?;
        }
        if !in_reference.is_empty() {
            let gathered =
                self.reference.get_or_insert_with(|| reading.gathered(Timestamp::default()));
            gather_rows(reading, batch, counts.as_deref(), &in_reference, gathered)?;
        }
        self.rows_of = by_window;
        self.in_reference = in_reference;
        Ok(())
    }

    /// Adds the windows of the next part of the input; false when their counts cannot merge
    /// exactly (see [`Counter::merge`]).
    #[cfg(not(target_arch = "wasm32"))] // gathered in chunks, native only
    pub(crate) fn merge(&mut self, other: Windows<'p>) -> bool {
        self.without_time += other.without_time;
        self.rows_read += other.rows_read;
        let mut exact = true;
        for (index, window) in other.windows {
            match self.windows.entry(index) {
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(window);
                }
                std::collections::btree_map::Entry::Occupied(mut entry) => {
                    exact &= entry.get_mut().merge(window);
                }
            }
        }
        match (&mut self.reference, other.reference) {
            (Some(total), Some(part)) => exact &= total.merge(part),
            (total @ None, part) => *total = part,
            (Some(_), None) => {}
        }
        exact && self.windows.values().all(|w| w.counter.fits_limits())
    }
}

impl<'p> Windows<'p> {
    /// A copy of the windows whose index `keep` takes, with the reference range's rows
    /// (when `reference`) and the count of rows without a time.
    #[cfg(not(target_arch = "wasm32"))] // followed, native only
    pub(crate) fn cloned_where(&self, keep: impl Fn(i64) -> bool, reference: bool) -> Windows<'p> {
        Windows {
            windows: self
                .windows
                .iter()
                .filter(|(index, _)| keep(**index))
                .map(|(index, window)| (*index, window.clone()))
                .collect(),
            reference: if reference { self.reference.clone() } else { None },
            without_time: self.without_time,
            ..Windows::default()
        }
    }

    /// Adds the windows of rows read after these (records appended to a followed input),
    /// when their counts merge exactly and stay within the plan's group limits; otherwise
    /// leaves these windows as they were. The counts are checked on copies of the counters
    /// (their groups, not their rows) before anything merges; the samples merge in place.
    ///
    /// # Errors
    /// The group limit the merged counts would pass, or more than 2^53 rows in a window,
    /// at `at`.
    #[cfg(not(target_arch = "wasm32"))] // followed, native only
    pub(crate) fn absorb(&mut self, other: Windows<'p>, at: &Location) -> Result<()> {
        let check = |kept: Option<&Gathered<'p>>, part: &Gathered<'p>| -> Result<()> {
            let Some(kept) = kept else { return part.counter.check_limits(at.clone()) };
            let mut counter = kept.counter.clone();
            if !counter.merge(part.counter.clone()) {
                return Err(Error::invalid_value(
                    at.clone(),
                    "a window would count more than 2^53 rows, more than a monitor counts exactly",
                ));
            }
            counter.check_limits(at.clone())
        };
        for (index, part) in &other.windows {
            check(self.windows.get(index), part)?;
        }
        if let Some(part) = &other.reference {
            check(self.reference.as_ref(), part)?;
        }
        // Checked: the merges are exact.
        for (index, part) in other.windows {
            match self.windows.entry(index) {
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(part);
                }
                std::collections::btree_map::Entry::Occupied(mut entry) => {
                    entry.get_mut().merge(part);
                }
            }
        }
        match (&mut self.reference, other.reference) {
            (Some(kept), Some(part)) => {
                kept.merge(part);
            }
            (kept @ None, part) => *kept = part,
            (Some(_), None) => {}
        }
        self.without_time += other.without_time;
        Ok(())
    }
}

/// Reads every batch of `table` into windows as `assign` says; rows whose time is in
/// `reference_range` also go to the reference.
///
/// # Errors
/// As [`Windows::add_batch`], and a batch that cannot be read.
pub(crate) fn gather<'p>(
    table: &mut Table<'_>,
    reading: &mut Reading<'p>,
    assign: &Assign<'_>,
    reference_range: Option<(Timestamp, Timestamp)>,
) -> Result<Windows<'p>> {
    let mut windows = Windows::default();
    while table.fill()? {
        windows.add_batch(table.batch(), reading, assign, reference_range)?;
    }
    Ok(windows)
}

/// Counts and samples `rows` of `batch` into `gathered`, each as many times as the batch's
/// `counts` say, if given.
fn gather_rows<B: Batch + ?Sized>(
    reading: &mut Reading<'_>,
    batch: &B,
    counts: Option<&[u64]>,
    rows: &[usize],
    gathered: &mut Gathered<'_>,
) -> Result<()> {
    let subset = Subset { batch, rows };
    // Bad counts are reported here, before the counts are used.
    gathered.counter.count_batch(&subset)?;
    let counts: Option<Vec<u64>> = counts.map(|counts| rows.iter().map(|&r| counts[r]).collect());
    gathered.rows += counts.as_ref().map_or(rows.len() as u64, |counts| counts.iter().sum());
    reading.sample(&subset, counts.as_deref(), &mut gathered.samples)
}

/// Reads only the time column of `table`, for `rows:N`: each row's window, the rows sorted
/// by time (ties in input order) and cut in runs of `n`; rows without a time get no window.
///
/// # Errors
/// A value that is not a time, or a missing one under the `error` policy.
pub(crate) fn windows_by_rank(
    table: &mut Table<'_>,
    reading: &mut Reading<'_>,
    n: u64,
) -> Result<Vec<i64>> {
    let mut times: Vec<Option<Timestamp>> = Vec::new();
    while table.fill()? {
        let batch = table.batch();
        for row in 0..batch.len() {
            times.push(reading.time(batch, row)?);
        }
    }
    let mut order: Vec<usize> = (0..times.len()).filter(|&i| times[i].is_some()).collect();
    order.sort_by_key(|&i| times[i]);
    let mut windows = vec![i64::MIN; times.len()];
    for (rank, &row) in order.iter().enumerate() {
        #[allow(clippy::cast_possible_wrap)]
        let window = (rank as u64 / n) as i64;
        windows[row] = window;
    }
    Ok(windows)
}

/// Bytes per chunk when gathering windows: each chunk starts a counter per window it meets,
/// so chunks are larger than counting's (at 256 KiB, starting and merging them took a fifth
/// of a 2M-row run).
#[cfg(not(target_arch = "wasm32"))]
const MONITOR_CHUNK_BYTES: usize = 4 << 20;

/// The windows of the CSV file `access` gathered in chunks on all threads
/// ([`crate::fairness::chunked::threads`]), with the drift columns' kinds; `None` for other
/// inputs, and whenever anything needs the sequential reader.
#[cfg(not(target_arch = "wasm32"))] // gathered in chunks, native only
pub(crate) fn gather_on_all_cores<'p>(
    access: &std::sync::Arc<dyn crate::data::input::RandomAccess>,
    reading: &Reading<'p>,
    window: crate::monitor::window::WindowSpec,
    reference_range: Option<(Timestamp, Timestamp)>,
) -> Option<(Windows<'p>, Vec<Option<ColumnKind>>)> {
    let mut magic = [0u8; 8];
    let n = access.read_at(0, &mut magic).ok()?;
    if crate::data::cell::TableFormat::detect(&magic[..n]) != crate::data::cell::TableFormat::Csv {
        return None;
    }
    let (_, chunks) =
        crate::data::chunks::Chunks::open(access.clone(), reading.source, MONITOR_CHUNK_BYTES)?;
    let threads = crate::fairness::chunked::threads();
    gather_in_chunks(&chunks, threads, reading, window, reference_range)
}

/// The windows of a CSV file's `chunks` gathered on `threads` threads and merged in file
/// order, with the drift columns' kinds; `None` when anything needs the sequential reader
/// (an error to report, chunks whose first values tell a column's kind differently, more
/// groups than allowed).
#[cfg(not(target_arch = "wasm32"))] // gathered in chunks, native only
fn gather_in_chunks<'p>(
    chunks: &crate::data::chunks::Chunks,
    threads: usize,
    reading: &Reading<'p>,
    window: crate::monitor::window::WindowSpec,
    reference_range: Option<(Timestamp, Timestamp)>,
) -> Option<(Windows<'p>, Vec<Option<ColumnKind>>)> {
    use crate::fairness::chunked::{in_file_order, read_chunk, BatchSink};

    /// One chunk's windows, read with its own copy of the reading.
    struct Part<'p> {
        windows: Windows<'p>,
        reading: Reading<'p>,
        window: crate::monitor::window::WindowSpec,
        reference_range: Option<(Timestamp, Timestamp)>,
    }

    impl BatchSink for Part<'_> {
        fn take<B: Batch>(&mut self, batch: &B) -> Option<()> {
            let window = self.window;
            let by_time = move |at: Timestamp| window.index(at);
            let assign =
                if window.whole_days() { Assign::Day(&by_time) } else { Assign::Time(&by_time) };
            self.windows.add_batch(batch, &mut self.reading, &assign, self.reference_range).ok()
        }
    }

    let read = reading.read();
    let mut total = Windows::default();
    let mut kinds = reading.kinds.clone();
    let complete = in_file_order(
        chunks,
        threads,
        |bytes, batch| {
            let mut part = Part {
                windows: Windows::default(),
                reading: reading.clone(),
                window,
                reference_range,
            };
            read_chunk(bytes, batch, reading.header, &read, reading.source, &mut part)?;
            // Counted here, on the worker's thread, while the chunk's values are few.
            let windows = part.windows.windows.values_mut().chain(part.windows.reference.as_mut());
            for window in windows {
                window.samples.iter_mut().for_each(Sample::count);
            }
            Some((part.windows, part.reading.kinds))
        },
        |(windows, part_kinds)| {
            for (kind, part) in kinds.iter_mut().zip(part_kinds) {
                match (*kind, part) {
                    (_, None) => {}
                    (None, Some(part)) => *kind = Some(part),
                    (Some(a), Some(b)) if a != b => return false,
                    (Some(_), Some(_)) => {}
                }
            }
            total.merge(windows)
        },
    );
    complete.then_some((total, kinds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::chunks::Chunks;
    use crate::data::input::RandomAccess;
    use crate::fairness::plan::{test_plan, MissingPolicy};
    use crate::monitor::sorted::SortedSample;
    use crate::monitor::window::WindowSpec;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_day_finds_the_window_its_time_gives(
            seconds in proptest::collection::vec(-400_000_000_000_i64..400_000_000_000, 1..200),
            spec in prop_oneof![Just("1mo"), Just("7d"), Just("1d"), Just("3d")],
        ) {
            // Times far apart share slots of the table; negative days are before the epoch.
            let window = WindowSpec::parse(spec).unwrap();
            let index = |at: Timestamp| window.index(at);
            let mut days = DayWindows::default();
            for &s in seconds.iter().chain(&seconds) {
                let at = Timestamp::from_seconds(s);
                prop_assert_eq!(days.index(at, &index), window.index(at), "{} at {}", spec, s);
            }
        }
    }
    use std::sync::Arc;

    /// What finished samples hold (not how they were gathered).
    fn kept(samples: &[Sample]) -> Vec<(&SortedSample, &BTreeMap<String, u64>)> {
        samples.iter().map(|s| (&s.sorted, &s.categories)).collect()
    }

    /// Every window's counts and samples, as text: what the two readers must agree on.
    fn describe(windows: Windows<'_>) -> String {
        let mut out = format!("without time {}\n", windows.without_time);
        if let Some(reference) = windows.reference {
            let (counted, _, samples) = reference.finish().map_err(|e| e.to_string()).unwrap();
            let samples = kept(&samples);
            out.push_str(&format!("reference {counted:?} {samples:?}\n"));
        }
        for (index, window) in windows.windows {
            let (first, last, rows) = (window.first, window.last, window.rows);
            let (counted, _, samples) = window.finish().map_err(|e| e.to_string()).unwrap();
            let samples = kept(&samples);
            out.push_str(&format!("{index} {first:?} {last:?} {rows} {counted:?} {samples:?}\n"));
        }
        out
    }

    fn rows() -> impl Strategy<Value = Vec<u8>> {
        let time = prop_oneof![
            Just("2025-01-01T10:00:00Z"),
            Just("2025-01-02"),
            Just("1735900000"),
            Just("2025-01-05T23:59:59+01:00"),
            Just(""),
        ];
        let label = prop_oneof![Just("0"), Just("1")];
        let group = prop_oneof![Just("a"), Just("b"), Just("\"c,d\"")];
        let x = prop_oneof![6 => Just("1.5"), 6 => Just("2"), 3 => Just(""), 3 => Just("-3e2"), 1 => Just("abc")];
        proptest::collection::vec((time, label.clone(), label, group, x), 0..150).prop_map(|rows| {
            let mut text = b"t,y,p,g,h,x\n".to_vec();
            for (t, y, p, g, x) in rows {
                text.extend_from_slice(format!("{t},{y},{p},{g},h,{x}\n").as_bytes());
            }
            text
        })
    }

    proptest! {
        #[test]
        fn chunks_gather_what_the_sequential_reader_gathers(
            text in rows(),
            block in 1usize..300,
            spec in prop_oneof![Just("1d"), Just("7d"), Just("1mo"), Just("6h")],
            in_range in any::<bool>(),
        ) {
            let plan = test_plan(MissingPolicy::Drop, None);
            let drift = vec![("x".to_owned(), None), ("g".to_owned(), None)];
            let window = WindowSpec::parse(spec).unwrap();
            let range = in_range.then_some((Timestamp::from_seconds(1_735_700_000), Timestamp::from_seconds(1_735_900_000)));
            let by_time = move |at: Timestamp| window.index(at);
            let mut table = Table::open(&text[..], "t.csv").unwrap();
            let header = table.header().clone();
            let mut reading = Reading::new(&plan, &header, "t.csv", Some("t"), &drift).unwrap();
            let sequential = gather(&mut table, &mut reading, &Assign::Time(&by_time), range)
                .map(describe)
                .ok();
            let access: Arc<dyn RandomAccess> = Arc::new(text.clone());
            let (_, chunks) = Chunks::open(access, "t.csv", block).unwrap();
            let template = Reading::new(&plan, &header, "t.csv", Some("t"), &drift).unwrap();
            let chunked = gather_in_chunks(&chunks, 3, &template, window, range)
                .map(|(windows, kinds)| format!("{}{kinds:?}", describe(windows)));
            let sequential = sequential.map(|s| format!("{s}{:?}", reading.kinds));
            // Chunks that tell a column's kind differently (text after numbers) leave the file
            // to the sequential reader; otherwise they gather exactly what it gathers, and
            // give up exactly when it errs.
            let mixed = text.windows(3).any(|w| w == b"abc");
            if mixed && chunked.is_none() {
                return Ok(());
            }
            prop_assert_eq!(chunked, sequential);
        }
    }
}
