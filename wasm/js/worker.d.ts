// Types of `sextant-audit/worker`: the package's API on a Web Worker, returning Promises
// (browsers only: the constructor throws an error of code `unsupported` where there are no
// Web Workers).
import type {
  AuditConfig, ChartRequest, CombinedReport, FairnessOptions, FairnessReport, LimeExplanation,
  LimeExplainOptions, LimeFitOptions, LimeOptions, MonitorOptions, MonitorReport, ShapExplanation,
  ShapOptions,
} from './index.js';

export class SextantWorker {
  /** `url`: where worker-thread.js is served from (default: next to worker.js). */
  constructor(options?: { url?: URL | string });
  version(): Promise<string>;
  fairness(options: FairnessOptions): Promise<FairnessReport>;
  audit(config: AuditConfig): Promise<FairnessReport>;
  monitor(options: MonitorOptions): Promise<MonitorReport>;
  /** `model` must be ONNX bytes or coefficients (a function cannot cross to the worker). */
  explainShap(options: ShapOptions): Promise<ShapExplanation>;
  explainLime(options: LimeOptions): Promise<LimeExplanation>;
  renderHtml(report: FairnessReport | MonitorReport | ShapExplanation | LimeExplanation | CombinedReport): Promise<string>;
  renderSvg(chart: ChartRequest): Promise<string>;
  /** LIME fitted once in the worker, for many `explain` calls (fits again after a cancel). */
  limeExplainer(options: LimeFitOptions): {
    /** Rejects with code `not_initialised` once the explainer was freed. */
    explain(options: LimeExplainOptions): Promise<LimeExplanation>;
    /** Releases the explainer in the worker (a second call does nothing). */
    free(): void;
  };
  /** Stops the worker; pending calls reject with code `cancelled`. */
  terminate(): void;
}
