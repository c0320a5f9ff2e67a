// The GitHub Pages demo with nothing behind it: the release build from scripts/build-pages.sh
// (its own config.json) under a sub-path on a static server that behaves like GitHub Pages,
// and no proxy or Sandbox process at all. The in-browser Sandbox answers everything.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startStaticServer, launchBrowser, freshApp } from './harness.mjs';

const DIST = process.env.HANDSHAKE_PAGES_DIST ?? join(ROOT, 'target', 'dist-pages');
const SESSION_KEY = 'handshake.v1.session.browser-academy-v2';

let site;
let browser;

before(async () => {
  assert.ok(existsSync(join(DIST, 'sandbox-authorize', 'index.html')), `build first: scripts/build-pages.sh /handshake/ ${DIST}`);
  site = await startStaticServer({ dir: DIST, prefix: '/handshake/', pages: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.stop();
});

const session = (page) => page.evaluate((k) => JSON.parse(sessionStorage.getItem(k) ?? 'null'), SESSION_KEY);

async function signIn(page, who = 'Jane Black') {
  await page.click('#authorize');
  await page.waitForSelector('[data-testid="consent"]');
  assert.equal(new URL(page.url()).pathname, '/handshake/sandbox-authorize');
  await page.getByLabel(new RegExp(who)).check();
  await page.click('#consent-allow');
  await page.waitForSelector('#info-result .status.ok');
}

async function call(page, endpoint) {
  const before = await page.$$eval('.history-entry', (e) => e.length);
  await page.click(`[data-endpoint="${endpoint}"]`);
  await page.click('#send');
  await page.waitForFunction((n) => document.querySelectorAll('.history-entry').length > n, before);
  return Number(await page.getAttribute('#response', 'data-status'));
}

test('authorize, call, reload, refresh and invalidate with no server behind the page', async () => {
  const { page, requests, errors } = await freshApp(browser.context, site.url);
  assert.equal(await page.inputValue('#provider'), 'browser-academy-v2', 'the demo starts in the browser Sandbox');
  const shown = new URL(await page.textContent('#authorize-url'));
  assert.equal(shown.origin, 'https://sandbox.handshake.invalid');
  assert.equal(shown.searchParams.get('redirect_uri'), `${site.origin}/handshake/callback`);
  assert.ok(!site.served.some((p) => p.includes('handshake-local')), 'the Sandbox module is not part of the first load');

  await signIn(page);
  assert.ok(site.served.includes('/handshake/handshake-local_bg.wasm'), 'it loads when the consent page needs it');
  assert.match(await page.textContent('#info-result'), /Jane Black/);
  assert.equal(new URL(page.url()).pathname, '/handshake/');
  assert.ok(site.served.includes('/handshake/callback'), 'the callback came from the static host');
  const first = await session(page);
  assert.equal(first.tokens.expires_in, 5, 'Academy lifetimes in minutes');

  assert.equal(await call(page, 'movies.list'), 200);
  await page.getByRole('button', { name: 'Raw' }).click();
  const movies = JSON.parse(await page.textContent('#response-raw'));
  assert.equal(movies.length, 5);

  // A reload keeps the Sandbox's state: the same token still works.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await call(page, 'genres.list'), 200);

  await page.click('#refresh');
  await page.waitForFunction(([k, old]) => {
    const s = JSON.parse(sessionStorage.getItem(k) ?? 'null');
    return s && s.tokens.access_token !== old;
  }, [SESSION_KEY, first.tokens.access_token]);
  const second = await session(page);
  assert.notEqual(second.tokens.refresh_token, first.tokens.refresh_token, 'the refresh token rotates');
  assert.equal(await call(page, 'movies.list'), 200, 'the new token works');

  await page.click('#revoke');
  await page.waitForSelector('#revoke-result .status.ok');
  await page.waitForSelector('#signed-out');
  assert.equal(await session(page), null);
  const log = await page.$$eval('.log-entry', (els) => els.map((e) => e.dataset.step));
  for (const step of ['authorize', 'callback', 'token', 'info', 'refresh', 'revoke']) {
    assert.ok(log.includes(step), `the flow log shows ${step}: ${log}`);
  }

  const elsewhere = requests.filter((r) => !r.url.startsWith(site.origin));
  assert.deepEqual(elsewhere.map((r) => r.url), [], 'nothing left the static host');
  // Only the start-up probe asks whether a proxy is there (its /_info, then each upstream's root).
  const probe = (u) => u.endsWith('/proxy/_info') || /\/proxy\/[a-z0-9-]+\/$/.test(u);
  assert.ok(!requests.some((r) => r.url.includes('/proxy/') && !(probe(r.url) && r.method === 'GET')), 'no proxy call');
  assert.deepEqual(errors, []);
});

test('Deny comes back to the callback as access_denied; a foreign redirect URI is refused on the consent page', async () => {
  const { page } = await freshApp(browser.context, site.url);
  await page.click('#authorize');
  await page.waitForSelector('[data-testid="consent"]');
  await page.click('#consent-deny');
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.match(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), /access_denied/);

  await page.goto(`${site.url}sandbox-authorize?client_id=academy-sandbox-client&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&response_type=code&scope=connect&state=x`);
  await page.waitForSelector('[data-testid="consent-refused"]');
  assert.match(await page.textContent('[data-testid="consent-refused"]'), /redirect_uri does not match/);
  assert.equal(new URL(page.url()).origin, site.origin, 'not sent to the foreign URI');
});

test('guided mode follows the flow, links steps and log entries both ways; a JWT is decoded, not verified', async () => {
  const { page } = await freshApp(browser.context, site.url);
  assert.equal(await page.getAttribute('#guide-register', 'aria-current'), 'step', 'the first step is the current one');
  assert.match(await page.textContent('#guide-register'), new RegExp(`${site.origin}/handshake/callback`), 'the redirect URI to register is this page\'s');

  await signIn(page, 'John Doe');
  await page.waitForSelector('#guide-call.done');
  for (const step of ['register', 'authorize', 'callback', 'token', 'call']) {
    assert.match(await page.getAttribute(`#guide-${step}`, 'class'), /\bdone\b/, `${step} is done`);
  }
  assert.equal(await page.getAttribute('#guide-refresh', 'aria-current'), 'step');
  const raw = await page.textContent('#guide-token .guide-raw');
  assert.match(raw, /POST https:\/\/sandbox\.handshake\.invalid\/api\/v2\/token/);
  assert.match(raw, /"client_secret": "\[redacted\]"/);
  assert.doesNotMatch(raw, /academy-sandbox-secret/);

  // Step → its flow-log entry, opened and focused; and back. Only the next step is open: the
  // learner opens the token step to read it.
  assert.equal(await page.$$eval('#guide .guide-step > details[open]', (d) => d.map((x) => x.parentElement.id)).then((ids) => ids.join()), 'guide-refresh');
  await page.click('#guide-token > details > summary');
  await page.locator('#guide-token').getByRole('button', { name: /Show it in the flow log/ }).click();
  const focused = await page.evaluate(() => ({ id: document.activeElement.id, step: document.activeElement.dataset.step, open: document.activeElement.querySelector('details').open }));
  assert.match(focused.id, /^log-\d+$/);
  assert.equal(focused.step, 'token');
  assert.equal(focused.open, true);
  await page.locator(`#${focused.id}`).getByRole('button', { name: 'Step 4 in the guide' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'guide-token');

  // The inspector decodes a token that is a JWT, and says it is not verified.
  assert.equal(await page.locator('#access-token-jwt').count(), 0, 'the Sandbox\'s tokens are opaque');
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const jwt = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub: 'learner-42', exp: 1_900_000_000 })}.c2ln`;
  await page.evaluate(([k, token]) => {
    const s = JSON.parse(sessionStorage.getItem(k));
    s.tokens.access_token = token;
    sessionStorage.setItem(k, JSON.stringify(s));
  }, [SESSION_KEY, jwt]);
  await page.reload();
  await page.waitForSelector('#access-token-jwt');
  assert.match(await page.textContent('#access-token-jwt summary'), /decoded, not verified/);
  await page.click('#access-token-jwt summary');
  const claims = await page.textContent('#access-token-jwt');
  assert.match(claims, /"sub": "learner-42"/);
  assert.match(claims, /exp 2030-03-17T17:46:40\.000Z/);

  // Hidden, the guide stays hidden across a reload; shown again from the header.
  await page.click('#guide-off');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#guide').count(), 0);
  await page.click('#guide-toggle');
  await page.waitForSelector('#guide');
});
