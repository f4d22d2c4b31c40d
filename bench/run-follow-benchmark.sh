#!/usr/bin/env bash
# Builds the release binary, installs pyarrow and numpy into target/bench-venv, and times
# `sextant monitor --follow` on a growing 10,000,000-row prediction log against a whole run of
# `sextant monitor` (the first report, the CPU time of an update of 10,000 appended rows, the
# peak memory), checking that the last report equals a whole run (about 5 minutes; the log is
# generated once into target/bench-data).
# Arguments are passed on: [ROWS] [APPEND] [APPENDS] [REFERENCE] (a --reference START/END range). Results: bench-out/follow.md and bench-out/follow.json.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin sextant
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet numpy pyarrow
"$venv/bin/python" bench/compare_follow.py target/release/sextant bench-out "$@"
