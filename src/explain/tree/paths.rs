//! The root-to-leaf paths of a forest's trees, and which of a path's features a row agrees
//! with: the two things both Tree SHAP games are built from.
//!
//! A leaf's path features `U` are the distinct features split on between the root and the
//! leaf (at most 64). A row *agrees* with the path on feature `j` when it goes the path's way
//! at every node of the path that splits on `j`; the row's agreement is a bit mask over `U`.

use crate::error::{Error, Result};
use crate::model::trees::OutputTrees;

/// The most distinct features a root-to-leaf path may split on (the bits of a mask).
pub const MAX_PATH_FEATURES: usize = 64;

/// One split on a leaf's path.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The node.
    pub node: u32,
    /// Whether the path takes the node's "yes" child.
    pub yes: bool,
    /// The split feature's position in the leaf's path features.
    pub position: u8,
}

/// A leaf and its path.
#[derive(Debug, Clone)]
pub struct LeafPath {
    /// The leaf's value in the explained output's raw sum.
    pub value: f64,
    /// The distinct features split on along the path (column indices), in path order.
    pub features: Vec<u32>,
    /// The splits from the root down.
    pub steps: Vec<Step>,
    /// Per path feature, the product over its splits of cover(child taken) / cover(node):
    /// the share of training data that follows the path there (empty without covers).
    pub zero_fractions: Vec<f64>,
}

impl LeafPath {
    /// All path features agree.
    pub fn full(&self) -> u64 {
        full_mask(self.features.len())
    }

    /// The mask of path features a row agrees with, from the row's direction at every node.
    #[inline]
    pub fn agreement(&self, yes: &[bool]) -> u64 {
        let mut mask = self.full();
        for step in &self.steps {
            if yes[step.node as usize] != step.yes {
                mask &= !(1u64 << step.position);
            }
        }
        mask
    }
}

/// The mask with the low `m` bits set.
pub fn full_mask(m: usize) -> u64 {
    if m >= 64 {
        u64::MAX
    } else {
        (1u64 << m) - 1
    }
}

/// Every leaf path of every tree whose leaves score the output (a leaf of value 0 changes
/// nothing and is left out).
///
/// # Errors
/// A path that splits on more than [`MAX_PATH_FEATURES`] distinct features.
pub fn leaf_paths(trees: &OutputTrees<'_>) -> Result<Vec<LeafPath>> {
    let forest = trees.forest();
    let nodes = forest.nodes();
    let mut leaves = Vec::new();
    for (t, &root) in forest.roots().iter().enumerate() {
        // Depth-first, each stack entry carrying its path so far.
        let mut stack: Vec<(u32, Vec<(u32, bool)>)> = vec![(root, Vec::new())];
        while let Some((node, path)) = stack.pop() {
            match &nodes[node as usize].branch {
                Some((_, [yes, no])) => {
                    let mut to_no = path.clone();
                    to_no.push((node, false));
                    stack.push((*no, to_no));
                    let mut to_yes = path;
                    to_yes.push((node, true));
                    stack.push((*yes, to_yes));
                }
                None => {
                    let value = trees.leaf_value(node as usize);
                    if value != 0.0 {
                        leaves.push(leaf_path(trees, node, value, &path).map_err(|m| {
                            Error::invalid_option("algorithm", format!("tree {t}: {m}"))
                        })?);
                    }
                }
            }
        }
    }
    Ok(leaves)
}

fn leaf_path(
    trees: &OutputTrees<'_>,
    leaf: u32,
    value: f64,
    path: &[(u32, bool)],
) -> std::result::Result<LeafPath, String> {
    let nodes = trees.forest().nodes();
    let mut features: Vec<u32> = Vec::new();
    let mut steps = Vec::with_capacity(path.len());
    let covers = trees.cover(0).is_some();
    let mut zero_fractions: Vec<f64> = Vec::new();
    for (k, &(node, yes)) in path.iter().enumerate() {
        let Some((split, _)) = &nodes[node as usize].branch else { continue };
        let position = match features.iter().position(|&f| f == split.feature) {
            Some(p) => p,
            None => {
                if features.len() == MAX_PATH_FEATURES {
                    return Err(format!(
                        "a path splits on more than {MAX_PATH_FEATURES} distinct features"
                    ));
                }
                features.push(split.feature);
                zero_fractions.push(1.0);
                features.len() - 1
            }
        };
        if covers {
            let child = path.get(k + 1).map_or(leaf, |&(c, _)| c);
            let (parent_cover, child_cover) = (
                trees.cover(node as usize).unwrap_or(0.0),
                trees.cover(child as usize).unwrap_or(0.0),
            );
            zero_fractions[position] *=
                if parent_cover > 0.0 { child_cover / parent_cover } else { 0.0 };
        }
        #[allow(clippy::cast_possible_truncation)]
        steps.push(Step { node, yes, position: position as u8 });
    }
    if !covers {
        zero_fractions.clear();
    }
    Ok(LeafPath { value, features, steps, zero_fractions })
}

/// Every branch node's direction for a prepared row: `yes[i]` when the row goes to node
/// `i`'s "yes" child (leaves: false).
pub fn directions(trees: &OutputTrees<'_>, x: &[f64], yes: &mut Vec<bool>) {
    yes.clear();
    yes.extend(trees.forest().nodes().iter().map(|node| match &node.branch {
        Some((split, _)) => split.goes_yes(x[split.feature as usize]),
        None => false,
    }));
}
