//! Test helpers shared by the distribution tests: reference tables that scipy wrote as JSON
//! (`tests/fixtures/stats`), and the absolute and relative difference from them.

/// The rows (arrays of numbers) of the JSON array stored under `key` in `json`; empty when
/// there is none (the caller asserts a minimum count).
pub(crate) fn rows(json: &str, key: &str) -> Vec<Vec<f64>> {
    let document: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let number = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN);
    document[key]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    row.as_array().map(|r| r.iter().map(number).collect()).unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Absolute and relative difference (0 when both are equal, 0 = 0 included; infinite when
/// either is NaN).
pub(crate) fn errors(got: f64, want: f64) -> (f64, f64) {
    if got == want {
        return (0.0, 0.0);
    }
    let abs = (got - want).abs();
    let rel = if want != 0.0 { abs / want.abs() } else { f64::INFINITY };
    (if abs.is_nan() { f64::INFINITY } else { abs }, if rel.is_nan() { f64::INFINITY } else { rel })
}
