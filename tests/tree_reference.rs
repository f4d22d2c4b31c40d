//! Tree ensembles against `../shared/reference/*/tree_shap.json` and `predictions_*.csv`:
//! XGBoost JSON, LightGBM text and their ONNX exports predict as the libraries do (1e-6),
//! and Tree SHAP reproduces shap's TreeExplainer (interventional raw and probability, 1e-7),
//! the float64 brute-force values (`exact_raw`, 1e-9; 1e-6 through ONNX, whose leaf values
//! are float32), and the libraries' own path-dependent
//! contributions (XGBoost's float32 `pred_contribs` to 1e-5, LightGBM's to 1e-9), every
//! explanation additive to 1e-9. Skipped, with a printed notice, when `../shared` is absent.

mod common;

use std::path::Path;

use sextant::{
    explain_shap, load_model, read_features, Algorithm, FeaturePerturbation, Model, ModelOutput,
    NoProgress, Rows, ShapExplanation, ShapParams,
};

fn model(dir: &Path, file: &str) -> Box<dyn Model> {
    load_model(&std::fs::read(dir.join(file)).unwrap_or_default(), file)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn rows(dir: &Path, model: &dyn Model, file: &str, id: &str) -> (Vec<String>, Rows) {
    let ignore = [id.to_owned(), "source_row".to_owned()];
    let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
    let m = read_features(bytes.as_slice(), file, &model.input_schema(), None, &ignore)
        .unwrap_or_else(|e| panic!("{e}"));
    (m.names, m.rows)
}

fn explain(
    dir: &Path,
    file: &str,
    algorithm: Algorithm,
    perturbation: Option<FeaturePerturbation>,
    output: ModelOutput,
) -> ShapExplanation {
    let model = model(dir, file);
    let (names, explained) = rows(dir, model.as_ref(), "shap_rows.csv", "test_row");
    let (_, background) = rows(dir, model.as_ref(), "shap_background.csv", "train_row");
    let background = if perturbation == Some(FeaturePerturbation::TreePathDependent) {
        Rows::new(Vec::new(), names.len(), "background").unwrap_or_else(|e| panic!("{e}"))
    } else {
        background
    };
    let params = ShapParams {
        algorithm,
        feature_perturbation: perturbation,
        model_output: Some(output),
        ..ShapParams::default()
    };
    explain_shap(model.as_ref(), names, &explained, &background, &params, &mut NoProgress)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().into_iter().flatten().filter_map(serde_json::Value::as_f64).collect()
}

/// Compares values, base value, predictions (`fx`) and additivity.
fn check(what: &str, ours: &ShapExplanation, block: &serde_json::Value, fx: &[f64], tol: f64) {
    let base = block["expected_value"].as_f64().unwrap_or(f64::NAN);
    assert!((ours.base_value - base).abs() <= tol, "{what}: base {} vs {base}", ours.base_value);
    let expected: Vec<Vec<f64>> =
        block["values"].as_array().into_iter().flatten().map(numbers).collect();
    assert_eq!(expected.len(), ours.rows.len(), "{what}: rows");
    let mut worst = 0.0f64;
    for (r, (row, theirs)) in ours.rows.iter().zip(&expected).enumerate() {
        for (a, b) in row.values.iter().zip(theirs) {
            worst = worst.max((a - b).abs());
        }
        let total = ours.base_value + row.values.iter().sum::<f64>();
        assert!((total - row.prediction).abs() < 1e-9, "{what} row {r}: not additive");
        if let Some(f) = fx.get(r) {
            assert!(
                (row.prediction - f).abs() <= tol.max(1e-9),
                "{what} row {r}: f(x) {} vs {f}",
                row.prediction
            );
        }
    }
    println!("{what}: max |difference| {worst:.3e} (tolerance {tol:.0e})");
    assert!(worst <= tol, "{what}: values differ by {worst}");
}

#[test]
fn native_tree_models_predict_as_their_libraries() {
    let Some(shared) = common::shared_dir("tree model predictions") else { return };
    for dataset in ["adult", "compas"] {
        let dir = shared.join("reference").join(dataset);
        for (file, predictions) in [
            ("xgb.json", "predictions_xgb.csv"),
            ("xgb.onnx", "predictions_xgb.csv"),
            ("lgbm.txt", "predictions_lgbm.csv"),
            ("lgbm.onnx", "predictions_lgbm.csv"),
        ] {
            let model = model(&dir, file);
            let bytes = std::fs::read(dir.join(predictions)).unwrap_or_default();
            let ignore: Vec<String> = ["source_row", "label", "score", "pred"]
                .iter()
                .map(|s| (*s).to_owned())
                .chain(
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .filter(|c| c.starts_with("sensitive_"))
                        .map(str::to_owned),
                )
                .collect();
            let features =
                read_features(bytes.as_slice(), predictions, &model.input_schema(), None, &ignore)
                    .unwrap_or_else(|e| panic!("{e}"));
            let out = model
                .predict(features.rows.values(), features.rows.width())
                .unwrap_or_else(|e| panic!("{e}"));
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            let score_column = reader
                .headers()
                .ok()
                .and_then(|h| h.iter().position(|c| c == "score"))
                .unwrap_or_else(|| panic!("{predictions} has no score"));
            let mut worst = 0.0f64;
            let mut n = 0;
            for (record, probabilities) in reader.records().zip(out.chunks_exact(2)) {
                let record = record.unwrap_or_else(|e| panic!("{e}"));
                let score: f64 = record[score_column].parse().unwrap_or(f64::NAN);
                worst = worst.max((probabilities[1] - score).abs());
                n += 1;
            }
            println!("{dataset} {file}: {n} rows, max |p − predict_proba| {worst:.2e}");
            assert!(n > 1000 && worst <= 1e-6, "{dataset} {file}: predictions differ by {worst}");
        }
    }
}

#[test]
fn tree_shap_reproduces_shap_and_the_libraries() {
    let Some(shared) = common::shared_dir("Tree SHAP reference") else { return };
    use FeaturePerturbation::{Interventional, TreePathDependent};
    use ModelOutput::{Probability, Raw};
    for dataset in ["adult", "compas"] {
        let dir = shared.join("reference").join(dataset);
        let reference: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("tree_shap.json")).unwrap_or_default())
                .unwrap_or_else(|e| panic!("tree_shap.json: {e}"));
        for (name, files) in [
            ("gbc", &["gbc.onnx"][..]),
            ("rf", &["rf.onnx"][..]),
            ("xgb", &["xgb.json", "xgb.onnx"][..]),
            ("lgbm", &["lgbm.txt", "lgbm.onnx"][..]),
        ] {
            let block = &reference["models"][name];
            let fx_raw = numbers(&block["fx_raw"]);
            let fx_probability = numbers(&block["fx_probability"]);
            for file in files {
                let what = |b: &str| format!("{dataset} {file} {b}");
                let raw = explain(&dir, file, Algorithm::Tree, Some(Interventional), Raw);
                // XGBoost's float32 leaves and thresholds are exact in float64, so its trees in
                // float64 are `fx_raw`; shap accumulates in float32 (1e-7). ONNX stores
                // leaf values and base values in float32: 1e-6, as for every ONNX model.
                let (exact_tol, shap_tol) =
                    if file.ends_with(".onnx") { (1e-6, 1e-6) } else { (1e-9, 1e-7) };
                check(&what("exact_raw"), &raw, &block["exact_raw"], &fx_raw, exact_tol);
                check(
                    &what("interventional_raw"),
                    &raw,
                    &block["interventional_raw"],
                    &[],
                    shap_tol,
                );
                if !block["interventional_probability"].is_null() {
                    let p = explain(&dir, file, Algorithm::Tree, Some(Interventional), Probability);
                    check(
                        &what("interventional_probability"),
                        &p,
                        &block["interventional_probability"],
                        &fx_probability,
                        shap_tol,
                    );
                }
                let native = &block["native_pred_contribs"];
                if !native.is_null() && !file.ends_with(".onnx") {
                    let ours = explain(&dir, file, Algorithm::Tree, Some(TreePathDependent), Raw);
                    let tolerance = if name == "xgb" { 1e-5 } else { 1e-9 };
                    check(&what("native_pred_contribs"), &ours, native, &[], tolerance);
                }
            }
        }
    }
}

