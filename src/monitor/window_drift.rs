//! Each window's drift against the reference: the drift columns' references made of a
//! sample, and the statistics of a window's samples against them. A window keeps both (a
//! [`DriftMemo`]), so that a followed input's report measures again only the windows its new
//! rows went to, against a reference that did not change.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::monitor::collect::ColumnKind;
use crate::monitor::drift::{compare_categories, NumericReference};
use crate::monitor::plan::MonitorPlan;
use crate::monitor::report::{ColumnDrift, ReferenceColumn};
use crate::monitor::sample::Sample;

/// Every drift column's reference, in the plan's order.
pub(crate) type ReferenceColumns = Vec<ColumnReference>;

/// References made of a window's samples, with the column kinds they were read as.
type MadeReferences = (Vec<Option<ColumnKind>>, Arc<ReferenceColumns>);

/// A window's drift by column, with the references it was measured against.
type MeasuredDrift = (Arc<ReferenceColumns>, BTreeMap<String, ColumnDrift>);

/// What a window measured of its drift, kept with it: its samples made into references
/// (when it is the reference window), and its drift against the references it was last
/// compared with. A window whose rows change is a new window, with an empty memo.
#[derive(Default)]
pub(crate) struct DriftMemo {
    /// The window's samples as references, with the column kinds they were read as.
    as_reference: Mutex<Option<MadeReferences>>,
    /// The window's drift, and the references it was measured against.
    drift: Mutex<Option<MeasuredDrift>>,
}

impl DriftMemo {
    /// The references made of `samples` (the window's), read as `kinds` says: made once
    /// for the same kinds.
    pub(crate) fn as_reference(
        &self,
        plan: &MonitorPlan,
        kinds: &[Option<ColumnKind>],
        samples: &[Sample],
    ) -> Arc<ReferenceColumns> {
        let mut kept = self.as_reference.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match kept.as_ref() {
            Some((made_for, columns)) if made_for == kinds => columns.clone(),
            _ => {
                let columns = Arc::new(reference_columns(plan, kinds, samples.to_vec()));
                *kept = Some((kinds.to_vec(), columns.clone()));
                columns
            }
        }
    }

    /// The drift of a window of `rows` rows and these `samples` against `references` (the
    /// same references as last time give the same drift, without measuring it again).
    pub(crate) fn drift(
        &self,
        plan: &MonitorPlan,
        references: &Arc<ReferenceColumns>,
        rows: u64,
        samples: &[Sample],
    ) -> BTreeMap<String, ColumnDrift> {
        let mut kept = self.drift.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((against, drift)) = kept.as_ref() {
            if Arc::ptr_eq(against, references) {
                return drift.clone();
            }
        }
        let names = plan.drift.iter().map(|(name, _)| name.clone());
        let drifts =
            references.iter().enumerate().map(|(i, c)| column_drift(plan, c, rows, samples, i));
        let drift: BTreeMap<String, ColumnDrift> = names.zip(drifts).collect();
        *kept = Some((references.clone(), drift.clone()));
        drift
    }
}

/// A drift column's reference, ready to compare windows with.
pub(crate) enum ColumnReference {
    Numeric(Option<NumericReference>),
    Categorical(BTreeMap<String, u64>),
}

impl ColumnReference {
    /// The reference as the report describes it.
    pub(crate) fn describe(&self) -> ReferenceColumn {
        match self {
            ColumnReference::Numeric(Some(r)) => ReferenceColumn::Numeric {
                rows: r.rows(),
                edges: r.edges.to_vec(),
                bin_counts: r.bin_counts.to_vec(),
            },
            ColumnReference::Numeric(None) => {
                ReferenceColumn::Numeric { rows: 0, edges: Vec::new(), bin_counts: Vec::new() }
            }
            ColumnReference::Categorical(counts) => ReferenceColumn::Categorical {
                rows: counts.values().sum(),
                categories: counts.keys().cloned().collect(),
                counts: counts.values().copied().collect(),
            },
        }
    }
}

/// The drift columns' references made of their `samples` (any missing: no values), read as
/// `kinds` says.
pub(crate) fn reference_columns(
    plan: &MonitorPlan,
    kinds: &[Option<ColumnKind>],
    mut samples: Vec<Sample>,
) -> ReferenceColumns {
    samples.resize_with(plan.drift.len(), Sample::default);
    samples
        .into_iter()
        .zip(kinds)
        .map(|(sample, kind)| match kind {
            Some(ColumnKind::Categorical) => ColumnReference::Categorical(sample.categories),
            Some(ColumnKind::Numeric) | None => {
                ColumnReference::Numeric(NumericReference::new(sample.sorted))
            }
        })
        .collect()
}

/// The drift of the `i`-th drift column in `window` against its `reference`.
fn column_drift(
    plan: &MonitorPlan,
    reference: &ColumnReference,
    rows: u64,
    samples: &[Sample],
    i: usize,
) -> ColumnDrift {
    let name = &plan.drift[i].0;
    let empty = Sample::default();
    let sample = samples.get(i).unwrap_or(&empty);
    let reason = if rows == 0 {
        Some("the window has no rows".to_owned())
    } else if sample.len() == 0 {
        Some(format!("the window has no values of {name}"))
    } else {
        None
    };
    match reference {
        ColumnReference::Numeric(Some(r)) if reason.is_none() => {
            let s = r.compare(&sample.sorted);
            let overflows = !s.wasserstein.is_finite();
            let reasons: Vec<&str> = [
                (s.ks_pvalue.is_none(), "the samples are too small for a KS p-value"),
                (
                    overflows,
                    "the Wasserstein distance overflows a double (values more than 1.8e308 apart)",
                ),
            ]
            .into_iter()
            .filter_map(|(applies, reason)| applies.then_some(reason))
            .collect();
            ColumnDrift::Numeric {
                rows: sample.len(),
                psi: Some(s.psi),
                js: Some(s.js),
                ks: Some(s.ks),
                ks_pvalue: s.ks_pvalue,
                wasserstein: (!overflows).then_some(s.wasserstein),
                bin_counts: s.bin_counts.to_vec(),
                reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
            }
        }
        ColumnReference::Numeric(r) => ColumnDrift::Numeric {
            rows: sample.len(),
            psi: None,
            js: None,
            ks: None,
            ks_pvalue: None,
            wasserstein: None,
            bin_counts: Vec::new(),
            reason: reason
                .or_else(|| r.is_none().then(|| format!("the reference has no values of {name}"))),
        },
        ColumnReference::Categorical(counts) if reason.is_none() && !counts.is_empty() => {
            let s = compare_categories(counts, &sample.categories);
            ColumnDrift::Categorical {
                rows: sample.len(),
                psi: Some(s.psi),
                js: Some(s.js),
                chi2_pvalue: Some(s.chi2_pvalue),
                categories: s.categories,
                counts: s.counts,
                reference_counts: s.reference_counts,
                reason: None,
            }
        }
        ColumnReference::Categorical(_) => ColumnDrift::Categorical {
            rows: sample.len(),
            psi: None,
            js: None,
            chi2_pvalue: None,
            categories: sample.categories.keys().cloned().collect(),
            counts: sample.categories.values().copied().collect(),
            reference_counts: Vec::new(),
            reason: Some(
                reason.unwrap_or_else(|| format!("the reference has no values of {name}")),
            ),
        },
    }
}
