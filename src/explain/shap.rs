//! Shapley-value explanations of many rows: parameters, their validation into
//! [`CheckedShapParams`] before any work, and the driver that explains rows in parallel
//! (natively) with results identical to a single-threaded run. Three algorithms: Tree SHAP
//! for tree ensembles ([`crate::explain::tree`]), exact values over every coalition, and
//! shap's permutation sampling; `auto` chooses as `shap.Explainer` does.

use crate::data::rows::Rows;
use crate::error::{Error, Result};
use crate::explain::exact::{exact_values, MAX_EXACT_FEATURES};
use crate::explain::explanation::{ShapExplanation, ShapRow, SHAP_SCHEMA};
use crate::explain::masked::MaskedModel;
use crate::explain::masker::{IndependentMasker, DEFAULT_MAX_SAMPLES};
use crate::explain::parallel::explain_rows;
use crate::explain::permutation::permutation_values;
use crate::explain::tree::{FeaturePerturbation, ModelOutput, TreeExplainer};
use crate::model::trees::RawOutput;
use crate::model::{checked_output, output_label, Model, OutputChoice};
use crate::progress::Progress;
use crate::stats::stream;

/// shap's default evaluation budget per row.
pub const DEFAULT_MAX_EVALS: usize = 500;

/// `auto` chooses exact values up to this many features, as `shap.Explainer` does.
pub const AUTO_EXACT_FEATURES: usize = 10;

/// Which Shapley-value algorithm explains the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// As `shap.Explainer`: `tree` for tree ensembles Sextant reads as trees, `exact` up
    /// to [`AUTO_EXACT_FEATURES`] features, otherwise `permutation`.
    #[default]
    Auto,
    /// Exact Tree SHAP (tree ensembles only).
    Tree,
    /// Exact values over all 2^M coalitions.
    Exact,
    /// shap's antithetic permutation sampling.
    Permutation,
}

impl Algorithm {
    /// The name in options and in the JSON `method`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Auto => "auto",
            Algorithm::Tree => "tree",
            Algorithm::Exact => "exact",
            Algorithm::Permutation => "permutation",
        }
    }
}

/// Parses `text` as one of `choices` (by name), naming `option` and the choices otherwise.
fn parse_choice<T: Copy>(text: &str, option: &str, choices: &[(&str, T)]) -> Result<T> {
    choices.iter().find(|(name, _)| *name == text).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        Error::invalid_option(option, format!("\"{text}\" is not one of {}", names.join(", ")))
    })
}

impl std::str::FromStr for Algorithm {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        parse_choice(
            text,
            "algorithm",
            &[
                ("auto", Algorithm::Auto),
                ("tree", Algorithm::Tree),
                ("exact", Algorithm::Exact),
                ("permutation", Algorithm::Permutation),
            ],
        )
    }
}

impl std::str::FromStr for FeaturePerturbation {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        parse_choice(
            text,
            "feature_perturbation",
            &[
                ("interventional", FeaturePerturbation::Interventional),
                ("tree_path_dependent", FeaturePerturbation::TreePathDependent),
            ],
        )
    }
}

