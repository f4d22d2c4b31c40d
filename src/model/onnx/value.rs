//! The values flowing through an ONNX graph: a batch (one row per input row, `cols` wide)
//! or a constant tensor (an initializer). Every number is held as f64; integer tensors
//! (indices, shapes, category codes) are exact in f64.

use crate::model::onnx::proto::{data_type, TensorProto};

/// A constant tensor, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Dimensions (empty for a scalar).
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub data: Vec<f64>,
}

/// A value in the graph.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `rows × cols`, row-major; the row count is the batch's.
    Batch {
        /// Width.
        cols: usize,
        /// Values.
        data: Vec<f64>,
    },
    /// An initializer.
    Const(Tensor),
}

impl Value {
    /// A batch of `cols` columns.
    pub fn batch(cols: usize, data: Vec<f64>) -> Self {
        Value::Batch { cols, data }
    }
}

/// Decodes an initializer's values, or says why it cannot be read.
pub fn tensor_from_proto(t: &TensorProto) -> Result<Tensor, String> {
    let shape: Vec<usize> = t
        .dims
        .iter()
        .map(|&d| {
            usize::try_from(d)
                .map_err(|_| format!("tensor \"{}\" has a negative dimension", t.name))
        })
        .collect::<Result<_, _>>()?;
    let data: Vec<f64> = match t.data_type {
        data_type::FLOAT if !t.raw_data.is_empty() => t
            .raw_data
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        data_type::FLOAT => t.float_data.iter().map(|&x| f64::from(x)).collect(),
        data_type::DOUBLE if !t.raw_data.is_empty() => t
            .raw_data
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            .collect(),
        data_type::DOUBLE => t.double_data.clone(),
        #[allow(clippy::cast_precision_loss)]
        data_type::INT64 if !t.raw_data.is_empty() => t
            .raw_data
            .chunks_exact(8)
            .map(|b| i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as f64)
            .collect(),
        #[allow(clippy::cast_precision_loss)]
        data_type::INT64 => t.int64_data.iter().map(|&x| x as f64).collect(),
        data_type::INT32 if !t.raw_data.is_empty() => t
            .raw_data
            .chunks_exact(4)
            .map(|b| f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        data_type::INT32 => t.int32_data.iter().map(|&x| f64::from(x)).collect(),
        other => {
            return Err(format!(
                "tensor \"{}\" has element type {other}, which Sextant does not read",
                t.name
            ))
        }
    };
    let expected: usize = shape.iter().product();
    if data.len() != expected {
        return Err(format!("tensor \"{}\" has {} values for shape {shape:?}", t.name, data.len()));
    }
    Ok(Tensor { shape, data })
}
