//! The audit: the user's document ([`AuditConfig`], with its `[explanations]`) and the one
//! pipeline both adapters run, [`run`]: check the document, score the data with the model
//! (if any) batch by batch straight into the group counts, audit the counts, explain the
//! chosen rows, and hand back a result that renders in every format.
//!
//! The adapters only say where the document's inputs are ([`AuditInputs`]: files in the
//! CLI, option values in JavaScript) and where the reports go.

pub mod config;
pub mod explanations;

pub use config::{AuditConfig, GateEntry, OutputEntry};
pub use explanations::{CheckedExplanations, Explanations, ExplanationsConfig};

use crate::data::features::{read_feature_names, read_features};
use crate::data::input::Input;
use crate::error::{Error, Result};
use crate::fairness::audit::audit;
use crate::fairness::ingest::{count_csv, count_part, count_scored_csv, CountedData};
use crate::fairness::plan::FairnessPlan;
use crate::fairness::report::FairnessReport;
use crate::fairness::state::{merge_states, CountsState};
use crate::fairness::sweep::threshold_sweep;
use crate::model::scoring::RecordScorer;
use crate::model::{load_model, Model};
use crate::progress::Progress;
use crate::report::{audit_html, render, Format};

/// Where an audit's inputs come from. The core names them as the document does; the
/// adapter opens them (paths relative to the config file in the CLI, option values in
/// JavaScript). Each input comes with the name errors and reports give it.
pub trait AuditInputs {
    /// The audited data's name in reports and errors (a path, or `data`).
    fn data_name(&self) -> String;

    /// Opens the audited data (CSV, Parquet or Arrow). Called a second time when
    /// explanations read rows of it, so each call starts from the beginning.
    ///
    /// # Errors
    /// The data cannot be opened.
    fn open_data(&mut self) -> Result<Input<'_>>;

    /// The bytes of the model the document names `name` (ONNX or coefficients JSON), and
    /// its name for errors.
    ///
    /// # Errors
    /// The model cannot be read.
    fn model(&mut self, name: &str) -> Result<(Vec<u8>, String)>;

    /// Opens the data file the document names `name` (an explanations background), with its
    /// name for errors.
    ///
    /// # Errors
    /// The file cannot be opened.
    fn open_csv(&mut self, name: &str) -> Result<(Input<'_>, String)>;
}

/// What an audit found: the fairness report and the explanations the document asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditResult {
    /// The `sextant.fairness/v1` report.
    pub report: FairnessReport,
    /// SHAP and LIME explanations of the `[explanations]` rows (empty without that section).
    pub explanations: Explanations,
}

impl AuditResult {
    /// The result as `format`: the fairness report, with the explanations' charts in HTML.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Html => audit_html(
                &self.report,
                self.explanations.shap.as_ref(),
                self.explanations.lime.as_ref(),
            ),
            other => render(&self.report, other),
        }
    }
}

/// Runs the audit `config` describes on `inputs`.
///
/// With a model, each batch of data rows is scored and counted as it is read, so memory is
/// bounded by the batch and the number of groups, and the counts equal those of auditing
/// the scored file (`sextant predict` then `sextant fairness --score score`).
///
/// # Errors
/// The document's errors (before any input is read: see [`AuditConfig::check`]), the
/// explanations' parameters (checked for their model before any row is read or scored: see
/// [`ExplanationsConfig::check`]), the inputs' (their names, lines and columns), the
/// model's, an explainer's, or cancellation.
pub fn run(
    config: &AuditConfig,
    inputs: &mut dyn AuditInputs,
    progress: &mut dyn Progress,
) -> Result<AuditResult> {
    let plan = config.check()?;
    let source = inputs.data_name();
    let model = match &config.model {
        Some(name) => Some(load(inputs, name)?),
        None => None,
    };
    // The explanations are checked for their model before any row is read or scored.
    let explaining = match &config.explanations {
        Some(section) => Some(Explaining::check(config, section, model.as_deref(), inputs)?),
        None => None,
    };
    let (counted, class) = count_data(config, &plan, model.as_deref(), inputs)?;
    let mut report = audit(&plan, &counted, &source, progress)?;
    report.outcome.class = class;
    if let Some(sweep) = &counted.sweep {
        report.sweep = Some(threshold_sweep(&plan, &counted, sweep, &source, progress)?);
    }
    let explanations = match &explaining {
        Some(explaining) => explaining.run(model.as_deref(), inputs, progress)?,
        None => Explanations::default(),
    };
    Ok(AuditResult { report, explanations })
}

/// Counts the data of `inputs` for `plan`, scored by `model` when there is one; with the
/// class whose probability the score is, when the model names it.
fn count_data(
    config: &AuditConfig,
    plan: &FairnessPlan,
    model: Option<&dyn Model>,
    inputs: &mut dyn AuditInputs,
) -> Result<(CountedData, Option<String>)> {
    let source = inputs.data_name();
    match model {
        None => Ok((count_csv(inputs.open_data()?, &source, plan)?, None)),
        Some(model) => {
            let mut scorer = RecordScorer::new(model, config.scoring_options(), "model_output")?;
            let counted = count_scored_csv(inputs.open_data()?, &source, plan, &mut scorer)?;
            Ok((counted, scorer.output_label()))
        }
    }
}