#[test]
fn exact_explainer_reproduces_exact_raw_on_the_raw_output() {
    let Some(shared) = common::shared_dir("exact raw Tree SHAP reference") else { return };
    let dir = shared.join("reference").join("adult");
    let reference: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("tree_shap.json")).unwrap_or_default())
            .unwrap_or_default();
    let ours = explain(&dir, "lgbm.txt", Algorithm::Exact, None, ModelOutput::Raw);
    assert_eq!(ours.model_output.as_deref(), Some("raw"));
    check(
        "adult lgbm.txt exact explainer",
        &ours,
        &reference["models"]["lgbm"]["exact_raw"],
        &[],
        1e-9,
    );
}

#[test]
fn onnx_trees_have_no_covers_for_path_dependent_values() {
    let Some(shared) = common::shared_dir("ONNX path-dependent error") else { return };
    let dir = shared.join("reference").join("adult");
    let model = model(&dir, "gbc.onnx");
    let params = ShapParams {
        algorithm: Algorithm::Tree,
        feature_perturbation: Some(FeaturePerturbation::TreePathDependent),
        ..ShapParams::default()
    };
    let e = params.check(model.as_ref(), 12).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("covers"), "{e}");
}

#[test]
fn audits_score_with_xgboost_and_lightgbm_models() {
    let Some(shared) = common::shared_dir("audit with tree models") else { return };
    let dir = shared.join("reference").join("adult");
    let scratch = common::scratch("tree_audit");
    for (file, predictions) in
        [("xgb.json", "predictions_xgb.csv"), ("lgbm.txt", "predictions_lgbm.csv")]
    {
        // The model scores the rows itself (threshold 0.5); the file's own `pred` column holds
        // the library's predictions at 0.5, so both audits must agree.
        let data = dir.join(predictions).display().to_string();
        let config = common::write(
            &scratch,
            &format!("{file}.toml"),
            format!(
                "data = \"{data}\"\nmodel = \"{}\"\nlabel = \"label\"\nsensitive = [\"sensitive_sex\"]\nthreshold = 0.5\nignore = [\"source_row\", \"label\", \"score\", \"pred\", \"sensitive_sex\", \"sensitive_race\", \"sensitive_age_group\"]\n",
                dir.join(file).display()
            )
            .as_bytes(),
        );
        let scored = common::sextant_json(&["audit", &config, "--format", "json"]);
        let direct = common::sextant_json(&[
            "fairness",
            &data,
            "--label",
            "label",
            "--pred",
            "pred",
            "--sensitive",
            "sensitive_sex",
            "--format",
            "json",
        ]);
        assert_eq!(
            scored["attributes"][0]["metrics"], direct["attributes"][0]["metrics"],
            "{file}"
        );
        assert_eq!(scored["attributes"][0]["groups"], direct["attributes"][0]["groups"], "{file}");
    }
}
