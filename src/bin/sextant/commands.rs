//! The subcommands: turn flags or a config file into an [`AuditConfig`], run it through the
//! core, and write the reports. Nothing here computes a metric.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sextant::data::fairness_csv::count_csv;
use sextant::report::render::{render, Format};
use sextant::{audit, AuditConfig, Error, FairnessReport};

use crate::cli::{AuditArgs, Command, FairnessArgs, OutputArgs};
use crate::progress::{reading, TerminalProgress};
use crate::CliError;

/// Runs a subcommand and returns its exit code.
pub fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Fairness(args) => {
            let config = fairness_config(&args);
            run_audit(&config, &args.data, Path::new("."), &args.output)
        }
        Command::Audit(args) => audit_command(&args),
    }
}

fn fairness_config(args: &FairnessArgs) -> AuditConfig {
    AuditConfig {
        data: None,
        label: args.label.clone(),
        positive_label: args.positive_label.clone(),
        pred: args.pred.clone(),
        score: args.score.clone(),
        threshold: args.threshold,
        sensitive: args.sensitive.clone(),
        privileged: args.privileged.clone(),
        favorable_label: args.favorable_label.clone(),
        bootstrap: args.bootstrap,
        confidence: args.confidence,
        seed: args.seed,
        fairlearn_compat: args.fairlearn_compat,
        max: args.max.iter().cloned().collect(),
        min: args.min.iter().cloned().collect(),
        gates: Vec::new(),
        exit_zero: args.output.exit_zero,
        outputs: Vec::new(),
    }
}

fn audit_command(args: &AuditArgs) -> Result<ExitCode, CliError> {
    let path = &args.config;
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        action: "read",
        path: path.display().to_string(),
        source,
    })?;
    let config = parse_config(&text, &path.display().to_string())?;
    let base = path.parent().unwrap_or(Path::new("."));
    let data = config.data.clone().ok_or_else(|| {
        Error::config(path.display().to_string(), "missing key `data` (the CSV to audit)")
    })?;
    run_audit(&config, &base.join(data), base, &args.output)
}

/// Parses an audit config, with errors on one line naming the line and the key.
fn parse_config(text: &str, source: &str) -> Result<AuditConfig, Error> {
    toml::from_str(text).map_err(|e| {
        let mut message = e.message().lines().next().unwrap_or("invalid TOML").to_owned();
        let Some(span) = e.span() else {
            return Error::config(source, message);
        };
        let start = span.start.min(text.len());
        let line_number = text[..start].matches('\n').count() + 1;
        let line = text.lines().nth(line_number - 1).unwrap_or("");
        if let Some((key, _)) = line.split_once('=') {
            let key = key.trim();
            if !message.contains(key) {
                message = format!("key `{key}`: {message}");
            }
        }
        Error::config(format!("{source}, line {line_number}"), message)
    })
}

fn run_audit(
    config: &AuditConfig,
    data: &Path,
    base: &Path,
    output: &OutputArgs,
) -> Result<ExitCode, CliError> {
    let format: Format = output.format.parse()?;
    let outputs: Vec<(Format, PathBuf)> = config
        .outputs
        .iter()
        .map(|o| Ok((o.format.parse::<Format>()?, base.join(&o.path))))
        .collect::<Result<_, Error>>()?;
    let plan = config.check()?;
    let source = data.display().to_string();
    let file = File::open(data).map_err(|e| CliError::Io {
        action: "read",
        path: source.clone(),
        source: e,
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let counted = count_csv(reading(file, len), &source, &plan)?;
    let report = audit(&plan, &counted, &source, &mut TerminalProgress::default())?;

    for (format, path) in &outputs {
        write_file(path, &render(&report, *format))?;
    }
    match &output.output {
        Some(path) => {
            write_file(path, &render(&report, format))?;
            let _ =
                writeln!(io::stderr(), "sextant: wrote {} ({})", path.display(), verdict(&report));
        }
        None => write_stdout(&render(&report, format)),
    }
    let exit_zero = output.exit_zero || config.exit_zero;
    Ok(if report.passed || exit_zero { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn verdict(report: &FairnessReport) -> String {
    sextant::report::render::document::verdict(report)
}

fn write_file(path: &Path, content: &str) -> Result<(), CliError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Io {
            action: "create the directory of",
            path: path.display().to_string(),
            source,
        })?;
    }
    std::fs::write(path, content).map_err(|source| CliError::Io {
        action: "write",
        path: path.display().to_string(),
        source,
    })
}

/// Writes to stdout; a closed pipe (`sextant … | head`) is not an error.
fn write_stdout(content: &str) {
    let _ = io::stdout().lock().write_all(content.as_bytes());
}
