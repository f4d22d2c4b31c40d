//! LIME's neighbourhood of an instance: samples drawn feature by feature from the training
//! frequencies of the interpretable space, their binary representation ("same bin or
//! category as the instance"), the model inputs they map back to, and their kernel weights.

use rand::Rng;

use crate::explain::lime::space::FeatureSpace;
use crate::stats::StandardNormal;

/// Samples around one instance, row-major with one column per feature.
#[derive(Debug, Clone)]
pub struct Neighbourhood {
    /// 1 where the sample shares the instance's bin or category, else 0. Row 0 is the
    /// instance (all ones).
    pub binary: Vec<f64>,
    /// The model inputs of the samples. Row 0 is the instance itself.
    pub inputs: Vec<f64>,
    /// The kernel weight of each sample.
    pub weights: Vec<f64>,
}

/// Draws `n_samples` samples (the first is `x` itself) around `x`, whose codes in `space`
/// are `codes`, weighted by lime's exponential kernel of width `kernel_width` on the
/// distance between binary rows.
pub fn sample(
    space: &[FeatureSpace],
    x: &[f64],
    codes: &[f64],
    n_samples: usize,
    kernel_width: f64,
    rng: &mut impl Rng,
) -> Neighbourhood {
    let m = space.len();
    let mut binary = Vec::with_capacity(n_samples * m);
    let mut inputs = Vec::with_capacity(n_samples * m);
    let mut weights = Vec::with_capacity(n_samples);
    binary.extend(std::iter::repeat_n(1.0, m));
    inputs.extend_from_slice(x);
    weights.push(1.0);
    let normal = StandardNormal::default();
    for _ in 1..n_samples {
        let mut differing = 0u32;
        for (feature, &own) in space.iter().zip(codes) {
            let code = feature.draw_code(rng);
            let same = code == own;
            differing += u32::from(!same);
            binary.push(f64::from(u8::from(same)));
            inputs.push(feature.draw_value(code, rng, &normal));
        }
        weights.push(kernel(f64::from(differing).sqrt(), kernel_width));
    }
    Neighbourhood { binary, inputs, weights }
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
        let n = sample(&space, &x, &codes, 500, 1.0, &mut stream(0, 1));
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
