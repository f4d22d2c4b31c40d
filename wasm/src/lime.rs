//! LIME from JavaScript: `new LimeExplainer({model, training, …})` learns the training
//! data's bins once and explains any number of rows (`explain({data})`), as the audit page
//! does between clicks; `explainLime` is both steps in one call.

use serde::Deserialize;
use sextant::{read_features, InputSchema, LimeExplainer, Model};
use wasm_bindgen::prelude::*;

use crate::convert::{csv_bytes, js_error, split_options, to_js};
use crate::js_model::model_option;
use crate::js_progress::JsProgress;
use crate::options::LimeOptions;

/// LIME fitted on its training data (lime's `LimeTabularExplainer`).
#[wasm_bindgen(js_name = LimeExplainer)]
pub struct JsLimeExplainer {
    model: Box<dyn Model>,
    schema: InputSchema,
    names: Vec<String>,
    explainer: LimeExplainer,
}

/// `explain`'s options besides `data`, `onProgress` and `signal`: none.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoMoreOptions {}

#[wasm_bindgen(js_class = LimeExplainer)]
impl JsLimeExplainer {
    /// Fits on `training` with `explainLime`'s options (all but `data`); the options are
    /// checked here, before any row is explained.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsLimeExplainer, JsValue> {
        let (parsed, values): (LimeOptions, _) =
            split_options(&options, &["model", "training"], "options")?;
        Self::fit(&parsed, &values[0], &values[1])
    }

    /// Explains the rows of `data` (CSV text, bytes or `{columns}` with the fitted feature
    /// columns). Returns `sextant.lime/v1`.
    pub fn explain(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let (_, values): (NoMoreOptions, _) =
            split_options(&options, &["data", "onProgress", "signal"], "options")?;
        self.explain_data(&values[0], &values[1], &values[2])
    }
}

impl JsLimeExplainer {
    /// Loads the model, reads the training rows and fits.
    fn fit(parsed: &LimeOptions, model: &JsValue, training: &JsValue) -> Result<Self, JsValue> {
        let model = model_option(model)?;
        let schema = model.schema();
        let bytes = csv_bytes(training, "training")?;
        let training = read_features(
            bytes.as_slice(),
            "training",
            &schema,
            parsed.features.as_deref(),
            &parsed.ignore,
        )
        .map_err(|e| js_error(&e))?;
        let model = model.into_model(training.rows.row(0))?;
        let params = parsed.params().map_err(|e| js_error(&e))?;
        let checked =
            params.check(model.as_ref(), training.names.len()).map_err(|e| js_error(&e))?;
        let explainer = LimeExplainer::fit(training.names.clone(), &training.rows, &checked)
            .map_err(|e| js_error(&e))?;
        Ok(JsLimeExplainer { model, schema, names: training.names, explainer })
    }

    /// Reads the fitted feature columns of `data` and explains its rows.
    fn explain_data(
        &self,
        data: &JsValue,
        on_progress: &JsValue,
        signal: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let bytes = csv_bytes(data, "data")?;
        let rows = read_features(bytes.as_slice(), "data", &self.schema, Some(&self.names), &[])
            .map_err(|e| js_error(&e))?;
        let mut progress = JsProgress::new(on_progress, signal);
        let explanation = self
            .explainer
            .explain(self.model.as_ref(), &rows.rows, &mut progress)
            .map_err(|e| js_error(&e))?;
        to_js(&explanation)
    }
}

/// LIME surrogates, as `sextant explain lime`: `{model, data, training, ...}`. Returns
/// `sextant.lime/v1`.
#[wasm_bindgen(js_name = explainLime)]
pub fn explain_lime_js(options: JsValue) -> Result<JsValue, JsValue> {
    let (parsed, values): (LimeOptions, _) =
        split_options(&options, &["model", "data", "training", "onProgress", "signal"], "options")?;
    JsLimeExplainer::fit(&parsed, &values[0], &values[2])?
        .explain_data(&values[1], &values[3], &values[4])
}
