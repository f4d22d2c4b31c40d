//! Renderings of a monitoring report (`sextant.monitor/v1`): a document of tables over time
//! (text and markdown share it), and the OpenMetrics text exposition of the latest window
//! for Prometheus.

use std::fmt::Write;

use crate::fairness::plan::Bound;
use crate::fairness::report::{AttributeReport, GroupReport};
use crate::monitor::report::{ColumnDrift, GateKind, MonitorGate, MonitorReport, WindowReport};
use crate::report::render::block::{number, with_interval, Block, Table};
use crate::report::render::line_svg::{line_chart, Line, XAxis};
use crate::report::render::monitor_svg::{drift_heatmap, short_time};
use crate::report::render::{html, markdown, text};

/// The metrics shown per window in the tables (their headline values).
const TABLE_METRICS: [&str; 4] = [
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equal_opportunity_difference",
    "equalized_odds_difference",
];

/// The report as aligned text tables.
pub fn monitor_text(report: &MonitorReport) -> String {
    text::blocks(layout(report, false))
}

/// The report as GitHub-flavoured markdown (a CI job summary).
pub fn monitor_markdown(report: &MonitorReport) -> String {
    markdown::blocks(layout(report, false))
}

/// The report as one self-contained HTML page: the tables with line charts over time (each
/// aggregate with its bootstrap band, each group's selection rate, TPR and FPR) and a
/// heatmap of every drift column's PSI and JS per window.
pub fn monitor_html(report: &MonitorReport) -> String {
    let title = format!("Sextant monitoring: {}", report.source);
    html::page(&title, &html::blocks(layout(report, true), |_| None))
}

fn layout(report: &MonitorReport, charts: bool) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(format!("Sextant monitoring: {}", report.source))];
    let reference = &report.reference;
    let span = match (&reference.start, &reference.end, &reference.source) {
        (_, _, Some(file)) => format!("the file {file}"),
        (Some(start), Some(end), _) => format!("[{start}, {end})"),
        _ => "the first window".to_owned(),
    };
    blocks.push(Block::Paragraph(format!(
        "{} rows in {} windows of {} by \"{}\"; drift against {} ({} rows).",
        report.rows,
        report.windows.len(),
        report.window,
        report.time_column,
        span,
        reference.rows
    )));
    if report.rows_without_time > 0 {
        blocks.push(Block::Paragraph(format!(
            "{} rows without a time were left out.",
            report.rows_without_time
        )));
    }
    blocks.push(Block::Paragraph(verdict(
        &report.gates,
        report.gate_windows == crate::monitor::plan::GateWindows::All,
    )));
    let attributes: Vec<&str> = report
        .windows
        .iter()
        .flat_map(|w| w.attributes.iter().map(|a| a.attribute.as_str()))
        .fold(Vec::new(), |mut names, name| {
            if !names.contains(&name) {
                names.push(name);
            }
            names
        });
    for attribute in attributes {
        blocks.push(Block::Heading(format!("Fairness over time: {attribute}")));
        let mut headers = vec!["window".to_owned(), "rows".to_owned()];
        headers.extend(TABLE_METRICS.iter().map(|m| (*m).to_owned()));
        let rows = report
            .windows
            .iter()
            .map(|w| {
                let found = w.attributes.iter().find(|a| a.attribute == attribute);
                let mut row = vec![w.start.clone(), w.rows.to_string()];
                row.extend(TABLE_METRICS.iter().map(|m| match found {
                    Some(a) => with_interval(
                        a.metrics.headline(m).copied().flatten(),
                        a.metric_intervals.as_ref().and_then(|i| i.headline(m)),
                    ),
                    None => "n/a".to_owned(),
                }));
                row
            })
            .collect();
        blocks.push(Block::Table(Table { headers, rows }));
        if charts {
            blocks.extend(attribute_charts(report, attribute).into_iter().map(Block::Figure));
        }
    }
    if charts && !report.reference.drift.is_empty() {
        blocks.push(Block::Heading("Drift against the reference".to_owned()));
        for (statistic, full) in [("psi", 0.25), ("js", 0.5)] {
            let rows: Vec<(String, Vec<Option<f64>>)> = report
                .reference
                .drift
                .keys()
                .map(|column| {
                    let values = report
                        .windows
                        .iter()
                        .map(|w| w.drift.get(column).and_then(|d| d.statistic(statistic)))
                        .collect();
                    (column.clone(), values)
                })
                .collect();
            let title = format!("{} per window (full colour at {full})", statistic.to_uppercase());
            blocks.push(Block::Figure(drift_heatmap(&title, &starts(report), &rows, full)));
        }
    }
    for column in report.reference.drift.keys() {
        blocks.push(Block::Heading(format!("Drift of {column}")));
        blocks.push(Block::Table(drift_table(&report.windows, column)));
    }
    if !report.gates.is_empty() {
        blocks.push(Block::Heading("Gates".to_owned()));
        let headers = ["window", "gate", "value", "limit", "verdict"].map(str::to_owned).to_vec();
        let rows = report.gates.iter().map(gate_row).collect();
        blocks.push(Block::Table(Table { headers, rows }));
    }
    blocks
}

