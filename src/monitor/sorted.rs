//! A sample of numbers sorted, as its distinct values with their counts: what the drift
//! statistics read. A column of few distinct values (ages, hours, counts) takes a few
//! kilobytes however many rows it has; a column of distinct values is kept as the values
//! alone.

/// A sorted sample: distinct values ascending, and how many of the sample's values are at
/// most each (`ends`; `None` when every value occurs once).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortedSample {
    values: Vec<f64>,
    ends: Option<Vec<u64>>,
}

impl SortedSample {
    /// The sample of `values`, sorted ascending (no NaN), duplicates included.
    pub fn from_sorted(values: Vec<f64>) -> Self {
        let distinct = values.windows(2).all(|w| w[0] != w[1]);
        if distinct {
            return SortedSample { values, ends: None };
        }
        let mut runs = Vec::new();
        let mut ends = Vec::new();
        for (i, &x) in values.iter().enumerate() {
            if runs.last() == Some(&x) {
                if let Some(end) = ends.last_mut() {
                    *end += 1;
                }
            } else {
                runs.push(x);
                ends.push(i as u64 + 1);
            }
        }
        SortedSample { values: runs, ends: Some(ends) }
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

    /// The number of values, duplicates included.
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

    /// The distinct values, ascending.
    pub fn distinct(&self) -> &[f64] {
        &self.values
    }

    /// How many values are at most each distinct value; `None` when each occurs once (then
    /// that is its position + 1).
    pub fn ends(&self) -> Option<&[u64]> {
        self.ends.as_deref()
    }

    /// How many values are at most the `i`-th distinct value (all of them for `i` past the
    /// last).
    pub fn end(&self, i: usize) -> u64 {
        match &self.ends {
            Some(ends) => ends.get(i).or(ends.last()).copied().unwrap_or(0),
            None => (i as u64 + 1).min(self.values.len() as u64),
        }
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
        match self.values.partition_point(|&v| v < x) {
            0 => 0,
            i => self.end(i - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_count_duplicates_and_ranks_find_them() {
        let s = SortedSample::from_sorted(vec![1.0, 1.0, 2.0, 5.0, 5.0, 5.0]);
        assert_eq!(s.distinct(), [1.0, 2.0, 5.0]);
        assert_eq!(s.len(), 6);
        let by_rank: Vec<f64> = (0..6).map(|r| s.value_at(r)).collect();
        assert_eq!(by_rank, [1.0, 1.0, 2.0, 5.0, 5.0, 5.0]);
        assert_eq!([0.5, 1.0, 1.5, 5.0, 6.0].map(|x| s.count_below(x)), [0, 0, 2, 3, 6]);
        assert_eq!(SortedSample::from_counts(vec![1.0, 2.0, 5.0], &[2, 1, 3]), s);
        let distinct = SortedSample::from_sorted(vec![1.0, 2.0]);
        assert_eq!((distinct.len(), distinct.value_at(1), distinct.count_below(2.0)), (2, 2.0, 1));
    }
}
