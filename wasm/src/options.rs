//! The option objects of `explainShap` and `explainLime`: the CLI's long flags in
//! camelCase, translated into the core's parameters.

use serde::Deserialize;
use sextant::{
    Algorithm, Budget, Error, LimeParams, OutputChoice, Result, ShapParams, DEFAULT_MAX_BACKGROUND,
    DEFAULT_NUM_SAMPLES,
};

/// `explainShap` options besides `model`, `data`, `background`, `onProgress`, `signal`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShapOptions {
    /// The model's input columns.
    pub features: Option<Vec<String>>,
    /// Columns that are not inputs.
    #[serde(default)]
    pub ignore: Vec<String>,
    exact: Option<bool>,
    algorithm: Option<String>,
    feature_perturbation: Option<String>,
    model_output: Option<String>,
    interactions: Option<bool>,
    max_evals: Option<usize>,
    permutations: Option<usize>,
    tolerance: Option<f64>,
    seed: Option<u64>,
    output: Option<OutputChoice>,
    background_size: Option<usize>,
}

impl ShapOptions {
    /// The core's parameters, with the CLI's defaults.
    ///
    /// # Errors
    /// An unknown algorithm, feature perturbation or model output, or `exact: true` with
    /// another algorithm.
    pub fn params(&self) -> Result<ShapParams> {
        let algorithm = match (self.exact, self.algorithm.as_deref()) {
            (Some(true), None | Some("exact")) => Algorithm::Exact,
            (Some(true), Some(other)) => {
                return Err(Error::invalid_option(
                    "exact",
                    format!("exact: true is ‹algorithm› \"exact\", not \"{other}\""),
                ))
            }
            (_, Some(name)) => name.parse()?,
            (_, None) => Algorithm::Auto,
        };
        Ok(ShapParams {
            algorithm,
            feature_perturbation: self
                .feature_perturbation
                .as_deref()
                .map(str::parse)
                .transpose()?,
            model_output: self.model_output.as_deref().map(str::parse).transpose()?,
            interactions: self.interactions.unwrap_or(false),
            budget: self
                .permutations
                .map(Budget::Permutations)
                .or(self.max_evals.map(Budget::MaxEvals)),
            tolerance: self.tolerance,
            seed: self.seed.unwrap_or(0),
            output: self.output.clone(),
            max_background: self.background_size.unwrap_or(DEFAULT_MAX_BACKGROUND),
        })
    }
}

/// `explainLime` options besides `model`, `data`, `training`, `onProgress`, `signal`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LimeOptions {
    /// The model's input columns.
    pub features: Option<Vec<String>>,
    /// Columns that are not inputs.
    #[serde(default)]
    pub ignore: Vec<String>,
    #[serde(default)]
    categorical: Vec<String>,
    discretizer: Option<String>,
    num_samples: Option<usize>,
    kernel_width: Option<f64>,
    num_features: Option<usize>,
    feature_selection: Option<String>,
    repeats: Option<usize>,
    seed: Option<u64>,
    output: Option<OutputChoice>,
}

impl LimeOptions {
    /// The core's parameters, with the CLI's defaults.
    ///
    /// # Errors
    /// An unknown discretizer or feature selection.
    pub fn params(&self) -> Result<LimeParams> {
        Ok(LimeParams {
            categorical: self.categorical.clone(),
            discretizer: self.discretizer.as_deref().unwrap_or("quartile").parse()?,
            num_samples: self.num_samples.unwrap_or(DEFAULT_NUM_SAMPLES),
            kernel_width: self.kernel_width,
            num_features: self.num_features,
            feature_selection: self.feature_selection.as_deref().unwrap_or("auto").parse()?,
            repeats: self.repeats.unwrap_or(1),
            seed: self.seed.unwrap_or(0),
            output: self.output.clone(),
        })
    }
}
