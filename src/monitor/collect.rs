//! Streaming a table into time windows: each row goes to the window its time falls in,
//! where the fairness counter of that window counts it and the drift samples keep its
//! drift columns' values.
//!
//! Memory: the fairness counts grow with windows × groups, never with rows. The drift
//! samples keep each window's values of the numeric drift columns (8 bytes a value: the
//! KS statistic and the Wasserstein distance are exact functions of the whole samples) and
//! the counts of the categorical ones.

use std::collections::{BTreeMap, HashMap};

use crate::data::batch::{Batch, Subset};
use crate::data::cell::Cell;
use crate::data::header::Header;
use crate::data::table::Table;
use crate::error::{Error, Location, Result};
use crate::fairness::counter::{Columns, CountedData, Counter};
use crate::fairness::plan::{FairnessPlan, MissingPolicy};
use crate::monitor::time::{parse_time, Instant, TIME_FORMATS};

/// How a drift column's values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Numbers: binned PSI and JS, KS, Wasserstein.
    Numeric,
    /// Categories: PSI and JS over the categories, chi-square.
    Categorical,
}

/// The values of one drift column in one window (or the reference).
#[derive(Debug, Clone, Default)]
pub(crate) struct Sample {
    /// The numbers, when the column is numeric (sorted by [`Sample::finish`]).
    pub(crate) numbers: Vec<f64>,
    /// The count per category, when it is categorical.
    pub(crate) categories: BTreeMap<String, u64>,
}

impl Sample {
    /// The values kept (missing values are not).
    pub(crate) fn len(&self) -> u64 {
        self.numbers.len() as u64 + self.categories.values().sum::<u64>()
    }

    fn finish(&mut self) {
        self.numbers.sort_unstable_by(f64::total_cmp);
    }
}

/// What one window (or the reference) gathered.
pub(crate) struct Gathered<'p> {
    counter: Counter<'p>,
    /// Rows that fell in the window.
    pub(crate) rows: u64,
    /// The earliest and latest times seen.
    pub(crate) first: Instant,
    pub(crate) last: Instant,
    /// One sample per drift column.
    pub(crate) samples: Vec<Sample>,
}

impl<'p> Gathered<'p> {
    fn new(counter: Counter<'p>, columns: usize, at: Instant) -> Self {
        Gathered {
            counter,
            rows: 0,
            first: at,
            last: at,
            samples: vec![Sample::default(); columns],
        }
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
    ByTime(&'a dyn Fn(Instant) -> Option<i64>),
    /// By the row's position in the input.
    ByRow(&'a [i64]),
}

/// The columns a monitor reads and how, found in a header.
pub(crate) struct Reading<'p> {
    plan: &'p FairnessPlan,
    header: &'p Header,
    source: &'p str,
    columns: Columns,
    time: Option<(usize, &'p str)>,
    drift: Vec<(usize, &'p str)>,
    /// Each drift column's kind, once known (named, or told by its first value).
    pub(crate) kinds: Vec<Option<ColumnKind>>,
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
        })
    }

    /// The columns read, for a columnar input's projection.
    pub(crate) fn read(&self) -> Vec<usize> {
        let mut read = self.columns.read();
        read.extend(self.time.map(|(c, _)| c));
        read.extend(self.drift.iter().map(|&(c, _)| c));
        read
    }

    fn gathered(&self, at: Instant) -> Gathered<'p> {
        let counter = Counter::new(self.plan, self.header, self.columns.clone(), self.source);
        Gathered::new(counter, self.drift.len(), at)
    }

    /// The time of `row`: `None` for a missing time that the missing-value policy drops.
    ///
    /// # Errors
    /// A value that is not a time, or a missing one under the `error` policy.
    fn time<B: Batch + ?Sized>(&self, batch: &B, row: usize) -> Result<Option<Instant>> {
        let Some((column, name)) = self.time else { return Ok(Some(Instant::default())) };
        let cell = batch.cell(row, column);
        let at = || batch.place(row).locate(Location::source(self.source).in_column(name));
        if cell.is_missing() {
            return match self.plan.groups.missing {
                MissingPolicy::Error => Err(Error::invalid_value(
                    at(),
                    "missing time (use --missing drop to leave rows without a time out)",
                )),
                MissingPolicy::Drop | MissingPolicy::Group => Ok(None),
            };
        }
        parse_time(cell).map(Some).ok_or_else(|| {
            Error::invalid_value(
                at(),
                format!(
                    "\"{}\" is not a time: use {TIME_FORMATS}",
                    String::from_utf8_lossy(&cell.text())
                ),
            )
        })
    }

