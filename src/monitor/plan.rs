//! A checked monitoring run: the fairness plan applied to every window, the time column and
//! windows, the drift columns, the reference, and the gates on drift and on change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::cell::Cell;
use crate::error::{closest_names, Error, Result};
use crate::fairness::metrics::METRIC_NAMES;
use crate::fairness::plan::{FairnessPlan, Outcome};
use crate::monitor::collect::ColumnKind;
use crate::monitor::time::{parse_time, Timestamp};
use crate::monitor::window::WindowSpec;

/// The drift statistics a `max_drift` gate can bound (p-values are not distances).
pub const DRIFT_STATISTICS: [&str; 4] = ["psi", "js", "ks", "wasserstein"];

/// What the drift of every window is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceSpec {
    /// The first window with rows.
    First,
    /// The rows with a time in `[start, end)`.
    Range(Timestamp, Timestamp),
    /// Another input (read by the caller and passed to [`crate::monitor()`]).
    File,
}

/// Which windows the gates apply to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GateWindows {
    /// The last window only.
    #[default]
    Latest,
    /// Every window with rows.
    All,
}

/// A gate on a drift statistic of a column: fail above `limit`.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftGate {
    /// The drift column.
    pub column: String,
    /// One of [`DRIFT_STATISTICS`].
    pub statistic: String,
    /// The largest value that passes.
    pub limit: f64,
}

/// A gate on a fairness metric's absolute change against the reference: fail above `limit`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeGate {
    /// A fairlearn metric name (its headline value).
    pub metric: String,
    /// The largest change that passes.
    pub limit: f64,
}

/// A checked monitoring run.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorPlan {
    /// The fairness audit of every window (its `max`/`min` gates included).
    pub fairness: FairnessPlan,
    /// The time column.
    pub time: String,
    /// The windows.
    pub window: WindowSpec,
    /// The drift columns in order, with their kind when it was named (`--categorical`;
    /// otherwise a column's first value tells it). The score column comes first when the
    /// outcome is a score.
    pub drift: Vec<(String, Option<ColumnKind>)>,
    /// The reference.
    pub reference: ReferenceSpec,
    /// Gates on drift.
    pub max_drift: Vec<DriftGate>,
    /// Gates on change against the reference.
    pub max_change: Vec<ChangeGate>,
    /// Which windows the gates apply to.
    pub gate_windows: GateWindows,
}

impl MonitorPlan {
    /// The reference range `[start, end)` of [`ReferenceSpec::Range`], if that is the
    /// reference.
    pub(crate) fn reference_range(&self) -> Option<(Timestamp, Timestamp)> {
        match self.reference {
            ReferenceSpec::Range(start, end) => Some((start, end)),
            ReferenceSpec::First | ReferenceSpec::File => None,
        }
    }
}

/// What a user asks of a monitoring run beyond the fairness audit, as options (the CLI's
/// flags; the npm package's keys, in camelCase).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonitorOptions {
    /// The time column.
    pub time: String,
    /// The window spelling (`1d`, `7d`, `1mo`, `Nh`, `Nd`, `rows:N`).
    pub window: String,
    /// Drift columns.
    #[serde(default)]
    pub drift: Vec<String>,
    /// Drift columns compared as categories (added to `drift`).
    #[serde(default)]
    pub categorical: Vec<String>,
    /// `first`, `START/END`, or absent (the first window); `file` when a reference input is
    /// given apart.
    #[serde(default)]
    pub reference: Option<String>,
    /// `COLUMN:STATISTIC` → limit.
    #[serde(default)]
    pub max_drift: BTreeMap<String, f64>,
    /// Metric → limit on its absolute change against the reference.
    #[serde(default)]
    pub max_change: BTreeMap<String, f64>,
    /// Which windows the gates apply to.
    #[serde(default)]
    pub gate_windows: GateWindows,
}

