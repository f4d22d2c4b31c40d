"""`sextant monitor` against `sextant fairness` and against the same per-window loop in Python
(pandas + fairlearn + numpy/scipy), on one prediction log, in one run.

Data (generated once into target/bench-data/monitor-ROWS.csv): ROWS rows of `time` (RFC 3339
UTC, uniform over the 12 months of 2025, not sorted), `label`, `pred`, `score`, the sensitive
`sex` (2 values), `race` (5) and `age_group` (3), and the drift columns `age` (integer),
`income` (float) and `hours` (integer), whose distributions and the score shift over the year.
Timed (a and b in REPEATS rounds after a warm-up, alternating, so that the shared machine's
changing load falls on both alike: each one's best time, and monitor / fairness as the median
of the rounds' ratios; c best of REPEATS, or from 10M rows, about 7 minutes a run on 2 CPUs,
once):
  a. `sextant fairness LOG --label label --pred pred --sensitive sex/race/age_group` (process),
  b. `sextant monitor LOG --time time --window 1mo ... --drift age income hours
     --fairlearn-compat` (process; undefined rates counted as 0, as fairlearn counts them, so
     that the small groups of a small log compare too),
  c. the same in Python: pandas read_csv (pyarrow engine) of the needed columns,
     pd.to_datetime(utc=True), calendar months, and per month one fairlearn MetricFrame (count,
     selection_rate, tpr, fpr, accuracy) per sensitive column with its between-groups
     demographic parity difference/ratio and equalized odds difference (what fairlearn's
     functions compute, from that MetricFrame), and per drift column PSI, Jensen-Shannon
     distance, KS statistic and p-value and Wasserstein distance against the first month, as
     defined in ../shared/reference/README.md ("Monitoring").
The monitor report is checked against the loop's numbers (differences and drift statistics to
1e-9, p-values to 1e-7); the script stops with the differences otherwise.

usage: python bench/compare_monitor.py SEXTANT_BINARY OUT_DIR [ROWS] [REPEATS]
Results: OUT_DIR/monitor.md (table) and OUT_DIR/monitor.json (the raw numbers).
"""
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import fairlearn
import numpy as np
import pandas as pd
import scipy
from fairlearn.metrics import (MetricFrame, count, false_positive_rate, selection_rate,
                               true_positive_rate)
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp, wasserstein_distance
from sklearn.metrics import accuracy_score

from agreement import agrees
from prediction_log import prediction_log
from timing import best_of, cpu_name, median_ratio, rounds

SEXTANT = sys.argv[1]
OUT = Path(sys.argv[2])
ROWS = int(float(sys.argv[3])) if len(sys.argv) > 3 else 10_000_000
REPEATS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
SENSITIVE = ["sex", "race", "age_group"]
DRIFT = ["age", "income", "hours"]
AUDIT = ["--label", "label", "--pred", "pred"] + [a for s in SENSITIVE for a in ("--sensitive", s)]
MONITOR = ["--time", "time", "--window", "1mo", *AUDIT, "--drift", *DRIFT, "--fairlearn-compat"]
METRICS = {"count": count, "selection_rate": selection_rate, "tpr": true_positive_rate,
           "fpr": false_positive_rate, "accuracy": accuracy_score}
DECILES = np.arange(1, 10) / 10
PYTHON_ONCE = 10_000_000  # from this many rows the Python loop runs once


def sextant(command, path, args):
    """`sextant COMMAND PATH ARGS --format json` as a dict (exit 0, or 1 for a failed gate)."""
    out = subprocess.run([SEXTANT, command, str(path), *args, "--format", "json"], capture_output=True)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.decode())
    return json.loads(out.stdout)


def peak_rss_mib(path):
    """Peak RSS of one more `sextant monitor` run: GNU time's, else the children's rusage (an
    upper bound: a forked child's maximum counts the Python parent's pages)."""
    command = [SEXTANT, "monitor", str(path), *MONITOR, "--format", "json"]
    if os.path.exists("/usr/bin/time"):
        out = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
        return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)[1]) / 1024
    subprocess.run(command, capture_output=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def numeric_drift(reference):
    """The drift statistics of a sample against `reference` (README "Monitoring")."""
    edges = np.quantile(reference, DECILES)
    ref = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=10) / len(reference)

    def statistics(current):
        cur = np.bincount(np.searchsorted(edges, current, side="right"), minlength=10) / len(current)
        r, c = np.maximum(ref, 1e-4), np.maximum(cur, 1e-4)
        ks = ks_2samp(reference, current, method="asymp")
        return {"psi": float(np.sum((c - r) * np.log(c / r))),
                "js": float(jensenshannon(ref, cur, base=2)),
                "ks": float(ks.statistic), "ks_pvalue": float(ks.pvalue),
                "wasserstein": float(wasserstein_distance(reference, current))}
    return statistics


