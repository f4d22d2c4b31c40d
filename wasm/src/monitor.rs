//! `monitor(options)`: `sextant monitor` in the package. The options of `fairness()` plus
//! the monitor's own keys (`time`, `window`, `drift`, `categorical`, `reference`,
//! `referenceData`, `maxDrift`, `maxChange`, `gateWindows`); returns `sextant.monitor/v1`
//! (the CLI's JSON under `JSON.stringify`), or with `format` the text the CLI writes.

use js_sys::{Object, Reflect};
use sextant::report::{monitor_html, monitor_json, monitor_markdown, monitor_text, openmetrics};
use sextant::{AuditConfig, MonitorOptions};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::convert::{csv_bytes, js_error, option_error, split_options, to_js};
use crate::js_progress::JsProgress;
use crate::{given, refuse_audit_only};

/// The keys of `MonitorOptions`, as JavaScript spells them.
const MONITOR_KEYS: [&str; 8] =
    ["time", "window", "drift", "categorical", "reference", "maxDrift", "maxChange", "gateWindows"];

/// An unknown-key error of the options `fairness()` takes (which lists those) with the keys
/// of `monitor()`'s own added.
fn with_monitor_keys(error: JsValue) -> JsValue {
    let message = Reflect::get(&error, &"message".into()).ok().and_then(|m| m.as_string());
    if let Some(message) = message.filter(|m| m.contains("unknown field")) {
        let keys = format!("{}, referenceData, format", MONITOR_KEYS.join(", "));
        let _ = Reflect::set(
            &error,
            &"message".into(),
            &format!("{message}; or one of monitor()'s own: {keys}").into(),
        );
    }
    error
}

/// The monitor's formats: `format` → rendering.
const FORMATS: [&str; 5] = ["text", "json", "markdown", "html", "openmetrics"];

/// Fairness and drift per time window, as `sextant monitor`: see `index.d.ts`.
///
/// # Errors
/// A JS `Error` with a stable `code` (see `index.d.ts`), never a trap.
#[wasm_bindgen]
pub fn monitor(options: JsValue) -> Result<JsValue, JsValue> {
    if !options.is_object() {
        return Err(option_error("options", "expected an options object"));
    }
    let options: JsValue = Object::assign(&Object::new(), options.unchecked_ref()).into();
    refuse_audit_only(&options, "monitor()")?;
    if given(&Reflect::get(&options, &"fromCounts".into()).unwrap_or(JsValue::UNDEFINED)) {
        return Err(option_error("fromCounts", "an option of fairness(), not of monitor()"));
    }
    let mut taken = vec!["data", "source", "onProgress", "signal", "format", "referenceData"];
    taken.extend(MONITOR_KEYS);
    let (config, values): (AuditConfig, _) =
        split_options(&options, &taken, "options").map_err(with_monitor_keys)?;
    let monitor_options = Object::new();
    for (key, value) in MONITOR_KEYS.iter().zip(&values[6..]) {
        if given(value) {
            let _ = Reflect::set(&monitor_options, &(*key).into(), value);
        }
    }
    let (monitor_options, _): (MonitorOptions, _) =
        split_options(&monitor_options.into(), &[], "options")?;
    let format = match values[4].as_string() {
        Some(name) if FORMATS.contains(&name.as_str()) => Some(name),
        Some(name) => {
            return Err(option_error(
                "format",
                &format!("\"{name}\" is not one of {}", FORMATS.join(", ")),
            ))
        }
        None if given(&values[4]) => return Err(option_error("format", "expected a format name")),
        None => None,
    };
    let reference =
        given(&values[5]).then(|| csv_bytes(&values[5], "referenceData")).transpose()?;
    let fairness = config.check().map_err(|e| js_error(&e))?;
    let plan = monitor_options.check(fairness, reference.is_some()).map_err(|e| js_error(&e))?;
    let source = values[1].as_string().unwrap_or_else(|| "data".to_owned());
    let data = csv_bytes(&values[0], "data")?;
    let mut progress = JsProgress::new(&values[2], &values[3]);
    let reference =
        reference.as_deref().map(|bytes| (sextant::Input::from(bytes), "referenceData"));
    let report = sextant::monitor(&plan, data.as_slice(), &source, reference, &mut progress)
        .map_err(|e| js_error(&e))?;
    Ok(match format.as_deref() {
        None => return to_js(&report),
        Some("text") => monitor_text(&report),
        Some("json") => monitor_json(&report),
        Some("markdown") => monitor_markdown(&report),
        Some("html") => monitor_html(&report),
        Some(_) => openmetrics(&report),
    }
    .into())
}
