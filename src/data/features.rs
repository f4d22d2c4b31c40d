//! The model's input columns of a CSV: the [`InputSchema`] a model declares, the choice of
//! columns that fill it ([`resolve_features`], shared by scoring and explaining), and the
//! cells parsed into a [`FeatureMatrix`] (explained rows, backgrounds, training data).

use std::io::Read;

use csv::ByteRecord;

use crate::data::header::Header;
use crate::data::missing::is_missing;
use crate::data::rows::Rows;
use crate::data::{csv_error, csv_reader};
use crate::error::{Error, ErrorKind, Location, Result};

/// What a model needs of its input columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSchema {
    /// The number of input features, when the model declares it.
    pub n_features: Option<usize>,
    /// The features' names, when the model carries them.
    pub feature_names: Option<Vec<String>>,
    /// Whether missing values (empty cells, `NaN`) are meaningful to the model (it imputes
    /// or routes them).
    pub accepts_missing: bool,
    /// The bits of the model's integer input (32 or 64), when its input is an integer
    /// tensor: values must then be whole numbers within its range (for int64, within ±2^53,
    /// where every whole number is exact in the f64 Sextant reads).
    pub integer: Option<u32>,
}

/// One number per CSV record, computed from the record's cells: a model scoring its
/// feature columns (implemented in `model::scoring`), seen from readers that must not
/// depend on models.
pub(crate) trait ScoreRecords {
    /// Chooses the columns to read in `header`.
    ///
    /// # Errors
    /// Columns that are missing, repeated or do not fit the model.
    fn bind(&mut self, header: &Header) -> Result<()>;

    /// Appends one score per record to `scores`.
    ///
    /// # Errors
    /// A cell that cannot be read (line and column named), or a failing model call.
    fn score(&mut self, records: &[ByteRecord], scores: &mut Vec<f64>) -> Result<()>;
}

/// Feature values of some rows, with their column names.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    /// Column names, in model order.
    pub names: Vec<String>,
    /// The rows, one value per name.
    pub rows: Rows,
}

impl FeatureMatrix {
    /// Checks that `other` (named by the option `name`) has this matrix's feature columns.
    ///
    /// # Errors
    /// Different columns, named in the message.
    pub fn check_same_columns(&self, other: &FeatureMatrix, name: &str) -> Result<()> {
        self.check_columns(&other.names, name)
    }

    /// Checks that the columns `names` of the input named by the option `name` are this
    /// matrix's feature columns.
    ///
    /// # Errors
    /// Different columns, named in the message.
    pub fn check_columns(&self, names: &[String], name: &str) -> Result<()> {
        if self.names == names {
            return Ok(());
        }
        Err(Error::invalid_option(
            name,
            format!(
                "its feature columns ({}) differ from the rows' ({})",
                names.join(","),
                self.names.join(",")
            ),
        ))
    }
}

