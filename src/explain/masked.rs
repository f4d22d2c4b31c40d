//! A model seen through a masker: the background-averaged output for each mask.

use crate::error::Result;
use crate::explain::masker::IndependentMasker;
use crate::model::Model;

/// Masked rows sent to the model per call, at most.
const ROWS_PER_CALL: usize = 32_768;

/// A model, a masker and the output being explained.
pub struct MaskedModel<'a> {
    /// The model.
    pub model: &'a dyn Model,
    /// The background.
    pub masker: &'a IndependentMasker,
    /// The model output explained.
    pub output: usize,
}

impl MaskedModel<'_> {
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

    /// The model's output for `x` itself.
    ///
    /// # Errors
    /// A failing model call.
    pub fn prediction(&self, x: &[f64]) -> Result<f64> {
        let out = self.model.predict(x, self.masker.n_features())?;
        Ok(out[self.output])
    }
}
