//! Arrow IPC inputs checked before arrow-ipc allocates what they announce: it allocates a
//! block's or a message's declared length before reading it, and a corrupt length ended the
//! process (an allocation of a terabyte, which no error can follow). A file's blocks are
//! checked against its size; a stream's message that announces a large body is read whole
//! before its header is passed on.

use std::io::{self, Read, Seek, SeekFrom};

/// Refuses an Arrow IPC file (read by `file`, `size` bytes) whose footer places a block (a
/// record batch or a dictionary) past its end. A footer that cannot be read is left to
/// arrow-ipc to report.
///
/// # Errors
/// The block's place and length, and the file's size.
pub(crate) fn check_blocks(file: &mut (impl Read + Seek), size: u64) -> Result<(), String> {
    let mut read_at = |at: u64, bytes: &mut [u8]| {
        file.seek(SeekFrom::Start(at)).and_then(|_| file.read_exact(bytes)).is_ok()
    };
    let mut trailer = [0u8; 10];
    let Some(trailer_start) = size.checked_sub(10) else { return Ok(()) };
    if !read_at(trailer_start, &mut trailer) {
        return Ok(());
    }
    let Ok(footer_length) = arrow_ipc::reader::read_footer_length(trailer) else { return Ok(()) };
    let Some(footer_start) = trailer_start.checked_sub(footer_length as u64) else {
        return Ok(());
    };
    let mut footer = vec![0; footer_length];
    if !read_at(footer_start, &mut footer) {
        return Ok(());
    }
    let Ok(footer) = arrow_ipc::root_as_footer(&footer) else { return Ok(()) };
    let blocks = footer.recordBatches().into_iter().chain(footer.dictionaries()).flatten();
    for block in blocks {
        let (offset, metadata, body) = (block.offset(), block.metaDataLength(), block.bodyLength());
        let end = i128::from(offset) + i128::from(metadata) + i128::from(body);
        if offset < 0 || metadata < 0 || body < 0 || end > i128::from(size) {
            return Err(format!(
                "its footer places a block of {metadata} + {body} bytes at byte {offset}, \
                 past the end of the file ({size} bytes)"
            ));
        }
    }
    Ok(())
}

/// The largest body a message may announce without being read first: arrow-ipc's
/// allocation of it is harmless when the stream does not hold it (a short read it reports).
const MAX_UNREAD_BODY: u64 = 1 << 26;

/// An Arrow IPC stream handed on a message at a time: each message's metadata is read
/// before it is passed on, and a body longer than [`MAX_UNREAD_BODY`] is read too (into
/// memory that grows as bytes arrive), so that a body length the stream does not hold is an
/// error, not an allocation. Smaller bodies pass straight through, uncopied.
pub(crate) struct WholeMessages<R> {
    inner: R,
    /// The message being handed on, and how much of it was.
    message: Vec<u8>,
    handed: usize,
    /// Bytes of the current message's body still to pass straight from `inner`.
    body_left: u64,
    /// Whether the stream ended (or its end-of-stream marker was read).
    ended: bool,
}

impl<R: Read> WholeMessages<R> {
    pub(crate) fn new(inner: R) -> Self {
        WholeMessages { inner, message: Vec::new(), handed: 0, body_left: 0, ended: false }
    }

    /// Reads the next message into `message`: its length prefix (with or without the
    /// continuation marker), its metadata, and its body when it is large (else the body is
    /// left in `inner`, `body_left` bytes).
    fn next_message(&mut self) -> io::Result<()> {
        self.message.clear();
        self.handed = 0;
        let mut length = self.prefix_word()?;
        if length == Some(u32::MAX) {
            length = self.prefix_word()?; // the continuation marker; the length follows
        }
        let metadata_length = match length {
            Some(0) | None => {
                self.ended = true; // the end-of-stream marker, or the stream's end
                return Ok(());
            }
            Some(length) => u64::from(length),
        };
        let metadata_start = self.message.len();
        let read = (&mut self.inner).take(metadata_length).read_to_end(&mut self.message)?;
        if (read as u64) < metadata_length {
            self.ended = true; // arrow-ipc names the short read
            return Ok(());
        }
        // Metadata that is not a message is left to arrow-ipc to report.
        let Ok(message) = arrow_ipc::root_as_message(&self.message[metadata_start..]) else {
            return Ok(());
        };
        let body = message.bodyLength();
        let body = u64::try_from(body).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, format!("a message's body length is {body}"))
        })?;
        if body <= MAX_UNREAD_BODY {
            self.body_left = body;
            return Ok(());
        }
        let read = (&mut self.inner).take(body).read_to_end(&mut self.message)? as u64;
        if read < body {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the stream ends inside a message: {read} of the {body} bytes of its body"),
            ));
        }
        Ok(())
    }

    /// The next word of a length prefix, kept in `message`; `None` at the stream's end.
    fn prefix_word(&mut self) -> io::Result<Option<u32>> {
        let mut word = [0u8; 4];
        let read = (&mut self.inner).take(4).read_to_end(&mut self.message)?;
        if read < 4 {
            return Ok(None);
        }
        word.copy_from_slice(&self.message[self.message.len() - 4..]);
        Ok(Some(u32::from_le_bytes(word)))
    }
}

impl<R: Read> Read for WholeMessages<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.handed == self.message.len() && self.body_left > 0 {
            let most = usize::try_from(self.body_left).unwrap_or(usize::MAX).min(buf.len());
            let n = self.inner.read(&mut buf[..most])?;
            // The stream's end inside a body: arrow-ipc reports the short read.
            self.body_left = if n == 0 { 0 } else { self.body_left - n as u64 };
            return Ok(n);
        }
        if self.handed == self.message.len() && !self.ended {
            self.next_message()?;
        }
        let rest = self.message.get(self.handed..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.handed += n;
        Ok(n)
    }
}
