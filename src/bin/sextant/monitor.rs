//! `sextant monitor`: the flags into a monitoring plan, the files into inputs, the report
//! into its format, and the gates into the exit code; with `--serve`, `--follow` and
//! `--otlp-endpoint`, the long-running exporter that keeps the gauges current.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sextant::report::{monitor_html, monitor_json, monitor_markdown, monitor_text, openmetrics};
use sextant::{Error, Input, MonitorOptions, MonitorPlan, MonitorReport, TableFormat, WindowSpec};

use crate::cli::{unique_limits, MonitorArgs, MonitorFormat};
use crate::files::{
    input_name, is_stdin, one_stdin, open_file, read_file, write_file, write_stdout,
};
use crate::otlp::OtlpPush;
use crate::progress::TerminalProgress;
use crate::serve::{serve, Exposition};
use crate::CliError;

/// How often `--follow` looks for new rows.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// Runs `sextant monitor`.
pub fn monitor_command(args: &MonitorArgs) -> Result<ExitCode, CliError> {
    one_stdin([Some(args.data.as_path()), args.reference_file.as_deref()].into_iter().flatten())?;
    let fairness = args.audit.config(args.exit_zero)?.check()?;
    let options = MonitorOptions {
        time: args.time.clone(),
        window: args.window.clone(),
        drift: args.drift.clone(),
        categorical: args.categorical.clone(),
        reference: args.reference.clone(),
        max_drift: unique_limits("max_drift", &args.max_drift)?,
        max_change: unique_limits("max_change", &args.max_change)?,
        gate_windows: args.gate_windows.into(),
    };
    let plan = options.check(fairness, args.reference_file.is_some())?;
    if args.follow {
        check_follow(args, &plan)?;
    }
    let otlp = args.otlp_endpoint.as_deref().map(OtlpPush::new).transpose()?;
    let exposition: Exposition = Arc::new(Mutex::new(String::new()));
    let mut data = Data::new(&args.data, args.follow);
    let report = run(args, &plan, data.input()?)?;
    let push = |report: &MonitorReport| -> Result<(), CliError> {
        match &otlp {
            Some(otlp) => otlp.push(report),
            None => Ok(()),
        }
    };
    if !args.follow && args.serve.is_none() {
        // The report is written before the push, whose failure it survives.
        write_output(args, &report, false)?;
        push(&report)?;
        return Ok(if report.passed || args.exit_zero {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let show = |report: &MonitorReport| -> Result<(), CliError> {
        if let Ok(mut served) = exposition.lock() {
            *served = openmetrics(report);
        }
        if args.output.is_some() {
            write_output(args, report, true)?;
        }
        Ok(())
    };
    show(&report)?;
    if let Some(address) = &args.serve {
        let bound = serve(address, exposition.clone())?;
        eprintln!("sextant: serving the latest window's gauges at http://{bound}/metrics");
    }
    // Serving and following outlive a collector that is down: its failure is reported, and
    // the gauges are pushed again with the next update.
    if let Err(error) = push(&report) {
        eprintln!("sextant: error: {}", error.with_flags());
    }
    loop {
        std::thread::sleep(FOLLOW_INTERVAL);
        if !args.follow {
            continue;
        }
        // Whatever fails now (a bad row appended, a log rotated away, a collector down) is
        // reported, and the last good gauges stay served.
        let mut update = || -> Result<(), CliError> {
            if data.grew()? {
                let report = run(args, &plan, data.input()?)?;
                show(&report)?;
                push(&report)?;
            }
            Ok(())
        };
        if let Err(error) = update() {
            eprintln!(
                "sextant: error: {} (the served gauges are the last good ones)",
                error.with_flags()
            );
        }
    }
}

/// `--follow` reads a CSV as it grows: not the input whose first bytes are `start`, when
/// they are a Parquet or Arrow file's.
fn refuse_columnar(start: &[u8]) -> Result<(), CliError> {
    if TableFormat::detect(start) != TableFormat::Csv {
        return Err(Error::invalid_option(
            "follow",
            "reads rows appended to a CSV file; a Parquet or Arrow file is monitored whole",
        )
        .into());
    }
    Ok(())
}

/// `--follow` reads a CSV as it grows, and updates something that outlives the command.
fn check_follow(args: &MonitorArgs, plan: &MonitorPlan) -> Result<(), CliError> {
    if args.serve.is_none() && args.output.is_none() && args.otlp_endpoint.is_none() {
        return Err(Error::invalid_option(
            "follow",
            "updates --serve, --output or --otlp-endpoint: give at least one",
        )
        .into());
    }
    if !is_stdin(&args.data) {
        let mut magic = Vec::new();
        let file = std::fs::File::open(&args.data).map_err(|source| CliError::Io {
            action: "read",
            path: args.data.display().to_string(),
            source,
        })?;
        file.take(8).read_to_end(&mut magic).map_err(|source| CliError::Io {
            action: "read",
            path: args.data.display().to_string(),
            source,
        })?;
        refuse_columnar(&magic)?;
    }
    if matches!(plan.window, WindowSpec::Rows(_)) {
        return Err(Error::invalid_option(
            "follow",
            "rows:N windows depend on every row's time order; use calendar windows (1d, 7d, 1mo, Nh, Nd)",
        )
        .into());
    }
    Ok(())
}

fn run(args: &MonitorArgs, plan: &MonitorPlan, data: Input<'_>) -> Result<MonitorReport, CliError> {
    let reference_name = args.reference_file.as_deref().map(input_name);
    let reference = args.reference_file.as_deref().map(open_file).transpose()?;
    let progress = &mut TerminalProgress::default();
    let name = input_name(&args.data);
    Ok(sextant::monitor(plan, data, &name, reference.zip(reference_name.as_deref()), progress)?)
}

/// Writes the report in its format to `--output` (replaced at once when `atomic`, for a
/// textfile collector reading it meanwhile) or standard output.
fn write_output(args: &MonitorArgs, report: &MonitorReport, atomic: bool) -> Result<(), CliError> {
    let text = match args.format {
        MonitorFormat::Text => monitor_text(report),
        MonitorFormat::Json => monitor_json(report),
        MonitorFormat::Markdown => monitor_markdown(report),
        MonitorFormat::Html => monitor_html(report),
        MonitorFormat::Openmetrics => openmetrics(report),
    };
    match &args.output {
        Some(path) if atomic => {
            let partial = path.with_extension("partial");
            write_file(&partial, &text)?;
            std::fs::rename(&partial, path).map_err(|source| CliError::Io {
                action: "write",
                path: path.display().to_string(),
                source,
            })
        }
        Some(path) => write_file(path, &text),
        None => write_stdout(&text),
    }
}

/// The data: a file (read at offsets, or re-read whole as it grows), or standard input
/// (kept in memory as it arrives when followed).
enum Data {
    File { path: PathBuf, follow: bool, seen: u64 },
    Stdin { follow: bool, received: Arc<Mutex<Vec<u8>>>, ended: Arc<AtomicBool>, seen: usize },
}

impl Data {
    fn new(path: &Path, follow: bool) -> Self {
        if !is_stdin(path) {
            return Data::File { path: path.to_owned(), follow, seen: 0 };
        }
        let received = Arc::new(Mutex::new(Vec::new()));
        let ended = Arc::new(AtomicBool::new(false));
        if follow {
            let (sink, end) = (received.clone(), ended.clone());
            std::thread::spawn(move || {
                let mut buffer = vec![0; 1 << 16];
                let mut stdin = std::io::stdin().lock();
                while let Ok(n) = stdin.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut received) = sink.lock() {
                        received.extend_from_slice(&buffer[..n]);
                    }
                }
                end.store(true, Ordering::Relaxed);
            });
        }
        Data::Stdin { follow, received, ended, seen: 0 }
    }

    /// Whether whole new lines arrived since the last [`Data::input`].
    fn grew(&mut self) -> Result<bool, CliError> {
        Ok(match self {
            Data::File { path, seen, .. } => {
                let len = std::fs::metadata(&*path)
                    .map_err(|source| CliError::Io {
                        action: "read",
                        path: path.display().to_string(),
                        source,
                    })?
                    .len();
                len != *seen
            }
            Data::Stdin { received, seen, .. } => {
                received.lock().map(|r| complete_lines(&r) != *seen).unwrap_or(false)
            }
        })
    }

    /// The data to monitor now: the whole file, or its complete lines when followed (a line
    /// being written is left for the next update).
    fn input(&mut self) -> Result<Input<'static>, CliError> {
        match self {
            Data::File { path, follow: false, .. } => open_file(path),
            Data::File { path, seen, .. } => {
                let mut bytes = read_file(path)?;
                *seen = bytes.len() as u64;
                bytes.truncate(complete_lines(&bytes));
                Ok(Input::RandomAccess(Arc::new(bytes)))
            }
            Data::Stdin { follow: false, .. } => Ok(Input::from(std::io::stdin())),
            Data::Stdin { received, ended, seen, .. } => {
                // Wait for the header and a first row before the first report (or the end
                // of the input, which the core then reports).
                loop {
                    let bytes = received.lock().map(|r| r.clone()).unwrap_or_default();
                    let end = if ended.load(Ordering::Relaxed) {
                        bytes.len()
                    } else {
                        complete_lines(&bytes)
                    };
                    // Followed, standard input is a CSV, as a followed file is.
                    if bytes.len() >= 8 || ended.load(Ordering::Relaxed) {
                        refuse_columnar(&bytes)?;
                    }
                    let lines = bytes[..end].iter().filter(|&&b| b == b'\n').count();
                    if lines >= 2 || ended.load(Ordering::Relaxed) {
                        *seen = end;
                        return Ok(Input::RandomAccess(Arc::new(bytes[..end].to_vec())));
                    }
                    std::thread::sleep(FOLLOW_INTERVAL);
                }
            }
        }
    }
}

/// The length of `bytes` up to and including its last newline.
fn complete_lines(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}
