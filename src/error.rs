//! The one error type of the core: what went wrong, and where (source, line, column).
//!
//! Shaped like rust-csv's: a boxed [`ErrorKind`] keeps `Result<T>` one word wide, and
//! [`ErrorKind::code`] gives adapters (CLI, WASM) a stable identifier to match on.

use std::fmt;

/// The result type of every fallible core function.
pub type Result<T> = std::result::Result<T, Error>;

/// Where in an input a problem was found. Every field is optional because not every error
/// comes from a file (a bad option has no line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The input's name as the user knows it (a path, or `<data>` for in-memory input).
    pub source: Option<String>,
    /// 1-based line number in the source (text inputs).
    pub line: Option<u64>,
    /// 1-based data row in the source (columnar inputs, which have no lines).
    pub row: Option<u64>,
    /// Column name.
    pub column: Option<String>,
}

impl Location {
    /// A location in `source`.
    pub fn source(source: &str) -> Self {
        Location { source: Some(source.to_owned()), ..Location::default() }
    }

    /// This location, at `line`.
    #[must_use]
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// This location, at data row `row` (1-based).
    #[must_use]
    pub fn at_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// This location, in `column`.
    #[must_use]
    pub fn in_column(mut self, column: &str) -> Self {
        self.column = Some(column.to_owned());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(source) = &self.source {
            parts.push(source.clone());
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            parts.push(format!("column \"{column}\""));
        }
        f.write_str(&parts.join(", "))
    }
}

/// What went wrong. New kinds may be added, so match with a wildcard arm.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The CSV could not be parsed (ragged rows, bad quoting, I/O).
    #[error("{at}: {message}")]
    Csv {
        /// Where.
        at: Location,
        /// What the CSV reader reported.
        message: String,
    },
    /// A Parquet or Arrow IPC input could not be decoded, or has a column Sextant cannot read.
    #[error("{at}: {message}")]
    Columnar {
        /// Where.
        at: Location,
        /// What the decoder reported.
        message: String,
    },
    /// Bytes that are not UTF-8 where text is needed.
    #[error("{at}: not valid UTF-8 text")]
    NotUtf8 {
        /// Where.
        at: Location,
    },
    /// The input has no header row at all.
    #[error("{source_name}: the file is empty (expected a header row)")]
    Empty {
        /// The input's name.
        source_name: String,
    },
    /// The input has a header but no data rows.
    #[error("{source_name}: the file has a header but no data rows")]
    NoRows {
        /// The input's name.
        source_name: String,
    },
    /// A column named by the user is not in the header.
    #[error("{source_name}: no column \"{column}\"{}", suggestion_text(.suggestions))]
    UnknownColumn {
        /// The input's name.
        source_name: String,
        /// The requested column.
        column: String,
        /// Header names close to the requested one.
        suggestions: Vec<String>,
    },
    /// A header names the same column twice, so a name does not pick one column.
    #[error("{source_name}: the header has column \"{column}\" more than once")]
    DuplicateColumn {
        /// The input's name.
        source_name: String,
        /// The repeated name.
        column: String,
    },
    /// A cell value that cannot be used.
    #[error("{at}: {message}")]
    InvalidValue {
        /// Where.
        at: Location,
        /// Why the value is unusable, quoting it.
        message: String,
    },
    /// An option (flag, config key, API field) with a bad value.
    #[error("invalid {name}: {message}")]
    InvalidOption {
        /// The option, as the user spelled it.
        name: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// An audit configuration that cannot be read.
    #[error("{source_name}: {message}")]
    Config {
        /// The config's name.
        source_name: String,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A model file that cannot be used.
    #[error("{source_name}: {message}")]
    Model {
        /// The model's name (a path, or `<model>`).
        source_name: String,
        /// What is wrong with it.
        message: String,
    },
    /// A model operator Sextant cannot evaluate.
    #[error("{source_name}: unsupported operator {op_type} (node \"{node}\"){}", if .hint.is_empty() { String::new() } else { format!("; {}", .hint) })]
    UnsupportedOperator {
        /// The model's name.
        source_name: String,
        /// The operator, with its domain when not the default one (`ai.onnx.ml:SVMClassifier`).
        op_type: String,
        /// The node's name.
        node: String,
        /// What to do instead, if anything.
        hint: String,
    },
    /// An input that cannot be read (a file the adapter opens for the core).
    #[error("cannot read {source_name}: {message}")]
    Io {
        /// The input's name (a path).
        source_name: String,
        /// What the system reported.
        message: String,
    },
    /// The caller cancelled the work (an `AbortSignal` in JavaScript).
    #[error("cancelled")]
    Cancelled,
    /// Two states that count different things cannot be merged.
    #[error("cannot merge counts over columns {left:?} with counts over columns {right:?}")]
    MergeMismatch {
        /// Columns of the receiving state.
        left: Vec<String>,
        /// Columns of the other state.
        right: Vec<String>,
    },
}

fn suggestion_text(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = suggestions.iter().map(|s| format!("\"{s}\"")).collect();
        format!(" (did you mean {}?)", quoted.join(" or "))
    }
}

