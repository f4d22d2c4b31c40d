// Types of the `sextant-audit` package. Option keys are the CLI's long flags in camelCase;
// results are the JSON documents the CLI prints (sextant.fairness/v1, sextant.monitor/v1,
// sextant.shap/v1, sextant.lime/v1), so JSON.stringify(result) equals the CLI's output.
// They need only TypeScript's ES library: no DOM and no Node types (see WasmSource and
// AbortSignalLike, which a URL, a Response and an AbortSignal satisfy).

/**
 * Loads the WebAssembly module once; call and await it before anything else. By default it
 * is fetched from next to the module in browsers and read from disk in Node.
 */
export function init(source?: WasmSource): Promise<void>;
/** The .wasm module: its bytes, its URL (text or a `URL`), or a fetch `Response`. */
export type WasmSource = ArrayBuffer | ArrayBufferView | string | { readonly href: string } | { arrayBuffer(): Promise<ArrayBuffer> };
/** What `signal` options read of an `AbortSignal`. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
}
/** The package version (equal to the CLI's). */
export function version(): string;
/** A fairness audit, as `sextant fairness`. */
export function fairness(options: FairnessOptions & { format?: undefined }): FairnessReport;
/** With `format`: the text `sextant fairness --format FORMAT` writes. */
export function fairness(options: FairnessOptions & { format: ReportFormat }): string;
/**
 * An audit from the same config as `sextant audit`: the model, if any, scores `data` first,
 * and `explanations` adds SHAP and LIME charts to the HTML format.
 */
export function audit(config: AuditConfig & { format?: undefined }): FairnessReport;
/** With `format`: the text `sextant audit --format FORMAT` writes (byte for byte). */
export function audit(config: AuditConfig & { format: ReportFormat }): string;
/** Counts the data into a mergeable state, as `sextant count`; merge states with `fairness({fromCounts})`. */
export function count(options: CountOptions): CountsState;
/** Fairness and drift per time window, as `sextant monitor`. */
export function monitor(options: MonitorOptions & { format?: undefined }): MonitorReport;
/** With `format`: the text `sextant monitor --format FORMAT` writes. */
export function monitor(options: MonitorOptions & { format: MonitorFormat }): string;
/** Shapley values, as `sextant explain shap`. */
export function explainShap(options: ShapOptions): ShapExplanation;
/** LIME surrogates, as `sextant explain lime`. */
export function explainLime(options: LimeOptions): LimeExplanation;
/** The CLI's self-contained HTML report of a result, or of several together. */
export function renderHtml(report: FairnessReport | MonitorReport | ShapExplanation | LimeExplanation | CombinedReport): string;
/** One SVG chart of a result (the charts of the HTML report). */
export function renderSvg(chart: ChartRequest): string;

/** A first look at a CSV, read as the audits read it: columns, their kinds, the first rows. */
export function previewCsv(options: { data: CsvData; rows?: number }): CsvPreview;
/** The header and the data rows at `rows` (0-based records) as CSV text. */
export function selectRows(options: { data: CsvData; rows: number[] }): string;

/**
 * Every error thrown is an `Error` with one of these stable codes (`unsupported`: a
 * `SextantWorker` made where there are no Web Workers, such as Node).
 */
export type ErrorCode =
  | 'csv' | 'columnar' | 'not_utf8' | 'empty_input' | 'no_rows' | 'unknown_column' | 'duplicate_column'
  | 'invalid_value' | 'invalid_option' | 'invalid_config' | 'invalid_model'
  | 'unsupported_operator' | 'merge_mismatch' | 'io' | 'cancelled' | 'not_initialised' | 'unsupported' | 'internal';

/** The formats of a fairness report. */
export type ReportFormat = 'text' | 'json' | 'markdown' | 'junit' | 'html';
export interface SextantError extends Error { code: ErrorCode }

/** A CSV file: its text, its bytes, or named columns of equal length. */
export type CsvData =
  | string
  | Uint8Array
  | ArrayBuffer
  | { columns: Record<string, ArrayLike<number> | ArrayLike<string> | ArrayLike<bigint> | ArrayLike<number | string | boolean | bigint | null | undefined>> };

/** Progress of long work, reported to `onProgress`. */
export interface ProgressEvent { what: string; done: number; total: number }

