#!/usr/bin/env bash
# Builds the npm package and times the audit page on a 1,000,000-row × 20-column CSV in
# headless Chromium. Results: bench-out/page-1m.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-tools.sh
bash scripts/build-wasm.sh
node bench/page-1m.mjs bench-out
