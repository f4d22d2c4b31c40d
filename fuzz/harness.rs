//! The bodies of the fuzz targets, shared by `cargo fuzz` (fuzz/fuzz_targets/) and the replay
//! of every corpus and crash input in the ordinary test suite (tests/fuzz_replay.rs). Each
//! takes arbitrary bytes and must return, with a value or a typed error, never panic, hang
//! or exhaust memory.

use sextant::{
    count_csv, explain_shap, load_model, read_features, Algorithm, AuditConfig, ExplanationsConfig,
    FeaturePerturbation, InputSchema, ModelOutput, MonitorOptions, Rows, ShapParams,
};

/// A fairness audit of CSV bytes: a prediction column, a score column with a threshold, and
/// an intersection, under each missing-value policy.
pub fn fairness_csv(data: &[u8]) {
    for (outcome, missing) in [("pred", "error"), ("score", "drop"), ("pred", "group")] {
        let mut config = AuditConfig {
            label: "label".into(),
            sensitive: vec!["sex".into(), "sex&race".into()],
            missing: serde_json::from_value(missing.into()).ok(),
            max_groups: Some(50),
            bootstrap: Some(5),
            ..AuditConfig::default()
        };
        match outcome {
            "pred" => config.pred = Some("pred".into()),
            _ => config.score = Some("score".into()),
        }
        let Ok(plan) = config.check() else { return };
        if let Ok(counted) = count_csv(data, "fuzz.csv", &plan) {
            let _ = sextant::audit(&plan, &counted, "fuzz.csv", &mut sextant::NoProgress);
        }
    }
}

/// A monitoring run over CSV bytes, under three plans: monthly windows of a prediction with
/// numeric and categorical drift columns, the first window as reference and 3 bootstrap
/// resamples; daily windows of a score against a reference range; windows of 3 rows against
/// the same bytes as a reference file. Each report is rendered in every format (as JSON and
/// OpenMetrics only, beyond 400 windows).
pub fn monitor_csv(data: &[u8]) {
    let plans: [(&str, &str, Option<&str>, &[&str]); 3] = [
        ("pred", "1mo", None, &["age", "income"]),
        ("score", "1d", Some("2025-01-01/2025-01-15T12:00:00+02:00"), &["age"]),
        ("pred", "rows:3", Some("file"), &["income"]),
    ];
    for (outcome, window, reference, drift) in plans {
        let mut config = AuditConfig {
            label: "label".into(),
            sensitive: vec!["sex".into()],
            max_groups: Some(50),
            bootstrap: Some(3),
            ..AuditConfig::default()
        };
        match outcome {
            "pred" => config.pred = Some("pred".into()),
            _ => config.score = Some("score".into()),
        }
        let options = MonitorOptions {
            time: "time".into(),
            window: window.into(),
            drift: drift.iter().map(|&c| c.into()).collect(),
            categorical: vec!["city".into()],
            reference: reference.map(Into::into),
            ..MonitorOptions::default()
        };
        let file = reference == Some("file");
        let Ok(fairness) = config.check() else { return };
        let Ok(plan) = options.check(fairness, file) else { return };
        let reference = file.then(|| (sextant::Input::from(data), "reference.csv"));
        let Ok(report) =
            sextant::monitor(&plan, data, "fuzz.csv", reference, &mut sextant::NoProgress)
        else {
            continue;
        };
        let _ = sextant::report::monitor_json(&report);
        let _ = sextant::report::openmetrics(&report);
        // Times decades apart make tens of thousands of windows: rendered as tables and
        // charts, seconds per input under the fuzzer's instrumentation (a tenth natively).
        if report.windows.len() <= 400 {
            let _ = sextant::report::monitor_text(&report);
            let _ = sextant::report::monitor_markdown(&report);
            let _ = sextant::report::monitor_html(&report);
        }
    }
}

/// Feature columns of CSV bytes, for a model of 3 named features and for any width.
pub fn feature_csv(data: &[u8]) {
    let named = InputSchema {
        n_features: Some(3),
        feature_names: Some(vec!["a".into(), "b".into(), "c".into()]),
        accepts_missing: false,
        integer: None,
    };
    let _ = read_features(data, "fuzz.csv", &named, None, &[]);
    let any = InputSchema { accepts_missing: true, ..InputSchema::default() };
    let _ = read_features(data, "fuzz.csv", &any, None, &["id".into()]);
}

/// An ONNX model from bytes, evaluated on a few rows when it loads.
pub fn onnx_model(data: &[u8]) {
    let Ok(model) = load_model(data, "fuzz.onnx") else { return };
    let width = model.n_features().unwrap_or(3).min(64);
    let rows: Vec<f64> = (0..4 * width).map(|i| i as f64 * 0.25 - 1.0).collect();
    let _ = model.predict(&rows, width);
}

/// A coefficients JSON model from bytes, evaluated on a few rows when it loads.
pub fn coefficients_json(data: &[u8]) {
    onnx_model(data);
}

/// An audit config in TOML, checked as `sextant audit` checks it.
pub fn audit_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(config) = toml::from_str::<AuditConfig>(text) {
        let _ = config.check();
    }
}

/// The options object of the WASM API as JSON: an audit config, and an explanations section.
pub fn wasm_options(data: &[u8]) {
    if let Ok(config) = serde_json::from_slice::<AuditConfig>(data) {
        let _ = config.check();
    }
    let _ = serde_json::from_slice::<ExplanationsConfig>(data);
}

/// An XGBoost JSON or LightGBM text model from bytes (the corpus starts from both formats),
/// evaluated on a few rows and explained by Tree SHAP in every mode it allows.
pub fn tree_model(data: &[u8]) {
    let Ok(model) = load_model(data, "fuzz.model") else { return };
    let width = model.n_features().unwrap_or(3).min(64);
    let values: Vec<f64> =
        (0..4 * width).map(|i| if i % 7 == 3 { f64::NAN } else { i as f64 * 0.5 - 2.0 }).collect();
    let _ = model.predict(&values, width);
    let (Ok(rows), Ok(empty)) =
        (Rows::new(values, width, "rows"), Rows::new(Vec::new(), width, "bg"))
    else {
        return;
    };
    let names: Vec<String> = (0..width).map(|i| format!("f{i}")).collect();
    for (perturbation, output, background) in [
        (FeaturePerturbation::Interventional, ModelOutput::Raw, &rows),
        (FeaturePerturbation::Interventional, ModelOutput::Probability, &rows),
        (FeaturePerturbation::TreePathDependent, ModelOutput::Raw, &empty),
    ] {
        let params = ShapParams {
            algorithm: Algorithm::Tree,
            feature_perturbation: Some(perturbation),
            model_output: Some(output),
            output: Some(sextant::OutputChoice::Index(0)),
            ..ShapParams::default()
        };
        let _ = explain_shap(
            model.as_ref(),
            names.clone(),
            &rows,
            background,
            &params,
            &mut sextant::NoProgress,
        );
    }
}
