//! Translation between JavaScript values and the core's inputs and results: data given as
//! CSV text, bytes or columns; option objects; results as plain objects (so that
//! `JSON.stringify` of a result equals the CLI's JSON); core errors as JS `Error`s with a
//! stable `code`.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sextant::report::js_number;
use sextant::{read_features, Error, FeatureMatrix, InputSchema};
use wasm_bindgen::{JsCast, JsValue};

/// A JS `Error` with the core's message and its stable code (`error.code`); options are
/// named as JavaScript callers write them (`numSamples`).
pub fn js_error(error: &Error) -> JsValue {
    let error = error.clone().spell_option(camel_case);
    coded_error(error.code(), &error.to_string())
}

/// `num_samples` as `numSamples`.
fn camel_case(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut upper = false;
    for c in word.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A JS `Error` with `message` and `code`.
pub fn coded_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// An error about the option `name`.
pub fn option_error(name: &str, message: &str) -> JsValue {
    js_error(&Error::invalid_option(name, message))
}

/// `value` as a plain JS object: maps become objects, `None` becomes `null`.
pub fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| coded_error("internal", &e.to_string()))
}

/// An options object split into the keys the bindings handle themselves (`taken`, removed)
/// and the rest, deserialised into `T` (unknown keys are errors when `T` denies them).
pub fn split_options<T: DeserializeOwned>(
    options: &JsValue,
    taken: &[&str],
    what: &str,
) -> Result<(T, Vec<JsValue>), JsValue> {
    if !options.is_object() {
        return Err(option_error(what, "expected an options object"));
    }
    let rest = Object::assign(&Object::new(), options.unchecked_ref());
    let mut values = Vec::with_capacity(taken.len());
    for key in taken {
        values.push(Reflect::get(&rest, &(*key).into()).unwrap_or(JsValue::UNDEFINED));
        let _ = Reflect::delete_property(&rest, &(*key).into());
    }
    exact_numbers(&rest, "")?;
    // Through a JSON value: serde-wasm-bindgen only looks up a struct's own fields, so
    // unknown keys (typos) would pass silently.
    let mut json: serde_json::Value = serde_wasm_bindgen::from_value(rest.into())
        .map_err(|e| option_error(what, &e.to_string()))?;
    // `{privileged: undefined}` or `null` means "not given", as in JavaScript APIs generally.
    if let Some(object) = json.as_object_mut() {
        object.retain(|_, value| !value.is_null());
    }
    let parsed = serde_path_to_error::deserialize(json).map_err(|e| {
        // The key (and index) the error is about, as the caller wrote it.
        let path = e.path().to_string();
        let name = if path == "." { what.to_owned() } else { path };
        option_error(&name, &plain_message(&e.into_inner().to_string()))
    })?;
    Ok((parsed, values))
}

/// The largest integer a JavaScript number holds exactly, 2^53 − 1.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Refuses what JSON would turn into something else, in the plain objects and arrays of
/// `value` (at `path`): NaN and infinities (`JSON.stringify` writes them as `null`, which
/// would read as "not given"), and BigInts past 2^53 − 1 (numbers are exact up to there).
fn exact_numbers(value: &JsValue, path: &str) -> Result<(), JsValue> {
    let at = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    if let Some(x) = value.as_f64() {
        if !x.is_finite() {
            let spelled = match x {
                x if x.is_nan() => "NaN",
                x if x > 0.0 => "Infinity",
                _ => "-Infinity",
            };
            return Err(option_error(path, &format!("{spelled} is not a finite number")));
        }
    } else if value.is_bigint() {
        let text =
            String::from(value.unchecked_ref::<js_sys::BigInt>().to_string(10).unwrap_or_default());
        let safe = text.parse::<i64>().is_ok_and(|x| x.unsigned_abs() <= MAX_SAFE_INTEGER);
        if !safe {
            return Err(option_error(
                path,
                &format!("{text} is past 2^53 − 1, the largest integer an option takes"),
            ));
        }
    } else if Array::is_array(value) {
        for (i, item) in Array::from(value).iter().enumerate() {
            exact_numbers(&item, &format!("{path}[{i}]"))?;
        }
    } else if value.is_object() && is_plain_object(value) {
        for entry in Object::entries(value.unchecked_ref()).iter() {
            let entry = Array::from(&entry);
            let key = entry.get(0).as_string().unwrap_or_default();
            exact_numbers(&entry.get(1), &at(&key))?;
        }
    }
    Ok(())
}

/// Whether `value`'s prototype is `Object.prototype` or `null` (not an array of data, a
/// model object or a function, whose contents are not options).
fn is_plain_object(value: &JsValue) -> bool {
    let prototype = Object::get_prototype_of(value);
    prototype.is_null() || prototype == Object::get_prototype_of(&Object::new())
}

