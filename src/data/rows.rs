//! Row-major rows of feature values with their width, so that a buffer whose length is not
//! a multiple of the width is an error where it is built, not a silently dropped tail.

use crate::error::{Error, Result};

/// `n_rows × width` values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    values: Vec<f64>,
    width: usize,
}

impl Rows {
    /// `values` cut into rows of `width` values; `name` names the input in errors.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`] naming `name` when the width is 0 or the
    /// number of values is not a multiple of it.
    pub fn new(values: Vec<f64>, width: usize, name: &str) -> Result<Rows> {
        if width == 0 {
            return Err(Error::invalid_option(name, "rows need at least one feature"));
        }
        if !values.len().is_multiple_of(width) {
            return Err(Error::invalid_option(
                name,
                format!(
                    "{} values do not make rows of {width} features ({} left over)",
                    values.len(),
                    values.len() % width
                ),
            ));
        }
        Ok(Rows { values, width })
    }

    /// Values per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len() / self.width
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Row `i` (`width` values). Panics past the last row, as slice indexing does.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.width..(i + 1) * self.width]
    }

    /// Every value, row-major.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The rows at `indices`, in that order.
    ///
    /// # Errors
    /// An index past the last row, named with `name`.
    pub fn select(&self, indices: &[usize], name: &str) -> Result<Rows> {
        let mut values = Vec::with_capacity(indices.len() * self.width);
        for &i in indices {
            if i >= self.len() {
                return Err(Error::invalid_option(
                    name,
                    format!("row {i} is past the data's {} rows (indices start at 0)", self.len()),
                ));
            }
            values.extend_from_slice(self.row(i));
        }
        Ok(Rows { values, width: self.width })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ragged_buffer_is_an_error() {
        let e = Rows::new(vec![1.0; 7], 3, "data").map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            e,
            Err("invalid data: 7 values do not make rows of 3 features (1 left over)".into())
        );
        let rows = Rows::new(vec![1.0, 2.0, 3.0, 4.0], 2, "data");
        assert_eq!(rows.as_ref().map(|r| (r.len(), r.row(1))).ok(), Some((2, &[3.0, 4.0][..])));
    }
}
