//! The command line, declared with clap: subcommands, flags and their help.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use sextant::{AuditConfig, Format, MissingPolicy, OutputChoice};

/// `--format` of `sextant fairness` and `sextant audit`: the core's report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned tables for a terminal.
    Text,
    /// The `sextant.fairness/v1` JSON document.
    Json,
    /// GitHub-flavoured markdown (a CI job summary).
    Markdown,
    /// JUnit XML, one test case per gate.
    Junit,
    /// One self-contained HTML file with SVG charts.
    Html,
}

impl From<ReportFormat> for Format {
    fn from(format: ReportFormat) -> Format {
        match format {
            ReportFormat::Text => Format::Text,
            ReportFormat::Json => Format::Json,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Junit => Format::Junit,
            ReportFormat::Html => Format::Html,
        }
    }
}

/// `--missing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Missing {
    /// Stop with an error naming the file, line and column.
    Error,
    /// Leave such rows out (counted per column in the report).
    Drop,
    /// Audit missing sensitive values as the group "(missing)".
    Group,
}

impl From<Missing> for MissingPolicy {
    fn from(missing: Missing) -> MissingPolicy {
        match missing {
            Missing::Error => MissingPolicy::Error,
            Missing::Drop => MissingPolicy::Drop,
            Missing::Group => MissingPolicy::Group,
        }
    }
}

/// `--small-groups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SmallGroups {
    /// Small groups take part in the aggregates.
    Include,
    /// Small groups are left out of the aggregates.
    Exclude,
}

impl From<SmallGroups> for sextant::SmallGroups {
    fn from(small: SmallGroups) -> sextant::SmallGroups {
        match small {
            SmallGroups::Include => sextant::SmallGroups::Include,
            SmallGroups::Exclude => sextant::SmallGroups::Exclude,
        }
    }
}

/// `--format` of `sextant explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Aligned tables.
    Text,
    /// `sextant.shap/v1` or `sextant.lime/v1`.
    Json,
    /// A self-contained page with charts.
    Html,
}

/// `--algorithm` of `sextant explain shap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShapAlgorithm {
    /// As shap.Explainer: tree for tree ensembles, exact up to 10 features, else permutation.
    Auto,
    /// Exact Tree SHAP (XGBoost, LightGBM and ONNX tree ensembles).
    Tree,
    /// Exact Shapley values over all 2^M coalitions (M ≤ 20).
    Exact,
    /// shap's antithetic permutation sampling.
    Permutation,
}

impl From<ShapAlgorithm> for sextant::Algorithm {
    fn from(algorithm: ShapAlgorithm) -> sextant::Algorithm {
        match algorithm {
            ShapAlgorithm::Auto => sextant::Algorithm::Auto,
            ShapAlgorithm::Tree => sextant::Algorithm::Tree,
            ShapAlgorithm::Exact => sextant::Algorithm::Exact,
            ShapAlgorithm::Permutation => sextant::Algorithm::Permutation,
        }
    }
}

/// `--feature-perturbation` (shap's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Perturbation {
    /// Features outside a coalition take each background row's values (averaged).
    Interventional,
    /// Features outside a coalition follow the trees' covers (no background).
    TreePathDependent,
}

impl From<Perturbation> for sextant::FeaturePerturbation {
    fn from(p: Perturbation) -> sextant::FeaturePerturbation {
        match p {
            Perturbation::Interventional => sextant::FeaturePerturbation::Interventional,
            Perturbation::TreePathDependent => sextant::FeaturePerturbation::TreePathDependent,
        }
    }
}

/// `--model-output` (shap's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainedOutput {
    /// The trees' raw sum (log-odds of a logistic model).
    Raw,
    /// The probability (shap's per-background-row rescaling for Tree SHAP).
    Probability,
}

impl From<ExplainedOutput> for sextant::ModelOutput {
    fn from(o: ExplainedOutput) -> sextant::ModelOutput {
        match o {
            ExplainedOutput::Raw => sextant::ModelOutput::Raw,
            ExplainedOutput::Probability => sextant::ModelOutput::Probability,
        }
    }
}

/// `--format` of `sextant predict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoredFormat {
    /// The input columns plus `score` and `pred`.
    Csv,
    /// One JSON record per row.
    Json,
}

