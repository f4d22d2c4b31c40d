//! The general tree walk (any branch mode, missing-value tracking) against the fast walk of
//! scikit-learn's trees, on the same ensemble written both ways.

use prost::Message;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::TreeEnsemble;
use crate::model::onnx::attributes::NodeAttributes;
use crate::model::onnx::proto::{AttributeProto, ModelProto, NodeProto};
use crate::model::onnx::value::Value;

const FIXTURE: &[u8] = include_bytes!("../../../../tests/fixtures/models/gb_classifier.onnx");

fn ints(node: &NodeProto, name: &str) -> Vec<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.ints.clone()).unwrap_or_default()
}

/// Sets attribute `name` (replacing any of that name).
fn set(node: &mut NodeProto, name: &str, ints: Vec<i64>, strings: Vec<Vec<u8>>) {
    node.attribute.retain(|a| a.name != name);
    node.attribute.push(AttributeProto {
        name: name.to_owned(),
        ints,
        strings,
        ..Default::default()
    });
}

/// `x <= t` written as `not (x > t)`: BRANCH_GT with the children swapped, and NaN (false
/// for `<=`) sent to the former false child through missing-value tracking.
fn as_branch_gt(node: &NodeProto) -> NodeProto {
    let mut node = node.clone();
    let modes: Vec<Vec<u8>> = node
        .attribute
        .iter()
        .find(|a| a.name == "nodes_modes")
        .map(|a| a.strings.clone())
        .unwrap_or_default();
    let (true_ids, false_ids) =
        (ints(&node, "nodes_truenodeids"), ints(&node, "nodes_falsenodeids"));
    set(&mut node, "nodes_truenodeids", false_ids, Vec::new());
    set(&mut node, "nodes_falsenodeids", true_ids, Vec::new());
    let leq = |m: &Vec<u8>| m.as_slice() == b"BRANCH_LEQ";
    let tracks = modes.iter().map(|m| i64::from(leq(m))).collect();
    set(&mut node, "nodes_missing_value_tracks_true", tracks, Vec::new());
    let modes =
        modes.iter().map(|m| if leq(m) { b"BRANCH_GT".to_vec() } else { m.clone() }).collect();
    set(&mut node, "nodes_modes", Vec::new(), modes);
    node
}

#[test]
fn the_general_walk_agrees_with_the_fast_one() -> Result<(), String> {
    let model = ModelProto::decode(FIXTURE).map_err(|e| e.to_string())?;
    let graph = model.graph.ok_or("no graph")?;
    let node = graph
        .node
        .iter()
        .find(|n| n.op_type == "TreeEnsembleClassifier")
        .ok_or("no tree ensemble")?;
    let fast = TreeEnsemble::compile(&NodeAttributes::new(node), true)?;
    let general = TreeEnsemble::compile(&NodeAttributes::new(&as_branch_gt(node)), true)?;
    assert!(fast.leq_forest.is_some() && general.leq_forest.is_none());
    let cols = fast.features_needed;
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    // 21 rows: two full groups of lanes and a part one.
    let rows: Vec<f64> = (0..21 * cols)
        .map(|_| if rng.random_bool(0.1) { f64::NAN } else { rng.random_range(-3.0..3.0) })
        .collect();
    let batch = Value::batch(cols, rows);
    assert_eq!(general.apply(&batch)?, fast.apply(&batch)?);
    Ok(())
}
