//! Models: batched functions from rows of features to outputs, loaded from bytes.
//!
//! Four formats: ONNX files exported by skl2onnx and onnxmltools (classical ONNX-ML
//! operators and dense networks, evaluated by Sextant's own executor, see [`onnx`]),
//! coefficient JSON files of linear and logistic models ([`coefficients`]), and XGBoost JSON
//! and LightGBM text models ([`trees`]). [`load_model`] tells them apart by content.

pub mod additive;
pub mod coefficients;
pub mod onnx;
pub mod scoring;
#[cfg(feature = "tract")]
pub mod tract_graph;
pub mod trees;

use serde::Deserialize;

use crate::data::features::InputSchema;
use crate::error::{Error, ErrorKind, Result};
use additive::AdditiveScore;
use trees::Forest;

/// `Send + Sync` natively, where rows are explained on several threads; nothing in
/// WebAssembly, where a model may be a JavaScript function (which is neither).
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync> MaybeSendSync for T {}
/// `Send + Sync` natively; nothing in WebAssembly.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T> MaybeSendSync for T {}

/// A model: evaluates batches of rows.
pub trait Model: MaybeSendSync {
    /// The number of input features, when the model declares it.
    fn n_features(&self) -> Option<usize>;
    /// The input features' names, when the model carries them.
    fn feature_names(&self) -> Option<&[String]>;
    /// The number of output columns (2 for a binary classifier's probabilities).
    fn n_outputs(&self) -> usize;
    /// Whether the outputs are class probabilities.
    fn is_classifier(&self) -> bool;
    /// The classes of a classifier, in output order, when the model names them.
    fn class_labels(&self) -> Option<&[String]> {
        None
    }
    /// Whether NaN inputs are meaningful to the model (it imputes or routes missing values).
    fn accepts_missing(&self) -> bool;
    /// Evaluates `rows` (row-major, `n_features` per row) and returns the outputs,
    /// row-major, `n_outputs()` per row.
    ///
    /// # Errors
    /// When the width does not match the model, or an operator fails on the data.
    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>>;

    /// The bits of the model's integer input (32 or 64), when its input is an integer
    /// tensor: its values are whole numbers.
    fn integer_input(&self) -> Option<u32> {
        None
    }

    /// What the model needs of its input columns.
    fn input_schema(&self) -> InputSchema {
        InputSchema {
            n_features: self.n_features(),
            feature_names: self.feature_names().map(<[String]>::to_vec),
            accepts_missing: self.accepts_missing(),
            integer: self.integer_input(),
        }
    }

    /// The model as an additive score, when it is one (linear and logistic models): lets
    /// explainers add precomputed per-feature terms instead of evaluating whole rows.
    fn additive(&self) -> Option<&dyn AdditiveScore> {
        None
    }

    /// The model as a tree ensemble, when it is one Sextant reads as trees (XGBoost,
    /// LightGBM, ONNX tree ensembles): lets Tree SHAP walk its trees.
    fn forest(&self) -> Option<&Forest> {
        None
    }
}

/// Which model output to use. A number in JSON or TOML is an output index and a string a
/// class label; on a command line (`--output 1`, parsed by [`std::str::FromStr`]) a whole
/// number is an index and anything else a label, and `index:1` or `label:1` says which
/// when a label is a number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(
    untagged,
    expecting = "an output index (a whole number from 0) or a class label (a string)"
)]
pub enum OutputChoice {
    /// An output index.
    Index(usize),
    /// A class label.
    Label(String),
}

impl From<usize> for OutputChoice {
    fn from(index: usize) -> Self {
        OutputChoice::Index(index)
    }
}

impl std::str::FromStr for OutputChoice {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> std::result::Result<Self, Self::Err> {
        if let Some(label) = text.strip_prefix("label:") {
            return Ok(OutputChoice::Label(label.to_owned()));
        }
        let index = text.strip_prefix("index:").unwrap_or(text);
        Ok(match index.trim().parse::<usize>() {
            Ok(i) => OutputChoice::Index(i),
            Err(_) => OutputChoice::Label(text.to_owned()),
        })
    }
}

/// The default output column: the positive class's probability for a binary classifier,
/// else the first output.
pub fn default_output(model: &dyn Model) -> usize {
    usize::from(model.is_classifier() && model.n_outputs() == 2)
}

/// The model's classes by output: `0: setosa, 1: versicolor`, or `outputs 0 to 2` unnamed.
fn class_list(model: &dyn Model) -> String {
    match model.class_labels() {
        Some(labels) => {
            let listed: Vec<String> =
                labels.iter().enumerate().map(|(i, l)| format!("{i}: {l}")).collect();
            listed.join(", ")
        }
        None => format!("outputs 0 to {}", model.n_outputs().saturating_sub(1)),
    }
}

