//! The Shapley values one leaf contributes, for a row that agrees with the leaf's path on
//! the features of mask `X` (see [`super::paths`]); `M = |U|` path features.
//!
//! **Interventional** (Lundberg et al. 2020, "From local explanations to global
//! understanding with explainable AI for trees", the independent Tree SHAP; the framework of
//! Laberge & Pequignot 2022): against one background row agreeing on mask `P`, the leaf is
//! reached under coalition `S` iff every feature in `A = X \ P` is in `S` and none in
//! `B = U \ X` is (and `P ⊇ B`, or never). That game's Shapley values are
//! `v·(|A|−1)!|B|!/(|A|+|B|)!` for `i ∈ A` and `−v·|A|!(|B|−1)!/(|A|+|B|)!` for `i ∈ B`. A
//! background is a weighted set of distinct masks `P`, so a leaf costs O(masks · M), at most
//! O(2^M · M) however many background rows there are.
//!
//! **Path-dependent** (Lundberg, Erion & Lee 2018, "Consistent individualized feature
//! attribution for tree ensembles", Algorithm 2; what XGBoost's `pred_contribs` and
//! LightGBM's `pred_contrib` compute): coalition `S` reaches the leaf with weight
//! `Π_{j∈S} o_j · Π_{j∉S} z_j`, `o_j = [j ∈ X]`, `z_j` the share of training cover following
//! the path at `j`'s splits. Feature `i` gets `v·(o_i − z_i)·Σ_k c_k k!(M−k−1)!/M!`, `c_k` the
//! coefficients of `Π_{j≠i}(z_j + o_j t)`: O(M²) per feature.
//!
//! **Interaction values** (Lundberg et al. 2020, SHAP interaction values; what XGBoost's
//! `pred_interactions` computes): for `i ≠ j` half the difference between `j`'s Shapley value
//! with `i` always in the coalition and always out, which for the product game is
//! `v·(o_i − z_i)(o_j − z_j)/2 · Σ_k c_k k!(M−k−2)!/(M−1)!`, `c_k` the coefficients of
//! `Π_{l≠i,j}(z_l + o_l t)`: O(M³) per leaf. The diagonal is the rest of `φ_i`.

/// `o_i − z_i`: how much more of path feature `i`'s leaf weight a coalition holding `i`
/// reaches than one without it.
fn lead(zero: &[f64], x_mask: u64, i: usize) -> f64 {
    (if x_mask >> i & 1 == 1 { 1.0 } else { 0.0 }) - zero[i]
}

/// The coefficients of `Π_{l ∉ skip} (z_l + o_l t)`, lowest degree first, into `poly`:
/// coefficient `k` sums, over the coalitions of `k` of those players, the product of `o` over
/// its members and `z` over the others.
fn coalition_polynomial(zero: &[f64], x_mask: u64, skip: [usize; 2], poly: &mut Vec<f64>) {
    poly.clear();
    poly.push(1.0);
    for (l, &z) in zero.iter().enumerate() {
        if skip.contains(&l) {
            continue;
        }
        let o = x_mask >> l & 1 == 1;
        poly.push(0.0);
        for k in (0..poly.len()).rev() {
            let shifted = if o && k > 0 { poly[k - 1] } else { 0.0 };
            poly[k] = poly[k] * z + shifted;
        }
    }
}

/// `n!` for small `n`, as f64.
fn factorial(n: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    (1..=n).map(|k| k as f64).product()
}

/// The Shapley weights `(|A|−1)!|B|!/(|A|+|B|)!` and `|A|!(|B|−1)!/(|A|+|B|)!` for
/// `|A|, |B| ≤ 64`, computed once.
#[derive(Debug, Clone)]
pub struct Weights {
    in_a: Vec<f64>,
    in_b: Vec<f64>,
    /// `k!(M−k−1)!/M!` at `[M][k]`.
    subset: Vec<f64>,
}

const SIDE: usize = 65;

