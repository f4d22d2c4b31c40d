//! The fast path of the commonest classical models: scikit-learn's linear and logistic
//! models, alone or behind scalers and followed by normalizers (`Scaler → LinearClassifier`;
//! `LinearClassifier → Normalizer` for a multinomial logistic regression). Rows go through
//! the whole chain a block at a time in reused buffers, instead of op by op through
//! batch-sized intermediate values. Each step is the general executor's own function, so the
//! outputs are bit-identical to it (tested).

use crate::model::additive::AdditiveScore;
use crate::model::onnx::ops::linear::Linear;
use crate::model::onnx::ops::preprocess::{normalize_rows, per_column, scale_rows};
use crate::model::onnx::ops::Op;

/// Rows per block: small enough for every buffer to stay in the first-level cache.
const BLOCK_ROWS: usize = 256;

/// Scalers, a linear model, then normalizers.
#[derive(Debug, Clone)]
pub struct LinearPipeline {
    float32_input: bool,
    /// Each scaler's `(offset, scale)`, in order.
    scalers: Vec<(Vec<f64>, Vec<f64>)>,
    linear: Linear,
    /// Each normalizer's norm, in order.
    norms: Vec<String>,
    /// Whether the pipeline is an [`AdditiveScore`]: the linear model's outputs come from
    /// one score, no normalizer follows, and the scalers fit its width.
    additive: bool,
}

impl LinearPipeline {
    /// The pipeline the ops form, when they are scalers, one linear model and normalizers
    /// (identities anywhere), each reading the one before (`chained`).
    pub fn detect<'a>(
        ops: impl Iterator<Item = &'a Op>,
        chained: bool,
        float32_input: bool,
    ) -> Option<Self> {
        if !chained {
            return None;
        }
        let (mut scalers, mut linear, mut norms) = (Vec::new(), None, Vec::new());
        for op in ops {
            match (op, &linear) {
                (Op::Identity, _) => {}
                (Op::Scaler { offset, scale }, None) => {
                    scalers.push((offset.clone(), scale.clone()));
                }
                (Op::Linear(model), None) => linear = Some(model.clone()),
                (Op::Normalizer(norm), Some(_)) => norms.push(norm.clone()),
                _ => return None,
            }
        }
        let linear = linear?;
        let cols = linear.coefficients.len() / linear.targets.max(1);
        let scalers_fit =
            scalers.iter().flat_map(|(o, s)| [o, s]).all(|p| p.len() == 1 || p.len() == cols);
        let additive = linear.single_score().is_some() && norms.is_empty() && scalers_fit;
        Some(LinearPipeline { float32_input, scalers, linear, norms, additive })
    }

    /// The pipeline as an additive score, when it is one.
    pub fn additive(&self) -> Option<&dyn AdditiveScore> {
        self.additive.then_some(self as &dyn AdditiveScore)
    }

    /// The outputs for `rows` (`cols` wide), as the general executor computes them.
    pub fn predict(&self, rows: &[f64], cols: usize) -> Result<Vec<f64>, String> {
        let scalers: Vec<(Vec<f64>, Vec<f64>)> = self
            .scalers
            .iter()
            .map(|(offset, scale)| {
                Ok((per_column(offset, cols, "offset")?, per_column(scale, cols, "scale")?))
            })
            .collect::<Result<_, String>>()?;
        let width = self.linear.width();
        let cols = cols.max(1);
        let mut out = vec![0.0; rows.len() / cols * width];
        let (mut block, mut scores) = (Vec::with_capacity(BLOCK_ROWS * cols), Vec::new());
        for (chunk, out) in rows.chunks(BLOCK_ROWS * cols).zip(out.chunks_mut(BLOCK_ROWS * width)) {
            block.clear();
            if self.float32_input {
                #[allow(clippy::cast_possible_truncation)]
                block.extend(chunk.iter().map(|&x| f64::from(x as f32)));
            } else {
                block.extend_from_slice(chunk);
            }
            for (offset, scale) in &scalers {
                scale_rows(&mut block, offset, scale);
            }
            self.linear.outputs_into(&block, cols, out, &mut scores)?;
            for norm in &self.norms {
                normalize_rows(out, width, norm)?;
            }
        }
        Ok(out)
    }
}

impl AdditiveScore for LinearPipeline {
    fn terms(&self, feature: usize, values: &[f64], terms: &mut [f64]) {
        let w = self.linear.single_score().and_then(|(w, _, _)| w.get(feature)).copied();
        let w = w.unwrap_or(0.0);
        let at = |p: &[f64]| p.get(feature).or(p.first()).copied().unwrap_or(0.0);
        for (t, &v) in terms.iter_mut().zip(values) {
            #[allow(clippy::cast_possible_truncation)]
            let mut x = if self.float32_input { f64::from(v as f32) } else { v };
            for (offset, scale) in &self.scalers {
                x = (x - at(offset)) * at(scale);
            }
            *t = x * w;
        }
    }

    fn outputs(&self, sums: &mut [f64], output: usize) {
        if let Some((_, intercept, link)) = self.linear.single_score() {
            link.apply(intercept, sums, output);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::onnx::OnnxModel;
    use crate::model::Model;

    fn fixture(name: &str) -> crate::error::Result<OnnxModel> {
        let path = format!("{}/tests/fixtures/models/{name}.onnx", env!("CARGO_MANIFEST_DIR"));
        let bytes =
            std::fs::read(&path).map_err(|e| crate::error::Error::model(&path, e.to_string()))?;
        OnnxModel::from_bytes(&bytes, &path)
    }

    #[test]
    fn the_fast_path_equals_the_general_executor_bit_for_bit() -> crate::error::Result<()> {
        for name in ["scaled_logistic", "multinomial_logistic"] {
            let model = fixture(name)?;
            assert!(model.linear_pipeline.is_some(), "{name}");
            // 300 rows: a full block and a part one.
            let rows: Vec<f64> = (0..300 * 6).map(|i| f64::from(i % 17) * 0.37 - 3.1).collect();
            let fast = model.predict(&rows, 6)?;
            let general = model.run(&rows, 300)?;
            assert_eq!(fast.len(), 300 * model.n_outputs(), "{name}");
            assert!(fast.iter().zip(&general).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}");
        }
        Ok(())
    }

    #[test]
    fn graphs_beyond_scalers_and_a_linear_model_take_the_general_path() -> crate::error::Result<()>
    {
        for name in ["mlp", "normalized_ridge", "onehot_pipeline"] {
            assert!(fixture(name)?.linear_pipeline.is_none(), "{name}");
        }
        Ok(())
    }
}
