#!/usr/bin/env bash
# Builds the release binary, installs pandas, numpy, scipy, fairlearn and pyarrow into
# target/bench-venv, and times `sextant monitor` (monthly fairness and drift) against
# `sextant fairness` and against the same per-month loop in pandas + fairlearn + scipy on a
# 10,000,000-row prediction log, checking that the numbers agree (about 8 minutes, most of it
# the Python loop; the log is generated once into target/bench-data).
# Arguments are passed on: [ROWS] [REPEATS]. Results: bench-out/monitor.md and bench-out/monitor.json.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin sextant
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet pandas numpy scipy "fairlearn==0.15.0" pyarrow
"$venv/bin/python" bench/compare_monitor.py target/release/sextant bench-out "$@"
