//! `sextant explain shap` and `sextant explain lime`: read the model and the CSVs, call
//! the core explainer, and write the explanation as text, JSON or HTML.

use std::path::Path;
use std::process::ExitCode;

use sextant::report::{lime_html, lime_json, lime_text};
use sextant::report::{shap_html, shap_json, shap_text};
use sextant::{
    explain_lime, explain_shap, load_model, read_features, Algorithm, Budget, FeatureMatrix,
    LimeParams, Model, Rows, ShapParams,
};

use crate::cli::{ExplainArgs, ExplainFormat, LimeArgs, ShapArgs};
use crate::files::{input_name, one_stdin, open_file, read_file, write_file, write_stdout};
use crate::progress::TerminalProgress;
use crate::CliError;

/// Runs `sextant explain shap`.
pub fn shap_command(args: &ShapArgs) -> Result<ExitCode, CliError> {
    let common = &args.common;
    let (model, rows, background) = read_inputs(common, args.background.as_deref(), "background")?;
    let params = ShapParams {
        algorithm: if args.exact { Algorithm::Exact } else { args.algorithm.into() },
        feature_perturbation: args.feature_perturbation.map(Into::into),
        model_output: args.model_output.map(Into::into),
        interactions: args.interactions,
        budget: args
            .permutations
            .map(Budget::Permutations)
            .or(args.max_evals.map(Budget::MaxEvals)),
        tolerance: args.tolerance,
        seed: common.seed,
        output: common.output.clone(),
        max_background: args.background_size,
    };
    let explanation = explain_shap(
        model.as_ref(),
        rows.names,
        &rows.rows,
        &background.rows,
        &params,
        &mut TerminalProgress::default(),
    )?;
    let text = match common.format {
        ExplainFormat::Json => shap_json(&explanation),
        ExplainFormat::Html => shap_html(&explanation),
        ExplainFormat::Text => shap_text(&explanation),
    };
    write_output(common, &text)
}

/// Runs `sextant explain lime`.
pub fn lime_command(args: &LimeArgs) -> Result<ExitCode, CliError> {
    let common = &args.common;
    let (model, rows, training) = read_inputs(common, Some(&args.training), "training")?;
    let params = LimeParams {
        categorical: args.categorical.clone(),
        discretizer: args.discretizer.parse()?,
        num_samples: args.num_samples,
        kernel_width: args.kernel_width,
        num_features: args.num_features,
        feature_selection: args.feature_selection.parse()?,
        repeats: args.repeats,
        seed: common.seed,
        output: common.output.clone(),
    };
    let explanation = explain_lime(
        model.as_ref(),
        rows.names,
        &rows.rows,
        &training.rows,
        &params,
        &mut TerminalProgress::default(),
    )?;
    let text = match common.format {
        ExplainFormat::Json => lime_json(&explanation),
        ExplainFormat::Html => lime_html(&explanation),
        ExplainFormat::Text => lime_text(&explanation),
    };
    write_output(common, &text)
}

type Inputs = (Box<dyn Model>, FeatureMatrix, FeatureMatrix);

/// The model, the rows to explain, and the reference rows (background or training) read
/// from `other` (the option `other_name`), which must have the same feature columns; no
/// rows without `other`.
fn read_inputs(
    common: &ExplainArgs,
    other: Option<&Path>,
    other_name: &str,
) -> Result<Inputs, CliError> {
    let inputs = [Some(common.data.as_path()), other, Some(common.model.as_path())];
    one_stdin(inputs.into_iter().flatten())?;
    let model = load_model(&read_file(&common.model)?, &input_name(&common.model))?;
    let schema = model.input_schema();
    let read = |path: &Path| -> Result<FeatureMatrix, CliError> {
        Ok(read_features(
            open_file(path)?,
            &input_name(path),
            &schema,
            common.features.as_deref(),
            &common.ignore,
        )?)
    };
    let rows = read(&common.data)?;
    let reference = match other {
        Some(path) => {
            let reference = read(path)?;
            rows.check_same_columns(&reference, other_name)?;
            reference
        }
        None => FeatureMatrix {
            names: rows.names.clone(),
            rows: Rows::new(Vec::new(), rows.rows.width(), other_name)?,
        },
    };
    Ok((model, rows, reference))
}

fn write_output(common: &ExplainArgs, text: &str) -> Result<ExitCode, CliError> {
    match &common.output_file {
        Some(path) => write_file(path, text)?,
        None => write_stdout(text)?,
    }
    Ok(ExitCode::SUCCESS)
}
