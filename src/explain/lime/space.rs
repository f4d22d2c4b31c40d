//! LIME's interpretable space, learnt from the training data as lime 0.2.0.1's
//! `LimeTabularExplainer` does with `discretize_continuous=True`: every continuous feature is
//! cut into quartile (or decile) bins, every categorical feature keeps its values, and each
//! feature remembers how often each bin or value occurs in training, so that samples can be
//! drawn from those frequencies and mapped back to model inputs.

use std::str::FromStr;

use rand::Rng;

use crate::error::{Error, Result};
use crate::stats::{quantile, AliasTable, StandardNormal};

/// How continuous features are cut into bins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Discretizer {
    /// Bins at the 25th, 50th and 75th percentiles (lime's default).
    #[default]
    Quartile,
    /// Bins at the 10th, 20th, …, 90th percentiles.
    Decile,
}

impl Discretizer {
    /// The percentiles (as fractions) the bins are cut at.
    fn cuts(self) -> Vec<f64> {
        match self {
            Discretizer::Quartile => vec![0.25, 0.5, 0.75],
            Discretizer::Decile => (1..10).map(|i| f64::from(i) / 10.0).collect(),
        }
    }

    /// The name used in flags, configs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Discretizer::Quartile => "quartile",
            Discretizer::Decile => "decile",
        }
    }
}

impl FromStr for Discretizer {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "quartile" => Ok(Discretizer::Quartile),
            "decile" => Ok(Discretizer::Decile),
            other => Err(Error::invalid_option(
                "discretizer",
                format!("unknown discretizer `{other}` (expected quartile or decile)"),
            )),
        }
    }
}

/// Bins of a continuous feature.
#[derive(Debug, Clone, PartialEq)]
struct Binning {
    /// Distinct cut points, ascending: bin `i` holds `boundaries[i-1] < x <= boundaries[i]`.
    boundaries: Vec<f64>,
    /// One per bin (`boundaries.len() + 1`): the truncated normal of its training values.
    bins: Vec<Draw>,
}

impl Binning {
    /// numpy's `searchsorted(boundaries, x)`: the number of boundaries below `x`.
    fn bin_of(&self, x: f64) -> usize {
        self.boundaries.partition_point(|&b| b < x)
    }

    /// lime's label of bin `bin`: "age <= 28.00", "28.00 < age <= 37.00", "age > 48.00".
    fn describe(&self, name: &str, bin: usize) -> String {
        let b = &self.boundaries;
        if bin == 0 {
            format!("{name} <= {:.2}", b[0])
        } else if bin == b.len() {
            format!("{name} > {:.2}", b[bin - 1])
        } else {
            format!("{:.2} < {name} <= {:.2}", b[bin - 1], b[bin])
        }
    }
}

/// One feature of the interpretable space.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureSpace {
    /// The feature's name.
    pub name: String,
    /// The codes a sample can take (category values, or bin indices as numbers), ascending,
    /// each occurring in training.
    codes: Vec<f64>,
    /// Draws an index of `codes` with its training frequency.
    frequencies: AliasTable,
    /// Bins of a continuous feature; `None` for a categorical one.
    binning: Option<Binning>,
    /// How to draw a model input for each of `codes`, in the same order.
    draws: Vec<Draw>,
}

/// How a model input is drawn for one code: lime's truncated normal around a bin's training
/// mean, within its edges, or a fixed value (a category, or lime's standardised edge for a
/// bin whose edges coincide once standardised) as a normal of zero width and no edges. One
/// shape for both keeps the sampling loop free of a branch on the kind.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Draw {
    mean: f64,
    std: f64,
    /// The edges, standardised by `mean` and `std`.
    low: f64,
    high: f64,
}

impl Draw {
    fn fixed(value: f64) -> Self {
        Draw { mean: value, std: 0.0, low: f64::NEG_INFINITY, high: f64::INFINITY }
    }

