#!/usr/bin/env bash
# Runs Handshake locally: the Sandbox on 127.0.0.1:8090 and `trunk serve` on 127.0.0.1:8080,
# whose [[proxy]] rules (Trunk.toml) forward /proxy/sandbox/ to it. Ctrl-C stops both.
#   HANDSHAKE_RELEASE=1   serve the optimised build (smaller, slower to build)
#   HANDSHAKE_DIST=DIR    build into DIR instead of dist/
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

NEED_BROWSER=0 ./scripts/bootstrap.sh

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 8080 8090; do
  if port_busy "$port"; then
    echo "run: port $port on 127.0.0.1 is already in use (another Handshake? stop it first)" >&2
    exit 1
  fi
done

echo "run: building handshake-proxy"
cargo build -q -p handshake-proxy

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

./target/debug/handshake-proxy --sandbox --listen 127.0.0.1:8090 &
pids+=($!)

serve_args=(serve --no-autoreload --dist "${HANDSHAKE_DIST:-dist}")
[ "${HANDSHAKE_RELEASE:-0}" = 1 ] && serve_args+=(--release)
echo "run: building the app (the first build takes a few minutes)"
trunk "${serve_args[@]}" &
pids+=($!)

for _ in $(seq 1 900); do
  if curl -fsS -o /dev/null http://127.0.0.1:8080/ 2>/dev/null; then
    echo
    echo "  Handshake is running:  http://127.0.0.1:8080/"
    echo "  Sandbox (simulated Academy API): http://127.0.0.1:8090/   client id academy-sandbox-client"
    echo "  Press Ctrl-C to stop."
    echo
    break
  fi
  if ! kill -0 "${pids[1]}" 2>/dev/null; then
    echo "run: trunk serve stopped; see the messages above" >&2
    exit 1
  fi
  sleep 1
done
wait -n "${pids[@]}"
