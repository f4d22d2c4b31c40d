//! Counting rows for a fairness plan: the [`Counter`] that turns batches of a table (CSV,
//! Parquet or Arrow IPC) into [`GroupCounts`], in memory bounded by the number of groups
//! (and, with sample weights, by their distinct values per group), and the [`CountedData`]
//! it makes.
//!
//! Per row the counter touches only the columns the audit needs: the label and outcome cells
//! are decoded, and the sensitive cells are looked up, as raw bytes, in one hash table of
//! observed combinations. Text validation happens once per new combination, not per row.
//! When a model scores the rows, each batch is scored as it is read and counted at once:
//! nothing but the counts outlives the batch. Counters of consecutive parts of one input
//! merge exactly ([`Counter::merge`]), for counting a file's chunks on several cores.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::BuildHasherDefault;

use crate::data::batch::Batch;
use crate::data::cell::Cell;
use crate::data::features::ScoreRecords;
use crate::data::header::Header;
use crate::data::table::{Table, TypedBatch};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fairness::confusion::Confusion;
use crate::fairness::counts::{GroupCounts, MAX_TOTAL_ROWS};
use crate::fairness::labels::{BinaryCodec, BinaryError};
use crate::fairness::plan::{FairnessPlan, MissingPolicy, Outcome, MISSING_GROUP};
use crate::fairness::report::MissingReport;
use crate::fairness::row_memo::{RowMemo, Seen, WordHasher};
use crate::fairness::score_histogram::{ScoreHistogram, SweepCounts};
use crate::fairness::weights::CellWeights;

/// Counted data ready to audit: the mergeable state and how its labels were read.
#[derive(Debug, Clone)]
pub struct CountedData {
    /// The per-group counts.
    pub counts: GroupCounts,
    /// The label value that counted as positive.
    pub positive_label: String,
    /// The other label value, if one was seen.
    pub negative_label: Option<String>,
    /// Whether the favourable label of the privileged comparison is the positive label.
    pub favorable_is_positive: bool,
    /// The rows left out for missing values, under a `drop` or `group` policy.
    pub missing: Option<MissingReport>,
    /// Each combination's scores on the threshold grid, when the plan sweeps the threshold.
    pub sweep: Option<SweepCounts>,
}

/// Column positions of the fields the audit reads; `outcome` is `None` when a scorer
/// gives the scores.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    label: usize,
    outcome: Option<usize>,
    sensitive: Vec<usize>,
    /// The frequency column, when rows carry counts.
    count: Option<usize>,
    /// The sample-weight column, when rows carry weights.
    weight: Option<usize>,
}

impl Columns {
    /// The position of the frequency column, when rows carry counts.
    pub(crate) fn count(&self) -> Option<usize> {
        self.count
    }

    /// The positions in `header` of the columns `plan` reads; the outcome's too unless a
    /// model `scored` the rows.
    ///
    /// # Errors
    /// A column that is missing or repeated.
    pub(crate) fn find(header: &Header, plan: &FairnessPlan, scored: bool) -> Result<Columns> {
        Ok(Columns {
            label: header.find(&plan.label)?,
            outcome: if scored { None } else { Some(header.find(plan.outcome.column())?) },
            sensitive: plan
                .sensitive_columns
                .iter()
                .map(|c| header.find(c))
                .collect::<Result<_>>()?,
            count: plan.count_column.as_deref().map(|c| header.find(c)).transpose()?,
            weight: plan.sample_weight.as_deref().map(|c| header.find(c)).transpose()?,
        })
    }

    /// Every column read, for a columnar input's projection.
    pub(crate) fn read(&self) -> Vec<usize> {
        let mut read: Vec<usize> = [self.label].into_iter().chain(self.outcome).collect();
        read.extend(self.sensitive.iter().chain(&self.count).chain(&self.weight));
        read
    }
}

/// The state of counting rows for a plan: what [`count_part`] accumulates batch by batch,
/// and what the chunks of a file counted apart merge into.
#[derive(Clone)]
pub(crate) struct Counter<'p> {
    plan: &'p FairnessPlan,
    header: &'p Header,
    source: &'p str,
    columns: Columns,
    codec: BinaryCodec,
    missing: MissingTally,
    distinct: DistinctValues,
    table: JointTable,
    scores: Vec<f64>,
    key: Vec<u8>,
    total_rows: u64,
    /// How rows seen before were counted; `None` when a model scores the rows.
    memo: Option<RowMemo>,
}

impl<'p> Counter<'p> {
    /// An empty count of `plan`'s columns (found in `header`) in the input `source`.
    pub(crate) fn new(
        plan: &'p FairnessPlan,
        header: &'p Header,
        columns: Columns,
        source: &'p str,
    ) -> Self {
        let memo = columns.outcome.map(|outcome| {
            let prediction = matches!(plan.outcome, Outcome::Prediction { .. }).then_some(outcome);
            let key =
                [columns.label].into_iter().chain(prediction).chain(columns.sensitive.clone());
            RowMemo::new(key.collect())
        });
        Counter {
            plan,
            header,
            source,
            columns,
            codec: BinaryCodec::new(plan.positive_label.as_deref()),
            missing: MissingTally::new(plan.groups.missing),
            distinct: DistinctValues::new(plan),
            table: JointTable::default(),
            scores: Vec::new(),
            key: Vec::new(),
            total_rows: 0,
            memo,
        }
    }

