//! Models given from JavaScript: ONNX bytes, a coefficients object, or a function
//! `predict(rows: Float64Array, nRows, nCols) => Float64Array | number[]` that Sextant calls
//! with large batches.

use js_sys::{Float64Array, Function, Uint8Array};
use sextant::{load_model, Error, InputSchema, Model, Result};
use wasm_bindgen::{JsCast, JsValue};

use crate::convert::{js_error, option_error};

/// The model of an options object's `model` key.
pub enum ModelOption {
    /// ONNX bytes or a coefficients object, loaded.
    Loaded(Box<dyn Model>),
    /// A predict function (wrapped once a data row can probe its output width).
    Function(Function),
}

impl ModelOption {
    /// What the model needs of its input columns (a function takes any width).
    pub fn schema(&self) -> InputSchema {
        match self {
            ModelOption::Loaded(model) => model.input_schema(),
            ModelOption::Function(_) => InputSchema::default(),
        }
    }

    /// The model itself; a function is called once on `row` to learn its output width.
    pub fn into_model(self, row: &[f64]) -> std::result::Result<Box<dyn Model>, JsValue> {
        match self {
            ModelOption::Loaded(model) => Ok(model),
            ModelOption::Function(function) => {
                JsFunctionModel::new(function, row).map(|m| Box::new(m) as Box<dyn Model>)
            }
        }
    }
}

/// The bytes of a model given as ONNX bytes or a coefficients object; `None` for anything
/// else.
pub fn model_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if value.is_instance_of::<Uint8Array>() || value.is_instance_of::<js_sys::ArrayBuffer>() {
        Some(Uint8Array::new(value).to_vec())
    } else if let Some(text) = value.as_string() {
        Some(text.into_bytes())
    } else if value.is_object() && !value.is_function() {
        js_sys::JSON::stringify(value).ok().and_then(|s| s.as_string()).map(String::into_bytes)
    } else {
        None
    }
}

/// Reads the `model` option.
pub fn model_option(value: &JsValue) -> std::result::Result<ModelOption, JsValue> {
    if let Some(function) = value.dyn_ref::<Function>() {
        return Ok(ModelOption::Function(function.clone()));
    }
    if let Some(text) = value.as_string() {
        // A string is a model file's text (LightGBM text, or JSON); a file name is a mistake.
        let text = text.trim_start_matches('\u{feff}');
        let first_line = text.lines().next().unwrap_or("").trim_end();
        if first_line != "tree" && !text.trim_start().starts_with('{') {
            let shown: String = text.chars().take(40).collect();
            return Err(option_error(
                "model",
                &format!("the string \"{shown}\" is not a model file's text (LightGBM text or JSON): pass a file's contents, not its name"),
            ));
        }
    }
    let Some(bytes) = model_bytes(value) else {
        return Err(option_error(
            "model",
            "expected a model file's bytes (Uint8Array: ONNX, XGBoost JSON, LightGBM text) or text, a coefficients or XGBoost JSON object, or a predict function",
        ));
    };
    load_model(&bytes, "model").map(ModelOption::Loaded).map_err(|e| js_error(&e))
}

/// A JavaScript predict function.
struct JsFunctionModel {
    function: Function,
    n_outputs: usize,
}

impl JsFunctionModel {
    /// Calls `function` once on `row` to learn how many outputs it returns per row.
    fn new(function: Function, row: &[f64]) -> std::result::Result<Self, JsValue> {
        let mut model = JsFunctionModel { function, n_outputs: 1 };
        let outputs = model.call(row, row.len()).map_err(|e| js_error(&e))?;
        if outputs.is_empty() {
            return Err(option_error("model", "the predict function returned no outputs"));
        }
        model.n_outputs = outputs.len();
        Ok(model)
    }

    fn call(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        let n_rows = rows.len() / n_features.max(1);
        let result = self
            .function
            .call3(
                &JsValue::NULL,
                &Float64Array::from(rows).into(),
                &JsValue::from(n_rows as f64),
                &JsValue::from(n_features as f64),
            )
            .map_err(|e| {
                let message = js_sys::Error::from(e).message().as_string().unwrap_or_default();
                Error::model("model", format!("the predict function threw: {message}"))
            })?;
        if !(js_sys::Array::is_array(&result) || js_sys::ArrayBuffer::is_view(&result)) {
            return Err(Error::model(
                "model",
                "the predict function must return a Float64Array or an array of numbers",
            ));
        }
        let outputs = Float64Array::new(&result).to_vec();
        if n_rows > 0 && !outputs.len().is_multiple_of(n_rows) {
            return Err(Error::model(
                "model",
                format!("the predict function returned {} values for {n_rows} rows", outputs.len()),
            ));
        }
        Ok(outputs)
    }
}

impl Model for JsFunctionModel {
    fn n_features(&self) -> Option<usize> {
        None
    }

    fn feature_names(&self) -> Option<&[String]> {
        None
    }

    fn n_outputs(&self) -> usize {
        self.n_outputs
    }

    fn is_classifier(&self) -> bool {
        self.n_outputs == 2
    }

    fn accepts_missing(&self) -> bool {
        false
    }

    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        let outputs = self.call(rows, n_features)?;
        let n_rows = rows.len() / n_features.max(1);
        if outputs.len() != n_rows * self.n_outputs {
            return Err(Error::model(
                "model",
                format!(
                    "the predict function returned {} values for {n_rows} rows of {} outputs",
                    outputs.len(),
                    self.n_outputs
                ),
            ));
        }
        Ok(outputs)
    }
}
