//! Counting a file on all cores. A CSV file, read at offsets, is cut into chunks of whole
//! records ([`crate::data::chunks`]), split at its separators when it is plain
//! ([`crate::data::plain`]); a Parquet file is cut into its row groups. Each part is
//! counted on its own thread by the same [`Counter`] as the sequential reader, and the
//! parts' counts merge in file order.
//!
//! The merge is exact: counts and weight histograms add, the label values each chunk met
//! agree or the input holds more than two, and the groups of the whole are checked against
//! the plan's limits. Whenever a chunk meets anything the sequential reader would report (a
//! bad cell, a ragged row, a third label value, too many groups), the chunked count gives up
//! and the file is read again sequentially, which reports the same error at the same line.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::Arc;

use crate::data::batch::{Batch, RecordBatch};
use crate::data::cell::TableFormat;
use crate::data::chunks::{Chunks, CHUNK_BYTES};
use crate::data::header::Header;
use crate::data::input::{Input, RandomAccess};
use crate::data::plain::PlainRecords;
use crate::data::table::Table;
use crate::fairness::counter::{Columns, CountedData, Counter};
use crate::fairness::plan::FairnessPlan;

/// The counted data of the file `access` (named `source`) for `plan`, counted on all threads
/// ([`threads`]): a CSV file in chunks, a Parquet
/// file by row groups; `None` for other inputs, a Parquet file of one row group or on one
/// thread, and whenever anything needs the sequential reader (an error to report, more
/// groups than allowed).
pub(crate) fn count_on_all_cores(
    access: &Arc<dyn RandomAccess>,
    source: &str,
    plan: &FairnessPlan,
) -> Option<CountedData> {
    let threads = threads();
    let mut magic = [0u8; 8];
    let n = access.read_at(0, &mut magic).ok()?;
    match TableFormat::detect(&magic[..n]) {
        TableFormat::Csv => count_in_chunks(access, source, plan, threads, CHUNK_BYTES),
        TableFormat::Parquet => count_row_groups(access, source, plan, threads),
        TableFormat::ArrowFile | TableFormat::ArrowStream => None,
    }
}

/// The number of threads to count on: `RAYON_NUM_THREADS` when set to a number above 0, as
/// for the explainers' rayon pool, else the processor's parallelism. Read without starting
/// rayon's pool, whose idle threads would take turns on the cores with the counting ones.
pub(crate) fn threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}

/// Counts a Parquet file's row groups in `threads` contiguous runs, one per thread.
fn count_row_groups(
    access: &Arc<dyn RandomAccess>,
    source: &str,
    plan: &FairnessPlan,
    threads: usize,
) -> Option<CountedData> {
    let table = Table::open(Input::RandomAccess(access.clone()), source).ok()?;
    let (parts, header) = (table.parts(), table.header().clone());
    drop(table);
    if threads < 2 || parts < 2 {
        return None;
    }
    let columns = Columns::find(&header, plan, false).ok()?;
    let threads = threads.min(parts);
    let header = &header;
    let counted: Vec<Option<Counter<'_>>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..threads)
            .map(|t| {
                let run = parts * t / threads..parts * (t + 1) / threads;
                let columns = columns.clone();
                scope.spawn(move || count_row_group_run(access, source, plan, header, columns, run))
            })
            .collect();
        runs.into_iter().map(|run| run.join().ok().flatten()).collect()
    });
    let mut counted = counted.into_iter();
    let mut total = counted.next()??;
    for part in counted {
        if !total.merge(part?) {
            return None;
        }
    }
    total.fits_limits().then(|| total.finish().ok()).flatten()
}

/// Counts the row groups `run` of a Parquet file; `None` when the sequential reader must
/// say what is wrong in them.
fn count_row_group_run<'p>(
    access: &Arc<dyn RandomAccess>,
    source: &'p str,
    plan: &'p FairnessPlan,
    header: &'p Header,
    columns: Columns,
    run: std::ops::Range<usize>,
) -> Option<Counter<'p>> {
    let mut table = Table::open(Input::RandomAccess(access.clone()), source).ok()?;
    table.select_parts(run);
    table.project(&columns.read());
    let mut counter = Counter::new(plan, header, columns, source);
    while table.fill().ok()? {
        counter.count_table(&table, None).ok()?;
    }
    Some(counter)
}

fn count_in_chunks(
    access: &Arc<dyn RandomAccess>,
    source: &str,
    plan: &FairnessPlan,
    threads: usize,
    chunk_bytes: usize,
) -> Option<CountedData> {
    let (header, chunks) = Chunks::open(access.clone(), source, chunk_bytes)?;
    let columns = Columns::find(&header, plan, false).ok()?;
    let header = &header;
    let read = columns.read();
    let mut total = Counter::new(plan, header, columns.clone(), source);
    let complete = in_file_order(
        &chunks,
        threads,
        |bytes, batch| {
            let mut counter = Counter::new(plan, header, columns.clone(), source);
            read_chunk(bytes, batch, header, &read, source, &mut counter)?;
            Some(counter)
        },
        |counter| {
            let before = total.cells();
            // The groups' limits as the sequential reader checks them, once new groups come:
            // an identifier given as a sensitive column stops here, not after the whole file
            // has grown the counts.
            total.merge(counter) && (total.cells() == before || total.fits_limits())
        },
    );
    (complete && total.fits_limits()).then(|| total.finish().ok()).flatten()
}

