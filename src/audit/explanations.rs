//! The `[explanations]` section of an audit config: which rows of the audited data to
//! explain, with which model, against which background, by SHAP and/or LIME.
//! [`ExplanationsConfig::check`] validates it for its model before any data is read;
//! [`CheckedExplanations::run`] explains the rows `run_audit` reads.

use serde::Deserialize;

use crate::data::features::FeatureMatrix;
use crate::data::rows::Rows;
use crate::error::{Error, Result};
use crate::explain::explanation::ShapExplanation;
use crate::explain::lime::explanation::LimeExplanation;
use crate::explain::lime::{CheckedLimeParams, LimeExplainer, LimeParams};
use crate::explain::shap::{Budget, CheckedShapParams, ShapParams};
use crate::model::{Model, OutputChoice};
use crate::progress::Progress;

/// Rows explained when the config names none.
pub const DEFAULT_ROWS: usize = 5;

/// Explanations to add to an audit report.
///
/// # Parameters
/// | Name | Default | Purpose |
/// |---|---|---|
/// | `model` | the audit's `model` | the model explained (ONNX or coefficients JSON) |
/// | `features` / `ignore` | the audit's | the model's input columns |
/// | `rows` | the first 5 | 0-based data-row indices of the audited data to explain |
/// | `background` | the audited data | SHAP background and LIME training rows (a CSV) |
/// | `methods` | `["shap", "lime"]` | which explainers run |
/// | `seed` | 0 | sampling seed of both |
/// | `algorithm` | `auto` | SHAP: `auto`, `tree`, `exact` or `permutation` |
/// | `feature_perturbation` | interventional | SHAP (Tree SHAP): `interventional` or `tree_path_dependent` |
/// | `model_output` | `raw` for Tree SHAP | SHAP: `raw` or `probability` (shap's names; not the audit's `model_output`, which chooses the output) |
/// | `max_evals` | 500 | SHAP permutation budget per row (`permutation` only) |
/// | `categorical` | none | LIME: features whose values are category codes |
/// | `repeats` | 1 | LIME: runs per row (weights get a standard deviation) |
/// | `num_samples` | 5000 | LIME: neighbourhood size |
/// | `output` | the audit's `model_output` | the model output explained: index or class label |
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplanationsConfig {
    /// The model explained (default: the audit's model).
    #[serde(default)]
    pub model: Option<String>,
    /// The model's input columns (default: the audit's).
    #[serde(default)]
    pub features: Option<Vec<String>>,
    /// Columns that are not model inputs (default: the audit's).
    #[serde(default)]
    pub ignore: Option<Vec<String>>,
    /// Data-row indices to explain.
    #[serde(default)]
    pub rows: Option<Vec<usize>>,
    /// Background / training CSV (default: the audited data).
    #[serde(default)]
    pub background: Option<String>,
    /// `"shap"` and/or `"lime"`.
    #[serde(default)]
    pub methods: Option<Vec<String>>,
    /// Sampling seed.
    #[serde(default)]
    pub seed: Option<u64>,
    /// SHAP algorithm: `auto`, `tree`, `exact` or `permutation`.
    #[serde(default)]
    pub algorithm: Option<String>,
    /// Tree SHAP's game: `interventional` or `tree_path_dependent`.
    #[serde(default, alias = "featurePerturbation")]
    pub feature_perturbation: Option<String>,
    /// SHAP's explained quantity: `raw` or `probability`.
    #[serde(default, alias = "modelOutput")]
    pub model_output: Option<String>,
    /// SHAP budget per row.
    #[serde(default, alias = "maxEvals")]
    pub max_evals: Option<usize>,
    /// LIME categorical features.
    #[serde(default)]
    pub categorical: Vec<String>,
    /// LIME runs per row.
    #[serde(default)]
    pub repeats: Option<usize>,
    /// LIME neighbourhood size.
    #[serde(default, alias = "numSamples")]
    pub num_samples: Option<usize>,
    /// The model output explained (default: the audit's `model_output` when the section
    /// explains the audit's model).
    #[serde(default)]
    pub output: Option<OutputChoice>,
}

