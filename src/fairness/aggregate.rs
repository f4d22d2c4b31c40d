//! fairlearn's aggregations of a per-group metric: `difference` and `ratio`, each
//! `between_groups` or `to_overall` (fairlearn 0.15 `_disaggregated_result.py`).
//!
//! Inputs are the groups' values with undefined ones already removed (strict policy) or
//! already replaced by 0.0 (fairlearn-compat policy), so these functions only decide what
//! fairlearn leaves as NaN: they return `Err(reason)` there instead.

use serde::Serialize;

/// How groups are compared, as fairlearn's `method` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Largest group value against the smallest.
    BetweenGroups,
    /// Each group against the overall value; the worst group counts.
    ToOverall,
}

/// An aggregate value, or why it is undefined.
pub type Aggregate = std::result::Result<f64, &'static str>;

const NO_GROUPS: &str = "no group has a defined value";

/// fairlearn `difference`: `max − min` (between groups) or `max |m_g − overall|`.
pub fn difference(values: &[f64], overall: Option<f64>, method: Method) -> Aggregate {
    match method {
        Method::BetweenGroups => {
            let (min, max) = min_max(values).ok_or(NO_GROUPS)?;
            Ok(max - min)
        }
        Method::ToOverall => {
            let overall = overall.ok_or("the overall value is undefined")?;
            values.iter().map(|v| (v - overall).abs()).reduce(f64::max).ok_or(NO_GROUPS)
        }
    }
}

/// fairlearn `ratio`: `min / max` (between groups) or the smallest `m_g / overall`, each
/// flipped to be ≤ 1 (`ratio_sub_one`).
pub fn ratio(values: &[f64], overall: Option<f64>, method: Method) -> Aggregate {
    match method {
        Method::BetweenGroups => {
            let (min, max) = min_max(values).ok_or(NO_GROUPS)?;
            if max == 0.0 {
                Err("every group's value is 0 (0/0)")
            } else {
                Ok(min / max)
            }
        }
        Method::ToOverall => {
            let overall = overall.ok_or("the overall value is undefined")?;
            // As numpy: x/0 = inf (flipped to 0), 0/0 = NaN (skipped by pandas' min).
            values
                .iter()
                .map(|v| v / overall)
                .filter(|r| !r.is_nan())
                .map(|r| if r > 1.0 { 1.0 / r } else { r })
                .reduce(f64::min)
                .ok_or("the overall value and every group's value are 0 (0/0)")
        }
    }
}

fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let min = values.iter().copied().reduce(f64::min)?;
    let max = values.iter().copied().reduce(f64::max)?;
    Some((min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    // fairlearn edge cases from ../shared/notes/anchors.md §1.3 (verified against 0.13).
    #[test]
    fn between_groups_and_to_overall_follow_fairlearn() {
        let rates = [0.75, 0.25, 0.0];
        let overall = Some(1.0 / 3.0);
        assert_eq!(difference(&rates, overall, Method::BetweenGroups), Ok(0.75));
        let to_overall = difference(&rates, overall, Method::ToOverall).unwrap_or(f64::NAN);
        assert!((to_overall - 0.416_666_666_666_666_6).abs() < 1e-15);
        assert_eq!(ratio(&rates, overall, Method::BetweenGroups), Ok(0.0));
        assert_eq!(ratio(&rates, overall, Method::ToOverall), Ok(0.0));
    }

    #[test]
    fn all_zero_groups_make_the_ratio_undefined_but_not_the_difference() {
        let rates = [0.0, 0.0];
        assert_eq!(difference(&rates, Some(0.0), Method::BetweenGroups), Ok(0.0));
        assert!(ratio(&rates, Some(0.0), Method::BetweenGroups).is_err());
        assert!(ratio(&rates, Some(0.0), Method::ToOverall).is_err());
    }

    #[test]
    fn ratio_to_overall_flips_ratios_above_one() {
        assert_eq!(ratio(&[0.8, 0.2], Some(0.4), Method::ToOverall), Ok(0.5));
    }

    #[test]
    fn no_groups_is_undefined() {
        assert!(difference(&[], Some(0.5), Method::BetweenGroups).is_err());
        assert!(ratio(&[], Some(0.5), Method::ToOverall).is_err());
    }
}
