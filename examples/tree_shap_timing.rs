//! Times Sextant's SHAP explainers on one tree model, for `bench/compare_tree_shap.py`.
//!
//! usage: cargo run --release --example tree_shap_timing -- MODEL ROWS.csv BACKGROUND.csv CONFIG...
//! where CONFIG is `tree:interventional:raw`, `tree:interventional:probability`,
//! `tree:tree_path_dependent:raw` or `permutation:N` (the first N rows, shap's default budget).
//! Prints one JSON object: per config, ms per explained row and the values. Run with
//! RAYON_NUM_THREADS=1 for single-thread figures. Each timing is the best of [`REPEATS`]
//! runs after a warm-up run, as the Python side is timed.

#[path = "shared/timing.rs"]
mod timing;

use sextant::{
    explain_shap, load_model, read_features, Algorithm, FeatureMatrix, NoProgress, Rows,
    ShapExplanation, ShapParams,
};

/// Timed runs per measurement (after one warm-up run).
const REPEATS: usize = 3;

use timing::{best_of, Failure};

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model_path, rows_path, background_path, configs @ ..] = args.as_slice() else {
        return Err("usage: tree_shap_timing MODEL ROWS.csv BACKGROUND.csv CONFIG...".into());
    };
    let model = load_model(&std::fs::read(model_path)?, model_path)?;
    let read = |path: &str| -> Result<FeatureMatrix, Failure> {
        Ok(read_features(std::fs::File::open(path)?, path, &model.input_schema(), None, &[])?)
    };
    let (rows, background) = (read(rows_path)?, read(background_path)?);
    let mut results = serde_json::Map::new();
    for config in configs {
        let parts: Vec<&str> = config.split(':').collect();
        let (params, explained, bg) = match parts.as_slice() {
            ["tree", perturbation, output] => {
                let params = ShapParams {
                    algorithm: Algorithm::Tree,
                    feature_perturbation: Some(perturbation.parse()?),
                    model_output: Some(output.parse()?),
                    ..ShapParams::default()
                };
                let bg = if *perturbation == "tree_path_dependent" {
                    Rows::new(Vec::new(), rows.rows.width(), "background")?
                } else {
                    background.rows.clone()
                };
                (params, rows.rows.clone(), bg)
            }
            ["permutation", n] => {
                let n: usize = n.parse()?;
                let indices: Vec<usize> = (0..n.min(rows.rows.len())).collect();
                let params =
                    ShapParams { algorithm: Algorithm::Permutation, ..ShapParams::default() };
                (params, rows.rows.select(&indices, "rows")?, background.rows.clone())
            }
            _ => return Err(format!("unknown config {config}").into()),
        };
        let run = || -> Result<ShapExplanation, Failure> {
            Ok(explain_shap(
                model.as_ref(),
                rows.names.clone(),
                &explained,
                &bg,
                &params,
                &mut NoProgress,
            )?)
        };
        let (result, best) = best_of(REPEATS, run)?;
        let values: Vec<&Vec<f64>> = result.rows.iter().map(|r| &r.values).collect();
        results.insert(
            config.clone(),
            serde_json::json!({
                "ms_per_row": best * 1e3 / explained.len() as f64,
                "rows": explained.len(),
                "base_value": result.base_value,
                "values": values,
            }),
        );
    }
    println!("{}", serde_json::Value::Object(results));
    Ok(())
}
