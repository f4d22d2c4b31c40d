//! The transcendental functions models use (exp, tanh), computed the same way on every
//! platform: the platform maths libraries (glibc natively, Rust's libm port in WebAssembly)
//! may differ in the last bit, which would break "the same numbers natively and in WASM".
//!
//! [`exp`] is a branch-light polynomial that the compiler vectorises: it is the hot path of
//! every logistic and softmax output, evaluated millions of times per explanation. It uses
//! only IEEE additions and multiplications (Rust never fuses them), so it is reproducible.

/// Table entries per octave: e^x = 2^(k/N) · e^r with |r| ≤ ln2 / (2N).
const N: usize = 128;

/// ln2 / N split so that `k * LN2_N_HI` is exact for the k that occur (Cody and Waite).
const LN2_N_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000) / 128.0;
const LN2_N_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76) / 128.0;

/// 1.5·2^52: adding it rounds any |v| < 2^51 to an integer.
const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// 2^(i/N) for i in 0..N, from libm's exp2 (itself the same on every platform).
fn table() -> &'static [f64; N] {
    static TABLE: std::sync::OnceLock<[f64; N]> = std::sync::OnceLock::new();
    #[allow(clippy::cast_precision_loss)]
    TABLE.get_or_init(|| std::array::from_fn(|i| libm::exp2(i as f64 / N as f64)))
}

/// e^x, within 2 ulp of the exact value, identical on every platform.
pub fn exp(x: f64) -> f64 {
    // Overflow, subnormal results and NaN are rare: the reference implementation handles them.
    if !(-708.0..=709.0).contains(&x) {
        return libm::exp(x);
    }
    exp_in_range(x)
}

/// e^x for x in [-708, 709], without branches.
fn exp_in_range(x: f64) -> f64 {
    exp_from_table(table(), x)
}

/// e^x for x in [-708, 709] from the table of 2^(i/N): integer work only through bit
/// patterns and logical shifts, so a loop over many x vectorises.
#[inline(always)]
#[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
fn exp_from_table(table: &[f64; N], x: f64) -> f64 {
    // k = round(x·N/ln2), by adding 1.5·2^52 (exact IEEE arithmetic): the sum's low
    // mantissa bits then hold k itself, read without a float-to-integer conversion.
    let shifted = x * (N as f64 / std::f64::consts::LN_2) + ROUNDER;
    let k = shifted - ROUNDER;
    let r = (x - k * LN2_N_HI) - k * LN2_N_LO;
    // e^r for |r| ≤ 0.0028: the Taylor series to r^5 is exact to 2^-62.
    let p = r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    let k = shifted.to_bits().wrapping_sub(ROUNDER.to_bits()) as i64;
    // k ≥ −1022·N here, so k + 1023·N ≥ 0 and its octave is a logical shift away; 2^octave
    // is normal and built from its bits.
    let biased = (k + 1023 * N as i64) as u64;
    let scale = f64::from_bits((biased >> N.trailing_zeros()) << 52);
    let t = table[(biased % N as u64) as usize];
    (t + t * p) * scale
}

/// The logistic function 1 / (1 + e^-x), without branches. Below x = -709 it returns
/// about 1.2e-308 instead of the even smaller true value.
pub fn sigmoid(x: f64) -> f64 {
    logistic(table(), x)
}

/// [`sigmoid`] of each value, in place.
pub fn sigmoid_in_place(values: &mut [f64]) {
    let table = table();
    for v in values {
        *v = logistic(table, *v);
    }
}

#[inline(always)]
fn logistic(table: &[f64; N], x: f64) -> f64 {
    1.0 / (1.0 + exp_from_table(table, (-x).clamp(-708.0, 709.0)))
}

/// tanh(x), from the portable libm.
pub fn tanh(x: f64) -> f64 {
    libm::tanh(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_within_two_ulp_of_libm_everywhere() {
        let mut x = -745.5;
        while x < 710.0 {
            let (ours, reference) = (exp(x), libm::exp(x));
            let ulp = (reference.abs() * f64::EPSILON).max(f64::MIN_POSITIVE);
            assert!(
                ours == reference || (ours - reference).abs() <= 2.0 * ulp,
                "exp({x}) = {ours}, libm {reference}"
            );
            x += 0.012_345_678_9;
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(-1e300), 0.0);
    }

    #[test]
    fn sigmoid_is_symmetric() {
        for x in [0.0, 0.3, 2.0, 17.0, 40.0] {
            assert!((sigmoid(x) + sigmoid(-x) - 1.0).abs() < 1e-15);
        }
    }
}
