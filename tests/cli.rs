//! The `sextant` command line end to end: exit codes, formats, the audit config, and a
//! one-line error naming file, line and column for every kind of bad input.

mod common;

use common::{assert_error, repo, scratch, sextant, sextant_json, with_stdin, write};

const GOOD: &str =
    "label,score,pred,sex,race\n1,0.9,1,F,A\n0,0.2,0,F,B\n1,0.4,0,M,A\n0,0.7,1,M,B\n1,0.8,1,M,A\n";

fn fairness_args<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args =
        vec!["fairness", file, "--label", "label", "--score", "score", "--sensitive", "sex"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn bad_input_gets_a_one_line_error_with_exit_2() {
    let dir = scratch("bad_input");
    let missing = dir.join("missing.csv").display().to_string();
    assert_error(&fairness_args(&missing, &[]), &["missing.csv", "cannot read"]);

    let cases: [(&str, &[u8], &[&str]); 10] = [
        (
            "not_utf8.csv",
            b"label,score,sex\n1,0.5,\xff\n0,0.1,M\n",
            &["not_utf8.csv", "line 2", "column \"sex\"", "UTF-8"],
        ),
        ("empty.csv", b"", &["empty.csv", "empty"]),
        ("header_only.csv", b"label,score,sex\n", &["header_only.csv", "no data rows"]),
        (
            "ragged.csv",
            b"label,score,sex\n1,0.5,F\n0,0.1\n",
            &["ragged.csv", "line 3", "2 fields", "header has 3"],
        ),
        (
            "unknown.csv",
            b"label,scores,sex\n1,0.5,F\n",
            &["unknown.csv", "no column \"score\"", "did you mean \"scores\""],
        ),
        (
            "three_labels.csv",
            b"label,score,sex\n1,0.5,F\n0,0.1,M\n2,0.3,M\n",
            &["three_labels.csv", "line 4", "column \"label\"", "\"2\""],
        ),
        (
            "text_score.csv",
            b"label,score,sex\n1,high,F\n",
            &["text_score.csv", "line 2", "column \"score\"", "\"high\" is not a number"],
        ),
        (
            "nan_score.csv",
            b"label,score,sex\n1,0.5,F\n0,NaN,M\n",
            // NaN is a missing-value marker (as pandas reads it), like an empty cell.
            &["nan_score.csv", "line 3", "column \"score\"", "missing value (\"NaN\")"],
        ),
        (
            "empty_group.csv",
            b"label,score,sex\n1,0.5,F\n0,0.1,\n",
            &["empty_group.csv", "line 3", "column \"sex\"", "missing value (\"\")", "--missing"],
        ),
        (
            "one_group.csv",
            b"label,score,sex\n1,0.5,F\n0,0.1,F\n",
            &["one_group.csv", "column \"sex\"", "single group"],
        ),
    ];
    for (name, content, needles) in cases {
        let file = write(&dir, name, content);
        assert_error(&fairness_args(&file, &[]), needles);
    }
    let file = write(&dir, "inf.csv", b"label,score,sex\n1,inf,F\n0,0.1,M\n");
    assert_error(&fairness_args(&file, &[]), &["inf.csv", "line 2", "not a finite number"]);
    let file = write(&dir, "named.csv", b"label,score,sex\nyes,0.5,F\nno,0.1,M\nmaybe,0.3,M\n");
    assert_error(
        &fairness_args(&file, &["--positive-label", "yes"]),
        &["named.csv", "line 4", "\"maybe\" is a third value"],
    );
}

/// An error names the physical line of its row whatever the line ends: `\r\n` (as the
/// COMPAS file has), blank lines, a lone `\r`, quoted line breaks; from a file and from
/// standard input. (The csv crate's own line numbers lag after `\r\n` and blank lines.)
#[test]
fn errors_name_the_physical_line_whatever_the_line_ends() {
    let dir = scratch("line_ends");
    let cases: [(&str, &[u8], &str); 5] = [
        ("crlf.csv", b"label,score,sex\r\n1,0.5,F\r\n0,,M\r\n", "line 3"),
        ("blank.csv", b"label,score,sex\n1,0.5,F\n\n\n0,,M\n", "line 5"),
        ("blank_crlf.csv", b"label,score,sex\r\n\r\n1,0.5,F\r\n\r\n0,,M\r\n", "line 5"),
        ("cr.csv", b"label,score,sex\r1,0.5,F\r0,,M\r", "line 3"),
        ("quoted.csv", b"label,score,sex\r\n1,0.5,\"F\r\nG\"\r\n0,,M\r\n", "line 4"),
    ];
    for (name, content, line) in cases {
        let file = write(&dir, name, content);
        assert_error(&fairness_args(&file, &[]), &[name, line, "missing value"]);
        let out = with_stdin(&fairness_args("-", &[]), content);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("<stdin>, {line},")), "{name}: {stderr}");
    }
    // A ragged row, reported by the csv crate itself, past a 64 KiB read buffer.
    let mut big = b"label,score,sex\r\n".to_vec();
    for _ in 0..9000 {
        big.extend_from_slice(b"1,0.5,F\r\n0,0.25,M\r\n");
    }
    big.extend_from_slice(b"1,0.5\r\n");
    let file = write(&dir, "ragged.csv", &big);
    assert_error(&fairness_args(&file, &[]), &["ragged.csv, line 18002:", "2 fields"]);
}