impl ErrorKind {
    /// Every [`ErrorKind::code`], in declaration order.
    pub const CODES: [&'static str; 15] = [
        "csv",
        "columnar",
        "not_utf8",
        "empty_input",
        "no_rows",
        "unknown_column",
        "duplicate_column",
        "invalid_value",
        "invalid_option",
        "invalid_config",
        "invalid_model",
        "unsupported_operator",
        "io",
        "cancelled",
        "merge_mismatch",
    ];

    /// A stable, machine-readable identifier of the kind, e.g. `"unknown_column"`.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::Csv { .. } => "csv",
            ErrorKind::Columnar { .. } => "columnar",
            ErrorKind::NotUtf8 { .. } => "not_utf8",
            ErrorKind::Empty { .. } => "empty_input",
            ErrorKind::NoRows { .. } => "no_rows",
            ErrorKind::UnknownColumn { .. } => "unknown_column",
            ErrorKind::DuplicateColumn { .. } => "duplicate_column",
            ErrorKind::InvalidValue { .. } => "invalid_value",
            ErrorKind::InvalidOption { .. } => "invalid_option",
            ErrorKind::Config { .. } => "invalid_config",
            ErrorKind::Model { .. } => "invalid_model",
            ErrorKind::UnsupportedOperator { .. } => "unsupported_operator",
            ErrorKind::MergeMismatch { .. } => "merge_mismatch",
            ErrorKind::Io { .. } => "io",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

/// The core's error: a boxed [`ErrorKind`].
#[derive(Debug, Clone, PartialEq)]
pub struct Error(Box<ErrorKind>);

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Unwraps into the kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// The kind's stable identifier (see [`ErrorKind::code`]).
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// An [`ErrorKind::InvalidOption`] error.
    #[cold]
    #[must_use]
    pub fn invalid_option(name: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorKind::InvalidOption { name: name.into(), message: message.into() }.into()
    }

    /// An [`ErrorKind::InvalidValue`] error.
    #[cold]
    #[must_use]
    pub fn invalid_value(at: Location, message: impl Into<String>) -> Self {
        ErrorKind::InvalidValue { at, message: message.into() }.into()
    }

    /// An [`ErrorKind::Model`] error.
    #[cold]
    #[must_use]
    pub fn model(source_name: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorKind::Model { source_name: source_name.into(), message: message.into() }.into()
    }

    /// An [`ErrorKind::Config`] error.
    #[cold]
    #[must_use]
    pub fn config(source_name: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorKind::Config { source_name: source_name.into(), message: message.into() }.into()
    }
}

