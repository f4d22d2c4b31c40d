//! Result documents as JSON text, written exactly as JavaScript's `JSON.stringify` writes the
//! same object: compact, and numbers in JavaScript's format (`1` not `1.0`, `1e-7`, `1e+21`).
//! So the CLI's JSON and `JSON.stringify` of a WASM result are the same bytes.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// `document` as compact JSON with JavaScript number formatting. Every result holds only
/// strings, numbers, booleans, sequences and string-keyed maps, which always serialise.
pub fn to_json(document: &impl Serialize) -> String {
    let mut out = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut out, JsNumbers);
    if document.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's compact output, with floats formatted as JavaScript formats numbers.
struct JsNumbers;

impl Formatter for JsNumbers {
    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(js_number(value).as_bytes())
    }

    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
}

/// `Number.prototype.toString()` of `value`: the shortest digits that round-trip, with
/// JavaScript's choice between plain and exponent notation. Non-finite values are `null`,
/// as in `JSON.stringify`.
pub fn js_number(value: f64) -> String {
    if !value.is_finite() {
        return "null".to_owned();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-7". When two such digit
    // strings are equally close to the value, JavaScript takes the even one and Rust may not:
    // formatting to that many digits rounds half to even, so prefer it when it round-trips.
    let shortest = format!("{value:e}");
    let n_digits =
        shortest.split('e').next().unwrap_or("").chars().filter(char::is_ascii_digit).count();
    let nearest = format!("{value:.*e}", n_digits.saturating_sub(1));
    let scientific = if nearest.parse::<f64>() == Ok(value) { nearest } else { shortest };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    let n = exponent + 1; // the decimal point sits after n digits
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let exponent_sign = if n > 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        format!("{first}{fraction}e{exponent_sign}{}", (n - 1).abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        // Each pair: the value and (String(value)) in JavaScript.
        for (value, js) in [
            (1.0, "1"),
            (-0.0, "0"),
            (0.5, "0.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123456.0, "123456"),
            (1e21, "1e+21"),
            (1.5e21, "1.5e+21"),
            (1e20, "100000000000000000000"),
            (1e-6, "0.000001"),
            (1.5e-7, "1.5e-7"),
            (-2.5e-10, "-2.5e-10"),
            (0.8807970779778825, "0.8807970779778825"),
            // Exactly halfway between two 17-digit strings: JavaScript takes the even one.
            (f64::from(-1.596_595_8_f32), "-1.5965957641601562"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "null"),
        ] {
            assert_eq!(js_number(value), js, "{value:e}");
        }
    }

    #[test]
    fn documents_are_compact() {
        let value = serde_json::json!({"a": [1.0, 2.5, null], "b": {"c": "x"}, "d": 3});
        assert_eq!(to_json(&value), r#"{"a":[1,2.5,null],"b":{"c":"x"},"d":3}"#);
    }
}
