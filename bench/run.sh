#!/usr/bin/env bash
# Builds what the benchmarks need and runs them (not part of the test suite):
# the release bundle, release handshake-proxy and the loadgen example, Swagger UI and RapiDoc
# from npm, and the floor (bench/floor: the brief's packages in a two-route app).
#   bench/run.sh                 15 cold-start runs per side
#   BENCH_RUNS=30 bench/run.sh
#   BENCH_ONLY=proxy bench/run.sh   the proxy alone: overhead, hostile clients, sustained load
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/bootstrap.sh
cargo build --release -q -p handshake-proxy --bin handshake-proxy --example loadgen
if [ "${BENCH_ONLY:-all}" != proxy ]; then
  trunk build --release --dist target/dist-bench
  # The floor: the brief's packages alone (bench/floor), built and optimised like the app.
  (cd bench/floor && CARGO_TARGET_DIR="$root/target/floor" cargo build --release -q --target wasm32-unknown-unknown)
  mkdir -p target/floor/dist
  wasm-bindgen --target web --out-dir target/floor/dist target/floor/wasm32-unknown-unknown/release/handshake-floor.wasm
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    target/floor/dist/handshake-floor_bg.wasm -o target/floor/dist/handshake-floor_bg.wasm
fi
(cd tests/e2e && npm ci --no-fund --no-audit --silent)
(cd bench && npm ci --no-fund --no-audit --silent)
HANDSHAKE_DIST="$root/target/dist-bench" node bench/bench.mjs
