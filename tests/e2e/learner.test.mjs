// The learner's real path, item by item: no dead-ends (a flow that cannot finish is not
// started, what cannot work here is marked so), nothing lost (a session per provider, storage
// bounded and failures said), nothing secret in clear, a page that starts without waiting on
// the network, a near-miss redirect URI caught, and answers labelled with their request.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, startRig, launchBrowser, freshApp, selectProvider, startStaticServer } from './harness.mjs';

const PAGES_DIST = process.env.HANDSHAKE_PAGES_DIST ?? join(ROOT, 'target', 'dist-pages');

let rig;
let browser;
/** GitHub Pages with nothing else: no proxy, no Sandbox server. */
let bare;
/** A proxy that accepts connections and never answers. */
let hanging;
/** The Sandbox address the bare Pages config names, where nothing listens. */
let nowhere;

async function closedPort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  rig = await startRig();
  browser = await launchBrowser();
  nowhere = `http://127.0.0.1:${await closedPort()}`;
  bare = await startStaticServer({
    dir: PAGES_DIST, prefix: '/handshake/', pages: true,
    config: { proxy_base: 'proxy', default_provider: 'browser-academy-v2', sandbox_url: nowhere },
  });
  hanging = createServer(() => { /* never answers */ });
  await new Promise((r) => hanging.listen(0, '127.0.0.1', r));
});

after(async () => {
  await browser?.close();
  await rig?.stop();
  await bare?.stop();
  hanging?.closeAllConnections?.();
  hanging?.close();
});

beforeEach(async () => {
  await rig.admin('reset');
  await browser.context.unroute('**/*').catch(() => {});
});

const fresh = () => freshApp(browser.context, rig.app.url);

async function academySignIn(page, extraScopes = []) {
  for (const s of extraScopes) await page.check(`input[name="scope"][value="${s}"]`);
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
}

const logText = (page) => page.textContent('section[aria-labelledby="log-title"]');

// ---- 6. Nothing secret in clear, no input panics the page.

test('6: a multi-byte character in a date field is a message, not a crash', async () => {
  const { page, errors } = await fresh();
  await academySignIn(page);
  await page.click('[data-endpoint="movies.list"]');
  await page.fill('#param-since', '2023-04-13T17:04:4é+01:00');
  await page.click('#send');
  await page.waitForSelector('#problem-since');
  assert.match(await page.textContent('#problem-since'), /must look like/);
  assert.deepEqual(errors, [], 'no panic');
  await page.fill('#param-since', '2023-04-13T17:05:00Z');
  await page.click('#send');
  await page.waitForSelector('#response');
});

test('6: a credential header the user adds is masked in the flow log', async () => {
  const { page } = await fresh();
  await academySignIn(page);
  await page.click('#custom-request');
  await page.fill('#custom-url', `${rig.sandbox.url}/api/v2/info`);
  await page.fill('#custom-headers', 'X-Auth-Token: handmade-credential-0123456789');
  await page.click('#send');
  await page.waitForSelector('#response');
  const log = await logText(page);
  assert.ok(log.includes('X-Auth-Token'), 'the header is shown');
  assert.ok(!log.includes('handmade-credential'), 'its value is not');
});

test('6: a token answer that cannot be read is quoted with its tokens masked', async () => {
  const { page } = await fresh();
  await rig.admin('faults', { kind: 'malformed-json', path: '/api/v2/token' });
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('[data-testid="callback-error"]');
  const shown = await page.textContent('body');
  assert.match(shown, /could not be read as JSON/);
  assert.ok(!shown.includes('4f1c0e'), 'the access token in the broken answer is masked');
});

// ---- 5. Storage: bounded, and a failed write is said.

test('5: Forget tokens also drops the client secret this tab kept', async () => {
  const { page } = await fresh();
  await page.click('#custom-provider > summary');
  await page.selectOption('#custom-start', 'sandbox-metamaps');
  await page.fill('#custom-name', 'My Doorkeeper');
  await page.fill('#custom-client_id', 'metamaps-sandbox-client');
  await page.click('#custom-save');
  await page.waitForFunction(() => document.querySelector('#provider').value === 'custom-my-doorkeeper');
  await page.fill('#client-secret', 'metamaps-sandbox-secret');
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForSelector('#info-result .status.ok');
  const kept = () => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.endsWith('.secret.custom-my-doorkeeper')));
  assert.equal((await kept()).length, 1, 'kept while signed in');
  await page.click('#forget');
  await page.waitForSelector('#signed-out');
  assert.deepEqual(await kept(), []);
  assert.equal(await page.inputValue('#client-secret'), '');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#client-secret'), '', 'and it does not come back');
});

