//! Following a growing CSV: `sextant::follow` fed the bytes in any pieces reports what the
//! one-shot monitor reports of the same rows; a record that cannot be read (or that the
//! windows cannot take) is left out and named by its line, in line order, and the records
//! around it count; a replaced input starts over. And `sextant monitor --follow` end to
//! end, on standard input and on a file that grows.

mod common;

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use common::{repo, scratch, sextant, with_stdin, write};
use proptest::prelude::*;
use sextant::report::monitor_json;
use sextant::{
    AuditConfig, Error, FollowEvent, Growth, Input, MonitorOptions, MonitorPlan, MonitorReport,
    NoProgress,
};

/// Monthly windows of the demo log's score, two attributes and a drift column.
fn plan(window: &str) -> MonitorPlan {
    plan_against(window, None)
}

/// As [`plan`], against `reference` (a `START/END` range, or `file` for a reference file),
/// with a gate on the change of demographic parity against it.
fn plan_against(window: &str, reference: Option<&str>) -> MonitorPlan {
    let config = AuditConfig {
        label: "repaid".into(),
        score: Some("score".into()),
        sensitive: vec!["sex".into(), "age_group".into()],
        ..AuditConfig::default()
    };
    let options = MonitorOptions {
        time: "decided_at".into(),
        window: window.into(),
        drift: vec!["income_k".into()],
        reference: reference.filter(|r| *r != "file").map(str::to_owned),
        max_change: reference
            .map(|_| [("demographic_parity_difference".to_owned(), 0.05)].into())
            .unwrap_or_default(),
        ..MonitorOptions::default()
    };
    options.check(config.check().unwrap(), reference == Some("file")).unwrap()
}

/// The audit of the small logs written in these tests: label `y`, prediction `p`, the
/// sensitive column `g`.
fn small_config() -> AuditConfig {
    AuditConfig {
        label: "y".into(),
        pred: Some("p".into()),
        sensitive: vec!["g".into()],
        ..AuditConfig::default()
    }
}

/// Daily windows of the small logs' time column `t`, with the drift columns `drift`.
fn daily(drift: &[&str]) -> MonitorOptions {
    MonitorOptions {
        time: "t".into(),
        window: "1d".into(),
        drift: drift.iter().map(|d| (*d).to_owned()).collect(),
        ..MonitorOptions::default()
    }
}

/// Each of `texts` appended in turn, an update each.
fn updates(texts: &[&str]) -> Vec<Growth> {
    texts.iter().map(|t| Growth::Appended { bytes: t.as_bytes().to_vec(), more: false }).collect()
}

fn demo_log() -> Vec<u8> {
    std::fs::read(repo().join("datasets/demo/loans_log.csv")).unwrap()
}

/// What following `pieces` told: every report, the records left out, the updates without
/// a report.
struct Told {
    reports: Vec<MonitorReport>,
    left_out: Vec<Error>,
    no_report: Vec<Error>,
}

fn follow(plan: &MonitorPlan, pieces: Vec<Growth>) -> Told {
    follow_with_reference(plan, pieces, None)
}

/// As [`follow`], with a reference file's bytes.
fn follow_with_reference(
    plan: &MonitorPlan,
    pieces: Vec<Growth>,
    reference: Option<&[u8]>,
) -> Told {
    let mut pieces = VecDeque::from(pieces);
    let mut told = Told { reports: Vec::new(), left_out: Vec::new(), no_report: Vec::new() };
    let mut grow = || Ok(pieces.pop_front().unwrap_or(Growth::Ended));
    let mut tell = |event| match event {
        FollowEvent::Report(report) => told.reports.push(*report),
        FollowEvent::LeftOut(error) => told.left_out.push(error),
        FollowEvent::NoReport(error) => told.no_report.push(error),
    };
    let file = reference.map(|bytes| (Input::from(bytes), "reference.csv"));
    sextant::follow(plan, "log", file, &mut grow, &mut tell, &mut NoProgress).unwrap();
    told
}

fn one_shot(plan: &MonitorPlan, bytes: &[u8]) -> MonitorReport {
    one_shot_with_reference(plan, bytes, None)
}

/// As [`one_shot`], with a reference file's bytes.
fn one_shot_with_reference(
    plan: &MonitorPlan,
    bytes: &[u8],
    reference: Option<&[u8]>,
) -> MonitorReport {
    let file = reference.map(|bytes| (Input::from(bytes), "reference.csv"));
    sextant::monitor(plan, Input::from(bytes), "log", file, &mut NoProgress).unwrap()
}

