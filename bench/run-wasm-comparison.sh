#!/usr/bin/env bash
# Builds the release CLI and the npm package, then times the same fairness and SHAP jobs
# natively (one thread) and in headless Chromium. Results: bench-out/wasm-vs-native.md.
# Needs what .ci/run installs (wasm-bindgen-cli, chromium, npm tools).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bash scripts/install-tools.sh
bash scripts/build-wasm.sh
node bench/wasm-vs-native.mjs bench-out