fn starts(report: &MonitorReport) -> Vec<String> {
    report.windows.iter().map(|w| w.start.clone()).collect()
}

/// The charts of one attribute over time: its headline differences with their bootstrap
/// bands, then each group's selection rate, TPR and FPR.
fn attribute_charts(report: &MonitorReport, attribute: &str) -> Vec<String> {
    let found: Vec<Option<&AttributeReport>> = report
        .windows
        .iter()
        .map(|w| w.attributes.iter().find(|a| a.attribute == attribute))
        .collect();
    let differences = [
        "demographic_parity_difference",
        "equal_opportunity_difference",
        "equalized_odds_difference",
    ];
    let lines: Vec<Line<'_>> = differences
        .iter()
        .map(|&metric| Line {
            name: metric,
            values: found
                .iter()
                .map(|a| a.and_then(|a| a.metrics.headline(metric).copied().flatten()))
                .collect(),
            bands: found
                .iter()
                .map(|a| {
                    a.and_then(|a| a.metric_intervals.as_ref())
                        .and_then(|i| i.headline(metric).copied().flatten())
                })
                .collect(),
        })
        .collect();
    let labels: Vec<String> =
        report.windows.iter().map(|w| short_time(&w.start).to_owned()).collect();
    let mut charts = vec![line_chart(
        &format!("{attribute}: differences between groups (0 is parity)"),
        &XAxis::Windows(&labels),
        &lines,
        Some(0.0),
    )];
    let mut groups: Vec<&str> =
        found.iter().flatten().flat_map(|a| a.groups.iter().map(|g| g.group.as_str())).collect();
    groups.sort_unstable();
    groups.dedup();
    for (rate, label) in [
        ("selection_rate", "selection rate"),
        ("tpr", "true positive rate"),
        ("fpr", "false positive rate"),
    ] {
        let lines: Vec<Line<'_>> = groups
            .iter()
            .map(|&group| {
                let rows: Vec<Option<&GroupReport>> = found
                    .iter()
                    .map(|a| a.and_then(|a| a.groups.iter().find(|g| g.group == group)))
                    .collect();
                Line {
                    name: group,
                    values: rows.iter().map(|g| g.and_then(|g| group_rate(g, rate))).collect(),
                    bands: rows
                        .iter()
                        .map(|g| {
                            g.and_then(|g| g.intervals.as_ref())
                                .and_then(|i| i.get(rate).copied().flatten())
                        })
                        .collect(),
                }
            })
            .collect();
        charts.push(line_chart(
            &format!("{attribute}: {label} per group"),
            &XAxis::Windows(&labels),
            &lines,
            None,
        ));
    }
    charts
}

