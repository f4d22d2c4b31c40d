//! LinearClassifier and LinearRegressor (ONNX-ML), and the post-transforms classifiers share.

use crate::math::sigmoid_in_place;
use crate::model::additive::{dot_products, ScoreLink};
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
            PostTransform::Logistic => sigmoid_in_place(scores),
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
    /// When every output comes from one score (see [`Linear::single_score`]).
    single: Option<SingleScore>,
}

/// Where a linear model's one score comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SingleScore {
    /// Where its coefficients start in `coefficients` (they run to the end).
    start: usize,
    intercept: f64,
    link: ScoreLink,
}

impl Linear {
    /// A linear model; whether its outputs come from one score is worked out once, here.
    pub fn new(
        coefficients: Vec<f64>,
        intercepts: Vec<f64>,
        targets: usize,
        post: PostTransform,
        classes: Option<usize>,
    ) -> Self {
        let mut linear = Linear { coefficients, intercepts, targets, post, classes, single: None };
        linear.single = linear.find_single_score();
        linear
    }

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
        if let Some((w, intercept, link)) = self.single_score() {
            dot_products(rows, w, scores);
            link.write_rows(intercept, scores, out);
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

    /// The coefficients, intercept and link of a model whose outputs all come from one
    /// score: a regressor with one target, or a binary classifier whose negative class
    /// scores minus the positive one (one set of coefficients, or two that are exact
    /// negatives, as scikit-learn's logistic regression exports). Negation is exact in
    /// floating point, so the one score gives every output bit for bit.
    pub fn single_score(&self) -> Option<(&[f64], f64, ScoreLink)> {
        let SingleScore { start, intercept, link } = self.single?;
        Some((self.coefficients.get(start..)?, intercept, link))
    }

    fn find_single_score(&self) -> Option<SingleScore> {
        let intercept = |t: usize| self.intercepts.get(t).copied().unwrap_or(0.0);
        let link = match self.post {
            PostTransform::Logistic => ScoreLink::Logistic,
            PostTransform::None => ScoreLink::Mirrored,
            PostTransform::Softmax | PostTransform::SoftmaxZero => return None,
        };
        let single = |start: usize, intercept: f64, link| SingleScore { start, intercept, link };
        match (self.classes, self.targets) {
            (None, 1) if self.post == PostTransform::None => {
                Some(single(0, intercept(0), ScoreLink::Identity))
            }
            (Some(2), 1) => Some(single(0, intercept(0), link)),
            (Some(2), 2) => {
                let cols = self.coefficients.len() / 2;
                let (negative, positive) = self.coefficients.split_at(cols);
                let mirrored = negative.len() == positive.len()
                    && negative.iter().zip(positive).all(|(n, p)| *n == -p)
                    && intercept(0) == -intercept(1);
                mirrored.then(|| single(cols, intercept(1), link))
            }
            _ => None,
        }
    }
}