impl Weights {
    /// The tables.
    pub fn new() -> Self {
        let mut in_a = vec![0.0; SIDE * SIDE];
        let mut in_b = vec![0.0; SIDE * SIDE];
        let mut subset = vec![0.0; SIDE * SIDE];
        for a in 0..SIDE {
            for b in 0..SIDE {
                if a + b == 0 || a + b > 64 {
                    continue;
                }
                // Ratios of factorials as products of small factors (no overflow at 64).
                let choose = |top: usize, other: usize| -> f64 {
                    // top! · other! / (top + other + 1)!  =  1 / ((top+other+1) · C(top+other, other))
                    let n = top + other;
                    let mut c = 1.0;
                    for k in 1..=other {
                        #[allow(clippy::cast_precision_loss)]
                        {
                            c = c * (n - other + k) as f64 / k as f64;
                        }
                    }
                    #[allow(clippy::cast_precision_loss)]
                    {
                        1.0 / ((n + 1) as f64 * c)
                    }
                };
                if a > 0 {
                    in_a[a * SIDE + b] = choose(a - 1, b);
                }
                if b > 0 {
                    in_b[a * SIDE + b] = choose(a, b - 1);
                }
            }
        }
        for m in 1..SIDE {
            for k in 0..m {
                subset[m * SIDE + k] = if m <= 20 {
                    factorial(k) * factorial(m - k - 1) / factorial(m)
                } else {
                    in_a[(k + 1) * SIDE + (m - k - 1)]
                };
            }
        }
        Weights { in_a, in_b, subset }
    }

    /// Adds the interventional contributions of one leaf for agreement `x_mask`, against
    /// background masks `masks` with weights `weights`, times `value`, to `out` (by path
    /// position).
    #[inline]
    pub fn interventional(
        &self,
        full: u64,
        x_mask: u64,
        masks: &[u64],
        weights: &[f64],
        value: f64,
        out: &mut [f64],
    ) {
        let b_set = full & !x_mask;
        let b = b_set.count_ones() as usize;
        for (&p, &w) in masks.iter().zip(weights) {
            if p & b_set != b_set || w == 0.0 {
                continue;
            }
            let a_set = x_mask & !p;
            let a = a_set.count_ones() as usize;
            if a + b == 0 {
                continue;
            }
            let plus = w * value * self.in_a[a * SIDE + b];
            let minus = w * value * self.in_b[a * SIDE + b];
            let mut bits = a_set;
            while bits != 0 {
                out[bits.trailing_zeros() as usize] += plus;
                bits &= bits - 1;
            }
            let mut bits = b_set;
            while bits != 0 {
                out[bits.trailing_zeros() as usize] -= minus;
                bits &= bits - 1;
            }
        }
    }

    /// Adds the path-dependent contributions of one leaf (zero fractions `zero`) for
    /// agreement `x_mask`, times `value`, to `out` (by path position); `poly` is scratch.
    pub fn path_dependent(
        &self,
        zero: &[f64],
        x_mask: u64,
        value: f64,
        poly: &mut Vec<f64>,
        out: &mut [f64],
    ) {
        let m = zero.len();
        for (i, contribution) in out.iter_mut().enumerate().take(m) {
            let lead = lead(zero, x_mask, i);
            if lead == 0.0 {
                continue;
            }
            coalition_polynomial(zero, x_mask, [i, i], poly);
            let total: f64 =
                poly.iter().enumerate().map(|(k, c)| c * self.subset[m * SIDE + k]).sum();
            *contribution += value * lead * total;
        }
    }

    /// Adds the path-dependent interaction values of one leaf for `i ≠ j` (by path
    /// positions, `out[i · M + j]`, symmetric) for agreement `x_mask`, times `value`; `poly`
    /// is scratch. The diagonal is left to the caller (the rest of each Shapley value).
    pub fn path_dependent_interactions(
        &self,
        zero: &[f64],
        x_mask: u64,
        value: f64,
        poly: &mut Vec<f64>,
        out: &mut [f64],
    ) {
        let m = zero.len();
        for i in 0..m {
            for j in i + 1..m {
                let (li, lj) = (lead(zero, x_mask, i), lead(zero, x_mask, j));
                if li == 0.0 || lj == 0.0 {
                    continue;
                }
                coalition_polynomial(zero, x_mask, [i, j], poly);
                // Shapley weights among the M − 1 players other than i.
                let total: f64 =
                    poly.iter().enumerate().map(|(k, c)| c * self.subset[(m - 1) * SIDE + k]).sum();
                let half = value * li * lj * total / 2.0;
                out[i * m + j] += half;
                out[j * m + i] += half;
            }
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Self::new()
    }
}
