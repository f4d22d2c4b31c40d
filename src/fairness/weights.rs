//! Sample weights of a group's rows, kept per confusion cell as a histogram: how many rows
//! carry each distinct weight.
//!
//! The histogram is what makes weighted audits exact and mergeable at once: the weighted
//! cells are sums over distinct weights in ascending order (so they do not depend on the
//! order of the rows, and two shards' histograms add up to the whole's), and a bootstrap
//! resample of a group draws its rows' weights from it exactly as resampling the rows would.
//! Memory grows with the number of distinct weights per group and cell: small for integer
//! frequency-like weights, up to one entry per row for continuous ones.

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::fairness::bootstrap::multinomial;
use crate::fairness::confusion::Confusion;

/// A sample weight as a histogram key: the bits of a finite float ≥ 0, which order as the
/// floats do.
type WeightBits = u64;

/// Rows per distinct weight in each confusion cell (tp, fp, tn, fn).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellWeights {
    cells: [BTreeMap<WeightBits, u64>; 4],
}

/// The index of a row's confusion cell in the order tp, fp, tn, fn.
fn cell_index(label: bool, prediction: bool) -> usize {
    match (label, prediction) {
        (true, true) => 0,
        (false, true) => 1,
        (false, false) => 2,
        (true, false) => 3,
    }
}

/// Σ rows × weight over a histogram, in ascending weight order.
fn weighted_sum<'a>(entries: impl Iterator<Item = (&'a WeightBits, &'a u64)>) -> f64 {
    #[allow(clippy::cast_precision_loss)] // row counts stay below 2^53
    entries.map(|(&bits, &rows)| rows as f64 * f64::from_bits(bits)).sum()
}

impl CellWeights {
    /// Adds `rows` rows of weight `weight` (finite and ≥ 0, checked by the reader) with this
    /// label and prediction.
    pub fn add(&mut self, label: bool, prediction: bool, weight: f64, rows: u64) {
        if rows == 0 {
            return;
        }
        // -0.0 and 0.0 are one weight.
        let bits = (weight + 0.0).to_bits();
        let slot = self.cells[cell_index(label, prediction)].entry(bits).or_default();
        *slot = slot.saturating_add(rows);
    }

    /// Adds another histogram (merging shards, or groups into a marginal).
    pub fn merge(&mut self, other: &CellWeights) {
        for (mine, theirs) in self.cells.iter_mut().zip(&other.cells) {
            for (&bits, &rows) in theirs {
                let slot = mine.entry(bits).or_default();
                *slot = slot.saturating_add(rows);
            }
        }
    }

    /// The row counts of the cells.
    pub fn counts(&self) -> Confusion {
        let rows = |i: usize| self.cells[i].values().fold(0, |a: u64, &b| a.saturating_add(b));
        Confusion { tp: rows(0), fp: rows(1), tn: rows(2), fn_: rows(3) }
    }

    /// The sums of the weights of the cells.
    pub fn sums(&self) -> Confusion<f64> {
        let sum = |i: usize| weighted_sum(self.cells[i].iter());
        Confusion { tp: sum(0), fp: sum(1), tn: sum(2), fn_: sum(3) }
    }

    /// The weighted cells of a resample that drew `drawn` rows from each cell: each cell's
    /// rows are drawn with replacement from its rows, so their weights follow a multinomial
    /// over the distinct weights with the histogram's frequencies.
    pub fn resample(&self, drawn: &Confusion, rng: &mut ChaCha8Rng) -> Confusion<f64> {
        let mut frequencies = Vec::new();
        let mut draws = Vec::new();
        let mut sum = |i: usize, n: u64| {
            let cell = &self.cells[i];
            if cell.len() == 1 {
                // One weight: no draw needed (and none is made, so unweighted audits given
                // a constant weight draw the same stream as without weights).
                return weighted_sum(cell.keys().map(|bits| (bits, &n)));
            }
            frequencies.clear();
            frequencies.extend(cell.values().copied());
            multinomial(n, &frequencies, rng, &mut draws);
            weighted_sum(cell.keys().zip(&draws))
        };
        Confusion {
            tp: sum(0, drawn.tp),
            fp: sum(1, drawn.fp),
            tn: sum(2, drawn.tn),
            fn_: sum(3, drawn.fn_),
        }
    }

