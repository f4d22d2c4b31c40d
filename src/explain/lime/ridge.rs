//! Kernel-weighted ridge regression as scikit-learn's `Ridge(alpha, fit_intercept=True)`
//! fitted with `sample_weight` (LIME's surrogate), and lime's feature selection on top of it.
//!
//! The weighted, centred Gram matrix of the whole neighbourhood is built once; every fit on
//! a subset of features (forward selection tries many) then only solves a small system.

use std::str::FromStr;

use wide::f64x4;

use crate::error::{Error, Result};

#[cfg(target_arch = "x86_64")]
mod avx2;

/// How the features of the surrogate are chosen (lime's `feature_selection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeatureSelection {
    /// Forward selection for at most 6 features, else highest weights (lime's default).
    #[default]
    Auto,
    /// Greedily add the feature that most raises the weighted R² of an unregularised fit.
    Forward,
    /// The features with the largest weights in a ridge fit with alpha 0.01.
    HighestWeights,
    /// Every feature.
    None,
}

impl FeatureSelection {
    /// The name used in flags, configs and JSON.
    pub fn name(self) -> &'static str {
        match self {
            FeatureSelection::Auto => "auto",
            FeatureSelection::Forward => "forward",
            FeatureSelection::HighestWeights => "highest_weights",
            FeatureSelection::None => "none",
        }
    }
}

impl FromStr for FeatureSelection {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "auto" => Ok(FeatureSelection::Auto),
            "forward" | "forward_selection" => Ok(FeatureSelection::Forward),
            "highest_weights" | "highest-weights" => Ok(FeatureSelection::HighestWeights),
            "none" => Ok(FeatureSelection::None),
            other => Err(Error::invalid_option(
                "feature_selection",
                format!(
                    "unknown feature selection `{other}` (expected auto, forward, highest_weights or none)"
                ),
            )),
        }
    }
}

/// A linear surrogate over some of the features.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// One coefficient per chosen feature, in the order they were given.
    pub coef: Vec<f64>,
    /// The intercept.
    pub intercept: f64,
}

/// The sufficient statistics of a weighted least-squares problem with an intercept.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedDesign {
    m: usize,
    /// Weighted means of the columns.
    means: Vec<f64>,
    /// Weighted mean of the target.
    y_mean: f64,
    /// Σ w (xᵢ − x̄ᵢ)(xⱼ − x̄ⱼ), row-major m × m.
    gram: Vec<f64>,
    /// Σ w (xᵢ − x̄ᵢ)(y − ȳ).
    xty: Vec<f64>,
    /// Σ w (y − ȳ)².
    yty: f64,
}

