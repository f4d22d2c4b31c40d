//! Reading binary labels and predictions from text cells.
//!
//! Without a named positive value, a cell must be a number equal to 1 (positive), 0 or −1
//! (negative), or `true`/`false`, as fairlearn accepts. With a named positive value, that
//! value is positive and exactly one other value may appear: the label and prediction
//! columns share one [`BinaryCodec`], so they must agree on that other value too. Values are
//! compared as pandas compares a column it read: two spellings of one number (`1`, `1.0`,
//! `True`) are one value.

/// Why a cell could not be read as a binary outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinaryError {
    /// A cell outside the accepted 0/1 spellings, without a named positive value.
    NotBinary,
    /// A third distinct value, after `positive` and `negative`.
    ThirdValue {
        /// The positive value.
        positive: String,
        /// The one other value seen so far.
        negative: String,
    },
}

/// Maps cells to `true` (positive) or `false`, learning the negative value if needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryCodec {
    positive: Option<Vec<u8>>,
    negative: Option<Vec<u8>>,
}

impl BinaryCodec {
    /// A codec whose positive value is `positive`, or 0/1 numbers when `None`.
    pub fn new(positive: Option<&str>) -> Self {
        BinaryCodec { positive: positive.map(|p| p.as_bytes().to_vec()), negative: None }
    }

    /// The positive value as reported (`"1"` for numeric labels).
    pub fn positive_name(&self) -> String {
        self.positive.as_deref().map_or_else(|| "1".to_owned(), lossy)
    }

    /// The negative value as reported (`"0"` for numeric labels), if one was seen.
    pub fn negative_name(&self) -> Option<String> {
        match (&self.positive, &self.negative) {
            (None, _) => Some("0".to_owned()),
            (Some(_), negative) => negative.as_deref().map(lossy),
        }
    }

    /// Whether `value` (as written by the user, e.g. a favourable label) is the positive
    /// value; `None` if it is neither value of this codec.
    pub fn classify_name(&self, value: &str) -> Option<bool> {
        let mut probe = self.clone();
        match probe.read(value.trim().as_bytes()) {
            Ok(positive) if probe.negative == self.negative => Some(positive),
            _ => None,
        }
    }

    /// Takes in what `other` (the same codec, on another part of the data) learned; false
    /// when the two parts met different negative values (three values in all).
    pub(crate) fn merge(&mut self, other: &BinaryCodec) -> bool {
        match (&self.negative, &other.negative) {
            (None, Some(theirs)) => {
                self.negative = Some(theirs.clone());
                true
            }
            (Some(ours), Some(theirs)) => same_value(ours, theirs),
            (_, None) => true,
        }
    }

    /// Reads one cell.
    ///
    /// # Errors
    /// When the cell is not one of the two values.
    pub fn read(&mut self, cell: &[u8]) -> Result<bool, BinaryError> {
        match &self.positive {
            None => read_numeric(cell),
            Some(positive) if same_value(cell, positive) => Ok(true),
            Some(positive) => match &self.negative {
                Some(negative) if same_value(cell, negative) => Ok(false),
                Some(negative) => Err(BinaryError::ThirdValue {
                    positive: lossy(positive),
                    negative: lossy(negative),
                }),
                None => {
                    self.negative = Some(cell.to_vec());
                    Ok(false)
                }
            },
        }
    }
}

/// Whether two cells are one value: the same bytes, or spellings of one number (`1`,
/// `1.0`, `True`), as pandas reads them.
pub(crate) fn same_value(a: &[u8], b: &[u8]) -> bool {
    a == b || number(a).is_some_and(|x| number(b) == Some(x))
}

/// The number a cell spells: a finite number, or `true`/`false` (any case) as 1/0.
fn number(cell: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(cell).ok()?.trim();
    if text.eq_ignore_ascii_case("true") {
        return Some(1.0);
    }
    if text.eq_ignore_ascii_case("false") {
        return Some(0.0);
    }
    text.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read_numeric(cell: &[u8]) -> Result<bool, BinaryError> {
    match cell {
        b"1" => return Ok(true),
        b"0" => return Ok(false),
        _ => {}
    }
    let text = std::str::from_utf8(cell).map_err(|_| BinaryError::NotBinary)?.trim();
    if text.eq_ignore_ascii_case("true") {
        return Ok(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Ok(false);
    }
    match text.parse::<f64>() {
        Ok(1.0) => Ok(true),
        Ok(0.0 | -1.0) => Ok(false),
        _ => Err(BinaryError::NotBinary),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_spellings_are_accepted() {
        let mut c = BinaryCodec::new(None);
        for (cell, expected) in
            [("1", true), ("0", false), ("1.0", true), ("-1", false), ("True", true)]
        {
            assert_eq!(c.read(cell.as_bytes()), Ok(expected), "{cell}");
        }
        assert_eq!(c.read(b"yes"), Err(BinaryError::NotBinary));
        assert_eq!(c.read(b"2"), Err(BinaryError::NotBinary));
    }

    #[test]
    fn a_named_positive_allows_exactly_one_other_value() {
        let mut c = BinaryCodec::new(Some(">50K"));
        assert_eq!(c.read(b"<=50K"), Ok(false));
        assert_eq!(c.read(b">50K"), Ok(true));
        assert!(matches!(c.read(b"unknown"), Err(BinaryError::ThirdValue { .. })));
        assert_eq!(c.negative_name().as_deref(), Some("<=50K"));
        assert_eq!(c.classify_name("<=50K"), Some(false));
        assert_eq!(c.classify_name("other"), None);
    }

    #[test]
    fn a_named_value_matches_its_other_spellings() {
        let mut c = BinaryCodec::new(Some("0"));
        for (cell, expected) in [("0.0", true), ("1.0", false), ("1", false), ("False", true)] {
            assert_eq!(c.read(cell.as_bytes()), Ok(expected), "{cell}");
        }
        assert!(matches!(c.read(b"2"), Err(BinaryError::ThirdValue { .. })));
        assert!(matches!(c.read(b"NaN"), Err(BinaryError::ThirdValue { .. })));
        // 1 named is a value like any other: 2 may be the other value, -1 is a third.
        let mut c = BinaryCodec::new(Some("1"));
        for (cell, expected) in [("1.0", true), ("2", false), ("True", true), ("2.0", false)] {
            assert_eq!(c.read(cell.as_bytes()), Ok(expected), "{cell}");
        }
        assert!(matches!(c.read(b"-1"), Err(BinaryError::ThirdValue { .. })));
    }
}
