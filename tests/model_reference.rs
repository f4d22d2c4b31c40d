//! Models reproduce their reference outputs: the skl2onnx exports and coefficient files of
//! `../shared/reference` (scikit-learn's `score` column: 1e-6 through float32 ONNX, 1e-12
//! through coefficients, no `pred` flip at 0.5), and the committed fixtures of
//! `tests/fixtures/models` (onnxruntime's outputs).

mod common;

use std::path::Path;

use sextant::{default_output, load_model, Model};

/// A CSV read into named f64 columns (empty cells are NaN).
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<f64>>,
}

fn read_table(path: &Path) -> Table {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> =
        reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            r.iter()
                .map(|v| if v.is_empty() { f64::NAN } else { v.parse().unwrap_or(f64::NAN) })
                .collect()
        })
        .collect();
    Table { header, rows }
}

impl Table {
    fn column(&self, name: &str) -> Vec<f64> {
        let i = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        self.rows.iter().map(|r| r[i]).collect()
    }

    fn matrix(&self, names: &[String]) -> Vec<f64> {
        let columns: Vec<Vec<f64>> = names.iter().map(|n| self.column(n)).collect();
        (0..self.rows.len()).flat_map(|r| columns.iter().map(move |c| c[r])).collect()
    }
}

fn model_output(model: &dyn Model, rows: &[f64], width: usize, column: usize) -> Vec<f64> {
    let out = model.predict(rows, width).unwrap_or_else(|e| panic!("{e}"));
    out.chunks_exact(model.n_outputs()).map(|r| r[column]).collect()
}

fn check_reference_model(
    dataset: &Path,
    model_file: &str,
    predictions: &str,
    features: &[String],
    tolerance: f64,
) {
    let bytes = std::fs::read(dataset.join(model_file)).unwrap_or_default();
    let model = load_model(&bytes, model_file).unwrap_or_else(|e| panic!("{e}"));
    let table = read_table(&dataset.join(predictions));
    let scores = model_output(
        model.as_ref(),
        &table.matrix(features),
        features.len(),
        default_output(model.as_ref()),
    );
    let expected = table.column("score");
    let preds = table.column("pred");
    for (i, (got, want)) in scores.iter().zip(&expected).enumerate() {
        assert!((got - want).abs() <= tolerance, "{model_file} row {i}: {got} vs {want}");
        assert_eq!(f64::from(u8::from(*got >= 0.5)), preds[i], "{model_file} row {i}: pred flips");
    }
    assert_eq!(scores.len(), expected.len());
}

#[test]
fn reference_models_reproduce_scikit_learn_scores() {
    let Some(shared) = common::shared_dir("model reference") else { return };
    for dataset in ["adult", "compas"] {
        let dir = shared.join("reference").join(dataset);
        let coefficients: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join("logreg_coefficients.json")).unwrap_or_default(),
        )
        .unwrap_or_default();
        let features: Vec<String> = coefficients["feature_names"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        assert!(!features.is_empty());
        check_reference_model(
            &dir,
            "logreg_coefficients.json",
            "predictions_logreg.csv",
            &features,
            1e-12,
        );
        check_reference_model(&dir, "logreg.onnx", "predictions_logreg.csv", &features, 1e-6);
        check_reference_model(&dir, "gbc.onnx", "predictions_gbc.csv", &features, 1e-6);
    }
}

/// Checks every `*.onnx` of `dir` against its `*.expected.csv`; returns how many.
fn check_fixtures(dir: &Path) -> usize {
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("onnx") {
            continue;
        }
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let model = load_model(&std::fs::read(&path).unwrap_or_default(), &name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let table = read_table(&dir.join(format!("{name}.expected.csv")));
        let features: Vec<String> = table
            .header
            .iter()
            .filter(|h| !h.starts_with("onnxruntime_") && !h.starts_with("sklearn_"))
            .cloned()
            .collect();
        let rows = table.matrix(&features);
        for k in 0..model.n_outputs() {
            let got = model_output(model.as_ref(), &rows, features.len(), k);
            for (reference, tolerance) in [("onnxruntime", 2e-5), ("sklearn", 2e-5)] {
                if !table.header.contains(&format!("{reference}_{k}")) {
                    continue;
                }
                let want = table.column(&format!("{reference}_{k}"));
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    let scale = w.abs().max(1.0);
                    assert!(
                        (g - w).abs() <= tolerance * scale,
                        "{name} output {k} row {i}: {g} vs {reference} {w}"
                    );
                }
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn fixtures_reproduce_onnxruntime() {
    let checked = check_fixtures(&common::repo().join("tests/fixtures/models"));
    assert_eq!(checked, 8, "expected eight fixture models");
}

/// A classifier that names its classes with strings, through its ZipMap.
#[test]
fn labelled_fixtures_reproduce_onnxruntime() {
    assert_eq!(check_fixtures(&common::repo().join("tests/fixtures/models/labelled")), 1);
}

/// A pipeline whose input is an int64 tensor (skl2onnx `Int64TensorType`).
#[test]
fn typed_fixtures_reproduce_onnxruntime() {
    assert_eq!(check_fixtures(&common::repo().join("tests/fixtures/models/typed")), 1);
}

/// A graph with an operator Sextant's executor lacks (LeakyRelu) runs through tract.
#[cfg(feature = "tract")]
#[test]
fn tract_runs_graphs_beyond_the_executor() {
    assert_eq!(check_fixtures(&common::repo().join("tests/fixtures/models/tract")), 1);
}
