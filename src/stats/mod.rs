//! Small numerical building blocks shared by the fairness bootstrap and the explainers:
//! the portable seeded random streams, numpy's percentile interpolation, a standard normal
//! sampler, an alias table for drawing indices with given frequencies, and the tails of the
//! Kolmogorov–Smirnov and chi-square distributions that drift tests need.
//!
//! Everything here gives bit-identical results natively and in WebAssembly: the generators
//! are ChaCha8 and Xoshiro256++ (pure integer arithmetic), and the transcendental functions of
//! the normal sampler come from `libm` and [`crate::math`], not from the platform's maths
//! library.

mod alias;
mod chi2;
mod kolmogorov;
mod normal;
#[cfg(test)]
mod scipy_reference;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

pub use alias::AliasTable;
pub use chi2::chi2_contingency_pvalue;
pub use kolmogorov::kolmogorov_sf;
pub use normal::StandardNormal;

/// The random number generator of one stream of a seeded computation (a bootstrap, an
/// explained row): seeded and portable (ChaCha8), so a seed gives the same draws natively
/// and in WebAssembly, and streams never overlap.
pub fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// The stream of a seeded computation named `name` (an attribute's bootstrap): the 64-bit
/// FNV-1a hash of its UTF-8 bytes, never 0 (the stream of the whole), the same on every
/// platform. A name keeps its draws whatever else the computation holds.
pub fn named_stream(name: &str) -> u64 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    hash.max(1)
}

/// A fast generator for one stream of a seeded computation that draws very many numbers
/// (LIME's neighbourhoods): Xoshiro256++, its state drawn from ChaCha8 stream `stream` of
/// `seed`, so streams stay independent and the same on every platform.
pub fn fast_stream(seed: u64, stream_id: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::from_rng(&mut stream(seed, stream_id))
}

/// numpy's default `quantile`/`percentile` (method "linear") of sorted, non-empty data,
/// with numpy's interpolation formula (it interpolates from the upper neighbour past the
/// midpoint), so boundaries equal numpy's to the last bit.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    quantile_of_ranks(sorted.len() as u64, q, |rank| {
        sorted[usize::try_from(rank).unwrap_or(usize::MAX).min(sorted.len().saturating_sub(1))]
    })
}

/// [`quantile`] of `len` sorted values (`len` > 0), read by rank with `value_at` (for
/// samples kept as distinct values with counts).
#[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn quantile_of_ranks(len: u64, q: f64, value_at: impl Fn(u64) -> f64) -> f64 {
    let last = len.saturating_sub(1);
    let position = q * last as f64;
    let below = (position.floor() as u64).min(last);
    let above = (below + 1).min(last);
    let t = position - below as f64;
    let (a, b) = (value_at(below), value_at(above));
    let difference = b - a;
    if t >= 0.5 {
        b - difference * (1.0 - t)
    } else {
        a + difference * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // np.percentile([1, 2, 3, 4], [2.5, 25, 50, 97.5]) == [1.075, 1.75, 2.5, 3.925]
        let data = [1.0, 2.0, 3.0, 4.0];
        for (q, expected) in [(0.025, 1.075), (0.25, 1.75), (0.5, 2.5), (0.975, 3.925)] {
            assert!((quantile(&data, q) - expected).abs() < 1e-12, "{q}");
        }
        assert_eq!(quantile(&[5.0], 0.75), 5.0);
    }
}
