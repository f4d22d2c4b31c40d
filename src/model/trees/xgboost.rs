//! XGBoost models saved as JSON (`Booster.save_model("model.json")`, XGBoost 1.0 and later).
//!
//! A tree's arrays (`left_children`, `right_children`, `split_indices`, `split_conditions`,
//! `default_left`, `sum_hessian`) describe its nodes; a leaf's value is its
//! `split_conditions` entry. A row goes left when `x < split_condition` in float32, and a
//! missing value goes left when `default_left` is set, as XGBoost's own predictor does.
//! `sum_hessian` is each node's cover (what `pred_contribs` weighs with).
//!
//! `base_score` is the intercept as XGBoost stores it: a probability for `binary:logistic`
//! and `reg:logistic` (margin = logit(base_score)), a margin for squared error and, since
//! XGBoost 3, one margin per class for `multi:softprob`.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::trees::{Cmp, Forest, ForestInfo, Outputs, RawNode, Split};

/// The objectives Sextant reads, for error messages.
const OBJECTIVES: &str = "binary:logistic, binary:logitraw, reg:logistic, reg:squarederror, reg:absoluteerror, multi:softprob, multi:softmax";

#[derive(Deserialize)]
struct File {
    learner: Learner,
}

#[derive(Deserialize)]
struct Learner {
    #[serde(default)]
    feature_names: Vec<String>,
    learner_model_param: ModelParam,
    objective: Objective,
    gradient_booster: Booster,
}

#[derive(Deserialize)]
struct ModelParam {
    base_score: String,
    #[serde(default)]
    num_target: Option<String>,
    #[serde(default)]
    num_class: Option<String>,
    num_feature: String,
}

#[derive(Deserialize)]
struct Objective {
    name: String,
}

#[derive(Deserialize)]
struct Booster {
    name: String,
    #[serde(default)]
    model: Option<TreeModel>,
}

#[derive(Deserialize)]
struct TreeModel {
    tree_info: Vec<usize>,
    trees: Vec<Tree>,
}

#[derive(Deserialize)]
struct TreeParam {
    #[serde(default)]
    size_leaf_vector: Option<String>,
}

#[derive(Deserialize)]
struct Tree {
    #[serde(default)]
    tree_param: Option<TreeParam>,
    left_children: Vec<i64>,
    right_children: Vec<i64>,
    split_indices: Vec<i64>,
    split_conditions: Vec<f64>,
    default_left: Vec<Value>,
    #[serde(default)]
    sum_hessian: Vec<f64>,
    #[serde(default)]
    split_type: Vec<i64>,
}

/// Whether `bytes` look like an XGBoost JSON model (a JSON object with a `learner`).
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.windows(10).any(|w| w == b"\"learner\":")
        || head.windows(11).any(|w| w == b"\"learner\" :")
}

/// Parses a number as XGBoost writes `base_score`: `"5E-1"` or `"[2.4892248E-1]"`, one per
/// class in multiclass models.
fn base_scores(text: &str) -> Option<Vec<f64>> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    inner.split(',').map(|v| v.trim().parse::<f64>().ok()).collect()
}

/// A float32 value as XGBoost holds it.
#[allow(clippy::cast_possible_truncation)]
fn f32_value(v: f64) -> f64 {
    f64::from(v as f32)
}

