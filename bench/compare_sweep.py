"""`sextant fairness --sweep` (every fairness metric at the 101 thresholds 0.00 … 1.00) against
`sextant fairness` at one threshold and against the same sweep in Python (pandas + fairlearn),
on one prediction log, in one run.

Data: the log of bench/prediction_log.py (target/bench-data/monitor-ROWS.csv, shared with the
monitoring comparison), audited for `sex`, `race` and `age_group` on its `score`.
Timed (sextant: best of REPEATS after a warm-up; the Python loop, about 10 minutes a run at
200,000 rows on 2 CPUs, runs once, and above 1,000,000 rows not at all: it would take hours):
  a. `sextant fairness LOG --label label --score score --sensitive sex/race/age_group` (process),
  b. the same with `--sweep`,
  c. in Python: pandas read_csv (pyarrow engine) of the needed columns, then per threshold
     t = k/100 the predictions `score >= t` and per sensitive column one fairlearn MetricFrame
     (selection_rate, tpr, fpr, accuracy) with its between-groups demographic parity
     difference/ratio and equalized odds difference, and the overall accuracy.
The sweep is checked against the loop's numbers at every threshold (1e-12) when the loop runs;
the script stops with the differences otherwise.

usage: python bench/compare_sweep.py SEXTANT_BINARY OUT_DIR [ROWS] [REPEATS]
Results: OUT_DIR/sweep.md (table) and OUT_DIR/sweep.json (the raw numbers).
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import fairlearn
import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import accuracy_score

from agreement import agrees
from prediction_log import prediction_log
from timing import best_of, cpu_name

SEXTANT = sys.argv[1]
OUT = Path(sys.argv[2])
ROWS = int(float(sys.argv[3])) if len(sys.argv) > 3 else 200_000
REPEATS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
SENSITIVE = ["sex", "race", "age_group"]
AUDIT = ["--label", "label", "--score", "score"] + [a for s in SENSITIVE for a in ("--sensitive", s)]
METRICS = {"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
           "accuracy": accuracy_score}
THRESHOLDS = [k / 100 for k in range(101)]
PYTHON_MAX = 1_000_000  # above this many rows the Python loop is not run


def sextant(path, args):
    """`sextant fairness PATH ARGS --format json` as a dict."""
    out = subprocess.run([SEXTANT, "fairness", str(path), *args, "--format", "json"], capture_output=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.decode())
    return json.loads(out.stdout)


def python_sweep(path):
    """Per threshold: fairlearn's aggregates per sensitive column, and the overall accuracy."""
    frame = pd.read_csv(path, usecols=["label", "score", *SENSITIVE], engine="pyarrow")
    y, score = frame["label"].to_numpy(), frame["score"].to_numpy()
    points = []
    for t in THRESHOLDS:
        p = (score >= t).astype(np.int64)
        point = {"accuracy": accuracy_score(y, p), "attributes": {}}
        for s in SENSITIVE:
            metric_frame = MetricFrame(metrics=METRICS, y_true=y, y_pred=p, sensitive_features=frame[s].to_numpy())
            difference = metric_frame.difference(method="between_groups")
            point["attributes"][s] = {
                "demographic_parity_difference": difference["selection_rate"],
                "demographic_parity_ratio": metric_frame.ratio(method="between_groups")["selection_rate"],
                "equalized_odds_difference": max(difference["tpr"], difference["fpr"]),
            }
        points.append(point)
    return points


def differences(report, points):
    """Where the sweep and the Python loop disagree."""
    sweep = report["sweep"]
    found = []
    for k, point in enumerate(points):
        ours = sweep["overall"]["accuracy"][k]
        if ours is None or abs(ours - point["accuracy"]) > 1e-12:
            found.append(f"t={THRESHOLDS[k]} accuracy: sextant {ours}, python {point['accuracy']}")
        for attribute in sweep["attributes"]:
            for name, want in point["attributes"][attribute["attribute"]].items():
                value = attribute["metrics"][name][k]
                if not agrees(value, want, 1e-12):
                    found.append(f"t={THRESHOLDS[k]} {attribute['attribute']} {name}: sextant {value}, python {want}")
    return found


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    log = prediction_log(ROWS)
    one_s, _ = best_of(lambda: sextant(log, AUDIT), REPEATS)
    sweep_s, report = best_of(lambda: sextant(log, [*AUDIT, "--sweep"]), REPEATS)
    python_s = None
    if ROWS <= PYTHON_MAX:
        start = time.perf_counter()
        points = python_sweep(log)
        python_s = time.perf_counter() - start
        found = differences(report, points)
        if found:
            sys.exit("sextant --sweep and the Python loop disagree:\n  " + "\n  ".join(found[:20]))
    r = {"rows": ROWS, "thresholds": len(THRESHOLDS), "file_mb": log.stat().st_size / 1e6,
         "sextant_runs": f"best of {REPEATS}",
         "python_runs": "one run, no warm-up" if python_s else f"not run above {PYTHON_MAX:,} rows",
         "one_threshold_s": one_s, "sweep_s": sweep_s, "python_s": python_s,
         "sweep_over_one": sweep_s / one_s, "python_over_sweep": python_s / sweep_s if python_s else None,
         "machine": f"{cpu_name()}, {os.cpu_count()} logical CPUs",
         "versions": {"pandas": pd.__version__, "fairlearn": fairlearn.__version__, "numpy": np.__version__}}
    text = "\n".join([
        "# Threshold sweep: `sextant fairness --sweep` vs one threshold and a pandas + fairlearn loop",
        "",
        f"Machine: {r['machine']}; pandas {pd.__version__}, fairlearn {fairlearn.__version__}, "
        f"numpy {np.__version__}. sextant: best of {REPEATS} after a warm-up; Python loop: {r['python_runs']}.",
        f"Log: {ROWS:,} rows, {r['file_mb']:.0f} MB CSV, 3 sensitive columns, 101 thresholds"
        + ("; the sweep matches the Python loop at every threshold (1e-12)." if python_s else "."),
        "",
        "| rows | a. sextant fairness (one threshold) | b. sextant fairness --sweep | c. Python loop | "
        "sweep / one threshold | Python / sweep |",
        "|---|---|---|---|---|---|",
        f"| {ROWS:,} | {one_s:.3f} s | {sweep_s:.3f} s | "
        + (f"{python_s:.1f} s | {r['sweep_over_one']:.2f} | {r['python_over_sweep']:.0f} |" if python_s
           else f"not run | {r['sweep_over_one']:.2f} | — |"),
    ]) + "\n"
    (OUT / "sweep.md").write_text(text)
    (OUT / "sweep.json").write_text(json.dumps(r, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
