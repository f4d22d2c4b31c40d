//! LIME from JavaScript: `new LimeExplainer({model, training, …})` learns the training
//! data's bins once and explains any number of rows (`explain({data})`), as the audit page
//! does between clicks; `explainLime` is both steps in one call.

use serde::Deserialize;
use sextant::{FeatureMatrix, InputSchema, LimeExplainer, Model};
use wasm_bindgen::prelude::*;

use crate::convert::{feature_rows, js_error, split_options, to_js};
use crate::js_model::{model_option, ModelOption};
use crate::js_progress::JsProgress;
use crate::options::LimeOptions;

/// LIME fitted on its training data (lime's `LimeTabularExplainer`).
#[wasm_bindgen(js_name = LimeExplainer)]
pub struct JsLimeExplainer {
    model: Box<dyn Model>,
    schema: InputSchema,
    features: Option<Vec<String>>,
    ignore: Vec<String>,
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
    ///
    /// # Errors
    /// A JS `Error` with the core's code: a bad option, model or training CSV.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsLimeExplainer, JsValue> {
        let (parsed, values): (LimeOptions, _) =
            split_options(&options, &["model", "training"], "options")?;
        Self::fit(&parsed, model_option(&values[0])?, &values[1])
    }

    /// Explains the rows of `data` (CSV text, bytes or `{columns}`, with the training
    /// data's feature columns). Returns `sextant.lime/v1`.
    ///
    /// # Errors
    /// A JS `Error` with the core's code: bad data, other feature columns, cancellation.
    pub fn explain(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let (_, values): (NoMoreOptions, _) =
            split_options(&options, &["data", "onProgress", "signal"], "options")?;
        let data =
            feature_rows(&values[0], "data", &self.schema, self.features.as_deref(), &self.ignore)?;
        self.explain_rows(&data, &values[1], &values[2])
    }
}

impl JsLimeExplainer {
    /// Reads the training rows and fits.
    fn fit(parsed: &LimeOptions, model: ModelOption, training: &JsValue) -> Result<Self, JsValue> {
        let schema = model.schema();
        let (features, ignore) = (parsed.features.clone(), parsed.ignore.clone());
        let training = feature_rows(training, "training", &schema, features.as_deref(), &ignore)?;
        let model = model.into_model(training.rows.row(0))?;
        let params = parsed.params().map_err(|e| js_error(&e))?;
        let checked = params.check(model.as_ref(), &training.names).map_err(|e| js_error(&e))?;
        let explainer = LimeExplainer::fit(training.names.clone(), &training.rows, &checked)
            .map_err(|e| js_error(&e))?;
        Ok(JsLimeExplainer { model, schema, features, ignore, names: training.names, explainer })
    }

    /// Explains `data`, whose columns must be the fitted ones.
    fn explain_rows(
        &self,
        data: &FeatureMatrix,
        on_progress: &JsValue,
        signal: &JsValue,
    ) -> Result<JsValue, JsValue> {
        data.check_columns(&self.names, "training").map_err(|e| js_error(&e))?;
        let mut progress = JsProgress::new(on_progress, signal);
        let explanation = self
            .explainer
            .explain(self.model.as_ref(), &data.rows, &mut progress)
            .map_err(|e| js_error(&e))?;
        to_js(&explanation)
    }
}

/// LIME surrogates, as `sextant explain lime`: `{model, data, training, ...}`. Returns
/// `sextant.lime/v1`.
///
/// # Errors
/// A JS `Error` with the core's code, as `sextant explain lime` exits 2.
#[wasm_bindgen(js_name = explainLime)]
pub fn explain_lime_js(options: JsValue) -> Result<JsValue, JsValue> {
    let (parsed, values): (LimeOptions, _) =
        split_options(&options, &["model", "data", "training", "onProgress", "signal"], "options")?;
    let model = model_option(&values[0])?;
    let data = feature_rows(
        &values[1],
        "data",
        &model.schema(),
        parsed.features.as_deref(),
        &parsed.ignore,
    )?;
    JsLimeExplainer::fit(&parsed, model, &values[2])?.explain_rows(&data, &values[3], &values[4])
}
