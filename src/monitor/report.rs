//! The result of a monitoring run, `sextant.monitor/v1`: per time window the fairness
//! attributes of `sextant.fairness/v1` and the drift of each drift column against the
//! reference, and the gates' verdicts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fairness::plan::Bound;
use crate::fairness::report::{AttributeReport, LabelInfo, MissingReport, OutcomeInfo};
use crate::monitor::plan::GateWindows;

/// The schema identifier of [`MonitorReport`].
pub const MONITOR_SCHEMA: &str = "sextant.monitor/v1";

/// A monitoring report (`sextant.monitor/v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorReport {
    /// Always [`MONITOR_SCHEMA`].
    pub schema: String,
    /// The input's name.
    pub source: String,
    /// The time column.
    pub time_column: String,
    /// The window spelling (`1mo`, `7d`, `rows:1000`, …).
    pub window: String,
    /// The label column and values.
    pub label: LabelInfo,
    /// The prediction or score column.
    pub outcome: OutcomeInfo,
    /// Rows of the input (all windows).
    pub rows: u64,
    /// Rows left out for a missing time (`--missing drop` or `group`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub rows_without_time: u64,
    /// What drift is measured against.
    pub reference: ReferenceReport,
    /// The windows, in time order, from the one holding the earliest time to the one
    /// holding the latest (empty ones between them included, with 0 rows).
    pub windows: Vec<WindowReport>,
    /// Which windows the gates applied to.
    pub gate_windows: GateWindows,
    /// Every gate's verdict.
    pub gates: Vec<MonitorGate>,
    /// Whether every gate passed.
    pub passed: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The reference of the drift statistics and of the change gates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceReport {
    /// `first` (the first window), `range` (rows in `[start, end)`) or `file`.
    pub kind: String,
    /// The reference file, for `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its start (RFC 3339 UTC); `None` for a file.
    pub start: Option<String>,
    /// Its end, exclusive; `None` for a file.
    pub end: Option<String>,
    /// Its rows.
    pub rows: u64,
    /// Per drift column, the reference's bins or categories.
    pub drift: BTreeMap<String, ReferenceColumn>,
}

/// The reference sample of one drift column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ReferenceColumn {
    /// A numeric column.
    Numeric {
        /// Values (missing ones are left out).
        rows: u64,
        /// The 9 inner bin edges, the reference's deciles; empty without values.
        edges: Vec<f64>,
        /// The reference's values per bin (10).
        bin_counts: Vec<u64>,
    },
    /// A categorical column.
    Categorical {
        /// Values (missing ones are left out).
        rows: u64,
        /// The categories, sorted.
        categories: Vec<String>,
        /// The count of each.
        counts: Vec<u64>,
    },
}

/// One time window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowReport {
    /// Its start, RFC 3339 UTC (`…T00:00:00Z`).
    pub start: String,
    /// Its end, exclusive.
    pub end: String,
    /// Rows in the window.
    pub rows: u64,
    /// Per attribute, the content of `sextant.fairness/v1`'s attributes; empty for a window
    /// without rows.
    pub attributes: Vec<AttributeReport>,
    /// Per drift column, its drift against the reference.
    pub drift: BTreeMap<String, ColumnDrift>,
    /// The window's rows left out for missing values, as in `sextant.fairness/v1` (under a
    /// `drop` or `group` policy, when the window has rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingReport>,
}

/// The drift of one column in one window. A statistic that cannot be computed (no values
/// in the window or the reference) is `null`, and `reason` says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ColumnDrift {
    /// A numeric column.
    Numeric {
        /// Values in the window (missing ones are left out).
        rows: u64,
        /// Population stability index (10 bins at the reference's deciles, floor 1e-4).
        psi: Option<f64>,
        /// Jensen–Shannon distance, base 2, over the same bins.
        js: Option<f64>,
        /// Kolmogorov–Smirnov statistic.
        ks: Option<f64>,
        /// Its asymptotic two-sided p-value.
        ks_pvalue: Option<f64>,
        /// Wasserstein-1 distance, in the column's unit.
        wasserstein: Option<f64>,
        /// The window's values per bin.
        bin_counts: Vec<u64>,
        /// Why the statistics are `null`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A categorical column.
    Categorical {
        /// Values in the window (missing ones are left out).
        rows: u64,
        /// Population stability index over the categories (floor 1e-4).
        psi: Option<f64>,
        /// Jensen–Shannon distance, base 2.
        js: Option<f64>,
        /// Chi-square test p-value of the 2 × K table of counts.
        chi2_pvalue: Option<f64>,
        /// The union of the window's and the reference's categories, sorted.
        categories: Vec<String>,
        /// The window's count per category.
        counts: Vec<u64>,
        /// The reference's count per category.
        reference_counts: Vec<u64>,
        /// Why the statistics are `null`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl ColumnDrift {
    /// The statistic `name` (`psi`, `js`, `ks`, `ks_pvalue`, `wasserstein`, `chi2_pvalue`),
    /// when the column has it and it is defined.
    pub fn statistic(&self, name: &str) -> Option<f64> {
        match (self, name) {
            (ColumnDrift::Numeric { psi, .. } | ColumnDrift::Categorical { psi, .. }, "psi") => {
                *psi
            }
            (ColumnDrift::Numeric { js, .. } | ColumnDrift::Categorical { js, .. }, "js") => *js,
            (ColumnDrift::Numeric { ks, .. }, "ks") => *ks,
            (ColumnDrift::Numeric { ks_pvalue, .. }, "ks_pvalue") => *ks_pvalue,
            (ColumnDrift::Numeric { wasserstein, .. }, "wasserstein") => *wasserstein,
            (ColumnDrift::Categorical { chi2_pvalue, .. }, "chi2_pvalue") => *chi2_pvalue,
            _ => None,
        }
    }

    /// Why the statistics are undefined, if they are.
    pub fn reason(&self) -> Option<&str> {
        match self {
            ColumnDrift::Numeric { reason, .. } | ColumnDrift::Categorical { reason, .. } => {
                reason.as_deref()
            }
        }
    }
}

/// What a monitoring gate bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GateKind {
    /// A fairness metric of the window (`--max`, `--min`).
    Fairness,
    /// A drift statistic of a column (`--max-drift`).
    Drift,
    /// A fairness metric's absolute change against the reference (`--max-change`).
    Change,
}

/// One gate's verdict on one window (and attribute or column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorGate {
    /// The window's start.
    pub window: String,
    /// What is bounded.
    pub kind: GateKind,
    /// The metric or statistic.
    pub name: String,
    /// The attribute, for fairness and change gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// The column, for drift gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `max` or `min`.
    pub bound: Bound,
    /// The value: the metric, the statistic, or the absolute change.
    pub value: Option<f64>,
    /// For change gates, the metric's value in the reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_value: Option<f64>,
    /// The limit.
    pub limit: f64,
    /// Whether the value is within the limit (an undefined value fails).
    pub passed: bool,
    /// Why the gate failed without a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
