//! The `sextant` command-line tool: parses flags, reads files, calls the core, writes
//! reports, and maps the outcome to an exit code (0 pass, 1 gate failed, 2 error).

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod commands;
mod explain;
mod progress;

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
        /// "read" or "write".
        action: &'static str,
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            // A closed stderr leaves nothing to report to; the exit code still says it.
            let _ = writeln!(std::io::stderr().lock(), "sextant: error: {error}");
            ExitCode::from(2)
        }
    }
}
