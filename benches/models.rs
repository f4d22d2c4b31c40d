//! Criterion benchmarks of model evaluation, per model kind, on 100,000 random rows in one
//! batch (the way explainers call models). Run with `cargo bench --bench models`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sextant::{load_model, LinearModel, Model};

const ROWS: usize = 100_000;

fn rows(n_features: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    (0..ROWS * n_features).map(|_| rng.random_range(-2.0..2.0)).collect()
}

fn fixture(name: &str) -> Box<dyn Model> {
    let path = format!("{}/tests/fixtures/models/{name}.onnx", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    load_model(&bytes, name).unwrap_or_else(|e| panic!("{e}"))
}

fn bench_models(c: &mut Criterion) {
    let mut group = c.benchmark_group("predict");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    let data = rows(6);
    let names: Vec<String> = (0..6).map(|i| format!("f{i}")).collect();
    let mut models: Vec<(String, Box<dyn Model>)> = [
        ("gb_classifier-50trees-depth3", "gb_classifier"),
        ("random_forest-20trees-depth5", "random_forest"),
        ("gb_regressor-30trees-depth3", "gb_regressor"),
        ("mlp-16-8", "mlp"),
        ("normalized_ridge", "normalized_ridge"),
    ]
    .into_iter()
    .map(|(label, file)| (label.to_owned(), fixture(file)))
    .collect();
    models.push((
        "coefficients-logistic".into(),
        Box::new(LinearModel::new(names, vec![0.5; 6], 0.1, true)),
    ));
    for (label, model) in &models {
        group.bench_with_input(
            BenchmarkId::new(label.as_str(), format!("{ROWS}rows-6features")),
            &data,
            |b, data| {
                b.iter(|| model.predict(black_box(data), 6));
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_models);
criterion_main!(benches);
