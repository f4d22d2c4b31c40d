//! A checked fairness audit: every column name parsed into attributes, every gate checked
//! against the known metrics, every number in range. The audit layer builds a
//! [`FairnessPlan`] from the user's document; nothing here knows that document.

use serde::{Deserialize, Serialize};

use crate::error::{closest_names, Error, Result};
use crate::fairness::confusion::UndefinedPolicy;
use crate::fairness::metrics::METRIC_NAMES;
use crate::fairness::privileged::AIF360_METRIC_NAMES;

/// Separator of the columns of an intersection (`sex&race`) and of its group values.
pub const INTERSECTION_SEPARATOR: char = '&';

/// Default decision threshold for a score column.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// Default confidence level of bootstrap intervals.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// How each row's predicted outcome is read.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A column of 0/1 (or label-valued) predictions.
    Prediction {
        /// The column.
        column: String,
    },
    /// A numeric score, positive when `score >= threshold`.
    Score {
        /// The column.
        column: String,
        /// The decision threshold.
        threshold: f64,
    },
}

impl Outcome {
    /// The column the outcome is read from.
    pub fn column(&self) -> &str {
        match self {
            Outcome::Prediction { column } | Outcome::Score { column, .. } => column,
        }
    }
}

/// An attribute: one sensitive column, or the intersection of several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The name in reports: the columns joined by `&`.
    pub name: String,
    /// The columns, in the given order.
    pub columns: Vec<String>,
}

/// A privileged group of one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivilegedGroup {
    /// The attribute's name.
    pub attribute: String,
    /// The group's values, one per column of the attribute.
    pub values: Vec<String>,
}

/// Whether a gate bounds a metric from above or below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The value must be at most the limit.
    Max,
    /// The value must be at least the limit.
    Min,
}

/// A validated gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// A fairlearn metric name or an AIF360 metric name.
    pub metric: String,
    /// The attribute it applies to; every attribute when `None`.
    pub attribute: Option<String>,
    /// Upper or lower bound.
    pub bound: Bound,
    /// The limit.
    pub limit: f64,
}

/// Bootstrap settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSettings {
    /// Number of resamples.
    pub resamples: u32,
    /// Interval confidence level.
    pub confidence: f64,
    /// Seed of the resampling.
    pub seed: u64,
}

/// Default limit of distinct values of one sensitive column (`max_groups`).
pub const DEFAULT_MAX_GROUPS: usize = 10_000;

/// Default size below which a group is flagged as small (`min_group_size`).
pub const DEFAULT_MIN_GROUP_SIZE: u64 = 30;

/// The group that rows with a missing sensitive value join under [`MissingPolicy::Group`].
pub const MISSING_GROUP: &str = "(missing)";

/// What to do with a row whose label, prediction, score or sensitive cell is a
/// missing-value marker (empty, `NA`, `NaN`, `null`, … as pandas reads them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Stop with an error naming the file, line and column.
    #[default]
    Error,
    /// Leave the row out, counting it per column.
    Drop,
    /// Audit a missing sensitive value as the group `(missing)`; a row without a label,
    /// prediction or score is left out as with `Drop`.
    Group,
}

/// Whether groups smaller than `min_group_size` take part in the aggregates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmallGroups {
    /// They do (flagged, with a warning).
    #[default]
    Include,
    /// They are left out of the aggregates (still listed, flagged).
    Exclude,
}

/// How groups are formed and which take part: limits against mistaken sensitive columns
/// and unreliable small groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupPolicy {
    /// Missing values.
    pub missing: MissingPolicy,
    /// Most distinct values one sensitive column may have.
    pub max_groups: usize,
    /// Groups with fewer rows are flagged as small.
    pub min_group_size: u64,
    /// Whether small groups take part in the aggregates.
    pub small_groups: SmallGroups,
}

impl Default for GroupPolicy {
    fn default() -> Self {
        GroupPolicy {
            missing: MissingPolicy::Error,
            max_groups: DEFAULT_MAX_GROUPS,
            min_group_size: DEFAULT_MIN_GROUP_SIZE,
            small_groups: SmallGroups::Include,
        }
    }
}

