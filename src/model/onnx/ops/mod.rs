//! The operators Sextant evaluates itself: the classical ONNX-ML operators skl2onnx emits
//! for scikit-learn pipelines, and the small set of standard operators of dense networks
//! (MatMul, Gemm, Add, Relu, Sigmoid, Softmax, …) over row batches.

pub mod arith;
pub mod leq_forest;
pub mod linalg;
pub mod linear;
pub mod preprocess;
pub mod shape;
pub mod tree;

use crate::model::onnx::attributes::NodeAttributes;
use crate::model::onnx::proto::{data_type, NodeProto};
use crate::model::onnx::value::{Tensor, Value};
use arith::{Binary, Unary};
use linalg::Weights;
use linear::{Linear, PostTransform};
use tree::TreeEnsemble;

/// A compiled operator.
#[derive(Debug, Clone)]
pub enum Op {
    /// Passes its input on (also ZipMap's input side, Dropout at inference).
    Identity,
    /// Cast; `true` when the target type is an integer.
    Cast(bool),
    /// Element-wise binary arithmetic.
    Binary(Binary),
    /// Element-wise unary function.
    Unary(Unary),
    /// Softmax over each row.
    Softmax,
    /// `x · W`.
    MatMul,
    /// `alpha · x · W + beta · c`.
    Gemm { weights: Weights, alpha: f64, beta: f64 },
    /// Join along columns.
    Concat,
    /// A row-preserving reshape.
    Reshape,
    /// Flatten to rows (a no-op on batches).
    Flatten,
    /// Column selection (Gather on axis 1, ArrayFeatureExtractor).
    SelectColumns,
    /// ONNX-ML Scaler.
    Scaler { offset: Vec<f64>, scale: Vec<f64> },
    /// ONNX-ML Normalizer.
    Normalizer(String),
    /// ONNX-ML Imputer.
    Imputer { values: Vec<f64>, replaced: f64 },
    /// ONNX-ML OneHotEncoder over integer categories.
    OneHot { categories: Vec<i64>, zeros: bool },
    /// ONNX-ML LinearClassifier / LinearRegressor.
    Linear(Linear),
    /// ONNX-ML TreeEnsembleClassifier / TreeEnsembleRegressor.
    Trees(Box<TreeEnsemble>),
}

