//! ONNX models, evaluated by Sextant's own small executor.
//!
//! Loading decodes the protobuf ([`proto`]), picks the model's float output (a classifier's
//! probabilities, a regressor's values; through a ZipMap to its input), keeps only the nodes
//! that output needs, and compiles each into an [`ops::Op`]. Evaluation runs those ops over
//! row batches. This covers what skl2onnx exports for scikit-learn pipelines (ONNX-ML
//! preprocessing, linear models, tree ensembles) and dense networks; any other operator is a
//! clear error naming it and its node.

mod attributes;
mod linear_pipeline;
mod ops;
mod proto;
mod value;

use std::collections::HashMap;

use prost::Message;

use crate::error::{Error, ErrorKind, Result};
use crate::model::additive::AdditiveScore;
use crate::model::trees::{Forest, ForestInfo, Outputs};
use crate::model::Model;
use attributes::NodeAttributes;
use linear_pipeline::LinearPipeline;
use ops::arith::Binary;
use ops::{CompileError, Op};
use proto::{data_type, GraphProto, ModelProto, NodeProto};
use value::{tensor_from_proto, Value};

/// Rows evaluated per pass through the graph.
const CHUNK_ROWS: usize = 1024;

/// Where an op reads an input from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The graph input.
    Input,
    /// An initializer.
    Const(usize),
    /// The output of step `n`.
    Step(usize),
}

#[derive(Debug, Clone)]
struct Step {
    op: Op,
    inputs: Vec<Slot>,
    node: String,
}

/// A compiled ONNX model.
#[derive(Debug, Clone)]
pub struct OnnxModel {
    source: String,
    n_features: Option<usize>,
    feature_names: Option<Vec<String>>,
    float32_input: bool,
    integer_input: Option<u32>,
    constants: Vec<Value>,
    steps: Vec<Step>,
    output: Slot,
    n_outputs: usize,
    classifier: bool,
    class_labels: Option<Vec<String>>,
    accepts_missing: bool,
    /// The fast path, when the graph is scalers and a linear model.
    linear_pipeline: Option<LinearPipeline>,
    /// The trees, when the graph is one tree ensemble (what Tree SHAP reads).
    forest: Option<Forest>,
}

fn op_label(node: &NodeProto) -> String {
    if node.domain.is_empty() || node.domain == "ai.onnx" {
        node.op_type.clone()
    } else {
        format!("{}:{}", node.domain, node.op_type)
    }
}

