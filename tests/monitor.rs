//! `sextant monitor` end to end on small logs written here: windows and their bounds, empty
//! windows, `rows:N`, the reference options, gates and exit codes, errors naming line and
//! column, the OpenMetrics exposition, standard input and Parquet.

mod common;

use common::columnar::{write_columnar, Columnar};
use common::{assert_error, scratch, sextant, sextant_json, with_stdin, write};
use serde_json::Value;

/// Three days of rows (unsorted, one time with an offset), the middle day empty, group b's
/// score shifted up on the last day.
fn log() -> String {
    let mut csv = String::from("time,label,score,group,x,colour\n");
    for i in 0..40u32 {
        let (day, group) =
            (if i % 2 == 0 { "01" } else { "03" }, if i % 4 < 2 { "a" } else { "b" });
        let shift = if day == "03" && group == "b" { 0.3 } else { 0.0 };
        let score = (f64::from(i % 10) / 10.0 + shift).min(1.0);
        let label = u32::from(i % 3 == 0);
        let colour = if i % 5 == 0 { "red" } else { "blue" };
        csv.push_str(&format!(
            "2025-03-{day}T{:02}:00:00Z,{label},{score},{group},{},{colour}\n",
            i % 24,
            i % 7
        ));
    }
    csv.push_str("2025-03-03T01:30:00+02:00,1,0.9,a,3,red\n"); // 2025-03-02T23:30Z: the empty day
    csv
}

