//! scikit-learn preprocessing operators of ONNX-ML: Scaler, Normalizer, Imputer,
//! OneHotEncoder.

use crate::model::onnx::value::Value;

fn batch(v: &Value) -> Result<(usize, &[f64]), String> {
    match v {
        Value::Batch { cols, data } => Ok((*cols, data)),
        Value::Const(_) => Err("expects a batch, not a constant".into()),
    }
}

/// A per-column parameter list: one value for every column, or one for all.
pub fn per_column(values: &[f64], cols: usize, what: &str) -> Result<Vec<f64>, String> {
    match values.len() {
        1 => Ok(vec![values[0]; cols]),
        n if n == cols => Ok(values.to_vec()),
        n => Err(format!("{n} {what} values for {cols} columns")),
    }
}

/// `(x − offset) × scale`, per column.
pub fn scaler(v: &Value, offset: &[f64], scale: &[f64]) -> Result<Value, String> {
    let (cols, data) = batch(v)?;
    let offset = per_column(offset, cols, "offset")?;
    let scale = per_column(scale, cols, "scale")?;
    let mut out = data.to_vec();
    scale_rows(&mut out, &offset, &scale);
    Ok(Value::batch(cols, out))
}

/// `(x − offset) × scale` in place, over rows as wide as `offset` and `scale`.
pub fn scale_rows(rows: &mut [f64], offset: &[f64], scale: &[f64]) {
    for row in rows.chunks_exact_mut(offset.len().max(1)) {
        for ((x, o), s) in row.iter_mut().zip(offset).zip(scale) {
            *x = (*x - o) * s;
        }
    }
}

/// Row normalisation: `MAX`, `L1` or `L2` (a zero row stays zero).
pub fn normalizer(v: &Value, norm: &str) -> Result<Value, String> {
    let (cols, data) = batch(v)?;
    let mut out = data.to_vec();
    normalize_rows(&mut out, cols, norm)?;
    Ok(Value::batch(cols, out))
}

/// Row normalisation in place, over rows `cols` wide.
pub fn normalize_rows(rows: &mut [f64], cols: usize, norm: &str) -> Result<(), String> {
    for row in rows.chunks_exact_mut(cols.max(1)) {
        let n = match norm {
            "MAX" => row.iter().fold(0.0_f64, |m, x| m.max(x.abs())),
            "L1" => row.iter().map(|x| x.abs()).sum(),
            "L2" => row.iter().map(|x| x * x).sum::<f64>().sqrt(),
            other => return Err(format!("unknown norm \"{other}\"")),
        };
        if n != 0.0 {
            row.iter_mut().for_each(|x| *x /= n);
        }
    }
    Ok(())
}

/// Replaces `replaced` (NaN matches NaN) by the column's imputed value.
pub fn imputer(v: &Value, values: &[f64], replaced: f64) -> Result<Value, String> {
    let (cols, data) = batch(v)?;
    let values = per_column(values, cols, "imputed")?;
    let matches = |x: f64| if replaced.is_nan() { x.is_nan() } else { x == replaced };
    let out = data
        .chunks_exact(cols.max(1))
        .flat_map(|row| row.iter().zip(&values).map(|(x, v)| if matches(*x) { *v } else { *x }))
        .collect();
    Ok(Value::batch(cols, out))
}

/// One-hot encoding of integer codes: each input column becomes `categories.len()` columns.
/// An unknown code gives all zeros when `zeros` is set, else an error.
pub fn one_hot(v: &Value, categories: &[i64], zeros: bool) -> Result<Value, String> {
    let (cols, data) = batch(v)?;
    let k = categories.len();
    let mut out = vec![0.0; data.len() * k];
    for (i, &x) in data.iter().enumerate() {
        #[allow(clippy::cast_possible_truncation)]
        match categories.iter().position(|&c| c as f64 == x) {
            Some(j) => out[i * k + j] = 1.0,
            None if zeros => {}
            None => {
                return Err(format!(
                    "value {x} is not one of the encoder's categories {categories:?}"
                ))
            }
        }
    }
    Ok(Value::batch(cols * k, out))
}
