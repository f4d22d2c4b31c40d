//! Renders LIME explanations: the `sextant.lime/v1` JSON, aligned text tables (per row, the
//! surrogate's fit and its weights by |weight|), and HTML with a signed bar chart per row.

use std::fmt::Write;

use crate::explain::lime::explanation::LimeExplanation;
use crate::report::render::html::page;
use crate::report::render::lime_svg::signed_bar;
use crate::report::render::{class_note, json_line};

/// Rows drawn as charts in the HTML report.
const MAX_CHARTS: usize = 20;

/// The explanation as JSON (as `JSON.stringify` writes it), ending in a newline.
pub fn lime_json(explanation: &LimeExplanation) -> String {
    json_line(explanation)
}

/// The explanation as text.
pub fn lime_text(e: &LimeExplanation) -> String {
    let mut out = format!("{}\n", summary(e));
    for (r, row) in e.rows.iter().enumerate() {
        let width =
            row.weights.iter().map(|w| w.description.chars().count()).max().unwrap_or(7).max(7);
        let _ = writeln!(
            out,
            "\nrow {r}: f(x) = {:.6}; surrogate {:.6} = intercept {:.6} + weights; R² {:.4}",
            row.prediction, row.local_prediction, row.intercept, row.score
        );
        let _ = writeln!(out, "  {:<width$}  {:>10}  {:>8}", "feature", "weight", "std");
        for w in &row.weights {
            let std = w.std.map_or_else(|| "-".to_owned(), |s| format!("{s:.4}"));
            let _ = writeln!(out, "  {:<width$}  {:>+10.6}  {std:>8}", w.description, w.weight);
        }
    }
    out
}

/// A self-contained HTML report: a signed bar chart per row.
pub fn lime_html(e: &LimeExplanation) -> String {
    page("LIME explanation", &format!("<h1>LIME explanation</h1>\n{}", lime_section(e)))
}

/// The LIME part of an HTML report (also embedded in audit reports).
pub fn lime_section(e: &LimeExplanation) -> String {
    let mut body = format!(
        "<section>\n<h2>LIME surrogates</h2>\n<p>{}.</p>\n",
        crate::report::render::escape_xml(&summary(e))
    );
    for (r, row) in e.rows.iter().enumerate().take(MAX_CHARTS) {
        let title = format!(
            "row {r}: f(x) = {:.4}, surrogate {:.4}, R² {:.3}",
            row.prediction, row.local_prediction, row.score
        );
        let _ = writeln!(body, "<figure>{}</figure>", signed_bar(row, &title));
    }
    if e.rows.len() > MAX_CHARTS {
        let _ = writeln!(
            body,
            "<p>Charts of the first {MAX_CHARTS} rows; the JSON has all of them.</p>"
        );
    }
    body.push_str("</section>\n");
    body
}

/// One line on how the surrogates were made.
fn summary(e: &LimeExplanation) -> String {
    let runs = if e.repeats > 1 {
        format!(
            "mean of {} runs (seeds {}–{}), ± their standard deviation",
            e.repeats,
            e.seed,
            e.seed + e.repeats as u64 - 1
        )
    } else {
        format!("one run (seed {})", e.seed)
    };
    format!(
        "LIME of model output {}{} with {} bins, {} samples per row, kernel width {:.4}, {} feature selection of {} features; {runs}",
        e.output,
        class_note(e.output_label.as_deref()),
        e.discretizer, e.num_samples, e.kernel_width, e.feature_selection, e.num_features
    )
}
