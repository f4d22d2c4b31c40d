//! `sextant explain shap`, `sextant explain lime` and the `[explanations]` of `sextant audit`:
//! read the model and the CSVs, call the core explainer, and write the explanation as text,
//! JSON or HTML.

use std::path::Path;
use std::process::ExitCode;

use sextant::data::features::{read_features, FeatureMatrix};
use sextant::explain::lime::{explain_lime, LimeParams};
use sextant::explain::plan::{Explanations, ExplanationsConfig};
use sextant::explain::shap::{explain_shap, Budget, ShapParams, DEFAULT_MAX_EVALS};
use sextant::model::{load_model, Model};
use sextant::report::render::lime::{lime_html, lime_json, lime_text};
use sextant::report::render::shap::{shap_html, shap_json, shap_text};
use sextant::{AuditConfig, Error};

use crate::cli::{ExplainArgs, LimeArgs, ShapArgs};
use crate::commands::{open_file, read_file, write_file, write_stdout};
use crate::progress::TerminalProgress;
use crate::CliError;

/// Runs `sextant explain shap`.
pub fn shap_command(args: &ShapArgs) -> Result<ExitCode, CliError> {
    let common = &args.common;
    let (model, rows, background) = read_inputs(common, &args.background, "background")?;
    let params = ShapParams {
        exact: args.exact,
        budget: match (args.permutations, args.max_evals) {
            (Some(p), _) => Budget::Permutations(p),
            (None, m) => Budget::MaxEvals(m.unwrap_or(DEFAULT_MAX_EVALS)),
        },
        tolerance: args.tolerance,
        seed: common.seed,
        output: common.output,
        max_background: args.background_size,
    };
    let explanation = explain_shap(
        model.as_ref(),
        rows.names,
        &rows.values,
        &background.values,
        &params,
        &mut TerminalProgress::default(),
    )?;
    let text = match common.format.as_str() {
        "json" => shap_json(&explanation),
        "html" => shap_html(&explanation),
        _ => shap_text(&explanation),
    };
    write_output(common, &text)
}

/// Runs `sextant explain lime`.
pub fn lime_command(args: &LimeArgs) -> Result<ExitCode, CliError> {
    let common = &args.common;
    let (model, rows, training) = read_inputs(common, &args.training, "training")?;
    let params = LimeParams {
        categorical: args.categorical.clone(),
        discretizer: args.discretizer.parse()?,
        num_samples: args.num_samples,
        kernel_width: args.kernel_width,
        num_features: args.num_features,
        feature_selection: args.feature_selection.parse()?,
        repeats: args.repeats,
        seed: common.seed,
        output: common.output,
    };
    let explanation = explain_lime(
        model.as_ref(),
        rows.names,
        &rows.values,
        &training.values,
        &params,
        &mut TerminalProgress::default(),
    )?;
    let text = match common.format.as_str() {
        "json" => lime_json(&explanation),
        "html" => lime_html(&explanation),
        _ => lime_text(&explanation),
    };
    write_output(common, &text)
}

/// Runs an audit config's `[explanations]` section on the audited `data`; relative paths
/// are resolved against `base`, the config's directory.
pub fn audit_explanations(
    section: &ExplanationsConfig,
    config: &AuditConfig,
    data: &Path,
    base: &Path,
) -> Result<Explanations, CliError> {
    let model_path = section.model.as_ref().or(config.model.as_ref()).ok_or_else(|| {
        Error::config(
            "[explanations]",
            "missing key `model`: give the model to explain in the section or at the top level",
        )
    })?;
    let model_path = base.join(model_path);
    let model = load_model(&read_file(&model_path)?, &model_path.display().to_string())?;
    let features = section.features.as_ref().or(config.features.as_ref());
    let ignore = section.ignore.as_ref().unwrap_or(&config.ignore);
    let read = |path: &Path| -> Result<FeatureMatrix, CliError> {
        Ok(read_features(
            open_file(path)?,
            &path.display().to_string(),
            model.as_ref(),
            features.map(Vec::as_slice),
            ignore,
        )?)
    };
    let rows = read(data)?;
    let background = match &section.background {
        Some(path) => read(&base.join(path))?,
        None => rows.clone(),
    };
    Ok(section.run(
        model.as_ref(),
        &rows.names,
        &rows.values,
        &background.values,
        &mut TerminalProgress::default(),
    )?)
}

type Inputs = (Box<dyn Model>, FeatureMatrix, FeatureMatrix);

/// The model, the rows to explain, and the reference rows (background or training) read
/// from `other` (the flag `other_flag`), which must have the same feature columns.
fn read_inputs(common: &ExplainArgs, other: &Path, other_flag: &str) -> Result<Inputs, CliError> {
    let model = load_model(&read_file(&common.model)?, &common.model.display().to_string())?;
    let read = |path: &Path| -> Result<FeatureMatrix, CliError> {
        Ok(read_features(
            open_file(path)?,
            &path.display().to_string(),
            model.as_ref(),
            common.features.as_deref(),
            &common.ignore,
        )?)
    };
    let rows = read(&common.data)?;
    let reference = read(other)?;
    rows.check_same_columns(&reference, other_flag)?;
    Ok((model, rows, reference))
}

fn write_output(common: &ExplainArgs, text: &str) -> Result<ExitCode, CliError> {
    match &common.output_file {
        Some(path) => write_file(path, text)?,
        None => write_stdout(text),
    }
    Ok(ExitCode::SUCCESS)
}
