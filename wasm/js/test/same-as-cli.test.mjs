// The built package, imported as a user imports it, gives byte for byte the CLI's JSON:
// JSON.stringify(result) equals `sextant … --format json` for fairness, audits, SHAP and LIME,
// on the demo data and (when ../shared is present) on the reference datasets.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { init, version, fairness, audit, count, monitor, explainShap, explainLime, renderHtml, renderSvg, LimeExplainer } from 'sextant-audit';
import { at, bytes, cli, reference, repo, text } from './helpers.mjs';

before(() => init());

test('version is the crate version', () => {
  const cargo = text('Cargo.toml').match(/^version = "(.*)"$/m)[1];
  assert.equal(version(), cargo);
});

test('fairness on the demo data equals the CLI, with bootstrap, privileged group and gates', () => {
  const source = 'datasets/demo/loans.csv';
  const ours = fairness({
    data: text(source), source, label: 'repaid', score: 'score', threshold: 0.5,
    sensitive: ['sex', 'age_group', 'sex&age_group'], privileged: ['sex=male', 'age_group=25-45'],
    bootstrap: 300, confidence: 0.9, seed: 7,
    max: { demographic_parity_difference: 0.1 }, min: { disparate_impact: 0.8 },
  });
  const theirs = cli(['fairness', source, '--label', 'repaid', '--score', 'score', '--threshold', '0.5',
    '--sensitive', 'sex', '--sensitive', 'age_group', '--sensitive', 'sex&age_group',
    '--privileged', 'sex=male', '--privileged', 'age_group=25-45', '--bootstrap', '300',
    '--confidence', '0.9', '--seed', '7', '--max', 'demographic_parity_difference=0.1',
    '--min', 'disparate_impact=0.8', '--format', 'json']);
  assert.equal(JSON.stringify(ours), theirs);
  assert.equal(renderHtml(ours).trimEnd(), cli(['fairness', source, '--label', 'repaid', '--score', 'score',
    '--sensitive', 'sex', '--sensitive', 'age_group', '--sensitive', 'sex&age_group',
    '--privileged', 'sex=male', '--privileged', 'age_group=25-45', '--bootstrap', '300',
    '--confidence', '0.9', '--seed', '7', '--max', 'demographic_parity_difference=0.1',
    '--min', 'disparate_impact=0.8', '--format', 'html']), 'renderHtml is the CLI\'s HTML');
});

test('a threshold sweep equals `sextant fairness --sweep`, and draws its charts', () => {
  const source = 'datasets/demo/loans.csv';
  const options = { data: text(source), source, label: 'repaid', score: 'score', sensitive: ['sex', 'sex&age_group'], sweep: true };
  const flags = ['fairness', source, '--label', 'repaid', '--score', 'score', '--sensitive', 'sex',
    '--sensitive', 'sex&age_group', '--sweep'];
  const ours = fairness(options);
  assert.equal(JSON.stringify(ours), cli([...flags, '--format', 'json']));
  assert.equal(renderHtml(ours).trimEnd(), cli([...flags, '--format', 'html']));
  assert.equal(ours.sweep.thresholds.length, 101);
  const at29 = fairness({ ...options, sweep: false, threshold: 0.29 });
  assert.equal(ours.sweep.attributes[1].metrics.equalized_odds_difference[29], at29.attributes[1].metrics.equalized_odds_difference.default);
  for (const [metric, title] of [[undefined, 'differences between groups'], ['selection_rate', 'selection rate per group'], ['accuracy', 'accuracy per group']]) {
    const svg = renderSvg({ kind: 'sweep', report: ours, attribute: 'sex', metric });
    assert.match(svg, new RegExp(`^<svg[^]*sex: ${title} by threshold[^]*</svg>$`));
  }
  assert.throws(() => renderSvg({ kind: 'sweep', report: ours, attribute: 0, metric: 'tpr' }), { code: 'invalid_option', message: /unknown sweep chart `tpr`/ });
  assert.throws(() => renderSvg({ kind: 'sweep', report: at29, attribute: 0 }), { code: 'invalid_option', message: /no sweep/ });
  // Where there is nothing to sweep, the option names the key as JavaScript spells it.
  assert.throws(() => fairness({ ...options, score: undefined, pred: 'approved' }), { code: 'invalid_option', message: /sweep.*needs a score \(score, or a model\)/ });
  assert.throws(() => fairness({ ...options, sampleWeight: 'income_k' }), { code: 'invalid_option', message: /sweep.*drop sampleWeight/ });
  assert.throws(() => monitor({ ...options, time: 'applicant_id', window: 'rows:5000' }), { code: 'invalid_option', message: /sweep/ });
});

