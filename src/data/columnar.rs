//! Parquet and Arrow IPC inputs (arrow-rs), decoded record batch by record batch into typed
//! columns that [`crate::data::table`] reads as [`Cell`]s.
//!
//! Only the columns a command reads are decoded: Parquet and Arrow IPC files are projected
//! ([`Batches::project`]); an IPC stream decodes every column, as its format requires.
//! Parquet and Arrow IPC files need random access: a file the adapter opened is read at the
//! offsets of the needed column chunks ([`RandomAccess`]), while such a file arriving as a
//! stream (standard input) is held in memory, compressed, as its batches are decoded one at
//! a time. An IPC stream is read as it comes.
//! Strings, dictionary-encoded strings, booleans, integers and floats are read as they are;
//! columns of other types (dates, timestamps, decimals) are read as arrow-rs displays them,
//! timestamps with a time zone as their instants in UTC.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int64Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, BinaryArray, BooleanArray, Float32Array, Float64Array,
    Int64Array, LargeStringArray, PrimitiveArray, RecordBatch, StringArray, StringViewArray,
    UInt64Array,
};
use arrow_ipc::reader::{FileReader, StreamReader};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::{ChunkReader, Length};

use crate::data::batch::Batch;
use crate::data::batch::BATCH_ROWS;
use crate::data::cell::{Cell, Place, TableFormat};
use crate::data::header::Header;
use crate::data::input::{AccessReader, Prefixed, RandomAccess};
use crate::data::ipc_checks::{check_blocks, WholeMessages};
use crate::data::row_key::KeyWords;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::guard::guarded;

/// The bytes of a Parquet or Arrow IPC file: held in memory, or read at offsets.
#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Access(Arc<dyn RandomAccess>),
}

impl Source {
    fn reader(&self, start: u64) -> SourceReader {
        match self {
            Source::Bytes(bytes) => {
                let mut cursor = Cursor::new(bytes.clone());
                cursor.set_position(start);
                SourceReader::Bytes(cursor)
            }
            Source::Access(access) => {
                SourceReader::Access(AccessReader::new(access.clone(), start))
            }
        }
    }
}

/// A [`Source`] read from an offset on.
enum SourceReader {
    Bytes(Cursor<Bytes>),
    Access(AccessReader),
}

impl Read for SourceReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            SourceReader::Bytes(r) => r.read(buf),
            SourceReader::Access(r) => r.read(buf),
        }
    }
}

impl Seek for SourceReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        match self {
            SourceReader::Bytes(r) => r.seek(to),
            SourceReader::Access(r) => r.seek(to),
        }
    }
}

impl Length for Source {
    fn len(&self) -> u64 {
        match self {
            Source::Bytes(bytes) => bytes.len() as u64,
            Source::Access(access) => access.size(),
        }
    }
}

impl ChunkReader for Source {
    type T = SourceReader;

    fn get_read(&self, start: u64) -> parquet::errors::Result<SourceReader> {
        Ok(self.reader(start))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self {
            Source::Bytes(bytes) => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                bytes
                    .get(start..start.saturating_add(length))
                    .map(|b| bytes.slice_ref(b))
                    .ok_or_else(|| {
                        parquet::errors::ParquetError::EOF(format!("{length} bytes at {start}"))
                    })
            }
            Source::Access(access) => {
                if start.saturating_add(length as u64) > access.size() {
                    return Err(parquet::errors::ParquetError::EOF(format!(
                        "{length} bytes at {start}, past the end of the file"
                    )));
                }
                let mut buffer = vec![0; length];
                self.reader(start).read_exact(&mut buffer)?;
                Ok(Bytes::from(buffer))
            }
        }
    }
}

