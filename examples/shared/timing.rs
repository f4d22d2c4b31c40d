//! Timing for the examples that the benchmark scripts run: the best of several runs after a
//! warm-up run, as the Python side of each comparison is timed.

use std::time::Instant;

/// What an example's steps fail with.
pub type Failure = Box<dyn std::error::Error>;

/// The result of `run` and the best of `repeats` timings of it in seconds, after a warm-up
/// run.
///
/// # Errors
/// The first error of `run`.
pub fn best_of<T>(
    repeats: usize,
    mut run: impl FnMut() -> Result<T, Failure>,
) -> Result<(T, f64), Failure> {
    let mut result = run()?;
    let mut best = f64::INFINITY;
    for _ in 0..repeats {
        let start = Instant::now();
        result = run()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok((result, best))
}
