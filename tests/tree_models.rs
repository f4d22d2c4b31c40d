//! XGBoost and LightGBM models of the kinds the Adult/COMPAS references do not hold: a
//! regression and a 3-class model of each library, on data with missing values and ties at
//! thresholds (tests/fixtures/trees, made by scripts/fixtures/make_tree_fixtures.py with
//! xgboost 3.2.0, lightgbm 4.7.0 and shap 0.51). Predictions equal the libraries' (XGBoost
//! sums in float32: 1e-6), path-dependent Tree SHAP equals their own contributions for every
//! class (1e-5 XGBoost, 1e-9 LightGBM), interventional Tree SHAP equals shap's (1e-6), its
//! base value the libraries' mean raw output over the background.

use std::path::PathBuf;

use sextant::{
    explain_shap, load_model, read_features, Algorithm, FeatureMatrix, FeaturePerturbation, Model,
    ModelOutput, NoProgress, OutputChoice, Rows, ShapParams,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/trees")
}

fn reference() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir().join("reference.json")).unwrap_or_default())
        .unwrap_or_else(|e| panic!("reference.json: {e}"))
}

fn csv(model: &dyn Model, file: &str) -> FeatureMatrix {
    let bytes = std::fs::read(dir().join(file)).unwrap_or_default();
    read_features(bytes.as_slice(), file, &model.input_schema(), None, &[])
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn matrix(v: &serde_json::Value) -> Vec<Vec<f64>> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|r| r.as_array().into_iter().flatten().filter_map(serde_json::Value::as_f64).collect())
        .collect()
}

const MODELS: [(&str, &str); 4] = [
    ("xgb_regression", "xgb_regression.json"),
    ("xgb_multiclass", "xgb_multiclass.json"),
    ("lgbm_regression", "lgbm_regression.txt"),
    ("lgbm_multiclass", "lgbm_multiclass.txt"),
];

