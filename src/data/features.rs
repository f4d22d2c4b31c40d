//! The model's input columns of a table: the [`InputSchema`] a model declares, the choice of
//! columns that fill it ([`resolve_features`], shared by scoring and explaining), and the
//! cells parsed into a [`FeatureMatrix`] (explained rows, backgrounds, training data).

use std::ops::Range;

use crate::data::batch::Batch;
use crate::data::cell::Cell;
use crate::data::header::Header;
use crate::data::input::Input;
use crate::data::missing::is_missing;
use crate::data::rows::Rows;
use crate::data::table::Table;
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

/// One number per row, computed from the row's cells: a model scoring its feature columns
/// (implemented in `model::scoring`), seen from readers that must not depend on models.
pub(crate) trait ScoreRecords {
    /// Chooses the columns to read in `header`, and returns them.
    ///
    /// # Errors
    /// Columns that are missing, repeated or do not fit the model.
    fn bind(&mut self, header: &Header) -> Result<Vec<usize>>;

    /// Appends one score per row of `batch` in `rows` to `scores`.
    ///
    /// # Errors
    /// A cell that cannot be read (line or row, and column named), or a failing model call.
    fn score(&mut self, batch: &dyn Batch, rows: Range<usize>, scores: &mut Vec<f64>)
        -> Result<()>;
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
                "the model takes {m} features but {} columns of {} were chosen ({}); choose them with ‹features› or leave some out with ‹ignore›",
                names.len(),
                header.source(),
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
/// infinities never are. `true`/`false` (any case, as pandas writes a boolean column) are 1
/// and 0, as a typed boolean column's values are.
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
    let value = if is_missing(text.as_bytes()) {
        Ok(f64::NAN)
    } else {
        text.parse::<f64>().or_else(|e| match text.to_ascii_lowercase().as_str() {
            "true" => Ok(1.0),
            "false" => Ok(0.0),
            _ => Err(e),
        })
    };
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

/// Appends the values of the feature `columns` of `batch`'s row `row` to `out`, as
/// `schema` takes them.
///
/// # Errors
/// A cell that is not UTF-8, not a number, infinite, missing where the schema does not
/// accept missing values, or not a whole number for an integer input (line or row, and
/// column named).
pub(crate) fn push_features(
    batch: &dyn Batch,
    row: usize,
    columns: &[usize],
    header: &Header,
    schema: &InputSchema,
    out: &mut Vec<f64>,
) -> Result<()> {
    let place = batch.place(row);
    let allow_missing = schema.accepts_missing && schema.integer.is_none();
    for &c in columns {
        let at = || header.at(place, c);
        let cell = batch.cell(row, c);
        let value = match cell {
            Cell::Text(bytes) => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| Error::from(ErrorKind::NotUtf8 { at: at() }))?;
                parse_feature(text, allow_missing, at)?
            }
            _ => typed_feature(cell, allow_missing, at)?,
        };
        if let Some(bits) = schema.integer {
            let limit = if bits == 32 { f64::from(i32::MAX) } else { 9_007_199_254_740_992.0 };
            if value.fract() != 0.0 || value.abs() > limit {
                return Err(Error::invalid_value(
                    at(),
                    format!(
                        "\"{}\" is not a whole number within the range of the model's int{bits} input",
                        String::from_utf8_lossy(&cell.text())
                    ),
                ));
            }
        }
        out.push(value);
    }
    Ok(())
}

/// A feature value of a typed (columnar) cell, with the checks of [`parse_feature`].
fn typed_feature(
    cell: Cell<'_>,
    allow_missing: bool,
    at: impl FnOnce() -> Location,
) -> Result<f64> {
    match cell.number() {
        Some(x) if x.is_finite() => Ok(x),
        Some(x) if x.is_nan() && allow_missing => Ok(x),
        Some(x) if x.is_nan() => Err(Error::invalid_value(
            at(),
            format!(
                "missing value ({}), and the model does not impute missing values",
                if cell == Cell::Null { "null" } else { "NaN" }
            ),
        )),
        _ => Err(Error::invalid_value(
            at(),
            format!("{} is not a finite number", String::from_utf8_lossy(&cell.text())),
        )),
    }
}

/// The names of the columns [`read_features`] would read from a table, from its header alone.
///
/// # Errors
/// Bad CSV, an empty input, unknown, repeated or mismatched columns.
pub fn read_feature_names<'a>(
    reader: impl Into<Input<'a>>,
    source: &str,
    schema: &InputSchema,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<Vec<String>> {
    let table = Table::open(reader, source)?;
    let columns = resolve_features(table.header(), schema, features, ignore)?;
    Ok(columns.iter().map(|&c| table.header().name(c).to_owned()).collect())
}

/// Reads the columns `schema` needs from a table (CSV, Parquet or Arrow IPC): `features` when given, else the model's
/// feature names, else every column not in `ignore`.
///
/// # Errors
/// Bad CSV, unknown, repeated or mismatched columns, a header without rows, and
/// non-numeric or non-finite values (line and column named; missing values only where the
/// schema accepts them).
pub fn read_features<'a>(
    reader: impl Into<Input<'a>>,
    source: &str,
    schema: &InputSchema,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<FeatureMatrix> {
    let mut table = Table::open(reader, source)?;
    let header = table.header().clone();
    let columns = resolve_features(&header, schema, features, ignore)?;
    table.project(&columns);
    let mut values = Vec::new();
    while table.fill()? {
        let batch = table.batch();
        for row in 0..batch.len() {
            push_features(batch, row, &columns, &header, schema, &mut values)?;
        }
    }
    if values.is_empty() {
        return Err(ErrorKind::NoRows { source_name: source.to_owned() }.into());
    }
    Ok(FeatureMatrix {
        names: columns.iter().map(|&c| header.name(c).to_owned()).collect(),
        rows: Rows::new(values, columns.len(), source)?,
    })
}
