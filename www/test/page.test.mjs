// End-to-end tests of the audit page in headless Chromium (playwright-core with Debian's
// /usr/bin/chromium), driven through the page's stable element ids: the demo audit equals the
// CLI's JSON, the threshold slider re-audits, the reference Adult predictions give
// fairlearn's numbers, SHAP on the reference ONNX model gives shap's exact values, exports are
// the CLI's JSON and a self-contained HTML report, and no request leaves 127.0.0.1. Screenshots
// of each view go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../serve.mjs';
import { cli, reference, repo } from '../../wasm/js/test/helpers.mjs';

const shots = path.join(repo, 'target/screenshots');
let server;
let base;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ server, url: base } = await serve(0));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page that records every request and fails on page errors. */
async function open(viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const requests = [];
  const errors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/`);
  return { page, requests, errors };
}

function assertLocal({ requests, errors }) {
  assert.deepEqual(errors, [], 'no page errors');
  const outside = requests.filter((url) => !url.startsWith(base) && !url.startsWith('blob:') && !url.startsWith('data:'));
  assert.deepEqual(outside, [], 'every request stays on 127.0.0.1');
}

/** Waits until the page has read a data file (the audit can run). */
async function dataLoaded(page) {
  await page.waitForFunction(() => !document.getElementById('run-audit').disabled);
}

/** A fresh page (as `open`) with the demo data and model loaded. */
async function openDemo(viewport) {
  const session = await open(viewport);
  await session.page.click('#load-demo');
  await dataLoaded(session.page);
  return session;
}

/** The exact numbers the report shows, keyed like the JSON. */
async function shownValues(page) {
  return page.$$eval('[data-value]', (cells) => cells.map((c) => ({ ...c.dataset })));
}

test('over time: the demo decision log gives the CLI\'s monitor report, charts and exports', async () => {
  const session = await open();
  const { page } = session;
  await page.click('#load-demo-log');
  await dataLoaded(page);
  assert.equal(await page.inputValue('#time-column'), 'decided_at');
  await page.selectOption('#window', '1mo');
  await page.selectOption('#drift-columns', ['income_k', 'credit_score']);
  // The audit's threshold sweep is not a monitor's option: ticking it changes nothing here.
  await page.check('#sweep');
  await page.click('#run-monitor');
  await page.waitForSelector('#monitor-report figure svg');
  await page.locator('#monitor-section').screenshot({ path: path.join(shots, '6-over-time.png') });
  const expected = cli(['monitor', 'datasets/demo/loans_log.csv', '--time', 'decided_at', '--window', '1mo',
    '--label', 'repaid', '--score', 'score', '--threshold', '0.5', '--sensitive', 'sex', '--sensitive', 'age_group',
    '--sensitive', 'sex&age_group', '--privileged', 'sex=male', '--drift', 'income_k', 'credit_score', '--format', 'json']);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-monitor-json')]);
  assert.equal(readFileSync(await json.path(), 'utf8').trimEnd(), expected, 'the exported JSON is the CLI\'s');
  const [html] = await Promise.all([page.waitForEvent('download'), page.click('#export-monitor-html')]);
  const report = readFileSync(await html.path(), 'utf8');
  assert.ok(report.startsWith('<!DOCTYPE html>') && report.includes('PSI per window'));
  // One chart of differences and three of per-group rates per attribute, then two heatmaps.
  assert.equal(await page.locator('#monitor-report figure').count(), 3 * 4 + 2);
  assert.match(await page.textContent('#monitor-status'), /12 windows of 1mo, 24,000 rows/);
  assertLocal(session);
  await page.close();
});

test('the demo audit shows and exports the CLI\'s numbers; the slider re-audits', async () => {
  const session = await openDemo();
  const { page } = session;
  await page.screenshot({ path: path.join(shots, '1-data-loaded.png') });
  assert.equal(await page.inputValue('#label-column'), 'repaid');
  assert.equal(await page.inputValue('#score-column'), 'score');
  await page.click('#run-audit');
  await page.waitForSelector('#verdict');
  const expected = JSON.parse(cli(['fairness', 'datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score', '--threshold', '0.5',
    '--sensitive', 'sex', '--sensitive', 'age_group', '--sensitive', 'sex&age_group', '--privileged', 'sex=male', '--format', 'json']));
  const shown = await shownValues(page);
  let checked = 0;
  for (const attribute of expected.attributes) {
    for (const group of attribute.groups) {
      for (const rate of ['count', 'base_rate', 'selection_rate', 'tpr', 'fpr', 'precision', 'accuracy']) {
        const cell = shown.find((c) => c.attribute === attribute.attribute && c.group === group.group && c.rate === rate);
        assert.equal(cell?.value, String(group[rate]), `${attribute.attribute} ${group.group} ${rate}`);
        checked += 1;
      }
    }
    const dp = shown.find((c) => c.attribute === attribute.attribute && c.metric === 'demographic_parity_difference');
    assert.equal(dp.value, String(attribute.metrics.demographic_parity_difference.default));
  }
  assert.ok(checked > 50);
  await page.screenshot({ path: path.join(shots, '2-fairness-report.png'), fullPage: true });

  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const exported = readFileSync(await json.path(), 'utf8');
  assert.equal(exported.trimEnd(), JSON.stringify(expected), 'the exported JSON is the CLI\'s');
  const [html] = await Promise.all([page.waitForEvent('download'), page.click('#export-html')]);
  const report = readFileSync(await html.path(), 'utf8');
  assert.ok(report.startsWith('<!DOCTYPE html>') && report.includes('<svg') && report.includes('Content-Security-Policy'));

  await page.locator('#threshold').fill('0.6');
  await page.waitForFunction(() => document.getElementById('report').textContent.includes('≥ 0.6'));
  const at60 = JSON.parse(cli(['fairness', 'datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score', '--threshold', '0.6',
    '--sensitive', 'sex', '--format', 'json']));
  const female = (await shownValues(page)).find((c) => c.attribute === 'sex' && c.group === 'female' && c.rate === 'selection_rate');
  assert.equal(female.value, String(at60.attributes[0].groups[0].selection_rate));

  await page.click('#run-shap');
  await page.waitForSelector('#shap-results svg');
  await page.click('#run-lime');
  await page.waitForSelector('#lime-results svg');
  await page.screenshot({ path: path.join(shots, '3-explanations.png'), fullPage: true });
  assertLocal(session);
  await page.close();
});

test('the page is usable on a narrow screen and by keyboard', async () => {
  const session = await open({ width: 390, height: 844 });
  const { page } = session;
  await page.focus('#load-demo');
  await page.keyboard.press('Enter');
  await dataLoaded(page);
  await page.focus('#run-audit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#verdict');
  const labelled = await page.$$eval('input, select', (controls) => controls.filter((c) => !c.labels?.length && !c.getAttribute('aria-label')).map((c) => c.id));
  assert.deepEqual(labelled, [], 'every control has a label');
  // Charts keep their drawn size (legible text) inside a figure that scrolls sideways.
  const chart = await page.$eval('#report figure svg', (svg) => ({ svg: svg.getBoundingClientRect().width, figure: svg.parentElement.clientWidth, overflow: getComputedStyle(svg.parentElement).overflowX }));
  assert.equal(Math.round(chart.svg), 680, 'drawn at its size');
  assert.ok(chart.figure < 390 && chart.overflow === 'auto', `a figure of ${chart.figure} px that scrolls`);
  await page.screenshot({ path: path.join(shots, '4-narrow-screen.png'), fullPage: true });
  assertLocal(session);
  await page.close();
});

test('the reference Adult predictions give fairlearn\'s numbers', async () => {
  const adult = reference('adult', 'reference page test');
  if (!adult) return;
  const session = await open();
  const { page } = session;
  await page.setInputFiles('#data-file', path.join(adult, 'predictions_logreg.csv'));
  await dataLoaded(page);
  await page.selectOption('#label-column', 'label');
  await page.selectOption('#score-column', '');
  await page.selectOption('#prediction-column', 'pred');
  await page.selectOption('#sensitive-columns', ['sensitive_sex', 'sensitive_race']);
  await page.click('#run-audit');
  await page.waitForSelector('#verdict');
  const fairlearn = JSON.parse(readFileSync(path.join(adult, 'fairness_logreg.json'), 'utf8'));
  const shown = await shownValues(page);
  for (const [name, column] of [['sex', 'sensitive_sex'], ['race', 'sensitive_race']]) {
    const attribute = fairlearn.attributes[name];
    for (const group of attribute.groups) {
      for (const rate of ['count', 'selection_rate', 'tpr', 'fpr', 'accuracy']) {
        const cell = shown.find((c) => c.attribute === column && c.group === group.group.join('&') && c.rate === rate);
        assert.ok(cell, `${column} ${group.group} ${rate} shown`);
        assert.ok(Math.abs(Number(cell.value) - group[rate]) < 1e-12, `${column} ${group.group} ${rate}: ${cell.value} vs ${group[rate]}`);
      }
    }
    for (const metric of ['demographic_parity_difference', 'equalized_odds_difference', 'demographic_parity_ratio']) {
      const cell = shown.find((c) => c.attribute === column && c.metric === metric);
      assert.ok(Math.abs(Number(cell.value) - attribute.metrics[metric].default) < 1e-12, `${column} ${metric}`);
    }
  }
  await page.screenshot({ path: path.join(shots, '5-adult-reference.png'), fullPage: true });
  assertLocal(session);
  await page.close();
});

test('the page reads CSV as the core does: a quoted newline does not shift the rows it explains', async () => {
  const dir = path.join(repo, 'target/test-scratch/page-quoted');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'quoted.csv');
  writeFileSync(file, 'income_k,credit_score,note,sex\n40,600,"two\nlines",F\n90,780,plain,M\n55,640,"a, b",F\n70,700,x,M\n');
  const session = await open();
  const { page } = session;
  await page.setInputFiles('#data-file', file);
  await dataLoaded(page);
  assert.equal(await page.locator('#rows-table tbody tr').count(), 4, 'four records, not five lines');
  await page.setInputFiles('#model-file', path.join(repo, 'datasets/demo/credit_model.json'));
  await page.check('#shap-exact');
  // The default 30 rows of the SHAP view are more than the file has: the sample stops at 4.
  await page.click('#rows-table tr[data-row="1"]');
  await page.waitForFunction(() => !document.getElementById('run-shap').disabled);
  await page.click('#run-shap');
  await page.waitForSelector('#shap-results svg');
  const values = JSON.parse(await page.getAttribute('#shap-results', 'data-values'));
  const rows = path.join(dir, 'row1.csv');
  writeFileSync(rows, 'income_k,credit_score\n90,780\n');
  const expected = JSON.parse(cli(['explain', 'shap', '--model', 'datasets/demo/credit_model.json', '--data', rows,
    '--background', file, '--ignore', 'note,sex', '--exact', '--format', 'json'])).rows[0].values;
  values.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-12, `feature ${j}: ${v} vs ${expected[j]}`));
  assertLocal(session);
  await page.close();
});

test('SHAP on the reference ONNX model gives shap\'s exact values', async () => {
  const adult = reference('adult', 'reference SHAP page test');
  if (!adult) return;
  const session = await open();
  const { page } = session;
  await page.setInputFiles('#data-file', path.join(adult, 'shap_rows.csv'));
  await dataLoaded(page);
  await page.setInputFiles('#model-file', path.join(adult, 'logreg.onnx'));
  await page.setInputFiles('#background-file', path.join(adult, 'shap_background.csv'));
  const names = JSON.parse(readFileSync(path.join(adult, 'lime.json'), 'utf8')).feature_names;
  await page.selectOption('#feature-columns', names);
  await page.check('#shap-exact');
  await page.fill('#shap-rows', '1');
  await page.fill('#row-index', '2');
  await page.waitForFunction(() => !document.getElementById('run-shap').disabled);
  await page.click('#run-shap');
  await page.waitForSelector('#shap-results svg');
  const values = JSON.parse(await page.getAttribute('#shap-results', 'data-values'));
  const expected = JSON.parse(readFileSync(path.join(adult, 'shap_values.json'), 'utf8')).models.logreg.exact.values[2];
  values.forEach((v, j) => assert.ok(Math.abs(v - expected[j]) < 1e-6, `${names[j]}: ${v} vs ${expected[j]}`));
  await page.screenshot({ path: path.join(shots, '6-shap-reference.png'), fullPage: true });
  assertLocal(session);
  await page.close();
});

test('bad input is refused where it was given, with a reason, and cleared by the next run', async () => {
  const session = await open();
  const { page } = session;
  const visibleError = (id) => page.$eval(`#${id}`, (node) => (node.hidden ? null : node.textContent));
  // Files that are not CSV text: in the data section.
  await page.setInputFiles('#data-file', { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) });
  assert.match(await visibleError('data-error'), /photo\.png: the file is binary/);
  await page.setInputFiles('#data-file', { name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  assert.match(await visibleError('data-error'), /empty\.csv: the file is empty/);
  await page.setInputFiles('#data-file', { name: 'one.csv', mimeType: 'text/csv', buffer: Buffer.from('a;b;c\n1;2;3\n') });
  assert.match(await visibleError('data-error'), /one column/);
  assert.equal(await page.isDisabled('#run-audit'), true);

  await page.click('#load-demo');
  await dataLoaded(page);
  assert.equal(await visibleError('data-error'), null, 'a good file clears the data error');
  assert.match(await page.textContent('#model-status'), /credit_model\.json/);
  // Out-of-range numbers: in the section of the button, before any work starts.
  await page.fill('#bootstrap', '1000000');
  await page.click('#run-audit');
  assert.match(await visibleError('audit-error'), /Bootstrap resamples.*"1000000".*at most 100000/);
  await page.fill('#bootstrap', '0');
  // No gates: a neutral verdict, not a green one.
  await page.click('#run-audit');
  await page.waitForSelector('#verdict');
  assert.equal(await visibleError('audit-error'), null, 'the next run clears the error');
  assert.equal(await page.getAttribute('#verdict', 'class'), 'verdict none');
  // A privileged group per attribute, as --privileged twice.
  await page.fill('#privileged', 'sex=male; age_group=25-45');
  await page.click('#run-audit');
  await page.waitForFunction(() => document.querySelectorAll('#report [data-aif360="disparate_impact"]').length === 2);
  const expected = JSON.parse(cli(['fairness', 'datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score', '--sensitive', 'sex',
    '--sensitive', 'age_group', '--sensitive', 'sex&age_group', '--privileged', 'sex=male', '--privileged', 'age_group=25-45', '--format', 'json']));
  const shown = await shownValues(page);
  for (const attribute of expected.attributes.filter((a) => a.privileged_comparison)) {
    const cell = shown.find((c) => c.attribute === attribute.attribute && c.aif360 === 'disparate_impact');
    assert.equal(cell?.value, String(attribute.privileged_comparison.disparate_impact), attribute.attribute);
  }
  // Cancel answers during a long bootstrap (progress is throttled).
  await page.fill('#bootstrap', '100000');
  await page.click('#run-audit');
  await page.waitForSelector('#work:not([hidden])');
  await page.click('#cancel', { timeout: 2000 });
  await page.waitForFunction(() => document.getElementById('audit-error').textContent === 'Cancelled.', null, { timeout: 5000 });
  await page.fill('#bootstrap', '0');
  // The threshold belongs to a score.
  await page.selectOption('#prediction-column', { index: 1 });
  assert.equal(await page.isDisabled('#threshold'), true, 'no threshold for a 0/1 prediction');
  await page.selectOption('#score-column', 'score');
  assert.equal(await page.isDisabled('#threshold'), false);

  // Rows to explain: whole numbers from 0, within the data.
  for (const [row, message] of [['-3', /Row to explain.*"-3".*at least 0/], ['2.5', /Row to explain.*"2\.5".*whole number/], ['999999', /row 999999 is past the data's \d+ rows/]]) {
    await page.fill('#row-index', row);
    await page.click('#run-lime');
    await page.waitForFunction(() => !document.getElementById('explain-error').hidden);
    assert.match(await visibleError('explain-error'), message, row);
  }
  await page.fill('#row-index', '3');
  await page.click('#run-lime');
  await page.waitForSelector('#lime-results svg');
  assert.equal(await visibleError('explain-error'), null);
  assert.match(await page.textContent('#lime-results h3'), /row 3/);
  assert.match(await page.innerHTML('#lime-results figure'), /row 3/, 'the chart names the row explained');
  // A model file that is not JSON.
  await page.setInputFiles('#model-file', { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('not json') });
  assert.match(await visibleError('explain-error'), /model\.json is not JSON/);
  assert.match(await page.textContent('#model-status'), /no model/);
  assert.equal(await page.isDisabled('#run-shap'), true);
  await page.screenshot({ path: path.join(shots, '7-errors-in-place.png'), fullPage: true });
  assertLocal(session);
  await page.close();
});

test('the report says what its numbers mean: ideals, gate verdicts on cells, a gate summary, the overall row', async () => {
  const session = await openDemo();
  const { page } = session;
  await page.fill('#gate-dp', '0.05');
  await page.fill('#gate-di', '0.8');
  await page.click('#run-audit');
  await page.waitForSelector('#verdict');
  const expected = JSON.parse(cli(['fairness', 'datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score', '--sensitive', 'sex',
    '--sensitive', 'age_group', '--sensitive', 'sex&age_group', '--privileged', 'sex=male', '--max', 'demographic_parity_difference=0.05',
    '--min', 'disparate_impact=0.8', '--format', 'json']));
  const summary = await page.$$eval('#report .gate-summary li', (items) => items.map((li) => [li.className, li.textContent]));
  assert.equal(summary.length, expected.gates.length);
  assert.ok(summary[0][1].startsWith('FAIL'), 'failed gates first');
  for (const gate of expected.gates) {
    const line = summary.find(([, text]) => text.includes(`${gate.name} of ${gate.attribute} =`));
    assert.equal(line?.[0], `gate-${gate.passed ? 'pass' : 'fail'}`, `${gate.name} of ${gate.attribute}`);
    const selector = gate.name === 'disparate_impact' ? `[data-aif360="${gate.name}"]` : `[data-metric="${gate.name}"]`;
    const cell = await page.getAttribute(`#report td${selector}[data-attribute="${gate.attribute}"]`, 'class');
    assert.equal(cell, `gate-${gate.passed ? 'pass' : 'fail'}`, 'the cell is coloured by its gate');
  }
  const overall = await shownValues(page);
  const all = overall.find((c) => c.attribute === 'sex' && c.group === '(overall)' && c.rate === 'selection_rate');
  assert.equal(all?.value, String(expected.overall.selection_rate), 'the overall row');
  const ideals = await page.$$eval('#report .attribute[data-attribute="sex"] td.ideal', (cells) => cells.map((c) => c.textContent));
  assert.ok(ideals.includes('0 (higher is less fair)') && ideals.includes('1 (lower is less fair)') && ideals.includes('0 (below 0 disfavours the unprivileged)'));
  assert.ok((await page.$$('#report .meaning')).length >= 3, 'each table says what it means');
  await page.screenshot({ path: path.join(shots, '8-report-meaning.png'), fullPage: true });
  assertLocal(session);
  await page.close();
});

test('the threshold sweep shows each metric by threshold, as `sextant fairness --sweep`, and only for a score', async () => {
  const session = await openDemo();
  const { page } = session;
  await page.check('#sweep');
  await page.click('#run-audit');
  await page.waitForSelector('[data-sweep] figure svg');
  const expected = JSON.parse(cli(['fairness', 'datasets/demo/loans.csv', '--label', 'repaid', '--score', 'score', '--threshold', '0.5',
    '--sensitive', 'sex', '--sensitive', 'age_group', '--sensitive', 'sex&age_group', '--privileged', 'sex=male', '--sweep', '--format', 'json']));
  const charts = await page.$$eval('[data-sweep] figure svg title', (titles) => titles.map((t) => t.textContent).filter((t) => t.includes('by threshold')));
  assert.equal(charts.length, 3 * expected.attributes.length, charts.join('\n'));
  // The table's row at 0.50 shows the sweep's values (four decimals).
  const row = await page.$$eval('[data-sweep] table', (tables) => [...tables[0].querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)));
  const half = row.find((cells) => cells[0] === '0.50');
  assert.equal(half[1], expected.sweep.overall.accuracy[50].toFixed(4));
  assert.equal(half[3], expected.sweep.attributes[0].metrics.demographic_parity_difference[50].toFixed(4));
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.equal(readFileSync(await json.path(), 'utf8').trimEnd(), JSON.stringify(expected), 'the exported JSON is the CLI\'s, sweep included');
  await page.locator('[data-sweep]').screenshot({ path: path.join(shots, '9-threshold-sweep.png') });
  // A 0/1 prediction has no threshold to sweep.
  await page.selectOption('#prediction-column', 'approved');
  assert.ok(await page.isDisabled('#sweep'));
  await page.click('#run-audit');
  await page.waitForFunction(() => document.getElementById('report').textContent.includes('prediction approved'));
  assert.equal(await page.$('[data-sweep]'), null, 'no sweep for predictions');
  assertLocal(session);
  await page.close();
});
