//! LightGBM text models (`Booster.save_model`, format `version=v3`/`v4`).
//!
//! The header's `objective` gives the link (`binary sigmoid:s`: σ(s · raw); `multiclass
//! num_class:K`: softmax, tree t scoring class t mod K; the regressions: identity). Each
//! `Tree=` block lists its internal nodes (`split_feature`, `threshold`, `decision_type`,
//! `left_child`, `right_child`, `internal_count`) and leaves (`leaf_value`, `leaf_count`); a
//! child `c < 0` is leaf `−c − 1`. A row goes left when `x <= threshold` in float64.
//! `decision_type` holds the default direction (bit 1) and the missing type (bits 2–3:
//! `None` compares NaN as 0, `Zero` sends 0 and NaN to the default side, `NaN` sends NaN
//! there), as LightGBM's `NumericalDecision`. Node counts are the covers LightGBM's
//! `pred_contrib` uses. The first tree's leaves already hold the initial score. A model with
//! `average_output` (`boosting=rf`) outputs the mean over its iterations.

use crate::error::{Error, Result};
use crate::model::trees::{Cmp, Forest, ForestInfo, Outputs, RawNode, Split};

/// Whether `bytes` look like a LightGBM text model (first line `tree`).
pub fn looks_like(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let first = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    first.strip_suffix(b"\r").unwrap_or(first) == b"tree"
}

/// The `key=value` lines of one block.
struct Block<'a> {
    lines: Vec<(&'a str, &'a str)>,
}

impl<'a> Block<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.lines.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn numbers<T: std::str::FromStr>(
        &self,
        key: &str,
        n: usize,
    ) -> std::result::Result<Vec<T>, String> {
        let text = self.get(key).ok_or_else(|| format!("{key} is missing"))?;
        let values: Vec<T> = text
            .split_whitespace()
            .map(|v| v.parse::<T>().map_err(|_| format!("{key} holds \"{v}\", not a number")))
            .collect::<std::result::Result<_, _>>()?;
        if values.len() != n {
            return Err(format!("{key} has {} values, not {n}", values.len()));
        }
        Ok(values)
    }
}

/// Reads a LightGBM text model; `source` names it in errors.
///
/// # Errors
/// Bytes that are not a LightGBM text model, an objective other than binary, multiclass
/// or a regression with the identity link, categorical splits or linear trees (named with
/// their tree and feature), or malformed trees.
pub fn read(bytes: &[u8], source: &str) -> Result<Forest> {
    let bad = |message: String| Error::model(source, message);
    let text = std::str::from_utf8(bytes)
        .map_err(|_| bad("a LightGBM model is text, and this file is not UTF-8".into()))?;
    let mut blocks: Vec<Block<'_>> = vec![Block { lines: Vec::new() }];
    // `boosting=rf` models say `average_output` on a line of its own: their output is the
    // mean of the iterations, not the sum.
    let mut average_output = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line == "end of trees" {
            break;
        }
        average_output |= blocks.len() == 1 && line == "average_output";
        if line.starts_with("Tree=") {
            blocks.push(Block { lines: Vec::new() });
        }
        if let Some((key, value)) = line.split_once('=') {
            if let Some(block) = blocks.last_mut() {
                block.lines.push((key, value));
            }
        }
    }
    let header = &blocks[0];
    let number = |key: &str| -> Result<usize> {
        header
            .get(key)
            .ok_or_else(|| bad(format!("the header has no {key}")))?
            .trim()
            .parse()
            .map_err(|_| bad(format!("{key} is not a whole number")))
    };
    let n_features = number("max_feature_idx")?
        .checked_add(1)
        .ok_or_else(|| bad("max_feature_idx is too large".into()))?;
    let per_iteration = number("num_tree_per_iteration")?.max(1);
    let objective =
        header.get("objective").ok_or_else(|| bad("the header has no objective".into()))?;
    let mut words = objective.split_whitespace();
    let name = words.next().unwrap_or("");
    let parameter = |key: &str| words.clone().find_map(|w| w.strip_prefix(key)?.strip_prefix(':'));
    let (outputs, classifier, n_margins) = match name {
        "binary" => {
            let scale = parameter("sigmoid").map_or(Ok(1.0), str::parse::<f64>);
            let scale = scale.map_err(|_| bad(format!("objective {objective}: the sigmoid is not a number")))?;
            (Outputs::BinaryLogistic { scale }, true, 1)
        }
        "multiclass" | "softmax" => (Outputs::Softmax, true, per_iteration),
        "regression" | "regression_l2" | "regression_l1" | "huber" | "fair" | "quantile"
        | "mape" => {
            if parameter("sqrt").is_some() || words.clone().any(|w| w == "sqrt") {
                return Err(bad(format!("objective {objective}: sqrt-transformed regression is not supported")));
            }
            (Outputs::Identity, false, 1)
        }
        other => {
            return Err(bad(format!(
                "the objective {other} is not supported (supported: binary, multiclass, and the regressions regression, regression_l1, huber, fair, quantile, mape)"
            )))
        }
    };
    let feature_names: Option<Vec<String>> = header
        .get("feature_names")
        .map(|names| names.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .filter(|names| names.len() == n_features);
    let info = ForestInfo {
        source: source.to_owned(),
        n_features,
        feature_names: feature_names.clone(),
        classifier,
        class_labels: None,
        f32_inputs: false,
        base: vec![0.0; n_margins],
        scale: 1.0,
        outputs,
        accepts_missing: true,
        format: "LightGBM text",
    };
    if blocks.len() == 1 {
        return Err(bad("the model has no trees (no Tree= block)".into()));
    }
    let mut info = info;
    if average_output {
        let iterations = (blocks.len() - 1).div_ceil(per_iteration);
        #[allow(clippy::cast_precision_loss)]
        {
            info.scale = 1.0 / iterations as f64;
        }
    }
    let mut forest = Forest::new(info, n_margins);
    let feature_name = |f: usize| match &feature_names {
        Some(names) => format!("feature \"{}\"", names[f]),
        None => format!("feature {f}"),
    };
    for (t, block) in blocks[1..].iter().enumerate() {
        let nodes = tree_nodes(block, t % per_iteration, n_features, &feature_name)
            .map_err(|e| bad(format!("tree {t}: {e}")))?;
        forest.push_tree(&nodes).map_err(|e| bad(format!("tree {t}: {e}")))?;
    }
    Ok(forest)
}

