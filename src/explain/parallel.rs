//! Explaining many rows: in parallel natively (rayon), in order in WebAssembly, with the
//! same results either way because each row draws from its own random stream.

use crate::error::{ErrorKind, Result};
use crate::progress::Progress;

/// Rows explained between two progress reports.
const ROWS_PER_REPORT: usize = 8;

/// `explain_row` over rows `0..n_rows`, in input order, reporting progress as "explaining".
///
/// # Errors
/// The first row's error, if any.
#[cfg(not(target_arch = "wasm32"))]
pub fn explain_rows<T: Send>(
    n_rows: usize,
    progress: &mut dyn Progress,
    explain_row: &(dyn Fn(usize) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    explain_rows_with(n_rows, progress, &|rows| map_rows(rows, explain_row))
}

/// `explain_row` over rows `0..n_rows`, in input order, reporting progress as "explaining".
///
/// # Errors
/// The first row's error, if any.
#[cfg(target_arch = "wasm32")]
pub fn explain_rows<T>(
    n_rows: usize,
    progress: &mut dyn Progress,
    explain_row: &dyn Fn(usize) -> Result<T>,
) -> Result<Vec<T>> {
    explain_rows_with(n_rows, progress, &|rows| map_rows(rows, explain_row))
}

fn explain_rows_with<T>(
    n_rows: usize,
    progress: &mut dyn Progress,
    map: &dyn Fn(std::ops::Range<usize>) -> Result<Vec<T>>,
) -> Result<Vec<T>> {
    progress.start("explaining", n_rows as u64);
    let mut explained = Vec::with_capacity(n_rows);
    for start in (0..n_rows).step_by(ROWS_PER_REPORT) {
        let end = (start + ROWS_PER_REPORT).min(n_rows);
        explained.extend(map(start..end)?);
        progress.advance((end - start) as u64);
        if progress.cancelled() {
            return Err(ErrorKind::Cancelled.into());
        }
    }
    progress.finish();
    Ok(explained)
}

/// `f` over `rows`, in parallel natively (rayon) and in order everywhere.
#[cfg(not(target_arch = "wasm32"))]
fn map_rows<T: Send>(
    rows: std::ops::Range<usize>,
    f: &(dyn Fn(usize) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    use rayon::prelude::*;
    rows.into_par_iter().map(f).collect()
}

/// `f` over `rows`, in order.
#[cfg(target_arch = "wasm32")]
fn map_rows<T>(rows: std::ops::Range<usize>, f: &dyn Fn(usize) -> Result<T>) -> Result<Vec<T>> {
    rows.map(f).collect()
}
