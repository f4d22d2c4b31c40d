//! Helpers shared by the integration tests: running the `sextant` binary, and finding the
//! read-only `../shared` reference data (absent from a user's fresh clone).

#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `../shared` directory next to the repository, or `None` after printing why the
/// calling test is skipped.
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("reference").is_dir() {
        Some(dir)
    } else {
        println!("SKIPPED {test}: ../shared (reference data) is absent in this checkout");
        None
    }
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `sextant` with `args` from the repository root.
pub fn sextant(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args(args)
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic!("cannot run sextant: {e}"))
}

/// Runs `sextant` with `args` from the repository root, `data` on its standard input.
pub fn with_stdin(args: &[&str], data: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(data).unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `sextant` and parses its standard output as JSON, failing on a non-0/1 exit.
pub fn sextant_json(args: &[&str]) -> serde_json::Value {
    let out = sextant(args);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "sextant {args:?} exited {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Asserts that `actual` equals `expected` wherever `expected` has a value: numbers to
/// `tolerance`, everything else exactly; `path` names the place in failure messages.
pub fn assert_close(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    tolerance: f64,
    path: &str,
) {
    use serde_json::Value;
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap_or(f64::NAN), a.as_f64().unwrap_or(f64::NAN));
            assert!((e - a).abs() <= tolerance, "{path}: expected {e}, got {a}");
        }
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let got = a.get(key).unwrap_or_else(|| panic!("{path}.{key}: missing"));
                assert_close(got, value, tolerance, &format!("{path}.{key}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: length");
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                assert_close(av, ev, tolerance, &format!("{path}[{i}]"));
            }
        }
        (e, a) => assert_eq!(a, e, "{path}"),
    }
}

/// Asserts that a reported attribute's `metrics` and `groups` equal a reference attribute's
/// to `tolerance`; `path` names the attribute in failure messages.
pub fn assert_attribute_close(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    tolerance: f64,
    path: &str,
) {
    assert_close(&actual["metrics"], &expected["metrics"], tolerance, &format!("{path} metrics"));
    assert_groups_close(&actual["groups"], &expected["groups"], tolerance, path);
}

/// Asserts that a reported attribute's `groups` equal a reference attribute's `groups`
/// (where `group` lists the values of its columns, joined by `&` in reports), in order, to
/// `tolerance`; `path` names the attribute in failure messages.
fn assert_groups_close(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    tolerance: f64,
    path: &str,
) {
    let expected = expected.as_array().cloned().unwrap_or_default();
    let actual = actual.as_array().cloned().unwrap_or_default();
    assert_eq!(actual.len(), expected.len(), "{path}: number of groups");
    for (expected_group, actual_group) in expected.iter().zip(&actual) {
        let values: Vec<&str> = expected_group["group"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let mut expected_group = expected_group.clone();
        expected_group["group"] = serde_json::json!(values.join("&"));
        assert_close(
            actual_group,
            &expected_group,
            tolerance,
            &format!("{path} group {}", values.join("&")),
        );
    }
}

/// A fresh scratch directory for `test`'s files, under `target/test-scratch`.
pub fn scratch(test: &str) -> PathBuf {
    let dir = repo().join("target/test-scratch").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Writes `content` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

/// Runs `sextant args`, expecting exit 2 and a one-line error containing every needle.
pub fn assert_error(args: &[&str], needles: &[&str]) {
    let out = sextant(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line expected: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{args:?}: {stderr:?} lacks {needle:?}");
    }
}

/// A coefficients model f(x) = weights·x + intercept over features x0, x1, ….
pub fn linear_json(weights: &[f64], intercept: f64) -> String {
    let names: Vec<String> = (0..weights.len()).map(|i| format!("\"x{i}\"")).collect();
    let weights: Vec<String> = weights.iter().map(f64::to_string).collect();
    format!(
        "{{\"feature_names\": [{}], \"coef_raw\": [{}], \"intercept_raw\": {intercept}, \"link\": \"identity\"}}",
        names.join(","),
        weights.join(",")
    )
}

/// A CSV with columns x0, x1, … holding `rows`.
pub fn csv(rows: &[&[f64]]) -> String {
    let width = rows.first().map_or(0, |r| r.len());
    let mut out: String = (0..width).map(|i| format!("x{i}")).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(f64::to_string).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
pub mod columnar;
