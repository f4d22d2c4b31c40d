// Every kind of bad input of the fairness audit, the models and the explainers, fed through
// JavaScript: each throws an Error with a stable code and the core's message, and the
// WebAssembly instance keeps working afterwards (no trap). Also progress, cancellation,
// column input and predict functions.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { init, fairness, count, audit, explainShap, explainLime, renderSvg, previewCsv, selectRows } from 'sextant-audit';
import { bytes } from './helpers.mjs';

before(() => init());

const PREDICTIONS = 'label,pred,score,sex\n1,1,0.9,F\n0,1,0.7,F\n1,0,0.2,F\n1,1,0.8,M\n0,0,0.1,M\n0,0,0.3,M\n1,1,0.6,M\n0,1,0.9,F\n';
const base = { data: PREDICTIONS, label: 'label', pred: 'pred', sensitive: 'sex' };
const model = { feature_names: ['a', 'b'], coef_raw: [0.5, -1.0], intercept_raw: 0.2 };
const rows = 'a,b\n1,2\n3,0\n';
const background = 'a,b\n0,0\n1,1\n2,0\n4,3\n';

function throwsCoded(call, code, needle) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof Error, 'an Error');
    assert.equal(error.code, code, error.message);
    if (needle) assert.match(error.message, needle);
    return true;
  });
}

test('fairness: each bad input is a coded Error', () => {
  throwsCoded(() => fairness({ ...base, data: '' }), 'empty_input');
  throwsCoded(() => fairness({ ...base, data: 'label,pred,sex\n' }), 'no_rows');
  throwsCoded(() => fairness({ ...base, label: 'lable' }), 'unknown_column', /did you mean "label"/);
  throwsCoded(() => fairness({ ...base, data: 'label,pred,sex,sex\n1,1,F,F\n' }), 'duplicate_column');
  throwsCoded(() => fairness({ ...base, data: 'label,pred,sex\n1,1,F\n2,1,M\n3,0,F\n' }), 'invalid_value', /line 3/);
  throwsCoded(() => fairness({ ...base, data: 'label,pred,sex\n1,1\n' }), 'csv');
  throwsCoded(() => fairness({ ...base, data: new Uint8Array([0x6c, 0xff, 0xfe, 0x0a]) }), 'not_utf8');
  throwsCoded(() => fairness({ ...base, pred: undefined }), 'invalid_option');
  throwsCoded(() => fairness({ ...base, pred: undefined, score: 'score', threshold: 1.5 }), 'invalid_option');
  throwsCoded(() => fairness({ ...base, max: { demographic_parity_diff: 0.1 } }), 'invalid_option', /demographic_parity_difference/);
  throwsCoded(() => fairness({ ...base, privileged: 'sex=X' }), 'invalid_option');
  throwsCoded(() => fairness({ ...base, bootstrap: 10, confidence: 1.5 }), 'invalid_option');
  throwsCoded(() => fairness({ ...base, colour: 'red' }), 'invalid_option', /colour/);
  throwsCoded(() => fairness({ ...base, data: 42 }), 'invalid_option');
  throwsCoded(() => fairness({ ...base, data: { columns: { label: [1, 0], pred: [1], sex: ['F', 'M'] } } }), 'invalid_option', /pred/);
  assert.equal(fairness(base).schema, 'sextant.fairness/v1', 'the instance still works');
});

