//! A model seen through a masker: the background-averaged output for each mask.
//!
//! A general model is evaluated on the masked rows. An additive one (linear and logistic
//! models, see [`AdditiveScore`]) is not: each feature's term is computed once per
//! background row and once for the explained row, and a masked row's score is their sum,
//! so a mask costs one addition per feature and background row and one link per row. The
//! result is the model's output on the masked rows bit for bit.

use crate::error::Result;
use crate::explain::masker::IndependentMasker;
use crate::model::additive::AdditiveScore;
use crate::model::Model;

/// Masked rows sent to the model per call, at most.
const ROWS_PER_CALL: usize = 32_768;

/// A model, a masker and the output being explained.
pub struct MaskedModel<'a> {
    model: &'a dyn Model,
    /// The background.
    pub masker: &'a IndependentMasker,
    output: usize,
    /// For an additive model: its terms over the background, feature-major (one run of
    /// background rows per feature).
    additive: Option<(&'a dyn AdditiveScore, Vec<f64>)>,
}

impl<'a> MaskedModel<'a> {
    /// Output `output` of `model` through `masker`.
    pub fn new(model: &'a dyn Model, masker: &'a IndependentMasker, output: usize) -> Self {
        let additive = model.additive().map(|additive| {
            let (n_background, m) = (masker.len(), masker.n_features());
            let mut terms = vec![0.0; n_background * m];
            let mut column = vec![0.0; n_background];
            for (j, feature_terms) in terms.chunks_exact_mut(n_background.max(1)).enumerate() {
                for (c, row) in column.iter_mut().zip(masker.rows().chunks_exact(m.max(1))) {
                    *c = row[j];
                }
                additive.terms(j, &column, feature_terms);
            }
            (additive, terms)
        });
        MaskedModel { model, masker, output, additive }
    }

    /// For each mask (one `bool` per feature), the model's output averaged over the
    /// background rows with the masked-off features taken from them. Masks are evaluated in
    /// as few model calls as memory allows.
    ///
    /// The masked copy of the background is updated from one mask to the next only in the
    /// features that change, so a permutation walk (one feature per step) costs a copy of
    /// the block per mask, not a rebuild.
    ///
    /// # Errors
    /// A failing model call.
    pub fn values(&self, x: &[f64], masks: &[Vec<bool>]) -> Result<Vec<f64>> {
        if let Some((additive, background_terms)) = &self.additive {
            return Ok(self.additive_values(*additive, background_terms, x, masks));
        }
        let n_background = self.masker.len();
        let n_features = self.masker.n_features();
        let masks_per_call = (ROWS_PER_CALL / n_background).max(1);
        let mut values = Vec::with_capacity(masks.len());
        let mut rows =
            Vec::with_capacity(masks_per_call.min(masks.len()) * n_background * n_features);
        let background = self.masker.rows();
        let mut block = background.to_vec();
        let mut state = vec![false; n_features];
        for chunk in masks.chunks(masks_per_call) {
            rows.clear();
            for mask in chunk {
                for j in 0..n_features {
                    if mask[j] == state[j] {
                        continue;
                    }
                    let columns =
                        block.chunks_exact_mut(n_features).zip(background.chunks_exact(n_features));
                    for (row, original) in columns {
                        row[j] = if mask[j] { x[j] } else { original[j] };
                    }
                    state[j] = mask[j];
                }
                rows.extend_from_slice(&block);
            }
            let outputs = self.model.predict(&rows, n_features)?;
            let width = self.model.n_outputs();
            #[allow(clippy::cast_precision_loss)]
            let scale = 1.0 / n_background as f64;
            for block in outputs.chunks_exact(width * n_background) {
                values.push(block.chunks_exact(width).map(|o| o[self.output]).sum::<f64>() * scale);
            }
        }
        Ok(values)
    }

