//! LIME tabular explanations, as lime 0.2.0.1's `LimeTabularExplainer` computes them with
//! `discretize_continuous=True`: for each row, a neighbourhood is drawn from the training
//! data's bin and category frequencies ([`space`], [`neighbourhood`]), the model scores it,
//! and a kernel-weighted ridge regression on the binary "same bin as the row" features
//! ([`ridge`]) is the explanation. `repeats` runs several seeds and reports each weight's
//! spread ([`explanation`]).

pub mod explanation;
pub mod neighbourhood;
pub mod ridge;
pub mod space;

use crate::data::rows::Rows;
use crate::error::{closest_names, Error, ErrorKind, Result};
use crate::explain::parallel::explain_rows;
use crate::model::{checked_output, output_label, Model, OutputChoice};
use crate::progress::Progress;
use crate::stats::fast_stream;
use explanation::{summarise, LimeExplanation, LimeRow, Surrogate, LIME_SCHEMA};
use neighbourhood::{sample, with_neighbourhood};
use ridge::{FeatureSelection, WeightedDesign};
use space::{learn_space, Discretizer, FeatureSpace};

/// lime's default neighbourhood size.
pub const DEFAULT_NUM_SAMPLES: usize = 5000;

/// The most memory one neighbourhood may take, 1 GiB (each thread explaining rows has its
/// own): beyond it `num_samples` is refused, the same natively and in WebAssembly, rather
/// than failing to allocate.
const MAX_NEIGHBOURHOOD_BYTES: u64 = 1 << 30;

/// LIME parameters, as the user gives them; [`LimeParams::check`] validates them.
///
/// # Parameters
/// | Name | Default | Range | Purpose |
/// |---|---|---|---|
/// | `categorical` | none | feature names | features whose values are categories, not quantities |
/// | `discretizer` | quartile | quartile, decile | bins of the continuous features |
/// | `num_samples` | 5000 | ≥ 2, a neighbourhood of at most 1 GiB | neighbourhood size |
/// | `kernel_width` | 0.75·√M | > 0, finite | width of the exponential kernel |
/// | `num_features` | M (all) | 1..=M | features kept in the surrogate |
/// | `feature_selection` | auto | auto, forward, highest_weights, none | how they are chosen |
/// | `repeats` | 1 | ≥ 1 | runs with seeds `seed`, `seed + 1`, …, averaged |
/// | `seed` | 0 | any | sampling |
/// | `output` | positive class | 0..outputs | the model output explained |
#[derive(Debug, Clone, PartialEq)]
pub struct LimeParams {
    /// Categorical feature names.
    pub categorical: Vec<String>,
    /// Binning of continuous features.
    pub discretizer: Discretizer,
    /// Samples per neighbourhood (the row itself included).
    pub num_samples: usize,
    /// Kernel width; `None` for lime's 0.75·√M.
    pub kernel_width: Option<f64>,
    /// Features per surrogate; `None` for all.
    pub num_features: Option<usize>,
    /// Feature selection.
    pub feature_selection: FeatureSelection,
    /// Runs per row.
    pub repeats: usize,
    /// Seed of the first run.
    pub seed: u64,
    /// Output explained (default: the positive class of a binary classifier).
    pub output: Option<OutputChoice>,
}

impl Default for LimeParams {
    fn default() -> Self {
        LimeParams {
            categorical: Vec::new(),
            discretizer: Discretizer::Quartile,
            num_samples: DEFAULT_NUM_SAMPLES,
            kernel_width: None,
            num_features: None,
            feature_selection: FeatureSelection::Auto,
            repeats: 1,
            seed: 0,
            output: None,
        }
    }
}

/// [`LimeParams`] checked against a model: every number in the ranges of the
/// [`LimeParams`] table, the output chosen. Made by [`LimeParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedLimeParams {
    params: LimeParams,
    output: usize,
    kernel_width: f64,
    num_features: usize,
}

