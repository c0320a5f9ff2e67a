// Real use on a static host: the release build made by scripts/build-pages.sh, served under a
// sub-path by a plain static server that behaves like GitHub Pages (no Trunk), with
// handshake-proxy holding the client secret. The secret never reaches the browser.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startRig, launchBrowser, openApp } from './harness.mjs';

const DIST = process.env.HANDSHAKE_PAGES_DIST ?? join(ROOT, 'target', 'dist-pages');
const SECRET = 'pages-secret-known-only-to-the-proxy';
const CLIENT = 'pages-client';

let rig;
let browser;
let dir;

before(async () => {
  assert.ok(existsSync(join(DIST, 'callback', 'index.html')), `build first: scripts/build-pages.sh /handshake/ ${DIST}`);
  dir = mkdtempSync(join(tmpdir(), 'handshake-pages-'));
  const sandboxConfig = join(dir, 'sandbox.json');
  writeFileSync(sandboxConfig, JSON.stringify({
    clients: [{ dialect: 'academy', client_id: CLIENT, client_secret: SECRET, redirect_uris: ['http://127.0.0.1/handshake/callback'] }],
  }));
  rig = await startRig({
    prefix: '/handshake/',
    dir: DIST,
    pages: true,
    sandboxArgs: ['--sandbox-config', sandboxConfig],
    proxyArgs: ['--secret', `sandbox:${CLIENT}=PAGES_TEST_SECRET,path=/api/v2/token,path=/api/v2/refresh`],
    proxyEnv: { PAGES_TEST_SECRET: SECRET },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rig?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the Academy v2 flow on a sub-path, with the secret held by the proxy', async () => {
  const { page, requests, errors } = await openApp(browser.context, rig.app.url);
  assert.equal(await page.evaluate(() => document.baseURI), `${rig.app.origin}/handshake/`);
  await page.fill('#client-id', CLIENT);
  await page.waitForSelector('#secret-held');
  assert.equal(await page.isVisible('#client-secret'), false, 'nothing to type');
  const shown = new URL(await page.textContent('#authorize-url'));
  assert.equal(shown.searchParams.get('redirect_uri'), `${rig.app.origin}/handshake/callback`);

  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /John Doe/);
  assert.equal(new URL(page.url()).pathname, '/handshake/');
  assert.ok(rig.app.served.includes('/handshake/callback'), 'the callback came from the static host');

  const token = requests.find((r) => r.url.endsWith('/proxy/sandbox/api/v2/token'));
  assert.equal(JSON.parse(token.body).client_secret, undefined, 'the page sent no secret');
  const everything = JSON.stringify({
    html: await page.content(),
    session: await page.evaluate(() => JSON.stringify(sessionStorage)),
    local: await page.evaluate(() => JSON.stringify(localStorage)),
    requests,
  });
  assert.ok(!everything.includes(SECRET), 'the secret is nowhere in the browser');
  assert.ok(!everything.includes('academy-sandbox-secret'), 'nor is the Sandbox demo secret sent in its place');
  assert.deepEqual(errors, []);
});

test('deep links and a reloaded callback work without an SPA server', async () => {
  const page = browser.context.pages()[0];
  const response = await page.goto(`${rig.app.url}no/such/page`);
  assert.equal(response.status(), 404, 'GitHub Pages answers 404.html with a 404');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.textContent('main'), /not a page of Handshake/);
  const callback = await page.goto(`${rig.app.url}callback`);
  assert.equal(callback.status(), 200);
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'nothing_to_complete');
});

test('Settings override the proxy address for this browser and say what the proxy holds', async () => {
  const { page } = await openApp(browser.context, rig.app.url);
  await page.click('#settings > summary');
  assert.match(await page.textContent('#proxy-status'), new RegExp(`holds the client secret of: ${CLIENT} \\(sandbox\\)`));
  await page.fill('#setting-proxy', 'ftp://nope');
  await page.click('#settings-save');
  assert.match(await page.textContent('#settings [role="alert"]'), /proxy_base/);
  await page.fill('#setting-proxy', 'http://127.0.0.1:9/proxy');
  await Promise.all([page.waitForEvent('load'), page.click('#settings-save')]);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('#effective-proxy'), 'http://127.0.0.1:9/proxy');
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes(SECRET));
  await page.click('#settings > summary');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Back to config.json' }).click()]);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('#effective-proxy'), rig.config.proxy_base);
});
