//! Element-wise arithmetic with row broadcasting, activations, and softmax.

use crate::model::onnx::value::{Tensor, Value};

/// A binary element-wise operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    /// `a + b`.
    Add,
    /// `a − b`.
    Sub,
    /// `a × b`.
    Mul,
    /// `a / b`.
    Div,
}

impl Binary {
    fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Mul => a * b,
            Binary::Div => a / b,
        }
    }
}

/// A constant as a row to broadcast over `cols` columns (a scalar, `[cols]` or `[1, cols]`).
fn broadcast_row(t: &Tensor, cols: usize) -> Result<Vec<f64>, String> {
    match t.data.len() {
        1 => Ok(vec![t.data[0]; cols]),
        n if n == cols && t.shape.iter().rev().skip(1).all(|&d| d == 1) => Ok(t.data.clone()),
        _ => Err(format!("cannot broadcast a constant of shape {:?} over {cols} columns", t.shape)),
    }
}

/// `a op b` with numpy broadcasting of a constant across the rows of a batch.
pub fn binary(op: Binary, a: &Value, b: &Value) -> Result<Value, String> {
    match (a, b) {
        (Value::Batch { cols, data }, Value::Const(t)) => {
            let row = broadcast_row(t, *cols)?;
            let out = data
                .chunks_exact((*cols).max(1))
                .flat_map(|r| r.iter().zip(&row).map(|(x, y)| op.apply(*x, *y)))
                .collect();
            Ok(Value::batch(*cols, out))
        }
        (Value::Const(t), Value::Batch { cols, data }) => {
            let row = broadcast_row(t, *cols)?;
            let out = data
                .chunks_exact((*cols).max(1))
                .flat_map(|r| r.iter().zip(&row).map(|(x, y)| op.apply(*y, *x)))
                .collect();
            Ok(Value::batch(*cols, out))
        }
        (Value::Batch { cols: ca, data: da }, Value::Batch { cols: cb, data: db }) if ca == cb => {
            Ok(Value::batch(*ca, da.iter().zip(db).map(|(x, y)| op.apply(*x, *y)).collect()))
        }
        (Value::Const(x), Value::Const(y)) if x.data.len() == y.data.len() => {
            Ok(Value::Const(Tensor {
                shape: x.shape.clone(),
                data: x.data.iter().zip(&y.data).map(|(p, q)| op.apply(*p, *q)).collect(),
            }))
        }
        _ => Err("operands of different widths".into()),
    }
}

/// A unary element-wise function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unary {
    /// `max(x, 0)`.
    Relu,
    /// `1 / (1 + e^−x)`.
    Sigmoid,
    /// `tanh x`.
    Tanh,
    /// `e^x`.
    Exp,
    /// `|x|`.
    Abs,
    /// `−x`.
    Neg,
}

impl Unary {
    fn apply(self, x: f64) -> f64 {
        match self {
            Unary::Relu => x.max(0.0),
            Unary::Sigmoid => crate::math::sigmoid(x),
            Unary::Tanh => crate::math::tanh(x),
            Unary::Exp => crate::math::exp(x),
            Unary::Abs => x.abs(),
            Unary::Neg => -x,
        }
    }
}

/// `f` applied to every value.
pub fn unary(f: Unary, v: &Value) -> Value {
    match v {
        Value::Batch { cols, data } => {
            Value::batch(*cols, data.iter().map(|&x| f.apply(x)).collect())
        }
        Value::Const(t) => Value::Const(Tensor {
            shape: t.shape.clone(),
            data: t.data.iter().map(|&x| f.apply(x)).collect(),
        }),
    }
}

/// Softmax of each row, in place.
pub fn softmax_rows(data: &mut [f64], cols: usize) {
    for row in data.chunks_exact_mut(cols.max(1)) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut total = 0.0;
        for x in row.iter_mut() {
            *x = crate::math::exp(*x - max);
            total += *x;
        }
        for x in row.iter_mut() {
            *x /= total;
        }
    }
}