/// The decoders of the formats, before and after the projection is known.
enum Decoder<'a> {
    /// A Parquet file whose reader is built on the first batch.
    ParquetPending(Box<ParquetRecordBatchReaderBuilder<Source>>),
    Parquet(ParquetRecordBatchReader),
    /// An Arrow IPC file, reopened with the projection on the first batch.
    FilePending(Source),
    File(FileReader<SourceReader>),
    /// An Arrow IPC stream, each message's metadata checked before arrow-ipc reads it
    /// ([`WholeMessages`]); bodies are read straight into arrow-ipc's buffers (no buffer
    /// between).
    Stream(StreamReader<WholeMessages<Prefixed<'a>>>),
    /// A decoder that failed to start, or whose input failed: nothing more is read.
    Failed,
}

/// The record batches of a columnar input, as typed columns.
pub(crate) struct Batches<'a> {
    header: Header,
    source: String,
    format: TableFormat,
    decoder: Decoder<'a>,
    /// The columns to decode (positions in the header); every column when `None`.
    projection: Option<Vec<usize>>,
    /// The row groups of a Parquet file to decode; every one when `None`.
    row_groups: Option<Vec<usize>>,
    current: ArrowBatch,
    /// Data rows before the current batch.
    rows_before: u64,
}

fn decode_error(source: &str, format: TableFormat, error: impl std::fmt::Display) -> Error {
    ErrorKind::Columnar {
        at: Location::source(source),
        message: format!("cannot decode this {} input: {error}", format.name()),
    }
    .into()
}

/// `f`, run guarded ([`guarded`]): the decoders panic on some corrupt inputs, and such a
/// panic is an error naming the input.
fn decoding<T>(source: &str, format: TableFormat, f: impl FnOnce() -> Result<T>) -> Result<T> {
    guarded(f).unwrap_or_else(|panic| {
        Err(decode_error(source, format, format_args!("the decoder failed ({panic})")))
    })
}