/// Sextant: audit machine-learning models for group fairness, with the numbers fairlearn
/// and AIF360 give.
///
/// Exit codes: 0 when every gate passes, 1 when a gate fails, 2 on a usage or input error.
#[derive(Debug, Parser)]
#[command(name = "sextant", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit predictions in a CSV, Parquet or Arrow file for group fairness.
    Fairness(Box<FairnessArgs>),
    /// Score a CSV, Parquet or Arrow file with a model: writes the rows (as CSV or JSON) with
    /// `score` and `pred` added.
    Predict(PredictArgs),
    /// Explain a model's predictions.
    #[command(subcommand)]
    Explain(ExplainCommand),
    /// Run the audit a TOML config declares (the CI entry point).
    #[command(long_about = AUDIT_HELP)]
    Audit(AuditArgs),
    /// Count a data file into a mergeable state (sextant.counts/v1 JSON), for `sextant fairness
    /// --from-counts`.
    ///
    /// Takes the counting flags of `sextant fairness` (label, prediction or score and
    /// threshold, sensitive columns, missing values, count column); the report's flags
    /// (intervals, gates, privileged groups) apply when the states are audited.
    Count(Box<FairnessArgs>),
    /// Monitor a log over time: fairness and drift per time window, with gates on them and
    /// on their change, as text, JSON (sextant.monitor/v1), markdown, HTML or OpenMetrics.
    #[command(long_about = MONITOR_HELP)]
    Monitor(Box<MonitorArgs>),
}

const MONITOR_HELP: &str = "Monitor a log over time: fairness and drift per time window.

Rows are cut into half-open UTC windows by --time: 1d (midnight), 7d (ISO weeks from Monday), \
1mo (calendar months), Nh or Nd (aligned to the Unix epoch), or rows:N (N rows in time order). \
Each window gets the fairness report of sextant fairness and, for every --drift column (and the \
score), PSI, Jensen-Shannon distance, KS and Wasserstein distance (numbers) or PSI, JS and a \
chi-square p-value (categories) against the reference (the first window unless --reference).

Exit codes: 0 when every gate passes, 1 when a gate fails, 2 on a usage or input error.";

/// `sextant monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// CSV file with a header row, Parquet or Arrow IPC (`-`: standard input).
    pub data: PathBuf,
    /// The column of the rows' times: RFC 3339 date-times (no offset means UTC), ISO dates or
    /// Unix epoch seconds.
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// The windows: 1d, 7d (ISO weeks), 1mo, Nh, Nd, or rows:N.
    #[arg(long, value_name = "WINDOW")]
    pub window: String,
    /// What to audit in every window.
    #[command(flatten)]
    pub audit: AuditFlags,
    /// Columns whose drift against the reference is measured (the score's always is).
    #[arg(long, value_name = "COL", num_args = 1..)]
    pub drift: Vec<String>,
    /// Drift columns compared as categories (a column whose first value is not a number is).
    #[arg(long, value_name = "COL", num_args = 1..)]
    pub categorical: Vec<String>,
    /// The reference of drift and change: first (the first window) or START/END (the rows
    /// with a time in [START, END)).
    #[arg(long, value_name = "first|START/END", conflicts_with = "reference_file")]
    pub reference: Option<String>,
    /// A reference data file with the same columns (its times are not read).
    #[arg(long, value_name = "FILE")]
    pub reference_file: Option<PathBuf>,
    /// Gate: fail when a drift statistic (psi, js, ks, wasserstein) of a column exceeds
    /// LIMIT, e.g. score:psi=0.2. Repeatable.
    #[arg(long, value_name = "COL:STAT=LIMIT", value_parser = parse_gate)]
    pub max_drift: Vec<(String, f64)>,
    /// Gate: fail when a metric moves by more than LIMIT (absolute) from the reference.
    /// Repeatable.
    #[arg(long, value_name = "METRIC=LIMIT", value_parser = parse_gate)]
    pub max_change: Vec<(String, f64)>,
    /// The windows the gates apply to.
    #[arg(long, value_name = "WHICH", value_enum, default_value_t = GateWindows::Latest)]
    pub gate_windows: GateWindows,
    /// Report format.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = MonitorFormat::Text)]
    pub format: MonitorFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 0 even when a gate fails (report only).
    #[arg(long)]
    pub exit_zero: bool,
    /// Serve the latest window's gauges at http://ADDR/metrics (OpenMetrics) for Prometheus
    /// to scrape, until stopped, e.g. 127.0.0.1:9464.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<String>,
    /// Keep reading rows appended to DATA (a CSV file, or standard input) and update the
    /// windows, the served metrics, --output and the OTLP push every second new rows arrive;
    /// a row that cannot be read is reported and left out.
    #[arg(long)]
    pub follow: bool,
    /// Push the same gauges as OpenTelemetry metrics over OTLP/HTTP (protobuf) to URL, e.g.
    /// http://127.0.0.1:4318/v1/metrics.
    #[arg(long, value_name = "URL")]
    pub otlp_endpoint: Option<String>,
}