fn load(file: &str) -> Box<dyn Model> {
    load_model(&std::fs::read(dir().join(file)).unwrap_or_default(), file)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn predictions_equal_the_libraries() {
    let reference = reference();
    for (name, file) in MODELS {
        let model = load(file);
        let rows = csv(model.as_ref(), "rows.csv");
        let ours =
            model.predict(rows.rows.values(), rows.rows.width()).unwrap_or_else(|e| panic!("{e}"));
        let theirs: Vec<f64> = matrix(&reference["models"][name]["predict"]).concat();
        assert_eq!(ours.len(), theirs.len(), "{name}: outputs");
        let worst = ours.iter().zip(&theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        let tolerance = if name.starts_with("xgb") { 1e-6 } else { 1e-12 };
        assert!(worst <= tolerance, "{name}: predictions differ by {worst}");
    }
}

fn explain(
    model: &dyn Model,
    output: usize,
    perturbation: FeaturePerturbation,
) -> sextant::ShapExplanation {
    let rows = csv(model, "rows.csv");
    let background = match perturbation {
        FeaturePerturbation::Interventional => csv(model, "background.csv").rows,
        FeaturePerturbation::TreePathDependent => {
            Rows::new(Vec::new(), rows.rows.width(), "background").unwrap_or_else(|e| panic!("{e}"))
        }
    };
    let params = ShapParams {
        algorithm: Algorithm::Tree,
        feature_perturbation: Some(perturbation),
        model_output: Some(ModelOutput::Raw),
        output: Some(OutputChoice::Index(output)),
        ..ShapParams::default()
    };
    explain_shap(model, rows.names, &rows.rows, &background, &params, &mut NoProgress)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn tree_shap_equals_the_libraries_and_shap_for_every_output() {
    let reference = reference();
    for (name, file) in MODELS {
        let model = load(file);
        let block = &reference["models"][name];
        let margins = matrix(&block["margin"]);
        for (output, contribs) in
            block["pred_contribs"].as_array().into_iter().flatten().enumerate()
        {
            let contribs = matrix(contribs);
            let ours = explain(model.as_ref(), output, FeaturePerturbation::TreePathDependent);
            let tolerance = if name.starts_with("xgb") { 1e-5 } else { 1e-9 };
            assert_eq!(ours.method, "tree");
            for (r, (row, theirs)) in ours.rows.iter().zip(&contribs).enumerate() {
                let (values, bias) = theirs.split_at(theirs.len() - 1);
                assert!(
                    (ours.base_value - bias[0]).abs() <= tolerance,
                    "{name}/{output}: bias {} vs {}",
                    ours.base_value,
                    bias[0]
                );
                for (a, b) in row.values.iter().zip(values) {
                    assert!((a - b).abs() <= tolerance, "{name}/{output} row {r}: {a} vs {b}");
                }
                assert!(
                    (row.prediction - margins[r][output]).abs() <= 1e-5,
                    "{name}/{output} row {r}: margin"
                );
                let total = ours.base_value + row.values.iter().sum::<f64>();
                assert!(
                    (total - row.prediction).abs() < 1e-9,
                    "{name}/{output} row {r}: additivity"
                );
            }
        }
        for (output, shap) in
            block["interventional_raw"].as_array().into_iter().flatten().enumerate()
        {
            let ours = explain(model.as_ref(), output, FeaturePerturbation::Interventional);
            // shap 0.51's expected_value takes XGBoost 3's base_score of class 0 for every
            // class; the library's own mean margin over the background is the base value.
            let base = block["background_margin_mean"][output].as_f64().unwrap_or(f64::NAN);
            assert!(
                (ours.base_value - base).abs() <= 1e-6,
                "{name}/{output}: base {} vs {base}",
                ours.base_value
            );
            for (row, theirs) in ours.rows.iter().zip(matrix(&shap["values"])) {
                for (a, b) in row.values.iter().zip(&theirs) {
                    assert!((a - b).abs() <= 1e-6, "{name}/{output}: {a} vs shap {b}");
                }
            }
        }
    }
}

/// The error explaining the fixture rows against the fixture background with `params`.
fn refusal(model: &dyn Model, params: &ShapParams) -> String {
    let rows = csv(model, "rows.csv");
    let background = csv(model, "background.csv");
    explain_shap(model, rows.names, &rows.rows, &background.rows, params, &mut NoProgress)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn the_probability_of_a_softmax_model_is_refused_with_the_way_out() {
    let model = load("xgb_multiclass.json");
    let params = ShapParams {
        algorithm: Algorithm::Tree,
        model_output: Some(ModelOutput::Probability),
        output: Some(OutputChoice::Index(2)),
        ..ShapParams::default()
    };
    let error = refusal(model.as_ref(), &params);
    assert!(error.contains("softmax") && error.contains("exact"), "{error}");
}

#[test]
fn lightgbm_random_forests_average_their_iterations() {
    // `boosting=rf` writes `average_output` in the header: the output is the mean over the
    // iterations (20 trees here), not the sum.
    let text =
        String::from_utf8(std::fs::read(dir().join("lgbm_regression.txt")).unwrap_or_default())
            .unwrap_or_default();
    let averaged = text.replacen("tree\n", "tree\naverage_output\n", 1);
    let summed = load("lgbm_regression.txt");
    let mean = load_model(averaged.as_bytes(), "rf.txt").unwrap_or_else(|e| panic!("{e}"));
    let rows = csv(summed.as_ref(), "rows.csv");
    let (a, b) = (
        summed.predict(rows.rows.values(), rows.rows.width()).unwrap_or_default(),
        mean.predict(rows.rows.values(), rows.rows.width()).unwrap_or_default(),
    );
    assert_eq!(a.len(), 12);
    for (s, m) in a.iter().zip(&b) {
        assert!((s / 20.0 - m).abs() < 1e-12, "{s} / 20 vs {m}");
    }
}

#[test]
fn interaction_values_equal_xgboosts_pred_interactions() {
    let reference = reference();
    for (name, file) in
        [("xgb_regression", "xgb_regression.json"), ("xgb_multiclass", "xgb_multiclass.json")]
    {
        let model = load(file);
        let rows = csv(model.as_ref(), "rows.csv");
        let empty = Rows::new(Vec::new(), rows.rows.width(), "background")
            .unwrap_or_else(|e| panic!("{e}"));
        for (output, theirs) in reference["models"][name]["pred_interactions"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let params = ShapParams {
                algorithm: Algorithm::Tree,
                interactions: true,
                output: Some(OutputChoice::Index(output)),
                ..ShapParams::default()
            };
            let ours = explain_shap(
                model.as_ref(),
                rows.names.clone(),
                &rows.rows,
                &empty,
                &params,
                &mut NoProgress,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            for (r, row) in ours.rows.iter().enumerate() {
                let matrix =
                    row.interactions.as_ref().unwrap_or_else(|| panic!("{name}: no interactions"));
                for (i, line) in matrix.iter().enumerate() {
                    let total: f64 = line.iter().sum();
                    assert!(
                        (total - row.values[i]).abs() < 1e-9,
                        "{name} row {r}: row {i} sums to its value"
                    );
                    for (j, v) in line.iter().enumerate() {
                        let expected = theirs[r][i][j].as_f64().unwrap_or(f64::NAN);
                        assert!(
                            (v - expected).abs() < 1e-5,
                            "{name}/{output} row {r} [{i}][{j}]: {v} vs {expected}"
                        );
                        assert!((v - matrix[j][i]).abs() < 1e-12, "symmetric");
                    }
                }
            }
        }
    }
    // Interventional values have no interaction values (as in shap and XGBoost).
    let model = load("xgb_regression.json");
    let params =
        ShapParams { algorithm: Algorithm::Tree, interactions: true, ..ShapParams::default() };
    let error = refusal(model.as_ref(), &params);
    assert!(error.contains("tree_path_dependent"), "{error}");
}
