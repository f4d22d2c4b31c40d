//! Renders results in the formats the CLI and the WASM API offer: a [`FairnessReport`] as
//! text, JSON, markdown, JUnit or HTML; SHAP and LIME explanations as text, JSON or HTML; and
//! an audit page holding the fairness report with its explanations.

mod block;
mod chart;
pub mod document;
pub mod html;
mod junit;
pub mod lime;
pub mod lime_svg;
pub mod line_svg;
mod markdown;
pub mod monitor;
pub mod monitor_svg;
pub mod shap;
pub mod shap_svg;
pub mod svg;
pub mod sweep;
mod text;

use std::str::FromStr;

use crate::error::{Error, Result};
use crate::explain::explanation::ShapExplanation;
use crate::explain::lime::explanation::LimeExplanation;
use crate::fairness::report::FairnessReport;
use crate::monitor::report::MonitorReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum Format {
    /// Aligned tables for a terminal.
    Text,
    /// The `sextant.fairness/v1` JSON document.
    Json,
    /// GitHub-flavoured markdown (fits a CI job summary).
    Markdown,
    /// JUnit XML, one test case per gate.
    Junit,
    /// One self-contained HTML file with SVG charts.
    Html,
}

impl Format {
    /// Every format, by name.
    pub const ALL: [(&'static str, Format); 5] = [
        ("text", Format::Text),
        ("json", Format::Json),
        ("markdown", Format::Markdown),
        ("junit", Format::Junit),
        ("html", Format::Html),
    ];
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self> {
        Format::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|(n, _)| *n).collect();
            Error::invalid_option(
                "format",
                format!("\"{name}\" is not one of {}", names.join(", ")),
            )
        })
    }
}

impl TryFrom<String> for Format {
    type Error = Error;

    fn try_from(name: String) -> Result<Self> {
        name.parse()
    }
}

/// `report` rendered as `format`.
pub fn render(report: &FairnessReport, format: Format) -> String {
    match format {
        Format::Text => text::render(report),
        Format::Json => to_json(report),
        Format::Markdown => markdown::render(report),
        Format::Junit => junit::render(report),
        Format::Html => html::render(report),
    }
}

/// The fairness report and its explanations in one self-contained HTML page.
pub fn audit_html(
    report: &FairnessReport,
    shap: Option<&ShapExplanation>,
    lime: Option<&LimeExplanation>,
) -> String {
    let mut body = html::body(report);
    body.push_str(&shap.map(shap::shap_section).unwrap_or_default());
    body.push_str(&lime.map(lime::lime_section).unwrap_or_default());
    html::page(&format!("Sextant fairness audit: {}", report.source), &body)
}

/// A monitoring report as `sextant.monitor/v1` JSON (as `JSON.stringify` writes it), ending
/// in a newline.
pub fn monitor_json(report: &MonitorReport) -> String {
    json_line(report)
}

/// A counted state as `sextant.counts/v1` JSON (as `JSON.stringify` writes it: a weight of
/// 27 is `27`, not `27.0`), ending in a newline.
pub fn counts_json(state: &crate::fairness::state::CountsState) -> String {
    json_line(state)
}

/// The report as `sextant.fairness/v1` JSON (as `JSON.stringify` writes it), ending in a
/// newline.
pub fn to_json(report: &FairnessReport) -> String {
    json_line(report)
}

/// A result document as JSON (as `JSON.stringify` writes it), ending in a newline.
pub(crate) fn json_line(document: &impl serde::Serialize) -> String {
    let mut json = crate::report::json::to_json(document);
    json.push('\n');
    json
}

/// ` (P(class denied))` after an output index, when the model names the class.
pub(crate) fn class_note(label: Option<&str>) -> String {
    label.map(|c| format!(" (P(class {c}))")).unwrap_or_default()
}

/// Escapes text for XML and HTML content and attribute values.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
