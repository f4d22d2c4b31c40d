//! Renders SHAP explanations: the `sextant.shap/v1` JSON, aligned text tables (per row,
//! features by |value|, then the global mean |value|), and a self-contained HTML report with
//! the charts of [`super::shap_svg`].

use crate::explain::explanation::ShapExplanation;
use crate::report::render::html::page;
use crate::report::render::shap_svg::{bar, beeswarm, waterfall};
use crate::report::render::{class_note, escape_xml, json_line};

/// The explanation as JSON (as `JSON.stringify` writes it), ending in a newline.
pub fn shap_json(explanation: &ShapExplanation) -> String {
    json_line(explanation)
}

/// The explanation as text.
pub fn shap_text(e: &ShapExplanation) -> String {
    let width = e.feature_names.iter().map(|n| n.chars().count()).max().unwrap_or(7).max(7);
    let mut out = format!(
        "SHAP ({} Shapley values) of output {}{} over {} background rows; base value E[f(X)] = {:.6}\n",
        e.method,
        e.output,
        class_note(e.output_label.as_deref()),
        e.background_rows,
        e.base_value
    );
    for (r, row) in e.rows.iter().enumerate() {
        out.push_str(&format!("\nrow {r}: f(x) = {:.6}\n", row.prediction));
        out.push_str(&format!(
            "  {:<width$}  {:>14}  {:>12}  {:>10}\n",
            "feature", "value", "shap", "std error"
        ));
        let mut order: Vec<usize> = (0..row.values.len()).collect();
        order.sort_by(|&a, &b| row.values[b].abs().total_cmp(&row.values[a].abs()).then(a.cmp(&b)));
        for j in order {
            let se =
                row.std_errors.as_ref().map_or_else(|| "-".to_owned(), |s| format!("{:.6}", s[j]));
            out.push_str(&format!(
                "  {:<width$}  {:>14}  {:>+12.6}  {:>10}\n",
                e.feature_names[j],
                format!("{}", row.data[j]),
                row.values[j],
                se
            ));
        }
    }
    out.push_str(&format!("\nmean |SHAP value| over {} rows\n", e.rows.len()));
    let means = e.mean_abs();
    let mut order: Vec<usize> = (0..means.len()).collect();
    order.sort_by(|&a, &b| means[b].total_cmp(&means[a]).then(a.cmp(&b)));
    for j in order {
        out.push_str(&format!("  {:<width$}  {:.6}\n", e.feature_names[j], means[j]));
    }
    out
}

/// Rows drawn as waterfalls in the HTML report.
const MAX_WATERFALLS: usize = 20;

/// A self-contained HTML report: global bar chart, beeswarm, and a waterfall per row.
pub fn shap_html(e: &ShapExplanation) -> String {
    page("SHAP explanation", &format!("<h1>SHAP explanation</h1>\n{}", shap_section(e)))
}

/// The SHAP part of an HTML report (also embedded in audit reports): a summary line, the
/// global bar chart, the beeswarm, and a waterfall per row.
pub fn shap_section(e: &ShapExplanation) -> String {
    let mut body = format!(
        "<section>\n<h2>SHAP values</h2>\n<p>{} Shapley values of model output {}{} for {} rows, against {} background rows; base value E[f(X)] = {:.6}.</p>\n",
        escape_xml(&e.method),
        e.output,
        escape_xml(&class_note(e.output_label.as_deref())),
        e.rows.len(),
        e.background_rows,
        e.base_value
    );
    body.push_str(&format!("<figure>{}</figure>\n<figure>{}</figure>\n", bar(e), beeswarm(e)));
    for (r, row) in e.rows.iter().enumerate().take(MAX_WATERFALLS) {
        body.push_str(&format!("<figure>{}</figure>\n", waterfall(e, row, &format!("row {r}"))));
    }
    if e.rows.len() > MAX_WATERFALLS {
        body.push_str(&format!(
            "<p>Waterfalls of the first {MAX_WATERFALLS} rows; the JSON has all of them.</p>\n"
        ));
    }
    body.push_str("</section>\n");
    body
}
