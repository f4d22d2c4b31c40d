//! The audit document as the user writes it (CLI flags, an audit TOML, a JS object): the
//! data, the model that scores it, the fairness questions, the gates, the report files and
//! the explanations; and its validation into a [`FairnessPlan`] the core can run.
//!
//! [`AuditConfig`] mirrors the CLI's long flags in `snake_case` (and accepts `camelCase`
//! aliases for JS); [`AuditConfig::check`] validates it once, like linfa's `ParamGuard`.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::audit::explanations::ExplanationsConfig;
use crate::error::{Error, Result};
use crate::fairness::confusion::UndefinedPolicy;
use crate::fairness::plan::{
    Attribute, BootstrapSettings, Bound, FairnessPlan, Gate, GroupPolicy, MissingPolicy, Outcome,
    PrivilegedGroup, SmallGroups, DEFAULT_CONFIDENCE, DEFAULT_MAX_GROUPS, DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_THRESHOLD, INTERSECTION_SEPARATOR,
};
use crate::model::scoring::ScoringOptions;
use crate::model::OutputChoice;
use crate::report::Format;

/// A fairness audit as declared by the user.
///
/// # Parameters
/// | Name | Default | Purpose |
/// |---|---|---|
/// | `data` | — | the data: a path in a config file (the CLI resolves it), a value in JavaScript |
/// | `label` | — | label column |
/// | `positive_label` | `1` | the label value that counts as positive |
/// | `pred` / `score` | — | prediction column (0/1), or score column with `threshold` |
/// | `threshold` | 0.5 | `pred = score >= threshold`, in [0, 1] |
/// | `sensitive` | — | attributes: a column, or columns joined by `&` |
/// | `privileged` | none | `COLUMN=VALUE` (or `A&B=a&b`) per attribute |
/// | `favorable_label` | the positive label | favourable outcome of the AIF360 comparison |
/// | `bootstrap` | none | number of resamples for confidence intervals |
/// | `confidence` | 0.95 | interval level, in (0, 1) |
/// | `seed` | 0 | bootstrap seed |
/// | `fairlearn_compat` | false | count undefined rates as 0.0, as fairlearn |
/// | `missing` | error | rows with a missing-value marker: `error`, `drop` or `group` |
/// | `max_groups` | 10,000 | most distinct values of one sensitive column (≥ 2) |
/// | `count_column` | none | a column of whole-number frequencies: each row stands for that many |
/// | `sample_weight` | none | a column of sample weights (finite, ≥ 0): weighted rates and intervals |
/// | `min_group_size` | 30 | groups with fewer rows are flagged as small |
/// | `small_groups` | include | `include` or `exclude` small groups from the aggregates |
/// | `max` / `min` | none | gates `{metric: limit}` applied to every attribute |
/// | `gates` | none | gates for one attribute: `{metric, attribute, max or min}` |
/// | `exit_zero` | false | report failed gates without failing (CLI only) |
/// | `outputs` | none | report files `{format, path}` (CLI only) |
/// | `model` | none | a model whose score of each row is audited (as `score` with `threshold`) |
/// | `features` / `ignore` | model's names / none | the model's input columns |
/// | `model_output` | positive class | which model output is the score |
/// | `explanations` | none | rows to explain by SHAP and LIME ([`ExplanationsConfig`]) |
/// | `sweep` | false | also audit a score at every threshold 0.00, 0.01, …, 1.00 |
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditConfig {
    /// Path of the data file (CLI and audit config only).
    #[serde(default)]
    pub data: Option<String>,
    /// Label column.
    pub label: String,
    /// The label value that counts as positive.
    #[serde(default, alias = "positiveLabel", deserialize_with = "label_value")]
    pub positive_label: Option<String>,
    /// Prediction column.
    #[serde(default)]
    pub pred: Option<String>,
    /// Score column.
    #[serde(default)]
    pub score: Option<String>,
    /// Decision threshold for `score`.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// Attributes to audit.
    #[serde(default, deserialize_with = "one_or_many")]
    pub sensitive: Vec<String>,
    /// Privileged groups, `COLUMN=VALUE`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub privileged: Vec<String>,
    /// Favourable label of the privileged comparison.
    #[serde(default, alias = "favorableLabel", deserialize_with = "label_value")]
    pub favorable_label: Option<String>,
    /// Bootstrap resamples.
    #[serde(default)]
    pub bootstrap: Option<u32>,
    /// Interval confidence level.
    #[serde(default)]
    pub confidence: Option<f64>,
    /// Bootstrap seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Count undefined rates as 0.0, as fairlearn does.
    #[serde(default, alias = "fairlearnCompat")]
    pub fairlearn_compat: bool,
    /// What to do with rows holding a missing-value marker.
    #[serde(default)]
    pub missing: Option<MissingPolicy>,
    /// Most distinct values of one sensitive column.
    #[serde(default, alias = "maxGroups")]
    pub max_groups: Option<usize>,
    /// A column of whole-number row frequencies (a `GROUP BY` count).
    #[serde(default, alias = "countColumn")]
    pub count_column: Option<String>,
    /// A column of sample weights.
    #[serde(default, alias = "sampleWeight")]
    pub sample_weight: Option<String>,
    /// Groups with fewer rows are flagged as small.
    #[serde(default, alias = "minGroupSize")]
    pub min_group_size: Option<u64>,
    /// Whether small groups take part in the aggregates.
    #[serde(default, alias = "smallGroups")]
    pub small_groups: Option<SmallGroups>,
    /// Upper limits per metric, for every attribute.
    #[serde(default)]
    pub max: BTreeMap<String, f64>,
    /// Lower limits per metric, for every attribute.
    #[serde(default)]
    pub min: BTreeMap<String, f64>,
    /// Gates for single attributes.
    #[serde(default)]
    pub gates: Vec<GateEntry>,
    /// Report failed gates without failing.
    #[serde(default, alias = "exitZero")]
    pub exit_zero: bool,
    /// Report files to write.
    #[serde(default)]
    pub outputs: Vec<OutputEntry>,
    /// A model (ONNX or coefficients JSON) that scores `data` first (CLI and audit config).
    #[serde(default)]
    pub model: Option<String>,
    /// The model's input columns (default: its feature names, or all columns not ignored).
    #[serde(default)]
    pub features: Option<Vec<String>>,
    /// Columns that are not model inputs.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// The model output to audit (default: the positive-class probability).
    #[serde(default, alias = "modelOutput")]
    pub model_output: Option<OutputChoice>,
    /// Rows to explain with SHAP and LIME; their charts join the HTML report.
    #[serde(default)]
    pub explanations: Option<ExplanationsConfig>,
    /// Audit the score at every threshold from 0 to 1 in steps of 0.01 as well.
    #[serde(default)]
    pub sweep: bool,
}

