//! `sextant monitor` against `../shared/reference/{adult,compas}/monitor.json`: per monthly
//! window, fairlearn 0.15's group rates and aggregates (also with undefined rates counted as
//! 0, `--fairlearn-compat`) and scipy 1.17's drift statistics, through the CLI's JSON.

mod common;

use serde_json::{json, Map, Value};

use common::{assert_close, sextant_json, shared_dir};

/// Monitoring numbers to 1e-9, as the reference's README suggests; p-values too.
const TOLERANCE: f64 = 1e-9;

fn run(dataset: &str, reference: &Value, fairlearn_compat: bool) -> Value {
    let input = format!("../shared/reference/{dataset}/monitor_input.csv");
    let mut args = vec!["monitor", &input, "--time", "time", "--format", "json"];
    let window = reference["window"].as_str().unwrap_or_default();
    args.extend(["--window", window, "--label", "label", "--pred", "pred"]);
    let sensitive = reference["sensitive_columns"].as_object().cloned().unwrap_or_default();
    for column in sensitive.values() {
        args.extend(["--sensitive", column.as_str().unwrap_or_default()]);
    }
    let numeric = reference["drift_columns"]["numeric"].as_array().cloned().unwrap_or_default();
    let categorical =
        reference["drift_columns"]["categorical"].as_array().cloned().unwrap_or_default();
    args.push("--drift");
    args.extend(numeric.iter().filter_map(Value::as_str));
    // Adult's categorical columns are told by their values, COMPAS's are named.
    if dataset == "compas" {
        args.push("--categorical");
    }
    args.extend(categorical.iter().filter_map(Value::as_str));
    if fairlearn_compat {
        args.push("--fairlearn-compat");
    }
    sextant_json(&args)
}

/// One attribute of a window in the reference's shape.
fn attribute_as_reference(attribute: &Value, fairlearn_compat: bool) -> Value {
    let mut by_group = Map::new();
    for group in attribute["groups"].as_array().into_iter().flatten() {
        let name = group["group"].as_str().unwrap_or_default().to_owned();
        by_group.insert(
            name,
            json!({
                "count": group["count"], "selection_rate": group["selection_rate"],
                "tpr": group["tpr"], "fpr": group["fpr"], "accuracy": group["accuracy"],
                "confusion": group["confusion"],
            }),
        );
    }
    let m = &attribute["metrics"];
    let aggregates = json!({
        "demographic_parity_difference": m["demographic_parity_difference"]["between_groups"],
        "demographic_parity_ratio": m["demographic_parity_ratio"]["between_groups"],
        "equalized_odds_difference": m["equalized_odds_difference"]["between_groups"]["worst_case"],
        "equal_opportunity_difference": m["equal_opportunity_difference"]["between_groups"],
        "tpr_difference": m["tpr_difference"]["between_groups"],
        "fpr_difference": m["fpr_difference"]["between_groups"],
    });
    if fairlearn_compat {
        json!({ "fairlearn": aggregates })
    } else {
        let mut shaped = aggregates.as_object().cloned().unwrap_or_default();
        shaped.remove("tpr_difference");
        shaped.insert("by_group".into(), Value::Object(by_group));
        Value::Object(shaped)
    }
}

/// The reference's window without what the run does not report in that shape.
fn expected_window(window: &Value, fairlearn_compat: bool) -> Value {
    let mut expected = window.clone();
    for attribute in expected["fairness"].as_object_mut().into_iter().flat_map(|a| a.values_mut()) {
        if let Some(attribute) = attribute.as_object_mut() {
            attribute.remove("undefined"); // worded differently; the nulls are compared
            if fairlearn_compat {
                attribute.retain(|key, _| key == "fairlearn");
            } else {
                attribute.remove("fairlearn");
            }
        }
    }
    if fairlearn_compat {
        if let Some(w) = expected.as_object_mut() {
            w.remove("drift");
        }
    }
    expected
}

fn check(dataset: &str) {
    let Some(shared) = shared_dir(&format!("monitor_reference::{dataset}")) else { return };
    let path = shared.join(format!("reference/{dataset}/monitor.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let reference: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let sensitive = reference["sensitive_columns"].as_object().cloned().unwrap_or_default();
    for fairlearn_compat in [false, true] {
        let report = run(dataset, &reference, fairlearn_compat);
        assert_eq!(report["schema"], "sextant.monitor/v1");
        // The reference: its window, rows, decile edges and bins.
        let ours = &report["reference"];
        for key in ["start", "end", "rows"] {
            assert_eq!(ours[key], reference["reference"][key], "reference.{key}");
        }
        for (column, edges) in
            reference["reference"]["numeric_edges"].as_object().into_iter().flatten()
        {
            assert_close(
                &ours["drift"][column]["edges"],
                edges,
                TOLERANCE,
                &format!("edges of {column}"),
            );
            let bins = &reference["reference"]["numeric_bin_counts"][column];
            assert_eq!(&ours["drift"][column]["bin_counts"], bins, "reference bins of {column}");
        }
        let windows = report["windows"].as_array().cloned().unwrap_or_default();
        let expected = reference["windows"].as_array().cloned().unwrap_or_default();
        assert_eq!(windows.len(), expected.len(), "{dataset}: windows");
        for (window, reference_window) in windows.iter().zip(&expected) {
            let start = window["start"].as_str().unwrap_or_default();
            let mut fairness = Map::new();
            for (name, column) in &sensitive {
                let attribute = window["attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|a| a["attribute"] == *column)
                    .unwrap_or_else(|| panic!("{start}: no attribute {column}"));
                fairness.insert(name.clone(), attribute_as_reference(attribute, fairlearn_compat));
            }
            let mut actual = json!({
                "start": window["start"], "end": window["end"], "rows": window["rows"],
                "fairness": fairness,
            });
            if !fairlearn_compat {
                actual["drift"] = window["drift"].clone();
            }
            let path = format!(
                "{dataset} {start}{}",
                if fairlearn_compat { " (fairlearn-compat)" } else { "" }
            );
            assert_close(
                &actual,
                &expected_window(reference_window, fairlearn_compat),
                TOLERANCE,
                &path,
            );
        }
    }
}

#[test]
fn adult_monthly_windows_match_fairlearn_and_scipy() {
    check("adult");
}

#[test]
fn compas_monthly_windows_match_fairlearn_and_scipy() {
    check("compas");
}
