// Runs the same fairness and permutation-SHAP jobs natively (the release CLI, one thread)
// and in WebAssembly (the built pkg/ in headless Chromium, driven by playwright-core), in
// one run, and prints the WASM / native time ratios as a markdown table.
//
// usage: node bench/wasm-vs-native.mjs OUT_DIR   (after `cargo build --release` and
// scripts/build-wasm.sh; bench/run-wasm-comparison.sh does both)
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.resolve(process.argv[2] ?? 'bench-out');
const runs = 5;
mkdirSync(out, { recursive: true });

// 1,000,000 rows: the demo's 20,000 repeated 50 times.
const demo = readFileSync(path.join(repo, 'datasets/demo/loans.csv'), 'utf8').trimEnd().split('\n');
const big = path.join(out, 'loans-1m.csv');
if (!existsSync(big)) writeFileSync(big, [demo[0], ...Array(50).fill(demo.slice(1)).flat()].join('\n') + '\n');
const rows = path.join(out, 'shap-rows-50.csv');
writeFileSync(rows, demo.slice(0, 51).join('\n') + '\n');
const gbRows = path.join(out, 'gb-rows-20.csv');
const gbFixture = path.join(repo, 'tests/fixtures/models/gb_classifier');
writeFileSync(gbRows, readFileSync(`${gbFixture}.expected.csv`, 'utf8').split('\n').slice(0, 21).join('\n') + '\n');
const gbIgnore = ['onnxruntime_0', 'onnxruntime_1', 'sklearn_0', 'sklearn_1'];
// 20,000 rows for Tree SHAP (microseconds a row): the fixture's rows repeated.
const gbMany = path.join(out, 'gb-rows-20000.csv');
const gbLines = readFileSync(`${gbFixture}.expected.csv`, 'utf8').trimEnd().split('\n');
writeFileSync(gbMany, [gbLines[0], ...Array.from({ length: 20000 }, (_, i) => gbLines[1 + (i % (gbLines.length - 1))])].join('\n') + '\n');

const jobs = [
  {
    name: 'fairness, 1M rows, 3 attributes, 1,000 bootstrap resamples',
    cli: ['fairness', big, '--label', 'repaid', '--score', 'score', '--sensitive', 'sex', '--sensitive', 'age_group',
      '--sensitive', 'sex&age_group', '--bootstrap', '1000', '--format', 'json'],
    // The CSV as bytes, as a page reads a dropped file (a JS string costs a UTF-16 to UTF-8
    // copy on top).
    call: { fn: 'fairness', files: {}, bytes: { data: big }, options: { source: big, label: 'repaid', score: 'score',
      sensitive: ['sex', 'age_group', 'sex&age_group'], bootstrap: 1000 } },
  },
  {
    name: 'permutation SHAP, logistic coefficients, 50 rows, max_evals 500',
    cli: ['explain', 'shap', '--model', 'datasets/demo/credit_model.json', '--data', rows, '--background',
      'datasets/demo/loans.csv', '--algorithm', 'permutation', '--format', 'json'],
    call: { fn: 'explainShap', files: { data: rows, background: path.join(repo, 'datasets/demo/loans.csv') },
      json: { model: path.join(repo, 'datasets/demo/credit_model.json') }, options: { algorithm: 'permutation' } },
  },
  {
    name: 'permutation SHAP, 50-tree GBM (ONNX), 20 rows, max_evals 500',
    cli: ['explain', 'shap', '--model', `${gbFixture}.onnx`, '--data', gbRows, '--background', `${gbFixture}.expected.csv`,
      '--ignore', gbIgnore.join(','), '--algorithm', 'permutation', '--format', 'json'],
    call: { fn: 'explainShap', files: { data: gbRows, background: `${gbFixture}.expected.csv` },
      bytes: { model: `${gbFixture}.onnx` }, options: { ignore: gbIgnore, algorithm: 'permutation' } },
  },
  {
    // The probability output: the explainer's work outweighs reading and writing the rows.
    name: 'Tree SHAP (interventional, probability), 50-tree GBM (ONNX), 20,000 rows, 50 background rows',
    cli: ['explain', 'shap', '--model', `${gbFixture}.onnx`, '--data', gbMany, '--background', `${gbFixture}.expected.csv`,
      '--ignore', gbIgnore.join(','), '--model-output', 'probability', '--format', 'json'],
    call: { fn: 'explainShap', files: { data: gbMany, background: `${gbFixture}.expected.csv` },
      bytes: { model: `${gbFixture}.onnx` }, options: { ignore: gbIgnore, modelOutput: 'probability' } },
  },
];

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

function native(job) {
  const times = [];
  let output = '';
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    const run = spawnSync(path.join(repo, 'target/release/sextant'), job.cli, {
      cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, RAYON_NUM_THREADS: '1' },
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (run.status !== 0 && run.status !== 1) throw new Error(run.stderr);
    output = run.stdout.trimEnd();
  }
  return { ms: median(times), output };
}

const server = createServer((request, response) => {
  const file = path.join(repo, decodeURIComponent(new URL(request.url, 'http://x').pathname));
  if (!file.startsWith(repo) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'text/html';
  response.writeHead(200, { 'content-type': type }).end(readFileSync(file));
}).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
writeFileSync(path.join(out, 'wasm-bench.html'), '<!DOCTYPE html><meta charset="utf-8"><title>sextant wasm bench</title>');

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto(`${base}/${path.relative(repo, path.join(out, 'wasm-bench.html'))}`);
const lines = [
  `Machine: ${os.cpus()[0].model}, ${os.cpus().length} cores; native = release CLI with RAYON_NUM_THREADS=1 (process start, file reading and JSON writing included); `
  + `WASM = pkg/ in headless Chromium ${browser.version()} (inputs already in memory: CSV bytes, model bytes). Median of ${runs} runs.`,
  '',
  '| job | native ms | WASM ms | WASM / native | same JSON |',
  '|---|---|---|---|---|',
];
for (const job of jobs) {
  const ours = native(job);
  const url = (file) => `${base}/${path.relative(repo, file)}`;
  const call = {
    fn: job.call.fn, options: job.call.options,
    files: Object.fromEntries(Object.entries(job.call.files).map(([k, f]) => [k, url(f)])),
    json: Object.fromEntries(Object.entries(job.call.json ?? {}).map(([k, f]) => [k, url(f)])),
    bytes: Object.fromEntries(Object.entries(job.call.bytes ?? {}).map(([k, f]) => [k, url(f)])),
  };
  const result = await page.evaluate(async ({ call, runs, pkg }) => {
    const sextant = await import(pkg);
    await sextant.init();
    const options = { ...call.options };
    for (const [k, u] of Object.entries(call.files)) options[k] = await (await fetch(u)).text();
    for (const [k, u] of Object.entries(call.json)) options[k] = await (await fetch(u)).json();
    for (const [k, u] of Object.entries(call.bytes)) options[k] = new Uint8Array(await (await fetch(u)).arrayBuffer());
    const times = [];
    let output;
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      output = JSON.stringify(sextant[call.fn](options));
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(runs / 2)], output };
  }, { call, runs, pkg: `${base}/pkg/index.js` });
  const same = result.output === ours.output;
  lines.push(`| ${job.name} | ${ours.ms.toFixed(1)} | ${result.ms.toFixed(1)} | ${(result.ms / ours.ms).toFixed(2)} | ${same ? 'yes' : 'no'} |`);
}
await browser.close();
server.close();
const table = lines.join('\n') + '\n';
console.log(table);
writeFileSync(path.join(out, 'wasm-vs-native.md'), table);