/// `bytes` cut at `cuts` (fractions of its length) into appended pieces.
fn pieces(bytes: &[u8], cuts: &[f64]) -> Vec<Growth> {
    pieces_with_more(bytes, cuts, false)
}

/// As [`pieces`], each but the last telling that more are there already when `more`.
fn pieces_with_more(bytes: &[u8], cuts: &[f64], more: bool) -> Vec<Growth> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
    let mut at: Vec<usize> = cuts.iter().map(|c| (c * bytes.len() as f64) as usize).collect();
    at.extend([0, bytes.len()]);
    at.sort_unstable();
    at.dedup();
    let last = at[at.len() - 2];
    at.windows(2)
        .map(|w| Growth::Appended { bytes: bytes[w[0]..w[1]].to_vec(), more: more && w[0] != last })
        .collect()
}

/// A small log with CRLF line ends and a quoted category holding a line break and a quote.
fn awkward_log() -> Vec<u8> {
    let mut csv = String::from("decided_at,sex,age_group,income_k,repaid,score\r\n");
    for i in 0..120u32 {
        let month = 1 + i % 4;
        let sex = if i % 3 == 0 { "\"fe\r\nmale \"\"x\"\"\"" } else { "male" };
        let age = if i % 2 == 0 { "young" } else { "old" };
        csv.push_str(&format!(
            "2025-0{month}-{:02}T10:00:00Z,{sex},{age},{},{},0.{}\r\n",
            1 + i % 28,
            20 + i % 50,
            i % 2,
            i % 10
        ));
    }
    csv.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_pieces_report_as_the_whole(
        cuts in proptest::collection::vec(0.0..1.0f64, 0..6),
        awkward in any::<bool>(),
        more in any::<bool>(),
        against in 0..3usize,
    ) {
        // The first window, a range (whose rows come in any piece), or a reference file:
        // a report that kept a reference made before must equal one that made it anew.
        let reference = [None, Some("2025-02-01/2025-03-01"), Some("file")][against];
        let plan = plan_against("1mo", reference);
        let bytes = if awkward { awkward_log() } else { demo_log() };
        let file = (reference == Some("file")).then(|| {
            let log = demo_log();
            let end = log.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(400).unwrap().0;
            log[..=end].to_vec()
        });
        let pieces = pieces_with_more(&bytes, &cuts, more);
        let count = pieces.len();
        let told = follow_with_reference(&plan, pieces, file.as_deref());
        prop_assert!(told.left_out.is_empty(), "{:?}", told.left_out);
        // Pieces with more to come make no report of their own.
        if more {
            prop_assert_eq!(told.reports.len(), 1);
        } else {
            prop_assert!(told.reports.len() <= count);
        }
        let last = told.reports.last().map(monitor_json);
        let whole = one_shot_with_reference(&plan, &bytes, file.as_deref());
        prop_assert_eq!(last, Some(monitor_json(&whole)));
    }
}

#[test]
fn bad_records_are_left_out_in_line_order_and_the_rest_count() {
    let log = demo_log();
    let text = String::from_utf8(log).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let good = lines.join("\n") + "\n";
    // Lines 101, 102, … once inserted.
    let bad = [
        (101, "2025-10-01T00:00:00Z,1,male,25-45,42,685,2,0.5,1"), // a label not 0/1
        (102, "not a time,1,male,25-45,42,685,1,0.5,1"),
        (5000, "2025-10-01T00:00:00Z,1,male,25-45,forty,685,1,0.5,1"), // drift not a number
        (5001, "2025-10-01T00:00:00Z,1,male"),                         // too few fields
        (9000, "9999-10-01T00:00:00Z,1,male,25-45,42,685,1,0.5,1"),    // beyond 100,000 days
    ];
    for (line, row) in bad {
        lines.insert(line - 1, row);
    }
    let with_bad = lines.join("\n") + "\n";
    let plan = plan("1d");
    for cuts in [vec![], vec![0.001, 0.3, 0.31, 0.9], vec![0.5]] {
        let told = follow(&plan, pieces(with_bad.as_bytes(), &cuts));
        let named: Vec<Option<u64>> =
            told.left_out.iter().map(|e| e.location().and_then(|at| at.line)).collect();
        assert_eq!(named, bad.map(|(line, _)| Some(line as u64)), "{:?}", told.left_out);
        let messages: Vec<String> = told.left_out.iter().map(ToString::to_string).collect();
        for needle in ["not 0/1", "not a time", "\"forty\"", "fields", "windows of 1d"] {
            assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:?}");
        }
        assert!(told.no_report.is_empty(), "{:?}", told.no_report);
        let last = told.reports.last().map(monitor_json);
        assert_eq!(last, Some(monitor_json(&one_shot(&plan, good.as_bytes()))));
    }
}

