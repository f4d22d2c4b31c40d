//! `sextant audit` with an `[explanations]` section: SHAP and LIME run on the audited rows
//! with the config's model, and the HTML report holds the fairness audit and both.

mod common;

use common::{assert_error, repo, scratch, sextant, write};

const AUDIT: &str = r#"
data = "DATA"
label = "repaid"
score = "score"
sensitive = ["sex"]
[[outputs]]
format = "html"
path = "report.html"
"#;

#[test]
fn the_audit_report_holds_fairness_and_explanations() {
    let dir = scratch("audit_explanations");
    let data = repo().join("datasets/demo/loans.csv").display().to_string();
    let model = repo().join("datasets/demo/credit_model.json").display().to_string();
    let config = format!(
        "{}\n[explanations]\nmodel = \"{model}\"\nrows = [3, 5]\nrepeats = 2\nnum_samples = 500\nmax_evals = 50\n",
        AUDIT.replace("DATA", &data)
    );
    let path = write(&dir, "audit.toml", config.as_bytes());
    let out = sextant(&["audit", &path, "--format", "json", "--exit-zero"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        json.contains("sextant.fairness/v1") && !json.contains("sextant.shap"),
        "JSON stays fairness/v1"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap_or_default();
    for needle in ["Attribute: sex", "<h2>SHAP values</h2>", "<h2>LIME surrogates</h2>", "income_k"]
    {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    assert_eq!(
        html.matches("<figure>").count(),
        1 + 2 + 2 + 2,
        "rate chart, SHAP bar and beeswarm, 2 waterfalls, 2 LIME charts"
    );
}

#[test]
fn bad_explanations_sections_get_one_line_errors() {
    let dir = scratch("audit_explanations_bad");
    let data = repo().join("datasets/demo/loans.csv").display().to_string();
    let model = repo().join("datasets/demo/credit_model.json").display().to_string();
    let config = |section: &str| {
        let text = format!("{}\n[explanations]\n{section}\n", AUDIT.replace("DATA", &data));
        write(&dir, "audit.toml", text.as_bytes())
    };
    assert_error(&["audit", &config("rows = [0]")], &["[explanations]", "missing key `model`"]);
    let past = format!("model = \"{model}\"\nrows = [20000]");
    assert_error(
        &["audit", &config(&past)],
        &["explanations.rows", "row 20000 is past the data's 20000 rows"],
    );
    let method = format!("model = \"{model}\"\nmethods = [\"anchors\"]");
    assert_error(&["audit", &config(&method)], &["unknown method `anchors`"]);
    assert_error(&["audit", &config("colour = 1")], &["unknown field `colour`"]);
}