/// The output to use: `choice` (an index, or a class label), or the model's default;
/// `option` names the option that chose it in errors (`output`, or an audit's
/// `model_output`). A classifier of more than two classes has no default: which class is
/// "positive" is the user's choice.
///
/// # Errors
/// A choice that is neither a class label nor an output index, or no choice for a
/// classifier of more than two classes (the classes listed).
pub fn checked_output(
    model: &dyn Model,
    choice: Option<&OutputChoice>,
    option: &str,
) -> Result<usize> {
    let n = model.n_outputs();
    let classes = || {
        model
            .class_labels()
            .map(|_| format!(" (classes {})", class_list(model)))
            .unwrap_or_default()
    };
    match choice {
        None if model.is_classifier() && n > 2 => Err(Error::invalid_option(
            option,
            format!(
                "the model has {n} classes ({}): choose the class whose probability is the score with ‹{option}›",
                class_list(model)
            ),
        )),
        None => Ok(default_output(model)),
        Some(OutputChoice::Index(i)) if *i < n => Ok(*i),
        Some(OutputChoice::Index(i)) => Err(Error::invalid_option(
            option,
            format!("the model has {n} outputs, 0 to {}: not {i}{}", n.saturating_sub(1), classes()),
        )),
        Some(OutputChoice::Label(label)) => {
            let found = model.class_labels().and_then(|l| l.iter().position(|c| c == label));
            found.ok_or_else(|| {
                Error::invalid_option(
                    option,
                    format!("the model has no class \"{label}\"{}", classes()),
                )
            })
        }
    }
}

/// The class whose probability output `index` is, when the model names its classes.
pub fn output_label(model: &dyn Model, index: usize) -> Option<String> {
    model.class_labels().and_then(|labels| labels.get(index)).cloned()
}

/// Loads a model from its bytes: an XGBoost JSON model (a JSON object with a `learner`), a
/// coefficients JSON object, a LightGBM text model (first line `tree`), or an ONNX file.
/// `source` names it in errors.
///
/// # Errors
/// When the bytes are neither, or describe a model Sextant cannot evaluate.
pub fn load_model(bytes: &[u8], source: &str) -> Result<Box<dyn Model>> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => Err(Error::model(source, "the model file is empty")),
        Some(b'{') if trees::xgboost::looks_like(bytes) => {
            Ok(Box::new(trees::xgboost::read(bytes, source)?))
        }
        Some(b'{') => Ok(Box::new(coefficients::LinearModel::from_json(bytes, source)?)),
        Some(_) if trees::lightgbm::looks_like(bytes) => {
            Ok(Box::new(trees::lightgbm::read(bytes, source)?))
        }
        Some(_) => match onnx::OnnxModel::from_bytes(bytes, source) {
            Ok(model) => Ok(Box::new(model)),
            Err(e) if matches!(e.kind(), ErrorKind::UnsupportedOperator { .. }) => {
                beyond_executor(bytes, source, e)
            }
            Err(e) => Err(e),
        },
    }
}

/// A graph with an operator Sextant's executor lacks: tract gets a try (feature `tract`).
#[cfg(feature = "tract")]
fn beyond_executor(bytes: &[u8], source: &str, unsupported: Error) -> Result<Box<dyn Model>> {
    let (proto, scored) = onnx::inspect(bytes, source)?;
    if scored.integer_bits.is_some() {
        // tract is fed float inputs only; an integer input runs on Sextant's executor.
        return Err(unsupported);
    }
    onnx::check_names(&proto, source)?;
    // tract panics on some malformed graphs (found by fuzzing): a panic is its error here.
    let loaded =
        crate::guard::guarded(|| tract_graph::TractModel::from_bytes(bytes, source, scored))
            .unwrap_or_else(|_| Err(Error::model(source, "tract could not read this graph")));
    match loaded {
        Ok(model) => Ok(Box::new(model)),
        Err(tract_error) => match unsupported.into_kind() {
            ErrorKind::UnsupportedOperator { source_name, op_type, node, hint } => {
                let why = tract_error.to_string();
                let tract_says = why.strip_prefix(&format!("{source}: ")).unwrap_or(&why);
                let hint = if hint.is_empty() {
                    tract_says.to_owned()
                } else {
                    format!("{hint}; {tract_says}")
                };
                Err(ErrorKind::UnsupportedOperator { source_name, op_type, node, hint }.into())
            }
            other => Err(other.into()),
        },
    }
}

/// A graph with an operator Sextant's executor lacks (build without tract).
#[cfg(not(feature = "tract"))]
fn beyond_executor(_bytes: &[u8], _source: &str, unsupported: Error) -> Result<Box<dyn Model>> {
    Err(unsupported)
}
