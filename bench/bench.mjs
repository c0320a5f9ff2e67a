// Handshake's benchmarks, measured side by side with Swagger UI and RapiDoc in one run: bytes on the wire,
// cold start in headless Chromium, big JSON answers, and the proxy's overhead on loopback.
// Run through bench/run.sh, which builds what this needs. Prints a table and writes JSON.

import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { join, resolve } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { chromium } from 'playwright-core';
import { ROOT, startRig, startStaticServer, startProxyProcess } from '../tests/e2e/harness.mjs';

const BENCH = import.meta.dirname;
const DIST = process.env.HANDSHAKE_DIST ?? join(ROOT, 'target', 'dist-bench');
const SWAGGER = join(BENCH, 'node_modules', 'swagger-ui-dist');
const RAPIDOC = join(BENCH, 'node_modules', 'rapidoc', 'dist');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const LOADGEN = join(ROOT, 'target', 'release', 'examples', 'loadgen');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const median = (xs) => percentile(xs, 0.5);
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;

/** Raw, gzip -9 and brotli -q 11 sizes of a set of files. */
function sizes(files) {
  let raw = 0, gzip = 0, brotli = 0;
  for (const f of files) {
    const data = readFileSync(f);
    raw += data.length;
    gzip += gzipSync(data, { level: 9 }).length;
    brotli += brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli };
}

/** The Academy v2 API as Handshake's explorer reads it (public/openapi/academy-v2.json): the
 * peers serve the same document. */
function academyOpenApi() {
  const spec = JSON.parse(readFileSync(join(ROOT, 'public', 'openapi', 'academy-v2.json'), 'utf8'));
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
  const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).filter((m) => methods.includes(m)).length, 0);
  return { operations, spec };
}

/** A directory serving Swagger UI (from npm) with the Academy v2 description. */
function swaggerSite() {
  const dir = join(ROOT, 'target', 'bench-swagger');
  mkdirSync(dir, { recursive: true });
  for (const f of ['index.html', 'index.css', 'swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png']) {
    writeFileSync(join(dir, f), readFileSync(join(SWAGGER, f)));
  }
  const { spec, operations } = academyOpenApi();
  writeFileSync(join(dir, 'academy-v2.json'), JSON.stringify(spec));
  writeFileSync(join(dir, 'swagger-initializer.js'), `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: "academy-v2.json", dom_id: "#swagger-ui", deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], plugins: [SwaggerUIBundle.plugins.DownloadUrl], layout: "StandaloneLayout" });
};\n`);
  const files = ['index.html', 'index.css', 'swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-initializer.js', 'academy-v2.json'];
  return { dir, files: files.map((f) => join(dir, f)), operations };
}

/** A directory serving RapiDoc (from npm), the lightest explorer that runs OAuth flows, with the
 * same Academy v2 description. */