    /// Adds the drift columns of `row` to `samples`.
    ///
    /// # Errors
    /// A numeric column's value that is not a finite number, or text that is not UTF-8.
    fn sample<B: Batch + ?Sized>(
        &mut self,
        batch: &B,
        row: usize,
        samples: &mut [Sample],
    ) -> Result<()> {
        for (index, &(column, name)) in self.drift.iter().enumerate() {
            let cell = batch.cell(row, column);
            if cell.is_missing() {
                continue;
            }
            let at = || batch.place(row).locate(Location::source(self.source).in_column(name));
            let kind = *self.kinds[index].get_or_insert(match cell {
                Cell::Text(bytes)
                    if std::str::from_utf8(bytes)
                        .ok()
                        .and_then(|t| t.trim().parse::<f64>().ok())
                        .is_none() =>
                {
                    ColumnKind::Categorical
                }
                _ => ColumnKind::Numeric,
            });
            match kind {
                ColumnKind::Numeric => match cell.number() {
                    Some(x) if x.is_finite() => samples[index].numbers.push(x),
                    _ => {
                        return Err(Error::invalid_value(
                            at(),
                            format!(
                                "\"{}\" is not a finite number, and the column's first value was one (name it with --categorical to compare its values as categories)",
                                String::from_utf8_lossy(&cell.text())
                            ),
                        ))
                    }
                },
                ColumnKind::Categorical => {
                    let text = cell.text();
                    let value = std::str::from_utf8(&text).map_err(|_| {
                        Error::from(crate::error::ErrorKind::NotUtf8 { at: at() })
                    })?;
                    match samples[index].categories.get_mut(value) {
                        Some(count) => *count += 1,
                        None => {
                            samples[index].categories.insert(value.to_owned(), 1);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The windows gathered from one input, by window index, and the reference gathered from
/// the rows in `reference_range`.
pub(crate) struct Windows<'p> {
    pub(crate) windows: BTreeMap<i64, Gathered<'p>>,
    pub(crate) reference: Option<Gathered<'p>>,
    /// Rows left out for a missing time.
    pub(crate) without_time: u64,
}

/// Reads every batch of `table` into windows as `assign` says; rows whose time is in
/// `reference_range` also go to the reference.
///
/// # Errors
/// The first unusable row of a window (a bad time, label, prediction, sensitive or drift
/// value), named by line and column.
pub(crate) fn gather<'p>(
    table: &mut Table<'_>,
    reading: &mut Reading<'p>,
    assign: &Assign<'_>,
    reference_range: Option<(Instant, Instant)>,
) -> Result<Windows<'p>> {
    let mut windows: BTreeMap<i64, Gathered<'p>> = BTreeMap::new();
    let mut reference: Option<Gathered<'p>> = None;
    let mut by_window: HashMap<i64, Vec<usize>> = HashMap::new();
    let mut in_reference = Vec::new();
    let mut without_time = 0;
    let mut row_number = 0usize;
    while table.fill()? {
        let batch = table.batch();
        by_window.values_mut().for_each(Vec::clear);
        in_reference.clear();
        let mut times = Vec::with_capacity(batch.len());
        for row in 0..batch.len() {
            let position = row_number;
            row_number += 1;
            let Some(at) = reading.time(batch, row)? else {
                without_time += 1;
                continue;
            };
            let index = match assign {
                Assign::ByTime(index) => index(at),
                Assign::ByRow(windows) => windows.get(position).copied(),
            };
            let Some(index) = index else {
                let place = batch.place(row).locate(Location::source(reading.source));
                return Err(Error::invalid_value(
                    place,
                    "the time is beyond the years a window can start in",
                ));
            };
            by_window.entry(index).or_default().push(row);
            times.push((index, at));
            if reference_range.is_some_and(|(start, end)| start <= at && at < end) {
                in_reference.push(row);
            }
        }
        for (index, at) in times {
            let window = windows.entry(index).or_insert_with(|| reading.gathered(at));
            window.first = window.first.min(at);
            window.last = window.last.max(at);
        }
        let mut indices: Vec<i64> =
            by_window.iter().filter(|(_, r)| !r.is_empty()).map(|(&i, _)| i).collect();
        indices.sort_unstable();
        for index in indices {
            let rows = &by_window[&index];
            if let Some(window) = windows.get_mut(&index) {
                gather_rows(reading, batch, rows, window)?;
            }
        }
        if !in_reference.is_empty() {
            let gathered = reference.get_or_insert_with(|| reading.gathered(Instant::default()));
            gather_rows(reading, batch, &in_reference, gathered)?;
        }
    }
    Ok(Windows { windows, reference, without_time })
}

/// Counts and samples `rows` of `batch` into `gathered`.
fn gather_rows(
    reading: &mut Reading<'_>,
    batch: &dyn Batch,
    rows: &[usize],
    gathered: &mut Gathered<'_>,
) -> Result<()> {
    let subset = Subset { batch, rows };
    gathered.counter.count(&subset, None)?;
    gathered.rows += rows.len() as u64;
    for row in 0..subset.len() {
        reading.sample(&subset, row, &mut gathered.samples)?;
    }
    Ok(())
}

/// Reads only the time column of `table`, for `rows:N`: each row's window, the rows sorted
/// by time (ties in input order) and cut in runs of `n`; rows without a time get no window.
///
/// # Errors
/// A value that is not a time, or a missing one under the `error` policy.
pub(crate) fn windows_by_rank(
    table: &mut Table<'_>,
    reading: &Reading<'_>,
    n: u64,
) -> Result<Vec<i64>> {
    let mut times: Vec<Option<Instant>> = Vec::new();
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
