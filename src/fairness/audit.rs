//! Runs a checked [`FairnessPlan`] on counted data and builds the [`FairnessReport`]:
//! group tables, fairlearn aggregates, the AIF360 comparison, bootstrap intervals, gates.
//!
//! Everything here is a function of the [`GroupCounts`] state; no row is looked at again.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};
use crate::fairness::bootstrap::{resample, SampleSet};
use crate::fairness::confusion::{Confusion, Rate, Tally, UndefinedPolicy};
use crate::fairness::counts::GroupKey;
use crate::fairness::ingest::CountedData;
use crate::fairness::metrics::{compute, Leaf, Metrics, METRIC_NAMES};
use crate::fairness::plan::{
    Attribute, BootstrapSettings, Bound, FairnessPlan, Outcome, SmallGroups,
};
use crate::fairness::privileged::{Aif360Metrics, Sides};
use crate::fairness::report::{
    AttributeReport, FairnessReport, FourFifthsRule, GateResult, GroupReport, LabelInfo,
    OutcomeInfo, PrivilegedComparison, FAIRNESS_SCHEMA,
};
use crate::fairness::weights::CellWeights;
use crate::progress::Progress;
use crate::stats::{named_stream, stream};

/// The four-fifths rule's threshold on disparate impact.
pub const FOUR_FIFTHS: f64 = 0.8;

/// Audits `data` (named `source` in the report) as `plan` says, at the plan's threshold: the
/// report's `sweep` is left empty, for [`crate::fairness::sweep::threshold_sweep`] to fill
/// from the data's score histograms (as the audit pipeline does).
///
/// # Errors
/// When an attribute's column was not counted, or a privileged group does not occur.
pub fn audit(
    plan: &FairnessPlan,
    data: &CountedData,
    source: &str,
    progress: &mut dyn Progress,
) -> Result<FairnessReport> {
    let overall_counts = data.counts.overall();
    let overall_weights = data.counts.overall_weights();
    let overall_sums = overall_weights.as_ref().map(CellWeights::sums);
    let mut overall =
        group_report("all".into(), &overall_counts, overall_sums.as_ref(), plan.policy);
    if let Some(settings) = &plan.bootstrap {
        progress
            .start("bootstrap", u64::from(settings.resamples) * (plan.attributes.len() as u64 + 1));
        overall.intervals = Some(overall_intervals(
            &overall_counts,
            overall_weights.as_ref(),
            settings,
            plan.policy,
            progress,
        ));
    }
    let favorable = favorable_label_name(plan, data);
    let mut attributes = Vec::with_capacity(plan.attributes.len());
    for attribute in &plan.attributes {
        // Each attribute's draws follow its name, not its place among the others.
        let stream_id = named_stream(&attribute.name);
        let report = attribute_report(plan, data, attribute, &favorable, stream_id, progress)?;
        attributes.push(report);
        if progress.cancelled() {
            return Err(ErrorKind::Cancelled.into());
        }
    }
    progress.finish();
    let gates = evaluate_gates(plan, &attributes);
    Ok(FairnessReport {
        schema: FAIRNESS_SCHEMA.to_owned(),
        source: source.to_owned(),
        rows: overall_counts.count(),
        sample_weight: plan.sample_weight.clone(),
        label: LabelInfo {
            column: plan.label.clone(),
            positive: data.positive_label.clone(),
            negative: data.negative_label.clone(),
        },
        outcome: match &plan.outcome {
            Outcome::Prediction { column } => OutcomeInfo {
                column: column.clone(),
                kind: "prediction".to_owned(),
                threshold: None,
                class: None,
            },
            Outcome::Score { column, threshold } => OutcomeInfo {
                column: column.clone(),
                kind: "score".to_owned(),
                threshold: Some(*threshold),
                class: None,
            },
        },
        policy: plan.policy,
        bootstrap: plan.bootstrap,
        missing: data.missing.clone(),
        overall,
        passed: gates.iter().all(|g| g.passed),
        attributes,
        gates,
        sweep: None,
    })
}

fn favorable_label_name(plan: &FairnessPlan, data: &CountedData) -> String {
    match (&plan.favorable_label, data.favorable_is_positive) {
        (Some(name), _) => name.clone(),
        (None, true) => data.positive_label.clone(),
        (None, false) => data.negative_label.clone().unwrap_or_default(),
    }
}

