//! `sextant predict` and model-driven audits end to end: scoring, piping into the audit,
//! and a one-line error for every kind of bad model or input.

mod common;

use common::{assert_error, repo, scratch, sextant, sextant_json, write};

/// `sextant explain shap` of `data` against itself, as JSON, with `extra` flags.
fn shap_json(model: &str, data: &str, extra: &[&str]) -> serde_json::Value {
    let args = ["explain", "shap", "--model", model, "--data", data, "--background", data];
    sextant_json(&[&args[..], &["--format", "json"], extra].concat())
}

const DEMO_MODEL: &str = "datasets/demo/credit_model.json";
const DEMO_DATA: &str = "datasets/demo/loans.csv";

#[test]
fn predict_adds_score_and_pred_to_every_row() {
    let out =
        sextant(&["predict", "--model", DEMO_MODEL, "--data", DEMO_DATA, "--threshold", "0.6"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("applicant_id,sex,age_group,income_k,credit_score,repaid,score,approved,pred")
    );
    let first: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    // 1/(1+exp(-(-10.91 + 0.015*49 + 0.01625*601)))
    let expected = 1.0 / (1.0 + (-(-10.91 + 0.015 * 49.0 + 0.01625 * 601.0_f64)).exp());
    assert!((first[6].parse::<f64>().unwrap_or(0.0) - expected).abs() < 1e-12, "{first:?}");
    assert_eq!(first[8], "0");
    assert_eq!(text.lines().count(), 20_001);

    let json = sextant(&[
        "predict", "--model", DEMO_MODEL, "--data", DEMO_DATA, "--format", "json", "--output", "0",
    ]);
    let records: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_default();
    let p0 = records[0]["score"].as_f64().unwrap_or(0.0);
    assert!((p0 - (1.0 - expected)).abs() < 1e-12, "output 0 is the negative class: {p0}");
    assert_eq!(records[0]["applicant_id"], "0");
}

#[test]
fn scored_output_feeds_the_fairness_audit() {
    let dir = scratch("predict_pipe");
    let scored = dir.join("scored.csv").display().to_string();
    let out =
        sextant(&["predict", "--model", DEMO_MODEL, "--data", DEMO_DATA, "--output-file", &scored]);
    assert_eq!(out.status.code(), Some(0));
    let report = common::sextant_json(&[
        "fairness",
        &scored,
        "--label",
        "repaid",
        "--pred",
        "pred",
        "--sensitive",
        "sex",
        "--format",
        "json",
    ]);
    assert_eq!(report["rows"], 20_000);

    // The same audit from a config that names the model and the raw data.
    let config = write(
        &dir,
        "audit.toml",
        format!(
            "data = \"{}\"\nmodel = \"{}\"\nlabel = \"repaid\"\nsensitive = [\"sex\"]\n",
            repo().join(DEMO_DATA).display(),
            repo().join(DEMO_MODEL).display()
        )
        .as_bytes(),
    );
    let via_config = sextant(&["audit", &config, "--format", "json"]);
    assert_eq!(
        via_config.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&via_config.stderr)
    );
    let from_config: serde_json::Value =
        serde_json::from_slice(&via_config.stdout).unwrap_or_default();
    assert_eq!(from_config["attributes"][0]["metrics"], report["attributes"][0]["metrics"]);
    assert_eq!(from_config["outcome"]["column"], "score");
}

