//! Decoders of untrusted bytes that may panic (parquet, arrow-ipc and tract panic on some
//! corrupt inputs: found by fuzzing and byte flips): a panic inside [`guarded`] is returned
//! as its message, for the caller to make it an error naming the input. While a thread runs
//! guarded code, [`guarding`] says so, so that a program's panic hook can stay quiet about
//! a panic that becomes an error (the CLI's hook does: its errors are one line).

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// How many [`guarded`] calls the thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Whether the current thread runs guarded decoding: a panic now is caught and becomes an
/// error. For a panic hook: the panics it sees then are not the program's end.
pub fn guarding() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// `f`'s result, or the message of its panic. The caller must not use what `f` left behind
/// after a panic (a decoder half way through a batch). `f` must not wait on other threads'
/// work (rayon): a thread waiting runs other jobs, whose panics [`guarding`] would then
/// wrongly call caught.
#[cfg_attr(not(any(feature = "columnar", feature = "tract")), allow(dead_code))] // their decoders
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    result.map_err(|payload| message(payload.as_ref()))
}

/// A panic's message, when it has one.
#[cfg_attr(not(any(feature = "columnar", feature = "tract")), allow(dead_code))]
fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_its_message_and_the_thread_is_guarded_only_inside() {
        assert!(!guarding());
        assert_eq!(guarded(guarding), Ok(true));
        let caught = guarded(|| -> u8 { panic!("bad byte at {}", 7) });
        assert_eq!(caught, Err("bad byte at 7".to_owned()));
        assert!(!guarding());
    }
}
