//! Criterion benchmarks of the fairness core: group counting over in-memory columns,
//! CSV streaming, and the bootstrap. Run with `cargo bench --bench fairness`.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sextant::{audit, count_codes, count_csv, AuditConfig, CountedData, GroupCounts, NoProgress};

fn columns(rows: usize) -> (Vec<u8>, Vec<u8>, Vec<u32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let labels = (0..rows).map(|_| rng.random_range(0..2u8)).collect();
    let preds = (0..rows).map(|_| rng.random_range(0..2u8)).collect();
    let groups = (0..rows).map(|_| rng.random_range(0..4u32)).collect();
    (labels, preds, groups)
}

fn csv_bytes(rows: usize) -> Vec<u8> {
    let (labels, preds, groups) = columns(rows);
    let mut out = b"id,label,score,pred,group,region\n".to_vec();
    for i in 0..rows {
        let line = format!(
            "{i},{},{:.6},{},g{},r{}\n",
            labels[i],
            f64::from(preds[i]) * 0.5 + 0.25,
            preds[i],
            groups[i],
            i % 7
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn bench_counting(c: &mut Criterion) {
    let mut group = c.benchmark_group("count_codes");
    for rows in [1_000_000, 10_000_000] {
        let (labels, preds, groups) = columns(rows);
        group.throughput(Throughput::Elements(rows as u64));
        group.bench_with_input(
            BenchmarkId::new("4groups", format!("{rows}rows")),
            &rows,
            |b, _| {
                b.iter(|| {
                    count_codes(black_box(&labels), black_box(&preds), black_box(&groups), 4)
                });
            },
        );
    }
    group.finish();
}

fn bench_csv(c: &mut Criterion) {
    let rows = 1_000_000;
    let data = csv_bytes(rows);
    let plan = AuditConfig {
        label: "label".into(),
        score: Some("score".into()),
        sensitive: vec!["group".into(), "group&region".into()],
        ..AuditConfig::default()
    }
    .check()
    .unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("count_csv");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function(BenchmarkId::new("2attributes", format!("{rows}rows")), |b| {
        b.iter(|| count_csv(black_box(&data[..]), "bench", &plan));
    });
    group.finish();
}

fn bench_bootstrap(c: &mut Criterion) {
    // Counts of a 10M-row audit over 4 groups × 7 regions.
    let (labels, preds, groups) = columns(1_000_000);
    let mut counts = GroupCounts::new(vec!["group".into(), "region".into()]);
    for i in 0..labels.len() {
        let values = [format!("g{}", groups[i]), format!("r{}", i % 7)];
        let refs = [values[0].as_str(), values[1].as_str()];
        let _ = counts.add_row(&refs, labels[i] == 1, preds[i] == 1);
    }
    let ten_times = counts.clone();
    for _ in 0..9 {
        let _ = counts.merge(&ten_times);
    }
    let data = CountedData {
        counts,
        positive_label: "1".into(),
        negative_label: Some("0".into()),
        favorable_is_positive: true,
        missing: None,
        sweep: None,
    };
    let plan = AuditConfig {
        label: "label".into(),
        pred: Some("pred".into()),
        sensitive: vec!["group".into(), "region".into(), "group&region".into()],
        privileged: vec!["group=g0".into()],
        bootstrap: Some(1000),
        ..AuditConfig::default()
    }
    .check()
    .unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("bootstrap");
    group.sample_size(10);
    group.bench_function("1000resamples-10Mrows-3attributes", |b| {
        b.iter(|| audit(&plan, black_box(&data), "bench", &mut NoProgress));
    });
    group.finish();
}

criterion_group!(benches, bench_counting, bench_csv, bench_bootstrap);
criterion_main!(benches);
