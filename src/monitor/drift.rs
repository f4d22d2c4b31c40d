//! Drift statistics of a column between a reference sample and a window's sample, as the
//! monitoring tools of the field define them:
//!
//! - numeric: PSI over 10 bins whose 9 inner edges are the reference's deciles (numpy's
//!   default linear quantiles), proportions floored at 1e-4 without renormalisation
//!   (PSI = Σ (c − r)·ln(c / r)); the Jensen–Shannon distance in bits over the same unfloored
//!   bins (`scipy.spatial.distance.jensenshannon(base=2)`); the two-sample Kolmogorov–Smirnov
//!   statistic with the p-value of `scipy.stats.ks_2samp(method="asymp")` (scipy 1.17:
//!   `kstwo.sf(D, round(n·m / (n + m)))`); and `scipy.stats.wasserstein_distance`
//!   (the integral of |F_R − F_C|);
//! - categorical: PSI and JS over the union of categories (sorted as strings), and the
//!   p-value of `scipy.stats.chi2_contingency(correction=False)` on the 2 × K table of
//!   counts.
//!
//! Every function takes the samples sorted ([`SortedSample`]), without NaN; a value repeated
//! many times weighs as many values.

use std::collections::BTreeMap;

use crate::monitor::sorted::SortedSample;
use crate::stats::{chi2_contingency_pvalue, kolmogorov_sf, quantile_of_ranks};

/// Bins of the numeric PSI and JS.
pub const BINS: usize = 10;
/// The floor of a bin's proportion in PSI.
pub const PSI_FLOOR: f64 = 1e-4;

/// The numeric statistics of one window against the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericStatistics {
    /// Population stability index.
    pub psi: f64,
    /// Jensen–Shannon distance, base 2 (in [0, 1]).
    pub js: f64,
    /// Kolmogorov–Smirnov statistic sup |F_R − F_C|.
    pub ks: f64,
    /// Its two-sided asymptotic p-value; `None` when the effective sample size rounds to 0.
    pub ks_pvalue: Option<f64>,
    /// Wasserstein-1 distance, in the column's unit; infinite when the values are more than
    /// `f64::MAX` apart.
    pub wasserstein: f64,
    /// The window's rows per bin.
    pub bin_counts: [u64; BINS],
}

/// The categorical statistics of one window against the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoricalStatistics {
    /// Population stability index over the categories.
    pub psi: f64,
    /// Jensen–Shannon distance, base 2.
    pub js: f64,
    /// Chi-square test p-value of the 2 × K table (1 when K = 1).
    pub chi2_pvalue: f64,
    /// The union of the categories of both samples, sorted.
    pub categories: Vec<String>,
    /// The window's count per category.
    pub counts: Vec<u64>,
    /// The reference's count per category.
    pub reference_counts: Vec<u64>,
}

/// The reference sample of a numeric column, with its decile edges and bin counts.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericReference {
    sorted: SortedSample,
    /// The 9 inner bin edges: `np.quantile(R, [0.1, …, 0.9])` (may repeat).
    pub edges: [f64; BINS - 1],
    /// The reference's rows per bin.
    pub bin_counts: [u64; BINS],
}

impl NumericReference {
    /// The reference of `sorted`; `None` when it is empty.
    pub fn new(sorted: SortedSample) -> Option<Self> {
        if sorted.is_empty() {
            return None;
        }
        let mut edges = [0.0; BINS - 1];
        for (k, edge) in edges.iter_mut().enumerate() {
            *edge = quantile(&sorted, (k + 1) as f64 / BINS as f64);
        }
        let bin_counts = bin_counts(&edges, &sorted);
        Some(NumericReference { sorted, edges, bin_counts })
    }

    /// The rows of the reference sample.
    pub fn rows(&self) -> u64 {
        self.sorted.len()
    }

    /// The statistics of `current` (not empty) against this reference.
    pub fn compare(&self, current: &SortedSample) -> NumericStatistics {
        let bins = bin_counts(&self.edges, current);
        let (reference, window) = (proportions(&self.bin_counts), proportions(&bins));
        let (ks, wasserstein) = distances(&self.sorted, current);
        NumericStatistics {
            psi: psi(&reference, &window),
            js: jensen_shannon(&reference, &window),
            ks,
            ks_pvalue: ks_pvalue(&self.sorted, current, ks),
            wasserstein,
            bin_counts: bins,
        }
    }
}