/// `--gate-windows`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GateWindows {
    /// The latest window.
    Latest,
    /// Every window with rows.
    All,
}

impl From<GateWindows> for sextant::GateWindows {
    fn from(which: GateWindows) -> Self {
        match which {
            GateWindows::Latest => sextant::GateWindows::Latest,
            GateWindows::All => sextant::GateWindows::All,
        }
    }
}

/// `--format` of `sextant monitor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MonitorFormat {
    /// Aligned tables for a terminal.
    Text,
    /// The `sextant.monitor/v1` JSON document.
    Json,
    /// GitHub-flavoured markdown (a CI job summary).
    Markdown,
    /// One self-contained HTML page with line charts over time and a drift heatmap.
    Html,
    /// The OpenMetrics text exposition of the latest window (Prometheus, node_exporter).
    Openmetrics,
}

/// `sextant fairness`.
#[derive(Debug, Args)]
pub struct FairnessArgs {
    /// CSV file with a header row, Parquet or Arrow IPC (told by its bytes; `-`: standard
    /// input).
    #[arg(required_unless_present = "from_counts")]
    pub data: Option<PathBuf>,
    /// Audit counted states (sextant.counts/v1, from `sextant count`) instead of data: their
    /// counts are added, and the report is that of the data they were counted from.
    #[arg(long, value_name = "STATE.json", num_args = 1.., conflicts_with = "data")]
    pub from_counts: Vec<PathBuf>,
    /// Also audit the score at every threshold 0.00, 0.01, …, 1.00: each metric, accuracy
    /// and each group's rates as the threshold moves (a chart in the HTML report).
    #[arg(long)]
    pub sweep: bool,
    /// What to audit and how.
    #[command(flatten)]
    pub audit: AuditFlags,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

impl FairnessArgs {
    /// The audit config these arguments say.
    ///
    /// # Errors
    /// A gate given twice for one metric (see [`AuditFlags::config`]).
    pub fn config(&self) -> Result<AuditConfig, sextant::Error> {
        Ok(AuditConfig { sweep: self.sweep, ..self.audit.config(self.output.exit_zero)? })
    }
}

/// The flags of a fairness audit, shared by `sextant fairness`, `count` and `monitor`.
#[derive(Debug, Args)]
pub struct AuditFlags {
    /// Label column (0/1, or two values with --positive-label).
    #[arg(long, value_name = "COL")]
    pub label: String,
    /// The label value that counts as positive (default: 1).
    #[arg(long, value_name = "VALUE")]
    pub positive_label: Option<String>,
    /// Prediction column (0/1, or the label's two values).
    #[arg(long, value_name = "COL", required_unless_present = "score", conflicts_with = "score")]
    pub pred: Option<String>,
    /// Score column; a row is predicted positive when score >= --threshold.
    #[arg(long, value_name = "COL")]
    pub score: Option<String>,
    /// Decision threshold for --score, in [0, 1] [default: 0.5].
    #[arg(long, value_name = "T", requires = "score")]
    pub threshold: Option<f64>,
    /// Sensitive attribute: a column, or an intersection 'A&B'. Repeat for several.
    #[arg(long, value_name = "COL", required = true)]
    pub sensitive: Vec<String>,
    /// Privileged group of an attribute for the AIF360 comparison, COL=VALUE. Repeatable.
    #[arg(long, value_name = "COL=VALUE")]
    pub privileged: Vec<String>,
    /// Favourable label of the AIF360 comparison [default: the positive label].
    #[arg(long, value_name = "VALUE")]
    pub favorable_label: Option<String>,
    /// Bootstrap resamples for confidence intervals of every rate and metric.
    #[arg(long, value_name = "N")]
    pub bootstrap: Option<u32>,
    /// Confidence level of the intervals [default: 0.95].
    #[arg(long, value_name = "C", requires = "bootstrap")]
    pub confidence: Option<f64>,
    /// Seed of the bootstrap [default: 0].
    #[arg(long, value_name = "S", requires = "bootstrap")]
    pub seed: Option<u64>,
    /// Count undefined rates as 0.0, reproducing fairlearn bit for bit.
    #[arg(long)]
    pub fairlearn_compat: bool,
    /// Rows with a missing value (empty, NA, N/A, NaN, null, None, … as pandas reads them) in
    /// the label, prediction, score or a sensitive column: stop with an error, drop them, or
    /// audit missing sensitive values as the group "(missing)".
    #[arg(long, value_name = "POLICY", value_enum, default_value_t = Missing::Error)]
    pub missing: Missing,
    /// Stop when a sensitive column has more distinct values than N (an id column given by
    /// mistake).
    #[arg(long, value_name = "N", default_value_t = sextant::DEFAULT_MAX_GROUPS)]
    pub max_groups: usize,
    /// A column of whole-number frequencies: each row stands for that many rows, so a
    /// GROUP BY result with COUNT(*) audits exactly as the rows it counts.
    #[arg(long, value_name = "COL")]
    pub count_column: Option<String>,
    /// A column of sample weights (finite numbers ≥ 0): weighted rates, metrics and
    /// bootstrap intervals, as fairlearn's sample_weight and AIF360's instance_weights.
    #[arg(long, value_name = "COL")]
    pub sample_weight: Option<String>,
    /// Groups with fewer rows are flagged as small (a marker and a warning) [default: 30].
    #[arg(long, value_name = "N")]
    pub min_group_size: Option<u64>,
    /// Whether small groups take part in the aggregates [default: include].
    #[arg(long, value_name = "HOW", value_enum)]
    pub small_groups: Option<SmallGroups>,
    /// Gate: fail when METRIC exceeds LIMIT on any attribute. Repeatable.
    #[arg(long, value_name = "METRIC=LIMIT", value_parser = parse_gate)]
    pub max: Vec<(String, f64)>,
    /// Gate: fail when METRIC is below LIMIT on any attribute. Repeatable.
    #[arg(long, value_name = "METRIC=LIMIT", value_parser = parse_gate)]
    pub min: Vec<(String, f64)>,
}

impl AuditFlags {
    /// The audit config these flags say; `exit_zero` from the output flags.
    ///
    /// # Errors
    /// `--max` or `--min` given twice for one metric (which limit was meant is unclear).
    pub fn config(&self, exit_zero: bool) -> Result<AuditConfig, sextant::Error> {
        Ok(AuditConfig {
            data: None,
            label: self.label.clone(),
            positive_label: self.positive_label.clone(),
            pred: self.pred.clone(),
            score: self.score.clone(),
            threshold: self.threshold,
            sensitive: self.sensitive.clone(),
            privileged: self.privileged.clone(),
            favorable_label: self.favorable_label.clone(),
            bootstrap: self.bootstrap,
            confidence: self.confidence,
            seed: self.seed,
            fairlearn_compat: self.fairlearn_compat,
            missing: Some(self.missing.into()),
            max_groups: Some(self.max_groups),
            count_column: self.count_column.clone(),
            sample_weight: self.sample_weight.clone(),
            min_group_size: self.min_group_size,
            small_groups: self.small_groups.map(Into::into),
            max: unique_limits("max", &self.max)?,
            min: unique_limits("min", &self.min)?,
            gates: Vec::new(),
            exit_zero,
            ..AuditConfig::default()
        })
    }
}

/// The limits of the repeatable gate flag `--FLAG KEY=LIMIT`, by key.
///
/// # Errors
/// A key given twice: an invalid option naming it and both limits.
pub fn unique_limits(
    flag: &str,
    limits: &[(String, f64)],
) -> Result<BTreeMap<String, f64>, sextant::Error> {
    let mut unique = BTreeMap::new();
    for (key, limit) in limits {
        if let Some(first) = unique.insert(key.clone(), *limit) {
            return Err(sextant::Error::invalid_option(
                flag,
                format!("{key} is given twice ({first} and {limit}): give each limit once"),
            ));
        }
    }
    Ok(unique)
}

/// `sextant predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The model: an ONNX file (skl2onnx, onnxmltools), an XGBoost JSON model, a LightGBM text
    /// model or a coefficients JSON.
    #[arg(long, value_name = "MODEL")]
    pub model: PathBuf,
    /// CSV file with a header row, Parquet or Arrow IPC (told by its bytes; `-`: standard
    /// input).
    #[arg(long, value_name = "DATA")]
    pub data: PathBuf,
    /// The model's input columns, in order [default: the model's feature names, or every
    /// column not ignored].
    #[arg(long, value_name = "a,b,c", value_delimiter = ',', conflicts_with = "ignore")]
    pub features: Option<Vec<String>>,
    /// Columns that are not model inputs (ids, labels, sensitive attributes).
    #[arg(long, value_name = "id,other", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The model output written as `score`: a class label (`denied`) or an output index
    /// [default: the positive-class probability of a binary classifier, else output 0; a
    /// classifier of more than two classes needs it].
    #[arg(long, value_name = "CLASS|K")]
    pub output: Option<OutputChoice>,
    /// `pred = score >= T`.
    #[arg(long, value_name = "T", default_value_t = 0.5)]
    pub threshold: f64,
    /// csv (the input columns plus score and pred) or json (one record per row).
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ScoredFormat::Csv)]
    pub format: ScoredFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// `sextant explain`.