/// serde's message for a number an integer option cannot take, as a caller reads it.
fn plain_message(message: &str) -> String {
    match message.strip_prefix("invalid type: floating point `") {
        Some(rest) if message.contains("expected u") || message.contains("expected i") => {
            let value = rest.split('`').next().unwrap_or(rest).trim_end_matches(".0");
            format!("{value} is not a whole number (of at most 2^53 − 1)")
        }
        _ => message.to_owned(),
    }
}

/// CSV bytes from a data option: CSV text, a `Uint8Array`/`ArrayBuffer` of CSV, or
/// `{columns: {name: an array or typed array of numbers, strings, booleans, BigInts}}`.
///
/// # Errors
/// A JS `Error` of code `invalid_option` naming the option `name`.
pub fn csv_bytes(data: &JsValue, name: &str) -> Result<Vec<u8>, JsValue> {
    csv_data(data, name).map_err(|e| js_error(&e))
}

/// The feature columns `schema` needs of a CSV option `name` (chosen by `features`, else the
/// model's names, else every column not in `ignore`), read by the core.
///
/// # Errors
/// A JS `Error` with the core's code: not CSV, or unusable columns or cells.
pub fn feature_rows(
    data: &JsValue,
    name: &str,
    schema: &InputSchema,
    features: Option<&[String]>,
    ignore: &[String],
) -> Result<FeatureMatrix, JsValue> {
    let bytes = csv_bytes(data, name)?;
    read_features(bytes.as_slice(), name, schema, features, ignore).map_err(|e| js_error(&e))
}

/// [`csv_bytes`] with the core's error.
///
/// # Errors
/// An invalid option `name`: neither CSV nor equal-length columns.
pub fn csv_data(data: &JsValue, name: &str) -> sextant::Result<Vec<u8>> {
    if let Some(text) = data.as_string() {
        return Ok(text.into_bytes());
    }
    if data.is_instance_of::<Uint8Array>() || data.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(data).to_vec());
    }
    let columns = Reflect::get(data, &"columns".into()).unwrap_or(JsValue::UNDEFINED);
    if columns.is_object() {
        return columns_csv(&columns, name);
    }
    Err(Error::invalid_option(
        name,
        "expected CSV text, a Uint8Array of CSV, or {columns: {name: values}}",
    ))
}

/// Column arrays as CSV text, numbers written as JavaScript writes them.
fn columns_csv(columns: &JsValue, name: &str) -> sextant::Result<Vec<u8>> {
    let names: Vec<String> = Object::keys(columns.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    let mut values: Vec<Array> = Vec::with_capacity(names.len());
    for column in &names {
        let value = Reflect::get(columns, &column.into()).unwrap_or(JsValue::UNDEFINED);
        if !(Array::is_array(&value) || js_sys::ArrayBuffer::is_view(&value)) {
            return Err(Error::invalid_option(name, format!("column `{column}` is not an array")));
        }
        values.push(Array::from(&value));
    }
    let n_rows = values.first().map_or(0, Array::length);
    if let Some((column, array)) = names.iter().zip(&values).find(|(_, a)| a.length() != n_rows) {
        return Err(Error::invalid_option(
            name,
            format!("column `{column}` has {} values, the first column {n_rows}", array.length()),
        ));
    }
    let mut csv = names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(",");
    csv.push('\n');
    for row in 0..n_rows {
        let cells = names
            .iter()
            .zip(&values)
            .map(|(column, values)| {
                cell(&values.get(row)).ok_or_else(|| {
                    Error::invalid_option(
                        name,
                        format!(
                            "column `{column}`, row {row}: {} is not a number, a string, a boolean, a BigInt, null or undefined",
                            values.get(row).js_typeof().as_string().unwrap_or_default()
                        ),
                    )
                })
            })
            .collect::<sextant::Result<Vec<String>>>()?;
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    Ok(csv.into_bytes())
}

/// One CSV cell: numbers as JavaScript prints them (BigInts, of `BigInt64Array`s, in
/// full), strings quoted when needed, booleans as JavaScript writes them (`true`), missing
/// values (NaN, `null`, `undefined`) empty; `None` for anything else (an object).
fn cell(value: &JsValue) -> Option<String> {
    if let Some(number) = value.as_f64() {
        if number.is_nan() {
            return Some(String::new());
        }
        if number.is_infinite() {
            return Some(if number > 0.0 { "inf" } else { "-inf" }.to_owned());
        }
        return Some(js_number(number));
    }
    if let Some(flag) = value.as_bool() {
        return Some(flag.to_string());
    }
    if value.is_bigint() {
        return value.unchecked_ref::<js_sys::BigInt>().to_string(10).ok().map(String::from);
    }
    if value.is_null() || value.is_undefined() {
        return Some(String::new());
    }
    value.as_string().map(|text| quote(&text))
}

fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
