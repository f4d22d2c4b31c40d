//! `sextant monitor`: the flags into a monitoring plan, the files into inputs, the report
//! into its format, and the gates into the exit code.

use std::process::ExitCode;

use sextant::report::{monitor_json, monitor_markdown, monitor_text, openmetrics};
use sextant::MonitorOptions;

use crate::cli::{MonitorArgs, MonitorFormat};
use crate::commands::fairness_config;
use crate::files::{input_name, one_stdin, open_file, write_file, write_stdout};
use crate::progress::TerminalProgress;
use crate::CliError;

/// Runs `sextant monitor`.
pub fn monitor_command(args: &MonitorArgs) -> Result<ExitCode, CliError> {
    one_stdin([Some(args.data.as_path()), args.reference_file.as_deref()].into_iter().flatten())?;
    let fairness = fairness_config(&args.audit, args.exit_zero).check()?;
    let options = MonitorOptions {
        time: args.time.clone(),
        window: args.window.clone(),
        drift: args.drift.clone(),
        categorical: args.categorical.clone(),
        reference: args.reference.clone(),
        max_drift: args.max_drift.clone(),
        max_change: args.max_change.clone(),
        gate_windows: args.gate_windows.into(),
    };
    let plan = options.check(fairness, args.reference_file.is_some())?;
    let data = open_file(&args.data)?;
    let reference_name = args.reference_file.as_deref().map(input_name);
    let reference = match &args.reference_file {
        Some(path) => Some(open_file(path)?),
        None => None,
    };
    let report = sextant::monitor(
        &plan,
        data,
        &input_name(&args.data),
        reference.zip(reference_name.as_deref()),
        &mut TerminalProgress::default(),
    )?;
    let text = match args.format {
        MonitorFormat::Text => monitor_text(&report),
        MonitorFormat::Json => monitor_json(&report),
        MonitorFormat::Markdown => monitor_markdown(&report),
        MonitorFormat::Openmetrics => openmetrics(&report),
    };
    match &args.output {
        Some(path) => write_file(path, &text)?,
        None => write_stdout(&text)?,
    }
    Ok(if report.passed || args.exit_zero { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
