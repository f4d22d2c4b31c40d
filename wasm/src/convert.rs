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
        option_error(&name, &e.into_inner().to_string())
    })?;
    Ok((parsed, values))
}

/// CSV bytes from a data option: CSV text, a `Uint8Array`/`ArrayBuffer` of CSV, or
/// `{columns: {name: number[] | Float64Array | string[]}}`.
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
        let cells: Vec<String> = values.iter().map(|column| cell(&column.get(row))).collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    Ok(csv.into_bytes())
}

/// One CSV cell: numbers as JavaScript prints them, strings quoted when needed, missing
/// values empty.
fn cell(value: &JsValue) -> String {
    if let Some(number) = value.as_f64() {
        if number.is_nan() {
            return String::new();
        }
        if number.is_infinite() {
            return if number > 0.0 { "inf" } else { "-inf" }.to_owned();
        }
        return js_number(number);
    }
    if let Some(flag) = value.as_bool() {
        return flag.to_string();
    }
    value.as_string().map_or_else(String::new, |text| quote(&text))
}

fn quote(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
