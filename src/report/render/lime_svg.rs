//! LIME's signed bar chart, shared by the CLI's HTML report and the browser page: one bar
//! per interpretable feature from zero to its weight (vermillion up, blue down), with a
//! ±1 standard deviation whisker when several runs were made.

use std::fmt::Write;

use crate::explain::lime::explanation::LimeRow;
use crate::report::render::chart::{axis, open, row_label, scale, AXIS, BAR, DOWN, LABEL, TOP, UP};
use crate::report::render::escape_xml;

/// Features drawn, largest |weight| first.
const MAX_BARS: usize = 12;

/// The surrogate weights of one row.
pub fn signed_bar(row: &LimeRow, title: &str) -> String {
    let bars = &row.weights[..row.weights.len().min(MAX_BARS)];
    let spread = |w: &crate::explain::lime::explanation::LimeWeight| w.std.unwrap_or(0.0);
    let (lo, hi) = bars.iter().fold((0.0_f64, 0.0_f64), |(lo, hi), w| {
        (lo.min(w.weight - spread(w)), hi.max(w.weight + spread(w)))
    });
    let x = scale(lo, hi);
    let mut out = String::new();
    let bottom = TOP + BAR * bars.len() as f64;
    open(&mut out, bottom + 6.0 + AXIS, title);
    for (i, w) in bars.iter().enumerate() {
        let y = TOP + BAR * i as f64;
        let (from, to) = (x(0.0), x(w.weight));
        let colour = if w.weight >= 0.0 { UP } else { DOWN };
        let _ = write!(
            out,
            r#"{}<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{}: {:+.4}</title></rect>"#,
            row_label(LABEL - 8.0, y + 16.0, &w.description, "", LABEL - 16.0),
            from.min(to),
            y + 4.0,
            (to - from).abs().max(1.0),
            BAR - 8.0,
            escape_xml(&w.description),
            w.weight
        );
        if let Some(std) = w.std {
            let _ = write!(
                out,
                r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#222"/>"##,
                x(w.weight - std),
                y + 12.0,
                x(w.weight + std),
                y + 12.0
            );
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="11">{:+.4}</text>"#,
            from.max(to).max(x(w.weight + spread(w))) + 4.0,
            y + 16.0,
            w.weight
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{:.1}" y1="{TOP}" x2="{:.1}" y2="{bottom:.1}" stroke="#222"/>"##,
        x(0.0),
        x(0.0),
    );
    axis(&mut out, lo, hi, &x, bottom + 6.0, "weight in the local surrogate (± 1 sd over repeats)");
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::lime::explanation::LimeWeight;

    #[test]
    fn bars_start_at_zero_and_point_their_way() {
        let weight = |d: &str, w: f64| LimeWeight {
            feature: d.to_owned(),
            description: d.to_owned(),
            weight: w,
            std: Some(0.01),
        };
        let row = LimeRow {
            prediction: 0.8,
            local_prediction: 0.7,
            intercept: 0.3,
            score: 0.6,
            weights: vec![weight("age <= 28.00", -0.3), weight("sex=1", 0.1)],
            data: vec![20.0, 1.0],
        };
        let svg = signed_bar(&row, "row 0 <x>");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("row 0 &lt;x&gt;") && svg.contains("age &lt;= 28.00"));
        assert_eq!(svg.matches(DOWN).count(), 1);
        assert_eq!(svg.matches(UP).count(), 1);
        assert_eq!(svg.matches("<line").count(), 3, "two whiskers and the zero axis");
    }
}
