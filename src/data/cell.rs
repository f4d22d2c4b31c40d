//! What every table input yields, whatever its format: [`Cell`]s typed as the input stores
//! them, read from a batch of rows ([`crate::data::batch::Batch`]) whose [`Place`]s name
//! them in errors, and the [`TableFormat`] the input's first bytes tell.

use std::borrow::Cow;

use crate::data::missing::is_missing;
use crate::error::Location;

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
    /// A float64 column's value.
    Float(f64),
    /// A float32 (or float16) column's value, kept apart so that its text is the shortest
    /// float32 spelling, as pandas writes it, and its number that spelling's value.
    Float32(f32),
    /// A null in a columnar input.
    Null,
}

/// `True` or `False` for the spellings of a boolean that pandas reads from a CSV (`true`,
/// `True`, `TRUE`, and likewise `false`); `None` for any other text.
pub(crate) fn boolean_name(text: &[u8]) -> Option<&'static [u8]> {
    match text {
        b"true" | b"True" | b"TRUE" => Some(b"True"),
        b"false" | b"False" | b"FALSE" => Some(b"False"),
        _ => None,
    }
}

impl<'a> Cell<'a> {
    /// Whether the cell is a missing value: a null, a NaN, or text that is one of the
    /// missing-value markers of [`crate::data::missing`].
    pub(crate) fn is_missing(&self) -> bool {
        match *self {
            Cell::Text(bytes) => is_missing(bytes),
            Cell::Float(x) => x.is_nan(),
            Cell::Float32(x) => x.is_nan(),
            Cell::Null => true,
            Cell::Bool(_) | Cell::Int(_) | Cell::UInt(_) => false,
        }
    }

    /// The cell as text, spelled as pandas writes the value to CSV (`True`/`False`,
    /// integers in decimal, floats as Python's `repr`: the shortest round-trip digits, a `.0`
    /// for whole numbers, exponents as `1e+16` and `1e-05` outside [1e-4, 1e16)), so that a
    /// columnar file and its CSV give the same groups and labels.
    pub(crate) fn text(self) -> Cow<'a, [u8]> {
        match self {
            Cell::Text(bytes) => Cow::Borrowed(bytes),
            Cell::Bool(true) => Cow::Borrowed(b"True"),
            Cell::Bool(false) => Cow::Borrowed(b"False"),
            Cell::Int(0) | Cell::UInt(0) => Cow::Borrowed(b"0"),
            Cell::Int(1) | Cell::UInt(1) => Cow::Borrowed(b"1"),
            Cell::Int(v) => Cow::Owned(v.to_string().into_bytes()),
            Cell::UInt(v) => Cow::Owned(v.to_string().into_bytes()),
            Cell::Float(x) => Cow::Owned(python_repr(&format!("{x:e}")).into_bytes()),
            Cell::Float32(x) => Cow::Owned(python_repr(&format!("{x:e}")).into_bytes()),
            Cell::Null => Cow::Borrowed(b""),
        }
    }

    /// The cell as a group or category name: its [`Cell::text`], with a boolean spelled
    /// as pandas reads a CSV's (`true` and `TRUE` are `True`, `false` and `FALSE` are
    /// `False`), so that a CSV written by polars, DuckDB or Spark (lowercase) names its
    /// groups as its typed boolean column does.
    pub(crate) fn name(self) -> Cow<'a, [u8]> {
        match self {
            Cell::Text(bytes) => Cow::Borrowed(boolean_name(bytes).unwrap_or(bytes)),
            _ => self.text(),
        }
    }

    /// The cell as a finite number, a missing value, or neither (text that is not a number,
    /// an infinity, or text spelling a NaN that is not a missing-value marker), as
    /// [`Cell::number`] and [`Cell::is_missing`] together tell, with the text read once.
    pub(crate) fn finite(&self) -> Finite {
        let x = match *self {
            Cell::Text(bytes) => {
                if let Some(x) = plain_decimal(bytes) {
                    return Finite::Number(x);
                }
                // Missing as `is_missing` says (markers within ASCII spaces); a number as
                // `number` reads it (within any Unicode spaces).
                if is_missing(bytes) {
                    return Finite::Missing;
                }
                let Ok(text) = std::str::from_utf8(bytes) else { return Finite::Neither };
                match text.trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => return Finite::Number(x),
                    _ => return Finite::Neither,
                }
            }
            other => other.number(),
        };
        match x {
            Some(x) if x.is_finite() => Finite::Number(x),
            Some(x) if x.is_nan() => Finite::Missing, // a null or a NaN float
            _ => Finite::Neither,
        }
    }

    /// The cell as a quantity (a score, a count, a weight): [`Cell::number`], except that a
    /// boolean is not one, as `True` in a CSV is not.
    pub(crate) fn quantity(&self) -> Option<f64> {
        match self {
            Cell::Bool(_) => None,
            _ => self.number(),
        }
    }

    /// The cell as a number: text parsed as a float (`None` when it is not one), booleans
    /// as 1/0, nulls as NaN. Integers beyond ±2^53 round to the nearest float. A float32 is
    /// the double nearest its shortest spelling (0.7, not 0.699999988079071), the number the
    /// CSV that pandas writes of it holds: a threshold of 0.7 selects it, in both.
    pub(crate) fn number(&self) -> Option<f64> {
        match *self {
            Cell::Text(bytes) => {
                if let Some(x) = plain_decimal(bytes) {
                    return Some(x);
                }
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
            Cell::Float32(x) => Some(shortest_f32(x)),
            Cell::Null => Some(f64::NAN),
        }
    }
}

