#!/usr/bin/env bash
# Builds the release binary, installs polars, pandas and pyarrow into target/bench-venv, and
# times `sextant fairness` end to end on a 2,000,000-row CSV, its Parquet copy and the
# fairlearn benchmark's 1,000,000-row narrow CSV against polars' and pandas' read_csv of the
# same files (a few minutes; the data is generated once into target/bench-data).
# Results: bench-out/ingest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin sextant
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet polars pandas pyarrow numpy
"$venv/bin/python" bench/compare_ingest.py target/release/sextant bench-out "$@"
