//! Progress and cancellation from JavaScript: an `onProgress({what, done, total})` callback
//! and an `AbortSignal` whose `aborted` flag stops the work between steps.

use js_sys::{Function, Object, Reflect};
use sextant::Progress;
use wasm_bindgen::{JsCast, JsValue};

/// Reports to `onProgress` and watches `signal`.
pub struct JsProgress {
    callback: Option<Function>,
    signal: JsValue,
    what: String,
    done: u64,
    total: u64,
}

impl JsProgress {
    /// From the `onProgress` and `signal` option values (either may be undefined).
    pub fn new(on_progress: &JsValue, signal: &JsValue) -> Self {
        JsProgress {
            callback: on_progress.dyn_ref::<Function>().cloned(),
            signal: signal.clone(),
            what: String::new(),
            done: 0,
            total: 0,
        }
    }

    fn report(&self) {
        if let Some(callback) = &self.callback {
            let event = Object::new();
            let _ = Reflect::set(&event, &"what".into(), &self.what.as_str().into());
            let _ = Reflect::set(&event, &"done".into(), &(self.done as f64).into());
            let _ = Reflect::set(&event, &"total".into(), &(self.total as f64).into());
            // A throwing callback must not break the computation.
            let _ = callback.call1(&JsValue::NULL, &event);
        }
    }
}

impl Progress for JsProgress {
    fn start(&mut self, what: &str, total: u64) {
        self.what = what.to_owned();
        self.done = 0;
        self.total = total;
        self.report();
    }

    fn advance(&mut self, steps: u64) {
        self.done += steps;
        self.report();
    }

    fn finish(&mut self) {
        self.done = self.total;
        self.report();
    }

    fn cancelled(&self) -> bool {
        self.signal.is_object()
            && Reflect::get(&self.signal, &"aborted".into())
                .ok()
                .and_then(|a| a.as_bool())
                .unwrap_or(false)
    }
}
