#!/usr/bin/env bash
# Builds Sextant's explainer timing example (release), installs shap, lime and scikit-learn
# into target/bench-venv, and times Sextant against shap and lime on the same models, rows,
# background and budget, in five rounds (about five minutes). Results:
# bench-out/explainers-vs-python.md.
# The venv is shared with the other bench/run-*.sh scripts: whichever runs first creates it,
# and each installs its own packages on every run (pip skips what is already there).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example explain_timing
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet shap==0.51.0 lime==0.2.0.1 scikit-learn skl2onnx pandas numpy
"$venv/bin/python" bench/compare_explainers.py target/release/examples/explain_timing bench-out
