//! Operators that select, join or reshape columns: Concat, Reshape, Flatten, Gather,
//! ArrayFeatureExtractor, Cast. Batches are `rows × cols`; a trailing one-hot or class axis
//! is kept flattened into the columns, which is how every row-wise model reads it.

use crate::model::onnx::value::Value;

/// Concatenates batches along the column axis.
pub fn concat(inputs: &[&Value]) -> Result<Value, String> {
    let parts: Vec<(usize, &Vec<f64>)> = inputs
        .iter()
        .map(|v| match v {
            Value::Batch { cols, data } => Ok((*cols, data)),
            Value::Const(_) => Err("Concat of a constant with a batch is not supported".to_owned()),
        })
        .collect::<Result<_, _>>()?;
    let cols: usize = parts.iter().map(|p| p.0).sum();
    let rows = parts.first().map_or(0, |(c, d)| if *c == 0 { 0 } else { d.len() / c });
    let mut out = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for (c, d) in &parts {
            out.extend_from_slice(&d[r * c..(r + 1) * c]);
        }
    }
    Ok(Value::batch(cols, out))
}

/// Reshape of a batch that keeps one row per input row: `[-1, cols]`, `[rows, -1]`,
/// `[rows, cols]`, or `[-1]` / `[rows]` for one column.
#[allow(clippy::cast_precision_loss, clippy::float_cmp)] // shapes are small integers
pub fn reshape(v: &Value, shape: &[f64], rows: usize) -> Result<Value, String> {
    let Value::Batch { cols, .. } = v else {
        return Err("Reshape of a constant is not supported".into());
    };
    let (rows, cols) = (rows as f64, *cols as f64);
    let keeps_rows = match shape {
        [first, width] => {
            (*first == -1.0 || *first == rows)
                && (*width == cols || (*width == -1.0 && *first == rows))
        }
        [n] => cols == 1.0 && (*n == -1.0 || *n == rows),
        _ => false,
    };
    if keeps_rows {
        Ok(v.clone())
    } else {
        Err(format!("Reshape to {shape:?} would mix the rows of a {rows}×{cols} batch"))
    }
}

/// The columns at `indices` of a batch (ArrayFeatureExtractor, or Gather on axis 1).
pub fn select_columns(v: &Value, indices: &[f64]) -> Result<Value, String> {
    let Value::Batch { cols, data } = v else {
        return Err("selecting columns of a constant is not supported".into());
    };
    let picks: Vec<usize> = indices
        .iter()
        .map(|&i| {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_possible_wrap
            )]
            let index = if i < 0.0 { *cols as i64 + i as i64 } else { i as i64 };
            usize::try_from(index)
                .ok()
                .filter(|&i| i < *cols)
                .ok_or_else(|| format!("column index {i} outside 0..{cols}"))
        })
        .collect::<Result<_, _>>()?;
    let out = data
        .chunks_exact((*cols).max(1))
        .flat_map(|row| picks.iter().map(move |&i| row[i]))
        .collect();
    Ok(Value::batch(picks.len(), out))
}

/// Cast to an integer type truncates toward zero; casts to float types keep the values.
pub fn cast(v: &Value, to_integer: bool) -> Value {
    if !to_integer {
        return v.clone();
    }
    match v {
        Value::Batch { cols, data } => {
            Value::batch(*cols, data.iter().map(|x| x.trunc()).collect())
        }
        Value::Const(t) => {
            let mut t = t.clone();
            t.data.iter_mut().for_each(|x| *x = x.trunc());
            Value::Const(t)
        }
    }
}