/** Options of every long computation. */
export interface LongWork {
  /** Called as the work advances (bootstrap resamples, explained rows). */
  onProgress?: (progress: ProgressEvent) => void;
  /** When aborted, the work stops at its next step with an error of code `cancelled`. */
  signal?: AbortSignalLike;
}

export type LabelValue = string | number | boolean;

/** A gate on one attribute (or every attribute when `attribute` is absent). */
export interface GateOption { metric: string; attribute?: string; max?: number; min?: number }

export interface FairnessOptions extends LongWork {
  /** The predictions to audit (or `fromCounts`). */
  data?: CsvData;
  /**
   * Counted states (from `count()` or `sextant count`: objects, JSON text or bytes) audited
   * instead of `data`: the report of the data they were counted from. `fairness()` only.
   */
  fromCounts?: Array<CountsState | string | Uint8Array>;
  /** The name of the data in the report and in errors (the CLI uses the file path). Default "data". */
  source?: string;
  label: string;
  positiveLabel?: LabelValue;
  pred?: string;
  score?: string;
  threshold?: number;
  /** Columns, or intersections written `a&b`. */
  sensitive: string | string[];
  /** `column=value` (or `a&b=x&y`), one per attribute. */
  privileged?: string | string[];
  favorableLabel?: LabelValue;
  bootstrap?: number;
  confidence?: number;
  seed?: number;
  fairlearnCompat?: boolean;
  /**
   * Rows with a missing value (empty, NA, N/A, NaN, null, None, … as pandas reads them) in the
   * label, prediction, score or a sensitive column: an error (default), left out (`drop`), or
   * missing sensitive values audited as the group "(missing)" (`group`).
   */
  missing?: 'error' | 'drop' | 'group';
  /** Most distinct values of one sensitive column (default 10,000). */
  maxGroups?: number;
  /** A column of whole-number frequencies: each row stands for that many rows (a `GROUP BY` count). */
  countColumn?: string;
  /** A column of sample weights (finite, ≥ 0; a missing weight follows `missing`): weighted rates, metrics and intervals, as fairlearn's `sample_weight`. */
  sampleWeight?: string;
  /** Groups with fewer rows are flagged as small (default 30). */
  minGroupSize?: number;
  /** Whether small groups take part in the aggregates (default `include`). */
  smallGroups?: 'include' | 'exclude';
  /** Upper limits per metric, e.g. `{demographic_parity_difference: 0.1}`. */
  max?: Record<string, number>;
  /** Lower limits per metric, e.g. `{disparate_impact: 0.8}`. */
  min?: Record<string, number>;
  gates?: GateOption[];
  /**
   * Also audit the score at every threshold 0.00, 0.01, …, 1.00: the report's `sweep` holds each
   * metric, accuracy and each group's rates by threshold (a score only, without `sampleWeight`;
   * not with `fromCounts`).
   */
  sweep?: boolean;
}

export interface AuditConfig extends FairnessOptions {
  /** A model that scores `data` into the column `score` first. */
  model?: OnnxBytes | Coefficients;
  features?: string[];
  ignore?: string[];
  /** The model output audited: a class label or an output index (needed for more than two classes). */
  modelOutput?: number | string;
  /** Rows of `data` to explain with SHAP and LIME (their charts join the HTML format). */
  explanations?: ExplanationsOption;
}

/** The `[explanations]` section of an audit config. */
export interface ExplanationsOption {
  /** The model explained (default: the audit's `model`). */
  model?: ModelFile | Coefficients;
  features?: string[];
  ignore?: string[];
  /** 0-based indices of the data rows to explain (default: the first 5). */
  rows?: number[];
  /** SHAP background and LIME training rows (default: the audited data). */
  background?: CsvData;
  methods?: Array<'shap' | 'lime'>;
  seed?: number;
  /** SHAP: as `explainShap`'s `algorithm`, `featurePerturbation` and `modelOutput`. */
  algorithm?: ShapAlgorithm;
  featurePerturbation?: FeaturePerturbation;
  modelOutput?: 'raw' | 'probability';
  maxEvals?: number;
  categorical?: string[];
  repeats?: number;
  numSamples?: number;
  /** The model output explained (default: the audit's `modelOutput` for the audit's model). */
  output?: number | string;
}

export type OnnxBytes = Uint8Array | ArrayBuffer;

