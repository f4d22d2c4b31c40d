#!/usr/bin/env bash
# Builds the release binary, installs pandas, numpy, fairlearn and pyarrow into
# target/bench-venv, and times `sextant fairness --sweep` (101 thresholds) against `sextant
# fairness` at one threshold and against the same sweep in pandas + fairlearn on a
# 200,000-row prediction log, checking that the numbers agree (about 10 minutes, nearly all of it
# the Python loop, which is not run above 1,000,000 rows; the log is generated once into
# target/bench-data).
# Arguments are passed on: [ROWS] [REPEATS]. Results: bench-out/sweep.md and bench-out/sweep.json.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin sextant
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet pandas numpy scikit-learn "fairlearn==0.15.0" pyarrow
"$venv/bin/python" bench/compare_sweep.py target/release/sextant bench-out "$@"
