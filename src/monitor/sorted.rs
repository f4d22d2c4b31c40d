//! A sample of numbers sorted: what the drift statistics read. A column of few distinct
//! values (ages, hours, counts) is kept as its distinct values with their counts, a few
//! kilobytes however many rows it has; any other column as its values, sorted.

/// A sorted sample: its values ascending, either each kept (`ends` is `None`; repeats
/// follow each other) or each distinct value once with how many of the sample's values are
/// at most it (`ends`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortedSample {
    values: Vec<f64>,
    ends: Option<Vec<u64>>,
}

impl SortedSample {
    /// The sample of `values`, sorted ascending (no NaN), repeats included.
    pub fn from_sorted(values: Vec<f64>) -> Self {
        SortedSample { values, ends: None }
    }

    /// The sample of distinct `values` (ascending, no NaN) occurring `counts` times each.
    pub fn from_counts(values: Vec<f64>, counts: &[u64]) -> Self {
        let mut total = 0;
        let ends = counts
            .iter()
            .map(|&c| {
                total += c;
                total
            })
            .collect();
        SortedSample { values, ends: Some(ends) }
    }

    /// The number of values, repeats included.
    pub fn len(&self) -> u64 {
        match &self.ends {
            Some(ends) => ends.last().copied().unwrap_or(0),
            None => self.values.len() as u64,
        }
    }

    /// Whether the sample has no value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values kept, ascending: every value, or each distinct value once when
    /// [`SortedSample::ends`] counts them.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// How many values are at most each distinct value, when the sample is kept as its
    /// distinct values; `None` when every value is kept (then that is its position + 1).
    pub fn ends(&self) -> Option<&[u64]> {
        self.ends.as_deref()
    }

    /// The value of 0-based rank `rank` in the sorted sample (the largest for a rank past
    /// the end; NaN for an empty sample).
    pub fn value_at(&self, rank: u64) -> f64 {
        let index = match &self.ends {
            Some(ends) => ends.partition_point(|&end| end <= rank),
            None => usize::try_from(rank).unwrap_or(usize::MAX),
        };
        self.values.get(index).or(self.values.last()).copied().unwrap_or(f64::NAN)
    }

    /// How many values are below `x`.
    pub fn count_below(&self, x: f64) -> u64 {
        let below = self.values.partition_point(|&v| v < x);
        match &self.ends {
            Some(ends) if below > 0 => ends[below - 1],
            Some(_) => 0,
            None => below as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_kept_or_counted_rank_and_count_alike() {
        let kept = SortedSample::from_sorted(vec![1.0, 1.0, 2.0, 5.0, 5.0, 5.0]);
        let counted = SortedSample::from_counts(vec![1.0, 2.0, 5.0], &[2, 1, 3]);
        for s in [&kept, &counted] {
            assert_eq!(s.len(), 6);
            let by_rank: Vec<f64> = (0..7).map(|r| s.value_at(r)).collect();
            assert_eq!(by_rank, [1.0, 1.0, 2.0, 5.0, 5.0, 5.0, 5.0]);
            assert_eq!([0.5, 1.0, 1.5, 5.0, 6.0].map(|x| s.count_below(x)), [0, 0, 2, 3, 6]);
        }
        assert_eq!(
            (counted.values(), counted.ends()),
            (&[1.0, 2.0, 5.0][..], Some(&[2, 3, 6][..]))
        );
        assert!(SortedSample::default().value_at(0).is_nan());
    }
}
