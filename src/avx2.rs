//! Moves between f64 slices and 256-bit vectors, for the AVX2 compilations of the hot loops
//! (the tree walk and LIME's Gram sums), which call them only once the processor is known to
//! have AVX2. Safe: each lane is read or written by value.

use std::arch::x86_64::{
    __m256d, _mm256_castpd256_pd128, _mm256_extractf128_pd, _mm256_setr_pd, _mm_cvtsd_f64,
    _mm_unpackhi_pd,
};

/// The first four values of `x` (at least four long) as one vector.
#[target_feature(enable = "avx2")]
#[inline]
pub(crate) fn four(x: &[f64]) -> __m256d {
    _mm256_setr_pd(x[0], x[1], x[2], x[3])
}

/// The four lanes of `v`.
#[target_feature(enable = "avx2")]
#[inline]
pub(crate) fn lanes(v: __m256d) -> [f64; 4] {
    let (low, high) = (_mm256_castpd256_pd128(v), _mm256_extractf128_pd::<1>(v));
    [
        _mm_cvtsd_f64(low),
        _mm_cvtsd_f64(_mm_unpackhi_pd(low, low)),
        _mm_cvtsd_f64(high),
        _mm_cvtsd_f64(_mm_unpackhi_pd(high, high)),
    ]
}
