//! Rows with frequencies (`--count-column`) and standard input (`-`): a `GROUP BY … COUNT(*)`
//! of the demo data audits exactly as its 20,000 rows, bootstrap intervals included, and a
//! CSV piped into `sextant fairness -` audits as the file.

mod common;

use std::collections::BTreeMap;

use common::{assert_error, repo, scratch, sextant_json, with_stdin, write};

const DEMO: &str = "datasets/demo/loans.csv";

/// The demo rows grouped by sex, age group, label and prediction (score ≥ 0.5), with counts,
/// as `SELECT sex, age_group, repaid, score >= 0.5 AS pred, COUNT(*) AS n … GROUP BY …`.
fn grouped() -> String {
    let mut reader = csv::Reader::from_path(repo().join(DEMO)).unwrap_or_else(|e| panic!("{e}"));
    let headers = reader.headers().cloned().unwrap_or_default();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let (sex, age, label, score) =
        (column("sex"), column("age_group"), column("repaid"), column("score"));
    let mut groups: BTreeMap<(String, String, String, u8), u64> = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap_or_else(|e| panic!("{e}"));
        let pred = u8::from(r[score].parse::<f64>().unwrap_or(0.0) >= 0.5);
        *groups
            .entry((r[sex].to_owned(), r[age].to_owned(), r[label].to_owned(), pred))
            .or_default() += 1;
    }
    let mut out = String::from("sex,age_group,repaid,pred,n\n");
    for ((s, a, l, p), n) in groups {
        out += &format!("{s},{a},{l},{p},{n}\n");
    }
    out
}

#[test]
fn grouped_counts_audit_as_the_rows_they_count() {
    let dir = scratch("counts");
    let grouped = write(&dir, "grouped.csv", grouped().as_bytes());
    let common_args = [
        "--label",
        "repaid",
        "--sensitive",
        "sex",
        "--sensitive",
        "sex&age_group",
        "--privileged",
        "sex=male",
        "--bootstrap",
        "200",
        "--seed",
        "3",
        "--format",
        "json",
    ];
    let raw = sextant_json(
        &[&["fairness", DEMO, "--score", "score", "--threshold", "0.5"][..], &common_args].concat(),
    );
    let counted = sextant_json(
        &[&["fairness", &grouped, "--pred", "pred", "--count-column", "n"][..], &common_args]
            .concat(),
    );
    assert_eq!(counted["rows"], 20_000);
    assert_eq!(counted["rows"], raw["rows"]);
    // Same groups, rates, aggregates and bootstrap intervals (the resampling draws from the
    // groups' confusion counts, which are the same).
    assert_eq!(counted["attributes"], raw["attributes"]);
}

/// A row that counts 0 stands for no row: its group and its label value are as absent as
/// in the rows the counts stand for.
#[test]
fn rows_that_count_zero_are_absent() {
    let dir = scratch("counts_zero");
    let with = format!("{}other,18-25,maybe,1,0\nfemale,18-25,1,1,0\n", grouped());
    let flags = ["--label", "repaid", "--pred", "pred", "--count-column", "n"];
    let rest = ["--sensitive", "sex", "--positive-label", "1", "--format", "json"];
    let report = |name: &str, text: &str| {
        let path = write(&dir, name, text.as_bytes());
        let mut report = sextant_json(&[&["fairness", path.as_str()][..], &flags, &rest].concat());
        report.as_object_mut().map(|o| o.remove("source"));
        report
    };
    assert_eq!(report("with_zeros.csv", &with), report("without.csv", &grouped()));
    let zeros = write(&dir, "zeros.csv", b"sex,repaid,pred,n\nfemale,1,1,0\nmale,0,1,0\n");
    assert_error(
        &[&["fairness", zeros.as_str()][..], &flags, &rest].concat(),
        &["zeros.csv, column \"n\"", "no row counts more than 0"],
    );
}

#[test]
fn counts_must_be_whole_numbers() {
    let dir = scratch("counts_bad");
    for (cell, needle) in [
        ("-2", "\"-2\" is not a whole number"),
        ("1.5", "\"1.5\""),
        ("", "missing count (\"\")"),
        ("NA", "missing count (\"NA\")"),
        ("x", "\"x\" is not a whole number"),
        ("9007199254740992", "\"9007199254740992\" is 2^53 or more"),
    ] {
        let data = write(&dir, "bad.csv", format!("y,p,g,n\n1,1,a,3\n0,1,b,{cell}\n").as_bytes());
        assert_error(
            &[
                "fairness",
                &data,
                "--label",
                "y",
                "--pred",
                "p",
                "--sensitive",
                "g",
                "--count-column",
                "n",
            ],
            &["bad.csv, line 3, column \"n\"", needle],
        );
    }
    let data = write(&dir, "ok.csv", b"y,p,g,n\n1,1,a,3\n0,1,b,2\n");
    assert_error(
        &[
            "fairness",
            &data,
            "--label",
            "y",
            "--pred",
            "p",
            "--sensitive",
            "g",
            "--count-column",
            "m",
        ],
        &["no column \"m\""],
    );
}