/// Runs `work` on every chunk of `chunks` on `threads` threads (each reads its next chunk
/// itself) and hands the results to `merge` in file order, on this thread. True when every
/// chunk was worked and merged: false as soon as `work` gives `None` or `merge` false (the
/// other threads then stop), or a read fails. When merging is slower than working (many
/// groups), the threads wait for it: at most four results per thread wait in the channel
/// (measured on 10,000 groups: as fast as unbounded, with a third of the memory; one per
/// thread was 35% slower). Results that come before an earlier chunk's wait apart until it
/// comes.
pub(crate) fn in_file_order<T: Send>(
    chunks: &Chunks,
    threads: usize,
    work: impl Fn(&[u8], &mut RecordBatch) -> Option<T> + Sync,
    mut merge: impl FnMut(T) -> bool,
) -> bool {
    let stop = AtomicBool::new(false);
    let threads = u64::try_from(threads).unwrap_or(u64::MAX).clamp(1, chunks.blocks().max(1));
    let (done, results) = sync_channel(usize::try_from(threads).unwrap_or(1) * 4);
    let (work, stop_ref) = (&work, &stop);
    let merged = std::thread::scope(|scope| {
        for _ in 0..threads {
            let done = done.clone();
            scope.spawn(move || {
                // One pool of records and one buffer per thread, reused chunk after chunk.
                let mut batch = RecordBatch::default();
                let mut buffer = Vec::new();
                while !stop_ref.load(Ordering::Relaxed) {
                    let Some(chunk) = chunks.next(buffer) else { break };
                    let result = work(&chunk.bytes, &mut batch);
                    if done.send((chunk.sequence, result)).is_err() {
                        break;
                    }
                    buffer = chunk.bytes;
                }
            });
        }
        drop(done);
        let (mut waiting, mut next, mut exact) = (BTreeMap::new(), 0u64, true);
        for (sequence, result) in results {
            waiting.insert(sequence, result);
            while let Some(result) = waiting.remove(&next) {
                exact = exact && result.is_some_and(&mut merge);
                next += 1;
            }
            if !exact {
                stop.store(true, Ordering::Relaxed);
            }
        }
        exact && chunks.count() == Some(next)
    });
    merged
}

/// What takes the batches of a chunk, as their concrete type (the hot loop is compiled for
/// each, without a call through a table of methods per cell).
pub(crate) trait BatchSink {
    /// Takes one batch; `None` when the sequential reader must say what is wrong in it.
    fn take<B: Batch>(&mut self, batch: &B) -> Option<()>;
}

impl BatchSink for Counter<'_> {
    fn take<B: Batch>(&mut self, batch: &B) -> Option<()> {
        self.count_batch(batch).ok()
    }
}

