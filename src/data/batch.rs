//! CSV records read in batches into a reused pool: the unit in which models score rows and
//! audits count them.

use std::io::Read;

use csv::ByteRecord;

use crate::data::csv_error;
use crate::error::Result;

/// Rows per batch (and per model call).
pub(crate) const BATCH_ROWS: usize = 4096;

/// A pool of records reused batch after batch; the first `filled` hold the current batch.
#[derive(Default)]
pub(crate) struct RecordBatch {
    pool: Vec<ByteRecord>,
    filled: usize,
}

impl RecordBatch {
    /// Reads the next batch of up to [`BATCH_ROWS`] records; false at the end of the input.
    ///
    /// # Errors
    /// Bad CSV (line named).
    pub(crate) fn fill<R: Read>(&mut self, csv: &mut csv::Reader<R>, source: &str) -> Result<bool> {
        self.filled = 0;
        while self.filled < BATCH_ROWS {
            if self.filled == self.pool.len() {
                self.pool.push(ByteRecord::new());
            }
            if !csv
                .read_byte_record(&mut self.pool[self.filled])
                .map_err(|e| csv_error(source, &e))?
            {
                break;
            }
            self.filled += 1;
        }
        Ok(self.filled > 0)
    }

    /// The records of the current batch.
    pub(crate) fn records(&self) -> &[ByteRecord] {
        &self.pool[..self.filled]
    }
}