/**
 * A model file's bytes or text: ONNX, XGBoost JSON (`save_model("model.json")`) or LightGBM
 * text (`booster.save_model`), told apart by content. A parsed XGBoost JSON object works too.
 */
export type ModelFile = OnnxBytes | string | object;

/** `auto` (the default) chooses as shap.Explainer: `tree` for tree ensembles, `exact` up to 10 features, else `permutation`. */
export type ShapAlgorithm = 'auto' | 'tree' | 'exact' | 'permutation';

/** Tree SHAP's game, shap's names (default: `interventional` with a background, else `tree_path_dependent`). */
export type FeaturePerturbation = 'interventional' | 'tree_path_dependent';

/** A linear or logistic model given by its coefficients. */
export interface Coefficients {
  feature_names: string[];
  coef_raw: number[];
  intercept_raw: number;
  /** "logistic" (the default with `classes`) or "identity". */
  link?: 'logistic' | 'identity';
  classes?: Array<string | number>;
}

/** Called with row-major rows; returns `nRows × outputs` values, row-major. */
export type PredictFunction = (rows: Float64Array, nRows: number, nCols: number) => Float64Array | number[];

export type ModelInput = ModelFile | Coefficients | PredictFunction;

interface ExplainOptions extends LongWork {
  model: ModelInput;
  /** The rows to explain. */
  data: CsvData;
  /** The model's input columns, in order (default: the model's names, else all not ignored). */
  features?: string[];
  ignore?: string[];
  seed?: number;
  /**
   * The model output explained: a class label or an output index (default: the positive class
   * of a binary classifier; a classifier of more than two classes needs it).
   */
  output?: number | string;
}

export interface ShapOptions extends ExplainOptions {
  /** Needed except for `tree_path_dependent` Tree SHAP. */
  background?: CsvData;
  backgroundSize?: number;
  algorithm?: ShapAlgorithm;
  /** The same as `algorithm: 'exact'`. */
  exact?: boolean;
  featurePerturbation?: FeaturePerturbation;
  /** `raw` (the default for Tree SHAP: log-odds of a logistic model) or `probability` (shap's definition); the model's output otherwise. */
  modelOutput?: 'raw' | 'probability';
  /** SHAP interaction values per row too (`tree_path_dependent` Tree SHAP only), as XGBoost's `pred_interactions`. */
  interactions?: boolean;
  /** Permutation sampling only. */
  maxEvals?: number;
  permutations?: number;
  tolerance?: number;
}

/** LIME fitted once on `training`, for any number of `explain` calls. */
export class LimeExplainer {
  constructor(options: LimeFitOptions);
  /** Throws an Error of code `not_initialised` once the explainer was freed. */
  explain(options: LimeExplainOptions): LimeExplanation;
  /** Releases the explainer's WebAssembly memory (a second call does nothing). */
  free(): void;
}

/** The options of `explainLime` without `data`. */
export type LimeFitOptions = Omit<LimeOptions, 'data' | 'onProgress' | 'signal'>;

export interface LimeExplainOptions extends LongWork {
  /** The rows to explain, with the fitted feature columns. */
  data: CsvData;
}

export interface LimeOptions extends ExplainOptions {
  training: CsvData;
  categorical?: string[];
  discretizer?: 'quartile' | 'decile';
  numSamples?: number;
  kernelWidth?: number;
  numFeatures?: number;
  featureSelection?: 'auto' | 'forward' | 'highest_weights' | 'none';
  repeats?: number;
}

export type Interval = [number, number] | null;
export type RateName = 'base_rate' | 'selection_rate' | 'tpr' | 'fpr' | 'tnr' | 'fnr' | 'precision' | 'accuracy';

export interface Confusion { tp: number; fp: number; tn: number; fn: number }

export interface GroupReport {
  group: string;
  count: number;
  base_rate: number | null;
  selection_rate: number | null;
  tpr: number | null;
  fpr: number | null;
  tnr: number | null;
  fnr: number | null;
  precision: number | null;
  accuracy: number | null;
  confusion: Confusion;
  /** With `sampleWeight`: the group's total weight, and its confusion cells as sums of weights. */
  weight?: number;
  weighted_confusion?: Confusion;
  /** Why a rate is null, by rate name. */
  undefined: Partial<Record<RateName, string>>;
  intervals: Partial<Record<RateName, Interval>> | null;
  /** Present (true) when the group has fewer rows than `minGroupSize`. */
  small?: boolean;
}

