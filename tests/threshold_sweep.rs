//! `sextant fairness --sweep`: the value of every metric and rate at each threshold of the
//! sweep is exactly what `sextant fairness --threshold t` reports, on the bundled demo, on
//! edge-case data (scores outside [0, 1], frequencies, missing groups, fairlearn-compat) and
//! on the reference data sets; and where a sweep has no scores it is refused.

mod common;

use common::{assert_error, scratch, sextant, sextant_json, shared_dir, write};
use serde_json::Value;

/// Checks the sweep of `args` (a `sextant fairness` call on a score) against an audit at
/// each threshold of `ks` (grid indices), value for value.
fn check_sweep(args: &[&str], ks: &[usize]) -> Value {
    let mut swept_args = args.to_vec();
    swept_args.extend(["--sweep", "--format", "json"]);
    let swept = sextant_json(&swept_args);
    let sweep = &swept["sweep"];
    let thresholds = sweep["thresholds"].as_array().unwrap_or_else(|| panic!("{swept}"));
    assert_eq!(thresholds.len(), 101);
    for &k in ks {
        let t = thresholds[k].as_f64().unwrap_or_else(|| panic!("{}", thresholds[k]));
        assert_eq!(t.to_string(), format!("{}", k as f64 / 100.0));
        let mut at_args = args.to_vec();
        let t_text = t.to_string();
        at_args.extend(["--threshold", &t_text, "--format", "json"]);
        let audit = sextant_json(&at_args);
        let rates = ["selection_rate", "tpr", "fpr", "precision", "accuracy"];
        for rate in rates {
            assert_eq!(sweep["overall"][rate][k], audit["overall"][rate], "overall {rate} at {t}");
        }
        let attributes = audit["attributes"].as_array().unwrap_or_else(|| panic!("{audit}"));
        for (i, attribute) in attributes.iter().enumerate() {
            let swept_attribute = &sweep["attributes"][i];
            assert_eq!(swept_attribute["attribute"], attribute["attribute"]);
            let metrics = swept_attribute["metrics"].as_object().unwrap_or_else(|| panic!());
            assert_eq!(metrics.len(), 10);
            for (name, series) in metrics {
                let value = &attribute["metrics"][name];
                let expected = if value.get("default").is_some() {
                    &value["default"]
                } else {
                    &value["between_groups"]
                };
                assert_eq!(&series[k], expected, "{} {name} at {t}", attribute["attribute"]);
            }
            let groups = attribute["groups"].as_array().unwrap_or_else(|| panic!());
            assert_eq!(swept_attribute["groups"].as_array().map(Vec::len), Some(groups.len()));
            for (g, group) in groups.iter().enumerate() {
                assert_eq!(swept_attribute["groups"][g]["group"], group["group"]);
                for rate in rates {
                    assert_eq!(
                        swept_attribute["groups"][g][rate][k], group[rate],
                        "{} {rate} at {t}",
                        group["group"]
                    );
                }
            }
        }
    }
    swept
}

/// `sextant fairness` of the demo's score for sex.
const DEMO: [&str; 8] = [
    "fairness",
    "datasets/demo/loans.csv",
    "--label",
    "repaid",
    "--score",
    "score",
    "--sensitive",
    "sex",
];

#[test]
fn the_demo_sweep_is_the_audit_at_each_threshold() {
    let mut args = DEMO.to_vec();
    args.extend(["--sensitive", "sex&age_group", "--privileged", "sex=male"]);
    let swept = check_sweep(&args, &[0, 1, 7, 29, 50, 57, 63, 99, 100]);
    assert_eq!(swept["sweep"]["outside_rows"], 0);
    // The report itself is the audit at the chosen threshold, with the sweep beside it.
    let mut plain: Vec<&str> = args.to_vec();
    plain.extend(["--format", "json"]);
    let mut without = swept.clone();
    if let Some(object) = without.as_object_mut() {
        object.remove("sweep");
    }
    assert_eq!(without, sextant_json(&plain));
}

#[test]
fn edge_cases_sweep_as_they_audit() {
    let dir = scratch("sweep_edges");
    let mut csv = String::from("y,s,g,h,n\n");
    for i in 0..400_u32 {
        // Scores on, between and outside the grid; a missing group; frequencies with zeros.
        let score = match i % 7 {
            0 => format!("{}", f64::from(i % 101) / 100.0),
            1 => "-0.25".to_owned(),
            2 => "1.5".to_owned(),
            _ => format!("{:.6}", f64::from((i * 37) % 1000) / 999.0),
        };
        let group = ["a", "b", "c", ""][(i % 4) as usize];
        let label = u32::from((i * 13) % 5 < 2);
        csv.push_str(&format!(
            "{label},{score},{group},{},{}\n",
            ["x", "y"][(i % 2) as usize],
            i % 3
        ));
    }
    let path = write(&dir, "edges.csv", csv.as_bytes());
    let args = [
        "fairness",
        &path,
        "--label",
        "y",
        "--score",
        "s",
        "--sensitive",
        "g",
        "--sensitive",
        "g&h",
        "--missing",
        "group",
        "--count-column",
        "n",
        "--fairlearn-compat",
        "--min-group-size",
        "60",
        "--small-groups",
        "exclude",
    ];
    let swept = check_sweep(&args, &[0, 3, 25, 50, 51, 98, 100]);
    // Rows of scores -0.25 and 1.5, weighted by their frequencies (i % 3).
    let outside: u64 = (0..400_u64).filter(|i| matches!(i % 7, 1 | 2)).map(|i| i % 3).sum();
    assert_eq!(swept["sweep"]["outside_rows"], outside);
    let strict: Vec<&str> = args.iter().copied().filter(|a| *a != "--fairlearn-compat").collect();
    check_sweep(&strict, &[0, 50, 100]);
}

