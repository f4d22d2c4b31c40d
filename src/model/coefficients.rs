//! Linear and logistic models from a coefficients JSON file, evaluated in f64.
//!
//! The format is that of `../shared/reference/*/logreg_coefficients.json`:
//! `{"feature_names": [...], "coef_raw": [...], "intercept_raw": x}` (also accepted:
//! `coefficients` and `intercept`), with an optional `"link": "logistic" | "identity"`.
//! Without a link, a file with `classes` is a logistic classifier and one without is a linear
//! regressor. A classifier outputs `[1 − p, p]`, like a binary ONNX classifier.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::additive::{dot_products, AdditiveScore, ScoreLink};
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
    /// The two classes of a logistic classifier (negative first), when the file names them.
    classes: Option<Vec<String>>,
}

impl LinearModel {
    /// A model from its parts.
    pub fn new(
        feature_names: Vec<String>,
        weights: Vec<f64>,
        intercept: f64,
        logistic: bool,
    ) -> Self {
        LinearModel { feature_names, weights, intercept, logistic, classes: None }
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
        let classes = match (&file.classes, logistic) {
            (Some(classes), true) if classes.len() == 2 => {
                Some(classes.iter().map(class_name).collect())
            }
            (Some(classes), true) => {
                return Err(Error::model(
                    source,
                    format!("a logistic model has two classes, not {}", classes.len()),
                ))
            }
            _ => None,
        };
        Ok(LinearModel {
            classes,
            ..LinearModel::new(file.feature_names, file.coef_raw, file.intercept_raw, logistic)
        })
    }
}

/// A class of the `classes` list as text: strings as they are, numbers as JSON writes them.
fn class_name(value: &serde_json::Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
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

    fn class_labels(&self) -> Option<&[String]> {
        self.classes.as_deref()
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
        let mut scores = vec![0.0; rows.len() / n_features.max(1)];
        dot_products(rows, &self.weights, &mut scores);
        let mut out = vec![0.0; scores.len() * width];
        self.link().write_rows(self.intercept, &mut scores, &mut out);
        Ok(out)
    }

    fn additive(&self) -> Option<&dyn AdditiveScore> {
        Some(self)
    }
}

impl LinearModel {
    fn link(&self) -> ScoreLink {
        if self.logistic {
            ScoreLink::Logistic
        } else {
            ScoreLink::Identity
        }
    }
}

impl AdditiveScore for LinearModel {
    fn terms(&self, feature: usize, values: &[f64], terms: &mut [f64]) {
        let w = self.weights.get(feature).copied().unwrap_or(0.0);
        for (t, v) in terms.iter_mut().zip(values) {
            *t = v * w;
        }
    }

    fn outputs(&self, sums: &mut [f64], output: usize) {
        self.link().apply(self.intercept, sums, output);
    }
}
