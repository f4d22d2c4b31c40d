// Compiled with `tsc --noEmit --strict` by scripts/test.sh: the declarations type every
// function, option and result (a misuse below would fail to compile).
import { init, fairness, audit, monitor, explainShap, explainLime, renderHtml, renderSvg, version } from 'sextant-audit';
import type { FairnessReport, MonitorReport, ShapExplanation, LimeExplanation, SextantError } from 'sextant-audit';
import { SextantWorker } from 'sextant-audit/worker';
import { renderReport, SextantReport } from 'sextant-audit/report';

export async function useEverything(csv: string, onnx: Uint8Array): Promise<string> {
  await init();
  const report: FairnessReport = fairness({
    data: csv, label: 'label', score: 'score', threshold: 0.5, sensitive: ['sex', 'sex&race'],
    privileged: 'sex=Male', favorableLabel: 1, bootstrap: 100, confidence: 0.9, seed: 1,
    fairlearnCompat: false, max: { demographic_parity_difference: 0.1 }, min: { disparate_impact: 0.8 },
    onProgress: (p) => console.log(p.what, p.done / p.total), signal: new AbortController().signal,
  });
  const dp: number | null = report.attributes[0].metrics.demographic_parity_difference.default;
  const fromColumns = fairness({ data: { columns: { label: [1, 0], pred: [1, 1], sex: ['F', 'M'] } }, label: 'label', pred: 'pred', sensitive: 'sex' });
  const audited = audit({ data: csv, label: 'label', sensitive: 'sex', model: onnx, features: ['a', 'b'] });
  const shap: ShapExplanation = explainShap({ model: onnx, data: csv, background: csv, maxEvals: 500, seed: 3 });
  const first: number = shap.rows[0].values[0];
  const viaFunction = explainShap({
    model: (rows: Float64Array, nRows: number) => new Float64Array(nRows), data: csv, background: csv, exact: true,
  });
  const lime: LimeExplanation = explainLime({ model: { feature_names: ['a'], coef_raw: [1], intercept_raw: 0 }, data: csv, training: csv, repeats: 5, discretizer: 'decile' });
  const weight: number | null = lime.rows[0].weights[0].std;
  const html: string = renderHtml({ fairness: report, shap, lime });
  const svg: string = renderSvg({ kind: 'waterfall', report: shap, row: 0 });
  const worker = new SextantWorker();
  const remote: FairnessReport = await worker.fairness({ data: csv, label: 'label', pred: 'pred', sensitive: 'sex' });
  const monitored: MonitorReport = monitor({
    data: csv, time: 'at', window: '1mo', label: 'label', pred: 'pred', sensitive: 'sex', drift: ['age'],
    maxDrift: { 'age:psi': 0.2 }, gateWindows: 'all',
  });
  const psi: number | null = monitored.windows[0].drift.age.psi;
  const metrics: string = monitor({ data: csv, time: 'at', window: '1d', label: 'label', pred: 'pred', sensitive: 'sex', format: 'openmetrics' });
  worker.terminate();
  try {
    fairness({ data: '', label: 'x', pred: 'y', sensitive: 'z' });
  } catch (e) {
    const code: string = (e as SextantError).code;
    console.log(code);
  }
  return `${version()} ${dp} ${fromColumns.rows} ${audited.passed} ${first} ${viaFunction.method} ${weight} ${html.length} ${svg.length} ${remote.rows} ${psi} ${metrics.length}`;
}

export function embed(element: HTMLElement, report: FairnessReport): void {
  renderReport(element, report, { renderSvg });
  const custom = document.createElement('sextant-report') as SextantReport;
  custom.renderSvg = renderSvg;
  custom.report = report;
}