impl WeightedDesign {
    /// The design of the column-major `columns` (one of `w.len()` values per feature), target
    /// `y` and sample weights `w`, centred on their weighted means.
    pub fn centring(columns: &[f64], y: &[f64], w: &[f64]) -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, the only requirement of the function.
            return unsafe { avx2::centring(columns, y, w) };
        }
        Self::centring_with(columns, y, w, accumulate)
    }

    /// [`Self::centring`] with `accumulate` adding products into four partial sums, inlined
    /// into each compilation. The Gram matrix is summed block of samples after block, each
    /// block's columns read once from memory for every pair of features (in L1 rather than
    /// once per pair); each pair still adds its products in order, so the sums are those of
    /// one dot product per pair.
    #[inline(always)]
    fn centring_with(
        columns: &[f64],
        y: &[f64],
        w: &[f64],
        accumulate: impl Fn(&mut [f64; 4], &[f64], &[f64]),
    ) -> Self {
        let dot = |a: &[f64], b: &[f64]| {
            let mut partial = [0.0; 4];
            accumulate(&mut partial, a, b);
            finish(partial, a, b)
        };
        let n = w.len();
        let m = columns.len().checked_div(n).unwrap_or(0);
        let total: f64 = w.iter().sum();
        let y_mean = dot(w, y) / total;
        let dy: Vec<f64> = y.iter().map(|yi| yi - y_mean).collect();
        let weighted_dy: Vec<f64> = w.iter().zip(&dy).map(|(wi, d)| wi * d).collect();
        let yty = dot(&weighted_dy, &dy);
        let means: Vec<f64> = columns.chunks_exact(n).map(|c| dot(w, c) / total).collect();
        // Per pair j ≤ k, and per feature against the target: four partial sums.
        let mut partial = vec![[0.0; 4]; m * m];
        let mut partial_y = vec![[0.0; 4]; m];
        let whole = n - n % 4;
        // One block's columns, centred, and times the weights.
        let (mut centred, mut weighted) = (vec![0.0; m * GRAM_BLOCK], vec![0.0; m * GRAM_BLOCK]);
        for start in (0..whole).step_by(GRAM_BLOCK) {
            let block = start..whole.min(start + GRAM_BLOCK);
            let len = block.len();
            let blocks =
                centred.chunks_exact_mut(GRAM_BLOCK).zip(weighted.chunks_exact_mut(GRAM_BLOCK));
            for ((column, mean), (centred, weighted)) in
                columns.chunks_exact(n).zip(&means).zip(blocks)
            {
                for (((c, v), x), wi) in centred
                    .iter_mut()
                    .zip(weighted.iter_mut())
                    .zip(&column[block.clone()])
                    .zip(&w[block.clone()])
                {
                    *c = x - mean;
                    *v = wi * *c;
                }
            }
            for (j, weighted) in weighted.chunks_exact(GRAM_BLOCK).enumerate() {
                let weighted = &weighted[..len];
                accumulate(&mut partial_y[j], weighted, &dy[block.clone()]);
                for (k, other) in centred.chunks_exact(GRAM_BLOCK).enumerate().skip(j) {
                    accumulate(&mut partial[j * m + k], weighted, &other[..len]);
                }
            }
        }
        let tail = whole..n;
        let centred: Vec<Vec<f64>> = columns
            .chunks_exact(n)
            .zip(&means)
            .map(|(column, mean)| column[tail.clone()].iter().map(|x| x - mean).collect())
            .collect();
        let mut gram = vec![0.0; m * m];
        let mut xty = Vec::with_capacity(m);
        for (j, column) in centred.iter().enumerate() {
            let weighted: Vec<f64> =
                w[tail.clone()].iter().zip(column).map(|(wi, c)| wi * c).collect();
            xty.push(finish(partial_y[j], &weighted, &dy[tail.clone()]));
            for (k, other) in centred.iter().enumerate().skip(j) {
                let g = finish(partial[j * m + k], &weighted, other);
                gram[j * m + k] = g;
                gram[k * m + j] = g;
            }
        }
        WeightedDesign { m, means, y_mean, gram, xty, yty }
    }

    /// The number of features.
    pub fn n_features(&self) -> usize {
        self.m
    }

    /// The ridge fit on `features`: argmin Σ w (y − b − x·c)² + alpha‖c‖².
    pub fn fit(&self, features: &[usize], alpha: f64) -> Fit {
        let k = features.len();
        let mut a = vec![0.0; k * k];
        for (r, &i) in features.iter().enumerate() {
            for (c, &j) in features.iter().enumerate() {
                a[r * k + c] = self.gram[i * self.m + j];
            }
            a[r * k + r] += alpha;
        }
        let b: Vec<f64> = features.iter().map(|&i| self.xty[i]).collect();
        let coef = solve_symmetric(a, b);
        let intercept =
            self.y_mean - features.iter().zip(&coef).map(|(&i, c)| self.means[i] * c).sum::<f64>();
        Fit { coef, intercept }
    }

    /// The weighted R² of `fit` on `features` (scikit-learn's `score` with `sample_weight`:
    /// 1 for a perfect fit of a constant target, 0 for an imperfect one).
    pub fn score(&self, features: &[usize], fit: &Fit) -> f64 {
        let mut residual = self.yty;
        for (r, &i) in features.iter().enumerate() {
            residual -= 2.0 * fit.coef[r] * self.xty[i];
            for (c, &j) in features.iter().enumerate() {
                residual += fit.coef[r] * fit.coef[c] * self.gram[i * self.m + j];
            }
        }
        if self.yty > 0.0 {
            1.0 - residual.max(0.0) / self.yty
        } else if residual.abs() <= f64::EPSILON {
            1.0
        } else {
            0.0
        }
    }

    /// lime's feature selection of at most `k` features. (lime ranks highest weights by
    /// coefficient times the instance's binary value, which is always 1.)
    pub fn select(&self, method: FeatureSelection, k: usize) -> Vec<usize> {
        match method {
            FeatureSelection::None => (0..self.m).collect(),
            FeatureSelection::Auto if k <= 6 => self.forward_selection(k),
            FeatureSelection::Forward => self.forward_selection(k),
            FeatureSelection::Auto | FeatureSelection::HighestWeights => {
                let all: Vec<usize> = (0..self.m).collect();
                let fit = self.fit(&all, 0.01);
                let mut ranked: Vec<(usize, f64)> = fit.coef.into_iter().enumerate().collect();
                ranked.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
                ranked.into_iter().take(k).map(|(i, _)| i).collect()
            }
        }
    }

    /// Greedy forward selection by the R² of unregularised fits.
    fn forward_selection(&self, k: usize) -> Vec<usize> {
        let mut used: Vec<usize> = Vec::with_capacity(k);
        for _ in 0..k.min(self.m) {
            let mut best: Option<(usize, f64)> = None;
            for feature in (0..self.m).filter(|f| !used.contains(f)) {
                let mut trial = used.clone();
                trial.push(feature);
                let score = self.score(&trial, &self.fit(&trial, 0.0));
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((feature, score));
                }
            }
            if let Some((feature, _)) = best {
                used.push(feature);
            }
        }
        used
    }
}

