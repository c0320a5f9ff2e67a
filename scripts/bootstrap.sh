#!/usr/bin/env bash
# Installs what Handshake needs to build, run and test, and nothing that is already there.
# Idempotent and offline-safe (crates.io, npm, Debian only). Versions are pinned here and nowhere else.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal wasm-bindgen in Cargo.lock (checked below)
BINARYEN_VERSION=132           # npm binaryen; Debian's 108 miscompiles wasm-bindgen output
NEED_BROWSER=${NEED_BROWSER:-1} # 0 = skip Chromium (run-only setups)

root=$(cd "$(dirname "$0")/.." && pwd)
say() { printf '\033[1mbootstrap:\033[0m %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The lockfile and the CLI must agree, or Trunk tries (and fails) to download.
if [ -f "$root/Cargo.lock" ]; then
  locked=$(awk '/^name = "wasm-bindgen"$/{getline; sub(/version = "/,""); sub(/"/,""); print; exit}' "$root/Cargo.lock")
  if [ -n "$locked" ] && [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
    echo "bootstrap: Cargo.lock has wasm-bindgen $locked but the pinned CLI is $WASM_BINDGEN_VERSION; fix one of them" >&2
    exit 1
  fi
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! { command -v trunk >/dev/null && trunk --version | grep -q " $TRUNK_VERSION"; }; then
  say "installing trunk $TRUNK_VERSION (about 6 minutes, once)"
  # Trunk's own profile is fat-LTO/cgu=1; a lighter one halves the build and works the same.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! { command -v wasm-bindgen >/dev/null && wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION"; }; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2.5 minutes, once)"
  # Not --locked: its lockfile pins a webpki-roots release this registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! { command -v wasm-opt >/dev/null && wasm-opt --version | grep -q "version $BINARYEN_VERSION"; }; then
  if dpkg -s binaryen >/dev/null 2>&1; then
    echo "bootstrap: Debian's binaryen package is installed; it breaks the app (see README). Remove it: apt-get remove binaryen" >&2
    exit 1
  fi
  say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
  sudo_if_needed npm install -g --no-fund --no-audit "binaryen@$BINARYEN_VERSION" >/dev/null
fi

if [ "$NEED_BROWSER" = 1 ]; then
  if ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
    say "installing chromium and chromium-driver (Debian)"
    sudo_if_needed apt-get update -qq
    DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # The explorer's "Copy as Python" snippet is run by a test as printed.
  if ! python3 -c 'import requests' 2>/dev/null; then
    say "installing python3-requests (Debian)"
    sudo_if_needed apt-get update -qq
    DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq python3-requests >/dev/null
  fi
fi

say "toolchain ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | head -1)"
