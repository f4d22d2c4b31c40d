//! Missing-value markers: the cells that mean "no value", the same in every column Sextant
//! reads (labels, predictions, scores, sensitive values, model features). They are the
//! strings pandas 2 reads as NaN by default (`pandas.io.parsers` `STR_NA_VALUES`), after
//! trimming surrounding whitespace, so a whitespace-only cell is missing too.

/// pandas' default NA strings.
pub const MISSING_MARKERS: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Whether `cell` is a missing-value marker.
pub fn is_missing(cell: &[u8]) -> bool {
    let cell = cell.trim_ascii();
    match cell.first() {
        None => MISSING_MARKERS.contains(&""),
        // Most cells are decided by their first byte (numbers, names) or by their length
        // (every marker is at most 8 bytes) without comparing them with each marker.
        Some(&first) if !FIRST_BYTES[usize::from(first)] => false,
        Some(_) => cell.len() <= 8 && MISSING_MARKERS.iter().any(|m| m.as_bytes() == cell),
    }
}

/// Whether some marker starts with each byte.
const FIRST_BYTES: [bool; 256] = {
    let mut first = [false; 256];
    let mut i = 0;
    while i < MISSING_MARKERS.len() {
        if let Some(&byte) = MISSING_MARKERS[i].as_bytes().first() {
            first[byte as usize] = true;
        }
        i += 1;
    }
    first
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandas_markers_are_missing_and_values_are_not() {
        for marker in ["", " ", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", " NA "] {
            assert!(is_missing(marker.as_bytes()), "{marker:?}");
        }
        for value in ["0", "na", "none", "Nan", "female", "NAN", "N/A/B", "0.5"] {
            assert!(!is_missing(value.as_bytes()), "{value:?}");
        }
    }
}