/// The row of a group of `counts` rows whose rates come from `weighted` (the sums of its
/// rows' sample weights) when the audit is weighted, else from its counts.
fn group_report(
    group: String,
    counts: &Confusion,
    weighted: Option<&Confusion<f64>>,
    policy: UndefinedPolicy,
) -> GroupReport {
    let as_weights = counts.as_weights();
    let cells = weighted.unwrap_or(&as_weights);
    let rate = |r| cells.rate_with(r, policy);
    let mut undefined = BTreeMap::new();
    for r in Rate::ALL {
        if cells.rate(r).is_none() {
            // Rows weigh 0 only where there are rows: else the count is the reason.
            let why = r.undefined_reason(weighted.is_some() && as_weights.rate(r).is_some());
            let reason = match policy {
                UndefinedPolicy::Strict => why.to_owned(),
                UndefinedPolicy::FairlearnCompat => {
                    format!("{why}; counted as 0.0 (fairlearn compatibility)")
                }
            };
            undefined.insert(r.name().to_owned(), reason);
        }
    }
    GroupReport {
        group,
        count: counts.count(),
        base_rate: rate(Rate::BaseRate),
        selection_rate: rate(Rate::SelectionRate),
        tpr: rate(Rate::Tpr),
        fpr: rate(Rate::Fpr),
        tnr: rate(Rate::Tnr),
        fnr: rate(Rate::Fnr),
        precision: rate(Rate::Precision),
        accuracy: rate(Rate::Accuracy),
        confusion: *counts,
        weight: weighted.map(Confusion::count),
        weighted_confusion: weighted.copied(),
        undefined,
        intervals: None,
        small: false,
    }
}

fn record_rates<T: Tally>(samples: &mut SampleSet, cells: &Confusion<T>, policy: UndefinedPolicy) {
    for r in Rate::ALL {
        samples.record(cells.rate_with(r, policy));
    }
}

fn rate_intervals(samples: &mut SampleSet, confidence: f64) -> BTreeMap<String, Option<[f64; 2]>> {
    Rate::ALL
        .into_iter()
        .map(|r| (r.name().to_owned(), samples.next_interval(confidence)))
        .collect()
}

fn overall_intervals(
    counts: &Confusion,
    weights: Option<&CellWeights>,
    settings: &BootstrapSettings,
    policy: UndefinedPolicy,
    progress: &mut dyn Progress,
) -> BTreeMap<String, Option<[f64; 2]>> {
    let mut rng = stream(settings.seed, 0);
    let mut samples = SampleSet::default();
    for _ in 0..settings.resamples {
        let drawn = resample(counts, &mut rng);
        match weights {
            Some(w) => record_rates(&mut samples, &w.resample(&drawn, &mut rng), policy),
            None => record_rates(&mut samples, &drawn, policy),
        }
        samples.next_resample();
        progress.advance(1);
    }
    rate_intervals(&mut samples, settings.confidence)
}

/// Values of one attribute's aggregates; `Err` carries why a value is undefined.
struct AttributeValues {
    metrics: Metrics<Leaf>,
    aif360: Option<Aif360Metrics<std::result::Result<f64, &'static str>>>,
}

/// The aggregates over the `included` groups (all but excluded small ones) and the AIF360
/// comparison of the privileged group with every other row, from the groups' counts or
/// sums of weights.
fn attribute_values<T: Tally>(
    groups: &[Confusion<T>],
    included: &[usize],
    privileged: Option<usize>,
    favorable_is_positive: bool,
    policy: UndefinedPolicy,
) -> AttributeValues {
    let compared: Vec<Confusion<T>> = included.iter().map(|&i| groups[i]).collect();
    let compared_overall: Confusion<T> = compared.iter().sum();
    AttributeValues {
        metrics: compute(&compared, &compared_overall, policy),
        aif360: privileged.map(|p| Sides::split(groups, p, favorable_is_positive).metrics()),
    }
}

