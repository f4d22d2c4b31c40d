//! LIME's neighbourhood of an instance: samples drawn feature by feature from the training
//! frequencies of the interpretable space, their binary representation ("same bin or
//! category as the instance"), the model inputs they map back to, and their kernel weights.

use std::cell::RefCell;

use rand::Rng;

use crate::explain::lime::space::FeatureSpace;
use crate::stats::StandardNormal;

thread_local! {
    /// Each thread's neighbourhood, refilled row after row: a fresh one per row (about 1 MB
    /// at lime's 5000 samples) would be page-faulted in anew every time.
    static NEIGHBOURHOOD: RefCell<Neighbourhood> = RefCell::new(Neighbourhood::default());
}

/// Runs `f` on this thread's reusable neighbourhood (on a fresh one if it is in use, as when
/// a JavaScript model calls back into LIME).
pub fn with_neighbourhood<T>(f: impl FnOnce(&mut Neighbourhood) -> T) -> T {
    NEIGHBOURHOOD.with(|cell| match cell.try_borrow_mut() {
        Ok(mut reused) => f(&mut reused),
        Err(_) => f(&mut Neighbourhood::default()),
    })
}

/// Samples drawn at a time, feature after feature: one feature's tables stay in registers
/// through a block, and its columns are written contiguously.
const BLOCK: usize = 256;

/// Samples around one instance.
#[derive(Debug, Clone, Default)]
pub struct Neighbourhood {
    /// Column-major, one column of `weights.len()` samples per feature: 1 where the sample
    /// shares the instance's bin or category, else 0. Sample 0 is the instance (all ones).
    pub binary: Vec<f64>,
    /// Row-major, one row per sample: the model inputs. Row 0 is the instance itself.
    pub inputs: Vec<f64>,
    /// The kernel weight of each sample.
    pub weights: Vec<f64>,
}

/// Fills `into` with `n_samples` samples (the first is `x` itself) around `x`, whose codes in
/// `space` are `codes`, weighted by lime's exponential kernel of width `kernel_width` on the
/// distance between binary rows.
pub fn sample(
    into: &mut Neighbourhood,
    space: &[FeatureSpace],
    x: &[f64],
    codes: &[f64],
    n_samples: usize,
    kernel_width: f64,
    generator: &mut (impl Rng + Clone),
) {
    let m = space.len();
    let Neighbourhood { binary, inputs, weights } = into;
    // Every entry is written below: resizing without clearing skips refilling the buffers.
    binary.resize(n_samples * m, 0.0);
    inputs.resize(n_samples * m, 0.0);
    weights.resize(n_samples, 0.0);
    inputs[..m].copy_from_slice(x);
    // A sample's distance is the root of how many features differ: m + 1 possible weights.
    #[allow(clippy::cast_precision_loss)]
    let kernel_of: Vec<f64> = (0..=m).map(|d| kernel((d as f64).sqrt(), kernel_width)).collect();
    weights[0] = kernel_of[0];
    for column in binary.chunks_exact_mut(n_samples) {
        column[0] = 1.0;
    }
    let own: Vec<Option<usize>> = space.iter().zip(codes).map(|(f, &c)| f.index_of(c)).collect();
    let normal = StandardNormal::default();
    let mut differing = [0usize; BLOCK];
    // One feature's values for a block, feature after feature, before they are transposed
    // into the row-major inputs.
    let mut values = vec![0.0; BLOCK * m];
    for start in (1..n_samples).step_by(BLOCK) {
        let len = BLOCK.min(n_samples - start);
        let differing = &mut differing[..len];
        differing.fill(0);
        let columns = binary.chunks_exact_mut(n_samples).zip(values.chunks_exact_mut(BLOCK));
        for ((feature, &own), (column, values)) in space.iter().zip(&own).zip(columns) {
            let column = &mut column[start..start + len];
            feature.draw_into(own, generator, &normal, column, &mut values[..len], differing);
        }
        for (k, row) in inputs[start * m..(start + len) * m].chunks_exact_mut(m).enumerate() {
            for (input, feature_values) in row.iter_mut().zip(values.chunks_exact(BLOCK)) {
                *input = feature_values[k];
            }
        }
        for (weight, &d) in weights[start..start + len].iter_mut().zip(&*differing) {
            *weight = kernel_of[d];
        }
    }
}

/// lime's default kernel: sqrt(exp(−d² / width²)).
fn kernel(distance: f64, width: f64) -> f64 {
    crate::math::exp(-(distance * distance) / (width * width)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::lime::space::{learn_space, Discretizer};
    use crate::stats::stream;

    #[test]
    fn the_instance_comes_first_and_weights_fall_with_distance() -> crate::error::Result<()> {
        let names = vec!["a".to_owned(), "b".to_owned()];
        let training: Vec<f64> = (0..200).flat_map(|i| [f64::from(i), f64::from(i % 3)]).collect();
        let space = learn_space(&training, &names, &[false, true], Discretizer::Quartile)?;
        let x = [150.0, 2.0];
        let codes: Vec<f64> = space.iter().zip(&x).map(|(s, &v)| s.code_of(v)).collect();
        let mut n = Neighbourhood::default();
        // A reused neighbourhood: every entry of the smaller second one must be rewritten.
        sample(&mut n, &space, &x, &codes, 700, 1.0, &mut stream(0, 2));
        sample(&mut n, &space, &x, &codes, 500, 1.0, &mut stream(0, 1));
        assert_eq!((n.binary.len(), n.inputs.len(), n.weights.len()), (1000, 1000, 500));
        assert_eq!(&n.inputs[..2], &x);
        let column = |j: usize| &n.binary[j * 500..(j + 1) * 500];
        assert_eq!((column(0)[0], column(1)[0]), (1.0, 1.0));
        for (i, w) in n.weights.iter().enumerate() {
            let differing = (0..2).filter(|&j| column(j)[i] == 0.0).count();
            let expected = [1.0, (-0.5f64).exp(), (-1.0f64).exp()][differing];
            assert!((w - expected).abs() < 1e-15, "row {i}");
            let same_bin = space[0].code_of(n.inputs[2 * i]) == codes[0];
            assert_eq!(same_bin, column(0)[i] == 1.0, "row {i}");
            let same_category = n.inputs[2 * i + 1] == codes[1];
            assert_eq!(same_category, column(1)[i] == 1.0, "row {i}");
        }
        Ok(())
    }
}
