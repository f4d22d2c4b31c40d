//! Sextant: explain and audit machine-learning models.
//!
//! The core is pure: it reads bytes and readers, returns values, and never touches the
//! filesystem, a terminal or a browser. The `sextant` CLI (feature `cli`) and the WASM
//! bindings are thin adapters over it.
//!
//! # Layers
//! Each module imports only from the layers below it:
//!
//! | layer | modules | holds |
//! |---|---|---|
//! | 6 | `audit` | the audit document and the one pipeline the adapters run ([`run_audit`]) |
//! | 5 | [`report`] | renderings of results (text, JSON, markdown, JUnit, HTML, SVG, OpenMetrics) |
//! | 4 | `monitor` | fairness and drift per time window ([`monitor()`]), and of a CSV as it grows ([`follow()`], native) |
//! | 3 | `fairness`, `explain` | fairness plans, counts, metrics and report; SHAP and LIME with their results |
//! | 2 | `model` | models from bytes, and scoring rows with them |
//! | 1 | `data` | inputs (CSV, Parquet, Arrow IPC), headers, typed cells, feature rows and the input schema a model needs |
//! | 0 | `error`, `progress`, `guard`, `math`, `stats` | errors, progress, decoder panics as errors, numerics |
//!
//! Only [`report`] is public as a module; the rest of the library's surface is re-exported
//! here.
//!
//! # An audit
//! A fairness audit runs in three steps, which [`run_audit`] chains (with a model scoring
//! the rows and the explanations the document asks for):
//! 1. [`AuditConfig::check`] validates what the user asked for into a [`FairnessPlan`];
//! 2. [`count_csv`] streams a table (CSV, Parquet, Arrow IPC) into the mergeable [`GroupCounts`];
//! 3. [`audit()`] computes the [`FairnessReport`], which [`render`] turns into text, JSON,
//!    markdown, JUnit or HTML.
//!
//! The README's library example is compiled and run as a doctest.

#![deny(missing_docs)]
// Input data must give typed errors, never a panic (a panic traps a WebAssembly instance).
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod audit;
#[cfg(target_arch = "x86_64")]
mod avx2;
mod data;
mod error;
mod explain;
mod fairness;
mod guard;
mod math;
mod model;
mod monitor;
mod progress;
pub mod report;
mod stats;

pub use audit::{
    audit_states, count_state, run as run_audit, AuditConfig, AuditInputs, AuditResult,
    Explanations, ExplanationsConfig, GateEntry, OutputEntry,
};
pub use data::cell::TableFormat;
pub use data::features::{read_features, FeatureMatrix, InputSchema};
pub use data::input::{Input, RandomAccess};
pub use data::preview::{preview_csv, select_rows, ColumnKind, CsvPreview, KIND_ROWS};
pub use data::rows::Rows;
pub use error::{Error, ErrorKind, Location, Result};
pub use explain::explanation::{ShapExplanation, ShapRow, SHAP_SCHEMA};
pub use explain::lime::explanation::{LimeExplanation, LimeRow, LimeWeight, LIME_SCHEMA};
pub use explain::lime::ridge::FeatureSelection;
pub use explain::lime::space::Discretizer;
pub use explain::lime::{
    explain_lime, CheckedLimeParams, LimeExplainer, LimeParams, DEFAULT_NUM_SAMPLES,
};
pub use explain::masker::DEFAULT_MAX_SAMPLES as DEFAULT_MAX_BACKGROUND;
pub use explain::shap::{
    explain_shap, Algorithm, Budget, CheckedShapParams, ShapParams, AUTO_EXACT_FEATURES,
    DEFAULT_MAX_EVALS,
};
pub use explain::tree::{FeaturePerturbation, ModelOutput, TreeExplainer, TreeRow};
pub use fairness::audit::audit;
pub use fairness::confusion::{Confusion, Rate, UndefinedPolicy};
pub use fairness::counts::{count_codes, GroupCounts};
pub use fairness::ingest::{count_csv, CountedData};
pub use fairness::metrics::{compute, Metrics};
pub use fairness::plan::{
    FairnessPlan, GroupPolicy, MissingPolicy, SmallGroups, DEFAULT_MAX_GROUPS,
    DEFAULT_MIN_GROUP_SIZE, MISSING_GROUP,
};
pub use fairness::privileged::{Aif360Metrics, SideSummary};
pub use fairness::report::{
    AttributeReport, AttributeSweep, FairnessReport, FourFifthsRule, GateResult, GroupReport,
    GroupSweep, LabelInfo, MissingReport, OutcomeInfo, PrivilegedComparison, SweepRates,
    ThresholdSweep, FAIRNESS_SCHEMA,
};
pub use fairness::score_histogram::{sweep_thresholds, ScoreHistogram, SweepCounts, SWEEP_STEPS};
pub use fairness::state::{Counted, CountsState, StateCell, COUNTS_SCHEMA};
pub use fairness::sweep::threshold_sweep;
pub use guard::guarding;
pub use model::additive::AdditiveScore;
pub use model::coefficients::LinearModel;
pub use model::scoring::{score_csv, ScoredFormat, ScoringOptions, ScoringSummary};
pub use model::trees::{Forest, OutputTrees};
pub use model::{
    checked_output, default_output, load_model, output_label, MaybeSendSync, Model, OutputChoice,
};
pub use monitor::collect::ColumnKind as DriftKind;
#[cfg(not(target_arch = "wasm32"))]
pub use monitor::follow::{follow, FollowEvent, Growth};
pub use monitor::plan::{
    ChangeGate, DriftGate, GateWindows, MonitorOptions, MonitorPlan, ReferenceSpec,
    DRIFT_STATISTICS,
};
pub use monitor::report::{
    ColumnDrift, GateKind, MonitorGate, MonitorReport, ReferenceColumn, ReferenceReport,
    WindowReport, MONITOR_SCHEMA,
};
pub use monitor::run::monitor;
pub use monitor::time::Timestamp;
pub use monitor::window::WindowSpec;
pub use progress::{NoProgress, Progress};
pub use report::{render, Format};

/// The README's code blocks, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
