//! SVG charts of a monitoring report: values over time windows as lines (with bootstrap
//! bands where there are intervals, gaps where a value is undefined), and a heatmap of a
//! drift statistic per column and window.
//!
//! Plain SVG, no scripts; Okabe–Ito colours (colour-blind safe), and every series also has
//! its name in the legend.

use std::fmt::Write;

use crate::report::render::chart::row_label;
use crate::report::render::escape_xml;

const WIDTH: f64 = 760.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const PLOT: f64 = 200.0;
/// Room under the plot for the slanted window labels.
const BOTTOM: f64 = 78.0;
/// Height of one legend line.
const LEGEND: f64 = 18.0;

/// The Okabe–Ito palette without black, in series order.
const COLOURS: [&str; 7] =
    ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"];

/// One line of a chart over time.
pub struct Line<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// One value per window (`None`: undefined, a gap in the line).
    pub values: Vec<Option<f64>>,
    /// Per window, the bootstrap interval, drawn as a band.
    pub bands: Vec<Option<[f64; 2]>>,
}

/// A line chart of `lines` over the windows named by `windows` (their starts), with the y
/// axis from `floor` (at most) to the largest value; `reference`, when given, is drawn as a
/// dashed horizontal line (the parity value).
pub fn line_chart(
    title: &str,
    windows: &[String],
    lines: &[Line<'_>],
    reference: Option<f64>,
) -> String {
    let values = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().chain(l.bands.iter().flatten().flatten()));
    let (mut lo, mut hi) =
        values.fold((0.0_f64, reference.unwrap_or(0.0)), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let (step, ticks) = nice_ticks(lo, hi);
    lo = ticks.first().copied().unwrap_or(lo);
    hi = ticks.last().copied().unwrap_or(hi).max(lo + step);
    let legend_rows = lines.len().div_ceil(3) as f64;
    let height = TOP + PLOT + BOTTOM + LEGEND * legend_rows;
    let y = |v: f64| TOP + PLOT - (v - lo) / (hi - lo) * PLOT;
    let n = windows.len().max(1);
    let x = |i: usize| {
        LEFT + (WIDTH - LEFT - RIGHT) * if n == 1 { 0.5 } else { i as f64 / (n - 1) as f64 }
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title><text x="{LEFT}" y="18" font-weight="600">{t}</text>"#,
        t = escape_xml(title)
    );
    for &tick in &ticks {
        let ty = y(tick);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            ty + 4.0,
            tick_label(tick, step)
        );
    }
    let axis = TOP + PLOT;
    let label_every = n.div_ceil(16);
    for (i, start) in windows.iter().enumerate() {
        let wx = x(i);
        let _ = write!(
            out,
            r##"<line x1="{wx:.1}" y1="{axis:.1}" x2="{wx:.1}" y2="{:.1}" stroke="#888"/>"##,
            axis + 4.0
        );
        if i % label_every == 0 {
            let _ = write!(
                out,
                r##"<text transform="translate({wx:.1},{:.1}) rotate(-40)" text-anchor="end" fill="#444" font-size="11">{}</text>"##,
                axis + 14.0,
                escape_xml(short_time(start))
            );
        }
    }
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" y1="{axis:.1}" x2="{:.1}" y2="{axis:.1}" stroke="#888"/>"##,
        WIDTH - RIGHT
    );
    if let Some(r) = reference {
        let ry = y(r);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" y1="{ry:.1}" x2="{:.1}" y2="{ry:.1}" stroke="#222" stroke-dasharray="5 4"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#222">parity</text>"##,
            WIDTH - RIGHT,
            WIDTH - RIGHT,
            ry - 4.0
        );
    }
    for (k, line) in lines.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        for run in runs(&line.bands) {
            let upper: Vec<String> =
                run.iter().map(|&(i, [_, b])| format!("{:.1},{:.1}", x(i), y(b))).collect();
            let lower: Vec<String> =
                run.iter().rev().map(|&(i, [a, _])| format!("{:.1},{:.1}", x(i), y(a))).collect();
            let _ = write!(
                out,
                r#"<polygon points="{} {}" fill="{colour}" fill-opacity="0.15"/>"#,
                upper.join(" "),
                lower.join(" ")
            );
        }
        for run in runs(&line.values) {
            let points: Vec<String> =
                run.iter().map(|&(i, v)| format!("{:.1},{:.1}", x(i), y(v))).collect();
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                points.join(" ")
            );
            for &(i, v) in &run {
                let _ = write!(
                    out,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{}: {v:.4}</title></circle>"#,
                    x(i),
                    y(v),
                    escape_xml(line.name)
                );
            }
        }
        let (column, row) = (k % 3, k / 3);
        let lx = LEFT + column as f64 * 230.0;
        let ly = TOP + PLOT + BOTTOM + LEGEND * row as f64;
        let _ = write!(
            out,
            r#"<rect x="{lx:.1}" y="{:.1}" width="14" height="4" fill="{colour}"/><text x="{:.1}" y="{ly:.1}">{}</text>"#,
            ly - 6.0,
            lx + 20.0,
            escape_xml(line.name)
        );
    }
    out.push_str("</svg>");
    out
}

