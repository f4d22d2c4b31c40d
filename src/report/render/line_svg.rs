//! SVG line charts: values over time windows (a monitor's metrics, with bootstrap bands where
//! there are intervals) or over a score's thresholds (a threshold sweep), with gaps where a
//! value is undefined.
//!
//! Plain SVG, no scripts; Okabe–Ito colours (colour-blind safe), and every series also has
//! its name in the legend.

use std::fmt::Write;

use crate::report::render::escape_xml;

pub(crate) const WIDTH: f64 = 760.0;
const LEFT: f64 = 56.0;
pub(crate) const RIGHT: f64 = 20.0;
pub(crate) const TOP: f64 = 40.0;
const PLOT: f64 = 200.0;
/// Room under the plot for the x labels.
const BOTTOM: f64 = 78.0;
/// Height of one legend line.
const LEGEND: f64 = 18.0;

/// The Okabe–Ito palette without black, in series order.
const COLOURS: [&str; 7] =
    ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"];

/// One line of a chart.
pub struct Line<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// One value per point (`None`: undefined, a gap in the line).
    pub values: Vec<Option<f64>>,
    /// Per point, the bootstrap interval, drawn as a band (empty: none).
    pub bands: Vec<Option<[f64; 2]>>,
}

/// What a chart's points stand for along x.
pub enum XAxis<'a> {
    /// Consecutive time windows, named by these labels: a tick and a dot per window.
    Windows(&'a [String]),
    /// Increasing numbers (a sweep's thresholds): round ticks, the axis named `title`, and a
    /// dashed vertical line at `mark` (its value and label) when given.
    Numbers {
        /// The points' x values.
        values: &'a [f64],
        /// The axis title.
        title: &'a str,
        /// A value to mark, and its label.
        mark: Option<(f64, &'a str)>,
    },
}

impl XAxis<'_> {
    fn len(&self) -> usize {
        match self {
            XAxis::Windows(labels) => labels.len(),
            XAxis::Numbers { values, .. } => values.len(),
        }
    }
}

/// A line chart of `lines` over the points of `axis`, with the y axis from 0 (or the
/// smallest value) to the largest value; `reference`, when given, is drawn as a dashed
/// horizontal line (the parity value).
pub fn line_chart(
    title: &str,
    axis: &XAxis<'_>,
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
    let span = WIDTH - LEFT - RIGHT;
    let n = axis.len().max(1);
    let x_of = |v: f64| match axis {
        XAxis::Numbers { values, .. } => {
            let (first, last) = (values.first().copied(), values.last().copied());
            match (first, last) {
                (Some(a), Some(b)) if b > a => LEFT + span * (v - a) / (b - a),
                _ => LEFT + span * 0.5,
            }
        }
        XAxis::Windows(_) => LEFT + span * if n == 1 { 0.5 } else { v / (n - 1) as f64 },
    };
    let x = |i: usize| match axis {
        XAxis::Numbers { values, .. } => x_of(values.get(i).copied().unwrap_or(0.0)),
        XAxis::Windows(_) => x_of(i as f64),
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
    let bottom = TOP + PLOT;
    match axis {
        XAxis::Windows(labels) => {
            let label_every = n.div_ceil(16);
            for (i, label) in labels.iter().enumerate() {
                let wx = x(i);
                let _ = write!(
                    out,
                    r##"<line x1="{wx:.1}" y1="{bottom:.1}" x2="{wx:.1}" y2="{:.1}" stroke="#888"/>"##,
                    bottom + 4.0
                );
                if i % label_every == 0 {
                    let _ = write!(
                        out,
                        r##"<text transform="translate({wx:.1},{:.1}) rotate(-40)" text-anchor="end" fill="#444" font-size="11">{}</text>"##,
                        bottom + 14.0,
                        escape_xml(label)
                    );
                }
            }
        }
        XAxis::Numbers { values, title: axis_title, mark } => {
            let (first, last) =
                (values.first().copied().unwrap_or(0.0), values.last().copied().unwrap_or(1.0));
            let (x_step, x_ticks) = nice_ticks(first, last);
            for tick in x_ticks.into_iter().filter(|t| *t >= first - 1e-9 && *t <= last + 1e-9) {
                let tx = x_of(tick);
                let _ = write!(
                    out,
                    r##"<line x1="{tx:.1}" y1="{bottom:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#888"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
                    bottom + 4.0,
                    bottom + 18.0,
                    tick_label(tick, x_step)
                );
            }
            let _ = write!(
                out,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#222">{}</text>"##,
                LEFT + span / 2.0,
                bottom + 38.0,
                escape_xml(axis_title)
            );
            if let Some((value, label)) = mark {
                let mx = x_of(*value);
                let anchor = if mx > LEFT + span * 0.8 { "end" } else { "start" };
                let dx = if anchor == "end" { -4.0 } else { 4.0 };
                let _ = write!(
                    out,
                    r##"<line x1="{mx:.1}" y1="{TOP}" x2="{mx:.1}" y2="{bottom:.1}" stroke="#222" stroke-dasharray="2 3"/><text x="{:.1}" y="{:.1}" text-anchor="{anchor}" font-size="11" fill="#222">{}</text>"##,
                    mx + dx,
                    TOP + 10.0,
                    escape_xml(label)
                );
            }
        }
    }
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="#888"/>"##,
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
    let dots = matches!(axis, XAxis::Windows(_));
    for (k, line) in lines.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        // Lines past the palette are dashed, so no two look alike.
        let dash = if k >= COLOURS.len() { r#" stroke-dasharray="6 3""# } else { "" };
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
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}><title>{}</title></polyline>"#,
                points.join(" "),
                escape_xml(line.name)
            );
            if dots {
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
        }
        let (column, row) = (k % 3, k / 3);
        let lx = LEFT + column as f64 * 230.0;
        let ly = TOP + PLOT + BOTTOM + LEGEND * row as f64;
        let _ = write!(
            out,
            r#"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="4"{dash}/><text x="{:.1}" y="{ly:.1}">{}</text>"#,
            ly - 4.0,
            lx + 16.0,
            ly - 4.0,
            lx + 22.0,
            escape_xml(line.name)
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