/// The statistics of the category counts `current` against `reference` (neither empty).
pub fn compare_categories(
    reference: &BTreeMap<String, u64>,
    current: &BTreeMap<String, u64>,
) -> CategoricalStatistics {
    let mut categories: Vec<String> = reference.keys().chain(current.keys()).cloned().collect();
    categories.sort();
    categories.dedup();
    let count = |counts: &BTreeMap<String, u64>| -> Vec<u64> {
        categories.iter().map(|c| counts.get(c).copied().unwrap_or(0)).collect()
    };
    let (reference_counts, counts) = (count(reference), count(current));
    let (r, c) = (proportions(&reference_counts), proportions(&counts));
    #[allow(clippy::cast_precision_loss)]
    let table = [
        reference_counts.iter().map(|&n| n as f64).collect::<Vec<_>>(),
        counts.iter().map(|&n| n as f64).collect::<Vec<_>>(),
    ];
    CategoricalStatistics {
        psi: psi(&r, &c),
        js: jensen_shannon(&r, &c),
        chi2_pvalue: chi2_contingency_pvalue([&table[0], &table[1]]),
        categories,
        counts,
        reference_counts,
    }
}

/// numpy's default (`linear`) quantile at `q` in [0, 1] of a sample (not empty).
fn quantile(sorted: &SortedSample, q: f64) -> f64 {
    quantile_of_ranks(sorted.len(), q, |rank| sorted.value_at(rank))
}

/// Rows of `sorted` per bin, a value's bin being `np.searchsorted(edges, x, side="right")`:
/// the values below `edges[k]` are those of bins 0..=k.
fn bin_counts(edges: &[f64; BINS - 1], sorted: &SortedSample) -> [u64; BINS] {
    let mut counts = [0; BINS];
    let mut before = 0;
    for (k, count) in counts.iter_mut().enumerate() {
        let upto = edges.get(k).map_or(sorted.len(), |&e| sorted.count_below(e));
        *count = upto - before;
        before = upto;
    }
    counts
}

#[allow(clippy::cast_precision_loss)]
fn proportions(counts: &[u64]) -> Vec<f64> {
    let n: u64 = counts.iter().sum();
    counts.iter().map(|&c| c as f64 / n as f64).collect()
}

/// Σ (c − r)·ln(c / r) over the proportions floored at [`PSI_FLOOR`].
fn psi(reference: &[f64], current: &[f64]) -> f64 {
    reference
        .iter()
        .zip(current)
        .map(|(&r, &c)| {
            let (r, c) = (r.max(PSI_FLOOR), c.max(PSI_FLOOR));
            (c - r) * libm::log(c / r)
        })
        .sum()
}

/// `scipy.spatial.distance.jensenshannon(p, q, base=2)`: both normalised to sum 1, then
/// √((KL(p‖m) + KL(q‖m)) / (2 ln 2)) with m = (p + q)/2.
fn jensen_shannon(p: &[f64], q: &[f64]) -> f64 {
    let (sp, sq): (f64, f64) = (p.iter().sum(), q.iter().sum());
    let mut divergence = 0.0;
    for (&p, &q) in p.iter().zip(q) {
        let (p, q) = (p / sp, q / sq);
        let m = (p + q) / 2.0;
        for x in [p, q] {
            if x > 0.0 {
                divergence += x * libm::log(x / m);
            }
        }
    }
    (divergence / std::f64::consts::LN_2 / 2.0).max(0.0).sqrt()
}

/// Calls `visit(x, i, j)` for the values `x` of two samples in ascending order, with `i`
/// and `j` the values of `a` and of `b` taken so far. A value in both samples is taken from
/// both at once; a value kept several times in one sample is visited once per repeat, so
/// `i` and `j` are the counts of values at most `x` at the last visit of each `x`.
fn merged(a: &SortedSample, b: &SortedSample, visit: impl FnMut(f64, u64, u64)) {
    // Values taken after the k-th kept value: k when each value is kept, its count when
    // distinct values are counted. One loop compiled per pair of kinds, without a branch
    // on the kind per step.
    let kept = |k: usize| k as u64;
    let counted = |ends: &[u64], k: usize| if k == 0 { 0 } else { ends[k - 1] };
    let (va, vb) = (a.values(), b.values());
    match (a.ends(), b.ends()) {
        (None, None) => merge_with(va, vb, kept, kept, visit),
        (Some(ea), None) => merge_with(va, vb, |k| counted(ea, k), kept, visit),
        (None, Some(eb)) => merge_with(va, vb, kept, |k| counted(eb, k), visit),
        (Some(ea), Some(eb)) => merge_with(va, vb, |k| counted(ea, k), |k| counted(eb, k), visit),
    }
}