/// A heatmap of one drift statistic: a row per column, a cell per window, shaded from white
/// (0) to vermillion (at `full` and above), with the value written in the cell.
pub fn drift_heatmap(
    title: &str,
    windows: &[String],
    rows: &[(String, Vec<Option<f64>>)],
    full: f64,
) -> String {
    const LABEL: f64 = 150.0;
    const CELL: f64 = 26.0;
    let n = windows.len().max(1);
    let cell_width = ((WIDTH - LABEL - RIGHT) / n as f64).min(90.0);
    let height = TOP + CELL * rows.len() as f64 + BOTTOM;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title><text x="{LABEL}" y="18" font-weight="600">{t}</text>"#,
        t = escape_xml(title)
    );
    for (r, (column, values)) in rows.iter().enumerate() {
        let ry = TOP + CELL * r as f64;
        out.push_str(&row_label(LABEL - 8.0, ry + CELL / 2.0 + 4.0, column, "", LABEL - 16.0));
        for (i, value) in values.iter().enumerate() {
            let cx = LABEL + cell_width * i as f64;
            let (fill, text) = match value {
                Some(v) => {
                    let t = (v / full).clamp(0.0, 1.0);
                    // White to Okabe–Ito vermillion (213, 94, 0).
                    let channel = |c: f64| (255.0 - (255.0 - c) * t).round() as u8;
                    (
                        format!("#{:02x}{:02x}{:02x}", channel(213.0), channel(94.0), channel(0.0)),
                        format!("{v:.2}"),
                    )
                }
                None => ("#f1f1f1".to_owned(), "n/a".to_owned()),
            };
            let ink = if value.is_some_and(|v| v / full > 0.6) { "#fff" } else { "#222" };
            let _ = write!(
                out,
                r##"<rect x="{cx:.1}" y="{ry:.1}" width="{:.1}" height="{:.1}" fill="{fill}" stroke="#fff"><title>{} {}: {text}</title></rect>"##,
                cell_width,
                CELL,
                escape_xml(column),
                escape_xml(&windows[i.min(windows.len().saturating_sub(1))])
            );
            if cell_width >= 30.0 {
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="{ink}">{text}</text>"#,
                    cx + cell_width / 2.0,
                    ry + CELL / 2.0 + 4.0
                );
            }
        }
    }
    let axis = TOP + CELL * rows.len() as f64;
    let label_every = n.div_ceil(16);
    for (i, start) in windows.iter().enumerate().filter(|(i, _)| i % label_every == 0) {
        let wx = LABEL + cell_width * (i as f64 + 0.5);
        let _ = write!(
            out,
            r##"<text transform="translate({wx:.1},{:.1}) rotate(-40)" text-anchor="end" fill="#444" font-size="11">{}</text>"##,
            axis + 14.0,
            escape_xml(short_time(start))
        );
    }
    out.push_str("</svg>");
    out
}

/// Consecutive defined values, with their window indices.
fn runs<T: Copy>(values: &[Option<T>]) -> Vec<Vec<(usize, T)>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => run.push((i, *v)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Ticks at a round step (1, 2 or 5 × 10^k) covering [lo, hi], about five of them.
fn nice_ticks(lo: f64, hi: f64) -> (f64, Vec<f64>) {
    let rough = (hi - lo) / 5.0;
    let magnitude = libm::pow(10.0, libm::floor(libm::log10(rough)));
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(magnitude * 10.0);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (step, (first..=last).map(|k| k as f64 * step).collect())
}

fn tick_label(value: f64, step: f64) -> String {
    let decimals = (-libm::floor(libm::log10(step))).max(0.0) as usize;
    format!("{value:.decimals$}")
}

/// A window start without the time of day when it is midnight.
fn short_time(start: &str) -> &str {
    start.strip_suffix("T00:00:00Z").unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 1.0), (0.2, vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]));
        let (step, ticks) = nice_ticks(0.013, 0.31);
        assert_eq!(step, 0.1);
        assert!(ticks[0] <= 0.013 && *ticks.last().unwrap() >= 0.31);
    }

    #[test]
    fn undefined_values_break_the_line() {
        let runs = runs(&[Some(1.0), None, Some(2.0), Some(3.0)]);
        assert_eq!(runs, vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]);
    }
}
