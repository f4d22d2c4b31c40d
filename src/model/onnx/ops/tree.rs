//! TreeEnsembleClassifier and TreeEnsembleRegressor (ONNX-ML), evaluated from flat node
//! arrays: each row walks each tree once, so a row costs O(trees × depth), not O(nodes) as
//! in tract's implementation. Thresholds compare in f32, as onnxruntime does for float
//! models, so branch decisions match it exactly. scikit-learn's trees (only `BRANCH_LEQ`)
//! take the faster walk of [`LeqForest`].

use std::collections::HashMap;

use crate::math::sigmoid;
use crate::model::onnx::attributes::NodeAttributes;
use crate::model::onnx::ops::leq_forest::{Branch, LeqForest, Scratch, LANES};
use crate::model::onnx::ops::linear::PostTransform;
use crate::model::onnx::value::Value;
use crate::model::trees::{Cmp, Forest, ForestInfo, Outputs, RawNode, Split};

/// How a node decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Leaf,
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
}

impl Mode {
    fn parse(name: &str) -> Result<Self, String> {
        Ok(match name {
            "LEAF" => Mode::Leaf,
            "BRANCH_LEQ" => Mode::Leq,
            "BRANCH_LT" => Mode::Lt,
            "BRANCH_GTE" => Mode::Gte,
            "BRANCH_GT" => Mode::Gt,
            "BRANCH_EQ" => Mode::Eq,
            "BRANCH_NEQ" => Mode::Neq,
            other => return Err(format!("unknown node mode {other}")),
        })
    }
}

/// How leaf values of several trees combine (regressors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Average,
    Min,
    Max,
}

/// What the ensemble outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Regressor(Aggregate),
    /// `single_score`: a binary classifier whose leaves only score class 0.
    Classifier {
        single_score: bool,
        weights_all_positive: bool,
    },
}

/// One node, packed so that a step of a walk touches one cache line.
#[derive(Debug, Clone, Copy)]
struct Node {
    threshold: f32,
    feature: u32,
    /// `[false child, true child]`, indexed by the comparison (no branch to mispredict).
    children: [u32; 2],
    mode: Mode,
    missing_true: bool,
}

/// A compiled tree ensemble.
#[derive(Debug, Clone)]
pub struct TreeEnsemble {
    roots: Vec<usize>,
    nodes: Vec<Node>,
    /// The same trees for the fast walk, when every branch is `BRANCH_LEQ` with no
    /// missing-value tracking; with each node's summed leaf weights when every weight scores
    /// output 0 and trees combine by sum or average (so a row's score is one sum).
    leq_forest: Option<LeqForest>,
    /// Leaf weights of node `i`: `weights[leaf_start[i]..leaf_start[i + 1]]`.
    leaf_start: Vec<usize>,
    weights: Vec<(usize, f64)>,
    outputs: usize,
    base_values: Vec<f64>,
    post: PostTransform,
    kind: Kind,
    /// The largest feature index read, plus one.
    pub features_needed: usize,
    /// Whether a NaN input follows a defined branch somewhere (the model handles missing values).
    pub tracks_missing: bool,
}

fn index(values: &[i64], what: &str) -> Result<Vec<usize>, String> {
    values.iter().map(|&v| usize::try_from(v).map_err(|_| format!("negative {what} {v}"))).collect()
}

