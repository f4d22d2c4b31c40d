//! The mergeable state of an audit as a document, `sextant.counts/v1`: the confusion counts
//! of every combination of the sensitive columns, the label values, the rows left out for
//! missing values, and what was counted (the settings two states must share to merge).
//!
//! A fairness report is a function of these counts alone (bootstrap intervals included: they
//! resample each group's confusion counts), so states counted on parts of the data, on
//! different machines or engines, merge into exactly the report of the whole.

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::fairness::confusion::Confusion;
use crate::fairness::counter::check_group_limits;
use crate::fairness::counts::{GroupCounts, MAX_TOTAL_ROWS};
use crate::fairness::ingest::{check_whole, CountedData};
use crate::fairness::labels::{same_value, BinaryCodec};
use crate::fairness::plan::{FairnessPlan, MissingPolicy, Outcome};
use crate::fairness::report::MissingReport;
use crate::fairness::weights::CellWeights;

/// The schema identifier of [`CountsState`].
pub const COUNTS_SCHEMA: &str = "sextant.counts/v1";

/// A counted state (`sextant.counts/v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountsState {
    /// Always [`COUNTS_SCHEMA`].
    pub schema: String,
    /// What was counted (a file name, or several joined by ` + ` after a merge).
    pub source: String,
    /// The settings of the count; states merge only when these are equal.
    pub counted: Counted,
    /// The label value counted as positive.
    pub positive_label: String,
    /// The other label value, when one was seen.
    pub negative_label: Option<String>,
    /// Rows left out for missing values (`drop` and `group` policies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingReport>,
    /// The sensitive columns, in the order of every cell's values.
    pub columns: Vec<String>,
    /// One cell per observed combination of sensitive values, in sorted order.
    pub cells: Vec<StateCell>,
}

/// What a state counted: the fingerprint two states must share to merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counted {
    /// The label column.
    pub label: String,
    /// The positive label value, if named.
    pub positive_label: Option<String>,
    /// The prediction column, for predictions.
    pub pred: Option<String>,
    /// The score column, for scores.
    pub score: Option<String>,
    /// The threshold, for scores.
    pub threshold: Option<f64>,
    /// The sensitive columns counted.
    pub sensitive: Vec<String>,
    /// The missing-value policy.
    pub missing: MissingPolicy,
    /// The frequency column, if rows carried counts.
    pub count_column: Option<String>,
    /// The sample-weight column, if rows carried weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_weight: Option<String>,
}

/// The counts of one combination of sensitive values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateCell {
    /// One value per column of [`CountsState::columns`].
    pub values: Vec<String>,
    /// Its confusion counts (`tp`, `fp`, `tn`, `fn`).
    #[serde(flatten)]
    pub confusion: Confusion,
    /// With sample weights: per confusion cell, `[weight, rows]` for each distinct weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<CellWeights>,
}

impl Counted {
    /// What `plan` counts.
    pub fn of(plan: &FairnessPlan) -> Self {
        let (pred, score, threshold) = match &plan.outcome {
            Outcome::Prediction { column } => (Some(column.clone()), None, None),
            Outcome::Score { column, threshold } => (None, Some(column.clone()), Some(*threshold)),
        };
        Counted {
            label: plan.label.clone(),
            positive_label: plan.positive_label.clone(),
            pred,
            score,
            threshold,
            sensitive: plan.sensitive_columns.clone(),
            missing: plan.groups.missing,
            count_column: plan.count_column.clone(),
            sample_weight: plan.sample_weight.clone(),
        }
    }

    /// The first setting in which `self` (of `name`) differs from `expected`, worded.
    fn difference(&self, expected: &Counted, name: &str) -> Option<String> {
        fn show<T: Serialize>(value: &T) -> String {
            serde_json::to_string(value).unwrap_or_default()
        }
        let fields: [(&str, String, String); 9] = [
            ("label", show(&self.label), show(&expected.label)),
            ("positive_label", show(&self.positive_label), show(&expected.positive_label)),
            ("pred", show(&self.pred), show(&expected.pred)),
            ("score", show(&self.score), show(&expected.score)),
            ("threshold", show(&self.threshold), show(&expected.threshold)),
            ("sensitive columns", show(&self.sensitive), show(&expected.sensitive)),
            ("missing", show(&self.missing), show(&expected.missing)),
            ("count_column", show(&self.count_column), show(&expected.count_column)),
            ("sample_weight", show(&self.sample_weight), show(&expected.sample_weight)),
        ];
        // Two spellings of one value (`1` and `1.0`) name one positive label, as counting
        // reads them.
        let positives_agree = match (&self.positive_label, &expected.positive_label) {
            (Some(a), Some(b)) => same_value(a.as_bytes(), b.as_bytes()),
            (a, b) => a == b,
        };
        let differs = |what: &str, a: &String, b: &String| match what {
            "positive_label" => !positives_agree,
            _ => a != b,
        };
        fields.into_iter().find(|(what, a, b)| differs(what, a, b)).map(|(what, theirs, ours)| {
            format!("{name} was counted with {what} {theirs}, and this audit has {ours}: count it again with the same settings")
        })
    }
}