impl<'a> Batches<'a> {
    /// Reads the schema of a `format` stream (detected by [`TableFormat::detect`]); a
    /// Parquet or Arrow IPC file is read into memory first.
    ///
    /// # Errors
    /// An unreadable input or one that is not valid in its format.
    pub(crate) fn open(
        mut reader: Prefixed<'a>,
        format: TableFormat,
        source: &str,
    ) -> Result<Batches<'a>> {
        if format == TableFormat::ArrowStream {
            let stream = decoding(source, format, || {
                StreamReader::try_new(WholeMessages::new(reader), None)
                    .map_err(|e| decode_error(source, format, e))
            })?;
            return Batches::new(stream.schema(), Decoder::Stream(stream), format, source);
        }
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| {
            Error::from(ErrorKind::Io { source_name: source.to_owned(), message: e.to_string() })
        })?;
        Batches::of_file(Source::Bytes(Bytes::from(bytes)), format, source)
    }

    /// Reads the schema of a Parquet or Arrow IPC file read at offsets.
    ///
    /// # Errors
    /// An unreadable input or one that is not valid in its format.
    pub(crate) fn open_access(
        access: Arc<dyn RandomAccess>,
        format: TableFormat,
        source: &str,
    ) -> Result<Batches<'a>> {
        Batches::of_file(Source::Access(access), format, source)
    }

    fn of_file(file: Source, format: TableFormat, source: &str) -> Result<Batches<'a>> {
        let fail = |e: &dyn std::fmt::Display| decode_error(source, format, e);
        let (schema, decoder) = if format == TableFormat::Parquet {
            let metadata = decoding(source, format, || {
                ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(|e| fail(&e))
            })?;
            let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
                file,
                strings_as_dictionaries(metadata),
            );
            (builder.schema().clone(), Decoder::ParquetPending(Box::new(builder)))
        } else {
            check_blocks(&mut file.reader(0), file.len()).map_err(|e| fail(&e))?;
            let schema = decoding(source, format, || {
                FileReader::try_new(file.reader(0), None).map_err(|e| fail(&e))
            })?
            .schema();
            (schema, Decoder::FilePending(file))
        };
        Batches::new(schema, decoder, format, source)
    }

    fn new(
        schema: SchemaRef,
        decoder: Decoder<'a>,
        format: TableFormat,
        source: &str,
    ) -> Result<Batches<'a>> {
        let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
        if names.is_empty() {
            return Err(ErrorKind::Empty { source_name: source.to_owned() }.into());
        }
        Ok(Batches {
            header: Header::new(source, names),
            source: source.to_owned(),
            format,
            decoder,
            projection: None,
            row_groups: None,
            current: ArrowBatch::default(),
            rows_before: 0,
        })
    }

    /// The column names.
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Decodes only `columns` from here on (before the first batch).
    pub(crate) fn project(&mut self, columns: &[usize]) {
        let mut sorted = columns.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        self.projection = Some(sorted);
    }

    /// The number of parts decodable apart: a Parquet file's row groups (before the first
    /// batch), 1 for other inputs.
    #[cfg(not(target_arch = "wasm32"))] // counted on several cores, native only
    pub(crate) fn parts(&self) -> usize {
        match &self.decoder {
            Decoder::ParquetPending(builder) => builder.metadata().num_row_groups(),
            _ => 1,
        }
    }

    /// Decodes only the parts `parts` (a range of [`Batches::parts`], before the first
    /// batch); rows keep their numbers in the whole file.
    #[cfg(not(target_arch = "wasm32"))] // counted on several cores, native only
    pub(crate) fn select_parts(&mut self, parts: std::ops::Range<usize>) {
        if let Decoder::ParquetPending(builder) = &self.decoder {
            let groups = builder.metadata().row_groups();
            // (Row counts as the footer says them: corrupt ones must not overflow.)
            let rows = groups.iter().take(parts.start).map(|g| u64::try_from(g.num_rows()));
            self.rows_before = rows.map(|n| n.unwrap_or(0)).fold(0, u64::saturating_add);
            self.row_groups = Some(parts.collect());
        }
    }

    /// Reads the next batch; false at the end.
    ///
    /// # Errors
    /// A batch that cannot be decoded, or a column of a type that cannot be read.
    pub(crate) fn fill(&mut self) -> Result<bool> {
        self.start()?;
        if matches!(self.decoder, Decoder::Failed) {
            return Err(decode_error(&self.source, self.format, "an earlier batch failed"));
        }
        self.rows_before += self.current.rows as u64;
        let decoded = self.decode();
        if decoded.is_err() {
            // Nothing more is read of an input that failed (a decoder may have panicked
            // half way through a batch).
            self.decoder = Decoder::Failed;
        }
        decoded
    }

    /// Decodes the next batch into `current`; false at the end.
    fn decode(&mut self) -> Result<bool> {
        // Only the decoders are guarded: a panic in Sextant's own code stays a panic.
        let next = decoding(&self.source, self.format, || {
            Ok(match &mut self.decoder {
                Decoder::Parquet(reader) => reader.next(),
                Decoder::File(reader) => reader.next(),
                Decoder::Stream(reader) => reader.next(),
                Decoder::ParquetPending(_) | Decoder::FilePending(_) | Decoder::Failed => None,
            })
        })?;
        match next {
            None => {
                self.current = ArrowBatch::default();
                Ok(false)
            }
            Some(Err(e)) => Err(decode_error(&self.source, self.format, e)),
            Some(Ok(batch)) => {
                // An IPC stream decodes every column: its batches are not projected.
                let projected = match self.format {
                    TableFormat::ArrowStream => None,
                    _ => self.projection.as_deref(),
                };
                self.current = ArrowBatch::new(&batch, projected, &self.header, self.rows_before)?;
                Ok(true)
            }
        }
    }

    /// Builds the decoder with the projection, once.
    fn start(&mut self) -> Result<()> {
        let projection = self.projection.clone();
        let row_groups = self.row_groups.clone();
        let (source, format) = (&self.source, self.format);
        let fail = |e: &dyn std::fmt::Display| decode_error(source, format, e);
        let started = match std::mem::replace(&mut self.decoder, Decoder::Failed) {
            Decoder::ParquetPending(builder) => {
                let mut builder = *builder;
                if let Some(columns) = projection {
                    let mask = ProjectionMask::roots(builder.parquet_schema(), columns);
                    builder = builder.with_projection(mask);
                }
                if let Some(groups) = row_groups {
                    builder = builder.with_row_groups(groups);
                }
                let reader = decoding(source, format, || {
                    builder.with_batch_size(BATCH_ROWS).build().map_err(|e| fail(&e))
                })?;
                Decoder::Parquet(reader)
            }
            Decoder::FilePending(file) => Decoder::File(decoding(source, format, || {
                FileReader::try_new(file.reader(0), projection).map_err(|e| fail(&e))
            })?),
            running => running,
        };
        self.decoder = started;
        Ok(())
    }

    /// The current batch.
    pub(crate) fn batch(&self) -> &ArrowBatch {
        &self.current
    }
}

