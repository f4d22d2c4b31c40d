// The inside of `sextant/worker`: runs one call per message and posts back its result, its
// error (message and code) or its progress.
import { init, version, fairness, audit, explainShap, explainLime, renderHtml, renderSvg } from './index.js';

const api = { version, fairness, audit, explainShap, explainLime, renderHtml, renderSvg };

self.onmessage = async ({ data: { id, name, options, progress } }) => {
  try {
    await init();
    const withProgress = progress
      ? { ...options, onProgress: (event) => self.postMessage({ id, progress: event }) }
      : options;
    self.postMessage({ id, result: api[name](withProgress) });
  } catch (error) {
    self.postMessage({ id, error: { message: String(error?.message ?? error), code: error?.code ?? 'internal' } });
  }
};
