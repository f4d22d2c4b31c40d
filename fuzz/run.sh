#!/usr/bin/env bash
# Runs each fuzz target (or those named) until 10 million executions or MINUTES minutes
# (default 30), whichever comes first, one after the other on one core, and appends
# libFuzzer's final line for each to fuzz/runs.log. Needs the nightly toolchain and
# cargo-fuzz: `rustup toolchain install nightly && cargo install cargo-fuzz`.
# usage: bash fuzz/run.sh [MINUTES] [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")"
minutes=${1:-30}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(wasm_options audit_toml coefficients_json feature_csv fairness_csv onnx_model tree_model monitor_csv)
fi
cargo +nightly fuzz build -O
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  log="target/$target.log"
  start=$(date -u +%FT%TZ)
  set +e
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -runs=10000000 -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 > "$log" 2>&1
  status=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  seconds=$(( $(date +%s) - $(date -d "$start" +%s) ))
  echo "$start $target exit=$status executions=$runs exec_per_sec=$rate seconds=$seconds corpus=$(ls "corpus/$target" | wc -l) artifacts=$(ls "artifacts/$target" | wc -l)" >> runs.log
done
