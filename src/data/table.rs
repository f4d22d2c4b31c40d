//! Tabular inputs whatever their format: CSV text, or (with the `columnar` feature) Parquet
//! and Arrow IPC, told apart by their first bytes. A [`Table`] has a [`Header`] and yields
//! batches of rows whose cells are [`Cell`]s: text for CSV, the column's own type for
//! columnar inputs, so a boolean label or a float score is never formatted and re-parsed.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use crate::data::batch::RecordBatch;
use crate::data::csv_reader;
use crate::data::header::Header;
use crate::data::input::{AccessReader, Input};
use crate::data::missing::is_missing;
use crate::error::{ErrorKind, Location, Result};

/// One cell of a row, typed as its input stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "columnar"), allow(dead_code))] // CSV cells are text
pub(crate) enum Cell<'a> {
    /// A CSV field, or a string column's value (raw bytes, not yet checked as UTF-8).
    Text(&'a [u8]),
    /// A boolean column's value.
    Bool(bool),
    /// A signed integer column's value.
    Int(i64),
    /// An unsigned integer column's value.
    UInt(u64),
    /// A floating-point column's value (float32 and float16 widened exactly).
    Float(f64),
    /// A null in a columnar input.
    Null,
}

impl<'a> Cell<'a> {
    /// Whether the cell is a missing value: a null, a NaN, or text that is one of the
    /// missing-value markers of [`crate::data::missing`].
    pub(crate) fn is_missing(&self) -> bool {
        match *self {
            Cell::Text(bytes) => is_missing(bytes),
            Cell::Float(x) => x.is_nan(),
            Cell::Null => true,
            Cell::Bool(_) | Cell::Int(_) | Cell::UInt(_) => false,
        }
    }

    /// The cell as text, spelled as pandas writes the value to CSV (`True`/`False`,
    /// integers in decimal, floats in their shortest round-trip form with a `.0` for whole
    /// numbers), so that a columnar file and its CSV give the same groups and labels.
    pub(crate) fn text(self) -> Cow<'a, [u8]> {
        match self {
            Cell::Text(bytes) => Cow::Borrowed(bytes),
            Cell::Bool(true) => Cow::Borrowed(b"True"),
            Cell::Bool(false) => Cow::Borrowed(b"False"),
            Cell::Int(0) | Cell::UInt(0) => Cow::Borrowed(b"0"),
            Cell::Int(1) | Cell::UInt(1) => Cow::Borrowed(b"1"),
            Cell::Int(v) => Cow::Owned(v.to_string().into_bytes()),
            Cell::UInt(v) => Cow::Owned(v.to_string().into_bytes()),
            Cell::Float(x) => Cow::Owned(format!("{x:?}").into_bytes()),
            Cell::Null => Cow::Borrowed(b""),
        }
    }

    /// The cell as a number: text parsed as a float (`None` when it is not one), booleans
    /// as 1/0, nulls as NaN. Integers beyond ±2^53 round to the nearest float.
    pub(crate) fn number(&self) -> Option<f64> {
        match *self {
            Cell::Text(bytes) => {
                let text = std::str::from_utf8(bytes).ok()?.trim();
                if is_missing(text.as_bytes()) {
                    Some(f64::NAN)
                } else {
                    text.parse().ok()
                }
            }
            Cell::Bool(b) => Some(f64::from(u8::from(b))),
            #[allow(clippy::cast_precision_loss)]
            Cell::Int(v) => Some(v as f64),
            #[allow(clippy::cast_precision_loss)]
            Cell::UInt(v) => Some(v as f64),
            Cell::Float(x) => Some(x),
            Cell::Null => Some(f64::NAN),
        }
    }
}

/// Where a row is, for error messages: a line of a text input, or a data row of a
/// columnar one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "columnar"), allow(dead_code))] // CSV rows are lines
pub(crate) enum Place {
    /// 1-based line of a CSV.
    Line(u64),
    /// 1-based data row of a Parquet or Arrow input.
    Row(u64),
}