    /// The normal of a bin's training values (`mean`, `std`) cut at its edges `min`, `max`.
    fn truncated(min: f64, max: f64, mean: f64, std: f64) -> Self {
        Draw { mean, std, low: (min - mean) / std, high: (max - mean) / std }
    }

    /// A value, whose first normal candidate comes from the 32 random bits `bits`, and any
    /// further randomness from `rng`.
    #[inline(always)]
    fn value(self, bits: u32, rng: &mut (impl Rng + Clone), normal: &StandardNormal) -> f64 {
        let Draw { mean, std, low, high } = self;
        // The mean lies inside the bin and the bin is at least two standard deviations wide,
        // so about half of all normal draws land in it; the cap only guards rounding. (A
        // fixed value accepts any candidate: `mean + 0·z` is `mean`.)
        let mut z = normal.sample_from(bits, rng);
        for _ in 0..1000 {
            if (low..=high).contains(&z) {
                return mean + std * z;
            }
            z = normal.sample(rng);
        }
        mean
    }
}

impl FeatureSpace {
    /// A feature of `codes` (ascending) drawn with `counts`, binned by `binning` if continuous.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn new(name: &str, codes: Vec<f64>, counts: &[usize], binning: Option<Binning>) -> Self {
        let draws = codes
            .iter()
            .map(|&code| match &binning {
                None => Draw::fixed(code),
                Some(binning) => {
                    let bin = binning.bins[code as usize];
                    if bin.low == bin.high {
                        // lime 0.2.0.1 returns the standardised edge here, not a value of the
                        // feature (0 when the bin holds one repeated value): kept so that
                        // numbers match lime.
                        Draw::fixed(bin.low)
                    } else {
                        bin
                    }
                }
            })
            .collect();
        FeatureSpace {
            name: name.to_owned(),
            codes,
            frequencies: AliasTable::new(counts),
            binning,
            draws,
        }
    }

    /// The code of a model input: its bin, or its category.
    pub fn code_of(&self, x: f64) -> f64 {
        match &self.binning {
            #[allow(clippy::cast_precision_loss)]
            Some(binning) => binning.bin_of(x) as f64,
            None => x,
        }
    }

    /// Whether training saw this code.
    pub fn knows(&self, code: f64) -> bool {
        self.index_of(code).is_some()
    }

    /// Where `code` is among the codes training saw.
    pub fn index_of(&self, code: f64) -> Option<usize> {
        self.codes.iter().position(|&c| c == code)
    }

    /// lime's description of the instance's code: a bin range, or "name=value".
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn describe(&self, code: f64) -> String {
        match &self.binning {
            Some(binning) => binning.describe(&self.name, code as usize),
            // lime prints int(value) for category codes.
            None => format!("{}={}", self.name, code.trunc()),
        }
    }

    /// Draws one sample of this feature per entry of `binary`: a code with its training
    /// frequency, marked in `binary` (1 if it is the instance's, whose index is `own`, else
    /// 0, and counted in `differing`), and a model input with that code, written to `inputs`
    /// (`normal` draws the position inside a bin).
    pub fn draw_into(
        &self,
        own: Option<usize>,
        generator: &mut (impl Rng + Clone),
        normal: &StandardNormal,
        binary: &mut [f64],
        inputs: &mut [f64],
        differing: &mut [usize],
    ) {
        // A local copy of the generator can live in registers through the loop below; draws
        // through the caller's would store and reload its state every time.
        let mut rng = generator.clone();
        for ((binary, input), differing) in binary.iter_mut().zip(inputs).zip(differing) {
            // One 64-bit draw serves both the code (high half) and, most often, its value.
            let bits = rng.next_u64();
            #[allow(clippy::cast_possible_truncation)]
            let (high, low) = ((bits >> 32) as u32, bits as u32);
            let i = self.frequencies.pick(high);
            let same = own == Some(i);
            *differing += usize::from(!same);
            *binary = f64::from(u8::from(same));
            *input = self.draws[i].value(low, &mut rng, normal);
        }
        *generator = rng;
    }
}