impl Error {
    /// Where the error is, for the kinds that name a place in an input.
    pub fn location(&self) -> Option<&Location> {
        match &*self.0 {
            ErrorKind::Csv { at, .. }
            | ErrorKind::Columnar { at, .. }
            | ErrorKind::NotUtf8 { at }
            | ErrorKind::InvalidValue { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The error placed at `line` of its input, when it names a place without a line.
    #[must_use]
    #[cfg(not(target_arch = "wasm32"))] // followed inputs, native only
    pub(crate) fn or_at_line(mut self, line: u64) -> Self {
        if let ErrorKind::Csv { at, .. }
        | ErrorKind::Columnar { at, .. }
        | ErrorKind::NotUtf8 { at }
        | ErrorKind::InvalidValue { at, .. } = &mut *self.0
        {
            at.line = at.line.or(Some(line));
        }
        self
    }
}

impl Error {
    /// The error with the options it names spelled as an adapter spells options: `spell`
    /// gets each option word and returns it as the user writes it (`--num-samples` on the
    /// command line, `numSamples` in JavaScript, `num_samples` in an audit config). The
    /// core names options by their config keys: in an invalid option's name (each word of
    /// `pred/score`, the `max` of `max demographic_parity_difference`), and in messages
    /// between `‹ ›` (`use ‹score› with ‹threshold›`), whose marks go.
    #[must_use]
    pub fn spell_option(self, spell: impl Fn(&str) -> String) -> Self {
        match *self.0 {
            ErrorKind::InvalidOption { name, message } => {
                let (head, tail) = name.split_once(' ').unwrap_or((&name, ""));
                let words: Vec<String> = head
                    .split('/')
                    .map(|w| if is_option_word(w) { spell(w) } else { w.to_owned() })
                    .collect();
                let mut name = words.join("/");
                if !tail.is_empty() {
                    name = format!("{name} {tail}");
                }
                ErrorKind::InvalidOption { name, message: spell_marked(&message, &spell) }.into()
            }
            ErrorKind::InvalidValue { at, message } => {
                ErrorKind::InvalidValue { at, message: spell_marked(&message, &spell) }.into()
            }
            kind => kind.into(),
        }
    }
}

/// Whether `word` is an option's config key (`num_samples`).
fn is_option_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// `text` with every `‹key›` replaced by `spell(key)`.
fn spell_marked(text: &str, spell: &impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('‹') {
        let after = &rest[start + '‹'.len_utf8()..];
        match after.find('›') {
            Some(end) if is_option_word(&after[..end]) => {
                out.push_str(&rest[..start]);
                out.push_str(&spell(&after[..end]));
                rest = &after[end + '›'.len_utf8()..];
            }
            _ => {
                out.push_str(&rest[..start + '‹'.len_utf8()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

/// Up to two names from `candidates` closest to `wanted` (for "did you mean" hints).
pub fn closest_names<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(2).map(|(_, c)| c.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_reads_naturally() {
        let at = Location::source("loans.csv").at_line(17).in_column("score");
        assert_eq!(at.to_string(), "loans.csv, line 17, column \"score\"");
    }

    #[test]
    fn unknown_column_suggests_close_names() {
        let e: Error = ErrorKind::UnknownColumn {
            source_name: "a.csv".into(),
            column: "scor".into(),
            suggestions: closest_names("scor", ["score", "label", "sex"]),
        }
        .into();
        assert_eq!(e.to_string(), "a.csv: no column \"scor\" (did you mean \"score\"?)");
        assert_eq!(e.code(), "unknown_column");
    }

    #[test]
    fn adapters_spell_option_names_their_way() {
        let flag = |w: &str| format!("--{}", w.replace('_', "-"));
        let spelled = |name: &str| Error::invalid_option(name, "x").spell_option(flag).to_string();
        assert_eq!(spelled("num_samples"), "invalid --num-samples: x");
        assert_eq!(spelled("pred/score"), "invalid --pred/--score: x");
        assert_eq!(
            spelled("max demographic_parity_dif"),
            "invalid --max demographic_parity_dif: x"
        );
        assert_eq!(spelled("explanations.rows"), "invalid explanations.rows: x");
        let hint = Error::invalid_value(Location::source("a.csv"), "use ‹score› with ‹threshold›");
        assert_eq!(hint.spell_option(flag).to_string(), "a.csv: use --score with --threshold");
        let csv = Error::invalid_value(Location::source("a.csv"), "bad");
        assert_eq!(csv.clone().spell_option(flag), csv);
    }

    #[test]
    fn codes_lists_every_kind() {
        let at = || Location::source("a");
        let text = String::new;
        let kinds = [
            ErrorKind::Csv { at: at(), message: text() },
            ErrorKind::Columnar { at: at(), message: text() },
            ErrorKind::NotUtf8 { at: at() },
            ErrorKind::Empty { source_name: text() },
            ErrorKind::NoRows { source_name: text() },
            ErrorKind::UnknownColumn { source_name: text(), column: text(), suggestions: vec![] },
            ErrorKind::DuplicateColumn { source_name: text(), column: text() },
            ErrorKind::InvalidValue { at: at(), message: text() },
            ErrorKind::InvalidOption { name: text(), message: text() },
            ErrorKind::Config { source_name: text(), message: text() },
            ErrorKind::Model { source_name: text(), message: text() },
            ErrorKind::UnsupportedOperator {
                source_name: text(),
                op_type: text(),
                node: text(),
                hint: text(),
            },
            ErrorKind::Io { source_name: text(), message: text() },
            ErrorKind::Cancelled,
            ErrorKind::MergeMismatch { left: vec![], right: vec![] },
        ];
        // A new kind must be added here (the match is exhaustive) and to CODES.
        for kind in &kinds {
            match kind {
                ErrorKind::Csv { .. }
                | ErrorKind::Columnar { .. }
                | ErrorKind::NotUtf8 { .. }
                | ErrorKind::Empty { .. }
                | ErrorKind::NoRows { .. }
                | ErrorKind::UnknownColumn { .. }
                | ErrorKind::DuplicateColumn { .. }
                | ErrorKind::InvalidValue { .. }
                | ErrorKind::InvalidOption { .. }
                | ErrorKind::Config { .. }
                | ErrorKind::Model { .. }
                | ErrorKind::UnsupportedOperator { .. }
                | ErrorKind::Io { .. }
                | ErrorKind::Cancelled
                | ErrorKind::MergeMismatch { .. } => {}
            }
        }
        let codes: Vec<&str> = kinds.iter().map(ErrorKind::code).collect();
        assert_eq!(codes, ErrorKind::CODES);
    }

    #[test]
    fn error_is_send_sync() {
        fn assert_traits<T: Send + Sync + Unpin>() {}
        assert_traits::<Error>();
    }
}