test('monitor on the demo decision log equals `sextant monitor` in every format', () => {
  const source = 'datasets/demo/loans_log.csv';
  const options = {
    data: text(source), source, time: 'decided_at', window: '1mo', label: 'repaid', score: 'score',
    sensitive: ['sex', 'age_group'], drift: ['income_k', 'credit_score'], bootstrap: 100, seed: 3,
    maxDrift: { 'score:psi': 0.2 }, maxChange: { demographic_parity_difference: 0.05 }, gateWindows: 'all',
  };
  const flags = ['monitor', source, '--time', 'decided_at', '--window', '1mo', '--label', 'repaid',
    '--score', 'score', '--sensitive', 'sex', '--sensitive', 'age_group', '--drift', 'income_k', 'credit_score',
    '--bootstrap', '100', '--seed', '3', '--max-drift', 'score:psi=0.2',
    '--max-change', 'demographic_parity_difference=0.05', '--gate-windows', 'all'];
  const ours = monitor(options);
  assert.equal(ours.schema, 'sextant.monitor/v1');
  assert.equal(JSON.stringify(ours), cli([...flags, '--format', 'json']));
  for (const format of ['text', 'markdown', 'html', 'openmetrics']) {
    assert.equal(monitor({ ...options, format }).replace(/\n$/, ''), cli([...flags, '--format', format]), format);
  }
  // A reference given as data, and rows:N windows.
  const january = text(source).split('\n').filter((l, i) => i === 0 || l.startsWith('2025-01')).join('\n') + '\n';
  const fromData = monitor({ ...options, referenceData: january, window: 'rows:5000', format: undefined });
  assert.equal(fromData.reference.kind, 'file');
  assert.equal(fromData.windows.length, 5);
});