#[derive(Debug, Subcommand)]
pub enum ExplainCommand {
    /// Shapley values (shap's ExactExplainer or PermutationExplainer) for each row.
    Shap(ShapArgs),
    /// LIME local linear surrogates (lime's LimeTabularExplainer) for each row.
    Lime(LimeArgs),
}

/// `sextant explain shap`.
#[derive(Debug, Args)]
pub struct ShapArgs {
    /// Model, rows and output.
    #[command(flatten)]
    pub common: ExplainArgs,
    /// Background rows (CSV, Parquet or Arrow; same feature columns); at most --background-size are kept.
    /// Needed except for tree_path_dependent Tree SHAP.
    #[arg(long, value_name = "BG")]
    pub background: Option<PathBuf>,
    /// Background rows kept (subsampled with the seed).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub background_size: usize,
    /// The algorithm.
    #[arg(long, value_enum, default_value = "auto", conflicts_with = "exact")]
    pub algorithm: ShapAlgorithm,
    /// The same as --algorithm exact.
    #[arg(long, conflicts_with_all = ["max_evals", "permutations", "tolerance"])]
    pub exact: bool,
    /// Tree SHAP's game [default: interventional with --background, else tree_path_dependent].
    #[arg(long, value_enum, value_name = "HOW")]
    pub feature_perturbation: Option<Perturbation>,
    /// The quantity explained [default: raw for Tree SHAP, the model's output otherwise].
    #[arg(long, value_enum, value_name = "WHAT")]
    pub model_output: Option<ExplainedOutput>,
    /// SHAP interaction values too (Tree SHAP, tree_path_dependent; JSON only), as XGBoost's
    /// pred_interactions.
    #[arg(long)]
    pub interactions: bool,
    /// Model evaluations per row, as shap's max_evals [default: 500].
    #[arg(long, value_name = "N", conflicts_with = "permutations")]
    pub max_evals: Option<usize>,
    /// Antithetic permutations per row (instead of --max-evals).
    #[arg(long, value_name = "N")]
    pub permutations: Option<usize>,
    /// Stop sampling a row once every standard error is below T.
    #[arg(long, value_name = "T")]
    pub tolerance: Option<f64>,
}

