//! The LIME result: the `sextant.lime/v1` JSON document, as Rust types, and how the runs
//! of several seeds (`repeats`) are summarised into one weight and spread per feature.

use serde::{Deserialize, Serialize};

/// The schema identifier of [`LimeExplanation`].
pub const LIME_SCHEMA: &str = "sextant.lime/v1";

/// LIME explanations of several rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimeExplanation {
    /// Always [`LIME_SCHEMA`].
    pub schema: String,
    /// Model input names, in model order.
    pub feature_names: Vec<String>,
    /// The model output explained.
    pub output: usize,
    /// The class whose probability that output is, when the model names its classes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_label: Option<String>,
    /// `"quartile"` or `"decile"`.
    pub discretizer: String,
    /// Features treated as categorical.
    pub categorical: Vec<String>,
    /// Neighbourhood samples per run.
    pub num_samples: usize,
    /// The kernel width used.
    pub kernel_width: f64,
    /// `"auto"`, `"forward"`, `"highest_weights"` or `"none"`.
    pub feature_selection: String,
    /// Features kept in each surrogate.
    pub num_features: usize,
    /// Runs per row (seeds `seed`, `seed + 1`, …).
    pub repeats: usize,
    /// The first run's seed.
    pub seed: u64,
    /// One entry per explained row, in input order.
    pub rows: Vec<LimeRow>,
}

/// The explanation of one row, averaged over the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimeRow {
    /// The model's output for the row.
    pub prediction: f64,
    /// The surrogate's prediction for the row.
    pub local_prediction: f64,
    /// The surrogate's intercept.
    pub intercept: f64,
    /// The surrogate's weighted R² on the neighbourhood.
    pub score: f64,
    /// The surrogate's weights, largest |weight| first.
    pub weights: Vec<LimeWeight>,
    /// The row's feature values.
    pub data: Vec<f64>,
}

/// One interpretable feature of a row's surrogate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimeWeight {
    /// The model input it is built from.
    pub feature: String,
    /// lime's description: "age <= 28.00", "28.00 < age <= 37.00", "sex=1".
    pub description: String,
    /// The weight (mean over runs; 0 in a run that did not select the feature).
    pub weight: f64,
    /// Sample standard deviation over runs; `null` for a single run.
    pub std: Option<f64>,
}

/// One run's surrogate of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Surrogate {
    /// The model's output for the row.
    pub prediction: f64,
    /// The surrogate's prediction for the row.
    pub local_prediction: f64,
    /// Intercept.
    pub intercept: f64,
    /// Weighted R².
    pub score: f64,
    /// One weight per model input, `None` where the feature was not selected.
    pub weights: Vec<Option<f64>>,
}

/// Summarises the runs of one row; `descriptions` names each feature's interpretable form.
#[allow(clippy::cast_precision_loss)]
pub fn summarise(
    runs: &[Surrogate],
    feature_names: &[String],
    descriptions: Vec<String>,
    data: Vec<f64>,
) -> LimeRow {
    let n = runs.len().max(1) as f64;
    let mean = |f: &dyn Fn(&Surrogate) -> f64| runs.iter().map(f).sum::<f64>() / n;
    let mut weights: Vec<LimeWeight> = descriptions
        .into_iter()
        .enumerate()
        .filter(|(j, _)| runs.iter().any(|r| r.weights[*j].is_some()))
        .map(|(j, description)| {
            let values: Vec<f64> = runs.iter().map(|r| r.weights[j].unwrap_or(0.0)).collect();
            let weight = values.iter().sum::<f64>() / n;
            let std = (values.len() > 1).then(|| {
                let squares: f64 = values.iter().map(|v| (v - weight).powi(2)).sum();
                (squares / (n - 1.0)).sqrt()
            });
            LimeWeight { feature: feature_names[j].clone(), description, weight, std }
        })
        .collect();
    weights.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    LimeRow {
        prediction: runs.first().map_or(f64::NAN, |r| r.prediction),
        local_prediction: mean(&|r| r.local_prediction),
        intercept: mean(&|r| r.intercept),
        score: mean(&|r| r.score),
        weights,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_averaged_with_their_sample_spread() {
        let run = |w: f64, selected: bool| Surrogate {
            prediction: 0.7,
            local_prediction: 0.6,
            intercept: 0.1,
            score: 0.5,
            weights: vec![Some(w), selected.then_some(0.01), None],
        };
        let names = ["a", "b", "c"].map(String::from).to_vec();
        let descriptions = ["a <= 1.00", "b=1", "c=0"].map(String::from).to_vec();
        let row = summarise(&[run(0.2, true), run(0.4, false)], &names, descriptions, vec![]);
        assert_eq!(row.weights.len(), 2, "c was never selected");
        assert_eq!(row.weights[0].feature, "a");
        assert!((row.weights[0].weight - 0.3).abs() < 1e-15);
        assert!((row.weights[0].std.unwrap_or(0.0) - 0.02f64.sqrt()).abs() < 1e-15);
        assert!((row.weights[1].weight - 0.005).abs() < 1e-15);
        let single = summarise(&[run(0.2, true)], &names, vec![String::new(); 3], vec![]);
        assert_eq!(single.weights[0].std, None);
    }
}
