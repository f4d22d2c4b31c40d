#!/usr/bin/env bash
# Runs every test of the repository: formatting, lints, the native test suite (unit,
# integration, property, CLI and reference tests, plus one pass of each benchmark), and
# the WebAssembly build of the core. Reference tests print "SKIPPED" when ../shared is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --all-targets --quiet -- -D warnings

if [ ! -d ../shared/reference ]; then
  echo "NOTE: ../shared/reference is absent: the reference tests print SKIPPED (visible with --nocapture) and pass."
fi

step "cargo test (native: unit, integration, properties, CLI, references, benches once)"
cargo test --all-targets

step "core builds for wasm32-unknown-unknown"
cargo build --lib --no-default-features --target wasm32-unknown-unknown --quiet

step "all tests passed"