export interface ByMethod<T> { between_groups: T; to_overall: T }
export interface Defaulted<T> extends ByMethod<T> { default: T }
export interface ByAgg<T> { worst_case: T; mean: T }
export interface EqualizedOdds<T> { default: T; between_groups: ByAgg<T>; to_overall: ByAgg<T> }

export interface Metrics<T> {
  demographic_parity_difference: Defaulted<T>;
  demographic_parity_ratio: Defaulted<T>;
  equal_opportunity_difference: Defaulted<T>;
  equal_opportunity_ratio: Defaulted<T>;
  equalized_odds_difference: EqualizedOdds<T>;
  equalized_odds_ratio: EqualizedOdds<T>;
  tpr_difference: ByMethod<T>;
  fpr_difference: ByMethod<T>;
  tpr_ratio: ByMethod<T>;
  fpr_ratio: ByMethod<T>;
}

export interface SideSummary {
  count: number;
  /** With `sampleWeight`: the side's total weight. */
  weight?: number;
  favorable_prediction_rate: number | null;
  tpr: number | null;
  fpr: number | null;
  base_rate: number | null;
}

export interface Aif360Metrics<T> {
  disparate_impact: T;
  statistical_parity_difference: T;
  average_odds_difference: T;
  average_abs_odds_difference: T;
  equal_opportunity_difference: T;
}

export interface PrivilegedComparison extends Aif360Metrics<number | null> {
  privileged_group: string;
  favorable_label: string;
  privileged: SideSummary;
  unprivileged: SideSummary;
  intervals: Aif360Metrics<Interval> | null;
  four_fifths_rule: { threshold: number; passed: boolean | null };
  undefined: Record<string, string>;
}

export interface AttributeReport {
  attribute: string;
  columns: string[];
  groups: GroupReport[];
  metrics: Metrics<number | null>;
  metric_intervals: Metrics<Interval> | null;
  undefined: Record<string, string>;
  warnings: string[];
  privileged_comparison: PrivilegedComparison | null;
}

export interface GateResult {
  name: string;
  attribute: string;
  bound: 'max' | 'min';
  value: number | null;
  limit: number;
  interval: Interval;
  passed: boolean;
  reason: string | null;
}

/** `sextant.fairness/v1`. */
export type ColumnKind = 'binary' | 'score' | 'number' | 'text';

/** `previewCsv`'s result. */
export interface CsvPreview {
  columns: string[];
  /** Each column's kind, from the first 200 rows (missing values aside). */
  kinds: ColumnKind[];
  /** The first rows' cells, as text. */
  rows: string[][];
}

/** The rows left out for missing values. */
export interface MissingReport {
  policy: 'drop' | 'group';
  dropped_rows: number;
  /** Column → rows left out with a missing value in it (a row may count in several). */
  by_column: Record<string, number>;
}

export interface FairnessReport {
  schema: 'sextant.fairness/v1';
  source: string;
  rows: number;
  /** The sample-weight column, when the rates are weighted. */
  sample_weight?: string;
  label: { column: string; positive: string; negative: string | null };
  /** `class`: with a model, the class whose probability the score is (when the model names it). */
  outcome: { column: string; kind: 'prediction' | 'score'; threshold: number | null; class?: string };
  policy: 'strict' | 'fairlearn_compat';
  bootstrap: { resamples: number; confidence: number; seed: number } | null;
  overall: GroupReport;
  attributes: AttributeReport[];
  /** Present under the `drop` and `group` missing-value policies. */
  missing?: MissingReport;
  gates: GateResult[];
  passed: boolean;
  /** With `sweep: true`: the metrics at every threshold of the score. */
  sweep?: ThresholdSweep;
}

/**
 * A score's threshold swept over [0, 1] in steps of 0.01: the value at each threshold is what
 * `fairness()` with that `threshold` reports. Every series has one value per threshold, `null`
 * where the value is undefined.
 */
export interface ThresholdSweep {
  /** 0, 0.01, …, 1 (a row is positive when its score is at least the threshold). */
  thresholds: number[];
  /** Rows whose score lies outside [0, 1]. */
  outside_rows: number;
  overall: SweepRates;
  attributes: AttributeSweep[];
}