fn group_rate(group: &GroupReport, rate: &str) -> Option<f64> {
    match rate {
        "selection_rate" => group.selection_rate,
        "tpr" => group.tpr,
        _ => group.fpr,
    }
}

fn verdict(gates: &[MonitorGate], all: bool) -> String {
    let failed = gates.iter().filter(|g| !g.passed).count();
    let which = if all { "every window" } else { "the latest window" };
    match (gates.len(), failed) {
        (0, _) => "No gates were set.".to_owned(),
        (n, 0) => format!("PASSED: all {n} gates passed on {which}."),
        (n, f) => format!("FAILED: {f} of {n} gates failed on {which}."),
    }
}

fn drift_table(windows: &[WindowReport], column: &str) -> Table {
    let numeric =
        windows.iter().any(|w| matches!(w.drift.get(column), Some(ColumnDrift::Numeric { .. })));
    let statistics: &[&str] = if numeric {
        &["psi", "js", "ks", "ks_pvalue", "wasserstein"]
    } else {
        &["psi", "js", "chi2_pvalue"]
    };
    let mut headers = vec!["window".to_owned(), "values".to_owned()];
    headers.extend(statistics.iter().map(|s| (*s).to_owned()));
    let rows = windows
        .iter()
        .map(|w| {
            let drift = w.drift.get(column);
            let values = drift.map_or(0, |d| match d {
                ColumnDrift::Numeric { rows, .. } | ColumnDrift::Categorical { rows, .. } => *rows,
            });
            let mut row = vec![w.start.clone(), values.to_string()];
            row.extend(statistics.iter().map(|s| {
                let value = drift.and_then(|d| d.statistic(s));
                match value {
                    Some(p) if s.ends_with("pvalue") && p < 1e-4 => format!("{p:.2e}"),
                    _ => number(value),
                }
            }));
            row
        })
        .collect();
    Table { headers, rows }
}

fn gate_row(gate: &MonitorGate) -> Vec<String> {
    let target = gate.attribute.as_deref().or(gate.column.as_deref()).unwrap_or("");
    let what = match gate.kind {
        GateKind::Fairness => format!("{} ({target})", gate.name),
        GateKind::Drift => format!("{target}: {}", gate.name),
        GateKind::Change => format!("change of {} ({target})", gate.name),
    };
    let bound = match gate.bound {
        Bound::Max => "≤",
        Bound::Min => "≥",
    };
    let verdict = match (&gate.reason, gate.passed) {
        (_, true) => "pass".to_owned(),
        (Some(reason), false) => format!("FAIL: {reason}"),
        (None, false) => "FAIL".to_owned(),
    };
    vec![gate.window.clone(), what, number(gate.value), format!("{bound} {}", gate.limit), verdict]
}

/// One gauge sample of the latest window: a metric family, its labels, and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Gauge {
    /// The family (`sextant_fairness`, …).
    pub name: &'static str,
    /// The labels, in order.
    pub labels: Vec<(&'static str, String)>,
    /// The value.
    pub value: f64,
}

/// The gauge families, with their help text, in exposition order.
pub const GAUGE_FAMILIES: [(&str, &str); 5] = [
    ("sextant_window_rows", "Rows in the latest monitoring window."),
    (
        "sextant_fairness",
        "fairlearn fairness metrics of each sensitive attribute in the latest window.",
    ),
    ("sextant_group_rate", "Rates of each group in the latest window."),
    ("sextant_drift", "Drift of each column in the latest window against the reference."),
    ("sextant_gate_failed", "1 when the gate failed on the latest window, 0 when it passed."),
];