/// Learns the interpretable space of each feature from row-major `training` rows.
///
/// A constant column gets one bin (or one category), as lime's discretizer gives it: every
/// sample falls in the instance's bin, so its surrogate weight is 0 (lime 0.2.0.1 feeds the
/// model the bin's standardised edge, 0, for it, and so does Sextant: see [`Draw`]).
///
/// # Errors
/// No training rows, or a value that is not finite (its row and column named).
pub fn learn_space(
    training: &[f64],
    names: &[String],
    categorical: &[bool],
    discretizer: Discretizer,
) -> Result<Vec<FeatureSpace>> {
    let m = names.len();
    let n_rows = training.len().checked_div(m).unwrap_or(0);
    if n_rows == 0 {
        return Err(Error::invalid_option("training", "the training data has no rows"));
    }
    if let Some(i) = training.iter().position(|v| !v.is_finite()) {
        return Err(Error::invalid_option(
            "training",
            format!(
                "row {}, column `{}`: {} is not a finite number; LIME needs complete training data",
                i / m + 1,
                names[i % m],
                training[i]
            ),
        ));
    }
    (0..m)
        .map(|j| {
            let mut column: Vec<f64> = training.iter().skip(j).step_by(m).copied().collect();
            column.sort_by(f64::total_cmp);
            // A constant column is one bin (or category) that every sample shares with the
            // instance: its surrogate weight is 0, as in lime.
            Ok(if categorical[j] {
                categorical_space(&names[j], &column)
            } else {
                binned_space(&names[j], &column, discretizer)
            })
        })
        .collect()
}

/// A categorical feature: its distinct values and their frequencies.
fn categorical_space(name: &str, sorted: &[f64]) -> FeatureSpace {
    let (codes, counts) = runs(sorted.iter().copied());
    FeatureSpace::new(name, codes, &counts, None)
}