#[test]
fn bad_models_and_inputs_get_one_line_errors() {
    let dir = scratch("predict_bad");
    let bad = repo().join("tests/fixtures/models/bad");
    let model = |name: &str| bad.join(format!("{name}.onnx")).display().to_string();
    let two = write(&dir, "two.csv", b"a,b\n1,2\n");
    let missing = dir.join("missing.onnx").display().to_string();
    assert_error(
        &["predict", "--model", &missing, "--data", &two],
        &["missing.onnx", "cannot read"],
    );
    let junk = write(&dir, "junk.onnx", b"\x01\x02 this is not protobuf \xff\xff\xff");
    assert_error(
        &["predict", "--model", &junk, "--data", &two],
        &["junk.onnx", "not an ONNX model"],
    );
    let empty = write(&dir, "empty.onnx", b"");
    assert_error(&["predict", "--model", &empty, "--data", &two], &["empty.onnx", "empty"]);
    assert_error(
        &["predict", "--model", &model("unsupported_operator"), "--data", &two],
        &[
            "unsupported operator com.example:Mystery",
            "node \"mystery_node\"",
            "tract cannot run the graph",
        ],
    );
    assert_error(
        &["predict", "--model", &model("two_inputs"), "--data", &two],
        &["2 inputs", "input, other"],
    );
    assert_error(
        &["predict", "--model", &model("string_input"), "--data", &two],
        &["input \"input\" is a tensor of string", "float, double, int32 or int64"],
    );
    // An int64 input takes whole numbers only (#14: accepted since, not refused).
    let half = write(&dir, "half.csv", b"a,b\n1,2.5\n");
    assert_error(
        &["predict", "--model", &model("int_input"), "--data", &half],
        &["half.csv, line 2, column \"b\"", "not a whole number", "int64 input"],
    );

    let fixture = repo().join("tests/fixtures/models/random_forest.onnx").display().to_string();
    assert_error(
        &["predict", "--model", &fixture, "--data", &two],
        &["takes 6 features but 2 columns"],
    );
    let six = |row: &str| format!("f0,f1,f2,f3,f4,f5\n0,0,0,0,0,0\n{row}\n");
    for (row, needles) in [
        ("1,2,x,4,5,6", &["line 3", "column \"f2\"", "\"x\" is not a number"][..]),
        ("1,2,3,inf,5,6", &["line 3", "column \"f3\"", "not a finite number"][..]),
        ("1,2,3,4,,6", &["line 3", "column \"f4\"", "missing value"][..]),
        ("1,2,3,4,5,NaN", &["line 3", "column \"f5\"", "missing value"][..]),
    ] {
        let data = write(&dir, "six.csv", six(row).as_bytes());
        assert_error(&["predict", "--model", &fixture, "--data", &data], needles);
    }
    let data = write(&dir, "six.csv", six("1,2,3,4,5,6").as_bytes());
    assert_error(
        &["predict", "--model", &fixture, "--data", &data, "--output", "2"],
        &["2 outputs, 0 to 1: not 2"],
    );
    assert_error(&["predict", "--model", DEMO_MODEL, "--data", &data], &["no column \"income_k\""]);
    assert_error(
        &[
            "predict",
            "--model",
            DEMO_MODEL,
            "--data",
            DEMO_DATA,
            "--features",
            "credit_score,income_k",
        ],
        &["the model's features are income_k,credit_score"],
    );
}

