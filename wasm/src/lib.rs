//! The WebAssembly bindings of Sextant (the npm package `sextant`): one thin module over the
//! core. Options come in as JS objects (serde-wasm-bindgen), results go out as plain objects
//! whose `JSON.stringify` equals the CLI's JSON, and core errors become JS `Error`s with a
//! stable `code`. Nothing here computes a metric.

mod convert;
mod js_model;
mod js_progress;
mod lime;
mod monitor;
mod options;
mod render;

use js_sys::{Object, Reflect};
use sextant::{explain_shap, AuditConfig, AuditInputs, FeatureMatrix, Format, Model, Rows};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use convert::{csv_bytes, csv_data, feature_rows, js_error, option_error, split_options, to_js};
use js_model::model_option;
use js_progress::JsProgress;
use options::ShapOptions;

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
/// CSV bytes or `{columns}`. Returns the `sextant.fairness/v1` report, or with `format` the
/// string `sextant fairness --format` writes.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen]
pub fn fairness(options: JsValue) -> Result<JsValue, JsValue> {
    run_audit(&options, false)
}

/// An audit from the same config object as `sextant audit`: `model` (ONNX bytes or a
/// coefficients object) scores `data` first, and `explanations` (with its `model` and
/// `background` given as values too) adds SHAP and LIME to the HTML. Returns the
/// `sextant.fairness/v1` report, or with `format` the string `sextant audit --format`
/// writes.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen]
pub fn audit(config: JsValue) -> Result<JsValue, JsValue> {
    run_audit(&config, true)
}

/// Counts the data into a mergeable state, as `sextant count`: the options of `fairness()`
/// that say what is counted (label, prediction or score, sensitive columns, missing values,
/// count column). Returns the `sextant.counts/v1` state, for `fairness({fromCounts})`.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen]
pub fn count(options: JsValue) -> Result<JsValue, JsValue> {
    if !options.is_object() {
        return Err(option_error("options", "expected an options object"));
    }
    let options: JsValue = Object::assign(&Object::new(), options.unchecked_ref()).into();
    refuse_audit_only(&options, "count()")?;
    for key in REPORT_ONLY {
        if given(&Reflect::get(&options, &(*key).into()).unwrap_or(JsValue::UNDEFINED)) {
            return Err(option_error(
                key,
                "applies when counted states are audited (fairness({fromCounts})), not to counting",
            ));
        }
    }
    let (config, values): (AuditConfig, _) =
        split_options(&options, &["data", "source", "onProgress", "signal"], "options")?;
    let mut inputs = JsInputs {
        source: values[1].as_string().unwrap_or_else(|| "data".to_owned()),
        data: csv_bytes(&values[0], "data")?,
        model: JsValue::UNDEFINED,
        explanation_model: JsValue::UNDEFINED,
        background: JsValue::UNDEFINED,
    };
    let state = sextant::count_state(&config, &mut inputs).map_err(|e| js_error(&e))?;
    to_js(&state)
}

/// Keys of `fairness()` that shape the report, not the counts: refused by `count()`.
const REPORT_ONLY: &[&str] = &[
    "bootstrap",
    "confidence",
    "seed",
    "max",
    "min",
    "gates",
    "privileged",
    "favorableLabel",
    "favorable_label",
    "fromCounts",
    "format",
    "fairlearnCompat",
    "fairlearn_compat",
    "minGroupSize",
    "min_group_size",
    "smallGroups",
    "small_groups",
];

/// Whether JavaScript gave a value (not `undefined` or `null`).
pub(crate) fn given(value: &JsValue) -> bool {
    !(value.is_undefined() || value.is_null())
}

/// Refuses the keys of an audit document that `sextant fairness` has no flags for, given to
/// `function` (`fairness()`, `count()`, `monitor()`).
pub(crate) fn refuse_audit_only(options: &JsValue, function: &str) -> Result<(), JsValue> {
    for key in AUDIT_ONLY {
        if given(&Reflect::get(options, &(*key).into()).unwrap_or(JsValue::UNDEFINED)) {
            return Err(option_error(
                key,
                &format!("not an option of {function}: models, explanations and report files are options of audit()"),
            ));
        }
    }
    Ok(())
}

/// The `fromCounts` states of `fairness()` as JSON bytes with their names (each state's
/// `source`, else `fromCounts[i]`).
fn states_option(value: &JsValue) -> Result<Vec<(Vec<u8>, String)>, JsValue> {
    let Some(array) = value.dyn_ref::<js_sys::Array>() else {
        return Err(option_error("fromCounts", "expected an array of counted states"));
    };
    array
        .iter()
        .enumerate()
        .map(|(i, state)| {
            let bytes = js_model::model_bytes(&state).ok_or_else(|| {
                option_error(
                    "fromCounts",
                    &format!(
                        "fromCounts[{i}] is not a counted state (an object, JSON text or bytes)"
                    ),
                )
            })?;
            let name = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| {
                    v.get("source").and_then(serde_json::Value::as_str).map(str::to_owned)
                })
                .unwrap_or_else(|| format!("fromCounts[{i}]"));
            Ok((bytes, name))
        })
        .collect()
}

