#!/usr/bin/env bash
# Builds the npm package into pkg/: the wasm32 cdylib (profile `wasm`: size-optimised, LTO),
# wasm-bindgen's ES module glue (--target web), wasm-opt from npm binaryen when installed,
# the hand-written JS wrappers and TypeScript types of wasm/js/, and a package.json whose
# version is Cargo.toml's. Needs: the wasm32-unknown-unknown target and wasm-bindgen-cli
# 0.2.130 (.ci/run installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p sextant-wasm --target wasm32-unknown-unknown --profile wasm
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name sextant_wasm \
  target/wasm32-unknown-unknown/wasm/sextant_wasm.wasm
if [ -x node_modules/.bin/wasm-opt ]; then
  node_modules/.bin/wasm-opt -Os --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue \
    pkg/sextant_wasm_bg.wasm -o pkg/sextant_wasm_bg.wasm
else
  echo "build-wasm: node_modules/.bin/wasm-opt not found (npm install); the .wasm is not optimised" >&2
fi
cp wasm/js/*.js wasm/js/*.d.ts wasm/js/README.md pkg/
# The report element the audit page uses, for dashboards: `sextant-audit/report`, with its
# stylesheet also as a file (`sextant-audit/report.css`, written below) for pages that bundle CSS.
cp www/report.js pkg/report.js
# wasm-bindgen's own declarations type everything as `any`; index.d.ts replaces them.
rm -f pkg/sextant_wasm.d.ts pkg/sextant_wasm_bg.wasm.d.ts
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
cat > pkg/package.json <<JSON
{
  "name": "sextant-audit",
  "version": "$version",
  "description": "Fairness audits (fairlearn/AIF360-exact), SHAP and LIME explanations in WebAssembly: the same numbers as the sextant CLI.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./index.js",
  "types": "./index.d.ts",
  "exports": {
    ".": { "types": "./index.d.ts", "node": "./index.node.js", "default": "./index.js" },
    "./worker": { "types": "./worker.d.ts", "default": "./worker.js" },
    "./worker-thread.js": "./worker-thread.js",
    "./report": { "types": "./report.d.ts", "default": "./report.js" },
    "./report.css": "./report.css",
    "./sextant_wasm_bg.wasm": "./sextant_wasm_bg.wasm",
    "./package.json": "./package.json"
  },
  "files": ["index.js", "index.node.js", "api.js", "index.d.ts", "worker.js", "worker.d.ts", "worker-thread.js", "report.js", "report.d.ts", "report.css", "sextant_wasm.js", "sextant_wasm_bg.wasm", "README.md"],
  "sideEffects": ["./report.js", "./report.css", "./worker-thread.js"]
}
JSON
node -e "import('./pkg/report.js').then((m) => require('node:fs').writeFileSync('pkg/report.css', m.REPORT_CSS.trimStart()))"
raw=$(stat -c %s pkg/sextant_wasm_bg.wasm)
gz=$(gzip -9 -c pkg/sextant_wasm_bg.wasm | wc -c)
echo "build-wasm: pkg/sextant_wasm_bg.wasm $raw bytes, $gz gzipped"
