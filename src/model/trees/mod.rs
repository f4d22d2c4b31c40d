//! Tree ensembles in one form, whatever file they came from: XGBoost JSON
//! ([`xgboost`]), LightGBM text ([`lightgbm`]) and ONNX-ML tree ensembles (converted by the
//! ONNX loader). A [`Forest`] scores rows itself (it is a [`Model`]) and hands the Tree SHAP
//! explainer one output at a time as an [`OutputTrees`]: trees with scalar leaf values, a
//! base, node covers when the file carries them, and the link from that raw sum to the
//! model's output.
//!
//! Each split keeps its format's exact decision rule, so walks go where the library's own
//! walk goes: XGBoost and ONNX compare in float32 (`x < t`, `x <= t`, …), LightGBM in float64
//! (`x <= t`), and a missing value follows each format's rule (the node's default direction;
//! for LightGBM's missing types `None` and `Zero`, NaN is 0 first, and `Zero` sends 0 to the
//! default direction).

pub mod lightgbm;
mod output;
pub mod xgboost;

pub use output::{Link, OutputTrees, RawOutput};

use crate::data::features::InputSchema;
use crate::error::{Error, Result};
use crate::math::{exp, sigmoid};
use crate::model::Model;

/// A comparison: a row goes to the node's "yes" child when `x <cmp> threshold` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `x < t` (XGBoost, ONNX `BRANCH_LT`).
    Lt,
    /// `x <= t` (LightGBM, scikit-learn, ONNX `BRANCH_LEQ`).
    Le,
    /// `x > t` (ONNX `BRANCH_GT`).
    Gt,
    /// `x >= t` (ONNX `BRANCH_GTE`).
    Ge,
    /// `x == t` (ONNX `BRANCH_EQ`).
    Eq,
    /// `x != t` (ONNX `BRANCH_NEQ`).
    Ne,
}

/// LightGBM's zero threshold (`kZeroThreshold = 1e-35f`, a float32 literal): |x| ≤ this is
/// zero for its missing type `Zero`.
const ZERO_THRESHOLD: f64 = 1.000_000_018_002_509_5e-35;

/// How a branch node decides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// The feature compared (a column index).
    pub feature: u32,
    /// The threshold (a float32 value widened, in float32 formats).
    pub threshold: f64,
    /// The comparison.
    pub cmp: Cmp,
    /// Where a missing value goes: the "yes" child when true.
    pub default_yes: bool,
    /// NaN is compared as 0.0 (LightGBM's missing types `None` and `Zero`).
    pub nan_as_zero: bool,
    /// Zero (and NaN, with `nan_as_zero`) goes to the default child (LightGBM's `Zero`).
    pub zero_is_missing: bool,
}

impl Split {
    /// Whether `x` (already rounded to float32 in float32 formats) goes to the "yes" child.
    #[inline]
    pub fn goes_yes(&self, x: f64) -> bool {
        let x = if x.is_nan() {
            if !self.nan_as_zero {
                return self.default_yes;
            }
            0.0
        } else {
            x
        };
        if self.zero_is_missing && x.abs() <= ZERO_THRESHOLD {
            return self.default_yes;
        }
        let t = self.threshold;
        match self.cmp {
            Cmp::Lt => x < t,
            Cmp::Le => x <= t,
            Cmp::Gt => x > t,
            Cmp::Ge => x >= t,
            Cmp::Eq => x == t,
            Cmp::Ne => x != t,
        }
    }
}

/// A node: a split with its `[yes, no]` children (indices into the forest's nodes), or a
/// leaf.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// The split and children of a branch; `None` for a leaf.
    pub branch: Option<(Split, [u32; 2])>,
}

/// A node as a reader builds it, with children indexed within its tree.
#[derive(Debug, Clone, PartialEq)]
pub enum RawNode {
    /// A branch: its split, `yes` and `no` children (tree-local indices), and cover.
    Branch { split: Split, yes: usize, no: usize, cover: Option<f64> },
    /// A leaf: its values as `(margin, value)` pairs, and cover.
    Leaf { values: Vec<(usize, f64)>, cover: Option<f64> },
}

/// How the summed margins become the model's outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outputs {
    /// Each output is its margin (regression; ONNX classifiers without a transform).
    Identity,
    /// One margin m, outputs `[σ(−s·m), σ(s·m)]` (binary logistic; LightGBM's `sigmoid:s`).
    BinaryLogistic {
        /// The sigmoid's scale `s`.
        scale: f64,
    },
    /// One margin m, outputs `[1 − m, m]` (ONNX single-score classifiers without a transform).
    BinaryComplement,
    /// Each output is σ(its margin) (one-vs-rest).
    Logistic,
    /// The softmax of the margins (multiclass boosting).
    Softmax,
}

