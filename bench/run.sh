#!/usr/bin/env bash
# Builds what the benchmarks need and runs them (not part of the test suite):
# the release bundle, release handshake-proxy and the loadgen example, Swagger UI from npm.
#   bench/run.sh                 15 cold-start runs per side
#   BENCH_RUNS=30 bench/run.sh
#   BENCH_ONLY=proxy bench/run.sh   the proxy alone: overhead, hostile clients, sustained load
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/bootstrap.sh
cargo build --release -q -p handshake-proxy --bin handshake-proxy --example loadgen
[ "${BENCH_ONLY:-all}" = proxy ] || trunk build --release --dist target/dist-bench
(cd tests/e2e && npm ci --no-fund --no-audit --silent)
(cd bench && npm ci --no-fund --no-audit --silent)
HANDSHAKE_DIST="$root/target/dist-bench" node bench/bench.mjs