/// One gate of the `gates` list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateEntry {
    /// A key of `metrics` or of `privileged_comparison`.
    pub metric: String,
    /// The attribute (as written in `sensitive`); every attribute when absent.
    #[serde(default)]
    pub attribute: Option<String>,
    /// Upper limit.
    #[serde(default)]
    pub max: Option<f64>,
    /// Lower limit.
    #[serde(default)]
    pub min: Option<f64>,
}

/// One report file of the `outputs` list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputEntry {
    /// The report's format.
    pub format: Format,
    /// Where to write it.
    pub path: String,
}

/// Accepts a string or a list of strings.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a column name or a list of column names")]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// Accepts a label value written as a string or a number (`1`, `"1"`, `">50K"`).
fn label_value<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a label value: a string, a number or a boolean")]
    enum Value {
        Text(String),
        Integer(i64),
        Number(f64),
        Flag(bool),
    }
    Ok(Some(match Value::deserialize(d)? {
        Value::Text(s) => s,
        Value::Integer(i) => i.to_string(),
        Value::Number(x) if x.is_finite() => x.to_string(),
        Value::Number(_) => return Err(de::Error::custom("a label value must be finite")),
        Value::Flag(b) => b.to_string(),
    }))
}

impl AuditConfig {
    /// How `model` scores the rows of `data`: its feature columns and its output.
    pub fn scoring_options(&self) -> ScoringOptions {
        // Frequencies and weights are not model inputs.
        let mut ignore = self.ignore.clone();
        ignore.extend(self.count_column.iter().chain(&self.sample_weight).cloned());
        ScoringOptions {
            features: self.features.clone(),
            ignore,
            output: self.model_output.clone(),
        }
    }

