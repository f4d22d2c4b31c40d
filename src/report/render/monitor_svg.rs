//! SVG charts of a monitoring report that only it draws: a heatmap of a drift statistic per
//! column and window (its lines over time are [`crate::report::render::line_svg`]'s).

use std::fmt::Write;

use crate::report::render::chart::row_label;
use crate::report::render::escape_xml;
use crate::report::render::line_svg::{RIGHT, TOP, WIDTH};

/// Room under the heatmap for the slanted window labels.
const BOTTOM: f64 = 78.0;

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

/// A window start without the time of day when it is midnight.
pub(crate) fn short_time(start: &str) -> &str {
    start.strip_suffix("T00:00:00Z").unwrap_or(start)
}