impl CountsState {
    /// The state of `counted`, counted for `plan` from `source`.
    pub fn new(plan: &FairnessPlan, source: &str, counted: &CountedData) -> Self {
        CountsState {
            schema: COUNTS_SCHEMA.to_owned(),
            source: source.to_owned(),
            counted: Counted::of(plan),
            positive_label: counted.positive_label.clone(),
            negative_label: counted.negative_label.clone(),
            missing: counted.missing.clone(),
            columns: counted.counts.columns().to_vec(),
            cells: counted
                .counts
                .cells()
                .iter()
                .map(|(values, confusion)| StateCell {
                    values: values.clone(),
                    confusion: *confusion,
                    weights: counted.counts.weights().and_then(|w| w.get(values)).cloned(),
                })
                .collect(),
        }
    }

    /// Reads a state from JSON bytes; `name` names it in errors.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::Config`] naming `name`: not JSON, not `sextant.counts/v1`, a
    /// cell without one value per column, columns or a positive label that are not what the
    /// state says it counted, or more than 2^53 rows.
    pub fn from_json(bytes: &[u8], name: &str) -> Result<Self> {
        let state: CountsState = serde_json::from_slice(bytes)
            .map_err(|e| Error::config(name, format!("not a {COUNTS_SCHEMA} document: {e}")))?;
        if state.schema != COUNTS_SCHEMA {
            return Err(Error::config(
                name,
                format!("schema \"{}\" is not {COUNTS_SCHEMA}", state.schema),
            ));
        }
        if let Some(cell) = state.cells.iter().find(|c| c.values.len() != state.columns.len()) {
            return Err(Error::config(
                name,
                format!(
                    "a cell has {} values for {} columns",
                    cell.values.len(),
                    state.columns.len()
                ),
            ));
        }
        if state.columns != state.counted.sensitive {
            return Err(Error::config(
                name,
                "its columns are not the sensitive columns it says it counted",
            ));
        }
        if let Some(positive) = &state.counted.positive_label {
            if !same_value(positive.as_bytes(), state.positive_label.as_bytes()) {
                return Err(Error::config(
                    name,
                    format!(
                        "its positive label \"{}\" is not the one it counted with (\"{positive}\")",
                        state.positive_label
                    ),
                ));
            }
        }
        if let Some(negative) = &state.negative_label {
            if same_value(negative.as_bytes(), state.positive_label.as_bytes()) {
                return Err(Error::config(
                    name,
                    format!(
                        "its negative label \"{negative}\" is its positive label \"{}\"",
                        state.positive_label
                    ),
                ));
            }
        }
        state.total_rows().ok_or_else(|| {
            Error::config(
                name,
                "its counts add up to more than 2^53 rows, more than an audit counts exactly",
            )
        })?;
        Ok(state)
    }

    /// The rows counted, when they are at most [`MAX_TOTAL_ROWS`].
    fn total_rows(&self) -> Option<u64> {
        self.cells.iter().try_fold(0u64, |total, cell| {
            let c = &cell.confusion;
            [c.tp, c.fp, c.tn, c.fn_]
                .into_iter()
                .try_fold(total, u64::checked_add)
                .filter(|&t| t <= MAX_TOTAL_ROWS)
        })
    }
}

