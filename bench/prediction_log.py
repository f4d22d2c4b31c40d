"""The synthetic prediction log of the monitoring and threshold-sweep comparisons
(bench/compare_monitor.py, bench/compare_sweep.py): `time` (RFC 3339 UTC, uniform over the 12
months of 2025, not sorted), `label`, `pred`, `score`, the sensitive `sex` (2 values), `race` (5)
and `age_group` (3), and `age` (integer), `income` (float) and `hours` (integer), whose
distributions and the score shift over the year."""
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv

DATA = Path("target/bench-data")


def prediction_log(rows):
    """The path of the `rows`-row log in target/bench-data, written there on first use."""
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"monitor-{rows}.csv"
    if not log.exists():
        print(f"writing {log} ...", file=sys.stderr)
        write_log(log, rows)
    return log


def write_log(path, n):
    """The prediction log: numpy draws, formatted and written by pyarrow."""
    rng = np.random.default_rng(0)
    year = 365 * 86400
    seconds = rng.integers(0, year, n)
    drift = seconds / year  # 0 at the start of 2025, 1 at its end
    strings = {"sex": ["female", "male"], "race": ["A", "B", "C", "D", "E"],
               "age_group": ["<25", "25-45", ">45"]}
    codes = {"sex": rng.integers(0, 2, n),
             "race": rng.choice(5, n, p=[0.6, 0.2, 0.1, 0.07, 0.03]),
             "age_group": rng.choice(3, n, p=[0.2, 0.5, 0.3])}
    age = np.clip(np.rint(rng.normal(40 + 6 * drift, 12, n)), 18, 90).astype(np.int64)
    income = np.round(rng.lognormal(10.5 + 0.2 * drift, 0.5, n), 2)
    hours = np.clip(np.rint(rng.normal(40 - 4 * drift, 10, n)), 1, 99).astype(np.int64)
    logit = (0.03 * (age - 40) + 0.8 * (np.log(income) - 10.5) + 0.4 * codes["sex"]
             - 0.2 * codes["race"] + 0.8 * drift * (codes["sex"] == 0) + rng.normal(0, 1.2, n) - 0.3)
    score = np.round(1 / (1 + np.exp(-logit)), 6)
    times = pa.array(seconds + int(np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)),
                     type=pa.timestamp("s", tz="UTC"))
    table = pa.table({
        "time": pc.strftime(times, format="%Y-%m-%dT%H:%M:%SZ"),
        "label": (rng.random(n) < score).astype(np.int64),
        "pred": (score >= 0.5).astype(np.int64),
        "score": score,
        **{s: pc.take(pa.array(strings[s]), pa.array(codes[s])) for s in strings},
        "age": age, "income": income, "hours": hours,
    })
    pyarrow.csv.write_csv(table, path, pyarrow.csv.WriteOptions(quoting_style="none"))