#[test]
fn reference_data_sweep_as_they_audit() {
    let Some(shared) = shared_dir("reference_data_sweep_as_they_audit") else { return };
    for (data, ks) in [
        ("adult/predictions_gbc.csv", &[10, 35, 50, 90][..]),
        // COMPAS deciles / 10 lie on the grid: a score equal to the threshold is positive.
        ("compas/predictions_compas_decile.csv", &[10, 30, 50, 70, 100][..]),
    ] {
        let path = shared.join("reference").join(data);
        let path = path.to_string_lossy();
        let args = [
            "fairness",
            &path,
            "--label",
            "label",
            "--score",
            "score",
            "--sensitive",
            "sensitive_sex",
            "--sensitive",
            "sensitive_race",
            "--sensitive",
            "sensitive_sex&sensitive_age_group",
        ];
        check_sweep(&args, ks);
    }
}

#[test]
fn the_html_report_draws_the_sweep() {
    let mut args = DEMO.to_vec();
    args.extend(["--sweep", "--format", "html"]);
    let out = sextant(&args);
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains("Threshold sweep"), "{html}");
    for chart in [
        "sex: differences between groups by threshold (0 is parity)",
        "sex: selection rate per group by threshold",
        "sex: accuracy per group by threshold",
    ] {
        assert!(html.contains(chart), "{chart}: {html}");
    }
}

#[test]
fn a_sweep_without_scores_to_sweep_is_refused() {
    let dir = scratch("sweep_refused");
    let data = write(&dir, "d.csv", b"y,s,g,w\n1,0.7,a,2\n0,0.2,b,1\n1,0.4,a,1\n0,0.9,b,3\n");
    let flags = ["--label", "y", "--score", "s", "--sensitive", "g"];
    let with = |head: &[&str], tail: &[&str]| -> Vec<String> {
        head.iter().chain(&flags).chain(tail).map(|s| (*s).to_owned()).collect()
    };
    let refused = |args: Vec<String>, needles: &[&str]| {
        assert_error(&args.iter().map(String::as_str).collect::<Vec<_>>(), needles);
    };
    refused(
        with(&["fairness", &data], &["--sample-weight", "w", "--sweep"]),
        &["--sweep", "sample weights"],
    );
    refused(with(&["count", &data], &["--sweep"]), &["--sweep", "not scores"]);
    let counted =
        sextant(&with(&["count", &data], &[]).iter().map(String::as_str).collect::<Vec<_>>());
    let state = write(&dir, "state.json", &counted.stdout);
    refused(with(&["fairness", "--from-counts", &state], &["--sweep"]), &["--sweep", "not scores"]);
    // A prediction column has no threshold.
    let predictions =
        ["fairness", &data, "--label", "y", "--pred", "y", "--sensitive", "g", "--sweep"];
    assert_error(&predictions, &["--sweep", "needs a score (--score, or a model)"]);
}

#[test]
fn a_sweep_follows_a_bounded_number_of_groups_and_draws_the_few() {
    let dir = scratch("sweep_groups");
    let csv = |groups: u32| {
        let mut text = String::from("y,s,g\n");
        for i in 0..groups * 2 {
            text.push_str(&format!("{},{:.3},g{}\n", i % 2, f64::from(i % 97) / 96.0, i % groups));
        }
        text
    };
    let many = write(&dir, "many.csv", csv(10_001).as_bytes());
    let flags = ["--label", "y", "--score", "s", "--sensitive", "g", "--max-groups", "20000"];
    let mut args = vec!["fairness", many.as_str()];
    args.extend(flags);
    args.push("--sweep");
    assert_error(&args, &["line 10002", "more than 10000 combinations", "threshold sweep"]);
    // Without the sweep the same data is audited.
    assert_eq!(sextant(&args[..args.len() - 1]).status.code(), Some(0));
    // Twenty groups (more than 13): their rates are in the JSON, and the charts draw all rows only.
    let twenty = write(&dir, "twenty.csv", csv(20).as_bytes());
    let mut args = vec!["fairness", twenty.as_str()];
    args.extend(flags);
    args.extend(["--sweep", "--format", "html"]);
    let html = String::from_utf8_lossy(&sextant(&args).stdout).into_owned();
    assert!(
        html.contains(
            "g: selection rate per group by threshold (20 groups, too many to draw: all rows only)"
        ),
        "{html}"
    );
}
