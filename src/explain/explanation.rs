//! The SHAP result: the `sextant.shap/v1` JSON document, as Rust types.

use serde::{Deserialize, Serialize};

/// The schema identifier of [`ShapExplanation`].
pub const SHAP_SCHEMA: &str = "sextant.shap/v1";

/// Shapley values of several rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShapExplanation {
    /// Always [`SHAP_SCHEMA`].
    pub schema: String,
    /// `"tree"`, `"exact"` or `"permutation"`.
    pub method: String,
    /// Tree SHAP's game, shap's names: `"interventional"` or `"tree_path_dependent"`
    /// (`method` `"tree"` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature_perturbation: Option<String>,
    /// The quantity explained, shap's names: `"raw"` (the trees' sum, log-odds for a
    /// logistic model) or `"probability"`; absent when it is the model's output as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_output: Option<String>,
    /// Feature names, in value order.
    pub feature_names: Vec<String>,
    /// The expected output: E[f(X)] over the background (over the trees' covers for
    /// `tree_path_dependent`).
    pub base_value: f64,
    /// The model output explained.
    pub output: usize,
    /// The class whose probability that output is, when the model names its classes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_label: Option<String>,
    /// Background rows used (0 for `tree_path_dependent`).
    pub background_rows: usize,
    /// The seed of background subsampling and permutations.
    pub seed: u64,
    /// One entry per explained row, in input order.
    pub rows: Vec<ShapRow>,
}

/// The explanation of one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShapRow {
    /// f(x).
    pub prediction: f64,
    /// One Shapley value per feature; `base_value + Σ values = prediction`.
    pub values: Vec<f64>,
    /// One standard error per value (permutation sampling with at least two permutations;
    /// `null` for exact values).
    pub std_errors: Option<Vec<f64>>,
    /// SHAP interaction values, `M × M` (with `interactions`): off the diagonal half of each
    /// pair's interaction (symmetric), on it the rest of the feature's value, so that row
    /// `i` sums to `values[i]`; as XGBoost's `pred_interactions` without its bias row and
    /// column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactions: Option<Vec<Vec<f64>>>,
    /// The row's feature values.
    pub data: Vec<f64>,
}

impl ShapExplanation {
    /// The global view: mean |value| per feature over the rows.
    pub fn mean_abs(&self) -> Vec<f64> {
        let mut total = vec![0.0; self.feature_names.len()];
        for row in &self.rows {
            for (t, v) in total.iter_mut().zip(&row.values) {
                *t += v.abs();
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let n = self.rows.len().max(1) as f64;
        total.iter().map(|t| t / n).collect()
    }
}
