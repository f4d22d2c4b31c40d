// The audit page: reads a CSV (and a model) locally, runs the fairness audit and the
// explanations in a Web Worker (sextant-audit/worker) with progress and cancel, and renders the
// results with the package's own renderers. Nothing is sent anywhere.
import { init, previewCsv, renderHtml, renderSvg, selectRows } from '/pkg/index.js';
import { SextantWorker } from '/pkg/worker.js';
import { renderReport } from './report.js';

const $ = (id) => document.getElementById(id);
const worker = new SextantWorker();
const state = { bytes: null, name: '', columns: [], kinds: {}, firstRows: [], report: null, monitor: null, shap: null, lime: null, model: null, background: null, controller: null };
const ready = init();

// ---- reading data -------------------------------------------------------------------------

/** Column names, kinds ('binary', 'score', 'number', 'text') and the first rows, read by the
 * core's CSV reader (the audits' own: quoted fields may hold commas and newlines). */
async function previewData(bytes) {
  await ready;
  // As many rows as the SHAP view may sample (its field's maximum), so the sample stays in the data.
  const preview = previewCsv({ data: bytes, rows: Number($('shap-rows').max) });
  const kinds = Object.fromEntries(preview.columns.map((name, i) => [name, preview.kinds[i]]));
  return { columns: preview.columns, kinds, rows: preview.rows };
}

function fill(select, names, chosen, { keepFirst = false } = {}) {
  const first = keepFirst ? [...select.options].slice(0, 1) : [];
  select.replaceChildren(...first);
  for (const name of names) select.append(new Option(name, name, false, chosen.includes(name)));
}

const pick = (names, pattern) => names.find((n) => pattern.test(n));

/** Why `bytes` cannot be a CSV to audit (empty, binary, a single column), or null. */
function notAuditable(bytes) {
  if (bytes.length === 0) return 'the file is empty';
  const head = bytes.subarray(0, 65536);
  if (head.includes(0)) return 'the file is binary (it holds NUL bytes), not a CSV text file';
  return null;
}

/** The preview of `bytes` (named `name`), or null after saying in the data section why it cannot be audited. */
async function auditablePreview(bytes, name) {
  const wrong = notAuditable(bytes);
  if (wrong) {
    showError({ code: 'csv', message: `${name}: ${wrong}` }, 'data');
    return null;
  }
  let preview;
  try {
    preview = await previewData(bytes);
  } catch (error) {
    showError(error, 'data');
    return null;
  }
  if (preview.columns.length < 2) {
    showError({ code: 'csv', message: `${name} has one column ("${preview.columns[0]}"): an audit needs a label, a prediction or a score, and a sensitive column (is the file comma-separated?)` }, 'data');
    return null;
  }
  return preview;
}

/** Reads `bytes` as the data; a file that cannot be audited leaves the data loaded before as it was. */
async function loadData(bytes, name) {
  clearError('data');
  const preview = await auditablePreview(bytes, name);
  if (!preview) {
    $('data-file').value = '';
    return;
  }
  state.bytes = bytes;
  state.name = name;
  state.report = null;
  state.shap = null;
  state.lime = null;
  $('explanations').replaceChildren();
  const { columns, kinds } = preview;
  state.columns = columns;
  state.kinds = kinds;
  state.firstRows = preview.rows;
  const binary = columns.filter((c) => kinds[c] === 'binary');
  const unit = columns.filter((c) => kinds[c] === 'score');
  const label = pick(binary, /^(label|y|target|truth|actual|repaid|outcome)$/i) ?? binary[0];
  const pred = pick(binary.filter((c) => c !== label), /pred|decision|approved/i);
  const score = pick(unit, /score|prob/i) ?? unit[0];
  fill($('label-column'), columns, [label]);
  fill($('prediction-column'), columns.filter((c) => c !== label), pred && !score ? [pred] : [], { keepFirst: true });
  fill($('score-column'), columns.filter((c) => c !== label), score ? [score] : [], { keepFirst: true });
  const sensitive = columns.filter((c) => kinds[c] === 'text' && /sex|gender|race|age|ethnic|group|religion|nation/i.test(c));
  fill($('sensitive-columns'), columns, sensitive.length ? sensitive : columns.filter((c) => kinds[c] === 'text').slice(0, 1));
  fill($('feature-columns'), columns.filter((c) => kinds[c] !== 'text'), []);
  // Time columns are text (dates) or numbers (epoch seconds): named like one, first.
  const timeLike = columns.filter((c) => /time|date|_at$|^at$|timestamp|day|month/i.test(c));
  fill($('time-column'), [...timeLike, ...columns.filter((c) => !timeLike.includes(c))], timeLike.slice(0, 1));
  fill($('drift-columns'), columns.filter((c) => kinds[c] === 'number' && c !== label), []);
  state.monitor = null;
  $('monitor-report').replaceChildren();
  $('monitor-status').textContent = timeLike.length ? '' : 'No column looks like a time: choose the one that holds them.';
  $('run-monitor').disabled = false;
  $('export-monitor-json').disabled = true;
  $('export-monitor-html').disabled = true;
  $('data-status').textContent = `${name}: ${bytes.length.toLocaleString()} bytes, ${columns.length} columns (${columns.join(', ')}).`;
  $('run-audit').disabled = false;
  updateThreshold();
  renderRowsTable();
  updateExplainButtons();
  renderReport($('report'), null);
  $('export-json').disabled = true;
  $('export-html').disabled = true;
}

