//! Times Sextant's explainers against the bare model on the same work, for
//! `bench/compare_explainers.py`: permutation SHAP per row (shap's default budget), the model
//! alone on as many rows as SHAP sends it (in the same batch sizes), and LIME per row.
//!
//! usage: cargo run --release --example explain_timing -- MODEL ROWS.csv BACKGROUND.csv TRAIN.csv
//! Prints one JSON object. Run it with RAYON_NUM_THREADS=1 for single-thread figures. Each
//! timing is the best of [`REPEATS`] runs after a warm-up run, as the Python side is timed.

#[path = "shared/timing.rs"]
mod timing;

use sextant::{
    explain_lime, explain_shap, load_model, read_features, Algorithm, FeatureMatrix, LimeParams,
    Model, NoProgress, ShapParams,
};

/// Model rows per call, as the SHAP explainer batches them.
const ROWS_PER_CALL: usize = 32_768;

/// Timed runs per measurement (after one warm-up run).
const REPEATS: usize = 7;

/// The result of `run` and the best of [`REPEATS`] timings of it, after a warm-up run.
fn best_of<T>(
    run: impl FnMut() -> Result<T, timing::Failure>,
) -> Result<(T, f64), timing::Failure> {
    timing::best_of(REPEATS, run)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model_path, rows_path, background_path, training_path] = args.as_slice() else {
        return Err("usage: explain_timing MODEL ROWS.csv BACKGROUND.csv TRAIN.csv".into());
    };
    let model = load_model(&std::fs::read(model_path)?, model_path)?;
    let read = |path: &str| -> Result<FeatureMatrix, Box<dyn std::error::Error>> {
        Ok(read_features(std::fs::File::open(path)?, path, &model.input_schema(), None, &[])?)
    };
    let (rows, background, training) =
        (read(rows_path)?, read(background_path)?, read(training_path)?);
    let n_rows = rows.rows.len() as f64;

    let (shap, shap_seconds) = best_of(|| {
        Ok(explain_shap(
            model.as_ref(),
            rows.names.clone(),
            &rows.rows,
            &background.rows,
            &ShapParams { algorithm: Algorithm::Permutation, ..ShapParams::default() },
            &mut NoProgress,
        )?)
    })?;

    // The floor: the model alone on as many rows as SHAP evaluated, in the same batches.
    let m = rows.names.len();
    let bg_rows = background.rows.len().min(100);
    let varying = m; // continuous data: every feature varies
    let per_row = (500 / (2 * varying + 1)) * (2 * varying + 1) * bg_rows + bg_rows + 1;
    let batch = floor_batch(&background.rows.values()[..bg_rows * m], m);
    let ((), floor_seconds) =
        best_of(|| model_floor(model.as_ref(), &batch, m, per_row * rows.rows.len()))?;

    let (lime, lime_seconds) = best_of(|| {
        Ok(explain_lime(
            model.as_ref(),
            rows.names.clone(),
            &rows.rows,
            &training.rows,
            &LimeParams::default(),
            &mut NoProgress,
        )?)
    })?;

    let shap_values: Vec<&Vec<f64>> = shap.rows.iter().map(|r| &r.values).collect();
    let lime_weights: Vec<Vec<(String, f64)>> = lime
        .rows
        .iter()
        .map(|r| r.weights.iter().map(|w| (w.feature.clone(), w.weight)).collect())
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "rows": rows.rows.len(),
            "model_rows_per_row": per_row,
            "shap_ms_per_row": shap_seconds * 1e3 / n_rows,
            "model_floor_ms_per_row": floor_seconds * 1e3 / n_rows,
            "lime_ms_per_row": lime_seconds * 1e3 / n_rows,
            "shap_values": shap_values,
            "lime_weights": lime_weights,
        })
    );
    Ok(())
}

/// Copies of the background rows, as many as fit in [`ROWS_PER_CALL`].
fn floor_batch(background: &[f64], m: usize) -> Vec<f64> {
    let rows_per_copy = background.len() / m;
    background
        .iter()
        .copied()
        .cycle()
        .take(ROWS_PER_CALL / rows_per_copy * background.len())
        .collect()
}

/// Runs the model on `total` rows taken from `batch`, a batch at a time.
fn model_floor(
    model: &dyn Model,
    batch: &[f64],
    m: usize,
    total: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let batch_rows = batch.len() / m;
    let mut done = 0;
    while done < total {
        let take = batch_rows.min(total - done);
        std::hint::black_box(model.predict(&batch[..take * m], m)?);
        done += take;
    }
    Ok(())
}
