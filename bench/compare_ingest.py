"""Ingest speed of `sextant fairness` end to end against polars and pandas reading the same file,
in one run (issue #17's targets).

Data: a 2,000,000-row x 20-column CSV (id, 10 float features, 5 string columns, label,
prediction, score), about 340 MB, and the same table as Parquet (pyarrow, snappy,
dictionary-encoded strings); and the 1,000,000-row narrow file of the fairlearn benchmark
(`y_true,y_pred,a`, 7-byte rows). REPEATS rounds (10 x REPEATS for the narrow file, whose runs
take tens of milliseconds) run, in turn,
- polars `read_csv` of just the columns the audit needs (default threads),
- pandas `read_csv` of the whole file,
- `sextant fairness` on the CSV with all threads (chunks counted in parallel) and with
  RAYON_NUM_THREADS=1 (the sequential reader on one thread), and on the Parquet file; each
  report is checked against the sequential reader's (the CSV piped through standard input, not
  timed).
Reported: each tool's best time, and each ratio as the median over rounds of the two tools'
times in the same round: the shared machine's load changes (absolute times drift by 1.5x),
and the runs of one round share it.

usage: python compare_ingest.py SEXTANT_BINARY OUT_DIR [ROWS] [REPEATS]
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from timing import cpu_name, median_ratio, rounds

SEXTANT = sys.argv[1]
OUT = Path(sys.argv[2])
ROWS = int(float(sys.argv[3])) if len(sys.argv) > 3 else 2_000_000
REPEATS = int(sys.argv[4]) if len(sys.argv) > 4 else 5
DATA = Path("target/bench-data")


def wide_table(n):
    rng = np.random.default_rng(0)
    columns = {"id": np.arange(n)}
    for j in range(10):
        columns[f"x{j}"] = np.round(rng.normal(size=n), 6)
    choices = {"sex": ["female", "male"], "race": ["A", "B", "C", "D", "E"],
               "age_group": ["<25", "25-45", ">45"], "region": [f"r{i}" for i in range(10)],
               "segment": [f"segment_{i}" for i in range(20)]}
    for name, values in choices.items():
        columns[name] = np.array(values)[rng.integers(0, len(values), n)]
    score = rng.random(n)
    columns["label"] = (rng.random(n) < score).astype(int)
    columns["prediction"] = (score >= 0.5).astype(int)
    columns["score"] = np.round(score, 6)
    return pd.DataFrame(columns)


def narrow_table(n):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"y_true": rng.integers(0, 2, n), "y_pred": rng.integers(0, 2, n),
                         "a": rng.integers(0, 4, n)})


def report(data, args, env=None, stdin=None):
    """`sextant fairness DATA ARGS` as JSON, without its `source`."""
    out = subprocess.run([SEXTANT, "fairness", data, *args, "--format", "json"],
                         capture_output=True, env=env, stdin=stdin)
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr.decode())
    result = json.loads(out.stdout)
    result.pop("source")
    return result


def sextant(path, args, threads=None):
    """A run of `sextant fairness` on `path` (on `threads` threads, or all), giving its report."""
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads)} if threads else None
    return lambda: report(str(path), args, env=env)


def sequential(path, args):
    """The report of the sequential reader: the file piped through standard input."""
    with open(path, "rb") as data:
        return report("-", args, stdin=data)


def main():
    DATA.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    wide_csv, wide_parquet = DATA / f"wide-{ROWS}.csv", DATA / f"wide-{ROWS}.parquet"
    narrow_csv = DATA / "narrow-1000000.csv"
    if not wide_csv.exists():
        frame = wide_table(ROWS)
        frame.to_csv(wide_csv, index=False)
        frame.to_parquet(wide_parquet, engine="pyarrow", compression="snappy", index=False)
    if not narrow_csv.exists():
        narrow_table(1_000_000).to_csv(narrow_csv, index=False)

    needed = ["label", "prediction", "sex", "race"]
    audit = ["--label", "label", "--pred", "prediction", "--sensitive", "sex",
             "--sensitive", "race", "--sensitive", "sex&race"]
    wide = rounds({
        "polars": lambda: pl.read_csv(wide_csv, columns=needed),
        "pandas": lambda: pd.read_csv(wide_csv),
        "all": sextant(wide_csv, audit),
        "one": sextant(wide_csv, audit, threads=1),
        "parquet": sextant(wide_parquet, audit),
    }, REPEATS)
    report_csv = wide["all"][1]
    assert wide["one"][1] == report_csv, "one thread and all threads differ"
    assert report_csv == sequential(wide_csv, audit), "the chunks and the sequential reader differ"
    assert report_csv == wide["parquet"][1], "the Parquet file's report differs from the CSV's"

    narrow = ["--label", "y_true", "--pred", "y_pred", "--sensitive", "a"]
    small = rounds({
        "polars": lambda: pl.read_csv(narrow_csv),
        "pandas": lambda: pd.read_csv(narrow_csv),
        "all": sextant(narrow_csv, narrow),
        "one": sextant(narrow_csv, narrow, threads=1),
    }, 10 * REPEATS)
    assert small["all"][1] == small["one"][1] == sequential(narrow_csv, narrow), \
        "the narrow file's reports differ"

    size = wide_csv.stat().st_size / 1e6
    lines = [
        f"# Ingest: `sextant fairness` end to end vs polars and pandas reading the file",
        "",
        f"Machine: {cpu_name()}, {os.cpu_count()} logical CPUs; polars {pl.__version__} "
        f"({pl.thread_pool_size()} threads), pandas {pd.__version__}. Times: the best of "
        f"{REPEATS} rounds (narrow file: {10 * REPEATS}), the tools alternating within a round; "
        "ratios: the median over rounds of the two times in one round.",
        "",
        "| file | shape | polars read_csv (needed columns) | pandas read_csv (all) | "
        "sextant fairness | sextant, 1 thread | sextant / polars | 1 thread / all |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, shape, timed in [("wide CSV", f"{ROWS:,} x 20, {size:.0f} MB", wide),
                               ("narrow CSV", "1,000,000 x 3 (fairlearn benchmark)", small)]:
        best = {tool: min(times) for tool, (times, _) in timed.items()}
        lines.append(
            f"| {name} | {shape} | {best['polars']:.3f} s | {best['pandas']:.3f} s | "
            f"{best['all']:.3f} s | {best['one']:.3f} s | "
            f"{median_ratio(timed['all'][0], timed['polars'][0]):.2f} | "
            f"{median_ratio(timed['one'][0], timed['all'][0]):.2f} |")
    parquet_size = wide_parquet.stat().st_size / 1e6
    lines += ["", f"Parquet ({parquet_size:.0f} MB, pyarrow, snappy) of the wide table: "
              f"sextant {min(wide['parquet'][0]):.3f} s, "
              f"{median_ratio(wide['all'][0], wide['parquet'][0]):.1f}x faster than its CSV "
              f"(same report)."]
    text = "\n".join(lines) + "\n"
    (OUT / "ingest.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
