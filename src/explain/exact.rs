//! Exact Shapley values over all 2^M coalitions, as shap's `ExactExplainer` with an
//! independent masker: φᵢ = Σ_{S ∌ i} |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)), where v(S) is
//! the model's output averaged over the background with the features outside S masked.

use crate::error::Result;
use crate::explain::masked::MaskedModel;

/// The most features exact Shapley values are computed for (2^20 coalitions per row).
pub const MAX_EXACT_FEATURES: usize = 20;

/// Coalitions evaluated per batch.
const MASKS_PER_BATCH: usize = 1024;

/// The Shapley weight of a coalition of `size` among `m` features: 1 / (m · C(m−1, size)).
fn weight(m: usize, size: usize) -> f64 {
    let mut choose = 1.0;
    for k in 0..size {
        #[allow(clippy::cast_precision_loss)]
        {
            choose = choose * (m - 1 - k) as f64 / (k + 1) as f64;
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let m = m as f64;
    1.0 / (m * choose)
}

/// Exact Shapley values of `x` (one per feature).
///
/// `x` has at most [`MAX_EXACT_FEATURES`] features ([`crate::explain::shap::ShapParams::check`]
/// makes sure of it).
///
/// # Errors
/// A failing model call.
pub fn exact_values(masked: &MaskedModel<'_>, x: &[f64]) -> Result<Vec<f64>> {
    let m = x.len();
    let coalitions = 1usize << m;
    let mut v = Vec::with_capacity(coalitions);
    let mut masks: Vec<Vec<bool>> = Vec::with_capacity(MASKS_PER_BATCH);
    for start in (0..coalitions).step_by(MASKS_PER_BATCH) {
        masks.clear();
        masks.extend(
            (start..(start + MASKS_PER_BATCH).min(coalitions))
                .map(|s| (0..m).map(|j| s >> j & 1 == 1).collect()),
        );
        v.extend(masked.values(x, &masks)?);
    }
    let weights: Vec<f64> = (0..m).map(|size| weight(m, size)).collect();
    let values = (0..m)
        .map(|i| {
            let bit = 1usize << i;
            (0..coalitions)
                .filter(|s| s & bit == 0)
                .map(|s| weights[s.count_ones() as usize] * (v[s | bit] - v[s]))
                .sum()
        })
        .collect();
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_of_all_coalitions_of_a_feature_sum_to_one() {
        for m in 1..=12 {
            let total: f64 = (0..m)
                .map(|s| weight(m, s) * (1..=s).fold(1.0, |c, k| c * (m - k) as f64 / k as f64))
                .sum();
            assert!((total - 1.0).abs() < 1e-12, "m = {m}: {total}");
        }
    }
}