/// Reads one chunk of whole records in batches, handing each to `sink` (the columns `read`
/// of a `header` of that many columns, split at separators when the chunk is plain); `None`
/// when the sequential reader must say what is wrong in it, or `sink` gives `None`.
pub(crate) fn read_chunk(
    bytes: &[u8],
    batch: &mut RecordBatch,
    header: &Header,
    read: &[usize],
    source: &str,
    sink: &mut impl BatchSink,
) -> Option<()> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        // A byte-order mark at the start of a record is part of its first field for the
        // sequential reader, while a csv reader of this chunk would drop it.
        return None;
    }
    let width = header.names().len();
    if let Some(mut plain) = PlainRecords::new(bytes, width, read) {
        while plain.fill()? {
            sink.take(&plain)?;
        }
        return Some(());
    }
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    while batch.fill(&mut csv, source).ok()? {
        if batch.records().iter().any(|r| r.len() != width) {
            return None;
        }
        sink.take(&*batch)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::ingest::count_part;
    use crate::fairness::plan::{test_plan, GroupPolicy, MissingPolicy, Outcome};
    use proptest::prelude::*;

    fn plan(missing: MissingPolicy, positive: Option<&str>) -> FairnessPlan {
        test_plan(missing, positive)
    }

    /// What the sequential reader counts (or the error it reports).
    fn sequential(text: &[u8], plan: &FairnessPlan) -> String {
        match count_part(text, "t.csv", plan, None) {
            Ok(counted) => format!("{counted:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn rows() -> impl Strategy<Value = Vec<u8>> {
        let label = prop_oneof![8 => Just("1"), 8 => Just("0"), 1 => Just("yes"), 1 => Just("")];
        // `"open` is a quoted field that nothing closes: it runs to the end of the file.
        let group = prop_oneof![
            8 => Just("a"),
            8 => Just("b"),
            8 => Just("\"c,d\""),
            8 => Just("\"e\nf\""),
            8 => Just(""),
            1 => Just("\"open"),
        ];
        let h = prop_oneof![Just("x"), Just("y"), Just("z")];
        let row = (
            label.clone(),
            label,
            group,
            h,
            prop_oneof![9 => Just("\n"), 1 => Just("\r\n"), 1 => Just(",extra\n"), 1 => Just("\n\n")],
        );
        proptest::collection::vec(row, 0..120).prop_map(|rows| {
            let mut text = b"y,p,g,h\n".to_vec();
            for (y, p, g, h, end) in rows {
                text.extend_from_slice(format!("{y},{p},{g},{h}{end}").as_bytes());
            }
            text
        })
    }

    proptest! {
        #[test]
        fn chunks_count_what_the_sequential_reader_counts(
            text in rows(),
            chunk in 1usize..200,
            drop in any::<bool>(),
            sweep in any::<bool>(),
        ) {
            let missing = if drop { MissingPolicy::Drop } else { MissingPolicy::Group };
            let mut plan = plan(missing, None);
            if sweep {
                // The predictions read as scores, with their histograms on the sweep's grid.
                plan.outcome = Outcome::Score { column: "p".into(), threshold: 0.5 };
                plan.sweep = true;
            }
            let access: Arc<dyn RandomAccess> = Arc::new(text.clone());
            let chunked = count_in_chunks(&access, "t.csv", &plan, 3, chunk);
            // The chunks count what the sequential reader counts, and give up exactly when
            // it reports an error.
            let whole = count_part(&text[..], "t.csv", &plan, None).map(|c| format!("{c:?}"));
            prop_assert_eq!(chunked.map(|c| format!("{c:?}")), whole.ok());
        }
    }

    #[test]
    fn clean_input_is_counted_in_chunks_and_a_third_label_value_is_left_to_the_reader() {
        let mut text = b"y,p,g,h\n".to_vec();
        for i in 0..2000 {
            text.extend_from_slice(
                format!("{},{},g{},h{}\n", i % 2, i % 3 % 2, i % 5, i % 2).as_bytes(),
            );
        }
        let clean =
            FairnessPlan { groups: GroupPolicy::default(), ..plan(MissingPolicy::Error, None) };
        let access: Arc<dyn RandomAccess> = Arc::new(text.clone());
        let counted = count_in_chunks(&access, "t.csv", &clean, 2, 256);
        assert_eq!(counted.map(|c| format!("{c:?}")), Some(sequential(&text, &clean)));
        // With a named positive value, the first chunks learn "0" as the negative value and
        // the last one meets "maybe": three values, left to the sequential reader's error.
        text.extend_from_slice(b"maybe,1,g1,h1\n");
        let named = FairnessPlan {
            groups: GroupPolicy::default(),
            ..plan(MissingPolicy::Error, Some("1"))
        };
        let access: Arc<dyn RandomAccess> = Arc::new(text.clone());
        assert!(count_in_chunks(&access, "t.csv", &named, 2, 256).is_none());
        assert!(sequential(&text, &named).contains("\"maybe\" is a third value"));
    }

    #[cfg(feature = "columnar")]
    #[test]
    fn parquet_row_groups_count_what_the_sequential_reader_counts() {
        use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
        let n = 500;
        let y: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n).map(|i| i % 2)));
        let p: ArrayRef = Arc::new(Int64Array::from_iter_values((0..n).map(|i| i % 3 % 2)));
        let g: ArrayRef =
            Arc::new(StringArray::from_iter_values((0..n).map(|i| format!("g{}", i % 5))));
        let h: ArrayRef =
            Arc::new(StringArray::from_iter_values((0..n).map(|i| ["x", "y"][i as usize % 2])));
        let batch = RecordBatch::try_from_iter([("y", y), ("p", p), ("g", g), ("h", h)])
            .unwrap_or_else(|e| panic!("{e}"));
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_size(37)
            .build();
        let mut bytes = Vec::new();
        let mut writer =
            parquet::arrow::ArrowWriter::try_new(&mut bytes, batch.schema(), Some(props))
                .unwrap_or_else(|e| panic!("{e}"));
        writer.write(&batch).unwrap_or_else(|e| panic!("{e}"));
        writer.close().unwrap_or_else(|e| panic!("{e}"));
        let plan =
            FairnessPlan { groups: GroupPolicy::default(), ..plan(MissingPolicy::Error, None) };
        let access: Arc<dyn RandomAccess> = Arc::new(bytes.clone());
        for threads in [2, 3, 20] {
            let counted = count_row_groups(&access, "t.parquet", &plan, threads);
            assert_eq!(counted.map(|c| format!("{c:?}")), Some(sequential(&bytes, &plan)));
        }
        // One thread is the sequential reader's.
        assert!(count_row_groups(&access, "t.parquet", &plan, 1).is_none());
    }
}
