//! fairlearn's fairness metrics of one attribute, in exactly the shape of the `metrics`
//! object of fairlearn reference files (`demographic_parity_difference.between_groups`,
//! `equalized_odds_difference.to_overall.mean`, …).
//!
//! [`Metrics<T>`] is generic over its leaf so that the same shape carries values
//! (`Option<f64>`), bootstrap samples and confidence intervals (`Option<[f64; 2]>`).

use serde::{Deserialize, Serialize};

use crate::fairness::aggregate::{difference, ratio, Aggregate, Method, RateValues, Undefined};
use crate::fairness::confusion::{Confusion, Rate, Tally, UndefinedPolicy};

/// `{default, between_groups, to_overall}`; `default` is fairlearn's default call
/// (`method="between_groups"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Defaulted<T> {
    /// The value of a call with fairlearn's defaults.
    pub default: T,
    /// `method="between_groups"`.
    pub between_groups: T,
    /// `method="to_overall"`.
    pub to_overall: T,
}

/// `{worst_case, mean}`: fairlearn's `agg` over the TPR and FPR aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByAgg<T> {
    /// `agg="worst_case"`: the larger difference, or the smaller ratio.
    pub worst_case: T,
    /// `agg="mean"`: the mean of the two.
    pub mean: T,
}

/// Equalized odds: `{default, between_groups: {worst_case, mean}, to_overall: {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EqualizedOdds<T> {
    /// fairlearn's defaults: `between_groups`, `worst_case`.
    pub default: T,
    /// `method="between_groups"`.
    pub between_groups: ByAgg<T>,
    /// `method="to_overall"`.
    pub to_overall: ByAgg<T>,
}

/// `{between_groups, to_overall}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByMethod<T> {
    /// `method="between_groups"`.
    pub between_groups: T,
    /// `method="to_overall"`.
    pub to_overall: T,
}

/// Every fairlearn aggregate Sextant reports for one attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // the field names are fairlearn's function names
pub struct Metrics<T> {
    pub demographic_parity_difference: Defaulted<T>,
    pub demographic_parity_ratio: Defaulted<T>,
    pub equal_opportunity_difference: Defaulted<T>,
    pub equal_opportunity_ratio: Defaulted<T>,
    pub equalized_odds_difference: EqualizedOdds<T>,
    pub equalized_odds_ratio: EqualizedOdds<T>,
    pub tpr_difference: ByMethod<T>,
    pub fpr_difference: ByMethod<T>,
    pub tpr_ratio: ByMethod<T>,
    pub fpr_ratio: ByMethod<T>,
}

/// The names of [`Metrics`]' fields: what a gate may name.
pub const METRIC_NAMES: [&str; 10] = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "tpr_difference",
    "fpr_difference",
    "tpr_ratio",
    "fpr_ratio",
];

impl<T> Defaulted<T> {
    fn map<U>(&self, path: &str, f: &mut impl FnMut(&str, &T) -> U) -> Defaulted<U> {
        Defaulted {
            default: f(&format!("{path}.default"), &self.default),
            between_groups: f(&format!("{path}.between_groups"), &self.between_groups),
            to_overall: f(&format!("{path}.to_overall"), &self.to_overall),
        }
    }
}

impl<T> ByAgg<T> {
    fn map<U>(&self, path: &str, f: &mut impl FnMut(&str, &T) -> U) -> ByAgg<U> {
        ByAgg {
            worst_case: f(&format!("{path}.worst_case"), &self.worst_case),
            mean: f(&format!("{path}.mean"), &self.mean),
        }
    }
}

impl<T> EqualizedOdds<T> {
    fn map<U>(&self, path: &str, f: &mut impl FnMut(&str, &T) -> U) -> EqualizedOdds<U> {
        EqualizedOdds {
            default: f(&format!("{path}.default"), &self.default),
            between_groups: self.between_groups.map(&format!("{path}.between_groups"), f),
            to_overall: self.to_overall.map(&format!("{path}.to_overall"), f),
        }
    }
}

impl<T> ByMethod<T> {
    fn map<U>(&self, path: &str, f: &mut impl FnMut(&str, &T) -> U) -> ByMethod<U> {
        ByMethod {
            between_groups: f(&format!("{path}.between_groups"), &self.between_groups),
            to_overall: f(&format!("{path}.to_overall"), &self.to_overall),
        }
    }
}

