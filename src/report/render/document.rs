//! A fairness report laid out as a document (headings, paragraphs, tables, lists, charts),
//! so that the text, markdown and HTML renderers share one layout and differ only in syntax.

use crate::fairness::metrics::Metrics;
use crate::fairness::plan::{Bound, MissingPolicy};
use crate::fairness::report::{
    AttributeReport, FairnessReport, GroupReport, Interval, MissingReport,
};
use crate::report::render::block::{with_interval, Block, Table};
use crate::report::render::sweep::sweep_blocks;

/// The report as a document.
pub fn layout(report: &FairnessReport) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(format!("Sextant fairness audit: {}", report.source))];
    blocks.push(Block::Paragraph(summary_line(report)));
    if let Some(missing) = &report.missing {
        blocks.push(Block::Paragraph(missing_line(missing)));
    }
    blocks.push(Block::Table(group_table(std::slice::from_ref(&report.overall))));
    if !report.gates.is_empty() {
        blocks.push(Block::Heading("Gates".into()));
        blocks.push(Block::Table(gate_table(report)));
    }
    for (index, attribute) in report.attributes.iter().enumerate() {
        blocks.extend(attribute_blocks(index, attribute));
    }
    if let Some(sweep) = &report.sweep {
        blocks.extend(sweep_blocks(report, sweep));
    }
    blocks.push(Block::Paragraph(verdict(report)));
    blocks
}

fn missing_line(missing: &MissingReport) -> String {
    let policy = match missing.policy {
        MissingPolicy::Group => "missing sensitive values audited as the group \"(missing)\"; ",
        MissingPolicy::Drop | MissingPolicy::Error => "",
    };
    let columns: Vec<String> =
        missing.by_column.iter().map(|(column, n)| format!("{column}: {n}")).collect();
    let by_column =
        if columns.is_empty() { String::new() } else { format!(" ({})", columns.join(", ")) };
    format!("Missing values: {policy}{} rows left out{by_column}.", missing.dropped_rows)
}

fn summary_line(report: &FairnessReport) -> String {
    let class =
        report.outcome.class.as_ref().map(|c| format!(" (P(class {c}))")).unwrap_or_default();
    let outcome = match report.outcome.threshold {
        Some(t) => format!("score \"{}\"{class} >= {t}", report.outcome.column),
        None => format!("prediction \"{}\"", report.outcome.column),
    };
    let bootstrap = report.bootstrap.map_or_else(
        || "no intervals".to_owned(),
        |b| {
            format!(
                "{:.0}% bootstrap intervals from {} resamples (seed {})",
                b.confidence * 100.0,
                b.resamples,
                b.seed
            )
        },
    );
    let policy = match report.policy {
        crate::fairness::confusion::UndefinedPolicy::Strict => "undefined rates left out",
        crate::fairness::confusion::UndefinedPolicy::FairlearnCompat => {
            "undefined rates counted as 0 (fairlearn compatibility)"
        }
    };
    let weighted = match &report.sample_weight {
        Some(column) => format!(" (rates weighted by \"{column}\")"),
        None => String::new(),
    };
    format!(
        "{} rows{weighted}; label \"{}\" (positive: {}); {outcome}; {bootstrap}; {policy}.",
        report.rows, report.label.column, report.label.positive
    )
}

/// The verdict sentence.
pub fn verdict(report: &FairnessReport) -> String {
    let failed = report.gates.iter().filter(|g| !g.passed).count();
    match (report.gates.len(), failed) {
        (0, _) => "No gates were set.".to_owned(),
        (n, 0) => format!("PASSED: all {n} gates passed."),
        (n, f) => format!("FAILED: {f} of {n} gates failed."),
    }
}

/// The group table; TNR and FNR (complements of TPR and FPR) are left to the JSON.
fn group_table(groups: &[GroupReport]) -> Table {
    let headers =
        ["group", "count", "base_rate", "selection_rate", "tpr", "fpr", "precision", "accuracy"];
    let rows = groups
        .iter()
        .map(|g| {
            let interval = |name: &str| g.intervals.as_ref().and_then(|i| i.get(name));
            let cell = |name: &str, v: Option<f64>| with_interval(v, interval(name));
            let group = if g.small { format!("{} (small)", g.group) } else { g.group.clone() };
            vec![
                group,
                g.count.to_string(),
                cell("base_rate", g.base_rate),
                cell("selection_rate", g.selection_rate),
                cell("tpr", g.tpr),
                cell("fpr", g.fpr),
                cell("precision", g.precision),
                cell("accuracy", g.accuracy),
            ]
        })
        .collect();
    Table { headers: headers.iter().map(|h| (*h).to_owned()).collect(), rows }
}

