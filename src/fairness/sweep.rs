//! The threshold sweep: every fairness metric, and each group's rates, as a score's decision
//! threshold moves over [0, 1] in steps of 0.01, as Fairness Indicators plots them.
//!
//! While the rows are counted, each combination of sensitive values keeps a histogram of its
//! scores over the threshold grid, per label ([`ScoreHistogram`]): memory is bounded by the
//! groups and the grid, never by the rows, and histograms of a file's chunks merge by adding.
//! The confusion counts at each threshold are then suffix sums of the histogram (one pass
//! over the scores as if sorted), and each threshold is audited as `sextant fairness
//! --threshold t` audits it: the sweep's value at `t` is exactly that audit's.

use crate::error::{Error, ErrorKind, Result};
use crate::fairness::audit::audit;
use crate::fairness::confusion::Confusion;
use crate::fairness::counter::CountedData;
use crate::fairness::counts::GroupCounts;
use crate::fairness::metrics::METRIC_NAMES;
use crate::fairness::plan::{FairnessPlan, Outcome};
use crate::fairness::report::{
    AttributeSweep, GroupReport, GroupSweep, SweepRates, ThresholdSweep,
};
use crate::progress::{NoProgress, Progress};

/// Steps of the grid: the thresholds are `k / SWEEP_STEPS` for `k` in `0..=SWEEP_STEPS`.
pub const SWEEP_STEPS: u32 = 100;

/// The threshold of grid point `k`: `k / 100`, the same float as the text `0.k` parsed (both
/// are the nearest double to the decimal), so the sweep at 0.29 is the audit at `0.29`.
fn threshold(k: u32) -> f64 {
    f64::from(k) / f64::from(SWEEP_STEPS)
}

/// The thresholds of the sweep, in increasing order.
pub fn sweep_thresholds() -> Vec<f64> {
    (0..=SWEEP_STEPS).map(threshold).collect()
}

/// The scores of one combination of sensitive values, binned on the threshold grid: bin `b`
/// holds the rows with `b` grid thresholds at or below their score, so a row is predicted
/// positive at threshold `k` exactly when `k < b` (`score >= threshold`, as the audit reads
/// a score).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreHistogram {
    /// Per bin (`0..=SWEEP_STEPS + 1`): rows with a negative label, rows with a positive one.
    bins: Vec<[u64; 2]>,
    /// Rows whose score lies outside [0, 1] (always or never predicted positive).
    outside: u64,
}

impl ScoreHistogram {
    /// Counts `rows` rows with `label` and the finite `score`.
    pub fn add(&mut self, score: f64, label: bool, rows: u64) {
        if self.bins.is_empty() {
            self.bins = vec![[0; 2]; SWEEP_STEPS as usize + 2];
        }
        if !(0.0..=1.0).contains(&score) {
            self.outside += rows;
        }
        let bin = &mut self.bins[bin(score)][usize::from(label)];
        *bin += rows;
    }

    /// Adds the rows of `other`.
    pub fn merge(&mut self, other: &ScoreHistogram) {
        if self.bins.is_empty() {
            self.bins.clone_from(&other.bins);
        } else {
            for (mine, theirs) in self.bins.iter_mut().zip(&other.bins) {
                mine[0] += theirs[0];
                mine[1] += theirs[1];
            }
        }
        self.outside += other.outside;
    }

    /// The confusion counts at every grid threshold, in order: one pass over the bins from
    /// the highest score down.
    fn confusion_per_threshold(&self) -> Vec<Confusion> {
        let (mut negatives, mut positives) = (0, 0);
        for [n, p] in &self.bins {
            negatives += n;
            positives += p;
        }
        let mut above = [0_u64; 2];
        let mut out = vec![Confusion::default(); SWEEP_STEPS as usize + 1];
        for k in (0..=SWEEP_STEPS as usize).rev() {
            if let Some([n, p]) = self.bins.get(k + 1) {
                above[0] += n;
                above[1] += p;
            }
            out[k] = Confusion {
                tp: above[1],
                fp: above[0],
                tn: negatives - above[0],
                fn_: positives - above[1],
            };
        }
        out
    }
}

/// The number of grid thresholds at or below `score`: exact, where `score * 100` alone may
/// round across a threshold.
fn bin(score: f64) -> usize {
    let steps = f64::from(SWEEP_STEPS);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let mut b = ((score * steps).floor() + 1.0).clamp(0.0, steps + 1.0) as u32;
    while b <= SWEEP_STEPS && threshold(b) <= score {
        b += 1;
    }
    while b > 0 && threshold(b - 1) > score {
        b -= 1;
    }
    b as usize
}

/// The score histograms of the counted rows, per combination of sensitive values (in the
/// counts' cell order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepCounts {
    /// Per combination: its values (one per sensitive column) and its histogram.
    pub cells: Vec<(Vec<String>, ScoreHistogram)>,
}

/// Combinations of sensitive values from which a sweep reports its progress (a fraction of
/// a second of work and more).
const LONG_SWEEP_CELLS: usize = 1_000;