impl OnnxModel {
    /// Decodes and compiles an ONNX model; `source` names it in errors.
    ///
    /// # Errors
    /// Unreadable bytes, a graph with several inputs or an input that is not float, double,
    /// int32 or int64, an unsupported operator (named with its node), or a malformed node.
    pub fn from_bytes(bytes: &[u8], source: &str) -> Result<Self> {
        let (model, scored) = inspect(bytes, source)?;
        let Some(graph) = model.graph.as_ref() else {
            return Err(Error::model(source, "not an ONNX model (no graph)"));
        };
        let input = scored.input.as_str();
        let (output_name, classifier) = (scored.name.clone(), scored.classifier);
        let (n_features, feature_names) = (scored.n_features, scored.feature_names.clone());
        let needed = needed_nodes(graph, &output_name);
        let mut constants = Vec::new();
        let mut const_slots: HashMap<&str, usize> = HashMap::new();
        for t in &graph.initializer {
            let tensor = tensor_from_proto(t).map_err(|e| Error::model(source, e))?;
            const_slots.insert(t.name.as_str(), constants.len());
            constants.push(Value::Const(tensor));
        }
        let mut names: HashMap<&str, Slot> = HashMap::new();
        names.insert(input, Slot::Input);
        for (name, i) in &const_slots {
            names.insert(name, Slot::Const(*i));
        }
        let mut steps = Vec::new();
        for node in graph.node.iter().zip(&needed).filter(|(_, n)| **n).map(|(node, _)| node) {
            let inputs: Vec<Slot> = node
                .input
                .iter()
                .filter(|name| !name.is_empty())
                .map(|name| {
                    names.get(name.as_str()).copied().ok_or_else(|| {
                        Error::model(
                            source,
                            format!(
                                "node \"{}\" reads \"{name}\", which no earlier node produces",
                                node.name
                            ),
                        )
                    })
                })
                .collect::<Result<_>>()?;
            let constant = |i: usize| match inputs.get(i) {
                Some(Slot::Const(c)) => match &constants[*c] {
                    Value::Const(t) => Some(t.clone()),
                    Value::Batch { .. } => None,
                },
                _ => None,
            };
            let op = ops::compile(node, constant).map_err(|e| match e {
                CompileError::Unsupported { hint } => Error::from(ErrorKind::UnsupportedOperator {
                    source_name: source.to_owned(),
                    op_type: op_label(node),
                    node: node.name.clone(),
                    hint: hint.to_owned(),
                }),
                CompileError::Invalid(message) => Error::model(
                    source,
                    format!("node \"{}\" ({}): {message}", node.name, op_label(node)),
                ),
            })?;
            // Only the first output of a node carries values Sextant uses (the second output of
            // a classifier is its probabilities; see `choose_output`).
            let probabilities_second = matches!(&op, Op::Linear(l) if l.classes.is_some())
                || (node.op_type == "TreeEnsembleClassifier");
            for (k, name) in node.output.iter().enumerate() {
                if (probabilities_second && k == 1) || (!probabilities_second && k == 0) {
                    names.insert(name.as_str(), Slot::Step(steps.len()));
                }
            }
            steps.push(Step { op, inputs, node: node.name.clone() });
        }
        let output = names.get(output_name.as_str()).copied().ok_or_else(|| {
            Error::model(source, format!("no node produces the output \"{output_name}\""))
        })?;
        let accepts_missing = steps.iter().any(|s| match &s.op {
            Op::Imputer { .. } => true,
            Op::Trees(t) => t.tracks_missing,
            _ => false,
        });
        let chained = output == Slot::Step(steps.len().saturating_sub(1))
            && steps.iter().enumerate().all(|(k, step)| match step.inputs.as_slice() {
                [Slot::Input] => k == 0,
                [Slot::Step(previous)] => *previous + 1 == k,
                _ => false,
            });
        // The fast path reads float inputs; integer inputs go through the steps, which truncate.
        let linear_pipeline = if scored.integer_bits.is_some() {
            None
        } else {
            LinearPipeline::detect(steps.iter().map(|s| &s.op), chained, scored.float32_input)
        };
        let mut model = OnnxModel {
            source: source.to_owned(),
            n_features,
            feature_names,
            float32_input: scored.float32_input,
            integer_input: scored.integer_bits,
            constants,
            steps,
            output,
            n_outputs: 0,
            classifier,
            class_labels: scored.class_labels.clone(),
            accepts_missing,
            linear_pipeline,
            forest: None,
        };
        model.n_outputs = model.probe_width()?;
        model.forest = model.single_forest();
        Ok(model)
    }

    /// The graph as one [`Forest`], when its output is a tree ensemble's (through
    /// Identity, Flatten, float Casts or a multiplication by 1, as onnxmltools writes)
    /// reading the float graph input (through the same).
    fn single_forest(&self) -> Option<Forest> {
        if self.integer_input.is_some() {
            return None;
        }
        let is_one = |slot: &Slot| match slot {
            Slot::Const(c) => {
                matches!(&self.constants[*c], Value::Const(t) if t.data.iter().all(|&v| v == 1.0))
            }
            _ => false,
        };
        // Steps that pass values on unchanged: back through them to their input.
        let passed_on = |slot: Slot| -> Slot {
            let mut slot = slot;
            while let Slot::Step(k) = slot {
                let step = &self.steps[k];
                slot = match (&step.op, step.inputs.as_slice()) {
                    (Op::Identity | Op::Flatten | Op::Cast(false), [input]) => *input,
                    (Op::Binary(Binary::Mul), [a, b]) if is_one(b) => *a,
                    (Op::Binary(Binary::Mul), [a, b]) if is_one(a) => *b,
                    _ => return slot,
                };
            }
            slot
        };
        {
            let Slot::Step(k) = passed_on(self.output) else { return None };
            let step = &self.steps[k];
            match (&step.op, step.inputs.as_slice()) {
                (Op::Trees(trees), [input]) if passed_on(*input) == Slot::Input => {
                    let n_features =
                        self.n_features.or_else(|| self.feature_names.as_ref().map(Vec::len))?;
                    let info = ForestInfo {
                        source: self.source.clone(),
                        n_features,
                        feature_names: self.feature_names.clone(),
                        classifier: self.classifier,
                        class_labels: self.class_labels.clone(),
                        f32_inputs: true,
                        base: Vec::new(),
                        scale: 1.0,
                        outputs: Outputs::Identity,
                        accepts_missing: self.accepts_missing,
                        format: "ONNX",
                    };
                    let forest = trees.to_forest(info)?;
                    (forest.n_outputs() == self.n_outputs).then_some(forest)
                }
                _ => None,
            }
        }
    }