function rapidocSite() {
  const dir = join(ROOT, 'target', 'bench-rapidoc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rapidoc-min.js'), readFileSync(join(RAPIDOC, 'rapidoc-min.js')));
  writeFileSync(join(dir, 'academy-v2.json'), JSON.stringify(academyOpenApi().spec));
  writeFileSync(join(dir, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><title>RapiDoc</title><script type="module" src="rapidoc-min.js"></script></head>
<body><rapi-doc spec-url="academy-v2.json" render-style="read"></rapi-doc></body></html>\n`);
  const files = ['index.html', 'rapidoc-min.js', 'academy-v2.json'];
  return { dir, files: files.map((f) => join(dir, f)) };
}

/** What the first load fetches: the page, config, CSS, the app's JS and wasm, and its JS snippets. */
function handshakeFiles() {
  const top = readdirSync(DIST).filter((f) => /\.(wasm|js|css)$/.test(f) || f === 'index.html' || f === 'config.json');
  const snippets = readdirSync(join(DIST, 'snippets'), { recursive: true })
    .filter((f) => f.endsWith('.js')).map((f) => join('snippets', f));
  const all = [...top, ...snippets];
  return {
    first: all.filter((f) => !f.startsWith('handshake-local')).map((f) => join(DIST, f)),
    // The in-browser Sandbox's module, fetched only when an "In this browser" provider is used.
    lazy: all.filter((f) => f.startsWith('handshake-local')).map((f) => join(DIST, f)),
    // The selected provider's OpenAPI document, fetched when its explorer is first shown.
    document: [join(DIST, 'openapi', 'academy-v2.json')],
  };
}

async function bytesOnTheWire(swagger, rapidoc) {
  const files = handshakeFiles();
  const hs = sizes(files.first);
  const sw = sizes(swagger.files);
  const rd = sizes(rapidoc.files);
  return {
    handshake: hs, swagger: sw, rapidoc: rd, in_browser_sandbox: sizes(files.lazy), document: sizes(files.document),
    floor: floorSizes(),
    ratio_gzip: hs.gzip / sw.gzip, ratio_brotli: hs.brotli / sw.brotli, ratio_gzip_rapidoc: hs.gzip / rd.gzip,
  };
}

/** The floor (bench/floor, built by run.sh like the app): the brief's packages in a two-route
 * app with one fetch, wasm-bindgen then wasm-opt -Oz. */
function floorSizes() {
  const dir = join(ROOT, 'target', 'floor', 'dist');
  try {
    return sizes(['handshake-floor_bg.wasm', 'handshake-floor.js'].map((f) => join(dir, f)));
  } catch {
    return null;
  }
}

/** Cold start: fresh context, cache disabled, ms from navigation start to "ready". */
async function coldStart(browser, swagger, rapidoc, rig) {
  const swaggerServer = await startStaticServer({ dir: swagger.dir, prefix: '/' });
  const rapidocServer = await startStaticServer({ dir: rapidoc.dir, prefix: '/' });
  const results = { handshake: [], swagger: [], rapidoc: [], listed: [] };
  const once = async (which) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (which === 'handshake') {
      // Also when the explorer lists the endpoints (its OpenAPI document fetched and read).
      await page.addInitScript(() => {
        new MutationObserver((_, obs) => {
          if (document.querySelector('[data-endpoint]')) {
            window.__listed = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto(rig.app.url);
      await page.waitForFunction(() => performance.getEntriesByName('handshake-ready').length > 0 && window.__listed !== undefined, null, { timeout: 30_000 });
      results.handshake.push(await page.evaluate(() => performance.getEntriesByName('handshake-ready')[0].startTime));
      results.listed.push(await page.evaluate(() => window.__listed));
    } else if (which === 'rapidoc') {
      // Ready: the description parsed (its spec-loaded event) and the next frame drawn.
      await page.addInitScript(() => {
        document.addEventListener('spec-loaded', () => requestAnimationFrame(() => requestAnimationFrame(() => {
          window.__rapidocReady = performance.now();
        })), true);
      });
      await page.goto(rapidocServer.url);
      await page.waitForFunction(() => window.__rapidocReady !== undefined, null, { timeout: 30_000 });
      results.rapidoc.push(await page.evaluate(() => window.__rapidocReady));
    } else {
      await page.addInitScript((expected) => {
        new MutationObserver((_, obs) => {
          if (document.querySelectorAll('.opblock').length >= expected) {
            window.__swaggerReady = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      }, swagger.operations);
      await page.goto(swaggerServer.url);
      await page.waitForFunction(() => window.__swaggerReady !== undefined, null, { timeout: 30_000 });
      results.swagger.push(await page.evaluate(() => window.__swaggerReady));
    }
    await context.close();
  };
  const sides = ['handshake', 'swagger', 'rapidoc'];
  for (const side of sides) await once(side);
  for (const side of sides) results[side].length = 0;
  results.listed.length = 0;
  for (let i = 0; i < RUNS; i++) {
    for (const side of sides) await once(side);
  }
  await swaggerServer.stop();
  await rapidocServer.stop();
  const summary = (xs) => ({ runs: xs.length, median_ms: median(xs), p90_ms: percentile(xs, 0.9), all_ms: xs });
  const hs = summary(results.handshake);
  const sw = summary(results.swagger);
  const rd = summary(results.rapidoc);
  const listed = summary(results.listed);
  return { handshake: hs, listed, swagger: sw, rapidoc: rd, ratio_median: hs.median_ms / sw.median_ms, ratio_median_rapidoc: hs.median_ms / rd.median_ms,
    ratio_listed: listed.median_ms / sw.median_ms, ratio_listed_rapidoc: listed.median_ms / rd.median_ms };
}

/** A JSON array of movie-like records, about `bytes` long. */
function bigJson(bytes) {
  const item = (i) => ({ id: i.toString(16).padStart(12, '0'), name: `Movie number ${i}`, genres: [{ id: '1', name: 'action' }],
    length: 90 + (i % 60), director: { directorId: 'f841a38b77be', directorName: 'Jon Favreau' }, releaseDate: String(1950 + (i % 70)) });
  const one = JSON.stringify(item(0)).length + 1;
  const n = Math.max(1, Math.round(bytes / one));
  return JSON.stringify(Array.from({ length: n }, (_, i) => item(i)));
}

/** Time from the answer's arrival to the tree on screen and the main thread free. */
async function bigResponses(browser, rig) {
  const out = [];
  for (const [label, bytes] of [['100 KB', 100_000], ['1 MB', 1_000_000], ['10 MB', 10_000_000]]) {
    const body = bigJson(bytes);
    const runs = [];
    for (let r = 0; r < 3; r++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.route('**/proxy/sandbox/api/v1/movies*', (route) => route.fulfill({
        status: 200, contentType: 'application/json', body,
        headers: { 'access-control-allow-origin': rig.app.origin, 'access-control-expose-headers': '*' },
      }));
      await page.goto(rig.app.url);
      await page.waitForSelector('body[data-ready="true"]');
      await page.selectOption('#provider', 'sandbox-academy-v1');
      await page.click('#use-key');
      await page.waitForSelector('#info-result .status');
      await page.click('[data-endpoint="movies.list"]');
      await page.evaluate(() => {
        window.__longtasks = [];
        new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration }); })
          .observe({ type: 'longtask', buffered: false });
        new MutationObserver((_, obs) => {
          if (document.querySelector('#response-tree li')) {
            window.__treeAt = performance.now();
            obs.disconnect();
            setTimeout(() => { window.__idleAt = performance.now(); }, 0);
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      await page.click('#send');
      await page.waitForFunction(() => window.__idleAt !== undefined, null, { timeout: 60_000 });
      await page.waitForTimeout(300);
      const m = await page.evaluate(() => {
        const res = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/movies')).pop();
        return { responseEnd: res.responseEnd, treeAt: window.__treeAt, idleAt: window.__idleAt, longtasks: window.__longtasks };
      });
      const parse = await page.evaluate(async () => {
        const text = await (await fetch(performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/movies')).pop().name,
          { headers: { 'x-handshake-proxy': '1', 'x-api-key': 'academy-sandbox-key' } })).text();
        const times = [];
        for (let i = 0; i < 5; i++) { const t = performance.now(); JSON.parse(text); times.push(performance.now() - t); }
        times.sort((a, b) => a - b);
        return times[2];
      });
      const during = m.longtasks.filter((t) => t.start + t.duration >= m.responseEnd - 1);
      runs.push({
        to_tree_ms: m.treeAt - m.responseEnd,
        to_idle_ms: m.idleAt - m.responseEnd,
        longest_task_ms: during.reduce((a, t) => Math.max(a, t.duration), 0),
        json_parse_ms: parse,
      });
      await context.close();
    }
    const pick = (k) => median(runs.map((x) => x[k]));
    out.push({ size: label, bytes: body.length, to_tree_ms: pick('to_tree_ms'), to_idle_ms: pick('to_idle_ms'),
      longest_task_ms: pick('longest_task_ms'), json_parse_ms: pick('json_parse_ms'),
      ratio_to_json_parse: pick('to_idle_ms') / pick('json_parse_ms') });
  }
  return out;
}

/** Runs the load generator without blocking this process (it must keep draining the servers' logs). */
async function loadgen(url, seconds, concurrency, headers) {
  const args = [url, '--seconds', String(seconds), '--concurrency', String(concurrency)];
  for (const h of headers) args.push('-H', h);
  const { stdout } = await promisify(execFile)(LOADGEN, args, { encoding: 'utf8' });
  return JSON.parse(stdout);
}

/** Requests/s and latency, direct to the Sandbox and through handshake-proxy (release builds). */
async function proxyOverhead() {
  const bin = join(ROOT, 'target', 'release', 'handshake-proxy');
  const sandbox = await startProxyProcess(['--sandbox'], { bin });
  const proxy = await startProxyProcess(['--upstream', `sandbox=${sandbox.url}`, '--allow-origin', 'http://127.0.0.1:8080'], { bin });
  const key = 'x-api-key: academy-sandbox-key';
  const viaHeaders = [key, 'origin: http://127.0.0.1:8080', 'x-handshake-proxy: 1'];
  const direct1 = await loadgen(`${sandbox.url}/api/v1/genres`, 5, 1, [key]);
  const via1 = await loadgen(`${proxy.url}/proxy/sandbox/api/v1/genres`, 5, 1, viaHeaders);
  const direct16 = await loadgen(`${sandbox.url}/api/v1/genres`, 5, 16, [key]);
  const via16 = await loadgen(`${proxy.url}/proxy/sandbox/api/v1/genres`, 5, 16, viaHeaders);
  proxy.stop();
  sandbox.stop();
  return {
    latency: { direct: direct1, proxied: via1, added_p50_ms: via1.p50_ms - direct1.p50_ms, added_p99_ms: via1.p99_ms - direct1.p99_ms },
    throughput: { direct: direct16, proxied: via16 },
  };
}

/**
 * Normal requests through the proxy while hostile clients hold connections: `idle` sockets that
 * send nothing and `slow` ones that send half a request head, each reopened as soon as the proxy
 * closes it (its header timeout does), as a determined client would. Default proxy settings.
 */
async function underSiege(idle = 1000, slow = 50) {
  const bin = join(ROOT, 'target', 'release', 'handshake-proxy');
  const sandbox = await startProxyProcess(['--sandbox'], { bin });
  const proxy = await startProxyProcess(['--upstream', `sandbox=${sandbox.url}`, '--allow-origin', 'http://127.0.0.1:8080'], { bin });
  const { hostname, port } = new URL(proxy.url);
  let stopping = false;
  let reopened = 0;
  const open = new Set();
  const attacker = (halfHead) => new Promise((resolvePromise) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      if (halfHead) socket.write('GET /proxy/sandbox/api/v1/genres HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      resolvePromise();
    });
    open.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => {
      open.delete(socket);
      if (!stopping) { reopened += 1; attacker(halfHead); }
    });
  });
  for (let i = 0; i < idle; i++) await attacker(false);
  for (let i = 0; i < slow; i++) await attacker(true);
  const headers = ['x-api-key: academy-sandbox-key', 'origin: http://127.0.0.1:8080', 'x-handshake-proxy: 1'];
  const held = [];
  const sample = () => held.push(open.size);
  const timer = setInterval(sample, 500);
  const one = await loadgen(`${proxy.url}/proxy/sandbox/api/v1/genres`, 5, 1, headers);
  const sixteen = await loadgen(`${proxy.url}/proxy/sandbox/api/v1/genres`, 5, 16, headers);
  clearInterval(timer);
  stopping = true;
  for (const s of open) s.destroy();
  proxy.stop();
  sandbox.stop();
  return { idle, slow, reopened, hostile_open_min: Math.min(...held), hostile_open_max: Math.max(...held), one, sixteen };
}

/** Resident memory of a process in KiB (Linux). */
function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) : NaN;
}

/** A sustained load through the proxy to the Sandbox, sampling both processes' memory each second. */
async function sustainedLoad(seconds = 30) {
  const bin = join(ROOT, 'target', 'release', 'handshake-proxy');
  const sandbox = await startProxyProcess(['--sandbox'], { bin });
  const proxy = await startProxyProcess(['--upstream', `sandbox=${sandbox.url}`, '--allow-origin', 'http://127.0.0.1:8080'], { bin });
  const headers = ['x-api-key: academy-sandbox-key', 'origin: http://127.0.0.1:8080', 'x-handshake-proxy: 1'];
  // Warm up so the first sample is the steady state, not the empty process.
  await loadgen(`${proxy.url}/proxy/sandbox/api/v1/movies?page=1`, 2, 16, headers);
  const samples = [];
  const sample = () => samples.push({ proxy_kib: rssKiB(proxy.pid), sandbox_kib: rssKiB(sandbox.pid) });
  sample();
  const timer = setInterval(sample, 1000);
  const run = await loadgen(`${proxy.url}/proxy/sandbox/api/v1/movies?page=1`, seconds, 16, headers);
  clearInterval(timer);
  sample();
  proxy.logs.length = 0;
  sandbox.logs.length = 0;
  proxy.stop();
  sandbox.stop();
  const first = samples[0];
  const last = samples[samples.length - 1];
  const peak = (k) => Math.max(...samples.map((s) => s[k]));
  return {
    seconds, concurrency: 16, ...run,
    proxy_rss_kib: { start: first.proxy_kib, peak: peak('proxy_kib'), end: last.proxy_kib },
    sandbox_rss_kib: { start: first.sandbox_kib, peak: peak('sandbox_kib'), end: last.sandbox_kib },
  };
}

function machine() {
  let chromiumVersion = '';
  try { chromiumVersion = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim(); } catch { /* absent */ }
  return { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), chromium: chromiumVersion, node: process.version };
}

function mib({ start, peak, end }) {
  return [start, peak, end].map((k) => `${(k / 1024).toFixed(1)} MiB`).join(' → ');
}

// BENCH_ONLY=proxy measures the proxy alone (no browser, no bundle), e.g. after a proxy change.
const only = process.env.BENCH_ONLY ?? 'all';
const results = { date: new Date().toISOString(), machine: machine() };
const lines = [];
if (only === 'all') {
  const swagger = swaggerSite();
  const rapidoc = rapidocSite();
  results.bytes = await bytesOnTheWire(swagger, rapidoc);
  process.env.HANDSHAKE_DIST = DIST;
  const rig = await startRig({ dir: DIST });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
  try {
    results.cold_start = await coldStart(browser, swagger, rapidoc, rig);
    results.big_responses = await bigResponses(browser, rig);
  } finally {
    await browser.close();
    await rig.stop();
  }
  const b = results.bytes;
  const c = results.cold_start;
  lines.push(
    '| Measure | Handshake | Swagger UI | RapiDoc | ÷ Swagger UI | ÷ RapiDoc | Target |',
    '|---|---:|---:|---:|---:|---:|---|',
    `| First load, gzip -9 | ${kb(b.handshake.gzip)} | ${kb(b.swagger.gzip)} | ${kb(b.rapidoc.gzip)} | ${b.ratio_gzip.toFixed(2)} | ${b.ratio_gzip_rapidoc.toFixed(2)} | ≤ 230 KiB (goal 188) |`,
    `| First load, brotli -q 11 | ${kb(b.handshake.brotli)} | ${kb(b.swagger.brotli)} | ${kb(b.rapidoc.brotli)} | ${b.ratio_brotli.toFixed(2)} | ${(b.handshake.brotli / b.rapidoc.brotli).toFixed(2)} | |`,
    `| First load, raw | ${kb(b.handshake.raw)} | ${kb(b.swagger.raw)} | ${kb(b.rapidoc.raw)} | ${(b.handshake.raw / b.swagger.raw).toFixed(2)} | ${(b.handshake.raw / b.rapidoc.raw).toFixed(2)} | |`,
    `| In-browser Sandbox module, on first use, gzip -9 | ${kb(b.in_browser_sandbox.gzip)} | | | | | not in the first load |`,
    `| Academy v2 OpenAPI document (the selected provider's, fetched during start-up beside the app; others when chosen), gzip -9 | ${kb(b.document.gzip)} | (in the first load) | (in the first load) | | | |`,
    ...(b.floor ? [`| Floor: leptos + leptos_router + gloo-net + serde_json, two routes and a fetch (bench/floor), gzip -9 | ${kb(b.floor.gzip)} | | | ${(b.floor.gzip / b.swagger.gzip).toFixed(2)} | ${(b.floor.gzip / b.rapidoc.gzip).toFixed(2)} | what any app on these packages starts from |`] : []),
    `| Cold start, median of ${c.handshake.runs} | ${ms(c.handshake.median_ms)} | ${ms(c.swagger.median_ms)} | ${ms(c.rapidoc.median_ms)} | ${c.ratio_median.toFixed(2)} | ${c.ratio_median_rapidoc.toFixed(2)} | ≤ 0.33 of Swagger UI |`,
    `| Cold start, p90 | ${ms(c.handshake.p90_ms)} | ${ms(c.swagger.p90_ms)} | ${ms(c.rapidoc.p90_ms)} | | | |`,
    `| Cold start to the endpoint list, median | ${ms(c.listed.median_ms)} | (above) | (above) | ${c.ratio_listed.toFixed(2)} | ${c.ratio_listed_rapidoc.toFixed(2)} | |`,
    '',
    '| Answer | Arrival → tree | Arrival → main thread free | Longest task | JSON.parse alone | × JSON.parse | Target |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.big_responses.map((r) => `| ${r.size} | ${ms(r.to_tree_ms)} | ${ms(r.to_idle_ms)} | ${ms(r.longest_task_ms)} | ${ms(r.json_parse_ms)} | ${r.ratio_to_json_parse.toFixed(1)} | ${r.size === '10 MB' ? 'no task > 200 ms' : r.size === '1 MB' ? `≤ JSON.parse + 33 ms (${ms(r.json_parse_ms + 33)})` : ''} |`),
    '',
  );
}
results.proxy = await proxyOverhead();
results.siege = await underSiege();
results.load = await sustainedLoad(Number(process.env.BENCH_LOAD_SECONDS ?? 30));
lines.push(
  '| Loopback, 5 s each | Requests/s | p50 | p99 | Errors |',
  '|---|---:|---:|---:|---:|',
  ...[['Sandbox direct, 1 connection', results.proxy.latency.direct], ['Through handshake-proxy, 1 connection', results.proxy.latency.proxied],
    ['Sandbox direct, 16 connections', results.proxy.throughput.direct], ['Through handshake-proxy, 16 connections', results.proxy.throughput.proxied]]
    .map(([name, r]) => `| ${name} | ${r.rps.toFixed(0)} | ${ms(r.p50_ms)} | ${ms(r.p99_ms)} | ${r.errors} |`),
  `| Added by the proxy (1 connection) | | ${ms(results.proxy.latency.added_p50_ms)} | ${ms(results.proxy.latency.added_p99_ms)} | target p50 ≤ 1 ms |`,
  ...[['1 connection', results.siege.one], ['16 connections', results.siege.sixteen]].map(([name, r]) =>
    `| Through handshake-proxy, ${name}, beside ${results.siege.idle} idle and ${results.siege.slow} slow-header clients | ${r.rps.toFixed(0)} | ${ms(r.p50_ms)} | ${ms(r.p99_ms)} | ${r.errors} |`),
  `| (hostile connections open during the run: ${results.siege.hostile_open_min}–${results.siege.hostile_open_max}; reopened after the proxy closed them: ${results.siege.reopened}) | | | target p99 < 10 ms | |`,
  '',
  `| Sustained load, ${Math.round(results.load.seconds)} s, 16 connections, proxy → Sandbox | Requests | Requests/s | p99 | Errors | RSS start → peak → end |`,
  '|---|---:|---:|---:|---:|---|',
  `| handshake-proxy | ${results.load.requests} | ${results.load.rps.toFixed(0)} | ${ms(results.load.p99_ms)} | ${results.load.errors} | ${mib(results.load.proxy_rss_kib)} |`,
  `| Sandbox | | | | | ${mib(results.load.sandbox_rss_kib)} |`,
);
const table = lines.join('\n');
console.log(`\n${table}\n`);
const outDir = join(BENCH, 'results');
mkdirSync(outDir, { recursive: true });
const name = only === 'all' ? 'latest' : `latest-${only}`;
writeFileSync(join(outDir, `${name}.json`), JSON.stringify(results, null, 2));
writeFileSync(join(outDir, `${name}.md`), `${table}\n`);
console.log(`written: ${resolve(outDir, `${name}.json`)} and ${name}.md`);
