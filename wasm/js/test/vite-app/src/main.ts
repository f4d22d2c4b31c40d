// A dashboard as a front-end engineer writes one: the package's functions on the main thread,
// the report element (imported for its side effect only), and the worker. It publishes what
// it saw in #result for bundler.test.mjs to compare with the CLI.
import { init, fairness, renderSvg, type FairnessReport, type SextantError } from 'sextant-audit';
import 'sextant-audit/report';
import type { SextantReport } from 'sextant-audit/report';
import { SextantWorker } from 'sextant-audit/worker';

async function run(): Promise<Record<string, unknown>> {
  await init();
  const data = await (await fetch('/loans.csv')).text();
  const options = { data, source: 'datasets/demo/loans.csv', label: 'repaid', score: 'score', sensitive: ['sex', 'age_group'] };
  const report: FairnessReport = fairness(options);
  const element = document.getElementById('report') as SextantReport;
  // The report first, the chart renderer after: the element renders again with charts.
  element.report = report;
  element.renderSvg = renderSvg;
  const worker = new SextantWorker();
  const events: number[] = [];
  const remote = await worker.fairness({ ...options, bootstrap: 50, seed: 3, onProgress: (p) => events.push(p.done) });
  worker.terminate();
  const badge = element.querySelector('.verdict');
  return {
    report: JSON.stringify(report),
    remote: JSON.stringify(remote),
    events: events.length,
    defined: customElements.get('sextant-report') !== undefined,
    charts: element.querySelectorAll('svg').length,
    tables: element.querySelectorAll('table').length,
    styled: badge ? getComputedStyle(badge).fontWeight : null,
  };
}

const result = document.getElementById('result')!;
run().then(
  (seen) => { result.textContent = JSON.stringify(seen); },
  (error: SextantError) => { result.textContent = JSON.stringify({ error: String(error.message), code: error.code }); },
);
