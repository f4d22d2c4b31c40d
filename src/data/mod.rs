//! Reading user data: bytes in, columns and typed values out. What an input is ([`input`]:
//! a stream, or a file readable at offsets), tables in CSV, Parquet or Arrow IPC ([`table`],
//! the columnar decoding in `columnar`, Arrow IPC lengths checked in `ipc_checks`) yielding
//! typed cells in batches ([`cell`]), one header reader and one column lookup ([`header`]),
//! one set of missing-value markers ([`missing`]), the input schema a model needs and the
//! feature columns that fill it ([`features`]), row-major rows of a known width ([`rows`]),
//! and a first look at a CSV for user interfaces ([`preview`]). No filesystem and no model
//! here: callers hand in inputs and a name for the source to use in errors.

pub(crate) mod batch;
pub mod cell;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod chunks;
#[cfg(feature = "columnar")]
mod columnar;
pub mod features;
pub mod header;
pub mod input;
#[cfg(feature = "columnar")]
mod ipc_checks;
pub(crate) mod lines;
pub mod missing;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod plain;
pub mod preview;
pub(crate) mod quotes;
pub(crate) mod row_key;
pub mod rows;
pub mod table;

use crate::error::{Error, ErrorKind, Location};

/// A csv crate error as a core error naming the source and line.
pub(crate) fn csv_error(source: &str, error: &csv::Error) -> Error {
    csv_error_at(source, error, error.position().map(csv::Position::line))
}

/// A csv crate error as a core error naming the source and `line` (see [`lines`]: the csv
/// crate's own line is off after `\r\n` line ends and blank lines).
pub(crate) fn csv_error_at(source: &str, error: &csv::Error, line: Option<u64>) -> Error {
    let mut at = Location::source(source);
    if let Some(line) = line {
        at = at.at_line(line);
    }
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let fields = if *len == 1 { "field" } else { "fields" };
            format!("row has {len} {fields}, but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_owned(),
        csv::ErrorKind::Io(e) => format!("cannot read: {e}"),
        _ => error.to_string(),
    };
    ErrorKind::Csv { at, message }.into()
}

/// A CSV reader over `reader` with a header row, as every input of Sextant is read.
pub(crate) fn csv_reader<R: std::io::Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().has_headers(true).buffer_capacity(1 << 16).from_reader(reader)
}
