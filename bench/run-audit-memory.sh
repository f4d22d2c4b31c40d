#!/usr/bin/env bash
# Builds the release CLI and measures the peak memory of an audit whose model scores a
# 2,000,000-row CSV, against scoring first and auditing the scored file (same JSON expected).
# Python standard library only; about a minute. Results: bench-out/audit-memory.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 bench/audit_memory.py target/release/sextant bench-out "$@"
