//! SVG charts of SHAP explanations, shared by the CLI's HTML report and the browser page,
//! drawn as shap 0.4x draws them: a waterfall per row (each feature with its value, from
//! E[f(X)] to f(x)), a bar chart of mean |value|, and a beeswarm coloured by the feature's
//! value with a colour bar. Colours are Okabe–Ito (vermillion pushes the output up, blue
//! pushes it down); every chart has a value axis with ticks; no scripts.

use std::fmt::Write;

use crate::explain::explanation::{ShapExplanation, ShapRow};
use crate::report::render::chart::{
    axis, inside, open, row_label, scale, AXIS, BAR, DOWN, LABEL, MARGIN, TOP, UP, WIDTH,
};

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
    let bottom = TOP + BAR * bars.len() as f64;
    let height = bottom + 22.0 + AXIS;
    let mut out = String::new();
    open(&mut out, height, title);
    let mut position = e.base_value;
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = TOP + BAR * i as f64;
        let (from, to) = (x(position), x(position + v));
        let colour = if *v >= 0.0 { UP } else { DOWN };
        let _ = write!(
            out,
            r#"{}<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="11">{v:+.4}</text>"#,
            row_label(LABEL - 8.0, y + 16.0, label, "", LABEL - 16.0),
            from.min(to),
            y + 4.0,
            (to - from).abs().max(1.0),
            BAR - 8.0,
            from.max(to) + 4.0,
            y + 16.0
        );
        position += v;
    }
    // As shap draws them: f(x) above the bars, E[f(X)] under them, each on its line.
    let _ = write!(
        out,
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#888" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#444">E[f(X)] = {:.4}</text><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#222"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-weight="600">f(x) = {:.4}</text>"##,
        x(e.base_value),
        TOP,
        x(e.base_value),
        bottom + 4.0,
        inside(x(e.base_value)),
        bottom + 16.0,
        e.base_value,
        x(row.prediction),
        TOP - 2.0,
        x(row.prediction),
        bottom,
        inside(x(row.prediction)),
        TOP - 4.0,
        row.prediction
    );
    axis(&mut out, lo, hi, &x, bottom + 22.0, "model output");
    out.push_str("</svg>");
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
    let bottom = TOP + BAR * bars.len() as f64;
    let mut out = String::new();
    open(&mut out, bottom + 6.0 + AXIS, &format!("mean |SHAP value| over {} rows", e.rows.len()));
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = TOP + BAR * i as f64;
        let _ = write!(
            out,
            r#"{}<rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{DOWN}"/><text x="{:.1}" y="{:.1}" font-size="11">{v:.4}</text>"#,
            row_label(LABEL - 8.0, y + 16.0, label, "", LABEL - 16.0),
            y + 4.0,
            (x(*v) - LABEL).max(1.0),
            BAR - 8.0,
            x(*v) + 4.0,
            y + 16.0
        );
    }
    axis(
        &mut out,
        0.0,
        hi,
        &x,
        bottom + 6.0,
        "mean |SHAP value| (average impact on the model output)",
    );
    out.push_str("</svg>");
    out
}

/// The colour of a feature value at `t` in [0, 1] of its range: blue (low) to vermillion
/// (high), through grey, as shap's red–blue colour map.
fn value_colour(t: f64) -> String {
    let (low, high) = ([0x00, 0x72, 0xB2], [0xD5, 0x5E, 0x00]);
    let mid = [0xB0, 0xB0, 0xB0];
    let mix = |a: [u8; 3], b: [u8; 3], u: f64| {
        let channel = |i: usize| {
            let v = f64::from(a[i]) + (f64::from(b[i]) - f64::from(a[i])) * u;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let byte = v.round().clamp(0.0, 255.0) as u8;
            byte
        };
        format!("#{:02X}{:02X}{:02X}", channel(0), channel(1), channel(2))
    };
    let t = t.clamp(0.0, 1.0);
    if t < 0.5 {
        mix(low, mid, t * 2.0)
    } else {
        mix(mid, high, (t - 0.5) * 2.0)
    }
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
    let bottom = TOP + row_height * shown.len() as f64;
    let mut out = String::new();
    open(
        &mut out,
        bottom + 6.0 + AXIS,
        "SHAP value per row and feature, coloured by the feature's value",
    );
    // The colour bar, in the right margin: high at the top, as shap draws it.
    let (bar_x, steps) = (WIDTH - MARGIN + 30.0, 10);
    let step_height = ((bottom - TOP - 24.0) / f64::from(steps)).max(0.0);
    for k in 0..steps {
        let _ = write!(
            out,
            r#"<rect x="{bar_x:.1}" y="{:.1}" width="8" height="{:.1}" fill="{}"/>"#,
            TOP + 12.0 + step_height * f64::from(k),
            step_height + 0.5,
            value_colour(1.0 - (f64::from(k) + 0.5) / f64::from(steps))
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#444">high</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#444">low</text>"##,
        bar_x + 4.0,
        TOP + 8.0,
        bar_x + 4.0,
        bottom - 2.0,
    );
    // The bar's name along it, when it is long enough to hold it.
    if bottom - TOP >= 110.0 {
        let _ = write!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="10" fill="#444" transform="rotate(-90 {x:.1} {y:.1})" text-anchor="middle">feature value</text>"##,
            x = bar_x + 20.0,
            y = (TOP + bottom) / 2.0,
        );
    }
    let _ = write!(
        out,
        r##"<line x1="{:.1}" y1="{TOP}" x2="{:.1}" y2="{:.1}" stroke="#888"/>"##,
        x(0.0),
        x(0.0),
        TOP + row_height * shown.len() as f64
    );
    for (i, &j) in shown.iter().enumerate() {
        let y = TOP + row_height * (i as f64 + 0.5);
        out.push_str(&row_label(LABEL - 8.0, y + 4.0, &e.feature_names[j], "", LABEL - 16.0));
        let data: Vec<f64> = e.rows.iter().map(|r| r.data[j]).collect();
        let (dlo, dhi) = data
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        for (k, row) in e.rows.iter().enumerate() {
            let t = if dhi > dlo { (row.data[j] - dlo) / (dhi - dlo) } else { 0.5 };
            let jitter = ((k * 7919) % 11) as f64 - 5.0;
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}" fill-opacity="0.85"/>"#,
                x(row.values[j]),
                y + jitter,
                value_colour(t)
            );
        }
    }
    axis(&mut out, lo, hi, &x, bottom + 6.0, "SHAP value (impact on the model output)");
    out.push_str("</svg>");
    out
}