async function readFile(file) {
  return new Uint8Array(await file.arrayBuffer());
}

// ---- the audit ----------------------------------------------------------------------------

const selected = (select) => [...select.selectedOptions].map((o) => o.value).filter(Boolean);

function auditOptions() {
  const sensitive = selected($('sensitive-columns'));
  if (sensitive.length > 1 && $('intersection').checked) sensitive.push(sensitive.join('&'));
  const options = { data: state.bytes, source: state.name, label: $('label-column').value, sensitive };
  const pred = $('prediction-column').value;
  const score = $('score-column').value;
  if (score) {
    options.score = score;
    options.threshold = Number($('threshold').value);
    if ($('sweep').checked) options.sweep = true;
  } else options.pred = pred;
  // One privileged group per attribute: `sex=male; race=White`.
  const privileged = $('privileged').value.split(';').map((p) => p.trim()).filter(Boolean);
  if (privileged.length) options.privileged = privileged;
  const bootstrap = Number($('bootstrap').value);
  if (bootstrap > 0) options.bootstrap = bootstrap;
  options.missing = $('missing').value;
  options.minGroupSize = Number($('min-group-size').value);
  if ($('exclude-small').checked) options.smallGroups = 'exclude';
  const max = {};
  const min = {};
  if ($('gate-dp').value !== '') max.demographic_parity_difference = Number($('gate-dp').value);
  if ($('gate-eo').value !== '') max.equalized_odds_difference = Number($('gate-eo').value);
  if ($('gate-di').value !== '') min.disparate_impact = Number($('gate-di').value);
  if (Object.keys(max).length) options.max = max;
  if (Object.keys(min).length) options.min = min;
  return options;
}

/**
 * Runs `call` on the worker with the progress bar and the Cancel button shown in the section
 * `where` ('audit', 'monitor' or 'explain'), whose error it shows there (and clears first).
 */
async function withProgress(label, where, call) {
  state.controller?.abort();
  const controller = new AbortController();
  state.controller = controller;
  clearError(where);
  $(`${where}-error`).before($('work'));
  $('work').hidden = false;
  $('progress-label').textContent = label;
  $('progress').removeAttribute('value');
  const onProgress = ({ what, done, total }) => {
    $('progress-label').textContent = `${label} (${what})`;
    $('progress').max = Math.max(total, 1);
    $('progress').value = done;
  };
  try {
    return await call({ onProgress, signal: controller.signal });
  } catch (error) {
    if (error.code !== 'cancelled' || state.controller === controller) showError(error, where);
    return null;
  } finally {
    if (state.controller === controller) {
      $('work').hidden = true;
      state.controller = null;
    }
  }
}

/** Shows `error` in the section `where` ('data', 'audit', 'monitor', 'explain'). */
function showError(error, where) {
  const node = $(`${where}-error`);
  node.hidden = false;
  node.textContent = error.code === 'cancelled' ? 'Cancelled.' : `Error (${error.code ?? 'unknown'}): ${error.message}`;
}

function clearError(where) {
  $(`${where}-error`).hidden = true;
  $(`${where}-error`).textContent = '';
}

