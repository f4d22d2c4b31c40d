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
    let mark = chosen.map(|t| (t, format!("threshold {t}")));
    for attribute in &sweep.attributes {
        blocks.push(Block::Heading(format!("Threshold sweep: {}", attribute.attribute)));
        let axis = XAxis::Numbers {
            values: &sweep.thresholds,
            title: "threshold",
            mark: mark.as_ref().map(|(t, label)| (*t, label.as_str())),
        };
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
        blocks.push(Block::Figure(line_chart(
            &format!(
                "{}: differences between groups by threshold (0 is parity)",
                attribute.attribute
            ),
            &axis,
            &differences,
            Some(0.0),
        )));
        for (label, rate) in [
            (
                "selection rate",
                (|r: &SweepRates| &r.selection_rate) as fn(&SweepRates) -> &Vec<Option<f64>>,
            ),
            ("accuracy", |r: &SweepRates| &r.accuracy),
        ] {
            let mut lines: Vec<Line<'_>> = attribute
                .groups
                .iter()
                .map(|g| Line { name: &g.group, values: rate(&g.rates).clone(), bands: Vec::new() })
                .collect();
            lines.push(Line {
                name: "all rows",
                values: rate(&sweep.overall).clone(),
                bands: Vec::new(),
            });
            blocks.push(Block::Figure(line_chart(
                &format!("{}: {label} per group by threshold", attribute.attribute),
                &axis,
                &lines,
                None,
            )));
        }
        blocks.push(Block::Table(tenths_table(sweep, attribute)));
    }
    blocks
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
