//! From gathered windows to the report: every window's counts audited (empty windows
//! between listed), the reference chosen (a reference file, a time range, or the first
//! window with rows), each drift column compared with it, and the gates judged, as
//! `sextant.monitor/v1`.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Location, Result};
use crate::fairness::audit::audit;
use crate::fairness::counter::{check_group_limits, CountedData};
use crate::fairness::counts::MAX_TOTAL_ROWS;
use crate::fairness::labels::BinaryCodec;
use crate::fairness::plan::Bound;
use crate::fairness::plan::FairnessPlan;
use crate::fairness::report::{AttributeReport, FairnessReport};
use crate::monitor::collect::{ColumnKind, Gathered, Windows};
use crate::monitor::plan::{GateWindows, MonitorPlan, ReferenceSpec};
use crate::monitor::report::{
    ColumnDrift, GateKind, MonitorGate, MonitorReport, ReferenceReport, WindowReport,
    MONITOR_SCHEMA,
};
use crate::monitor::sample::Sample;
use crate::monitor::time::Timestamp;
use crate::monitor::window::WindowSpec;
use crate::monitor::window_drift::{reference_columns, DriftMemo, ReferenceColumns};
use crate::progress::{NoProgress, Progress};

/// What a monitor gathered: the windows of its input (and its reference range's rows), the
/// drift columns' kinds, and a reference file's rows with the file's name. The windows of a
/// followed input are those not audited before.
pub(crate) struct Collected<'p> {
    pub(crate) windows: Windows<'p>,
    pub(crate) kinds: Vec<Option<ColumnKind>>,
    pub(crate) file: Option<(Gathered<'p>, &'p str)>,
    /// How labels read across every part, when `windows` are not all of them (the others
    /// audited before); else the parts given tell it.
    pub(crate) labels: Option<BinaryCodec>,
}

/// A window, audited, with its samples and what was measured of its drift.
pub(crate) struct Audited {
    start: Timestamp,
    end: Timestamp,
    rows: u64,
    report: Option<FairnessReport>,
    samples: Vec<Sample>,
    drift: DriftMemo,
}

/// What the earlier reports of a followed input audited and made, kept for the next: the
/// windows audited, and the reference made of a reference file or range.
#[derive(Default)]
pub(crate) struct Kept {
    pub(crate) windows: AuditedWindows,
    pub(crate) reference: Option<MadeReference>,
}

impl Kept {
    /// Forgets everything kept (the labels read differently).
    #[cfg(not(target_arch = "wasm32"))] // followed, native only
    pub(crate) fn clear(&mut self) {
        self.windows.clear();
        self.reference = None;
    }
}

/// The reference the windows are compared with: its rows, its audit (for `--max-change`)
/// and its drift columns, with the column kinds they were made for.
pub(crate) struct MadeReference {
    kinds: Vec<Option<ColumnKind>>,
    /// The reference file's name, for a reference file.
    file: Option<String>,
    rows: u64,
    report: Option<FairnessReport>,
    columns: Arc<ReferenceColumns>,
}

impl MadeReference {
    /// Whether the reference was made for the drift columns read as `kinds` says.
    pub(crate) fn made_for(&self, kinds: &[Option<ColumnKind>]) -> bool {
        self.kinds == kinds
    }
}