    #[cfg(test)]
    /// The same counter reading every row in full, for tests of the memo.
    fn without_memo(mut self) -> Self {
        self.memo = None;
        self
    }

    /// Counts the rows of `batch`, scored by `scorer` when the plan's scores come from a
    /// model.
    ///
    /// # Errors
    /// The first unusable row of the batch (see [`crate::fairness::ingest::count_csv`]).
    pub(crate) fn count<'s>(
        &mut self,
        batch: &dyn Batch,
        scorer: Option<&mut (dyn ScoreRecords + 's)>,
    ) -> Result<()> {
        let mut scores = std::mem::take(&mut self.scores);
        scores.clear();
        // When the scorer fails on the batch, the error is reported at its first failing
        // row, after the rows before it have been checked: the file's first error wins.
        let mut failed = None;
        if let Some(scorer) = scorer {
            if let Err(error) = scorer.score(batch, 0..batch.len(), &mut scores) {
                // Rows that the missing-value policy leaves out need no score.
                let skip = |row: usize| self.missing.would_leave_out(batch, row, &self.columns);
                failed = Some(score_row_by_row(scorer, batch, &mut scores, skip, error));
            }
        }
        self.scores = scores;
        self.count_rows(batch, failed)
    }

    /// Counts the rows of `table`'s current batch, scored by `scorer` when the plan's
    /// scores come from a model ([`Counter::count`]).
    ///
    /// # Errors
    /// As [`Counter::count`].
    pub(crate) fn count_table<'s>(
        &mut self,
        table: &Table<'_>,
        scorer: Option<&mut (dyn ScoreRecords + 's)>,
    ) -> Result<()> {
        if scorer.is_some() {
            return self.count(table.batch(), scorer);
        }
        // Without a model, the batch is read as its type: no call through a table of
        // methods per cell, the hot path of counting a large file.
        self.scores.clear();
        match table.typed_batch() {
            TypedBatch::Csv(batch) => self.count_rows(batch, None),
            #[cfg(feature = "columnar")]
            TypedBatch::Columnar(batch) => self.count_rows(batch, None),
        }
    }

    /// [`Counter::count`] for a batch of a type known here, without a model.
    ///
    /// # Errors
    /// As [`Counter::count`].
    pub(crate) fn count_batch<B: Batch + ?Sized>(&mut self, batch: &B) -> Result<()> {
        self.scores.clear();
        self.count_rows(batch, None)
    }

    /// Counts the rows of `batch` with their scores in `self.scores` (when a model scored
    /// them), up to the row `failed` names, whose error it returns.
    fn count_rows<B: Batch + ?Sized>(
        &mut self,
        batch: &B,
        failed: Option<(usize, Error)>,
    ) -> Result<()> {
        let Counter {
            plan,
            header,
            source,
            columns,
            codec,
            missing,
            distinct,
            table,
            scores,
            key,
            total_rows,
            memo,
        } = self;
        let (plan, header, source) = (*plan, *header, *source);
        let columns = &*columns;
        if let Some(memo) = memo.as_mut() {
            memo.key_batch(batch);
        }
        for i in 0..batch.len() {
            if failed.as_ref().is_some_and(|(row, _)| *row == i) {
                if let Some((_, error)) = failed {
                    return Err(error);
                }
            }
            if let Some(seen) = memo.as_mut().and_then(|memo| memo.lookup(batch, i)) {
                if count_seen(seen, batch, i, plan, columns, table, total_rows) {
                    continue;
                }
            }
            let place = batch.place(i);
            let at = |column: usize| header.at(place, column);
            let cell = |column: usize| batch.cell(i, column);
            let rows = match columns.count {
                Some(c) => read_count(cell(c), || at(c))?,
                None => 1,
            };
            if rows == 0 {
                // It stands for no rows: as absent as in the rows it counts (no group, no
                // label value).
                continue;
            }
            *total_rows =
                total_rows.checked_add(rows).filter(|&t| t <= MAX_TOTAL_ROWS).ok_or_else(|| {
                    let column = columns.count.map_or(columns.label, |c| c);
                    Error::invalid_value(
                        at(column),
                        "the rows count more than 2^53 in all, more than an audit counts exactly",
                    )
                })?;
            if missing.leaves_out(batch, i, columns, &at, rows)? {
                continue;
            }
            let label = read_binary(codec, cell(columns.label), &plan.label, || at(columns.label))?;
            let (prediction, score) = match (&plan.outcome, columns.outcome) {
                (Outcome::Prediction { column }, Some(c)) => {
                    (read_binary(codec, cell(c), column, || at(c))?, None)
                }
                (Outcome::Score { threshold, .. }, Some(c)) => {
                    let score = read_score(cell(c), || at(c))?;
                    (score >= *threshold, Some(score))
                }
                (Outcome::Score { threshold, .. }, None) => {
                    let score = scores.get(i).copied().ok_or_else(|| {
                        Error::invalid_value(
                            place.locate(Location::source(source)),
                            "the model gave no score for this row",
                        )
                    })?;
                    if !score.is_finite() {
                        return Err(Error::invalid_value(
                            place.locate(Location::source(source)),
                            format!("the model's score {score} is not a finite number"),
                        ));
                    }
                    (score >= *threshold, Some(score))
                }
                (Outcome::Prediction { .. }, None) => return Err(Error::invalid_option(
                    "pred",
                    "a model's scores are audited as a score with a threshold, not as predictions",
                )),
            };
            key.clear();
            for &c in &columns.sensitive {
                let value = group_value(cell(c));
                key.extend_from_slice(
                    &u32::try_from(value.len()).unwrap_or(u32::MAX).to_le_bytes(),
                );
                key.extend_from_slice(&value);
            }
            let new_values = || {
                let values = sensitive_values(batch, i, &columns.sensitive, at)?;
                distinct.add(&values, plan, place.locate(Location::source(source)))?;
                Ok(values)
            };
            let slot = table.entry(key, new_values)?;
            let cell = &mut table.cells[slot].1;
            cell.counts.add_rows(label, prediction, rows);
            if let (true, Some(score)) = (plan.sweep, score) {
                cell.scores.add(score, label, rows);
            }
            if let Some(c) = columns.weight {
                cell.weights.add(label, prediction, read_weight(batch.cell(i, c), || at(c))?, rows);
            }
            if let Some(memo) = memo {
                let keyed = matches!(plan.outcome, Outcome::Prediction { .. });
                memo.remember(Seen { slot, label, prediction: keyed.then_some(prediction) });
            }
        }
        match failed {
            Some((_, error)) => Err(error),
            None => Ok(()),
        }
    }

