//! `renderHtml` and `renderSvg`: result objects back into the core's types, then the same
//! renderers as the CLI's HTML report.

use js_sys::Reflect;
use serde::de::DeserializeOwned;
use sextant::report::{
    audit_html, bar, beeswarm, lime_html, monitor_html, rate_chart, render, shap_html, signed_bar,
    sweep_chart, waterfall, SweepChart,
};
use sextant::{
    FairnessReport, Format, LimeExplanation, MonitorReport, ShapExplanation, FAIRNESS_SCHEMA,
    LIME_SCHEMA, MONITOR_SCHEMA, SHAP_SCHEMA,
};
use wasm_bindgen::JsValue;

use crate::convert::option_error;

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn parse<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| option_error(what, &format!("not a {what} result object: {e}")))
}

/// The HTML page of a result (fairness, monitor, SHAP or LIME), or of `{fairness, shap, lime}`.
pub fn html(report: &JsValue) -> Result<String, JsValue> {
    if !report.is_object() {
        return Err(option_error("report", "expected a result object"));
    }
    let schema = get(report, "schema").as_string();
    match schema.as_deref() {
        Some(FAIRNESS_SCHEMA) => {
            Ok(render(&parse::<FairnessReport>(report.clone(), "fairness")?, Format::Html))
        }
        Some(SHAP_SCHEMA) => Ok(shap_html(&parse::<ShapExplanation>(report.clone(), "shap")?)),
        Some(LIME_SCHEMA) => Ok(lime_html(&parse::<LimeExplanation>(report.clone(), "lime")?)),
        Some(MONITOR_SCHEMA) => {
            Ok(monitor_html(&parse::<MonitorReport>(report.clone(), "monitor")?))
        }
        Some(other) => Err(option_error("report", &format!("unknown schema `{other}`"))),
        None => {
            let fairness: FairnessReport = parse(get(report, "fairness"), "fairness")?;
            let optional = |key: &str| {
                let value = get(report, key);
                (!value.is_undefined() && !value.is_null()).then_some(value)
            };
            let shap = optional("shap").map(|v| parse::<ShapExplanation>(v, "shap")).transpose()?;
            let lime = optional("lime").map(|v| parse::<LimeExplanation>(v, "lime")).transpose()?;
            Ok(audit_html(&fairness, shap.as_ref(), lime.as_ref()))
        }
    }
}

/// The index of the attribute `wanted` (its name or its index) in `fairness`.
fn attribute_index(fairness: &FairnessReport, wanted: &JsValue) -> Result<usize, JsValue> {
    fairness
        .attributes
        .iter()
        .enumerate()
        .position(|(i, a)| {
            wanted.as_string().as_deref() == Some(&a.attribute) || wanted.as_f64() == Some(i as f64)
        })
        .ok_or_else(|| option_error("attribute", "no such attribute in the report"))
}

/// One chart of a result.
pub fn svg(chart: &JsValue) -> Result<String, JsValue> {
    let kind = get(chart, "kind").as_string().unwrap_or_default();
    let report = get(chart, "report");
    let row_index = || -> Result<usize, JsValue> {
        let row = get(chart, "row").as_f64().unwrap_or(0.0);
        if row < 0.0 || row.fract() != 0.0 {
            return Err(option_error("row", &format!("{row} is not a row index")));
        }
        Ok(row as usize)
    };
    let missing_row = |n: usize| option_error("row", &format!("the result has {n} rows"));
    // A row chart's title: `title`, else `row N` (N the row's index in the result, which a
    // page that explained a chosen row of a file renames after that row).
    let title = |r: usize| get(chart, "title").as_string().unwrap_or_else(|| format!("row {r}"));
    match kind.as_str() {
        "rates" => {
            let fairness: FairnessReport = parse(report, "fairness")?;
            let index = attribute_index(&fairness, &get(chart, "attribute"))?;
            Ok(rate_chart(&fairness.attributes[index], Some(&fairness.overall)))
        }
        "sweep" => {
            let fairness: FairnessReport = parse(report, "fairness")?;
            let index = attribute_index(&fairness, &get(chart, "attribute"))?;
            let which = match get(chart, "metric").as_string() {
                None => SweepChart::Differences,
                Some(name) => SweepChart::from_name(&name).ok_or_else(|| {
                    option_error(
                        "metric",
                        &format!(
                            "unknown sweep chart `{name}` (expected differences, selection_rate or accuracy)"
                        ),
                    )
                })?,
            };
            sweep_chart(&fairness, index, which).ok_or_else(|| {
                option_error("report", "the report has no sweep: audit a score with sweep: true")
            })
        }
        "waterfall" | "bar" | "beeswarm" => {
            let shap: ShapExplanation = parse(report, "shap")?;
            Ok(match kind.as_str() {
                "bar" => bar(&shap),
                "beeswarm" => beeswarm(&shap),
                _ => {
                    let r = row_index()?;
                    let row = shap.rows.get(r).ok_or_else(|| missing_row(shap.rows.len()))?;
                    waterfall(&shap, row, &title(r))
                }
            })
        }
        "lime" => {
            let lime: LimeExplanation = parse(report, "lime")?;
            let r = row_index()?;
            let row = lime.rows.get(r).ok_or_else(|| missing_row(lime.rows.len()))?;
            Ok(signed_bar(row, &title(r)))
        }
        other => Err(option_error(
            "kind",
            &format!(
                "unknown chart `{other}` (expected rates, sweep, waterfall, bar, beeswarm or lime)"
            ),
        )),
    }
}
