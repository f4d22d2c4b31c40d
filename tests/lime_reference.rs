//! LIME explanations reproduce lime 0.2.0.1 on `../shared/reference/*/lime.json`: averaged
//! over ten seeds like the reference, every weight, the intercept, the local prediction and
//! the score lie within lime's own spread across its ten seeds (mean ± max(4·std, 0.01)), the top-3 features are lime's (up to swaps
//! between features lime itself cannot separate), and the bins
//! are described as lime describes them. Skipped, with a printed notice, when `../shared`
//! is absent.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use sextant::{
    explain_lime, load_model, read_features, LimeExplanation, LimeParams, LimeRow, NoProgress, Rows,
};

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).map(String::from).collect()
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().into_iter().flatten().filter_map(Value::as_f64).collect()
}

fn explain(dir: &Path, reference: &Value, model_name: &str, repeats: usize) -> LimeExplanation {
    let expected = &reference["models"][model_name];
    let file = expected["model_file"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or("");
    let model = load_model(&std::fs::read(dir.join(file)).unwrap_or_default(), file)
        .unwrap_or_else(|e| panic!("{e}"));
    let names = strings(&reference["feature_names"]);
    let training_bytes = std::fs::read(dir.join("train.csv")).unwrap_or_default();
    let training = read_features(
        training_bytes.as_slice(),
        "train.csv",
        &model.input_schema(),
        Some(&names),
        &[],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<f64> = expected["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| numbers(&row["x"]))
        .collect();
    let rows = Rows::new(rows, names.len(), "rows").unwrap_or_else(|e| panic!("{e}"));
    let params = LimeParams {
        categorical: strings(&reference["categorical_features"]),
        repeats,
        ..LimeParams::default()
    };
    explain_lime(model.as_ref(), names, &rows, &training.rows, &params, &mut NoProgress)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts `ours` lies within lime's spread of the summary `theirs` ({mean, std}).
fn assert_within_spread(ours: f64, theirs: &Value, what: &str) {
    let (mean, std) =
        (theirs["mean"].as_f64().unwrap_or(f64::NAN), theirs["std"].as_f64().unwrap_or(0.0));
    let allowed = (4.0 * std).max(0.01);
    assert!((ours - mean).abs() <= allowed, "{what}: {ours} is outside lime's {mean} ± {allowed}");
}

fn top3(weights: impl Iterator<Item = (String, f64)>) -> BTreeSet<String> {
    let mut all: Vec<(String, f64)> = weights.collect();
    all.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    all.into_iter().take(3).map(|(name, _)| name).collect()
}

fn check_row(ours: &LimeRow, theirs: &Value, categorical: &[String], what: &str) {
    let score = theirs["model_score"].as_f64().unwrap_or(f64::NAN);
    assert!((ours.prediction - score).abs() < 1e-6, "{what}: prediction {}", ours.prediction);
    assert_within_spread(ours.intercept, &theirs["intercept"], &format!("{what} intercept"));
    assert_within_spread(
        ours.local_prediction,
        &theirs["local_pred"],
        &format!("{what} local_pred"),
    );
    assert_within_spread(ours.score, &theirs["score"], &format!("{what} score"));
    let features = theirs["features"].as_array().cloned().unwrap_or_default();
    assert_eq!(ours.weights.len(), features.len(), "{what}: every feature is kept");
    for feature in &features {
        let name = feature["name"].as_str().unwrap_or_default();
        let weight = ours.weights.iter().find(|w| w.feature == name);
        let weight = weight.unwrap_or_else(|| panic!("{what}: no weight for {name}"));
        assert_within_spread(weight.weight, feature, &format!("{what} {name}"));
        if !categorical.iter().any(|c| c == name) {
            assert_eq!(weight.description, feature["description"].as_str().unwrap_or_default());
        }
    }
    // lime's own ranking is noisy where two features have close weights: a swap in the
    // top 3 is allowed only between features whose spreads overlap in lime's ten seeds.
    let summary = |name: &str| {
        let f = features.iter().find(|f| f["name"] == name).cloned().unwrap_or_default();
        let (mean, std) = (f["mean"].as_f64().unwrap_or(0.0), f["std"].as_f64().unwrap_or(0.0));
        (mean.abs(), (4.0 * std).max(0.01))
    };
    let theirs_top = top3(features.iter().map(|f| {
        (f["name"].as_str().unwrap_or_default().to_owned(), f["mean"].as_f64().unwrap_or(0.0))
    }));
    let ours_top = top3(ours.weights.iter().map(|w| (w.feature.clone(), w.weight)));
    for intruder in ours_top.difference(&theirs_top) {
        for displaced in theirs_top.difference(&ours_top) {
            let ((a, ta), (b, tb)) = (summary(intruder), summary(displaced));
            assert!(
                a + ta >= b - tb,
                "{what}: top-3 {ours_top:?}, lime's {theirs_top:?}: {intruder} is clearly below {displaced}"
            );
        }
    }
}

#[test]
fn lime_weights_are_within_limes_spread_across_seeds() {
    let Some(shared) = common::shared_dir("LIME reference") else { return };
    for dataset in ["adult", "compas"] {
        let dir = shared.join("reference").join(dataset);
        let reference: Value =
            serde_json::from_slice(&std::fs::read(dir.join("lime.json")).unwrap_or_default())
                .unwrap_or_default();
        let categorical = strings(&reference["categorical_features"]);
        for model in ["logreg", "gbc"] {
            // The mean of ten runs, as lime's reference is the mean of ten seeds: a single run
            // lands outside lime's 4·std about once in 300 checks, by chance alone.
            let ours = explain(&dir, &reference, model, 10);
            let expected =
                reference["models"][model]["rows"].as_array().cloned().unwrap_or_default();
            assert_eq!(ours.rows.len(), expected.len());
            let width = reference["kernel_width_value"].as_f64().unwrap_or(f64::NAN);
            assert!((ours.kernel_width - width).abs() < 1e-12, "kernel width");
            for (i, (row, theirs)) in ours.rows.iter().zip(&expected).enumerate() {
                check_row(row, theirs, &categorical, &format!("{dataset} {model} row {i}"));
            }
        }
    }
}

#[test]
fn repeated_runs_report_a_spread_like_limes() {
    let Some(shared) = common::shared_dir("LIME repeats reference") else { return };
    let dir = shared.join("reference").join("compas");
    let reference: Value =
        serde_json::from_slice(&std::fs::read(dir.join("lime.json")).unwrap_or_default())
            .unwrap_or_default();
    let ours = explain(&dir, &reference, "gbc", 10);
    let (mut our_stds, mut lime_stds) = (Vec::new(), Vec::new());
    for (row, theirs) in
        ours.rows.iter().zip(reference["models"]["gbc"]["rows"].as_array().into_iter().flatten())
    {
        for feature in theirs["features"].as_array().into_iter().flatten() {
            let name = feature["name"].as_str().unwrap_or_default();
            if let Some(w) = row.weights.iter().find(|w| w.feature == name) {
                our_stds.push(w.std.unwrap_or(f64::NAN));
                lime_stds.push(feature["std"].as_f64().unwrap_or(f64::NAN));
            }
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ours_median, lime_median) = (median(&mut our_stds), median(&mut lime_stds));
    println!("median std of weights over 10 seeds: ours {ours_median:.5}, lime {lime_median:.5}");
    assert!(
        ours_median > lime_median / 3.0 && ours_median < lime_median * 3.0,
        "ours {ours_median} vs lime {lime_median}"
    );
}
