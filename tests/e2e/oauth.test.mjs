// The complete OAuth2 client against every Sandbox provider, as a user drives it: sign-in,
// info, refresh, revoke; answers that land elsewhere; failures of the token endpoint;
// expiry handled transparently or by re-authorization that keeps what the user typed.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, launchBrowser, freshApp, selectProvider, storedSession } from './harness.mjs';

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

beforeEach(async () => {
  await rig.admin('reset');
  await browser.context.unroute('**/*').catch(() => {});
});

const fresh = () => freshApp(browser.context, rig.app.url);

async function academySignIn(page, account = 'Jane Black') {
  await page.click('#authorize');
  await page.waitForURL((u) => u.href.startsWith(rig.sandbox.url));
  await page.getByLabel(account).check();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status');
}

async function sandboxCall(path, token) {
  const res = await fetch(`${rig.sandbox.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return res.status;
}

test('Academy v2: sign in, info, refresh, invalidate', async () => {
  const { page, requests } = await fresh();
  await academySignIn(page);
  assert.match(await page.textContent('#info-result'), /Jane Black/);
  const first = await storedSession(page, 'sandbox-academy-v2');
  assert.equal(first.tokens.expires_in, 5);
  assert.ok(first.tokens.expires_at - first.tokens.obtained_at === 5 * 60_000, 'minutes, not seconds');
  assert.match(await page.textContent('#access-token-countdown'), /^(4 min 5\d s|5 min 00 s)$/);

  await page.click('#refresh');
  await page.waitForFunction((old) => {
    const s = JSON.parse(sessionStorage.getItem('handshake.v1.session.sandbox-academy-v2'));
    return s && s.tokens.access_token !== old;
  }, first.tokens.access_token);
  const second = await storedSession(page, 'sandbox-academy-v2');
  assert.notEqual(second.tokens.refresh_token, first.tokens.refresh_token);
  const refresh = requests.find((r) => r.url.endsWith('/proxy/sandbox/api/v2/refresh'));
  assert.equal(JSON.parse(refresh.body).grant_type, 'refresh_token');
  assert.equal((await rig.stats()).academy.refresh_requests, 1);

  await page.click('#revoke');
  await page.waitForSelector('#revoke-result .status.ok');
  await page.waitForSelector('#signed-out');
  assert.equal(await storedSession(page, 'sandbox-academy-v2'), null);
  assert.equal(await sandboxCall('/api/v2/info', second.tokens.access_token), 401, 'the provider forgot it too');
  const log = await page.$$eval('.log-entry', (els) => els.map((e) => e.dataset.step));
  for (const step of ['authorize', 'callback', 'token', 'info', 'refresh', 'revoke']) {
    assert.ok(log.includes(step), `the flow log shows ${step}: ${log}`);
  }
});

test('Academy v2 registered at Make\'s callback: paste the landed URL', async () => {
  const { page, requests } = await fresh();
  await browser.context.route('https://www.integromat.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Make</h1><p>This is where Make would finish.</p>' }));
  await page.fill('#client-id', 'academy-registered-at-make');
  await page.fill('#redirect-uri', 'https://www.integromat.com/oauth/cb/app');
  assert.match(await page.textContent('#elsewhere-note'), /not Handshake's callback/);
  const [tab] = await Promise.all([browser.context.waitForEvent('page'), page.click('#authorize')]);
  await tab.waitForLoadState();
  await tab.getByLabel('John Doe').check();
  await tab.getByRole('button', { name: 'Allow' }).click();
  await tab.waitForURL(/integromat\.com\/oauth\/cb\/app\?code=/);
  const landed = tab.url();
  await tab.close();

  await page.fill('#paste', landed);
  await page.click('#paste-submit');
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /John Doe/);
  const token = requests.find((r) => r.url.endsWith('/proxy/sandbox/api/v2/token'));
  assert.equal(JSON.parse(token.body).redirect_uri, 'https://www.integromat.com/oauth/cb/app', 'the registered URI, repeated');
});

test('Metamaps: PKCE, query-string token call, refresh and revoke', async () => {
  const { page, requests } = await fresh();
  await selectProvider(page, 'sandbox-metamaps');
  const url = new URL(await page.textContent('#authorize-url'));
  assert.equal(url.pathname, '/metamaps/oauth/authorize');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.match(url.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /Jane Black/);
  const token = requests.find((r) => r.url.includes('/proxy/sandbox/metamaps/oauth/token?'));
  const query = new URL(token.url).searchParams;
  assert.equal(token.method, 'POST');
  assert.equal(token.body, null, 'parameters travel in the query string');
  assert.match(query.get('code_verifier'), /^[A-Za-z0-9_-]{43}$/);
  const session = await storedSession(page, 'sandbox-metamaps');
  assert.equal(session.tokens.token_type, 'bearer');
  assert.equal(session.tokens.expires_at - session.tokens.obtained_at, 7_200_000, 'seconds');

  await page.click('#refresh');
  await page.waitForFunction(() => document.querySelectorAll('.log-entry[data-step="refresh"]').length > 0);
  await page.click('#revoke');
  await page.waitForSelector('#revoke-result');
  await page.waitForSelector('#signed-out');
  const stats = await rig.stats();
  assert.equal(stats.metamaps.refresh_requests, 1);
  assert.equal(stats.metamaps.revoke_requests, 2, 'refresh token, then access token');
});

test('Metamaps out-of-band: the code shown in a new tab is pasted back', async () => {
  const { page } = await fresh();
  await selectProvider(page, 'sandbox-metamaps');
  await page.check('#oob');
  assert.equal(await page.inputValue('#redirect-uri'), 'urn:ietf:wg:oauth:2.0:oob');
  const [tab] = await Promise.all([browser.context.waitForEvent('page'), page.click('#authorize')]);
  await tab.waitForLoadState();
  await tab.getByRole('button', { name: 'Authorize' }).click();
  await tab.waitForSelector('#authorization_code');
  const code = (await tab.textContent('#authorization_code')).trim();
  await tab.close();
  await page.fill('#paste', code);
  await page.click('#paste-submit');
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /Jane Black/);
});

test('PHP-style: sign in, form token call without grant_type, userinfo, no refresh', async () => {
  const { page, requests } = await fresh();
  await selectProvider(page, 'sandbox-php');
  await page.click('#authorize');
  await page.fill('input[name="password"]', 'sandbox');
  await page.getByRole('button', { name: 'Sign in and grant' }).click();
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /johndoe/);
  const token = requests.find((r) => r.url.endsWith('/proxy/sandbox/php/api/token.php'));
  assert.equal(token.headers['content-type'], 'application/x-www-form-urlencoded');
  const form = new URLSearchParams(token.body);
  assert.equal(form.get('grant_type'), null);
  assert.equal(form.get('redirect_uri'), null);
  assert.equal(await page.isVisible('#refresh'), false, 'no refresh token, no refresh button');
  assert.equal(await page.isVisible('#revoke'), false, 'no revoke endpoint');
  await page.click('#forget');
  await page.waitForSelector('#signed-out');
});

test('Academy v1: an API key in x-api-key', async () => {
  const { page, requests } = await fresh();
  await selectProvider(page, 'sandbox-academy-v1');
  await page.click('#use-key');
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /John Doe/);
  const about = requests.find((r) => r.url.endsWith('/proxy/sandbox/api/v1/about'));
  assert.equal(about.headers['x-api-key'], 'academy-sandbox-key');
  assert.equal(about.headers.authorization, undefined);
});

test('a custom API-key provider: the key in the header it names, only under its API base', async () => {
  const { page, requests } = await fresh();
  await page.click('#custom-provider > summary');
  await page.fill('#custom-name', 'My key API');
  await page.selectOption('#custom-flow', 'api_key');
  await page.fill('#custom-api_base', `${rig.sandbox.url}/api/v1`);
  await page.fill('#custom-auth_header', 'X-Api-Key');
  await page.fill('#custom-userinfo_url', `${rig.sandbox.url}/api/v1/about`);
  await page.click('#custom-save');
  await page.waitForFunction(() => document.querySelector('#provider').value === 'custom-my-key-api');
  await page.fill('#api-key', 'academy-sandbox-key-jane');
  await page.click('#use-key');
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /Jane Black/);
  const about = requests.filter((r) => r.url.endsWith('/proxy/sandbox/api/v1/about')).pop();
  assert.equal(about.headers['x-api-key'], 'academy-sandbox-key-jane');
  assert.ok(!(await page.textContent('section[aria-labelledby="log-title"]')).includes('academy-sandbox-key-jane'), 'the key is masked in the log');
});

test('a preset served from another host (config.json rehost), authorize included', async () => {
  rig.config.rehost = { 'academy-v2': rig.sandbox.url };
  try {
    const { page, requests } = await fresh();
    await selectProvider(page, 'academy-v2');
    assert.ok((await page.textContent('#authorize-url')).startsWith(`${rig.sandbox.url}/api/v2/authorize?`));
    await page.fill('#client-id', 'academy-sandbox-client');
    await page.fill('#client-secret', 'academy-sandbox-secret');
    await academySignIn(page);
    assert.match(await page.textContent('#info-result'), /Jane Black/);
    assert.ok(requests.some((r) => r.url.endsWith('/proxy/sandbox/api/v2/token')), 'through the proxy upstream of the new host');
  } finally {
    delete rig.config.rehost;
  }
});

for (const [fault, code] of [
  [{ kind: 'status', status: 500 }, 'token_error:500'],
  [{ kind: 'malformed-json' }, 'token_not_json'],
  [{ kind: 'html', status: 502 }, 'token_http_error:502'],
]) {
  test(`token endpoint failure (${fault.kind}) ends in a clear message`, async () => {
    const { page } = await fresh();
    await rig.admin('faults', { ...fault, path: '/api/v2/token' });
    await page.click('#authorize');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForSelector('[data-testid="callback-error"]');
    assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), code);
    const text = await page.textContent('[data-testid="callback-error"]');
    assert.ok(text.length > 60, `an explanation, not a bare code: ${text}`);
    assert.equal(await storedSession(page, 'sandbox-academy-v2'), null);
  });
}

test('an expired access token is refreshed transparently on 401', async () => {
  const { page } = await fresh();
  await academySignIn(page);
  await rig.admin('expire-tokens');
  await page.click('#call-info');
  await page.waitForSelector('#info-result .outcome-note');
  assert.match(await page.textContent('#info-result .status'), /200/);
  assert.match(await page.textContent('#info-result .outcome-note'), /answered 401.*refreshed the token and retried once/);
  assert.equal((await rig.stats()).academy.refresh_requests, 1);
});

test('an expired refresh token leads to re-authorization, keeping what was typed', async () => {
  const { page } = await fresh();
  await academySignIn(page);
  await page.getByRole('checkbox', { name: /write/ }).check();
  await page.click('details.paste > summary');
  await page.fill('#paste', 'my half-typed note');
  await rig.admin('expire-tokens', { refresh: true });
  await page.click('#call-info');
  await page.waitForSelector('#reauth');
  assert.match(await page.textContent('#reauth'), /Authorize again/);
  assert.equal(await storedSession(page, 'sandbox-academy-v2'), null);
  assert.equal(await page.isChecked('input[name="scope"][value="write"]'), true, 'the scope choice survived');
  assert.equal(await page.inputValue('#paste'), 'my half-typed note');
  const url = new URL(await page.textContent('#authorize-url'));
  assert.match(url.searchParams.get('scope'), /write/);
  await academySignIn(page);
  assert.match(await page.textContent('#info-result'), /Jane Black/);
  assert.equal(await page.isVisible('#reauth'), false);
});

test('a custom provider: described, used with PKCE, exported without secrets, imported back', async () => {
  const { page } = await fresh();
  await page.click('#custom-provider > summary');
  await page.selectOption('#custom-start', 'sandbox-metamaps');
  await page.fill('#custom-name', 'My Doorkeeper');
  await page.fill('#custom-token_url', 'id.example.com/token');
  await page.click('#custom-save');
  assert.match(await page.textContent('#custom-token_url-error'), /absolute URL/);
  await page.fill('#custom-token_url', `${rig.sandbox.url}/metamaps/oauth/token`);
  await page.fill('#custom-client_id', 'metamaps-sandbox-client');
  await page.click('#custom-save');
  await page.waitForFunction(() => document.querySelector('#provider').value === 'custom-my-doorkeeper');
  await page.fill('#client-secret', 'metamaps-sandbox-secret');
  assert.match(await page.textContent('#authorize-url'), /code_challenge_method=S256/);
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForSelector('#info-result .status.ok');

  await page.click('#custom-provider > summary');
  const exported = await page.inputValue('#custom-export');
  // Member names and the client-authentication method's name aside, nothing secret-looking.
  const names = /"(token_url|token_method|token_body|sends_grant_type|client_secret_post|client_secret_basic)"/g;
  assert.ok(!/secret|access_token|refresh_token/.test(exported.replace(names, '')), exported);
  assert.ok(!exported.includes('metamaps-sandbox-secret'));
  await page.click('#custom-delete');
  await page.fill('#custom-import', exported.replace('"name"', '"client_secret": "x", "name"'));
  await page.click('#custom-import-button');
  assert.match(await page.textContent('#import-error'), /never imports secrets/);
  await page.fill('#custom-import', exported);
  await page.click('#custom-import-button');
  await page.waitForFunction(() => document.querySelector('#provider').value === 'custom-my-doorkeeper');
  const local = await page.evaluate(() => JSON.stringify(localStorage));
  assert.ok(!local.includes('metamaps-sandbox-secret'), 'no secret in localStorage');
});

test('no token or secret ever lands in localStorage or the address bar', async () => {
  const { page } = await fresh();
  const urls = [];
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) urls.push(f.url()); });
  await academySignIn(page);
  const session = await storedSession(page, 'sandbox-academy-v2');
  const secrets = [session.tokens.access_token, session.tokens.refresh_token, 'academy-sandbox-secret'];
  const local = await page.evaluate(() => JSON.stringify(localStorage));
  for (const s of secrets) assert.ok(!local.includes(s), `localStorage holds ${s}`);
  for (const u of urls) for (const s of secrets) assert.ok(!u.includes(s), `URL ${u} holds a secret`);
  assert.ok(!page.url().includes('code='));
  const history = await page.evaluate(() => history.length);
  assert.ok(history >= 1);
});