    #[cfg(not(target_arch = "wasm32"))] // merged by the chunked count, native only
    /// Adds what `other` counted after this (the next chunk of the same input); false when
    /// the two cannot merge exactly: they met different label values, or more than 2^53
    /// rows in all. The groups' limits are checked once all are merged
    /// ([`Counter::fits_limits`]).
    pub(crate) fn merge(&mut self, other: Counter<'_>) -> bool {
        let Some(total) = self.total_rows.checked_add(other.total_rows) else {
            return false;
        };
        if total > MAX_TOTAL_ROWS || !self.codec.merge(&other.codec) {
            return false;
        }
        self.total_rows = total;
        self.missing.merge(&other.missing);
        self.table.merge(other.table);
        true
    }

    /// How this counter reads labels: the positive value, and the negative one once met.
    pub(crate) fn labels(&self) -> &BinaryCodec {
        &self.codec
    }

    /// Reads labels as `shared` does: the negative value met by another part of the same
    /// input (another time window) is this part's too. False when this part met another
    /// negative value (the input holds three label values).
    pub(crate) fn adopt_labels(&mut self, shared: &BinaryCodec) -> bool {
        self.codec.merge(shared)
    }

    #[cfg(not(target_arch = "wasm32"))] // merged by the chunked count, native only
    /// The number of combinations of sensitive values counted.
    pub(crate) fn cells(&self) -> usize {
        self.table.cells.len()
    }

    /// The combinations of sensitive values counted (one value per sensitive column each).
    pub(crate) fn combinations(&self) -> impl Iterator<Item = &[String]> {
        self.table.cells.iter().map(|(values, _)| values.as_slice())
    }

    #[cfg(not(target_arch = "wasm32"))] // merged by the chunked count, native only
    /// Whether the groups counted stay within the plan's limits (`max_groups` values per
    /// attribute, a million combinations, ten thousand for a threshold sweep), as the sequential
    /// count checks row by row.
    pub(crate) fn fits_limits(&self) -> bool {
        self.check_limits(Location::default()).is_ok()
    }

    #[cfg(not(target_arch = "wasm32"))] // merged by the chunked count and a followed input
    /// As [`Counter::fits_limits`], with the limit passed named at `at`.
    ///
    /// # Errors
    /// An [`crate::error::ErrorKind::InvalidValue`] naming the limit passed.
    pub(crate) fn check_limits(&self, at: Location) -> Result<()> {
        check_group_limits(self.combinations(), self.plan, at)
    }

    /// The counted data.
    ///
    /// # Errors
    /// A favourable label that is neither label value.
    pub(crate) fn finish(self) -> Result<CountedData> {
        let Counter { plan, header, source, columns, codec, missing, table, .. } = self;
        // No rows: an error for all of an audit's data (`check_whole`), an empty part otherwise,
        // whose favourable label is decided where parts merge.
        let empty = table.rows() == 0;
        let weighted = columns.weight.is_some();
        let mut counts = if weighted {
            GroupCounts::weighted(plan.sensitive_columns.clone())
        } else {
            GroupCounts::new(plan.sensitive_columns.clone())
        };
        let mut sweep = plan.sweep.then(SweepCounts::default);
        for (values, cell) in table.into_cells() {
            let names: Vec<&str> = values.iter().map(String::as_str).collect();
            if weighted {
                counts.add_weights(&names, &cell.weights)?;
            } else {
                counts.add_counts(&names, &cell.counts)?;
            }
            if let Some(sweep) = &mut sweep {
                sweep.cells.push((values, cell.scores));
            }
        }
        let favorable_is_positive = match &plan.favorable_label {
            None => true,
            Some(_) if empty => true,
            Some(value) => codec.classify_name(value).ok_or_else(|| {
                Error::invalid_option(
                    "favorable_label",
                    format!(
                        "\"{value}\" is not a label value of {source} (labels are {} and {})",
                        codec.positive_name(),
                        codec.negative_name().unwrap_or_else(|| "nothing else".into())
                    ),
                )
            })?,
        };
        Ok(CountedData {
            counts,
            positive_label: codec.positive_name(),
            negative_label: codec.negative_name(),
            favorable_is_positive,
            missing: missing.report(header),
            sweep,
        })
    }
}

