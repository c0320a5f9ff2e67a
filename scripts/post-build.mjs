// Trunk's post-build step (one hook: Trunk runs hooks of a stage in parallel).
// 1. Writes the Content-Security-Policy into index.html, allowing exactly one inline script
//    (Trunk's module loader) by its SHA-256 hash.
// 2. Copies the page to 404.html, callback(.html|/index.html) and sandbox-authorize(…), the
//    in-browser Sandbox's consent page: static hosts (GitHub Pages) have no SPA fallback, so
//    deep links and the OAuth callback need real files.
// Usage: node scripts/post-build.mjs [DIR]   (default: $TRUNK_STAGING_DIR)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? '.';
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (inline.length !== 1) {
  console.error(`csp: expected exactly one inline script (Trunk's loader) in ${file}, found ${inline.length}`);
  process.exit(1);
}
const hash = createHash('sha256').update(inline[0], 'utf8').digest('base64');
const policy = [
  "default-src 'none'",
  `script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  // The proxy, the Sandbox and providers live wherever config.json and Settings say.
  "connect-src 'self' http: https:",
  "base-uri 'self'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
if (!html.includes('__HANDSHAKE_CSP__')) {
  console.error(`csp: no __HANDSHAKE_CSP__ placeholder in ${file}`);
  process.exit(1);
}
html = html.replace('__HANDSHAKE_CSP__', policy);
writeFileSync(file, html);
mkdirSync(join(dir, 'callback'), { recursive: true });
mkdirSync(join(dir, 'sandbox-authorize'), { recursive: true });
for (const copy of ['404.html', 'callback.html', join('callback', 'index.html'),
  'sandbox-authorize.html', join('sandbox-authorize', 'index.html')]) {
  writeFileSync(join(dir, copy), html);
}
