//! CSV records parsed on all cores, handed out in file order.
//!
//! The reading thread cuts the input into chunks of about [`CHUNK_BYTES`] at record
//! boundaries: a newline outside quotes, found by a scan that follows the csv crate's quoting
//! rules (a quote opens a quoted field only at the start of a field, `""` inside one is an
//! escaped quote) while jumping from quote to newline with `memchr`. Worker threads (rayon)
//! parse the chunks into `ByteRecord`s with the line numbers of the whole file, and the
//! reading thread hands the chunks' records out in order. Whatever consumes them (an audit's
//! counting, a model's scoring) therefore sees exactly the records, lines and errors of the
//! sequential reader, batch after batch, while the parsing, most of the work, runs in
//! parallel. Memory holds a few chunks per thread.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

use csv::{ByteRecord, Position};

use crate::data::batch::BATCH_ROWS;
use crate::data::header::Header;
use crate::data::table::{Batch, Cell, Place};
use crate::data::{csv_error, csv_reader};
use crate::error::{ErrorKind, Location, Result};

/// Bytes per chunk: large enough that a chunk's parse dwarfs handing it to a thread, small
/// enough that a few per thread stay in cache-friendly memory.
pub(crate) const CHUNK_BYTES: usize = 1 << 20;

/// A parsed chunk: its records (with lines counted from the chunk's start, as the csv
/// crate counts them), its newlines, then the error that stopped it.
///
/// The csv crate gives a record the line reached when the record before it ended (its
/// terminator read, but not the `\n` of a `\r\n` nor blank lines after it, which are read
/// with the next record). So a chunk's first record is on the line where the previous chunk's
/// last record ended, and its other records also count the newlines left after that.
struct Parsed {
    records: Vec<ByteRecord>,
    /// Newlines up to the end of the last record (`None` without records).
    through_last: Option<u64>,
    /// Newlines in the whole chunk.
    newlines: u64,
    error: Option<ChunkError>,
}

/// Why a chunk stopped, at a line counted from the chunk's start.
enum ChunkError {
    /// A record of the wrong width; `first` when it is the chunk's first record.
    Ragged { line: u64, first: bool, len: usize },
    /// What the csv crate reported.
    Csv(csv::Error),
}

/// Turns lines counted from a chunk's start into lines of the input.
#[derive(Debug, Clone, Copy)]
struct Lines {
    /// Newlines of the input up to the end of the last record handed out.
    through_last: u64,
    /// Newlines after it (the `\n` of a `\r\n`, blank lines), read with the next record.
    after_last: u64,
}

impl Lines {
    /// The input line of a record on chunk line `line`; `first` for a chunk's first record.
    fn of(self, line: u64, first: bool) -> u64 {
        if first {
            1 + self.through_last
        } else {
            line + self.through_last + self.after_last
        }
    }

    /// The count after handing out `parsed`.
    fn after(self, parsed: &Parsed) -> Lines {
        match parsed.through_last {
            Some(through) => Lines {
                through_last: self.through_last + self.after_last + through,
                after_last: parsed.newlines - through,
            },
            None => Lines { after_last: self.after_last + parsed.newlines, ..self },
        }
    }
}

impl ChunkError {
    /// The error at its line in the input.
    fn into_error(self, source: &str, lines: Lines, width: usize) -> crate::error::Error {
        match self {
            ChunkError::Ragged { line, first, len } => ErrorKind::Csv {
                at: Location::source(source).at_line(lines.of(line, first)),
                message: format!("row has {len} fields, but the header has {width}"),
            }
            .into(),
            ChunkError::Csv(e) => csv_error(source, &e, lines.through_last + lines.after_last),
        }
    }
}

/// Where the scan for record boundaries stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Outside quotes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
}

/// Finds record boundaries in a growing buffer.
#[derive(Debug)]
struct Boundaries {
    /// Bytes of `buffer` already scanned.
    scanned: usize,
    state: Scan,
    /// The end of the last complete record found (one past its newline).
    last: usize,
}

impl Boundaries {
    fn new() -> Self {
        Boundaries { scanned: 0, state: Scan::Unquoted, last: 0 }
    }

