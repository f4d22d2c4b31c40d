//! The committed demo data (the loans and the decision log) is exactly what its generator makes, so it can be trusted and
//! regenerated (`cargo run --example generate_demo`).

#[allow(dead_code)]
#[path = "../examples/generate_demo.rs"]
mod generator;

#[test]
fn committed_demo_data_matches_the_generator() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo/loans.csv");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generator::demo_csv(),
        "{path} differs from the generator's output; run `cargo run --example generate_demo`"
    );
    assert_eq!(committed.lines().count(), generator::ROWS + 1);
}

#[test]
fn committed_decision_log_matches_the_generator() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/demo/loans_log.csv");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generator::log_csv(),
        "{path} differs from the generator's output; run `cargo run --example generate_demo`"
    );
    assert_eq!(committed.lines().count(), generator::LOG_ROWS + 1);
}