test('5: the history keeps no large body and stays small', async () => {
  const { page } = await fresh();
  await academySignIn(page, ['write']);
  await page.click('#custom-request');
  await page.selectOption('#custom-method', 'POST');
  await page.fill('#custom-url', `${rig.sandbox.url}/api/v2/movies`);
  await page.fill('#custom-headers', 'Content-Type: application/json');
  await page.fill('#request-body', JSON.stringify({ title: 'Big', pad: 'x'.repeat(100_000) }));
  for (let i = 0; i < 3; i++) {
    const before = await page.$$eval('.history-entry', (e) => e.length);
    await page.click('#send');
    await page.waitForFunction((n) => document.querySelectorAll('.history-entry').length > n, before);
  }
  const size = await page.evaluate(() => (sessionStorage.getItem('handshake.v1.history') ?? '').length);
  assert.ok(size < 20_000, `the history holds ${size} characters`);
  await page.click('.history-box > summary');
  assert.match(await page.textContent('.history-entry'), /body of 98 KB not kept/);
});

test('5: a write the in-browser Sandbox cannot make is said', async () => {
  const { page } = await fresh();
  await selectProvider(page, 'browser-academy-v2');
  await page.check('input[name="scope"][value="write"]');
  await page.click('#authorize');
  await page.click('#consent-allow');
  await page.waitForSelector('#info-result .status.ok');
  // The browser's quota reached, for the Sandbox's journal only.
  await page.evaluate(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key, value) {
      if (key.includes('local-sandbox')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return setItem.call(this, key, value);
    };
  });
  await page.click('[data-endpoint="movies.create"]');
  await page.click('#send');
  await page.waitForSelector('#storage-problem');
  assert.match(await page.textContent('#storage-problem'), /in-browser Sandbox could not save/);
});

// ---- 3. A session per provider; the guide's progress is the selected provider's.

test('3: each provider keeps its session, and the guide shows the selected one\'s progress', async () => {
  const { page } = await fresh();
  await academySignIn(page);
  await selectProvider(page, 'sandbox-php');
  await page.waitForSelector('#signed-out');
  const done = () => page.$$eval('#guide .guide-step.done', (els) => els.map((e) => e.dataset.step));
  assert.deepEqual(await done(), [], 'a provider never used has done nothing');
  await selectProvider(page, 'sandbox-academy-v2');
  await page.waitForSelector('[data-testid="session"]');
  assert.ok((await done()).includes('token'), 'back on the Academy: still signed in, progress kept');
  const log = await logText(page);
  assert.ok(!/Tokens cleared/.test(log), 'nothing was cleared');
});


// ---- 1, 2. On GitHub Pages with nothing else running: no flow starts that cannot finish.

async function onBarePages() {
  await browser.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  return freshApp(browser.context, bare.url);
}

test('1: without a proxy, the real Academy v2 says what is missing before leaving, and does not leave', async () => {
  const { page, requests } = await onBarePages();
  await page.waitForFunction(() => /needs a proxy/.test(document.querySelector('#provider option[value="academy-v2"]')?.textContent ?? ''));
  await selectProvider(page, 'academy-v2');
  assert.match(await page.textContent('#unavailable'), /needs handshake-proxy.*Settings/s);
  await page.fill('#client-id', 'my-real-client');
  await page.fill('#client-secret', 'my-real-secret');
  await page.click('#authorize');
  await page.waitForSelector('form .banner.error');
  assert.match(await page.textContent('form .banner.error'), /cannot be used here.*needs handshake-proxy/s);
  assert.equal(new URL(page.url()).pathname, '/handshake/', 'still on the app');
  assert.ok(!requests.some((r) => r.url.startsWith('https://app-academy.make.com')), 'the real site was never opened');
});

