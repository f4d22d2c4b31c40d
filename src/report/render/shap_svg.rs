//! SVG charts of SHAP explanations, shared by the CLI's HTML report and the browser page: a waterfall per row, a bar chart of mean |value|, and a beeswarm. Colours are
//! Okabe–Ito (vermillion pushes the output up, blue pushes it down); no scripts.

use std::fmt::Write;

use crate::explain::explanation::{ShapExplanation, ShapRow};
use crate::report::render::chart::{open, scale, BAR, DOWN, LABEL, TOP, UP};
use crate::report::render::escape_xml;

/// Features drawn individually; the rest are summed into one bar or row.
pub const MAX_DISPLAY: usize = 10;

/// Features by decreasing importance, the first `MAX_DISPLAY - 1` kept when there are more.
fn top(importance: &[f64]) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = (0..importance.len()).collect();
    order.sort_by(|&a, &b| importance[b].total_cmp(&importance[a]).then(a.cmp(&b)));
    if order.len() <= MAX_DISPLAY {
        return (order, Vec::new());
    }
    let rest = order.split_off(MAX_DISPLAY - 1);
    (order, rest)
}

/// A waterfall: from the base value, each feature's value moves the output to f(x).
pub fn waterfall(e: &ShapExplanation, row: &ShapRow, title: &str) -> String {
    let abs: Vec<f64> = row.values.iter().map(|v| v.abs()).collect();
    let (shown, rest) = top(&abs);
    let mut bars: Vec<(String, f64)> = shown
        .iter()
        .map(|&j| (format!("{} = {}", e.feature_names[j], row.data[j]), row.values[j]))
        .collect();
    if !rest.is_empty() {
        bars.push((
            format!("{} other features", rest.len()),
            rest.iter().map(|&j| row.values[j]).sum(),
        ));
    }
    bars.reverse(); // smallest first, so the largest ends next to f(x)
    let mut position = e.base_value;
    let (mut lo, mut hi) = (position, position);
    for (_, v) in &bars {
        position += v;
        lo = lo.min(position);
        hi = hi.max(position);
    }
    let x = scale(lo, hi);
    let height = TOP + BAR * (bars.len() as f64 + 2.0);
    let mut out = String::new();
    open(&mut out, height, title);
    let mut position = e.base_value;
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = TOP + BAR * i as f64;
        let (from, to) = (x(position), x(position + v));
        let colour = if *v >= 0.0 { UP } else { DOWN };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="11">{v:+.4}</text>"#,
            LABEL - 8.0,
            y + 16.0,
            escape_xml(label),
            from.min(to),
            y + 4.0,
            (to - from).abs().max(1.0),
            BAR - 8.0,
            from.max(to) + 4.0,
            y + 16.0
        );
        position += v;
    }
    let axis = TOP + BAR * bars.len() as f64 + 6.0;
    let _ = write!(
        out,
        r##"<line x1="{:.1}" y1="{TOP}" x2="{:.1}" y2="{axis:.1}" stroke="#888" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}" text-anchor="middle">E[f(X)] = {:.4}</text><line x1="{:.1}" y1="{TOP}" x2="{:.1}" y2="{axis:.1}" stroke="#222"/><text x="{:.1}" y="{:.1}" text-anchor="middle">f(x) = {:.4}</text></svg>"##,
        x(e.base_value),
        x(e.base_value),
        x(e.base_value),
        axis + 14.0,
        e.base_value,
        x(row.prediction),
        x(row.prediction),
        x(row.prediction),
        axis + 28.0,
        row.prediction
    );
    out
}

/// The global view: mean |value| per feature.
pub fn bar(e: &ShapExplanation) -> String {
    let means = e.mean_abs();
    let (shown, rest) = top(&means);
    let mut bars: Vec<(String, f64)> =
        shown.iter().map(|&j| (e.feature_names[j].clone(), means[j])).collect();
    if !rest.is_empty() {
        bars.push((format!("{} other features", rest.len()), rest.iter().map(|&j| means[j]).sum()));
    }
    let hi = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let x = scale(0.0, hi);
    let mut out = String::new();
    open(
        &mut out,
        TOP + BAR * (bars.len() as f64 + 1.0),
        &format!("mean |SHAP value| over {} rows", e.rows.len()),
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = TOP + BAR * i as f64;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{DOWN}"/><text x="{:.1}" y="{:.1}" font-size="11">{v:.4}</text>"#,
            LABEL - 8.0,
            y + 16.0,
            escape_xml(label),
            y + 4.0,
            (x(*v) - LABEL).max(1.0),
            BAR - 8.0,
            x(*v) + 4.0,
            y + 16.0
        );
    }
    out.push_str("</svg>");
    out
}

/// One dot per row and feature at its value, coloured by the feature's value (blue low,
/// vermillion high), for the most important features.
pub fn beeswarm(e: &ShapExplanation) -> String {
    let means = e.mean_abs();
    let (shown, _) = top(&means);
    let all = e.rows.iter().flat_map(|r| shown.iter().map(move |&j| r.values[j]));
    let (lo, hi) = all.fold((0.0_f64, 0.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let x = scale(lo, hi);
    let row_height = BAR * 1.4;
    let mut out = String::new();
    open(
        &mut out,
        TOP + row_height * (shown.len() as f64 + 1.0),
        "SHAP values per row (colour: feature value, blue low, vermillion high)",
    );
    let _ = write!(
        out,
        r##"<line x1="{:.1}" y1="{TOP}" x2="{:.1}" y2="{:.1}" stroke="#888"/>"##,
        x(0.0),
        x(0.0),
        TOP + row_height * shown.len() as f64
    );
    for (i, &j) in shown.iter().enumerate() {
        let y = TOP + row_height * (i as f64 + 0.5);
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL - 8.0,
            y + 4.0,
            escape_xml(&e.feature_names[j])
        );
        let data: Vec<f64> = e.rows.iter().map(|r| r.data[j]).collect();
        let (dlo, dhi) = data
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        for (k, row) in e.rows.iter().enumerate() {
            let t = if dhi > dlo { (row.data[j] - dlo) / (dhi - dlo) } else { 0.5 };
            let colour = if t >= 0.5 { UP } else { DOWN };
            let jitter = ((k * 7919) % 11) as f64 - 5.0;
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}" fill-opacity="{:.2}"/>"#,
                x(row.values[j]),
                y + jitter,
                0.35 + 0.65 * (t - 0.5).abs() * 2.0
            );
        }
    }
    out.push_str("</svg>");
    out
}
