//! `sextant explain shap` end to end, the Shapley axioms on synthetic models, and a
//! one-line error for each kind of bad input.

mod common;

use common::{assert_error, csv, linear_json, scratch, sextant, write};
use proptest::prelude::*;
use sextant::{explain_shap, Algorithm, Budget, LinearModel, NoProgress, Rows, ShapParams};

#[test]
fn cli_explains_a_linear_model_exactly() {
    let dir = scratch("explain_linear");
    let model = write(&dir, "model.json", linear_json(&[2.0, -1.0, 0.5], 0.25).as_bytes());
    let rows = write(&dir, "rows.csv", csv(&[&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0]]).as_bytes());
    let background = write(&dir, "bg.csv", csv(&[&[0.0, 1.0, 1.0], &[2.0, 3.0, 1.0]]).as_bytes());
    for method in [&["--exact"][..], &["--permutations", "3"][..]] {
        let mut args = vec![
            "explain",
            "shap",
            "--model",
            &model,
            "--data",
            &rows,
            "--background",
            &background,
            "--format",
            "json",
        ];
        args.extend_from_slice(method);
        let report = common::sextant_json(&args);
        assert_eq!(report["schema"], "sextant.shap/v1");
        // φᵢ = wᵢ (xᵢ − mean of the background's xᵢ); background means 1, 2, 1.
        let values: Vec<f64> = report["rows"][0]["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_f64())
            .collect();
        for (v, expected) in values.iter().zip([0.0, 0.0, 1.0]) {
            assert!((v - expected).abs() < 1e-12, "{method:?}: {values:?}");
        }
        assert!(
            (report["base_value"].as_f64().unwrap_or(0.0) - (0.25 + 2.0 - 2.0 + 0.5)).abs() < 1e-12
        );
    }
    let text = sextant(&[
        "explain",
        "shap",
        "--model",
        &model,
        "--data",
        &rows,
        "--background",
        &background,
    ]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("mean |SHAP value|"));
}