impl<T> Metrics<T> {
    /// The same shape with every leaf replaced by `f(path, leaf)`, where `path` is the
    /// leaf's dotted JSON path (`"equalized_odds_difference.to_overall.mean"`).
    pub fn map<U>(&self, mut f: impl FnMut(&str, &T) -> U) -> Metrics<U> {
        let f = &mut f;
        Metrics {
            demographic_parity_difference: self
                .demographic_parity_difference
                .map("demographic_parity_difference", f),
            demographic_parity_ratio: self
                .demographic_parity_ratio
                .map("demographic_parity_ratio", f),
            equal_opportunity_difference: self
                .equal_opportunity_difference
                .map("equal_opportunity_difference", f),
            equal_opportunity_ratio: self.equal_opportunity_ratio.map("equal_opportunity_ratio", f),
            equalized_odds_difference: self
                .equalized_odds_difference
                .map("equalized_odds_difference", f),
            equalized_odds_ratio: self.equalized_odds_ratio.map("equalized_odds_ratio", f),
            tpr_difference: self.tpr_difference.map("tpr_difference", f),
            fpr_difference: self.fpr_difference.map("fpr_difference", f),
            tpr_ratio: self.tpr_ratio.map("tpr_ratio", f),
            fpr_ratio: self.fpr_ratio.map("fpr_ratio", f),
        }
    }

    /// The headline value of the metric `name` (its fairlearn default: `between_groups`,
    /// `worst_case`), or `None` if `name` is not a metric.
    pub fn headline(&self, name: &str) -> Option<&T> {
        Some(match name {
            "demographic_parity_difference" => &self.demographic_parity_difference.default,
            "demographic_parity_ratio" => &self.demographic_parity_ratio.default,
            "equal_opportunity_difference" => &self.equal_opportunity_difference.default,
            "equal_opportunity_ratio" => &self.equal_opportunity_ratio.default,
            "equalized_odds_difference" => &self.equalized_odds_difference.default,
            "equalized_odds_ratio" => &self.equalized_odds_ratio.default,
            "tpr_difference" => &self.tpr_difference.between_groups,
            "fpr_difference" => &self.fpr_difference.between_groups,
            "tpr_ratio" => &self.tpr_ratio.between_groups,
            "fpr_ratio" => &self.fpr_ratio.between_groups,
            _ => return None,
        })
    }
}

/// A metric value and, when it is undefined, why.
pub type Leaf = Aggregate;

/// The values of `rate` in the groups that define it under `policy`, and the overall one.
fn rate_values<T: Tally>(
    groups: &[Confusion<T>],
    overall: &Confusion<T>,
    rate: Rate,
    policy: UndefinedPolicy,
) -> RateValues {
    RateValues {
        rate,
        groups: groups
            .iter()
            .enumerate()
            .filter_map(|(i, g)| g.rate_with(rate, policy).map(|v| (i, v)))
            .collect(),
        overall: overall.rate_with(rate, policy),
        policy,
    }
}

/// The pair of aggregates of one rate, for both methods.
fn pair(values: &RateValues, aggregate: fn(&RateValues, Method) -> Aggregate) -> ByMethod<Leaf> {
    ByMethod {
        between_groups: aggregate(values, Method::BetweenGroups),
        to_overall: aggregate(values, Method::ToOverall),
    }
}

fn defaulted(p: &ByMethod<Leaf>) -> Defaulted<Leaf> {
    Defaulted {
        default: p.between_groups,
        between_groups: p.between_groups,
        to_overall: p.to_overall,
    }
}

/// A part of equalized odds, marked as such when it is undefined.
fn part(leaf: Leaf) -> Leaf {
    leaf.map_err(|why| Undefined { part: true, ..why })
}

/// `worst_case` and `mean` of the TPR and FPR aggregates.
///
/// Strict policy: undefined when either part is (naming it). Fairlearn-compat policy: as
/// fairlearn 0.15, whose `worst_case` is Python's `max`/`min` over the series `[tpr, fpr]`
/// (a NaN TPR part wins, a NaN FPR part is passed over) and whose `mean` is pandas' (NaN
/// skipped).
fn by_agg(
    tpr: Leaf,
    fpr: Leaf,
    worst: fn(f64, f64) -> f64,
    policy: UndefinedPolicy,
) -> ByAgg<Leaf> {
    let (tpr, fpr) = (part(tpr), part(fpr));
    match policy {
        UndefinedPolicy::Strict => {
            let both = tpr.and_then(|t| fpr.map(|f| (t, f)));
            ByAgg {
                worst_case: both.map(|(t, f)| worst(t, f)),
                mean: both.map(|(t, f)| 0.5 * (t + f)),
            }
        }
        UndefinedPolicy::FairlearnCompat => ByAgg {
            worst_case: tpr.map(|t| fpr.map_or(t, |f| worst(t, f))),
            mean: match (tpr, fpr) {
                (Ok(t), Ok(f)) => Ok(0.5 * (t + f)),
                (Ok(v), Err(_)) | (Err(_), Ok(v)) => Ok(v),
                (Err(why), Err(_)) => Err(why),
            },
        },
    }
}

fn equalized_odds(
    tpr: &ByMethod<Leaf>,
    fpr: &ByMethod<Leaf>,
    worst: fn(f64, f64) -> f64,
    policy: UndefinedPolicy,
) -> EqualizedOdds<Leaf> {
    let between_groups = by_agg(tpr.between_groups, fpr.between_groups, worst, policy);
    EqualizedOdds {
        default: between_groups.worst_case,
        between_groups,
        to_overall: by_agg(tpr.to_overall, fpr.to_overall, worst, policy),
    }
}

