//! TreeEnsembleClassifier and TreeEnsembleRegressor (ONNX-ML), evaluated from flat node
//! arrays: each row walks each tree once, so a row costs O(trees × depth), not O(nodes) as
//! in tract's implementation. Thresholds compare in f32, as onnxruntime does for float
//! models, so branch decisions match it exactly.

use std::collections::HashMap;

use crate::math::sigmoid;
use crate::model::onnx::attributes::NodeAttributes;
use crate::model::onnx::ops::linear::PostTransform;
use crate::model::onnx::value::Value;

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

/// Rows evaluated together, tree by tree, so each tree's nodes stay in cache.
const BLOCK_ROWS: usize = 64;

/// Rows walking one tree in lockstep.
const LANES: usize = 8;

/// A compiled tree ensemble.
#[derive(Debug, Clone)]
pub struct TreeEnsemble {
    roots: Vec<usize>,
    nodes: Vec<Node>,
    /// Every branch is `BRANCH_LEQ` with no missing-value tracking.
    all_leq: bool,
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
        Ok(TreeEnsemble {
            all_leq,
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

    /// The leaves reached from `root` by up to [`LANES`] rows, walked in lockstep so that the
    /// rows' independent chains of node loads overlap instead of waiting on each other.
    ///
    /// `ALL_LEQ`: every branch is `BRANCH_LEQ` without missing-value tracking (scikit-learn's
    /// trees), where `x <= t` alone decides (NaN goes to the false child, as it must).
    #[inline]
    fn leaves<const ALL_LEQ: bool>(
        &self,
        rows: &[f32],
        cols: usize,
        root: usize,
        leaves: &mut [usize; LANES],
    ) {
        let lanes = rows.len() / cols.max(1);
        leaves[..lanes].fill(root);
        let mut moving = true;
        while moving {
            moving = false;
            for (k, leaf) in leaves[..lanes].iter_mut().enumerate() {
                let node = &self.nodes[*leaf];
                if node.mode != Mode::Leaf {
                    let x = rows[k * cols + node.feature as usize];
                    let go_true =
                        if ALL_LEQ { x <= node.threshold } else { Self::goes_true(node, x) };
                    *leaf = node.children[usize::from(go_true)] as usize;
                    moving = true;
                }
            }
        }
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
        let mut out = vec![0.0; rows * self.outputs];
        #[allow(clippy::cast_possible_truncation)]
        let block32: Vec<f32> = data.iter().map(|&x| x as f32).collect();
        for (rows32, scores) in
            block32.chunks(BLOCK_ROWS * cols).zip(out.chunks_mut(BLOCK_ROWS * self.outputs))
        {
            self.block_scores(rows32, *cols, scores);
        }
        Ok(Value::batch(self.outputs, out))
    }

    /// Scores a block of rows tree by tree, then finalises each row.
    fn block_scores(&self, rows: &[f32], cols: usize, scores: &mut [f64]) {
        let min_max = matches!(self.kind, Kind::Regressor(Aggregate::Min | Aggregate::Max));
        scores.iter_mut().for_each(|s| *s = if min_max { f64::NAN } else { 0.0 });
        let mut leaves = [0usize; LANES];
        for &root in &self.roots {
            for (lane_rows, lane_scores) in
                rows.chunks(LANES * cols.max(1)).zip(scores.chunks_mut(LANES * self.outputs))
            {
                if self.all_leq {
                    self.leaves::<true>(lane_rows, cols, root, &mut leaves);
                } else {
                    self.leaves::<false>(lane_rows, cols, root, &mut leaves);
                }
                for (&leaf, row_scores) in
                    leaves.iter().zip(lane_scores.chunks_exact_mut(self.outputs))
                {
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
        for row_scores in scores.chunks_exact_mut(self.outputs) {
            self.finalize(row_scores);
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
