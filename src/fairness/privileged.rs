//! AIF360-style comparison of a privileged group against everyone else, for a favourable
//! label (`aif360.metrics.ClassificationMetric` and its documented formulas).
//!
//! Rates treat the favourable label as the positive one: with favourable label 0, "TPR" is
//! P(ŷ = 0 | y = 0). Differences are signed, unprivileged minus privileged.

use serde::{Deserialize, Serialize};

use crate::fairness::confusion::{Confusion, Rate, Tally};

/// The five AIF360 metrics; `None` when a denominator is zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aif360Metrics<T> {
    /// P(ŷ = fav | unprivileged) / P(ŷ = fav | privileged).
    pub disparate_impact: T,
    /// P(ŷ = fav | unprivileged) − P(ŷ = fav | privileged).
    pub statistical_parity_difference: T,
    /// ½[(FPR_u − FPR_p) + (TPR_u − TPR_p)].
    pub average_odds_difference: T,
    /// ½[|FPR_u − FPR_p| + |TPR_u − TPR_p|].
    pub average_abs_odds_difference: T,
    /// TPR_u − TPR_p.
    pub equal_opportunity_difference: T,
}

/// The names of [`Aif360Metrics`]' fields: what a gate may name.
pub const AIF360_METRIC_NAMES: [&str; 5] = [
    "disparate_impact",
    "statistical_parity_difference",
    "average_odds_difference",
    "average_abs_odds_difference",
    "equal_opportunity_difference",
];

impl<T> Aif360Metrics<T> {
    /// The same shape with every value replaced by `f(name, value)`.
    pub fn map<U>(&self, mut f: impl FnMut(&str, &T) -> U) -> Aif360Metrics<U> {
        Aif360Metrics {
            disparate_impact: f("disparate_impact", &self.disparate_impact),
            statistical_parity_difference: f(
                "statistical_parity_difference",
                &self.statistical_parity_difference,
            ),
            average_odds_difference: f("average_odds_difference", &self.average_odds_difference),
            average_abs_odds_difference: f(
                "average_abs_odds_difference",
                &self.average_abs_odds_difference,
            ),
            equal_opportunity_difference: f(
                "equal_opportunity_difference",
                &self.equal_opportunity_difference,
            ),
        }
    }

    /// The metric called `name`, or `None` if there is no such metric.
    pub fn get(&self, name: &str) -> Option<&T> {
        Some(match name {
            "disparate_impact" => &self.disparate_impact,
            "statistical_parity_difference" => &self.statistical_parity_difference,
            "average_odds_difference" => &self.average_odds_difference,
            "average_abs_odds_difference" => &self.average_abs_odds_difference,
            "equal_opportunity_difference" => &self.equal_opportunity_difference,
            _ => return None,
        })
    }
}

/// One side of the comparison, with rates relative to the favourable label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideSummary {
    /// Rows on this side.
    pub count: u64,
    /// The sum of the sample weights on this side (weighted audits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// P(ŷ = fav).
    pub favorable_prediction_rate: Option<f64>,
    /// P(ŷ = fav | y = fav).
    pub tpr: Option<f64>,
    /// P(ŷ = fav | y ≠ fav).
    pub fpr: Option<f64>,
    /// P(y = fav).
    pub base_rate: Option<f64>,
}

impl SideSummary {
    /// The side of `rows` rows whose cells (counts, or sums of weights) are `cells`.
    fn of<T: Tally>(rows: u64, cells: &Confusion<T>) -> Self {
        SideSummary {
            count: rows,
            weight: None,
            favorable_prediction_rate: cells.rate(Rate::SelectionRate),
            tpr: cells.rate(Rate::Tpr),
            fpr: cells.rate(Rate::Fpr),
            base_rate: cells.rate(Rate::BaseRate),
        }
    }
}

/// The two sides of a comparison, each as cells with the favourable label as positive.
#[derive(Debug, Clone, Copy)]
pub struct Sides<T = u64> {
    /// The privileged group.
    pub privileged: Confusion<T>,
    /// Everyone else.
    pub unprivileged: Confusion<T>,
}