/// `metadata` whose string columns decode as dictionary arrays: their dictionary-encoded
/// pages (what Parquet writers produce for the few values of a group or label column) are
/// then read as keys into one dictionary, where strings would copy every row's value
/// (`bench/run-ingest-comparison.sh`). Left as it is when the reader refuses the schema.
fn strings_as_dictionaries(metadata: ArrowReaderMetadata) -> ArrowReaderMetadata {
    let schema = metadata.schema();
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|field| match field.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 => {
                field.as_ref().clone().with_data_type(DataType::Dictionary(
                    Box::new(DataType::Int32),
                    Box::new(field.data_type().clone()),
                ))
            }
            _ => field.as_ref().clone(),
        })
        .collect();
    let dictionaries = Schema::new_with_metadata(fields, schema.metadata().clone());
    let options = ArrowReaderOptions::new().with_schema(Arc::new(dictionaries));
    // (The schema is the file's: converting it again is guarded as decoding it was.)
    guarded(|| ArrowReaderMetadata::try_new(metadata.metadata().clone(), options))
        .ok()
        .and_then(std::result::Result::ok)
        .unwrap_or(metadata)
}

/// Appends each of `cells` to the key of its row.
fn push_all<'c>(keys: &mut [KeyWords], cells: impl Iterator<Item = Cell<'c>>) {
    for (key, cell) in keys.iter_mut().zip(cells) {
        key.push(cell);
    }
}

/// A string column's value as a cell.
fn text_cell(value: Option<&str>) -> Cell<'_> {
    value.map_or(Cell::Null, |text| Cell::Text(text.as_bytes()))
}

/// A dictionary column's key for a null row.
const NULL_KEY: u32 = u32::MAX;

/// One column of a batch, in the types Sextant reads.
enum Column {
    Text(StringArray),
    /// pyarrow's `large_string` (pandas' string columns).
    LargeText(LargeStringArray),
    /// Arrow's string views (DuckDB, Polars).
    ViewText(StringViewArray),
    /// Bytes (any binary type), read as text: bytes that are not UTF-8 are named where a
    /// value must be text, as in a CSV.
    Binary(BinaryArray),
    Bool(BooleanArray),
    Int(Int64Array),
    UInt(UInt64Array),
    Float(Float64Array),
    Float32(Float32Array),
    /// Dictionary-encoded values: each row's key into `values` (not a dictionary),
    /// [`NULL_KEY`] for a null.
    Dictionary {
        keys: Vec<u32>,
        values: Box<Column>,
    },
}

/// `array` (the column `name`) cast to the type `to`.
///
/// # Errors
/// A [`ErrorKind::Columnar`] naming the column and its type, when arrow-rs cannot cast it.
fn cast(array: &ArrayRef, to: &DataType, name: &str, at: &Location) -> Result<ArrayRef> {
    arrow_cast::cast(array, to).map_err(|e: ArrowError| {
        Error::from(ErrorKind::Columnar {
            at: at.clone().in_column(name),
            message: format!("cannot read a column of type {}: {e}", array.data_type()),
        })
    })
}

