//! Self-contained HTML rendering: inline CSS and SVG, no scripts, no external resources.

use std::fmt::Write;

use crate::fairness::report::FairnessReport;
use crate::report::render::block::{Block, Table};
use crate::report::render::document::layout;
use crate::report::render::escape_xml;
use crate::report::render::svg::rate_chart;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222}\
table{border-collapse:collapse;margin:0.5rem 0 1rem;font-variant-numeric:tabular-nums}\
th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left}th{background:#f3f3f3}\
.pass{color:#05662f;font-weight:600}.fail{color:#a00;font-weight:600}svg{max-width:100%;height:auto}\
@media (max-width:700px){table{font-size:0.8rem}}";

/// `body` in a self-contained page: inline CSS, and a Content-Security-Policy that forbids
/// scripts and every other origin.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape_xml(title)
    )
}

/// The fairness report as a page.
pub(super) fn render(report: &FairnessReport) -> String {
    page(&format!("Sextant fairness audit: {}", report.source), &body(report))
}

/// The fairness report's headings, tables and charts.
pub(super) fn body(report: &FairnessReport) -> String {
    blocks(layout(report), |index| {
        report.attributes.get(index).map(|attribute| rate_chart(attribute, Some(&report.overall)))
    })
}

/// A document's blocks as HTML; `chart` draws the rate chart of an attribute's index.
pub(super) fn blocks(document: Vec<Block>, chart: impl Fn(usize) -> Option<String>) -> String {
    let mut body = String::new();
    let mut first_heading = true;
    for block in document {
        match block {
            Block::Heading(h) => {
                let tag = if first_heading { "h1" } else { "h2" };
                first_heading = false;
                let _ = writeln!(body, "<{tag}>{}</{tag}>", escape_xml(&h));
            }
            Block::Paragraph(p) => {
                let class = if p.starts_with("PASSED") {
                    " class=\"pass\""
                } else if p.starts_with("FAILED") {
                    " class=\"fail\""
                } else {
                    ""
                };
                let _ = writeln!(body, "<p{class}>{}</p>", escape_xml(&p));
            }
            Block::Table(t) => body.push_str(&table(&t)),
            Block::List(items) => {
                body.push_str("<ul>");
                for item in items {
                    let _ = write!(body, "<li>{}</li>", escape_xml(&item));
                }
                body.push_str("</ul>\n");
            }
            Block::Chart(index) => {
                if let Some(svg) = chart(index) {
                    let _ = writeln!(body, "<figure>{svg}</figure>");
                }
            }
            Block::Figure(svg) => {
                let _ = writeln!(body, "<figure>{svg}</figure>");
            }
        }
    }
    body
}

fn table(t: &Table) -> String {
    let mut out = String::from("<table><thead><tr>");
    for h in &t.headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape_xml(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str("<tr>");
        for cell in row {
            let class = match cell.as_str() {
                "PASS" | "pass" => " class=\"pass\"",
                "FAIL" => " class=\"fail\"",
                _ => "",
            };
            let _ = write!(out, "<td{class}>{}</td>", escape_xml(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
    out
}