fn attribute_report(
    plan: &FairnessPlan,
    data: &CountedData,
    attribute: &Attribute,
    favorable_label: &str,
    stream_id: u64,
    progress: &mut dyn Progress,
) -> Result<AttributeReport> {
    let indices = data.counts.column_indices(&attribute.columns)?;
    let by_group = data.counts.marginal(&indices);
    let keys: Vec<&GroupKey> = by_group.keys().collect();
    let counts: Vec<Confusion> = by_group.values().copied().collect();
    // With sample weights: each group's histogram, and the sums the rates are made of.
    let weights: Option<Vec<CellWeights>> =
        data.counts.weighted_marginal(&indices).map(|w| w.into_values().collect());
    let sums: Option<Vec<Confusion<f64>>> =
        weights.as_ref().map(|w| w.iter().map(CellWeights::sums).collect());
    let privileged_index = privileged_group_index(plan, attribute, &keys)?;
    let small: Vec<bool> = counts.iter().map(|c| c.count() < plan.groups.min_group_size).collect();
    let included: Vec<usize> = (0..counts.len())
        .filter(|&i| !(small[i] && plan.groups.small_groups == SmallGroups::Exclude))
        .collect();
    let values = match &sums {
        Some(sums) => attribute_values(
            sums,
            &included,
            privileged_index,
            data.favorable_is_positive,
            plan.policy,
        ),
        None => attribute_values(
            &counts,
            &included,
            privileged_index,
            data.favorable_is_positive,
            plan.policy,
        ),
    };

    let mut groups: Vec<GroupReport> = keys
        .iter()
        .zip(&counts)
        .zip(&small)
        .enumerate()
        .map(|(i, ((key, c), &small))| GroupReport {
            small,
            ..group_report(key.join("&"), c, sums.as_ref().map(|s| &s[i]), plan.policy)
        })
        .collect();
    let names: Vec<String> = included.iter().map(|&i| keys[i].join("&")).collect();
    // With small groups left out, a reason says so: "only A defines tpr" is then about the
    // groups compared, not about the data.
    let excluded: Vec<String> =
        (0..counts.len()).filter(|i| !included.contains(i)).map(|i| keys[i].join("&")).collect();
    let left_out = if excluded.is_empty() {
        String::new()
    } else {
        format!(" (small groups left out of the aggregates: {})", excluded.join(", "))
    };
    let mut undefined = BTreeMap::new();
    let metrics = values.metrics.map(|path, leaf| {
        defined(
            path,
            leaf.map_err(|why| format!("{}{left_out}", why.describe(&names))),
            &mut undefined,
        )
    });
    let mut privileged_comparison = match (privileged_index, &values.aif360) {
        (Some(i), Some(aif360)) => {
            let favorable_is_positive = data.favorable_is_positive;
            let sides = Sides::split(&counts, i, favorable_is_positive);
            let weighted = sums.as_ref().map(|s| Sides::split(s, i, favorable_is_positive));
            let (privileged, unprivileged) = sides.summaries(weighted.as_ref());
            let mut why = BTreeMap::new();
            let metrics = aif360.map(|name, leaf| {
                defined(name, leaf.map_err(|reason| reason.to_owned()), &mut why)
            });
            Some(PrivilegedComparison {
                privileged_group: keys[i].join("&"),
                favorable_label: favorable_label.to_owned(),
                privileged,
                unprivileged,
                four_fifths_rule: FourFifthsRule {
                    threshold: FOUR_FIFTHS,
                    passed: metrics.disparate_impact.map(|di| di >= FOUR_FIFTHS),
                },
                metrics,
                intervals: None,
                undefined: why,
            })
        }
        _ => None,
    };

    let mut metric_intervals = None;
    if let Some(settings) = &plan.bootstrap {
        let intervals = bootstrap_attribute(
            &values,
            &counts,
            weights.as_deref(),
            &included,
            privileged_index.map(|i| (i, data.favorable_is_positive)),
            plan.policy,
            settings,
            stream_id,
            progress,
        );
        for (group, group_intervals) in groups.iter_mut().zip(intervals.groups) {
            group.intervals = Some(group_intervals);
        }
        metric_intervals = Some(intervals.metrics);
        if let Some(c) = &mut privileged_comparison {
            c.intervals = intervals.aif360;
        }
    }

    let mut warnings = undefined_rate_warnings(&groups, plan.policy);
    if let Some(i) = privileged_index.filter(|&i| !excluded.is_empty() && small[i]) {
        warnings.push(format!(
            "the privileged group {} is small ({} rows); the privileged comparison keeps every row, small groups included",
            keys[i].join("&"),
            counts[i].count()
        ));
    }
    warnings.extend(small_group_warning(
        &groups,
        plan.groups.min_group_size,
        plan.groups.small_groups,
    ));
    Ok(AttributeReport {
        attribute: attribute.name.clone(),
        columns: attribute.columns.clone(),
        warnings,
        groups,
        metrics,
        metric_intervals,
        undefined,
        privileged_comparison,
    })
}