#[test]
fn dropped_rows_are_counted_with_their_frequencies() {
    let dir = scratch("counts_missing");
    let data = write(&dir, "m.csv", b"y,p,g,n\n1,1,a,3\n0,NA,b,5\n0,0,b,2\n1,1,a,4\n0,1,b,1\n");
    let report = sextant_json(&[
        "fairness",
        &data,
        "--label",
        "y",
        "--pred",
        "p",
        "--sensitive",
        "g",
        "--count-column",
        "n",
        "--missing",
        "drop",
        "--min-group-size",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(report["rows"], 10);
    assert_eq!(report["missing"]["dropped_rows"], 5, "{}", report["missing"]);
    assert_eq!(report["missing"]["by_column"]["p"], 5);
}

#[test]
fn a_dash_reads_standard_input() {
    let data = std::fs::read(repo().join(DEMO)).unwrap_or_default();
    let args = ["--label", "repaid", "--score", "score", "--sensitive", "sex", "--format", "json"];
    let out = with_stdin(&[&["fairness", "-"][..], &args].concat(), &data);
    let piped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let direct = sextant_json(&[&["fairness", DEMO][..], &args].concat());
    assert_eq!(piped["source"], "<stdin>");
    assert_eq!(piped["attributes"], direct["attributes"]);
    assert_eq!(piped["rows"], direct["rows"]);
}

#[test]
fn an_audit_config_reads_standard_input_even_with_explanations() {
    let dir = scratch("stdin_audit");
    let model = repo().join("datasets/demo/credit_model.json").display().to_string();
    let config = write(
        &dir,
        "audit.toml",
        format!(
            "data = \"-\"\nlabel = \"repaid\"\nscore = \"score\"\nsensitive = [\"sex\"]\n\n[explanations]\nmodel = \"{model}\"\nrows = [0, 1]\nmethods = [\"shap\"]\n"
        )
        .as_bytes(),
    );
    let data = std::fs::read(repo().join(DEMO)).unwrap_or_default();
    let out = with_stdin(&["audit", &config, "--format", "html"], &data);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains("&lt;stdin&gt;") || html.contains("<stdin>"), "the source is named");
    assert!(html.contains("SHAP"), "the explanations read the same rows");
}

#[test]
fn counted_states_merge_into_the_report_of_the_whole() {
    let dir = scratch("states");
    let text =
        String::from_utf8(std::fs::read(repo().join(DEMO)).unwrap_or_default()).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let (header, rows) = (lines[0], &lines[1..]);
    // Three uneven parts, as shards of a job would be.
    let parts: Vec<String> = [&rows[..7000], &rows[7000..7001], &rows[7001..]]
        .iter()
        .enumerate()
        .map(|(i, part)| {
            write(
                &dir,
                &format!("part{i}.csv"),
                format!("{header}\n{}\n", part.join("\n")).as_bytes(),
            )
        })
        .collect();
    let counting = [
        "--label",
        "repaid",
        "--score",
        "score",
        "--threshold",
        "0.4",
        "--sensitive",
        "sex",
        "--sensitive",
        "sex&age_group",
    ];
    let mut states = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let state = dir.join(format!("part{i}.json")).display().to_string();
        let out =
            common::sextant(&[&["count", part][..], &counting, &["--output", &state]].concat());
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        states.push(state);
    }
    let report = [
        "--privileged",
        "sex=male",
        "--bootstrap",
        "300",
        "--seed",
        "5",
        "--max",
        "demographic_parity_difference=0.1",
        "--format",
        "json",
    ];
    let direct = sextant_json(&[&["fairness", DEMO][..], &counting, &report].concat());
    let from: Vec<&str> = states.iter().map(String::as_str).collect();
    let merged =
        sextant_json(&[&["fairness", "--from-counts"][..], &from, &counting, &report].concat());
    let mut expected = direct.clone();
    expected["source"] = merged["source"].clone();
    assert_eq!(merged, expected, "everything but the source, intervals included");
    assert_eq!(merged["source"], serde_json::Value::from(from.join(" + ")));

    // A state counted with other settings is refused, the difference named.
    let other = dir.join("other.json").display().to_string();
    let out = common::sextant(&[
        "count",
        &parts[0],
        "--label",
        "repaid",
        "--score",
        "score",
        "--threshold",
        "0.5",
        "--sensitive",
        "sex",
        "--sensitive",
        "sex&age_group",
        "--output",
        &other,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_error(
        &[&["fairness", "--from-counts", &states[0], &other][..], &counting].concat(),
        &["other.json", "counted with threshold 0.5", "this audit has 0.4"],
    );
    // Report settings belong to the audit of the states, not to counting.
    assert_error(
        &[&["count", &parts[0]][..], &counting, &["--bootstrap", "10"]].concat(),
        &["--bootstrap", "--from-counts"],
    );
    assert_error(
        &[&["count", &parts[0]][..], &counting, &["--favorable-label", "1"]].concat(),
        &["--favorable-label"],
    );
    assert_error(
        &[&["fairness", "--from-counts", "-", "-"][..], &counting].concat(),
        &["only one input can be standard input"],
    );
    // Not a state.
    assert_error(
        &[&["fairness", "--from-counts", &parts[0]][..], &counting].concat(),
        &["part0.csv", "sextant.counts/v1"],
    );
    // A state whose cells repeat a combination (edited, or joined by hand).
    let text = std::fs::read_to_string(&states[0]).unwrap_or_default();
    let mut state: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let first = state["cells"][0].clone();
    if let Some(cells) = state["cells"].as_array_mut() {
        cells.push(first);
    }
    let doubled = write(&dir, "doubled.json", state.to_string().as_bytes());
    assert_error(
        &[&["fairness", "--from-counts", &doubled][..], &counting].concat(),
        &["doubled.json", "appears twice"],
    );
}

#[test]
fn states_name_one_positive_label_in_any_spelling_and_refuse_one_label_twice() {
    let dir = scratch("states_labels");
    let data = write(&dir, "d.csv", b"y,p,g\n1,1,a\n0,1,b\n1,0,b\n0,0,a\n");
    let empty = write(&dir, "e.csv", b"y,p,g\n");
    let flags = ["--label", "y", "--pred", "p", "--sensitive", "g", "--format", "json"];
    let count = |input: &str, name: &str, positive: &str| {
        let state = dir.join(name).display().to_string();
        let out = common::sextant(
            &[
                &["count", input][..],
                &flags[..6],
                &["--positive-label", positive, "--output", &state],
            ]
            .concat(),
        );
        (out.status.code(), state)
    };
    // `1.0` and `1` are one value, as counting reads the cells.
    let (code, spelled) = count(&data, "spelled.json", "1.0");
    assert_eq!(code, Some(0));
    let (_, plain) = count(&data, "plain.json", "1");
    let merged = sextant_json(
        &[&["fairness", "--from-counts", &spelled, &plain][..], &flags, &["--positive-label", "1"]]
            .concat(),
    );
    let whole = sextant_json(
        &[&["fairness", "--from-counts", &plain, &plain][..], &flags, &["--positive-label", "1"]]
            .concat(),
    );
    assert_eq!(merged["attributes"], whole["attributes"]);
    // States that hold no rows say so, as states.
    let (code, none) = count(&empty, "none.json", "1");
    assert_eq!(code, Some(0), "an input without rows counts as a state without rows");
    assert_error(
        &[&["fairness", "--from-counts", &none][..], &flags, &["--positive-label", "1"]].concat(),
        &["none.json", "the counted states hold no rows"],
    );
    // A state (edited by hand) whose negative label is its positive one.
    let text = std::fs::read_to_string(&plain).unwrap_or_default();
    let mut state: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    state["negative_label"] = serde_json::Value::from("1.0");
    let same = write(&dir, "same.json", state.to_string().as_bytes());
    assert_error(
        &[&["fairness", "--from-counts", &same][..], &flags, &["--positive-label", "1"]].concat(),
        &["same.json", "negative label \"1.0\" is its positive label \"1\""],
    );
}

/// In-memory inputs for the library's audit pipeline.
struct Memory(Vec<u8>, String);

impl sextant::AuditInputs for Memory {
    fn data_name(&self) -> String {
        self.1.clone()
    }
    fn open_data(&mut self) -> sextant::Result<sextant::Input<'_>> {
        Ok(sextant::Input::from(self.0.as_slice()))
    }
    fn model(&mut self, name: &str) -> sextant::Result<(Vec<u8>, String)> {
        Err(sextant::Error::invalid_option("model", format!("no model {name} here")))
    }
    fn open_csv(&mut self, name: &str) -> sextant::Result<(sextant::Input<'_>, String)> {
        Err(sextant::Error::invalid_option("csv", format!("no file {name} here")))
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Merged states equal the whole, for random data cut at random places.
    #[test]
    fn merged_states_equal_the_whole(
        rows in proptest::collection::vec((0u8..3, 0u8..2, proptest::bool::ANY, proptest::bool::ANY, 0u8..4), 8..120),
        cuts in proptest::collection::vec(0.0..1.0f64, 1..4),
    ) {
        let line = |r: &(u8, u8, bool, bool, u8)| format!("{},{},{},{},{}\n", ["a", "b", "c"][r.0 as usize], ["x", "y"][r.1 as usize], u8::from(r.2), u8::from(r.3), r.4);
        let header = "g,h,y,p,n\n";
        let whole: String = header.to_owned() + &rows.iter().map(line).collect::<String>();
        let mut points: Vec<usize> = cuts.iter().map(|c| (c * rows.len() as f64) as usize).collect();
        points.extend([0, rows.len()]);
        points.sort_unstable();
        points.dedup();
        let config = sextant::AuditConfig {
            label: "y".into(),
            pred: Some("p".into()),
            sensitive: vec!["g".into(), "g&h".into()],
            count_column: Some("n".into()),
            bootstrap: Some(20),
            min_group_size: Some(1),
            ..sextant::AuditConfig::default()
        };
        let direct = sextant::run_audit(&config, &mut Memory(whole.into_bytes(), "whole".into()), &mut sextant::NoProgress);
        let mut states = Vec::new();
        for (i, w) in points.windows(2).enumerate() {
            let part: String = header.to_owned() + &rows[w[0]..w[1]].iter().map(line).collect::<String>();
            // Any part counts: one group, or no rows at all, is a part's right.
            let state = sextant::count_state(&config, &mut Memory(part.into_bytes(), format!("p{i}")));
            proptest::prop_assert!(state.is_ok(), "part {}: {:?}", i, state.err());
            states.push((serde_json::to_vec(&state.ok()).unwrap_or_default(), format!("p{i}")));
        }
        let merged = sextant::audit_states(&config, &states, &mut sextant::NoProgress);
        match (direct, merged) {
            (Ok(d), Ok(m)) => {
                let (mut d, m) = (d.report, m.report);
                d.source = m.source.clone();
                proptest::prop_assert_eq!(d, m);
            }
            // Data with a single group (or no rows) is refused either way, for the same reason.
            (Err(d), Err(m)) => proptest::prop_assert_eq!(d.code(), m.code()),
            (d, m) => proptest::prop_assert!(false, "direct {:?} vs merged {:?}", d.map(|r| r.report.rows), m.map(|r| r.report.rows)),
        }
    }
}

/// The groups' limits hold for merged states as for the whole, intersections included:
/// parts by sex each make 3 groups of `sex&age_group`, their union 6.
#[test]
fn merged_states_keep_the_group_limits_of_the_whole() {
    let dir = scratch("states_limits");
    let text =
        String::from_utf8(std::fs::read(repo().join(DEMO)).unwrap_or_default()).unwrap_or_default();
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let counting = ["--label", "repaid", "--pred", "approved", "--sensitive", "sex&age_group"];
    let limit = ["--max-groups", "4"];
    let mut states = Vec::new();
    for sex in ["female", "male"] {
        let rows: Vec<&str> =
            text.lines().skip(1).filter(|l| l.split(',').nth(1) == Some(sex)).collect();
        let part = write(
            &dir,
            &format!("{sex}.csv"),
            format!("{header}\n{}\n", rows.join("\n")).as_bytes(),
        );
        let state = dir.join(format!("{sex}.json")).display().to_string();
        let out = common::sextant(
            &[&["count", part.as_str()][..], &counting, &limit, &["--output", &state]].concat(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        states.push(state);
    }
    let direct = common::sextant(&[&["fairness", DEMO][..], &counting, &limit].concat());
    assert_eq!(direct.status.code(), Some(2));
    let mut args = vec!["fairness", "--from-counts"];
    args.extend(states.iter().map(String::as_str));
    args.extend(counting);
    args.extend(limit);
    assert_error(&args, &["sex&age_group", "more than 4 groups"]);
}

/// A weighted state is written as `JSON.stringify` writes it, as every result is: `27`, not
/// `27.0`, and `1e-7`, so the CLI's state and the npm package's are the same bytes.
#[test]
fn weighted_states_are_written_with_javascript_numbers() {
    let dir = scratch("weighted_state_numbers");
    let data = write(
        &dir,
        "w.csv",
        b"label,pred,sex,w\n1,1,F,27\n0,1,F,3\n1,0,M,0.0000001\n0,0,M,1e16\n1,1,M,2\n",
    );
    let args = ["count", &data, "--label", "label", "--pred", "pred", "--sensitive", "sex"];
    let out = common::sextant(&[&args[..], &["--sample-weight", "w"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.ends_with("}\n"), "{text}");
    for written in ["27", "1e-7", "10000000000000000"] {
        assert!(text.contains(written), "{written} in {text}");
    }
    assert!(!text.contains(".0,") && !text.contains(".0]") && !text.contains("e+16"), "{text}");
}
