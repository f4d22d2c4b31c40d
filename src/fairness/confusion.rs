//! Confusion counts of a binary classifier, and the rates fairlearn derives from them.
//!
//! A [`Confusion`] is the whole per-group state: every metric of the audit is a function of
//! these four counts, which is why counts from different shards can simply be added. With
//! sample weights the same four cells hold sums of weights (`Confusion<f64>`), and the rates
//! are the weighted rates fairlearn computes with `sample_weight`.

use std::fmt::Debug;

use serde::{Deserialize, Serialize};

/// What a confusion cell holds: a count of rows (`u64`) or a sum of their weights (`f64`).
pub trait Tally: Copy + Default + PartialEq + PartialOrd + Debug {
    /// `self + other` (saturating for counts).
    fn plus(self, other: Self) -> Self;
    /// The value as a float (exact for counts below 2^53).
    fn as_f64(self) -> f64;
}

impl Tally for u64 {
    fn plus(self, other: Self) -> Self {
        self.saturating_add(other)
    }

    #[allow(clippy::cast_precision_loss)] // counts stay below 2^53 (MAX_TOTAL_ROWS)
    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Tally for f64 {
    fn plus(self, other: Self) -> Self {
        self + other
    }

    fn as_f64(self) -> f64 {
        self
    }
}

/// The four cells of a binary confusion matrix: counts of rows, or (`Confusion<f64>`) sums of
/// their sample weights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confusion<T = u64> {
    /// Label positive, predicted positive.
    pub tp: T,
    /// Label negative, predicted positive.
    pub fp: T,
    /// Label negative, predicted negative.
    pub tn: T,
    /// Label positive, predicted negative (`fn` in JSON; `fn` is a Rust keyword).
    #[serde(rename = "fn")]
    pub fn_: T,
}

/// How rates with a zero denominator are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UndefinedPolicy {
    /// Undefined rates are `None` and left out of aggregates (Sextant's default).
    #[default]
    Strict,
    /// Undefined rates count as 0.0, as fairlearn (sklearn's `confusion_matrix`) does.
    FairlearnCompat,
}

/// The rates reported per group, named as fairlearn names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rate {
    /// P(y = 1).
    BaseRate,
    /// P(ŷ = 1), fairlearn's `selection_rate`.
    SelectionRate,
    /// P(ŷ = 1 | y = 1).
    Tpr,
    /// P(ŷ = 1 | y = 0).
    Fpr,
    /// P(ŷ = 0 | y = 0).
    Tnr,
    /// P(ŷ = 0 | y = 1).
    Fnr,
    /// P(y = 1 | ŷ = 1).
    Precision,
    /// P(ŷ = y).
    Accuracy,
}

impl Rate {
    /// Every rate, in report order.
    pub const ALL: [Rate; 8] = [
        Rate::BaseRate,
        Rate::SelectionRate,
        Rate::Tpr,
        Rate::Fpr,
        Rate::Tnr,
        Rate::Fnr,
        Rate::Precision,
        Rate::Accuracy,
    ];

    /// The rate's name in reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Rate::BaseRate => "base_rate",
            Rate::SelectionRate => "selection_rate",
            Rate::Tpr => "tpr",
            Rate::Fpr => "fpr",
            Rate::Tnr => "tnr",
            Rate::Fnr => "fnr",
            Rate::Precision => "precision",
            Rate::Accuracy => "accuracy",
        }
    }

    /// Why the rate is undefined when its denominator is zero: counted rows, or the sums
    /// of their sample weights when the audit is `weighted` (rows may weigh 0).
    pub fn undefined_reason(self, weighted: bool) -> &'static str {
        match (self, weighted) {
            (Rate::BaseRate | Rate::SelectionRate | Rate::Accuracy, false) => {
                "the group has no rows"
            }
            (Rate::BaseRate | Rate::SelectionRate | Rate::Accuracy, true) => {
                "the group's rows weigh 0 in all"
            }
            (Rate::Tpr | Rate::Fnr, false) => "the group has no label positives (tp + fn = 0)",
            (Rate::Tpr | Rate::Fnr, true) => {
                "the group's label positives weigh 0 in all (tp + fn = 0)"
            }
            (Rate::Fpr | Rate::Tnr, false) => "the group has no label negatives (fp + tn = 0)",
            (Rate::Fpr | Rate::Tnr, true) => {
                "the group's label negatives weigh 0 in all (fp + tn = 0)"
            }
            (Rate::Precision, false) => "the group has no predicted positives (tp + fp = 0)",
            (Rate::Precision, true) => {
                "the group's predicted positives weigh 0 in all (tp + fp = 0)"
            }
        }
    }
}

impl Confusion {
    /// Counts for one row.
    pub fn of_row(label: bool, prediction: bool) -> Self {
        let mut c = Confusion::default();
        c.add_row(label, prediction);
        c
    }

    /// Counts one row.
    pub fn add_row(&mut self, label: bool, prediction: bool) {
        self.add_rows(label, prediction, 1);
    }

    /// The counts as floats, to compute with as with weighted cells.
    pub fn as_weights(&self) -> Confusion<f64> {
        Confusion {
            tp: self.tp.as_f64(),
            fp: self.fp.as_f64(),
            tn: self.tn.as_f64(),
            fn_: self.fn_.as_f64(),
        }
    }
}