/// Counts the row `row` of `batch` as the memo says a row with its key cells was counted
/// (`seen`), reading only the cells outside the key (score, frequency, weight); false, with
/// nothing counted, when one of those needs the full reading (a bad or missing value, the
/// row limit), which then reports or handles it.
fn count_seen<B: Batch + ?Sized>(
    seen: Seen,
    batch: &B,
    row: usize,
    plan: &FairnessPlan,
    columns: &Columns,
    table: &mut JointTable,
    total_rows: &mut u64,
) -> bool {
    let cell = |column: usize| batch.cell(row, column);
    let rows = match columns.count.map(|c| read_count(cell(c), Location::default)) {
        Some(Ok(rows)) => rows,
        Some(Err(_)) => return false,
        None => 1,
    };
    let (prediction, score) = match (seen.prediction, &plan.outcome, columns.outcome) {
        (Some(prediction), _, _) => (prediction, None),
        (None, Outcome::Score { threshold, .. }, Some(c)) => match cell(c).quantity() {
            Some(score) if score.is_finite() => (score >= *threshold, Some(score)),
            _ => return false,
        },
        _ => return false,
    };
    let weight = match columns.weight.map(|c| read_weight(cell(c), Location::default)) {
        Some(Ok(weight)) => Some(weight),
        Some(Err(_)) => return false,
        None => None,
    };
    let Some(total) = total_rows.checked_add(rows).filter(|&t| t <= MAX_TOTAL_ROWS) else {
        return false;
    };
    *total_rows = total;
    let Some((_, counted)) = table.cells.get_mut(seen.slot) else { return false };
    counted.counts.add_rows(seen.label, prediction, rows);
    if let (true, Some(score)) = (plan.sweep, score) {
        counted.scores.add(score, seen.label, rows);
    }
    if let Some(weight) = weight {
        counted.weights.add(seen.label, prediction, weight, rows);
    }
    true
}

/// Scores `records` one by one after `scorer` failed on the batch with `error`, to place the
/// error at its row: rows that `skip` says are left out get no score (NaN). Returns the
/// first row that fails alone with its error, or the batch's `error` after the last row
/// when none does (the model failed on the batch as a whole).
fn score_row_by_row(
    scorer: &mut dyn ScoreRecords,
    batch: &dyn Batch,
    scores: &mut Vec<f64>,
    skip: impl Fn(usize) -> bool,
    error: Error,
) -> (usize, Error) {
    scores.clear();
    for i in 0..batch.len() {
        if skip(i) {
            scores.push(f64::NAN);
            continue;
        }
        if let Err(e) = scorer.score(batch, i..i + 1, scores) {
            return (i, e);
        }
    }
    (batch.len(), error)
}

/// The observed combinations of sensitive values, keyed by their raw bytes.
#[derive(Default, Clone)]
struct JointTable {
    index: HashMap<Vec<u8>, usize, BuildHasherDefault<WordHasher>>,
    cells: Vec<(Vec<String>, JointCell)>,
}

/// What is counted for one combination of sensitive values: its confusion counts; with
/// sample weights, its histogram of weights; for a threshold sweep, its histogram of scores.
#[derive(Default, Clone)]
struct JointCell {
    counts: Confusion,
    weights: CellWeights,
    scores: ScoreHistogram,
}

impl JointTable {
    /// The slot of the combination `key` in `cells`, created with `values()` on first sight.
    fn entry(&mut self, key: &[u8], values: impl FnOnce() -> Result<Vec<String>>) -> Result<usize> {
        let slot = match self.index.get(key) {
            Some(&slot) => slot,
            None => {
                self.cells.push((values()?, JointCell::default()));
                self.index.insert(key.to_vec(), self.cells.len() - 1);
                self.cells.len() - 1
            }
        };
        Ok(slot)
    }

    fn rows(&self) -> u64 {
        self.cells.iter().map(|(_, c)| c.counts.count()).sum()
    }

    #[cfg(not(target_arch = "wasm32"))] // merged by the chunked count, native only
    /// Adds the cells of `other` (another chunk of the same input).
    fn merge(&mut self, other: JointTable) {
        let mut keys: Vec<(usize, Vec<u8>)> =
            other.index.into_iter().map(|(key, slot)| (slot, key)).collect();
        keys.sort_unstable();
        let mut cells = other.cells.into_iter();
        for (_, key) in keys {
            let Some((values, cell)) = cells.next() else { break };
            let slot = match self.index.get(&key) {
                Some(&slot) => slot,
                None => {
                    self.cells.push((values, JointCell::default()));
                    self.index.insert(key, self.cells.len() - 1);
                    self.cells.len() - 1
                }
            };
            let mine = &mut self.cells[slot].1;
            mine.counts.add(&cell.counts);
            mine.weights.merge(&cell.weights);
            mine.scores.merge(&cell.scores);
        }
    }