/// A continuous feature: bins at the discretizer's percentiles, with their training stats.
#[allow(clippy::cast_precision_loss)]
fn binned_space(name: &str, sorted: &[f64], discretizer: Discretizer) -> FeatureSpace {
    let mut boundaries: Vec<f64> =
        discretizer.cuts().iter().map(|&q| quantile(sorted, q)).collect();
    boundaries.dedup();
    let mut binning = Binning { boundaries, bins: Vec::new() };
    let n_bins = binning.boundaries.len() + 1;
    let mut members: Vec<Vec<f64>> = vec![Vec::new(); n_bins];
    for &x in sorted {
        members[binning.bin_of(x)].push(x);
    }
    let edges = |i: usize| {
        let b = &binning.boundaries;
        let min = if i == 0 { sorted[0] } else { b[i - 1] };
        let max = if i == b.len() { sorted[sorted.len() - 1] } else { b[i] };
        (min, max)
    };
    binning.bins = (0..n_bins)
        .map(|i| {
            let (min, max) = edges(i);
            let values = &members[i];
            let (mean, std) = if values.is_empty() {
                (0.0, 0.0)
            } else {
                let n = values.len() as f64;
                let mean = values.iter().sum::<f64>() / n;
                (mean, (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt())
            };
            Draw::truncated(min, max, mean, std + 1e-11)
        })
        .collect();
    let (codes, counts) = runs(sorted.iter().map(|&x| binning.bin_of(x) as f64));
    FeatureSpace::new(name, codes, &counts, Some(binning))
}

/// The distinct values of an ascending sequence and how often each occurs.
fn runs(sorted: impl Iterator<Item = f64>) -> (Vec<f64>, Vec<usize>) {
    let (mut values, mut counts): (Vec<f64>, Vec<usize>) = (Vec::new(), Vec::new());
    for x in sorted {
        match counts.last_mut() {
            Some(count) if values.last() == Some(&x) => *count += 1,
            _ => {
                values.push(x);
                counts.push(1);
            }
        }
    }
    (values, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::stream;

    fn space(values: &[f64], categorical: bool) -> Result<FeatureSpace> {
        let names = vec!["age".to_owned()];
        Ok(learn_space(values, &names, &[categorical], Discretizer::Quartile)?.remove(0))
    }

    #[test]
    fn quartile_bins_are_described_like_lime() -> Result<()> {
        let ages: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = space(&ages, false)?;
        // np.percentile(1..100, [25, 50, 75]) = [25.75, 50.5, 75.25]
        assert_eq!(s.describe(s.code_of(10.0)), "age <= 25.75");
        assert_eq!(s.describe(s.code_of(50.5)), "25.75 < age <= 50.50");
        assert_eq!(s.describe(s.code_of(80.0)), "age > 75.25");
        Ok(())
    }

    #[test]
    fn repeated_cut_points_merge_bins() -> Result<()> {
        let mut values = vec![0.0; 80];
        values.extend((1..=20).map(f64::from));
        let s = space(&values, false)?;
        assert_eq!(s.describe(s.code_of(0.0)), "age <= 0.00");
        assert_eq!(s.describe(s.code_of(3.0)), "age > 0.00");
        Ok(())
    }

    #[test]
    fn draws_follow_training_frequencies_and_stay_in_their_bin() -> Result<()> {
        let values: Vec<f64> = (0..1000).map(|i| f64::from(i % 10)).collect();
        let s = space(&values, false)?;
        let (mut rng, normal) = (stream(1, 1), StandardNormal::default());
        let (mut binary, mut inputs, mut differing) = (vec![0.0; 4000], vec![0.0; 4000], [0; 4000]);
        s.draw_into(s.index_of(0.0), &mut rng, &normal, &mut binary, &mut inputs, &mut differing);
        let mut first_bin = 0;
        for ((&same, &x), &differs) in binary.iter().zip(&inputs).zip(&differing) {
            let in_first_bin = s.code_of(x) == 0.0;
            assert_eq!(same == 1.0, in_first_bin, "{x}");
            assert_eq!(differs, usize::from(!in_first_bin), "{x}");
            first_bin += usize::from(in_first_bin);
        }
        // The first quartile bin (x <= 2.25) holds 30% of the training rows.
        assert!((1000..1400).contains(&first_bin), "{first_bin}");
        Ok(())
    }

    #[test]
    fn categories_are_named_by_their_code() -> Result<()> {
        let s = space(&[0.0, 1.0, 1.0, 2.0], true)?;
        assert_eq!(s.describe(1.0), "age=1");
        assert!(s.knows(2.0) && !s.knows(3.0));
        Ok(())
    }

    #[test]
    fn a_constant_column_is_one_bin_drawn_as_lime_draws_it() -> Result<()> {
        let names = vec!["a".to_owned(), "b".to_owned()];
        let space =
            learn_space(&[1.0, 5.0, 2.0, 5.0], &names, &[false, false], Discretizer::Quartile)?;
        assert_eq!(space[1].codes, [0.0]);
        assert_eq!(space[1].describe(0.0), "b <= 5.00");
        // lime 0.2.0.1's undiscretize returns the standardised edge (0) for a bin whose
        // edges coincide: the model sees 0 for the constant feature.
        assert_eq!(space[1].draws[0], Draw::fixed(0.0));
        Ok(())
    }

    #[test]
    fn non_finite_training_values_are_rejected() {
        let names = vec!["a".to_owned(), "b".to_owned()];
        let infinite = learn_space(
            &[1.0, 5.0, f64::INFINITY, 4.0],
            &names,
            &[false, false],
            Discretizer::Quartile,
        );
        assert!(infinite.is_err_and(|e| e.to_string().contains("row 2, column `a`")));
    }
}