def python_loop(path):
    """Per calendar month: fairness per sensitive column and drift against the first month."""
    frame = pd.read_csv(path, usecols=["time", "label", "pred", *SENSITIVE, *DRIFT], engine="pyarrow")
    times = pd.to_datetime(frame["time"], utc=True)
    months = frame.groupby((times.dt.year * 12 + times.dt.month - 1).to_numpy()).indices
    first = months[min(months)]
    drift = {c: (frame[c].to_numpy(float), numeric_drift(frame[c].to_numpy(float)[first]))
             for c in DRIFT}
    windows = []
    for month in sorted(months):
        rows = months[month]
        y, p = frame["label"].to_numpy()[rows], frame["pred"].to_numpy()[rows]
        fairness = {}
        for s in SENSITIVE:
            frame_s = MetricFrame(metrics=METRICS, y_true=y, y_pred=p,
                                  sensitive_features=frame[s].to_numpy()[rows])
            difference = frame_s.difference(method="between_groups")
            fairness[s] = {"demographic_parity_difference": difference["selection_rate"],
                           "demographic_parity_ratio": frame_s.ratio(method="between_groups")["selection_rate"],
                           "equalized_odds_difference": max(difference["tpr"], difference["fpr"])}
        windows.append({"start": f"{month // 12}-{month % 12 + 1:02d}-01T00:00:00Z", "rows": len(rows),
                        "fairness": fairness,
                        "drift": {c: statistics(values[rows]) for c, (values, statistics) in drift.items()}})
    return windows


def differences(report, windows):
    """Where the monitor report and the Python loop disagree."""
    ours = [(w["start"], w["rows"]) for w in report["windows"]]
    theirs = [(w["start"], w["rows"]) for w in windows]
    if ours != theirs:
        return [f"windows: sextant {ours}, python {theirs}"]
    found = []
    for window, expected in zip(report["windows"], windows):
        for attribute in window["attributes"]:
            metrics = attribute["metrics"]
            got = {"demographic_parity_difference": metrics["demographic_parity_difference"]["between_groups"],
                   "demographic_parity_ratio": metrics["demographic_parity_ratio"]["between_groups"],
                   "equalized_odds_difference": metrics["equalized_odds_difference"]["between_groups"]["worst_case"]}
            for name, value in got.items():
                want = expected["fairness"][attribute["attribute"]][name]
                if not agrees(value, want, 1e-9):
                    found.append(f"{window['start']} {attribute['attribute']} {name}: sextant {value}, python {want}")
        for column, stats in expected["drift"].items():
            for name, want in stats.items():
                value = window["drift"][column][name]
                if not agrees(value, want, 1e-7 if name == "ks_pvalue" else 1e-9):
                    found.append(f"{window['start']} {column} {name}: sextant {value}, python {want}")
    return found


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    log = prediction_log(ROWS)
    timed = rounds({"fairness": lambda: sextant("fairness", log, AUDIT),
                    "monitor": lambda: sextant("monitor", log, MONITOR)}, REPEATS)
    fairness_s, monitor_s = min(timed["fairness"][0]), min(timed["monitor"][0])
    report = timed["monitor"][1]
    monitor_over_fairness = median_ratio(timed["monitor"][0], timed["fairness"][0])
    if ROWS < PYTHON_ONCE:
        python_s, windows = best_of(lambda: python_loop(log), REPEATS)
        python_runs = f"best of {REPEATS}"
    else:  # several minutes a run (about 7 at 10M rows on 2 CPUs): one run, no warm-up
        start = time.perf_counter()
        windows = python_loop(log)
        python_s, python_runs = time.perf_counter() - start, "one run, no warm-up"
    found = differences(report, windows)
    if found:
        sys.exit("sextant monitor and the Python loop disagree:\n  " + "\n  ".join(found))
    r = {"rows": ROWS, "windows": len(windows), "file_mb": log.stat().st_size / 1e6,
         "sextant_runs": f"best of {REPEATS} rounds; ratio: median of the rounds'",
         "python_runs": python_runs,
         "fairness_s": fairness_s, "monitor_s": monitor_s, "python_s": python_s,
         "monitor_over_fairness": monitor_over_fairness, "python_over_monitor": python_s / monitor_s,
         "monitor_peak_rss_mib": peak_rss_mib(log),
         "machine": f"{cpu_name()}, {os.cpu_count()} logical CPUs",
         "versions": {"pandas": pd.__version__, "fairlearn": fairlearn.__version__,
                      "scipy": scipy.__version__, "numpy": np.__version__}}
    text = "\n".join([
        "# Monitoring: `sextant monitor` vs `sextant fairness` and a pandas + fairlearn + scipy loop",
        "",
        f"Machine: {r['machine']}; pandas {pd.__version__}, fairlearn {fairlearn.__version__}, "
        f"scipy {scipy.__version__}, numpy {np.__version__}. sextant: best of {REPEATS} rounds after a "
        f"warm-up, fairness and monitor alternating (their ratio: the median of the rounds'); "
        f"Python loop: {python_runs}.",
        f"Log: {ROWS:,} rows, {r['file_mb']:.0f} MB CSV, {r['windows']} monthly windows, 3 sensitive "
        "and 3 drift columns; the monitor report matches the Python loop (1e-9, p-values 1e-7).",
        "",
        "| rows | windows | a. sextant fairness | b. sextant monitor | c. Python loop | "
        "monitor / fairness (target ≤ 2) | Python / monitor (target ≥ 100) | monitor peak RSS |",
        "|---|---|---|---|---|---|---|---|",
        f"| {ROWS:,} | {r['windows']} | {fairness_s:.3f} s | {monitor_s:.3f} s | {python_s:.2f} s | "
        f"{r['monitor_over_fairness']:.2f} | {r['python_over_monitor']:.0f} | "
        f"{r['monitor_peak_rss_mib']:.0f} MiB |",
    ]) + "\n"
    (OUT / "monitor.md").write_text(text)
    (OUT / "monitor.json").write_text(json.dumps(r, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
