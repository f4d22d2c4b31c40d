// `sextant-audit/worker` in headless Chromium (playwright-core with Debian's /usr/bin/chromium):
// a call runs in a Web Worker and resolves to the CLI's JSON, progress events arrive, an
// abort rejects with code `cancelled` and the next call still works, and a predict function
// is refused. No request leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { cli, repo, serveFiles } from './helpers.mjs';

let server;
let browser;
let base;

before(async () => {
  server = await serveFiles(repo, 'wasm/js/test/worker-page.html');
  base = server.base;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the worker runs calls off the main thread with the CLI\'s numbers, progress and abort', async () => {
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${base}/`);
  const result = await page.evaluate(async () => {
    const { SextantWorker } = await import('/pkg/worker.js');
    const worker = new SextantWorker();
    const data = await (await fetch('/datasets/demo/loans.csv')).text();
    const options = { data, source: 'datasets/demo/loans.csv', label: 'repaid', score: 'score', sensitive: ['sex', 'age_group'], bootstrap: 200, seed: 4 };
    const events = [];
    const report = await worker.fairness({ ...options, onProgress: (event) => events.push(event) });
    const controller = new AbortController();
    const aborted = worker.fairness({ ...options, bootstrap: 100000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const abortCode = await aborted.then(() => 'resolved', (error) => error.code);
    const afterAbort = await worker.version();
    const functionCode = await worker.explainShap({ model: () => [0], data: 'a\n1\n', background: 'a\n1\n' }).then(() => 'resolved', (error) => error.code);
    const badCode = await worker.fairness({ ...options, label: 'nope' }).then(() => 'resolved', (error) => error.code);
    worker.terminate();
    const finals = events.filter((e) => e.done === e.total).length;
    return { report: JSON.stringify(report), events: events.length, finals, lastEvent: events.at(-1), abortCode, afterAbort, functionCode, badCode };
  });
  assert.equal(result.report, cli(['fairness', 'datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score',
    '--sensitive', 'sex', '--sensitive', 'age_group', '--bootstrap', '200', '--seed', '4', '--format', 'json']));
  assert.ok(result.events >= 2, `${result.events} progress events`);
  assert.equal(result.finals, 1, 'exactly one final event');
  assert.equal(result.lastEvent.done, result.lastEvent.total);
  assert.equal(result.abortCode, 'cancelled');
  assert.match(result.afterAbort, /^\d+\.\d+\.\d+$/);
  assert.equal(result.functionCode, 'invalid_option');
  assert.equal(result.badCode, 'unknown_column');
  assert.deepEqual(requests.filter((url) => !url.startsWith(base)), [], 'every request stays on 127.0.0.1');
  await page.close();
});

test('a LIME explainer fitted in the worker explains many rows, and fits again after a cancel', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  const result = await page.evaluate(async () => {
    const { SextantWorker } = await import('/pkg/worker.js');
    const worker = new SextantWorker();
    const training = await (await fetch('/datasets/demo/loans.csv')).text();
    const model = await (await fetch('/datasets/demo/credit_model.json')).json();
    const rows = training.split('\n').slice(0, 3).join('\n') + '\n';
    const lime = worker.limeExplainer({ model, training, repeats: 2, seed: 5 });
    const first = JSON.stringify(await lime.explain({ data: rows }));
    const second = JSON.stringify(await lime.explain({ data: rows }));
    const once = JSON.stringify(await worker.explainLime({ model, training, data: rows, repeats: 2, seed: 5 }));
    const controller = new AbortController();
    const cancelled = lime.explain({ data: training, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const cancelCode = await cancelled.then(() => 'resolved', (error) => error.code);
    const afterCancel = JSON.stringify(await lime.explain({ data: rows }));
    // A cancel during the first fit stops it at once, and the next explain fits again.
    const fresh = worker.limeExplainer({ model, training, repeats: 2, seed: 5 });
    const stop = new AbortController();
    const fitCancelled = fresh.explain({ data: rows, signal: stop.signal });
    stop.abort();
    const fitCancelCode = await fitCancelled.then(() => 'resolved', (error) => error.code);
    const afterFitCancel = JSON.stringify(await lime.explain({ data: rows }));
    lime.free();
    fresh.free();
    const freedCode = await lime.explain({ data: rows }).then(() => 'resolved', (error) => error.code);
    worker.terminate();
    return { first, second, once, cancelCode, afterCancel, fitCancelCode, afterFitCancel, freedCode };
  });
  assert.equal(result.freedCode, 'not_initialised', 'explain after free');
  assert.equal(result.first, result.once, 'fitted equals one call');
  assert.equal(result.second, result.once);
  assert.equal(result.cancelCode, 'cancelled');
  assert.equal(result.afterCancel, result.once, 'refitted in the new thread');
  assert.equal(result.fitCancelCode, 'cancelled');
  assert.equal(result.afterFitCancel, result.once);
  await page.close();
});
