//! The blocks every rendered document is made of (headings, paragraphs, tables, lists,
//! charts) and the formatting of their numbers: the text, markdown and HTML renderers differ
//! only in how they write these.

use crate::fairness::report::Interval;

/// A table of pre-formatted cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

/// One block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A line of prose.
    Paragraph(String),
    /// A table.
    Table(Table),
    /// A bullet list.
    List(Vec<String>),
    /// The per-group rate chart of the attribute at this index (HTML only).
    Chart(usize),
    /// A chart already drawn as SVG markup (HTML only).
    Figure(String),
}

/// Formats a value with four decimals, or `n/a`.
pub fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.4}"))
}

/// Formats a value with its interval when there is one: `0.1234 [0.1001, 0.1502]`.
pub fn with_interval(value: Option<f64>, interval: Option<&Interval>) -> String {
    match interval {
        Some(Some([lo, hi])) => format!("{} [{lo:.4}, {hi:.4}]", number(value)),
        _ => number(value),
    }
}