/// What a reader knows of the model around its trees.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestInfo {
    /// Names the model in errors.
    pub source: String,
    /// The input width.
    pub n_features: usize,
    /// The features' names, when the file has them.
    pub feature_names: Option<Vec<String>>,
    /// Whether the outputs are class probabilities.
    pub classifier: bool,
    /// The classes, in output order, when the file names them.
    pub class_labels: Option<Vec<String>>,
    /// Whether inputs and thresholds compare as float32.
    pub f32_inputs: bool,
    /// The per-margin base added to the sums.
    pub base: Vec<f64>,
    /// Multiplies each margin's summed leaf values (1 / trees for averaging regressors).
    pub scale: f64,
    /// How margins become outputs.
    pub outputs: Outputs,
    /// Whether NaN inputs are meaningful (each format routes them).
    pub accepts_missing: bool,
    /// The format, for messages (`"XGBoost JSON"`, …).
    pub format: &'static str,
}

/// A tree ensemble: every tree's nodes in one array.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    info: ForestInfo,
    nodes: Vec<Node>,
    roots: Vec<u32>,
    /// Leaf values of node `i`: `values[value_start[i]..value_start[i + 1]]`.
    value_start: Vec<u32>,
    values: Vec<(u32, f64)>,
    /// Each node's cover (training weight through it), when every node has one.
    covers: Option<Vec<f64>>,
    n_margins: usize,
}

impl Forest {
    /// An empty forest for trees of `info`'s model with `n_margins` summed margins.
    pub fn new(info: ForestInfo, n_margins: usize) -> Self {
        Forest {
            info,
            nodes: Vec::new(),
            roots: Vec::new(),
            value_start: vec![0],
            values: Vec::new(),
            covers: Some(Vec::new()),
            n_margins,
        }
    }

    /// Adds a tree whose root is `nodes[0]`, checking that it is a tree: children in range,
    /// no node reached twice, every split's feature and every leaf's margin in range. Nodes
    /// the root does not reach are dropped. On an error the forest is left as it was.
    ///
    /// # Errors
    /// A message naming the node at fault (the caller adds the tree and the file).
    pub fn push_tree(&mut self, nodes: &[RawNode]) -> std::result::Result<(), String> {
        let (n_nodes, n_values, n_starts) =
            (self.nodes.len(), self.values.len(), self.value_start.len());
        let covers = self.covers.clone();
        let pushed = self.push_checked_tree(nodes);
        if pushed.is_err() {
            self.nodes.truncate(n_nodes);
            self.values.truncate(n_values);
            self.value_start.truncate(n_starts);
            self.covers = covers;
        }
        pushed
    }

    fn push_checked_tree(&mut self, nodes: &[RawNode]) -> std::result::Result<(), String> {
        if nodes.is_empty() {
            return Err("the tree has no nodes".into());
        }
        let offset = self.nodes.len();
        // Depth-first from the root, numbering nodes in visit order.
        let mut order: Vec<usize> = Vec::with_capacity(nodes.len());
        let mut position = vec![usize::MAX; nodes.len()];
        let mut stack = vec![0usize];
        while let Some(i) = stack.pop() {
            if position[i] != usize::MAX {
                return Err(format!("node {i} is reached twice"));
            }
            position[i] = order.len();
            order.push(i);
            if let RawNode::Branch { yes, no, .. } = &nodes[i] {
                for child in [*no, *yes] {
                    if child >= nodes.len() {
                        return Err(format!(
                            "node {i} points to node {child}, which does not exist"
                        ));
                    }
                    stack.push(child);
                }
            }
        }
        let global = |local: usize| -> std::result::Result<u32, String> {
            u32::try_from(offset + position[local]).map_err(|_| "too many nodes".to_owned())
        };
        let mut covers = self.covers.take();
        for &i in &order {
            let (node, cover) = match &nodes[i] {
                RawNode::Branch { split, yes, no, cover } => {
                    if split.feature as usize >= self.info.n_features {
                        return Err(format!(
                            "node {i} splits on feature {} of a model with {} features",
                            split.feature, self.info.n_features
                        ));
                    }
                    if split.threshold.is_nan() {
                        return Err(format!("node {i} has a NaN threshold"));
                    }
                    (Node { branch: Some((*split, [global(*yes)?, global(*no)?])) }, *cover)
                }
                RawNode::Leaf { values, cover } => {
                    for &(margin, value) in values {
                        if margin >= self.n_margins {
                            return Err(format!(
                                "leaf {i} scores output {margin} of {}",
                                self.n_margins
                            ));
                        }
                        if !value.is_finite() {
                            return Err(format!("leaf {i} has the value {value}"));
                        }
                        #[allow(clippy::cast_possible_truncation)]
                        self.values.push((margin as u32, value));
                    }
                    let end = u32::try_from(self.values.len()).map_err(|_| "too many leaves")?;
                    self.value_start.push(end);
                    self.nodes.push(Node { branch: None });
                    push_cover(&mut covers, *cover);
                    continue;
                }
            };
            let end = *self.value_start.last().unwrap_or(&0);
            self.value_start.push(end);
            self.nodes.push(node);
            push_cover(&mut covers, cover);
        }
        self.covers = covers;
        self.roots.push(global(0)?);
        Ok(())
    }

