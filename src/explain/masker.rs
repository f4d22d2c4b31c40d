//! The independent (interventional) masker: a background sample of at most `max_samples`
//! rows, drawn without replacement with the seed when the background is larger, as shap's
//! `maskers.Independent` does.

use rand::seq::index::sample;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::{Error, Result};

/// Default number of background rows kept (shap's `max_samples`).
pub const DEFAULT_MAX_SAMPLES: usize = 100;

/// Background rows for masking.
#[derive(Debug, Clone, PartialEq)]
pub struct IndependentMasker {
    rows: Vec<f64>,
    n_features: usize,
}

impl IndependentMasker {
    /// Keeps `background` (row-major, `n_features` wide), subsampled to `max_samples` rows
    /// with `seed` when it is larger.
    ///
    /// # Errors
    /// An empty background, or a width of zero.
    pub fn new(
        background: &[f64],
        n_features: usize,
        max_samples: usize,
        seed: u64,
    ) -> Result<Self> {
        if n_features == 0 {
            return Err(Error::invalid_option("background", "the model has no features"));
        }
        let n_rows = background.len() / n_features;
        if n_rows == 0 {
            return Err(Error::invalid_option("background", "the background has no rows"));
        }
        if n_rows <= max_samples {
            return Ok(IndependentMasker { rows: background.to_vec(), n_features });
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut picked = sample(&mut rng, n_rows, max_samples).into_vec();
        picked.sort_unstable();
        let rows = picked
            .iter()
            .flat_map(|&r| background[r * n_features..(r + 1) * n_features].iter().copied())
            .collect();
        Ok(IndependentMasker { rows, n_features })
    }

    /// Number of background rows.
    pub fn len(&self) -> usize {
        self.rows.len() / self.n_features
    }

    /// Features per row.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The background rows, row-major.
    pub fn rows(&self) -> &[f64] {
        &self.rows
    }

    /// Which features of `x` differ from some background row (the others cannot change the
    /// output and get a value of 0, as in shap).
    pub fn varying(&self, x: &[f64]) -> Vec<usize> {
        (0..self.n_features)
            .filter(|&j| self.rows.chunks_exact(self.n_features).any(|row| row[j] != x[j]))
            .collect()
    }
}
