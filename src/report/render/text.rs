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

fn aligned(table: &Table) -> String {
    let mut widths: Vec<usize> = table.headers.iter().map(|h| h.chars().count()).collect();
    for row in &table.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}", w = *w)).collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = line(&table.headers);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&line(&rule));
    for row in &table.rows {
        out.push_str(&line(row));
    }
    out
}