test('monitor refuses unknown keys and bad windows with coded errors', () => {
  const data = text('datasets/demo/loans_log.csv');
  const base = { data, time: 'decided_at', label: 'repaid', score: 'score', sensitive: ['sex'] };
  assert.throws(() => monitor({ ...base, window: '1w' }), { code: 'invalid_option', message: /window.*"1w" is not a window/ });
  assert.throws(() => monitor({ ...base, window: '1d', windows: 3 }), { code: 'invalid_option', message: /unknown field `windows`.*; or one of monitor\(\)'s own: time, window, drift/ });
  assert.throws(() => monitor({ ...base, window: '1d', model: {} }), { code: 'invalid_option', message: /not an option of monitor\(\)/ });
  assert.throws(() => monitor({ ...base, window: '1d', maxDrift: { 'age:psi': 0.1 } }), { code: 'invalid_option', message: /maxDrift/ });
  assert.throws(() => monitor({ ...base, window: '1d', format: 'pdf' }), { code: 'invalid_option', message: /format/ });
});

test('an audit config with a model equals `sextant audit`', () => {
  const dir = at('target/test-scratch/node-audit');
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'audit.toml');
  const data = at('datasets/demo/loans.csv');
  writeFileSync(config, `data = "${data}"\nmodel = "${at('datasets/demo/credit_model.json')}"\nlabel = "repaid"\n`
    + `sensitive = ["sex", "age_group"]\nthreshold = 0.4\n[max]\nequalized_odds_difference = 0.2\n`);
  const ours = audit({
    data: readFileSync(data), source: data, model: JSON.parse(text('datasets/demo/credit_model.json')),
    label: 'repaid', sensitive: ['sex', 'age_group'], threshold: 0.4, max: { equalized_odds_difference: 0.2 },
  });
  assert.equal(JSON.stringify(ours), cli(['audit', config, '--format', 'json']));
});

test('the demo audit with [explanations] gives the bytes of `sextant audit` in every format', () => {
  const config = {
    data: readFileSync(at('datasets/demo/loans.csv')), source: 'datasets/demo/loans.csv',
    label: 'repaid', score: 'score', threshold: 0.5, sensitive: ['sex', 'age_group', 'sex&age_group'],
    privileged: ['sex=male', 'age_group=25-45'], bootstrap: 1000, confidence: 0.95, seed: 7, exitZero: true,
    max: { demographic_parity_difference: 0.1, equalized_odds_difference: 0.1 }, min: { disparate_impact: 0.8 },
    gates: [{ attribute: 'sex&age_group', metric: 'demographic_parity_ratio', min: 0.3 }],
    explanations: {
      model: JSON.parse(text('datasets/demo/credit_model.json')), rows: [0, 1, 2, 3], methods: ['shap', 'lime'], repeats: 5,
    },
  };
  for (const format of ['html', 'json', 'text', 'markdown', 'junit']) {
    assert.equal(audit({ ...config, format }).trimEnd(), cli(['audit', 'datasets/demo/audit.toml', '--format', format]).trimEnd(), format);
  }
  assert.equal(JSON.stringify(audit(config)), cli(['audit', 'datasets/demo/audit.toml', '--format', 'json']));
});

test('missing values, group limits and small groups equal the CLI', () => {
  const file = at('target/test-scratch/node-missing.csv');
  mkdirSync(path.dirname(file), { recursive: true });
  const data = 'label,pred,grp\n1,1,A\n0,1,NA\n1,0,B\n0,0,A\nNaN,1,B\n1,1,null\n0,0,B\n1,0,C\n1,1,A\n0,1,B\n';
  writeFileSync(file, data);
  for (const [missing, small] of [['drop', 'include'], ['group', 'exclude']]) {
    const ours = fairness({ data, source: file, label: 'label', pred: 'pred', sensitive: 'grp', missing, minGroupSize: 2, smallGroups: small });
    assert.equal(JSON.stringify(ours), cli(['fairness', file, '--label', 'label', '--pred', 'pred', '--sensitive', 'grp',
      '--missing', missing, '--min-group-size', '2', '--small-groups', small, '--format', 'json']), `${missing}, ${small}`);
  }
  assert.throws(() => fairness({ data, label: 'label', pred: 'pred', sensitive: 'grp' }), (e) => e.code === 'invalid_value' && /missing: 'drop'|missing drop/.test(e.message));
  assert.throws(() => fairness({ data, label: 'label', pred: 'pred', sensitive: 'grp', missing: 'drop', maxGroups: 1 }), (e) => e.code === 'invalid_option' && /maxGroups/.test(e.message));
});

test('comparisons over fewer than two groups equal the CLI, in both modes', () => {
  const { tables } = JSON.parse(text('tests/fixtures/edge_cases/fairness.json'));
  for (const table of tables) {
    const file = at(`target/test-scratch/node-edge-${table.name}.csv`);
    writeFileSync(file, table.csv);
    for (const compat of [false, true]) {
      const ours = fairness({ data: table.csv, source: file, label: 'label', pred: 'pred', sensitive: 'grp',
        privileged: `grp=${table.privileged}`, bootstrap: 50, ...(compat ? { fairlearnCompat: true } : {}) });
      assert.equal(JSON.stringify(ours), cli(['fairness', file, '--label', 'label', '--pred', 'pred', '--sensitive', 'grp',
        '--privileged', `grp=${table.privileged}`, '--bootstrap', '50', ...(compat ? ['--fairlearn-compat'] : []), '--format', 'json']),
        `${table.name} ${compat ? 'compat' : 'strict'}`);
    }
  }
  const only = fairness({ data: tables[0].csv, label: 'label', pred: 'pred', sensitive: 'grp' });
  assert.equal(only.attributes[0].metrics.equal_opportunity_difference.default, null);
  assert.match(only.attributes[0].undefined['equal_opportunity_difference.default'], /only A defines tpr/);
});

test('models with more than two classes or integer inputs, through the package', () => {
  const multinomial = bytes('tests/fixtures/models/multinomial_logistic.onnx');
  const rows = 'f0,f1,f2,f3,f4,f5\n1,2,3,4,5,6\n';
  assert.throws(() => explainShap({ model: multinomial, data: rows, background: rows }),
    (e) => e.code === 'invalid_option' && /^invalid output: the model has 3 classes \(0: 0, 1: 1, 2: 2\)/.test(e.message));
  const shap = explainShap({ model: multinomial, data: rows, background: rows, output: 2, exact: true });
  assert.equal(shap.output_label, '2');
  const int64 = bytes('tests/fixtures/models/typed/int64_input.onnx');
  const ints = 'f0,f1,f2\n4,7,1\n0,9,7\n';
  assert.equal(explainShap({ model: int64, data: ints, background: ints, exact: true }).rows.length, 2);
  assert.throws(() => explainShap({ model: int64, data: 'f0,f1,f2\n4,7.5,1\n', background: ints }),
    (e) => e.code === 'invalid_value' && /int64 input/.test(e.message));
});

test('SHAP and LIME on the demo model equal the CLI', () => {
  const rowsFile = at('target/test-scratch/node-rows.csv');
  writeFileSync(rowsFile, text('datasets/demo/loans.csv').split('\n').slice(0, 6).join('\n') + '\n');
  const model = JSON.parse(text('datasets/demo/credit_model.json'));
  const background = text('datasets/demo/loans.csv');
  const shap = explainShap({ model, data: readFileSync(rowsFile, 'utf8'), background, maxEvals: 50, seed: 3 });
  assert.equal(JSON.stringify(shap), cli(['explain', 'shap', '--model', 'datasets/demo/credit_model.json',
    '--data', rowsFile, '--background', 'datasets/demo/loans.csv', '--max-evals', '50', '--seed', '3', '--format', 'json']));
  const lime = explainLime({ model, data: readFileSync(rowsFile, 'utf8'), training: background, repeats: 3, seed: 2 });
  assert.equal(JSON.stringify(lime), cli(['explain', 'lime', '--model', 'datasets/demo/credit_model.json',
    '--data', rowsFile, '--training', 'datasets/demo/loans.csv', '--repeats', '3', '--seed', '2', '--format', 'json']));
  // Fitted once, explained twice: the same bytes as the one-call explainer each time.
  const fitted = new LimeExplainer({ model, training: background, repeats: 3, seed: 2 });
  for (let i = 0; i < 2; i += 1) {
    assert.equal(JSON.stringify(fitted.explain({ data: readFileSync(rowsFile, 'utf8') })), JSON.stringify(lime));
  }
  assert.throws(() => fitted.explain({ data: 'income_k\n5\n' }), (e) => e.code === 'unknown_column' && /credit_score/.test(e.message));
  assert.throws(() => fitted.explain({ data: readFileSync(rowsFile, 'utf8'), repeats: 2 }), (e) => e.code === 'invalid_option' && /repeats/.test(e.message));
  assert.equal(JSON.stringify(fitted.explain({ data: readFileSync(rowsFile, 'utf8') })), JSON.stringify(lime), 'usable after errors');
  fitted.free();
  fitted.free();
  assert.throws(() => fitted.explain({ data: readFileSync(rowsFile, 'utf8') }), (e) => e.code === 'not_initialised' && /freed/.test(e.message));
});

test('SHAP through an ONNX model equals the CLI', () => {
  const fixture = 'tests/fixtures/models/gb_classifier';
  const ignore = ['onnxruntime_0', 'onnxruntime_1', 'sklearn_0', 'sklearn_1'];
  const data = text(`${fixture}.expected.csv`);
  const ours = explainShap({ model: bytes(`${fixture}.onnx`), data, background: data, ignore, algorithm: 'permutation', permutations: 2, seed: 9 });
  assert.equal(JSON.stringify(ours), cli(['explain', 'shap', '--model', `${fixture}.onnx`, '--data', `${fixture}.expected.csv`,
    '--background', `${fixture}.expected.csv`, '--ignore', ignore.join(','), '--algorithm', 'permutation', '--permutations', '2', '--seed', '9', '--format', 'json']));
  // A tree ensemble gets Tree SHAP by default, as from the CLI.
  const tree = explainShap({ model: bytes(`${fixture}.onnx`), data, background: data, ignore });
  assert.equal(tree.method, 'tree');
  assert.equal(JSON.stringify(tree), cli(['explain', 'shap', '--model', `${fixture}.onnx`, '--data', `${fixture}.expected.csv`,
    '--background', `${fixture}.expected.csv`, '--ignore', ignore.join(','), '--format', 'json']));
  assert.throws(() => explainShap({ model: bytes(`${fixture}.onnx`), data, background: data, ignore, maxEvals: 100 }),
    (e) => e.code === 'invalid_option' && /maxEvals/.test(e.message) && /algorithm/.test(e.message));
});

test('XGBoost JSON and LightGBM text models: predictions and Tree SHAP equal the CLI', () => {
  const dir = 'tests/fixtures/trees';
  const data = text(`${dir}/rows.csv`);
  const background = text(`${dir}/background.csv`);
  for (const [file, model] of [
    ['xgb_multiclass.json', JSON.parse(text(`${dir}/xgb_multiclass.json`))],
    ['xgb_regression.json', bytes(`${dir}/xgb_regression.json`)],
    ['lgbm_multiclass.txt', text(`${dir}/lgbm_multiclass.txt`)],
    ['lgbm_regression.txt', bytes(`${dir}/lgbm_regression.txt`)],
  ]) {
    const output = file.includes('multiclass') ? 2 : 0;
    const args = ['explain', 'shap', '--model', `${dir}/${file}`, '--data', `${dir}/rows.csv`, '--output', String(output), '--format', 'json'];
    const interventional = explainShap({ model, data, background, output });
    assert.equal(interventional.feature_perturbation, 'interventional');
    assert.equal(JSON.stringify(interventional), cli([...args, '--background', `${dir}/background.csv`]), file);
    // Without a background: the libraries' own path-dependent values.
    const pathDependent = explainShap({ model, data, output });
    assert.equal(pathDependent.feature_perturbation, 'tree_path_dependent');
    assert.equal(JSON.stringify(pathDependent), cli(args), file);
    const contribs = JSON.parse(text(`${dir}/reference.json`)).models[file.split('.')[0]].pred_contribs[output];
    pathDependent.rows.forEach((row, r) => row.values.forEach((v, j) => assert.ok(Math.abs(v - contribs[r][j]) < 1e-5, `${file} row ${r}`)));
  }
  assert.throws(() => explainShap({ model: text(`${dir}/xgb_multiclass.json`), data, background, output: 1, modelOutput: 'probability' }),
    (e) => e.code === 'invalid_option' && /softmax/.test(e.message));
});

test('reference datasets: fairness, SHAP and LIME equal the CLI', (t) => {
  const dir = reference('adult', t.name);
  if (!dir) return;
  const predictions = path.join(dir, 'predictions_logreg.csv');
  const pred = 'pred';
  const ours = fairness({ data: readFileSync(predictions), source: predictions, label: 'label', pred,
    sensitive: ['sensitive_sex', 'sensitive_race', 'sensitive_sex&sensitive_race'], privileged: 'sensitive_sex=Male' });
  assert.equal(JSON.stringify(ours), cli(['fairness', predictions, '--label', 'label', '--pred', pred,
    '--sensitive', 'sensitive_sex', '--sensitive', 'sensitive_race', '--sensitive', 'sensitive_sex&sensitive_race',
    '--privileged', 'sensitive_sex=Male', '--format', 'json']));

  const rows = path.join(dir, 'shap_rows.csv');
  const background = path.join(dir, 'shap_background.csv');
  const ignore = ['test_row', 'train_row', 'source_row'];
  const shap = explainShap({ model: new Uint8Array(readFileSync(path.join(dir, 'logreg.onnx'))),
    data: readFileSync(rows), background: readFileSync(background), ignore, exact: true });
  assert.equal(JSON.stringify(shap), cli(['explain', 'shap', '--model', path.join(dir, 'logreg.onnx'), '--data', rows,
    '--background', background, '--ignore', ignore.join(','), '--exact', '--format', 'json']));
  const expected = JSON.parse(readFileSync(path.join(dir, 'shap_values.json'), 'utf8')).models.logreg.exact.values;
  shap.rows.forEach((row, r) => row.values.forEach((v, j) => assert.ok(Math.abs(v - expected[r][j]) < 1e-6)));

  const lime = JSON.parse(readFileSync(path.join(dir, 'lime.json'), 'utf8'));
  const features = lime.feature_names;
  const limeRows = readFileSync(rows, 'utf8').split('\n').slice(0, 3).join('\n') + '\n';
  const limeFile = path.join(repo, 'target/test-scratch/node-lime-rows.csv');
  writeFileSync(limeFile, limeRows);
  const ourLime = explainLime({ model: new Uint8Array(readFileSync(path.join(dir, 'gbc.onnx'))), data: limeRows,
    training: readFileSync(path.join(dir, 'train.csv')), features, categorical: lime.categorical_features, repeats: 2 });
  assert.equal(JSON.stringify(ourLime), cli(['explain', 'lime', '--model', path.join(dir, 'gbc.onnx'), '--data', limeFile,
    '--training', path.join(dir, 'train.csv'), '--features', features.join(','),
    '--categorical', lime.categorical_features.join(','), '--repeats', '2', '--format', 'json']));
});

test('rows with frequencies (countColumn) equal the CLI', () => {
  const data = 'y,p,g,n\n1,1,a,3\n0,1,b,2\n1,0,b,4\n0,0,a,1\n';
  const file = at('target/test-scratch/node-counts.csv');
  writeFileSync(file, data);
  const ours = fairness({ data, source: file, label: 'y', pred: 'p', sensitive: 'g', countColumn: 'n', minGroupSize: 1 });
  assert.equal(ours.rows, 10);
  assert.equal(JSON.stringify(ours), cli(['fairness', file, '--label', 'y', '--pred', 'p', '--sensitive', 'g',
    '--count-column', 'n', '--min-group-size', '1', '--format', 'json']));
});

test('sample weights (sampleWeight) equal the CLI, bootstrap and merged weighted states included', () => {
  const data = text('tests/fixtures/weighted/tiny.csv');
  const file = at('tests/fixtures/weighted/tiny.csv');
  const options = { label: 'label', pred: 'pred', sensitive: 'group', sampleWeight: 'w', privileged: 'group=A', bootstrap: 100, minGroupSize: 1 };
  const ours = fairness({ data, source: file, ...options });
  assert.equal(ours.sample_weight, 'w');
  assert.ok(ours.overall.weight > 0 && ours.overall.weighted_confusion);
  assert.equal(JSON.stringify(ours), cli(['fairness', file, '--label', 'label', '--pred', 'pred', '--sensitive', 'group',
    '--sample-weight', 'w', '--privileged', 'group=A', '--bootstrap', '100', '--min-group-size', '1', '--format', 'json']));
  const lines = data.trimEnd().split('\n');
  const parts = [lines.slice(0, 9), [lines[0], ...lines.slice(9)]].map((p) => p.join('\n') + '\n');
  const counting = { label: 'label', pred: 'pred', sensitive: 'group', sampleWeight: 'w' };
  const states = parts.map((part) => count({ data: part, ...counting }));
  assert.ok(states[0].cells[0].weights);
  const merged = fairness({ fromCounts: states, ...options });
  merged.source = file;
  assert.equal(JSON.stringify(merged), JSON.stringify(ours));
});

test('count() states merge in fairness({fromCounts}) into the report of the whole data', () => {
  const lines = text('datasets/demo/loans.csv').trimEnd().split('\n');
  const parts = [lines.slice(0, 5001), [lines[0], ...lines.slice(5001)]].map((p) => p.join('\n') + '\n');
  const counting = { label: 'repaid', score: 'score', threshold: 0.4, sensitive: ['sex', 'sex&age_group'] };
  const states = parts.map((data, i) => count({ data, source: `part${i}`, ...counting }));
  assert.equal(states[0].schema, 'sextant.counts/v1');
  const report = { privileged: 'sex=male', bootstrap: 200, seed: 5 };
  // A state as an object or as JSON text; the report's source names the states.
  const merged = fairness({ fromCounts: [states[0], JSON.stringify(states[1])], ...counting, ...report });
  const whole = fairness({ data: text('datasets/demo/loans.csv'), source: 'part0 + part1', ...counting, ...report });
  assert.equal(JSON.stringify(merged), JSON.stringify(whole));
  assert.throws(() => count({ data: parts[0], ...counting, bootstrap: 10 }), (e) => e.code === 'invalid_option' && /bootstrap/.test(e.message));
  assert.throws(() => fairness({ fromCounts: states, ...counting, threshold: 0.5 }),
    (e) => e.code === 'invalid_config' && /part0 was counted with threshold 0.4/.test(e.message));
  assert.throws(() => fairness({ data: parts[0], fromCounts: states, ...counting }), (e) => e.code === 'invalid_option' && /fromCounts/.test(e.message));
});
