//! The header row of a CSV, read once, and the one way Sextant finds a column in it: by
//! its exact name, which must occur once.

use std::io::Read;

use crate::data::cell::Place;
use crate::data::csv_error;
use crate::error::{closest_names, ErrorKind, Location, Result};

/// The column names of a CSV input and the input's name for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    source: String,
    names: Vec<String>,
}

impl Header {
    /// Reads the header row of `csv` (a reader built with a header row).
    ///
    /// # Errors
    /// Bad CSV, an empty input ([`ErrorKind::Empty`]), or a name that is not UTF-8.
    pub fn read<R: Read>(csv: &mut csv::Reader<R>, source: &str) -> Result<Header> {
        let raw = csv.byte_headers().map_err(|e| csv_error(source, &e))?;
        if raw.is_empty() || raw.iter().all(<[u8]>::is_empty) {
            return Err(ErrorKind::Empty { source_name: source.to_owned() }.into());
        }
        let names = raw
            .iter()
            .map(|h| {
                std::str::from_utf8(h).map(str::to_owned).map_err(|_| {
                    ErrorKind::NotUtf8 { at: Location::source(source).at_line(1) }.into()
                })
            })
            .collect::<Result<_>>()?;
        Ok(Header { source: source.to_owned(), names })
    }

    /// The header of a columnar input named `source`, from its schema's field names.
    #[cfg(feature = "columnar")]
    pub(crate) fn new(source: &str, names: Vec<String>) -> Header {
        Header { source: source.to_owned(), names }
    }

    /// The input's name in error messages.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// The column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of column `index`.
    pub fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    /// The position of the column named `wanted`.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownColumn`] (with the closest names) when no column has that name,
    /// [`ErrorKind::DuplicateColumn`] when several do.
    pub fn find(&self, wanted: &str) -> Result<usize> {
        let mut matches = self.names.iter().enumerate().filter(|(_, n)| n.as_str() == wanted);
        match (matches.next(), matches.next()) {
            (Some((i, _)), None) => Ok(i),
            (Some(_), Some(_)) => Err(ErrorKind::DuplicateColumn {
                source_name: self.source.clone(),
                column: wanted.to_owned(),
            }
            .into()),
            (None, _) => Err(ErrorKind::UnknownColumn {
                source_name: self.source.clone(),
                column: wanted.to_owned(),
                suggestions: closest_names(wanted, self.names.iter().map(String::as_str)),
            }
            .into()),
        }
    }

    /// The position of the column named `wanted`, if there is one.
    ///
    /// # Errors
    /// [`ErrorKind::DuplicateColumn`] when several columns have that name.
    pub fn find_optional(&self, wanted: &str) -> Result<Option<usize>> {
        match self.find(wanted) {
            Ok(i) => Ok(Some(i)),
            Err(e) if matches!(e.kind(), ErrorKind::UnknownColumn { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Where the cell of column `index` in the row at `place` is, for error messages.
    pub(crate) fn at(&self, place: Place, index: usize) -> Location {
        place.locate(Location::source(&self.source)).in_column(self.name(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv_reader;

    fn header(text: &str) -> Result<Header> {
        Header::read(&mut csv_reader(text.as_bytes()), "t.csv")
    }

    #[test]
    fn columns_are_found_once_or_named_in_the_error() {
        let h = header("a,b,a\n1,2,3\n");
        let found = h.as_ref().map(|h| h.find("b")).map_err(ToString::to_string);
        assert!(matches!(found, Ok(Ok(1))));
        let twice = h.as_ref().map(|h| h.find("a").map_err(|e| e.to_string()));
        assert_eq!(
            twice.ok(),
            Some(Err("t.csv: the header has column \"a\" more than once".to_owned()))
        );
        let typo = h.as_ref().map(|h| h.find("bb").map_err(|e| e.to_string()));
        assert_eq!(typo.ok(), Some(Err("t.csv: no column \"bb\" (did you mean \"b\"?)".into())));
    }

    #[test]
    fn an_empty_input_has_no_header() {
        let e = header("").map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(e, Err("t.csv: the file is empty (expected a header row)".into()));
    }
}