impl Place {
    /// `at` placed here.
    pub(crate) fn locate(self, at: Location) -> Location {
        match self {
            Place::Line(line) => at.at_line(line),
            Place::Row(row) => at.at_row(row),
        }
    }
}

/// A batch of rows, read cell by cell.
pub(crate) trait Batch {
    /// The number of rows.
    fn len(&self) -> usize;

    /// The cell of `row` in `column` (a position in the table's [`Header`]).
    fn cell(&self, row: usize, column: usize) -> Cell<'_>;

    /// Where `row` is in the input.
    fn place(&self, row: usize) -> Place;
}

impl Batch for RecordBatch {
    fn len(&self) -> usize {
        self.records().len()
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        Cell::Text(self.records()[row].get(column).unwrap_or_default())
    }

    fn place(&self, row: usize) -> Place {
        Place::Line(self.records()[row].position().map_or(0, csv::Position::line))
    }
}

/// The formats a table's bytes may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated text with a header row.
    Csv,
    /// Apache Parquet (starts with `PAR1`).
    Parquet,
    /// Arrow IPC file (starts with `ARROW1`, "Feather v2").
    ArrowFile,
    /// Arrow IPC stream (starts with a continuation marker `FF FF FF FF`).
    ArrowStream,
}

impl TableFormat {
    /// The format whose magic bytes `prefix` (the input's first 8 bytes, or all of a
    /// shorter input) starts with; anything else is CSV.
    pub fn detect(prefix: &[u8]) -> TableFormat {
        if prefix.starts_with(b"PAR1") {
            TableFormat::Parquet
        } else if prefix.starts_with(b"ARROW1") {
            TableFormat::ArrowFile
        } else if prefix.starts_with(&[0xFF; 4]) {
            TableFormat::ArrowStream
        } else {
            TableFormat::Csv
        }
    }

    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            TableFormat::Csv => "CSV",
            TableFormat::Parquet => "Parquet",
            TableFormat::ArrowFile => "Arrow IPC file",
            TableFormat::ArrowStream => "Arrow IPC stream",
        }
    }
}

pub(crate) type Prefixed<'a> = std::io::Chain<Cursor<Vec<u8>>, Box<dyn Read + 'a>>;

enum Rows<'a> {
    Csv {
        csv: Box<csv::Reader<Prefixed<'a>>>,
        batch: RecordBatch,
    },
    #[cfg(feature = "columnar")]
    Columnar(Box<crate::data::columnar::Batches<'a>>),
}

/// A table being read: its header, then batches of rows.
pub(crate) struct Table<'a> {
    header: Header,
    source: String,
    rows: Rows<'a>,
}

