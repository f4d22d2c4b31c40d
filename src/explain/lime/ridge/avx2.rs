//! [`super::WeightedDesign::centring`] for x86-64 processors with AVX2 (detected at run time):
//! each step of its dot products multiplies and adds four lanes in one 256-bit instruction
//! each, where SSE2 needs two. The four partial sums and the order they are added in are
//! those of the portable compilation, so the design is the same bits.

use std::arch::x86_64::{_mm256_add_pd, _mm256_mul_pd};

use super::WeightedDesign;
use crate::avx2::{four, lanes};

/// [`WeightedDesign::centring`], compiled for AVX2.
#[target_feature(enable = "avx2")]
pub(super) fn centring(columns: &[f64], y: &[f64], w: &[f64]) -> WeightedDesign {
    WeightedDesign::centring_with(columns, y, w, |partial, a, b| accumulate(partial, a, b))
}

/// The portable `accumulate`: aᵢbᵢ over whole groups of four into lane i mod 4, in order.
#[target_feature(enable = "avx2")]
fn accumulate(partial: &mut [f64; 4], a: &[f64], b: &[f64]) {
    let mut sums = four(partial);
    for (x, y) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
        sums = _mm256_add_pd(sums, _mm256_mul_pd(four(x), four(y)));
    }
    *partial = lanes(sums);
}