/// Reads an XGBoost JSON model; `source` names it in errors.
///
/// # Errors
/// Bytes that are not an XGBoost JSON model, an objective other than those listed in the
/// module docs, a booster other than `gbtree`, categorical splits (named with their tree and
/// feature), or malformed trees.
pub fn read(bytes: &[u8], source: &str) -> Result<Forest> {
    let file: File = serde_json::from_slice(bytes)
        .map_err(|e| Error::model(source, format!("not an XGBoost JSON model: {e}")))?;
    let learner = file.learner;
    let objective = learner.objective.name.as_str();
    let bad = |message: String| Error::model(source, message);
    let n_features: usize = learner
        .learner_model_param
        .num_feature
        .parse()
        .map_err(|_| bad("num_feature is not a whole number".into()))?;
    let n_classes: usize = learner
        .learner_model_param
        .num_class
        .as_deref()
        .unwrap_or("0")
        .parse()
        .map_err(|_| bad("num_class is not a whole number".into()))?;
    let base = base_scores(&learner.learner_model_param.base_score).ok_or_else(|| {
        bad(format!("base_score {} is not a number", learner.learner_model_param.base_score))
    })?;
    let targets = learner.learner_model_param.num_target.as_deref().unwrap_or("1");
    if !matches!(targets, "0" | "1") {
        return Err(bad(format!(
            "num_target is {targets}: multi-target models (vector leaves) are not supported"
        )));
    }
    let (outputs, classifier, n_margins) = match objective {
        "binary:logistic" => (Outputs::BinaryLogistic { scale: 1.0 }, true, 1),
        "reg:logistic" => (Outputs::Logistic, false, 1),
        "binary:logitraw" | "reg:squarederror" | "reg:absoluteerror" => {
            (Outputs::Identity, false, 1)
        }
        "multi:softprob" | "multi:softmax" if n_classes >= 2 => (Outputs::Softmax, true, n_classes),
        other => {
            return Err(bad(format!(
                "the objective {other} is not supported (supported: {OBJECTIVES})"
            )))
        }
    };
    // The intercept in margin space, as XGBoost's ProbToMargin transforms it (in float64
    // from the decimal XGBoost wrote, as shap and the reference files do).
    let to_margin = |p: f64| -> Result<f64> {
        if matches!(objective, "binary:logistic" | "reg:logistic") {
            if !(p > 0.0 && p < 1.0) {
                return Err(bad(format!("base_score {p} is not a probability")));
            }
            // libm: the same bits natively and in WebAssembly.
            Ok(libm::log(p / (1.0 - p)))
        } else {
            Ok(p)
        }
    };
    let base: Vec<f64> = match base.len() {
        1 => vec![to_margin(base[0])?; n_margins],
        n if n == n_margins => base.iter().map(|&b| to_margin(b)).collect::<Result<_>>()?,
        n => return Err(bad(format!("base_score has {n} values for {n_margins} outputs"))),
    };
    if learner.gradient_booster.name != "gbtree" {
        return Err(bad(format!(
            "the booster {} is not supported (only gbtree)",
            learner.gradient_booster.name
        )));
    }
    let model =
        learner.gradient_booster.model.ok_or_else(|| bad("the booster has no trees".into()))?;
    let feature_names =
        (learner.feature_names.len() == n_features).then_some(learner.feature_names);
    let info = ForestInfo {
        source: source.to_owned(),
        n_features,
        class_labels: None,
        feature_names: feature_names.clone(),
        classifier,
        f32_inputs: true,
        base,
        scale: 1.0,
        outputs,
        accepts_missing: true,
        format: "XGBoost JSON",
    };
    let mut forest = Forest::new(info, n_margins);
    if model.tree_info.len() != model.trees.len() {
        return Err(bad(format!(
            "tree_info has {} entries for {} trees",
            model.tree_info.len(),
            model.trees.len()
        )));
    }
    let name = |f: usize| match &feature_names {
        Some(names) => format!("feature \"{}\"", names[f]),
        None => format!("feature {f}"),
    };
    for (t, (tree, &margin)) in model.trees.iter().zip(&model.tree_info).enumerate() {
        let nodes = tree_nodes(tree, margin, n_features, &name)
            .map_err(|e| bad(format!("tree {t}: {e}")))?;
        forest.push_tree(&nodes).map_err(|e| bad(format!("tree {t}: {e}")))?;
    }
    Ok(forest)
}

/// One tree's nodes.
fn tree_nodes(
    tree: &Tree,
    margin: usize,
    n_features: usize,
    name: &dyn Fn(usize) -> String,
) -> std::result::Result<Vec<RawNode>, String> {
    let n = tree.left_children.len();
    let leaf_size = tree.tree_param.as_ref().and_then(|p| p.size_leaf_vector.as_deref());
    if !matches!(leaf_size, None | Some("0" | "1")) {
        return Err(format!(
            "size_leaf_vector is {}: vector leaves are not supported",
            leaf_size.unwrap_or_default()
        ));
    }
    for (what, len) in [
        ("right_children", tree.right_children.len()),
        ("split_indices", tree.split_indices.len()),
        ("split_conditions", tree.split_conditions.len()),
        ("default_left", tree.default_left.len()),
    ] {
        if len != n {
            return Err(format!("{what} has {len} entries for {n} nodes"));
        }
    }
    let covers = tree.sum_hessian.len() == n;
    (0..n)
        .map(|i| {
            let cover = covers.then(|| tree.sum_hessian[i]);
            let (left, right) = (tree.left_children[i], tree.right_children[i]);
            if left < 0 {
                return Ok(RawNode::Leaf {
                    values: vec![(margin, f32_value(tree.split_conditions[i]))],
                    cover,
                });
            }
            let feature = usize::try_from(tree.split_indices[i])
                .ok()
                .filter(|&f| f < n_features)
                .ok_or_else(|| {
                format!("node {i} splits on feature {}", tree.split_indices[i])
            })?;
            if tree.split_type.get(i).is_some_and(|&k| k != 0) {
                return Err(format!(
                    "node {i} is a categorical split on {}: categorical splits are not supported",
                    name(feature)
                ));
            }
            let child = |c: i64| usize::try_from(c).map_err(|_| format!("node {i} has child {c}"));
            let default_left = match &tree.default_left[i] {
                Value::Bool(b) => *b,
                Value::Number(v) => v.as_f64() != Some(0.0),
                other => return Err(format!("node {i} has default_left {other}")),
            };
            #[allow(clippy::cast_possible_truncation)]
            Ok(RawNode::Branch {
                split: Split {
                    feature: feature as u32,
                    threshold: f32_value(tree.split_conditions[i]),
                    cmp: Cmp::Lt,
                    default_yes: default_left,
                    nan_as_zero: false,
                    zero_is_missing: false,
                },
                yes: child(left)?,
                no: child(right)?,
                cover,
            })
        })
        .collect()
}
