//! LinearClassifier and LinearRegressor (ONNX-ML), and the post-transforms classifiers share.

use crate::math::sigmoid;
use crate::model::onnx::ops::arith::softmax_rows;
use crate::model::onnx::value::Value;

/// A classifier's or regressor's `post_transform`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostTransform {
    /// Scores as they are.
    None,
    /// The logistic function per score.
    Logistic,
    /// Softmax over a row.
    Softmax,
    /// Softmax over a row's non-zero scores.
    SoftmaxZero,
}

impl PostTransform {
    /// Parses the attribute.
    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "NONE" | "" => Ok(PostTransform::None),
            "LOGISTIC" => Ok(PostTransform::Logistic),
            "SOFTMAX" => Ok(PostTransform::Softmax),
            "SOFTMAX_ZERO" => Ok(PostTransform::SoftmaxZero),
            other => Err(format!("post_transform {other} is not supported")),
        }
    }

    /// Applies the transform to each row of `scores` (`cols` wide), in place.
    pub fn apply(self, scores: &mut [f64], cols: usize) {
        match self {
            PostTransform::None => {}
            PostTransform::Logistic => scores.iter_mut().for_each(|s| *s = sigmoid(*s)),
            PostTransform::Softmax => softmax_rows(scores, cols),
            PostTransform::SoftmaxZero => {
                for row in scores.chunks_exact_mut(cols.max(1)) {
                    let max =
                        row.iter().copied().filter(|s| *s != 0.0).fold(f64::NEG_INFINITY, f64::max);
                    let mut total = 0.0;
                    for s in row.iter_mut() {
                        if *s != 0.0 {
                            *s = crate::math::exp(*s - max);
                            total += *s;
                        }
                    }
                    if total > 0.0 {
                        row.iter_mut().for_each(|s| *s /= total);
                    }
                }
            }
        }
    }
}

/// A linear model: `targets` rows of coefficients over `cols` inputs, plus intercepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    /// `targets × cols`, row-major.
    pub coefficients: Vec<f64>,
    /// One per target (or none).
    pub intercepts: Vec<f64>,
    /// Number of targets.
    pub targets: usize,
    /// How scores become outputs.
    pub post: PostTransform,
    /// For a classifier: the number of classes (a binary classifier may have one target).
    pub classes: Option<usize>,
}

impl Linear {
    /// Output width.
    pub fn width(&self) -> usize {
        self.classes.unwrap_or(self.targets).max(self.targets)
    }

    /// The outputs for a batch: per-class probabilities (classifier) or targets (regressor).
    pub fn apply(&self, v: &Value) -> Result<Value, String> {
        let Value::Batch { cols, data } = v else {
            return Err("expects a batch, not a constant".into());
        };
        let width = self.width();
        let mut out = vec![0.0; data.len() / (*cols).max(1) * width];
        self.outputs_into(data, *cols, &mut out, &mut Vec::new())?;
        Ok(Value::batch(width, out))
    }

    /// Writes the outputs of `rows` (`cols` wide) into `out` (`width()` per row), using
    /// `scores` as scratch space.
    pub fn outputs_into(
        &self,
        rows: &[f64],
        cols: usize,
        out: &mut [f64],
        scores: &mut Vec<f64>,
    ) -> Result<(), String> {
        if self.coefficients.len() != self.targets * cols {
            return Err(format!(
                "{} coefficients for {} targets × {cols} inputs",
                self.coefficients.len(),
                self.targets
            ));
        }
        let cols = cols.max(1);
        let width = self.width();
        scores.resize(rows.len() / cols, 0.0);
        if let Some((w, intercept)) = self.binary_score(cols) {
            // Two classes from one score s: (1 − σ(s), σ(s)) under the logistic, else (−s, s)
            // through the post-transform.
            dot_products(rows, w, scores);
            for (o, s) in out.chunks_exact_mut(2).zip(scores.iter()) {
                let s = intercept + s;
                if self.post == PostTransform::Logistic {
                    let p = sigmoid(s);
                    (o[0], o[1]) = (1.0 - p, p);
                } else {
                    (o[0], o[1]) = (-s, s);
                }
            }
            if self.post != PostTransform::Logistic {
                self.post.apply(out, width);
            }
            return Ok(());
        }
        for (t, w) in self.coefficients.chunks_exact(cols).enumerate() {
            dot_products(rows, w, scores);
            let intercept = self.intercepts.get(t).copied().unwrap_or(0.0);
            for (o, s) in out.chunks_exact_mut(width).zip(scores.iter()) {
                o[t] = intercept + s;
            }
        }
        self.post.apply(out, width);
        Ok(())
    }

    /// For a binary classifier, the positive class's coefficients and intercept, when the
    /// negative class's score is minus that one: a single set of coefficients, or two that
    /// are exact negatives (as scikit-learn's logistic regression exports). Negation is exact
    /// in floating point, so the one score gives both bit for bit.
    fn binary_score(&self, cols: usize) -> Option<(&[f64], f64)> {
        if self.classes != Some(2) {
            return None;
        }
        let intercept = |t: usize| self.intercepts.get(t).copied().unwrap_or(0.0);
        match self.targets {
            1 => Some((&self.coefficients, intercept(0))),
            2 => {
                let (negative, positive) = self.coefficients.split_at(cols);
                let mirrored = negative.iter().zip(positive).all(|(n, p)| *n == -p)
                    && intercept(0) == -intercept(1);
                mirrored.then_some((positive, intercept(1)))
            }
            _ => None,
        }
    }
}

/// Rows whose dot products are summed side by side: each row's sum is a chain of dependent
/// additions, and interleaving rows keeps the adder busy.
const INTERLEAVED_ROWS: usize = 8;

/// `scores[r] = Σ_j rows[r][j] · w[j]`, summed in feature order as a plain loop would.
fn dot_products(rows: &[f64], w: &[f64], scores: &mut [f64]) {
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
