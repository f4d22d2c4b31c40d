//! Standard normal draws by the ziggurat method (Marsaglia and Tsang, 2000): 32 random bits
//! and two table reads for about 99% of samples, against a logarithm and a square root
//! per pair for the polar method. The tables are built on first use with `libm` and the
//! portable [`crate::math::exp`], so the draws are the same bits natively and in WebAssembly.

use std::sync::OnceLock;

use rand::Rng;

/// Layers of the ziggurat.
const LAYERS: usize = 256;
/// Where the base layer's rectangle ends and the tail begins.
const R: f64 = 3.654_152_885_361_009;
/// The area of every layer (the base layer's includes the tail).
const V: f64 = 0.004_928_673_233_99;

/// The layers' right edges `x[i]` (decreasing; `x[LAYERS] = 0`) and the density there.
struct Tables {
    x: [f64; LAYERS + 1],
    f: [f64; LAYERS + 1],
}

fn density(x: f64) -> f64 {
    crate::math::exp(-0.5 * x * x)
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; LAYERS + 1];
        x[0] = V / density(R);
        x[1] = R;
        for i in 1..LAYERS - 1 {
            x[i + 1] = libm::sqrt(-2.0 * libm::log(V / x[i] + density(x[i])));
        }
        let f = x.map(density);
        Tables { x, f }
    })
}

/// A standard normal sampler.
#[derive(Clone, Copy)]
pub struct StandardNormal {
    tables: &'static Tables,
}

impl Default for StandardNormal {
    fn default() -> Self {
        StandardNormal { tables: tables() }
    }
}

impl std::fmt::Debug for StandardNormal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StandardNormal")
    }
}

impl StandardNormal {
    /// One draw.
    #[inline(always)]
    pub fn sample(&self, rng: &mut (impl Rng + Clone)) -> f64 {
        self.sample_from(rng.next_u32(), rng)
    }

    /// One draw whose first candidate comes from the 32 random bits `bits` (which is all
    /// about 99% of draws need); `rng` gives the rest when that candidate is not accepted.
    #[inline(always)]
    pub fn sample_from(&self, bits: u32, rng: &mut (impl Rng + Clone)) -> f64 {
        let (layer, z) = self.candidate(bits);
        if z.abs() < self.tables.x[layer + 1] {
            z
        } else {
            // Through a copy: were the generator itself passed out of line, it would live in
            // memory rather than in registers on the common path too.
            let mut copy = rng.clone();
            let z = self.outside_the_rectangle(&mut copy, layer, z);
            *rng = copy;
            z
        }
    }

    /// A layer and a point under its rectangle, from 32 random bits: the low 8 pick the
    /// layer, the high 24 the point (a resolution of 2^-23 of the layer's width, finer than
    /// the f32 inputs the models read).
    #[inline(always)]
    fn candidate(&self, bits: u32) -> (usize, f64) {
        let layer = (bits & 0xff) as usize;
        // A uniform in [−1, 1) built exactly from its bit pattern: f in [1, 2) has the 24 bits
        // at the top of its mantissa, and 2f − 3 is exact.
        let f = f64::from_bits((u64::from(bits >> 8) << 28) | 0x3ff0_0000_0000_0000);
        (layer, (2.0 * f - 3.0) * self.tables.x[layer])
    }

    /// The rare rest of [`Self::sample`] (about 1% of draws) when `z` in `layer` is not
    /// inside the layer below: out of line, so the common path keeps its registers.
    #[cold]
    #[inline(never)]
    fn outside_the_rectangle(&self, rng: &mut impl Rng, mut layer: usize, mut z: f64) -> f64 {
        let Tables { x, f } = self.tables;
        loop {
            if layer == 0 {
                return tail(rng, z < 0.0);
            }
            let height = f[layer + 1] + (f[layer] - f[layer + 1]) * rng.random::<f64>();
            if height < density(z) {
                return z;
            }
            (layer, z) = self.candidate(rng.next_u32());
            if z.abs() < x[layer + 1] {
                return z;
            }
        }
    }
}

/// A draw beyond `R` (Marsaglia's tail method), negated when `negative`.
fn tail(rng: &mut impl Rng, negative: bool) -> f64 {
    loop {
        let a = -libm::log(1.0 - rng.random::<f64>()) / R;
        let b = -libm::log(1.0 - rng.random::<f64>());
        if 2.0 * b >= a * a {
            return if negative { -(R + a) } else { R + a };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::stream;

    #[test]
    fn the_top_layer_closes_at_zero() {
        let t = tables();
        // With R and V consistent, the last computed edge is tiny and positive.
        assert!(t.x[LAYERS - 1] > 0.0 && t.x[LAYERS - 1] < 0.3, "{}", t.x[LAYERS - 1]);
        assert!(t.x.windows(2).all(|w| w[0] > w[1]));
    }

    #[test]
    fn draws_follow_the_standard_normal_distribution() {
        let mut rng = stream(3, 1);
        let normal = StandardNormal::default();
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| normal.sample(&mut rng)).collect();
        #[allow(clippy::cast_precision_loss)]
        let share = |pred: &dyn Fn(f64) -> bool| {
            draws.iter().filter(|&&d| pred(d)).count() as f64 / n as f64
        };
        // Φ at a few points, the tail beyond R included; 5 standard errors of a proportion.
        let phi = |z: f64| 0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2));
        for z in [-4.0, -3.7, -2.5, -1.0, -0.3, 0.0, 0.8, 1.9, 3.0, 3.7] {
            let p = phi(z);
            let tolerance = 5.0 * (p * (1.0 - p) / 400_000.0).sqrt() + 1e-6;
            let observed = share(&|d| d <= z);
            assert!((observed - p).abs() < tolerance, "P(Z <= {z}) = {observed}, expected {p}");
        }
        #[allow(clippy::cast_precision_loss)]
        let mean = draws.iter().sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
    }
}
