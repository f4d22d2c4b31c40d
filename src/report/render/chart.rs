//! The frame shared by the explanation charts: sizes, the Okabe–Ito colours (vermillion
//! pushes the output up, blue pushes it down), the SVG header and the value axis with its
//! ticks.

use std::fmt::Write;

use crate::report::render::escape_xml;

/// Width of every chart.
pub(super) const WIDTH: f64 = 680.0;
/// Right edge of the label column, where the plot starts.
pub(super) const LABEL: f64 = 200.0;
/// Space right of the plot, for value labels (`+0.0123`) and the beeswarm's colour bar.
pub(super) const MARGIN: f64 = 64.0;
/// Height of one bar's row.
pub(super) const BAR: f64 = 24.0;
/// Height of the title band.
pub(super) const TOP: f64 = 36.0;
/// Height of the value axis under a plot: ticks, their labels and the axis title.
pub(super) const AXIS: f64 = 44.0;

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

/// Tick values for [lo, hi]: multiples of 1, 2 or 5 × 10^k, at most seven of them.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let magnitude = 10f64.powf((span / 5.0).log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&step| span / step <= 6.0)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil();
    let last = (hi / step).floor();
    let mut values = Vec::new();
    let mut k = first;
    while k <= last && values.len() <= 10 {
        // Zero as 0, not -0 or 1e-17.
        values.push(if k == 0.0 { 0.0 } else { k * step });
        k += 1.0;
    }
    values
}

/// A tick's label: as few decimals as the step needs.
fn tick_label(value: f64, step: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{value:.decimals$}")
}

/// The value axis of a plot over [lo, hi] (mapped by `x`) at height `y`: a baseline with
/// ticks (one path), their labels, and `title` under them ([`AXIS`] high in all).
pub(super) fn axis(
    out: &mut String,
    lo: f64,
    hi: f64,
    x: &impl Fn(f64) -> f64,
    y: f64,
    title: &str,
) {
    let values = ticks(lo, hi);
    let step = if values.len() > 1 { values[1] - values[0] } else { 1.0 };
    let mut path = format!("M{LABEL:.1} {y:.1}H{:.1}", WIDTH - MARGIN);
    for &v in &values {
        let _ = write!(path, "M{:.1} {y:.1}v5", x(v));
    }
    let _ = write!(out, r##"<path d="{path}" stroke="#444" fill="none"/>"##);
    for &v in &values {
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#444">{}</text>"##,
            x(v),
            y + 17.0,
            tick_label(v, step)
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
        (LABEL + WIDTH - MARGIN) / 2.0,
        y + 35.0,
        escape_xml(title)
    );
}

/// Average width of a character of the charts' 12 px sans-serif text, for fitting labels.
const CHAR_WIDTH: f64 = 6.8;

/// A right-aligned row label ending at `x`, on the baseline `y`: `text` then `suffix`, the
/// text cut with `…` so that both fit `width` pixels (the whole label then in its tooltip):
/// a long group or feature name is never clipped at the chart's left edge, and the suffix
/// (a group's size) is always shown.
pub(crate) fn row_label(x: f64, y: f64, text: &str, suffix: &str, width: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let fits = (width / CHAR_WIDTH).max(2.0) as usize;
    let (chars, suffix_chars) = (text.chars().count(), suffix.chars().count());
    // Cut before escaping: a cut must not fall inside an entity such as `&amp;`.
    let keep = fits.saturating_sub(suffix_chars + 1).max(1);
    let cut = escape_xml(&text.chars().take(keep).collect::<String>());
    let (text, suffix) = (escape_xml(text), escape_xml(suffix));
    if chars + suffix_chars <= fits {
        return format!(r#"<text x="{x:.1}" y="{y:.1}" text-anchor="end">{text}{suffix}</text>"#);
    }
    format!(
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="end">{cut}…{suffix}<title>{text}{suffix}</title></text>"#
    )
}

/// The x of a centred label near `x`, kept inside the chart.
pub(super) fn inside(x: f64) -> f64 {
    x.clamp(LABEL + 40.0, WIDTH - 48.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_row_labels_are_cut_with_their_whole_text_in_a_tooltip() {
        assert_eq!(
            row_label(100.0, 20.0, "a<b", "", 90.0),
            r#"<text x="100.0" y="20.0" text-anchor="end">a&lt;b</text>"#
        );
        let cut = row_label(100.0, 20.0, "Amer-Indian-Eskimo&Female", " (n=119)", 136.0);
        assert_eq!(
            cut,
            r#"<text x="100.0" y="20.0" text-anchor="end">Amer-Indian…&#x20;(n=119)<title>Amer-Indian-Eskimo&amp;Female (n=119)</title></text>"#
                .replace("&#x20;", " ")
        );
        // Cut where an escaped character would have been cut inside its entity.
        let amp = row_label(0.0, 0.0, "ab&cdefghijklmnop", "", 27.2);
        assert!(amp.contains(">ab&amp;…<title>"), "{amp}");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let labels = |lo, hi| {
            let values = ticks(lo, hi);
            let step = values[1] - values[0];
            values.iter().map(|&v| tick_label(v, step)).collect::<Vec<_>>()
        };
        assert_eq!(labels(0.0, 1.0), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(labels(-0.31, 0.05), ["-0.3", "-0.2", "-0.1", "0.0"]);
        assert_eq!(labels(120.0, 990.0), ["200", "400", "600", "800"]);
        assert_eq!(ticks(3.0, 3.0), [3.0]);
        assert_eq!(tick_label(0.05, 0.05), "0.05");
        assert_eq!(tick_label(200.0, 100.0), "200");
    }
}
