// `sextant-audit` in Node (the package's `node` export condition): the functions of index.js,
// with `init()` reading the .wasm from disk. Browsers and bundlers get index.js, which never
// imports a Node module.
import { readFile } from 'node:fs/promises';
import { load } from './api.js';

export {
  version, fairness, audit, count, monitor, explainShap, explainLime, renderHtml, renderSvg,
  previewCsv, selectRows, LimeExplainer,
} from './api.js';

/**
 * Loads the WebAssembly module (once): read from next to this file, unless `source` gives
 * the module's bytes, a URL or a Response.
 */
export function init(source) {
  return load(source, () => readFile(new URL('./sextant_wasm_bg.wasm', import.meta.url)));
}