    /// Scans `buffer` from where the last call stopped; returns the end of the last record
    /// boundary found so far (0 if none). A quote at the very end of the buffer waits for
    /// the next byte (it may be an escaped quote).
    fn scan(&mut self, buffer: &[u8]) -> usize {
        let mut i = self.scanned;
        while i < buffer.len() {
            match self.state {
                Scan::Unquoted => match memchr::memchr2(b'"', b'\n', &buffer[i..]) {
                    None => i = buffer.len(),
                    Some(at) => {
                        let j = i + at;
                        if buffer[j] == b'\n' {
                            self.last = j + 1;
                        } else if j == 0 || matches!(buffer[j - 1], b',' | b'\n' | b'\r') {
                            self.state = Scan::Quoted;
                        }
                        i = j + 1;
                    }
                },
                Scan::Quoted => match memchr::memchr(b'"', &buffer[i..]) {
                    None => i = buffer.len(),
                    Some(at) => {
                        let j = i + at;
                        match buffer.get(j + 1) {
                            None => break, // decide when the next byte comes
                            Some(b'"') => i = j + 2,
                            Some(_) => {
                                self.state = Scan::Unquoted;
                                i = j + 1;
                            }
                        }
                    }
                },
            }
        }
        self.scanned = i.min(buffer.len());
        self.last
    }

    /// The same scan for the bytes left after cutting the first `cut` bytes off the buffer
    /// (at a boundary, or everything at the end of the input).
    fn cut(&mut self, cut: usize) {
        self.scanned = self.scanned.saturating_sub(cut);
        self.last = self.last.saturating_sub(cut);
    }
}

/// Parses one chunk (whole records) into `records`, with lines counted from the chunk.
fn parse_chunk(chunk: &[u8], width: usize, mut records: Vec<ByteRecord>) -> Parsed {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(chunk);
    let mut filled = 0;
    let mut error = None;
    let mut through_last = None;
    loop {
        if filled == records.len() {
            records.push(ByteRecord::new());
        }
        match reader.read_byte_record(&mut records[filled]) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                error = Some(ChunkError::Csv(e));
                break;
            }
        }
        let record = &records[filled];
        if record.len() != width {
            let line = record.position().map_or(1, Position::line);
            error = Some(ChunkError::Ragged { line, first: filled == 0, len: record.len() });
            break;
        }
        filled += 1;
        through_last = Some(reader.position().line() - 1);
    }
    records.truncate(filled);
    let newlines = memchr::memchr_iter(b'\n', chunk).count() as u64;
    Parsed { records, through_last, newlines, error }
}

/// A CSV read in parallel chunks.
pub(crate) struct ParallelCsv<R: Read> {
    reader: R,
    source: Arc<str>,
    /// Bytes per chunk ([`CHUNK_BYTES`]; small in tests, to cut records everywhere).
    chunk: usize,
    width: usize,
    buffer: Vec<u8>,
    boundaries: Boundaries,
    /// The lines of the input before the next chunk handed out.
    lines: Lines,
    eof: bool,
    /// Chunks sent to the workers and not yet handed out.
    sent: u64,
    next: u64,
    results: Receiver<(u64, Parsed)>,
    sender: Sender<(u64, Parsed)>,
    waiting: BTreeMap<u64, Parsed>,
    /// Emptied record vectors, for the workers to fill again.
    pool: Arc<Mutex<Vec<Vec<ByteRecord>>>>,
    /// The chunk being handed out, the rows of the current batch, and its error.
    current: Vec<ByteRecord>,
    start: usize,
    end: usize,
    error: Option<crate::error::Error>,
}

impl<R: Read> ParallelCsv<R> {
    /// Reads the header of `reader` (named `source` in errors).
    ///
    /// # Errors
    /// As the sequential reader: an unreadable or empty input, bad CSV in the header.
    pub(crate) fn open(reader: R, source: &str) -> Result<(Header, ParallelCsv<R>)> {
        Self::with_chunks(reader, source, CHUNK_BYTES)
    }

    /// As [`ParallelCsv::open`], cutting chunks of about `chunk` bytes.
    fn with_chunks(mut reader: R, source: &str, chunk: usize) -> Result<(Header, ParallelCsv<R>)> {
        let mut buffer = Vec::new();
        let mut boundaries = Boundaries::new();
        let mut eof = false;
        // The header is the first record: read until its end is known.
        while boundaries.scan(&buffer) == 0 && !eof {
            eof = read_more(&mut reader, &mut buffer, chunk, source)?;
        }
        // The csv crate reads the header (a byte-order mark, `\r` line ends) as the
        // sequential reader does, and says where the data starts.
        let mut csv = csv_reader(&buffer[..]);
        let header = Header::read(&mut csv, source)?;
        let header_end = usize::try_from(csv.position().byte()).unwrap_or(buffer.len());
        let lines = Lines { through_last: csv.position().line() - 1, after_last: 0 };
        buffer.drain(..header_end.min(buffer.len()));
        boundaries = Boundaries::new();
        let (sender, results) = channel();
        let width = header.names().len();
        Ok((
            header,
            ParallelCsv {
                reader,
                source: source.into(),
                chunk,
                width,
                buffer,
                boundaries,
                lines,
                eof,
                sent: 0,
                next: 0,
                results,
                sender,
                waiting: BTreeMap::new(),
                pool: Arc::default(),
                current: Vec::new(),
                start: 0,
                end: 0,
                error: None,
            },
        ))
    }

