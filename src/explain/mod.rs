//! Explanations of single predictions: Shapley values (exact and permutation-sampled, as
//! shap computes them) over an independent masker, and LIME's local linear surrogates.
//!
//! [`masker::IndependentMasker`] holds the background; [`masked::MaskedModel`] evaluates
//! the model on batches of masked rows (a feature "on" takes the explained row's value, "off"
//! takes each background row's) and averages over the background. The Shapley explainers
//! only choose which masks to evaluate. [`lime`] samples a neighbourhood from the training
//! data's bins and fits a weighted ridge regression to the model's outputs there.

pub mod exact;
pub mod explanation;
pub mod lime;
pub mod masked;
pub mod masker;
pub mod parallel;
pub mod permutation;
pub mod shap;
pub mod tree;
