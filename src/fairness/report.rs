//! The fairness report: the `sextant.fairness/v1` JSON document, as Rust types.
//!
//! Every adapter (CLI, WASM, page) serialises these types and nothing else, so the schema
//! changes only when this file does. Undefined numbers are `None` (JSON `null`) and the
//! reason sits alongside in an `undefined` map; no value is ever NaN.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fairness::confusion::{Confusion, UndefinedPolicy};
use crate::fairness::metrics::Metrics;
use crate::fairness::plan::{BootstrapSettings, Bound, MissingPolicy};
use crate::fairness::privileged::{Aif360Metrics, SideSummary};

/// The schema identifier of [`FairnessReport`].
pub const FAIRNESS_SCHEMA: &str = "sextant.fairness/v1";

/// A confidence interval `[low, high]`; `None` when no resample defined the value.
pub type Interval = Option<[f64; 2]>;

/// A complete fairness audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FairnessReport {
    /// Always [`FAIRNESS_SCHEMA`].
    pub schema: String,
    /// The data's name (path or `<data>`).
    pub source: String,
    /// Rows audited.
    pub rows: u64,
    /// The sample-weight column, when rates are weighted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_weight: Option<String>,
    /// How the label was read.
    pub label: LabelInfo,
    /// How predictions were read.
    pub outcome: OutcomeInfo,
    /// How undefined rates were treated.
    pub policy: UndefinedPolicy,
    /// Bootstrap settings, when intervals were computed.
    pub bootstrap: Option<BootstrapSettings>,
    /// Rates over every row.
    pub overall: GroupReport,
    /// One entry per audited attribute, in the given order.
    pub attributes: Vec<AttributeReport>,
    /// Rows left out for missing values (present under a `drop` or `group` policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<MissingReport>,
    /// Every gate's verdict.
    pub gates: Vec<GateResult>,
    /// Whether every gate passed (true when there are none).
    pub passed: bool,
    /// The metrics at every threshold of a score, when a sweep was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<ThresholdSweep>,
}

/// A score's threshold swept over [0, 1]: the value at each threshold is what auditing with
/// that threshold reports (bootstrap and gates aside). Every series has one value per
/// threshold, `null` where the value is undefined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdSweep {
    /// The thresholds, 0.00 to 1.00 in steps of 0.01 (a row is positive when its score is at
    /// least the threshold).
    pub thresholds: Vec<f64>,
    /// Rows whose score lies outside [0, 1], for which the sweep's range means little.
    pub outside_rows: u64,
    /// The rates over every row.
    pub overall: SweepRates,
    /// One entry per audited attribute, in the report's order.
    pub attributes: Vec<AttributeSweep>,
}

/// Rates of one group (or of all rows) at each threshold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepRates {
    /// P(ŷ = 1).
    pub selection_rate: Vec<Option<f64>>,
    /// P(ŷ = 1 | y = 1).
    pub tpr: Vec<Option<f64>>,
    /// P(ŷ = 1 | y = 0).
    pub fpr: Vec<Option<f64>>,
    /// P(y = 1 | ŷ = 1).
    pub precision: Vec<Option<f64>>,
    /// P(ŷ = y).
    pub accuracy: Vec<Option<f64>>,
}

/// One attribute's metrics and groups at each threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeSweep {
    /// The attribute.
    pub attribute: String,
    /// fairlearn metric name → its value with fairlearn's defaults (`between_groups`,
    /// `worst_case`) at each threshold: the value a gate on that metric checks.
    pub metrics: BTreeMap<String, Vec<Option<f64>>>,
    /// Its groups, in the order of the report's groups.
    pub groups: Vec<GroupSweep>,
}

/// One group's rates at each threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSweep {
    /// The group's values joined by `&`.
    pub group: String,
    /// Its rates.
    #[serde(flatten)]
    pub rates: SweepRates,
}

/// How missing values were treated, and the rows left out for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingReport {
    /// `drop` or `group`.
    pub policy: MissingPolicy,
    /// Rows left out (a missing label, prediction or score; or, under `drop`, a missing
    /// sensitive value).
    pub dropped_rows: u64,
    /// Column → rows left out with a missing value in it (a row may count in several).
    pub by_column: BTreeMap<String, u64>,
}

