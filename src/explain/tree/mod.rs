//! Exact Tree SHAP for tree ensembles: shap's `TreeExplainer` with
//! `feature_perturbation="interventional"` (against a background) or
//! `"tree_path_dependent"` (against the trees' covers), and `model_output="raw"` or
//! `"probability"`.
//!
//! # The algorithm
//! Both games decompose by leaf: a tree's output is Σ_leaves v_l · [row reaches l], and the
//! Shapley value is linear, so each leaf contributes the Shapley values of its own
//! indicator game. That game depends on the explained row only through which of the leaf's
//! path features the row agrees with (a bit mask `X`, [`paths`]), and on the background only
//! through the distinct masks `P` of the background rows (interventional) or through the
//! path's cover fractions (path-dependent); [`games`] gives both closed forms.
//!
//! So the background is summarised once per leaf as a weighted set of masks, and a leaf's
//! contributions for every possible `X` can be tabulated once (Fast TreeSHAP v2's idea,
//! Yang 2021, applied to the interventional game as in Laberge & Pequignot 2022). Per
//! explained row and tree the cost is then O(nodes) to find the row's direction at each
//! split plus O(Σ_leaves depth) to look up the tables: it does not grow with the background
//! size. Building a leaf's table costs O(2^M · masks · M) (M: distinct features on its path;
//! masks ≤ min(background rows, 2^M)); leaves whose table would be larger than the rows to
//! explain warrant, or would exceed the memory budget, are computed directly per row
//! (O(masks · M) interventional, O(M³) path-dependent). Linear TreeShap (Yu et al. 2022)
//! reaches O(depth) per leaf without tables for the path-dependent game only; at the depths
//! of boosted trees (≤ 8) the tables are as fast and serve both games.
//!
//! `model_output="probability"` is shap's definition (shap 0.51, `tree_shap.h`,
//! `rescale_output`), not the Shapley values of the probability: against each background row
//! r the raw values φ(x; r) are scaled by (σ(f(x)) − σ(f(r))) / (f(x) − f(r)) (1 when
//! f(x) = f(r)) and averaged. Per leaf this weighs each background mask by the mean factor of
//! its rows, so a row costs O(leaves × background) more than the raw output.
//!
//! Results are sums in a fixed order (trees, then leaves): identical natively and in
//! WebAssembly, and across thread counts.

mod games;
mod paths;

use crate::error::{Error, Result};
use crate::model::trees::{Link, OutputTrees};
use games::Weights;
use paths::{directions, full_mask, leaf_paths, LeafPath};

/// How features outside a coalition are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeaturePerturbation {
    /// From each background row, averaged: shap's `interventional`.
    Interventional,
    /// By following the trees' covers: shap's `tree_path_dependent` (no background).
    TreePathDependent,
}

impl FeaturePerturbation {
    /// shap's name.
    pub fn name(self) -> &'static str {
        match self {
            FeaturePerturbation::Interventional => "interventional",
            FeaturePerturbation::TreePathDependent => "tree_path_dependent",
        }
    }
}

/// Which quantity is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelOutput {
    /// The trees' raw sum (log-odds for logistic models): shap's `raw`.
    Raw,
    /// The model's output (a probability), as shap's `probability` defines it.
    Probability,
}

impl ModelOutput {
    /// shap's name.
    pub fn name(self) -> &'static str {
        match self {
            ModelOutput::Raw => "raw",
            ModelOutput::Probability => "probability",
        }
    }
}

/// Leaf tables of up to this many entries in all (f64s: 32 MiB).
const TABLE_BUDGET: usize = 1 << 22;

/// Leaf tables only for paths of at most this many distinct features.
const TABLE_MAX_FEATURES: usize = 12;

/// One leaf, ready to explain rows.
struct Leaf {
    path: LeafPath,
    /// Interventional: the distinct background masks and their weights (share of rows).
    masks: Vec<u64>,
    weights: Vec<f64>,
    /// Interventional with the probability output: the background rows grouped by mask,
    /// mask `k`'s rows at `rows_by_mask[mask_start[k]..mask_start[k + 1]]`.
    rows_by_mask: Vec<u32>,
    mask_start: Vec<u32>,
    /// Contributions for every agreement mask: `table[X · M + i]`.
    table: Option<Vec<f64>>,
}

