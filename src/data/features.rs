//! Reads the model's feature columns of a CSV into a row-major matrix (explained rows,
//! backgrounds, training data).

use std::io::Read;

use csv::{ByteRecord, ReaderBuilder};

use crate::data::csv_error;
use crate::data::scoring::{parse_feature, resolve_features};
use crate::error::{Error, ErrorKind, Location, Result};
use crate::model::Model;

/// Feature values of some rows.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    /// Column names, in model order.
    pub names: Vec<String>,
    /// Values, row-major.
    pub values: Vec<f64>,
    /// Number of rows.
    pub n_rows: usize,
}

impl FeatureMatrix {
    /// Checks that `other` (named by the option `name`) has this matrix's feature columns.
    ///
    /// # Errors
    /// Different columns, named in the message.
    pub fn check_same_columns(&self, other: &FeatureMatrix, name: &str) -> Result<()> {
        if self.names == other.names {
            return Ok(());
        }
        Err(Error::invalid_option(
            name,
            format!(
                "its feature columns ({}) differ from the rows' ({})",
                other.names.join(","),
                self.names.join(",")
            ),
        ))
    }
}

/// Reads the columns `model` takes from a CSV (chosen as `sextant predict` chooses them).
///
/// # Errors
/// Bad CSV, unknown or mismatched columns, a header without rows, and non-numeric or
/// non-finite values (line and column named; missing values only where the model imputes).
pub fn read_features<R: Read>(
    reader: R,
    source: &str,
    model: &dyn Model,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<FeatureMatrix> {
    let mut csv = ReaderBuilder::new().from_reader(reader);
    let header: Vec<String> =
        csv.headers().map_err(|e| csv_error(source, &e))?.iter().map(str::to_owned).collect();
    if header.iter().all(String::is_empty) {
        return Err(ErrorKind::Empty { source_name: source.to_owned() }.into());
    }
    let columns = resolve_features(&header, model, features, ignore, source)?;
    let mut values = Vec::new();
    let mut record = ByteRecord::new();
    let mut n_rows = 0;
    while csv.read_byte_record(&mut record).map_err(|e| csv_error(source, &e))? {
        push_features(&record, &columns, &header, source, model.accepts_missing(), &mut values)?;
        n_rows += 1;
    }
    if n_rows == 0 {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    Ok(FeatureMatrix {
        names: columns.iter().map(|&c| header[c].clone()).collect(),
        values,
        n_rows,
    })
}

/// The header row of a CSV.
///
/// # Errors
/// Bad CSV, or an empty file.
pub(crate) fn read_header<R: Read>(csv: &mut csv::Reader<R>, source: &str) -> Result<Vec<String>> {
    let header: Vec<String> =
        csv.headers().map_err(|e| csv_error(source, &e))?.iter().map(str::to_owned).collect();
    if header.iter().all(String::is_empty) {
        return Err(ErrorKind::Empty { source_name: source.to_owned() }.into());
    }
    Ok(header)
}

/// Appends the values of `record`'s feature `columns` to `out`.
///
/// # Errors
/// A cell that is not UTF-8, not a number, infinite, or missing where the model does not
/// impute (line and column named).
pub(crate) fn push_features(
    record: &ByteRecord,
    columns: &[usize],
    header: &[String],
    source: &str,
    allow_missing: bool,
    out: &mut Vec<f64>,
) -> Result<()> {
    let line = record.position().map_or(0, csv::Position::line);
    for &c in columns {
        let at = || Location::source(source).at_line(line).in_column(&header[c]);
        let cell = std::str::from_utf8(&record[c])
            .map_err(|_| Error::from(ErrorKind::NotUtf8 { at: at() }))?;
        out.push(parse_feature(cell, allow_missing, at)?);
    }
    Ok(())
}
