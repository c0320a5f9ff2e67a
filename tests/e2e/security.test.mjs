// The browser-app OAuth checklist (RFC 9700, OAuth 2.0 for Browser-Based Apps) as named tests.
// SECURITY.md maps each threat to the test names here and in the other suites.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startRig, launchBrowser, freshApp, selectProvider, storedSession, openApp } from './harness.mjs';

let rig;
let browser;
const DIST = process.env.HANDSHAKE_DIST;

before(async () => {
  rig = await startRig();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

beforeEach(() => rig.admin('reset'));

const fresh = () => freshApp(browser.context, rig.app.url);

async function signIn(page) {
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
}

const tokenRequests = (requests) => requests.filter((r) => /\/(token|token\.php)(\?|$)/.test(new URL(r.url).pathname + '?'));

test('S1 state comes from a CSPRNG: 256 bits, never repeated', async () => {
  const { page } = await fresh();
  const states = new Set();
  for (let i = 0; i < 12; i++) {
    const url = new URL(await page.textContent('#authorize-url'));
    const state = url.searchParams.get('state');
    assert.match(state, /^[A-Za-z0-9_-]{43}$/);
    states.add(state);
    await selectProvider(page, i % 2 ? 'sandbox-academy-v2' : 'sandbox-metamaps');
    await page.waitForFunction((old) => !document.querySelector('#authorize-url')?.textContent.includes(old), state);
  }
  assert.equal(states.size, 12);
  await selectProvider(page, 'sandbox-metamaps');
  const challenge = new URL(await page.textContent('#authorize-url')).searchParams.get('code_challenge');
  assert.match(challenge, /^[A-Za-z0-9_-]{43}$/, 'an S256 challenge (RFC 7636 vector checked natively)');
});

test('S2 a used flow record is deleted: nothing pending after sign-in', async () => {
  const { page } = await fresh();
  await signIn(page);
  const pending = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('handshake.v1.flow.')));
  assert.deepEqual(pending, []);
});

test('S3 mix-up: a code goes only to the token endpoint of the provider its state belongs to, and a foreign iss is refused', async () => {
  const { page, requests } = await fresh();
  // A sign-in with the Academy is left pending…
  const academyState = new URL(await page.textContent('#authorize-url')).searchParams.get('state');
  await page.click('#authorize');
  await page.waitForURL((u) => u.href.startsWith(rig.sandbox.url));
  await page.goBack();
  await page.waitForSelector('body[data-ready="true"]');
  // …while the user signs in with Metamaps.
  await selectProvider(page, 'sandbox-metamaps');
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForSelector('#info-result .status.ok');
  const sent = tokenRequests(requests).map((r) => new URL(r.url).pathname);
  assert.deepEqual(sent, ['/proxy/sandbox/metamaps/oauth/token']);
  // An answer naming another issuer is refused before any token request.
  const before = tokenRequests(requests).length;
  await page.goto(`${rig.app.url}callback?code=abc&state=${academyState}&iss=${encodeURIComponent('https://evil.example')}`);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'issuer_mismatch');
  assert.equal(tokenRequests(requests).length, before);
});

test('S4 implicit-flow leftovers (a token in the URL) are rejected', async () => {
  const { page, requests } = await fresh();
  await page.goto(`${rig.app.url}callback#access_token=stolen&token_type=bearer&state=x`);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'implicit_token_in_url');
  assert.equal(tokenRequests(requests).length, 0);
  assert.ok(!page.url().includes('stolen'), 'scrubbed from the address bar');
});

test('S5 no Referer leaves the app, and the page says so', async () => {
  const { page, requests } = await fresh();
  assert.equal(await page.getAttribute('meta[name="referrer"]', 'content'), 'no-referrer');
  await signIn(page);
  const outgoing = requests.filter((r) => !r.url.startsWith(rig.app.origin));
  assert.ok(outgoing.length > 3);
  for (const r of outgoing) assert.ok(!r.headers.referer, `${r.url} carried a Referer: ${r.headers.referer}`);
});

test('S6 each provider keeps its own session, and a token goes only to its own provider', async () => {
  const { page, requests } = await fresh();
  await signIn(page);
  const academy = (await storedSession(page, 'sandbox-academy-v2')).tokens.access_token;
  await selectProvider(page, 'sandbox-metamaps');
  await page.waitForSelector('#signed-out');
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForSelector('#info-result .status.ok');
  const metamaps = (await storedSession(page, 'sandbox-metamaps')).tokens.access_token;
  assert.ok(await storedSession(page, 'sandbox-academy-v2'), 'the Academy session is kept');
  await page.click('#call-info');
  await selectProvider(page, 'sandbox-academy-v2');
  await page.waitForSelector('[data-testid="session"]');
  await page.click('#call-info');
  await page.waitForFunction(() => document.querySelectorAll('.log-entry[data-step="info"]').length >= 4);
  for (const r of requests.filter((q) => q.headers.authorization)) {
    const metamapsCall = r.url.includes('/proxy/sandbox/metamaps/');
    const sent = r.headers.authorization.replace(/^Bearer /, '');
    assert.equal(sent, metamapsCall ? metamaps : academy, `${r.url} carried the other provider's token`);
  }
});