    /// Validates the configuration.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming the option (by its key) that is
    /// missing, conflicting, out of range or naming an unknown metric.
    pub fn check(&self) -> Result<FairnessPlan> {
        let outcome = self.outcome()?;
        let attributes = self.attributes()?;
        let mut sensitive_columns: Vec<String> = Vec::new();
        for column in attributes.iter().flat_map(|a| &a.columns) {
            if !sensitive_columns.contains(column) {
                sensitive_columns.push(column.clone());
            }
        }
        let privileged = self.privileged_groups(&attributes)?;
        let bootstrap = self.bootstrap_settings()?;
        let gates = self.checked_gates(&attributes, !privileged.is_empty())?;
        non_empty("label", &self.label)?;
        Ok(FairnessPlan {
            label: self.label.clone(),
            positive_label: self.positive_label.clone(),
            outcome,
            attributes,
            sensitive_columns,
            privileged,
            favorable_label: self.favorable_label.clone(),
            policy: if self.fairlearn_compat {
                UndefinedPolicy::FairlearnCompat
            } else {
                UndefinedPolicy::Strict
            },
            bootstrap,
            gates,
            groups: self.group_policy()?,
            count_column: self.count_column.clone(),
            sample_weight: self.sample_weight.clone(),
            sweep: self.checked_sweep()?,
        })
    }

    /// Whether to sweep the threshold: only a score has one, and a sweep counts rows, not
    /// sums of sample weights.
    fn checked_sweep(&self) -> Result<bool> {
        if !self.sweep {
            return Ok(false);
        }
        if self.pred.is_some() {
            return Err(Error::invalid_option(
                "sweep",
                "a threshold sweep needs a score (‹score›, or a model): predictions have no threshold",
            ));
        }
        if self.sample_weight.is_some() {
            return Err(Error::invalid_option(
                "sweep",
                "a threshold sweep counts rows, not sample weights: drop ‹sample_weight› or the sweep",
            ));
        }
        Ok(true)
    }

    fn group_policy(&self) -> Result<GroupPolicy> {
        let max_groups = self.max_groups.unwrap_or(DEFAULT_MAX_GROUPS);
        if max_groups < 2 {
            return Err(Error::invalid_option(
                "max_groups",
                format!("{max_groups} is too few: fairness compares at least two groups"),
            ));
        }
        Ok(GroupPolicy {
            missing: self.missing.unwrap_or_default(),
            max_groups,
            min_group_size: self.min_group_size.unwrap_or(DEFAULT_MIN_GROUP_SIZE),
            small_groups: self.small_groups.unwrap_or_default(),
        })
    }

    fn outcome(&self) -> Result<Outcome> {
        if self.model.is_some() && self.pred.is_some() {
            return Err(Error::invalid_option(
                "pred",
                "with a model, the model's score is the prediction: drop pred (set threshold instead)",
            ));
        }
        if self.model.is_some() && self.score.as_deref().is_some_and(|s| s != "score") {
            return Err(Error::invalid_option(
                "score",
                "with a model, the scored column is \"score\"",
            ));
        }
        let model_score = self.model.as_ref().map(|_| "score".to_owned());
        match (&self.pred, model_score.as_ref().or(self.score.as_ref())) {
            (Some(_), Some(_)) => Err(Error::invalid_option(
                "pred/score",
                "give either a prediction column (pred) or a score column (score), not both",
            )),
            (None, None) => Err(Error::invalid_option(
                "pred/score",
                "give a prediction column (pred) or a score column (score)",
            )),
            (Some(column), None) => {
                if self.threshold.is_some() {
                    return Err(Error::invalid_option(
                        "threshold",
                        "a threshold applies to a score column (score), not to predictions (pred)",
                    ));
                }
                non_empty("pred", column)?;
                Ok(Outcome::Prediction { column: column.clone() })
            }
            (None, Some(column)) => {
                non_empty("score", column)?;
                let threshold = self.threshold.unwrap_or(DEFAULT_THRESHOLD);
                if !(0.0..=1.0).contains(&threshold) {
                    return Err(Error::invalid_option(
                        "threshold",
                        format!("{threshold} is outside [0, 1]"),
                    ));
                }
                Ok(Outcome::Score { column: column.clone(), threshold })
            }
        }
    }