fn gate_table(report: &FairnessReport) -> Table {
    let rows = report
        .gates
        .iter()
        .map(|g| {
            let op = match g.bound {
                Bound::Max => "<=",
                Bound::Min => ">=",
            };
            vec![
                if g.passed { "PASS".into() } else { "FAIL".into() },
                g.name.clone(),
                g.attribute.clone(),
                with_interval(g.value, Some(&g.interval)),
                format!("{op} {}", g.limit),
                g.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        headers: ["verdict", "metric", "attribute", "value", "limit", "note"]
            .map(str::to_owned)
            .to_vec(),
        rows,
    }
}

fn metric_table(metrics: &Metrics<Option<f64>>, intervals: Option<&Metrics<Interval>>) -> Table {
    let cell = |pick: &dyn Fn(&Metrics<Option<f64>>) -> Option<f64>,
                pick_interval: &dyn Fn(&Metrics<Interval>) -> Interval| {
        let interval = intervals.map(pick_interval);
        with_interval(pick(metrics), interval.as_ref())
    };
    macro_rules! row {
        ($label:expr, $($path:tt)+) => {
            vec![
                $label.to_owned(),
                cell(&|m| m.$($path)+.between_groups, &|m| m.$($path)+.between_groups),
                cell(&|m| m.$($path)+.to_overall, &|m| m.$($path)+.to_overall),
            ]
        };
    }
    macro_rules! agg_row {
        ($label:expr, $name:ident, $agg:ident) => {
            vec![
                $label.to_owned(),
                cell(&|m| m.$name.between_groups.$agg, &|m| m.$name.between_groups.$agg),
                cell(&|m| m.$name.to_overall.$agg, &|m| m.$name.to_overall.$agg),
            ]
        };
    }
    let rows = vec![
        row!("demographic_parity_difference", demographic_parity_difference),
        row!("demographic_parity_ratio", demographic_parity_ratio),
        row!("equal_opportunity_difference", equal_opportunity_difference),
        row!("equal_opportunity_ratio", equal_opportunity_ratio),
        agg_row!("equalized_odds_difference (worst_case)", equalized_odds_difference, worst_case),
        agg_row!("equalized_odds_difference (mean)", equalized_odds_difference, mean),
        agg_row!("equalized_odds_ratio (worst_case)", equalized_odds_ratio, worst_case),
        agg_row!("equalized_odds_ratio (mean)", equalized_odds_ratio, mean),
        row!("fpr_difference", fpr_difference),
        row!("fpr_ratio", fpr_ratio),
    ];
    Table { headers: ["metric", "between_groups", "to_overall"].map(str::to_owned).to_vec(), rows }
}

fn attribute_blocks(index: usize, attribute: &AttributeReport) -> Vec<Block> {
    let mut blocks = vec![
        Block::Heading(format!("Attribute: {}", attribute.attribute)),
        Block::Table(group_table(&attribute.groups)),
        Block::Chart(index),
        Block::Table(metric_table(&attribute.metrics, attribute.metric_intervals.as_ref())),
    ];
    if let Some(c) = &attribute.privileged_comparison {
        blocks.push(Block::Paragraph(format!(
            "Privileged comparison: {} = {} against all other rows, favourable label {}.",
            attribute.attribute, c.privileged_group, c.favorable_label
        )));
        let interval = |name: &str| c.intervals.as_ref().and_then(|i| i.get(name).copied());
        let mut rows: Vec<Vec<String>> = crate::fairness::privileged::AIF360_METRIC_NAMES
            .iter()
            .map(|name| {
                let value = c.metrics.get(name).copied().flatten();
                vec![(*name).to_owned(), with_interval(value, interval(name).as_ref())]
            })
            .collect();
        let rule = match c.four_fifths_rule.passed {
            Some(true) => "pass",
            Some(false) => "FAIL",
            None => "n/a",
        };
        rows.push(vec!["four_fifths_rule (disparate_impact >= 0.8)".into(), rule.into()]);
        blocks.push(Block::Table(Table { headers: vec!["metric".into(), "value".into()], rows }));
    }
    let mut notes: Vec<String> = attribute.warnings.clone();
    notes.extend(
        attribute.undefined.iter().map(|(path, why)| format!("{path} is undefined: {why}")),
    );
    if let Some(c) = &attribute.privileged_comparison {
        notes.extend(c.undefined.iter().map(|(name, why)| format!("{name} is undefined: {why}")));
    }
    if !notes.is_empty() {
        blocks.push(Block::List(notes));
    }
    blocks
}
