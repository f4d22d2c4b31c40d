//! The subcommands: turn flags or a config file into an [`AuditConfig`], run it through the
//! core, and write the reports. Nothing here computes a metric.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sextant::data::fairness_csv::count_csv;
use sextant::data::scoring::{score_csv, ScoringOptions};
use sextant::explain::plan::Explanations;
use sextant::model::load_model;
use sextant::report::render::{audit_html, render, Format};
use sextant::{audit, AuditConfig, Error, FairnessReport};

use crate::cli::{AuditArgs, Command, ExplainCommand, FairnessArgs, OutputArgs, PredictArgs};
use crate::explain;
use crate::progress::{reading, TerminalProgress};
use crate::CliError;

/// Runs a subcommand and returns its exit code.
pub fn run(command: Command) -> Result<ExitCode, CliError> {
    match command {
        Command::Fairness(args) => {
            let config = fairness_config(&args);
            run_audit(&config, &args.data, Path::new("."), &args.output)
        }
        Command::Predict(args) => predict_command(&args),
        Command::Explain(ExplainCommand::Shap(args)) => explain::shap_command(&args),
        Command::Explain(ExplainCommand::Lime(args)) => explain::lime_command(&args),
        Command::Audit(args) => audit_command(&args),
    }
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io {
        action: "read",
        path: path.display().to_string(),
        source,
    })
}

pub(crate) fn open_file(path: &Path) -> Result<Box<dyn io::Read>, CliError> {
    let file = File::open(path).map_err(|source| CliError::Io {
        action: "read",
        path: path.display().to_string(),
        source,
    })?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok(reading(file, len))
}

fn predict_command(args: &PredictArgs) -> Result<ExitCode, CliError> {
    let model = load_model(&read_file(&args.model)?, &args.model.display().to_string())?;
    let options = ScoringOptions {
        features: args.features.clone(),
        ignore: args.ignore.clone(),
        output: args.output,
        threshold: args.threshold,
        json: args.format == "json",
    };
    let source = args.data.display().to_string();
    let data = open_file(&args.data)?;
    match &args.output_file {
        Some(path) => {
            let file = File::create(path).map_err(|source| CliError::Io {
                action: "write",
                path: path.display().to_string(),
                source,
            })?;
            let summary =
                score_csv(data, io::BufWriter::new(file), &source, model.as_ref(), &options)?;
            let _ = writeln!(
                io::stderr(),
                "sextant: scored {} rows into {}",
                summary.rows,
                path.display()
            );
        }
        None => {
            score_csv(
                data,
                ClosedPipeIsFine(io::stdout().lock()),
                &source,
                model.as_ref(),
                &options,
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
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
        ..AuditConfig::default()
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
    let counted = match &config.model {
        None => count_csv(open_file(data)?, &source, &plan)?,
        Some(model_path) => {
            // Score first (into memory), then audit the scored rows.
            let model_path = base.join(model_path);
            let model = load_model(&read_file(&model_path)?, &model_path.display().to_string())?;
            let options = config.scoring_options();
            let mut scored = Vec::new();
            score_csv(open_file(data)?, &mut scored, &source, model.as_ref(), &options)?;
            count_csv(scored.as_slice(), &source, &plan)?
        }
    };
    let report = audit(&plan, &counted, &source, &mut TerminalProgress::default())?;
    let explanations = match &config.explanations {
        Some(section) => explain::audit_explanations(section, config, data, base)?,
        None => Explanations::default(),
    };
    let render = |format: Format| match format {
        Format::Html => audit_html(&report, explanations.shap.as_ref(), explanations.lime.as_ref()),
        other => render(&report, other),
    };

    for (format, path) in &outputs {
        write_file(path, &render(*format))?;
    }
    match &output.output {
        Some(path) => {
            write_file(path, &render(format))?;
            let _ =
                writeln!(io::stderr(), "sextant: wrote {} ({})", path.display(), verdict(&report));
        }
        None => write_stdout(&render(format)),
    }
    let exit_zero = output.exit_zero || config.exit_zero;
    Ok(if report.passed || exit_zero { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn verdict(report: &FairnessReport) -> String {
    sextant::report::render::document::verdict(report)
}

pub(crate) fn write_file(path: &Path, content: &str) -> Result<(), CliError> {
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

/// A writer for stdout that treats a closed pipe (`sextant … | head`) as the reader having
/// seen enough: later output is dropped, and the command still succeeds.
struct ClosedPipeIsFine<W>(W);

impl<W: Write> Write for ClosedPipeIsFine<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// Writes to stdout; a closed pipe (`sextant … | head`) is not an error.
pub(crate) fn write_stdout(content: &str) {
    let _ = io::stdout().lock().write_all(content.as_bytes());
}