    fn attributes(&self) -> Result<Vec<Attribute>> {
        if self.sensitive.is_empty() {
            return Err(Error::invalid_option("sensitive", "name at least one sensitive column"));
        }
        let mut attributes: Vec<Attribute> = Vec::new();
        for spec in &self.sensitive {
            let columns: Vec<String> =
                spec.split(INTERSECTION_SEPARATOR).map(|c| c.trim().to_owned()).collect();
            if columns.iter().any(String::is_empty) {
                return Err(Error::invalid_option(
                    "sensitive",
                    format!("\"{spec}\" has an empty column name"),
                ));
            }
            if (1..columns.len()).any(|i| columns[..i].contains(&columns[i])) {
                return Err(Error::invalid_option(
                    "sensitive",
                    format!("\"{spec}\" names a column twice"),
                ));
            }
            let name = columns.join(&INTERSECTION_SEPARATOR.to_string());
            if attributes.iter().any(|a| a.name == name) {
                return Err(Error::invalid_option(
                    "sensitive",
                    format!("\"{name}\" is given twice"),
                ));
            }
            attributes.push(Attribute { name, columns });
        }
        Ok(attributes)
    }

    fn privileged_groups(&self, attributes: &[Attribute]) -> Result<Vec<PrivilegedGroup>> {
        let mut groups: Vec<PrivilegedGroup> = Vec::new();
        for spec in &self.privileged {
            let Some((attribute, value)) = spec.split_once('=') else {
                return Err(Error::invalid_option(
                    "privileged",
                    format!("\"{spec}\" is not COLUMN=VALUE"),
                ));
            };
            let attribute = attribute.trim();
            let Some(found) = attributes.iter().find(|a| a.name == attribute) else {
                let names: Vec<&str> = attributes.iter().map(|a| a.name.as_str()).collect();
                return Err(Error::invalid_option(
                    "privileged",
                    format!(
                        "\"{attribute}\" is not an audited attribute (audited: {})",
                        names.join(", ")
                    ),
                ));
            };
            // Named as the groups are (`true` is `True`: see `Cell::name`).
            let values: Vec<String> = value
                .split(INTERSECTION_SEPARATOR)
                .map(|v| {
                    crate::data::cell::boolean_name(v.as_bytes())
                        .map_or_else(|| v.to_owned(), |name| String::from_utf8_lossy(name).into())
                })
                .collect();
            if values.len() != found.columns.len() {
                return Err(Error::invalid_option(
                    "privileged",
                    format!(
                        "\"{spec}\" needs {} values joined by '&', one per column of {}",
                        found.columns.len(),
                        found.name
                    ),
                ));
            }
            if groups.iter().any(|g| g.attribute == found.name) {
                return Err(Error::invalid_option(
                    "privileged",
                    format!("\"{}\" has more than one privileged group", found.name),
                ));
            }
            groups.push(PrivilegedGroup { attribute: found.name.clone(), values });
        }
        Ok(groups)
    }