impl LimeParams {
    /// Checks the parameters for `model` with the inputs `feature_names`, before any work.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming the parameter: fewer than 2 samples,
    /// more than a neighbourhood of 1 GiB holds, no repeats, a kernel width that is not a positive number, `num_features` outside
    /// 1..=M, or an output the model does not have; an
    /// [`crate::ErrorKind::UnknownColumn`] for a categorical feature that is not an input.
    #[allow(clippy::cast_precision_loss)]
    pub fn check(&self, model: &dyn Model, feature_names: &[String]) -> Result<CheckedLimeParams> {
        let output = checked_output(model, self.output.as_ref(), "output")?;
        categorical_mask(feature_names, &self.categorical)?;
        let m = feature_names.len();
        if self.num_samples < 2 {
            return Err(Error::invalid_option(
                "num_samples",
                format!(
                    "{} is too few: the neighbourhood needs at least 2 samples",
                    self.num_samples
                ),
            ));
        }
        // Each thread's neighbourhood: per sample, the m binary and m input values, the
        // model's outputs, the weight, the explained output and the surrogate fit's three
        // vectors of it, 8 bytes each.
        let per_sample = 8 * (2 * m as u64 + model.n_outputs() as u64 + 5);
        if (self.num_samples as u64).saturating_mul(per_sample) > MAX_NEIGHBOURHOOD_BYTES {
            return Err(Error::invalid_option(
                "num_samples",
                format!(
                    "{} samples of {m} features need {:.1} GiB for the neighbourhood; at most {} fit in 1 GiB",
                    self.num_samples,
                    self.num_samples as f64 * per_sample as f64 / f64::from(1u32 << 30),
                    MAX_NEIGHBOURHOOD_BYTES / per_sample
                ),
            ));
        }
        if self.repeats == 0 {
            return Err(Error::invalid_option("repeats", "at least one run is needed"));
        }
        let kernel_width = self.kernel_width.unwrap_or(0.75 * (m as f64).sqrt());
        if !(kernel_width.is_finite() && kernel_width > 0.0) {
            return Err(Error::invalid_option(
                "kernel_width",
                format!("{kernel_width} is not a positive number"),
            ));
        }
        let num_features = self.num_features.unwrap_or(m);
        if num_features == 0 || num_features > m {
            return Err(Error::invalid_option(
                "num_features",
                format!("{num_features} is out of range: the model has {m} features"),
            ));
        }
        Ok(CheckedLimeParams { params: self.clone(), output, kernel_width, num_features })
    }
}

/// LIME fitted on its training data: the bins and category frequencies of every feature,
/// learnt once and reused for every row explained (lime's `LimeTabularExplainer`).
#[derive(Debug, Clone, PartialEq)]
pub struct LimeExplainer {
    feature_names: Vec<String>,
    categorical: Vec<bool>,
    space: Vec<FeatureSpace>,
    checked: CheckedLimeParams,
}

impl LimeExplainer {
    /// Learns the training data's bins (quartiles or deciles of continuous features) and
    /// category frequencies; `feature_names` names `training`'s columns.
    ///
    /// # Errors
    /// A width that differs from the names, a categorical feature that is not among them,
    /// and training data that is empty or not finite.
    pub fn fit(
        feature_names: Vec<String>,
        training: &Rows,
        checked: &CheckedLimeParams,
    ) -> Result<LimeExplainer> {
        if training.width() != feature_names.len() {
            return Err(Error::invalid_option(
                "training",
                format!("{} columns, but {} feature names", training.width(), feature_names.len()),
            ));
        }
        let categorical = categorical_mask(&feature_names, &checked.params.categorical)?;
        let space = learn_space(
            training.values(),
            &feature_names,
            &categorical,
            checked.params.discretizer,
        )?;
        Ok(LimeExplainer { feature_names, categorical, space, checked: checked.clone() })
    }