#[test]
fn bad_explain_input_gets_one_line_errors() {
    let dir = scratch("explain_bad");
    let model = write(&dir, "model.json", linear_json(&[1.0, 1.0], 0.0).as_bytes());
    let rows = write(&dir, "rows.csv", b"x0,x1\n1,2\n");
    let args = |bg: &str, extra: &[&str]| {
        let mut a = vec![
            "explain".to_owned(),
            "shap".into(),
            "--model".into(),
            model.clone(),
            "--data".into(),
            rows.clone(),
            "--background".into(),
            bg.to_owned(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let run = |a: Vec<String>, needles: &[&str]| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        assert_error(&a, needles);
    };
    let empty = write(&dir, "empty_bg.csv", b"x0,x1\n");
    run(args(&empty, &[]), &["empty_bg.csv", "no data rows"]);
    let other = write(&dir, "other_bg.csv", b"x0,z\n1,2\n");
    run(args(&other, &[]), &["other_bg.csv", "no column \"x1\""]);
    let good = write(&dir, "bg.csv", b"x0,x1\n0,0\n3,1\n");
    run(args(&good, &["--max-evals", "4"]), &["max-evals", "4 is too low", "2 * 2 + 1 = 5"]);
    let nan = write(&dir, "nan_bg.csv", b"x0,x1\n0,NaN\n");
    run(args(&nan, &[]), &["nan_bg.csv", "line 2", "column \"x1\"", "missing value"]);
    let inf = write(&dir, "inf_bg.csv", b"x0,x1\n0,inf\n");
    run(args(&inf, &[]), &["inf_bg.csv", "line 2", "column \"x1\"", "not a finite number"]);
    run(args(&good, &["--tolerance=-1"]), &["tolerance", "not a positive number"]);
    run(args(&good, &["--algorithm", "tree"]), &["--algorithm", "tree needs a tree ensemble"]);
    run(
        args(&good, &["--feature-perturbation", "tree_path_dependent"]),
        &["--feature-perturbation", "--algorithm tree only"],
    );
    run(args(&good, &["--model-output", "raw"]), &["--model-output", "raw needs a tree ensemble"]);
    let no_background: Vec<String> = args(&good, &[]).into_iter().take(6).collect();
    run(no_background, &["--background", "no rows"]);

    let wide = write(&dir, "wide.json", linear_json(&[1.0; 21], 0.0).as_bytes());
    let wide_rows = write(&dir, "wide.csv", csv(&[&[1.0; 21]]).as_bytes());
    assert_error(
        &[
            "explain",
            "shap",
            "--model",
            &wide,
            "--data",
            &wide_rows,
            "--background",
            &wide_rows,
            "--exact",
        ],
        &["2^21 coalitions", "at most 20 features"],
    );
}

/// A model with an interaction: f(x) = w·x + c·x₀·x₁ + d·x₂² (x₃ is unused).
struct Synthetic {
    w: [f64; 4],
    c: f64,
    d: f64,
}

impl sextant::Model for Synthetic {
    fn n_features(&self) -> Option<usize> {
        Some(4)
    }
    fn feature_names(&self) -> Option<&[String]> {
        None
    }
    fn n_outputs(&self) -> usize {
        1
    }
    fn is_classifier(&self) -> bool {
        false
    }
    fn accepts_missing(&self) -> bool {
        false
    }
    fn predict(&self, rows: &[f64], n: usize) -> sextant::Result<Vec<f64>> {
        Ok(rows
            .chunks_exact(n)
            .map(|r| {
                self.w[0] * r[0]
                    + self.w[1] * r[1]
                    + self.w[2] * r[2]
                    + self.c * r[0] * r[1]
                    + self.d * r[2] * r[2]
            })
            .collect())
    }
}

fn shap(model: &dyn sextant::Model, x: &[f64], background: &[f64], exact: bool) -> (f64, Vec<f64>) {
    let names = (0..4).map(|i| format!("x{i}")).collect();
    let algorithm = if exact { Algorithm::Exact } else { Algorithm::Permutation };
    let params = ShapParams {
        algorithm,
        budget: Some(Budget::Permutations(1)).filter(|_| !exact),
        ..ShapParams::default()
    };
    let rows =
        |values: &[f64]| Rows::new(values.to_vec(), 4, "rows").unwrap_or_else(|e| panic!("{e}"));
    let e = explain_shap(model, names, &rows(x), &rows(background), &params, &mut NoProgress)
        .unwrap_or_else(|e| panic!("{e}"));
    (e.base_value, e.rows[0].values.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn shapley_axioms_hold(
        w in prop::array::uniform4(-3.0..3.0f64),
        c in -2.0..2.0f64,
        d in -2.0..2.0f64,
        x in prop::array::uniform4(-2.0..2.0f64),
        background in prop::collection::vec(-2.0..2.0f64, 8..40),
    ) {
        let background: Vec<f64> = background[..background.len() / 4 * 4].to_vec();
        let model = Synthetic { w, c, d };
        let (base, exact) = shap(&model, &x, &background, true);
        let fx = sextant::Model::predict(&model, &x, 4).unwrap_or_default()[0];
        // Efficiency.
        prop_assert!((base + exact.iter().sum::<f64>() - fx).abs() < 1e-9);
        // Dummy: the unused feature gets exactly 0.
        prop_assert_eq!(exact[3], 0.0);
        // One antithetic permutation is exact for models with at most pairwise interactions.
        let (_, sampled) = shap(&model, &x, &background, false);
        for (s, e) in sampled.iter().zip(&exact) {
            prop_assert!((s - e).abs() < 1e-9, "{:?} vs {:?}", sampled, exact);
        }
        // Linearity: the values of a sum of models are the sums of their values.
        let other = Synthetic { w: [1.0, -2.0, 0.5, 0.0], c: 0.0, d: 0.3 };
        let sum = Synthetic { w: [w[0] + 1.0, w[1] - 2.0, w[2] + 0.5, w[3]], c, d: d + 0.3 };
        let (_, other_values) = shap(&other, &x, &background, true);
        let (_, sum_values) = shap(&sum, &x, &background, true);
        for j in 0..4 {
            prop_assert!((sum_values[j] - exact[j] - other_values[j]).abs() < 1e-9);
        }
    }

    #[test]
    fn linear_models_get_weight_times_centred_value(
        weights in prop::collection::vec(-3.0..3.0f64, 3),
        x in prop::collection::vec(-5.0..5.0f64, 3),
        background in prop::collection::vec(-5.0..5.0f64, 3..60),
    ) {
        let background: Vec<f64> = background[..background.len() / 3 * 3].to_vec();
        let model = LinearModel::new(vec!["a".into(), "b".into(), "c".into()], weights.clone(), 0.7, false);
        let params = ShapParams { algorithm: Algorithm::Exact, ..ShapParams::default() };
        let rows = |values: Vec<f64>| Rows::new(values, 3, "rows").unwrap_or_else(|e| panic!("{e}"));
        let e = explain_shap(&model, vec!["a".into(), "b".into(), "c".into()], &rows(x.clone()), &rows(background.clone()), &params, &mut NoProgress).unwrap_or_else(|e| panic!("{e}"));
        let n = background.len() / 3;
        for j in 0..3 {
            let mean = background.iter().skip(j).step_by(3).sum::<f64>() / n as f64;
            prop_assert!((e.rows[0].values[j] - weights[j] * (x[j] - mean)).abs() < 1e-9);
        }
    }

    #[test]
    fn symmetric_features_get_equal_values(
        a in -2.0..2.0f64,
        background in prop::collection::vec(-2.0..2.0f64, 2..20),
    ) {
        // f = x₀·x₁ + x₀ + x₁ is symmetric in x₀ and x₁; with x₀ = x₁ and a background
        // symmetric under the swap, they get the same value.
        let model = Synthetic { w: [1.0, 1.0, 0.0, 0.0], c: 1.0, d: 0.0 };
        let rows: Vec<f64> = background.iter().zip(background.iter().rev()).flat_map(|(p, q)| [*p, *q, 0.0, 0.0]).collect();
        let mirrored: Vec<f64> = rows.chunks(4).flat_map(|r| [r[1], r[0], 0.0, 0.0]).collect();
        let both: Vec<f64> = rows.iter().chain(&mirrored).copied().collect();
        let (_, values) = shap(&model, &[a, a, 0.0, 0.0], &both, true);
        prop_assert!((values[0] - values[1]).abs() < 1e-9);
    }
}

#[test]
fn permutation_results_depend_only_on_the_seed() {
    let fixtures = common::repo().join("tests/fixtures/models");
    let model = fixtures.join("gb_classifier.onnx").display().to_string();
    let data = fixtures.join("gb_classifier.expected.csv").display().to_string();
    let run = |seed: &str, threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sextant"))
            .args(["explain", "shap", "--model", &model, "--data", &data, "--background", &data])
            .args([
                "--ignore",
                "onnxruntime_0,onnxruntime_1,sklearn_0,sklearn_1",
                "--algorithm",
                "permutation",
                "--permutations",
                "4",
            ])
            .args(["--seed", seed, "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let parallel = run("7", "4");
    assert!(parallel.contains("sextant.shap/v1"), "{parallel}");
    assert_eq!(parallel, run("7", "1"), "threads must not change results");
    assert_ne!(parallel, run("8", "4"), "the seed must matter");
}

#[test]
fn cli_explains_tree_models_with_tree_shap() {
    let dir = "tests/fixtures/trees";
    let reference: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::repo().join(dir).join("reference.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    // No background: the library's own path-dependent contributions, for the class asked for.
    let model = format!("{dir}/lgbm_multiclass.txt");
    let data = format!("{dir}/rows.csv");
    let base = ["explain", "shap", "--model", &model, "--data", &data, "--format", "json"];
    let path = common::sextant_json(&[&base[..], &["--output", "1"]].concat());
    assert_eq!(path["method"], "tree");
    assert_eq!(path["feature_perturbation"], "tree_path_dependent");
    assert_eq!(path["model_output"], "raw");
    assert_eq!(path["background_rows"], 0);
    let contribs = &reference["models"]["lgbm_multiclass"]["pred_contribs"][1];
    for (r, row) in path["rows"].as_array().into_iter().flatten().enumerate() {
        for (j, v) in row["values"].as_array().into_iter().flatten().enumerate() {
            let theirs = contribs[r][j].as_f64().unwrap_or(f64::NAN);
            assert!((v.as_f64().unwrap_or(f64::NAN) - theirs).abs() < 1e-9, "row {r} feature {j}");
        }
    }
    // Interaction values: M × M per row, each line summing to the feature's value.
    let with = common::sextant_json(&[&base[..], &["--output", "1", "--interactions"]].concat());
    let (values, matrix) = (&with["rows"][0]["values"], &with["rows"][0]["interactions"]);
    for (i, line) in matrix.as_array().into_iter().flatten().enumerate() {
        let total: f64 =
            line.as_array().into_iter().flatten().filter_map(serde_json::Value::as_f64).sum();
        assert!((total - values[i].as_f64().unwrap_or(f64::NAN)).abs() < 1e-9, "line {i}");
    }
    assert_eq!(matrix.as_array().map(Vec::len), Some(5));
    // With a background: interventional; the probability with --model-output probability.
    let background = format!("{dir}/background.csv");
    let binary = format!("{dir}/xgb_regression.json");
    let interventional = common::sextant_json(&[
        "explain",
        "shap",
        "--model",
        &binary,
        "--data",
        &data,
        "--background",
        &background,
        "--format",
        "json",
    ]);
    assert_eq!(interventional["feature_perturbation"], "interventional");
    assert_eq!(interventional["background_rows"], 40);
    // The multiclass probability is a softmax: refused, with the way out.
    assert_error(
        &[
            &base[..],
            &["--output", "1", "--background", &background, "--model-output", "probability"],
        ]
        .concat(),
        &["--model-output", "softmax", "--algorithm"],
    );
    // --exact keeps meaning exact values over all coalitions, and --algorithm exact is the same.
    let exact = common::sextant_json(
        &[&base[..], &["--output", "1", "--background", &background, "--exact"]].concat(),
    );
    assert_eq!(exact["method"], "exact");
    assert!(exact.get("model_output").is_none(), "the model's own output (the probability)");
    assert_eq!(
        exact,
        common::sextant_json(
            &[&base[..], &["--output", "1", "--background", &background, "--algorithm", "exact"]]
                .concat()
        )
    );
}

#[test]
fn cli_predicts_with_xgboost_and_lightgbm_models() {
    let reference: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::repo().join("tests/fixtures/trees/reference.json"))
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    for (name, file, output) in [
        ("xgb_multiclass", "xgb_multiclass.json", 2),
        ("lgbm_regression", "lgbm_regression.txt", 0),
    ] {
        let model = format!("tests/fixtures/trees/{file}");
        let output_arg = output.to_string();
        let out = sextant(&[
            "predict",
            "--data",
            "tests/fixtures/trees/rows.csv",
            "--model",
            &model,
            "--output",
            &output_arg,
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        assert_eq!(records.as_array().map(Vec::len), Some(12), "{name}");
        for (r, record) in records.as_array().into_iter().flatten().enumerate() {
            let score = record["score"].as_f64().unwrap_or(f64::NAN);
            let expected =
                reference["models"][name]["predict"][r][output].as_f64().unwrap_or(f64::NAN);
            assert!((score - expected).abs() < 1e-6, "{name} row {r}: {score} vs {expected}");
        }
    }
}
