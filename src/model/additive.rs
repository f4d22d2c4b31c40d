//! Models whose outputs come from one score that is a sum of per-feature terms:
//! `output(intercept + Σ_j term_j(x_j))` — linear and logistic models, also behind per-feature
//! scalers. Explainers mix features of a row with those of background rows millions of times;
//! for these models they can add precomputed terms instead of evaluating whole rows, and get
//! the model's own outputs bit for bit (the terms and the sum are the model's arithmetic).

use crate::math::sigmoid_in_place;
use crate::model::MaybeSendSync;

/// A model as intercept, per-feature terms and a link.
pub trait AdditiveScore: MaybeSendSync {
    /// `terms[i]` = the term of feature `feature` at `values[i]`: exactly the product the
    /// model adds for it.
    fn terms(&self, feature: usize, values: &[f64], terms: &mut [f64]);

    /// Turns sums of terms (each summed from 0 in feature order, as the model does) into
    /// the model's output column `output`, in place.
    fn outputs(&self, sums: &mut [f64], output: usize);
}

/// How the score of a linear model becomes its outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreLink {
    /// One output: the score.
    Identity,
    /// Two classes: (1 − σ(s), σ(s)).
    Logistic,
    /// Two classes: (−s, s).
    Mirrored,
}

impl ScoreLink {
    /// Every output (one, or two classes) of each score `intercept + sums[i]`, row by row
    /// into `out`; `sums` is overwritten.
    pub fn write_rows(self, intercept: f64, sums: &mut [f64], out: &mut [f64]) {
        sums.iter_mut().for_each(|s| *s += intercept);
        match self {
            ScoreLink::Identity => out.iter_mut().zip(sums).for_each(|(o, s)| *o = *s),
            ScoreLink::Logistic => {
                sigmoid_in_place(sums);
                for (o, &p) in out.chunks_exact_mut(2).zip(sums.iter()) {
                    (o[0], o[1]) = (1.0 - p, p);
                }
            }
            ScoreLink::Mirrored => {
                for (o, &s) in out.chunks_exact_mut(2).zip(sums.iter()) {
                    (o[0], o[1]) = (-s, s);
                }
            }
        }
    }

    /// Output column `output` (`0` or `1` for two classes) of each score
    /// `intercept + sums[i]`, in place.
    pub fn apply(self, intercept: f64, sums: &mut [f64], output: usize) {
        sums.iter_mut().for_each(|s| *s += intercept);
        match (self, output) {
            (ScoreLink::Identity, _) | (ScoreLink::Mirrored, 1..) => {}
            (ScoreLink::Logistic, _) => {
                sigmoid_in_place(sums);
                if output == 0 {
                    sums.iter_mut().for_each(|p| *p = 1.0 - *p);
                }
            }
            (ScoreLink::Mirrored, 0) => sums.iter_mut().for_each(|s| *s = -*s),
        }
    }
}

/// `scores[r] = Σ_j rows[r][j] · w[j]`, summed from 0 in feature order (the order
/// [`AdditiveScore`] relies on). Rows are interleaved: each row's sum is a chain of dependent
/// additions, and summing several side by side keeps the adder busy.
pub fn dot_products(rows: &[f64], w: &[f64], scores: &mut [f64]) {
    const INTERLEAVED_ROWS: usize = 8;
    let cols = w.len().max(1);
    let mut blocks = rows.chunks_exact(INTERLEAVED_ROWS * cols);
    let mut outs = scores.chunks_exact_mut(INTERLEAVED_ROWS);
    for (block, out) in (&mut blocks).zip(&mut outs) {
        let rows: [&[f64]; INTERLEAVED_ROWS] =
            std::array::from_fn(|r| &block[r * cols..(r + 1) * cols]);
        let mut sums = [0.0; INTERLEAVED_ROWS];
        for (j, &wj) in w.iter().enumerate() {
            for (sum, row) in sums.iter_mut().zip(rows) {
                *sum += row[j] * wj;
            }
        }
        out.copy_from_slice(&sums);
    }
    for (row, out) in blocks.remainder().chunks_exact(cols).zip(outs.into_remainder()) {
        *out = row.iter().zip(w).fold(0.0, |sum, (x, w)| sum + x * w);
    }
}