/// Counts the data of `config` (scored by its model when it has one) into a mergeable
/// state, `sextant.counts/v1` (`sextant count`): what [`audit_states`] merges.
///
/// # Errors
/// Those of [`AuditConfig::check`] and of counting the data ([`count_csv`], but for a
/// single group or no rows), and a model or an `[explanations]` section (a state holds
/// counts, not rows to score or explain).
pub fn count_state(config: &AuditConfig, inputs: &mut dyn AuditInputs) -> Result<CountsState> {
    let mut plan = config.check()?;
    refuse_sweep(config, "a counted state holds confusion counts at one threshold, not scores")?;
    if config.model.is_some() || config.explanations.is_some() {
        return Err(Error::invalid_option(
            "model",
            "a counted state holds counts of scored rows: score the data first (sextant predict), then count it",
        ));
    }
    // The favourable label is the report's, decided where the states merge (a part may hold
    // one label value only).
    plan.favorable_label = None;
    let source = inputs.data_name();
    let counted = count_part(inputs.open_data()?, &source, &plan, None)?;
    Ok(CountsState::new(&plan, &source, &counted))
}

/// Audits counted states (`sextant.counts/v1` JSON bytes with their names) as one: the
/// report is the audit of the data they were counted from, bootstrap intervals included
/// (`sextant fairness --from-counts`). The config's counting settings (label, outcome,
/// sensitive columns, missing values, count column) must be those the states were counted
/// with.
///
/// # Errors
/// Those of [`AuditConfig::check`], a state that is not `sextant.counts/v1`, states counted
/// with other settings (the first difference named), a model or explanations in the config
/// (states hold counts, not rows), and those of the audit.
pub fn audit_states(
    config: &AuditConfig,
    states: &[(Vec<u8>, String)],
    progress: &mut dyn Progress,
) -> Result<AuditResult> {
    let plan = config.check()?;
    refuse_sweep(config, "counted states hold confusion counts at one threshold, not scores")?;
    if config.model.is_some() || config.explanations.is_some() {
        return Err(Error::invalid_option(
            "from_counts",
            "counted states hold counts, not rows: a model or explanations need the data",
        ));
    }
    let parsed = states
        .iter()
        .map(|(bytes, name)| Ok((CountsState::from_json(bytes, name)?, name.clone())))
        .collect::<Result<Vec<_>>>()?;
    let counted = merge_states(&plan, &parsed)?;
    let source = parsed.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + ");
    let report = audit(&plan, &counted, &source, progress)?;
    Ok(AuditResult { report, explanations: Explanations::default() })
}

/// Refuses a threshold sweep where there are no scores to sweep (`why`).
fn refuse_sweep(config: &AuditConfig, why: &str) -> Result<()> {
    if config.sweep {
        return Err(Error::invalid_option("sweep", format!("{why}: sweep the data itself")));
    }
    Ok(())
}

fn load(inputs: &mut dyn AuditInputs, name: &str) -> Result<Box<dyn Model>> {
    let (bytes, source) = inputs.model(name)?;
    load_model(&bytes, &source)
}

/// An `[explanations]` section checked and ready to run: its own model (when it names one
/// other than the audit's), its feature columns and its checked parameters.
struct Explaining<'a> {
    section: &'a ExplanationsConfig,
    own_model: Option<Box<dyn Model>>,
    features: Option<&'a [String]>,
    ignore: &'a [String],
    checked: CheckedExplanations,
}

impl<'a> Explaining<'a> {
    /// Loads the section's model (unless it is the audit's `model`), finds its feature
    /// columns in the data's header and checks the section.
    fn check(
        config: &'a AuditConfig,
        section: &'a ExplanationsConfig,
        audit_model: Option<&dyn Model>,
        inputs: &mut dyn AuditInputs,
    ) -> Result<Self> {
        let name = section.model.as_ref().or(config.model.as_ref()).ok_or_else(|| {
            Error::config(
                "[explanations]",
                "missing key `model`: give the model to explain in the section or at the top level",
            )
        })?;
        let own_model = match (audit_model, &config.model) {
            (Some(_), Some(top)) if top == name => None,
            _ => Some(load(inputs, name)?),
        };
        let features = section.features.as_ref().or(config.features.as_ref()).map(Vec::as_slice);
        let ignore = section.ignore.as_ref().unwrap_or(&config.ignore);
        let model = match (&own_model, audit_model) {
            (Some(own), _) => own.as_ref(),
            (None, Some(model)) => model,
            (None, None) => return Err(Error::config("[explanations]", "no model to explain")),
        };
        let source = inputs.data_name();
        let names = read_feature_names(
            inputs.open_data()?,
            &source,
            &model.input_schema(),
            features,
            ignore,
        )?;
        // The audit's model_output chooses the output explained when the audit's model is.
        let output = if own_model.is_none() { config.model_output.as_ref() } else { None };
        let checked = section.check(model, &names, output)?;
        Ok(Explaining { section, own_model, features, ignore, checked })
    }

    /// Reads the rows and the background and explains them.
    fn run(
        &self,
        audit_model: Option<&dyn Model>,
        inputs: &mut dyn AuditInputs,
        progress: &mut dyn Progress,
    ) -> Result<Explanations> {
        let Some(model) = self.own_model.as_deref().or(audit_model) else {
            return Err(Error::config("[explanations]", "no model to explain"));
        };
        let schema = model.input_schema();
        let source = inputs.data_name();
        let rows =
            read_features(inputs.open_data()?, &source, &schema, self.features, self.ignore)?;
        let background = match &self.section.background {
            Some(name) => {
                let (reader, name) = inputs.open_csv(name)?;
                let background = read_features(reader, &name, &schema, self.features, self.ignore)?;
                rows.check_same_columns(&background, "explanations.background")?;
                Some(background.rows)
            }
            None => None,
        };
        let background = background.as_ref().unwrap_or(&rows.rows);
        self.checked.run(model, &rows, background, progress)
    }
}
