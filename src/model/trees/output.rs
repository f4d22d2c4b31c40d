//! One output of a [`Forest`] as the explainers see it: [`OutputTrees`] (scalar leaf values,
//! a base, covers, and the [`Link`] from the raw sum to the output) and [`RawOutput`], that raw
//! sum as a model of its own.

use crate::error::{Error, Result};
use crate::math::sigmoid;
use crate::model::trees::{Forest, Outputs};
use crate::model::Model;

/// The function from one output's raw sum to the output itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Link {
    /// The output is the raw sum.
    Identity,
    /// The output is σ(scale · raw).
    Logistic {
        /// The sigmoid's scale.
        scale: f64,
    },
    /// The output is a softmax over several raw sums: no function of this one alone.
    Softmax,
}

impl Link {
    /// The output for raw sum `raw`, when it is a function of it alone.
    pub fn apply(self, raw: f64) -> Option<f64> {
        match self {
            Link::Identity => Some(raw),
            Link::Logistic { scale } => Some(sigmoid(scale * raw)),
            Link::Softmax => None,
        }
    }
}

impl Forest {
    /// The view of output `output` for Tree SHAP.
    ///
    /// # Errors
    /// An output the model does not have.
    pub fn output(&self, output: usize) -> Result<OutputTrees<'_>> {
        let n = self.n_outputs();
        if output >= n {
            return Err(Error::invalid_option(
                "output",
                format!("the model has {n} outputs, 0 to {}: not {output}", n.saturating_sub(1)),
            ));
        }
        let base = |m: usize| self.info.base.get(m).copied().unwrap_or(0.0);
        let s = self.info.scale;
        let (margin, factor, offset, link) = match self.info.outputs {
            Outputs::Identity => (output, s, base(output), Link::Identity),
            Outputs::Logistic => (output, s, base(output), Link::Logistic { scale: 1.0 }),
            Outputs::Softmax => (output, s, base(output), Link::Softmax),
            Outputs::BinaryLogistic { scale } => {
                let sign = if output == 1 { 1.0 } else { -1.0 };
                (0, sign * s, sign * base(0), Link::Logistic { scale })
            }
            Outputs::BinaryComplement if output == 1 => (0, s, base(0), Link::Identity),
            Outputs::BinaryComplement => (0, -s, 1.0 - base(0), Link::Identity),
        };
        #[allow(clippy::cast_possible_truncation)]
        let margin = margin as u32;
        let leaf_values = (0..self.nodes.len())
            .map(|i| {
                let (start, end) = (self.value_start[i] as usize, self.value_start[i + 1] as usize);
                factor
                    * self.values[start..end]
                        .iter()
                        .filter(|(m, _)| *m == margin)
                        .map(|(_, v)| v)
                        .sum::<f64>()
            })
            .collect();
        Ok(OutputTrees { forest: self, leaf_values, base: offset, link })
    }
}

/// One output of a [`Forest`] as Tree SHAP sees it: the output is
/// `link(base + Σ_trees leaf_value(leaf reached))`.
#[derive(Debug, Clone)]
pub struct OutputTrees<'a> {
    forest: &'a Forest,
    leaf_values: Vec<f64>,
    base: f64,
    link: Link,
}

impl OutputTrees<'_> {
    /// The forest.
    pub fn forest(&self) -> &Forest {
        self.forest
    }

    /// The value leaf `node` adds to this output's raw sum (0 for branches).
    #[inline]
    pub fn leaf_value(&self, node: usize) -> f64 {
        self.leaf_values[node]
    }

    /// The constant part of the raw sum.
    pub fn base(&self) -> f64 {
        self.base
    }

    /// The link from raw sum to output.
    pub fn link(&self) -> Link {
        self.link
    }

    /// Node `i`'s cover, when the forest has covers.
    pub fn cover(&self, i: usize) -> Option<f64> {
        self.forest.covers.as_ref().map(|c| c[i])
    }

    /// The raw sum for a prepared row.
    pub fn raw(&self, x: &[f64]) -> f64 {
        let trees: f64 =
            self.forest.roots.iter().map(|&root| self.leaf_values[self.forest.leaf(root, x)]).sum();
        self.base + trees
    }
}

/// One output's raw sum as a model of one output: what the exact and permutation
/// explainers explain for `model_output = "raw"`.
#[derive(Debug, Clone)]
pub struct RawOutput<'a> {
    trees: OutputTrees<'a>,
}

impl<'a> RawOutput<'a> {
    /// The raw sum of `trees`.
    pub fn new(trees: OutputTrees<'a>) -> Self {
        RawOutput { trees }
    }
}

impl Model for RawOutput<'_> {
    fn n_features(&self) -> Option<usize> {
        Some(self.trees.forest.info.n_features)
    }

    fn feature_names(&self) -> Option<&[String]> {
        self.trees.forest.feature_names()
    }

    fn n_outputs(&self) -> usize {
        1
    }

    fn is_classifier(&self) -> bool {
        false
    }

    fn accepts_missing(&self) -> bool {
        self.trees.forest.accepts_missing()
    }

    fn predict(&self, rows: &[f64], n_features: usize) -> Result<Vec<f64>> {
        let forest = self.trees.forest;
        if n_features != forest.info.n_features {
            return Err(Error::model(
                &forest.info.source,
                format!("the model takes {} features, not {n_features}", forest.info.n_features),
            ));
        }
        let mut x = Vec::with_capacity(n_features);
        Ok(rows
            .chunks_exact(n_features.max(1))
            .map(|row| {
                forest.prepare_row(row, &mut x);
                self.trees.raw(&x)
            })
            .collect())
    }
}
