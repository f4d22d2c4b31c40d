//! Counting a CSV file on all cores: the file, read at offsets, is cut into chunks of whole
//! records ([`crate::data::chunks`]); each chunk is counted on its own thread by the same
//! [`Counter`] as the sequential reader, and the chunks' counts merge in file order.
//!
//! The merge is exact: counts and weight histograms add, the label values each chunk met
//! agree or the input holds more than two, and the groups of the whole are checked against
//! the plan's limits. Whenever a chunk meets anything the sequential reader would report (a
//! bad cell, a ragged row, a third label value, too many groups), the chunked count gives up
//! and the file is read again sequentially, which reports the same error at the same line.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};

use crate::data::batch::RecordBatch;
use crate::data::cell::TableFormat;
use crate::data::chunks::{Chunks, CHUNK_BYTES};
use crate::data::header::Header;
use crate::data::input::RandomAccess;
use crate::fairness::counter::{Columns, CountedData, Counter};
use crate::fairness::plan::FairnessPlan;

/// The counted data of the CSV file `access` (named `source`) for `plan`, counted in chunks
/// on rayon's number of threads; `None` when there is one thread, the file is not CSV, or
/// anything needs the sequential reader (an error to report, more groups than allowed).
pub(crate) fn count_chunks(
    access: &Arc<dyn RandomAccess>,
    source: &str,
    plan: &FairnessPlan,
) -> Option<CountedData> {
    count_in_chunks(access, source, plan, rayon::current_num_threads(), CHUNK_BYTES)
}

fn count_in_chunks(
    access: &Arc<dyn RandomAccess>,
    source: &str,
    plan: &FairnessPlan,
    threads: usize,
    chunk_bytes: usize,
) -> Option<CountedData> {
    if threads < 2 {
        return None;
    }
    let mut magic = [0u8; 8];
    let n = access.read_at(0, &mut magic).ok()?;
    if TableFormat::detect(&magic[..n]) != TableFormat::Csv {
        return None;
    }
    let (header, mut chunks) = Chunks::open(access.clone(), source, chunk_bytes)?;
    let columns = Columns::find(&header, plan, false).ok()?;
    let header = &header;
    let (work, jobs) = sync_channel::<(u64, Vec<u8>)>(threads);
    let jobs = Mutex::new(jobs);
    let (done, results) = channel();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (jobs, done, columns) = (&jobs, done.clone(), columns.clone());
            scope.spawn(move || {
                // One pool of records per thread, reused chunk after chunk.
                let mut batch = RecordBatch::default();
                loop {
                    let job = jobs.lock().ok().and_then(|jobs| jobs.recv().ok());
                    let Some((sequence, bytes)) = job else { break };
                    let counted =
                        count_chunk(&bytes, &mut batch, plan, header, columns.clone(), source);
                    if done.send((sequence, counted)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done);
        let mut merged = InOrder {
            total: Counter::new(plan, header, columns.clone(), source),
            waiting: BTreeMap::new(),
            next: 0,
            exact: true,
        };
        let (mut sent, mut ended) = (0u64, false);
        while merged.exact {
            let chunk = match chunks.next_chunk() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(_) => break,
            };
            if work.send((sent, chunk)).is_err() {
                break;
            }
            sent += 1;
            while let Ok((sequence, counted)) = results.try_recv() {
                merged.add(sequence, counted);
            }
        }
        drop(work);
        for (sequence, counted) in results {
            merged.add(sequence, counted);
        }
        let complete = merged.exact && ended && merged.next == sent && merged.total.fits_limits();
        complete.then(|| merged.total.finish().ok()).flatten()
    })
}

/// Chunks' counts merged in file order as they arrive.
struct InOrder<'p> {
    total: Counter<'p>,
    waiting: BTreeMap<u64, Option<Counter<'p>>>,
    /// The next chunk to merge.
    next: u64,
    /// Whether every chunk so far was counted and merged exactly.
    exact: bool,
}

impl<'p> InOrder<'p> {
    fn add(&mut self, sequence: u64, counted: Option<Counter<'p>>) {
        self.waiting.insert(sequence, counted);
        while let Some(counted) = self.waiting.remove(&self.next) {
            self.exact = self.exact && counted.is_some_and(|c| self.total.merge(c));
            self.next += 1;
        }
    }
}

/// Counts one chunk of whole records; `None` when the sequential reader must say what is
/// wrong in it.
fn count_chunk<'p>(
    bytes: &[u8],
    batch: &mut RecordBatch,
    plan: &'p FairnessPlan,
    header: &'p Header,
    columns: Columns,
    source: &'p str,
) -> Option<Counter<'p>> {
    let mut csv = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let width = header.names().len();
    let mut counter = Counter::new(plan, header, columns, source);
    while batch.fill(&mut csv, source).ok()? {
        if batch.records().iter().any(|r| r.len() != width) {
            return None;
        }
        counter.count(&*batch, None).ok()?;
    }
    Some(counter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fairness::confusion::UndefinedPolicy;
    use crate::fairness::ingest::count_part;
    use crate::fairness::plan::{Attribute, GroupPolicy, MissingPolicy, Outcome};
    use proptest::prelude::*;

    fn plan(missing: MissingPolicy, positive: Option<&str>) -> FairnessPlan {
        FairnessPlan {
            label: "y".into(),
            positive_label: positive.map(str::to_owned),
            outcome: Outcome::Prediction { column: "p".into() },
            sensitive_columns: vec!["g".into(), "h".into()],
            attributes: vec![
                Attribute { name: "g".into(), columns: vec!["g".into()] },
                Attribute { name: "g&h".into(), columns: vec!["g".into(), "h".into()] },
            ],
            privileged: Vec::new(),
            favorable_label: None,
            policy: UndefinedPolicy::Strict,
            bootstrap: None,
            gates: Vec::new(),
            groups: GroupPolicy { missing, max_groups: 6, ..GroupPolicy::default() },
            count_column: None,
            sample_weight: None,
        }
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
        let group = prop_oneof![Just("a"), Just("b"), Just("\"c,d\""), Just("\"e\nf\""), Just("")];
        let h = prop_oneof![Just("x"), Just("y"), Just("z")];
        let row = (
            label.clone(),
            label,
            group,
            h,
            prop_oneof![9 => Just("\n"), 1 => Just("\r\n"), 1 => Just(",extra\n")],
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
        ) {
            let missing = if drop { MissingPolicy::Drop } else { MissingPolicy::Group };
            let plan = plan(missing, None);
            let access: Arc<dyn RandomAccess> = Arc::new(text.clone());
            if let Some(counted) = count_in_chunks(&access, "t.csv", &plan, 3, chunk) {
                prop_assert_eq!(format!("{counted:?}"), sequential(&text, &plan));
            }
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
}
