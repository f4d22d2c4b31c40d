//! The scores of a sweep's rows, binned while they are counted: per combination of sensitive
//! values and per label, a histogram over the threshold grid 0.00, 0.01, …, 1.00
//! ([`ScoreHistogram`]). Memory is bounded by the groups and the grid, never by the rows;
//! histograms of a file's chunks merge by adding; the confusion counts at every threshold are
//! suffix sums of the histogram, one pass over the scores as if sorted.

use crate::fairness::confusion::Confusion;

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

    /// Rows whose score lies outside [0, 1].
    pub fn outside_rows(&self) -> u64 {
        self.outside
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
    pub(crate) fn confusion_per_threshold(&self) -> Vec<Confusion> {
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