impl<T: Tally> Confusion<T> {
    /// Adds `n` rows (or the weight `n`) of one label and prediction.
    pub fn add_rows(&mut self, label: bool, prediction: bool, n: T) {
        let cell = match (label, prediction) {
            (true, true) => &mut self.tp,
            (false, true) => &mut self.fp,
            (false, false) => &mut self.tn,
            (true, false) => &mut self.fn_,
        };
        *cell = cell.plus(n);
    }

    /// Adds another group's cells (merging two shards).
    pub fn add(&mut self, other: &Confusion<T>) {
        self.tp = self.tp.plus(other.tp);
        self.fp = self.fp.plus(other.fp);
        self.tn = self.tn.plus(other.tn);
        self.fn_ = self.fn_.plus(other.fn_);
    }

    /// Rows counted (or their total weight).
    pub fn count(&self) -> T {
        self.tp.plus(self.fp).plus(self.tn).plus(self.fn_)
    }

    /// Label positives (tp + fn).
    pub fn positives(&self) -> T {
        self.tp.plus(self.fn_)
    }

    /// Label negatives (fp + tn).
    pub fn negatives(&self) -> T {
        self.fp.plus(self.tn)
    }

    /// The confusion as seen when the *negative* label is the outcome of interest
    /// (AIF360's favourable label 0): positives and negatives swap roles.
    pub fn flipped(&self) -> Confusion<T> {
        Confusion { tp: self.tn, fp: self.fn_, tn: self.tp, fn_: self.fp }
    }

    /// `rate`, or `None` when its denominator is zero.
    pub fn rate(&self, rate: Rate) -> Option<f64> {
        let (numerator, denominator) = match rate {
            Rate::BaseRate => (self.positives(), self.count()),
            Rate::SelectionRate => (self.tp.plus(self.fp), self.count()),
            Rate::Tpr => (self.tp, self.positives()),
            Rate::Fpr => (self.fp, self.negatives()),
            Rate::Tnr => (self.tn, self.negatives()),
            Rate::Fnr => (self.fn_, self.positives()),
            Rate::Precision => (self.tp, self.tp.plus(self.fp)),
            Rate::Accuracy => (self.tp.plus(self.tn), self.count()),
        };
        ratio_of_counts(numerator, denominator)
    }

    /// `rate` under `policy`: fairlearn-compat turns an undefined rate into 0.0.
    pub fn rate_with(&self, rate: Rate, policy: UndefinedPolicy) -> Option<f64> {
        match (self.rate(rate), policy) {
            (None, UndefinedPolicy::FairlearnCompat) => Some(0.0),
            (value, _) => value,
        }
    }
}

impl<'a, T: Tally> std::iter::Sum<&'a Confusion<T>> for Confusion<T> {
    fn sum<I: Iterator<Item = &'a Confusion<T>>>(iter: I) -> Self {
        let mut total = Confusion::default();
        for c in iter {
            total.add(c);
        }
        total
    }
}

fn ratio_of_counts<T: Tally>(numerator: T, denominator: T) -> Option<f64> {
    (denominator > T::default()).then(|| numerator.as_f64() / denominator.as_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_follow_their_definitions() {
        let c = Confusion { tp: 3, fp: 1, tn: 4, fn_: 2 };
        assert_eq!(c.rate(Rate::SelectionRate), Some(0.4));
        assert_eq!(c.rate(Rate::Tpr), Some(0.6));
        assert_eq!(c.rate(Rate::Fpr), Some(0.2));
        assert_eq!(c.rate(Rate::Tnr), Some(0.8));
        assert_eq!(c.rate(Rate::Fnr), Some(0.4));
        assert_eq!(c.rate(Rate::Precision), Some(0.75));
        assert_eq!(c.rate(Rate::Accuracy), Some(0.7));
        assert_eq!(c.rate(Rate::BaseRate), Some(0.5));
    }

    #[test]
    fn zero_denominators_are_undefined_unless_fairlearn_compat() {
        let c = Confusion { tp: 0, fp: 2, tn: 1, fn_: 0 };
        assert_eq!(c.rate(Rate::Tpr), None);
        assert_eq!(c.rate_with(Rate::Tpr, UndefinedPolicy::Strict), None);
        assert_eq!(c.rate_with(Rate::Tpr, UndefinedPolicy::FairlearnCompat), Some(0.0));
    }

    #[test]
    fn flipping_swaps_the_outcome_of_interest() {
        let c = Confusion { tp: 3, fp: 1, tn: 4, fn_: 2 };
        let f = c.flipped();
        assert_eq!(f.rate(Rate::Tpr), c.rate(Rate::Tnr));
        assert_eq!(f.rate(Rate::Fpr), c.rate(Rate::Fnr));
        assert_eq!(f.count(), c.count());
    }

    #[test]
    fn json_uses_the_key_fn() {
        let c = Confusion { tp: 1, fp: 2, tn: 3, fn_: 4 };
        let json = serde_json::to_string(&c).unwrap_or_default();
        assert_eq!(json, r#"{"tp":1,"fp":2,"tn":3,"fn":4}"#);
    }
}