test('2: Sandbox presets without a Sandbox server are marked unavailable, with the reason; the in-browser ones work', async () => {
  const { page, requests } = await onBarePages();
  await page.waitForFunction(() => /unavailable here/.test(document.querySelector('#provider option[value="sandbox-academy-v2"]')?.textContent ?? ''));
  const labels = await page.$$eval('#provider option', (os) => Object.fromEntries(os.map((o) => [o.value, o.textContent])));
  for (const id of ['sandbox-academy-v2', 'sandbox-academy-v1', 'sandbox-metamaps', 'sandbox-php']) {
    assert.match(labels[id], /unavailable here: no Sandbox server/, id);
  }
  for (const id of ['browser-academy-v2', 'browser-academy-v1']) assert.doesNotMatch(labels[id], /unavailable|needs/, id);
  await selectProvider(page, 'sandbox-academy-v2');
  assert.match(await page.textContent('#unavailable'), /no Sandbox server here: .*handshake-proxy.*In this browser/s);
  assert.ok(!requests.some((r) => r.url.startsWith(nowhere)), 'a page without its proxy never asks for a loopback Sandbox');
  const before = requests.length;
  await page.click('#authorize');
  await page.waitForSelector('form .banner.error');
  assert.equal(new URL(page.url()).pathname, '/handshake/');
  assert.ok(!requests.slice(before).some((r) => r.url.includes('/api/v2/authorize')), 'no authorize navigation');
  await selectProvider(page, 'browser-academy-v2');
  await page.click('#authorize');
  await page.click('#consent-allow');
  await page.waitForSelector('#info-result .status.ok');
});

// ---- 4. The page starts without waiting on the network.

test('4: a hanging proxy keeps nothing waiting: the page and Settings are there at once, the code leaves the address bar at once', async () => {
  const site = await startStaticServer({
    dir: PAGES_DIST, prefix: '/handshake/', pages: true,
    config: { proxy_base: `http://127.0.0.1:${hanging.address().port}/proxy`, default_provider: 'browser-academy-v2' },
  });
  try {
    const page = browser.context.pages()[0];
    const started = Date.now();
    await page.goto(`${site.url}callback?code=secret-code-123&state=s1`);
    await page.waitForFunction(() => !location.search.includes('code='), null, { timeout: 1500 });
    const scrubbed = Date.now() - started;
    await page.goto(site.url);
    const t0 = Date.now();
    await page.waitForSelector('body[data-ready="true"]');
    const ready = Date.now() - t0;
    assert.ok(ready < 2500, `ready after ${ready} ms`);
    assert.ok(scrubbed < 1500, `the code left the address bar after ${scrubbed} ms`);
    await page.click('#settings summary');
    await page.waitForSelector('#settings-save');
  } finally {
    await site.stop();
  }
});

// ---- 10. A near-miss redirect URI is caught before the browser leaves.