/// The double nearest the shortest decimal that reads back as `x` (Ryū's shortest digits, as
/// Python's `repr` of a `numpy.float32` writes them), without an allocation.
fn shortest_f32(x: f32) -> f64 {
    if !x.is_finite() {
        return f64::from(x);
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x);
    plain_decimal(text.as_bytes()).or_else(|| text.parse().ok()).unwrap_or(f64::from(x))
}

/// What [`Cell::finite`] finds in a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Finite {
    /// A finite number.
    Number(f64),
    /// A missing value.
    Missing,
    /// Neither.
    Neither,
}

/// The value of `bytes` when they are a plain decimal of at most 15 digits (`42`, `-0.78299`,
/// `97864.87`: an optional minus, digits, optionally a point and digits), else `None` (the
/// general parser then reads them). The digits make an integer below 2^53 and the point a
/// power of ten up to 10^15, both exact in a double, so their quotient is the correctly
/// rounded value, as `str::parse` gives it (Clinger's fast path). Numbers in a CSV are nearly
/// always written so, and this is several times faster than validating UTF-8, trimming and
/// parsing in general.
fn plain_decimal(bytes: &[u8]) -> Option<f64> {
    const POWERS: [f64; 16] =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let (mantissa, fraction) = short_decimal(digits).or_else(|| decimal_digits(digits))?;
    #[allow(clippy::cast_precision_loss)] // below 2^53: exact
    let value = mantissa as f64 / POWERS[fraction];
    Some(if negative { -value } else { value })
}

/// `digits` (digits, optionally a point between two of them) as an integer and the number
/// of digits after the point; `None` for anything else, or more than 15 digits.
fn decimal_digits(digits: &[u8]) -> Option<(u64, usize)> {
    let (mut mantissa, mut fraction, mut point) = (0_u64, 0_usize, false);
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                fraction += usize::from(point);
            }
            // A point between digits: not first, not last.
            b'.' if !point && i > 0 && i + 1 < digits.len() => point = true,
            _ => return None,
        }
    }
    // At most 15 digits: the mantissa stays below 10^15 < 2^53.
    (digits.len() - usize::from(point) <= 15).then_some((mantissa, fraction))
}

/// Every byte of a word.
const BYTES: u64 = 0x0101_0101_0101_0101;

