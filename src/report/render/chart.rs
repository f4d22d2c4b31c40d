//! The frame shared by the explanation charts: sizes, the Okabe–Ito colours (vermillion
//! pushes the output up, blue pushes it down), the SVG header and the value axis.

use std::fmt::Write;

use crate::report::render::escape_xml;

/// Width of every chart.
const WIDTH: f64 = 680.0;
/// Right edge of the label column, where the plot starts.
pub(super) const LABEL: f64 = 200.0;
/// Space right of the plot, for value labels.
const MARGIN: f64 = 30.0;
/// Height of one bar's row.
pub(super) const BAR: f64 = 24.0;
/// Height of the title band.
pub(super) const TOP: f64 = 36.0;

/// Colour of what pushes the output up (Okabe–Ito vermillion).
pub(super) const UP: &str = "#D55E00";
/// Colour of what pushes the output down (Okabe–Ito blue).
pub(super) const DOWN: &str = "#0072B2";

/// Starts an SVG of `height` with a title (also its accessible name).
pub(super) fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0}" width="{WIDTH}" height="{height:.0}" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title><text x="{LABEL}" y="18" font-weight="600">{t}</text>"#,
        t = escape_xml(title)
    );
}

/// Maps [lo, hi] onto the plot's x range.
pub(super) fn scale(lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v| LABEL + (v - lo) / span * (WIDTH - LABEL - MARGIN)
}