/// Why a node cannot be compiled.
pub enum CompileError {
    /// Sextant does not implement the operator.
    Unsupported { hint: &'static str },
    /// The node is malformed.
    Invalid(String),
}

impl From<String> for CompileError {
    fn from(message: String) -> Self {
        CompileError::Invalid(message)
    }
}

/// Compiles `node`; `constant(i)` is the node's i-th input when it is an initializer.
pub fn compile(
    node: &NodeProto,
    constant: impl Fn(usize) -> Option<Tensor>,
) -> Result<Op, CompileError> {
    let attrs = NodeAttributes::new(node);
    let ml = node.domain == "ai.onnx.ml";
    let op = match (ml, node.op_type.as_str()) {
        (false, "Identity" | "Dropout") => Op::Identity,
        (false, "Cast") => Op::Cast(matches!(
            i32::try_from(attrs.int("to", 1)).unwrap_or(0),
            data_type::INT64 | data_type::INT32 | 2..=5 | 12 | 13
        )),
        (false, "Add") => Op::Binary(Binary::Add),
        (false, "Sub") => Op::Binary(Binary::Sub),
        (false, "Mul") => Op::Binary(Binary::Mul),
        (false, "Div") => Op::Binary(Binary::Div),
        (false, "Relu") => Op::Unary(Unary::Relu),
        (false, "Sigmoid") => Op::Unary(Unary::Sigmoid),
        (false, "Tanh") => Op::Unary(Unary::Tanh),
        (false, "Exp") => Op::Unary(Unary::Exp),
        (false, "Abs") => Op::Unary(Unary::Abs),
        (false, "Neg") => Op::Unary(Unary::Neg),
        (false, "Softmax") => match attrs.int("axis", -1) {
            -1 | 1 => Op::Softmax,
            _ => {
                return Err(CompileError::Invalid(
                    "Softmax over an axis other than the last".into(),
                ))
            }
        },
        (false, "MatMul") => Op::MatMul,
        (false, "Gemm") => {
            if attrs.int("transA", 0) != 0 {
                return Err(CompileError::Invalid("Gemm with transA is not supported".into()));
            }
            let b = constant(1).ok_or_else(|| "Gemm needs constant weights".to_owned())?;
            Op::Gemm {
                weights: Weights::new(&b, attrs.int("transB", 0) != 0)?,
                alpha: f64::from(attrs.float("alpha", 1.0)),
                beta: f64::from(attrs.float("beta", 1.0)),
            }
        }
        (false, "Concat") => match attrs.int("axis", 1) {
            1 | -1 => Op::Concat,
            _ => {
                return Err(CompileError::Invalid(
                    "Concat along an axis other than the columns".into(),
                ))
            }
        },
        (false, "Reshape") => Op::Reshape,
        (false, "Flatten") => Op::Flatten,
        (false, "Gather") if attrs.int("axis", 0) == 1 => Op::SelectColumns,
        (true, "ArrayFeatureExtractor") => Op::SelectColumns,
        (true, "ZipMap") => Op::Identity,
        (true, "Scaler") => {
            Op::Scaler { offset: attrs.floats("offset")?, scale: attrs.floats("scale")? }
        }
        (true, "Normalizer") => Op::Normalizer(attrs.string("norm", "MAX")),
        (true, "Imputer") => {
            let values = attrs.floats("imputed_value_floats")?;
            if values.is_empty() {
                return Err(CompileError::Invalid(
                    "Imputer without imputed_value_floats (integer imputers are not supported)"
                        .into(),
                ));
            }
            Op::Imputer {
                values,
                replaced: f64::from(attrs.float("replaced_value_float", f32::NAN)),
            }
        }
        (true, "OneHotEncoder") => {
            let categories = attrs.ints("cats_int64s").to_vec();
            if categories.is_empty() {
                return Err(CompileError::Unsupported { hint: "only integer categories (cats_int64s) are supported; encode string categories as numbers" });
            }
            Op::OneHot { categories, zeros: attrs.int("zeros", 1) != 0 }
        }
        (true, "LinearClassifier") => {
            let classes = attrs
                .ints("classlabels_ints")
                .len()
                .max(attrs.strings("classlabels_strings").len());
            linear_op(&attrs, Some(classes))?
        }
        (true, "LinearRegressor") => linear_op(&attrs, None)?,
        (true, "TreeEnsembleClassifier") => {
            Op::Trees(Box::new(TreeEnsemble::compile(&attrs, true)?))
        }
        (true, "TreeEnsembleRegressor") => {
            Op::Trees(Box::new(TreeEnsemble::compile(&attrs, false)?))
        }
        (true, "SVMClassifier" | "SVMRegressor") => {
            return Err(CompileError::Unsupported {
                hint: "support vector machines are not supported yet",
            })
        }
        _ => return Err(CompileError::Unsupported { hint: "" }),
    };
    Ok(op)
}

fn linear_op(attrs: &NodeAttributes<'_>, classes: Option<usize>) -> Result<Op, String> {
    let coefficients = attrs.floats("coefficients")?;
    let intercepts = attrs.floats("intercepts")?;
    let targets = match classes {
        Some(c) if c > 0 && coefficients.len() % c == 0 && intercepts.len() == c => c,
        Some(_) => intercepts.len().max(1),
        None => {
            usize::try_from(attrs.int("targets", 1)).map_err(|_| "negative targets".to_owned())?
        }
    };
    Ok(Op::Linear(Linear::new(
        coefficients,
        intercepts,
        targets,
        PostTransform::parse(&attrs.string("post_transform", "NONE"))?,
        classes,
    )))
}

fn constant_values(v: &Value) -> Result<&[f64], String> {
    match v {
        Value::Const(t) => Ok(&t.data),
        Value::Batch { .. } => Err("this input must be a constant (an initializer)".into()),
    }
}

impl Op {
    /// Runs the operator on its inputs for a batch of `rows` rows.
    pub fn run(&self, inputs: &[&Value], rows: usize) -> Result<Value, String> {
        let first = inputs.first().copied().ok_or_else(|| "no input".to_owned())?;
        let second =
            || inputs.get(1).copied().ok_or_else(|| "a second input is missing".to_owned());
        match self {
            Op::Identity | Op::Flatten => Ok(first.clone()),
            Op::Cast(to_integer) => Ok(shape::cast(first, *to_integer)),
            Op::Binary(op) => arith::binary(*op, first, second()?),
            Op::Unary(f) => Ok(arith::unary(*f, first)),
            Op::Softmax => match first {
                Value::Batch { cols, data } => {
                    let mut data = data.clone();
                    arith::softmax_rows(&mut data, *cols);
                    Ok(Value::batch(*cols, data))
                }
                Value::Const(_) => Err("Softmax of a constant".into()),
            },
            Op::MatMul => {
                let Value::Const(w) = second()? else {
                    return Err("MatMul needs constant weights".into());
                };
                let weights = Weights::new(w, false)?;
                Ok(Value::batch(weights.width(), weights.apply(first)?))
            }
            Op::Gemm { weights, alpha, beta } => {
                let mut out = weights.apply(first)?;
                out.iter_mut().for_each(|x| *x *= alpha);
                let product = Value::batch(weights.width(), out);
                match inputs.get(2) {
                    Some(Value::Const(c)) => {
                        let scaled = Tensor {
                            shape: c.shape.clone(),
                            data: c.data.iter().map(|x| x * beta).collect(),
                        };
                        arith::binary(Binary::Add, &product, &Value::Const(scaled))
                    }
                    Some(Value::Batch { .. }) => {
                        Err("Gemm with a batch as C is not supported".into())
                    }
                    None => Ok(product),
                }
            }
            Op::Concat => shape::concat(inputs),
            Op::Reshape => shape::reshape(first, constant_values(second()?)?, rows),
            Op::SelectColumns => shape::select_columns(first, constant_values(second()?)?),
            Op::Scaler { offset, scale } => preprocess::scaler(first, offset, scale),
            Op::Normalizer(norm) => preprocess::normalizer(first, norm),
            Op::Imputer { values, replaced } => preprocess::imputer(first, values, *replaced),
            Op::OneHot { categories, zeros } => preprocess::one_hot(first, categories, *zeros),
            Op::Linear(linear) => linear.apply(first),
            Op::Trees(trees) => trees.apply(first),
        }
    }
}
