#!/usr/bin/env bash
# Installs what the tests and the npm package build need, skipping what is already there:
# the wasm32 target, rustfmt and clippy, wasm-bindgen-cli pinned to the bindings' version,
# Debian's chromium and chromium-driver (headless browser tests), Java 17 (Spark), Debian's
# prometheus (the scrape test of `sextant monitor --serve`), and the npm tools
# (binaryen's wasm-opt, playwright-core, typescript). Needs the package registries only.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
# Must equal the `wasm-bindgen = "=…"` pin of wasm/Cargo.toml. Without --locked: the
# registry here lacks a patch release the CLI's lockfile names (../shared/notes/toolchain.md).
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen 0.2.130" ]; then
  cargo install wasm-bindgen-cli --version 0.2.130
fi
if ! command -v chromedriver > /dev/null || ! [ -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $as_root apt-get update -qq
  $as_root apt-get install -y -qq chromium chromium-driver > /dev/null
fi
# Spark 4 (tests/engines) needs Java 17 or later.
java_major=$({ java -version 2>&1 || true; } | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
if [ "${java_major:-0}" -lt 17 ]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $as_root apt-get update -qq
  $as_root apt-get install -y -qq openjdk-17-jre-headless > /dev/null
fi
# `sextant monitor --serve` is scraped by a real Prometheus server in tests/exporters.
if ! command -v prometheus > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  as_root=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $as_root apt-get update -qq
  $as_root apt-get install -y -qq --no-install-recommends prometheus > /dev/null
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/tsc ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund
fi