/// The header and the rows of [`log`] on `day` (UTC), as a reference file.
fn day_of_log(day: &str) -> String {
    log()
        .lines()
        .filter(|l| {
            l.starts_with("time") || l.starts_with(&format!("{day}T")) && !l.contains("+02:00")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn base(path: &str) -> Vec<&str> {
    let mut args = vec!["monitor", path, "--time", "time", "--label", "label", "--score", "score"];
    args.extend(["--sensitive", "group", "--drift", "x", "colour", "--format", "json"]);
    args
}

#[test]
fn daily_windows_cover_every_day_from_the_first_to_the_last() {
    let dir = scratch("monitor_daily");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d"]);
    let report = sextant_json(&args);
    assert_eq!(report["schema"], "sextant.monitor/v1");
    let windows = report["windows"].as_array().unwrap();
    let bounds: Vec<(&str, &str, u64)> = windows
        .iter()
        .map(|w| {
            (w["start"].as_str().unwrap(), w["end"].as_str().unwrap(), w["rows"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        bounds,
        [
            ("2025-03-01T00:00:00Z", "2025-03-02T00:00:00Z", 20),
            ("2025-03-02T00:00:00Z", "2025-03-03T00:00:00Z", 1),
            ("2025-03-03T00:00:00Z", "2025-03-04T00:00:00Z", 20),
        ]
    );
    assert_eq!(report["reference"]["start"], "2025-03-01T00:00:00Z");
    assert_eq!(report["reference"]["rows"], 20);
    // The score is drifted without being named; x is numeric, colour categorical.
    let last = &windows[2]["drift"];
    assert_eq!(last["score"]["kind"], "numeric");
    assert_eq!(last["x"]["kind"], "numeric");
    assert_eq!(last["colour"]["kind"], "categorical");
    assert!(last["score"]["psi"].as_f64().unwrap() > 0.1, "{last}");
    assert_eq!(windows[0]["drift"]["score"]["psi"], 0.0);
    // The fairness of each window is that of `sextant fairness` on its rows.
    let first_day: String = log()
        .lines()
        .filter(|l| l.starts_with("time") || l.starts_with("2025-03-01"))
        .map(|l| format!("{l}\n"))
        .collect();
    let day_path = write(&dir, "day1.csv", first_day.as_bytes());
    let audit = sextant_json(&[
        "fairness",
        &day_path,
        "--label",
        "label",
        "--score",
        "score",
        "--sensitive",
        "group",
        "--format",
        "json",
    ]);
    assert_eq!(windows[0]["attributes"], audit["attributes"]);
}

#[test]
fn an_empty_window_has_no_statistics_and_says_why() {
    let dir = scratch("monitor_empty");
    let text: String =
        log().lines().filter(|l| !l.contains("+02:00")).map(|l| format!("{l}\n")).collect();
    let path = write(&dir, "log.csv", text.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d"]);
    let report = sextant_json(&args);
    let empty = &report["windows"][1];
    assert_eq!(empty["rows"], 0);
    assert_eq!(empty["attributes"], Value::Array(Vec::new()));
    assert_eq!(empty["drift"]["score"]["psi"], Value::Null);
    assert_eq!(empty["drift"]["score"]["reason"], "the window has no rows");
    assert_eq!(empty["drift"]["colour"]["chi2_pvalue"], Value::Null);
}

#[test]
fn a_window_without_the_privileged_group_warns_instead_of_failing() {
    let dir = scratch("monitor_privileged");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--privileged", "group=b"]);
    let report = sextant_json(&args);
    let attribute = |w: usize| &report["windows"][w]["attributes"][0];
    assert!(attribute(0)["privileged_comparison"].is_object());
    assert_eq!(attribute(1)["privileged_comparison"], Value::Null);
    let warnings = attribute(1)["warnings"].to_string();
    assert!(warnings.contains("group=\\\"b\\\" has no rows in this window"), "{warnings}");
}

#[test]
fn row_windows_cut_the_time_ordered_rows() {
    let dir = scratch("monitor_rows");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "rows:15"]);
    let report = sextant_json(&args);
    let rows: Vec<u64> =
        report["windows"].as_array().unwrap().iter().map(|w| w["rows"].as_u64().unwrap()).collect();
    assert_eq!(rows, [15, 15, 11]);
    assert_eq!(report["window"], "rows:15");
    // Each window ends where the next starts; the first starts at the earliest time.
    let windows = report["windows"].as_array().unwrap();
    assert_eq!(windows[0]["start"], "2025-03-01T00:00:00Z");
    assert_eq!(windows[0]["end"], windows[1]["start"]);
    // The same from standard input (read twice from memory).
    let out = with_stdin(&[&["monitor", "-"], &args[2..]].concat(), log().as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let from_stdin: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_stdin["windows"], report["windows"]);
    // The last window ends a second after its latest time, fraction kept.
    let later = format!("{}2025-03-04T10:00:00.25Z,1,0.5,a,2,red\n", log());
    let path = write(&dir, "later.csv", later.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "rows:15"]);
    let report = sextant_json(&args);
    assert_eq!(report["windows"][2]["end"], "2025-03-04T10:00:01.250Z");
    // Against a reference range: its rows, as a reference file of the same rows gives.
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "rows:15", "--reference", "2025-03-01/2025-03-02"]);
    let against_range = sextant_json(&args);
    assert_eq!(against_range["reference"]["kind"], "range");
    assert_eq!(against_range["reference"]["rows"], 20);
    let reference = write(&dir, "reference.csv", day_of_log("2025-03-01").as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "rows:15", "--reference-file", &reference]);
    let against_file = sextant_json(&args);
    let drifts = |report: &Value| -> Vec<Value> {
        report["windows"].as_array().unwrap().iter().map(|w| w["drift"].clone()).collect()
    };
    assert_eq!(drifts(&against_range), drifts(&against_file));
}

#[test]
fn gates_judge_the_latest_window_or_all_and_set_the_exit_code() {
    let dir = scratch("monitor_gates");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend([
        "--window",
        "1d",
        "--max-drift",
        "score:psi=0.1",
        "--max-change",
        "demographic_parity_difference=0.01",
    ]);
    let out = sextant(&args);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gates = report["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 2);
    assert!(gates.iter().all(|g| g["window"] == "2025-03-03T00:00:00Z"));
    assert_eq!(gates[0]["kind"], "drift");
    assert_eq!(gates[0]["passed"], false);
    assert_eq!(gates[1]["kind"], "change");
    assert!(gates[1]["reference_value"].is_number());
    assert_eq!(report["passed"], false);
    args.push("--exit-zero");
    assert_eq!(sextant(&args).status.code(), Some(0));
    args.pop();
    // Every window with rows: the reference window passes its own drift gate; the one-row
    // window does not.
    args.extend(["--gate-windows", "all"]);
    let report = sextant_json(&args);
    let drift: Vec<bool> = report["gates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["kind"] == "drift")
        .map(|g| g["passed"].as_bool().unwrap())
        .collect();
    assert_eq!(drift, [true, false, false]);
    // A generous limit passes.
    let mut args = base(&path);
    args.extend(["--window", "1d", "--max-drift", "score:psi=5"]);
    assert_eq!(sextant(&args).status.code(), Some(0));
}

#[test]
fn the_group_limit_holds_across_the_windows() {
    // An identifier given as sensitive: two values a day, 20 in all.
    let dir = scratch("monitor_groups");
    let mut csv = String::from("t,y,score,id\n");
    for i in 0..20u32 {
        csv.push_str(&format!("2025-01-{:02},{},0.{},u{i}\n", 1 + i / 2, i % 2, i % 10));
    }
    let path = write(&dir, "ids.csv", csv.as_bytes());
    let args = |window| {
        vec![
            "monitor",
            &path,
            "--time",
            "t",
            "--label",
            "y",
            "--score",
            "score",
            "--sensitive",
            "id",
            "--window",
            window,
            "--max-groups",
            "3",
        ]
    };
    for window in ["1d", "1mo"] {
        assert_error(&args(window), &["ids.csv", "column \"id\"", "more than 3 groups"]);
    }
    let mut within = args("1d");
    let last = within.len() - 1;
    within[last] = "20";
    let out = sextant(&within);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_reference_range_or_file_replaces_the_first_window() {
    let dir = scratch("monitor_reference");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--reference", "2025-03-03/2025-03-04"]);
    let report = sextant_json(&args);
    assert_eq!(report["reference"]["kind"], "range");
    assert_eq!(report["reference"]["rows"], 20);
    assert_eq!(report["windows"][2]["drift"]["score"]["psi"], 0.0);
    let reference = write(&dir, "reference.csv", day_of_log("2025-03-03").as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--reference-file", &reference]);
    let from_file = sextant_json(&args);
    assert_eq!(from_file["reference"]["kind"], "file");
    assert_eq!(from_file["windows"][2]["drift"], report["windows"][2]["drift"]);
    assert_eq!(from_file["windows"][0]["drift"], report["windows"][0]["drift"]);
}

#[test]
fn bad_input_is_named_by_line_and_column() {
    let dir = scratch("monitor_errors");
    // The first row's time replaced: by what is not a time; by epoch milliseconds read as
    // seconds, a time past the years a time can have; by an "end of time" placeholder,
    // whose month ends in the year 10000, which RFC 3339 does not write.
    for (time, window, needles) in [
        ("March 1st", "1d", ["line 4, column \"time\"", "\"March 1st\" is not a time"]),
        (
            "10000000000000",
            "1d",
            ["line 4", "\"10000000000000\" is beyond the years a time can have"],
        ),
        ("9999-12-31", "1mo", ["line 4, column \"time\"", "beyond the years RFC 3339 writes"]),
    ] {
        let replaced = log().replacen("2025-03-01T02:00:00Z", time, 1);
        let path = write(&dir, "bad_time.csv", replaced.as_bytes());
        let mut args = base(&path);
        args.extend(["--window", window]);
        assert_error(&args, &[&["bad_time.csv"][..], &needles].concat());
    }
    let bad_number = log().replacen(",3,blue", ",three,blue", 1);
    let path = write(&dir, "bad_x.csv", bad_number.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d"]);
    assert_error(&args, &["bad_x.csv, line", "column \"x\"", "--categorical"]);
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1w"]);
    assert_error(&args, &["--window", "\"1w\" is not a window"]);
    let mut args = base(&path);
    args.extend(["--window", "1d", "--max-drift", "score:ks_pvalue=0.05"]);
    assert_error(&args, &["--max-drift", "p-values are not gated"]);
    let mut args = base(&path);
    args.extend(["--window", "1d", "--max-drift", "age:psi=0.2"]);
    assert_error(&args, &["--max-drift", "\"age\" is not a drift column"]);
    let mut args = base(&path);
    args.extend(["--window", "1d", "--reference", "2026-01-01/2026-02-01"]);
    assert_error(&args, &["--reference", "no row"]);
    let mut args = base(&path);
    args.extend(["--window", "1d", "--max-drift", "colour:ks=0.1"]);
    assert_error(&args, &["--max-drift", "\"colour\" holds categories"]);
    let mut args = base(&path);
    args.extend(["--window", "1d", "--categorical", "x", "--max-drift", "x:wasserstein=0.1"]);
    assert_error(&args, &["--max-drift", "\"x\" is compared as categories"]);
    let mut args = base(&path);
    args.extend(["--window", "1h"]);
    // A placeholder date: a time, millions of hours before the others.
    let far = log().replacen("2025-03-01T02:00:00Z", "0001-01-01", 1);
    let far_path = write(&dir, "far.csv", far.as_bytes());
    args[1] = &far_path;
    assert_error(&args, &["far.csv, column \"time\"", "more than 100000", "0001-01-01"]);
    let mut args = base(&path);
    args.extend(["--window", "1d", "--max-change", "demographic_parity_diff=0.1"]);
    assert_error(&args, &["--max-change", "did you mean demographic_parity_difference"]);
    for gate in ["--max-change", "--max-drift"] {
        let target =
            if gate == "--max-drift" { "x:psi=-0.1" } else { "demographic_parity_difference=-1" };
        let mut args = base(&path);
        args.extend(["--window", "1d", gate, target]);
        assert_error(&args, &[gate, "is below 0"]);
    }
    let no_times = "time,label,score,group,x,colour\n,1,0.5,a,1,red\n ,0,0.5,b,2,red\n";
    let path = write(&dir, "no_times.csv", no_times.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--missing", "drop"]);
    assert_error(&args, &["column \"time\": no row has a time", "the 2 rows were left out"]);
}

/// A reference file's third label value is named with the reference file; a Wasserstein
/// distance that overflows a double is `null` with its reason (scipy's is `inf`), and its
/// gate fails with that reason, not a NaN.
#[test]
fn the_reference_files_labels_and_an_infinite_distance_are_named() {
    let dir = scratch("monitor_reference_labels");
    let path = write(&dir, "log.csv", log().as_bytes());
    let third = "time,label,score,group,x,colour\n2025-03-01T00:00:00Z,maybe,0.5,a,1,red\n";
    let reference = write(&dir, "ref.csv", third.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--positive-label", "1", "--reference-file", &reference]);
    assert_error(&args, &["ref.csv, column \"label\"", "more than two values", "\"maybe\""]);
    let mut far = String::from("time,label,score,group,x,colour\n");
    for (day, x) in [("01", "-1.7e308"), ("01", "-1.7e308"), ("02", "1.7e308"), ("02", "1.7e308")] {
        far.push_str(&format!("2025-03-{day}T00:00:00Z,1,0.5,a,{x},red\n"));
        far.push_str(&format!("2025-03-{day}T00:00:00Z,0,0.5,b,{x},red\n"));
    }
    let path = write(&dir, "far.csv", far.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--max-drift", "x:wasserstein=1"]);
    let report = sextant_json(&args);
    let drift = &report["windows"][1]["drift"]["x"];
    assert_eq!(drift["wasserstein"], Value::Null, "{drift}");
    assert_eq!(drift["ks"], 1.0);
    assert!(drift["reason"].as_str().is_some_and(|r| r.contains("overflows")), "{drift}");
    assert_eq!(report["gates"][0]["passed"], false);
    assert!(report["gates"][0]["reason"].as_str().is_some_and(|r| r.contains("overflows")));
    args.retain(|a| *a != "json" && *a != "--format");
    args.extend(["--format", "openmetrics"]);
    let text = String::from_utf8_lossy(&sextant(&args).stdout).into_owned();
    assert!(
        !text.contains("NaN") && !text.contains("column=\"x\",statistic=\"wasserstein\""),
        "{text}"
    );
}

/// Rows with counts (`--count-column`) monitor as the rows they stand for: windows' rows,
/// fairness and drift (numeric and categorical), from the file and from standard input;
/// `rows:N` windows, which would cut a counted row apart, are refused.
#[test]
fn counted_rows_monitor_as_the_rows_they_stand_for() {
    let dir = scratch("monitor_counts");
    let (mut counted, mut expanded) = (String::new(), String::new());
    for (i, line) in log().lines().enumerate() {
        if i == 0 {
            counted.push_str(&format!("{line},n\n"));
            expanded.push_str(&format!("{line}\n"));
            continue;
        }
        let n = i % 4; // 0 to 3 rows each
        counted.push_str(&format!("{line},{n}\n"));
        for _ in 0..n {
            expanded.push_str(&format!("{line}\n"));
        }
    }
    // Rows that count 0 are absent: no window of their own, their bad times unread.
    counted.push_str("2025-03-09T00:00:00Z,1,0.5,a,1,red,0\nnot a time,2,x,c,y,red,0\n");
    let counted_path = write(&dir, "counted.csv", counted.as_bytes());
    let expanded_path = write(&dir, "expanded.csv", expanded.as_bytes());
    let run = |path: &str, extra: &[&str]| {
        let mut args = base(path);
        args.extend(["--window", "1d", "--min-group-size", "1"]);
        args.extend(extra);
        let mut report = sextant_json(&args);
        report.as_object_mut().map(|o| o.remove("source"));
        report
    };
    let expected = run(&expanded_path, &[]);
    assert_eq!(run(&counted_path, &["--count-column", "n"]), expected);
    let mut args = base("-");
    args.extend(["--window", "1d", "--min-group-size", "1", "--count-column", "n"]);
    let out = with_stdin(&args, counted.as_bytes());
    let mut piped: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    piped.as_object_mut().map(|o| o.remove("source"));
    assert_eq!(piped, expected);
    let mut args = base(&counted_path);
    args.extend(["--window", "rows:5", "--count-column", "n"]);
    assert_error(&args, &["--window", "rows:N cuts rows", "\"n\""]);
}

/// Under `--missing drop`, each window says which of its rows were left out; under the
/// default policy, no window has `missing`.
#[test]
fn each_window_counts_the_rows_left_out_for_missing_values() {
    let dir = scratch("monitor_missing");
    let mut text = log();
    text = text.replacen("2025-03-01T04:00:00Z,0,", "2025-03-01T04:00:00Z,,", 1);
    text = text.replacen("2025-03-03T05:00:00Z,0,", "2025-03-03T05:00:00Z,NA,", 1);
    text = text.replacen("2025-03-03T07:00:00Z,0,", "2025-03-03T07:00:00Z,,", 1);
    let path = write(&dir, "log.csv", text.as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--missing", "drop"]);
    let report = sextant_json(&args);
    let dropped: Vec<Value> = report["windows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| w["missing"]["dropped_rows"].clone())
        .collect();
    assert_eq!(dropped, [Value::from(1), Value::from(0), Value::from(2)], "{report}");
    assert_eq!(report["windows"][2]["missing"]["by_column"]["label"], 2);
    let clean = write(&dir, "clean.csv", log().as_bytes());
    let mut args = base(&clean);
    args.extend(["--window", "1d"]);
    let report = sextant_json(&args);
    assert!(report["windows"].as_array().into_iter().flatten().all(|w| w.get("missing").is_none()));
}

/// Drift values are read a column at a time, and the error is still the first bad value in
/// the file's order: the earliest line, then the first drift column on that line.
#[test]
fn the_first_bad_drift_value_in_file_order_is_named() {
    let dir = scratch("monitor_first_bad");
    let log = |third: &str, fourth: &str| {
        let mut csv = String::from("time,label,score,group,x,y\n");
        csv.push_str("2025-03-01T00:00:00Z,1,0.5,a,1,2\n");
        csv.push_str(&format!("2025-03-01T01:00:00Z,0,0.4,b,{third}\n"));
        csv.push_str(&format!("2025-03-01T02:00:00Z,1,0.3,a,{fourth}\n"));
        csv
    };
    let run = |name: &str, text: String, expected: &[&str]| {
        let path = write(&dir, name, text.as_bytes());
        let args = ["monitor", &path, "--time", "time", "--label", "label", "--score", "score"];
        let mut args = args.to_vec();
        args.extend(["--sensitive", "group", "--drift", "x", "y", "--window", "1d"]);
        assert_error(&args, expected);
    };
    run(
        "y_first.csv",
        log("1,bad", "bad,2"),
        &["line 3, column \"y\"", "\"bad\" is not a finite number"],
    );
    run("both.csv", log("one,two", "3,4"), &["line 3, column \"x\"", "\"one\""]);
    run("x_later.csv", log("1,2", "inf,2"), &["line 4, column \"x\"", "\"inf\""]);
}

#[test]
fn openmetrics_exposes_the_latest_window() {
    let dir = scratch("monitor_openmetrics");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.retain(|a| *a != "json" && *a != "--format");
    args.extend(["--window", "1d", "--format", "openmetrics", "--max-drift", "score:psi=0.1"]);
    let out = sextant(&args);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    for line in [
        "sextant_window_rows{window_start=\"2025-03-03T00:00:00Z\"} 20",
        "sextant_fairness{attribute=\"group\",metric=\"demographic_parity_difference\",aggregate=\"between_groups\"} ",
        "sextant_group_rate{attribute=\"group\",group=\"a\",rate=\"selection_rate\"} ",
        "sextant_drift{column=\"score\",statistic=\"psi\"} ",
        "sextant_drift{column=\"colour\",statistic=\"chi2_pvalue\"} ",
        "sextant_gate_failed{kind=\"drift\",name=\"psi\",bound=\"max\",column=\"score\"} 1",
        "# TYPE sextant_drift gauge",
    ] {
        assert!(text.lines().any(|l| l.starts_with(line)), "no {line:?} in\n{text}");
    }
    // Every sample line is `name{labels} value` with a number.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
}

#[test]
fn parquet_monitors_as_its_csv() {
    let dir = scratch("monitor_parquet");
    let csv = write(&dir, "log.csv", log().as_bytes());
    let parquet = dir.join("log.parquet");
    write_columnar(std::path::Path::new(&csv), &parquet, Columnar::Parquet, true, 7);
    let parquet = parquet.display().to_string();
    let mut args = base(&csv);
    args.extend(["--window", "1d"]);
    let from_csv = sextant_json(&args);
    let mut args = base(&parquet);
    args.extend(["--window", "1d"]);
    let from_parquet = sextant_json(&args);
    assert_eq!(from_parquet["windows"], from_csv["windows"]);
}

#[test]
fn html_draws_lines_over_time_and_a_drift_heatmap() {
    let dir = scratch("monitor_html");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.retain(|a| *a != "json" && *a != "--format");
    args.extend(["--window", "1d", "--format", "html", "--bootstrap", "50"]);
    let out = sextant(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Per attribute: the differences and three per-group rates; then PSI and JS heatmaps.
    assert_eq!(html.matches("<figure><svg").count(), 4 + 2, "{html}");
    assert!(html.contains("group: differences between groups (0 is parity)"));
    assert!(html.contains("PSI per window"));
    // Bootstrap bands, and a gap (two runs) where the empty day has no value.
    assert!(html.contains("fill-opacity=\"0.15\""));
    assert!(!html.contains("<script"));
}

#[test]
fn text_and_markdown_show_every_window() {
    let dir = scratch("monitor_text");
    let path = write(&dir, "log.csv", log().as_bytes());
    for format in ["text", "markdown"] {
        let mut args = base(&path);
        args.retain(|a| *a != "json" && *a != "--format");
        args.extend(["--window", "1d", "--format", format]);
        let out = sextant(&args);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        for needle in [
            "Sextant monitoring",
            "2025-03-02T00:00:00Z",
            "Drift of score",
            "Fairness over time: group",
            "No gates were set.",
        ] {
            assert!(text.contains(needle), "{format}: no {needle:?} in\n{text}");
        }
    }
}

/// An OTLP endpoint that is not `http://` is a usage error; run once, a push that fails (a
/// closed port) exits with 2 after the report was written.
#[test]
fn a_failed_otlp_push_keeps_the_report() {
    let dir = scratch("monitor_otlp");
    let path = write(&dir, "log.csv", log().as_bytes());
    let mut args = base(&path);
    args.extend(["--window", "1d", "--otlp-endpoint", "https://127.0.0.1:4318/v1/metrics"]);
    assert_error(&args, &["--otlp-endpoint", "is not an http:// URL"]);
    let output = dir.join("report.json").display().to_string();
    let mut args = base(&path);
    args.extend(["--window", "1d", "--otlp-endpoint", "http://127.0.0.1:9/v1/metrics"]);
    args.extend(["--output", &output]);
    assert_error(&args, &["cannot push OTLP metrics to http://127.0.0.1:9/v1/metrics"]);
    let written = std::fs::read_to_string(&output).unwrap_or_default();
    assert!(written.contains("sextant.monitor/v1"), "{written}");
}