/// [`merged`] over the kept values `va` and `vb`, with `fa(k)` and `fb(k)` the values taken
/// after the k-th of each. Which sample's value comes next is unpredictable on drifting
/// data: the step takes the smaller and advances both indices by a comparison, without a
/// branch.
fn merge_with(
    va: &[f64],
    vb: &[f64],
    fa: impl Fn(usize) -> u64,
    fb: impl Fn(usize) -> u64,
    mut visit: impl FnMut(f64, u64, u64),
) {
    let (mut i, mut j) = (0, 0);
    while i < va.len() && j < vb.len() {
        let (x, y) = (va[i], vb[j]);
        let v = if y < x { y } else { x };
        i += usize::from(x == v);
        j += usize::from(y == v);
        visit(v, fa(i), fb(j));
    }
    for (k, &x) in va.iter().enumerate().skip(i) {
        visit(x, fa(k + 1), fb(j));
    }
    for (k, &y) in vb.iter().enumerate().skip(j) {
        visit(y, fa(va.len()), fb(k + 1));
    }
}

/// The two-sample KS statistic `d` of two samples' asymptotic p-value, as scipy's
/// `ks_2samp(method="asymp")`: `kstwo.sf(d, round(n·m / (n + m)))`.
#[allow(clippy::cast_precision_loss)]
fn ks_pvalue(a: &SortedSample, b: &SortedSample, d: f64) -> Option<f64> {
    let (n, m) = (a.len() as f64, b.len() as f64);
    let (large, small) = if n >= m { (n, m) } else { (m, n) };
    let effective = round_half_even(large * small / (large + small));
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (effective >= 1.0).then(|| kolmogorov_sf(effective as u64, d).clamp(0.0, 1.0))
}

/// `np.round`: to the nearest integer, ties to even.
fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (r - x).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