/** Rates of a group (or of all rows) at each threshold. */
export interface SweepRates {
  selection_rate: Array<number | null>;
  tpr: Array<number | null>;
  fpr: Array<number | null>;
  precision: Array<number | null>;
  accuracy: Array<number | null>;
}

/** One attribute at each threshold. */
export interface AttributeSweep {
  attribute: string;
  /** fairlearn metric name → its value with fairlearn's defaults (what a gate checks) at each threshold. */
  metrics: Record<string, Array<number | null>>;
  /** Its groups, in the order of the report's groups; each with its rates. */
  groups: Array<SweepRates & { group: string }>;
}

/** The formats of a monitoring report. */
export type MonitorFormat = 'text' | 'json' | 'markdown' | 'html' | 'openmetrics';

/** The options of `monitor()`: those of `fairness()` for every window, and the windows, drift and gates. */
export interface MonitorOptions extends Omit<FairnessOptions, 'fromCounts' | 'data' | 'sweep'> {
  /** The log to monitor. */
  data: CsvData;
  /** The column of the rows' times: RFC 3339 date-times (no offset means UTC), ISO dates or Unix epoch seconds. */
  time: string;
  /** `1d`, `7d` (ISO weeks), `1mo`, `Nh`, `Nd` (aligned to the Unix epoch), or `rows:N`. */
  window: string;
  /** Columns whose drift is measured (the score's always is). */
  drift?: string[];
  /** Drift columns compared as categories (a column whose first value is not a number is). */
  categorical?: string[];
  /** `first` (the default: the first window) or `START/END`, the rows with a time in [START, END). */
  reference?: string;
  /** Another log as the reference (its times are not read). */
  referenceData?: CsvData;
  /** Gates on drift: `{'score:psi': 0.2}` (statistics psi, js, ks, wasserstein). */
  maxDrift?: Record<string, number>;
  /** Gates on a metric's absolute change against the reference: `{demographic_parity_difference: 0.05}`. */
  maxChange?: Record<string, number>;
  /** The windows the gates judge: `latest` (the default) or `all`. */
  gateWindows?: 'latest' | 'all';
  format?: MonitorFormat;
}

/** `sextant.monitor/v1`: per time window, fairness and drift against a reference. */
export interface MonitorReport {
  schema: 'sextant.monitor/v1';
  source: string;
  time_column: string;
  window: string;
  label: { column: string; positive: string; negative: string | null };
  outcome: { column: string; kind: 'prediction' | 'score'; threshold: number | null; class?: string };
  /** Rows in all windows. */
  rows: number;
  /** Rows left out for a missing time (present when some were). */
  rows_without_time?: number;
  reference: {
    kind: 'first' | 'range' | 'file';
    source?: string;
    start: string | null;
    end: string | null;
    rows: number;
    drift: Record<string, ReferenceColumn>;
  };
  /** From the window holding the earliest time to the one holding the latest; empty ones have 0 rows. */
  windows: MonitorWindow[];
  gate_windows: 'latest' | 'all';
  gates: MonitorGate[];
  passed: boolean;
}

export type ReferenceColumn =
  | { kind: 'numeric'; rows: number; edges: number[]; bin_counts: number[] }
  | { kind: 'categorical'; rows: number; categories: string[]; counts: number[] };

export interface MonitorWindow {
  /** RFC 3339 UTC, e.g. `2025-03-01T00:00:00Z`; `end` is exclusive. */
  start: string;
  end: string;
  rows: number;
  /** The attributes of `sextant.fairness/v1`; empty for a window without rows. */
  attributes: AttributeReport[];
  drift: Record<string, ColumnDrift>;
  /** The window's rows left out for missing values (under `missing: 'drop' | 'group'`). */
  missing?: MissingReport;
}

/** A column's drift in one window; `null` statistics come with a `reason`. */
export type ColumnDrift =
  | {
      kind: 'numeric'; rows: number; psi: number | null; js: number | null; ks: number | null;
      ks_pvalue: number | null; wasserstein: number | null; bin_counts: number[]; reason?: string;
    }
  | {
      kind: 'categorical'; rows: number; psi: number | null; js: number | null; chi2_pvalue: number | null;
      categories: string[]; counts: number[]; reference_counts: number[]; reason?: string;
    };

