//! Monitoring a CSV as it grows (`sextant monitor --follow`): the records appended since
//! the last update are gathered into the windows kept from before, and the report is made
//! again: the windows the new records went to are audited again, the others keep their
//! audit, and a reference file's or range's reference is made again only when new rows fall
//! in the range or the labels or the drift columns' kinds read differently. An update reads
//! only the new records, and the input is never kept: memory is the windows' counts, drift
//! samples and audits. A record that cannot be read, or that the windows cannot take (a
//! third label value, a time that would make more than 100,000 windows, too many groups), is
//! told and left out, and the records around it count.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Arc;

use crate::data::cell::TableFormat;
use crate::data::input::{Input, RandomAccess};
use crate::data::lines::line_ends;
use crate::data::quotes::{record_ends, Boundaries};
use crate::data::table::Table;
use crate::error::{Error, ErrorKind, Location, Result};
use crate::fairness::counter::GroupLimits;
use crate::fairness::labels::BinaryCodec;
use crate::monitor::assemble::{
    assemble, check_drift_gates, check_window_span, shared_labels, Collected, Kept,
};
use crate::monitor::collect::{ColumnKind, Gathered, Reading, Windows};
use crate::monitor::plan::MonitorPlan;
use crate::monitor::report::MonitorReport;
use crate::monitor::run::{check_reference_input, gather_by_time, read_reference_file};
use crate::progress::Progress;

/// What a followed input did since it was last asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Growth {
    /// These bytes were appended: any amount, the last record may be cut (the bytes
    /// appended next complete it). With `more`, more bytes are there already, to be read
    /// at once (a large file read in pieces): the report waits for them.
    Appended {
        /// The bytes.
        bytes: Vec<u8>,
        /// Whether more bytes are there already.
        more: bool,
    },
    /// The input was replaced (truncated, or rotated to a new file): the monitor starts
    /// over with the bytes appended next, header first.
    Replaced,
    /// The input ended (standard input closed): a last record without a line end counts.
    Ended,
}

/// What a followed monitor tells as it reads.
#[derive(Debug, Clone)]
pub enum FollowEvent {
    /// The report of every record read so far, made after new records were read.
    Report(Box<MonitorReport>),
    /// A record left out: what is wrong with it, named by line (and column).
    LeftOut(Error),
    /// New records were read, and no report can be made of them yet (no row has a time
    /// in the reference range, for one): the last report holds.
    NoReport(Error),
}

