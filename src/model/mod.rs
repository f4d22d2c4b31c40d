//! Models: batched functions from rows of features to outputs, loaded from bytes.
//!
//! Two formats: ONNX files exported by skl2onnx (classical ONNX-ML operators and dense
//! networks, evaluated by Sextant's own executor, see [`onnx`]) and coefficient JSON files of
//! linear and logistic models ([`coefficients`]). [`load_model`] tells them apart by content.

pub mod coefficients;
pub mod onnx;

use crate::error::{Error, Result};

/// A model: evaluates batches of rows.
pub trait Model: Send + Sync {
    /// The number of input features, when the model declares it.
    fn n_features(&self) -> Option<usize>;
    /// The input features' names, when the model carries them.
    fn feature_names(&self) -> Option<&[String]>;
    /// The number of output columns (2 for a binary classifier's probabilities).
    fn n_outputs(&self) -> usize;
    /// Whether the outputs are class probabilities.
    fn is_classifier(&self) -> bool;
    /// Whether NaN inputs are meaningful to the model (it imputes or routes missing values).
    fn accepts_missing(&self) -> bool;
    /// Evaluates `rows` (row-major, `n_features` per row) and returns the outputs,
    /// row-major, `n_outputs()` per row.
    ///
    /// # Errors
    /// When the width does not match the model, or an operator fails on the data.
    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>>;
}

/// The default output column: the positive class's probability for a binary classifier,
/// else the first output.
pub fn default_output(model: &dyn Model) -> usize {
    usize::from(model.is_classifier() && model.n_outputs() == 2)
}

/// Loads a model from its bytes: a coefficients JSON object, or an ONNX file. `source`
/// names it in errors.
///
/// # Errors
/// When the bytes are neither, or describe a model Sextant cannot evaluate.
pub fn load_model(bytes: &[u8], source: &str) -> Result<Box<dyn Model>> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => Err(Error::model(source, "the model file is empty")),
        Some(b'{') => Ok(Box::new(coefficients::LinearModel::from_json(bytes, source)?)),
        Some(_) => Ok(Box::new(onnx::OnnxModel::from_bytes(bytes, source)?)),
    }
}