#[test]
fn models_that_impute_accept_missing_values() {
    let dir = scratch("predict_missing");
    let model = repo().join("tests/fixtures/models/onehot_pipeline.onnx").display().to_string();
    let data = write(&dir, "rows.csv", b"num0,num1,cat0,cat1\n0.5,-1,,2\n0.1,0.2,3,NaN\n");
    let out = sextant(&["predict", "--model", &model, "--data", &data]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

#[test]
fn a_classifier_of_more_than_two_classes_needs_its_class_named() {
    let model =
        repo().join("tests/fixtures/models/multinomial_logistic.onnx").display().to_string();
    let dir = scratch("predict_multiclass");
    let data = write(&dir, "six.csv", b"f0,f1,f2,f3,f4,f5\n1,2,3,4,5,6\n0,1,0,1,0,1\n");
    // Without --output, P(class 0) would be audited as "the positive class": refused.
    assert_error(
        &["predict", "--model", &model, "--data", &data],
        &["the model has 3 classes (0: 0, 1: 1, 2: 2)", "--output"],
    );
    // A class label or an output index chooses the score; stderr says which class it is.
    let out = sextant(&["predict", "--model", &model, "--data", &data, "--output", "2"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "sextant: score = P(class 2)");
    assert_error(
        &["predict", "--model", &model, "--data", &data, "--output", "denied"],
        &["the model has no class \"denied\" (classes 0: 0, 1: 1, 2: 2)"],
    );
    // Explanations name the class too, and an audit's report header does.
    let shap = shap_json(&model, &data, &["--output", "1"]);
    assert_eq!((shap["output"].as_u64(), shap["output_label"].as_str()), (Some(1), Some("1")));
    let labelled =
        write(&dir, "labelled.csv", b"f0,f1,f2,f3,f4,f5,y,g\n1,2,3,4,5,6,1,a\n0,1,0,1,0,1,0,b\n");
    let config = write(
        &dir,
        "audit.toml",
        format!(
            "data = \"{labelled}\"\nmodel = \"{model}\"\nlabel = \"y\"\nsensitive = [\"g\"]\nmin_group_size = 1\nmodel_output = 2\nignore = [\"y\", \"g\"]\n"
        )
        .as_bytes(),
    );
    let report = sextant_json(&["audit", &config, "--format", "json"]);
    assert_eq!(report["outcome"]["class"], "2");
    // Its explanations explain the class the audit scores.
    let explained = write(
        &dir,
        "explained.toml",
        format!(
            "{}[explanations]\nrows = [0]\nmethods = [\"shap\"]\nmax_evals = 50\n",
            std::fs::read_to_string(&config).unwrap_or_default()
        )
        .as_bytes(),
    );
    let html = sextant(&["audit", &explained, "--format", "html"]);
    assert_eq!(html.status.code(), Some(0), "{}", String::from_utf8_lossy(&html.stderr));
    assert!(String::from_utf8_lossy(&html.stdout).contains("model output 2 (P(class 2))"));
    let unnamed = write(
        &dir,
        "unnamed.toml",
        format!("data = \"{labelled}\"\nmodel = \"{model}\"\nlabel = \"y\"\nsensitive = [\"g\"]\n")
            .as_bytes(),
    );
    assert_error(&["audit", &unnamed], &["invalid model_output: the model has 3 classes"]);
}

#[test]
fn a_binary_model_with_string_labels_says_which_label_is_positive() {
    // scripts/fixtures/make_string_label_fixture.py: classes ["approved", "denied"].
    let model =
        repo().join("tests/fixtures/models/labelled/string_labels.onnx").display().to_string();
    let data = write(&scratch("predict_string_labels"), "two.csv", b"a,b\n1,0\n");
    let default = sextant(&["predict", "--model", &model, "--data", &data]);
    assert_eq!(String::from_utf8_lossy(&default.stderr).trim(), "sextant: score = P(class denied)");
    let approved =
        sextant(&["predict", "--model", &model, "--data", &data, "--output", "approved"]);
    assert_eq!(
        String::from_utf8_lossy(&approved.stderr).trim(),
        "sextant: score = P(class approved)"
    );
    let score = |out: &std::process::Output| -> f64 {
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let row = text.lines().nth(1).unwrap_or_default().to_owned();
        row.split(',').nth(2).and_then(|s| s.parse().ok()).unwrap_or(f64::NAN)
    };
    assert!((score(&default) + score(&approved) - 1.0).abs() < 1e-6);
}

#[test]
fn numeric_class_labels_and_output_indices_are_told_apart() {
    // A logistic model of classes [1, 2]: output 0 is P(class 1), output 1 is P(class 2).
    let dir = scratch("predict_numeric_labels");
    let model = write(
        &dir,
        "model.json",
        br#"{"feature_names": ["x"], "coef_raw": [1.0], "intercept_raw": 0.0, "classes": [1, 2]}"#,
    );
    let data = write(&dir, "x.csv", b"x\n0.5\n");
    let note = |extra: &[&str]| {
        let out = sextant(&[&["predict", "--model", &model, "--data", &data][..], extra].concat());
        String::from_utf8_lossy(&out.stderr).trim().to_owned()
    };
    assert_eq!(note(&[]), "sextant: score = P(class 2)", "the positive class by default");
    assert_eq!(note(&["--output", "1"]), "sextant: score = P(class 2)", "a number is an index");
    assert_eq!(note(&["--output", "label:1"]), "sextant: score = P(class 1)");
    assert_eq!(note(&["--output", "index:0"]), "sextant: score = P(class 1)");
    // Explanations of the default output name the same class as predict.
    let shap = shap_json(&model, &data, &[]);
    assert_eq!((shap["output"].as_u64(), shap["output_label"].as_str()), (Some(1), Some("2")));
}

/// A score that is not a finite number (coefficients whose sum overflows) is an error naming
/// the row, not a `NaN` written with `pred` 0.
#[test]
fn a_score_that_overflows_is_an_error_naming_its_row() {
    let dir = scratch("predict_overflow");
    let model = write(
        &dir,
        "overflow.json",
        br#"{"feature_names":["a","b"],"coef_raw":[1e308,-1e308],"intercept_raw":0,"classes":[0,1]}"#,
    );
    let data = write(&dir, "rows.csv", b"a,b\n0,0\n2,2\n");
    assert_error(
        &["predict", "--model", &model, "--data", &data],
        &["rows.csv, line 3", "score NaN is not a finite number"],
    );
}

/// A boolean feature as pandas writes it (`True`/`False`) is 1/0, as a typed boolean column
/// of Parquet is.
#[test]
fn boolean_features_written_as_text_are_one_and_zero() {
    let dir = scratch("predict_booleans");
    let model = write(
        &dir,
        "linear.json",
        br#"{"feature_names":["a","flag"],"coef_raw":[0.5,2.0],"intercept_raw":-1,"link":"identity"}"#,
    );
    let words = write(&dir, "words.csv", b"a,flag\n1,True\n2,false\n3,TRUE\n");
    let numbers = write(&dir, "numbers.csv", b"a,flag\n1,1\n2,0\n3,1\n");
    let scores = |data: &str| {
        let out = sextant(&["predict", "--model", &model, "--data", data, "--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let scores: Vec<f64> = (0..3).filter_map(|i| records[i]["score"].as_f64()).collect();
        scores
    };
    assert_eq!(scores(&words), [1.5, 0.0, 2.5]);
    assert_eq!(scores(&words), scores(&numbers));
    let yes = write(&dir, "yes.csv", b"a,flag\n1,yes\n");
    assert_error(
        &["predict", "--model", &model, "--data", &yes],
        &["yes.csv, line 2", "\"yes\" is not a number"],
    );
}

/// `--output-file` is replaced only when every row scored: a failure part way leaves the file
/// as it was (or absent), not a header and the rows before the bad one.
#[test]
fn a_failed_prediction_leaves_no_partial_output_file() {
    let dir = scratch("predict_partial");
    let data = std::fs::read_to_string(repo().join(DEMO_DATA)).unwrap_or_default();
    // A credit score that is not a number on the 5,000th row, past the first batches
    // written.
    let bad: String = data
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut fields: Vec<&str> = line.split(',').collect();
            if i == 5000 {
                fields[4] = "x";
            }
            fields.join(",") + "\n"
        })
        .collect();
    let bad_data = write(&dir, "bad.csv", bad.as_bytes());
    let model = repo().join(DEMO_MODEL).display().to_string();
    let scored = dir.join("scored.csv");
    let scored_text = scored.display().to_string();
    let run = || {
        sextant(&["predict", "--model", &model, "--data", &bad_data, "--output-file", &scored_text])
    };
    let out = run();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!scored.exists(), "a failed run left {}", scored.display());
    std::fs::write(&scored, "earlier output\n").unwrap_or_default();
    assert_eq!(run().status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&scored).unwrap_or_default(), "earlier output\n");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