impl std::str::FromStr for ModelOutput {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        parse_choice(
            text,
            "model_output",
            &[("raw", ModelOutput::Raw), ("probability", ModelOutput::Probability)],
        )
    }
}

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
/// | `algorithm` | `auto` | `tree` needs a tree ensemble; `exact` M ≤ 20 | Tree SHAP, all 2^M coalitions, or permutation sampling |
/// | `feature_perturbation` | `interventional` with a background, else `tree_path_dependent` | `tree` only; path-dependent needs node covers | shap's TreeExplainer games |
/// | `model_output` | `raw` for `tree`, the model's output otherwise | `raw` needs a tree ensemble | the quantity explained |
/// | `interactions` | false | `tree` with `tree_path_dependent` | SHAP interaction values per row (XGBoost's `pred_interactions`) |
/// | `budget` | `MaxEvals(500)` | `max_evals` ≥ 2M′ + 1 (M′: a row's varying features); permutations ≥ 1; `permutation` only | permutation budget |
/// | `tolerance` | none | > 0, finite | stop sampling once every standard error is below it |
/// | `seed` | 0 | any | background subsampling and permutations |
/// | `output` | positive class | 0..outputs | the model output explained |
/// | `max_background` | 100 | ≥ 1 | background rows kept |
#[derive(Debug, Clone, PartialEq)]
pub struct ShapParams {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Tree SHAP's game (default: interventional with a background, else path-dependent).
    pub feature_perturbation: Option<FeaturePerturbation>,
    /// The quantity explained (default: raw for Tree SHAP, the model's output otherwise).
    pub model_output: Option<ModelOutput>,
    /// SHAP interaction values too (path-dependent Tree SHAP only).
    pub interactions: bool,
    /// Permutation budget (default: shap's `max_evals` 500). Setting it makes `auto`
    /// choose permutation sampling for models that are not tree ensembles.
    pub budget: Option<Budget>,
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
            algorithm: Algorithm::Auto,
            feature_perturbation: None,
            model_output: None,
            interactions: false,
            budget: None,
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
    /// The algorithm, `auto` resolved.
    algorithm: Algorithm,
    output: usize,
    n_features: usize,
}

