//! Markdown rendering (GitHub-flavoured tables), sized for a CI job summary.

use crate::fairness::report::FairnessReport;
use crate::report::render::block::{Block, Table};
use crate::report::render::document::layout;

pub(super) fn render(report: &FairnessReport) -> String {
    blocks(layout(report))
}

/// A document's blocks as markdown: the first heading at level 1, the others at level 2.
pub(super) fn blocks(document: Vec<Block>) -> String {
    let mut out = String::new();
    let mut first_heading = true;
    for block in document {
        match block {
            Block::Heading(h) => {
                let level = if first_heading { "#" } else { "##" };
                first_heading = false;
                out.push_str(&format!("{level} {}\n\n", escape(&h)));
            }
            Block::Paragraph(p) => out.push_str(&format!("{}\n\n", escape(&p))),
            Block::Table(t) => out.push_str(&table(&t)),
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", escape(&item)));
                }
                out.push('\n');
            }
            Block::Chart(_) | Block::Figure(_) => {}
        }
    }
    out
}

fn table(t: &Table) -> String {
    let row = |cells: &[String]| {
        let escaped: Vec<String> = cells.iter().map(|c| escape(c)).collect();
        format!("| {} |\n", escaped.join(" | "))
    };
    let mut out = row(&t.headers);
    out.push_str(&format!("|{}\n", "---|".repeat(t.headers.len())));
    for r in &t.rows {
        out.push_str(&row(r));
    }
    out.push('\n');
    out
}

/// Escapes the characters that would break a table cell or start markup; a line break
/// inside a value is `<br>` (a carriage return `\r`, as text writes it), so that a table's
/// row stays one line.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => out.push_str("\\r"),
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
