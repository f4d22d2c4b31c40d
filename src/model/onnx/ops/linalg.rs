//! Matrix products of a batch with a constant weight matrix: MatMul and Gemm.

use crate::model::onnx::value::{Tensor, Value};

/// A constant weight matrix `k × m`, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    k: usize,
    m: usize,
    data: Vec<f64>,
}

impl Weights {
    /// `t` as a `k × m` matrix (a vector `[k]` is `k × 1`), transposed first if asked.
    pub fn new(t: &Tensor, transpose: bool) -> Result<Self, String> {
        let (rows, cols) = match t.shape.as_slice() {
            [k] => (*k, 1),
            [k, m] => (*k, *m),
            other => return Err(format!("weights of shape {other:?} are not a matrix")),
        };
        if !transpose {
            return Ok(Weights { k: rows, m: cols, data: t.data.clone() });
        }
        let mut data = vec![0.0; rows * cols];
        for r in 0..rows {
            for c in 0..cols {
                data[c * rows + r] = t.data[r * cols + c];
            }
        }
        Ok(Weights { k: cols, m: rows, data })
    }

    /// `x · W` for a batch `x` with `k` columns.
    pub fn apply(&self, x: &Value) -> Result<Vec<f64>, String> {
        let Value::Batch { cols, data } = x else {
            return Err("a matrix product needs a batch on the left".into());
        };
        if *cols != self.k {
            return Err(format!("a batch of {cols} columns times a {}×{} matrix", self.k, self.m));
        }
        let mut out = Vec::with_capacity(data.len() / self.k.max(1) * self.m);
        let mut acc = vec![0.0; self.m];
        for row in data.chunks_exact(self.k.max(1)) {
            acc.iter_mut().for_each(|a| *a = 0.0);
            for (x, w_row) in row.iter().zip(self.data.chunks_exact(self.m.max(1))) {
                for (a, w) in acc.iter_mut().zip(w_row) {
                    *a += x * w;
                }
            }
            out.extend_from_slice(&acc);
        }
        Ok(out)
    }

    /// Output width.
    pub fn width(&self) -> usize {
        self.m
    }
}
