//! Linear and logistic models from a coefficients JSON file, evaluated in f64.
//!
//! The format is that of `../shared/reference/*/logreg_coefficients.json`:
//! `{"feature_names": [...], "coef_raw": [...], "intercept_raw": x}` (also accepted:
//! `coefficients` and `intercept`), with an optional `"link": "logistic" | "identity"`.
//! Without a link, a file with `classes` is a logistic classifier and one without is a linear
//! regressor. A classifier outputs `[1 − p, p]`, like a binary ONNX classifier.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::Model;

#[derive(Deserialize)]
struct CoefficientsFile {
    feature_names: Vec<String>,
    #[serde(alias = "coefficients")]
    coef_raw: Vec<f64>,
    #[serde(alias = "intercept")]
    intercept_raw: f64,
    #[serde(default)]
    classes: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    link: Option<String>,
}

/// A linear model `intercept + Σ wᵢ xᵢ`, optionally through the logistic function.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    feature_names: Vec<String>,
    weights: Vec<f64>,
    intercept: f64,
    logistic: bool,
}

impl LinearModel {
    /// A model from its parts.
    pub fn new(
        feature_names: Vec<String>,
        weights: Vec<f64>,
        intercept: f64,
        logistic: bool,
    ) -> Self {
        LinearModel { feature_names, weights, intercept, logistic }
    }

    /// Parses a coefficients JSON file.
    ///
    /// # Errors
    /// When the JSON is malformed, lacks a field, or has as many names as coefficients.
    pub fn from_json(bytes: &[u8], source: &str) -> Result<Self> {
        let file: CoefficientsFile = serde_json::from_slice(bytes)
            .map_err(|e| Error::model(source, format!("not a coefficients file: {e}")))?;
        if file.feature_names.len() != file.coef_raw.len() {
            return Err(Error::model(
                source,
                format!(
                    "{} feature names but {} coefficients",
                    file.feature_names.len(),
                    file.coef_raw.len()
                ),
            ));
        }
        if file.coef_raw.iter().chain([&file.intercept_raw]).any(|w| !w.is_finite()) {
            return Err(Error::model(source, "a coefficient is not a finite number"));
        }
        let logistic = match file.link.as_deref() {
            Some("logistic") => true,
            Some("identity") => false,
            Some(other) => {
                return Err(Error::model(
                    source,
                    format!("unknown link \"{other}\" (logistic or identity)"),
                ))
            }
            None => file.classes.is_some(),
        };
        Ok(LinearModel::new(file.feature_names, file.coef_raw, file.intercept_raw, logistic))
    }
}

impl Model for LinearModel {
    fn n_features(&self) -> Option<usize> {
        Some(self.weights.len())
    }

    fn feature_names(&self) -> Option<&[String]> {
        Some(&self.feature_names)
    }

    fn n_outputs(&self) -> usize {
        if self.logistic {
            2
        } else {
            1
        }
    }

    fn is_classifier(&self) -> bool {
        self.logistic
    }

    fn accepts_missing(&self) -> bool {
        false
    }

    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        if n_features != self.weights.len() {
            return Err(Error::invalid_option(
                "features",
                format!(
                    "the model takes {} features, the rows have {n_features}",
                    self.weights.len()
                ),
            ));
        }
        let width = self.n_outputs();
        let mut out = vec![0.0; rows.len() / n_features.max(1) * width];
        let rows = rows.chunks_exact(n_features.max(1));
        if self.logistic {
            // Linear scores first, then the logistic in a separate loop that vectorises.
            for (row, o) in rows.zip(out.chunks_exact_mut(width)) {
                o[1] = self.intercept + dot(row, &self.weights);
            }
            for o in out.chunks_exact_mut(width) {
                let p = crate::math::sigmoid(o[1]);
                o[0] = 1.0 - p;
                o[1] = p;
            }
        } else {
            for (row, o) in rows.zip(out.iter_mut()) {
                *o = self.intercept + dot(row, &self.weights);
            }
        }
        Ok(out)
    }
}

/// x·w with four running sums, which lets the compiler vectorise it.
fn dot(x: &[f64], w: &[f64]) -> f64 {
    let mut sums = [0.0; 4];
    let (x4, w4) = (x.chunks_exact(4), w.chunks_exact(4));
    let tail: f64 = x4.remainder().iter().zip(w4.remainder()).map(|(a, b)| a * b).sum();
    for (a, b) in x4.zip(w4) {
        for k in 0..4 {
            sums[k] += a[k] * b[k];
        }
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + tail
}
