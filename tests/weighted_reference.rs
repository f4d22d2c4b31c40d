//! Weighted audits (`--sample-weight`) against fairlearn 0.15 (`sample_weight`) and AIF360
//! 0.6.1 (`instance_weights`): the references in `tests/fixtures/weighted/`, made by
//! `scripts/fixtures/make_weighted_references.py` — Adult's test set weighted by its census
//! weight `fnlwgt` (needs `../shared`), and a small table with fractional and zero weights.
//! Also: weighted bootstrap intervals against fairlearn's, constant weights against no
//! weights, merged weighted states against the whole, and bad weights.

mod common;

use std::path::{Path, PathBuf};

use common::{
    assert_attribute_close, assert_close, repo, scratch, sextant, sextant_json, shared_dir, write,
};
use serde_json::{json, Value};

const TOLERANCE: f64 = 1e-12;

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/weighted").join(name)
}

/// The CLI's `--sensitive` spec of a reference attribute key (`sex_x_race` → `sex&race`),
/// with `prefix` before each column.
fn spec(key: &str, prefix: &str) -> String {
    key.split("_x_").map(|a| format!("{prefix}{a}")).collect::<Vec<_>>().join("&")
}

/// Runs a weighted fairlearn-compatible audit of `data` for the reference's attributes.
fn audit(data: &Path, reference: &Value, prefix: &str, extra: &[&str]) -> Value {
    let data = data.display().to_string();
    let weight = reference["sample_weight"].as_str().unwrap_or_default();
    let mut args: Vec<String> = ["fairness", &data, "--label", "label", "--pred", "pred"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    args.extend(["--sample-weight".into(), weight.into(), "--fairlearn-compat".into()]);
    args.extend(["--format".into(), "json".into()]);
    for key in reference["attributes"].as_object().into_iter().flatten().map(|(k, _)| k) {
        args.extend(["--sensitive".into(), spec(key, prefix)]);
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sextant_json(&args)
}

fn attribute<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["attribute"] == json!(name))
        .unwrap_or_else(|| panic!("attribute {name} missing"))
}

fn check_reference(data: &Path, reference: &Value, prefix: &str, what: &str) {
    let report = audit(data, reference, prefix, &[]);
    assert_eq!(report["sample_weight"], reference["sample_weight"], "{what}");
    assert_close(&report["overall"], &reference["overall"], TOLERANCE, &format!("{what} overall"));
    for (key, expected) in reference["attributes"].as_object().into_iter().flatten() {
        let actual = attribute(&report, &spec(key, prefix));
        let where_ = format!("{what} {key}");
        assert_attribute_close(actual, expected, TOLERANCE, &where_);
    }
    for entry in reference["aif360_style"].as_array().into_iter().flatten() {
        let name = format!("{prefix}{}", entry["attribute"].as_str().unwrap_or_default());
        let privileged =
            format!("{name}={}", entry["privileged_values"][0].as_str().unwrap_or_default());
        let favorable = entry["favorable_label"].to_string();
        let report = audit(
            data,
            reference,
            prefix,
            &["--privileged", &privileged, "--favorable-label", &favorable],
        );
        let actual = &attribute(&report, &name)["privileged_comparison"];
        let where_ = format!("{what} {privileged}");
        assert_close(actual, &entry["aif360"], TOLERANCE, &format!("{where_} aif360"));
        assert_close(actual, &entry["formula"], TOLERANCE, &format!("{where_} formula"));
        for side in ["privileged", "unprivileged"] {
            assert_close(&actual[side], &entry[side], TOLERANCE, &format!("{where_} {side}"));
        }
    }
}

#[test]
fn fractional_and_zero_weights_match_fairlearn_and_aif360() {
    let reference = load(&fixture("tiny.json"));
    check_reference(&fixture("tiny.csv"), &reference, "", "tiny");
}