    /// The model's description.
    pub fn info(&self) -> &ForestInfo {
        &self.info
    }

    /// The nodes of every tree.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The trees' roots.
    pub fn roots(&self) -> &[u32] {
        &self.roots
    }

    /// Whether every node carries a cover (what path-dependent Tree SHAP needs).
    pub fn has_covers(&self) -> bool {
        self.covers.is_some()
    }

    /// The leaf reached by `x` (rounded to float32 first in float32 formats) from `root`.
    #[inline]
    pub fn leaf(&self, root: u32, x: &[f64]) -> usize {
        let mut i = root as usize;
        while let Some((split, [yes, no])) = &self.nodes[i].branch {
            i = if split.goes_yes(x[split.feature as usize]) { *yes } else { *no } as usize;
        }
        i
    }

    /// `row` as the trees compare it: rounded to float32 in float32 formats.
    pub fn prepare_row(&self, row: &[f64], out: &mut Vec<f64>) {
        out.clear();
        #[allow(clippy::cast_possible_truncation)]
        if self.info.f32_inputs {
            out.extend(row.iter().map(|&x| f64::from(x as f32)));
        } else {
            out.extend_from_slice(row);
        }
    }

    /// The summed margins of one prepared row, base and scale included.
    fn margins(&self, x: &[f64], margins: &mut [f64]) {
        margins.iter_mut().for_each(|m| *m = 0.0);
        for &root in &self.roots {
            let leaf = self.leaf(root, x);
            let (start, end) =
                (self.value_start[leaf] as usize, self.value_start[leaf + 1] as usize);
            for &(margin, value) in &self.values[start..end] {
                margins[margin as usize] += value;
            }
        }
        for (m, b) in margins.iter_mut().zip(self.info.base.iter().chain(std::iter::repeat(&0.0))) {
            *m = *m * self.info.scale + b;
        }
    }
}

fn push_cover(covers: &mut Option<Vec<f64>>, cover: Option<f64>) {
    match (covers.as_mut(), cover) {
        (Some(c), Some(value)) if value.is_finite() && value >= 0.0 => c.push(value),
        _ => *covers = None,
    }
}

impl Model for Forest {
    fn n_features(&self) -> Option<usize> {
        Some(self.info.n_features)
    }

    fn feature_names(&self) -> Option<&[String]> {
        self.info.feature_names.as_deref()
    }

    fn n_outputs(&self) -> usize {
        match self.info.outputs {
            Outputs::BinaryLogistic { .. } | Outputs::BinaryComplement => 2,
            _ => self.n_margins,
        }
    }

    fn is_classifier(&self) -> bool {
        self.info.classifier
    }

    fn class_labels(&self) -> Option<&[String]> {
        self.info.class_labels.as_deref()
    }

    fn accepts_missing(&self) -> bool {
        self.info.accepts_missing
    }

    fn input_schema(&self) -> InputSchema {
        InputSchema {
            n_features: Some(self.info.n_features),
            feature_names: self.info.feature_names.clone(),
            accepts_missing: self.info.accepts_missing,
            integer: None,
        }
    }

    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        if n_features != self.info.n_features {
            return Err(Error::model(
                &self.info.source,
                format!("the model takes {} features, not {n_features}", self.info.n_features),
            ));
        }
        let n_outputs = self.n_outputs();
        let mut out = Vec::with_capacity(rows.len() / n_features.max(1) * n_outputs);
        let mut x = Vec::with_capacity(n_features);
        let mut margins = vec![0.0; self.n_margins];
        for row in rows.chunks_exact(n_features.max(1)) {
            self.prepare_row(row, &mut x);
            self.margins(&x, &mut margins);
            match self.info.outputs {
                Outputs::Identity => out.extend_from_slice(&margins),
                Outputs::Logistic => out.extend(margins.iter().map(|&m| sigmoid(m))),
                Outputs::BinaryLogistic { scale } => {
                    out.extend([sigmoid(-scale * margins[0]), sigmoid(scale * margins[0])]);
                }
                Outputs::BinaryComplement => out.extend([1.0 - margins[0], margins[0]]),
                Outputs::Softmax => {
                    let top = margins.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let start = out.len();
                    out.extend(margins.iter().map(|&m| exp(m - top)));
                    let total: f64 = out[start..].iter().sum();
                    out[start..].iter_mut().for_each(|p| *p /= total);
                }
            }
        }
        Ok(out)
    }

    fn forest(&self) -> Option<&Forest> {
        Some(self)
    }
}
