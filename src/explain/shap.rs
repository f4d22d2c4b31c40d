//! Shapley-value explanations of many rows: parameters, their validation into
//! [`CheckedShapParams`] before any work, and the driver that explains rows in parallel
//! (natively) with results identical to a single-threaded run.

use crate::data::rows::Rows;
use crate::error::{Error, Result};
use crate::explain::exact::{exact_values, MAX_EXACT_FEATURES};
use crate::explain::explanation::{ShapExplanation, ShapRow, SHAP_SCHEMA};
use crate::explain::masked::MaskedModel;
use crate::explain::masker::{IndependentMasker, DEFAULT_MAX_SAMPLES};
use crate::explain::parallel::explain_rows;
use crate::explain::permutation::permutation_values;
use crate::model::{checked_output, output_label, Model, OutputChoice};
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

/// SHAP parameters, as the user gives them; [`ShapParams::check`] validates them.
///
/// # Parameters
/// | Name | Default | Range | Purpose |
/// |---|---|---|---|
/// | `exact` | false | M ≤ 20 when true | all 2^M coalitions instead of permutation sampling |
/// | `budget` | `MaxEvals(500)` | `max_evals` ≥ 2M′ + 1 (M′: a row's varying features); permutations ≥ 1 | permutation budget |
/// | `tolerance` | none | > 0, finite | stop sampling once every standard error is below it |
/// | `seed` | 0 | any | background subsampling and permutations |
/// | `output` | positive class | 0..outputs | the model output explained |
/// | `max_background` | 100 | ≥ 1 | background rows kept |
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
    pub output: Option<OutputChoice>,
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

/// [`ShapParams`] checked against a model: every number in the ranges of the
/// [`ShapParams`] table, the output chosen. Made by [`ShapParams::check`]; the explainer
/// takes nothing else.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedShapParams {
    params: ShapParams,
    output: usize,
    n_features: usize,
}

impl ShapParams {
    /// Checks the parameters for `model` with `n_features` inputs, before any work.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming the parameter: a tolerance that is not
    /// a positive number, no background rows, zero permutations, exact values for more than
    /// 20 features, an output the model does not have, or a model with
    /// no features.
    pub fn check(&self, model: &dyn Model, n_features: usize) -> Result<CheckedShapParams> {
        let output = checked_output(model, self.output.as_ref(), "output")?;
        if n_features == 0 {
            return Err(Error::invalid_option("features", "the model has no features"));
        }
        if let Some(t) = self.tolerance.filter(|t| !(t.is_finite() && *t > 0.0)) {
            return Err(Error::invalid_option(
                "tolerance",
                format!("{t} is not a positive number"),
            ));
        }
        if self.max_background == 0 {
            return Err(Error::invalid_option(
                "background_size",
                "at least one background row is needed",
            ));
        }
        if self.budget == Budget::Permutations(0) {
            return Err(Error::invalid_option(
                "permutations",
                "at least one permutation is needed",
            ));
        }
        if self.exact && n_features > MAX_EXACT_FEATURES {
            return Err(Error::invalid_option(
                "exact",
                format!("exact Shapley values need 2^{n_features} coalitions; at most {MAX_EXACT_FEATURES} features are supported (use permutation sampling)"),
            ));
        }
        Ok(CheckedShapParams { params: self.clone(), output, n_features })
    }
}

/// Checks `params` and explains `rows`: [`ShapParams::check`] and
/// [`CheckedShapParams::explain`] in one call.
///
/// # Errors
/// Those of the two steps.
pub fn explain_shap(
    model: &dyn Model,
    feature_names: Vec<String>,
    rows: &Rows,
    background: &Rows,
    params: &ShapParams,
    progress: &mut dyn Progress,
) -> Result<ShapExplanation> {
    params.check(model, feature_names.len())?.explain(
        model,
        feature_names,
        rows,
        background,
        progress,
    )
}

impl CheckedShapParams {
    /// Explains `rows` (columns `feature_names`) with `model`, the model the parameters
    /// were checked for, against `background`: exact Shapley values or shap's permutation
    /// sampling. Rows are explained in parallel natively; the results equal a
    /// single-threaded run.
    ///
    /// # Errors
    /// Rows or a background whose width is not the checked one, an empty background, a
    /// `max_evals` budget below 2M + 1 for some row (M: the features of that row that
    /// differ from the background; checked for every row before any is explained),
    /// cancellation, or a failing model call.
    pub fn explain(
        &self,
        model: &dyn Model,
        feature_names: Vec<String>,
        rows: &Rows,
        background: &Rows,
        progress: &mut dyn Progress,
    ) -> Result<ShapExplanation> {
        let CheckedShapParams { params, output, n_features: n } = self;
        let (n, output) =
            (*n, checked_output(model, Some(&OutputChoice::Index(*output)), "output")?);
        for (what, width) in [
            ("data", rows.width()),
            ("background", background.width()),
            ("features", feature_names.len()),
        ] {
            if width != n {
                return Err(Error::invalid_option(
                    what,
                    format!("{width} columns, but the model takes {n}"),
                ));
            }
        }
        let masker =
            IndependentMasker::new(background.values(), n, params.max_background, params.seed)?;
        let masked = MaskedModel::new(model, &masker, output);
        // As shap: the budget buys max_evals / (2M + 1) permutations, where M counts the
        // features of the row that differ from the background (the others get 0).
        let mut permutations = Vec::with_capacity(rows.len());
        if !params.exact {
            for r in 0..rows.len() {
                permutations.push(match params.budget {
                Budget::Permutations(p) => p,
                Budget::MaxEvals(max_evals) => {
                    let m = masker.varying(rows.row(r)).len();
                    if max_evals < 2 * m + 1 {
                        return Err(Error::invalid_option(
                            "max_evals",
                            format!("{max_evals} is too low: row {r} has {m} varying features, so it must be at least 2 * {m} + 1 = {}", 2 * m + 1),
                        ));
                    }
                    max_evals / (2 * m + 1)
                }
            });
            }
        }
        // With every feature masked the explained row is never read: any row will do.
        let base_value = masked.values(&vec![0.0; n], &[vec![false; n]])?[0];
        let explain_row = |r: usize| -> Result<ShapRow> {
            let x = rows.row(r);
            let prediction = masked.prediction(x)?;
            if params.exact {
                let values = exact_values(&masked, x)?;
                Ok(ShapRow { prediction, values, std_errors: None, data: x.to_vec() })
            } else {
                let mut rng = stream(params.seed, r as u64 + 1);
                let sampled =
                    permutation_values(&masked, x, permutations[r], params.tolerance, &mut rng)?;
                Ok(ShapRow {
                    prediction,
                    values: sampled.values,
                    std_errors: sampled.std_errors,
                    data: x.to_vec(),
                })
            }
        };
        let explained = explain_rows(rows.len(), progress, &explain_row)?;
        Ok(ShapExplanation {
            schema: SHAP_SCHEMA.to_owned(),
            method: if params.exact { "exact" } else { "permutation" }.to_owned(),
            feature_names,
            base_value,
            output,
            output_label: output_label(model, output),
            background_rows: masker.len(),
            seed: params.seed,
            rows: explained,
        })
    }
}