/// The label column and its two values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelInfo {
    /// The column.
    pub column: String,
    /// The value counted as positive.
    pub positive: String,
    /// The other value, if seen.
    pub negative: Option<String>,
}

/// The prediction or score column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeInfo {
    /// The column.
    pub column: String,
    /// `"prediction"` or `"score"`.
    pub kind: String,
    /// The decision threshold of a score.
    pub threshold: Option<f64>,
    /// With a model: the class whose probability the score is, when the model names its
    /// classes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// Counts and rates of one group (or of all rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// The group's values joined by `&` (`"all"` for the overall row).
    pub group: String,
    /// Rows in the group.
    pub count: u64,
    /// P(y = 1).
    pub base_rate: Option<f64>,
    /// P(ŷ = 1).
    pub selection_rate: Option<f64>,
    /// P(ŷ = 1 | y = 1).
    pub tpr: Option<f64>,
    /// P(ŷ = 1 | y = 0).
    pub fpr: Option<f64>,
    /// P(ŷ = 0 | y = 0).
    pub tnr: Option<f64>,
    /// P(ŷ = 0 | y = 1).
    pub fnr: Option<f64>,
    /// P(y = 1 | ŷ = 1).
    pub precision: Option<f64>,
    /// P(ŷ = y).
    pub accuracy: Option<f64>,
    /// The confusion counts.
    pub confusion: Confusion,
    /// The sum of the group's sample weights (weighted audits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// The confusion cells as sums of sample weights (weighted audits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighted_confusion: Option<Confusion<f64>>,
    /// Rate name → why it is undefined (or was counted as 0.0 under fairlearn-compat).
    pub undefined: BTreeMap<String, String>,
    /// Rate name → bootstrap interval, when bootstrapped.
    pub intervals: Option<BTreeMap<String, Interval>>,
    /// Whether the group has fewer rows than `min_group_size` (present only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    pub small: bool,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

/// Everything computed for one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeReport {
    /// The attribute: a column, or columns joined by `&`.
    pub attribute: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// Its groups, sorted by value as fairlearn's `by_group`.
    pub groups: Vec<GroupReport>,
    /// fairlearn's aggregates.
    pub metrics: Metrics<Option<f64>>,
    /// Bootstrap intervals of `metrics`, same shape.
    pub metric_intervals: Option<Metrics<Interval>>,
    /// Dotted metric path → why it is undefined.
    pub undefined: BTreeMap<String, String>,
    /// Things the reader should know (e.g. groups left out of an aggregate).
    pub warnings: Vec<String>,
    /// The AIF360-style comparison, when a privileged group of this attribute was named.
    pub privileged_comparison: Option<PrivilegedComparison>,
}

/// AIF360-style metrics of a privileged group against all other rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivilegedComparison {
    /// The privileged group's values joined by `&`.
    pub privileged_group: String,
    /// The favourable label value.
    pub favorable_label: String,
    /// Rates of the privileged group (favourable label as positive).
    pub privileged: SideSummary,
    /// Rates of everyone else.
    pub unprivileged: SideSummary,
    /// The five metrics, at the top level of this object.
    #[serde(flatten)]
    pub metrics: Aif360Metrics<Option<f64>>,
    /// Bootstrap intervals of the five metrics.
    pub intervals: Option<Aif360Metrics<Interval>>,
    /// The four-fifths rule: disparate impact ≥ 0.8.
    pub four_fifths_rule: FourFifthsRule,
    /// Metric name → why it is undefined.
    pub undefined: BTreeMap<String, String>,
}

/// The EEOC four-fifths rule of thumb.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FourFifthsRule {
    /// 0.8.
    pub threshold: f64,
    /// Whether disparate impact is at least the threshold; `None` when it is undefined.
    pub passed: Option<bool>,
}

/// One gate's verdict on one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateResult {
    /// The metric.
    pub name: String,
    /// The attribute.
    pub attribute: String,
    /// `max` or `min`.
    pub bound: Bound,
    /// The metric's value.
    pub value: Option<f64>,
    /// The limit.
    pub limit: f64,
    /// The value's bootstrap interval, when bootstrapped.
    pub interval: Interval,
    /// Whether the value is within the limit (an undefined value fails).
    pub passed: bool,
    /// Why the gate failed without a value.
    pub reason: Option<String>,
}
