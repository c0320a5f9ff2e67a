// The walking skeleton, as a user does it: Authorize → account chooser → callback → token
// through the proxy → /info on the page; and the callback refusing answers it cannot trust.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, launchBrowser, openApp } from './harness.mjs';

let rig;
let browser;

before(async () => {
  rig = await startRig();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

async function freshPage() {
  for (const p of browser.context.pages().slice(1)) await p.close();
  const page = browser.context.pages()[0];
  await page.goto('about:blank');
  await page.evaluate(() => { try { sessionStorage.clear(); localStorage.clear(); } catch { /* about:blank */ } });
  return openApp(browser.context, rig.app.url);
}

/** Clicks Authorize, picks `account` and `decision` on the Sandbox's consent page. */
async function authorize(page, { account = 'Jane Black', decision = 'Allow' } = {}) {
  const shown = await page.textContent('#authorize-url');
  await page.click('#authorize');
  await page.waitForURL((u) => u.href.startsWith(rig.sandbox.url));
  assert.equal(page.url(), shown, 'the browser goes exactly to the URL the app showed');
  await page.getByLabel(account).check();
  await page.getByRole('button', { name: decision }).click();
}

test('sign in with the Sandbox: consent, callback, token through the proxy, /info on the page', async () => {
  const { page, requests, errors } = await freshPage();
  const shown = await page.textContent('#authorize-url');
  const url = new URL(shown);
  assert.equal(url.origin + url.pathname, `${rig.sandbox.url}/api/v2/authorize`);
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('client_id'), 'academy-sandbox-client');
  assert.equal(url.searchParams.get('redirect_uri'), `${rig.app.url}callback`);
  assert.match(url.searchParams.get('scope'), /\bconnect\b/);
  assert.match(url.searchParams.get('state'), /^[A-Za-z0-9_-]{43}$/, 'a 256-bit base64url state');

  const before = await rig.stats();
  await authorize(page, { account: 'Jane Black' });
  await page.waitForSelector('#info-result .status.ok', { timeout: 15_000 });
  assert.match(await page.textContent('#info-result'), /Jane Black/);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.ok(!page.url().includes('code='), 'the code is gone from the address bar');
  assert.ok(!page.url().includes('state='), 'the state is gone from the address bar');

  const token = requests.find((r) => r.url.includes('/proxy/sandbox/api/v2/token'));
  assert.ok(token, 'the code was exchanged through the proxy');
  assert.equal(token.method, 'POST');
  assert.equal(token.headers['content-type'], 'application/json');
  const body = JSON.parse(token.body);
  assert.equal(body.grant_type, 'authorization_code');
  assert.equal(body.redirect_uri, `${rig.app.url}callback`);
  const info = requests.find((r) => r.url.endsWith('/proxy/sandbox/api/v2/info'));
  assert.match(info.headers.authorization, /^Bearer [0-9a-f]{40}$/);
  assert.equal((await rig.stats()).academy.token_requests, before.academy.token_requests + 1);

  const storage = await page.evaluate(() => ({
    session: Object.keys(sessionStorage),
    local: JSON.stringify(localStorage),
    tokenInSession: Object.values(sessionStorage).some((v) => v.includes('access_token')),
  }));
  assert.ok(storage.session.includes('handshake.v1.session.sandbox-academy-v2'));
  assert.ok(storage.tokenInSession, 'tokens live in sessionStorage');
  assert.ok(!storage.local.includes(info.headers.authorization.slice(7)), 'no token in localStorage');
  assert.equal(await page.isVisible('#access-token'), true);
  assert.ok(!(await page.textContent('#access-token')).includes(info.headers.authorization.slice(7)), 'masked by default');
  assert.deepEqual(errors, []);
});

test('a callback whose state this tab never sent is refused without a token request', async () => {
  const { page, requests } = await freshPage();
  const before = await rig.stats();
  await page.goto(`${rig.app.url}callback?code=stolen-code&state=forged-state`);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'state_mismatch');
  assert.match(await page.textContent('#callback-title'), /State did not match/);
  assert.ok(!page.url().includes('stolen-code'), 'the code is scrubbed even on failure');
  assert.equal(requests.filter((r) => r.url.includes('/token')).length, 0, 'no token request left the page');
  assert.equal((await rig.stats()).academy.token_requests, before.academy.token_requests);
});

test('a callback without state is refused without a token request', async () => {
  const { page, requests } = await freshPage();
  await page.goto(`${rig.app.url}callback?code=some-code`);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'state_missing');
  assert.equal(requests.filter((r) => r.url.includes('/token')).length, 0);
});

test('Deny on the consent page comes back as a clear error and no token request', async () => {
  const { page, requests } = await freshPage();
  await authorize(page, { decision: 'Deny' });
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'provider_error:access_denied');
  assert.match(await page.textContent('[data-testid="callback-error"]'), /denied access/);
  assert.equal(requests.filter((r) => r.url.includes('/token')).length, 0);
});

test('replaying a used callback URL shows "already completed" and sends nothing', async () => {
  const { page, requests } = await freshPage();
  let callbackUrl;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && f.url().includes('/callback?code=')) callbackUrl = f.url();
  });
  await authorize(page, { account: 'John Doe' });
  await page.waitForSelector('#info-result .status.ok');
  assert.ok(callbackUrl, 'saw the callback');
  const before = await rig.stats();
  await page.goto(callbackUrl);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'already_completed');
  assert.equal((await rig.stats()).academy.token_requests, before.academy.token_requests);
  assert.equal(requests.filter((r) => r.url.includes('/token')).length, 1, 'only the first visit exchanged');
});