/// The values an audit's document names, as JavaScript gave them.
struct JsInputs {
    source: String,
    data: Vec<u8>,
    model: JsValue,
    explanation_model: JsValue,
    background: JsValue,
}

/// The name under which the document refers to the top-level `model` value.
const MODEL: &str = "model";
/// The names of the explanations' own model and background values.
const EXPLANATION_MODEL: &str = "explanations.model";
const BACKGROUND: &str = "explanations.background";

impl AuditInputs for JsInputs {
    fn data_name(&self) -> String {
        self.source.clone()
    }

    fn open_data(&mut self) -> sextant::Result<sextant::Input<'_>> {
        Ok(sextant::Input::from(self.data.as_slice()))
    }

    fn model(&mut self, name: &str) -> sextant::Result<(Vec<u8>, String)> {
        let value = if name == EXPLANATION_MODEL { &self.explanation_model } else { &self.model };
        let bytes = js_model::model_bytes(value).ok_or_else(|| {
            sextant::Error::invalid_option(
                name,
                "an audit's model must be ONNX bytes or a coefficients object",
            )
        })?;
        Ok((bytes, name.to_owned()))
    }

    fn open_csv(&mut self, name: &str) -> sextant::Result<(sextant::Input<'_>, String)> {
        let bytes = csv_data(&self.background, name)?;
        Ok((sextant::Input::from(std::io::Cursor::new(bytes)), name.to_owned()))
    }
}

/// Takes `key` out of the `explanations` object of `options` (a copy), so the document
/// keeps a name and the adapter the value.
fn take_explanations_value(options: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    let section = Reflect::get(options, &"explanations".into()).unwrap_or(JsValue::UNDEFINED);
    if !section.is_object() {
        return Ok(JsValue::UNDEFINED);
    }
    let copy = Object::assign(&Object::new(), section.unchecked_ref());
    let value = Reflect::get(&copy, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let _ = Reflect::delete_property(&copy, &key.into());
    let _ = Reflect::set(options, &"explanations".into(), &copy);
    Ok(value)
}

/// Keys of an audit document that `fairness()` refuses, as `sextant fairness` has no such
/// flags.
const AUDIT_ONLY: &[&str] = &[
    "model",
    "explanations",
    "features",
    "ignore",
    "modelOutput",
    "model_output",
    "outputs",
    "exitZero",
    "exit_zero",
];

/// `fairness()` (`with_model` false) and `audit()`: the options object as an audit
/// document and its inputs, run by the core.
fn run_audit(options: &JsValue, with_model: bool) -> Result<JsValue, JsValue> {
    let taken: &[&str] = if with_model {
        &[
            "data",
            "source",
            "onProgress",
            "signal",
            "format",
            "model",
            "outputs",
            "exitZero",
            "exit_zero",
        ]
    } else {
        &["data", "source", "onProgress", "signal", "format"]
    };
    if !options.is_object() {
        return Err(option_error("options", "expected an options object"));
    }
    let options: JsValue = Object::assign(&Object::new(), options.unchecked_ref()).into();
    // Counted states stand for the data (`fairness()` only, as `sextant fairness --from-counts`).
    let from_counts = Reflect::get(&options, &"fromCounts".into()).unwrap_or(JsValue::UNDEFINED);
    let _ = Reflect::delete_property(options.unchecked_ref::<Object>(), &"fromCounts".into());
    if !with_model {
        // `sextant fairness` has none of these flags: they are keys of an audit document.
        refuse_audit_only(&options, "fairness()")?;
    } else if given(&from_counts) {
        return Err(option_error("fromCounts", "an option of fairness(), not of audit()"));
    }
    let (explanation_model, background) = if with_model {
        (
            take_explanations_value(&options, "model")?,
            take_explanations_value(&options, "background")?,
        )
    } else {
        (JsValue::UNDEFINED, JsValue::UNDEFINED)
    };
    let (mut config, values): (AuditConfig, _) = split_options(&options, taken, "options")?;
    if with_model && given(&values[5]) {
        config.model = Some(MODEL.to_owned());
    }
    if let Some(section) = config.explanations.as_mut() {
        if given(&explanation_model) {
            section.model = Some(EXPLANATION_MODEL.to_owned());
        }
        if given(&background) {
            section.background = Some(BACKGROUND.to_owned());
        }
    }
    let format = match values.get(4).and_then(JsValue::as_string) {
        Some(name) => Some(name.parse::<Format>().map_err(|e| js_error(&e))?),
        None if values.get(4).is_some_and(given) => {
            return Err(option_error("format", "expected a format name"))
        }
        None => None,
    };
    let mut progress = JsProgress::new(&values[2], &values[3]);
    let result = if given(&from_counts) {
        if given(&values[0]) {
            return Err(option_error("fromCounts", "give data or fromCounts, not both"));
        }
        let states = states_option(&from_counts)?;
        sextant::audit_states(&config, &states, &mut progress).map_err(|e| js_error(&e))?
    } else {
        let mut inputs = JsInputs {
            source: values[1].as_string().unwrap_or_else(|| "data".to_owned()),
            data: csv_bytes(&values[0], "data")?,
            model: values.get(5).cloned().unwrap_or(JsValue::UNDEFINED),
            explanation_model,
            background,
        };
        sextant::run_audit(&config, &mut inputs, &mut progress).map_err(|e| js_error(&e))?
    };
    match format {
        Some(format) => Ok(JsValue::from(result.render(format))),
        None => to_js(&result.report),
    }
}

/// SHAP values, as `sextant explain shap`: `{model, data, background, ...}` where `model` is
/// ONNX bytes, a coefficients object or a predict function. Returns `sextant.shap/v1`.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen(js_name = explainShap)]
pub fn explain_shap_js(options: JsValue) -> Result<JsValue, JsValue> {
    let (parsed, values): (ShapOptions, _) = split_options(
        &options,
        &["model", "data", "background", "onProgress", "signal"],
        "options",
    )?;
    let inputs = read_inputs(&values, parsed.features.as_deref(), &parsed.ignore)?;
    let mut progress = JsProgress::new(&values[3], &values[4]);
    let explanation = explain_shap(
        inputs.model.as_ref(),
        inputs.rows.names,
        &inputs.rows.rows,
        &inputs.background.rows,
        &parsed.params().map_err(|e| js_error(&e))?,
        &mut progress,
    )
    .map_err(|e| js_error(&e))?;
    to_js(&explanation)
}

/// The model, the rows to explain and the background.
struct Inputs {
    model: Box<dyn Model>,
    rows: FeatureMatrix,
    background: FeatureMatrix,
}

/// `values` holds the `model`, `data` and `background` options of `explainShap`.
fn read_inputs(
    values: &[JsValue],
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<Inputs, JsValue> {
    let model = model_option(&values[0])?;
    let schema = model.schema();
    let rows = feature_rows(&values[1], "data", &schema, features, ignore)?;
    // No background: path-dependent Tree SHAP needs none (the core says when one is needed).
    let background = if values[2].is_undefined() || values[2].is_null() {
        let empty =
            Rows::new(Vec::new(), rows.rows.width(), "background").map_err(|e| js_error(&e))?;
        FeatureMatrix { names: rows.names.clone(), rows: empty }
    } else {
        let background = feature_rows(&values[2], "background", &schema, features, ignore)?;
        rows.check_same_columns(&background, "background").map_err(|e| js_error(&e))?;
        background
    };
    let model = model.into_model(rows.rows.row(0))?;
    Ok(Inputs { model, rows, background })
}

/// The options of `previewCsv` and `selectRows` besides `data`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RowsOption {
    rows: Option<serde_json::Value>,
}

/// A first look at a CSV, read by the core's reader: `{data, rows?}` (rows to return,
/// default 10) gives `{columns, kinds, rows}`, where `kinds[i]` is `binary`, `score`,
/// `number` or `text` from the first 200 rows and `rows` holds the first rows' cells.
///
/// # Errors
/// A JS `Error` with a stable `code`: bad CSV, an empty file, a bad option.
#[wasm_bindgen(js_name = previewCsv)]
pub fn preview_csv_js(options: JsValue) -> Result<JsValue, JsValue> {
    let (parsed, values): (RowsOption, _) = split_options(&options, &["data"], "options")?;
    let rows = match parsed.rows {
        None => 10,
        Some(value) => value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| option_error("rows", "expected a number of rows"))?,
    };
    let bytes = csv_bytes(&values[0], "data")?;
    to_js(&sextant::preview_csv(bytes.as_slice(), "data", rows).map_err(|e| js_error(&e))?)
}