/// Monitors a CSV as it grows, as `plan` says: `grow` is asked for what the input did (it
/// waits for the input to change, and sets the pace of updates), and `tell` hears a report
/// after each read of new records, and every record left out. A `reference` input (with its
/// name) is read first, once, and must be given exactly when the plan's reference is a file.
/// Returns when the input ends, after the report of its last records.
///
/// Lines end with `\n` or `\r\n`; a record is read once its line end is appended.
///
/// # Errors
/// What `grow` returns; an input that ends before its header ([`ErrorKind::Empty`]); a
/// reference input given or missing against the plan, or one that
/// cannot be read; an input that is Parquet or Arrow (only a CSV grows by records), a
/// header that cannot be read, or lacks a column the plan names; `rows:N` windows (which
/// depend on the order of every row); a drift gate on a statistic a categorical column
/// lacks; and the first error of the records of the first read (what the input held when
/// the follower started, or the first piece of standard input) when none of them (two or
/// more) can be read.
pub fn follow(
    plan: &MonitorPlan,
    source: &str,
    reference: Option<(Input<'_>, &str)>,
    grow: &mut dyn FnMut() -> Result<Growth>,
    tell: &mut dyn FnMut(FollowEvent),
    progress: &mut dyn Progress,
) -> Result<()> {
    check_reference_input(plan, reference.is_some())?;
    if matches!(plan.window, crate::monitor::window::WindowSpec::Rows(_)) {
        return Err(Error::invalid_option(
            "window",
            "rows:N windows depend on every row's time order; a followed input takes calendar windows (1d, 7d, 1mo, Nh, Nd)",
        ));
    }
    let mut file_table = match reference {
        Some((input, name)) => Some((Table::open(input, name)?, name)),
        None => None,
    };
    let file_header = file_table.as_ref().map(|(table, _)| table.header().clone());
    // The reference file's rows: read once, after the input's first rows, whose first
    // values tell the drift columns' kinds before the file's do (as in a whole run).
    let mut file: Option<(Gathered<'_>, &str)> = None;
    // The kinds an epoch of the input starts with: named, then told by the first rows and
    // the reference file.
    let mut start_kinds: Vec<Option<ColumnKind>> =
        plan.drift.iter().map(|(_, kind)| *kind).collect();
    let mut pending = Vec::new();
    // Whether the input ended, and whether more bytes are there already.
    let (mut ended, mut more) = (false, false);
    // Whether no record was read yet since the follower started (a replaced input starts
    // over, but not from the start).
    let mut at_start = true;
    loop {
        // The header: the first record.
        let header_end = loop {
            if pending.len() >= 8 || ended {
                refuse_columnar(&pending)?;
            }
            if let Some(end) = record_ends(&pending).next() {
                break end;
            }
            if ended {
                if pending.is_empty() {
                    return Err(ErrorKind::Empty { source_name: source.to_owned() }.into());
                }
                break pending.len();
            }
            match grow()? {
                Growth::Appended { bytes, more: and_more } => {
                    append(&mut pending, bytes);
                    more = and_more;
                }
                Growth::Replaced => pending.clear(),
                Growth::Ended => ended = true,
            }
        };
        let header_bytes = pending[..header_end].to_vec();
        let header = Table::open(Input::RandomAccess(Arc::new(header_bytes.clone())), source)?
            .header()
            .clone();
        let mut reading =
            Reading::new(&plan.fairness, &header, source, Some(&plan.time), &plan.drift)?;
        reading.kinds.clone_from(&start_kinds);
        let mut followed = Followed {
            plan,
            source,
            header_bytes: &header_bytes,
            header_lines: line_ends(&header_bytes),
            reading,
            windows: Windows::default(),
            file: file.clone(),
            next_line: 0,
            kept: Kept::default(),
            labels: None,
            touched: BTreeSet::new(),
            limits: GroupLimits::new(&plan.fairness),
        };
        let mut first = true;
        // Whether records were read since the last report.
        let mut unreported = false;
        loop {
            // Whole records; the header is read with the first of them.
            let cut = match Boundaries::new().scan(&pending) {
                _ if ended => pending.len(),
                end if first && end <= header_end => 0,
                end => end,
            };
            if cut > 0 {
                let rest = pending.split_off(cut);
                let records = std::mem::replace(&mut pending, rest);
                let read = if !std::mem::take(&mut first) {
                    followed.take(&records, tell)
                } else if std::mem::take(&mut at_start) {
                    // What the input held when the follower started is told once it is
                    // known that some of it was read: flags that read none of two or more
                    // rows (labels that need ‹positive_label›, a drift column of another
                    // kind) stop the follower, as they stop a whole run, rather than tell
                    // every row left out.
                    let mut left_out = Vec::new();
                    let read = followed.take_first(records, &mut |event| left_out.push(event));
                    if let (false, [FollowEvent::LeftOut(error), _, ..]) = (read, &left_out[..]) {
                        return Err(error.clone());
                    }
                    left_out.into_iter().for_each(&mut *tell);
                    read
                } else {
                    followed.take_first(records, tell)
                };
                if read {
                    if let (Some((table, name)), Some(header), None) =
                        (&mut file_table, &file_header, &file)
                    {
                        let kinds = &mut followed.reading.kinds;
                        file =
                            Some((read_reference_file(plan, table, header, name, kinds)?, *name));
                        start_kinds.clone_from(kinds);
                        followed.file.clone_from(&file);
                    }
                    check_drift_gates(plan, &followed.reading.kinds)?;
                    unreported = true;
                }
            }
            // A record that does not end (a quote that nothing closes) is left out once it
            // holds more than MAX_RECORD_BYTES, up to its first line end: the lines after
            // it are read as the records they are.
            if !first && cut == 0 && pending.len() > MAX_RECORD_BYTES {
                let end = memchr::memchr(b'\n', &pending).map_or(pending.len(), |at| at + 1);
                followed.skip(&pending[..end], tell);
                pending.drain(..end);
                continue;
            }
            if unreported && !more {
                followed.tell_report(tell, progress);
                unreported = false;
            }
            if ended {
                return Ok(());
            }
            more = false;
            match grow()? {
                Growth::Appended { bytes, more: and_more } => {
                    append(&mut pending, bytes);
                    more = and_more;
                }
                Growth::Replaced => {
                    pending.clear();
                    break;
                }
                Growth::Ended => ended = true,
            }
        }
    }
}

/// The most bytes a record holds before it is taken for one that never ends.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// Records read on all cores from this many bytes.
const ALL_CORES_BYTES: usize = 4 << 20;

/// Appends `bytes` to `pending` (taking them whole when nothing is pending: a file's first
/// bytes may be all of a large file).
fn append(pending: &mut Vec<u8>, bytes: Vec<u8>) {
    if pending.is_empty() {
        *pending = bytes;
    } else {
        pending.extend(bytes);
    }
}

/// Refuses an input whose first bytes are a Parquet or Arrow file's.
fn refuse_columnar(start: &[u8]) -> Result<()> {
    if TableFormat::detect(start) != TableFormat::Csv {
        return Err(Error::invalid_option(
            "follow",
            "reads rows appended to a CSV; a Parquet or Arrow file is monitored whole",
        ));
    }
    Ok(())
}

/// A followed input since its header: what its records gathered.
struct Followed<'p> {
    plan: &'p MonitorPlan,
    source: &'p str,
    /// The header's bytes, line end included: each later part of the input is read after
    /// them, and the lines they take.
    header_bytes: &'p [u8],
    header_lines: u64,
    reading: Reading<'p>,
    windows: Windows<'p>,
    /// The reference file's rows and name.
    file: Option<(Gathered<'p>, &'p str)>,
    /// The line the next record appended starts on.
    next_line: u64,
    /// What the last report audited and made, how labels read then, and the windows new
    /// rows went to since.
    kept: Kept,
    labels: Option<BinaryCodec>,
    touched: BTreeSet<i64>,
    /// The combinations of sensitive values of every window, against the group limits.
    limits: GroupLimits,
}

impl<'p> Followed<'p> {
    /// Reads the input's first bytes (the header, then whole records): at once, on all
    /// cores, when nothing in them is wrong; else record by record around what is. Returns
    /// whether any record was read.
    fn take_first(&mut self, bytes: Vec<u8>, tell: &mut dyn FnMut(FollowEvent)) -> bool {
        let whole = Arc::new(bytes);
        self.next_line = 1 + line_ends(&whole);
        let access: Arc<dyn RandomAccess> = whole.clone();
        let mut reading = self.reading.clone();
        let at_once = Table::open(Input::RandomAccess(access.clone()), self.source)
            .and_then(|mut table| gather_by_time(self.plan, Some(access), &mut table, &mut reading))
            .and_then(|windows| self.admit(windows, reading.kinds));
        match at_once {
            Ok(()) => true,
            Err(_) => {
                self.take_records(&whole[self.header_bytes.len()..], 1 + self.header_lines, tell)
            }
        }
    }

    /// Reads whole records appended after those read before; returns whether any was read.
    fn take(&mut self, records: &[u8], tell: &mut dyn FnMut(FollowEvent)) -> bool {
        let line = self.next_line;
        self.next_line += line_ends(records);
        self.take_records(records, line, tell)
    }

    /// Tells the start of a record that does not end (up to its first line end, `bytes`)
    /// left out, and skips its lines.
    fn skip(&mut self, bytes: &[u8], tell: &mut dyn FnMut(FollowEvent)) {
        let at = Location::source(self.source).at_line(self.next_line);
        let message = format!(
            "no line end closes this row within {} MiB (a quote that nothing closes?): its first line is left out, and the lines after it are read as rows",
            MAX_RECORD_BYTES >> 20
        );
        tell(FollowEvent::LeftOut(ErrorKind::Csv { at, message }.into()));
        self.next_line += line_ends(bytes);
    }

    /// Reads whole `records`, the first on physical line `line`: at once when nothing in
    /// them is wrong; else the record an error names is told and left out and the records
    /// before and after it are read the same way, or (for an error naming no record) each
    /// half, down to a record alone, which is told and left out. Returns whether any record
    /// was read.
    fn take_records(
        &mut self,
        records: &[u8],
        line: u64,
        tell: &mut dyn FnMut(FollowEvent),
    ) -> bool {
        /// What is left to do, last first.
        enum Step {
            Read(Range<usize>, u64),
            Tell(Error),
        }
        let mut read = false;
        let mut steps = vec![Step::Read(0..records.len(), line)];
        while let Some(step) = steps.pop() {
            let (range, line) = match step {
                Step::Read(range, line) if !range.is_empty() => (range, line),
                Step::Read(..) => continue,
                Step::Tell(error) => {
                    tell(FollowEvent::LeftOut(error));
                    continue;
                }
            };
            let bytes = &records[range.clone()];
            let error = match self.read_part(bytes, line) {
                Ok(()) => {
                    read = true;
                    continue;
                }
                Err(error) => error,
            };
            let parts = split_records(bytes, line);
            if parts.len() <= 1 {
                tell(FollowEvent::LeftOut(error.or_at_line(line)));
                continue;
            }
            let named = error.location().and_then(|at| at.line);
            match named.and_then(|named| parts.iter().position(|(_, line)| *line == named)) {
                // The records before it, it, and those after, in this order.
                Some(i) => {
                    if let Some((after, line)) = parts.get(i + 1) {
                        steps.push(Step::Read(range.start + after.start..range.end, *line));
                    }
                    steps.push(Step::Tell(error));
                    steps.push(Step::Read(range.start..range.start + parts[i].0.start, line));
                }
                // Each half read the same way, the first first: the records the windows
                // cannot take are found in reads of the halves that fail.
                None => {
                    let (middle, middle_line) = &parts[parts.len() / 2];
                    steps.push(Step::Read(range.start + middle.start..range.end, *middle_line));
                    steps.push(Step::Read(range.start..range.start + middle.start, line));
                }
            }
        }
        read
    }

    /// Reads whole records, the first on physical line `line`, into the windows, if
    /// nothing in them is wrong.
    ///
    /// # Errors
    /// The first record that cannot be read, named by its line; or what makes the windows
    /// unable to take them ([`Followed::admit`]).
    fn read_part(&mut self, records: &[u8], line: u64) -> Result<()> {
        let mut part = Vec::with_capacity(self.header_bytes.len() + records.len());
        part.extend_from_slice(self.header_bytes);
        part.extend_from_slice(records);
        let lines_before = line.saturating_sub(1 + self.header_lines);
        let part: Arc<dyn RandomAccess> = Arc::new(part);
        let mut table =
            Table::open_after_lines(Input::RandomAccess(part.clone()), self.source, lines_before)?;
        let mut reading = self.reading.clone();
        // A large part (a file read in pieces) on all cores; its errors are found again by
        // the sequential reader, which names their lines.
        let access = (records.len() >= ALL_CORES_BYTES).then_some(part);
        let windows = gather_by_time(self.plan, access, &mut table, &mut reading)?;
        // What the windows cannot take names no record: a lone record is named by the caller.
        self.admit(windows, reading.kinds)
    }

    /// Adds the windows of records read after those before (with the drift column kinds
    /// their reading told), if the windows can take them; else leaves the windows as they
    /// were.
    ///
    /// # Errors
    /// A third label value in all, more than 100,000 windows from the first to the last, or
    /// more groups than the plan's limits (named by no line).
    fn admit(&mut self, part: Windows<'p>, kinds: Vec<Option<ColumnKind>>) -> Result<()> {
        let kept = self.windows.windows.values().chain(&self.windows.reference);
        let new = part.windows.values().chain(&part.reference);
        let file = self.file.iter().map(|(part, name)| (part, *name));
        shared_labels(self.plan, kept.chain(new).map(|g| (g, self.source)).chain(file))?;
        check_window_span(self.plan, self.source, &[&self.windows.windows, &part.windows])?;
        // The groups of every window together, as a whole run counts them: only the
        // combinations new to the windows are checked.
        let at = Location::source(self.source);
        let combinations = part.windows.values().flat_map(Gathered::combinations);
        let limits = self.limits.with(combinations, &self.plan.fairness, &at)?;
        let touched: Vec<i64> = part.windows.keys().copied().collect();
        let in_reference_range = part.reference.is_some();
        self.windows.absorb(part, &at)?;
        if let Some(limits) = limits {
            self.limits = limits;
        }
        if in_reference_range {
            self.kept.reference = None;
        }
        self.touched.extend(touched);
        self.reading.kinds = kinds;
        Ok(())
    }

    /// Tells the report of the windows gathered so far, or why there is none. The windows
    /// no new row went to keep their audit from before, while the labels read the same.
    fn tell_report(&mut self, tell: &mut dyn FnMut(FollowEvent), progress: &mut dyn Progress) {
        // How labels read across every part, in a whole run's order: windows, the
        // reference range, the reference file.
        let kept = self.windows.windows.values().chain(&self.windows.reference);
        let file = self.file.iter().map(|(part, name)| (part, *name));
        let labels = match shared_labels(self.plan, kept.map(|g| (g, self.source)).chain(file)) {
            Ok(labels) => labels,
            Err(error) => return tell(FollowEvent::NoReport(error)),
        };
        if self.labels.as_ref() != Some(&labels) {
            self.kept.clear();
            self.labels = Some(labels.clone());
        }
        for index in std::mem::take(&mut self.touched) {
            self.kept.windows.remove(&index);
        }
        // A reference made for other column kinds is made again, of its rows.
        if self.kept.reference.as_ref().is_some_and(|made| !made.made_for(&self.reading.kinds)) {
            self.kept.reference = None;
        }
        let made = self.kept.reference.is_some();
        let audited = &self.kept.windows;
        let collected = Collected {
            windows: self.windows.cloned_where(|index| !audited.contains_key(&index), !made),
            kinds: self.reading.kinds.clone(),
            file: if made { None } else { self.file.clone() },
            labels: Some(labels),
        };
        tell(match assemble(self.plan, self.source, collected, &mut self.kept, progress) {
            Ok(report) => FollowEvent::Report(Box::new(report)),
            Err(error) => FollowEvent::NoReport(error),
        });
    }
}

/// The records of `bytes` (whole records, the first on physical line `line`): each one's
/// range of bytes and the line it starts on.
fn split_records(bytes: &[u8], line: u64) -> Vec<(Range<usize>, u64)> {
    let mut records = Vec::new();
    let (mut start, mut line) = (0, line);
    for end in record_ends(bytes) {
        records.push((start..end, line));
        line += line_ends(&bytes[start..end]);
        start = end;
    }
    // A last record without a line end (or with a quote that nothing closes).
    if start < bytes.len() {
        records.push((start..bytes.len(), line));
    }
    records
}
