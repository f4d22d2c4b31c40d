//! Shapley-value explanations of many rows: parameters, validation, and the driver that
//! explains rows in parallel (natively) with results identical to a single-threaded run.

use crate::error::{Error, Result};
use crate::explain::exact::exact_values;
use crate::explain::explanation::{ShapExplanation, ShapRow, SHAP_SCHEMA};
use crate::explain::masked::MaskedModel;
use crate::explain::masker::{IndependentMasker, DEFAULT_MAX_SAMPLES};
use crate::explain::parallel::explain_rows;
use crate::explain::permutation::permutation_values;
use crate::model::{checked_output, Model};
use crate::progress::Progress;
use crate::stats::stream;

/// shap's default evaluation budget per row.
pub const DEFAULT_MAX_EVALS: usize = 500;

/// How much sampling a permutation explanation may do per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// shap's `max_evals`: `max_evals / (2M + 1)` permutations.
    MaxEvals(usize),
    /// A number of permutations.
    Permutations(usize),
}

/// SHAP parameters.
///
/// # Parameters
/// | Name | Default | Purpose |
/// |---|---|---|
/// | `exact` | false | all 2^M coalitions (M ≤ 20) instead of permutation sampling |
/// | `budget` | `MaxEvals(500)` | permutation budget |
/// | `tolerance` | none | stop sampling once every standard error is below it |
/// | `seed` | 0 | background subsampling and permutations |
/// | `output` | positive class | the model output explained |
/// | `max_background` | 100 | background rows kept |
#[derive(Debug, Clone, PartialEq)]
pub struct ShapParams {
    /// Exact values instead of sampling.
    pub exact: bool,
    /// Permutation budget.
    pub budget: Budget,
    /// Early-stopping tolerance on standard errors.
    pub tolerance: Option<f64>,
    /// Seed.
    pub seed: u64,
    /// Output explained (default: the positive class of a binary classifier).
    pub output: Option<usize>,
    /// Background rows kept.
    pub max_background: usize,
}

impl Default for ShapParams {
    fn default() -> Self {
        ShapParams {
            exact: false,
            budget: Budget::MaxEvals(DEFAULT_MAX_EVALS),
            tolerance: None,
            seed: 0,
            output: None,
            max_background: DEFAULT_MAX_SAMPLES,
        }
    }
}

/// Explains `rows` (row-major, one value per name in `feature_names`) against `background`.
///
/// # Errors
/// An empty background, a bad parameter (tolerance, output, a budget below 2M + 1, exact
/// with more than 20 features), or a failing model call.
pub fn explain_shap(
    model: &dyn Model,
    feature_names: Vec<String>,
    rows: &[f64],
    background: &[f64],
    params: &ShapParams,
    progress: &mut dyn Progress,
) -> Result<ShapExplanation> {
    let n = feature_names.len();
    let output = checked_output(model, params.output)?;
    if let Some(t) = params.tolerance.filter(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(Error::invalid_option("tolerance", format!("{t} is not a positive number")));
    }
    let masker = IndependentMasker::new(background, n, params.max_background, params.seed)?;
    let masked = MaskedModel::new(model, &masker, output);
    if params.budget == Budget::Permutations(0) {
        return Err(Error::invalid_option("permutations", "at least one permutation is needed"));
    }
    // As shap: the budget buys max_evals / (2M + 1) permutations, where M counts the
    // features of the row that differ from the background (the others get 0).
    let permutations_for = |x: &[f64]| -> Result<usize> {
        match params.budget {
            Budget::Permutations(p) => Ok(p),
            Budget::MaxEvals(max_evals) => {
                let m = masker.varying(x).len();
                if max_evals < 2 * m + 1 {
                    return Err(Error::invalid_option(
                        "max-evals",
                        format!("{max_evals} is too low: with {m} varying features it must be at least 2 * {m} + 1 = {}", 2 * m + 1),
                    ));
                }
                Ok(max_evals / (2 * m + 1))
            }
        }
    };
    // With every feature masked the explained row is never read: any row will do.
    let base_value = masked.values(&vec![0.0; n], &[vec![false; n]])?[0];
    let n_rows = rows.len() / n.max(1);
    let explain_row = |r: usize| -> Result<ShapRow> {
        let x = &rows[r * n..(r + 1) * n];
        let prediction = masked.prediction(x)?;
        if params.exact {
            let values = exact_values(&masked, x)?;
            Ok(ShapRow { prediction, values, std_errors: None, data: x.to_vec() })
        } else {
            let mut rng = stream(params.seed, r as u64 + 1);
            let sampled =
                permutation_values(&masked, x, permutations_for(x)?, params.tolerance, &mut rng)?;
            Ok(ShapRow {
                prediction,
                values: sampled.values,
                std_errors: sampled.std_errors,
                data: x.to_vec(),
            })
        }
    };
    let explained = explain_rows(n_rows, progress, &explain_row)?;
    Ok(ShapExplanation {
        schema: SHAP_SCHEMA.to_owned(),
        method: if params.exact { "exact" } else { "permutation" }.to_owned(),
        feature_names,
        base_value,
        output,
        background_rows: masker.len(),
        seed: params.seed,
        rows: explained,
    })
}