    fn bootstrap_settings(&self) -> Result<Option<BootstrapSettings>> {
        let Some(resamples) = self.bootstrap else {
            if self.confidence.is_some() {
                return Err(Error::invalid_option(
                    "confidence",
                    "a confidence level needs bootstrap resamples (bootstrap N)",
                ));
            }
            return Ok(None);
        };
        if resamples < 2 {
            return Err(Error::invalid_option(
                "bootstrap",
                format!("{resamples} resamples; at least 2 are needed for an interval"),
            ));
        }
        let confidence = self.confidence.unwrap_or(DEFAULT_CONFIDENCE);
        if !(confidence > 0.0 && confidence < 1.0) {
            return Err(Error::invalid_option(
                "confidence",
                format!("{confidence} is outside (0, 1)"),
            ));
        }
        Ok(Some(BootstrapSettings { resamples, confidence, seed: self.seed.unwrap_or(0) }))
    }

    fn checked_gates(&self, attributes: &[Attribute], has_privileged: bool) -> Result<Vec<Gate>> {
        let mut gates = Vec::new();
        let everywhere = |(metric, limit): (&String, &f64), bound| Gate {
            metric: metric.clone(),
            attribute: None,
            bound,
            limit: *limit,
        };
        gates.extend(self.max.iter().map(|g| everywhere(g, Bound::Max)));
        gates.extend(self.min.iter().map(|g| everywhere(g, Bound::Min)));
        for entry in &self.gates {
            let bound = match (entry.max, entry.min) {
                (Some(limit), None) => (Bound::Max, limit),
                (None, Some(limit)) => (Bound::Min, limit),
                _ => {
                    return Err(Error::invalid_option(
                        format!("gates ({})", entry.metric),
                        "give exactly one of max or min",
                    ))
                }
            };
            let attribute = match &entry.attribute {
                None => None,
                Some(a) => {
                    let name = a
                        .split(INTERSECTION_SEPARATOR)
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join("&");
                    if !attributes.iter().any(|x| x.name == name) {
                        return Err(Error::invalid_option(
                            format!("gates ({})", entry.metric),
                            format!("attribute \"{a}\" is not audited"),
                        ));
                    }
                    Some(name)
                }
            };
            gates.push(Gate {
                metric: entry.metric.clone(),
                attribute,
                bound: bound.0,
                limit: bound.1,
            });
        }
        for gate in &gates {
            gate.check(has_privileged)?;
        }
        Ok(gates)
    }
}

fn non_empty(name: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid_option(name, "the column name is empty"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AuditConfig {
        AuditConfig {
            label: "y".into(),
            pred: Some("p".into()),
            sensitive: vec!["sex".into(), "sex & race".into()],
            ..AuditConfig::default()
        }
    }

    #[test]
    fn intersections_and_columns_are_parsed() {
        let plan = config().check().map_err(|e| e.to_string());
        let plan = plan.as_ref().map(|p| (&p.attributes[1].name, &p.sensitive_columns));
        assert_eq!(plan, Ok((&"sex&race".to_owned(), &vec!["sex".to_owned(), "race".to_owned()])));
    }

    #[test]
    fn conflicting_or_missing_options_are_named() {
        let both = AuditConfig { score: Some("s".into()), ..config() };
        assert!(both.check().is_err_and(|e| e.to_string().contains("pred/score")));
        let bad_threshold =
            AuditConfig { pred: None, score: Some("s".into()), threshold: Some(1.5), ..config() };
        assert!(bad_threshold.check().is_err_and(|e| e.to_string().contains("threshold")));
        let threshold_with_pred = AuditConfig { threshold: Some(0.3), ..config() };
        assert!(threshold_with_pred.check().is_err());
    }

    #[test]
    fn unknown_gate_metrics_get_suggestions() {
        let mut c = config();
        c.max.insert("demographic_parity_diff".into(), 0.1);
        let message = c.check().map(|_| String::new()).unwrap_or_else(|e| e.to_string());
        assert!(message.contains("did you mean demographic_parity_difference"), "{message}");
    }

    #[test]
    fn aif360_gates_need_a_privileged_group() {
        let mut c = config();
        c.min.insert("disparate_impact".into(), 0.8);
        assert!(c.check().is_err());
        c.privileged = vec!["sex=Male".into()];
        assert!(c.check().is_ok());
    }
}
