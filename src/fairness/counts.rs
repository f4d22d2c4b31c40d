//! The mergeable state of an audit: confusion counts per combination of sensitive values.
//!
//! [`GroupCounts`] keeps one [`Confusion`] per observed combination of *all* sensitive
//! columns (the joint table). Any attribute — one column or an intersection of several —
//! is a marginal of that table, so one state serves every attribute, two states over the
//! same columns merge by adding cells, and row order can never matter.

use std::collections::BTreeMap;

use crate::error::{ErrorKind, Result};
use crate::fairness::confusion::Confusion;
use crate::fairness::weights::CellWeights;

/// The most rows an audit counts in all, 2^53: every count, sum and rate stays exact in
/// float64 and a JavaScript number, and no sum of counts overflows.
pub const MAX_TOTAL_ROWS: u64 = 1 << 53;

/// The values of some sensitive columns for one group, in column order.
pub type GroupKey = Vec<String>;

/// Confusion counts per observed combination of the sensitive columns, and with sample
/// weights, each combination's histogram of weights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCounts {
    columns: Vec<String>,
    cells: BTreeMap<GroupKey, Confusion>,
    weights: Option<BTreeMap<GroupKey, CellWeights>>,
}

impl GroupCounts {
    /// An empty state over `columns`.
    pub fn new(columns: Vec<String>) -> Self {
        GroupCounts { columns, cells: BTreeMap::new(), weights: None }
    }

    /// An empty state over `columns` whose rows carry sample weights.
    pub fn weighted(columns: Vec<String>) -> Self {
        GroupCounts { columns, cells: BTreeMap::new(), weights: Some(BTreeMap::new()) }
    }

    /// Whether the rows carry sample weights.
    pub fn is_weighted(&self) -> bool {
        self.weights.is_some()
    }

    /// The weight histograms per combination of values, when the rows carry weights.
    pub fn weights(&self) -> Option<&BTreeMap<GroupKey, CellWeights>> {
        self.weights.as_ref()
    }

    /// Adds weighted rows for the combination `values` (a weighted state's cells).
    ///
    /// # Errors
    /// When `values` does not have one value per column, or the state is not weighted.
    pub fn add_weights(&mut self, values: &[&str], weights: &CellWeights) -> Result<()> {
        self.add_counts(values, &weights.counts())?;
        let Some(table) = &mut self.weights else {
            return Err(ErrorKind::InvalidOption {
                name: "sample_weight".into(),
                message: "weighted rows added to counts without sample weights".into(),
            }
            .into());
        };
        let key: GroupKey = values.iter().map(|v| (*v).to_owned()).collect();
        table.entry(key).or_default().merge(weights);
        Ok(())
    }

    /// The sensitive columns, in the order of every key.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The joint table: one confusion per observed combination of values.
    pub fn cells(&self) -> &BTreeMap<GroupKey, Confusion> {
        &self.cells
    }

    /// Counts one row whose sensitive values are `values` (one per column, in order).
    ///
    /// # Errors
    /// When `values` does not have one value per column.
    pub fn add_row(&mut self, values: &[&str], label: bool, prediction: bool) -> Result<()> {
        self.add_counts(values, &Confusion::of_row(label, prediction))
    }

    /// Adds pre-counted rows for the combination `values`.
    ///
    /// # Errors
    /// When `values` does not have one value per column.
    pub fn add_counts(&mut self, values: &[&str], counts: &Confusion) -> Result<()> {
        if values.len() != self.columns.len() {
            return Err(ErrorKind::InvalidOption {
                name: "values".into(),
                message: format!(
                    "expected {} sensitive values (one per column of {:?}), got {}",
                    self.columns.len(),
                    self.columns,
                    values.len()
                ),
            }
            .into());
        }
        let key: GroupKey = values.iter().map(|v| (*v).to_owned()).collect();
        self.cells.entry(key).or_default().add(counts);
        Ok(())
    }

    /// Adds every cell of `other`, as if its rows had been counted here.
    ///
    /// # Errors
    /// When `other` counts different sensitive columns.
    pub fn merge(&mut self, other: &GroupCounts) -> Result<()> {
        if self.columns != other.columns {
            return Err(ErrorKind::MergeMismatch {
                left: self.columns.clone(),
                right: other.columns.clone(),
            }
            .into());
        }
        match (&mut self.weights, &other.weights) {
            (Some(mine), Some(theirs)) => {
                for (key, weights) in theirs {
                    mine.entry(key.clone()).or_default().merge(weights);
                }
            }
            (None, None) => {}
            _ => {
                return Err(ErrorKind::InvalidOption {
                    name: "sample_weight".into(),
                    message: "counts with sample weights cannot merge with counts without".into(),
                }
                .into())
            }
        }
        for (key, counts) in &other.cells {
            self.cells.entry(key.clone()).or_default().add(counts);
        }
        Ok(())
    }

    /// Counts over every row.
    pub fn overall(&self) -> Confusion {
        self.cells.values().sum()
    }

    /// The position of each of `columns` among this state's columns, or the first
    /// column that is not counted here.
    ///
    /// # Errors
    /// When a column is not one of this state's columns.
    pub fn column_indices(&self, columns: &[String]) -> Result<Vec<usize>> {
        columns
            .iter()
            .map(|wanted| {
                self.columns.iter().position(|c| c == wanted).ok_or_else(|| {
                    ErrorKind::InvalidOption {
                        name: "attribute".into(),
                        message: format!(
                            "column \"{wanted}\" is not a counted sensitive column {:?}",
                            self.columns
                        ),
                    }
                    .into()
                })
            })
            .collect()
    }

