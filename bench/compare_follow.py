"""`sextant monitor --follow` on a growing prediction log, against `sextant monitor` run whole
on the same rows, in one run.

Data: the prediction log of bench/compare_monitor.py (bench/prediction_log.py: ROWS rows,
monthly windows, 3 sensitive and 3 drift columns, one of them continuous), copied to a scratch
file that is then followed with `--follow --output report.json --format json`.
Measured:
  a. `sextant monitor LOG` run whole: wall time and peak RSS (GNU time);
  b. the followed log's first report: wall time from start until report.json appears;
  c. APPENDS times APPEND rows of the log (their time set in its latest window, December, as a
     log's new rows come) appended to the followed file, each waited for in report.json: the
     CPU time the follower spent per update (from /proc/PID/stat, so the
     second it waits between polls does not count), against a's wall time;
  d. the follower's peak RSS (VmHWM), after all updates.
The last report must equal `sextant monitor` run whole on the grown file (the check stops the
script otherwise).

REFERENCE, when given, is passed as `--reference` (a `START/END` range: the windows are then
compared with the rows of that range rather than with the first window).

usage: python bench/compare_follow.py SEXTANT_BINARY OUT_DIR [ROWS] [APPEND] [APPENDS] [REFERENCE]
Results: OUT_DIR/follow.md (table) and OUT_DIR/follow.json (the raw numbers).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from prediction_log import prediction_log
from timing import cpu_name

SEXTANT = sys.argv[1]
OUT = Path(sys.argv[2])
ROWS = int(float(sys.argv[3])) if len(sys.argv) > 3 else 10_000_000
APPEND = int(sys.argv[4]) if len(sys.argv) > 4 else 10_000
APPENDS = int(sys.argv[5]) if len(sys.argv) > 5 else 5
REFERENCE = sys.argv[6] if len(sys.argv) > 6 else None
SENSITIVE = ["sex", "race", "age_group"]
MONITOR = ["--time", "time", "--window", "1mo", "--label", "label", "--pred", "pred",
           *[a for s in SENSITIVE for a in ("--sensitive", s)],
           "--drift", "age", "income", "hours", "--format", "json",
           *(["--reference", REFERENCE] if REFERENCE else [])]
TICKS = os.sysconf("SC_CLK_TCK")


def whole(path):
    """`sextant monitor PATH` run whole: (seconds, peak RSS MiB, report)."""
    command = ["/usr/bin/time", "-v", SEXTANT, "monitor", str(path), *MONITOR]
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)[1]) / 1024
    return seconds, rss, json.loads(out.stdout)


def cpu_seconds(pid):
    """User and system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_mib(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024


def wait_for_rows(report, rows, limit=600):
    """Waits until `report` (a JSON file) counts `rows` rows; returns it."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            found = json.loads(report.read_text())
            if found["rows"] + found.get("rows_without_time", 0) == rows:
                return found
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            pass
        time.sleep(0.02)
    raise RuntimeError(f"no report of {rows} rows after {limit} s")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    log = prediction_log(ROWS)
    whole_s, whole_rss, _ = whole(log)
    lines = log.read_bytes().splitlines(keepends=True)
    # Rows of the log, arriving as a log's rows do: in its latest window (December).
    extra = [b"2025-12-31T12:00:00Z," + line.split(b",", 1)[1]
             for line in lines[1:1 + APPEND * APPENDS]]
    scratch = Path(tempfile.mkdtemp())
    followed = scratch / "log.csv"
    shutil.copyfile(log, followed)
    report = scratch / "report.json"
    start = time.perf_counter()
    process = subprocess.Popen([SEXTANT, "monitor", str(followed), *MONITOR, "--follow",
                                "--output", str(report)], stderr=subprocess.DEVNULL)
    try:
        wait_for_rows(report, ROWS)
        first_s = time.perf_counter() - start
        rows, updates = ROWS, []
        for i in range(APPENDS):
            time.sleep(1.5)  # the follower is idle, waiting for the next poll
            before = cpu_seconds(process.pid)
            with followed.open("ab") as f:
                f.write(b"".join(extra[i * APPEND:(i + 1) * APPEND]))
            rows += APPEND
            last = wait_for_rows(report, rows)
            time.sleep(0.2)  # the atomic rename is the update's last step
            updates.append(cpu_seconds(process.pid) - before)
        follow_rss = peak_rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(10)
    _, _, expected = whole(followed)
    last["source"] = expected["source"]
    if last != expected:
        sys.exit("the followed report differs from the whole run's")
    shutil.rmtree(scratch, ignore_errors=True)
    update_s = min(updates)
    r = {"rows": ROWS, "append": APPEND, "appends": APPENDS, "reference": REFERENCE or "first",
         "whole_s": whole_s, "whole_peak_rss_mib": whole_rss,
         "follow_first_report_s": first_s, "update_cpu_s": updates,
         "update_over_whole": update_s / whole_s, "follow_peak_rss_mib": follow_rss,
         "machine": f"{cpu_name()}, {os.cpu_count()} logical CPUs"}
    text = "\n".join([
        "# `sextant monitor --follow`: an update against a whole run",
        "",
        f"Machine: {r['machine']}. Log: {ROWS:,} rows (bench/prediction_log.py), monthly "
        f"windows, 3 sensitive and 3 drift columns; {APPENDS} appends of {APPEND:,} rows in the "
        "latest window, each waited for; the last report equals a whole run on the grown file.",
        "",
        "| rows | reference | a. whole run | b. followed: first report | c. CPU per update (min of "
        f"{APPENDS}) | update / whole | whole run peak RSS | follower peak RSS |",
        "|---|---|---|---|---|---|---|---|",
        f"| {ROWS:,} | {r['reference']} | {whole_s:.3f} s | {first_s:.3f} s | {update_s:.3f} s | "
        f"{r['update_over_whole']:.3f} | {whole_rss:.0f} MiB | {follow_rss:.0f} MiB |",
    ]) + "\n"
    (OUT / "follow.md").write_text(text)
    (OUT / "follow.json").write_text(json.dumps(r, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
