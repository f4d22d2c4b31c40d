//! wasm-bindgen tests of the bindings, run in Node (`cargo test --target
//! wasm32-unknown-unknown -p sextant-wasm`) and, with the feature `browser-tests`, in headless
//! Chromium: results, determinism, errors as JS `Error`s with codes, and no trap after them.

use js_sys::Reflect;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

#[cfg(feature = "browser-tests")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "../../tests/declarations/mod.rs"]
#[allow(dead_code)]
mod declarations;

/// index.d.ts declares exactly the option keys `explainShap` and `explainLime` read (the
/// model and the CSV options are read apart from the rest).
#[wasm_bindgen_test]
fn explainer_options_are_declared_both_ways() {
    use crate::options::{LimeOptions, ShapOptions};
    use declarations::{field_names, interface_keys};
    let text = include_str!("../js/index.d.ts");
    let apart = ["model", "data", "background", "training"];
    for (interface, fields) in [
        ("ShapOptions", field_names::<ShapOptions>()),
        ("LimeOptions", field_names::<LimeOptions>()),
    ] {
        let mut declared = interface_keys(text, interface);
        declared.extend(interface_keys(text, "ExplainOptions"));
        declared.retain(|k| !apart.contains(&k.as_str()));
        declared.sort();
        let mut fields: Vec<String> =
            fields.unwrap_or_default().into_iter().map(str::to_owned).collect();
        fields.sort();
        assert_eq!(declared, fields, "{interface} in index.d.ts");
    }
}

fn js(value: &Value) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(value, &serializer).unwrap_or(JsValue::NULL)
}

fn rust(value: &JsValue) -> Value {
    serde_wasm_bindgen::from_value(value.clone()).unwrap_or(Value::Null)
}

fn code(error: &JsValue) -> String {
    Reflect::get(error, &"code".into()).ok().and_then(|c| c.as_string()).unwrap_or_default()
}

const PREDICTIONS: &str =
    "label,pred,sex\n1,1,F\n0,1,F\n1,0,F\n1,1,M\n0,0,M\n0,0,M\n1,1,M\n0,1,F\n";

#[wasm_bindgen_test]
fn fairness_gives_the_cli_numbers() {
    let options = json!({"data": PREDICTIONS, "label": "label", "pred": "pred", "sensitive": "sex",
        "privileged": "sex=M", "max": {"demographic_parity_difference": 0.1}});
    let report = rust(&crate::fairness(js(&options)).unwrap_or(JsValue::NULL));
    assert_eq!(report["schema"], "sextant.fairness/v1");
    let groups = &report["attributes"][0]["groups"];
    // F: 4 rows, 3 predicted positive; M: 4 rows, 2.
    assert_eq!(groups[0]["selection_rate"], 0.75);
    assert_eq!(groups[1]["selection_rate"], 0.5);
    assert_eq!(
        report["attributes"][0]["metrics"]["demographic_parity_difference"]["default"],
        0.25
    );
    assert_eq!(report["passed"], false);
}

#[wasm_bindgen_test]
fn columns_give_the_same_report_as_csv() {
    let columns = json!({"columns": {"label": [1, 0, 1, 1, 0, 0, 1, 0], "pred": [1, 1, 0, 1, 0, 0, 1, 1],
        "sex": ["F", "F", "F", "M", "M", "M", "M", "F"]}});
    let base = json!({"label": "label", "pred": "pred", "sensitive": ["sex"]});
    let with = |data: Value| {
        let mut options = base.clone();
        options["data"] = data;
        rust(&crate::fairness(js(&options)).unwrap_or(JsValue::NULL))
    };
    assert_eq!(with(columns), with(json!(PREDICTIONS)));
}

#[wasm_bindgen_test]
fn explanations_are_deterministic_and_additive() {
    let model = json!({"feature_names": ["a", "b"], "coef_raw": [0.5, -1.0], "intercept_raw": 0.2});
    let data = "a,b\n1,2\n3,0\n";
    let background = "a,b\n0,0\n1,1\n2,0\n4,3\n";
    let options = json!({"model": model, "data": data, "background": background, "permutations": 3, "seed": 5});
    let first = rust(&crate::explain_shap_js(js(&options)).unwrap_or(JsValue::NULL));
    let again = rust(&crate::explain_shap_js(js(&options)).unwrap_or(JsValue::NULL));
    assert_eq!(first, again);
    let row = &first["rows"][0];
    let total: f64 = row["values"].as_array().into_iter().flatten().filter_map(Value::as_f64).sum();
    let base = first["base_value"].as_f64().unwrap_or(f64::NAN);
    assert!((base + total - row["prediction"].as_f64().unwrap_or(0.0)).abs() < 1e-9);

    let training = "a,b\n0,0\n1,1\n2,0\n4,3\n5,1\n";
    let lime = json!({"model": model, "data": data, "training": training, "numSamples": 200, "repeats": 2});
    let lime = rust(&crate::lime::explain_lime_js(js(&lime)).unwrap_or(JsValue::NULL));
    assert_eq!(lime["schema"], "sextant.lime/v1");
    assert_eq!(lime["rows"][0]["weights"].as_array().map(Vec::len), Some(2));
}