impl Sides {
    /// Summaries of both sides (privileged first), with the rates of `weighted` (the same
    /// sides' sums of sample weights) when the audit is weighted.
    pub fn summaries(&self, weighted: Option<&Sides<f64>>) -> (SideSummary, SideSummary) {
        let side = |rows: &Confusion, weights: Option<&Confusion<f64>>| match weights {
            Some(w) => SideSummary { weight: Some(w.count()), ..SideSummary::of(rows.count(), w) },
            None => SideSummary::of(rows.count(), rows),
        };
        (
            side(&self.privileged, weighted.map(|w| &w.privileged)),
            side(&self.unprivileged, weighted.map(|w| &w.unprivileged)),
        )
    }
}

impl<T: Tally> Sides<T> {
    /// The group at `privileged` against the sum of the other `groups` (in order, as AIF360
    /// sums the unprivileged rows rather than subtracting); `favorable_is_positive` says
    /// whether the favourable label is the positive one.
    pub fn split(groups: &[Confusion<T>], privileged: usize, favorable_is_positive: bool) -> Self {
        let mut unprivileged = Confusion::<T>::default();
        for (i, group) in groups.iter().enumerate() {
            if i != privileged {
                unprivileged.add(group);
            }
        }
        let privileged = groups.get(privileged).copied().unwrap_or_default();
        if favorable_is_positive {
            Sides { privileged, unprivileged }
        } else {
            Sides { privileged: privileged.flipped(), unprivileged: unprivileged.flipped() }
        }
    }

    /// The AIF360 metrics, each `Err(reason)` when undefined.
    pub fn metrics(&self) -> Aif360Metrics<Result<f64, &'static str>> {
        let p = &self.privileged;
        let u = &self.unprivileged;
        let sel_p = p.rate(Rate::SelectionRate).ok_or("the privileged group is empty");
        let sel_u = u.rate(Rate::SelectionRate).ok_or("the unprivileged group is empty");
        let tpr_p = p.rate(Rate::Tpr).ok_or("the privileged group has no favourable labels");
        let tpr_u = u.rate(Rate::Tpr).ok_or("the unprivileged group has no favourable labels");
        let fpr_p = p.rate(Rate::Fpr).ok_or("the privileged group has no unfavourable labels");
        let fpr_u = u.rate(Rate::Fpr).ok_or("the unprivileged group has no unfavourable labels");
        let disparate_impact = match (sel_u, sel_p) {
            (Ok(_), Ok(0.0)) => Err("no favourable predictions in the privileged group (x/0)"),
            (Ok(u), Ok(p)) => Ok(u / p),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let tpr_gap = tpr_u.and_then(|u| tpr_p.map(|p| u - p));
        let fpr_gap = fpr_u.and_then(|u| fpr_p.map(|p| u - p));
        let both = tpr_gap.and_then(|t| fpr_gap.map(|f| (t, f)));
        Aif360Metrics {
            disparate_impact,
            statistical_parity_difference: sel_u.and_then(|u| sel_p.map(|p| u - p)),
            average_odds_difference: both.map(|(t, f)| 0.5 * (f + t)),
            average_abs_odds_difference: both.map(|(t, f)| 0.5 * (f.abs() + t.abs())),
            equal_opportunity_difference: tpr_gap,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_follow_the_aif360_formulas() {
        let privileged = Confusion { tp: 30, fp: 10, tn: 50, fn_: 10 };
        let others = [
            Confusion { tp: 4, fp: 5, tn: 30, fn_: 15 },
            Confusion { tp: 6, fp: 0, tn: 40, fn_: 0 },
        ];
        let m = Sides::split(&[others[0], privileged, others[1]], 1, true).metrics();
        // unprivileged: sel 0.15, tpr 0.4, fpr 0.0666…; privileged: sel 0.4, tpr 0.75, fpr 1/6
        assert_eq!(m.disparate_impact, Ok(0.15 / 0.4));
        assert_eq!(m.statistical_parity_difference, Ok(0.15 - 0.4));
        assert_eq!(m.equal_opportunity_difference, Ok(0.4 - 0.75));
        let aod = 0.5 * ((5.0 / 75.0 - 10.0 / 60.0) + (0.4 - 0.75));
        assert!((m.average_odds_difference.unwrap_or(f64::NAN) - aod).abs() < 1e-15);
    }

    #[test]
    fn favourable_negative_label_flips_the_rates() {
        let privileged = Confusion { tp: 30, fp: 10, tn: 50, fn_: 10 };
        let sides = Sides::split(&[privileged], 0, false);
        assert_eq!(sides.privileged.rate(Rate::SelectionRate), Some(0.6));
        assert_eq!(sides.unprivileged.count(), 0);
        assert!(sides.metrics().disparate_impact.is_err());
    }
}