/// Merges `states` (with their names) counted for `plan` into the data of one audit: the
/// counts added, the label values united, the rows left out added.
///
/// # Errors
/// No state, a state counted with other settings than `plan`'s (the first difference
/// named), label values that disagree, a favourable label that is neither label value,
/// more than 2^53 rows or more than `max_groups` values of a column in all, no rows in all,
/// or an attribute with a single group.
pub fn merge_states(plan: &FairnessPlan, states: &[(CountsState, String)]) -> Result<CountedData> {
    let expected = Counted::of(plan);
    let Some((first, _)) = states.first() else {
        return Err(Error::invalid_option("from_counts", "no counted state to audit"));
    };
    let new_counts = |columns: &[String]| match plan.sample_weight {
        Some(_) => GroupCounts::weighted(columns.to_vec()),
        None => GroupCounts::new(columns.to_vec()),
    };
    let mut counts = new_counts(&first.columns);
    let mut negative: Option<String> = None;
    let mut missing: Option<MissingReport> = None;
    let mut total_rows: u64 = 0;
    for (state, name) in states {
        total_rows = state
            .total_rows()
            .and_then(|rows| total_rows.checked_add(rows))
            .filter(|&t| t <= MAX_TOTAL_ROWS)
            .ok_or_else(|| {
                Error::config(name, "the states count more than 2^53 rows in all, more than an audit counts exactly")
            })?;
        if let Some(difference) = state.counted.difference(&expected, name) {
            return Err(Error::config(name, difference));
        }
        if !same_value(state.positive_label.as_bytes(), first.positive_label.as_bytes()) {
            return Err(Error::config(
                name,
                format!(
                    "its positive label is \"{}\", and {}'s is \"{}\"",
                    state.positive_label, states[0].1, first.positive_label
                ),
            ));
        }
        match (&negative, &state.negative_label) {
            (Some(ours), Some(theirs)) if !same_value(ours.as_bytes(), theirs.as_bytes()) => {
                return Err(Error::config(
                    name,
                    format!(
                    "its labels are \"{}\" and \"{theirs}\", another state's \"{}\" and \"{ours}\"",
                    state.positive_label, first.positive_label
                ),
                ))
            }
            (None, Some(theirs)) => negative = Some(theirs.clone()),
            _ => {}
        }
        let mut part = new_counts(&state.columns);
        // A state counts each combination once: a repeated one was edited in, or joined.
        let mut seen = std::collections::HashSet::with_capacity(state.cells.len());
        for cell in &state.cells {
            if !seen.insert(&cell.values) {
                return Err(Error::config(
                    name,
                    format!("the cell {:?} appears twice: a state counts each combination of sensitive values once", cell.values),
                ));
            }
            let values: Vec<&str> = cell.values.iter().map(String::as_str).collect();
            match (&cell.weights, part.is_weighted()) {
                (Some(weights), true) if weights.counts() == cell.confusion => {
                    part.add_weights(&values, weights)?;
                }
                (None, false) => part.add_counts(&values, &cell.confusion)?,
                _ => {
                    return Err(Error::config(
                        name,
                        "a cell's sample weights are missing or do not add up to its counts",
                    ))
                }
            }
        }
        counts.merge(&part).map_err(|e| Error::config(name, e.to_string()))?;
        if let Some(report) = &state.missing {
            let total = missing.get_or_insert_with(|| MissingReport {
                policy: report.policy,
                dropped_rows: 0,
                by_column: Default::default(),
            });
            total.dropped_rows = total.dropped_rows.saturating_add(report.dropped_rows);
            for (column, rows) in &report.by_column {
                let dropped = total.by_column.entry(column.clone()).or_default();
                *dropped = dropped.saturating_add(*rows);
            }
        }
    }
    let source = states.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + ");
    // The groups' limits hold for the whole, intersections included, as for counting it at
    // once.
    let combinations = counts.cells().keys().map(|key| key.as_slice());
    check_group_limits(combinations, plan, crate::error::Location::source(&source))?;
    check_whole(&counts, missing.as_ref(), plan, &source).map_err(|e| match e.kind() {
        ErrorKind::NoRows { .. } => Error::config(&source, "the counted states hold no rows"),
        _ => e,
    })?;
    // The favourable label against the merged label values, as counting reads it.
    let mut codec = BinaryCodec::new(plan.positive_label.as_deref());
    if let Some(value) = &negative {
        let _ = codec.read(value.as_bytes());
    }
    let favorable_is_positive = match &plan.favorable_label {
        None => true,
        Some(value) => codec.classify_name(value).ok_or_else(|| {
            Error::invalid_option(
                "favorable_label",
                format!("\"{value}\" is not a label value of the counted states"),
            )
        })?,
    };
    Ok(CountedData {
        counts,
        positive_label: first.positive_label.clone(),
        negative_label: negative,
        favorable_is_positive,
        missing,
        sweep: None,
    })
}
