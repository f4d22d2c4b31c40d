//! SVG charts of a fairness report: per-group rates with their bootstrap intervals.
//!
//! Plain SVG text with no scripts or external resources, so the same markup embeds in the
//! self-contained HTML report and in the browser page. Colours are Okabe–Ito (colour-blind
//! safe) and every series also has its own marker shape.

use std::fmt::Write;

use crate::fairness::report::{AttributeReport, GroupReport};
use crate::report::render::escape_xml;

const WIDTH: f64 = 680.0;
const LABEL_WIDTH: f64 = 190.0;
const RIGHT_MARGIN: f64 = 30.0;
const ROW_HEIGHT: f64 = 30.0;
const TOP: f64 = 46.0;
const BOTTOM: f64 = 34.0;

/// A plotted rate: name, colour, marker.
struct Series {
    name: &'static str,
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
    Series { name: "selection_rate", colour: "#0072B2", marker: Marker::Circle, offset: -8.0 },
    Series { name: "tpr", colour: "#E69F00", marker: Marker::Triangle, offset: 0.0 },
    Series { name: "fpr", colour: "#009E73", marker: Marker::Square, offset: 8.0 },
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
/// whiskers when bootstrapped and an explicit "undefined" mark where a rate is undefined.
pub fn rate_chart(attribute: &AttributeReport) -> String {
    let height = TOP + BOTTOM + ROW_HEIGHT * attribute.groups.len() as f64;
    let mut out = String::new();
    let title = format!("Per-group rates: {}", attribute.attribute);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title>"#,
        t = escape_xml(&title)
    );
    // Legend.
    let mut legend_x = LABEL_WIDTH;
    for s in &SERIES {
        marker(&mut out, s.marker, legend_x, 16.0, s.colour);
        let _ = write!(out, r#"<text x="{:.1}" y="20">{}</text>"#, legend_x + 9.0, s.name);
        legend_x += 120.0;
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
    for (row, group) in attribute.groups.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * (row as f64 + 0.5);
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{} (n={})</text>"#,
            LABEL_WIDTH - 10.0,
            y + 4.0,
            escape_xml(&group.group),
            group.count
        );
        for s in &SERIES {
            let sy = y + s.offset;
            let interval = group.intervals.as_ref().and_then(|i| i.get(s.name)).copied().flatten();
            if let Some([lo, hi]) = interval {
                let _ = write!(
                    out,
                    r#"<line x1="{:.1}" y1="{sy:.1}" x2="{:.1}" y2="{sy:.1}" stroke="{}" stroke-width="1.5"/>"#,
                    x_of(lo),
                    x_of(hi),
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
                        s.name
                    );
                }
            }
        }
    }
    out.push_str("</svg>");
    out
}