/// The value of a leaf, or `None` with its reason recorded under its path.
fn defined(
    path: &str,
    leaf: std::result::Result<f64, String>,
    undefined: &mut BTreeMap<String, String>,
) -> Option<f64> {
    match leaf {
        Ok(v) => Some(v),
        Err(reason) => {
            undefined.insert(path.to_owned(), reason);
            None
        }
    }
}

fn privileged_group_index(
    plan: &FairnessPlan,
    attribute: &Attribute,
    keys: &[&GroupKey],
) -> Result<Option<usize>> {
    let Some(privileged) = plan.privileged.iter().find(|p| p.attribute == attribute.name) else {
        return Ok(None);
    };
    match keys.iter().position(|k| **k == privileged.values) {
        Some(i) => Ok(Some(i)),
        None => {
            let groups: Vec<String> = keys.iter().map(|k| format!("\"{}\"", k.join("&"))).collect();
            Err(Error::invalid_option(
                "privileged",
                format!(
                    "{}=\"{}\" does not occur in the data (groups: {})",
                    attribute.name,
                    privileged.values.join("&"),
                    groups.join(", ")
                ),
            ))
        }
    }
}

/// The warning about groups below `min_group_size`, if any.
fn small_group_warning(groups: &[GroupReport], min: u64, treatment: SmallGroups) -> Option<String> {
    let small: Vec<String> =
        groups.iter().filter(|g| g.small).map(|g| format!("{} ({})", g.group, g.count)).collect();
    if small.is_empty() {
        return None;
    }
    let treatment = match treatment {
        SmallGroups::Include => {
            "included in the aggregates (small groups set to exclude leaves them out)"
        }
        SmallGroups::Exclude => "left out of the aggregates",
    };
    Some(format!(
        "{} group(s) have fewer than {min} rows: {}; their rates and intervals are unreliable; {treatment}",
        small.len(),
        small.join(", ")
    ))
}

fn undefined_rate_warnings(groups: &[GroupReport], policy: UndefinedPolicy) -> Vec<String> {
    let mut warnings = Vec::new();
    for rate in [Rate::SelectionRate, Rate::Tpr, Rate::Fpr] {
        let undefined: Vec<&GroupReport> =
            groups.iter().filter(|g| g.undefined.contains_key(rate.name())).collect();
        let affected: Vec<&str> = undefined.iter().map(|g| g.group.as_str()).collect();
        if affected.is_empty() {
            continue;
        }
        // "weigh 0" for the groups that have such rows, all of weight 0; "no …" for those
        // that have none.
        let by_weight = undefined
            .iter()
            .filter(|g| g.weight.is_some() && g.confusion.as_weights().rate(rate).is_some())
            .count();
        let reason = match by_weight {
            0 => rate.undefined_reason(false).to_owned(),
            n if n == undefined.len() => rate.undefined_reason(true).to_owned(),
            _ => format!("{}, or {}", rate.undefined_reason(false), rate.undefined_reason(true)),
        };
        let treatment = match policy {
            UndefinedPolicy::Strict => "left out of its aggregates",
            UndefinedPolicy::FairlearnCompat => {
                "counted as 0.0 in its aggregates (fairlearn compatibility)"
            }
        };
        warnings.push(format!(
            "{} is undefined for {} group(s) ({}): {}; {treatment}",
            rate.name(),
            affected.len(),
            affected.join(", "),
            reason
        ));
    }
    warnings
}

struct AttributeIntervals {
    groups: Vec<BTreeMap<String, Option<[f64; 2]>>>,
    metrics: Metrics<Option<[f64; 2]>>,
    aif360: Option<Aif360Metrics<Option<[f64; 2]>>>,
}

