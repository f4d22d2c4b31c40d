//! fairlearn's aggregations of a per-group metric: `difference` and `ratio`, each
//! `between_groups` or `to_overall` (fairlearn 0.15 `_disaggregated_result.py`), and why an
//! aggregate is undefined ([`Undefined`]).
//!
//! Inputs are the values of the groups that define the rate, with their group index:
//! undefined ones already removed (strict policy) or already replaced by 0.0
//! (fairlearn-compat policy). Under the strict policy a comparison needs two groups that
//! define the rate; with one, nothing was compared and the aggregate is undefined (a
//! difference of 0 would read as perfect parity). Under the compat policy every group has a
//! value, and these functions only decide what fairlearn leaves as NaN.

use serde::Serialize;

use crate::fairness::confusion::{Rate, UndefinedPolicy};

/// How groups are compared, as fairlearn's `method` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Largest group value against the smallest.
    BetweenGroups,
    /// Each group against the overall value; the worst group counts.
    ToOverall,
}

/// What makes an aggregate of one rate undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// No group defines the rate.
    NoGroup,
    /// Only the group with this index defines the rate: nothing is compared.
    OneGroup(usize),
    /// The overall rate is undefined.
    Overall,
    /// Every group's value is 0: the ratio is 0/0.
    AllZero,
    /// The overall value and every group's value are 0: each ratio is 0/0.
    AllZeroWithOverall,
}

/// Why an aggregate is undefined: the rate, the cause, and whether the aggregate is an
/// equalized-odds value whose TPR or FPR part (`rate`) is the undefined one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undefined {
    /// The rate whose aggregate is undefined.
    pub rate: Rate,
    /// Why.
    pub cause: Cause,
    /// Whether this is the missing part of an equalized-odds aggregate.
    pub part: bool,
}

impl Undefined {
    fn new(rate: Rate, cause: Cause) -> Self {
        Undefined { rate, cause, part: false }
    }

    /// The reason in words; `groups` names the groups by index.
    pub fn describe(&self, groups: &[String]) -> String {
        let rate = self.rate.name();
        let why = match self.cause {
            Cause::NoGroup => format!("no group defines {rate}"),
            Cause::OneGroup(i) => format!(
                "only {} defines {rate}: a comparison needs two groups",
                groups.get(i).map_or("one group", String::as_str)
            ),
            Cause::Overall => format!("the overall {rate} is undefined"),
            Cause::AllZero => format!("every group's {rate} is 0 (0/0)"),
            Cause::AllZeroWithOverall => {
                format!("the overall {rate} and every group's are 0 (0/0)")
            }
        };
        if self.part {
            format!("its {rate} part is undefined: {why}")
        } else {
            why
        }
    }
}

/// An aggregate value, or why it is undefined.
pub type Aggregate = std::result::Result<f64, Undefined>;

/// The values of `rate` of the groups that define it (group index, value), and the overall
/// value.
#[derive(Debug, Clone, PartialEq)]
pub struct RateValues {
    /// The rate.
    pub rate: Rate,
    /// The defining groups' values, by group index.
    pub groups: Vec<(usize, f64)>,
    /// The overall value.
    pub overall: Option<f64>,
    /// How undefined rates were treated.
    pub policy: UndefinedPolicy,
}

impl RateValues {
    /// The group values, once two groups are there to compare (always, under the compat
    /// policy, where every group has a value).
    fn compared(&self) -> std::result::Result<Vec<f64>, Undefined> {
        match (self.policy, self.groups.as_slice()) {
            (_, []) => Err(Undefined::new(self.rate, Cause::NoGroup)),
            (UndefinedPolicy::Strict, [(i, _)]) => {
                Err(Undefined::new(self.rate, Cause::OneGroup(*i)))
            }
            (_, groups) => Ok(groups.iter().map(|(_, v)| *v).collect()),
        }
    }

    fn overall(&self) -> std::result::Result<f64, Undefined> {
        self.overall.ok_or(Undefined::new(self.rate, Cause::Overall))
    }
}