impl Column {
    fn new(array: &ArrayRef, name: &str, at: &Location) -> Result<Column> {
        let cast = |to: &DataType| cast(array, to, name, at);
        Ok(match array.data_type() {
            DataType::Utf8 => Column::Text(array.as_string::<i32>().clone()),
            DataType::LargeUtf8 => Column::LargeText(array.as_string::<i64>().clone()),
            DataType::Utf8View => Column::ViewText(array.as_string_view().clone()),
            DataType::Binary => Column::Binary(array.as_binary::<i32>().clone()),
            // Cast to text, bytes that are not UTF-8 would be nulls.
            DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
                Column::Binary(cast(&DataType::Binary)?.as_binary::<i32>().clone())
            }
            DataType::Boolean => Column::Bool(array.as_boolean().clone()),
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
                Column::Int(cast(&DataType::Int64)?.as_primitive::<Int64Type>().clone())
            }
            DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
                Column::UInt(cast(&DataType::UInt64)?.as_primitive::<UInt64Type>().clone())
            }
            DataType::Float64 => Column::Float(array.as_primitive::<Float64Type>().clone()),
            DataType::Float16 | DataType::Float32 => {
                Column::Float32(cast(&DataType::Float32)?.as_primitive::<Float32Type>().clone())
            }
            DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
                Some(dictionary) => {
                    let nulls = array.logical_nulls();
                    // Keys in four bytes, the batch's keys being read once per column; a
                    // dictionary of 2^32 − 1 values or more is read as text.
                    let keys: Option<Vec<u32>> = if dictionary.values().is_empty() {
                        // No values (a column null in the whole batch): every row is null.
                        Some(vec![NULL_KEY; array.len()])
                    } else {
                        dictionary
                            .normalized_keys()
                            .into_iter()
                            .enumerate()
                            .map(|(row, key)| match &nulls {
                                Some(nulls) if nulls.is_null(row) => Some(NULL_KEY),
                                _ => u32::try_from(key).ok().filter(|&key| key != NULL_KEY),
                            })
                            .collect()
                    };
                    let Some(keys) = keys else {
                        return Ok(Column::Text(cast(&DataType::Utf8)?.as_string::<i32>().clone()));
                    };
                    let values = match Column::new(dictionary.values(), name, at)? {
                        // Values are read by `Column::value`: a dictionary of dictionaries
                        // is read as text.
                        Column::Dictionary { .. } => {
                            let text = self::cast(dictionary.values(), &DataType::Utf8, name, at)?;
                            Column::Text(text.as_string::<i32>().clone())
                        }
                        values => values,
                    };
                    Column::Dictionary { keys, values: Box::new(values) }
                }
                None => Column::Text(cast(&DataType::Utf8)?.as_string::<i32>().clone()),
            },
            // A zoned timestamp's values are UTC instants; the zone only says how to display
            // them, and arrow-rs displays a named zone (`Europe/Berlin`, pandas' `UTC`) only
            // with the tz database, which Sextant leaves out. Relabelled `+00:00` (arrow-rs
            // reads no zone to do it), it reads as its instant in UTC
            // (`2025-03-04T16:22:05+00:00`), which is what a time column means.
            DataType::Timestamp(unit, Some(_)) => {
                let utc = cast(&DataType::Timestamp(*unit, Some("+00:00".into())))?;
                Column::Text(
                    self::cast(&utc, &DataType::Utf8, name, at)?.as_string::<i32>().clone(),
                )
            }
            _ => Column::Text(cast(&DataType::Utf8)?.as_string::<i32>().clone()),
        })
    }

    /// The number of rows.
    fn len(&self) -> usize {
        match self {
            Column::Text(a) => a.len(),
            Column::LargeText(a) => a.len(),
            Column::ViewText(a) => a.len(),
            Column::Binary(a) => a.len(),
            Column::Bool(a) => a.len(),
            Column::Int(a) => a.len(),
            Column::UInt(a) => a.len(),
            Column::Float(a) => a.len(),
            Column::Float32(a) => a.len(),
            Column::Dictionary { keys, .. } => keys.len(),
        }
    }

    /// The cell of `row`.
    #[inline]
    fn cell(&self, row: usize) -> Cell<'_> {
        match self {
            Column::Dictionary { keys, values } => match keys.get(row) {
                Some(&key) if key != NULL_KEY => values.value(key as usize),
                _ => Cell::Null,
            },
            leaf => leaf.value(row),
        }
    }

    /// The cell of `row` in a column that is not a dictionary (a dictionary's values are
    /// not one): kept apart from [`Column::cell`] so that neither is recursive, and both
    /// inline into the counting loop.
    #[inline]
    fn value(&self, row: usize) -> Cell<'_> {
        fn read<'a, A: Array>(
            a: &'a A,
            row: usize,
            value: impl FnOnce(&'a A) -> Cell<'a>,
        ) -> Cell<'a> {
            if a.is_null(row) {
                Cell::Null
            } else {
                value(a)
            }
        }
        match self {
            Column::Text(a) => read(a, row, |a| Cell::Text(a.value(row).as_bytes())),
            Column::LargeText(a) => read(a, row, |a| Cell::Text(a.value(row).as_bytes())),
            Column::ViewText(a) => read(a, row, |a| Cell::Text(a.value(row).as_bytes())),
            Column::Binary(a) => read(a, row, |a| Cell::Text(a.value(row))),
            Column::Bool(a) => read(a, row, |a| Cell::Bool(a.value(row))),
            Column::Int(a) => read(a, row, |a| Cell::Int(a.value(row))),
            Column::UInt(a) => read(a, row, |a| Cell::UInt(a.value(row))),
            Column::Float(a) => read(a, row, |a| Cell::Float(a.value(row))),
            Column::Float32(a) => read(a, row, |a| Cell::Float32(a.value(row))),
            Column::Dictionary { .. } => Cell::Null,
        }
    }

    /// Numbers the column's cells when they take few values ([`Batch::code_column`]): a
    /// dictionary's rows by their key (its values may repeat: rows of one key still have one
    /// cell), integers by their distance from the batch's least, booleans as 0 and 1; a null
    /// as the last code.
    fn code(&self, most: u32, stride: u32, codes: &mut [u32]) -> Option<u32> {
        match self {
            Column::Dictionary { keys, values } => {
                let null = u32::try_from(values.len()).ok().filter(|&null| null < most)?;
                for (code, &key) in codes.iter_mut().zip(keys) {
                    *code += key.min(null) * stride;
                }
                Some(null + 1)
            }
            Column::Bool(a) if most >= 3 => {
                for (row, code) in codes.iter_mut().enumerate() {
                    *code += if a.is_null(row) { 2 } else { u32::from(a.value(row)) } * stride;
                }
                Some(3)
            }
            Column::Int(a) => code_integers(a, most, stride, codes),
            Column::UInt(a) => code_integers(a, most, stride, codes),
            _ => None,
        }
    }
}