    /// The histogram as `[weight, rows]` pairs per cell, for a counted state.
    pub fn to_pairs(&self) -> WeightPairs {
        let pairs = |i: usize| -> Vec<(f64, u64)> {
            self.cells[i].iter().map(|(&bits, &rows)| (f64::from_bits(bits), rows)).collect()
        };
        Confusion { tp: pairs(0), fp: pairs(1), tn: pairs(2), fn_: pairs(3) }
    }

    /// The histogram of a counted state's pairs; `None` when a weight is negative or not
    /// finite.
    pub fn from_pairs(pairs: &WeightPairs) -> Option<CellWeights> {
        let mut weights = CellWeights::default();
        for (i, cell) in [&pairs.tp, &pairs.fp, &pairs.tn, &pairs.fn_].into_iter().enumerate() {
            for &(weight, rows) in cell {
                if !(weight.is_finite() && weight >= 0.0) {
                    return None;
                }
                if rows == 0 {
                    continue;
                }
                let slot = weights.cells[i].entry((weight + 0.0).to_bits()).or_default();
                *slot = slot.saturating_add(rows);
            }
        }
        Some(weights)
    }
}

/// A weight histogram in JSON: `{"tp": [[weight, rows], …], "fp": …, "tn": …, "fn": …}`,
/// weights ascending.
pub type WeightPairs = Confusion<Vec<(f64, u64)>>;

impl Serialize for CellWeights {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_pairs().serialize(s)
    }
}

impl<'de> Deserialize<'de> for CellWeights {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs = WeightPairs::deserialize(d)?;
        CellWeights::from_pairs(&pairs)
            .ok_or_else(|| serde::de::Error::custom("a sample weight is not a finite number ≥ 0"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::stream;

    #[test]
    fn sums_do_not_depend_on_the_order_of_rows() {
        let rows = [(true, true, 0.1), (true, true, 0.7), (false, true, 2.5), (true, true, 0.2)];
        let mut forward = CellWeights::default();
        let mut backward = CellWeights::default();
        for &(l, p, w) in &rows {
            forward.add(l, p, w, 1);
        }
        for &(l, p, w) in rows.iter().rev() {
            backward.add(l, p, w, 1);
        }
        assert_eq!(forward, backward);
        assert_eq!(forward.sums().tp.to_bits(), (0.1 + 0.2 + 0.7_f64).to_bits());
        assert_eq!(forward.counts(), Confusion { tp: 3, fp: 1, tn: 0, fn_: 0 });
    }

    #[test]
    fn a_resample_draws_the_rows_it_was_given_from_the_histogram() {
        let mut w = CellWeights::default();
        w.add(true, true, 1.0, 30);
        w.add(true, true, 3.0, 10);
        w.add(false, false, 2.0, 5);
        let mut rng = stream(3, 0);
        let mut mean = 0.0;
        for _ in 0..4000 {
            let r = w.resample(&Confusion { tp: 40, fp: 0, tn: 5, fn_: 0 }, &mut rng);
            assert!((40.0..=120.0).contains(&r.tp));
            assert_eq!(r.tn, 10.0);
            mean += r.tp / 4000.0;
        }
        // E = 40 × (0.75 × 1 + 0.25 × 3) = 60
        assert!((mean - 60.0).abs() < 0.5, "{mean}");
    }

    #[test]
    fn json_pairs_round_trip_and_refuse_negative_weights() {
        let mut w = CellWeights::default();
        w.add(false, true, 0.5, 2);
        let json = serde_json::to_string(&w).unwrap_or_default();
        assert_eq!(json, r#"{"tp":[],"fp":[[0.5,2]],"tn":[],"fn":[]}"#);
        assert_eq!(serde_json::from_str::<CellWeights>(&json).ok(), Some(w));
        let negative = r#"{"tp":[[-1.0,1]],"fp":[],"tn":[],"fn":[]}"#;
        assert!(serde_json::from_str::<CellWeights>(negative).is_err());
    }
}
