//! The npm package's TypeScript declarations (wasm/js/index.d.ts) are written by hand: this
//! test holds them to the Rust types they describe, both ways, and fails when either side
//! changes alone. It checks every error code, the schema identifiers, the keys of the audit
//! options (camelCase) and the fields of the result documents and their parts. The WASM
//! crate's tests check the explainers' options the same way.

mod declarations;

use declarations::{assert_same_keys, camel_case, field_names, interface_keys};
use sextant::{
    Aif360Metrics, AttributeReport, AttributeSweep, AuditConfig, Counted, CountsState, CsvPreview,
    ErrorKind, ExplanationsConfig, FairnessReport, GateResult, GroupReport, LimeExplanation,
    Metrics, MissingReport, MonitorGate, MonitorReport, ShapExplanation, SideSummary, SweepRates,
    ThresholdSweep, WindowReport, COUNTS_SCHEMA, FAIRNESS_SCHEMA, LIME_SCHEMA, SHAP_SCHEMA,
};

fn declarations() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/wasm/js/index.d.ts");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fields<'de, T: serde::Deserialize<'de>>() -> Vec<&'static str> {
    field_names::<T>()
        .unwrap_or_else(|| panic!("{} is not a plain struct", std::any::type_name::<T>()))
}

#[test]
fn every_error_code_is_declared_and_no_other() {
    let text = declarations();
    let start = text.find("export type ErrorCode =").unwrap_or_else(|| panic!("no ErrorCode"));
    let union = &text[start..start + text[start..].find(';').unwrap_or(0)];
    let declared: Vec<&str> = union.split('\'').skip(1).step_by(2).collect();
    // Three codes come from the JavaScript side: an uninitialised package, a worker outside
    // a browser, and a bug.
    let mut expected: Vec<&str> = ErrorKind::CODES.to_vec();
    expected.extend(["not_initialised", "unsupported", "internal"]);
    let (mut declared_sorted, mut expected_sorted) = (declared.clone(), expected.clone());
    declared_sorted.sort_unstable();
    expected_sorted.sort_unstable();
    assert_eq!(declared_sorted, expected_sorted, "ErrorCode in index.d.ts");
}

#[test]
fn schema_identifiers_are_declared() {
    let text = declarations();
    for (interface, schema) in [
        ("FairnessReport", FAIRNESS_SCHEMA),
        ("ShapExplanation", SHAP_SCHEMA),
        ("LimeExplanation", LIME_SCHEMA),
        ("CountsState", COUNTS_SCHEMA),
    ] {
        let start = text.find(&format!("export interface {interface} ")).unwrap_or(0);
        let body = &text[start..start + text[start..].find("\n}").unwrap_or(0)];
        assert!(body.contains(&format!("'{schema}'")), "{interface} does not name {schema}");
    }
}

#[test]
fn audit_option_keys_are_declared_in_camel_case_both_ways() {
    let text = declarations();
    let mut declared = interface_keys(&text, "FairnessOptions");
    declared.extend(interface_keys(&text, "AuditConfig"));
    // `outputs` and `exit_zero` write files and set exit codes, which only the CLI does;
    // `source` (the data's name in reports) is JavaScript's own, where the CLI has a path.
    let cli_only = ["outputs", "exit_zero", "exitZero"];
    let expected: Vec<String> = fields::<AuditConfig>()
        .into_iter()
        .filter(|f| !cli_only.contains(f))
        .map(camel_case)
        .collect();
    for key in &expected {
        assert!(declared.contains(key), "FairnessOptions/AuditConfig lack {key}");
    }
    for key in &declared {
        // `fromCounts` is read apart, as the CLI reads `--from-counts` apart from the audit.
        assert!(
            expected.contains(key) || key == "source" || key == "fromCounts",
            "index.d.ts declares {key}, Rust has none"
        );
    }
    assert_same_keys(&text, "ExplanationsOption", &fields::<ExplanationsConfig>(), camel_case, &[]);
}

#[test]
fn result_fields_are_declared_both_ways() {
    let text = declarations();
    let same = |f: &str| f.to_owned();
    assert_same_keys(&text, "FairnessReport", &fields::<FairnessReport>(), same, &[]);
    assert_same_keys(&text, "MissingReport", &fields::<MissingReport>(), same, &[]);
    assert_same_keys(&text, "CsvPreview", &fields::<CsvPreview>(), same, &[]);
    assert_same_keys(&text, "GroupReport", &fields::<GroupReport>(), same, &[]);
    assert_same_keys(&text, "AttributeReport", &fields::<AttributeReport>(), same, &[]);
    assert_same_keys(&text, "GateResult", &fields::<GateResult>(), same, &[]);
    assert_same_keys(&text, "SideSummary", &fields::<SideSummary>(), same, &[]);
    assert_same_keys(&text, "Metrics", &fields::<Metrics<Option<f64>>>(), same, &[]);
    assert_same_keys(&text, "Aif360Metrics", &fields::<Aif360Metrics<Option<f64>>>(), same, &[]);
    assert_same_keys(&text, "ShapExplanation", &fields::<ShapExplanation>(), same, &[]);
    assert_same_keys(&text, "LimeExplanation", &fields::<LimeExplanation>(), same, &[]);
    assert_same_keys(&text, "CountsState", &fields::<CountsState>(), same, &[]);
    assert_same_keys(&text, "CountedSettings", &fields::<Counted>(), same, &[]);
    assert_same_keys(&text, "ThresholdSweep", &fields::<ThresholdSweep>(), same, &[]);
    assert_same_keys(&text, "SweepRates", &fields::<SweepRates>(), same, &[]);
    assert_same_keys(&text, "AttributeSweep", &fields::<AttributeSweep>(), same, &[]);
    assert_same_keys(&text, "MonitorReport", &fields::<MonitorReport>(), same, &[]);
    assert_same_keys(&text, "MonitorWindow", &fields::<WindowReport>(), same, &[]);
    assert_same_keys(&text, "MonitorGate", &fields::<MonitorGate>(), same, &[]);
}
