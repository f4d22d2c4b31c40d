#!/usr/bin/env bash
# Builds sextant (release), installs onnxruntime + pandas into target/bench-venv, and times
# `sextant predict` against onnxruntime on 1e6 rows per model (a few minutes).
# Results: bench-out/predict-vs-onnxruntime.md.
# The venv is shared with the other bench/run-*.sh scripts: whichever runs first creates it,
# and each installs its own packages on every run (pip skips what is already there).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet onnxruntime pandas numpy
"$venv/bin/python" bench/compare_onnxruntime.py target/release/sextant bench-out