/// The least and the greatest of `values`, `None` when there are none. Folded over values,
/// not references: `Iterator::min` over references compares through a pointer to the least
/// so far, a load in every step's chain (it took 3x as long).
fn least_and_greatest<V: Ord + Copy>(mut values: impl Iterator<Item = V>) -> Option<(V, V)> {
    let first = values.next()?;
    Some(values.fold((first, first), |(least, greatest), v| (least.min(v), greatest.max(v))))
}

/// Numbers an integer column's values by their distance from the least of them, and nulls
/// as the code after the greatest's, when that makes at most `most` codes
/// ([`Column::code`]).
fn code_integers<T>(a: &PrimitiveArray<T>, most: u32, stride: u32, codes: &mut [u32]) -> Option<u32>
where
    T: ArrowPrimitiveType,
    T::Native: Ord + Into<i128>,
{
    let values = a.values();
    let nulls = a.nulls().filter(|nulls| nulls.null_count() > 0);
    let found = match nulls {
        None => least_and_greatest(values.iter().copied()),
        Some(nulls) => least_and_greatest(
            values.iter().zip(nulls.iter()).filter_map(|(&v, valid)| valid.then_some(v)),
        ),
    };
    let Some((least, greatest)) = found else {
        return Some(1); // only nulls: one code, 0
    };
    let least: i128 = least.into();
    let null = u32::try_from(greatest.into() - least + 1).ok().filter(|&null| null < most)?;
    // Below `null` (computed for valid values only).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let distance = |v: T::Native| (v.into() - least) as u32;
    match nulls {
        None => {
            for (code, &v) in codes.iter_mut().zip(values.iter()) {
                *code += distance(v) * stride;
            }
        }
        Some(nulls) => {
            for ((code, &v), valid) in codes.iter_mut().zip(values.iter()).zip(nulls.iter()) {
                *code += if valid { distance(v) } else { null } * stride;
            }
        }
    }
    Some(null + 1)
}