    fn into_cells(self) -> Vec<(Vec<String>, JointCell)> {
        self.cells
    }
}

fn sensitive_values<B: Batch + ?Sized>(
    batch: &B,
    row: usize,
    columns: &[usize],
    at: impl Fn(usize) -> Location,
) -> Result<Vec<String>> {
    columns
        .iter()
        .map(|&c| {
            let value = group_value(batch.cell(row, c));
            let text = std::str::from_utf8(&value)
                .map_err(|_| Error::from(ErrorKind::NotUtf8 { at: at(c) }))?;
            Ok(text.to_owned())
        })
        .collect()
}

/// A sensitive cell as a group value ([`Cell::name`]: `true` is `True`, as pandas reads
/// it): a missing-value marker is the group `(missing)` (the row reaches here with one only
/// under [`MissingPolicy::Group`]).
fn group_value(cell: Cell<'_>) -> Cow<'_, [u8]> {
    if cell.is_missing() {
        Cow::Borrowed(MISSING_GROUP.as_bytes())
    } else {
        cell.name()
    }
}

/// Rows with missing values under the plan's [`MissingPolicy`], counted per column.
#[derive(Clone)]
struct MissingTally {
    policy: MissingPolicy,
    dropped_rows: u64,
    by_column: BTreeMap<usize, u64>,
}

impl MissingTally {
    fn new(policy: MissingPolicy) -> Self {
        MissingTally { policy, dropped_rows: 0, by_column: BTreeMap::new() }
    }

    /// Whether the policy leaves the row out (never under [`MissingPolicy::Error`], where a
    /// missing value is an error instead), without counting it.
    fn would_leave_out<B: Batch + ?Sized>(&self, batch: &B, row: usize, columns: &Columns) -> bool {
        let required = std::iter::once(columns.label).chain(columns.outcome).chain(columns.weight);
        let missing = |c: usize| batch.cell(row, c).is_missing();
        match self.policy {
            MissingPolicy::Error => false,
            MissingPolicy::Group => required.into_iter().any(missing),
            MissingPolicy::Drop => required.chain(columns.sensitive.iter().copied()).any(missing),
        }
    }

    /// Whether the row is left out for a missing label, outcome or sensitive value.
    ///
    /// # Errors
    /// Under [`MissingPolicy::Error`], the first missing cell, placed at `at(column)`.
    fn leaves_out<B: Batch + ?Sized>(
        &mut self,
        batch: &B,
        row: usize,
        columns: &Columns,
        at: &impl Fn(usize) -> Location,
        rows: u64,
    ) -> Result<bool> {
        let required = std::iter::once(columns.label).chain(columns.outcome).chain(columns.weight);
        let sensitive = columns.sensitive.iter().map(|&c| (c, true));
        let mut leave = false;
        for (c, is_sensitive) in required.map(|c| (c, false)).chain(sensitive) {
            let cell = batch.cell(row, c);
            if !cell.is_missing() {
                if is_sensitive
                    && self.policy == MissingPolicy::Group
                    && cell.text().trim_ascii() == MISSING_GROUP.as_bytes()
                {
                    return Err(Error::invalid_value(
                        at(c),
                        format!("the value \"{MISSING_GROUP}\" would merge with the group of missing values"),
                    ));
                }
                continue;
            }
            match (self.policy, is_sensitive) {
                (MissingPolicy::Error, _) => {
                    let text = cell.text();
                    let value = match cell {
                        Cell::Null => "null".into(),
                        _ => String::from_utf8_lossy(&text),
                    };
                    let how = if is_sensitive {
                        format!(
                            ", or audit them as the group \"{MISSING_GROUP}\" with ‹missing› group"
                        )
                    } else {
                        String::new()
                    };
                    return Err(Error::invalid_value(
                        at(c),
                        format!("missing value (\"{value}\"); leave such rows out with ‹missing› drop{how}"),
                    ));
                }
                (MissingPolicy::Group, true) => {}
                _ => {
                    let dropped = self.by_column.entry(c).or_default();
                    *dropped = dropped.saturating_add(rows);
                    leave = true;
                }
            }
        }
        if leave {
            self.dropped_rows = self.dropped_rows.saturating_add(rows);
        }
        Ok(leave)
    }

    #[cfg(not(target_arch = "wasm32"))] // merged by the chunked count, native only
    /// What was left out, by column name; `None` under the error policy.
    /// Adds another part's rows left out.
    fn merge(&mut self, other: &MissingTally) {
        self.dropped_rows = self.dropped_rows.saturating_add(other.dropped_rows);
        for (&column, &rows) in &other.by_column {
            let dropped = self.by_column.entry(column).or_default();
            *dropped = dropped.saturating_add(rows);
        }
    }

    fn report(&self, header: &Header) -> Option<MissingReport> {
        (self.policy != MissingPolicy::Error).then(|| MissingReport {
            policy: self.policy,
            dropped_rows: self.dropped_rows,
            by_column: self
                .by_column
                .iter()
                .map(|(&c, &n)| (header.name(c).to_owned(), n))
                .collect(),
        })
    }
}

/// Checks the groups that `combinations` (one value per sensitive column each, distinct)
/// make of every attribute, intersections included, against `plan`'s limits, as counting
/// checks them row by row.
///
/// # Errors
/// An attribute with more than `max_groups` groups, or too many combinations, at `at`.
pub(crate) fn check_group_limits<'v>(
    combinations: impl IntoIterator<Item = &'v [String]>,
    plan: &FairnessPlan,
    at: Location,
) -> Result<()> {
    let mut distinct = DistinctValues::new(plan);
    combinations.into_iter().try_for_each(|values| distinct.add(values, plan, at.clone()))
}

