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
        if self.coefficients.len() != self.targets * cols {
            return Err(format!(
                "{} coefficients for {} targets × {cols} inputs",
                self.coefficients.len(),
                self.targets
            ));
        }
        let binary_one_target = self.classes == Some(2) && self.targets == 1;
        let width = self.width();
        let mut out = Vec::with_capacity(data.len() / (*cols).max(1) * width);
        for row in data.chunks_exact((*cols).max(1)) {
            let scores =
                self.coefficients.chunks_exact((*cols).max(1)).enumerate().map(|(t, w)| {
                    self.intercepts.get(t).copied().unwrap_or(0.0)
                        + row.iter().zip(w).map(|(x, w)| x * w).sum::<f64>()
                });
            if binary_one_target {
                let s: f64 = scores.sum();
                out.extend_from_slice(&[-s, s]);
            } else {
                out.extend(scores);
            }
        }
        self.post.apply(&mut out, width);
        Ok(Value::batch(width, out))
    }
}