impl TreeEnsemble {
    /// Compiles a TreeEnsembleClassifier (`classifier`) or TreeEnsembleRegressor node.
    pub fn compile(attrs: &NodeAttributes<'_>, classifier: bool) -> Result<Self, String> {
        let tree_ids = attrs.ints("nodes_treeids");
        let node_ids = attrs.ints("nodes_nodeids");
        let n = tree_ids.len();
        let modes: Vec<Mode> = attrs
            .strings("nodes_modes")
            .iter()
            .map(|m| Mode::parse(m))
            .collect::<Result<_, _>>()?;
        let feature = index(attrs.ints("nodes_featureids"), "feature id")?;
        #[allow(clippy::cast_possible_truncation)]
        let threshold: Vec<f32> = attrs.floats("nodes_values")?.iter().map(|&v| v as f32).collect();
        let true_ids = attrs.ints("nodes_truenodeids");
        let false_ids = attrs.ints("nodes_falsenodeids");
        let mut missing_true: Vec<bool> =
            attrs.ints("nodes_missing_value_tracks_true").iter().map(|&m| m != 0).collect();
        if missing_true.is_empty() {
            missing_true = vec![false; n];
        }
        if n == 0 {
            return Err(attrs.missing("nodes_treeids"));
        }
        for (name, len) in [
            ("nodes_nodeids", node_ids.len()),
            ("nodes_modes", modes.len()),
            ("nodes_featureids", feature.len()),
            ("nodes_values", threshold.len()),
            ("nodes_truenodeids", true_ids.len()),
            ("nodes_falsenodeids", false_ids.len()),
            ("nodes_missing_value_tracks_true", missing_true.len()),
        ] {
            if len != n {
                return Err(format!("{name} has {len} entries for {n} nodes"));
            }
        }
        let position: HashMap<(i64, i64), usize> =
            (0..n).map(|i| ((tree_ids[i], node_ids[i]), i)).collect();
        let child = |i: usize, id: i64| -> Result<usize, String> {
            if modes[i] == Mode::Leaf {
                return Ok(i);
            }
            position.get(&(tree_ids[i], id)).copied().ok_or_else(|| {
                format!("tree {} node {} points to missing node {id}", tree_ids[i], node_ids[i])
            })
        };
        let true_child: Vec<usize> =
            (0..n).map(|i| child(i, true_ids[i])).collect::<Result<_, _>>()?;
        let false_child: Vec<usize> =
            (0..n).map(|i| child(i, false_ids[i])).collect::<Result<_, _>>()?;

        let prefix = if classifier { "class" } else { "target" };
        let leaf_trees = attrs.ints(&format!("{prefix}_treeids"));
        let leaf_nodes = attrs.ints(&format!("{prefix}_nodeids"));
        let leaf_outputs = index(attrs.ints(&format!("{prefix}_ids")), "output id")?;
        let leaf_weights = attrs.floats(&format!("{prefix}_weights"))?;
        if [leaf_nodes.len(), leaf_outputs.len(), leaf_weights.len()]
            .iter()
            .any(|&l| l != leaf_trees.len())
        {
            return Err(format!("the {prefix}_* attributes differ in length"));
        }
        let outputs = if classifier {
            attrs.ints("classlabels_int64s").len().max(attrs.strings("classlabels_strings").len())
        } else {
            usize::try_from(attrs.int("n_targets", 1))
                .map_err(|_| "negative n_targets".to_owned())?
        };
        let mut per_node: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
        for k in 0..leaf_trees.len() {
            let node = position.get(&(leaf_trees[k], leaf_nodes[k])).copied().ok_or_else(|| {
                format!("a weight refers to missing node {}/{}", leaf_trees[k], leaf_nodes[k])
            })?;
            if leaf_outputs[k] >= outputs.max(1) {
                return Err(format!("weight for output {} of {outputs}", leaf_outputs[k]));
            }
            per_node[node].push((leaf_outputs[k], leaf_weights[k]));
        }
        let mut leaf_start = Vec::with_capacity(n + 1);
        let mut weights = Vec::new();
        for w in &per_node {
            leaf_start.push(weights.len());
            weights.extend_from_slice(w);
        }
        leaf_start.push(weights.len());

        let roots = find_roots(tree_ids, &modes, &true_child, &false_child)?;
        let kind = if classifier {
            Kind::Classifier {
                single_score: outputs == 2 && leaf_outputs.iter().all(|&o| o == 0),
                weights_all_positive: leaf_weights.iter().all(|&w| w >= 0.0),
            }
        } else {
            Kind::Regressor(match attrs.string("aggregate_function", "SUM").as_str() {
                "SUM" => Aggregate::Sum,
                "AVERAGE" => Aggregate::Average,
                "MIN" => Aggregate::Min,
                "MAX" => Aggregate::Max,
                other => return Err(format!("aggregate_function {other} is not supported")),
            })
        };
        let branch = |i: &usize| modes[*i] != Mode::Leaf;
        let narrow = |v: usize| u32::try_from(v).map_err(|_| format!("index {v} is too large"));
        let nodes = (0..n)
            .map(|i| {
                Ok(Node {
                    threshold: threshold[i],
                    feature: narrow(feature[i])?,
                    children: [narrow(false_child[i])?, narrow(true_child[i])?],
                    mode: modes[i],
                    missing_true: missing_true[i],
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let all_leq = (0..n).filter(branch).all(|i| modes[i] == Mode::Leq && !missing_true[i]);
        let one_sum = !matches!(kind, Kind::Regressor(Aggregate::Min | Aggregate::Max))
            && leaf_outputs.iter().all(|&o| o == 0);
        let leq_forest = all_leq.then(|| {
            let branches: Vec<Option<Branch>> = nodes
                .iter()
                .zip(&modes)
                .map(|(node, mode)| {
                    (*mode != Mode::Leaf).then_some(Branch {
                        feature: node.feature,
                        threshold: node.threshold,
                        children: node.children,
                    })
                })
                .collect();
            let leaf_sums = one_sum.then(|| {
                per_node.iter().map(|w| w.iter().map(|&(_, weight)| weight).sum()).collect()
            });
            LeqForest::new(&branches, &roots, leaf_sums)
        });
        Ok(TreeEnsemble {
            leq_forest,
            features_needed: (0..n).filter(branch).map(|i| feature[i] + 1).max().unwrap_or(0),
            tracks_missing: (0..n).filter(branch).any(|i| missing_true[i]),
            roots,
            nodes,
            leaf_start,
            weights,
            outputs: outputs.max(1),
            base_values: attrs.floats("base_values")?,
            post: PostTransform::parse(&attrs.string("post_transform", "NONE"))?,
            kind,
        })
    }

    /// Whether a walk at `node` with value `x` goes to the true child.
    #[inline]
    fn goes_true(node: &Node, x: f32) -> bool {
        let t = node.threshold;
        match node.mode {
            _ if x.is_nan() => node.missing_true,
            Mode::Leq => x <= t,
            Mode::Lt => x < t,
            Mode::Gte => x >= t,
            Mode::Gt => x > t,
            Mode::Eq => x == t,
            Mode::Neq | Mode::Leaf => x != t,
        }
    }

    /// The leaves reached from `root` by [`LANES`] rows, walked in lockstep so that the
    /// rows' independent chains of node loads overlap instead of waiting on each other.
    #[inline]
    fn leaves(&self, rows: &[f32], cols: usize, root: usize) -> [u32; LANES] {
        #[allow(clippy::cast_possible_truncation)]
        let mut leaves = [root as u32; LANES];
        let mut moving = true;
        while moving {
            moving = false;
            for (k, leaf) in leaves.iter_mut().enumerate() {
                let node = &self.nodes[*leaf as usize];
                if node.mode != Mode::Leaf {
                    let x = rows[k * cols + node.feature as usize];
                    *leaf = node.children[usize::from(Self::goes_true(node, x))];
                    moving = true;
                }
            }
        }
        leaves
    }

    /// The outputs for a batch whose width covers every feature the trees read.
    pub fn apply(&self, v: &Value) -> Result<Value, String> {
        let Value::Batch { cols, data } = v else {
            return Err("expects a batch, not a constant".into());
        };
        if *cols < self.features_needed {
            return Err(format!(
                "the trees read feature {} of a {cols}-column input",
                self.features_needed - 1
            ));
        }
        let rows = data.len() / (*cols).max(1);
        // Whole groups of LANES rows (the padding rows are scored and dropped).
        let padded = rows.div_ceil(LANES) * LANES;
        #[allow(clippy::cast_possible_truncation)]
        let mut rows32: Vec<f32> = data.iter().map(|&x| x as f32).collect();
        rows32.resize(padded * cols, 0.0);
        let mut out = vec![0.0; padded * self.outputs];
        let mut scratch = Scratch::default();
        for (lane_rows, lane_scores) in
            rows32.chunks(LANES * (*cols).max(1)).zip(out.chunks_mut(LANES * self.outputs))
        {
            self.lane_scores(lane_rows, *cols, lane_scores, &mut scratch);
        }
        out.truncate(rows * self.outputs);
        for row_scores in out.chunks_exact_mut(self.outputs) {
            self.finalize(row_scores);
        }
        Ok(Value::batch(self.outputs, out))
    }

    /// The summed (or min/max) leaf values of [`LANES`] rows, before [`Self::finalize`].
    fn lane_scores(&self, rows: &[f32], cols: usize, scores: &mut [f64], scratch: &mut Scratch) {
        if let Some(total) = self.leq_forest.as_ref().and_then(|f| f.sums(rows, cols, scratch)) {
            for (row_scores, t) in scores.chunks_exact_mut(self.outputs).zip(total) {
                row_scores[0] = t;
            }
            return;
        }
        let min_max = matches!(self.kind, Kind::Regressor(Aggregate::Min | Aggregate::Max));
        scores.iter_mut().for_each(|s| *s = if min_max { f64::NAN } else { 0.0 });
        for (tree, &root) in self.roots.iter().enumerate() {
            let leaves = match &self.leq_forest {
                Some(forest) => forest.leaves(rows, cols, tree),
                None => self.leaves(rows, cols, root),
            };
            for (leaf, row_scores) in leaves.into_iter().zip(scores.chunks_exact_mut(self.outputs))
            {
                let leaf = leaf as usize;
                for &(output, weight) in
                    &self.weights[self.leaf_start[leaf]..self.leaf_start[leaf + 1]]
                {
                    let s = &mut row_scores[output];
                    *s = match self.kind {
                        Kind::Regressor(Aggregate::Min) => s.min(weight),
                        Kind::Regressor(Aggregate::Max) => s.max(weight),
                        _ => *s + weight,
                    };
                }
            }
        }
    }

    /// Turns one row's summed leaf values into outputs: averages, base values, binary
    /// expansion and the post-transform, as onnxruntime does.
    fn finalize(&self, scores: &mut [f64]) {
        if let Kind::Regressor(Aggregate::Average) = self.kind {
            #[allow(clippy::cast_precision_loss)]
            let trees = self.roots.len() as f64;
            scores.iter_mut().for_each(|s| *s /= trees);
        }
        match self.kind {
            Kind::Classifier { single_score: true, weights_all_positive } => {
                let s = scores[0] + self.base_values.first().copied().unwrap_or(0.0);
                let (negative, positive) = match self.post {
                    PostTransform::Logistic => (sigmoid(-s), sigmoid(s)),
                    PostTransform::None if weights_all_positive => (1.0 - s, s),
                    PostTransform::None => (-s, s),
                    PostTransform::Softmax | PostTransform::SoftmaxZero => {
                        let e = crate::math::exp(2.0 * s);
                        (1.0 / (1.0 + e), e / (1.0 + e))
                    }
                };
                scores[0] = negative;
                scores[1] = positive;
            }
            _ => {
                for (s, b) in scores.iter_mut().zip(&self.base_values) {
                    *s += b;
                }
                self.post.apply(scores, self.outputs);
            }
        }
    }
}

impl TreeEnsemble {
    /// The ensemble as a [`Forest`] (what Tree SHAP reads), when its outputs are a link of
    /// summed leaf values Sextant knows: sums or averages without a transform, a
    /// single-score binary classifier with a logistic transform or none, and per-class scores
    /// with none, a logistic or a softmax. `None` for anything else (MIN/MAX aggregation,
    /// other transforms).
    pub fn to_forest(&self, mut info: ForestInfo) -> Option<Forest> {
        let post = self.post;
        let (outputs, scale, n_margins) = match self.kind {
            Kind::Classifier { single_score: true, weights_all_positive } => match post {
                PostTransform::Logistic => (Outputs::BinaryLogistic { scale: 1.0 }, 1.0, 1),
                PostTransform::None if weights_all_positive => (Outputs::BinaryComplement, 1.0, 1),
                _ => return None,
            },
            Kind::Classifier { .. } => match post {
                PostTransform::None => (Outputs::Identity, 1.0, self.outputs),
                PostTransform::Logistic => (Outputs::Logistic, 1.0, self.outputs),
                PostTransform::Softmax => (Outputs::Softmax, 1.0, self.outputs),
                PostTransform::SoftmaxZero => return None,
            },
            Kind::Regressor(Aggregate::Sum) if post == PostTransform::None => {
                (Outputs::Identity, 1.0, self.outputs)
            }
            #[allow(clippy::cast_precision_loss)]
            Kind::Regressor(Aggregate::Average) if post == PostTransform::None => {
                (Outputs::Identity, 1.0 / self.roots.len() as f64, self.outputs)
            }
            Kind::Regressor(_) => return None,
        };
        info.base =
            (0..n_margins).map(|m| self.base_values.get(m).copied().unwrap_or(0.0)).collect();
        info.scale = scale;
        info.outputs = outputs;
        info.f32_inputs = true;
        info.accepts_missing = self.tracks_missing;
        if info.n_features < self.features_needed {
            return None;
        }
        let mut forest = Forest::new(info, n_margins);
        for &root in &self.roots {
            // The tree's nodes in depth-first order, renumbered from 0.
            let mut order = vec![root];
            let mut k = 0;
            while k < order.len() {
                let node = &self.nodes[order[k]];
                if node.mode != Mode::Leaf {
                    order.extend(node.children.iter().map(|&c| c as usize));
                }
                k += 1;
            }
            let local: HashMap<usize, usize> =
                order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
            let raw: Vec<RawNode> = order
                .iter()
                .map(|&i| {
                    let node = &self.nodes[i];
                    let cmp = match node.mode {
                        Mode::Leaf => {
                            return RawNode::Leaf {
                                values: self.weights[self.leaf_start[i]..self.leaf_start[i + 1]]
                                    .to_vec(),
                                cover: None,
                            }
                        }
                        Mode::Leq => Cmp::Le,
                        Mode::Lt => Cmp::Lt,
                        Mode::Gte => Cmp::Ge,
                        Mode::Gt => Cmp::Gt,
                        Mode::Eq => Cmp::Eq,
                        Mode::Neq => Cmp::Ne,
                    };
                    let [no, yes] = node.children.map(|c| local[&(c as usize)]);
                    RawNode::Branch {
                        split: Split {
                            feature: node.feature,
                            threshold: f64::from(node.threshold),
                            cmp,
                            default_yes: node.missing_true,
                            nan_as_zero: false,
                            zero_is_missing: false,
                        },
                        yes,
                        no,
                        cover: None,
                    }
                })
                .collect();
            forest.push_tree(&raw).ok()?;
        }
        Some(forest)
    }
}

/// Each tree's root (the one node of the tree no other node points to), checking that every
/// tree is a tree: no node reached twice, no cycle.
fn find_roots(
    tree_ids: &[i64],
    modes: &[Mode],
    true_child: &[usize],
    false_child: &[usize],
) -> Result<Vec<usize>, String> {
    let n = tree_ids.len();
    let mut is_child = vec![false; n];
    for i in (0..n).filter(|&i| modes[i] != Mode::Leaf) {
        is_child[true_child[i]] = true;
        is_child[false_child[i]] = true;
    }
    let roots: Vec<usize> = (0..n).filter(|&i| !is_child[i]).collect();
    let mut seen = vec![false; n];
    for &root in &roots {
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                return Err(format!("node {i} of tree {} is reached twice", tree_ids[i]));
            }
            if modes[i] != Mode::Leaf {
                stack.push(true_child[i]);
                stack.push(false_child[i]);
            }
        }
    }
    if seen.iter().any(|s| !s) {
        return Err("some tree nodes form a cycle".into());
    }
    Ok(roots)
}

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