test('10: a redirect URI one slash off Handshake\'s callback is caught, with a one-click fix', async () => {
  const { page } = await fresh();
  const own = await page.inputValue('#redirect-uri');
  await page.fill('#redirect-uri', `${own}/`);
  assert.match(await page.textContent('#redirect-near-miss'), /a trailing slash/);
  const pages = browser.context.pages().length;
  await page.click('#authorize');
  await page.waitForSelector('form .banner.error');
  assert.match(await page.textContent('form .banner.error'), /differs from Handshake's callback only by a trailing slash/);
  assert.equal(browser.context.pages().length, pages, 'no new tab opened');
  assert.equal(new URL(page.url()).pathname, '/', 'the browser did not leave');
  await page.click('#use-own-callback');
  assert.equal(await page.inputValue('#redirect-uri'), own);
  await academySignIn(page);
});

// ---- 7. A compact guide: Authorize on the first screen; back from the provider, the result.

const inView = (page, selector) => page.$eval(selector, (el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
});

test('7: Authorize is on the first screen with the guide on, and the page lands on the result after the callback', async () => {
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    const page = browser.context.pages()[0];
    await page.setViewportSize({ width, height });
    try {
      await fresh();
      assert.ok(await page.isVisible('#guide'), 'guided mode is on');
      assert.ok(await inView(page, '#authorize') || width < 500, `${width}px: Authorize on the first screen`);
      if (width < 500) {
        const top = await page.$eval('#authorize', (el) => el.getBoundingClientRect().top + window.scrollY);
        assert.ok(top < 1400, `${width}px: Authorize ${top}px down`);
      }
      await academySignIn(page);
      await page.waitForFunction(() => {
        const r = document.querySelector('#session-title')?.getBoundingClientRect();
        return r && r.top >= 0 && r.top < window.innerHeight;
      }, null, { timeout: 5000 });
      const open = await page.$$eval('#guide .guide-step > details[open]', (d) => d.length);
      assert.equal(open, 1, 'one step open: the next one');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }
});

// ---- 8. An answer always says which request it answers.

test('8: an answer is labelled with its request, and another endpoint does not show it', async () => {
  const { page } = await fresh();
  await academySignIn(page);
  await page.click('[data-endpoint="movies.list"]');
  await page.click('#send');
  await page.waitForSelector('#response');
  assert.match(await page.textContent('#sent-request'), /Answer to GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/movies/);
  await page.click('#sent-request summary');
  assert.match(await page.textContent('#sent-request'), /Authorization: Bearer ••••/);
  await page.click('[data-endpoint="movies.create"]');
  await page.waitForSelector('#response', { state: 'detached' });
  assert.equal(await page.$('#sent-request'), null, 'no stale answer under "Create a movie"');
});

// ---- 9. Controls break between words only; Raw is indented.

/** Every visible word of a control that is split across two lines. */
const brokenWords = (page) => page.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('button, .tag, .chip, .status, label, summary, legend, h2, h3')) {
    if (!el.offsetParent) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const re = /\S+/g;
      let m;
      while ((m = re.exec(n.textContent))) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
        if (tops.size > 1) out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}: ${m[0]}`);
      }
    }
  }
  return [...new Set(out)];
});

test('9: no control breaks inside a word at 360, 390 and 1280 px; the raw answer is indented', async () => {
  const page = browser.context.pages()[0];
  try {
    for (const width of [360, 390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await fresh();
      assert.deepEqual(await brokenWords(page), [], `${width}px, signed out`);
      await academySignIn(page);
      await page.click('[data-endpoint="movies.delete"]');
      await page.click('#send');
      await page.waitForSelector('#response');
      assert.deepEqual(await brokenWords(page), [], `${width}px, signed in, a 403 answer`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${width}px: ${overflow}px sideways`);
    }
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  const { page: p } = await fresh();
  await academySignIn(p);
  await p.click('[data-endpoint="movies.list"]');
  await p.click('#send');
  await p.waitForSelector('#response');
  await p.getByRole('button', { name: 'Raw' }).click();
  assert.match(await p.textContent('#response-raw'), /^\[\n  \{\n    "/, 'indented');
});

// ---- Beyond: the run just made, exported as a Make custom-app connection.

/** The exported document, as the Download link carries it. */
async function exported(page) {
  await page.click('#make-export > summary');
  const href = await page.getAttribute('#make-download', 'href');
  assert.match(href, /^data:application\/json;charset=utf-8,/);
  return JSON.parse(decodeURIComponent(href.slice(href.indexOf(',') + 1)));
}

test('Make export: the Academy v2 run becomes an OAuth connection that matches it, without a token', async () => {
  const { page } = await fresh();
  await academySignIn(page, ['write']);
  const doc = await exported(page);
  const api = doc.communication;
  assert.equal(doc.type, 'oauth');
  assert.deepEqual(Object.keys(api), ['authorize', 'token', 'info', 'refresh', 'invalidate']);
  // The Sandbox stood in for the real Academy: the real host, the real paths.
  for (const [section, path] of [['authorize', 'authorize'], ['token', 'token'], ['info', 'info'], ['refresh', 'refresh'], ['invalidate', 'invalidate']]) {
    assert.equal(api[section].url, `https://app-academy.make.com/api/v2/${path}`, section);
  }
  // The scopes granted in this run, as the session shows them.
  const chips = await page.$$eval('.scopes-line .chip', (cs) => cs.map((c) => c.textContent));
  assert.deepEqual(doc.scope, chips);
  assert.deepEqual(doc.scope, ['connect', 'read', 'write']);
  // Minutes, as the answer said, and a margin under the 5-minute lifetime.
  assert.match(await page.textContent('.token-row .token-expiry'), /expires_in: 5 \(minutes\)/);
  assert.equal(api.token.response.data.expires, '{{addMinutes(now, body.expires_in)}}');
  assert.equal(api.refresh.condition, '{{data.expires < addMinutes(now, 1)}}');
  assert.match(await page.textContent('#make-lifetimes'), /lived 5 min.*less than 1 min/);
  // The account as /info answered it.
  assert.equal(api.info.response.metadata.value, '{{body.user}}');
  assert.equal(api.info.response.uid, '{{body.id}}');
  // This run used Handshake's own callback: Make's must be registered too.
  assert.equal(api.authorize.qs.redirect_uri, api.token.body.redirect_uri);
  assert.match(await page.textContent('#make-notes'), /Register https:\/\/www\.make\.com\/oauth\/cb\/app/);
  // Never a token, never the secret.
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('handshake.v1.session.sandbox-academy-v2')));
  const text = JSON.stringify(doc);
  assert.ok(stored.tokens.access_token.length > 8);
  for (const secret of [stored.tokens.access_token, stored.tokens.refresh_token, 'academy-sandbox-secret']) {
    assert.ok(!text.includes(secret), 'no token or secret in the export');
  }
  assert.deepEqual(doc.common, { clientId: 'PASTE-YOUR-CLIENT-ID', clientSecret: 'PASTE-YOUR-CLIENT-SECRET' });
  // Each tab can be read on its own.
  const tabs = await page.$$eval('.make-tab', (ts) => ts.map((t) => t.dataset.tab));
  assert.deepEqual(tabs, ['communication', 'parameters', 'scope', 'scopes', 'common', 'base']);
  assert.equal(await page.getAttribute('#make-download', 'download'), 'make-app-academy-v2-oauth-2.make-connection.json');
});

