//! The threshold sweep: every fairness metric, and each group's rates, as a score's decision
//! threshold moves over [0, 1] in steps of 0.01, as Fairness Indicators plots them.
//!
//! While the rows are counted, each combination of sensitive values keeps a histogram of its
//! scores over the threshold grid ([`crate::fairness::score_histogram`]); the confusion counts at each
//! threshold come from it, and each threshold is audited as `sextant fairness --threshold t`
//! audits it: the sweep's value at `t` is exactly that audit's.

use crate::error::{Error, ErrorKind, Result};
use crate::fairness::audit::audit;
use crate::fairness::confusion::Confusion;
use crate::fairness::counter::CountedData;
use crate::fairness::counts::GroupCounts;
use crate::fairness::metrics::METRIC_NAMES;
use crate::fairness::plan::{FairnessPlan, Outcome};
use crate::fairness::report::{
    AttributeSweep, GroupReport, GroupSweep, SweepRates, ThresholdSweep,
};
use crate::fairness::score_histogram::{sweep_thresholds, SweepCounts, SWEEP_STEPS};
use crate::progress::{NoProgress, Progress};

/// Combinations of sensitive values from which a sweep reports its progress (a fraction of
/// a second of work and more).
const LONG_SWEEP_CELLS: usize = 1_000;

/// The sweep of `data` audited as `plan` says, at every threshold of the grid; `progress`
/// hears of each threshold when the sweep is long (many groups), and may cancel it.
///
/// # Errors
/// A plan with sample weights (a sweep counts rows), those of [`audit`] (an attribute not
/// counted, a privileged group that does not occur), or cancellation.
pub fn threshold_sweep(
    plan: &FairnessPlan,
    data: &CountedData,
    sweep: &SweepCounts,
    source: &str,
    progress: &mut dyn Progress,
) -> Result<ThresholdSweep> {
    if plan.sample_weight.is_some() {
        return Err(Error::invalid_option(
            "sweep",
            "a threshold sweep counts rows, not sample weights: drop ‹sample_weight› or the sweep",
        ));
    }
    let long = sweep.cells.len() >= LONG_SWEEP_CELLS;
    if long {
        progress.start("threshold sweep", u64::from(SWEEP_STEPS) + 1);
    }
    let thresholds = sweep_thresholds();
    let per_cell: Vec<(Vec<&str>, Vec<Confusion>)> = sweep
        .cells
        .iter()
        .map(|(values, histogram)| {
            (values.iter().map(String::as_str).collect(), histogram.confusion_per_threshold())
        })
        .collect();
    let column = plan.outcome.column().to_owned();
    let mut result = ThresholdSweep {
        thresholds: thresholds.clone(),
        outside_rows: sweep.cells.iter().map(|(_, h)| h.outside_rows()).sum(),
        overall: SweepRates::with_capacity(thresholds.len()),
        attributes: plan
            .attributes
            .iter()
            .map(|a| AttributeSweep {
                attribute: a.name.clone(),
                metrics: METRIC_NAMES
                    .iter()
                    .map(|&m| (m.to_owned(), Vec::with_capacity(thresholds.len())))
                    .collect(),
                groups: Vec::new(),
            })
            .collect(),
    };
    for (k, &t) in thresholds.iter().enumerate() {
        let mut counts = GroupCounts::new(plan.sensitive_columns.clone());
        for (values, confusion) in &per_cell {
            counts.add_counts(values, &confusion[k])?;
        }
        let at = CountedData {
            counts,
            positive_label: data.positive_label.clone(),
            negative_label: data.negative_label.clone(),
            favorable_is_positive: data.favorable_is_positive,
            missing: None,
            sweep: None,
        };
        let at_plan = FairnessPlan {
            outcome: Outcome::Score { column: column.clone(), threshold: t },
            bootstrap: None,
            gates: Vec::new(),
            sweep: false,
            ..plan.clone()
        };
        let report = audit(&at_plan, &at, source, &mut NoProgress)?;
        result.overall.push(&report.overall);
        for (into, attribute) in result.attributes.iter_mut().zip(&report.attributes) {
            for (name, series) in &mut into.metrics {
                series.push(attribute.metrics.headline(name).copied().flatten());
            }
            if into.groups.is_empty() {
                into.groups = attribute
                    .groups
                    .iter()
                    .map(|g| GroupSweep {
                        group: g.group.clone(),
                        rates: SweepRates::with_capacity(thresholds.len()),
                    })
                    .collect();
            }
            for (into, group) in into.groups.iter_mut().zip(&attribute.groups) {
                into.rates.push(group);
            }
        }
        if progress.cancelled() {
            return Err(ErrorKind::Cancelled.into());
        }
        if long {
            progress.advance(1);
        }
    }
    if long {
        progress.finish();
    }
    Ok(result)
}

impl SweepRates {
    /// Empty series with room for `n` thresholds each.
    fn with_capacity(n: usize) -> Self {
        SweepRates {
            selection_rate: Vec::with_capacity(n),
            tpr: Vec::with_capacity(n),
            fpr: Vec::with_capacity(n),
            precision: Vec::with_capacity(n),
            accuracy: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, group: &GroupReport) {
        self.selection_rate.push(group.selection_rate);
        self.tpr.push(group.tpr);
        self.fpr.push(group.fpr);
        self.precision.push(group.precision);
        self.accuracy.push(group.accuracy);
    }
}
