//! The subcommands: turn flags or a config file into the core's inputs, run the core, and
//! write what it returns. Nothing here computes a metric or reads a CSV.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sextant::{
    audit_states, count_state, load_model, run_audit, score_csv, AuditConfig, AuditInputs,
    AuditResult, Error, ErrorKind, Format, Input, ScoredFormat as Scored, ScoringOptions,
    ScoringSummary,
};

use crate::cli::{
    AuditArgs, Command, ExplainCommand, FairnessArgs, OutputArgs, PredictArgs, ReportFormat,
    ScoredFormat,
};
use crate::explain;
use crate::files::{
    input_name, is_stdin, one_stdin, open_file, read_file, write_file, write_replacing,
    write_stdout, ClosedPipeIsFine, STDIN,
};
use crate::progress::TerminalProgress;
use crate::CliError;

/// Runs a subcommand and returns its exit code. Core errors name options as this command
/// takes them: `--num-samples` for flags, `num_samples` for an audit config's keys.
pub fn run_command(command: Command) -> Result<ExitCode, CliError> {
    let flags = !matches!(command, Command::Audit(_));
    let result = match command {
        Command::Fairness(args) if !args.from_counts.is_empty() => states_command(&args),
        Command::Fairness(args) => fairness_command(&args),
        Command::Count(args) => count_command(&args),
        Command::Predict(args) => predict_command(&args),
        Command::Explain(ExplainCommand::Shap(args)) => explain::shap_command(&args),
        Command::Explain(ExplainCommand::Lime(args)) => explain::lime_command(&args),
        Command::Audit(args) => audit_command(&args),
        Command::Monitor(args) => crate::monitor::monitor_command(&args),
    };
    result.map_err(|e| match e {
        CliError::Core(e) if !flags => CliError::Core(e.spell_option(str::to_owned)),
        other => other.with_flags(),
    })
}

/// An audit's inputs as files: the data at `data`, the names in the config relative to
/// `base` (the config's directory).
struct FileInputs {
    data: PathBuf,
    base: PathBuf,
    /// Standard input, kept when the audit reads its data more than once (explanations).
    stdin: Option<Vec<u8>>,
    keep_stdin: bool,
}

impl FileInputs {
    /// The inputs; `rereads` when the audit reads the data more than once.
    fn new(data: PathBuf, base: PathBuf, rereads: bool) -> Self {
        FileInputs { data, base, stdin: None, keep_stdin: rereads }
    }
}

/// A config's model or background named `-`: only the data may be standard input.
fn only_data_from_stdin(name: &str) -> sextant::Result<()> {
    if name == STDIN {
        return Err(Error::invalid_option(
            "data",
            "only the data of an audit config can be standard input (-), not a model or a background",
        ));
    }
    Ok(())
}

fn core_io(path: &Path, error: &CliError) -> Error {
    let message = match error {
        CliError::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    ErrorKind::Io { source_name: path.display().to_string(), message }.into()
}

impl AuditInputs for FileInputs {
    fn data_name(&self) -> String {
        input_name(&self.data)
    }

    fn open_data(&mut self) -> sextant::Result<Input<'_>> {
        if self.keep_stdin && is_stdin(&self.data) {
            if self.stdin.is_none() {
                self.stdin = Some(read_file(&self.data).map_err(|e| core_io(&self.data, &e))?);
            }
            return Ok(Input::from(self.stdin.as_deref().unwrap_or_default()));
        }
        open_file(&self.data).map_err(|e| core_io(&self.data, &e))
    }

    fn model(&mut self, name: &str) -> sextant::Result<(Vec<u8>, String)> {
        only_data_from_stdin(name)?;
        let path = self.base.join(name);
        let bytes = read_file(&path).map_err(|e| core_io(&path, &e))?;
        Ok((bytes, path.display().to_string()))
    }

    fn open_csv(&mut self, name: &str) -> sextant::Result<(Input<'_>, String)> {
        only_data_from_stdin(name)?;
        let path = self.base.join(name);
        let reader = open_file(&path).map_err(|e| core_io(&path, &e))?;
        Ok((reader, path.display().to_string()))
    }
}