/// The sweep of `data` audited as `plan` says, at every threshold of the grid; `progress`
/// hears of each threshold when the sweep is long (many groups), and may cancel it.
///
/// # Errors
/// A plan with sample weights (a sweep counts rows), those of [`audit`] (an attribute not
/// counted, a privileged group that does not occur), or cancellation.
pub fn threshold_sweep(
    plan: &FairnessPlan,
    data: &CountedData,
    sweep: &SweepCounts,
    source: &str,
    progress: &mut dyn Progress,
) -> Result<ThresholdSweep> {
    if plan.sample_weight.is_some() {
        return Err(Error::invalid_option(
            "sweep",
            "a threshold sweep counts rows, not sample weights: drop ‹sample_weight› or the sweep",
        ));
    }
    let long = sweep.cells.len() >= LONG_SWEEP_CELLS;
    if long {
        progress.start("threshold sweep", u64::from(SWEEP_STEPS) + 1);
    }
    let thresholds = sweep_thresholds();
    let per_cell: Vec<(Vec<&str>, Vec<Confusion>)> = sweep
        .cells
        .iter()
        .map(|(values, histogram)| {
            (values.iter().map(String::as_str).collect(), histogram.confusion_per_threshold())
        })
        .collect();
    let column = plan.outcome.column().to_owned();
    let mut result = ThresholdSweep {
        thresholds: thresholds.clone(),
        outside_rows: sweep.cells.iter().map(|(_, h)| h.outside).sum(),
        overall: SweepRates::with_capacity(thresholds.len()),
        attributes: plan
            .attributes
            .iter()
            .map(|a| AttributeSweep {
                attribute: a.name.clone(),
                metrics: METRIC_NAMES
                    .iter()
                    .map(|&m| (m.to_owned(), Vec::with_capacity(thresholds.len())))
                    .collect(),
                groups: Vec::new(),
            })
            .collect(),
    };
    for (k, &t) in thresholds.iter().enumerate() {
        let mut counts = GroupCounts::new(plan.sensitive_columns.clone());
        for (values, confusion) in &per_cell {
            counts.add_counts(values, &confusion[k])?;
        }
        let at = CountedData {
            counts,
            positive_label: data.positive_label.clone(),
            negative_label: data.negative_label.clone(),
            favorable_is_positive: data.favorable_is_positive,
            missing: None,
            sweep: None,
        };
        let at_plan = FairnessPlan {
            outcome: Outcome::Score { column: column.clone(), threshold: t },
            bootstrap: None,
            gates: Vec::new(),
            sweep: false,
            ..plan.clone()
        };
        let report = audit(&at_plan, &at, source, &mut NoProgress)?;
        result.overall.push(&report.overall);
        for (into, attribute) in result.attributes.iter_mut().zip(&report.attributes) {
            for (name, series) in &mut into.metrics {
                series.push(attribute.metrics.headline(name).copied().flatten());
            }
            if into.groups.is_empty() {
                into.groups = attribute
                    .groups
                    .iter()
                    .map(|g| GroupSweep {
                        group: g.group.clone(),
                        rates: SweepRates::with_capacity(thresholds.len()),
                    })
                    .collect();
            }
            for (into, group) in into.groups.iter_mut().zip(&attribute.groups) {
                into.rates.push(group);
            }
        }
        if progress.cancelled() {
            return Err(ErrorKind::Cancelled.into());
        }
        if long {
            progress.advance(1);
        }
    }
    if long {
        progress.finish();
    }
    Ok(result)
}

impl SweepRates {
    /// Empty series with room for `n` thresholds each.
    fn with_capacity(n: usize) -> Self {
        SweepRates {
            selection_rate: Vec::with_capacity(n),
            tpr: Vec::with_capacity(n),
            fpr: Vec::with_capacity(n),
            precision: Vec::with_capacity(n),
            accuracy: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, group: &GroupReport) {
        self.selection_rate.push(group.selection_rate);
        self.tpr.push(group.tpr);
        self.fpr.push(group.fpr);
        self.precision.push(group.precision);
        self.accuracy.push(group.accuracy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn grid_thresholds_are_the_decimals_as_parsed() {
        for k in 0..=SWEEP_STEPS {
            let text = format!("{}", f64::from(k) / 100.0);
            assert_eq!(threshold(k), text.parse::<f64>().unwrap(), "{text}");
        }
    }

    proptest! {
        #[test]
        fn a_bin_counts_the_thresholds_at_or_below_the_score(score in -0.5..1.5_f64, k in 0..=100_u32) {
            let t = threshold(k);
            for s in [score, t, f64::from_bits(t.to_bits() + 1), f64::from_bits(t.to_bits().saturating_sub(1))] {
                let expected = (0..=SWEEP_STEPS).filter(|&j| threshold(j) <= s).count();
                prop_assert_eq!(bin(s), expected, "score {}", s);
            }
        }

        #[test]
        fn counts_at_each_threshold_are_those_of_the_scores(
            rows in proptest::collection::vec((0.0..1.0_f64, any::<bool>(), 1..4_u64), 0..60)
        ) {
            let mut histogram = ScoreHistogram::default();
            for &(score, label, n) in &rows {
                histogram.add(score, label, n);
            }
            let per_threshold = histogram.confusion_per_threshold();
            for (k, counted) in per_threshold.iter().enumerate() {
                let mut expected = Confusion::default();
                for &(score, label, n) in &rows {
                    expected.add_rows(label, score >= threshold(k as u32), n);
                }
                prop_assert_eq!(*counted, expected);
            }
        }
    }
}