impl ShapParams {
    /// Checks the parameters for `model` with `n_features` inputs, before any work.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming the parameter: a tolerance that is not
    /// a positive number, no background rows, zero permutations, exact values for more than
    /// 20 features, an output the model does not have, a model with no features, Tree SHAP
    /// for a model that is not a tree ensemble or with another width than the model's (and
    /// those of [`TreeExplainer::check`]: path-dependent values without covers, the
    /// probability of a softmax model), Tree SHAP options with another algorithm, a sampling
    /// budget or tolerance with `tree` or `exact`, the raw output of a model that is not a
    /// tree ensemble, or the probability output of a model that is not a classifier.
    pub fn check(&self, model: &dyn Model, n_features: usize) -> Result<CheckedShapParams> {
        let output = checked_output(model, self.output.as_ref(), "output")?;
        let sampling = self.budget.is_some() || self.tolerance.is_some();
        let algorithm = match self.algorithm {
            Algorithm::Auto if model.forest().is_some() => Algorithm::Tree,
            Algorithm::Auto if n_features <= AUTO_EXACT_FEATURES && !sampling => Algorithm::Exact,
            Algorithm::Auto => Algorithm::Permutation,
            chosen => chosen,
        };
        if self.interactions
            && (algorithm != Algorithm::Tree
                || self.feature_perturbation == Some(FeaturePerturbation::Interventional))
        {
            return Err(Error::invalid_option(
                "interactions",
                "interaction values are computed by Tree SHAP with ‹feature_perturbation› tree_path_dependent (as shap and XGBoost compute them)",
            ));
        }
        if sampling && algorithm != Algorithm::Permutation {
            let option = match self.budget {
                Some(Budget::MaxEvals(_)) => "max_evals",
                Some(Budget::Permutations(_)) => "permutations",
                None => "tolerance",
            };
            let chosen = if self.algorithm == Algorithm::Auto {
                format!("auto chose {} for this model", algorithm.name())
            } else {
                format!("the algorithm is {}", algorithm.name())
            };
            return Err(Error::invalid_option(
                option,
                format!("applies to permutation sampling, and {chosen}: set ‹algorithm› permutation, or leave ‹{option}› out"),
            ));
        }
        match (algorithm, model.forest()) {
            (Algorithm::Tree, None) => {
                return Err(Error::invalid_option(
                    "algorithm",
                    "tree needs a tree ensemble read as trees (XGBoost JSON, LightGBM text, or an ONNX graph that is one TreeEnsemble node); use exact or permutation",
                ))
            }
            (Algorithm::Tree, Some(forest)) => {
                let model_features = forest.info().n_features;
                if n_features != model_features {
                    return Err(Error::invalid_option(
                        "features",
                        format!("{n_features} columns, but the model takes {model_features}"),
                    ));
                }
                TreeExplainer::check(
                    &forest.output(output)?,
                    self.feature_perturbation,
                    self.model_output.unwrap_or(ModelOutput::Raw),
                )?;
            }
            (_, forest) => {
                if self.feature_perturbation.is_some() {
                    return Err(Error::invalid_option(
                        "feature_perturbation",
                        format!("applies to ‹algorithm› tree only, not {}", algorithm.name()),
                    ));
                }
                if self.model_output == Some(ModelOutput::Raw) && forest.is_none() {
                    return Err(Error::invalid_option(
                        "model_output",
                        "raw needs a tree ensemble (its raw score is the trees' sum); this model gives its output only",
                    ));
                }
                if self.model_output == Some(ModelOutput::Probability) && !model.is_classifier() {
                    return Err(Error::invalid_option(
                        "model_output",
                        "probability: the model's outputs are not probabilities (it is not a classifier)",
                    ));
                }
            }
        }
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
        if self.budget == Some(Budget::Permutations(0)) {
            return Err(Error::invalid_option(
                "permutations",
                "at least one permutation is needed",
            ));
        }
        if algorithm == Algorithm::Exact && n_features > MAX_EXACT_FEATURES {
            return Err(Error::invalid_option(
                "algorithm",
                format!("exact Shapley values need 2^{n_features} coalitions; at most {MAX_EXACT_FEATURES} features are supported (use permutation sampling)"),
            ));
        }
        Ok(CheckedShapParams { params: self.clone(), algorithm, output, n_features })
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
    /// The algorithm that will run (`auto` resolved).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Explains `rows` (columns `feature_names`) with `model`, the model the parameters
    /// were checked for, against `background` (which may be empty for path-dependent Tree
    /// SHAP): Tree SHAP, exact Shapley values or shap's permutation sampling. Rows are
    /// explained in parallel natively; the results equal a single-threaded run.
    ///
    /// # Errors
    /// Rows or a background whose width is not the checked one, an empty background (except
    /// for path-dependent Tree SHAP), a `max_evals` budget below 2M + 1 for some row (M: the
    /// features of that row that differ from the background; checked for every row before
    /// any is explained), cancellation, or a failing model call.
    pub fn explain(
        &self,
        model: &dyn Model,
        feature_names: Vec<String>,
        rows: &Rows,
        background: &Rows,
        progress: &mut dyn Progress,
    ) -> Result<ShapExplanation> {
        let n = self.n_features;
        let output = checked_output(model, Some(&OutputChoice::Index(self.output)), "output")?;
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
        let explanation = ShapExplanation {
            schema: SHAP_SCHEMA.to_owned(),
            method: self.algorithm.name().to_owned(),
            feature_perturbation: None,
            model_output: None,
            feature_names,
            base_value: 0.0,
            output,
            output_label: output_label(model, output),
            background_rows: 0,
            seed: self.params.seed,
            rows: Vec::new(),
        };
        match (self.algorithm, model.forest()) {
            (Algorithm::Tree, Some(forest)) => {
                self.explain_trees(forest.output(output)?, rows, background, explanation, progress)
            }
            (_, Some(forest)) if self.params.model_output == Some(ModelOutput::Raw) => {
                let raw = RawOutput::new(forest.output(output)?);
                let mut explained =
                    self.explain_masked(&raw, 0, rows, background, explanation, progress)?;
                explained.model_output = Some(ModelOutput::Raw.name().to_owned());
                Ok(explained)
            }
            _ => {
                let mut explained =
                    self.explain_masked(model, output, rows, background, explanation, progress)?;
                explained.model_output = self.params.model_output.map(|o| o.name().to_owned());
                Ok(explained)
            }
        }
    }

    /// Tree SHAP.
    fn explain_trees(
        &self,
        trees: crate::model::trees::OutputTrees<'_>,
        rows: &Rows,
        background: &Rows,
        mut explanation: ShapExplanation,
        progress: &mut dyn Progress,
    ) -> Result<ShapExplanation> {
        let params = &self.params;
        let perturbation = params.feature_perturbation.unwrap_or(if background.is_empty() {
            FeaturePerturbation::TreePathDependent
        } else {
            FeaturePerturbation::Interventional
        });
        let output = params.model_output.unwrap_or(ModelOutput::Raw);
        if params.interactions && perturbation != FeaturePerturbation::TreePathDependent {
            return Err(Error::invalid_option(
                "interactions",
                "interaction values are computed for ‹feature_perturbation› tree_path_dependent (as shap and XGBoost compute them): leave out the background",
            ));
        }
        let sample;
        let background_values = match perturbation {
            FeaturePerturbation::Interventional if !background.is_empty() => {
                sample = IndependentMasker::new(
                    background.values(),
                    self.n_features,
                    params.max_background,
                    params.seed,
                )?;
                sample.rows()
            }
            _ => &[],
        };
        let explainer = TreeExplainer::new(
            trees,
            self.n_features,
            background_values,
            perturbation,
            output,
            rows.len(),
        )?;
        let explain_row = |r: usize| -> Result<ShapRow> {
            let x = rows.row(r);
            let explained = explainer.explain_row(x, params.interactions)?;
            let interactions = explained
                .interactions
                .map(|flat| flat.chunks(x.len().max(1)).map(<[f64]>::to_vec).collect());
            Ok(ShapRow {
                prediction: explained.prediction,
                values: explained.values,
                std_errors: None,
                interactions,
                data: x.to_vec(),
            })
        };
        explanation.rows = explain_rows(rows.len(), progress, &explain_row)?;
        explanation.base_value = explainer.base_value();
        explanation.background_rows = explainer.background_rows();
        explanation.feature_perturbation = Some(perturbation.name().to_owned());
        explanation.model_output = Some(output.name().to_owned());
        Ok(explanation)
    }

    /// Exact values or permutation sampling over the independent masker.
    fn explain_masked(
        &self,
        model: &dyn Model,
        output: usize,
        rows: &Rows,
        background: &Rows,
        mut explanation: ShapExplanation,
        progress: &mut dyn Progress,
    ) -> Result<ShapExplanation> {
        let (params, n) = (&self.params, self.n_features);
        let exact = self.algorithm == Algorithm::Exact;
        let masker =
            IndependentMasker::new(background.values(), n, params.max_background, params.seed)?;
        let masked = MaskedModel::new(model, &masker, output);
        // As shap: the budget buys max_evals / (2M + 1) permutations, where M counts the
        // features of the row that differ from the background (the others get 0).
        let mut permutations = Vec::with_capacity(rows.len());
        if !exact {
            for r in 0..rows.len() {
                permutations.push(match params.budget.unwrap_or(Budget::MaxEvals(DEFAULT_MAX_EVALS)) {
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
            if exact {
                let values = exact_values(&masked, x)?;
                Ok(ShapRow {
                    prediction,
                    values,
                    std_errors: None,
                    interactions: None,
                    data: x.to_vec(),
                })
            } else {
                let mut rng = stream(params.seed, r as u64 + 1);
                let sampled =
                    permutation_values(&masked, x, permutations[r], params.tolerance, &mut rng)?;
                Ok(ShapRow {
                    prediction,
                    values: sampled.values,
                    std_errors: sampled.std_errors,
                    interactions: None,
                    data: x.to_vec(),
                })
            }
        };
        explanation.rows = explain_rows(rows.len(), progress, &explain_row)?;
        explanation.base_value = base_value;
        explanation.background_rows = masker.len();
        Ok(explanation)
    }
}