/// The latest window's gauges, as [`openmetrics`] exposes them and the CLI pushes them over
/// OTLP: `sextant_window_rows{window_start}`, `sextant_fairness{attribute,metric,aggregate}`
/// (every fairlearn aggregate but the `default` copies; `aggregate` is the JSON path below
/// the metric, such as `between_groups` or `to_overall.mean`),
/// `sextant_group_rate{attribute,group,rate}` (selection_rate, tpr, fpr, accuracy),
/// `sextant_drift{column,statistic}` and `sextant_gate_failed{kind,name,bound,attribute|column}`
/// (1 failed, 0 passed). Undefined values are left out.
pub fn gauges(report: &MonitorReport) -> Vec<Gauge> {
    let mut gauges = Vec::new();
    let Some(latest) = report.windows.last() else { return gauges };
    let mut push = |name, labels: Vec<(&'static str, String)>, value: Option<f64>| {
        if let Some(value) = value {
            gauges.push(Gauge { name, labels, value });
        }
    };
    #[allow(clippy::cast_precision_loss)]
    push(
        "sextant_window_rows",
        vec![("window_start", latest.start.clone())],
        Some(latest.rows as f64),
    );
    for attribute in &latest.attributes {
        attribute.metrics.map(|path, value| {
            if let Some((metric, aggregate)) = path.split_once('.') {
                if aggregate != "default" {
                    let labels = vec![
                        ("attribute", attribute.attribute.clone()),
                        ("metric", metric.to_owned()),
                        ("aggregate", aggregate.to_owned()),
                    ];
                    push("sextant_fairness", labels, *value);
                }
            }
        });
    }
    for attribute in &latest.attributes {
        for group in &attribute.groups {
            for (rate, value) in [
                ("selection_rate", group.selection_rate),
                ("tpr", group.tpr),
                ("fpr", group.fpr),
                ("accuracy", group.accuracy),
            ] {
                let labels = vec![
                    ("attribute", attribute.attribute.clone()),
                    ("group", group.group.clone()),
                    ("rate", rate.to_owned()),
                ];
                push("sextant_group_rate", labels, value);
            }
        }
    }
    for (column, drift) in &latest.drift {
        for statistic in ["psi", "js", "ks", "ks_pvalue", "wasserstein", "chi2_pvalue"] {
            let labels = vec![("column", column.clone()), ("statistic", statistic.to_owned())];
            push("sextant_drift", labels, drift.statistic(statistic));
        }
    }
    for gate in report.gates.iter().filter(|g| g.window == latest.start) {
        let kind = match gate.kind {
            GateKind::Fairness => "fairness",
            GateKind::Drift => "drift",
            GateKind::Change => "change",
        };
        let bound = match gate.bound {
            Bound::Max => "max",
            Bound::Min => "min",
        };
        let mut labels = vec![
            ("kind", kind.to_owned()),
            ("name", gate.name.clone()),
            ("bound", bound.to_owned()),
        ];
        labels.extend(gate.attribute.clone().map(|a| ("attribute", a)));
        labels.extend(gate.column.clone().map(|c| ("column", c)));
        push("sextant_gate_failed", labels, Some(if gate.passed { 0.0 } else { 1.0 }));
    }
    gauges
}

/// The latest window's [`gauges`] as the OpenMetrics text exposition (also valid Prometheus
/// text format, for node_exporter's textfile collector), ending with `# EOF`.
pub fn openmetrics(report: &MonitorReport) -> String {
    let gauges = gauges(report);
    let mut out = String::new();
    for (family, help) in GAUGE_FAMILIES {
        let _ = writeln!(out, "# TYPE {family} gauge\n# HELP {family} {help}");
        for gauge in gauges.iter().filter(|g| g.name == family) {
            let labels: Vec<String> =
                gauge.labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape_label(v))).collect();
            let _ = writeln!(out, "{family}{{{}}} {}", labels.join(","), sample_value(gauge.value));
        }
    }
    out.push_str("# EOF\n");
    out
}

fn sample_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{value}")
    }
}

/// A label value with `\`, `"` and newlines escaped, as the exposition format asks.
fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
