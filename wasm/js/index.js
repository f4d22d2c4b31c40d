// `sextant-audit` in browsers and bundlers: Sextant's fairness audits and explanations,
// compiled to WebAssembly. Call `await init()` once first; the functions are in api.js.
import { load } from './api.js';

export {
  version, fairness, audit, count, monitor, explainShap, explainLime, renderHtml, renderSvg,
  previewCsv, selectRows, LimeExplainer,
} from './api.js';

/**
 * Loads the WebAssembly module (once): fetched from next to this file, a URL bundlers
 * (Vite, webpack, Rollup) see and copy as an asset, unless `source` gives the module's
 * bytes, a URL or a Response.
 */
export function init(source) {
  return load(source, () => new URL('./sextant_wasm_bg.wasm', import.meta.url));
}
