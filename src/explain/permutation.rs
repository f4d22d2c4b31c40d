//! Permutation-sampled Shapley values, as shap's `PermutationExplainer`: each permutation of
//! the varying features is walked forward (switching features on) and backward (switching
//! them off), and each feature's two marginal contributions are averaged. Additivity holds
//! exactly: both walks telescope from the background output to f(x).
//!
//! Beyond shap: a standard error per value (over permutations), and an optional tolerance
//! that stops sampling once every standard error is below it.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::error::Result;
use crate::explain::masked::MaskedModel;

/// Values and standard errors of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Sampled {
    /// One value per feature.
    pub values: Vec<f64>,
    /// One standard error per feature; `None` with fewer than two permutations.
    pub std_errors: Option<Vec<f64>>,
    /// Permutations used.
    pub permutations: usize,
}

/// Permutation Shapley values of `x`, with at most `permutations` permutations (stopping
/// early once every standard error is below `tolerance`).
///
/// # Errors
/// A failing model call.
pub fn permutation_values(
    masked: &MaskedModel<'_>,
    x: &[f64],
    permutations: usize,
    tolerance: Option<f64>,
    rng: &mut ChaCha8Rng,
) -> Result<Sampled> {
    let n = x.len();
    let mut order = masked.masker.varying(x);
    let m = order.len();
    let mut sum = vec![0.0; n];
    let mut sum_sq = vec![0.0; n];
    let mut used = 0;
    if m == 0 {
        return Ok(Sampled { values: sum, std_errors: Some(vec![0.0; n]), permutations: 0 });
    }
    let mut masks: Vec<Vec<bool>> = Vec::with_capacity(2 * m + 1);
    while used < permutations {
        for i in (1..m).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        masks.clear();
        let mut on = vec![false; n];
        masks.push(on.clone());
        for &j in &order {
            on[j] = true;
            masks.push(on.clone());
        }
        for &j in &order {
            on[j] = false;
            masks.push(on.clone());
        }
        let v = masked.values(x, &masks)?;
        for (k, &j) in order.iter().enumerate() {
            let forward = v[k + 1] - v[k];
            let backward = v[m + k] - v[m + k + 1];
            let contribution = 0.5 * (forward + backward);
            sum[j] += contribution;
            sum_sq[j] += contribution * contribution;
        }
        used += 1;
        if let (Some(tol), Some(se)) = (tolerance, std_errors(&sum, &sum_sq, used)) {
            if se.iter().all(|&e| e < tol) {
                break;
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let values = sum.iter().map(|s| s / used as f64).collect();
    Ok(Sampled { values, std_errors: std_errors(&sum, &sum_sq, used), permutations: used })
}

/// Standard errors of the means from sums and sums of squares over `n` permutations.
#[allow(clippy::cast_precision_loss)]
fn std_errors(sum: &[f64], sum_sq: &[f64], n: usize) -> Option<Vec<f64>> {
    if n < 2 {
        return None;
    }
    let count = n as f64;
    Some(
        sum.iter()
            .zip(sum_sq)
            .map(|(s, q)| {
                let variance = ((q - s * s / count) / (count - 1.0)).max(0.0);
                (variance / count).sqrt()
            })
            .collect(),
    )
}