#[test]
fn a_quote_that_nothing_closes_leaves_out_its_line_once_past_a_mebibyte() {
    let text = String::from_utf8(demo_log()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let good = lines.join("\n") + "\n";
    lines.insert(999, "2025-10-01T00:00:00Z,1,\"male,25-45,42,685,1,0.5,1");
    let with_stray = lines.join("\n") + "\n";
    let stray = with_stray.find("\"male").unwrap();
    let plan = plan("1mo");
    // The rows after the stray quote, more than a mebibyte, come in one piece.
    let told =
        follow(&plan, pieces(with_stray.as_bytes(), &[stray as f64 / with_stray.len() as f64]));
    let named: Vec<Option<u64>> =
        told.left_out.iter().map(|e| e.location().and_then(|at| at.line)).collect();
    assert_eq!(named, [Some(1000)], "{:?}", told.left_out);
    assert!(told.left_out[0].to_string().contains("no line end closes this row within 1 MiB"));
    let last = told.reports.last().map(monitor_json);
    assert_eq!(last, Some(monitor_json(&one_shot(&plan, good.as_bytes()))));
}

#[test]
fn a_third_label_value_is_left_out_where_it_comes() {
    let config = AuditConfig { positive_label: Some("yes".into()), ..small_config() };
    let options = daily(&[]);
    let plan = options.check(config.check().unwrap(), false).unwrap();
    let rows = "t,y,p,g\n2025-01-01,yes,no,a\n2025-01-02,no,no,b\n";
    let told = follow(
        &plan,
        pieces(format!("{rows}2025-01-05,maybe,yes,a\n2025-01-03,yes,yes,b\n").as_bytes(), &[]),
    );
    assert_eq!(told.left_out.len(), 1);
    let error = told.left_out[0].to_string();
    assert!(
        error.starts_with("log, line 4, column \"y\": the label has more than two values"),
        "{error}"
    );
    let good = format!("{rows}2025-01-03,yes,yes,b\n");
    let last = told.reports.last().map(monitor_json);
    assert_eq!(last, Some(monitor_json(&one_shot(&plan, good.as_bytes()))));
}

#[test]
fn a_replaced_input_starts_over_and_a_header_alone_waits() {
    let log = demo_log();
    let line_end =
        |n: usize| log.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(n).unwrap().0 + 1;
    let (header_end, end) = (line_end(0), line_end(100));
    let plan = plan("1mo");
    let told = follow(
        &plan,
        vec![
            Growth::Appended { bytes: log[..header_end].to_vec(), more: false },
            Growth::Appended { bytes: log[header_end..].to_vec(), more: false },
            Growth::Replaced,
            // Its last record without its line end: counted once the input ends.
            Growth::Appended { bytes: log[..end - 1].to_vec(), more: false },
        ],
    );
    // The header alone made no report; the whole log, its first 99 rows, then its 100th at
    // the end, did.
    assert_eq!(told.reports.len(), 3);
    assert_eq!(monitor_json(&told.reports[0]), monitor_json(&one_shot(&plan, &log)));
    assert_eq!(monitor_json(&told.reports[2]), monitor_json(&one_shot(&plan, &log[..end])));
}

#[test]
fn rows_windows_and_columnar_inputs_are_refused() {
    let refused = |plan: &MonitorPlan, bytes: &[u8]| {
        let mut given = Some(Growth::Appended { bytes: bytes.to_vec(), more: false });
        let mut grow = || Ok(given.take().unwrap_or(Growth::Ended));
        sextant::follow(plan, "log", None, &mut grow, &mut |_| {}, &mut NoProgress)
            .unwrap_err()
            .to_string()
    };
    assert!(refused(&plan("rows:100"), &demo_log()).contains("rows:N"));
    assert!(refused(&plan("1mo"), b"PAR1\0\0\0\0\0\0").contains("Parquet"));
}

fn flags(path: &str) -> Vec<&str> {
    let mut args = vec!["monitor", path, "--time", "decided_at", "--window", "1mo"];
    args.extend(["--label", "repaid", "--score", "score", "--sensitive", "sex"]);
    args.extend(["--drift", "income_k", "--format", "json"]);
    args
}

#[test]
fn followed_standard_input_leaves_out_a_bad_row_and_ends_with_it() {
    let dir = scratch("follow_stdin");
    let log = String::from_utf8(demo_log()).unwrap();
    let (header, rows) = log.split_once('\n').unwrap();
    let with_bad = format!("{header}\nnot a time,1,male,25-45,42,685,1,0.5,1\n{rows}");
    let output = dir.join("report.json");
    let mut args = flags("-");
    args.extend(["--follow", "--output", output.to_str().unwrap()]);
    let run = with_stdin(&args, with_bad.as_bytes());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("<stdin>, line 2, column \"decided_at\""), "{stderr}");
    assert!(stderr.contains("(the row is left out)"), "{stderr}");
    let path = write(&dir, "log.csv", log.as_bytes());
    let direct = sextant(&flags(&path));
    let followed = std::fs::read_to_string(&output).unwrap();
    let direct = String::from_utf8(direct.stdout).unwrap();
    assert_eq!(followed.replace("<stdin>", "log"), direct.replace(&path, "log"));
}

