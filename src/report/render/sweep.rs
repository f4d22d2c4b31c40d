//! The threshold sweep of a fairness report as document blocks: per attribute, charts of its
//! headline differences, of each group's selection rate and of each group's accuracy by
//! threshold, and a table at every tenth threshold.

use crate::fairness::report::{AttributeSweep, FairnessReport, SweepRates, ThresholdSweep};
use crate::report::render::block::{number, Block, Table};
use crate::report::render::line_svg::{line_chart, Line, XAxis};

/// The metrics the sweep's chart and table follow, in their order.
const FOLLOWED: [&str; 4] = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equalized_odds_difference",
];

/// The blocks of `sweep`, the sweep of `report`'s score.
pub(super) fn sweep_blocks(report: &FairnessReport, sweep: &ThresholdSweep) -> Vec<Block> {
    let chosen = report.outcome.threshold;
    let mut intro = String::from(
        "Each metric as the score's threshold moves from 0 to 1 in steps of 0.01 (a row is positive when its score is at least the threshold), as an audit at that threshold reports it",
    );
    if let Some(t) = chosen {
        intro.push_str(&format!("; the audit above is at {t}"));
    }
    intro.push('.');
    if sweep.outside_rows > 0 {
        intro.push_str(&format!(
            " {} rows have a score outside [0, 1]: positive at every threshold or at none.",
            sweep.outside_rows
        ));
    }
    let mut blocks = vec![Block::Heading("Threshold sweep".into()), Block::Paragraph(intro)];
    for attribute in &sweep.attributes {
        blocks.push(Block::Heading(format!("Threshold sweep: {}", attribute.attribute)));
        for chart in SweepChart::ALL {
            blocks.push(Block::Figure(draw(report, sweep, attribute, chart)));
        }
        blocks.push(Block::Table(tenths_table(sweep, attribute)));
    }
    blocks
}

/// One chart of an attribute's threshold sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SweepChart {
    /// The headline differences between groups (fairlearn's defaults), with parity at 0.
    Differences,
    /// Each group's selection rate, and that of all rows.
    SelectionRate,
    /// Each group's accuracy, and that of all rows.
    Accuracy,
}

impl SweepChart {
    /// Every chart, in the report's order.
    pub const ALL: [SweepChart; 3] =
        [SweepChart::Differences, SweepChart::SelectionRate, SweepChart::Accuracy];

    /// The chart named `name`: `differences`, `selection_rate` or `accuracy`.
    pub fn from_name(name: &str) -> Option<SweepChart> {
        match name {
            "differences" => Some(SweepChart::Differences),
            "selection_rate" => Some(SweepChart::SelectionRate),
            "accuracy" => Some(SweepChart::Accuracy),
            _ => None,
        }
    }
}

/// The SVG chart `chart` of the sweep of the attribute at `attribute` (its index in the
/// report); `None` when the report has no sweep or no such attribute.
pub fn sweep_chart(report: &FairnessReport, attribute: usize, chart: SweepChart) -> Option<String> {
    let sweep = report.sweep.as_ref()?;
    let swept = sweep.attributes.get(attribute)?;
    Some(draw(report, sweep, swept, chart))
}

/// The most groups whose lines a chart draws: with the line of all rows, two rounds of the
/// palette (the second dashed), so no two lines look alike.
const MAX_DRAWN_GROUPS: usize = 13;

/// Picks one rate's values at each threshold.
type Series = fn(&SweepRates) -> &Vec<Option<f64>>;

fn draw(
    report: &FairnessReport,
    sweep: &ThresholdSweep,
    attribute: &AttributeSweep,
    chart: SweepChart,
) -> String {
    let mark = report.outcome.threshold.map(|t| (t, format!("threshold {t}")));
    let axis = XAxis::Numbers {
        values: &sweep.thresholds,
        title: "threshold",
        mark: mark.as_ref().map(|(t, label)| (*t, label.as_str())),
    };
    let name = &attribute.attribute;
    let (title, rate): (String, Series) = match chart {
        SweepChart::Differences => {
            let differences: Vec<Line<'_>> = FOLLOWED
                .iter()
                .filter(|m| m.ends_with("_difference"))
                .filter_map(|&m| {
                    attribute.metrics.get(m).map(|values| Line {
                        name: m,
                        values: values.clone(),
                        bands: Vec::new(),
                    })
                })
                .collect();
            let title = format!("{name}: differences between groups by threshold (0 is parity)");
            return line_chart(&title, &axis, &differences, Some(0.0));
        }
        SweepChart::SelectionRate => {
            (format!("{name}: selection rate per group by threshold"), |r| &r.selection_rate)
        }
        SweepChart::Accuracy => {
            (format!("{name}: accuracy per group by threshold"), |r| &r.accuracy)
        }
    };
    // Past two rounds of the palette, lines of groups can no longer be told apart.
    let drawn = attribute.groups.len() <= MAX_DRAWN_GROUPS;
    let mut lines: Vec<Line<'_>> = if drawn {
        attribute
            .groups
            .iter()
            .map(|g| Line { name: &g.group, values: rate(&g.rates).clone(), bands: Vec::new() })
            .collect()
    } else {
        Vec::new()
    };
    lines.push(Line { name: "all rows", values: rate(&sweep.overall).clone(), bands: Vec::new() });
    let title = if drawn {
        title
    } else {
        format!("{title} ({} groups, too many to draw: all rows only)", attribute.groups.len())
    };
    line_chart(&title, &axis, &lines, None)
}

/// The attribute's followed metrics, the accuracy and the selection rate at 0.0, 0.1, …, 1.0.
fn tenths_table(sweep: &ThresholdSweep, attribute: &AttributeSweep) -> Table {
    let at = |series: &[Option<f64>], k: usize| number(series.get(k).copied().flatten());
    let rows = sweep
        .thresholds
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 10 == 0)
        .map(|(k, t)| {
            let mut row = vec![
                format!("{t:.2}"),
                at(&sweep.overall.accuracy, k),
                at(&sweep.overall.selection_rate, k),
            ];
            row.extend(
                FOLLOWED
                    .iter()
                    .map(|m| attribute.metrics.get(*m).map_or_else(|| number(None), |s| at(s, k))),
            );
            row
        })
        .collect();
    let mut headers = vec!["threshold".to_owned(), "accuracy".into(), "selection_rate".into()];
    headers.extend(FOLLOWED.iter().map(|m| (*m).to_owned()));
    Table { headers, rows }
}