fn predict_command(args: &PredictArgs) -> Result<ExitCode, CliError> {
    one_stdin([args.model.as_path(), args.data.as_path()].into_iter())?;
    let model = load_model(&read_file(&args.model)?, &args.model.display().to_string())?;
    let options = ScoringOptions {
        features: args.features.clone(),
        ignore: args.ignore.clone(),
        output: args.output.clone(),
    };
    let format = match args.format {
        ScoredFormat::Csv => Scored::Csv,
        ScoredFormat::Json => Scored::Json,
    };
    let source = input_name(&args.data);
    let data = open_file(&args.data)?;
    let score = |writer: &mut dyn Write| {
        score_csv(data, writer, &source, model.as_ref(), &options, args.threshold, format)
    };
    match &args.output_file {
        Some(path) => {
            // Replaced only when every row scored: a failed run leaves no partial file.
            let summary = write_replacing(path, |out| Ok(score(out)?))?;
            let _ = writeln!(
                io::stderr(),
                "sextant: scored {} rows into {}{}",
                summary.rows,
                path.display(),
                score_note(&summary)
            );
        }
        None => {
            let summary = score(&mut ClosedPipeIsFine::new(io::stdout().lock()))?;
            if let Some(class) = &summary.output_label {
                let _ = writeln!(io::stderr(), "sextant: score = P(class {class})");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What the score column holds, when the model names its classes: `; score = P(class 1)`.
fn score_note(summary: &ScoringSummary) -> String {
    summary.output_label.as_ref().map(|c| format!("; score = P(class {c})")).unwrap_or_default()
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
    // `data = "-"` reads standard input, as `sextant fairness -` does.
    let data = if data == STDIN { PathBuf::from(STDIN) } else { base.join(data) };
    let inputs = FileInputs::new(data, base.to_path_buf(), config.explanations.is_some());
    audit_files(&config, inputs, &args.output)
}

/// Parses an audit config, with errors on one line naming the line and the key.
fn parse_config(text: &str, source: &str) -> Result<AuditConfig, Error> {
    toml::from_str(text).map_err(|e| {
        let mut message = e.message().lines().next().unwrap_or("invalid TOML").to_owned();
        // A missing key has no line; the span of a duplicated one is its table's.
        let whole = message.starts_with("missing field") || message.starts_with("duplicate field");
        let Some(span) = e.span().filter(|_| !whole) else {
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

/// `sextant fairness DATA …`: the audit of a data file.
fn fairness_command(args: &FairnessArgs) -> Result<ExitCode, CliError> {
    let config = args.config()?;
    let data = args.data.clone().unwrap_or_else(|| PathBuf::from(STDIN));
    let inputs = FileInputs::new(data, PathBuf::from("."), false);
    audit_files(&config, inputs, &args.output)
}

/// `sextant count`: the data's counts as a `sextant.counts/v1` state.
fn count_command(args: &FairnessArgs) -> Result<ExitCode, CliError> {
    // The report's settings are not part of a state: they apply when states are audited.
    for (given, flag) in [
        (args.audit.bootstrap.is_some(), "bootstrap"),
        (!args.audit.max.is_empty() || !args.audit.min.is_empty(), "max/min"),
        (!args.audit.privileged.is_empty(), "privileged"),
        (args.audit.favorable_label.is_some(), "favorable_label"),
        (args.audit.fairlearn_compat, "fairlearn_compat"),
        (args.output.exit_zero, "exit_zero"),
        (!args.from_counts.is_empty(), "from_counts"),
        (args.output.format.is_some(), "format"),
        (args.audit.min_group_size.is_some(), "min_group_size"),
        (args.audit.small_groups.is_some(), "small_groups"),
    ] {
        if given {
            return Err(Error::invalid_option(
                flag,
                "applies when counted states are audited (sextant fairness --from-counts …), not to counting",
            )
            .into());
        }
    }
    let config = args.config()?;
    let data = args.data.clone().unwrap_or_else(|| PathBuf::from(STDIN));
    let mut inputs = FileInputs::new(data, PathBuf::from("."), false);
    let state = count_state(&config, &mut inputs)?;
    let json = sextant::report::counts_json(&state);
    match &args.output.output {
        Some(path) => write_file(path, &json)?,
        None => write_stdout(&json)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `sextant fairness --from-counts …`: the audit of counted states.
fn states_command(args: &FairnessArgs) -> Result<ExitCode, CliError> {
    one_stdin(args.from_counts.iter().map(PathBuf::as_path))?;
    let config = args.config()?;
    let states = args
        .from_counts
        .iter()
        .map(|path| Ok((read_file(path)?, input_name(path))))
        .collect::<Result<Vec<_>, CliError>>()?;
    let result = audit_states(&config, &states, &mut TerminalProgress::default())?;
    write_report(&config, &result, &[], &args.output)
}

fn audit_files(
    config: &AuditConfig,
    mut inputs: FileInputs,
    output: &OutputArgs,
) -> Result<ExitCode, CliError> {
    let outputs: Vec<(Format, PathBuf)> =
        config.outputs.iter().map(|o| (o.format, inputs.base.join(&o.path))).collect();
    let result = run_audit(config, &mut inputs, &mut TerminalProgress::default())?;
    write_report(config, &result, &outputs, output)
}

/// Writes the report to the config's `outputs`, then to `--output` or standard output; the
/// exit code says whether the gates passed.
fn write_report(
    config: &AuditConfig,
    result: &AuditResult,
    outputs: &[(Format, PathBuf)],
    output: &OutputArgs,
) -> Result<ExitCode, CliError> {
    let format = Format::from(output.format.unwrap_or(ReportFormat::Text));
    for (format, path) in outputs {
        write_file(path, &result.render(*format))?;
    }
    match &output.output {
        Some(path) => {
            write_file(path, &result.render(format))?;
            let verdict = sextant::report::verdict(&result.report);
            let _ = writeln!(io::stderr(), "sextant: wrote {} ({verdict})", path.display());
        }
        None => write_stdout(&result.render(format))?,
    }
    let exit_zero = output.exit_zero || config.exit_zero;
    Ok(if result.report.passed || exit_zero { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