/// A record batch's columns, placed at their positions in the header.
#[derive(Default)]
pub(crate) struct ArrowBatch {
    columns: Vec<Option<Column>>,
    rows: usize,
    rows_before: u64,
}

impl ArrowBatch {
    fn new(
        batch: &RecordBatch,
        projection: Option<&[usize]>,
        header: &Header,
        rows_before: u64,
    ) -> Result<ArrowBatch> {
        let positions: Vec<usize> = match projection {
            Some(columns) => columns.to_vec(),
            None => (0..header.names().len()).collect(),
        };
        let at = Location::source(header.source());
        let mut columns: Vec<Option<Column>> = (0..header.names().len()).map(|_| None).collect();
        for (array, &position) in batch.columns().iter().zip(&positions) {
            if let Some(slot) = columns.get_mut(position) {
                *slot = Some(Column::new(array, header.name(position), &at)?);
            }
        }
        Ok(ArrowBatch { columns, rows: batch.num_rows(), rows_before })
    }
}

impl Batch for ArrowBatch {
    fn len(&self) -> usize {
        self.rows
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        self.columns.get(column).and_then(Option::as_ref).map_or(Cell::Null, |c| c.cell(row))
    }

    fn place(&self, row: usize) -> Place {
        Place::Row(self.rows_before + row as u64 + 1)
    }

    fn code_column(&self, column: usize, most: u32, stride: u32, codes: &mut [u32]) -> Option<u32> {
        match self.columns.get(column).and_then(Option::as_ref) {
            Some(c) => c.code(most, stride, codes),
            None => Some(1), // no such column: every cell null
        }
    }

