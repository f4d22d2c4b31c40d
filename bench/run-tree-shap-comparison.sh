#!/usr/bin/env bash
# Builds Sextant's Tree SHAP timing example (release), installs shap, xgboost and
# scikit-learn into target/bench-venv, and times Sextant's Tree SHAP against shap's
# TreeExplainer, XGBoost's pred_contribs and Sextant's permutation explainer on the same
# models, rows and background (a few minutes). Results: bench-out/tree-shap-vs-python.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example tree_shap_timing
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet shap==0.51.0 xgboost==3.2.0 scikit-learn skl2onnx pandas numpy
"$venv/bin/python" bench/compare_tree_shap.py target/release/examples/tree_shap_timing bench-out
