// The functions of the `sextant-audit` package, shared by its browser entry (index.js) and its
// Node entry (index.node.js), which differ only in how `init()` finds the .wasm by default.
// Every function mirrors a CLI command and returns the object the CLI prints as JSON (the
// same bytes under JSON.stringify). Types: index.d.ts.
import initWasm, * as wasm from './sextant_wasm.js';

let loading;
let loaded = false;

/**
 * Loads the WebAssembly module once, from `source` (its bytes, a URL, a Response) or, when
 * that is undefined, from what `fallback()` resolves to.
 */
export function load(source, fallback) {
  if (!loading) {
    loading = (async () => {
      await initWasm({ module_or_path: source ?? await fallback() });
      loaded = true;
    })();
  }
  return loading;
}

function ready() {
  if (!loaded) {
    const error = new Error('sextant is not initialised: call and await init() first');
    error.code = 'not_initialised';
    throw error;
  }
  return wasm;
}

export const version = () => ready().version();
export const fairness = (options) => ready().fairness(options);
export const audit = (config) => ready().audit(config);
export const count = (options) => ready().count(options);
export const monitor = (options) => ready().monitor(options);
export const explainShap = (options) => ready().explainShap(options);
export const explainLime = (options) => ready().explainLime(options);
export const renderHtml = (report) => ready().renderHtml(report);
export const renderSvg = (chart) => ready().renderSvg(chart);
export const previewCsv = (options) => ready().previewCsv(options);
export const selectRows = (options) => ready().selectRows(options);

/**
 * LIME fitted once on `training` (the options of `explainLime` without `data`), for any
 * number of `explain({data})` calls. `free()` releases its WebAssembly memory; `explain`
 * after it throws an Error of code `not_initialised`.
 */
export class LimeExplainer {
  constructor(options) { this.inner = new (ready().LimeExplainer)(options); }
  explain(options) {
    if (!this.inner) {
      const error = new Error('this LimeExplainer was freed: make a new one');
      error.code = 'not_initialised';
      throw error;
    }
    return this.inner.explain(options);
  }
  /** Releases the WebAssembly memory; once is enough, a second call does nothing. */
  free() {
    this.inner?.free();
    this.inner = null;
  }
}