/// `sextant explain lime`.
#[derive(Debug, Args)]
pub struct LimeArgs {
    /// Model, rows and output.
    #[command(flatten)]
    pub common: ExplainArgs,
    /// Training rows (CSV, Parquet or Arrow; same feature columns): their bins and frequencies shape the
    /// neighbourhoods.
    #[arg(long, value_name = "TRAIN")]
    pub training: PathBuf,
    /// Features whose values are category codes.
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// Bins of the continuous features: quartile or decile.
    #[arg(long, value_name = "KIND", default_value = "quartile")]
    pub discretizer: String,
    /// Neighbourhood samples per row.
    #[arg(long, value_name = "N", default_value_t = 5000)]
    pub num_samples: usize,
    /// Kernel width [default: 0.75·√(number of features)].
    #[arg(long, value_name = "W")]
    pub kernel_width: Option<f64>,
    /// Features kept in each surrogate [default: all].
    #[arg(long, value_name = "K")]
    pub num_features: Option<usize>,
    /// How they are chosen: auto, forward, highest_weights or none.
    #[arg(long, value_name = "HOW", default_value = "auto")]
    pub feature_selection: String,
    /// Runs per row, with seeds S, S+1, …: weights are their mean, with a standard deviation.
    #[arg(long, value_name = "R", default_value_t = 1)]
    pub repeats: usize,
}

