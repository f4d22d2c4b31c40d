//! Batches of rows, the unit in which models score rows and audits count them: the [`Batch`]
//! every table input yields, and CSV records read in batches into a reused pool.

use std::io::Read;

use csv::ByteRecord;

use crate::data::cell::{Cell, Place};
use crate::data::csv_error_at;
use crate::data::lines::RecordLines;
use crate::data::row_key::KeyWords;
use crate::error::{Error, Result};

/// A batch of rows, read cell by cell.
pub(crate) trait Batch {
    /// The number of rows.
    fn len(&self) -> usize;

    /// The cell of `row` in `column` (a position in the table's [`crate::data::header::Header`]).
    fn cell(&self, row: usize, column: usize) -> Cell<'_>;

    /// Where `row` is in the input.
    fn place(&self, row: usize) -> Place;

    /// Appends each row's cell in `column` to the row's key (`keys[row]`, a key per row of
    /// the batch): keys are built a column at a time, which a batch may do faster than cell
    /// by cell.
    fn key_column(&self, column: usize, keys: &mut [KeyWords]) {
        for (row, key) in keys.iter_mut().enumerate() {
            key.push(self.cell(row, column));
        }
    }

    /// Numbers the rows' cells in `column` when they take few values: adds each row's code
    /// (below the returned count) times `stride` to `codes[row]`, rows with the same code
    /// having the same cell, and returns the count, at most `most`. `None` when the column's
    /// cells are not numbered so (`codes` is then in any state); the default, for batches of
    /// text.
    fn code_column(
        &self,
        _column: usize,
        _most: u32,
        _stride: u32,
        _codes: &mut [u32],
    ) -> Option<u32> {
        None
    }
}

/// Rows per batch (and per model call).
pub(crate) const BATCH_ROWS: usize = 4096;

/// A pool of records reused batch after batch; the first `filled` hold the current batch.
#[derive(Default)]
pub(crate) struct RecordBatch {
    pool: Vec<ByteRecord>,
    /// The line where each record of the pool starts.
    lines: Vec<u64>,
    filled: usize,
    /// A CSV error met while filling, reported once the rows before it have been used, so
    /// that the first unusable line of the file is the one named.
    deferred: Option<Error>,
    /// The line where the last record read starts.
    last_line: u64,
}

impl RecordBatch {
    /// Reads the next batch of up to [`BATCH_ROWS`] records; false at the end of the input.
    ///
    /// # Errors
    /// Bad CSV (line named), once the records read before it have been handed out.
    pub(crate) fn fill<R: Read + RecordLines>(
        &mut self,
        csv: &mut csv::Reader<R>,
        source: &str,
    ) -> Result<bool> {
        if let Some(error) = self.deferred.take() {
            return Err(error);
        }
        self.filled = 0;
        while self.filled < BATCH_ROWS {
            if self.filled == self.pool.len() {
                self.pool.push(ByteRecord::new());
                self.lines.push(0);
            }
            match csv.read_byte_record(&mut self.pool[self.filled]) {
                Ok(true) => {
                    let position = self.pool[self.filled].position();
                    self.last_line = position.map_or(0, |p| csv.get_mut().line_at(p));
                    self.lines[self.filled] = self.last_line;
                    self.filled += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map(|p| csv.get_mut().line_at(p));
                    let error = csv_error_at(source, &e, line);
                    if self.filled == 0 {
                        return Err(error);
                    }
                    self.deferred = Some(error);
                    break;
                }
            }
        }
        Ok(self.filled > 0)
    }

    /// The line where the last record read starts (0 before the first).
    pub(crate) fn last_line(&self) -> u64 {
        self.last_line
    }

    /// The records of the current batch.
    pub(crate) fn records(&self) -> &[ByteRecord] {
        &self.pool[..self.filled]
    }

    /// The line where the current batch's record `row` starts.
    pub(crate) fn line(&self, row: usize) -> u64 {
        self.lines[..self.filled][row]
    }
}

/// Some rows of a batch, in the given order: the rows of one time window, counted apart.
pub(crate) struct Subset<'b, B: ?Sized> {
    /// The whole batch.
    pub(crate) batch: &'b B,
    /// The rows of `batch` taken, by position.
    pub(crate) rows: &'b [usize],
}

impl<B: Batch + ?Sized> Batch for Subset<'_, B> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn cell(&self, row: usize, column: usize) -> Cell<'_> {
        self.batch.cell(self.rows[row], column)
    }

    fn place(&self, row: usize) -> Place {
        self.batch.place(self.rows[row])
    }
}