/// A boolean sensitive column written in lowercase (polars, DuckDB, Spark) names its groups
/// as pandas reads them and as a typed column does: `True`, `False`; `--privileged` may
/// spell them either way.
#[test]
fn boolean_groups_are_named_as_pandas_reads_them() {
    let dir = scratch("boolean_groups");
    let rows = |t: &str, f: &str| {
        format!("label,pred,flag\n1,1,{t}\n0,1,{t}\n1,0,{f}\n0,0,{f}\n1,1,{f}\n")
    };
    let report = |name: &str, t: &str, f: &str, privileged: &str| {
        let path = write(&dir, name, rows(t, f).as_bytes());
        let args = ["fairness", &path, "--label", "label", "--pred", "pred", "--sensitive", "flag"];
        let mut json =
            sextant_json(&[&args[..], &["--privileged", privileged, "--format", "json"]].concat());
        json["source"] = serde_json::Value::Null;
        json
    };
    let pandas = report("pandas.csv", "True", "False", "flag=True");
    let groups: Vec<&str> = pandas["attributes"][0]["groups"]
        .as_array()
        .map(|g| g.iter().filter_map(|g| g["group"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(groups, ["False", "True"]);
    assert_eq!(report("polars.csv", "true", "false", "flag=true"), pandas);
    assert_eq!(report("upper.csv", "TRUE", "FALSE", "flag=True"), pandas);
}

/// A named positive value matches its other spellings, as pandas compares values: with
/// `--positive-label 1`, `1.0`/`0.0` and `True`/`False` labels audit as 0/1 labels do, and
/// counted states whose other value is spelled differently (`0`, `0.0`) merge.
#[test]
fn a_named_positive_value_matches_its_spellings() {
    let dir = scratch("positive_spellings");
    let floats =
        write(&dir, "floats.csv", b"label,p,sex\n1.0,1.0,F\n0.0,1.0,M\n0.0,0.0,F\n1.0,0.0,M\n");
    let ints = write(&dir, "ints.csv", b"label,p,sex\n1,1,F\n0,1,M\n0,0,F\n1,0,M\n");
    let bools = write(
        &dir,
        "bools.csv",
        b"label,p,sex\nTrue,True,F\nFalse,True,M\nFalse,False,F\nTrue,False,M\n",
    );
    let counting = ["--label", "label", "--pred", "p", "--sensitive", "sex"];
    let attributes = |file: &str, extra: &[&str]| {
        let json = sextant_json(
            &[&["fairness", file][..], &counting, extra, &["--format", "json"]].concat(),
        );
        json["attributes"].clone()
    };
    let default = attributes(&ints, &[]);
    for (file, named) in
        [(&floats, "1"), (&floats, "1.0"), (&bools, "true"), (&bools, "1"), (&ints, "1")]
    {
        assert_eq!(attributes(file, &["--positive-label", named]), default, "{file} {named}");
    }
    // 0 named: the spellings of 0 are positive, of 1 negative.
    let zero = attributes(&floats, &["--positive-label", "0"]);
    assert_eq!(zero[0]["groups"][0]["selection_rate"], 0.5, "{zero}");
    // 1 named is a value like any other: 1 and 2 are two values.
    let two = write(&dir, "two.csv", b"label,p,sex\n1,1,F\n2,1,M\n2,2,F\n1,2,M\n");
    assert_eq!(attributes(&two, &["--positive-label", "1"]), default);
    let mut states = Vec::new();
    for (i, file) in [&floats, &ints].into_iter().enumerate() {
        let state = dir.join(format!("state{i}.json")).display().to_string();
        let out = sextant(
            &[&["count", file][..], &counting, &["--positive-label", "1", "--output", &state]]
                .concat(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        states.push(state);
    }
    let merged = sextant_json(
        &[
            &["fairness", "--from-counts", &states[0], &states[1]][..],
            &counting,
            &["--positive-label", "1", "--format", "json"],
        ]
        .concat(),
    );
    let whole = write(
        &dir,
        "whole.csv",
        b"label,p,sex\n1.0,1.0,F\n0.0,1.0,M\n0.0,0.0,F\n1.0,0.0,M\n1,1,F\n0,1,M\n0,0,F\n1,0,M\n",
    );
    assert_eq!(merged["attributes"], attributes(&whole, &["--positive-label", "1"]));
}

#[test]
fn bad_options_get_a_one_line_error_with_exit_2() {
    let dir = scratch("bad_options");
    let file = write(&dir, "good.csv", GOOD.as_bytes());
    assert_error(
        &fairness_args(&file, &["--threshold", "1.5"]),
        &["threshold", "1.5 is outside [0, 1]"],
    );
    assert_error(
        &fairness_args(&file, &["--max", "demographic_parity_diff=0.1"]),
        &["did you mean demographic_parity_difference"],
    );
    assert_error(&fairness_args(&file, &["--min", "disparate_impact=0.8"]), &["privileged"]);
    assert_error(
        &fairness_args(&file, &["--privileged", "sex=X"]),
        &["sex=\"X\" does not occur", "\"F\", \"M\""],
    );
    assert_error(
        &fairness_args(&file, &["--favorable-label", "7"]),
        &["\"7\" is not a label value"],
    );
    assert_error(&fairness_args(&file, &["--format", "pdf"]), &["\"pdf\" is not one of"]);
    // Conflicting flags are usage errors from the argument parser: exit 2 as well.
    let out = sextant(&fairness_args(&file, &["--pred", "pred"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

#[test]
fn gates_decide_the_exit_code() {
    let dir = scratch("gates");
    let file = write(&dir, "good.csv", GOOD.as_bytes());
    // Selection rates: F 0.5, M 2/3 → demographic parity difference 1/6.
    let pass = sextant(&fairness_args(&file, &["--max", "demographic_parity_difference=0.2"]));
    assert_eq!(pass.status.code(), Some(0));
    let fail = sextant(&fairness_args(&file, &["--max", "demographic_parity_difference=0.1"]));
    assert_eq!(fail.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fail.stdout).contains("FAILED: 1 of 1 gates failed."));
    let report_only = sextant(&fairness_args(
        &file,
        &["--max", "demographic_parity_difference=0.1", "--exit-zero"],
    ));
    assert_eq!(report_only.status.code(), Some(0));
}

#[test]
fn json_follows_the_fairness_schema() {
    let dir = scratch("json");
    let file = write(&dir, "good.csv", GOOD.as_bytes());
    let report = sextant_json(&fairness_args(
        &file,
        &[
            "--sensitive",
            "sex&race",
            "--privileged",
            "sex=M",
            "--max",
            "demographic_parity_difference=0.1",
            "--min",
            "disparate_impact=0.8",
            "--format",
            "json",
        ],
    ));
    assert_eq!(report["schema"], "sextant.fairness/v1");
    assert_eq!(report["rows"], 5);
    assert_eq!(report["passed"], false);
    let attributes = report["attributes"].as_array().cloned().unwrap_or_default();
    assert_eq!(attributes[1]["attribute"], "sex&race");
    assert_eq!(attributes[1]["groups"][0]["group"], "F&A");
    assert_eq!(
        attributes[1]["groups"][0]["confusion"],
        serde_json::json!({"tp": 1, "fp": 0, "tn": 0, "fn": 0})
    );
    // F&A has no label negatives: FPR undefined, null, with the reason alongside.
    assert!(attributes[1]["groups"][0]["fpr"].is_null());
    assert!(attributes[1]["groups"][0]["undefined"]["fpr"]
        .as_str()
        .unwrap_or("")
        .contains("no label negatives"));
    let dpd = &attributes[0]["metrics"]["demographic_parity_difference"];
    assert!((dpd["between_groups"].as_f64().unwrap_or(0.0) - 1.0 / 6.0).abs() < 1e-15);
    assert!(attributes[0]["metrics"]["equalized_odds_difference"]["to_overall"]["mean"].is_number());
    let comparison = &attributes[0]["privileged_comparison"];
    assert!((comparison["disparate_impact"].as_f64().unwrap_or(0.0) - 0.75).abs() < 1e-15);
    assert_eq!(comparison["four_fifths_rule"]["passed"], false);
    let gates = report["gates"].as_array().cloned().unwrap_or_default();
    // The DP gate applies to both attributes, the DI gate only where a privileged group is named.
    assert_eq!(gates.len(), 3);
    for gate in &gates {
        for key in ["name", "attribute", "value", "limit", "passed"] {
            assert!(gate.get(key).is_some(), "gate lacks {key}: {gate}");
        }
    }
}

#[test]
fn bootstrap_is_deterministic_for_a_seed() {
    let dir = scratch("bootstrap");
    let file = write(&dir, "good.csv", GOOD.as_bytes());
    let run = |seed: &str| {
        let out = sextant(&fairness_args(
            &file,
            &["--bootstrap", "200", "--seed", seed, "--format", "json"],
        ));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(run("3"), run("3"));
    assert_ne!(run("3"), run("4"));
    let report: serde_json::Value = serde_json::from_str(&run("3")).unwrap_or_default();
    let interval = &report["attributes"][0]["metric_intervals"]["equalized_odds_difference"]
        ["between_groups"]["worst_case"];
    assert_eq!(interval.as_array().map(Vec::len), Some(2), "{interval}");
    // An attribute's intervals follow its name: another attribute listed before it changes
    // nothing of its own.
    let sex_intervals = |sensitive: &[&str]| {
        let mut args = vec!["fairness", &file, "--label", "label", "--score", "score"];
        for s in sensitive {
            args.extend(["--sensitive", s]);
        }
        args.extend(["--bootstrap", "200", "--seed", "3", "--format", "json"]);
        let report: serde_json::Value =
            serde_json::from_slice(&sextant(&args).stdout).unwrap_or_default();
        let attributes = report["attributes"].as_array().cloned().unwrap_or_default();
        let sex = attributes.into_iter().find(|a| a["attribute"] == "sex");
        sex.map(|a| (a["metric_intervals"].clone(), a["groups"].clone()))
    };
    let alone = sex_intervals(&["sex"]);
    assert!(alone.is_some());
    assert_eq!(sex_intervals(&["race", "sex"]), alone);
    assert_eq!(sex_intervals(&["sex&race", "race", "sex"]), alone);
}

#[test]
fn every_format_renders() {
    let dir = scratch("formats");
    let file = write(&dir, "good.csv", GOOD.as_bytes());
    let gate = ["--max", "demographic_parity_difference=0.1", "--bootstrap", "50"];
    let render = |format: &str| {
        let mut extra = gate.to_vec();
        extra.extend(["--format", format]);
        String::from_utf8_lossy(&sextant(&fairness_args(&file, &extra)).stdout).into_owned()
    };
    assert!(render("text").contains("demographic_parity_difference"));
    assert!(render("markdown").contains("| group | count |"));
    let junit = render("junit");
    assert!(junit.contains("<testcase") && junit.contains("<failure"), "{junit}");
    let html = render("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
    assert!(
        !html.contains("<script") && !html.contains("src=") && !html.contains("href="),
        "HTML must be self-contained"
    );

    let out_file = dir.join("report.json");
    let out = sextant(&fairness_args(
        &file,
        &["--format", "json", "--output", &out_file.display().to_string()],
    ));
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(std::fs::read_to_string(&out_file).unwrap_or_default().contains("sextant.fairness/v1"));
}

#[test]
fn the_demo_audit_config_runs() {
    let out = sextant(&["audit", "datasets/demo/audit.toml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(report["rows"], 20_000);
    // The injected disparity against applicants under 25 is caught.
    assert_eq!(report["passed"], false);
    let age = &report["attributes"][1];
    assert_eq!(age["attribute"], "age_group");
    assert!(
        age["metrics"]["demographic_parity_difference"]["default"].as_f64().unwrap_or(0.0) > 0.2
    );
    assert!(repo().join("target/demo-report/fairness.html").exists());
}

#[test]
fn malformed_audit_configs_name_the_key() {
    let dir = scratch("config");
    write(&dir, "data.csv", GOOD.as_bytes());
    let cases: [(&str, &[&str]); 7] = [
        ("data = \"data.csv\"\nlable = \"label\"\n", &["line 2", "unknown field `lable`"]),
        ("data = \"data.csv\"\nlabel = \"label\"\nscore = \"score\"\nsensitive = 7\n", &["line 4", "a column name or a list of column names"]),
        ("data = \"data.csv\"\nlabel = \"label\"\nscore = \"score\"\nsensitive = [\"sex\"]\npositive_label = [1]\n", &["line 5", "a label value: a string, a number or a boolean"]),
        ("data = \"data.csv\"\nlabel = \"label\"\nscore = \"score\"\nsensitive = [\"sex\"]\nbootstrap = \"many\"\n", &["line 5", "bootstrap"]),
        ("label = \"label\"\nscore = \"score\"\nsensitive = [\"sex\"]\n", &["missing key `data`"]),
        ("data = \"data.csv\"\nlabel = \"label\"\nscore = \"score\"\nsensitive = [\"sex\"]\n[[gates]]\nmetric = \"disparate_impact\"\n", &["gates (disparate_impact)", "exactly one of max or min"]),
        ("data = \"data.csv\"\nlabel = \"label\"\nscore = \"score\"\nsensitive = [\"sex\"]\n[[outputs]]\nformat = \"pdf\"\npath = \"x\"\n", &["\"pdf\" is not one of"]),
    ];
    for (i, (toml, needles)) in cases.iter().enumerate() {
        let config = write(&dir, &format!("audit{i}.toml"), toml.as_bytes());
        assert_error(&["audit", &config], needles);
    }
    // A missing key has no line: the file is named, not its first key.
    let config = write(
        &dir,
        "no_label.toml",
        b"data = \"data.csv\"\nscore = \"score\"\nsensitive = [\"sex\"]\n",
    );
    let out = sextant(&["audit", &config]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no_label.toml: missing field `label`"), "{stderr}");
}

/// Runs `sextant args` with standard output going to `/dev/full` (every write fails).
fn sextant_to_full_disk(args: &[&str]) -> std::process::Output {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let full = full.unwrap_or_else(|e| panic!("/dev/full: {e}"));
    std::process::Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args(args)
        .current_dir(repo())
        .stdout(full)
        .output()
        .unwrap_or_else(|e| panic!("cannot run sextant: {e}"))
}

#[test]
#[cfg(target_os = "linux")]
fn write_errors_exit_2_with_a_message() {
    let data = "datasets/demo/loans.csv";
    let fairness =
        ["fairness", data, "--label", "repaid", "--score", "score", "--sensitive", "sex"];
    let mut to_file = fairness.to_vec();
    to_file.extend_from_slice(&["--output", "/dev/full"]);
    assert_error(&to_file, &["cannot write /dev/full"]);
    for args in [
        fairness.to_vec(),
        vec!["predict", "--model", "datasets/demo/credit_model.json", "--data", data],
        vec![
            "explain",
            "lime",
            "--model",
            "datasets/demo/credit_model.json",
            "--data",
            data,
            "--training",
            data,
            "--num-samples",
            "50",
            "--format",
            "json",
        ],
    ] {
        let out = sextant_to_full_disk(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("No space left on device"), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    }
}

#[test]
fn unknown_formats_list_the_valid_ones() {
    let data = "datasets/demo/loans.csv";
    let args = ["fairness", data, "--label", "repaid", "--score", "score", "--sensitive", "sex"];
    let mut xml = args.to_vec();
    xml.extend_from_slice(&["--format", "xml"]);
    assert_error(
        &xml,
        &["invalid --format: \"xml\" is not one of text, json, markdown, junit, html"],
    );
    assert_error(
        &["predict", "--model", "m", "--data", data, "--format", "parquet"],
        &["invalid --format: \"parquet\" is not one of csv, json"],
    );
}

/// A usage error names what is wrong on its one line: the arguments not given, the tip.
#[test]
fn usage_errors_name_the_missing_arguments() {
    let data = "datasets/demo/loans.csv";
    assert_error(
        &["fairness", data, "--label", "repaid"],
        &["required arguments were not provided: --sensitive <COL>, --pred <COL>"],
    );
    assert_error(&["monitor", data], &["--time <COL>, --window <WINDOW>"]);
    assert_error(
        &[
            "fairness",
            data,
            "--label",
            "repaid",
            "--sensitive",
            "sex",
            "--pred",
            "p",
            "--seed",
            "3",
        ],
        &["--bootstrap"],
    );
    assert_error(&["fairness", data, "--nope"], &["unexpected argument '--nope' found; tip:"]);
}

/// A gate given twice for one metric, and report flags given to `sextant count`, are errors,
/// not silently dropped.
#[test]
fn repeated_gates_and_report_flags_of_count_are_refused() {
    let dir = scratch("repeated_gates");
    let file = write(&dir, "good.csv", GOOD.as_bytes());
    let twice = ["--max", "demographic_parity_difference=0.1"];
    let again = ["--max", "demographic_parity_difference=0.6"];
    let out = sextant(&fairness_args(&file, &[&twice[..], &again].concat()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--max") && stderr.contains("given twice (0.1 and 0.6)"), "{stderr}");
    // Refused even when they name the defaults: a state has no report.
    for flags in [
        &["--format", "html"][..],
        &["--format", "text"],
        &["--format", "json"],
        &["--min-group-size", "3"],
        &["--min-group-size", "30"],
        &["--small-groups", "include"],
    ] {
        let mut args = fairness_args(&file, flags);
        args[0] = "count";
        let out = sextant(&args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("applies when counted states are audited"), "{stderr}");
    }
}

/// A group value holding a line break keeps its table row on one line in text (`\n`) and
/// markdown (`<br>`).
#[test]
fn a_line_break_in_a_group_keeps_table_rows_whole() {
    let dir = scratch("line_break_group");
    let file = write(&dir, "nl.csv", b"label,pred,grp\n1,1,\"x\ny\"\n0,0,\"x\ny\"\n1,0,z\n0,1,z\n");
    for (format, cell) in [("text", "x\\ny   2"), ("markdown", "| x<br>y | 2 |")] {
        let args = ["fairness", &file, "--label", "label", "--pred", "pred", "--sensitive", "grp"];
        let out = sextant(&[&args[..], &["--min-group-size", "1", "--format", format]].concat());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(cell), "{format}: {text}");
    }
}

#[test]
fn an_error_quoting_a_value_with_line_breaks_is_one_line() {
    let dir = scratch("cli_one_line");
    let path = write(&dir, "multi.csv", b"a,b,c\n\"x\r\ny\",1,1\n");
    let out = sextant(&["fairness", &path, "--label", "b", "--pred", "c", "--sensitive", "a"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("\"x\\r\\ny\""), "{stderr}");
}
