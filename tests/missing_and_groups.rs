//! Missing-value markers in the audited columns (`--missing error|drop|group`), sensitive
//! columns with too many groups (`--max-groups`) and small groups (`--min-group-size`,
//! `--small-groups`), through the CLI.

mod common;

use common::{assert_error, scratch, sextant, sextant_json, write};
use serde_json::Value;

const DATA: &str = "label,pred,score,grp\n\
1,1,0.9,A\n0,1,0.8,NA\n1,0,0.2,B\n0,0,0.1,A\nNaN,1,0.7,B\n1,1,0.6,null\n0,0,0.4,B\n\
1,0,0.3,A\n0,1,N/A,B\n1,1,0.9,A\n";

/// The same rows without those that have a missing label, prediction or sensitive value.
const COMPLETE: &str = "label,pred,score,grp\n\
1,1,0.9,A\n1,0,0.2,B\n0,0,0.1,A\n0,0,0.4,B\n1,0,0.3,A\n0,1,N/A,B\n1,1,0.9,A\n";

fn audit(dir: &str, data: &str, flags: &[&str]) -> Value {
    let file = write(&scratch(dir), "data.csv", data.as_bytes());
    let mut args = vec!["fairness", &file, "--label", "label", "--sensitive", "grp"];
    args.extend_from_slice(&["--format", "json", "--min-group-size", "1"]);
    args.extend_from_slice(flags);
    sextant_json(&args)
}