/// The report of what was gathered from the input `source`, and of what `kept` holds from
/// earlier reports (which gets the windows audited and the reference made here), with
/// progress per window. A reference file's or range's rows are left out of `collected`
/// when `kept` holds their reference, made for the same column kinds.
///
/// # Errors
/// An input without rows (or whose rows all lack a time), a drift gate on a statistic a
/// categorical column lacks, a reference range without rows, a third label value across
/// the parts, more than 100,000 windows, a window beyond the years Sextant writes, and the
/// errors of auditing a window's counts.
pub(crate) fn assemble(
    plan: &MonitorPlan,
    source: &str,
    collected: Collected<'_>,
    kept: &mut Kept,
    progress: &mut dyn Progress,
) -> Result<MonitorReport> {
    let Collected { windows: gathered, kinds, file, labels } = collected;
    let without_time = gathered.without_time;
    let no_rows = gathered.windows.is_empty() && kept.windows.is_empty();
    if no_rows && without_time > 0 {
        return Err(Error::invalid_value(
            Location::source(source).in_column(&plan.time),
            format!(
                "no row has a time: the {without_time} rows were left out by the missing-value policy"
            ),
        ));
    }
    if no_rows {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    check_drift_gates(plan, &kinds)?;
    let made = kept.reference.take().filter(|made| made.made_for(&kinds));
    let (mut file_part, file_name) =
        file.map_or((None, None), |(part, name)| (Some(part), Some(name)));
    let mut range_part = match (gathered.reference, plan.reference_range(), &made) {
        (None, Some(_), None) => {
            return Err(Error::invalid_option(
                "reference",
                format!("no row of {source} has a time in the reference range"),
            ))
        }
        (part, _, _) => part,
    };
    // The windows are parts of one input: they read labels alike.
    let mut gathered_windows = gathered.windows;
    let mut parts: Vec<(&mut Gathered<'_>, &str)> =
        gathered_windows.values_mut().map(|part| (part, source)).collect();
    parts.extend(range_part.as_mut().map(|part| (part, source)));
    if let (Some(part), Some(name)) = (file_part.as_mut(), file_name) {
        parts.push((part, name));
    }
    share_labels(&mut parts, plan, labels)?;
    let made = match (made, file_part.zip(file_name), range_part) {
        (Some(made), _, _) => Some(made),
        (None, Some((part, name)), _) => Some(make_reference(plan, &kinds, part, name, true)?),
        (None, None, Some(part)) => Some(make_reference(plan, &kinds, part, source, false)?),
        (None, None, None) => None,
    };
    let windows = audit_windows(plan, source, gathered_windows, &mut kept.windows, progress)?;
    let first = windows.iter().position(|w| w.rows > 0).unwrap_or(0);
    let (kind, reference) = match (&plan.reference, made) {
        (ReferenceSpec::First, _) | (_, None) => (
            "first",
            MadeReference {
                kinds: kinds.clone(),
                file: None,
                rows: windows[first].rows,
                report: windows[first].report.clone(),
                // The first window's references are kept with it: while it does not
                // change, neither do they, nor the drift of the windows that did not.
                columns: windows[first].drift.as_reference(plan, &kinds, &windows[first].samples),
            },
        ),
        (ReferenceSpec::Range(..), Some(made)) => ("range", made),
        (ReferenceSpec::File, Some(made)) => ("file", made),
    };
    let reference_range = match (&plan.reference, kind) {
        (ReferenceSpec::Range(start, end), _) => (Some(*start), Some(*end)),
        (_, "first") => (Some(windows[first].start), Some(windows[first].end)),
        _ => (None, None),
    };
    let columns = reference.columns.clone();
    let drifts = map_all(windows.iter().collect(), |window: &Arc<Audited>| {
        window.drift.drift(plan, &columns, window.rows, &window.samples)
    });
    let mut report_windows = Vec::with_capacity(windows.len());
    for (window, drift) in windows.iter().zip(drifts) {
        report_windows.push(WindowReport {
            start: rfc3339(window.start, source)?,
            end: rfc3339(window.end, source)?,
            rows: window.rows,
            attributes: window.report.as_ref().map(|r| r.attributes.clone()).unwrap_or_default(),
            drift,
            missing: window.report.as_ref().and_then(|r| r.missing.clone()),
        });
    }
    let gates = judge_gates(plan, &windows, &report_windows, reference.report.as_ref());
    let (reference_rows, reference_file) = (reference.rows, reference.file.clone());
    if kind != "first" {
        kept.reference = Some(reference);
    }
    let described = windows.iter().filter_map(|w| w.report.as_ref());
    let mut label = None;
    let mut outcome = None;
    for report in described {
        let label = label.get_or_insert_with(|| report.label.clone());
        label.negative = label.negative.take().or_else(|| report.label.negative.clone());
        outcome.get_or_insert_with(|| report.outcome.clone());
    }
    let (Some(label), Some(outcome)) = (label, outcome) else {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    };
    // Each window's counts are exact (below 2^53 rows); so must their sum be.
    let rows = windows
        .iter()
        .try_fold(0_u64, |sum, w| sum.checked_add(w.rows).filter(|&t| t <= MAX_TOTAL_ROWS))
        .ok_or_else(|| {
            Error::invalid_value(
                Location::source(source),
                "the windows count more than 2^53 rows in all, more than a monitor counts exactly",
            )
        })?;
    Ok(MonitorReport {
        schema: MONITOR_SCHEMA.to_owned(),
        source: source.to_owned(),
        time_column: plan.time.clone(),
        window: plan.window.to_string(),
        label,
        outcome,
        rows,
        rows_without_time: without_time,
        reference: ReferenceReport {
            kind: kind.to_owned(),
            source: reference_file,
            start: reference_range.0.map(|t| rfc3339(t, source)).transpose()?,
            end: reference_range.1.map(|t| rfc3339(t, source)).transpose()?,
            rows: reference_rows,
            drift: plan
                .drift
                .iter()
                .zip(columns.iter())
                .map(|((name, _), column)| (name.clone(), column.describe()))
                .collect(),
        },
        windows: report_windows,
        gate_windows: plan.gate_windows,
        passed: gates.iter().all(|g| g.passed),
        gates,
    })
}

fn rfc3339(at: Timestamp, source: &str) -> Result<String> {
    at.rfc3339().ok_or_else(|| {
        Error::invalid_value(Location::source(source), "a time is beyond the years Sextant writes")
    })
}

/// Refuses a gate on a statistic that a drift column, categorical after all, does not have.
///
/// # Errors
/// An [`ErrorKind::InvalidOption`] naming `max_drift`.
pub(crate) fn check_drift_gates(plan: &MonitorPlan, kinds: &[Option<ColumnKind>]) -> Result<()> {
    for gate in &plan.max_drift {
        let position = plan.drift.iter().position(|(c, _)| *c == gate.column);
        let kind = position.and_then(|i| kinds.get(i).copied().flatten());
        if kind == Some(ColumnKind::Categorical)
            && matches!(gate.statistic.as_str(), "ks" | "wasserstein")
        {
            return Err(Error::invalid_option(
                "max_drift",
                format!(
                    "\"{}\" holds categories (its first value is not a number): gate its psi or js",
                    gate.column
                ),
            ));
        }
    }
    Ok(())
}

/// The reference made of a reference file's or a range's rows (`gathered`, from the input
/// named `source`, a reference file when `file`), their drift columns read as `kinds` says.
fn make_reference(
    plan: &MonitorPlan,
    kinds: &[Option<ColumnKind>],
    gathered: Gathered<'_>,
    source: &str,
    file: bool,
) -> Result<MadeReference> {
    let (counted, rows, samples) = gathered.finish()?;
    // Its metrics are only compared with the windows': no intervals.
    let fairness = FairnessPlan { bootstrap: None, ..plan.fairness.clone() };
    let report = audit_window(&fairness, &counted, source)?;
    let columns = Arc::new(reference_columns(plan, kinds, samples));
    let file = file.then(|| source.to_owned());
    Ok(MadeReference { kinds: kinds.to_vec(), file, rows, report: Some(report), columns })
}

/// Makes every part of the inputs (each with the name of its input) read labels alike (see
/// [`Gathered::adopt_labels`]): as `shared` says, when given (the parts are not all of the
/// input's), else as they tell together.
///
/// # Errors
/// As [`shared_labels`].
fn share_labels(
    parts: &mut [(&mut Gathered<'_>, &str)],
    plan: &MonitorPlan,
    shared: Option<BinaryCodec>,
) -> Result<()> {
    let shared = match shared {
        Some(shared) => shared,
        None => shared_labels(plan, parts.iter().map(|(part, source)| (&**part, *source)))?,
    };
    for (part, source) in parts.iter_mut() {
        if !part.adopt_labels(&shared) {
            return Err(third_value(plan, &shared, part.labels(), source));
        }
    }
    Ok(())
}

/// How every part of the inputs (each with the name of its input) reads labels together:
/// the positive value, and the negative one met.
///
/// # Errors
/// The parts met three label values in all, named with the input of the part that brought
/// the third.
pub(crate) fn shared_labels<'g>(
    plan: &MonitorPlan,
    parts: impl Iterator<Item = (&'g Gathered<'g>, &'g str)>,
) -> Result<BinaryCodec> {
    let mut shared = BinaryCodec::new(plan.fairness.positive_label.as_deref());
    for (part, source) in parts {
        if !shared.merge(part.labels()) {
            return Err(third_value(plan, &shared, part.labels(), source));
        }
    }
    Ok(shared)
}

/// The error of a part of `source` whose labels (`other`) bring a third value to `shared`.
fn third_value(
    plan: &MonitorPlan,
    shared: &BinaryCodec,
    other: &BinaryCodec,
    source: &str,
) -> Error {
    let values = [shared.negative_name(), other.negative_name()].map(Option::unwrap_or_default);
    Error::invalid_value(
        Location::source(source).in_column(&plan.fairness.label),
        format!(
            "the label has more than two values: \"{}\", \"{}\" and \"{}\"",
            shared.positive_name(),
            values[0],
            values[1]
        ),
    )
}

/// The windows audited by an earlier report of the same input, by window index: a followed
/// input's report audits again only the windows its new rows went to.
pub(crate) type AuditedWindows = BTreeMap<i64, Arc<Audited>>;

/// A window to audit: its rows, or its audit from before, or nothing (no rows).
enum Slot<'g> {
    Gathered(Box<Gathered<'g>>),
    Audited(Arc<Audited>),
    Empty,
}

/// Every window from the first to the last, audited (or taken from `audited`, which gets
/// the calendar windows audited here); empty ones in between with no rows.
fn audit_windows(
    plan: &MonitorPlan,
    source: &str,
    gathered: BTreeMap<i64, Gathered<'_>>,
    audited: &mut AuditedWindows,
    progress: &mut dyn Progress,
) -> Result<Vec<Arc<Audited>>> {
    let rows_windows = matches!(plan.window, WindowSpec::Rows(_));
    if rows_windows {
        audited.clear();
    }
    let keys = || gathered.keys().chain(audited.keys());
    let (Some(&first), Some(&last)) = (keys().min(), keys().max()) else {
        return Ok(Vec::new());
    };
    // Row windows are bounded by their rows' times: the next window's first time, or a
    // second past the last window's latest.
    let row_bounds: Vec<(Timestamp, Timestamp)> = if rows_windows {
        let starts: Vec<Timestamp> = gathered.values().map(|g| g.first).collect();
        gathered
            .values()
            .enumerate()
            .map(|(i, g)| {
                let end = starts
                    .get(i + 1)
                    .copied()
                    .unwrap_or(Timestamp { seconds: g.last.seconds.saturating_add(1), ..g.last });
                (g.first, end)
            })
            .collect()
    } else {
        Vec::new()
    };
    // (Windows audited before were checked when they were gathered.)
    check_window_span(plan, source, &[&gathered])?;
    let count = usize::try_from(last.saturating_sub(first).saturating_add(1)).unwrap_or(usize::MAX);
    let mut gathered = gathered;
    let mut pending = Vec::with_capacity(count.min(1 << 20));
    for (position, index) in (first..=last).enumerate() {
        let (start, end) = if rows_windows {
            row_bounds.get(position).copied().ok_or_else(|| {
                Error::invalid_value(
                    Location::source(source),
                    "the input changed between its two readings (rows:N reads it twice)",
                )
            })?
        } else {
            let bound = |i: i64| {
                plan.window.start(i).ok_or_else(|| {
                    Error::invalid_option(
                        "window",
                        "a window starts beyond the years Sextant writes",
                    )
                })
            };
            (bound(index)?, bound(index + 1)?)
        };
        let slot = match (gathered.remove(&index), audited.get(&index)) {
            (Some(window), _) => Slot::Gathered(Box::new(window)),
            (None, Some(window)) => Slot::Audited(window.clone()),
            (None, None) => Slot::Empty,
        };
        pending.push((index, start, end, slot));
    }
    // Windows are sorted and audited a few at a time on all cores, with progress and a
    // chance to cancel between.
    progress.start("windows", count as u64);
    let mut windows = Vec::with_capacity(pending.len());
    let mut pending = pending.into_iter();
    loop {
        let step: Vec<_> = pending.by_ref().take(WINDOWS_PER_STEP).collect();
        if step.is_empty() {
            break;
        }
        let done = step.len() as u64;
        // Each window, and whether `audited` keeps it.
        let results = map_all(step, |(index, start, end, slot)| match slot {
            Slot::Audited(window) => Ok::<_, Error>((index, window, false)),
            Slot::Empty => Ok((index, Arc::new(audit_one(plan, source, start, end, None)?), false)),
            Slot::Gathered(window) => {
                let fresh = Arc::new(audit_one(plan, source, start, end, Some(*window))?);
                Ok((index, fresh, !rows_windows))
            }
        });
        for result in results {
            let (index, window, keep) = result?;
            if keep {
                audited.insert(index, window.clone());
            }
            windows.push(window);
        }
        progress.advance(done);
        if progress.cancelled() {
            return Err(ErrorKind::Cancelled.into());
        }
    }
    progress.finish();
    Ok(windows)
}

/// Refuses windows (of one input, gathered in parts) that run from first to last over more
/// than [`MAX_WINDOWS`].
///
/// # Errors
/// An [`ErrorKind::InvalidValue`] in the time column, with the earliest and latest times.
pub(crate) fn check_window_span(
    plan: &MonitorPlan,
    source: &str,
    parts: &[&BTreeMap<i64, Gathered<'_>>],
) -> Result<()> {
    let first = parts.iter().filter_map(|p| p.keys().next()).min();
    let last = parts.iter().filter_map(|p| p.keys().next_back()).max();
    let (Some(&first), Some(&last)) = (first, last) else { return Ok(()) };
    let count = usize::try_from(last.saturating_sub(first).saturating_add(1)).unwrap_or(usize::MAX);
    if count <= MAX_WINDOWS {
        return Ok(());
    }
    let windows = || parts.iter().flat_map(|p| p.values());
    let earliest = windows().map(|g| g.first).min().unwrap_or_default();
    let latest = windows().map(|g| g.last).max().unwrap_or_default();
    let show = |t: Timestamp| t.rfc3339().unwrap_or_else(|| format!("{} s", t.seconds));
    Err(Error::invalid_value(
        Location::source(source).in_column(&plan.time),
        format!(
            "the times run from {} to {}: {count} windows of {}, more than {MAX_WINDOWS} (are some times in milliseconds, or placeholder dates?)",
            show(earliest),
            show(latest),
            plan.window
        ),
    ))
}

/// Checks the groups of the windows in `parts` together against the plan's limits
/// (`max_groups` per attribute, the combinations the counts hold), as `sextant fairness`
/// checks the whole input: each window's count checks only its own groups, and an
/// identifier given as a sensitive column may take few values a day.
///
/// # Errors
/// An attribute with more groups than `max_groups` in all the windows, or too many
/// combinations, naming `source` and the attribute.
pub(crate) fn check_window_groups(
    plan: &MonitorPlan,
    source: &str,
    parts: &[&BTreeMap<i64, Gathered<'_>>],
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let combinations = parts
        .iter()
        .flat_map(|p| p.values())
        .flat_map(Gathered::combinations)
        .filter(|values| seen.insert(*values));
    check_group_limits(combinations, &plan.fairness, Location::source(source))
}

/// The most windows a run lists (a daily window over 270 years): beyond, a time is surely
/// misread, and the empty windows between would only take memory.
const MAX_WINDOWS: usize = 100_000;

/// Windows audited between two progress reports.
const WINDOWS_PER_STEP: usize = 16;

/// One window: its counts audited and its samples sorted, or an empty window.
fn audit_one(
    plan: &MonitorPlan,
    source: &str,
    start: Timestamp,
    end: Timestamp,
    gathered: Option<Gathered<'_>>,
) -> Result<Audited> {
    Ok(match gathered {
        Some(g) => {
            let (counted, rows, samples) = g.finish()?;
            let report = audit_window(&plan.fairness, &counted, source)?;
            Audited { start, end, rows, report: Some(report), samples, drift: DriftMemo::default() }
        }
        None => Audited {
            start,
            end,
            rows: 0,
            report: None,
            samples: vec![Sample::default(); plan.drift.len()],
            drift: DriftMemo::default(),
        },
    })
}

/// `f` applied to every item, on all cores natively; the results in the items' order.
#[cfg(not(target_arch = "wasm32"))]
fn map_all<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync + Send) -> Vec<U> {
    use rayon::prelude::*;
    items.into_par_iter().map(f).collect()
}

/// `f` applied to every item, in order (WebAssembly has one thread).
#[cfg(target_arch = "wasm32")]
fn map_all<T, U>(items: Vec<T>, f: impl Fn(T) -> U) -> Vec<U> {
    items.into_iter().map(f).collect()
}

/// The fairness report of one window's counts. A privileged group without rows in the window
/// gives no AIF360 comparison there, and a warning on its attribute, instead of an error.
///
/// # Errors
/// As [`audit`].
fn audit_window(
    plan: &FairnessPlan,
    counted: &CountedData,
    source: &str,
) -> Result<FairnessReport> {
    let mut fairness = plan.clone();
    let mut absent = Vec::new();
    fairness.privileged.retain(|privileged| {
        let present = plan
            .attributes
            .iter()
            .find(|a| a.name == privileged.attribute)
            .and_then(|a| counted.counts.column_indices(&a.columns).ok())
            .is_some_and(|indices| {
                counted.counts.marginal(&indices).contains_key(&privileged.values)
            });
        if !present {
            absent.push(privileged.clone());
        }
        present
    });
    let mut report = audit(&fairness, counted, source, &mut NoProgress)?;
    for privileged in absent {
        if let Some(attribute) =
            report.attributes.iter_mut().find(|a| a.attribute == privileged.attribute)
        {
            attribute.warnings.push(format!(
                "the privileged group {}=\"{}\" has no rows in this window: no AIF360 comparison",
                privileged.attribute,
                privileged.values.join("&")
            ));
        }
    }
    Ok(report)
}

/// The gates' verdicts on the windows they apply to.
fn judge_gates(
    plan: &MonitorPlan,
    windows: &[Arc<Audited>],
    reports: &[WindowReport],
    reference: Option<&FairnessReport>,
) -> Vec<MonitorGate> {
    let judged: Vec<usize> = match plan.gate_windows {
        GateWindows::Latest => reports.len().checked_sub(1).into_iter().collect(),
        GateWindows::All => (0..reports.len()).filter(|&i| windows[i].rows > 0).collect(),
    };
    let mut gates = Vec::new();
    for i in judged {
        let report = &reports[i];
        let start = &report.start;
        if let Some(fairness) = &windows[i].report {
            for g in &fairness.gates {
                gates.push(MonitorGate {
                    window: start.clone(),
                    kind: GateKind::Fairness,
                    name: g.name.clone(),
                    attribute: Some(g.attribute.clone()),
                    column: None,
                    bound: g.bound,
                    value: g.value,
                    reference_value: None,
                    limit: g.limit,
                    passed: g.passed,
                    reason: g.reason.clone(),
                });
            }
        }
        for gate in &plan.max_drift {
            let drift = report.drift.get(&gate.column);
            let value = drift.and_then(|d| d.statistic(&gate.statistic));
            gates.push(MonitorGate {
                window: start.clone(),
                kind: GateKind::Drift,
                name: gate.statistic.clone(),
                attribute: None,
                column: Some(gate.column.clone()),
                bound: Bound::Max,
                value,
                reference_value: None,
                limit: gate.limit,
                passed: value.is_some_and(|v| v <= gate.limit),
                reason: value.is_none().then(|| {
                    drift
                        .and_then(ColumnDrift::reason)
                        .unwrap_or("the statistic is undefined")
                        .to_owned()
                }),
            });
        }
        for gate in &plan.max_change {
            for attribute in &report.attributes {
                let now = headline(attribute, &gate.metric);
                let before = reference
                    .and_then(|r| r.attributes.iter().find(|a| a.attribute == attribute.attribute))
                    .and_then(|a| headline(a, &gate.metric));
                let value = now.zip(before).map(|(a, b)| (a - b).abs());
                let reason = match (now, before) {
                    (None, _) => Some("the metric is undefined in this window".to_owned()),
                    (_, None) => Some("the metric is undefined in the reference".to_owned()),
                    _ => None,
                };
                gates.push(MonitorGate {
                    window: start.clone(),
                    kind: GateKind::Change,
                    name: gate.metric.clone(),
                    attribute: Some(attribute.attribute.clone()),
                    column: None,
                    bound: Bound::Max,
                    value,
                    reference_value: before,
                    limit: gate.limit,
                    passed: value.is_some_and(|v| v <= gate.limit),
                    reason,
                });
            }
        }
    }
    gates
}

fn headline(attribute: &AttributeReport, metric: &str) -> Option<f64> {
    attribute.metrics.headline(metric).copied().flatten()
}