/// The combinations of sensitive values met so far across the parts of an input (a
/// followed input's windows), checked against a plan's limits as new ones come.
#[cfg(not(target_arch = "wasm32"))] // followed, native only
#[derive(Clone)]
pub(crate) struct GroupLimits {
    distinct: DistinctValues,
    seen: HashSet<Vec<String>>,
}

#[cfg(not(target_arch = "wasm32"))]
impl GroupLimits {
    /// No combination met yet.
    pub(crate) fn new(plan: &FairnessPlan) -> Self {
        GroupLimits { distinct: DistinctValues::new(plan), seen: HashSet::new() }
    }

    /// These limits with `combinations` met too, or `None` when none of them is new.
    ///
    /// # Errors
    /// As [`check_group_limits`], for the combinations met so far and these.
    pub(crate) fn with<'v>(
        &self,
        combinations: impl IntoIterator<Item = &'v [String]>,
        plan: &FairnessPlan,
        at: &Location,
    ) -> Result<Option<GroupLimits>> {
        let mut grown: Option<GroupLimits> = None;
        for values in combinations {
            let limits = grown.as_ref().unwrap_or(self);
            if limits.seen.contains(values) {
                continue;
            }
            let limits = grown.get_or_insert_with(|| self.clone());
            limits.seen.insert(values.to_vec());
            limits.distinct.add(values, plan, at.clone())?;
        }
        Ok(grown)
    }
}

/// The groups seen of each attribute (intersections included), to stop at `max_groups` (an
/// id column given as sensitive by mistake) before the counts grow with the file; and the
/// number of combinations of all sensitive columns, which the counts hold one cell each.
#[derive(Clone)]
struct DistinctValues {
    /// Per attribute: the positions of its columns among the sensitive columns, and its
    /// groups so far.
    attributes: Vec<(Vec<usize>, HashSet<Vec<String>>)>,
    combinations: usize,
}

/// The most combinations of sensitive values the counts hold (a cell is some 100 bytes).
const MAX_COMBINATIONS: usize = 1_000_000;

/// The most combinations of sensitive values a threshold sweep follows: each keeps a score
/// histogram of 1.6 KB, and each of the sweep's 101 thresholds audits every group again.
const MAX_SWEEP_COMBINATIONS: usize = 10_000;

impl DistinctValues {
    fn new(plan: &FairnessPlan) -> Self {
        let attributes = plan
            .attributes
            .iter()
            .map(|a| {
                let at = a
                    .columns
                    .iter()
                    .filter_map(|c| plan.sensitive_columns.iter().position(|s| s == c))
                    .collect();
                (at, HashSet::new())
            })
            .collect();
        DistinctValues { attributes, combinations: 0 }
    }

    /// Records a new combination of sensitive values (one per sensitive column).
    ///
    /// # Errors
    /// An attribute with more than `max_groups` groups, or more than [`MAX_COMBINATIONS`]
    /// ([`MAX_SWEEP_COMBINATIONS`] for a threshold sweep)
    /// combinations, placed at `at` (the line that passed the limit).
    fn add(&mut self, values: &[String], plan: &FairnessPlan, at: Location) -> Result<()> {
        let max_groups = plan.groups.max_groups;
        for ((columns, seen), attribute) in self.attributes.iter_mut().zip(&plan.attributes) {
            let group: Vec<String> = columns.iter().map(|&i| values[i].clone()).collect();
            if seen.insert(group) && seen.len() > max_groups {
                return Err(Error::invalid_value(
                    at.in_column(&attribute.name),
                    format!(
                        "more than {max_groups} groups: is it an identifier rather than a sensitive attribute? (raise ‹max_groups› if these are real groups)"
                    ),
                ));
            }
        }
        self.combinations += 1;
        if plan.sweep && self.combinations > MAX_SWEEP_COMBINATIONS {
            return Err(Error::invalid_value(
                at,
                format!(
                    "the sensitive columns ({}) take more than {MAX_SWEEP_COMBINATIONS} combinations of values, more than a threshold sweep follows; sweep fewer or coarser attributes",
                    plan.sensitive_columns.join(", ")
                ),
            ));
        }
        if self.combinations > MAX_COMBINATIONS {
            return Err(Error::invalid_value(
                at,
                format!(
                    "the sensitive columns ({}) take more than {MAX_COMBINATIONS} combinations of values; audit fewer or coarser attributes",
                    plan.sensitive_columns.join(", ")
                ),
            ));
        }
        Ok(())
    }
}