/// Every aggregate of one attribute from its groups' counts and the overall counts (or
/// their sums of sample weights).
pub fn compute<T: Tally>(
    groups: &[Confusion<T>],
    overall: &Confusion<T>,
    policy: UndefinedPolicy,
) -> Metrics<Leaf> {
    let selection = rate_values(groups, overall, Rate::SelectionRate, policy);
    let tpr = rate_values(groups, overall, Rate::Tpr, policy);
    let fpr = rate_values(groups, overall, Rate::Fpr, policy);
    let tpr_difference = pair(&tpr, difference);
    let fpr_difference = pair(&fpr, difference);
    let tpr_ratio = pair(&tpr, ratio);
    let fpr_ratio = pair(&fpr, ratio);
    Metrics {
        demographic_parity_difference: defaulted(&pair(&selection, difference)),
        demographic_parity_ratio: defaulted(&pair(&selection, ratio)),
        equal_opportunity_difference: defaulted(&tpr_difference),
        equal_opportunity_ratio: defaulted(&tpr_ratio),
        equalized_odds_difference: equalized_odds(
            &tpr_difference,
            &fpr_difference,
            f64::max,
            policy,
        ),
        equalized_odds_ratio: equalized_odds(&tpr_ratio, &fpr_ratio, f64::min, policy),
        tpr_difference,
        fpr_difference,
        tpr_ratio,
        fpr_ratio,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::aggregate::Cause;

    fn c(tp: u64, fp: u64, tn: u64, fn_: u64) -> Confusion {
        Confusion { tp, fp, tn, fn_ }
    }

    #[test]
    fn equalized_odds_aggregates_tpr_and_fpr() {
        // Group A: TPR 1, FPR 0.5; group B: TPR 0.5, FPR 0.
        let groups = [c(2, 1, 1, 0), c(1, 0, 2, 1)];
        let mut overall = groups[0];
        overall.add(&groups[1]);
        let m = compute(&groups, &overall, UndefinedPolicy::Strict);
        assert_eq!(m.tpr_difference.between_groups, Ok(0.5));
        assert_eq!(m.fpr_difference.between_groups, Ok(0.5));
        assert_eq!(m.equalized_odds_difference.between_groups.worst_case, Ok(0.5));
        assert_eq!(m.equalized_odds_ratio.between_groups.worst_case, Ok(0.0));
        assert_eq!(m.equalized_odds_ratio.between_groups.mean, Ok(0.25));
    }

    #[test]
    fn compat_worst_case_follows_pythons_max_over_tpr_then_fpr() {
        // Every group's TPR is 0 (so the TPR ratio is 0/0) and the FPRs differ.
        let groups = [c(0, 1, 1, 1), c(0, 2, 1, 1)];
        let mut overall = groups[0];
        overall.add(&groups[1]);
        let compat = compute(&groups, &overall, UndefinedPolicy::FairlearnCompat);
        assert!(compat.tpr_ratio.between_groups.is_err());
        assert!(compat.equalized_odds_ratio.between_groups.worst_case.is_err());
        let fpr_ratio = compat.fpr_ratio.between_groups;
        assert_eq!(compat.equalized_odds_ratio.between_groups.mean, fpr_ratio);
    }

    #[test]
    fn strict_policy_leaves_undefined_groups_out_and_compat_counts_zero() {
        // Group B has no label positives: its TPR is undefined.
        let groups = [c(2, 0, 2, 2), c(0, 1, 3, 0)];
        let mut overall = groups[0];
        overall.add(&groups[1]);
        let strict = compute(&groups, &overall, UndefinedPolicy::Strict);
        let only_a = Undefined { rate: Rate::Tpr, cause: Cause::OneGroup(0), part: false };
        assert_eq!(strict.tpr_difference.between_groups, Err(only_a));
        assert_eq!(strict.tpr_difference.to_overall, Err(only_a));
        let part = Err(Undefined { part: true, ..only_a });
        assert_eq!(strict.equalized_odds_difference.between_groups.mean, part);
        assert_eq!(strict.equalized_odds_ratio.to_overall.worst_case, part);
        let compat = compute(&groups, &overall, UndefinedPolicy::FairlearnCompat);
        assert_eq!(compat.tpr_difference.between_groups, Ok(0.5));
        assert_eq!(compat.tpr_ratio.between_groups, Ok(0.0));
    }

    #[test]
    fn map_visits_every_leaf_with_its_path() {
        let groups = [c(1, 1, 1, 1), c(1, 0, 1, 0)];
        let m = compute(&groups, &groups[0], UndefinedPolicy::Strict);
        let mut paths = Vec::new();
        m.map(|path, _| paths.push(path.to_owned()));
        assert_eq!(paths.len(), 30);
        assert!(paths.contains(&"equalized_odds_ratio.to_overall.mean".to_owned()));
        for name in METRIC_NAMES {
            assert!(m.headline(name).is_some(), "{name}");
        }
    }
}