    /// The weight histogram of every row, when the rows carry weights.
    pub fn overall_weights(&self) -> Option<CellWeights> {
        self.weights.as_ref().map(|table| {
            let mut all = CellWeights::default();
            for weights in table.values() {
                all.merge(weights);
            }
            all
        })
    }

    /// Weight histograms per group of the attribute made of the columns at `indices`, in the
    /// order of [`GroupCounts::marginal`], when the rows carry weights.
    pub fn weighted_marginal(&self, indices: &[usize]) -> Option<BTreeMap<GroupKey, CellWeights>> {
        let table = self.weights.as_ref()?;
        let mut groups: BTreeMap<GroupKey, CellWeights> = BTreeMap::new();
        for (key, weights) in table {
            let group: GroupKey = indices.iter().map(|&i| key[i].clone()).collect();
            groups.entry(group).or_default().merge(weights);
        }
        Some(groups)
    }

    /// Counts per group of the attribute made of the columns at `indices` (a marginal of the
    /// joint table), sorted by group key as fairlearn sorts `by_group`.
    pub fn marginal(&self, indices: &[usize]) -> BTreeMap<GroupKey, Confusion> {
        let mut groups: BTreeMap<GroupKey, Confusion> = BTreeMap::new();
        for (key, counts) in &self.cells {
            let group: GroupKey = indices.iter().map(|&i| key[i].clone()).collect();
            groups.entry(group).or_default().add(counts);
        }
        groups
    }
}

/// Confusion counts per group for in-memory columns of group codes: the tight loop under
/// every audit, for callers that already hold their data as arrays.
///
/// `groups[i]` is row `i`'s group code (< `n_groups`); labels and predictions are 0/1 bytes
/// (anything non-zero counts as 1).
///
/// # Errors
/// When the three columns differ in length or a code is not below `n_groups`.
pub fn count_codes(
    labels: &[u8],
    predictions: &[u8],
    groups: &[u32],
    n_groups: usize,
) -> Result<Vec<Confusion>> {
    if labels.len() != predictions.len() || labels.len() != groups.len() {
        return Err(ErrorKind::InvalidOption {
            name: "columns".into(),
            message: format!(
                "labels, predictions and groups differ in length ({}, {}, {})",
                labels.len(),
                predictions.len(),
                groups.len()
            ),
        }
        .into());
    }
    // cells[group * 4 + 2 * label + prediction] in the order tn, fp, fn, tp.
    let mut cells = vec![0u64; n_groups * 4];
    for ((&label, &prediction), &group) in labels.iter().zip(predictions).zip(groups) {
        let cell =
            (group as usize) * 4 + 2 * usize::from(label != 0) + usize::from(prediction != 0);
        match cells.get_mut(cell) {
            Some(slot) => *slot += 1,
            None => {
                return Err(ErrorKind::InvalidOption {
                    name: "groups".into(),
                    message: format!("group code {group} is not below n_groups = {n_groups}"),
                }
                .into())
            }
        }
    }
    Ok(cells
        .chunks_exact(4)
        .map(|c| Confusion { tn: c[0], fp: c[1], fn_: c[2], tp: c[3] })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(rows: &[(&str, &str, bool, bool)]) -> GroupCounts {
        let mut s = GroupCounts::new(vec!["sex".into(), "race".into()]);
        for (sex, race, label, pred) in rows {
            assert!(s.add_row(&[sex, race], *label, *pred).is_ok());
        }
        s
    }

    #[test]
    fn marginals_sum_the_joint_table() {
        let s = state(&[
            ("F", "A", true, true),
            ("F", "B", false, true),
            ("M", "A", true, false),
            ("M", "A", false, false),
        ]);
        let by_sex = s.marginal(&[0]);
        assert_eq!(by_sex[&vec!["F".to_owned()]], Confusion { tp: 1, fp: 1, tn: 0, fn_: 0 });
        assert_eq!(by_sex[&vec!["M".to_owned()]], Confusion { tp: 0, fp: 0, tn: 1, fn_: 1 });
        assert_eq!(s.overall().count(), 4);
    }

    #[test]
    fn merging_rejects_other_columns() {
        let mut a = GroupCounts::new(vec!["sex".into()]);
        let b = GroupCounts::new(vec!["race".into()]);
        assert_eq!(a.merge(&b).map_err(|e| e.code()), Err("merge_mismatch"));
    }

    #[test]
    fn count_codes_matches_row_by_row_counting() {
        let labels = [1, 0, 1, 1, 0];
        let preds = [1, 1, 0, 1, 0];
        let groups = [0, 0, 1, 1, 1];
        let counts = count_codes(&labels, &preds, &groups, 2).unwrap_or_default();
        assert_eq!(counts[0], Confusion { tp: 1, fp: 1, tn: 0, fn_: 0 });
        assert_eq!(counts[1], Confusion { tp: 1, fp: 0, tn: 1, fn_: 1 });
        assert!(count_codes(&labels, &preds, &groups, 1).is_err());
    }
}