test('S7 a bearer token is never sent outside its provider\'s API base (counterfeit host)', async () => {
  const seen = [];
  const counterfeit = createServer((req, res) => { seen.push(req.headers); res.end('{}'); });
  await new Promise((r) => counterfeit.listen(0, '127.0.0.1', r));
  const evil = `http://127.0.0.1:${counterfeit.address().port}`;
  try {
    const { page } = await fresh();
    await signIn(page);
    await page.click('#custom-request');
    for (const url of [`${evil}/api/v2/movies`, `${rig.sandbox.url}@127.0.0.1:${counterfeit.address().port}/api/v2/movies`, `${rig.sandbox.url}/api/v1/movies`]) {
      await page.fill('#custom-url', url);
      await page.click('#send');
      await page.waitForSelector('#problem-url');
      assert.ok((await page.textContent('#problem-url')).length > 10);
    }
    assert.deepEqual(seen, [], 'the counterfeit host received nothing');
  } finally {
    counterfeit.close();
  }
});

test('S8 no Authorization header where none is needed (token, config, proxy info)', async () => {
  const { page, requests } = await fresh();
  await signIn(page);
  const quiet = requests.filter((r) => /config\.json|\/proxy\/_info|\/token$/.test(r.url));
  assert.ok(quiet.length >= 3, JSON.stringify(quiet.map((r) => r.url)));
  for (const r of quiet) assert.equal(r.headers.authorization, undefined, r.url);
});

test('S9 no secret in the build: only the Sandbox\'s published demo credentials', async () => {
  const files = [];
  const walk = (dir) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p); else files.push(p);
    }
  };
  walk(DIST);
  const allowed = new Set(['academy-sandbox-secret', 'metamaps-sandbox-secret', 'php-sandbox-secret']);
  const found = new Set();
  for (const f of files) {
    const text = readFileSync(f).toString('latin1');
    for (const m of text.matchAll(/[a-z0-9]+(?:-[a-z0-9]+)*-secret(?![a-z0-9-])/g)) {
      // Element ids; a neighbouring string's tail may be glued to them (see below).
      if (!['client-secret', 'custom-secret'].some((id) => m[0].endsWith(id))) found.add(m[0]);
    }
    assert.ok(!/-----BEGIN [A-Z ]*PRIVATE KEY-----|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}/.test(text), `${f} holds a credential`);
    assert.ok(!text.includes('pages-secret-known-only-to-the-proxy'));
  }
  // Strings sit side by side in the binary, so a match may start with its neighbour's tail.
  for (const s of found) assert.ok([...allowed].some((a) => s.endsWith(a)), `${s} is in the build`);
});

test('S10 no token or secret in the flow log, the export or localStorage', async () => {
  const { page } = await fresh();
  await signIn(page);
  await page.click('#refresh');
  await page.waitForFunction(() => document.querySelectorAll('.log-entry[data-step="refresh"]').length > 0);
  const session = await storedSession(page, 'sandbox-academy-v2');
  await page.$$eval('.log-entry details', (all) => all.forEach((d) => { d.open = true; }));
  const log = await page.textContent('.log');
  for (const secret of [session.tokens.access_token, session.tokens.refresh_token, 'academy-sandbox-secret']) {
    assert.ok(!log.includes(secret), `the flow log shows ${secret}`);
  }
  assert.match(log, /client_secret": "\[redacted\]"/);
  const local = await page.evaluate(() => JSON.stringify(localStorage));
  assert.ok(!local.includes(session.tokens.access_token) && !local.includes('academy-sandbox-secret'));
});

test('S11 hostile text in response headers and error descriptions is shown, never run', async () => {
  const { page } = await fresh();
  const probe = '<img src=x onerror="window.__pwned=1">';
  // A provider error whose description is markup.
  const state = new URL(await page.textContent('#authorize-url')).searchParams.get('state');
  await page.click('#authorize');
  await page.waitForURL((u) => u.href.startsWith(rig.sandbox.url));
  await page.goto(`${rig.app.url}callback?error=access_denied&error_description=${encodeURIComponent(probe)}&state=${state}`);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.ok((await page.textContent('[data-testid="callback-error"]')).includes(probe));
  // An API answer with markup in a header and in the body.
  await openApp(browser.context, rig.app.url);
  await signIn(page);
  await page.route('**/proxy/sandbox/api/v2/about', (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: JSON.stringify([{ name: probe }]),
    headers: { 'x-evil': probe, 'access-control-allow-origin': rig.app.origin, 'access-control-expose-headers': '*' },
  }));
  await page.click('[data-endpoint="about"]');
  await page.click('#send');
  await page.waitForSelector('#response');
  await page.click('#response details.headers > summary');
  assert.ok((await page.textContent('#response details.headers')).includes(probe));
  assert.equal(await page.$$eval('main img', (imgs) => imgs.length), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('S12 the CSP allows only what the app needs: no violations in a full flow, injected script blocked', async () => {
  const { page } = await fresh();
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]{44}'/);
  assert.ok(!csp.includes('unsafe-inline') && !/script-src[^;]*\*/.test(csp));
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.click('[data-endpoint="movies.list"]');
  await signIn(page);
  await page.evaluate(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.click('[data-endpoint="movies.list"]');
  await page.click('#send');
  await page.waitForSelector('#response-tree');
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'the app itself needs nothing the policy forbids');
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__csp=1" onload="window.__csp=2">'));
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.equal(await page.evaluate(() => window.__csp), undefined, 'inline handlers are blocked');
});
