#!/usr/bin/env bash
# Builds sextant (release), installs pandas + fairlearn into target/bench-venv, and times
# `sextant fairness` against pandas + fairlearn on 1e6- and 1e7-row CSVs (about 5 minutes,
# most of it fairlearn). Results: bench-out/fairness-vs-fairlearn.md.
# The venv is shared with the other bench/run-*.sh scripts: whichever runs first creates it,
# and each installs its own packages on every run (pip skips what is already there).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet "fairlearn==0.15.0" pandas numpy scikit-learn
"$venv/bin/python" bench/compare_fairlearn.py target/release/sextant bench-out "$@"