    /// Sends chunks to the workers until enough are in flight or the input ends.
    fn send_chunks(&mut self) -> Result<()> {
        let in_flight = 2 * rayon::current_num_threads() + 1;
        while self.sent - self.next < in_flight as u64 {
            while self.buffer.len() < self.chunk && !self.eof {
                self.eof = read_more(&mut self.reader, &mut self.buffer, self.chunk, &self.source)?;
            }
            let boundary = self.boundaries.scan(&self.buffer);
            let cut = if self.eof { self.buffer.len() } else { boundary };
            if cut == 0 {
                if self.eof {
                    return Ok(());
                }
                // One record longer than a chunk: read on.
                self.eof = read_more(&mut self.reader, &mut self.buffer, self.chunk, &self.source)?;
                continue;
            }
            let rest = self.buffer.split_off(cut);
            let chunk = std::mem::replace(&mut self.buffer, rest);
            self.boundaries.cut(cut);
            let (sender, pool, width) = (self.sender.clone(), self.pool.clone(), self.width);
            let sequence = self.sent;
            rayon::spawn(move || {
                let records = pool.lock().ok().and_then(|mut p| p.pop()).unwrap_or_default();
                let parsed = parse_chunk(&chunk, width, records);
                // The receiver is gone only when the reader was dropped: nothing to tell.
                let _ = sender.send((sequence, parsed));
            });
            self.sent += 1;
        }
        Ok(())
    }

    /// Reads the next batch; false at the end of the input.
    ///
    /// # Errors
    /// Bad CSV or a read error, once the records before it have been handed out.
    pub(crate) fn fill(&mut self) -> Result<bool> {
        if self.end < self.current.len() {
            self.start = self.end;
            self.end = (self.start + BATCH_ROWS).min(self.current.len());
            return Ok(true);
        }
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        loop {
            self.send_chunks()?;
            if self.next == self.sent {
                return Ok(false);
            }
            let parsed = match self.waiting.remove(&self.next) {
                Some(parsed) => parsed,
                None => loop {
                    let (sequence, parsed) = self.results.recv().map_err(|_| {
                        crate::error::Error::from(ErrorKind::Io {
                            source_name: self.source.to_string(),
                            message: "a parsing thread stopped".into(),
                        })
                    })?;
                    if sequence == self.next {
                        break parsed;
                    }
                    self.waiting.insert(sequence, parsed);
                },
            };
            self.next += 1;
            // Lines counted from the chunk's start become lines of the input.
            let lines = self.lines;
            self.lines = lines.after(&parsed);
            let mut records = parsed.records;
            for (i, record) in records.iter_mut().enumerate() {
                let mut position = Position::new();
                position.set_line(lines.of(record.position().map_or(1, Position::line), i == 0));
                record.set_position(Some(position));
            }
            let done = std::mem::replace(&mut self.current, records);
            if let Ok(mut pool) = self.pool.lock() {
                pool.push(done);
            }
            self.error = parsed.error.map(|e| e.into_error(&self.source, lines, self.width));
            self.start = 0;
            self.end = self.current.len().min(BATCH_ROWS);
            if self.end > 0 {
                return Ok(true);
            }
            if let Some(error) = self.error.take() {
                return Err(error);
            }
        }
    }
}

/// Appends the next block (a quarter chunk) of `reader` to `buffer`; true at the end of the
/// input.
fn read_more<R: Read>(
    reader: &mut R,
    buffer: &mut Vec<u8>,
    chunk: usize,
    source: &str,
) -> Result<bool> {
    let before = buffer.len();
    buffer.resize(before + (chunk / 4).max(1), 0);
    let read = loop {
        match reader.read(&mut buffer[before..]) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                buffer.truncate(before);
                return Err(ErrorKind::Io {
                    source_name: source.to_owned(),
                    message: e.to_string(),
                }
                .into());
            }
        }
    };
    buffer.truncate(before + read);
    Ok(read == 0)
}