    /// The output width, from one all-zero row.
    fn probe_width(&self) -> Result<usize> {
        let width =
            self.n_features.or_else(|| self.feature_names.as_ref().map(Vec::len)).unwrap_or(1);
        let values = self.run(&vec![0.0; width], 1)?;
        Ok(values.len())
    }

    fn run(&self, rows: &[f64], n_rows: usize) -> Result<Vec<f64>> {
        let cols = rows.len() / n_rows.max(1);
        let input = Value::batch(
            cols,
            if self.float32_input {
                rows.iter().map(|&x| f64::from(x as f32)).collect()
            } else if self.integer_input.is_some() {
                // As a cast to an integer type does: toward zero (rows from CSV are whole
                // numbers already; explainers' samples may not be).
                rows.iter().map(|&x| x.trunc()).collect()
            } else {
                rows.to_vec()
            },
        );
        let mut results: Vec<Value> = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let inputs: Vec<&Value> = step
                .inputs
                .iter()
                .map(|slot| match slot {
                    Slot::Input => &input,
                    Slot::Const(i) => &self.constants[*i],
                    Slot::Step(i) => &results[*i],
                })
                .collect();
            let value = step
                .op
                .run(&inputs, n_rows)
                .map_err(|e| Error::model(&self.source, format!("node \"{}\": {e}", step.node)))?;
            results.push(value);
        }
        let output = match self.output {
            Slot::Input => &input,
            Slot::Const(i) => &self.constants[i],
            Slot::Step(i) => &results[i],
        };
        match output {
            Value::Batch { data, .. } => Ok(data.clone()),
            Value::Const(_) => {
                Err(Error::model(&self.source, "the output does not depend on the input"))
            }
        }
    }
}

/// What Sextant reads from a graph: its one input and the output it scores.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredOutput {
    /// The input's name.
    pub input: String,
    /// Features per row, when the input's shape fixes it.
    pub n_features: Option<usize>,
    /// Feature names from the model's metadata (`feature_names`), if any.
    pub feature_names: Option<Vec<String>>,
    /// Whether the input is float32.
    pub float32_input: bool,
    /// The bits of an int32 or int64 input (values are truncated to whole numbers).
    pub integer_bits: Option<u32>,
    /// The scored value's name.
    pub name: String,
    /// Its position among the graph outputs (`None` when read through a ZipMap).
    pub index: Option<usize>,
    /// Whether it holds class probabilities.
    pub classifier: bool,
    /// The classes, in output order, when the graph names them (a classifier's
    /// `classlabels_*` attribute, or its ZipMap's).
    pub class_labels: Option<Vec<String>>,
}

