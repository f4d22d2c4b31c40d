//! Reading user data: CSV bytes in, counted or typed values out. No filesystem here: callers
//! hand in readers and a name for the source to use in error messages.

pub mod binary;
pub mod fairness_csv;
pub mod scoring;

use crate::error::{Error, ErrorKind, Location};

/// A csv crate error as a core error naming the source and line.
pub(crate) fn csv_error(source: &str, error: &csv::Error) -> Error {
    let mut at = Location::source(source);
    if let Some(position) = error.position() {
        at = at.at_line(position.line());
    }
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("row has {len} fields, but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_owned(),
        csv::ErrorKind::Io(e) => format!("cannot read: {e}"),
        _ => error.to_string(),
    };
    ErrorKind::Csv { at, message }.into()
}
pub mod features;
