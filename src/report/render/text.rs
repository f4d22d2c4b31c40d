//! Plain-text rendering: aligned tables for a terminal.

use crate::fairness::report::FairnessReport;
use crate::report::render::block::{Block, Table};
use crate::report::render::document::layout;

pub(super) fn render(report: &FairnessReport) -> String {
    blocks(layout(report))
}

/// A document's blocks as text.
pub(super) fn blocks(document: Vec<Block>) -> String {
    let mut out = String::new();
    for block in document {
        match block {
            Block::Heading(h) => {
                out.push('\n');
                out.push_str(&h);
                out.push('\n');
                out.push_str(&"=".repeat(h.chars().count()));
                out.push('\n');
            }
            Block::Paragraph(p) => {
                out.push_str(&p);
                out.push('\n');
            }
            Block::Table(t) => {
                out.push_str(&aligned(&t));
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str("  * ");
                    out.push_str(&item);
                    out.push('\n');
                }
            }
            Block::Chart(_) | Block::Figure(_) => {}
        }
    }
    out.trim_start().to_owned()
}

/// `cell` on one line: a line break or tab inside a value (a group named `"x\ny"` in a
/// quoted CSV field) written as `\n`, `\r`, `\t`, so that the table's rows stay rows.
fn one_line(cell: &str) -> String {
    cell.replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t")
}

fn aligned(table: &Table) -> String {
    let headers: Vec<String> = table.headers.iter().map(|h| one_line(h)).collect();
    let rows: Vec<Vec<String>> =
        table.rows.iter().map(|row| row.iter().map(|c| one_line(c)).collect()).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}", w = *w)).collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&headers);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}