#[test]
fn a_followed_file_reports_rows_appended_to_it() {
    let dir = scratch("follow_file");
    let log = String::from_utf8(demo_log()).unwrap();
    let half = log[..log.len() / 2].rfind('\n').unwrap() + 1;
    let path = write(&dir, "log.csv", &log.as_bytes()[..half]);
    let output = dir.join("report.json");
    let mut args = flags(&path);
    args.extend(["--follow", "--output", output.to_str().unwrap()]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sextant"))
        .args(&args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let rows = |expected: u64| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            let report: Option<serde_json::Value> = std::fs::read_to_string(&output)
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok());
            if report.as_ref().and_then(|r| r["rows"].as_u64()) == Some(expected) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    };
    let half_rows = log[..half].lines().count() as u64 - 1;
    let all_rows = log.lines().count() as u64 - 1;
    assert!(rows(half_rows));
    // The rest, in two writes: the first ends in the middle of a row.
    let cut = half + 1000;
    let append = |bytes: &str| {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(bytes.as_bytes()).unwrap();
    };
    append(&log[half..cut]);
    std::thread::sleep(Duration::from_millis(1500));
    append(&log[cut..]);
    let updated = rows(all_rows);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(updated);
    let direct = String::from_utf8(sextant(&flags(&path)).stdout).unwrap();
    assert_eq!(std::fs::read_to_string(&output).unwrap(), direct);
    // Each report was written beside it under a name of its own, then renamed over it.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["log.csv", "report.json"]);
}

#[test]
fn followed_standard_input_without_rows_is_an_error() {
    let args = [flags("-"), vec!["--follow", "--output", "unused.json"]].concat();
    for (input, needle) in [
        ("", "the file is empty"),
        ("decided_at,sex,repaid,score,income_k\n", "header but no data rows"),
        ("decided_at,sex,repaid,score,income_k\nsoon,f,1,0.5,3\n", "every row was left out (1"),
    ] {
        let run = with_stdin(&args, input.as_bytes());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(stderr.lines().last().is_some_and(|l| l.contains(needle)), "{stderr}");
        // Told once.
        assert_eq!(stderr.lines().filter(|l| l.contains(needle)).count(), 1, "{stderr}");
    }
}

#[test]
fn a_reference_file_is_read_once_before_the_input() {
    let log = demo_log();
    let half = log[..log.len() / 2].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    let header_end = log.iter().position(|&b| b == b'\n').unwrap() + 1;
    let config = AuditConfig {
        label: "repaid".into(),
        score: Some("score".into()),
        sensitive: vec!["sex".into()],
        ..AuditConfig::default()
    };
    let options = MonitorOptions {
        time: "decided_at".into(),
        window: "1mo".into(),
        drift: vec!["income_k".into()],
        ..MonitorOptions::default()
    };
    let plan = options.check(config.check().unwrap(), true).unwrap();
    let reference = &log[..half];
    let mut rest = log[..header_end].to_vec();
    rest.extend_from_slice(&log[half..]);
    let told = follow_with_reference(&plan, pieces(&rest, &[0.5]), Some(reference));
    let direct = one_shot_with_reference(&plan, &rest, Some(reference));
    assert_eq!(told.reports.last().map(monitor_json), Some(monitor_json(&direct)));
}