/// The columns of `header` that fill `schema`, in model order: `features` when given, else
/// the model's feature names, else every column not in `ignore`. `ignore` may name columns
/// this file lacks (explained rows and a background often differ in their id columns).
///
/// # Errors
/// When a named column is missing or repeated in the header (with suggestions), or the
/// number or names of the columns do not match the schema (listing what it expects).
pub fn resolve_features(
    header: &Header,
    schema: &InputSchema,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<Vec<usize>> {
    let names: Vec<String> = match (features, &schema.feature_names) {
        (Some(given), _) => given.to_vec(),
        (None, Some(model_names)) => model_names.clone(),
        (None, None) => header.names().iter().filter(|h| !ignore.contains(h)).cloned().collect(),
    };
    if let (Some(expected), Some(_)) = (&schema.feature_names, features) {
        if expected != &names {
            return Err(Error::invalid_option(
                "features",
                format!("the model's features are {}; got {}", expected.join(","), names.join(",")),
            ));
        }
    }
    if let Some(m) = schema.n_features.filter(|&m| m != names.len()) {
        return Err(Error::invalid_option(
            "features",
            format!(
                "the model takes {m} features but {} columns were chosen ({}); choose them with ‹features› or leave some out with ‹ignore›",
                names.len(),
                names.join(",")
            ),
        ));
    }
    if names.is_empty() {
        return Err(Error::invalid_option("features", "no feature columns are left to read"));
    }
    names.iter().map(|n| header.find(n)).collect()
}

/// Parses one feature cell. Missing-value markers (empty, `NA`, `NaN`, `null`, …: see
/// [`crate::data::missing`]) are missing values, allowed only when the model handles them;
/// infinities never are.
///
/// # Errors
/// A cell that is not a number, infinite, or missing where `allow_missing` is false; the
/// error is placed at `at()`.
pub fn parse_feature(
    cell: &str,
    allow_missing: bool,
    at: impl FnOnce() -> Location,
) -> Result<f64> {
    let text = cell.trim();
    let value = if is_missing(text.as_bytes()) { Ok(f64::NAN) } else { text.parse::<f64>() };
    match value {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) if x.is_nan() && allow_missing => Ok(x),
        Ok(x) if x.is_nan() => Err(Error::invalid_value(
            at(),
            format!("missing value (\"{cell}\"), and the model does not impute missing values"),
        )),
        Ok(x) => Err(Error::invalid_value(at(), format!("{x} is not a finite number"))),
        Err(_) => Err(Error::invalid_value(at(), format!("\"{cell}\" is not a number"))),
    }
}

/// Appends the values of `record`'s feature `columns` to `out`, as `schema` takes them.
///
/// # Errors
/// A cell that is not UTF-8, not a number, infinite, missing where the schema does not
/// accept missing values, or not a whole number for an integer input (line and column
/// named).
pub(crate) fn push_features(
    record: &ByteRecord,
    columns: &[usize],
    header: &Header,
    schema: &InputSchema,
    out: &mut Vec<f64>,
) -> Result<()> {
    let line = record.position().map_or(0, csv::Position::line);
    for &c in columns {
        let at = || header.at(line, c);
        let cell = std::str::from_utf8(&record[c])
            .map_err(|_| Error::from(ErrorKind::NotUtf8 { at: at() }))?;
        let value = parse_feature(cell, schema.accepts_missing && schema.integer.is_none(), at)?;
        if let Some(bits) = schema.integer {
            let limit = if bits == 32 { f64::from(i32::MAX) } else { 9_007_199_254_740_992.0 };
            if value.fract() != 0.0 || value.abs() > limit {
                return Err(Error::invalid_value(
                    at(),
                    format!("\"{cell}\" is not a whole number within the range of the model's int{bits} input"),
                ));
            }
        }
        out.push(value);
    }
    Ok(())
}

/// The names of the columns [`read_features`] would read from a CSV, from its header alone.
///
/// # Errors
/// Bad CSV, an empty input, unknown, repeated or mismatched columns.
pub fn read_feature_names<R: Read>(
    reader: R,
    source: &str,
    schema: &InputSchema,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<Vec<String>> {
    let header = Header::read(&mut csv_reader(reader), source)?;
    let columns = resolve_features(&header, schema, features, ignore)?;
    Ok(columns.iter().map(|&c| header.name(c).to_owned()).collect())
}

/// Reads the columns `schema` needs from a CSV: `features` when given, else the model's
/// feature names, else every column not in `ignore`.
///
/// # Errors
/// Bad CSV, unknown, repeated or mismatched columns, a header without rows, and
/// non-numeric or non-finite values (line and column named; missing values only where the
/// schema accepts them).
pub fn read_features<R: Read>(
    reader: R,
    source: &str,
    schema: &InputSchema,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<FeatureMatrix> {
    let mut csv = csv_reader(reader);
    let header = Header::read(&mut csv, source)?;
    let columns = resolve_features(&header, schema, features, ignore)?;
    let mut values = Vec::new();
    let mut record = ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(|e| csv_error(source, &e))? {
        push_features(&record, &columns, &header, schema, &mut values)?;
    }
    if values.is_empty() {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    Ok(FeatureMatrix {
        names: columns.iter().map(|&c| header.name(c).to_owned()).collect(),
        rows: Rows::new(values, columns.len(), source)?,
    })
}