/// A checked fairness audit: every name parsed, every number in range.
#[derive(Debug, Clone, PartialEq)]
pub struct FairnessPlan {
    /// Label column.
    pub label: String,
    /// The positive label value, if the user named one.
    pub positive_label: Option<String>,
    /// How predictions are read.
    pub outcome: Outcome,
    /// Attributes, in the given order.
    pub attributes: Vec<Attribute>,
    /// Every sensitive column, each once, in order of first mention.
    pub sensitive_columns: Vec<String>,
    /// Privileged groups.
    pub privileged: Vec<PrivilegedGroup>,
    /// Favourable label value, if the user named one (defaults to the positive label).
    pub favorable_label: Option<String>,
    /// Undefined-rate policy.
    pub policy: UndefinedPolicy,
    /// Bootstrap settings, when intervals are asked for.
    pub bootstrap: Option<BootstrapSettings>,
    /// Gates.
    pub gates: Vec<Gate>,
    /// Missing values, group limits and small groups.
    pub groups: GroupPolicy,
    /// A column of whole-number frequencies: each row stands for that many rows (a
    /// `GROUP BY … COUNT(*)` result audits as the rows it counts).
    pub count_column: Option<String>,
    /// A column of sample weights (finite numbers ≥ 0): rates are weighted as fairlearn's
    /// `sample_weight` weighs them, and AIF360's comparison as its `instance_weights` do.
    pub sample_weight: Option<String>,
    /// Whether to audit the score at every threshold of the grid (0.00, 0.01, …, 1.00)
    /// as well.
    pub sweep: bool,
}

impl Gate {
    /// Checks that the gate's metric exists and its limit is finite; an AIF360 metric needs
    /// a privileged group (`has_privileged`).
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming `max` or `min`: a limit that is not
    /// finite, an unknown metric (with the closest names), or an AIF360 metric without a
    /// privileged group.
    pub fn check(&self, has_privileged: bool) -> Result<()> {
        let gate = self;
        let option = match gate.bound {
            Bound::Max => "max",
            Bound::Min => "min",
        };
        if !gate.limit.is_finite() {
            return Err(Error::invalid_option(
                format!("{option} {}", gate.metric),
                "the limit must be a finite number",
            ));
        }
        let is_fairlearn = METRIC_NAMES.contains(&gate.metric.as_str());
        let is_aif360 = AIF360_METRIC_NAMES.contains(&gate.metric.as_str());
        if !is_fairlearn && !is_aif360 {
            let suggestions =
                closest_names(&gate.metric, METRIC_NAMES.into_iter().chain(AIF360_METRIC_NAMES));
            let hint = if suggestions.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", suggestions.join(" or "))
            };
            return Err(Error::invalid_option(
                option,
                format!("unknown metric \"{}\"{hint}", gate.metric),
            ));
        }
        // equal_opportunity_difference is both a fairlearn and an AIF360 name; fairlearn's wins.
        if is_aif360 && !is_fairlearn && !has_privileged {
            return Err(Error::invalid_option(
                option,
                format!(
                    "\"{}\" compares against a privileged group: give privileged COLUMN=VALUE",
                    gate.metric
                ),
            ));
        }
        Ok(())
    }
}

/// A plan for the tests of counting: label `y`, prediction `p`, attributes `g` and `g&h`,
/// at most 6 groups.
#[cfg(test)]
pub(crate) fn test_plan(missing: MissingPolicy, positive_label: Option<&str>) -> FairnessPlan {
    FairnessPlan {
        label: "y".into(),
        positive_label: positive_label.map(str::to_owned),
        outcome: Outcome::Prediction { column: "p".into() },
        sensitive_columns: vec!["g".into(), "h".into()],
        attributes: vec![
            Attribute { name: "g".into(), columns: vec!["g".into()] },
            Attribute { name: "g&h".into(), columns: vec!["g".into(), "h".into()] },
        ],
        privileged: Vec::new(),
        favorable_label: None,
        policy: UndefinedPolicy::Strict,
        bootstrap: None,
        gates: Vec::new(),
        groups: GroupPolicy { missing, max_groups: 6, ..GroupPolicy::default() },
        count_column: None,
        sample_weight: None,
        sweep: false,
    }
}
