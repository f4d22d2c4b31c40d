//! A first look at a CSV for a user interface: its columns, a guess of each column's kind
//! from the first rows, and those rows; and chosen rows cut out as a CSV of their own. Read
//! with the same CSV reader, header rules and missing-value markers as every audit, so what
//! a page shows and picks is what the core reads (a quoted field may hold a newline).

use std::io::Read;

use csv::{ByteRecord, WriterBuilder};
use serde::{Deserialize, Serialize};

use crate::data::cell::{Place, TableFormat};
use crate::data::header::Header;
use crate::data::lines::{LineIndex, RecordLines};
use crate::data::missing::is_missing;
use crate::data::{csv_error, csv_error_at, csv_reader};
use crate::error::{Error, ErrorKind, Location, Result};

/// Rows whose values decide the column kinds.
pub const KIND_ROWS: usize = 200;

/// What a column's values look like in the first [`KIND_ROWS`] rows (missing values aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Only 0 and 1: a label or a prediction.
    Binary,
    /// Numbers in [0, 1]: a score.
    Score,
    /// Other numbers: a model feature.
    Number,
    /// Anything else: a group.
    Text,
}

/// The columns of a CSV, their kinds, and its first rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvPreview {
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// Each column's kind, in the same order.
    pub kinds: Vec<ColumnKind>,
    /// The first rows (as many as asked for), each as text cells.
    pub rows: Vec<Vec<String>>,
}

/// Reads the header and the first rows of `reader`: the columns, their kinds (from up to
/// [`KIND_ROWS`] rows) and the first `rows` rows. Reading stops there.
///
/// # Errors
/// Bad CSV, an empty input, text that is not UTF-8 (line named), a Parquet or Arrow input
/// ([`ErrorKind::Columnar`]).
pub fn preview_csv<R: Read>(reader: R, source: &str, rows: usize) -> Result<CsvPreview> {
    let mut csv = csv_reader(LineIndex::new(csv_only(reader, source)?));
    let header = Header::read(&mut csv, source)?;
    let width = header.names().len();
    let mut seen = vec![Seen::default(); width];
    let mut first = Vec::new();
    let mut record = ByteRecord::new();
    let mut read = 0;
    while read < rows.max(KIND_ROWS) && next_record(&mut csv, &mut record, source)? {
        if read < KIND_ROWS {
            for (column, cell) in seen.iter_mut().zip(record.iter()) {
                column.add(cell);
            }
        }
        if read < rows {
            let line = record.position().map_or(0, |p| csv.get_mut().line_at(p));
            let cells = record
                .iter()
                .enumerate()
                .map(|(j, cell)| {
                    std::str::from_utf8(cell).map(str::to_owned).map_err(|_| {
                        Error::from(ErrorKind::NotUtf8 { at: header.at(Place::Line(line), j) })
                    })
                })
                .collect::<Result<_>>()?;
            first.push(cells);
        }
        read += 1;
    }
    Ok(CsvPreview {
        columns: header.names().to_vec(),
        kinds: seen.iter().map(Seen::kind).collect(),
        rows: first,
    })
}

/// Reads the next record into `record`; false at the end.
///
/// # Errors
/// Bad CSV, its line named.
fn next_record<R: Read>(
    csv: &mut csv::Reader<LineIndex<R>>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<bool> {
    match csv.read_byte_record(record) {
        Ok(more) => {
            // Asked for in order, so that the index forgets the line breaks before it.
            if let Some(position) = record.position() {
                csv.get_mut().line_at(position);
            }
            Ok(more)
        }
        Err(e) => {
            let line = e.position().map(|p| csv.get_mut().line_at(p));
            Err(csv_error_at(source, &e, line))
        }
    }
}

/// `reader`, refused when its first bytes are a Parquet or Arrow file's: a preview and a
/// selection of rows are CSV text.
fn csv_only<R: Read>(mut reader: R, source: &str) -> Result<impl Read> {
    let mut prefix = Vec::with_capacity(8);
    (&mut reader)
        .take(8)
        .read_to_end(&mut prefix)
        .map_err(|e| ErrorKind::Io { source_name: source.to_owned(), message: e.to_string() })?;
    match TableFormat::detect(&prefix) {
        TableFormat::Csv => Ok(std::io::Cursor::new(prefix).chain(reader)),
        format => Err(ErrorKind::Columnar {
            at: Location::source(source),
            message: format!("{} input: a preview or a selection of rows reads CSV", format.name()),
        }
        .into()),
    }
}

/// What the values of a column were so far.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    values: usize,
    text: bool,
    binary: bool,
    unit: bool,
}