/// Samples per block of the Gram matrix: a block of twelve features' columns, centred and
/// weighted (24 KB), stays in L1 while every pair of them is summed.
const GRAM_BLOCK: usize = 128;

/// Adds aᵢbᵢ over the whole groups of four of `a` and `b` (equal lengths) into `partial`,
/// the products at i mod 4 = l into lane l, in order: one vector per step ([`avx2`] adds
/// the same sums).
fn accumulate(partial: &mut [f64; 4], a: &[f64], b: &[f64]) {
    let lanes = |x: &[f64]| f64x4::new([x[0], x[1], x[2], x[3]]);
    let mut sums = f64x4::new(*partial);
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        sums += lanes(x) * lanes(y);
    }
    *partial = sums.to_array();
}

/// Σ aᵢbᵢ from the four partial sums of its groups of four and the products of the last
/// `a.len() % 4` elements of `a` and `b`, added in a fixed order: the same bits on every
/// platform.
fn finish(partial: [f64; 4], a: &[f64], b: &[f64]) -> f64 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4.remainder().iter().zip(b4.remainder()).map(|(x, y)| x * y).sum();
    let [p0, p1, p2, p3] = partial;
    (p0 + p1) + (p2 + p3) + tail
}

/// Solves the symmetric positive semi-definite system `a x = b` (row-major `a`) by Cholesky
/// factorisation. A column that depends linearly on earlier ones (a zero pivot) gets a zero
/// coefficient, which leaves the fitted values as a least-squares solver would.
fn solve_symmetric(mut a: Vec<f64>, mut b: Vec<f64>) -> Vec<f64> {
    let k = b.len();
    let scale = (0..k).map(|i| a[i * k + i].abs()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut dependent = vec![false; k];
    // In place: the lower triangle becomes L with a = L Lᵀ.
    for j in 0..k {
        let pivot = a[j * k + j] - (0..j).map(|p| a[j * k + p] * a[j * k + p]).sum::<f64>();
        if pivot <= scale * 1e-12 {
            dependent[j] = true;
            (j..k).for_each(|i| a[i * k + j] = 0.0);
            continue;
        }
        let root = pivot.sqrt();
        a[j * k + j] = root;
        for i in j + 1..k {
            let dot: f64 = (0..j).map(|p| a[i * k + p] * a[j * k + p]).sum();
            a[i * k + j] = (a[i * k + j] - dot) / root;
        }
    }
    for i in 0..k {
        let dot: f64 = (0..i).map(|p| a[i * k + p] * b[p]).sum();
        b[i] = if dependent[i] { 0.0 } else { (b[i] - dot) / a[i * k + i] };
    }
    for i in (0..k).rev() {
        let dot: f64 = (i + 1..k).map(|p| a[p * k + i] * b[p]).sum();
        b[i] = if dependent[i] { 0.0 } else { (b[i] - dot) / a[i * k + i] };
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 1 + 2 x₀ − 3 x₁ exactly, with uneven weights.
    fn exact_design() -> WeightedDesign {
        let x = [0.0, 1.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let y: Vec<f64> = (0..5).map(|i| 1.0 + 2.0 * x[i] - 3.0 * x[5 + i]).collect();
        WeightedDesign::centring(&x, &y, &[1.0, 0.5, 2.0, 0.25, 1.0])
    }

    #[test]
    fn unregularised_fit_recovers_a_linear_target() {
        let d = exact_design();
        let fit = d.fit(&[0, 1], 0.0);
        assert!((fit.coef[0] - 2.0).abs() < 1e-12 && (fit.coef[1] + 3.0).abs() < 1e-12);
        assert!((fit.intercept - 1.0).abs() < 1e-12);
        assert!((d.score(&[0, 1], &fit) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ridge_matches_scikit_learn() {
        // Ridge(alpha).fit(X, y, sample_weight=w) on exact_design's data, scikit-learn 1.9.
        let d = exact_design();
        for (alpha, coef, intercept) in [
            (1.0, [1.37777778, -1.40634921], 0.26984126984127),
            (0.01, [1.98990249, -2.96746152], 0.9835827609792479),
        ] {
            let fit = d.fit(&[0, 1], alpha);
            assert!((fit.coef[0] - coef[0]).abs() < 1e-8 && (fit.coef[1] - coef[1]).abs() < 1e-8);
            assert!((fit.intercept - intercept).abs() < 1e-10, "{}", fit.intercept);
        }
        let fit = d.fit(&[0, 1], 1.0);
        assert!((d.score(&[0, 1], &fit) - 0.8224079755358935).abs() < 1e-12);
    }

    #[test]
    fn every_compilation_gives_the_same_design() {
        // 1003 samples: a remainder after the groups of four lanes.
        let (n, m) = (1003, 5);
        let noise = |i: usize| f64::from(u32::try_from((i * 7919) % 1009).unwrap_or(0)) / 1009.0;
        let columns: Vec<f64> = (0..n * m).map(|i| f64::from(u8::from(noise(i) < 0.4))).collect();
        let y: Vec<f64> = (0..n).map(|i| noise(3 * i + 1)).collect();
        let w: Vec<f64> = (0..n).map(|i| 0.1 + noise(5 * i + 2)).collect();
        let portable = WeightedDesign::centring_with(&columns, &y, &w, accumulate);
        assert_eq!(WeightedDesign::centring(&columns, &y, &w), portable);
        // Summed in blocks of samples, the Gram matrix is still Σ w (xⱼ − x̄ⱼ)(xₖ − x̄ₖ).
        let total: f64 = w.iter().sum();
        let column = |j: usize| &columns[j * n..(j + 1) * n];
        let mean = |j: usize| column(j).iter().zip(&w).map(|(x, wi)| wi * x).sum::<f64>() / total;
        for (j, k) in (0..m).flat_map(|j| (0..m).map(move |k| (j, k))) {
            let (mj, mk) = (mean(j), mean(k));
            let direct: f64 =
                (0..n).map(|i| w[i] * (column(j)[i] - mj) * (column(k)[i] - mk)).sum();
            assert!((portable.gram[j * m + k] - direct).abs() < 1e-9, "({j}, {k})");
        }
    }

    #[test]
    fn duplicated_columns_do_not_break_the_solve() {
        let x = [0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0];
        let y = [1.0, 3.0, 5.0, 7.0];
        let d = WeightedDesign::centring(&x, &y, &[1.0; 4]);
        let fit = d.fit(&[0, 1], 0.0);
        assert!(fit.coef.iter().all(|c| c.is_finite()));
        assert!((d.score(&[0, 1], &fit) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn selection_methods_rank_features_as_lime_does() {
        let d = exact_design();
        // Alone, x₀ explains more (weighted R² 0.4928 against 0.3063, scikit-learn), though
        // x₁ has the larger weight in the joint fit.
        let alone = d.fit(&[0], 0.0);
        assert!((d.score(&[0], &alone) - 0.49276018099547514).abs() < 1e-12);
        assert_eq!(d.select(FeatureSelection::Forward, 1), vec![0]);
        assert_eq!(d.select(FeatureSelection::Auto, 1), vec![0]);
        assert_eq!(d.select(FeatureSelection::HighestWeights, 1), vec![1]);
        assert_eq!(d.select(FeatureSelection::None, 1), vec![0, 1]);
    }
}
