//! Explanations of single predictions: Shapley values (exact and permutation-sampled, as
//! shap computes them) over an independent masker.
//!
//! [`masker::IndependentMasker`] holds the background; [`masked::MaskedModel`] evaluates
//! the model on batches of masked rows (a feature "on" takes the explained row's value, "off"
//! takes each background row's) and averages over the background. The explainers only choose
//! which masks to evaluate.

pub mod exact;
pub mod explanation;
pub mod masked;
pub mod masker;
pub mod permutation;
pub mod shap;
