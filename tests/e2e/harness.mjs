// The end-to-end harness: starts the real Sandbox and proxy (handshake-proxy), a plain static
// server for the built app, and headless Chromium, all on free loopback ports; stops them all.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const PROXY_BIN = process.env.HANDSHAKE_PROXY_BIN ?? join(ROOT, 'target', 'debug', 'handshake-proxy');
const DIST = process.env.HANDSHAKE_DIST ?? join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const running = new Set();
function stopAll() {
  for (const child of running) {
    try { child.kill('SIGTERM'); } catch { /* already gone */ }
  }
  running.clear();
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => { stopAll(); process.exit(130); });
}

/** Starts handshake-proxy with `args`; resolves with its URL once it prints `listening on`. */
export function startProxyProcess(args, { env = {}, name = 'handshake-proxy', bin = PROXY_BIN } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, ['--listen', '127.0.0.1:0', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const logs = [];
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 10 s:\n${logs.join('')}`)), 10_000);
    function fail(err) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    }
    child.stderr.on('data', (d) => logs.push(d.toString()));
    child.stdout.on('data', (d) => {
      const text = d.toString();
      logs.push(text);
      const m = text.match(/listening on (http:\/\/[^\s]+)/);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolvePromise({
          url: m[1],
          pid: child.pid,
          logs,
          stop: () => { running.delete(child); child.kill('SIGTERM'); },
        });
      }
    });
    child.on('exit', (code) => fail(new Error(`${name} exited with ${code}:\n${logs.join('')}`)));
    child.on('error', (err) => fail(new Error(`${name} could not start (${err.message}); build it with cargo build -p handshake-proxy`)));
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * A plain static server for dist/ under `prefix`: files as they are, `config.json` from
 * `config`, and for unknown paths either index.html (like `trunk serve`) or, with
 * `pages: true`, what GitHub Pages does: `x.html` for `x`, else 404.html with status 404.
 */
export function startStaticServer({ dir = DIST, prefix = '/', config, pages = false } = {}) {
  const root = resolve(dir);
  const served = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    served.push(path);
    if (!path.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const rel = path.slice(prefix.length);
    if (rel === 'config.json' && config) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(config));
      return;
    }
    let file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) && file !== root) {
      res.writeHead(400).end();
      return;
    }
    const send = async (f, status = 200) => {
      const body = await readFile(f);
      res.writeHead(status, { 'content-type': TYPES[extname(f)] ?? 'application/octet-stream' }).end(body);
    };
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await send(file);
    } catch {
      if (!pages) return send(join(root, 'index.html'));
      try {
        await send(`${file}.html`);
      } catch {
        await send(join(root, '404.html'), 404);
      }
    }
  });
  return new Promise((resolvePromise) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolvePromise({
        origin: `http://127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}${prefix}`,
        served,
        stop: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/** What the Sandbox's admin endpoints require (no web page can send it without a preflight). */
const SANDBOX_ADMIN = { 'x-sandbox-admin': '1' };

/**
 * The standard rig: Sandbox, proxy in front of it, the app on a static server whose
 * config.json points at both. Returns URLs and a `stop()`.
 */
export async function startRig({ prefix = '/', dir = DIST, pages = false, sandboxArgs = [], proxyArgs = [], proxyEnv = {}, extraConfig = {}, prepare } = {}) {
  const sandbox = await startProxyProcess(['--sandbox', ...sandboxArgs], { name: 'sandbox' });
  const config = { sandbox_url: sandbox.url, proxy_base: 'proxy-placeholder', ...extraConfig };
  const app = await startStaticServer({ dir, prefix, config, pages });
  // A server that needs the app's address first (an OpenID provider's redirect URIs) starts
  // here and adds its upstreams, secrets and config.
  const more = prepare ? await prepare(app) : {};
  Object.assign(config, more.config ?? {});
  const proxy = await startProxyProcess(
    ['--upstream', `sandbox=${sandbox.url}`, '--allow-origin', app.origin, ...proxyArgs, ...(more.proxyArgs ?? [])],
    { name: 'proxy', env: { ...proxyEnv, ...(more.proxyEnv ?? {}) } },
  );
  config.proxy_base = `${proxy.url}/proxy`;
  return {
    sandbox,
    proxy,
    app,
    config,
    async stats() {
      const res = await fetch(`${sandbox.url}/_sandbox/stats`, { headers: SANDBOX_ADMIN });
      return res.json();
    },
    /** POSTs to a Sandbox control endpoint (faults, expire-tokens, clock, reset). */
    async admin(what, body = {}) {
      const res = await fetch(`${sandbox.url}/_sandbox/${what}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...SANDBOX_ADMIN },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`sandbox ${what}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    more,
    async stop() {
      proxy.stop();
      sandbox.stop();
      await more.stop?.();
      await app.stop();
    },
  };
}

/** Headless Chromium with the flags this machine needs, in a fresh profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'handshake-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const close = async () => {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context: browser, close };
}

/** Opens the app and waits until it says it is ready; records every request the page sends. */
export async function openApp(context, url) {
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url(), headers: r.headers(), body: r.postData() }));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return { page, requests, errors };
}

/** A fresh tab state: empty storage, the app loaded and ready. */
export async function freshApp(context, url) {
  for (const p of context.pages().slice(1)) await p.close();
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto('about:blank');
  const origin = new URL(url).origin;
  await page.goto(`${origin}/__blank_for_storage__`).catch(() => {});
  await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
  return openApp(context, url);
}

/** Selects a provider in the Connect card and waits for the form to follow. */
export async function selectProvider(page, id) {
  await page.selectOption('#provider', id);
  await page.waitForFunction((wanted) => document.querySelector('#provider')?.value === wanted, id);
}

/** The stored session of a provider, read from sessionStorage. */
export async function storedSession(page, providerId) {
  return page.evaluate((id) => JSON.parse(sessionStorage.getItem(`handshake.v1.session.${id}`) ?? 'null'), providerId);
}