impl<R: Read> Batch for ParallelCsv<R> {
    fn len(&self) -> usize {
        self.end - self.start
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        Cell::Text(self.current[self.start + row].get(column).unwrap_or_default())
    }

    fn place(&self, row: usize) -> Place {
        Place::Line(self.current[self.start + row].position().map_or(0, Position::line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::batch::RecordBatch;
    use proptest::prelude::*;

    /// Records as (fields, line), and the error that ended the input.
    type Outcome = (Vec<(Vec<Vec<u8>>, u64)>, Option<String>);

    /// Every record and the error that ends the input, read sequentially.
    fn sequential(text: &[u8]) -> Outcome {
        let mut csv = csv_reader(text);
        if let Err(e) = Header::read(&mut csv, "t.csv") {
            return (Vec::new(), Some(e.to_string()));
        }
        let mut batch = RecordBatch::default();
        let mut records = Vec::new();
        loop {
            match batch.fill(&mut csv, "t.csv") {
                Ok(true) => records.extend(batch.records().iter().map(|r| {
                    (r.iter().map(<[u8]>::to_vec).collect(), r.position().map_or(0, Position::line))
                })),
                Ok(false) => return (records, None),
                Err(e) => return (records, Some(e.to_string())),
            }
        }
    }

    /// The same, read in parallel chunks of about `chunk` bytes.
    fn parallel(text: &[u8], chunk: usize) -> Outcome {
        let mut csv = match ParallelCsv::with_chunks(text, "t.csv", chunk) {
            Ok((_, csv)) => csv,
            Err(e) => return (Vec::new(), Some(e.to_string())),
        };
        let mut records = Vec::new();
        loop {
            match csv.fill() {
                Ok(true) => records.extend(csv.current[csv.start..csv.end].iter().map(|r| {
                    (r.iter().map(<[u8]>::to_vec).collect(), r.position().map_or(0, Position::line))
                })),
                Ok(false) => return (records, None),
                Err(e) => return (records, Some(e.to_string())),
            }
        }
    }

    /// CSV text from pieces that exercise the quoting rules: quoted fields with commas,
    /// newlines and escaped quotes, quotes inside unquoted fields, CRLF and lone CR line
    /// ends, blank lines, and rows of the wrong width.
    fn csv_text() -> impl Strategy<Value = Vec<u8>> {
        let field = prop_oneof![
            "[a-z0-9]{0,6}",
            Just("\"x,y\"".to_owned()),
            Just("\"multi\nline\"".to_owned()),
            Just("\"esc\"\"aped\"".to_owned()),
            Just("f\"g".to_owned()),
            Just("\"\"".to_owned()),
        ];
        let row = (
            proptest::collection::vec(field, 1..4),
            prop_oneof![
                6 => Just("\n"), 1 => Just("\r\n"), 1 => Just("\n\n"), 1 => Just("\r")
            ],
        );
        proptest::collection::vec(row, 0..40).prop_map(|rows| {
            let mut text = b"a,b,c\n".to_vec();
            for (fields, end) in rows {
                text.extend_from_slice(fields.join(",").as_bytes());
                text.extend_from_slice(end.as_bytes());
            }
            text
        })
    }

    proptest! {
        #[test]
        fn chunks_read_exactly_as_the_sequential_reader(text in csv_text(), chunk in 1usize..64) {
            prop_assert_eq!(parallel(&text, chunk), sequential(&text));
        }
    }

    #[test]
    fn large_inputs_cut_into_many_chunks_keep_their_lines() {
        let mut text = b"id,note\n".to_vec();
        for i in 0..20_000 {
            text.extend_from_slice(format!("{i},\"a\nb, \"\"{i}\"\"\"\n").as_bytes());
        }
        let (records, error) = parallel(&text, 4096);
        assert_eq!(error, None);
        assert_eq!(records.len(), 20_000);
        assert_eq!(records[19_999].1, 2 + 2 * 19_999);
        assert_eq!((records, error), sequential(&text));
    }

    #[test]
    fn boundaries_skip_newlines_in_quoted_fields() {
        let text = b"a,\"x\ny\",b\nc,\"q\"\"\n\",d\ne,f\"g\nh,i";
        let mut b = Boundaries::new();
        // The boundaries are after "b\n" (10), "d\n" (21) and "g\n" (27): the quote after
        // "f" is a plain character, not the start of a quoted field.
        assert_eq!(b.scan(text), 27);
        let mut partial = Boundaries::new();
        // A quote at the end of the buffer waits for the next byte.
        assert_eq!(partial.scan(&text[..15]), 10);
        assert_eq!(partial.scan(text), 27);
    }
}