/// The two-sample KS statistic (the largest |F_u − F_v| at the merged values, as scipy's
/// `ks_2samp`) and `scipy.stats.wasserstein_distance` (Σ |F_u − F_v| · Δx over the merged
/// values) of two samples, in one pass over their merged values.
///
/// Both are computed from |F_u − F_v|·n_u·n_v = |i·n_v − j·n_u|, exact in `f64` while the
/// products stay below 2^53 (samples of up to about 95 million values each): KS divides
/// the largest by n_u·n_v once at the end, each area is that difference times 1/(n_u·n_v)
/// times the step (results within a few units in the last place of scipy's, which divides
/// each CDF; no division per step). The sum of areas is Neumaier-compensated, so a long sum
/// of small areas keeps its last digits.
#[allow(clippy::cast_precision_loss)]
fn distances(u: &SortedSample, v: &SortedSample) -> (f64, f64) {
    let (nu, nv) = (u.len() as f64, v.len() as f64);
    let (mut ks, mut total, mut compensation) = (0.0_f64, 0.0_f64, 0.0_f64);
    // The first step adds an area of zero width and height.
    let first = match (u.values().first(), v.values().first()) {
        (Some(&a), Some(&b)) => a.min(b),
        (Some(&x), None) | (None, Some(&x)) => x,
        (None, None) => return (0.0, 0.0),
    };
    let (mut before, mut previous) = (first, 0.0_f64);
    let per_pair = 1.0 / (nu * nv);
    merged(u, v, |x, i, j| {
        // The difference at the previous value is complete once a larger value comes (a
        // repeated value's earlier visits hold part of its counts): only then a KS candidate.
        // The area of a repeat is zero wide.
        if x > before {
            ks = ks.max(previous);
        }
        // Scaled to a CDF difference (at most 1) first: the area overflows only as the
        // step itself does.
        let area = previous * per_pair * (x - before);
        let sum = total + area;
        compensation +=
            if total.abs() >= area.abs() { (total - sum) + area } else { (area - sum) + total };
        total = sum;
        (before, previous) = (x, (i as f64 * nv - j as f64 * nu).abs());
    });
    // An infinite area (values more than f64::MAX apart) makes the compensation NaN.
    let wasserstein = if total.is_finite() { total + compensation } else { total };
    (ks.max(previous) / (nu * nv), wasserstein)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(values: &[f64]) -> SortedSample {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        SortedSample::from_sorted(v)
    }

    /// Values from numpy 2.4 and scipy 1.17 on the same samples.
    #[test]
    fn numeric_statistics_match_numpy_and_scipy() {
        let r = sorted(&[
            3., 1., 4., 1., 5., 9., 2., 6., 5., 3., 5., 8., 9., 7., 9., 3., 2., 3., 8., 4.,
        ]);
        let c = sorted(&[2., 7., 1., 8., 2., 8., 1., 8., 2., 8., 4., 5., 9., 0., 4., 5., 2., 3.]);
        let reference = NumericReference::new(r).unwrap();
        let edges = [
            1.9000000000000001,
            2.8000000000000003,
            3.0,
            3.6000000000000005,
            4.5,
            5.0,
            6.299999999999999,
            8.0,
            9.0,
        ];
        assert_eq!(reference.edges, edges);
        assert_eq!(reference.bin_counts, [2, 2, 0, 4, 2, 0, 4, 1, 2, 3]);
        let s = reference.compare(&c);
        assert_eq!(s.bin_counts, [3, 4, 0, 1, 2, 0, 2, 1, 4, 1]);
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-13, "{a} vs {b}");
        close(s.psi, 0.5620804134853872);
        close(s.js, 0.3122279082240584);
        close(s.ks, 0.18888888888888888);
        close(s.ks_pvalue.unwrap(), 0.8490706101119156);
        close(s.wasserstein, 0.5833333333333333);
        let same = reference.compare(&reference.sorted.clone());
        assert_eq!((same.psi, same.js, same.ks, same.wasserstein), (0.0, 0.0, 0.0, 0.0));
    }

    /// A sample of distinct values (kept without counts) and the same values counted once
    /// each give the same statistics.
    #[test]
    fn distinct_and_counted_samples_compare_alike() {
        let values: Vec<f64> = (0..300).map(|i| f64::from(i) * 0.37 - 20.0).collect();
        let shifted: Vec<f64> = (0..250).map(|i| f64::from(i) * 0.41 - 15.0).collect();
        let distinct = |v: &[f64]| SortedSample::from_sorted(v.to_vec());
        let counted = |v: &[f64]| SortedSample::from_counts(v.to_vec(), &vec![1; v.len()]);
        assert!(distinct(&values).ends().is_none() && counted(&values).ends().is_some());
        let a = NumericReference::new(distinct(&values)).unwrap().compare(&distinct(&shifted));
        let b = NumericReference::new(counted(&values)).unwrap().compare(&counted(&shifted));
        assert_eq!((a.ks, a.wasserstein, a.psi, a.js), (b.ks, b.wasserstein, b.psi, b.js));
        assert_eq!(a.ks_pvalue, b.ks_pvalue);
        assert!(a.ks > 0.0 && a.wasserstein > 0.0);
    }

    /// scipy's way: every CDF divided out at each merged value, the areas summed in order.
    fn scipy_distances(u: &[f64], v: &[f64]) -> (f64, f64) {
        let mut all: Vec<f64> = u.iter().chain(v).copied().collect();
        all.sort_by(f64::total_cmp);
        #[allow(clippy::cast_precision_loss)]
        let cdf = |s: &[f64], x: f64| s.iter().filter(|&&y| y <= x).count() as f64 / s.len() as f64;
        let (mut ks, mut area) = (0.0_f64, 0.0);
        for (k, &x) in all.iter().enumerate() {
            let difference = (cdf(u, x) - cdf(v, x)).abs();
            ks = ks.max(difference);
            if let Some(&next) = all.get(k + 1) {
                area += difference * (next - x);
            }
        }
        (ks, area)
    }

    proptest::proptest! {
        /// The one-pass KS statistic and Wasserstein distance of samples of any kind (with
        /// repeats or without, of any overlap) are scipy's.
        #[test]
        fn distances_are_scipys(
            u in proptest::collection::vec(-50i32..50, 1..120),
            v in proptest::collection::vec(-60i32..40, 1..120),
            scale in proptest::sample::select(vec![1.0, 0.1, 1e-3, 37.5]),
            counted in (proptest::bool::ANY, proptest::bool::ANY),
        ) {
            let values = |s: &[i32]| s.iter().map(|&x| f64::from(x) * scale).collect::<Vec<_>>();
            let (u, v) = (values(&u), values(&v));
            let sample = |s: &[f64], counted: bool| {
                let sorted = sorted(s);
                if counted {
                    let mut runs: Vec<(f64, u64)> = Vec::new();
                    for &x in sorted.values() {
                        match runs.last_mut() {
                            Some((last, count)) if *last == x => *count += 1,
                            _ => runs.push((x, 1)),
                        }
                    }
                    let counts: Vec<u64> = runs.iter().map(|&(_, c)| c).collect();
                    SortedSample::from_counts(runs.into_iter().map(|(x, _)| x).collect(), &counts)
                } else {
                    sorted
                }
            };
            let (ks, wasserstein) = distances(&sample(&u, counted.0), &sample(&v, counted.1));
            let (want_ks, want_wasserstein) = scipy_distances(&u, &v);
            proptest::prop_assert!((ks - want_ks).abs() <= 1e-15, "ks {} vs {}", ks, want_ks);
            proptest::prop_assert!(
                (wasserstein - want_wasserstein).abs() <= 1e-12 * want_wasserstein.max(1.0),
                "wasserstein {} vs {}", wasserstein, want_wasserstein
            );
        }
    }

    /// -0 and 0 are one value to scipy (and to `==`), though a counted sample keeps them
    /// apart (their order keys differ): the same values give KS 0 however they are kept.
    #[test]
    fn negative_and_positive_zero_are_one_value() {
        let kept = sorted(&[-0.0, 0.0, 1.0]);
        let counted = SortedSample::from_counts(vec![-0.0, 0.0, 1.0], &[1, 1, 1]);
        let other = SortedSample::from_counts(vec![0.0, 1.0], &[2, 1]);
        for (a, b) in [(&kept, &counted), (&counted, &other), (&kept, &other)] {
            assert_eq!(distances(a, b), (0.0, 0.0));
        }
        // Values of the order of 1e303 far apart, in samples of a thousand: the area stays
        // finite, as scipy's does (the difference scaled by both sizes would not).
        let mut u = vec![-1e303; 1000];
        u.push(1e303);
        // Values more than f64::MAX apart: an infinite distance, as scipy's.
        let (ks, wasserstein) = distances(&sorted(&[-1.7e308; 2]), &sorted(&[1.7e308; 2]));
        assert_eq!((ks, wasserstein), (1.0, f64::INFINITY));
        let (ks, wasserstein) = distances(&sorted(&u), &sorted(&[1e303; 1000]));
        assert!((ks - 1000.0 / 1001.0).abs() < 1e-15, "{ks}");
        assert!((wasserstein / (2e303 * 1000.0 / 1001.0) - 1.0).abs() < 1e-15, "{wasserstein}");
    }

    #[test]
    fn categorical_statistics_match_scipy() {
        let counts = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
            pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
        };
        let s = compare_categories(
            &counts(&[("a", 10), ("b", 20), ("c", 5)]),
            &counts(&[("a", 12), ("b", 15), ("c", 9)]),
        );
        assert!((s.chi2_pvalue - 0.36325901959641044).abs() < 1e-13);
        assert_eq!(s.categories, ["a", "b", "c"]);
        let one = compare_categories(&counts(&[("a", 3)]), &counts(&[("a", 5)]));
        assert_eq!((one.psi, one.js, one.chi2_pvalue), (0.0, 0.0, 1.0));
    }

    #[test]
    fn rounding_is_half_to_even() {
        assert_eq!([0.5, 1.5, 2.5, 2.4, 2.6].map(round_half_even), [0.0, 2.0, 2.0, 2.0, 3.0]);
    }
}
