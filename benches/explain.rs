//! Criterion benchmarks of explanations per row at the Python libraries' defaults: SHAP
//! (max_evals 500, 100 background rows) and LIME (5000 samples, quartile bins, 1000 training
//! rows), for a logistic model with 12 features and a 50-tree gradient-boosting fixture with 6
//! (also by Tree SHAP).
//! Run with `cargo bench --bench explain`.

use criterion::measurement::WallTime;
use criterion::{
    black_box, criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sextant::{
    explain_lime, explain_shap, load_model, Algorithm, LimeParams, LinearModel, Model, NoProgress,
    Rows, ShapParams,
};

const ROWS: usize = 20;

fn data(rows: usize, n: usize, seed: u64) -> Rows {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let values = (0..rows * n).map(|_| rng.random_range(-2.0..2.0)).collect();
    Rows::new(values, n, "data").unwrap_or_else(|e| panic!("{e}"))
}

/// The two benchmarked models: a 12-feature logistic regression and the 50-tree fixture.
fn models() -> (LinearModel, Box<dyn Model>) {
    let path = format!("{}/tests/fixtures/models/gb_classifier.onnx", env!("CARGO_MANIFEST_DIR"));
    let gbc = load_model(&std::fs::read(&path).unwrap_or_default(), "gb_classifier")
        .unwrap_or_else(|e| panic!("{e}"));
    let names12: Vec<String> = (0..12).map(|i| format!("f{i}")).collect();
    let logistic =
        LinearModel::new(names12, (0..12).map(|i| f64::from(i) * 0.1 - 0.5).collect(), 0.2, true);
    (logistic, gbc)
}

/// Runs `bench` in group `name` for each model: its label, the model and its feature count.
fn for_each_model(
    c: &mut Criterion,
    name: &str,
    mut bench: impl FnMut(&mut BenchmarkGroup<'_, WallTime>, &str, &dyn Model, usize),
) {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    let (logistic, gbc) = models();
    let cases: [(&str, &dyn Model, usize); 2] =
        [("logistic-12features", &logistic, 12), ("gbc-50trees-6features", gbc.as_ref(), 6)];
    for (label, model, n) in cases {
        bench(&mut group, label, model, n);
    }
    group.finish();
}

fn bench_shap(c: &mut Criterion) {
    for_each_model(c, "shap", |group, label, model, n| {
        let names: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
        let rows = data(ROWS, n, 1);
        let background = data(100, n, 2);
        let mut algorithms =
            vec![("permutation-max_evals500", Algorithm::Permutation), ("exact", Algorithm::Exact)];
        if model.forest().is_some() {
            algorithms.push(("tree-interventional", Algorithm::Tree));
        }
        for (method, algorithm) in algorithms {
            let params = ShapParams { algorithm, ..ShapParams::default() };
            group.bench_function(BenchmarkId::new(label, format!("{method}-{ROWS}rows")), |b| {
                b.iter(|| {
                    explain_shap(
                        model,
                        names.clone(),
                        black_box(&rows),
                        &background,
                        &params,
                        &mut NoProgress,
                    )
                });
            });
        }
    });
}

fn bench_lime(c: &mut Criterion) {
    for_each_model(c, "lime", |group, label, model, n| {
        let names: Vec<String> = (0..n).map(|i| format!("f{i}")).collect();
        let rows = data(ROWS, n, 1);
        let training = data(1000, n, 3);
        group.bench_function(BenchmarkId::new(label, format!("5000samples-{ROWS}rows")), |b| {
            b.iter(|| {
                explain_lime(
                    model,
                    names.clone(),
                    black_box(&rows),
                    &training,
                    &LimeParams::default(),
                    &mut NoProgress,
                )
            });
        });
    });
}

criterion_group!(benches, bench_shap, bench_lime);
criterion_main!(benches);