/// [`decimal_digits`] of at most 8 bytes, read as one word (SWAR: the digits checked and
/// combined eight at a time, by three multiplications, instead of one multiplication per
/// digit in a chain); `None` when it is not that simple (the loop then decides). Numbers
/// such as `97864.87` are most of what a drift or score column holds.
fn short_decimal(digits: &[u8]) -> Option<(u64, usize)> {
    let len = digits.len();
    if !(1..=8).contains(&len) {
        return None;
    }
    // The first character in the lowest byte.
    let word = digits.iter().enumerate().fold(0_u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
    let low_bytes = |n: usize| if n >= 8 { u64::MAX } else { (1_u64 << (8 * n)) - 1 };
    // The lowest byte equal to '.' is flagged exactly; a flag above it may be a '/' (the
    // borrow of the subtraction), which is not a plain decimal either.
    let x = word ^ (BYTES * u64::from(b'.'));
    let dots = x.wrapping_sub(BYTES) & !x & (BYTES << 7) & low_bytes(len);
    let (packed, count, fraction) = if dots == 0 {
        (word, len, 0)
    } else {
        let at = (dots.trailing_zeros() / 8) as usize;
        if dots & (dots - 1) != 0 || at == 0 || at + 1 == len {
            return None;
        }
        // The point taken out: the bytes after it moved down one.
        let packed = (word & low_bytes(at)) | (word >> (8 * (at + 1))) << (8 * at);
        (packed, len - 1, len - 1 - at)
    };
    let used = low_bytes(count);
    let (zeros, high) = ((BYTES * u64::from(b'0')) & used, (BYTES * 0xF0) & used);
    // Each byte 0x30..=0x39: its high half is 3, and adding 6 keeps it 3.
    if packed & high != zeros || packed.wrapping_add((BYTES * 6) & used) & high != zeros {
        return None;
    }
    // The digits' values, shifted up so that the missing leading digits are zeros.
    let mut v = (packed - zeros) << (8 * (8 - count));
    v = (v.wrapping_mul(10) + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    v = (v.wrapping_mul(10_000) + (v >> 32)) & 0xFFFF_FFFF;
    Some((v, fraction))
}

/// Python's `repr` of a float from Rust's shortest scientific spelling of it (`{:e}`:
/// `1.5e-5`, `1e16`, `-2.25e0`, `NaN`, `inf`).
fn python_repr(scientific: &str) -> String {
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return scientific.to_lowercase(); // NaN, inf
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..16).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{fraction}e{exponent_sign}{:02}", exponent.abs());
    }
    let point = exponent + 1; // digits before the decimal point
    let text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else {
        let point = point as usize;
        if digits.len() <= point {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    };
    format!("{sign}{text}")
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
    fn typed_cells_read_as_pandas_writes_them() {
        assert_eq!(Cell::Bool(true).text().as_ref(), b"True");
        assert_eq!(Cell::Int(-12).text().as_ref(), b"-12");
        assert_eq!(Cell::Float(1.0).text().as_ref(), b"1.0");
        assert_eq!(Cell::Float(0.1).text().as_ref(), b"0.1");
        // Python's repr: repr(x) for each of these floats.
        for (x, python) in [
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123.456, "123.456"),
            (-2.0, "-2.0"),
            (1e15, "1000000000000000.0"),
            (-0.0, "-0.0"),
            (2.5e-300, "2.5e-300"),
        ] {
            assert_eq!(Cell::Float(x).text().as_ref(), python.as_bytes(), "{x}");
        }
        assert_eq!(Cell::Float32(0.1).text().as_ref(), b"0.1");
        assert_eq!(Cell::Float32(0.1).number(), Some(0.1));
        assert_eq!(Cell::Float32(0.7).number(), Some(0.7));
        // -3237423.25 lies halfway between two shortest decimals: numpy 2 and pandas write
        // -3.2374232e+06, as Ryū does (Rust's formatting gives …3).
        let tie = f32::from_bits(3_393_558_717);
        assert_eq!(f64::from(tie), -3_237_423.25);
        assert_eq!(Cell::Float32(tie).number(), Some(-3_237_423.2));
        assert_eq!(Cell::Float32(f32::MIN_POSITIVE).number(), Some(1.1754944e-38));
        assert_eq!(Cell::Float32(-3.0).number(), Some(-3.0));
        assert!(Cell::Float32(f32::NAN).number().is_some_and(f64::is_nan));
        assert_eq!(Cell::Float32(f32::INFINITY).number(), Some(f64::INFINITY));
        assert_eq!(Cell::Bool(false).number(), Some(0.0));
        assert!(Cell::Null.is_missing() && Cell::Float(f64::NAN).is_missing());
        assert_eq!(Cell::Text(b" 2.5 ").number(), Some(2.5));
        assert_eq!(Cell::Text(b"abc").number(), None);
    }

    proptest::proptest! {
        /// The word-at-a-time reading of short decimals is the loop's, or leaves the
        /// decision to it, on any bytes (digits, points, their neighbours '/' and ':').
        #[test]
        fn short_decimals_read_as_the_loop_reads_them(
            text in proptest::collection::vec(proptest::sample::select(b"0123456789./:-x".to_vec()), 1..9),
        ) {
            if let Some(short) = short_decimal(&text) {
                proptest::prop_assert_eq!(Some(short), decimal_digits(&text), "{:?}", String::from_utf8_lossy(&text));
            }
        }
    }

    #[test]
    fn short_decimals_take_the_usual_numbers() {
        for (text, expected) in [
            (&b"97864.87"[..], (9_786_487, 2)),
            (b"0", (0, 0)),
            (b"12345678", (12_345_678, 0)),
            (b"1.5", (15, 1)),
            (b"0.000001", (1, 6)),
            (b"9.999999", (9_999_999, 6)),
        ] {
            assert_eq!(short_decimal(text), Some(expected), "{}", String::from_utf8_lossy(text));
        }
        for text in [&b"1."[..], b".5", b"1.2.3", b"12/4", b"1:2", b"123456789", b""] {
            assert_eq!(short_decimal(text), None, "{}", String::from_utf8_lossy(text));
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_decimals_read_as_the_general_parser_reads_them(
            text in "-?[0-9]{0,17}(\\.[0-9]{0,17})?",
            x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
            decimals in 0_usize..12,
        ) {
            for text in [text, format!("{x}"), format!("{x:.decimals$}"), format!("{}", x as i64)] {
                let general = text.trim().parse::<f64>().ok();
                if let Some(fast) = plain_decimal(text.as_bytes()) {
                    proptest::prop_assert_eq!(Some(fast.to_bits()), general.map(f64::to_bits), "{}", text);
                }
                proptest::prop_assert_eq!(
                    Cell::Text(text.as_bytes()).number().map(f64::to_bits),
                    general.map(f64::to_bits).or_else(|| text.trim().is_empty().then_some(f64::NAN.to_bits())),
                    "{}", text
                );
            }
        }
    }

    /// What `finite` tells with one reading of the text: `number` and `is_missing` together.
    fn finite_as_number_and_is_missing_tell(cell: &Cell<'_>) -> Finite {
        match cell.number() {
            Some(x) if x.is_finite() => Finite::Number(x),
            _ if cell.is_missing() => Finite::Missing,
            _ => Finite::Neither,
        }
    }

    #[test]
    fn finite_tells_numbers_missing_values_and_the_rest_apart() {
        let texts = [
            "1.5",
            " -2 ",
            "1e5",
            "",
            " ",
            "NA",
            "nan",
            "NaN",
            "NAN",
            "+nan",
            "inf",
            "-Infinity",
            "1e400",
            "abc",
            "None",
            "0x10",
            "97864.87",
            "\u{a0}NA",
            "\u{a0}1.5\u{a0}",
        ];
        let cells = texts.iter().map(|t| Cell::Text(t.as_bytes())).chain([
            Cell::Text(b"\xff1"),
            Cell::Null,
            Cell::Float(f64::NAN),
            Cell::Float(f64::INFINITY),
            Cell::Float32(2.5),
            Cell::Int(-3),
            Cell::UInt(7),
            Cell::Bool(true),
        ]);
        for cell in cells {
            assert_eq!(cell.finite(), finite_as_number_and_is_missing_tell(&cell), "{cell:?}");
        }
        assert_eq!(Cell::Text(b"NAN").finite(), Finite::Neither);
        assert_eq!(Cell::Text(b" NA ").finite(), Finite::Missing);
    }

    proptest::proptest! {
        #[test]
        fn finite_reads_any_text_as_number_and_is_missing_do(text in "[ \u{a0}\u{2003}\t0-9.eE+NnaAiIfF/#-]{0,10}") {
            let cell = Cell::Text(text.as_bytes());
            proptest::prop_assert_eq!(cell.finite(), finite_as_number_and_is_missing_tell(&cell), "{:?}", text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// A float32's number is a shortest decimal of it (as many significant digits as
        /// Rust's shortest spelling of the float32) that reads back as it. Where two such
        /// decimals are equally near, the one numpy writes is checked below.
        #[test]
        fn a_float32_is_the_number_of_a_shortest_spelling(bits in proptest::num::u32::ANY) {
            let x = f32::from_bits(bits);
            let n = Cell::Float32(x).number().unwrap_or(0.0);
            if x.is_nan() {
                proptest::prop_assert!(n.is_nan());
            } else if x.is_finite() {
                let digits = |scientific: String| {
                    let mantissa = scientific.split('e').next().unwrap_or_default().to_owned();
                    mantissa.bytes().filter(u8::is_ascii_digit).count()
                };
                proptest::prop_assert_eq!(digits(format!("{n:e}")), digits(format!("{x:e}")), "{} {}", n, x);
                proptest::prop_assert_eq!(n as f32, x);
            }
        }
    }
}