#[test]
fn the_inputs_first_values_tell_a_drift_columns_kind_before_the_reference_files() {
    let config = small_config();
    let options = daily(&["x"]);
    let plan = options.check(config.check().unwrap(), true).unwrap();
    let log = "t,y,p,g,x\n2025-01-01,1,0,a,low\n2025-01-02,0,1,b,3\n";
    let reference = "y,p,g,x\n1,1,a,3\n0,0,b,low\n";
    let told =
        follow_with_reference(&plan, pieces(log.as_bytes(), &[]), Some(reference.as_bytes()));
    assert!(
        told.left_out.is_empty() && told.no_report.is_empty(),
        "{:?} {:?}",
        told.left_out,
        told.no_report
    );
    let reports: Vec<String> = told.reports.iter().map(monitor_json).collect();
    let direct = one_shot_with_reference(&plan, log.as_bytes(), Some(reference.as_bytes()));
    assert_eq!(reports, [monitor_json(&direct)]);
}

#[test]
fn each_report_equals_a_whole_run_as_new_labels_and_windows_come() {
    let config = AuditConfig {
        positive_label: Some("yes".into()),
        favorable_label: Some("no".into()),
        ..small_config()
    };
    let options = daily(&["x"]);
    let plan = options.check(config.check().unwrap(), false).unwrap();
    // Day 1 holds only the positive label, day 3 the negative one too; then a row of day 1
    // alone (audited again, with the labels of every window: "no" is favourable), and
    // rows of days 1 and 2.
    let days = [
        "t,y,p,g,x\n2025-01-01,yes,yes,a,1\n2025-01-01,yes,yes,b,2\n2025-01-03,no,yes,a,3\n2025-01-03,yes,no,b,4\n",
        "2025-01-01,yes,yes,a,5\n",
        "2025-01-01,no,no,a,5\n2025-01-02,no,yes,b,6\n",
    ];
    let pieces = updates(&days[..]);
    let told = follow(&plan, pieces);
    assert_eq!(told.reports.len(), 3, "{:?} {:?}", told.left_out, told.no_report);
    for (i, report) in told.reports.iter().enumerate() {
        let whole: String = days[..=i].concat();
        assert_eq!(monitor_json(report), monitor_json(&one_shot(&plan, whole.as_bytes())), "{i}");
    }
}

#[test]
fn each_report_against_a_reference_file_or_range_equals_a_whole_run_as_labels_and_kinds_come() {
    let config = AuditConfig { positive_label: Some("yes".into()), ..small_config() };
    // The reference has no value of the drift column. Day 2 brings the column's first
    // value, which tells it holds categories, and (in the first log) the negative label
    // value: the follower makes the reference again when kinds or labels read differently.
    let logs = [
        [
            "t,y,p,g,x\n2025-01-01,yes,yes,a,\n2025-01-01,yes,yes,b,\n2025-01-01,yes,yes,b,\n",
            "2025-01-02,no,yes,a,low\n2025-01-02,no,no,b,4\n",
        ],
        [
            "t,y,p,g,x\n2025-01-01,yes,no,a,\n2025-01-01,yes,yes,b,\n2025-01-01,yes,yes,b,\n",
            "2025-01-02,yes,yes,a,low\n2025-01-02,no,no,b,4\n",
        ],
    ];
    let file = "y,p,g,x\nyes,no,a,\nyes,yes,b,\nyes,yes,a,\n";
    for (days, reference) in logs.iter().flat_map(|d| [(d, "2025-01-01/2025-01-02"), (d, "file")]) {
        let options = MonitorOptions {
            reference: (reference != "file").then(|| reference.to_owned()),
            max_change: [("demographic_parity_difference".to_owned(), 0.05)].into(),
            ..daily(&["x"])
        };
        let with_file = reference == "file";
        let plan = options.check(config.check().unwrap(), with_file).unwrap();
        let file = with_file.then_some(file.as_bytes());
        let pieces = updates(&days[..]);
        let told = follow_with_reference(&plan, pieces, file);
        assert_eq!(told.reports.len(), 2, "{reference}: {:?} {:?}", told.left_out, told.no_report);
        for (i, report) in told.reports.iter().enumerate() {
            let whole = days[..=i].concat();
            let direct = one_shot_with_reference(&plan, whole.as_bytes(), file);
            assert_eq!(monitor_json(report), monitor_json(&direct), "{reference}, report {i}");
        }
    }
}