/// Flags shared by the explainers.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The model: an ONNX file or a coefficients JSON.
    #[arg(long, value_name = "MODEL")]
    pub model: PathBuf,
    /// The rows to explain (CSV, Parquet or Arrow; `-`: standard input).
    #[arg(long, value_name = "ROWS")]
    pub data: PathBuf,
    /// Seed of all sampling.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    /// The model output explained: a class label or an output index [default: the
    /// positive-class probability; a classifier of more than two classes needs it].
    #[arg(long, value_name = "CLASS|K")]
    pub output: Option<OutputChoice>,
    /// The model's input columns, in order.
    #[arg(long, value_name = "a,b,c", value_delimiter = ',', conflicts_with = "ignore")]
    pub features: Option<Vec<String>>,
    /// Columns that are not model inputs.
    #[arg(long, value_name = "id,other", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// text, json (`sextant.shap/v1` or `sextant.lime/v1`) or html (charts).
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// `sextant audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The audit config (TOML); see `sextant audit --help`.
    pub config: PathBuf,
    /// Output options (the config's `outputs` are written as well).
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Flags shared by the subcommands.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format [default: text].
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 0 even when a gate fails (report only).
    #[arg(long)]
    pub exit_zero: bool,
}

fn parse_gate(text: &str) -> Result<(String, f64), String> {
    let (metric, limit) =
        text.split_once('=').ok_or_else(|| format!("\"{text}\" is not METRIC=LIMIT"))?;
    let limit: f64 =
        limit.trim().parse().map_err(|_| format!("limit \"{limit}\" is not a number"))?;
    Ok((metric.trim().to_owned(), limit))
}

const AUDIT_HELP: &str = "Run the fairness audit a TOML config declares: the CI entry point.

Keys are the long flags of `sextant fairness` in snake_case; paths are relative to the
config file. Unknown keys are errors.

    data = \"predictions.csv\"            # required
    model = \"model.onnx\"                # optional: score data with a model first
    features = [\"age\", \"income\"]       # its input columns (default: the model's names)
    ignore = [\"id\"]                     # or: columns that are not inputs
    label = \"label\"                     # required
    positive_label = \"1\"                # optional
    pred = \"pred\"                       # or: score = \"score\" and threshold = 0.5
    sensitive = [\"sex\", \"race\", \"sex&race\"]
    privileged = [\"sex=Male\"]           # optional, AIF360-style comparison
    favorable_label = \"1\"               # optional
    bootstrap = 1000                    # optional: intervals
    confidence = 0.95
    seed = 7
    fairlearn_compat = false
    missing = \"error\"                   # or \"drop\", \"group\": rows with NA, empty, null, … cells
    max_groups = 10000                  # most distinct values of one sensitive column
    # count_column = \"n\"               # row frequencies (a GROUP BY count)
    # sample_weight = \"w\"              # sample weights (weighted rates and intervals)
    # sweep = true                      # a score at every threshold 0.00 … 1.00 as well
    min_group_size = 30                 # smaller groups are flagged
    small_groups = \"include\"            # or \"exclude\": small groups out of the aggregates
    exit_zero = false                   # true: report failed gates, exit 0

    [max]                               # gates for every attribute
    demographic_parity_difference = 0.1
    equalized_odds_difference = 0.1
    [min]
    disparate_impact = 0.8

    [[gates]]                           # a gate for one attribute
    attribute = \"sex&race\"
    metric = \"demographic_parity_ratio\"
    min = 0.5

    [[outputs]]                         # report files
    format = \"junit\"                    # text, json, markdown, junit, html
    path = \"fairness.xml\"

    [explanations]                      # optional: SHAP and LIME in the HTML report
    model = \"model.onnx\"                # default: the top-level model
    rows = [0, 1, 2]                    # data rows to explain (default: the first 5)
    background = \"train.csv\"           # SHAP background, LIME training (default: data)
    methods = [\"shap\", \"lime\"]
    seed = 0
    algorithm = \"auto\"                  # SHAP: auto, tree, exact or permutation
    # max_evals = 500                   # SHAP budget (algorithm = \"permutation\")
    categorical = [\"region\"]           # LIME: category-code features
    repeats = 5                         # LIME: runs per row, for weight spreads
    num_samples = 5000                  # LIME: neighbourhood size

Exit codes: 0 every gate passed, 1 a gate failed, 2 usage or input error.";