#[wasm_bindgen_test]
fn bad_input_throws_coded_errors_and_leaves_the_instance_working() {
    let cases = [
        (json!({"data": "", "label": "label", "pred": "pred", "sensitive": "sex"}), "empty_input"),
        (
            json!({"data": PREDICTIONS, "label": "lable", "pred": "pred", "sensitive": "sex"}),
            "unknown_column",
        ),
        (
            json!({"data": PREDICTIONS, "label": "label", "pred": "pred", "sensitive": "sex", "threshold": 2}),
            "invalid_option",
        ),
        (
            json!({"data": PREDICTIONS, "label": "label", "pred": "pred", "sensitive": "sex", "colour": 1}),
            "invalid_option",
        ),
        (
            json!({"data": "label,pred,sex\n1,7,F\n", "label": "label", "pred": "pred", "sensitive": "sex"}),
            "invalid_value",
        ),
    ];
    for (options, expected) in cases {
        let error = crate::fairness(js(&options)).err().unwrap_or(JsValue::NULL);
        assert!(error.is_instance_of::<js_sys::Error>(), "{options}");
        assert_eq!(code(&error), expected, "{options}");
    }
    let model = json!({"feature_names": ["a", "b"], "coef_raw": [0.5, -1.0], "intercept_raw": 0.2});
    let shap_cases = [
        (json!({"model": model, "data": "a,b\n1,2\n", "background": "a,b\n"}), "no_rows"),
        (
            json!({"model": model, "data": "a,b\n1,2\n", "background": "a,c\n1,2\n"}),
            "unknown_column",
        ),
        (
            json!({"model": model, "data": "a,b\n1,NaN\n", "background": "a,b\n1,2\n"}),
            "invalid_value",
        ),
        (
            json!({"model": model, "data": "a,b\n1,2\n", "background": "a,b\n0,0\n", "maxEvals": 3}),
            "invalid_option",
        ),
        (
            json!({"model": [1, 2, 3], "data": "a,b\n1,2\n", "background": "a,b\n0,0\n"}),
            "invalid_model",
        ),
    ];
    for (options, expected) in shap_cases {
        let error = crate::explain_shap_js(js(&options)).err().unwrap_or(JsValue::NULL);
        assert_eq!(code(&error), expected, "{options}");
    }
    let lime = json!({"model": model, "data": "a,b\n1,2\n", "training": "a,b\n1,2\n3,4\n", "numSamples": 1});
    assert_eq!(
        code(&crate::lime::explain_lime_js(js(&lime)).err().unwrap_or(JsValue::NULL)),
        "invalid_option"
    );
    // Still working after every error.
    let options =
        json!({"data": PREDICTIONS, "label": "label", "pred": "pred", "sensitive": "sex"});
    assert!(crate::fairness(js(&options)).is_ok());
}

#[wasm_bindgen_test]
fn reports_render_as_the_cli_renders_them() {
    let options =
        json!({"data": PREDICTIONS, "label": "label", "pred": "pred", "sensitive": "sex"});
    let report = crate::fairness(js(&options)).unwrap_or(JsValue::NULL);
    let html = crate::render_html(report.clone()).unwrap_or_default();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"), "{html}");
    let chart = js_sys::Object::new();
    let _ = Reflect::set(&chart, &"kind".into(), &"rates".into());
    let _ = Reflect::set(&chart, &"report".into(), &report);
    let _ = Reflect::set(&chart, &"attribute".into(), &"sex".into());
    assert!(crate::render_svg(chart.into()).unwrap_or_default().starts_with("<svg"));
    let bad = crate::render_html(js(&json!({"schema": "nope"}))).err().unwrap_or(JsValue::NULL);
    assert_eq!(code(&bad), "invalid_option");
}