/**
 * The first of the number fields `ids` outside its bounds, as an error naming its label, or
 * null: a million resamples, a row −3 or 2.5 are refused before any work starts.
 */
function invalidField(ids) {
  for (const id of ids) {
    const input = $(id);
    if (!input.checkValidity()) {
      const name = input.closest('label')?.firstChild?.textContent.trim() || id;
      if (input.validity.badInput) return { code: 'invalid_option', message: `${name}: not a number` };
      const bounds = [input.min !== '' && `at least ${input.min}`, input.max !== '' && `at most ${input.max}`,
        input.step === '1' && 'a whole number'].filter(Boolean).join(', ');
      return { code: 'invalid_option', message: `${name}: "${input.value}" is not allowed (${bounds})` };
    }
  }
  return null;
}

/** Whether a field of `ids` is out of bounds: then its error is shown in the section `where`. */
function refused(ids, where) {
  const invalid = invalidField(ids);
  if (invalid) showError(invalid, where);
  return invalid !== null;
}

const AUDIT_FIELDS = ['bootstrap', 'min-group-size', 'gate-dp', 'gate-eo', 'gate-di'];

async function runAudit() {
  if (!state.bytes || refused(AUDIT_FIELDS, 'audit')) return;
  const started = performance.now();
  const report = await withProgress('Auditing', 'audit', (extra) => worker.fairness({ ...auditOptions(), ...extra }));
  if (!report) return;
  await ready;
  state.report = report;
  renderReport($('report'), report, { renderSvg });
  $('report').dataset.seconds = ((performance.now() - started) / 1000).toFixed(3);
  $('export-json').disabled = false;
  $('export-html').disabled = false;
}

// ---- over time ----------------------------------------------------------------------------

function monitorOptions() {
  // A monitor follows the chosen threshold over time: the audit's sweep is not its option.
  const { sweep, ...audit } = auditOptions();
  return {
    ...audit,
    time: $('time-column').value,
    window: $('window').value,
    drift: selected($('drift-columns')),
  };
}

async function runMonitor() {
  if (!state.bytes || refused(AUDIT_FIELDS, 'monitor')) return;
  const report = await withProgress('Auditing each window', 'monitor', (extra) => worker.monitor({ ...monitorOptions(), ...extra }));
  if (!report) return;
  state.monitor = report;
  // The CLI's HTML report (charts over time, drift heatmaps, tables), without its page frame.
  const page = new DOMParser().parseFromString(await worker.renderHtml(report), 'text/html');
  page.querySelector('h1')?.remove();
  $('monitor-report').replaceChildren(...page.body.childNodes);
  const failed = report.gates.filter((g) => !g.passed).length;
  $('monitor-status').textContent = `${report.windows.length} windows of ${report.window}, ${report.rows.toLocaleString()} rows`
    + (report.gates.length ? `; ${failed} of ${report.gates.length} gates failed on the latest window.` : '.');
  $('export-monitor-json').disabled = false;
  $('export-monitor-html').disabled = false;
}

// ---- explanations -------------------------------------------------------------------------

/** The header and data rows `indices` (0-based records, in file order) as a CSV, cut by the core. */
function rowsCsv(indices) {
  return selectRows({ data: state.bytes, rows: indices });
}

function renderRowsTable() {
  const table = document.createElement('table');
  table.createCaption().textContent = 'The first rows: click one (or press Enter on it) to explain it';
  table.createTHead().insertRow().append(...['#', ...state.columns].map((name) => Object.assign(document.createElement('th'), { textContent: name })));
  const body = table.createTBody();
  state.firstRows.slice(0, 10).forEach((cells, index) => {
    const row = body.insertRow();
    row.tabIndex = 0;
    row.dataset.row = String(index);
    row.append(...[String(index), ...cells].map((v) => Object.assign(document.createElement('td'), { textContent: v })));
    const choose = () => { $('row-index').value = String(index); markRow(); };
    row.addEventListener('click', choose);
    row.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(); } });
  });
  $('rows-table').replaceChildren(table);
  markRow();
}

function markRow() {
  for (const row of $('rows-table').querySelectorAll('tr[data-row]')) row.classList.toggle('selected', row.dataset.row === $('row-index').value);
}

function updateExplainButtons() {
  const ok = Boolean(state.bytes && state.model);
  $('run-shap').disabled = !ok;
  $('run-lime').disabled = !ok;
}

