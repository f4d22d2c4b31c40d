//! Running a [`MonitorPlan`] on a table: gather the rows into windows (one pass, or two for
//! `rows:N`) and the reference file's rows, then make the report of them
//! ([`crate::monitor::assemble`]).

use std::io::Read;
use std::sync::Arc;

use crate::data::header::Header;
use crate::data::input::{Input, RandomAccess};
use crate::data::table::Table;
use crate::error::{Error, ErrorKind, Result};
use crate::monitor::assemble::{assemble, check_window_groups, Collected, Kept};
use crate::monitor::collect::{
    gather, windows_by_rank, Assign, ColumnKind, Gathered, Reading, Windows,
};
use crate::monitor::plan::{MonitorPlan, ReferenceSpec};
use crate::monitor::report::MonitorReport;
use crate::monitor::time::Timestamp;
use crate::monitor::window::WindowSpec;
use crate::progress::Progress;

/// Monitors `input` (a CSV, Parquet or Arrow table named `source`) as `plan` says; a
/// `reference` input (with its name) is the reference of [`ReferenceSpec::File`], and must be
/// given exactly then. A CSV file read at offsets is gathered on all cores, with the report of
/// the sequential reader.
///
/// # Errors
/// The errors of counting a table for a fairness audit (named by line and column), a time
/// that is not one (or whose window starts or ends beyond the years RFC 3339 writes), a
/// numeric drift column's value that is not a number, a third label value across the
/// windows, more groups of an attribute across the windows than the plan allows (its
/// `max_groups`), more than 100,000 windows, an input
/// without rows, a reference range or file without rows, a reference input given or missing
/// against the plan, and a drift gate on a statistic a categorical column lacks.
pub fn monitor<'a>(
    plan: &MonitorPlan,
    input: impl Into<Input<'a>>,
    source: &str,
    reference: Option<(Input<'_>, &str)>,
    progress: &mut dyn Progress,
) -> Result<MonitorReport> {
    check_reference_input(plan, reference.is_some())?;
    let mut input = input.into();
    let ranks = match plan.window {
        WindowSpec::Rows(n) => Some(rank_rows(plan, &mut input, source, n)?),
        _ => None,
    };
    let access = match &input {
        Input::RandomAccess(access) if ranks.is_none() => Some(access.clone()),
        _ => None,
    };
    let mut table = Table::open(input, source)?;
    let header = table.header().clone();
    let mut reading = Reading::new(&plan.fairness, &header, source, Some(&plan.time), &plan.drift)?;
    let windows = match &ranks {
        Some(ranks) => {
            table.project(&reading.read());
            gather(&mut table, &mut reading, &Assign::Row(ranks), plan.reference_range())?
        }
        None => gather_by_time(plan, access, &mut table, &mut reading)?,
    };
    // Each window checked its own groups as it counted; the whole input holds them all.
    check_window_groups(plan, source, &[&windows.windows])?;
    // The reference file, read with the main input's column kinds.
    let mut file_table = match reference {
        Some((input, name)) => Some((Table::open(input, name)?, name)),
        None => None,
    };
    let file_header = file_table.as_ref().map(|(table, _)| table.header().clone());
    let file = match (&mut file_table, &file_header) {
        (Some((table, name)), Some(header)) => {
            Some((read_reference_file(plan, table, header, name, &mut reading.kinds)?, *name))
        }
        _ => None,
    };
    let collected = Collected { windows, kinds: reading.kinds, file, labels: None };
    assemble(plan, source, collected, &mut Kept::default(), progress)
}

/// Refuses a reference input given without a plan's reference file, or missing with one.
///
/// # Errors
/// An [`ErrorKind::InvalidOption`] naming `reference`.
pub(crate) fn check_reference_input(plan: &MonitorPlan, given: bool) -> Result<()> {
    match (plan.reference, given) {
        (ReferenceSpec::File, false) => Err(Error::invalid_option(
            "reference",
            "the plan names a reference file: give its input",
        )),
        (ReferenceSpec::First | ReferenceSpec::Range(..), true) => Err(Error::invalid_option(
            "reference",
            "a reference input was given, and the plan's reference is not a file",
        )),
        _ => Ok(()),
    }
}

/// The rows of `table` in calendar windows by their times (and in the plan's reference
/// range): a CSV file read at offsets (`access`) is gathered in chunks on all cores, and
/// anything else, or anything the chunks stop at, by the sequential reader, which reports it.
///
/// # Errors
/// As [`gather`].
pub(crate) fn gather_by_time<'p>(
    plan: &MonitorPlan,
    access: Option<Arc<dyn RandomAccess>>,
    table: &mut Table<'_>,
    reading: &mut Reading<'p>,
) -> Result<Windows<'p>> {
    let by_time = |at: Timestamp| plan.window.index(at);
    let assign =
        if plan.window.whole_days() { Assign::Day(&by_time) } else { Assign::Time(&by_time) };
    let range = plan.reference_range();
    #[cfg(not(target_arch = "wasm32"))]
    let in_chunks = access.and_then(|access| {
        crate::monitor::collect::gather_on_all_cores(&access, reading, plan.window, range)
    });
    #[cfg(target_arch = "wasm32")]
    let in_chunks = access.and(None);
    Ok(match in_chunks {
        Some((windows, kinds)) => {
            reading.kinds = kinds;
            windows
        }
        None => {
            table.project(&reading.read());
            gather(table, reading, &assign, range)?
        }
    })
}

/// The rows of a reference file (`table`, with its `header`, named `name`), read with the
/// main input's drift column `kinds`, which its first values complete.
///
/// # Errors
/// As [`gather`], and a file without rows.
pub(crate) fn read_reference_file<'p>(
    plan: &'p MonitorPlan,
    table: &mut Table<'_>,
    header: &'p Header,
    name: &'p str,
    kinds: &mut Vec<Option<ColumnKind>>,
) -> Result<Gathered<'p>> {
    let mut reading = Reading::new(&plan.fairness, header, name, None, &plan.drift)?;
    reading.kinds.clone_from(kinds);
    table.project(&reading.read());
    let whole = |_: Timestamp| Some(0);
    let mut read = gather(table, &mut reading, &Assign::Time(&whole), None)?;
    *kinds = reading.kinds;
    read.windows
        .remove(&0)
        .ok_or_else(|| Error::from(ErrorKind::NoRows { source_name: name.to_owned() }))
}
/// For `rows:N`: each row's window, from a first pass over the times of `input` (kept in
/// memory first when it is a stream, to be read twice).
///
/// # Errors
/// An input that cannot be read, or a time that is not one.
fn rank_rows(plan: &MonitorPlan, input: &mut Input<'_>, source: &str, n: u64) -> Result<Vec<i64>> {
    if let Input::Stream(reader) = input {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| ErrorKind::Io {
            source_name: source.to_owned(),
            message: e.to_string(),
        })?;
        *input = Input::RandomAccess(Arc::new(bytes));
    }
    let Input::RandomAccess(access) = input else {
        return Err(Error::invalid_option(
            "window",
            "rows:N could not keep the input to read it twice",
        ));
    };
    let mut table = Table::open(Input::RandomAccess(access.clone()), source)?;
    let header = table.header().clone();
    let mut time_only = Reading::new(&plan.fairness, &header, source, Some(&plan.time), &[])?;
    if let Ok(column) = header.find(&plan.time) {
        table.project(&[column]);
    }
    windows_by_rank(&mut table, &mut time_only, n)
}