test('Make export: the v1 API key becomes a basic connection that checks the key, without the key', async () => {
  const { page } = await fresh();
  await selectProvider(page, 'sandbox-academy-v1');
  await page.click('#use-key');
  await page.waitForSelector('#info-result .status.ok');
  const doc = await exported(page);
  assert.equal(doc.type, 'basic');
  assert.equal(doc.communication.url, 'https://app-academy.make.com/api/v1/about');
  assert.deepEqual(doc.communication.headers, { 'x-api-key': '{{parameters.apiKey}}' });
  assert.equal(doc.communication.response.metadata.value, '{{body[1].name}}');
  assert.deepEqual(doc.communication.log.sanitize, ['request.headers.`x-api-key`']);
  assert.ok(!JSON.stringify(doc).includes('academy-sandbox-key'), 'the key stays out');
  assert.equal(doc.scope, undefined);
});

// ---- Beyond: token experiments.

test('token experiments: expire now forces a refresh, the old token is refused after rotation and after Invalidate', async () => {
  const { page } = await fresh();
  await academySignIn(page);
  const refreshesBefore = await page.$$eval('.log-entry[data-step="refresh"]', (e) => e.length);
  await page.click('#expire-now');
  await page.waitForSelector('#experiment-said');
  await page.click('#call-info');
  await page.waitForFunction((n) => document.querySelectorAll('.log-entry[data-step="refresh"]').length > n + 1, refreshesBefore);
  assert.match(await logText(page), /Refreshed the access token[\s\S]*Access token expired on purpose/);
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /refreshed it first/);
  // The refresh rotated the pair: the old access token is refused.
  await page.click('#try-old');
  await page.waitForSelector('#old-token-result .status');
  assert.match(await page.textContent('#old-token-result'), /401[\s\S]*really is dead|really is dead[\s\S]*401/);
  assert.match(await page.textContent('#old-token-result'), /Bearer ••••|401/);
  // Invalidate, then try the token it ended.
  await page.click('#revoke');
  await page.waitForSelector('#signed-out');
  await page.waitForSelector('#try-old');
  assert.match(await page.textContent('#old-token'), /after Invalidate/);
  await page.click('#try-old');
  await page.waitForFunction(() => /after Invalidate/.test(document.querySelector('section[aria-labelledby="log-title"]')?.textContent ?? ''));
  await page.waitForSelector('#old-token-result .status.bad');
});