/// Intervals for every value of `observed` (the full-data values, whose shape the intervals
/// take) from resamples of the groups' `counts` (and, with sample weights, of their rows'
/// `weights`); `privileged` is the privileged group's index and whether the favourable
/// label is the positive one.
#[allow(clippy::too_many_arguments)]
fn bootstrap_attribute(
    observed: &AttributeValues,
    counts: &[Confusion],
    weights: Option<&[CellWeights]>,
    included: &[usize],
    privileged: Option<(usize, bool)>,
    policy: UndefinedPolicy,
    settings: &BootstrapSettings,
    stream_id: u64,
    progress: &mut dyn Progress,
) -> AttributeIntervals {
    let mut rng = stream(settings.seed, stream_id);
    let mut samples = SampleSet::default();
    let mut drawn = vec![Confusion::default(); counts.len()];
    let mut drawn_sums = vec![Confusion::<f64>::default(); counts.len()];
    for _ in 0..settings.resamples {
        for (i, (slot, group)) in drawn.iter_mut().zip(counts).enumerate() {
            *slot = resample(group, &mut rng);
            if let Some(weights) = weights {
                drawn_sums[i] = weights[i].resample(slot, &mut rng);
            }
        }
        match weights {
            Some(_) => record_resample(&mut samples, &drawn_sums, included, privileged, policy),
            None => record_resample(&mut samples, &drawn, included, privileged, policy),
        }
        samples.next_resample();
        progress.advance(1);
    }
    let confidence = settings.confidence;
    let groups = counts.iter().map(|_| rate_intervals(&mut samples, confidence)).collect();
    let metrics = observed.metrics.map(|_, _| samples.next_interval(confidence));
    let aif360 = observed.aif360.as_ref().map(|m| m.map(|_, _| samples.next_interval(confidence)));
    AttributeIntervals { groups, metrics, aif360 }
}

/// Records the statistics of one resample of an attribute's groups: every group's rates,
/// then the aggregates and the AIF360 metrics.
fn record_resample<T: Tally>(
    samples: &mut SampleSet,
    groups: &[Confusion<T>],
    included: &[usize],
    privileged: Option<(usize, bool)>,
    policy: UndefinedPolicy,
) {
    for group in groups {
        record_rates(samples, group, policy);
    }
    let values = attribute_values(
        groups,
        included,
        privileged.map(|(i, _)| i),
        privileged.is_none_or(|(_, favorable_is_positive)| favorable_is_positive),
        policy,
    );
    values.metrics.map(|_, leaf| samples.record(leaf.ok()));
    if let Some(aif360) = &values.aif360 {
        aif360.map(|_, leaf| samples.record(leaf.ok()));
    }
}

fn evaluate_gates(plan: &FairnessPlan, attributes: &[AttributeReport]) -> Vec<GateResult> {
    let mut results = Vec::new();
    for gate in &plan.gates {
        let is_fairlearn = METRIC_NAMES.contains(&gate.metric.as_str());
        for attribute in attributes {
            if gate.attribute.as_ref().is_some_and(|a| *a != attribute.attribute) {
                continue;
            }
            let (value, interval) = if is_fairlearn {
                let interval = attribute
                    .metric_intervals
                    .as_ref()
                    .and_then(|m| m.headline(&gate.metric).copied().flatten());
                (attribute.metrics.headline(&gate.metric).copied().flatten(), interval)
            } else if let Some(c) = &attribute.privileged_comparison {
                let interval =
                    c.intervals.as_ref().and_then(|m| m.get(&gate.metric).copied().flatten());
                (c.metrics.get(&gate.metric).copied().flatten(), interval)
            } else if gate.attribute.is_none() {
                continue; // an AIF360 gate for every attribute applies where a privileged group is named
            } else {
                (None, None)
            };
            let passed = value.is_some_and(|v| match gate.bound {
                Bound::Max => v <= gate.limit,
                Bound::Min => v >= gate.limit,
            });
            let reason = value.is_none().then(|| {
                let why = if is_fairlearn {
                    ["default", "between_groups"].iter().find_map(|leaf| {
                        attribute.undefined.get(&format!("{}.{leaf}", gate.metric))
                    })
                } else {
                    attribute
                        .privileged_comparison
                        .as_ref()
                        .and_then(|c| c.undefined.get(&gate.metric))
                };
                match (why, is_fairlearn || attribute.privileged_comparison.is_some()) {
                    (Some(why), _) => format!("the metric is undefined: {why}"),
                    (None, true) => "the metric is undefined for this attribute".to_owned(),
                    (None, false) => "no privileged group is named for this attribute".to_owned(),
                }
            });
            results.push(GateResult {
                name: gate.metric.clone(),
                attribute: attribute.attribute.clone(),
                bound: gate.bound,
                value,
                limit: gate.limit,
                interval,
                passed,
                reason,
            });
        }
    }
    results
}
