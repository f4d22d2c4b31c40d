//! The `sextant` command-line tool: parses flags, reads files, calls the core, writes
//! reports, and maps the outcome to an exit code (0 pass, 1 gate failed, 2 error).

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod commands;
mod explain;
mod files;
mod monitor;
mod otlp;
mod progress;
mod serve;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// What can stop a command: a core error, or a file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The core rejected the input.
    #[error(transparent)]
    Core(#[from] sextant::Error),
    /// A file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// "read", "write" or "create the directory of".
        action: &'static str,
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl CliError {
    /// The error with a core error's options named as flags (`--num-samples`).
    fn with_flags(self) -> Self {
        match self {
            CliError::Core(e) => {
                CliError::Core(e.spell_option(|w| format!("--{}", w.replace('_', "-"))))
            }
            other => other,
        }
    }

    /// The message on one line: a line break inside a value it quotes is written `\n` or
    /// `\r`, so that one error is one line of standard error.
    fn line(&self) -> String {
        self.to_string().replace('\r', "\\r").replace('\n', "\\n")
    }
}

/// A usage error on one line, as every other error (`invalid --format: "pdf" is not one of
/// text, json, …`); help and version requests print as clap prints them.
fn parse_args() -> Result<cli::Cli, String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let error = match cli::Cli::try_parse() {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        error.exit();
    }
    if let (
        Some(ContextValue::String(arg)),
        Some(ContextValue::String(value)),
        Some(ContextValue::Strings(valid)),
    ) = (
        error.get(ContextKind::InvalidArg),
        error.get(ContextKind::InvalidValue),
        error.get(ContextKind::ValidValue),
    ) {
        // No list of values to name (a flag given none, or one whose values are not a
        // list): clap's own message says what is wrong.
        if valid.is_empty() || value.is_empty() {
            return Err(one_line(&error.render().to_string()));
        }
        let flag = arg.split_whitespace().next().unwrap_or(arg);
        return Err(format!("invalid {flag}: \"{value}\" is not one of {}", valid.join(", ")));
    }
    Err(one_line(&error.render().to_string()))
}

/// clap's message on one line: its lines before the usage, a list (the arguments not
/// given) joined by commas, a tip after a semicolon.
fn one_line(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .take_while(|line| !line.starts_with("Usage:"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let Some((first, rest)) = lines.split_first() else { return "invalid arguments".to_owned() };
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match (rest.is_empty(), first.ends_with(':')) {
        (true, _) => first.to_owned(),
        (false, true) => format!("{first} {}", rest.join(", ")),
        (false, false) => format!("{first}; {}", rest.join("; ")),
    }
}

fn main() -> ExitCode {
    // A decoder's panic on a corrupt input becomes the input's one-line error: the hook
    // stays quiet about it (any other panic is a bug, reported as Rust reports it).
    let report_panic = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        if !sextant::guarding() {
            report_panic(panic);
        }
    }));
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(message) => {
            let _ = writeln!(std::io::stderr().lock(), "sextant: error: {message}");
            return ExitCode::from(2);
        }
    };
    match commands::run_command(cli.command) {
        Ok(code) => code,
        Err(error) => {
            // A closed stderr leaves nothing to report to; the exit code still says it.
            let _ = writeln!(std::io::stderr().lock(), "sextant: error: {}", error.line());
            ExitCode::from(2)
        }
    }
}