impl<'a> Table<'a> {
    /// Opens `input` as a table named `source` in errors, in the format its first bytes
    /// say, and reads its header (the schema of a columnar input).
    ///
    /// # Errors
    /// An unreadable input, bad CSV or an empty input ([`ErrorKind::Empty`]), a columnar
    /// input that cannot be decoded, or one when Sextant was built without the `columnar`
    /// feature (as in the npm package).
    pub(crate) fn open(input: impl Into<Input<'a>>, source: &str) -> Result<Table<'a>> {
        let io = |e: std::io::Error| ErrorKind::Io {
            source_name: source.to_owned(),
            message: e.to_string(),
        };
        let (mut reader, access): (Box<dyn Read + 'a>, _) = match input.into() {
            Input::Stream(reader) => (reader, None),
            Input::RandomAccess(access) => {
                (Box::new(AccessReader::new(access.clone(), 0)), Some(access))
            }
        };
        let mut prefix = Vec::with_capacity(8);
        (&mut reader).take(8).read_to_end(&mut prefix).map_err(io)?;
        let format = TableFormat::detect(&prefix);
        #[cfg(feature = "columnar")]
        if let (Some(access), TableFormat::Parquet | TableFormat::ArrowFile) = (access, format) {
            let batches = crate::data::columnar::Batches::open_access(access, format, source)?;
            let header = batches.header().clone();
            return Ok(Table {
                header,
                source: source.to_owned(),
                rows: Rows::Columnar(Box::new(batches)),
            });
        }
        #[cfg(not(feature = "columnar"))]
        let _streamed_whatever_the_format = access;
        let stream = Cursor::new(prefix).chain(reader);
        let (header, rows) = match format {
            TableFormat::Csv => {
                let mut csv = csv_reader(stream);
                let header = Header::read(&mut csv, source)?;
                (header, Rows::Csv { csv: Box::new(csv), batch: RecordBatch::default() })
            }
            #[cfg(feature = "columnar")]
            _ => {
                let batches = crate::data::columnar::Batches::open(stream, format, source)?;
                (batches.header().clone(), Rows::Columnar(Box::new(batches)))
            }
            #[cfg(not(feature = "columnar"))]
            _ => {
                return Err(ErrorKind::Columnar {
                    at: Location::source(source),
                    message: format!(
                        "this is an {} input, and this build of Sextant reads CSV only",
                        format.name()
                    ),
                }
                .into())
            }
        };
        Ok(Table { header, source: source.to_owned(), rows })
    }

    /// The column names.
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Declares that only the columns at `columns` will be read, so a columnar input decodes
    /// no other column. Call before the first [`Table::fill`]; CSV reads every field anyway.
    ///
    /// # Errors
    /// A columnar input whose reader cannot be built.
    pub(crate) fn project(&mut self, columns: &[usize]) -> Result<()> {
        match &mut self.rows {
            Rows::Csv { .. } => {
                let _every_field_is_parsed = columns;
                Ok(())
            }
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.project(columns),
        }
    }

    /// Reads the next batch; false at the end of the input.
    ///
    /// # Errors
    /// Bad CSV (line named, after the rows before it were handed out), or a columnar batch
    /// that cannot be decoded or has a column of a type Sextant does not read.
    pub(crate) fn fill(&mut self) -> Result<bool> {
        match &mut self.rows {
            Rows::Csv { csv, batch } => batch.fill(csv, &self.source),
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.fill(),
        }
    }

    /// The current batch.
    pub(crate) fn batch(&self) -> &dyn Batch {
        match &self.rows {
            Rows::Csv { batch, .. } => batch,
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.batch(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart_by_their_magic_bytes() {
        assert_eq!(TableFormat::detect(b"PAR1\x15\x04"), TableFormat::Parquet);
        assert_eq!(TableFormat::detect(b"ARROW1\0\0"), TableFormat::ArrowFile);
        assert_eq!(TableFormat::detect(&[0xFF, 0xFF, 0xFF, 0xFF, 8, 1]), TableFormat::ArrowStream);
        assert_eq!(TableFormat::detect(b"a,b\n1,2"), TableFormat::Csv);
        assert_eq!(TableFormat::detect(b""), TableFormat::Csv);
    }

    #[test]
    fn a_csv_table_yields_text_cells_with_their_lines() -> Result<()> {
        let mut table = Table::open("a,b\n1,x\n2,\n".as_bytes(), "t.csv")?;
        assert_eq!(table.header().names(), ["a", "b"]);
        assert!(table.fill()?);
        let batch = table.batch();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.cell(0, 1), Cell::Text(b"x"));
        assert!(batch.cell(1, 1).is_missing());
        assert_eq!(batch.place(1), Place::Line(3));
        assert!(!table.fill()?);
        Ok(())
    }

    #[test]
    fn typed_cells_read_as_pandas_writes_them() {
        assert_eq!(Cell::Bool(true).text().as_ref(), b"True");
        assert_eq!(Cell::Int(-12).text().as_ref(), b"-12");
        assert_eq!(Cell::Float(1.0).text().as_ref(), b"1.0");
        assert_eq!(Cell::Float(0.1).text().as_ref(), b"0.1");
        assert_eq!(Cell::Bool(false).number(), Some(0.0));
        assert!(Cell::Null.is_missing() && Cell::Float(f64::NAN).is_missing());
        assert_eq!(Cell::Text(b" 2.5 ").number(), Some(2.5));
        assert_eq!(Cell::Text(b"abc").number(), None);
    }
}
