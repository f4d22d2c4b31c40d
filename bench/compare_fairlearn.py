"""Times `sextant fairness` against pandas.read_csv + fairlearn on the same CSV, in one run.

For each size it writes a CSV of random 0/1 labels and predictions with a 4-group
sensitive column (the workload of ../shared/bench-python/bench_fairlearn.py), then times
  * sextant:  `sextant fairness FILE --label label --pred pred --sensitive group --format json`
              (the whole process: CSV parsing, every rate, every fairlearn aggregate, JSON out);
  * fairlearn: pandas.read_csv + MetricFrame(selection_rate, tpr, fpr, accuracy, count).by_group
              + demographic_parity_difference + equalized_odds_difference.
It checks that both give the same demographic parity and equalized odds differences, and
prints a markdown table with the ratio and the machine it ran on.

usage: python bench/compare_fairlearn.py SEXTANT_BINARY OUT_DIR [--sizes 1e6 1e7]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import fairlearn
from fairlearn.metrics import (MetricFrame, count, demographic_parity_difference,
                               equalized_odds_difference, false_positive_rate,
                               selection_rate, true_positive_rate)
from sklearn.metrics import accuracy_score


def make_csv(path, n):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "label": rng.integers(0, 2, n),
        "pred": rng.integers(0, 2, n),
        "group": np.array(["g0", "g1", "g2", "g3"])[rng.integers(0, 4, n)],
    })
    frame.to_csv(path, index=False)


def time_sextant(binary, path, runs):
    command = [binary, "fairness", path, "--label", "label", "--pred", "pred",
               "--sensitive", "group", "--format", "json"]
    times, report = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        report = json.loads(out.stdout)
    metrics = report["attributes"][0]["metrics"]
    values = (metrics["demographic_parity_difference"]["default"],
              metrics["equalized_odds_difference"]["default"])
    # Peak RSS of one more run, from GNU time (a forked child's rusage would count the
    # Python parent's pages).
    peak_mib = float("nan")
    if os.path.exists("/usr/bin/time"):
        timed = subprocess.run(["/usr/bin/time", "-f", "%M"] + command, check=True, capture_output=True, text=True)
        peak_mib = int(timed.stderr.strip().splitlines()[-1]) / 1024
    return times, values, peak_mib


def time_fairlearn(path, runs):
    metrics = {"selection_rate": selection_rate, "tpr": true_positive_rate,
               "fpr": false_positive_rate, "accuracy": accuracy_score, "count": count}
    times, values = [], None
    for _ in range(runs):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        MetricFrame(metrics=metrics, y_true=frame.label, y_pred=frame.pred,
                    sensitive_features=frame.group).by_group
        dp = demographic_parity_difference(frame.label, frame.pred, sensitive_features=frame.group)
        eo = equalized_odds_difference(frame.label, frame.pred, sensitive_features=frame.group)
        times.append(time.perf_counter() - start)
        values = (float(dp), float(eo))
    return times, values


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}, pandas {pd.__version__}, fairlearn {fairlearn.__version__}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("out_dir")
    parser.add_argument("--sizes", nargs="+", default=["1e6", "1e7"])
    parser.add_argument("--sextant-runs", type=int, default=5)
    parser.add_argument("--fairlearn-runs", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)

    lines = ["| rows | CSV MB | sextant s (median) | sextant M rows/s | sextant MB/s | sextant peak RSS MiB | pandas + fairlearn s (median) | speed-up |",
             "|---|---|---|---|---|---|---|---|"]
    for size in args.sizes:
        n = int(float(size))
        path = os.path.join(args.out_dir, f"fairness_{size}.csv")
        if not os.path.exists(path):
            print(f"writing {path} ...", file=sys.stderr)
            make_csv(path, n)
        mb = os.path.getsize(path) / 1e6
        s_times, s_values, peak = time_sextant(args.binary, path, args.sextant_runs)
        runs = args.fairlearn_runs if n < 10**7 else 1
        print(f"{size}: sextant {statistics.median(s_times):.3f} s; timing fairlearn ({runs} run(s)) ...", file=sys.stderr)
        f_times, f_values = time_fairlearn(path, runs)
        for ours, theirs in zip(s_values, f_values):
            if abs(ours - theirs) > 1e-12:
                sys.exit(f"results differ: sextant {s_values}, fairlearn {f_values}")
        s_med, f_med = statistics.median(s_times), statistics.median(f_times)
        lines.append(f"| {n:.0e} | {mb:.0f} | {s_med:.3f} | {n / s_med / 1e6:.1f} | {mb / s_med:.0f} | {peak:.1f} | {f_med:.2f} | {f_med / s_med:.0f}x |")
    table = "\n".join(lines)
    text = f"{table}\n\nMachine: {machine()}. Same values checked (dp and eo differences to 1e-12).\n"
    print(text)
    with open(os.path.join(args.out_dir, "fairness-vs-fairlearn.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