/// fairlearn `difference`: `max − min` (between groups) or `max |m_g − overall|`.
pub fn difference(values: &RateValues, method: Method) -> Aggregate {
    let groups = values.compared()?;
    match method {
        Method::BetweenGroups => {
            let (min, max) = min_max(&groups);
            Ok(max - min)
        }
        Method::ToOverall => {
            let overall = values.overall()?;
            Ok(groups.iter().map(|v| (v - overall).abs()).fold(0.0, f64::max))
        }
    }
}

/// fairlearn `ratio`: `min / max` (between groups) or the smallest `m_g / overall`, each
/// flipped to be ≤ 1 (`ratio_sub_one`).
pub fn ratio(values: &RateValues, method: Method) -> Aggregate {
    let groups = values.compared()?;
    match method {
        Method::BetweenGroups => {
            let (min, max) = min_max(&groups);
            if max == 0.0 {
                Err(Undefined::new(values.rate, Cause::AllZero))
            } else {
                Ok(min / max)
            }
        }
        Method::ToOverall => {
            let overall = values.overall()?;
            // As numpy: x/0 = inf (flipped to 0), 0/0 = NaN (skipped by pandas' min).
            groups
                .iter()
                .map(|v| v / overall)
                .filter(|r| !r.is_nan())
                .map(|r| if r > 1.0 { 1.0 / r } else { r })
                .reduce(f64::min)
                .ok_or(Undefined::new(values.rate, Cause::AllZeroWithOverall))
        }
    }
}

/// `(min, max)` of values that are not empty (guaranteed by [`RateValues::compared`]).
fn min_max(values: &[f64]) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(groups: &[f64], overall: Option<f64>, policy: UndefinedPolicy) -> RateValues {
        RateValues {
            rate: Rate::Tpr,
            groups: groups.iter().copied().enumerate().collect(),
            overall,
            policy,
        }
    }

    fn strict(groups: &[f64], overall: f64) -> RateValues {
        values(groups, Some(overall), UndefinedPolicy::Strict)
    }

    // fairlearn edge cases from ../shared/notes/anchors.md §1.3 (verified against 0.13).
    #[test]
    fn between_groups_and_to_overall_follow_fairlearn() {
        let rates = strict(&[0.75, 0.25, 0.0], 1.0 / 3.0);
        assert_eq!(difference(&rates, Method::BetweenGroups), Ok(0.75));
        let to_overall = difference(&rates, Method::ToOverall).unwrap_or(f64::NAN);
        assert!((to_overall - 0.416_666_666_666_666_6).abs() < 1e-15);
        assert_eq!(ratio(&rates, Method::BetweenGroups), Ok(0.0));
        assert_eq!(ratio(&rates, Method::ToOverall), Ok(0.0));
    }

    #[test]
    fn all_zero_groups_make_the_ratio_undefined_but_not_the_difference() {
        let rates = strict(&[0.0, 0.0], 0.0);
        assert_eq!(difference(&rates, Method::BetweenGroups), Ok(0.0));
        assert!(ratio(&rates, Method::BetweenGroups).is_err());
        assert!(ratio(&rates, Method::ToOverall).is_err());
    }

    #[test]
    fn ratio_to_overall_flips_ratios_above_one() {
        assert_eq!(ratio(&strict(&[0.8, 0.2], 0.4), Method::ToOverall), Ok(0.5));
    }

    #[test]
    fn fewer_than_two_defining_groups_compare_nothing() {
        let none = strict(&[], 0.5);
        assert_eq!(
            difference(&none, Method::BetweenGroups),
            Err(Undefined::new(Rate::Tpr, Cause::NoGroup))
        );
        let mut one = strict(&[0.6], 0.6);
        one.groups = vec![(1, 0.6)];
        for method in [Method::BetweenGroups, Method::ToOverall] {
            let err = Undefined::new(Rate::Tpr, Cause::OneGroup(1));
            assert_eq!(difference(&one, method), Err(err));
            assert_eq!(ratio(&one, method), Err(err));
        }
        let names = ["A".to_owned(), "B".to_owned()];
        assert_eq!(
            Undefined::new(Rate::Tpr, Cause::OneGroup(1)).describe(&names),
            "only B defines tpr: a comparison needs two groups"
        );
        // Under the compat policy one value is compared as fairlearn compares it.
        let compat = values(&[0.6], Some(0.6), UndefinedPolicy::FairlearnCompat);
        assert_eq!(difference(&compat, Method::BetweenGroups), Ok(0.0));
    }
}