/// One tree's nodes: internal nodes first, then leaves.
fn tree_nodes(
    block: &Block<'_>,
    margin: usize,
    n_features: usize,
    name: &dyn Fn(usize) -> String,
) -> std::result::Result<Vec<RawNode>, String> {
    let n_leaves: usize = block
        .get("num_leaves")
        .and_then(|v| v.trim().parse().ok())
        .filter(|&n| n >= 1)
        .ok_or("num_leaves is missing or not a positive number")?;
    if block.get("is_linear").is_some_and(|v| v.trim() != "0") {
        return Err("linear trees (linear_tree=true) are not supported".into());
    }
    let leaf_values: Vec<f64> = block.numbers("leaf_value", n_leaves)?;
    let leaf_counts: Option<Vec<f64>> = block.numbers("leaf_count", n_leaves).ok();
    let leaf = |k: usize| RawNode::Leaf {
        values: vec![(margin, leaf_values[k])],
        cover: leaf_counts.as_ref().map(|c| c[k]),
    };
    if n_leaves == 1 {
        return Ok(vec![leaf(0)]);
    }
    let n = n_leaves - 1;
    let features: Vec<usize> = block.numbers("split_feature", n)?;
    let thresholds: Vec<f64> = block.numbers("threshold", n)?;
    let decisions: Vec<u8> = block.numbers("decision_type", n)?;
    let lefts: Vec<i64> = block.numbers("left_child", n)?;
    let rights: Vec<i64> = block.numbers("right_child", n)?;
    let counts: Option<Vec<f64>> = block.numbers("internal_count", n).ok();
    // Internal node i is node i; leaf k is node n + k.
    let child = |c: i64| -> std::result::Result<usize, String> {
        let index = if c >= 0 {
            usize::try_from(c).ok()
        } else {
            usize::try_from(-c - 1).ok().map(|k| n + k)
        };
        index.filter(|&i| i < n + n_leaves).ok_or_else(|| format!("child {c} does not exist"))
    };
    let mut nodes = Vec::with_capacity(n + n_leaves);
    for i in 0..n {
        let feature = features[i];
        if feature >= n_features {
            return Err(format!("node {i} splits on feature {feature} of {n_features}"));
        }
        let decision = decisions[i];
        if decision & 1 != 0 {
            return Err(format!(
                "node {i} is a categorical split on {}: categorical splits are not supported",
                name(feature)
            ));
        }
        let missing_type = (decision >> 2) & 3;
        #[allow(clippy::cast_possible_truncation)]
        nodes.push(RawNode::Branch {
            split: Split {
                feature: feature as u32,
                threshold: thresholds[i],
                cmp: Cmp::Le,
                default_yes: decision & 2 != 0,
                nan_as_zero: missing_type != 2,
                zero_is_missing: missing_type == 1,
            },
            yes: child(lefts[i])?,
            no: child(rights[i])?,
            cover: counts.as_ref().map(|c| c[i]),
        });
    }
    nodes.extend((0..n_leaves).map(leaf));
    Ok(nodes)
}
