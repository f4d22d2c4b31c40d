//! The compare-every-branch walk of [`super::CompleteTrees`] in 256-bit AVX2 vectors, for
//! x86-64 processors that have them (detected at run time; the portable walk of the parent
//! module runs everywhere else). One instruction compares a branch for all eight lanes where
//! SSE2 needs two, and each lane's leaf is found in vectors too: the lowest bit still
//! reachable, converted to a float, has the leaf's position as its exponent. Trees of eight
//! leaves then pick each lane's value by permuting theirs in registers; other depths read the
//! values one by one. The sums are added in the same order as the portable walk's, so they
//! are the same bits.

use std::arch::x86_64::{
    __m256d, __m256i, _mm256_add_pd, _mm256_and_si256, _mm256_blendv_ps, _mm256_castpd_ps,
    _mm256_castps_pd, _mm256_castps_si256, _mm256_castsi256_ps, _mm256_cmp_ps, _mm256_cvtepi32_ps,
    _mm256_extract_epi32, _mm256_or_si256, _mm256_permutevar8x32_epi32, _mm256_permutevar8x32_ps,
    _mm256_set1_epi32, _mm256_set1_ps, _mm256_setr_epi32, _mm256_setr_pd, _mm256_setr_ps,
    _mm256_setzero_pd, _mm256_setzero_si256, _mm256_slli_epi32, _mm256_srli_epi32,
    _mm256_sub_epi32, _CMP_LE_OQ,
};

use super::{leaves_kept_by_false_branches, Columns, LANES, MAX_COMPARED_COLS};
use crate::avx2::{four, lanes};

/// The exponent of 1.0 in the bits of an f32.
const F32_EXPONENT_BIAS: i32 = 127;

/// Per lane, the sum over the trees (`2^DEPTH − 1` branches each, breadth-first, given by
/// `features` and `thresholds`) of the values reached, from the transposed `columns`.
#[target_feature(enable = "avx2")]
#[allow(clippy::cast_possible_wrap)]
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
    // Lanes 0–3 and 4–7.
    let mut totals = [_mm256_setzero_pd(); 2];
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
        let leaves = lowest_bit_positions(reachable);
        let [first, last] = if DEPTH == 3 {
            permuted_leaf_values(tree_values, leaves)
        } else {
            loaded_leaf_values(tree_values, leaves)
        };
        totals = [_mm256_add_pd(totals[0], first), _mm256_add_pd(totals[1], last)];
    }
    let [a, b] = [lanes(totals[0]), lanes(totals[1])];
    [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]]
}

/// The position of the lowest set bit of each lane (nonzero): alone, that bit is a power of
/// two at most 2^15, exact as an f32, whose exponent is the position.
#[target_feature(enable = "avx2")]
fn lowest_bit_positions(reachable: __m256i) -> __m256i {
    let lowest = _mm256_and_si256(reachable, _mm256_sub_epi32(_mm256_setzero_si256(), reachable));
    let exponent = _mm256_srli_epi32::<23>(_mm256_castps_si256(_mm256_cvtepi32_ps(lowest)));
    _mm256_sub_epi32(exponent, _mm256_set1_epi32(F32_EXPONENT_BIAS))
}

/// The values of the lanes' `leaves` (positions in `tree_values`), lanes 0–3 and 4–7, read
/// one by one.
#[target_feature(enable = "avx2")]
#[allow(clippy::cast_sign_loss)]
fn loaded_leaf_values(tree_values: &[f64], leaves: __m256i) -> [__m256d; 2] {
    // The mask keeps each position inside the tree (2^DEPTH values) without a bounds check.
    let last = tree_values.len() - 1;
    let at = |leaf: i32| tree_values[leaf as usize & last];
    [
        _mm256_setr_pd(
            at(_mm256_extract_epi32::<0>(leaves)),
            at(_mm256_extract_epi32::<1>(leaves)),
            at(_mm256_extract_epi32::<2>(leaves)),
            at(_mm256_extract_epi32::<3>(leaves)),
        ),
        _mm256_setr_pd(
            at(_mm256_extract_epi32::<4>(leaves)),
            at(_mm256_extract_epi32::<5>(leaves)),
            at(_mm256_extract_epi32::<6>(leaves)),
            at(_mm256_extract_epi32::<7>(leaves)),
        ),
    ]
}

/// [`loaded_leaf_values`] for trees of eight leaves, without leaving the vector registers:
/// the eight values fill two vectors, a permutation of their 32-bit halves picks each lane's
/// value from both, and bit 2 of the lane's leaf chooses which.
#[target_feature(enable = "avx2")]
fn permuted_leaf_values(tree_values: &[f64], leaves: __m256i) -> [__m256d; 2] {
    let v = tree_values;
    let (low, high) = (_mm256_castpd_ps(four(v)), _mm256_castpd_ps(four(&v[4..])));
    let half = |spread: __m256i| {
        // Each leaf k of four lanes, twice: the 32-bit halves 2k and 2k + 1 of its value
        // (the permutation reads the low three bits, so k mod 4 within a vector).
        let doubled = _mm256_permutevar8x32_epi32(leaves, spread);
        let words = _mm256_or_si256(
            _mm256_slli_epi32::<1>(doubled),
            _mm256_setr_epi32(0, 1, 0, 1, 0, 1, 0, 1),
        );
        let from_high = _mm256_castsi256_ps(_mm256_slli_epi32::<29>(doubled));
        let (in_low, in_high) =
            (_mm256_permutevar8x32_ps(low, words), _mm256_permutevar8x32_ps(high, words));
        _mm256_castps_pd(_mm256_blendv_ps(in_low, in_high, from_high))
    };
    [
        half(_mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3)),
        half(_mm256_setr_epi32(4, 4, 5, 5, 6, 6, 7, 7)),
    ]
}
