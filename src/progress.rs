//! Progress reporting for long work, without tying the core to a terminal or a browser.
//!
//! The CLI implements [`Progress`] with a progress bar, the WASM bindings with a JS
//! callback and an `AbortSignal`; [`NoProgress`] ignores everything.

/// Receives progress of a long computation.
pub trait Progress {
    /// Work named `what` of `total` steps begins.
    fn start(&mut self, what: &str, total: u64);
    /// `steps` more steps are done.
    fn advance(&mut self, steps: u64);
    /// The work is done.
    fn finish(&mut self);
    /// Whether the caller asked to stop (checked between steps; the work then fails with
    /// [`crate::ErrorKind::Cancelled`]).
    fn cancelled(&self) -> bool {
        false
    }
}

/// Ignores progress.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&mut self, _what: &str, _total: u64) {}
    fn advance(&mut self, _steps: u64) {}
    fn finish(&mut self) {}
}