fn read_binary(
    codec: &mut BinaryCodec,
    cell: Cell<'_>,
    column: &str,
    at: impl FnOnce() -> Location,
) -> Result<bool> {
    let text = cell.text();
    codec.read(&text).map_err(|e| {
        let value = String::from_utf8_lossy(&text);
        let message = match e {
            BinaryError::NotBinary if value.trim().parse::<f64>().is_ok() => format!(
                "value \"{value}\" is not 0/1 (for a probability or score column use ‹score› and ‹threshold›)"
            ),
            BinaryError::NotBinary => format!(
                "value \"{value}\" is not 0/1; name the positive value with ‹positive_label›"
            ),
            BinaryError::ThirdValue { positive, negative } => format!(
                "value \"{value}\" is a third value in \"{column}\" (the positive value is \"{positive}\", the other value seen \"{negative}\"); labels and predictions must be binary"
            ),
        };
        Error::invalid_value(at(), message)
    })
}

/// A row's frequency, how many rows it stands for: a whole number ≥ 0 (`12`, `12.0`; a
/// count is never missing).
///
/// # Errors
/// A missing value, or a value that is not a whole number below 2^53, at `at`.
pub(crate) fn read_count(cell: Cell<'_>, at: impl FnOnce() -> Location) -> Result<u64> {
    let value = match cell {
        Cell::UInt(v) => Some(v),
        Cell::Int(v) => u64::try_from(v).ok(),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        _ => cell.quantity().filter(|v| *v >= 0.0 && v.fract() == 0.0).map(|v| v as u64),
    };
    match value {
        Some(v) if v < 1 << 53 => Ok(v),
        Some(_) => Err(Error::invalid_value(
            at(),
            format!(
                "count \"{}\" is 2^53 or more, more than an audit counts exactly",
                String::from_utf8_lossy(&cell.text())
            ),
        )),
        None if matches!(cell, Cell::Null) || crate::data::missing::is_missing(&cell.text()) => {
            Err(Error::invalid_value(
                at(),
                format!(
                    "missing count (\"{}\"): every row needs its count, whatever ‹missing› says (a row that stands for no rows counts 0)",
                    String::from_utf8_lossy(&cell.text())
                ),
            ))
        }
        None => Err(Error::invalid_value(
            at(),
            format!(
                "count \"{}\" is not a whole number ≥ 0 (each row stands for that many rows)",
                String::from_utf8_lossy(&cell.text())
            ),
        )),
    }
}

fn read_weight(cell: Cell<'_>, at: impl FnOnce() -> Location) -> Result<f64> {
    match cell.quantity() {
        Some(w) if w.is_finite() && w >= 0.0 => Ok(w),
        _ => Err(Error::invalid_value(
            at(),
            format!(
                "sample weight \"{}\" is not a finite number ≥ 0",
                String::from_utf8_lossy(&cell.text())
            ),
        )),
    }
}