async function loadModel(file) {
  clearError('explain');
  const bytes = await readFile(file);
  state.model = null;
  $('model-status').textContent = 'no model';
  if (bytes.length === 0) {
    showError({ code: 'invalid_model', message: `${file.name}: the file is empty` }, 'explain');
  } else if (file.name.endsWith('.json')) {
    let model;
    try {
      model = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (error) {
      showError({ code: 'invalid_model', message: `${file.name} is not JSON (${error.message}): a .json model is coefficients or XGBoost JSON` }, 'explain');
    }
    if (model !== undefined && (model === null || typeof model !== 'object' || Array.isArray(model))) {
      showError({ code: 'invalid_model', message: `${file.name} is JSON but not a model: coefficients and XGBoost JSON are objects` }, 'explain');
    } else if (model !== undefined) useModel(model, file.name);
  } else useModel(bytes, file.name);
  if (!state.model) $('model-file').value = '';
  updateExplainButtons();
}

/** Takes `model` (bytes, or a parsed JSON model) as the model to explain, named `name`. */
function useModel(model, name) {
  state.model = model;
  $('model-status').textContent = name;
  // Coefficients name their features at the top; XGBoost JSON under `learner`.
  const names = model.feature_names ?? model.learner?.feature_names;
  if (Array.isArray(names)) {
    for (const option of $('feature-columns').options) option.selected = names.includes(option.value);
  }
}

/** The row to explain, or null after showing why it cannot be one. */
function chosenRow() {
  return refused(['row-index', 'shap-rows', 'lime-repeats'], 'explain') ? null : Number($('row-index').value);
}

function explainOptions() {
  const features = selected($('feature-columns'));
  return { model: state.model, ...(features.length ? { features } : { ignore: state.columns.filter((c) => state.kinds[c] === 'text') }) };
}

function figure(svg, caption) {
  const node = document.createElement('figure');
  node.innerHTML = svg;
  if (caption) node.append(Object.assign(document.createElement('figcaption'), { textContent: caption }));
  return node;
}

async function runShap() {
  const row = chosenRow();
  if (row === null) return;
  const rows = Math.min(Number($('shap-rows').value), state.firstRows.length);
  const sample = Array.from({ length: rows }, (_, i) => i).filter((i) => i !== row);
  const shap = await withProgress('SHAP', 'explain', (extra) => worker.explainShap({
    ...explainOptions(), data: rowsCsv([row, ...sample]), background: state.background ?? state.bytes,
    ...($('shap-exact').checked ? { exact: true } : {}), ...extra,
  }));
  if (!shap) return;
  await ready;
  // The chosen row comes first in rowsCsv only when it is the smallest index: find it by data.
  const order = [row, ...sample].sort((a, b) => a - b);
  const index = order.indexOf(row);
  state.shap = shap;
  const section = document.createElement('section');
  section.id = 'shap-results';
  const how = [shap.method, shap.feature_perturbation, shap.model_output && `${shap.model_output} output`].filter(Boolean).join(', ');
  section.append(Object.assign(document.createElement('h3'), { textContent: `SHAP (${how}) for row ${row}` }),
    figure(renderSvg({ kind: 'waterfall', report: shap, row: index, title: `row ${row}` }), `Waterfall of row ${row}`),
    figure(renderSvg({ kind: 'bar', report: shap }), `Mean |SHAP value| over ${shap.rows.length} rows`),
    figure(renderSvg({ kind: 'beeswarm', report: shap })));
  section.dataset.values = JSON.stringify(shap.rows[index].values);
  $('explanations').querySelector('#shap-results')?.remove();
  $('explanations').prepend(section);
}

// LIME is fitted on the training data once and kept between clicks, until the model, the
// training data, the feature columns or the repeats change.
let fittedLime = { key: null, explainer: null };

function limeExplainer() {
  const options = { ...explainOptions(), training: state.background ?? state.bytes, repeats: Number($('lime-repeats').value) };
  const key = [options.model, options.training, JSON.stringify([options.features, options.ignore, options.repeats])];
  if (!fittedLime.key || key.some((part, i) => part !== fittedLime.key[i])) {
    fittedLime.explainer?.free();
    fittedLime = { key, explainer: worker.limeExplainer(options) };
  }
  return fittedLime.explainer;
}

async function runLime() {
  const row = chosenRow();
  if (row === null) return;
  const lime = await withProgress('LIME', 'explain', (extra) => limeExplainer().explain({ data: rowsCsv([row]), ...extra }));
  if (!lime) return;
  await ready;
  state.lime = lime;
  const section = document.createElement('section');
  section.id = 'lime-results';
  const table = document.createElement('table');
  table.createCaption().textContent = `LIME weights over ${lime.repeats} runs (mean ± standard deviation)`;
  for (const w of lime.rows[0].weights) {
    const tr = table.insertRow();
    tr.append(...[w.description, w.weight.toFixed(4), w.std === null ? '—' : `± ${w.std.toFixed(4)}`]
      .map((v) => Object.assign(document.createElement('td'), { textContent: v })));
  }
  section.append(Object.assign(document.createElement('h3'), { textContent: `LIME for row ${row}` }),
    figure(renderSvg({ kind: 'lime', report: lime, row: 0, title: `row ${row}` })), table);
  $('explanations').querySelector('#lime-results')?.remove();
  $('explanations').append(section);
}

// ---- exports ------------------------------------------------------------------------------

function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- wiring -------------------------------------------------------------------------------

let thresholdTimer;
$('threshold').addEventListener('input', () => {
  $('threshold-value').value = Number($('threshold').value).toFixed(2);
  clearTimeout(thresholdTimer);
  if (state.report && $('score-column').value && !$('prediction-column').value) thresholdTimer = setTimeout(runAudit, 150);
});
$('data-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (file) await loadData(await readFile(file), file.name);
});
const zone = $('drop-zone');
zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
zone.addEventListener('dragleave', () => zone.classList.remove('over'));
zone.addEventListener('drop', async (e) => {
  e.preventDefault();
  zone.classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) await loadData(await readFile(file), file.name);
});
$('load-demo').addEventListener('click', async () => {
  $('data-file').value = '';
  const bytes = new Uint8Array(await (await fetch('/datasets/demo/loans.csv')).arrayBuffer());
  await loadData(bytes, 'datasets/demo/loans.csv');
  useModel(await (await fetch('/datasets/demo/credit_model.json')).json(), 'credit_model.json (the demo model)');
  $('privileged').value = 'sex=male';
  updateExplainButtons();
});
$('load-demo-log').addEventListener('click', async () => {
  $('data-file').value = '';
  const bytes = new Uint8Array(await (await fetch('/datasets/demo/loans_log.csv')).arrayBuffer());
  await loadData(bytes, 'datasets/demo/loans_log.csv');
  $('privileged').value = 'sex=male';
});
$('model-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  if (file) await loadModel(file);
});
$('background-file').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  state.background = file ? await readFile(file) : null;
});
/** The threshold and its sweep apply to a score only: disabled when a 0/1 prediction is audited. */
function updateThreshold() {
  $('threshold').disabled = !$('score-column').value;
  $('sweep').disabled = !$('score-column').value;
}
// A prediction and a score exclude each other: the one chosen last is audited.
$('score-column').addEventListener('change', () => { if ($('score-column').value) $('prediction-column').value = ''; updateThreshold(); });
$('prediction-column').addEventListener('change', () => { if ($('prediction-column').value) $('score-column').value = ''; updateThreshold(); });
$('row-index').addEventListener('input', markRow);
$('run-audit').addEventListener('click', runAudit);
$('run-shap').addEventListener('click', runShap);
$('run-lime').addEventListener('click', runLime);
$('run-monitor').addEventListener('click', runMonitor);
$('cancel').addEventListener('click', () => state.controller?.abort());
$('export-json').addEventListener('click', () => download('sextant-fairness.json', 'application/json', `${JSON.stringify(state.report)}\n`));
$('export-monitor-json').addEventListener('click', () => download('sextant-monitor.json', 'application/json', `${JSON.stringify(state.monitor)}\n`));
$('export-monitor-html').addEventListener('click', async () => {
  await ready;
  download('sextant-monitor.html', 'text/html', renderHtml(state.monitor));
});
$('export-html').addEventListener('click', async () => {
  await ready;
  download('sextant-report.html', 'text/html', renderHtml({ fairness: state.report, shap: state.shap ?? undefined, lime: state.lime ?? undefined }));
});
