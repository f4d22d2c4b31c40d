//! Where a CSV's quoted fields open and close, followed across blocks of bytes as the csv
//! crate reads them (a quote opens a quoted field only at the start of a field, `""` inside
//! one is an escaped quote, and a field's quote that nothing closes runs to the end of the
//! input), jumping from quote to quote with `memchr`. It finds the record boundaries that
//! cut a file into chunks ([`crate::data::chunks`]), and a quoted field left open at the end
//! of a file ([`QuoteWatch`]), which the csv crate reads without an error as one last field
//! holding every line after its quote.

use std::io::Read;

/// Where the scan for record boundaries stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Outside quotes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// After a quote inside a quoted field: an escaped quote if a quote follows, else the
    /// field's end.
    QuotedQuote,
}

/// Finds record boundaries in consecutive blocks of bytes.
#[derive(Debug)]
pub(crate) struct Boundaries {
    state: Scan,
    /// The last byte scanned (a newline before the first).
    previous: u8,
}

impl Boundaries {
    pub(crate) fn new() -> Self {
        Boundaries { state: Scan::Unquoted, previous: b'\n' }
    }

    /// Scans `block`, the bytes after those scanned before; returns the end of the last
    /// record that ends in it (one past its newline), 0 if none does.
    pub(crate) fn scan(&mut self, block: &[u8]) -> usize {
        let mut last = 0;
        let mut i = 0;
        while i < block.len() {
            match self.state {
                Scan::Unquoted => {
                    // The last newline before the next quote ends a record.
                    let quote = memchr::memchr(b'"', &block[i..]).map(|at| i + at);
                    let end = quote.unwrap_or(block.len());
                    if let Some(at) = memchr::memrchr(b'\n', &block[i..end]) {
                        last = i + at + 1;
                    }
                    let Some(j) = quote else { break };
                    let before = if j == 0 { self.previous } else { block[j - 1] };
                    if matches!(before, b',' | b'\n' | b'\r') {
                        self.state = Scan::Quoted;
                    }
                    i = j + 1;
                }
                Scan::Quoted => match memchr::memchr(b'"', &block[i..]) {
                    None => break,
                    Some(at) => {
                        self.state = Scan::QuotedQuote;
                        i += at + 1;
                    }
                },
                Scan::QuotedQuote => {
                    if block[i] == b'"' {
                        self.state = Scan::Quoted;
                        i += 1;
                    } else {
                        // The field ended: this byte is read outside quotes.
                        self.state = Scan::Unquoted;
                    }
                }
            }
        }
        if let Some(&byte) = block.last() {
            self.previous = byte;
        }
        last
    }

    /// Whether the bytes scanned end inside a quoted field: one that no quote closes before
    /// the end, which the csv crate reads as running to the end of the input.
    pub(crate) fn in_quotes(&self) -> bool {
        self.state == Scan::Quoted
    }
}

/// The end of each whole record of `bytes`, CSV from the start of a record: one past the
/// `\n` that ends it (a last record without one is not listed).
#[cfg(not(target_arch = "wasm32"))] // followed inputs, native only
pub(crate) fn record_ends(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut boundaries = Boundaries::new();
    let mut from = 0;
    memchr::memchr_iter(b'\n', bytes).filter_map(move |newline| {
        let end = newline + 1;
        let ended = boundaries.scan(&bytes[from..end]) > 0;
        from = end;
        ended.then_some(end)
    })
}

/// A reader that follows the quotes of the CSV bytes read through it, to tell at the end
/// whether a quoted field was left open.
pub(crate) struct QuoteWatch<R> {
    inner: R,
    boundaries: Boundaries,
    /// Bytes still to pass unscanned: a byte-order mark, which the csv crate drops.
    skip: usize,
}

impl<R: Read> QuoteWatch<R> {
    /// Watches `inner`, whose first `skip` bytes (a byte-order mark) are not CSV.
    pub(crate) fn new(inner: R, skip: usize) -> Self {
        QuoteWatch { inner, boundaries: Boundaries::new(), skip }
    }

    /// Whether the bytes read so far end inside a quoted field.
    pub(crate) fn in_quotes(&self) -> bool {
        self.boundaries.in_quotes()
    }
}

impl<R: Read> Read for QuoteWatch<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        let skipped = self.skip.min(n);
        self.skip -= skipped;
        self.boundaries.scan(&buffer[skipped..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_at_newlines_outside_quotes() {
        let text = b"a,\"x\ny\",b\r\nc,\"q\"\"\n\",d\ne,f\"g\nh,i";
        assert_eq!(record_ends(text).collect::<Vec<_>>(), [11, 22, 28]);
        assert_eq!(record_ends(b"a,\"open\nstill open").count(), 0);
    }

    #[test]
    fn boundaries_skip_newlines_in_quoted_fields() {
        let text = b"a,\"x\ny\",b\nc,\"q\"\"\n\",d\ne,f\"g\nh,i";
        let mut b = Boundaries::new();
        // The boundaries are after "b\n" (10), "d\n" (21) and "g\n" (27): the quote after
        // "f" is a plain character, not the start of a quoted field.
        assert_eq!(b.scan(text), 27);
        // Scanned in pieces, cut anywhere (inside an escaped quote too), the same.
        for cut in 0..text.len() {
            let mut pieces = Boundaries::new();
            let first = pieces.scan(&text[..cut]);
            let second = pieces.scan(&text[cut..]);
            let last = if second > 0 { cut + second } else { first };
            assert_eq!(last, 27, "cut at {cut}");
        }
    }

    #[test]
    fn a_quoted_field_left_open_is_told_however_the_bytes_come() {
        for (text, open) in [
            (&b"a,b\n1,\"x\n2,y\n"[..], true),
            (b"a,b\n1,\"x\"\n2,y\n", false),
            (b"a,b\n1,\"x\"\"", true),
            (b"a,b\n1,\"x\"\"\"", false),
            (b"a,b\n1,x\"y\n", false),
            (b"a,b\r\n1,\"y", true),
            (b"\"a\",b\n1,2", false),
        ] {
            for piece in 1..=text.len() {
                let mut watch = QuoteWatch::new(text, 0);
                let mut buffer = vec![0; piece];
                while watch.read(&mut buffer).unwrap_or(0) > 0 {}
                assert_eq!(
                    watch.in_quotes(),
                    open,
                    "{} in pieces of {piece}",
                    String::from_utf8_lossy(text)
                );
            }
        }
        // A byte-order mark before a quoted name is not a byte of the first field.
        let mut watch = QuoteWatch::new(&b"\xEF\xBB\xBF\"a\",b\n1,2\n"[..], 3);
        std::io::copy(&mut watch, &mut std::io::sink()).ok();
        assert!(!watch.in_quotes());
    }
}