export interface MonitorGate {
  /** The window's start. */
  window: string;
  kind: 'fairness' | 'drift' | 'change';
  /** The metric or statistic. */
  name: string;
  attribute?: string;
  column?: string;
  bound: 'max' | 'min';
  value: number | null;
  /** For change gates: the metric in the reference. */
  reference_value?: number;
  limit: number;
  passed: boolean;
  reason?: string;
}

/** The options of `count()`: what is counted. The report's options apply when the states are audited. */
export type CountOptions = Omit<FairnessOptions, 'fromCounts' | 'bootstrap' | 'confidence' | 'seed' | 'max' | 'min' | 'gates' | 'privileged' | 'favorableLabel' | 'sweep' | 'fairlearnCompat' | 'minGroupSize' | 'smallGroups'> & { data: CsvData };

/** `sextant.counts/v1`: confusion counts per combination of the sensitive columns. */
export interface CountsState {
  schema: 'sextant.counts/v1';
  /** What was counted (the data's name). */
  source: string;
  /** The settings of the count; states merge only when they are equal. */
  counted: CountedSettings;
  positive_label: string;
  negative_label: string | null;
  missing?: MissingReport;
  /** The sensitive columns, in the order of every cell's values. */
  columns: string[];
  /** `weights` (with `sampleWeight`): per confusion cell, `[weight, rows]` for each distinct weight. */
  cells: Array<{ values: string[]; tp: number; fp: number; tn: number; fn: number; weights?: CellWeights }>;
}

/** What a state counted. */
export interface CountedSettings {
  label: string;
  positive_label: string | null;
  pred: string | null;
  score: string | null;
  threshold: number | null;
  sensitive: string[];
  missing: 'error' | 'drop' | 'group';
  count_column: string | null;
  sample_weight?: string;
}

/** A weighted state's histogram of weights: `[weight, rows]` pairs, weights ascending. */
export interface CellWeights { tp: Array<[number, number]>; fp: Array<[number, number]>; tn: Array<[number, number]>; fn: Array<[number, number]> }

/** `sextant.shap/v1`. */
export interface ShapExplanation {
  schema: 'sextant.shap/v1';
  method: 'tree' | 'exact' | 'permutation';
  /** Tree SHAP's game (`method` `tree`). */
  feature_perturbation?: FeaturePerturbation;
  /** `raw` or `probability`; absent when the model's output is explained as it is. */
  model_output?: 'raw' | 'probability';
  feature_names: string[];
  base_value: number;
  output: number;
  /** The class whose probability the output is, when the model names its classes. */
  output_label?: string;
  background_rows: number;
  seed: number;
  /** `interactions`: M × M per row, half of each pair's interaction off the diagonal, the rest of the value on it. */
  rows: Array<{ prediction: number; values: number[]; std_errors: number[] | null; interactions?: number[][]; data: number[] }>;
}

/** `sextant.lime/v1`. */
export interface LimeExplanation {
  schema: 'sextant.lime/v1';
  feature_names: string[];
  output: number;
  /** The class whose probability the output is, when the model names its classes. */
  output_label?: string;
  discretizer: 'quartile' | 'decile';
  categorical: string[];
  num_samples: number;
  kernel_width: number;
  feature_selection: 'auto' | 'forward' | 'highest_weights' | 'none';
  num_features: number;
  repeats: number;
  seed: number;
  rows: Array<{
    prediction: number;
    local_prediction: number;
    intercept: number;
    score: number;
    weights: Array<{ feature: string; description: string; weight: number; std: number | null }>;
    data: number[];
  }>;
}

/** A fairness report with its explanations, rendered as one page. */
export interface CombinedReport { fairness: FairnessReport; shap?: ShapExplanation; lime?: LimeExplanation }

export type ChartRequest =
  | { kind: 'rates'; report: FairnessReport; attribute: string | number }
  /** A report audited with `sweep: true`: its differences (the default), or each group's selection rate or accuracy, by threshold. */
  | { kind: 'sweep'; report: FairnessReport; attribute: string | number; metric?: 'differences' | 'selection_rate' | 'accuracy' }
  | { kind: 'waterfall'; report: ShapExplanation; row: number; title?: string }
  | { kind: 'bar' | 'beeswarm'; report: ShapExplanation }
  | { kind: 'lime'; report: LimeExplanation; row: number; title?: string };
