//! [`super::WeightedDesign::centring`] for x86-64 processors with AVX2 (detected at run time):
//! each step of its dot products multiplies and adds four lanes in one 256-bit instruction
//! each, where SSE2 needs two. The four partial sums and the order they are added in are
//! those of the portable dot product, so the design is the same bits.

use std::arch::x86_64::{
    _mm256_add_pd, _mm256_castpd256_pd128, _mm256_extractf128_pd, _mm256_mul_pd, _mm256_setr_pd,
    _mm256_setzero_pd, _mm_cvtsd_f64, _mm_unpackhi_pd,
};

use super::WeightedDesign;

/// [`WeightedDesign::centring`], compiled for AVX2.
#[target_feature(enable = "avx2")]
pub(super) fn centring(columns: &mut [f64], y: &[f64], w: &[f64]) -> WeightedDesign {
    WeightedDesign::centring_with(columns, y, w, |a, b| dot(a, b))
}

/// The portable dot product's Σ aᵢbᵢ, in one vector.
#[target_feature(enable = "avx2")]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
    let tail: f64 = a4.remainder().iter().zip(b4.remainder()).map(|(x, y)| x * y).sum();
    let mut partial = _mm256_setzero_pd();
    for (x, y) in a4.zip(b4) {
        let (x, y) =
            (_mm256_setr_pd(x[0], x[1], x[2], x[3]), _mm256_setr_pd(y[0], y[1], y[2], y[3]));
        partial = _mm256_add_pd(partial, _mm256_mul_pd(x, y));
    }
    let (low, high) = (_mm256_castpd256_pd128(partial), _mm256_extractf128_pd::<1>(partial));
    let (p0, p1) = (_mm_cvtsd_f64(low), _mm_cvtsd_f64(_mm_unpackhi_pd(low, low)));
    let (p2, p3) = (_mm_cvtsd_f64(high), _mm_cvtsd_f64(_mm_unpackhi_pd(high, high)));
    (p0 + p1) + (p2 + p3) + tail
}
