#!/usr/bin/env bash
# Runs every test: formatting and lints, native unit and integration tests, then the
# release build in headless Chromium against the real Sandbox and proxy processes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$(date +%s)

step "toolchain"
./scripts/bootstrap.sh

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -q -- -D warnings

step "native tests (cargo test)"
cargo test --workspace -q

step "builds: handshake-proxy, the release bundle, and the static site under a sub-path"
cargo build -q -p handshake-proxy
trunk build --release --dist target/dist-e2e
./scripts/build-pages.sh /handshake/ target/dist-pages

step "end-to-end tests (headless Chromium)"
(cd tests/e2e && npm ci --no-fund --no-audit --silent)
HANDSHAKE_DIST="$root/target/dist-e2e" HANDSHAKE_PAGES_DIST="$root/target/dist-pages" \
  node --test --test-concurrency=1 tests/e2e/

echo
echo "all tests passed in $(( $(date +%s) - started )) s"