    /// Explains `rows` (the fitted feature columns) with `model`, the model the parameters
    /// were checked for. Rows are explained in parallel natively; the results equal a
    /// single-threaded run.
    ///
    /// # Errors
    /// Rows of another width, a value that is not finite, a category never seen in
    /// training, cancellation, or a failing model call.
    pub fn explain(
        &self,
        model: &dyn Model,
        rows: &Rows,
        progress: &mut dyn Progress,
    ) -> Result<LimeExplanation> {
        let m = self.feature_names.len();
        if rows.width() != m {
            return Err(Error::invalid_option(
                "data",
                format!("{} columns, but the explainer was fitted on {m}", rows.width()),
            ));
        }
        let CheckedLimeParams { params, output, kernel_width, num_features } = &self.checked;
        let output = checked_output(model, Some(&OutputChoice::Index(*output)), "output")?;
        let settings = Settings {
            kernel_width: *kernel_width,
            num_features: *num_features,
            selection: params.feature_selection,
        };
        let space = &self.space;
        let explain_row = |r: usize| -> Result<LimeRow> {
            let x = rows.row(r);
            let codes = instance_codes(space, x, r)?;
            let runs = (0..params.repeats as u64)
                .map(|k| {
                    let mut rng = fast_stream(params.seed.wrapping_add(k), r as u64 + 1);
                    with_neighbourhood(|neighbourhood| {
                        let (n, width) = (params.num_samples, settings.kernel_width);
                        sample(neighbourhood, space, x, &codes, n, width, &mut rng);
                        let outputs = model.predict(&neighbourhood.inputs, m)?;
                        let y: Vec<f64> =
                            outputs.chunks_exact(model.n_outputs()).map(|o| o[output]).collect();
                        Ok(surrogate(&neighbourhood.binary, &y, &neighbourhood.weights, &settings))
                    })
                })
                .collect::<Result<Vec<Surrogate>>>()?;
            let descriptions = space.iter().zip(&codes).map(|(s, &c)| s.describe(c)).collect();
            Ok(summarise(&runs, &self.feature_names, descriptions, x.to_vec()))
        };
        let explained = explain_rows(rows.len(), progress, &explain_row)?;
        Ok(LimeExplanation {
            schema: LIME_SCHEMA.to_owned(),
            output,
            output_label: output_label(model, output),
            discretizer: params.discretizer.name().to_owned(),
            categorical: self
                .feature_names
                .iter()
                .zip(&self.categorical)
                .filter(|(_, &c)| c)
                .map(|(n, _)| n.clone())
                .collect(),
            num_samples: params.num_samples,
            kernel_width: settings.kernel_width,
            feature_selection: params.feature_selection.name().to_owned(),
            num_features: settings.num_features,
            repeats: params.repeats,
            seed: params.seed,
            feature_names: self.feature_names.clone(),
            rows: explained,
        })
    }
}

/// Checks `params`, fits on `training` and explains `rows`: [`LimeParams::check`],
/// [`LimeExplainer::fit`] and [`LimeExplainer::explain`] in one call.
///
/// # Errors
/// Those of the three steps.
pub fn explain_lime(
    model: &dyn Model,
    feature_names: Vec<String>,
    rows: &Rows,
    training: &Rows,
    params: &LimeParams,
    progress: &mut dyn Progress,
) -> Result<LimeExplanation> {
    let checked = params.check(model, &feature_names)?;
    LimeExplainer::fit(feature_names, training, &checked)?.explain(model, rows, progress)
}

/// The validated numeric settings of a run.
struct Settings {
    kernel_width: f64,
    num_features: usize,
    selection: FeatureSelection,
}

/// Which features are categorical; every given name must be a feature.
fn categorical_mask(feature_names: &[String], categorical: &[String]) -> Result<Vec<bool>> {
    if let Some(unknown) = categorical.iter().find(|c| !feature_names.contains(c)) {
        return Err(ErrorKind::UnknownColumn {
            source_name: "the model's features".to_owned(),
            column: unknown.clone(),
            suggestions: closest_names(unknown, feature_names.iter().map(String::as_str)),
        }
        .into());
    }
    Ok(feature_names.iter().map(|n| categorical.contains(n)).collect())
}

/// The row's bin or category per feature; a category never seen in training is an error.
fn instance_codes(space: &[FeatureSpace], x: &[f64], row: usize) -> Result<Vec<f64>> {
    space
        .iter()
        .zip(x)
        .map(|(feature, &value)| {
            if !value.is_finite() {
                return Err(Error::invalid_option(
                    "data",
                    format!(
                        "row {row} (numbered from 0, as the report numbers them), column `{}`: {value} is not a finite number",
                        feature.name
                    ),
                ));
            }
            let code = feature.code_of(value);
            if feature.knows(code) {
                Ok(code)
            } else {
                Err(Error::invalid_option(
                    "data",
                    format!(
                        "row {row} (numbered from 0, as the report numbers them), column `{}`: category {value} never occurs in the training data",
                        feature.name
                    ),
                ))
            }
        })
        .collect()
}

/// lime's `explain_instance_with_data`: select features, fit the ridge surrogate (alpha 1),
/// and score it on the neighbourhood (`binary` column-major).
fn surrogate(binary: &[f64], y: &[f64], weights: &[f64], settings: &Settings) -> Surrogate {
    let design = WeightedDesign::centring(binary, y, weights);
    let used = design.select(settings.selection, settings.num_features);
    let fit = design.fit(&used, 1.0);
    let mut feature_weights = vec![None; design.n_features()];
    for (&j, &c) in used.iter().zip(&fit.coef) {
        feature_weights[j] = Some(c);
    }
    Surrogate {
        prediction: y[0],
        // The instance's binary row is all ones.
        local_prediction: fit.intercept + fit.coef.iter().sum::<f64>(),
        intercept: fit.intercept,
        score: design.score(&used, &fit),
        weights: feature_weights,
    }
}