    /// [`Self::values`] of an additive model, from its terms.
    fn additive_values(
        &self,
        additive: &dyn AdditiveScore,
        background_terms: &[f64],
        x: &[f64],
        masks: &[Vec<bool>],
    ) -> Vec<f64> {
        let n_background = self.masker.len().max(1);
        let mut own = vec![0.0; x.len()];
        for (j, term) in own.iter_mut().enumerate() {
            additive.terms(j, &x[j..=j], std::slice::from_mut(term));
        }
        #[allow(clippy::cast_precision_loss)]
        let scale = 1.0 / n_background as f64;
        // prefix[j]: each background row's Σ of the terms of features before j, summed from 0
        // in feature order as the model sums them. Consecutive masks share the prefix up to
        // their first difference, which is all that is summed again.
        let n_features = x.len();
        let mut prefix = vec![0.0; (n_features + 1) * n_background];
        let mut sums = vec![0.0; n_background];
        let mut previous: Option<&[bool]> = None;
        masks
            .iter()
            .map(|mask| {
                let first_change = previous.map_or(0, |p| {
                    p.iter().zip(mask).position(|(a, b)| a != b).unwrap_or(n_features)
                });
                previous = Some(mask);
                let features =
                    mask.iter().zip(&own).zip(background_terms.chunks_exact(n_background));
                for (j, ((&on, &term), column)) in features.enumerate().skip(first_change) {
                    let (before, after) = prefix.split_at_mut((j + 1) * n_background);
                    let (before, after) = (&before[j * n_background..], &mut after[..n_background]);
                    if on {
                        after.iter_mut().zip(before).for_each(|(s, b)| *s = b + term);
                    } else {
                        let terms = before.iter().zip(column);
                        after.iter_mut().zip(terms).for_each(|(s, (b, t))| *s = b + t);
                    }
                }
                sums.copy_from_slice(&prefix[n_features * n_background..]);
                additive.outputs(&mut sums, self.output);
                sums.iter().sum::<f64>() * scale
            })
            .collect()
    }

    /// The model's output for `x` itself.
    ///
    /// # Errors
    /// A failing model call.
    pub fn prediction(&self, x: &[f64]) -> Result<f64> {
        let out = self.model.predict(x, self.masker.n_features())?;
        Ok(out[self.output])
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::model::coefficients::LinearModel;
    use crate::model::load_model;

    /// A model seen only through `predict`, so that masks go through whole rows.
    struct RowsOnly<'a>(&'a dyn Model);

    impl Model for RowsOnly<'_> {
        fn n_features(&self) -> Option<usize> {
            self.0.n_features()
        }
        fn feature_names(&self) -> Option<&[String]> {
            self.0.feature_names()
        }
        fn n_outputs(&self) -> usize {
            self.0.n_outputs()
        }
        fn is_classifier(&self) -> bool {
            self.0.is_classifier()
        }
        fn accepts_missing(&self) -> bool {
            self.0.accepts_missing()
        }
        fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
            self.0.predict(rows, n_features)
        }
    }

    #[test]
    fn additive_models_give_their_own_outputs_on_masked_rows_bit_for_bit() -> Result<()> {
        let path =
            format!("{}/tests/fixtures/models/scaled_logistic.onnx", env!("CARGO_MANIFEST_DIR"));
        let bytes =
            std::fs::read(&path).map_err(|e| crate::error::Error::model(&path, e.to_string()))?;
        let names: Vec<String> = (0..6).map(|i| format!("f{i}")).collect();
        let weights = vec![0.7, -1.3, 0.01, 2.5, -0.4, 0.9];
        let models: Vec<Box<dyn Model>> = vec![
            load_model(&bytes, &path)?,
            Box::new(LinearModel::new(names.clone(), weights.clone(), -0.3, true)),
            Box::new(LinearModel::new(names, weights, 4.0, false)),
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let background: Vec<f64> = (0..37 * 6).map(|_| rng.random_range(-3.0..3.0)).collect();
        let masker = IndependentMasker::new(&background, 6, 100, 0)?;
        let x: Vec<f64> = (0..6).map(|_| rng.random_range(-3.0..3.0)).collect();
        // Every coalition, counting first from the first feature, then from the last (so that
        // consecutive masks share prefixes of every length), then one repeated.
        let mut masks: Vec<Vec<bool>> = (0..64)
            .map(|i| (0..6).map(|j| (i >> j) & 1 == 1).collect())
            .chain((0..64).map(|i| (0..6).map(|j| (i >> (5 - j)) & 1 == 1).collect()))
            .collect();
        masks.push(masks[127].clone());
        for model in &models {
            assert!(model.additive().is_some());
            for output in 0..model.n_outputs() {
                let fast = MaskedModel::new(model.as_ref(), &masker, output).values(&x, &masks)?;
                let rows_only = RowsOnly(model.as_ref());
                let general = MaskedModel::new(&rows_only, &masker, output).values(&x, &masks)?;
                assert_eq!(fast.len(), 129);
                assert!(
                    fast.iter().zip(&general).all(|(a, b)| a.to_bits() == b.to_bits()),
                    "output {output}: {fast:?} vs {general:?}"
                );
            }
        }
        Ok(())
    }
}
