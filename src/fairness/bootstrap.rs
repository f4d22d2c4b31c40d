//! Stratified bootstrap on confusion counts: each resample draws every group's four cells
//! from a multinomial with the group's size and observed cell frequencies.
//!
//! That is the distribution of the group's counts when its rows are resampled with
//! replacement, but it costs O(groups × resamples) instead of O(rows × resamples).
//! Intervals are percentile intervals with numpy's default (linear) interpolation.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};

use crate::fairness::confusion::Confusion;
use crate::stats::quantile;

/// One resample of a group of `counts.count()` rows: a multinomial draw of the four cells,
/// made as a chain of conditional binomials.
pub fn resample(counts: &Confusion, rng: &mut ChaCha8Rng) -> Confusion {
    let mut drawn = Vec::with_capacity(4);
    multinomial(counts.count(), &[counts.tp, counts.fp, counts.tn, counts.fn_], rng, &mut drawn);
    Confusion { tp: drawn[0], fp: drawn[1], tn: drawn[2], fn_: drawn[3] }
}

/// Draws `n` rows with replacement from rows spread over categories with `frequencies`,
/// into `drawn` (one count per category): a multinomial draw made as a chain of conditional
/// binomials, category by category.
pub fn multinomial(n: u64, frequencies: &[u64], rng: &mut ChaCha8Rng, drawn: &mut Vec<u64>) {
    drawn.clear();
    drawn.resize(frequencies.len(), 0);
    let mut remaining_rows = n;
    let mut remaining_weight = frequencies.iter().fold(0, |a: u64, &b| a.saturating_add(b));
    let last = frequencies.len().saturating_sub(1);
    for (i, &frequency) in frequencies.iter().enumerate() {
        if remaining_rows == 0 || remaining_weight == 0 {
            break;
        }
        drawn[i] = if i == last || frequency == remaining_weight {
            remaining_rows
        } else {
            binomial(remaining_rows, frequency, remaining_weight, rng)
        };
        remaining_rows -= drawn[i];
        remaining_weight -= frequency;
    }
}

#[allow(clippy::cast_precision_loss)] // counts stay far below 2^53
fn binomial(trials: u64, weight: u64, total_weight: u64, rng: &mut ChaCha8Rng) -> u64 {
    let p = weight as f64 / total_weight as f64;
    // p is in [0, 1) here, which Binomial always accepts.
    Binomial::new(trials, p).map_or(0, |b| b.sample(rng))
}

/// The central `confidence` percentile interval of `samples` (sorted in place), or `None`
/// without samples.
pub fn percentile_interval(samples: &mut [f64], confidence: f64) -> Option<[f64; 2]> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    Some([quantile(samples, tail), quantile(samples, 1.0 - tail)])
}

/// Collects the defined values of a fixed set of statistics over resamples.
#[derive(Debug, Clone, Default)]
pub struct SampleSet {
    samples: Vec<Vec<f64>>,
    cursor: usize,
}

impl SampleSet {
    /// Records the next statistic of the current resample (call in the same order each time,
    /// then [`SampleSet::next_resample`]).
    pub fn record(&mut self, value: Option<f64>) {
        if self.samples.len() <= self.cursor {
            self.samples.push(Vec::new());
        }
        if let Some(v) = value {
            self.samples[self.cursor].push(v);
        }
        self.cursor += 1;
    }

    /// Starts the next resample.
    pub fn next_resample(&mut self) {
        self.cursor = 0;
    }

    /// The interval of the next statistic, in recording order (call in the same order as
    /// [`SampleSet::record`] after a [`SampleSet::next_resample`]).
    pub fn next_interval(&mut self, confidence: f64) -> Option<[f64; 2]> {
        let interval =
            self.samples.get_mut(self.cursor).and_then(|s| percentile_interval(s, confidence));
        self.cursor += 1;
        interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::stream;

    #[test]
    fn resamples_keep_the_group_size_and_empty_cells() {
        let counts = Confusion { tp: 40, fp: 0, tn: 55, fn_: 5 };
        let mut rng = stream(7, 0);
        for _ in 0..200 {
            let r = resample(&counts, &mut rng);
            assert_eq!(r.count(), 100);
            assert_eq!(r.fp, 0);
        }
    }

    #[test]
    fn resample_means_match_cell_frequencies() {
        let counts = Confusion { tp: 300, fp: 100, tn: 500, fn_: 100 };
        let mut rng = stream(1, 0);
        let mut total = Confusion::default();
        for _ in 0..2000 {
            total.add(&resample(&counts, &mut rng));
        }
        #[allow(clippy::cast_precision_loss)]
        let mean_tp = total.tp as f64 / 2000.0;
        assert!((mean_tp - 300.0).abs() < 2.0, "{mean_tp}");
    }

    #[test]
    fn same_seed_same_draws() {
        let counts = Confusion { tp: 3, fp: 10, tn: 50, fn_: 7 };
        let a: Vec<_> = (0..5).scan(stream(9, 2), |rng, _| Some(resample(&counts, rng))).collect();
        let b: Vec<_> = (0..5).scan(stream(9, 2), |rng, _| Some(resample(&counts, rng))).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // np.quantile([1, 2, 3, 4], [0.025, 0.975]) == [1.075, 3.925]
        let mut data = vec![4.0, 1.0, 3.0, 2.0];
        let [lo, hi] = percentile_interval(&mut data, 0.95).unwrap_or([0.0, 0.0]);
        assert!((lo - 1.075).abs() < 1e-12 && (hi - 3.925).abs() < 1e-12);
    }
}