impl Seen {
    fn add(&mut self, cell: &[u8]) {
        if is_missing(cell) {
            return;
        }
        let number = std::str::from_utf8(cell).ok().and_then(|t| t.trim().parse::<f64>().ok());
        match number {
            Some(x) if x.is_finite() => {
                if self.values == 0 {
                    self.binary = true;
                    self.unit = true;
                }
                self.binary &= x == 0.0 || x == 1.0;
                self.unit &= (0.0..=1.0).contains(&x);
            }
            _ => self.text = true,
        }
        self.values += 1;
    }

    fn kind(&self) -> ColumnKind {
        match (self.values, self.text, self.binary, self.unit) {
            (0, ..) | (_, true, ..) => ColumnKind::Text,
            (_, false, true, _) => ColumnKind::Binary,
            (_, false, false, true) => ColumnKind::Score,
            _ => ColumnKind::Number,
        }
    }
}

/// The header and the data rows at `indices` (0-based, in file order; repeated indices
/// once) of `reader`, as a CSV. Reading stops after the last index.
///
/// # Errors
/// Bad CSV, an empty input, an index past the last row (named with the row count), a
/// Parquet or Arrow input ([`ErrorKind::Columnar`]).
pub fn select_rows<R: Read>(reader: R, source: &str, indices: &[usize]) -> Result<Vec<u8>> {
    let mut csv = csv_reader(LineIndex::new(csv_only(reader, source)?));
    Header::read(&mut csv, source)?;
    let mut out = WriterBuilder::new().from_writer(Vec::new());
    let write_error = |e: csv::Error| Error::invalid_option("rows", e.to_string());
    out.write_byte_record(csv.byte_headers().map_err(|e| csv_error(source, &e))?)
        .map_err(write_error)?;
    let mut wanted: Vec<usize> = indices.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut record = ByteRecord::new();
    let mut index = 0;
    for &want in &wanted {
        loop {
            if !next_record(&mut csv, &mut record, source)? {
                return Err(Error::invalid_option(
                    "rows",
                    format!("row {want} is past the data's {index} rows (indices start at 0)"),
                ));
            }
            index += 1;
            if index - 1 == want {
                out.write_byte_record(&record).map_err(write_error)?;
                break;
            }
        }
    }
    out.into_inner().map_err(|e| Error::invalid_option("rows", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str =
        "id,label,score,note,sex\n1,1,0.5,\"two\nlines\",F\n2,0,0.25,plain,M\n3,NA,1,x,F\n";

    #[test]
    fn kinds_and_rows_come_from_records_not_lines() -> Result<()> {
        let preview = preview_csv(DATA.as_bytes(), "t.csv", 2)?;
        assert_eq!(preview.columns, ["id", "label", "score", "note", "sex"]);
        use ColumnKind::{Binary, Number, Score, Text};
        assert_eq!(preview.kinds, [Number, Binary, Score, Text, Text]);
        assert_eq!(preview.rows[0][3], "two\nlines");
        assert_eq!(preview.rows[1][0], "2");
        Ok(())
    }

    #[test]
    fn chosen_rows_are_records_even_across_quoted_newlines() -> Result<()> {
        let csv = select_rows(DATA.as_bytes(), "t.csv", &[1, 0])?;
        let text = String::from_utf8_lossy(&csv).into_owned();
        assert_eq!(text, "id,label,score,note,sex\n1,1,0.5,\"two\nlines\",F\n2,0,0.25,plain,M\n");
        let parquet = select_rows(&b"PAR1\x15\x00"[..], "t.parquet", &[0]).map_err(|e| e.code());
        assert_eq!(parquet, Err("columnar"));
        let arrow = preview_csv(&b"ARROW1\x00\x00"[..], "t.arrow", 2).map_err(|e| e.code());
        assert_eq!(arrow, Err("columnar"));
        let past =
            select_rows(DATA.as_bytes(), "t.csv", &[3]).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            past,
            Err("invalid rows: row 3 is past the data's 3 rows (indices start at 0)".into())
        );
        Ok(())
    }
}
