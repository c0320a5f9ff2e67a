#!/usr/bin/env bash
# Builds Handshake as static files for GitHub Pages (or any static host) under a sub-path.
#   scripts/build-pages.sh /handshake/ [DIST]      (DIST defaults to dist-pages)
# The written config.json takes:
#   HANDSHAKE_PROXY_URL         the proxy's /proxy base, e.g. https://proxy.example.com/proxy
#   HANDSHAKE_DEFAULT_PROVIDER  the provider selected on first visit (default: the in-browser
#                               Sandbox, browser-academy-v2, which needs no proxy)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
public_url=${1:?usage: scripts/build-pages.sh /sub-path/ [dist-dir]}
dist=${2:-dist-pages}
case "$public_url" in
  /*/ | /) ;;
  *) echo "build-pages: the public URL must start and end with '/', e.g. /handshake/" >&2; exit 2 ;;
esac

NEED_BROWSER=0 ./scripts/bootstrap.sh
trunk build --release --public-url "$public_url" --dist "$dist"

proxy=${HANDSHAKE_PROXY_URL:-proxy}
provider=${HANDSHAKE_DEFAULT_PROVIDER:-browser-academy-v2}
for value in "$proxy" "$provider"; do
  case "$value" in *'"'* | *'\'*) echo "build-pages: quotes and backslashes are not allowed in settings" >&2; exit 2 ;; esac
done
printf '{\n  "proxy_base": "%s",\n  "default_provider": "%s"\n}\n' "$proxy" "$provider" > "$dist/config.json"
for page in index.html 404.html callback/index.html callback.html sandbox-authorize/index.html config.json openapi/academy-v2.json; do
  [ -f "$dist/$page" ] || { echo "build-pages: $dist/$page is missing" >&2; exit 1; }
done
echo "build-pages: $dist/ is ready for $public_url"