/// Decodes `bytes` and finds the graph's input and scored output.
///
/// # Errors
/// Unreadable bytes, several inputs, an input that is not float, double, int32 or int64,
/// or no float output.
pub fn inspect(bytes: &[u8], source: &str) -> Result<(ModelProto, ScoredOutput)> {
    let model = ModelProto::decode(bytes)
        .map_err(|e| Error::model(source, format!("not an ONNX model ({e})")))?;
    let graph = model.graph.as_ref().filter(|g| !g.node.is_empty()).ok_or_else(|| {
        Error::model(
            source,
            "not an ONNX model (no graph); expected a .onnx file or a coefficients JSON",
        )
    })?;
    let initializers: std::collections::HashSet<&str> =
        graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let inputs: Vec<_> =
        graph.input.iter().filter(|i| !initializers.contains(i.name.as_str())).collect();
    let [input] = inputs.as_slice() else {
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        return Err(Error::model(
            source,
            format!("the model has {} inputs ({}); Sextant scores models with one input of shape [N, features]", names.len(), names.join(", ")),
        ));
    };
    let tensor = input.r#type.as_ref().and_then(|t| t.tensor_type.as_ref());
    let elem_type = tensor.map_or(0, |t| t.elem_type);
    if ![data_type::FLOAT, data_type::DOUBLE, data_type::INT32, data_type::INT64]
        .contains(&elem_type)
    {
        return Err(Error::model(
            source,
            format!(
                "input \"{}\" is a tensor of {}; Sextant feeds float, double, int32 or int64 inputs",
                input.name,
                element_type_name(elem_type)
            ),
        ));
    }
    let dims: Vec<Option<i64>> = tensor
        .and_then(|t| t.shape.as_ref())
        .map(|s| s.dim.iter().map(|d| d.dim_value).collect())
        .unwrap_or_default();
    let n_features = match dims.as_slice() {
        [_, Some(m)] => usize::try_from(*m).ok(),
        [_, None] | [] => None,
        other => {
            return Err(Error::model(
                source,
                format!(
                    "input \"{}\" has {} dimensions; expected [N, features]",
                    input.name,
                    other.len()
                ),
            ))
        }
    };
    let feature_names = model.metadata_props.iter().find(|p| p.key == "feature_names").map(|p| {
        serde_json::from_str::<Vec<String>>(&p.value)
            .unwrap_or_else(|_| p.value.split(',').map(|s| s.trim().to_owned()).collect())
    });
    let (name, classifier) = choose_output(graph, source)?;
    let scored = ScoredOutput {
        input: input.name.clone(),
        n_features,
        feature_names,
        float32_input: elem_type == data_type::FLOAT,
        integer_bits: match elem_type {
            data_type::INT32 => Some(32),
            data_type::INT64 => Some(64),
            _ => None,
        },
        index: graph.output.iter().position(|o| o.name == name),
        name,
        class_labels: if classifier { class_labels(graph) } else { None },
        classifier,
    };
    Ok((model, scored))
}

/// ONNX's name of a tensor element type (`TensorProto.DataType`).
fn element_type_name(elem_type: i32) -> String {
    let names = [
        "undefined",
        "float",
        "uint8",
        "int8",
        "uint16",
        "int16",
        "int32",
        "int64",
        "string",
        "bool",
        "float16",
        "double",
        "uint32",
        "uint64",
        "complex64",
        "complex128",
        "bfloat16",
    ];
    usize::try_from(elem_type)
        .ok()
        .and_then(|i| names.get(i))
        .map_or_else(|| format!("element type {elem_type}"), |n| (*n).to_owned())
}

/// The class labels a classifier node or a ZipMap carries, as text (integers in decimal).
fn class_labels(graph: &GraphProto) -> Option<Vec<String>> {
    graph
        .node
        .iter()
        .filter(|n| n.op_type == "ZipMap" || n.op_type.ends_with("Classifier"))
        .find_map(|node| {
            let attrs = NodeAttributes::new(node);
            let strings = attrs.strings("classlabels_strings");
            if !strings.is_empty() {
                return Some(strings);
            }
            ["classlabels_int64s", "classlabels_ints"]
                .iter()
                .map(|name| attrs.ints(name))
                .find(|ints| !ints.is_empty())
                .map(|ints| ints.iter().map(ToString::to_string).collect())
        })
}

/// The graph output Sextant scores: the first float tensor output (through a ZipMap to its
/// input), and whether it is a classifier's probabilities.
fn choose_output(graph: &GraphProto, source: &str) -> Result<(String, bool)> {
    for output in &graph.output {
        let producer = graph.node.iter().find(|n| n.output.contains(&output.name));
        let elem_type =
            output.r#type.as_ref().and_then(|t| t.tensor_type.as_ref()).map(|t| t.elem_type);
        let classifier = |n: &NodeProto| n.op_type.ends_with("Classifier");
        match (elem_type, producer) {
            (Some(data_type::FLOAT | data_type::DOUBLE), p) => {
                let is_classifier = output.name.contains("prob")
                    || p.is_some_and(classifier)
                    || graph.node.iter().any(classifier);
                return Ok((output.name.clone(), is_classifier));
            }
            (_, Some(zipmap)) if zipmap.op_type == "ZipMap" => {
                if let Some(input) = zipmap.input.first() {
                    return Ok((input.clone(), true));
                }
            }
            _ => {}
        }
    }
    Err(Error::model(source, "the model has no float output to score"))
}

