//! ONNX graphs beyond Sextant's own executor (convolutions, recurrent layers, …), run by
//! tract (feature `tract`). [`load_model`](crate::model::load_model) falls back to this
//! only when the executor reports an unsupported operator.

use std::io::Cursor;
use std::sync::Arc;

use tract_onnx::prelude::*;

use crate::error::{Error, Result};
use crate::model::onnx::ScoredOutput;
use crate::model::Model;

/// A graph optimised and planned by tract, with a symbolic batch dimension.
pub struct TractModel {
    source: String,
    plan: Arc<TypedRunnableModel>,
    output: ScoredOutput,
    index: usize,
    width: usize,
}

impl std::fmt::Debug for TractModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TractModel")
            .field("source", &self.source)
            .field("output", &self.output)
            .finish_non_exhaustive()
    }
}

impl TractModel {
    /// Plans `bytes` with tract, scoring `output`.
    ///
    /// # Errors
    /// tract's own error, in one line, when it cannot load, type or optimise the graph.
    pub fn from_bytes(bytes: &[u8], source: &str, output: ScoredOutput) -> Result<Self> {
        let n_features = output
            .n_features
            .ok_or_else(|| Error::model(source, "the input's feature dimension is not fixed"))?;
        let plan = (|| -> TractResult<Arc<TypedRunnableModel>> {
            let model = tract_onnx::onnx().model_for_read(&mut Cursor::new(bytes))?;
            let batch = model.symbols.sym("N");
            let fact = if output.float32_input {
                f32::fact([batch.to_dim(), n_features.to_dim()])
            } else {
                f64::fact([batch.to_dim(), n_features.to_dim()])
            };
            model.with_input_fact(0, fact.into())?.into_optimized()?.into_runnable()
        })()
        .map_err(|e| {
            Error::model(source, format!("tract cannot run the graph: {}", one_line(&e)))
        })?;
        let index = output
            .index
            .ok_or_else(|| Error::model(source, "the scored value is not a graph output"))?;
        let mut model = TractModel { source: source.to_owned(), plan, output, index, width: 0 };
        model.width = model.predict(&vec![0.0; n_features], n_features)?.len();
        Ok(model)
    }
}

fn one_line(e: &TractError) -> String {
    e.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ").replace('\n', " ")
}

impl Model for TractModel {
    fn n_features(&self) -> Option<usize> {
        self.output.n_features
    }

    fn feature_names(&self) -> Option<&[String]> {
        self.output.feature_names.as_deref()
    }

    fn n_outputs(&self) -> usize {
        self.width
    }

    fn is_classifier(&self) -> bool {
        self.output.classifier
    }

    fn class_labels(&self) -> Option<&[String]> {
        self.output.class_labels.as_deref()
    }

    fn accepts_missing(&self) -> bool {
        false
    }

    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        let n_rows = rows.len() / n_features.max(1);
        let input: Tensor = if self.output.float32_input {
            #[allow(clippy::cast_possible_truncation)]
            let data: Vec<f32> = rows.iter().map(|&x| x as f32).collect();
            Tensor::from_shape(&[n_rows, n_features], &data)
        } else {
            Tensor::from_shape(&[n_rows, n_features], rows)
        }
        .map_err(|e| Error::model(&self.source, one_line(&e)))?;
        // A panic inside tract is its error, not the process's end (or a trapped instance).
        // (`run` keeps no state between calls: the plan stays usable after a panic.)
        let run = crate::guard::guarded(|| self.plan.run(tvec!(input.into())));
        let outputs = run
            .map_err(|_| Error::model(&self.source, "tract failed while running this graph"))?
            .map_err(|e| Error::model(&self.source, one_line(&e)))?;
        let value = outputs.get(self.index).ok_or_else(|| {
            Error::model(&self.source, "tract returned fewer outputs than the graph declares")
        })?;
        let values =
            value.cast_to::<f64>().map_err(|e| Error::model(&self.source, one_line(&e)))?;
        let view = values
            .to_plain_array_view::<f64>()
            .map_err(|e| Error::model(&self.source, one_line(&e)))?;
        Ok(view.iter().copied().collect())
    }
}
