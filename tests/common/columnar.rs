//! Writes a CSV's data as Parquet or Arrow IPC with typed columns, as a dataframe library
//! would: whole numbers as int64, other numbers as float64, `True`/`False` as booleans,
//! everything else as strings (dictionary-encoded when asked), empty cells as nulls.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::StringDictionaryBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};

/// The columnar formats Sextant reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columnar {
    Parquet,
    ArrowFile,
    ArrowStream,
}

impl Columnar {
    pub const ALL: [Columnar; 3] = [Columnar::Parquet, Columnar::ArrowFile, Columnar::ArrowStream];

    pub fn extension(self) -> &'static str {
        match self {
            Columnar::Parquet => "parquet",
            Columnar::ArrowFile => "arrow",
            Columnar::ArrowStream => "arrows",
        }
    }
}

fn column(cells: &[Option<String>], dictionary: bool) -> ArrayRef {
    let present = || cells.iter().flatten();
    if present().all(|c| c.parse::<i64>().is_ok()) && present().next().is_some() {
        return Arc::new(
            cells.iter().map(|c| c.as_ref().and_then(|c| c.parse().ok())).collect::<Int64Array>(),
        );
    }
    if present().all(|c| c.parse::<f64>().is_ok()) && present().next().is_some() {
        return Arc::new(
            cells.iter().map(|c| c.as_ref().and_then(|c| c.parse().ok())).collect::<Float64Array>(),
        );
    }
    if present().all(|c| c == "True" || c == "False") && present().next().is_some() {
        return Arc::new(
            cells.iter().map(|c| c.as_ref().map(|c| c == "True")).collect::<BooleanArray>(),
        );
    }
    if dictionary {
        let mut builder = StringDictionaryBuilder::<Int32Type>::new();
        for c in cells {
            match c {
                Some(c) => {
                    builder.append_value(c);
                }
                None => builder.append_null(),
            }
        }
        return Arc::new(builder.finish());
    }
    Arc::new(cells.iter().map(Option::as_deref).collect::<StringArray>())
}

/// Writes `csv`'s rows to `out` in `format`, in record batches of `batch_rows` rows.
pub fn write_columnar(
    csv: &Path,
    out: &Path,
    format: Columnar,
    dictionary: bool,
    batch_rows: usize,
) {
    let mut reader =
        csv::Reader::from_path(csv).unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
    let names: Vec<String> =
        reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
    let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); names.len()];
    for record in reader.records() {
        let record = record.unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
        for (column, cell) in columns.iter_mut().zip(record.iter()) {
            column.push((!cell.is_empty()).then(|| cell.to_owned()));
        }
    }
    let arrays: Vec<ArrayRef> = columns.iter().map(|c| column(c, dictionary)).collect();
    let fields: Vec<Field> = names
        .iter()
        .zip(&arrays)
        .map(|(n, a)| Field::new(n, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let whole = RecordBatch::try_new(schema.clone(), arrays).unwrap_or_else(|e| panic!("{e}"));
    let file = std::fs::File::create(out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    let batches = (0..whole.num_rows())
        .step_by(batch_rows.max(1))
        .map(|start| whole.slice(start, batch_rows.min(whole.num_rows() - start)));
    match format {
        Columnar::Parquet => {
            // Dictionary-encoded files are also brotli-compressed (pandas' `compression=
            // "brotli"`), the others uncompressed.
            let compression = if dictionary {
                parquet::basic::Compression::BROTLI(parquet::basic::BrotliLevel::default())
            } else {
                parquet::basic::Compression::UNCOMPRESSED
            };
            let props = parquet::file::properties::WriterProperties::builder()
                .set_max_row_group_size(batch_rows.max(1) * 3)
                .set_compression(compression)
                .build();
            let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, Some(props))
                .unwrap_or_else(|e| panic!("{e}"));
            for batch in batches {
                writer.write(&batch).unwrap_or_else(|e| panic!("{e}"));
            }
            writer.close().unwrap_or_else(|e| panic!("{e}"));
        }
        Columnar::ArrowFile => {
            let mut writer = arrow_ipc::writer::FileWriter::try_new(file, &schema)
                .unwrap_or_else(|e| panic!("{e}"));
            for batch in batches {
                writer.write(&batch).unwrap_or_else(|e| panic!("{e}"));
            }
            writer.finish().unwrap_or_else(|e| panic!("{e}"));
        }
        Columnar::ArrowStream => {
            let mut writer = arrow_ipc::writer::StreamWriter::try_new(file, &schema)
                .unwrap_or_else(|e| panic!("{e}"));
            for batch in batches {
                writer.write(&batch).unwrap_or_else(|e| panic!("{e}"));
            }
            writer.finish().unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