/// Checks that every value a node reads is defined (a graph input, an initializer or a node's
/// output) and every graph output is produced, before a graph goes to another runtime
/// (tract indexes its values by name and panics on an undefined one).
///
/// # Errors
/// The first node that reads an undefined value, or an output nothing produces, named.
#[cfg(feature = "tract")]
pub fn check_names(model: &ModelProto, source: &str) -> Result<()> {
    let Some(graph) = model.graph.as_ref() else {
        return Err(Error::model(source, "not an ONNX model (no graph)"));
    };
    let mut defined: std::collections::HashSet<&str> = graph
        .input
        .iter()
        .map(|i| i.name.as_str())
        .chain(graph.initializer.iter().map(|t| t.name.as_str()))
        .collect();
    for node in &graph.node {
        if let Some(missing) =
            node.input.iter().find(|i| !i.is_empty() && !defined.contains(i.as_str()))
        {
            return Err(Error::model(
                source,
                format!(
                    "node \"{}\" ({}) reads \"{missing}\", which no input, initializer or earlier node defines",
                    node.name, node.op_type
                ),
            ));
        }
        defined.extend(node.output.iter().map(String::as_str));
    }
    if let Some(output) = graph.output.iter().find(|o| !defined.contains(o.name.as_str())) {
        return Err(Error::model(
            source,
            format!("the graph output \"{}\" is produced by no node", output.name),
        ));
    }
    Ok(())
}

/// Which nodes the value `output` depends on.
fn needed_nodes(graph: &GraphProto, output: &str) -> Vec<bool> {
    let mut needed = vec![false; graph.node.len()];
    let mut wanted: Vec<&str> = vec![output];
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    while let Some(name) = wanted.pop() {
        if !seen.insert(name) {
            continue;
        }
        if let Some(i) = graph.node.iter().position(|n| n.output.iter().any(|o| o == name)) {
            needed[i] = true;
            wanted.extend(graph.node[i].input.iter().map(String::as_str));
        }
    }
    needed
}

impl Model for OnnxModel {
    fn n_features(&self) -> Option<usize> {
        self.n_features
    }

    fn feature_names(&self) -> Option<&[String]> {
        self.feature_names.as_deref()
    }

    fn n_outputs(&self) -> usize {
        self.n_outputs
    }

    fn is_classifier(&self) -> bool {
        self.classifier
    }

    fn class_labels(&self) -> Option<&[String]> {
        self.class_labels.as_deref()
    }

    fn integer_input(&self) -> Option<u32> {
        self.integer_input
    }

    fn accepts_missing(&self) -> bool {
        self.accepts_missing
    }

    fn additive(&self) -> Option<&dyn AdditiveScore> {
        self.linear_pipeline.as_ref().and_then(LinearPipeline::additive)
    }

    fn forest(&self) -> Option<&Forest> {
        self.forest.as_ref()
    }

    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        if let Some(m) = self.n_features.filter(|&m| m != n_features) {
            return Err(Error::invalid_option(
                "features",
                format!("the model takes {m} features, the rows have {n_features}"),
            ));
        }
        if let Some(pipeline) = &self.linear_pipeline {
            return pipeline.predict(rows, n_features).map_err(|e| Error::model(&self.source, e));
        }
        // Chunks keep every intermediate value small and in cache; one giant batch would
        // spend its time page-faulting fresh allocations.
        let mut out = Vec::with_capacity(rows.len() / n_features.max(1) * self.n_outputs);
        for chunk in rows.chunks(CHUNK_ROWS * n_features.max(1)) {
            out.extend(self.run(chunk, chunk.len() / n_features.max(1))?);
        }
        Ok(out)
    }
}