test('options are checked and named as JavaScript writes them', () => {
  throwsCoded(() => fairness({ ...base, exitZero: true }), 'invalid_option', /exitZero.*audit\(\)/);
  throwsCoded(() => fairness({ ...base, explanations: { rows: [0] } }), 'invalid_option', /explanations/);
  throwsCoded(() => fairness({ ...base, features: ['a'] }), 'invalid_option', /features/);
  throwsCoded(() => fairness({ ...base, format: 'xml' }), 'invalid_option', /"xml" is not one of text, json/);
  // A value of the wrong type names its key (and index) as written.
  throwsCoded(() => fairness({ ...base, bootstrap: 'many' }), 'invalid_option', /^invalid bootstrap: invalid type: string "many"/);
  throwsCoded(() => fairness({ ...base, label: { name: 'label' } }), 'invalid_option', /^invalid label: invalid type: map/);
  throwsCoded(() => fairness({ ...base, max: { demographic_parity_difference: 'low' } }), 'invalid_option',
    /^invalid max\.demographic_parity_difference: invalid type: string "low"/);
  throwsCoded(() => fairness({ ...base, data: 'label,pred,sex\n1,0.7,F\n' }), 'invalid_value', /use score and threshold/);
  throwsCoded(() => explainLime({ model, data: rows, training: background, numSamples: 1 }), 'invalid_option', /^invalid numSamples/);
  throwsCoded(() => explainLime({ model, data: rows, training: background, kernelWidth: 0 }), 'invalid_option', /^invalid kernelWidth/);
  throwsCoded(() => explainShap({ model, data: rows, background, backgroundSize: 0 }), 'invalid_option', /^invalid backgroundSize/);
  const explained = { ...base, data: 'label,pred,sex,a,b\n1,1,F,1,2\n0,0,M,3,0\n', model };
  throwsCoded(() => audit({ ...explained, pred: undefined, explanations: { rows: [0], background: { columns: { a: [1, 2], b: [1] } } } }),
    'invalid_option', /column `b` has 1 values/);
  throwsCoded(() => audit({ ...explained, pred: undefined, explanations: { rows: [0], numSamples: 1 } }), 'invalid_option', /numSamples/);
  throwsCoded(() => audit({ ...explained, pred: undefined, modelOutput: 5 }), 'invalid_option', /^invalid modelOutput/);
  assert.equal(typeof audit({ ...explained, pred: undefined, format: 'text' }), 'string');
  // A value of neither accepted type says what is accepted.
  throwsCoded(() => fairness({ ...base, sensitive: 7 }), 'invalid_option', /^invalid sensitive: a column name or a list of column names/);
  throwsCoded(() => explainShap({ model, data: rows, background, output: 1.5 }), 'invalid_option', /an output index \(a whole number from 0\) or a class label/);
  // JSON would turn NaN and infinities into null ("not given"): they are refused, named.
  throwsCoded(() => fairness({ ...base, pred: undefined, score: 'score', threshold: NaN }), 'invalid_option', /^invalid threshold: NaN is not a finite number/);
  throwsCoded(() => fairness({ ...base, bootstrap: Infinity }), 'invalid_option', /^invalid bootstrap: Infinity/);
  throwsCoded(() => fairness({ ...base, max: { demographic_parity_difference: NaN } }), 'invalid_option', /^invalid max\.demographic_parity_difference: NaN/);
  throwsCoded(() => explainLime({ model, data: rows, training: background, kernelWidth: -Infinity }), 'invalid_option', /^invalid kernelWidth/);
  throwsCoded(() => fairness({ ...base, bootstrap: 10, seed: 2 ** 53 }), 'invalid_option', /^invalid seed: 9007199254740992 is not a whole number \(of at most 2\^53 − 1\)/);
  throwsCoded(() => fairness({ ...base, bootstrap: 10, seed: 1.5 }), 'invalid_option', /^invalid seed: 1\.5 is not a whole number/);
  throwsCoded(() => fairness({ ...base, bootstrap: 10, seed: 2n ** 60n }), 'invalid_option', /^invalid seed: 1152921504606846976 is past 2\^53 − 1/);
  // A neighbourhood too large to allocate is refused before anything is allocated.
  throwsCoded(() => explainLime({ model, data: rows, training: background, numSamples: 3e7 }), 'invalid_option', /^invalid numSamples: 30000000 samples of 2 features need/);
  // count() refuses what shapes only the report, as sextant count does.
  for (const option of [{ fairlearnCompat: true }, { minGroupSize: 5 }, { smallGroups: 'exclude' }]) {
    throwsCoded(() => count({ ...base, ...option }), 'invalid_option', new RegExp(`^invalid ${Object.keys(option)[0]}: applies when counted states are audited`));
  }
});