impl MonitorOptions {
    /// Checks the options into a [`MonitorPlan`] around `fairness`; `reference_file` says
    /// whether the reference is another input.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming the option: an empty time column, an
    /// unknown window, a reference range that is not two times or is empty, a reference
    /// range with a reference file, a drift gate on a column that is not drifted or on a
    /// statistic that is not a distance, a change gate on an unknown metric, a limit that is
    /// not finite or is below 0, `rows:N` windows of rows that carry counts.
    pub fn check(&self, fairness: FairnessPlan, reference_file: bool) -> Result<MonitorPlan> {
        if self.time.trim().is_empty() {
            return Err(Error::invalid_option("time", "name the column of the rows' times"));
        }
        if fairness.sweep {
            return Err(Error::invalid_option(
                "sweep",
                "a monitor follows one threshold over time: sweep a window's data with a fairness audit",
            ));
        }
        let window = WindowSpec::parse(&self.window)?;
        if let (WindowSpec::Rows(_), Some(column)) = (window, &fairness.count_column) {
            return Err(Error::invalid_option(
                "window",
                format!(
                    "rows:N cuts rows, and each row stands for the count in \"{column}\": use a time window (1d, 7d, 1mo, Nh, Nd)"
                ),
            ));
        }
        let reference = match (self.reference.as_deref().map(str::trim), reference_file) {
            (None | Some("first"), false) => ReferenceSpec::First,
            (None | Some("file"), true) => ReferenceSpec::File,
            (Some(_), true) => {
                return Err(Error::invalid_option(
                    "reference",
                    "give either a reference range or a reference file, not both",
                ))
            }
            (Some(range), false) => parse_range(range)?,
        };
        let mut drift: Vec<(String, Option<ColumnKind>)> = Vec::new();
        if let Outcome::Score { column, .. } = &fairness.outcome {
            drift.push((column.clone(), Some(ColumnKind::Numeric)));
        }
        for column in &self.drift {
            if !drift.iter().any(|(c, _)| c == column) {
                drift.push((column.clone(), None));
            }
        }
        for column in &self.categorical {
            match drift.iter_mut().find(|(c, _)| c == column) {
                Some((_, kind)) => *kind = Some(ColumnKind::Categorical),
                None => drift.push((column.clone(), Some(ColumnKind::Categorical))),
            }
        }
        let max_drift = self
            .max_drift
            .iter()
            .map(|(target, limit)| {
                let invalid = |message: String| Error::invalid_option("max_drift", message);
                let (column, statistic) = target.rsplit_once(':').ok_or_else(|| {
                    invalid(format!("\"{target}\" is not COLUMN:STATISTIC (e.g. score:psi)"))
                })?;
                if !drift.iter().any(|(c, _)| c == column) {
                    return Err(invalid(format!(
                        "\"{column}\" is not a drift column (add it with ‹drift›)"
                    )));
                }
                let categorical = drift
                    .iter()
                    .any(|(c, kind)| c == column && *kind == Some(ColumnKind::Categorical));
                if categorical && matches!(statistic, "ks" | "wasserstein") {
                    return Err(invalid(format!(
                        "\"{column}\" is compared as categories: gate its psi or js"
                    )));
                }
                if !DRIFT_STATISTICS.contains(&statistic) {
                    return Err(invalid(format!(
                        "\"{statistic}\" is not one of {} (p-values are not gated)",
                        DRIFT_STATISTICS.join(", ")
                    )));
                }
                at_least_zero("max_drift", *limit, "a distance")?;
                Ok(DriftGate {
                    column: column.to_owned(),
                    statistic: statistic.to_owned(),
                    limit: *limit,
                })
            })
            .collect::<Result<_>>()?;
        let max_change = self
            .max_change
            .iter()
            .map(|(metric, limit)| {
                if !METRIC_NAMES.contains(&metric.as_str()) {
                    let close = closest_names(metric, METRIC_NAMES);
                    let hint = if close.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", close.join(" or "))
                    };
                    return Err(Error::invalid_option(
                        "max_change",
                        format!("unknown metric \"{metric}\"{hint}"),
                    ));
                }
                at_least_zero("max_change", *limit, "an absolute change")?;
                Ok(ChangeGate { metric: metric.clone(), limit: *limit })
            })
            .collect::<Result<_>>()?;
        Ok(MonitorPlan {
            fairness,
            time: self.time.clone(),
            window,
            drift,
            reference,
            max_drift,
            max_change,
            gate_windows: self.gate_windows,
        })
    }
}

/// Refuses a limit that is not a finite number ≥ 0: what it bounds (`what`) is never
/// negative, so a negative limit would fail every window.
fn at_least_zero(option: &str, limit: f64, what: &str) -> Result<()> {
    if !limit.is_finite() {
        Err(Error::invalid_option(option, format!("limit {limit} is not a finite number")))
    } else if limit < 0.0 {
        Err(Error::invalid_option(
            option,
            format!("limit {limit} is below 0, and {what} is never negative"),
        ))
    } else {
        Ok(())
    }
}

/// `START/END`: two times, START before END.
fn parse_range(text: &str) -> Result<ReferenceSpec> {
    let invalid = |why: &str| {
        Error::invalid_option(
            "reference",
            format!("\"{text}\" {why}: use first, or START/END (e.g. 2025-01-01/2025-02-01)"),
        )
    };
    let (start, end) = text.split_once('/').ok_or_else(|| invalid("is not a range"))?;
    let time = |t: &str| {
        parse_time(Cell::Text(t.trim().as_bytes()))
            .ok_or_else(|| invalid("does not hold two times"))
    };
    let (start, end) = (time(start)?, time(end)?);
    if start >= end {
        return Err(invalid("is empty (START must come before END)"));
    }
    Ok(ReferenceSpec::Range(start, end))
}
