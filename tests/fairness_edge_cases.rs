//! Comparisons where fewer than two groups define a rate, and ratios that are 0/0, on tiny
//! tables (tests/fixtures/edge_cases/fairness.json, made by
//! scripts/fixtures/make_edge_case_references.py with fairlearn 0.15.0 and AIF360 0.6.1).
//!
//! With `--fairlearn-compat` every metric equals fairlearn's (NaN as null), and the AIF360
//! block equals AIF360's in both modes. Without it, a between-groups or to-overall
//! comparison over fewer than two groups that define the rate is null with the reason, its
//! interval is null, equalized odds is null when either part is, and a gate on it fails.

mod common;

use common::{assert_close, scratch, sextant, write};
use serde_json::Value;

const TOLERANCE: f64 = 1e-12;

fn tables() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/edge_cases/fairness.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let document: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    document["tables"].as_array().cloned().unwrap_or_default()
}

/// The CLI's JSON report of `table` with `extra` flags, and its exit code; `test` names the
/// scratch directory (tests run in parallel).
fn audit(test: &str, table: &Value, extra: &[&str]) -> (Value, Option<i32>) {
    let dir = scratch(test);
    let name = table["name"].as_str().unwrap_or_default();
    let file = write(&dir, &format!("{name}.csv"), table["csv"].as_str().unwrap_or("").as_bytes());
    let privileged = format!("grp={}", table["privileged"].as_str().unwrap_or_default());
    let mut args = vec!["fairness", &file, "--label", "label", "--pred", "pred", "--sensitive"];
    args.extend_from_slice(&["grp", "--privileged", &privileged, "--format", "json"]);
    args.extend_from_slice(extra);
    let out = sextant(&args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{name}: not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr))
    });
    (json, out.status.code())
}

#[test]
fn fairlearn_compat_reproduces_fairlearn_and_aif360_exactly() {
    for table in tables() {
        let name = table["name"].as_str().unwrap_or_default();
        let (report, _) = audit("edge_cases_compat", &table, &["--fairlearn-compat"]);
        let attribute = &report["attributes"][0];
        assert_close(&attribute["metrics"], &table["fairlearn"], TOLERANCE, name);
        let aif360 = &attribute["privileged_comparison"];
        assert_close(aif360, &table["aif360"], TOLERANCE, &format!("{name} aif360"));
    }
}

/// Every leaf of a metrics object, by dotted path.
fn leaves(value: &Value, path: &str, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let inner_path =
                    if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                leaves(inner, &inner_path, out);
            }
        }
        other => out.push((path.to_owned(), other.clone())),
    }
}

#[test]
fn comparisons_over_fewer_than_two_groups_are_null_with_the_reason() {
    for table in tables() {
        let name = table["name"].as_str().unwrap_or_default();
        let (report, _) = audit("edge_cases_strict", &table, &["--bootstrap", "200"]);
        let attribute = &report["attributes"][0];
        assert_close(
            &attribute["privileged_comparison"],
            &table["aif360"],
            TOLERANCE,
            &format!("{name} aif360"),
        );
        let mut values = Vec::new();
        leaves(&attribute["metrics"], "", &mut values);
        let mut intervals = Vec::new();
        leaves(&attribute["metric_intervals"], "", &mut intervals);
        for ((path, value), (_, interval)) in values.iter().zip(&intervals) {
            let reason = &attribute["undefined"][path];
            if value.is_null() {
                assert!(reason.is_string(), "{name} {path}: null without a reason");
                assert!(interval.is_null(), "{name} {path}: null value, interval {interval}");
            } else {
                assert!(reason.is_null(), "{name} {path}: a value and a reason {reason}");
            }
        }
    }
}

#[test]
fn each_table_compares_only_rates_two_groups_define() {
    // Per table: the rates that fewer than two groups define; their aggregates, and
    // equalized odds, are null by default, and the others are numbers.
    let expected: &[(&str, &[&str])] = &[
        ("only_a_defines_tpr", &["tpr"]),
        ("only_a_defines_fpr", &["fpr"]),
        ("three_groups_one_defines_tpr", &["tpr"]),
        ("every_tpr_is_zero", &[]),
        ("every_fpr_is_zero", &[]),
        ("no_positive_labels_anywhere", &["tpr"]),
        ("one_row_groups", &[]),
    ];
    let tables = tables();
    for (name, undefined) in expected {
        let table = tables.iter().find(|t| t["name"] == *name);
        let table = table.unwrap_or_else(|| panic!("table {name} missing"));
        let (report, _) = audit("edge_cases_rates", table, &[]);
        let metrics = &report["attributes"][0]["metrics"];
        for rate in ["tpr", "fpr"] {
            let value = &metrics[format!("{rate}_difference")]["between_groups"];
            assert_eq!(
                value.is_null(),
                undefined.contains(&rate),
                "{name} {rate}_difference: {value}"
            );
        }
        let eo = &metrics["equalized_odds_difference"]["default"];
        assert_eq!(eo.is_null(), !undefined.is_empty(), "{name} equalized odds: {eo}");
    }
}

#[test]
fn the_issue_example_reads_as_nothing_compared_and_its_gate_fails() {
    let tables = tables();
    let table = tables.iter().find(|t| t["name"] == "only_a_defines_tpr");
    let table = table.unwrap_or_else(|| panic!("table only_a_defines_tpr missing"));
    let gate = ["--bootstrap", "500", "--max", "equal_opportunity_difference=0.1"];
    let (report, code) = audit("edge_cases_gate", table, &gate);
    let attribute = &report["attributes"][0];
    for path in [
        "equal_opportunity_difference.default",
        "equal_opportunity_difference.to_overall",
        "equal_opportunity_ratio.between_groups",
        "tpr_difference.to_overall",
    ] {
        let reason = attribute["undefined"][path].as_str().unwrap_or_default();
        assert_eq!(reason, "only A defines tpr: a comparison needs two groups", "{path}");
    }
    assert!(attribute["metrics"]["equal_opportunity_difference"]["default"].is_null());
    assert!(attribute["metric_intervals"]["equal_opportunity_difference"]["default"].is_null());
    let eod = &attribute["undefined"]["equalized_odds_difference.between_groups.mean"];
    assert_eq!(
        eod.as_str(),
        Some("its tpr part is undefined: only A defines tpr: a comparison needs two groups")
    );
    // The FPR part alone is defined, and still reported on its own.
    assert!(attribute["metrics"]["fpr_difference"]["between_groups"].is_number());
    let gate = &report["gates"][0];
    assert_eq!(gate["passed"], Value::Bool(false));
    let reason = gate["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("only A defines tpr"), "{reason}");
    assert_eq!(code, Some(1), "a failed gate exits 1");
}
