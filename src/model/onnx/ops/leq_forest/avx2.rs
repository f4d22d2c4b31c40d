//! The compare-every-branch walk of [`super::CompleteTrees`] in 256-bit AVX2 vectors, for
//! x86-64 processors that have them (detected at run time; the portable walk of the parent
//! module runs everywhere else). One instruction compares a branch for all eight lanes where
//! SSE2 needs two, and each lane's leaf is found in vectors too: the lowest bit still
//! reachable, converted to a float, has the leaf's position as its exponent. The sums are
//! added in the same order as the portable walk's, so they are the same bits.

use std::arch::x86_64::{
    _mm256_and_si256, _mm256_castps_si256, _mm256_cmp_ps, _mm256_cvtepi32_ps, _mm256_extract_epi32,
    _mm256_or_si256, _mm256_set1_epi32, _mm256_set1_ps, _mm256_setr_ps, _mm256_setzero_si256,
    _mm256_srli_epi32, _mm256_sub_epi32, _CMP_LE_OQ,
};

use super::{leaves_kept_by_false_branches, Columns, LANES, MAX_COMPARED_COLS};

/// The exponent of 1.0 in the bits of an f32.
const F32_EXPONENT_BIAS: i32 = 127;

/// Per lane, the sum over the trees (`2^DEPTH − 1` branches each, breadth-first, given by
/// `features` and `thresholds`) of the values reached, from the transposed `columns`.
#[target_feature(enable = "avx2")]
#[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
pub(super) fn sums_compared<const DEPTH: u32>(
    features: &[u32],
    thresholds: &[f32],
    values: &[f64],
    columns: &Columns,
) -> [f64; LANES] {
    let branches = (1usize << DEPTH) - 1;
    let mut kept_if_false = [_mm256_setzero_si256(); (1 << super::MAX_COMPARED_DEPTH) - 1];
    for (kept, mask) in kept_if_false.iter_mut().zip(leaves_kept_by_false_branches(DEPTH)) {
        *kept = _mm256_set1_epi32(mask as i32);
    }
    let bias = _mm256_set1_epi32(F32_EXPONENT_BIAS);
    let mut total = [0.0; LANES];
    let trees = values.chunks_exact(1 << DEPTH).zip(features.chunks_exact(branches));
    for ((tree_values, features), thresholds) in trees.zip(thresholds.chunks_exact(branches)) {
        let mut reachable = _mm256_set1_epi32(-1);
        for ((&f, &t), &kept) in features.iter().zip(thresholds).zip(&kept_if_false) {
            // As in the portable walk, the remainder spares a bounds check and never wraps.
            let c = &columns[f as usize % MAX_COMPARED_COLS];
            let column = _mm256_setr_ps(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
            let is_true = _mm256_cmp_ps::<_CMP_LE_OQ>(column, _mm256_set1_ps(t));
            reachable =
                _mm256_and_si256(reachable, _mm256_or_si256(_mm256_castps_si256(is_true), kept));
        }
        // The lowest reachable bit alone is a power of two at most 2^15, exact as an f32.
        let lowest =
            _mm256_and_si256(reachable, _mm256_sub_epi32(_mm256_setzero_si256(), reachable));
        let exponent = _mm256_srli_epi32::<23>(_mm256_castps_si256(_mm256_cvtepi32_ps(lowest)));
        let leaves = _mm256_sub_epi32(exponent, bias);
        let leaves = [
            _mm256_extract_epi32::<0>(leaves),
            _mm256_extract_epi32::<1>(leaves),
            _mm256_extract_epi32::<2>(leaves),
            _mm256_extract_epi32::<3>(leaves),
            _mm256_extract_epi32::<4>(leaves),
            _mm256_extract_epi32::<5>(leaves),
            _mm256_extract_epi32::<6>(leaves),
            _mm256_extract_epi32::<7>(leaves),
        ];
        for (t, leaf) in total.iter_mut().zip(leaves) {
            *t += tree_values[leaf as usize & branches];
        }
    }
    total
}