/// Adult's test predictions with each row's `fnlwgt` from `adult.test`, as the reference
/// script joins them (record `source_row` after the file's first line).
fn adult_with_fnlwgt(shared: &Path, test: &str) -> PathBuf {
    let raw = std::fs::read_to_string(shared.join("datasets/adult/adult.test")).unwrap_or_default();
    let records: Vec<Vec<&str>> = raw
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::trim).collect())
        .collect();
    let predictions = shared.join("reference/adult/predictions_logreg.csv");
    let mut reader = csv::Reader::from_path(&predictions).unwrap_or_else(|e| panic!("{e}"));
    let headers = reader.headers().cloned().unwrap_or_default();
    let at =
        |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
    let (row_at, age_at) = (at("source_row"), at("age"));
    let out = scratch(test).join("adult_fnlwgt.csv");
    let mut writer = csv::Writer::from_path(&out).unwrap_or_else(|e| panic!("{e}"));
    let mut header: Vec<&str> = headers.iter().collect();
    header.push("fnlwgt");
    writer.write_record(&header).unwrap_or_else(|e| panic!("{e}"));
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{e}"));
        let row: usize = record[row_at].parse().unwrap_or_else(|e| panic!("{e}"));
        let raw = &records[row];
        assert_eq!(raw[0], &record[age_at], "adult.test record {row}: age");
        let mut fields: Vec<&str> = record.iter().collect();
        fields.push(raw[2]);
        writer.write_record(&fields).unwrap_or_else(|e| panic!("{e}"));
    }
    writer.flush().unwrap_or_else(|e| panic!("{e}"));
    out
}

#[test]
fn adult_weighted_by_fnlwgt_matches_fairlearn_and_aif360() {
    let Some(shared) = shared_dir("weighted Adult reference") else {
        return;
    };
    let reference = load(&fixture("adult_logreg_fnlwgt.json"));
    check_reference(
        &adult_with_fnlwgt(&shared, "weighted-adult"),
        &reference,
        "sensitive_",
        "adult fnlwgt",
    );
}

#[test]
fn weighted_bootstrap_intervals_agree_with_fairlearns() {
    let Some(shared) = shared_dir("weighted bootstrap against fairlearn") else {
        return;
    };
    let reference = load(&fixture("adult_logreg_fnlwgt.json"));
    let data = adult_with_fnlwgt(&shared, "weighted-bootstrap").display().to_string();
    let report = sextant_json(&[
        "fairness",
        &data,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "sensitive_sex",
        "--sample-weight",
        "fnlwgt",
        "--bootstrap",
        "4000",
        "--seed",
        "1",
        "--format",
        "json",
    ]);
    let sex = attribute(&report, "sensitive_sex");
    let bootstrap = &reference["bootstrap"];
    // Different resamplings (fairlearn's is not stratified by group) and random streams:
    // the ends agree to within a fifth of the interval's width, while the unweighted
    // intervals (centred on other values) do not.
    let close = |actual: &Value, expected: &Value, what: &str| {
        let (a, e) = (
            |i: usize| actual[i].as_f64().unwrap_or(f64::NAN),
            |i: usize| expected[i].as_f64().unwrap_or(f64::NAN),
        );
        let width = e(1) - e(0);
        for i in 0..2 {
            assert!(
                (a(i) - e(i)).abs() <= 0.2 * width,
                "{what}: {actual} vs fairlearn's {expected}"
            );
        }
    };
    for (expected, actual) in bootstrap["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(sex["groups"].as_array().into_iter().flatten())
    {
        for rate in ["selection_rate", "tpr", "fpr"] {
            close(
                &actual["intervals"][rate],
                &expected[rate]["ci"],
                &format!("{} {rate}", actual["group"]),
            );
        }
    }
    close(
        &sex["metric_intervals"]["demographic_parity_difference"]["between_groups"],
        &bootstrap["difference_between_groups"]["selection_rate"]["ci"],
        "demographic_parity_difference",
    );
}

/// The demo data with a column `w` of weight `weight` on every row.
fn demo_with_weight(test: &str, weight: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("datasets/demo/loans.csv")).unwrap_or_default();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        out.push_str(line);
        out.push_str(if i == 0 { ",w\n" } else { "," });
        if i > 0 {
            out.push_str(weight);
            out.push('\n');
        }
    }
    let path = scratch(test).join("loans_w.csv");
    std::fs::write(&path, out).unwrap_or_default();
    path
}

const DEMO: [&str; 12] = [
    "--label",
    "repaid",
    "--score",
    "score",
    "--sensitive",
    "sex",
    "--sensitive",
    "sex&age_group",
    "--privileged",
    "sex=male",
    "--bootstrap",
    "200",
];