test('token experiments: a token I already have is used, and bad input loses nothing', async () => {
  const { page, errors } = await fresh();
  await academySignIn(page);
  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('handshake.v1.session.sandbox-academy-v2')));
  await page.click('#forget');
  await page.waitForSelector('#signed-out');
  await page.click('#use-token > summary');
  await page.fill('#pasted-access', 'two words');
  await page.click('#use-pasted');
  await page.waitForSelector('#experiment-said.error');
  assert.equal(await page.inputValue('#pasted-access'), 'two words', 'what was typed is kept');
  await page.fill('#pasted-access', stored.tokens.access_token);
  await page.fill('#pasted-refresh', stored.tokens.refresh_token);
  assert.equal(await page.inputValue('#pasted-client'), 'academy-sandbox-client');
  await page.click('#use-pasted');
  await page.waitForSelector('[data-testid="session"]');
  await page.click('#call-info');
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /John Doe/);
  assert.match(await logText(page), /Using a token you pasted/);
  assert.ok(!(await logText(page)).includes(stored.tokens.access_token), 'the pasted token is not in the log');
  assert.deepEqual(errors, []);
});

// ---- Beyond: Check my setup.

const verdicts = (page) => page.$$eval('#setup-checks .check', (cs) => Object.fromEntries(cs.map((c) => [c.dataset.check, c.dataset.verdict])));

test('Check my setup: proxy, secret, client id and redirect URI as the provider sees them, CORS per endpoint, each with a fix', async () => {
  const { page } = await fresh();
  await page.click('#check-setup');
  await page.waitForSelector('#setup-checks');
  const good = await verdicts(page);
  assert.equal(good.proxy, 'good');
  assert.equal(good.secret, 'good', 'the demo secret');
  assert.equal(good.authorize, 'good', 'the Sandbox accepted the client id and redirect URI');
  // The Sandbox server sends no CORS headers: its endpoints go through the proxy, as they must.
  assert.equal(good['cors-token'], 'good');
  assert.match(await page.textContent('[data-check="cors-token"]'), /may not call it.*through handshake-proxy/);
  assert.equal(await page.$$eval('.check.problem', (c) => c.length), 0);
  assert.equal(await page.$$eval('.log-entry[data-step="authorize"]', (e) => e.length), 1, 'the trial request is in the log');

  // A redirect URI the provider did not register, an unknown client, no secret.
  const own = await page.inputValue('#redirect-uri');
  await page.fill('#redirect-uri', own.replace('/callback', '/elsewhere'));
  await page.click('#check-setup');
  await page.waitForFunction(() => document.querySelector('[data-check="authorize"]')?.dataset.verdict === 'problem');
  assert.match(await page.textContent('[data-check="authorize"]'), /not the redirect URI registered[\s\S]*Fix: Register exactly/);
  await page.fill('#redirect-uri', own);
  await page.fill('#client-id', 'nobody');
  await page.fill('#client-secret', '');
  await page.click('#check-setup');
  await page.waitForFunction(() => document.querySelector('[data-check="secret"]')?.dataset.verdict === 'problem');
  assert.match(await page.textContent('[data-check="authorize"]'), /does not know client id nobody/);
  assert.match(await page.textContent('[data-check="secret"]'), /Fix: Type the secret.*--secret <upstream>:nobody=MY_CLIENT_SECRET,path=\/api\/v2\/token/);
  assert.equal(new URL(page.url()).pathname, '/', 'nothing left the page');
});

// ---- Beyond: the authorize decoder is editable before sending.

test('decoders: the authorize parameters can be changed in the decoded table, and Authorize sends them', async () => {
  const { page } = await fresh();
  await page.click('#authorize-decoded > summary');
  const rows = await page.$$eval('#authorize-decoded tbody tr th', (ths) => ths.map((t) => t.textContent));
  for (const name of ['client_id', 'redirect_uri', 'scope', 'response_type', 'state']) assert.ok(rows.includes(name), `${name} in ${rows}`);
  assert.match(await page.textContent('#authorize-decoded'), /random value the app checks/);
  assert.equal(await page.inputValue('#edit-scope'), 'connect read');
  await page.fill('#edit-scope', 'connect read write');
  await page.press('#edit-scope', 'Tab');
  await page.waitForFunction(() => document.querySelector('input[name="scope"][value="write"]').checked);
  assert.equal(new URL(await page.textContent('#authorize-url')).searchParams.get('scope'), 'connect read write');
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  const chips = await page.$$eval('.scopes-line .chip', (cs) => cs.map((c) => c.textContent));
  assert.deepEqual(chips, ['connect', 'read', 'write']);
});