    fn key_column(&self, column: usize, keys: &mut [KeyWords]) {
        match self.columns.get(column).and_then(Option::as_ref) {
            // A dictionary's values are keyed once, when they are fewer than the rows.
            Some(Column::Dictionary { keys: indices, values }) if values.len() <= keys.len() => {
                let keyed: Vec<KeyWords> = (0..values.len())
                    .map(|value| {
                        let mut key = KeyWords::default();
                        key.push(values.value(value));
                        key
                    })
                    .collect();
                let mut null = KeyWords::default();
                null.push(Cell::Null);
                for (key, &index) in keys.iter_mut().zip(indices) {
                    key.append(keyed.get(index as usize).unwrap_or(&null));
                }
            }
            // Other columns with their type known once for the whole batch, not per row.
            Some(Column::Int(a)) => {
                push_all(keys, a.iter().map(|v| v.map_or(Cell::Null, Cell::Int)))
            }
            Some(Column::UInt(a)) => {
                push_all(keys, a.iter().map(|v| v.map_or(Cell::Null, Cell::UInt)))
            }
            Some(Column::Bool(a)) => {
                push_all(keys, a.iter().map(|v| v.map_or(Cell::Null, Cell::Bool)))
            }
            Some(Column::Float(a)) => {
                push_all(keys, a.iter().map(|v| v.map_or(Cell::Null, Cell::Float)))
            }
            Some(Column::Text(a)) => push_all(keys, a.iter().map(text_cell)),
            Some(Column::LargeText(a)) => push_all(keys, a.iter().map(text_cell)),
            Some(column) => push_all(keys, (0..column.len()).map(|row| column.cell(row))),
            None => {
                for key in keys {
                    key.push(Cell::Null);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::Table;
    use arrow_array::builder::StringDictionaryBuilder;
    use arrow_array::types::Int32Type;

    /// A small table of typed columns (integers, floats, booleans, strings, a dictionary,
    /// nulls), as a Parquet file, an Arrow IPC file and an Arrow IPC stream.
    fn files() -> Vec<(&'static str, Vec<u8>)> {
        let n: u8 = 40;
        let mut groups = StringDictionaryBuilder::<Int32Type>::new();
        for i in 0..n {
            match i % 4 {
                3 => groups.append_null(),
                k => groups.append_value(["a", "b", "c"][usize::from(k)]),
            }
        }
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("y", Arc::new((0..n).map(|i| Some(i64::from(i % 2))).collect::<Int64Array>())),
            ("s", Arc::new((0..n).map(|i| Some(f64::from(i) / 40.0)).collect::<Float64Array>())),
            (
                "b",
                Arc::new(
                    (0..n).map(|i| (i % 5 != 0).then_some(i % 3 == 0)).collect::<BooleanArray>(),
                ),
            ),
            ("t", Arc::new((0..n).map(|i| Some(format!("r{i}"))).collect::<StringArray>())),
            ("g", Arc::new(groups.finish())),
        ];
        let table = RecordBatch::try_from_iter(columns).unwrap_or_else(|e| panic!("{e}"));
        let parts = [table.slice(0, 15), table.slice(15, 25)];
        let mut parquet = Vec::new();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_size(15)
            .build();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(&mut parquet, table.schema(), Some(props))
                .unwrap_or_else(|e| panic!("{e}"));
        let mut file = Vec::new();
        let mut file_writer = arrow_ipc::writer::FileWriter::try_new(&mut file, &table.schema())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut stream = Vec::new();
        let mut stream_writer =
            arrow_ipc::writer::StreamWriter::try_new(&mut stream, &table.schema())
                .unwrap_or_else(|e| panic!("{e}"));
        for part in &parts {
            writer.write(part).unwrap_or_else(|e| panic!("{e}"));
            file_writer.write(part).unwrap_or_else(|e| panic!("{e}"));
            stream_writer.write(part).unwrap_or_else(|e| panic!("{e}"));
        }
        writer.close().unwrap_or_else(|e| panic!("{e}"));
        file_writer.finish().unwrap_or_else(|e| panic!("{e}"));
        stream_writer.finish().unwrap_or_else(|e| panic!("{e}"));
        drop((file_writer, stream_writer));
        vec![("t.parquet", parquet), ("t.arrow", file), ("t.arrows", stream)]
    }

    /// Every cell of `bytes` read as a table, or the first error.
    fn read_all(bytes: &[u8], name: &str) -> Result<usize> {
        let mut table = Table::open(bytes, name)?;
        let columns = table.header().names().len();
        let mut cells = 0;
        // (A few batches: a changed row count may announce billions of null rows.)
        for _ in 0..8 {
            if !table.fill()? {
                break;
            }
            let batch = table.batch();
            for row in 0..batch.len() {
                for column in 0..columns {
                    cells += usize::from(batch.cell(row, column) != Cell::Null);
                }
            }
        }
        Ok(cells)
    }

    /// The decoders panic on some corrupt inputs (found by flipping bytes), and arrow-ipc
    /// allocates the lengths a file announces: with every byte of each file changed in
    /// turn, the file reads or is an error, never a panic out of the reader nor the end of
    /// the process.
    #[test]
    fn a_corrupt_file_is_an_error_not_a_panic() {
        for (name, bytes) in files() {
            assert!(read_all(&bytes, name).is_ok(), "{name}");
            for at in 0..bytes.len() {
                for value in [0, 0xff, bytes[at] ^ 0x55] {
                    let mut corrupt = bytes.clone();
                    corrupt[at] = value;
                    let _ = read_all(&corrupt, name);
                }
            }
        }
    }

    #[test]
    fn a_decoder_panic_is_an_error_naming_the_input() {
        let error = decoding("t.parquet", TableFormat::Parquet, || -> Result<()> {
            panic!("index out of bounds")
        });
        let message = error.map_err(|e| e.to_string()).err().unwrap_or_default();
        assert!(message.contains("t.parquet"), "{message}");
        assert!(message.contains("the decoder failed (index out of bounds)"), "{message}");
    }
}