/// The explanations of an audit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Explanations {
    /// SHAP values, when asked for.
    pub shap: Option<ShapExplanation>,
    /// LIME surrogates, when asked for.
    pub lime: Option<LimeExplanation>,
}

impl ExplanationsConfig {
    /// Which explainers run: (SHAP, LIME).
    ///
    /// # Errors
    /// A method other than `shap` or `lime`.
    fn methods(&self) -> Result<(bool, bool)> {
        let Some(methods) = &self.methods else {
            return Ok((true, true));
        };
        if let Some(unknown) = methods.iter().find(|m| !matches!(m.as_str(), "shap" | "lime")) {
            return Err(Error::invalid_option(
                "explanations.methods",
                format!("unknown method `{unknown}` (expected shap or lime)"),
            ));
        }
        Ok((methods.iter().any(|m| m == "shap"), methods.iter().any(|m| m == "lime")))
    }

    /// Checks the section for `model` with the feature columns `names`, before any data
    /// row is read: the methods and every explainer parameter. `output` is the output
    /// explained when the section names none (the audit's `model_output`).
    ///
    /// # Errors
    /// An unknown method, or a parameter out of range (see [`ShapParams::check`] and
    /// [`LimeParams::check`]).
    pub fn check(
        &self,
        model: &dyn Model,
        names: &[String],
        output: Option<&OutputChoice>,
    ) -> Result<CheckedExplanations> {
        let (shap, lime) = self.methods()?;
        let seed = self.seed.unwrap_or(0);
        let output = self.output.as_ref().or(output).cloned();
        let shap = shap
            .then(|| -> Result<CheckedShapParams> {
                ShapParams {
                    algorithm: self
                        .algorithm
                        .as_deref()
                        .map(str::parse)
                        .transpose()?
                        .unwrap_or_default(),
                    feature_perturbation: self
                        .feature_perturbation
                        .as_deref()
                        .map(str::parse)
                        .transpose()?,
                    model_output: self.model_output.as_deref().map(str::parse).transpose()?,
                    budget: self.max_evals.map(Budget::MaxEvals),
                    seed,
                    output: output.clone(),
                    ..ShapParams::default()
                }
                .check(model, names.len())
            })
            .transpose()?;
        let lime = lime
            .then(|| {
                let defaults = LimeParams::default();
                LimeParams {
                    categorical: self.categorical.clone(),
                    repeats: self.repeats.unwrap_or(defaults.repeats),
                    num_samples: self.num_samples.unwrap_or(defaults.num_samples),
                    seed,
                    output: output.clone(),
                    ..defaults
                }
                .check(model, names)
            })
            .transpose()?;
        Ok(CheckedExplanations { rows: self.rows.clone(), shap, lime })
    }
}

/// An `[explanations]` section checked for its model ([`ExplanationsConfig::check`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedExplanations {
    rows: Option<Vec<usize>>,
    shap: Option<CheckedShapParams>,
    lime: Option<CheckedLimeParams>,
}

impl CheckedExplanations {
    /// Explains the chosen rows of `data` with `model` (the model checked for), against
    /// `background` (the same columns): SHAP's background and LIME's training data.
    ///
    /// # Errors
    /// A row index past the data, or an explainer's error.
    pub fn run(
        &self,
        model: &dyn Model,
        data: &FeatureMatrix,
        background: &Rows,
        progress: &mut dyn Progress,
    ) -> Result<Explanations> {
        let indices =
            self.rows.clone().unwrap_or_else(|| (0..DEFAULT_ROWS.min(data.rows.len())).collect());
        let rows = data.rows.select(&indices, "explanations.rows")?;
        let names = || data.names.clone();
        let shap = match &self.shap {
            Some(checked) => Some(checked.explain(model, names(), &rows, background, progress)?),
            None => None,
        };
        let lime = match &self.lime {
            Some(checked) => Some(
                LimeExplainer::fit(names(), background, checked)?
                    .explain(model, &rows, progress)?,
            ),
            None => None,
        };
        Ok(Explanations { shap, lime })
    }
}