#[test]
fn a_group_past_the_limit_across_the_windows_is_left_out() {
    let config = AuditConfig { max_groups: Some(3), ..small_config() };
    let options = daily(&[]);
    let plan = options.check(config.check().unwrap(), false).unwrap();
    // Three groups on day 1; day 2 brings a fourth (one a day, within any one window).
    let days = [
        "t,y,p,g\n2025-01-01,1,1,a\n2025-01-01,0,1,b\n2025-01-01,1,0,c\n",
        "2025-01-02,1,1,a\n2025-01-02,0,0,d\n2025-01-02,0,1,b\n",
    ];
    let pieces = updates(&days[..]);
    let told = follow(&plan, pieces);
    assert_eq!(told.left_out.len(), 1, "{:?}", told.left_out);
    let message = told.left_out[0].to_string();
    assert!(message.contains("line 6") && message.contains("more than 3 groups"), "{message}");
    let kept = days.concat().replace("2025-01-02,0,0,d\n", "");
    let last = told.reports.last().map(monitor_json);
    assert_eq!(last, Some(monitor_json(&one_shot(&plan, kept.as_bytes()))));
}

#[test]
fn flags_that_read_no_row_at_the_start_stop_as_a_whole_run_does() {
    let config = small_config();
    let options = daily(&[]);
    let plan = options.check(config.check().unwrap(), false).unwrap();
    let run_pieces = |pieces: Vec<Growth>| {
        let mut pieces = VecDeque::from(pieces);
        let mut grow = || Ok(pieces.pop_front().unwrap_or(Growth::Ended));
        let mut left_out = 0;
        let mut tell = |event| left_out += usize::from(matches!(event, FollowEvent::LeftOut(_)));
        let result = sextant::follow(&plan, "log", None, &mut grow, &mut tell, &mut NoProgress);
        (result.map_err(|e| e.to_string()), left_out)
    };
    let run = |text: &str| run_pieces(vec![Growth::Appended { bytes: text.into(), more: false }]);
    // Labels spelt yes/no without ‹positive_label›: no row reads, and nothing is told.
    let (result, told) = run("t,y,p,g\n2025-01-01,yes,no,a\n2025-01-02,no,no,b\n");
    assert_eq!(told, 0);
    let error = result.unwrap_err();
    assert!(error.contains("log, line 2, column \"y\"") && error.contains("positive"), "{error}");
    // A bad row beside good ones is told and left out; a single row, bad, too.
    for text in ["t,y,p,g\n2025-01-01,yes,1,a\n2025-01-02,0,1,b\n", "t,y,p,g\n2025-01-01,yes,1,a\n"]
    {
        let (result, told) = run(text);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(told, 1);
    }
    // A file replaced later (rotated) is not the start: its rows are told and left out.
    let (result, told) = run_pieces(vec![
        Growth::Appended { bytes: "t,y,p,g\n2025-01-01,1,0,a\n".into(), more: false },
        Growth::Replaced,
        Growth::Appended {
            bytes: "t,y,p,g\n2025-01-01,yes,no,a\n2025-01-02,no,no,b\n".into(),
            more: false,
        },
    ]);
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(told, 2);
}

#[test]
fn a_kept_reference_range_reports_as_a_whole_run_while_rows_come_after_it() {
    // The demo log in time order, appended a month at a time after January, the reference
    // range: every update keeps the range's reference made at the first report.
    let log = String::from_utf8(demo_log()).unwrap();
    let (header, rows) = log.split_once('\n').unwrap();
    let mut rows: Vec<&str> = rows.lines().collect();
    rows.sort_unstable();
    let mut months: Vec<String> = Vec::new();
    for row in rows {
        let month = &row[..7];
        match months.last_mut() {
            Some(last) if last.starts_with(month) => last.push_str(&format!("{row}\n")),
            _ => months.push(format!("{row}\n")),
        }
    }
    months[0].insert_str(0, &format!("{header}\n"));
    let plan = plan_against("1mo", Some("2025-01-01/2025-02-01"));
    let pieces: Vec<Growth> = months[..5]
        .iter()
        .map(|m| Growth::Appended { bytes: m.clone().into_bytes(), more: false })
        .collect();
    let told = follow(&plan, pieces);
    assert_eq!(told.reports.len(), 5, "{:?} {:?}", told.left_out, told.no_report);
    for (i, report) in told.reports.iter().enumerate() {
        let whole = months[..=i].concat();
        assert_eq!(monitor_json(report), monitor_json(&one_shot(&plan, whole.as_bytes())), "{i}");
    }
}
