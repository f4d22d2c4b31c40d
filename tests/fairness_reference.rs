//! Reproduces every number of fairlearn 0.15 and AIF360 0.6.1 in
//! `../shared/reference/{adult,compas}/fairness_*.json` through the CLI's JSON, to 1e-12.
//! Skipped, with a printed notice, when `../shared` is absent.

mod common;

use std::path::Path;

use common::{assert_attribute_close, assert_close, sextant_json, shared_dir};
use serde_json::{json, Value};

const TOLERANCE: f64 = 1e-12;

/// Reference attribute key → the CLI's `--sensitive` spec over the predictions CSV.
fn sensitive_spec(key: &str) -> String {
    key.split("_x_").map(|a| format!("sensitive_{a}")).collect::<Vec<_>>().join("&")
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(reference_dir: &Path, reference: &Value, extra: &[String]) -> Value {
    let file = reference["predictions_file"].as_str().unwrap_or_default();
    let data = reference_dir.join(file).display().to_string();
    let attributes = reference["attributes"].as_object().cloned().unwrap_or_default();
    let mut args: Vec<String> = [
        "fairness",
        &data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--fairlearn-compat",
        "--format",
        "json",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for key in attributes.keys() {
        args.push("--sensitive".into());
        args.push(sensitive_spec(key));
    }
    args.extend_from_slice(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sextant_json(&args)
}

fn check_fairlearn(reference_dir: &Path, file: &str) {
    let reference = load(&reference_dir.join(file));
    let report = run(reference_dir, &reference, &[]);
    let overall = &reference["overall"];
    assert_close(&report["overall"], overall, TOLERANCE, &format!("{file} overall"));
    assert_eq!(report["rows"], overall["count"], "{file} rows");

    let attributes = reference["attributes"].as_object().cloned().unwrap_or_default();
    let reported = report["attributes"].as_array().cloned().unwrap_or_default();
    assert_eq!(reported.len(), attributes.len());
    for (key, expected) in &attributes {
        let name = sensitive_spec(key);
        let actual = reported
            .iter()
            .find(|a| a["attribute"] == json!(name))
            .unwrap_or_else(|| panic!("{file}: attribute {name} missing"));
        let where_ = format!("{file} {key}");
        assert_attribute_close(actual, expected, TOLERANCE, &where_);
    }
}

fn check_aif360(reference_dir: &Path, file: &str) {
    let reference = load(&reference_dir.join(file));
    for entry in reference["aif360_style"].as_array().into_iter().flatten() {
        let attribute = format!("sensitive_{}", entry["attribute"].as_str().unwrap_or_default());
        let privileged = entry["privileged_values"][0].as_str().unwrap_or_default();
        let favorable = entry["favorable_label"].to_string();
        let extra = [
            "--privileged".to_owned(),
            format!("{attribute}={privileged}"),
            "--favorable-label".to_owned(),
            favorable.clone(),
        ];
        let report = run(reference_dir, &reference, &extra);
        let where_ = format!("{file} {attribute}={privileged} favourable {favorable}");
        let actual = report["attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["attribute"] == json!(attribute))
            .map(|a| a["privileged_comparison"].clone())
            .unwrap_or(Value::Null);
        assert_close(&actual, &entry["formula"], TOLERANCE, &format!("{where_} formula"));
        assert_close(&actual, &entry["aif360"], TOLERANCE, &format!("{where_} aif360"));
        assert_close(
            &actual["privileged"],
            &entry["privileged"],
            TOLERANCE,
            &format!("{where_} privileged"),
        );
        assert_close(
            &actual["unprivileged"],
            &entry["unprivileged"],
            TOLERANCE,
            &format!("{where_} unprivileged"),
        );
        assert_eq!(actual["favorable_label"], json!(favorable), "{where_}");
    }
}

fn check_all(test: &str, check: fn(&Path, &str)) {
    let Some(shared) = shared_dir(test) else {
        return;
    };
    let reference_dir = shared.join("reference");
    let mut checked = 0;
    for dataset in ["adult", "compas"] {
        let mut files: Vec<String> = std::fs::read_dir(reference_dir.join(dataset))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n.starts_with("fairness_") && n.ends_with(".json"))
            .collect();
        files.sort();
        for name in files {
            check(&reference_dir, &format!("{dataset}/{name}"));
            checked += 1;
        }
    }
    assert!(checked >= 5, "expected the five reference fairness files, found {checked}");
}

#[test]
fn fairlearn_metrics_and_group_tables_match_the_reference() {
    check_all("fairlearn reference", check_fairlearn);
}

#[test]
fn aif360_comparisons_match_the_reference_for_both_favourable_labels() {
    check_all("AIF360 reference", check_aif360);
}
