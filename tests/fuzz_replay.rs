//! Replays every input the fuzzers kept (fuzz/corpus/TARGET/) and every crash input
//! (fuzz/artifacts/TARGET/) through the fuzz targets' bodies, on stable, in the ordinary test
//! suite: an input that once crashed a parser stays fixed. fuzz/README.md records the runs.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

/// Runs `target` on every file under fuzz/corpus/`name` and fuzz/artifacts/`name`; returns
/// how many it ran.
fn replay(name: &str, target: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = 0;
    for dir in [root.join("corpus").join(name), root.join("artifacts").join(name)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                // A fuzzer running on this corpus replaces inputs as it shortens them.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => panic!("{}: {e}", path.display()),
            };
            let run = std::panic::catch_unwind(|| target(&bytes));
            assert!(run.is_ok(), "{name}: {} panics", path.display());
            inputs += 1;
        }
    }
    assert!(inputs > 0, "{name}: no corpus under fuzz/corpus/{name}");
    inputs
}

#[test]
fn fairness_csv_corpus() {
    replay("fairness_csv", harness::fairness_csv);
}

#[test]
fn feature_csv_corpus() {
    replay("feature_csv", harness::feature_csv);
}

#[test]
fn onnx_model_corpus() {
    replay("onnx_model", harness::onnx_model);
}

#[test]
fn coefficients_json_corpus() {
    replay("coefficients_json", harness::coefficients_json);
}

#[test]
fn audit_toml_corpus() {
    replay("audit_toml", harness::audit_toml);
}

#[test]
fn wasm_options_corpus() {
    replay("wasm_options", harness::wasm_options);
}

#[test]
fn tree_model_corpus() {
    replay("tree_model", harness::tree_model);
}

#[test]
fn monitor_csv_corpus() {
    replay("monitor_csv", harness::monitor_csv);
}
