//! The WebAssembly bindings of Sextant (the npm package `sextant`): one thin module over the
//! core. Options come in as JS objects (serde-wasm-bindgen), results go out as plain objects
//! whose `JSON.stringify` equals the CLI's JSON, and core errors become JS `Error`s with a
//! stable `code`. Nothing here computes a metric.

mod convert;
mod js_model;
mod js_progress;
mod options;
mod render;

use sextant::data::fairness_csv::count_csv;
use sextant::data::features::{read_features, FeatureMatrix};
use sextant::data::scoring::score_csv;
use sextant::explain::lime::explain_lime;
use sextant::explain::shap::explain_shap;
use sextant::model::Model;
use sextant::{AuditConfig, CountedData};
use wasm_bindgen::prelude::*;

use convert::{csv_bytes, js_error, option_error, split_options, to_js};
use js_model::{model_option, ModelOption};
use js_progress::JsProgress;
use options::{LimeOptions, ShapOptions};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Installs a panic hook that logs the panic to the console (a panic is a bug: bad input
/// gives an `Error`, never a trap).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| console_error(&format!("sextant panicked: {info}"))));
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// A fairness audit: the options of `sextant fairness` (camelCase), with `data` as CSV text,
/// CSV bytes or `{columns}`. Returns the `sextant.fairness/v1` report.
#[wasm_bindgen]
pub fn fairness(options: JsValue) -> Result<JsValue, JsValue> {
    run_audit(&options, false)
}

/// An audit from the same config object as `sextant audit` (`model` as ONNX bytes or a
/// coefficients object scores `data` first). Returns the `sextant.fairness/v1` report.
#[wasm_bindgen]
pub fn audit(config: JsValue) -> Result<JsValue, JsValue> {
    run_audit(&config, true)
}

fn run_audit(options: &JsValue, with_model: bool) -> Result<JsValue, JsValue> {
    let taken: &[&str] = if with_model {
        &["data", "source", "onProgress", "signal", "model", "outputs", "exitZero", "exit_zero"]
    } else {
        &["data", "source", "onProgress", "signal"]
    };
    let (mut config, values): (AuditConfig, _) = split_options(options, taken, "options")?;
    let model_given = with_model && !(values[4].is_undefined() || values[4].is_null());
    if model_given {
        // The model is bytes or an object here, not a path; naming one tells the plan that
        // scores come from it.
        config.model = Some("model".to_owned());
    }
    if config.explanations.is_some() {
        return Err(option_error(
            "explanations",
            "not available in the WASM API: call explainShap and explainLime",
        ));
    }
    let source = values[1].as_string().unwrap_or_else(|| "data".to_owned());
    let mut progress = JsProgress::new(&values[2], &values[3]);
    let mut bytes = csv_bytes(&values[0], "data")?;
    let plan = config.check().map_err(|e| js_error(&e))?;
    if model_given {
        let model = model_option(&values[4])?;
        let ModelOption::Loaded(model) = model else {
            return Err(option_error(
                "model",
                "an audit's model must be ONNX bytes or a coefficients object",
            ));
        };
        let scoring = config.scoring_options();
        let mut scored = Vec::new();
        score_csv(bytes.as_slice(), &mut scored, &source, model.as_ref(), &scoring)
            .map_err(|e| js_error(&e))?;
        bytes = scored;
    }
    let counted: CountedData =
        count_csv(bytes.as_slice(), &source, &plan).map_err(|e| js_error(&e))?;
    let report =
        sextant::audit(&plan, &counted, &source, &mut progress).map_err(|e| js_error(&e))?;
    to_js(&report)
}

/// SHAP values, as `sextant explain shap`: `{model, data, background, ...}` where `model` is
/// ONNX bytes, a coefficients object or a predict function. Returns `sextant.shap/v1`.
#[wasm_bindgen(js_name = explainShap)]
pub fn explain_shap_js(options: JsValue) -> Result<JsValue, JsValue> {
    let (parsed, values): (ShapOptions, _) = split_options(
        &options,
        &["model", "data", "background", "onProgress", "signal"],
        "options",
    )?;
    let inputs = read_inputs(&values, "background", parsed.features.as_deref(), &parsed.ignore)?;
    let mut progress = JsProgress::new(&values[3], &values[4]);
    let explanation = explain_shap(
        inputs.model.as_ref(),
        inputs.rows.names,
        &inputs.rows.values,
        &inputs.reference.values,
        &parsed.params(),
        &mut progress,
    )
    .map_err(|e| js_error(&e))?;
    to_js(&explanation)
}

/// LIME surrogates, as `sextant explain lime`: `{model, data, training, ...}`. Returns
/// `sextant.lime/v1`.
#[wasm_bindgen(js_name = explainLime)]
pub fn explain_lime_js(options: JsValue) -> Result<JsValue, JsValue> {
    let (parsed, values): (LimeOptions, _) =
        split_options(&options, &["model", "data", "training", "onProgress", "signal"], "options")?;
    let inputs = read_inputs(&values, "training", parsed.features.as_deref(), &parsed.ignore)?;
    let mut progress = JsProgress::new(&values[3], &values[4]);
    let params = parsed.params().map_err(|e| js_error(&e))?;
    let explanation = explain_lime(
        inputs.model.as_ref(),
        inputs.rows.names,
        &inputs.rows.values,
        &inputs.reference.values,
        &params,
        &mut progress,
    )
    .map_err(|e| js_error(&e))?;
    to_js(&explanation)
}

/// The model, the rows to explain and the background or training rows.
struct Inputs {
    model: Box<dyn Model>,
    rows: FeatureMatrix,
    reference: FeatureMatrix,
}

/// `values` holds the `model`, `data` and reference (background or training) options.
fn read_inputs(
    values: &[JsValue],
    reference_name: &str,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<Inputs, JsValue> {
    let model = model_option(&values[0])?;
    let read = |value: &JsValue, name: &str| -> Result<FeatureMatrix, JsValue> {
        let bytes = csv_bytes(value, name)?;
        read_features(bytes.as_slice(), name, model.shape(), features, ignore)
            .map_err(|e| js_error(&e))
    };
    let rows = read(&values[1], "data")?;
    let reference = read(&values[2], reference_name)?;
    rows.check_same_columns(&reference, reference_name).map_err(|e| js_error(&e))?;
    let first_row = &rows.values[..rows.names.len()];
    let model = model.into_model(first_row)?;
    Ok(Inputs { model, rows, reference })
}

/// A self-contained HTML report of a result object (fairness, SHAP or LIME, by its
/// `schema`), or of `{fairness, shap, lime}` together: the CLI's HTML renderer.
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(report: JsValue) -> Result<String, JsValue> {
    render::html(&report)
}

/// One SVG chart: `{kind: "rates", report, attribute}` (a fairness attribute's group rates),
/// `{kind: "waterfall" | "lime", report, row}`, or `{kind: "bar" | "beeswarm", report}`.
#[wasm_bindgen(js_name = renderSvg)]
pub fn render_svg(chart: JsValue) -> Result<String, JsValue> {
    render::svg(&chart)
}

#[cfg(test)]
mod tests;
