// The inside of `sextant-audit/worker`: runs one call per message and posts back its result, its
// error (message and code) or its progress.
import {
  init, version, fairness, audit, monitor, explainShap, explainLime, renderHtml, renderSvg, LimeExplainer,
} from './index.js';

// Fitted LIME explainers of this thread, by id (`SextantWorker.limeExplainer`).
const fitted = new Map();
let nextFitted = 1;

const api = {
  version, fairness, audit, monitor, explainShap, explainLime, renderHtml, renderSvg,
  fitLime(options) {
    const id = nextFitted++;
    fitted.set(id, new LimeExplainer(options));
    return id;
  },
  explainFitted({ id, ...options }) {
    const explainer = fitted.get(id);
    if (!explainer) throw Object.assign(new Error(`no fitted LIME explainer ${id} in this worker`), { code: 'internal' });
    return explainer.explain(options);
  },
  freeLime(id) {
    fitted.get(id)?.free();
    fitted.delete(id);
  },
};

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