fn read_score(cell: Cell<'_>, at: impl FnOnce() -> Location) -> Result<f64> {
    match cell.quantity() {
        Some(x) if x.is_finite() => Ok(x),
        Some(x) if x.is_infinite() => {
            Err(Error::invalid_value(at(), format!("score {x} is not a finite number")))
        }
        _ => Err(Error::invalid_value(
            at(),
            format!("score \"{}\" is not a number", String::from_utf8_lossy(&cell.text())),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::Table;
    use crate::fairness::plan::test_plan;
    use proptest::prelude::*;

    /// What counting `text` with or without the memo gives (the counts or the error).
    fn count(text: &[u8], plan: &FairnessPlan, memo: bool) -> String {
        let run = || -> Result<CountedData> {
            let mut table = Table::open(text, "t.csv")?;
            let header = table.header().clone();
            let columns = Columns::find(&header, plan, false)?;
            let mut counter = Counter::new(plan, &header, columns, "t.csv");
            if !memo {
                counter = counter.without_memo();
            }
            while table.fill()? {
                counter.count_table(&table, None)?;
            }
            counter.finish()
        };
        match run() {
            Ok(counted) => format!("{counted:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn plan(
        missing: MissingPolicy,
        positive: bool,
        score: bool,
        weighted: bool,
        counted: bool,
    ) -> FairnessPlan {
        let mut plan = test_plan(missing, positive.then_some("1"));
        if score {
            plan.outcome = Outcome::Score { column: "s".into(), threshold: 0.5 };
            plan.sweep = !weighted;
        }
        plan.count_column = counted.then(|| "n".into());
        plan.sample_weight = weighted.then(|| "w".into());
        plan
    }

    /// The plans the memo's tests vary: missing-value policy, a named positive label, a
    /// score, weights, counts.
    fn plans() -> impl Strategy<Value = FairnessPlan> {
        let missing = prop_oneof![
            Just(MissingPolicy::Error),
            Just(MissingPolicy::Drop),
            Just(MissingPolicy::Group)
        ];
        let flags = (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>());
        (missing, flags).prop_map(|(missing, (positive, score, weighted, counted))| {
            plan(missing, positive, score, weighted, counted)
        })
    }

    fn rows() -> impl Strategy<Value = Vec<u8>> {
        let label = prop_oneof![8 => Just("1"), 8 => Just("0"), 1 => Just("1.0"), 1 => Just("yes"), 1 => Just("")];
        let group = prop_oneof![
            Just("a"),
            Just("b"),
            Just("a-very-long-group-name-beyond-a-key"),
            Just("(missing)"),
            Just("")
        ];
        let h = prop_oneof![Just("x"), Just("y"), Just("NA")];
        let score =
            prop_oneof![Just("0.2"), Just("0.7"), Just("0.5"), Just("nan"), Just("x"), Just("")];
        let weight = prop_oneof![Just("1"), Just("2.5"), Just("0"), Just("-1"), Just("")];
        let n = prop_oneof![Just("1"), Just("3"), Just("0"), Just("2.5"), Just("")];
        let row = (label.clone(), label, group, h, score, weight, n);
        proptest::collection::vec(row, 0..80).prop_map(|rows| {
            let mut text = b"y,p,g,h,s,w,n\n".to_vec();
            for (y, p, g, h, s, w, n) in rows {
                text.extend_from_slice(format!("{y},{p},{g},{h},{s},{w},{n}\n").as_bytes());
            }
            text
        })
    }

    proptest! {
        #[test]
        fn the_memo_counts_what_reading_every_row_counts(text in rows(), plan in plans()) {
            prop_assert_eq!(count(&text, &plan, true), count(&text, &plan, false));
        }
    }

    /// A typed row: label, prediction, the group's dictionary key, `h`, score, weight, count.
    #[cfg(feature = "columnar")]
    type TypedRow = (Option<i64>, Option<bool>, Option<i32>, Option<u64>, f64, f64, i64);

    /// An Arrow IPC file of `rows` in record batches of `batch` rows, with typed columns: the
    /// group a dictionary whose values repeat ("a" twice), `h` unsigned.
    #[cfg(feature = "columnar")]
    fn arrow_file(rows: &[TypedRow], batch: usize) -> Vec<u8> {
        use arrow_array::types::Int32Type;
        use arrow_array::{
            ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int32Array, Int64Array,
            RecordBatch, StringArray, UInt64Array,
        };
        use std::sync::Arc;

        let groups = StringArray::from(vec!["a", "b", "a", "(missing)", "a-very-long-group-name"]);
        let keys: Int32Array = rows.iter().map(|r| r.2).collect();
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("y", Arc::new(rows.iter().map(|r| r.0).collect::<Int64Array>())),
            ("p", Arc::new(rows.iter().map(|r| r.1).collect::<BooleanArray>())),
            ("g", Arc::new(DictionaryArray::<Int32Type>::new(keys, Arc::new(groups)))),
            ("h", Arc::new(rows.iter().map(|r| r.3).collect::<UInt64Array>())),
            ("s", Arc::new(rows.iter().map(|r| Some(r.4)).collect::<Float64Array>())),
            ("w", Arc::new(rows.iter().map(|r| Some(r.5)).collect::<Float64Array>())),
            ("n", Arc::new(rows.iter().map(|r| Some(r.6)).collect::<Int64Array>())),
        ];
        let table = RecordBatch::try_from_iter(columns).unwrap_or_else(|e| panic!("{e}"));
        let mut bytes = Vec::new();
        let mut writer = arrow_ipc::writer::FileWriter::try_new(&mut bytes, &table.schema())
            .unwrap_or_else(|e| panic!("{e}"));
        for start in (0..rows.len()).step_by(batch) {
            let part = table.slice(start, batch.min(rows.len() - start));
            writer.write(&part).unwrap_or_else(|e| panic!("{e}"));
        }
        writer.finish().unwrap_or_else(|e| panic!("{e}"));
        drop(writer);
        bytes
    }

    #[cfg(feature = "columnar")]
    fn typed_rows() -> impl Strategy<Value = Vec<TypedRow>> {
        let label = prop_oneof![8 => Just(Some(0)), 8 => Just(Some(1)), 1 => Just(None), 1 => Just(Some(1 << 40))];
        let prediction =
            prop_oneof![8 => Just(Some(false)), 8 => Just(Some(true)), 1 => Just(None)];
        let group = prop_oneof![8 => (0..5).prop_map(Some), 1 => Just(None)];
        let h = prop_oneof![8 => Just(Some(3)), 8 => Just(Some(4)), 1 => Just(None), 1 => Just(Some(u64::MAX))];
        let score = prop_oneof![Just(0.2), Just(0.7), Just(f64::NAN)];
        let weight = prop_oneof![Just(1.0), Just(2.5), Just(0.0), Just(-1.0)];
        let n = prop_oneof![Just(1), Just(3), Just(0)];
        proptest::collection::vec((label, prediction, group, h, score, weight, n), 1..80)
    }

    #[cfg(feature = "columnar")]
    proptest! {
        /// Typed columns of few values number the rows of a batch: counting by those numbers
        /// counts what reading every row counts (dictionary keys whose values repeat, nulls,
        /// integers whose range is too wide to number).
        #[test]
        fn the_memo_counts_typed_batches_as_reading_every_row_counts(
            rows in typed_rows(),
            batch in 1usize..40,
            plan in plans(),
        ) {
            let file = arrow_file(&rows, batch);
            prop_assert_eq!(count(&file, &plan, true), count(&file, &plan, false));
        }
    }
}