/// A Tree SHAP explainer of one output of a forest, prepared for a background.
pub struct TreeExplainer<'a> {
    trees: OutputTrees<'a>,
    perturbation: FeaturePerturbation,
    output: ModelOutput,
    n_features: usize,
    leaves: Vec<Leaf>,
    weights: Weights,
    /// Interventional: the background rows' raw sums.
    background_raw: Vec<f64>,
    base_value: f64,
}

impl<'a> TreeExplainer<'a> {
    /// Checks that `trees` can be explained this way (`perturbation` `None`: either).
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`]: the probability output of a softmax model (no
    /// function of one output's raw sum), path-dependent values of a model without covers, or
    /// path-dependent values of the probability (shap explains the raw output only).
    pub fn check(
        trees: &OutputTrees<'_>,
        perturbation: Option<FeaturePerturbation>,
        output: ModelOutput,
    ) -> Result<()> {
        if output == ModelOutput::Probability && trees.link() == Link::Softmax {
            return Err(Error::invalid_option(
                "model_output",
                "the probability of a softmax (multiclass) model is not a function of one class's raw score, so Tree SHAP explains it only as ‹model_output› = \"raw\"; ‹algorithm› = \"exact\" or \"permutation\" explain the probability itself",
            ));
        }
        if perturbation == Some(FeaturePerturbation::TreePathDependent) {
            if !trees.forest().has_covers() {
                return Err(Error::invalid_option(
                    "feature_perturbation",
                    format!("tree_path_dependent needs the node covers that XGBoost and LightGBM files carry, and this {} model has none: give a background for interventional values", trees.forest().info().format),
                ));
            }
            if output == ModelOutput::Probability {
                return Err(Error::invalid_option(
                    "model_output",
                    "tree_path_dependent explains the raw output only (as shap); use interventional values (a background) for the probability",
                ));
            }
        }
        Ok(())
    }

    /// Prepares the explainer: the trees' leaf paths and, interventional, the background's
    /// masks per leaf; leaf tables when `rows_hint` rows will be explained.
    ///
    /// # Errors
    /// An [`crate::ErrorKind::InvalidOption`]: the probability output of a softmax model (no
    /// function of one output's raw sum), path-dependent values of a model without covers,
    /// an interventional explainer without background rows, a background whose width is not
    /// the model's, or a path splitting on more than 64 distinct features.
    pub fn new(
        trees: OutputTrees<'a>,
        n_features: usize,
        background: &[f64],
        perturbation: FeaturePerturbation,
        output: ModelOutput,
        rows_hint: usize,
    ) -> Result<Self> {
        Self::check(&trees, Some(perturbation), output)?;
        let model_features = trees.forest().info().n_features;
        if n_features != model_features {
            return Err(Error::invalid_option(
                "features",
                format!("{n_features} columns, but the model takes {model_features}"),
            ));
        }
        if !background.len().is_multiple_of(n_features.max(1)) {
            return Err(Error::invalid_option(
                "background",
                format!("{} values do not make rows of {n_features} features", background.len()),
            ));
        }
        let n_background = background.len().checked_div(n_features).unwrap_or(0);
        if perturbation == FeaturePerturbation::Interventional && n_background == 0 {
            return Err(Error::invalid_option(
                "background",
                "interventional Tree SHAP needs background rows",
            ));
        }
        let forest = trees.forest();
        let mut x = Vec::new();
        let mut yes = Vec::new();
        let mut background_raw = Vec::with_capacity(n_background);
        let mut background_yes: Vec<Vec<bool>> = Vec::new();
        if perturbation == FeaturePerturbation::Interventional {
            for b in background.chunks_exact(n_features) {
                forest.prepare_row(b, &mut x);
                background_raw.push(trees.raw(&x));
                directions(&trees, &x, &mut yes);
                background_yes.push(yes.clone());
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let share = 1.0 / n_background.max(1) as f64;
        let weights = Weights::new();
        let mut budget = TABLE_BUDGET;
        let mut leaves = Vec::new();
        for path in leaf_paths(&trees)? {
            // The background's distinct masks, each row's, and how many rows each has.
            let (mut masks, mut counts, mut mask_of_row) = (Vec::new(), Vec::new(), Vec::new());
            for b_yes in &background_yes {
                let p = path.agreement(b_yes);
                let k = masks.iter().position(|&m| m == p).unwrap_or_else(|| {
                    masks.push(p);
                    counts.push(0u32);
                    masks.len() - 1
                });
                counts[k] += 1;
                mask_of_row.push(k);
            }
            let mask_weights: Vec<f64> = counts.iter().map(|&c| f64::from(c) * share).collect();
            let m = path.features.len();
            let entries = (1usize << m.min(TABLE_MAX_FEATURES)) * m;
            let table = (output == ModelOutput::Raw
                && m <= TABLE_MAX_FEATURES
                && (1usize << m) <= rows_hint.max(1)
                && entries <= budget)
                .then(|| {
                    budget -= entries;
                    let mut table = vec![0.0; entries];
                    let mut poly = Vec::new();
                    for (x_mask, row) in table.chunks_exact_mut(m.max(1)).enumerate() {
                        leaf_values(
                            &weights,
                            perturbation,
                            &path,
                            &masks,
                            &mask_weights,
                            x_mask as u64,
                            &mut poly,
                            row,
                        );
                    }
                    table
                });
            let (mut rows_by_mask, mut mask_start) = (Vec::new(), Vec::new());
            if output == ModelOutput::Probability {
                // A counting sort of the rows by mask.
                let mut start = 0u32;
                for &count in &counts {
                    mask_start.push(start);
                    start += count;
                }
                mask_start.push(start);
                let mut next = mask_start.clone();
                rows_by_mask = vec![0; mask_of_row.len()];
                for (row, &k) in mask_of_row.iter().enumerate() {
                    #[allow(clippy::cast_possible_truncation)]
                    {
                        rows_by_mask[next[k] as usize] = row as u32;
                    }
                    next[k] += 1;
                }
            }
            leaves.push(Leaf {
                path,
                masks,
                weights: mask_weights,
                rows_by_mask,
                mask_start,
                table,
            });
        }
        let base_value = match perturbation {
            FeaturePerturbation::Interventional => {
                let link = |raw: f64| match output {
                    ModelOutput::Raw => raw,
                    ModelOutput::Probability => trees.link().apply(raw).unwrap_or(raw),
                };
                background_raw.iter().map(|&r| link(r)).sum::<f64>() * share
            }
            FeaturePerturbation::TreePathDependent => {
                trees.base()
                    + leaves
                        .iter()
                        .map(|l| l.path.value * l.path.zero_fractions.iter().product::<f64>())
                        .sum::<f64>()
            }
        };
        Ok(TreeExplainer {
            trees,
            perturbation,
            output,
            n_features,
            leaves,
            weights,
            background_raw,
            base_value,
        })
    }

    /// The expected output: E over the background (interventional) or over the covers.
    pub fn base_value(&self) -> f64 {
        self.base_value
    }

    /// The background rows used (0 for path-dependent values).
    pub fn background_rows(&self) -> usize {
        self.background_raw.len()
    }

    /// Explains `row`: the explained output (raw sum or probability), its Shapley values
    /// (one per feature, `base_value + Σ values = prediction`) and, with `interactions`,
    /// its SHAP interaction values (`M × M` row-major: off the diagonal half of each pair's
    /// interaction, on it the rest of the feature's Shapley value, so that line `i` sums to
    /// `values[i]`). The row is walked once for all three.
    ///
    /// # Errors
    /// A row whose width is not the model's, or interaction values of an interventional
    /// explainer (they are computed for path-dependent values, as shap and XGBoost do).
    pub fn explain_row(&self, row: &[f64], interactions: bool) -> Result<TreeRow> {
        if row.len() != self.n_features {
            return Err(Error::invalid_option(
                "data",
                format!("{} columns, but the model takes {}", row.len(), self.n_features),
            ));
        }
        if interactions && self.perturbation != FeaturePerturbation::TreePathDependent {
            return Err(Error::invalid_option(
                "interactions",
                "interaction values are computed for ‹feature_perturbation› tree_path_dependent (as shap and XGBoost compute them): leave out the background or set it",
            ));
        }
        let mut x = Vec::with_capacity(self.n_features);
        self.trees.forest().prepare_row(row, &mut x);
        let mut yes = Vec::new();
        directions(&self.trees, &x, &mut yes);
        let raw = self.trees.raw(&x);
        let values = self.values(raw, &yes);
        let interactions = interactions.then(|| self.interactions(&yes, &values));
        Ok(TreeRow { prediction: self.output_of(raw), values, interactions })
    }

    fn output_of(&self, raw: f64) -> f64 {
        match self.output {
            ModelOutput::Raw => raw,
            ModelOutput::Probability => self.trees.link().apply(raw).unwrap_or(raw),
        }
    }

    /// The Shapley values of a row of raw sum `raw` going `yes` at the splits.
    fn values(&self, raw: f64, yes: &[bool]) -> Vec<f64> {
        let mut phi = vec![0.0; self.n_features];
        let mut scratch = vec![0.0; paths::MAX_PATH_FEATURES];
        let mut poly = Vec::new();
        // Probability: each background row's rescaling factor, as a weight per row.
        let factors: Vec<f64> = if self.output == ModelOutput::Probability {
            let px = self.output_of(raw);
            #[allow(clippy::cast_precision_loss)]
            let share = 1.0 / self.background_raw.len().max(1) as f64;
            self.background_raw
                .iter()
                .map(|&fr| {
                    let factor =
                        if raw == fr { 1.0 } else { (px - self.output_of(fr)) / (raw - fr) };
                    factor * share
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut mask_weights = Vec::new();
        for leaf in &self.leaves {
            let m = leaf.path.features.len();
            let x_mask = leaf.path.agreement(yes);
            let out = &mut scratch[..m];
            if let Some(table) = &leaf.table {
                let start = usize::try_from(x_mask).unwrap_or(0) * m;
                out.copy_from_slice(&table[start..start + m]);
            } else {
                out.iter_mut().for_each(|v| *v = 0.0);
                let weights = if factors.is_empty() {
                    &leaf.weights
                } else {
                    // Each mask weighs its rows' factors; a mask that disagrees where the
                    // row does contributes nothing, so its rows are not summed.
                    let disagree = leaf.path.full() & !x_mask;
                    mask_weights.clear();
                    mask_weights.extend(leaf.masks.iter().enumerate().map(|(k, &p)| {
                        if p & disagree != disagree {
                            return 0.0;
                        }
                        let (start, end) =
                            (leaf.mask_start[k] as usize, leaf.mask_start[k + 1] as usize);
                        leaf.rows_by_mask[start..end].iter().map(|&b| factors[b as usize]).sum()
                    }));
                    &mask_weights
                };
                leaf_values(
                    &self.weights,
                    self.perturbation,
                    &leaf.path,
                    &leaf.masks,
                    weights,
                    x_mask,
                    &mut poly,
                    out,
                );
            }
            for (&feature, v) in leaf.path.features.iter().zip(out.iter()) {
                phi[feature as usize] += v;
            }
        }
        phi
    }

    /// The interaction values (path-dependent) of a row going `yes` at the splits, whose
    /// Shapley values are `values`.
    fn interactions(&self, yes: &[bool], values: &[f64]) -> Vec<f64> {
        let n = self.n_features;
        let mut out = vec![0.0; n * n];
        let (mut poly, mut local) = (Vec::new(), Vec::new());
        for leaf in &self.leaves {
            let path = &leaf.path;
            let m = path.features.len();
            local.clear();
            local.resize(m * m, 0.0);
            self.weights.path_dependent_interactions(
                &path.zero_fractions,
                path.agreement(yes),
                path.value,
                &mut poly,
                &mut local,
            );
            for (a, &fa) in path.features.iter().enumerate() {
                for (b, &fb) in path.features.iter().enumerate() {
                    out[fa as usize * n + fb as usize] += local[a * m + b];
                }
            }
        }
        for (i, &value) in values.iter().enumerate() {
            let off: f64 = (0..n).filter(|&j| j != i).map(|j| out[i * n + j]).sum();
            out[i * n + i] = value - off;
        }
        out
    }
}

/// One explained row of [`TreeExplainer::explain_row`].
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRow {
    /// The explained output (raw sum or probability).
    pub prediction: f64,
    /// One Shapley value per feature.
    pub values: Vec<f64>,
    /// The interaction values, `M × M` row-major, when asked for.
    pub interactions: Option<Vec<f64>>,
}

/// One leaf's contributions (by path position) for agreement `x_mask`.
#[allow(clippy::too_many_arguments)]
fn leaf_values(
    weights: &Weights,
    perturbation: FeaturePerturbation,
    path: &LeafPath,
    masks: &[u64],
    mask_weights: &[f64],
    x_mask: u64,
    poly: &mut Vec<f64>,
    out: &mut [f64],
) {
    match perturbation {
        FeaturePerturbation::Interventional => weights.interventional(
            full_mask(path.features.len()),
            x_mask,
            masks,
            mask_weights,
            path.value,
            out,
        ),
        FeaturePerturbation::TreePathDependent => {
            weights.path_dependent(&path.zero_fractions, x_mask, path.value, poly, out);
        }
    }
}