/// The header and the data rows `{data, rows: [indices]}` (0-based records, so a quoted
/// field may hold a newline) as CSV text, read and written by the core.
///
/// # Errors
/// A JS `Error` with a stable `code`: bad CSV, an index past the last row.
#[wasm_bindgen(js_name = selectRows)]
pub fn select_rows_js(options: JsValue) -> Result<String, JsValue> {
    let (parsed, values): (RowsOption, _) = split_options(&options, &["data"], "options")?;
    let indices: Vec<usize> = parsed
        .rows
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| option_error("rows", "expected an array of row indices"))?;
    let bytes = csv_bytes(&values[0], "data")?;
    let csv = sextant::select_rows(bytes.as_slice(), "data", &indices).map_err(|e| js_error(&e))?;
    String::from_utf8(csv).map_err(|_| option_error("data", "the rows are not UTF-8 text"))
}

/// A self-contained HTML report of a result object (fairness, SHAP or LIME, by its
/// `schema`), or of `{fairness, shap, lime}` together: the CLI's HTML renderer.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(report: JsValue) -> Result<String, JsValue> {
    render::html(&report)
}

/// One SVG chart: `{kind: "rates", report, attribute}` (a fairness attribute's group rates),
/// `{kind: "sweep", report, attribute, metric}` (its threshold sweep),
/// `{kind: "waterfall" | "lime", report, row}`, or `{kind: "bar" | "beeswarm", report}`.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen(js_name = renderSvg)]
pub fn render_svg(chart: JsValue) -> Result<String, JsValue> {
    render::svg(&chart)
}

#[cfg(test)]
mod tests;