test('previewCsv and selectRows read records as the audits do', () => {
  const data = 'a,note\n1,"two\nlines"\n2,x\n';
  const preview = previewCsv({ data, rows: 5 });
  assert.deepEqual(preview, { columns: ['a', 'note'], kinds: ['number', 'text'], rows: [['1', 'two\nlines'], ['2', 'x']] });
  assert.equal(selectRows({ data, rows: [1] }), 'a,note\n2,x\n');
  throwsCoded(() => previewCsv({ data: '' }), 'empty_input');
  throwsCoded(() => selectRows({ data, rows: [2] }), 'invalid_option', /row 2 is past the data's 2 rows/);
  throwsCoded(() => selectRows({ data }), 'invalid_option', /rows/);
});

test('models: bad bytes, unsupported operators and mismatched features are coded Errors', () => {
  const options = { data: rows, background };
  throwsCoded(() => explainShap({ ...options, model: new Uint8Array([1, 2, 3, 4]) }), 'invalid_model');
  throwsCoded(() => explainShap({ ...options, model: { coef_raw: [1] } }), 'invalid_model');
  throwsCoded(() => explainShap({ ...options, model: 'model.onnx' }), 'invalid_option');
  throwsCoded(() => explainShap({ ...options, model: bytes('tests/fixtures/models/bad/unsupported_operator.onnx') }), 'unsupported_operator');
  throwsCoded(() => explainShap({ ...options, model, features: ['a', 'c'] }), 'invalid_option');
  throwsCoded(() => explainShap({ ...options, model: () => { throw new Error('boom'); } }), 'invalid_model', /boom/);
  throwsCoded(() => explainShap({ ...options, model: (r, n) => new Float64Array(n + 1) }), 'invalid_model');
  assert.equal(explainShap({ ...options, model, permutations: 1 }).schema, 'sextant.shap/v1');
});

test('explainers: each bad input is a coded Error', () => {
  throwsCoded(() => explainShap({ model, data: rows, background: 'a,b\n' }), 'no_rows');
  throwsCoded(() => explainShap({ model, data: rows, background: 'a,c\n1,2\n' }), 'unknown_column');
  throwsCoded(() => explainShap({ model, data: 'a,b\n1,NaN\n', background }), 'invalid_value', /missing value/);
  throwsCoded(() => explainShap({ model, data: 'a,b\n1,inf\n', background }), 'invalid_value', /not a finite number/);
  throwsCoded(() => explainShap({ model, data: rows, background, maxEvals: 4 }), 'invalid_option', /2 \* 2 \+ 1 = 5/);
  const wide = { feature_names: Array.from({ length: 21 }, (_, i) => `x${i}`), coef_raw: Array(21).fill(1), intercept_raw: 0 };
  const wideRows = `${wide.feature_names.join(',')}\n${Array(21).fill(1).join(',')}\n`;
  throwsCoded(() => explainShap({ model: wide, data: wideRows, background: wideRows, exact: true }), 'invalid_option', /at most 20 features/);
  throwsCoded(() => explainShap({ model, data: rows, background, tolerance: -1 }), 'invalid_option');
  // A constant training column is explained as lime explains it: weight 0.
  const constant = explainLime({ model, data: rows, training: 'a,b\n1,2\n3,2\n', numSamples: 200 });
  assert.ok(constant.rows.every((row) => Math.abs(row.weights.find((w) => w.feature === 'b').weight) < 1e-12));
  throwsCoded(() => explainLime({ model, data: rows, training: background, categorical: ['b'] }), 'invalid_option', /never occurs/);
  throwsCoded(() => explainLime({ model, data: rows, training: background, discretizer: 'entropy' }), 'invalid_option');
  throwsCoded(() => explainLime({ model, data: rows, training: background, numSamples: 1 }), 'invalid_option');
  throwsCoded(() => renderSvg({ kind: 'pie', report: {} }), 'invalid_option');
  assert.equal(explainLime({ model, data: rows, training: background, numSamples: 100 }).schema, 'sextant.lime/v1');
});

test('undefined and null options count as not given', () => {
  const given = fairness(base);
  assert.deepEqual(fairness({ ...base, privileged: undefined, favorableLabel: null, score: undefined, bootstrap: null }), given);
});

test('columns give the report CSV gives', () => {
  const columns = {
    label: new Float64Array([1, 0, 1, 1, 0, 0, 1, 0]), pred: [1, 1, 0, 1, 0, 0, 1, 1],
    score: [0.9, 0.7, 0.2, 0.8, 0.1, 0.3, 0.6, 0.9], sex: ['F', 'F', 'F', 'M', 'M', 'M', 'M', 'F'],
  };
  assert.deepEqual(fairness({ ...base, data: { columns } }), fairness(base));
  // int64 columns of Apache Arrow JS are BigInt64Arrays; booleans read as a typed column's.
  const typed = { ...columns, label: BigInt64Array.from([1n, 0n, 1n, 1n, 0n, 0n, 1n, 0n]), pred: columns.pred.map((p) => p === 1) };
  assert.deepEqual(fairness({ ...base, data: { columns: typed } }), fairness(base));
  // A boolean sensitive column names its groups as the CLI names a typed one.
  const flags = fairness({ ...base, data: { columns: { ...columns, sex: columns.sex.map((s) => s === 'F') } } });
  assert.deepEqual(flags.attributes[0].groups.map((g) => g.group), ['False', 'True']);
  throwsCoded(() => fairness({ ...base, data: { columns: { ...columns, sex: [{}, ...columns.sex.slice(1)] } } }), 'invalid_option',
    /column `sex`, row 0: object is not a number/);
});

test('a predict function is called with large batches and gives the coefficients model\'s values', () => {
  let calls = 0;
  let largest = 0;
  const predict = (r, n, c) => {
    calls += 1;
    largest = Math.max(largest, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 1) out[i] = 0.2 + 0.5 * r[i * c] - 1.0 * r[i * c + 1];
    return out;
  };
  const linear = { ...model, link: 'identity' };
  const options = { data: rows, background, permutations: 4, seed: 1 };
  const viaFunction = explainShap({ ...options, model: predict });
  const viaCoefficients = explainShap({ ...options, model: linear });
  assert.deepEqual(viaFunction.rows.map((r) => r.values), viaCoefficients.rows.map((r) => r.values));
  assert.ok(largest >= 4 * (2 * 2 + 1), `batches of ${largest} rows in ${calls} calls`);
});

test('onProgress reports throttled, with one final event, and an aborted signal cancels', () => {
  const events = [];
  const started = Date.now();
  fairness({ ...base, bootstrap: 20000, onProgress: (p) => events.push({ ...p, at: Date.now() }) });
  const took = Date.now() - started;
  assert.equal(events[0].what, 'bootstrap');
  assert.equal(events[0].done, 0);
  const finals = events.filter((e) => e.done === e.total);
  assert.equal(finals.length, 1, 'exactly one final event');
  assert.equal(events.at(-1), finals[0], 'the final event is the last');
  assert.ok(events.every((e, i) => i === 0 || e.done >= events[i - 1].done), 'done never goes back');
  // At most 20 a second between the first and the final event (and at least two).
  assert.ok(events.length >= 2 && events.length <= 2 + Math.ceil(took / 50) + 1, `${events.length} events in ${took} ms`);
  const controller = new AbortController();
  controller.abort();
  throwsCoded(() => explainShap({ model, data: rows, background, signal: controller.signal }), 'cancelled');
  const midway = new AbortController();
  throwsCoded(() => fairness({ ...base, bootstrap: 100, signal: midway.signal, onProgress: () => midway.abort() }), 'cancelled');
  assert.equal(fairness(base).passed, true);
});
