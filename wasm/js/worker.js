// `sextant-audit/worker`: the sextant API off the main thread, in browsers. Each call goes to a
// module Web Worker that runs the WebAssembly, and returns a Promise; `onProgress` callbacks
// are forwarded and an aborted `signal` terminates the worker (a fresh one serves the next
// call), so a page never freezes. Predict functions cannot cross to a worker: give ONNX bytes
// or coefficients. In Node, call the package's functions directly (they need no DOM).

/** A worker running sextant; methods mirror the package's functions, returning Promises. */
export class SextantWorker {
  /**
   * @param {{url?: URL | string}} [options] where worker-thread.js is served from, when not
   * from next to this file (where bundlers put it: see `start`).
   */
  constructor(options = {}) {
    if (typeof Worker === 'undefined') {
      throw coded('SextantWorker runs in browsers (Web Workers): in Node, import the functions of sextant-audit and call them directly', 'unsupported');
    }
    this.url = options.url;
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
    // Counts the threads started: a fitted explainer lives in one thread.
    this.generation = 0;
  }

  version() { return this.call('version', undefined); }
  fairness(options) { return this.call('fairness', options); }
  audit(config) { return this.call('audit', config); }
  monitor(options) { return this.call('monitor', options); }
  explainShap(options) { return this.call('explainShap', options); }
  explainLime(options) { return this.call('explainLime', options); }
  renderHtml(report) { return this.call('renderHtml', report); }
  renderSvg(chart) { return this.call('renderSvg', chart); }

  /**
   * LIME fitted once in the worker on `training` (the options of `explainLime` without
   * `data`), for any number of `explain({data, onProgress, signal})` calls. When the thread
   * was stopped in between (a cancelled call), the next `explain` fits again first.
   */
  limeExplainer(options) {
    const { onProgress: _progress, signal: _signal, ...fit } = options;
    if (typeof fit.model === 'function') {
      throw coded('a predict function cannot be sent to a worker: pass ONNX bytes or coefficients', 'invalid_option');
    }
    const live = (fitting) => fitting && fitting.generation === this.generation && this.worker !== null;
    let fitting = null;
    let freed = false;
    // Fitting is part of the first explain call: that call's signal cancels it too.
    const fitted = async (signal) => {
      if (freed) throw coded('this LimeExplainer was freed: make a new one', 'not_initialised');
      if (!live(fitting)) {
        const id = this.call('fitLime', { ...fit, signal });
        fitting = { generation: this.generation, id };
      }
      return fitting.id;
    };
    return {
      explain: async (explainOptions) => this.call('explainFitted', { ...explainOptions, id: await fitted(explainOptions?.signal) }),
      free: () => {
        if (live(fitting)) fitting.id.then((id) => this.call('freeLime', id)).catch(() => {});
        fitting = null;
        freed = true;
      },
    };
  }

  /** Stops the worker; pending calls reject with code `cancelled`. */
  terminate() {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    for (const { reject } of this.pending.values()) reject(coded('the worker was terminated', 'cancelled'));
    this.pending.clear();
  }

  start() {
    if (this.worker) return this.worker;
    // `new Worker(new URL('./worker-thread.js', import.meta.url), …)` written out whole: the
    // form Vite, webpack and Rollup recognise, bundling the thread and its imports.
    this.worker = this.url === undefined
      ? new Worker(new URL('./worker-thread.js', import.meta.url), { type: 'module' })
      : new Worker(this.url, { type: 'module' });
    this.generation += 1;
    this.worker.onmessage = ({ data }) => {
      const call = this.pending.get(data.id);
      if (!call) return;
      if (data.progress) {
        call.onProgress?.(data.progress);
        return;
      }
      this.pending.delete(data.id);
      if (data.error) call.reject(coded(data.error.message, data.error.code));
      else call.resolve(data.result);
    };
    this.worker.onerror = (event) => {
      // A script that fails to load or to import gives an event without a message: say
      // which script, so that a bundler that did not copy it is found.
      event.preventDefault?.();
      const where = event.filename ? ` (${event.filename}${event.lineno ? `:${event.lineno}` : ''})` : '';
      const url = String(this.url ?? new URL('./worker-thread.js', import.meta.url));
      const script = url.startsWith('data:') ? 'a data: URL, where a bundler inlined it without its imports' : url;
      const cause = event.message
        ? `${event.message}${where}`
        : `its script could not be loaded or imported (${script}): check that it is served with its imports and the .wasm, as a module`;
      const error = coded(`the sextant worker failed: ${cause}`, 'internal');
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      this.worker = null;
    };
    return this.worker;
  }

  call(name, options) {
    let message = options;
    let onProgress;
    let signal;
    if (options && typeof options === 'object' && !ArrayBuffer.isView(options)) {
      ({ onProgress, signal, ...message } = options);
      if (typeof message.model === 'function') {
        return Promise.reject(coded('a predict function cannot be sent to a worker: pass ONNX bytes or coefficients', 'invalid_option'));
      }
    }
    if (signal?.aborted) return Promise.reject(coded('cancelled', 'cancelled'));
    const id = this.nextId++;
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      signal?.addEventListener('abort', () => {
        if (this.pending.has(id)) this.terminate();
      }, { once: true });
      worker.postMessage({ id, name, options: message, progress: typeof onProgress === 'function' });
    });
  }
}

function coded(message, code) {
  const error = new Error(message);
  error.code = code;
  return error;
}
