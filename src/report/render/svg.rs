//! SVG charts of a fairness report: per-group rates with their bootstrap intervals, and
//! each rate over all rows as a dashed reference line (where the groups would be at parity).
//!
//! Plain SVG text with no scripts or external resources, so the same markup embeds in the
//! self-contained HTML report and in the browser page. Colours are Okabe–Ito (colour-blind
//! safe) and every series also has its own marker shape.

use std::fmt::Write;

use crate::fairness::report::{AttributeReport, GroupReport};
use crate::report::render::chart::row_label;
use crate::report::render::escape_xml;

const WIDTH: f64 = 680.0;
const LABEL_WIDTH: f64 = 190.0;
const RIGHT_MARGIN: f64 = 30.0;
const ROW_HEIGHT: f64 = 30.0;
const TOP: f64 = 46.0;
const BOTTOM: f64 = 48.0;

/// A plotted rate: name, legend, colour, marker.
struct Series {
    name: &'static str,
    legend: &'static str,
    colour: &'static str,
    marker: Marker,
    offset: f64,
}

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Triangle,
    Square,
}

const SERIES: [Series; 3] = [
    Series {
        name: "selection_rate",
        legend: "Selection rate",
        colour: "#0072B2",
        marker: Marker::Circle,
        offset: -8.0,
    },
    Series {
        name: "tpr",
        legend: "True positive rate",
        colour: "#E69F00",
        marker: Marker::Triangle,
        offset: 0.0,
    },
    Series {
        name: "fpr",
        legend: "False positive rate",
        colour: "#009E73",
        marker: Marker::Square,
        offset: 8.0,
    },
];

fn value_of(group: &GroupReport, name: &str) -> Option<f64> {
    match name {
        "selection_rate" => group.selection_rate,
        "tpr" => group.tpr,
        _ => group.fpr,
    }
}

fn x_of(rate: f64) -> f64 {
    LABEL_WIDTH + rate.clamp(0.0, 1.0) * (WIDTH - LABEL_WIDTH - RIGHT_MARGIN)
}

fn marker(out: &mut String, marker: Marker, x: f64, y: f64, colour: &str) {
    let _ = match marker {
        Marker::Circle => {
            write!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{colour}"/>"#)
        }
        Marker::Triangle => write!(
            out,
            r#"<path d="M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{colour}"/>"#,
            x,
            y - 5.0,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        Marker::Square => write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="{colour}"/>"#,
            x - 4.0,
            y - 4.0
        ),
    };
}

/// A dot plot of selection rate, TPR and FPR per group of `attribute`, with interval
/// whiskers (capped) when bootstrapped, an explicit "undefined" mark where a rate is
/// undefined, and each rate of `overall` (all rows) as a dashed line in its colour: parity
/// is every group's mark on its line.
pub fn rate_chart(attribute: &AttributeReport, overall: Option<&GroupReport>) -> String {
    let height = TOP + BOTTOM + ROW_HEIGHT * attribute.groups.len() as f64;
    let mut out = String::new();
    let title = format!("Per-group rates: {}", attribute.attribute);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title>"#,
        t = escape_xml(&title)
    );
    // Legend: each series spaced by its name's length.
    let mut legend_x = LABEL_WIDTH;
    for s in &SERIES {
        marker(&mut out, s.marker, legend_x, 16.0, s.colour);
        let _ = write!(out, r#"<text x="{:.1}" y="20">{}</text>"#, legend_x + 9.0, s.legend);
        legend_x += 24.0 + 6.5 * s.legend.len() as f64;
    }
    if overall.is_some() {
        let _ = write!(
            out,
            r##"<path d="M{:.1} 16h16" stroke="#444" stroke-dasharray="4 3"/><text x="{:.1}" y="20">all rows</text>"##,
            legend_x - 6.0,
            legend_x + 14.0
        );
    }
    // Grid and axis.
    let axis_y = height - BOTTOM + 6.0;
    for tick in 0..=10 {
        let rate = f64::from(tick) / 10.0;
        let x = x_of(rate);
        let _ = write!(
            out,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{axis_y:.1}" stroke="#ddd"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#444">{rate:.1}</text>"##,
            axis_y + 16.0
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#444">rate</text>"##,
        (LABEL_WIDTH + WIDTH - RIGHT_MARGIN) / 2.0,
        axis_y + 30.0
    );
    for s in &SERIES {
        if let Some(v) = overall.and_then(|o| value_of(o, s.name)) {
            let _ = write!(
                out,
                r#"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{axis_y:.1}" stroke="{}" stroke-dasharray="4 3"><title>{} of all rows: {v:.4}</title></line>"#,
                s.colour,
                s.legend,
                x = x_of(v),
            );
        }
    }
    for (row, group) in attribute.groups.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * (row as f64 + 0.5);
        let size = format!(" (n={})", group.count);
        out.push_str(&row_label(
            LABEL_WIDTH - 10.0,
            y + 4.0,
            &group.group,
            &size,
            LABEL_WIDTH - 16.0,
        ));
        for s in &SERIES {
            let sy = y + s.offset;
            let interval = group.intervals.as_ref().and_then(|i| i.get(s.name)).copied().flatten();
            if let Some([lo, hi]) = interval {
                // A whisker with caps, visible however narrow the interval.
                let (from, to) = (x_of(lo), x_of(hi).max(x_of(lo) + 1.0));
                let _ = write!(
                    out,
                    r#"<path d="M{from:.1} {sy:.1}H{to:.1}M{from:.1} {:.1}v6M{to:.1} {:.1}v6" stroke="{}" stroke-width="1.5" fill="none"/>"#,
                    sy - 3.0,
                    sy - 3.0,
                    s.colour
                );
            }
            match value_of(group, s.name) {
                Some(v) if !group.undefined.contains_key(s.name) => {
                    marker(&mut out, s.marker, x_of(v), sy, s.colour)
                }
                _ => {
                    let _ = write!(
                        out,
                        r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#a00">{} undefined</text>"##,
                        x_of(0.0) + 4.0,
                        sy + 3.0,
                        s.legend
                    );
                }
            }
        }
    }
    out.push_str("</svg>");
    out
}
