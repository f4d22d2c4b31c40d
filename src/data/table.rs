//! Tabular inputs whatever their format: CSV text, or (with the `columnar` feature) Parquet
//! and Arrow IPC, told apart by their first bytes. A [`Table`] has a [`Header`] and yields
//! batches of rows whose cells are [`Cell`]s: text for CSV, the column's own type for
//! columnar inputs, so a boolean label or a float score is never formatted and re-parsed.

use std::io::{Cursor, Read};

use crate::data::batch::Batch;
use crate::data::batch::RecordBatch;
use crate::data::cell::{Cell, Place, TableFormat};
use crate::data::csv_reader;
use crate::data::header::Header;
use crate::data::input::{AccessReader, Input, Prefixed};
use crate::data::lines::LineIndex;
use crate::data::quotes::QuoteWatch;
use crate::error::{ErrorKind, Location, Result};

impl Batch for RecordBatch {
    fn len(&self) -> usize {
        self.records().len()
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        Cell::Text(self.records()[row].get(column).unwrap_or_default())
    }

    fn place(&self, row: usize) -> Place {
        Place::Line(self.line(row))
    }
}

enum Rows<'a> {
    Csv {
        csv: Box<csv::Reader<LineIndex<QuoteWatch<Prefixed<'a>>>>>,
        batch: RecordBatch,
    },
    #[cfg(feature = "columnar")]
    Columnar(Box<crate::data::columnar::Batches<'a>>),
}

/// A batch of a table, as its type.
pub(crate) enum TypedBatch<'t> {
    Csv(&'t RecordBatch),
    #[cfg(feature = "columnar")]
    Columnar(&'t crate::data::columnar::ArrowBatch),
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
        Self::open_after_lines(input, source, 0)
    }

    /// As [`Table::open`], for a CSV that is a part of a longer input (its own header
    /// first): every line it names is `lines` further than in the part, where it is in
    /// the longer input.
    ///
    /// # Errors
    /// As [`Table::open`].
    pub(crate) fn open_after_lines(
        input: impl Into<Input<'a>>,
        source: &str,
        lines: u64,
    ) -> Result<Table<'a>> {
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
        drop(access); // without columnar decoding, every input is read as a stream
        let bom = if prefix.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let stream = Cursor::new(prefix).chain(reader);
        let (header, rows) = match format {
            TableFormat::Csv => {
                let mut csv =
                    csv_reader(LineIndex::after_lines(QuoteWatch::new(stream, bom), lines));
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
                        "{} input: this build of Sextant reads CSV only",
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
    #[cfg_attr(not(feature = "columnar"), allow(unused_variables))]
    pub(crate) fn project(&mut self, columns: &[usize]) {
        match &mut self.rows {
            Rows::Csv { .. } => {}
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.project(columns),
        }
    }

    /// The number of parts of the input that decode apart (a Parquet file's row groups),
    /// before the first batch: 1 for other inputs.
    #[cfg(not(target_arch = "wasm32"))] // counted on several cores, native only
    pub(crate) fn parts(&self) -> usize {
        match &self.rows {
            Rows::Csv { .. } => 1,
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.parts(),
        }
    }

    /// Reads only the parts `parts` of the input (a range of [`Table::parts`], before the
    /// first batch); rows keep their places in the whole input.
    #[cfg(not(target_arch = "wasm32"))] // counted on several cores, native only
    #[cfg_attr(not(feature = "columnar"), allow(unused_variables))]
    pub(crate) fn select_parts(&mut self, parts: std::ops::Range<usize>) {
        match &mut self.rows {
            Rows::Csv { .. } => {}
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.select_parts(parts),
        }
    }

    /// Reads the next batch; false at the end of the input.
    ///
    /// # Errors
    /// Bad CSV (line named, after the rows before it were handed out), or a columnar batch
    /// that cannot be decoded or has a column of a type Sextant does not read.
    pub(crate) fn fill(&mut self) -> Result<bool> {
        match &mut self.rows {
            Rows::Csv { csv, batch } => {
                let more = batch.fill(csv, &self.source)?;
                if !more && csv.get_ref().inner().in_quotes() {
                    return Err(ErrorKind::Csv {
                        at: Location::source(&self.source).at_line(batch.last_line()),
                        message: "a quoted field opens in this row and no quote closes it: \
                                  the rest of the file would be one field (a stray '\"'?)"
                            .to_owned(),
                    }
                    .into());
                }
                Ok(more)
            }
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => batches.fill(),
        }
    }

    /// The current batch.
    pub(crate) fn batch(&self) -> &dyn Batch {
        match self.typed_batch() {
            TypedBatch::Csv(batch) => batch,
            #[cfg(feature = "columnar")]
            TypedBatch::Columnar(batch) => batch,
        }
    }

    /// The current batch as its type, for code generic over [`Batch`] (reading its cells
    /// without a call through a table of methods).
    pub(crate) fn typed_batch(&self) -> TypedBatch<'_> {
        match &self.rows {
            Rows::Csv { batch, .. } => TypedBatch::Csv(batch),
            #[cfg(feature = "columnar")]
            Rows::Columnar(batches) => TypedBatch::Columnar(batches.batch()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_quoted_field_that_never_closes_is_an_error_at_its_row() -> Result<()> {
        let text = "y,g\n1,a\n0,\"b\n1,a\n0,b\n";
        let mut table = Table::open(text.as_bytes(), "t.csv")?;
        // The row swallows the rest of the file, as the csv crate reads it.
        assert!(table.fill()?);
        assert_eq!(table.batch().len(), 2);
        let error = table.fill().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with("t.csv, line 3: a quoted field opens in this row"), "{error}");
        // Closed, or after a byte-order mark, no error.
        for text in ["y,g\n1,a\n0,\"b\n1\"\n", "\u{feff}\"y\",g\n1,a\n"] {
            let mut table = Table::open(text.as_bytes(), "t.csv")?;
            while table.fill()? {}
        }
        Ok(())
    }
}
