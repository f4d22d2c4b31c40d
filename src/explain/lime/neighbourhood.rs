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

/// Samples around one instance, row-major with one column per feature.
#[derive(Debug, Clone, Default)]
pub struct Neighbourhood {
    /// 1 where the sample shares the instance's bin or category, else 0. Row 0 is the
    /// instance (all ones).
    pub binary: Vec<f64>,
    /// The model inputs of the samples. Row 0 is the instance itself.
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
    // A local copy of the generator can live in registers through the loop below; draws
    // through the caller's would store and reload its state every time.
    let mut local = generator.clone();
    let rng = &mut local;
    let m = space.len();
    let Neighbourhood { binary, inputs, weights } = into;
    for (buffer, len, fill) in [
        (&mut *binary, n_samples * m, 1.0),
        (&mut *inputs, n_samples * m, 0.0),
        (&mut *weights, n_samples, 1.0),
    ] {
        buffer.clear();
        buffer.resize(len, fill);
    }
    inputs[..m].copy_from_slice(x);
    let normal = StandardNormal::default();
    let samples = binary.chunks_exact_mut(m).zip(inputs.chunks_exact_mut(m)).zip(weights);
    for ((binary_row, input_row), weight) in samples.skip(1) {
        let mut differing = 0u32;
        let features = space.iter().zip(codes).zip(binary_row).zip(input_row);
        for (((feature, &own), binary), input) in features {
            let (code, value) = feature.draw(rng, &normal);
            let same = code == own;
            differing += u32::from(!same);
            *binary = f64::from(u8::from(same));
            *input = value;
        }
        *weight = kernel(f64::from(differing).sqrt(), kernel_width);
    }
    *generator = local;
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
    fn the_instance_comes_first_and_weights_fall_with_distance() -> crate::Result<()> {
        let names = vec!["a".to_owned(), "b".to_owned()];
        let training: Vec<f64> = (0..200).flat_map(|i| [f64::from(i), f64::from(i % 3)]).collect();
        let space = learn_space(&training, &names, &[false, true], Discretizer::Quartile)?;
        let x = [150.0, 2.0];
        let codes: Vec<f64> = space.iter().zip(&x).map(|(s, &v)| s.code_of(v)).collect();
        let mut n = Neighbourhood::default();
        sample(&mut n, &space, &x, &codes, 500, 1.0, &mut stream(0, 1));
        assert_eq!(&n.inputs[..2], &x);
        assert_eq!(&n.binary[..2], &[1.0, 1.0]);
        for (i, w) in n.weights.iter().enumerate() {
            let differing = n.binary[2 * i..2 * i + 2].iter().filter(|&&b| b == 0.0).count();
            let expected = [1.0, (-0.5f64).exp(), (-1.0f64).exp()][differing];
            assert!((w - expected).abs() < 1e-15, "row {i}");
            let same_bin = space[0].code_of(n.inputs[2 * i]) == codes[0];
            assert_eq!(same_bin, n.binary[2 * i] == 1.0, "row {i}");
        }
        Ok(())
    }
}