#[test]
fn a_missing_value_is_an_error_naming_line_and_column_by_default() {
    let file = write(&scratch("missing_error"), "data.csv", DATA.as_bytes());
    let base = ["fairness", file.as_str(), "--label", "label", "--sensitive", "grp"];
    let with = |extra: &[&'static str]| [&base[..], extra].concat();
    assert_error(
        &with(&["--pred", "pred"]),
        &["line 3, column \"grp\": missing value (\"NA\")", "--missing drop", "--missing group"],
    );
    // A score of N/A on line 10 comes after a label of NaN on line 6.
    assert_error(&with(&["--score", "score"]), &["line 3, column \"grp\""]);
    let no_sensitive_gaps = DATA.replace(",NA\n", ",A\n").replace(",null\n", ",B\n");
    let file = write(&scratch("missing_error"), "label.csv", no_sensitive_gaps.as_bytes());
    let args = ["fairness", &file, "--label", "label", "--pred", "pred", "--sensitive", "grp"];
    assert_error(&args, &["line 6, column \"label\": missing value (\"NaN\")", "--missing drop"]);
    let args = ["fairness", &file, "--label", "label", "--score", "score", "--sensitive", "grp"];
    assert_error(&args, &["line 6, column \"label\""]);
}

#[test]
fn drop_audits_the_complete_rows_and_counts_what_it_left_out() {
    let dropped = audit("missing_drop", DATA, &["--pred", "pred", "--missing", "drop"]);
    let complete = audit("missing_complete", COMPLETE, &["--pred", "pred"]);
    assert_eq!(dropped["attributes"], complete["attributes"]);
    assert_eq!(dropped["rows"], complete["rows"]);
    let missing = &dropped["missing"];
    assert_eq!(missing["policy"], "drop");
    assert_eq!(missing["dropped_rows"], 3);
    assert_eq!(missing["by_column"], serde_json::json!({"grp": 2, "label": 1}));
    assert!(complete.get("missing").is_none(), "no missing object without a policy");
    // With the score as the outcome, the N/A score is left out too.
    let scored = audit("missing_drop_score", DATA, &["--score", "score", "--missing", "drop"]);
    assert_eq!(
        scored["missing"]["by_column"],
        serde_json::json!({"grp": 2, "label": 1, "score": 1})
    );
    assert_eq!(scored["missing"]["dropped_rows"], 4);
}

#[test]
fn group_audits_missing_sensitive_values_as_their_own_group() {
    let report = audit("missing_group", DATA, &["--pred", "pred", "--missing", "group"]);
    let groups = report["attributes"][0]["groups"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = groups.iter().filter_map(|g| g["group"].as_str()).collect();
    assert_eq!(names, ["(missing)", "A", "B"]);
    assert_eq!(groups[0]["count"], 2);
    assert_eq!(report["missing"]["by_column"], serde_json::json!({"label": 1}));
    let text = sextant(&[
        "fairness",
        &write(&scratch("missing_group"), "data.csv", DATA.as_bytes()),
        "--label",
        "label",
        "--pred",
        "pred",
        "--sensitive",
        "grp",
        "--missing",
        "group",
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("audited as the group \"(missing)\"; 1 rows left out (label: 1)"),
        "{text}"
    );
}

#[test]
fn an_identifier_given_as_sensitive_stops_at_max_groups() {
    let mut data = String::from("label,pred,id\n");
    for i in 0..200 {
        data.push_str(&format!("{},{},{i}\n", i % 2, (i / 2) % 2));
    }
    let file = write(&scratch("max_groups"), "data.csv", data.as_bytes());
    let args = ["fairness", &file, "--label", "label", "--pred", "pred", "--sensitive", "id"];
    let limited = [&args[..], &["--max-groups", "50"]].concat();
    assert_error(&limited, &["line 52, column \"id\": more than 50 groups", "--max-groups"]);
    let out = sextant(&args);
    assert_eq!(out.status.code(), Some(0), "200 groups are below the default limit");
}

#[test]
fn small_groups_are_flagged_and_can_be_left_out() {
    // C has 2 rows; A and B have 6 each.
    let mut data = String::from("label,pred,grp\n");
    for (label, pred, grp) in [
        (1, 1, "A"),
        (1, 0, "A"),
        (0, 0, "A"),
        (0, 1, "A"),
        (1, 1, "A"),
        (0, 0, "A"),
        (1, 1, "B"),
        (0, 0, "B"),
        (0, 0, "B"),
        (1, 0, "B"),
        (1, 0, "B"),
        (0, 1, "B"),
        (1, 1, "C"),
        (0, 1, "C"),
    ] {
        data.push_str(&format!("{label},{pred},{grp}\n"));
    }
    let file = write(&scratch("small_groups"), "data.csv", data.as_bytes());
    let args = ["fairness", &file, "--label", "label", "--pred", "pred", "--sensitive", "grp"];
    let json = |extra: &[&str]| sextant_json(&[&args[..], &["--format", "json"], extra].concat());
    let included = json(&["--min-group-size", "5"]);
    let attribute = &included["attributes"][0];
    let small: Vec<bool> = attribute["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| g["small"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(small, [false, false, true]);
    let warning = attribute["warnings"].as_array().and_then(|w| w.last()).cloned();
    let warning = warning.and_then(|w| w.as_str().map(str::to_owned)).unwrap_or_default();
    assert_eq!(
        warning,
        "1 group(s) have fewer than 5 rows: C (2); their rates and intervals are unreliable; included in the aggregates (small groups set to exclude leaves them out)"
    );
    // Selection rates A 3/6, B 2/6, C 2/2: with C the difference is 1 − 1/3, without it
    // 1/2 − 1/3.
    let dpd = |report: &Value| {
        let metrics = &report["attributes"][0]["metrics"];
        metrics["demographic_parity_difference"]["default"].as_f64().unwrap_or(f64::NAN)
    };
    assert!((dpd(&included) - 2.0 / 3.0).abs() < 1e-12, "{}", dpd(&included));
    let excluded =
        json(&["--min-group-size", "5", "--small-groups", "exclude", "--bootstrap", "50"]);
    assert!((dpd(&excluded) - 1.0 / 6.0).abs() < 1e-12, "{}", dpd(&excluded));
    // The intervals of the aggregates come from the groups compared. C selects 2 of 2 in
    // every resample, so with C each resample's difference is at least 1 − 1/2; without it,
    // A's and B's resampled rates are often equal (a fifth of the resamples), so the lower
    // end is far below 1/2.
    let interval =
        &excluded["attributes"][0]["metric_intervals"]["demographic_parity_difference"]["default"];
    assert!(interval[0].as_f64().unwrap_or(1.0) < 0.25, "{interval}");
    let included = json(&["--min-group-size", "5", "--bootstrap", "50"]);
    let with_c =
        &included["attributes"][0]["metric_intervals"]["demographic_parity_difference"]["default"];
    assert!(with_c[0].as_f64().unwrap_or(0.0) >= 0.5, "{with_c}");
    // Leaving out all but one group compares nothing, and says why.
    let one = json(&["--min-group-size", "7", "--small-groups", "exclude"]);
    let reason = &one["attributes"][0]["undefined"]["demographic_parity_difference.default"];
    assert_eq!(
        reason,
        "no group defines selection_rate (small groups left out of the aggregates: A, B, C)"
    );
    assert_eq!(
        excluded["attributes"][0]["groups"].as_array().map(Vec::len),
        Some(3),
        "still listed"
    );
    let text = sextant(&[&args[..], &["--min-group-size", "5"]].concat());
    assert!(String::from_utf8_lossy(&text.stdout).contains("C (small)"));
    // The default of 30 flags every group of this table.
    assert!(json(&[])["attributes"][0]["groups"][0]["small"].as_bool().unwrap_or(false));
}

/// When the missing-value policy leaves every row out, the error says so (not that the
/// file has no rows), from a file and from a merged state.
#[test]
fn every_row_left_out_is_named_as_such() {
    let dir = scratch("missing_all");
    let data = write(&dir, "all.csv", b"y,p,s,g\n1,1,,a\n0,1,NA,b\n1,0,nan,a\n");
    let args = ["fairness", &data, "--label", "y", "--score", "s", "--sensitive", "g"];
    let mut drop = args.to_vec();
    drop.extend(["--missing", "drop"]);
    assert_error(&drop, &["every row was left out for a missing value", "\"s\" (3)"]);
    let state = dir.join("all.json").display().to_string();
    let mut count = drop.clone();
    count[0] = "count";
    count.extend(["--output", &state]);
    assert_eq!(sextant(&count).status.code(), Some(0));
    let mut merged = vec!["fairness", "--from-counts", &state];
    merged.extend(&args[2..]);
    merged.extend(["--missing", "drop"]);
    assert_error(&merged, &["every row was left out for a missing value (3 rows"]);
}
