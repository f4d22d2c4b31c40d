//! Progress and cancellation from JavaScript: an `onProgress({what, done, total})` callback
//! and an `AbortSignal` whose `aborted` flag stops the work between steps.
//!
//! Events are throttled: each piece of work reports its start, then at most one event per
//! [`MIN_INTERVAL_MS`] as it advances, then exactly one final event (`done` = `total`). A
//! page that redraws on each event stays responsive however many steps the work has (a
//! million bootstrap resamples made a million events).

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
    /// When the last event was sent (`Date.now()`, ms).
    reported_at: f64,
    /// Whether the current work's final event was sent.
    finished: bool,
}

/// The least time between two events while work advances: 20 events a second.
const MIN_INTERVAL_MS: f64 = 50.0;

impl JsProgress {
    /// From the `onProgress` and `signal` option values (either may be undefined).
    pub fn new(on_progress: &JsValue, signal: &JsValue) -> Self {
        JsProgress {
            callback: on_progress.dyn_ref::<Function>().cloned(),
            signal: signal.clone(),
            what: String::new(),
            done: 0,
            total: 0,
            reported_at: f64::NEG_INFINITY,
            // No work yet: a `finish` before any `start` reports nothing.
            finished: true,
        }
    }

    fn report(&mut self) {
        self.reported_at = js_sys::Date::now();
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
        self.finished = false;
        self.report();
    }

    fn advance(&mut self, steps: u64) {
        self.done += steps;
        // The final event is `finish`'s alone.
        if self.done < self.total && js_sys::Date::now() - self.reported_at >= MIN_INTERVAL_MS {
            self.report();
        }
    }

    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.done = self.total;
            self.report();
        }
    }

    fn cancelled(&self) -> bool {
        self.signal.is_object()
            && Reflect::get(&self.signal, &"aborted".into())
                .ok()
                .and_then(|a| a.as_bool())
                .unwrap_or(false)
    }
}