#[test]
fn a_constant_weight_gives_the_unweighted_report() {
    let data = demo_with_weight("weighted-constant", "2.5").display().to_string();
    let plain = sextant_json(&[&["fairness", &data, "--format", "json"], &DEMO[..]].concat());
    let mut weighted = sextant_json(
        &[&["fairness", &data, "--format", "json", "--sample-weight", "w"], &DEMO[..]].concat(),
    );
    assert_eq!(weighted["sample_weight"], "w");
    assert_eq!(weighted["overall"]["weight"].as_f64(), Some(2.5 * 20_000.0));
    // Without the weight fields, the same document: rates, metrics and intervals.
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for key in ["sample_weight", "weight", "weighted_confusion"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut weighted);
    assert_eq!(weighted, plain);
    // A group without label positives: undefined for that reason, weighted or not (its
    // positives do not "weigh 0": it has none).
    let dir = scratch("weighted-constant-undefined");
    let small = dir.join("small.csv");
    let rows = "label,pred,sex,w\n1,1,F,2\n0,1,F,2\n0,0,M,2\n0,1,M,2\n";
    std::fs::write(&small, rows).unwrap_or_default();
    let small = small.display().to_string();
    let args = ["fairness", &small, "--label", "label", "--pred", "pred", "--sensitive", "sex"];
    let plain = sextant_json(&[&args[..], &["--format", "json"]].concat());
    let mut weighted =
        sextant_json(&[&args[..], &["--format", "json", "--sample-weight", "w"]].concat());
    strip(&mut weighted);
    assert_eq!(weighted, plain);
    let male = &plain["attributes"][0]["groups"][1];
    assert_eq!(male["undefined"]["tpr"], "the group has no label positives (tp + fn = 0)");
}

#[test]
fn merged_weighted_states_report_the_whole() {
    let dir = scratch("weighted-states");
    let text = std::fs::read_to_string(fixture("tiny.csv")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
    std::fs::write(&a, format!("{}\n", lines[..10].join("\n"))).unwrap_or_default();
    std::fs::write(&b, format!("{}\n{}\n", lines[0], lines[10..].join("\n"))).unwrap_or_default();
    let flags =
        ["--label", "label", "--pred", "pred", "--sensitive", "group", "--sample-weight", "w"];
    for (part, out) in [(&a, dir.join("a.json")), (&b, dir.join("b.json"))] {
        let (part, out) = (part.display().to_string(), out.display().to_string());
        let status = sextant(&[&["count", &part], &flags[..], &["--output", &out]].concat());
        assert_eq!(status.status.code(), Some(0), "{}", String::from_utf8_lossy(&status.stderr));
    }
    let report = ["--bootstrap", "300", "--format", "json"];
    let whole = sextant_json(
        &[&["fairness", &fixture("tiny.csv").display().to_string()], &flags[..], &report[..]]
            .concat(),
    );
    let (a_json, b_json) =
        (dir.join("a.json").display().to_string(), dir.join("b.json").display().to_string());
    let merged = sextant_json(
        &[&["fairness", "--from-counts", &a_json, &b_json], &flags[..], &report[..]].concat(),
    );
    let without = |mut v: Value| {
        v.as_object_mut().map(|o| o.remove("source"));
        v
    };
    assert_eq!(without(merged), without(whole));
    // A state counted without weights does not merge into a weighted audit.
    let plain = dir.join("plain.json").display().to_string();
    let a_csv = a.display().to_string();
    sextant(&[
        "count",
        &a_csv,
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "group",
        "--output",
        &plain,
    ]);
    let out = sextant(&[&["fairness", "--from-counts", &plain, &b_json], &flags[..]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sample_weight"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_weight_that_is_negative_or_not_a_number_is_an_error_naming_line_and_column() {
    for (weight, shown) in [("-1", "-1"), ("abc", "abc"), ("inf", "inf")] {
        let data = demo_with_weight(&format!("weighted-bad-{shown}"), weight).display().to_string();
        let out = sextant(
            &[&["fairness", &data, "--sample-weight", "w"], &DEMO[..4], &DEMO[4..6]].concat(),
        );
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "line 2, column \"w\": sample weight \"{shown}\" is not a finite number ≥ 0"
            )),
            "{stderr}"
        );
    }
}

/// A group whose rows all weigh 0 keeps its rows' count, and its undefined rates say the
/// rows weigh 0 (not that there are none).
#[test]
fn rates_of_rows_that_weigh_zero_say_so() {
    let dir = scratch("weighted-zero");
    let data = write(&dir, "zero.csv", b"g,y,p,w\na,1,1,1\na,0,0,2\nb,1,0,0\nb,0,1,0\n");
    let report = sextant_json(&[
        "fairness",
        &data,
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
        "--sample-weight",
        "w",
        "--min-group-size",
        "1",
        "--format",
        "json",
    ]);
    let b = &report["attributes"][0]["groups"][1];
    assert_eq!((b["group"].as_str(), b["count"].as_u64()), (Some("b"), Some(2)), "{b}");
    assert_eq!(b["undefined"]["selection_rate"], "the group's rows weigh 0 in all", "{b}");
    let warnings = report["attributes"][0]["warnings"].to_string();
    assert!(warnings.contains("label positives weigh 0 in all"), "{warnings}");
}
