// A standard provider the project did not write: panva's oidc-provider (certified OpenID
// Provider) on loopback, reached through handshake-proxy. From an issuer URL to every client
// profile: discovery, client_secret_basic (secret held by the proxy), client_secret_post (typed),
// a public client with PKCE, PAR, DPoP, the device flow and client credentials; ID tokens verified
// with WebCrypto, userinfo, refresh with rotation, introspection, revocation, and the mix-up and
// signature defences.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, launchBrowser, freshApp, selectProvider, storedSession } from './harness.mjs';
import { startOp, OP_SECRETS } from './op.mjs';
import { scan, setTheme } from './axe.mjs';

let rig;
let browser;
let op;

before(async () => {
  rig = await startRig({
    async prepare(app) {
      op = await startOp({ callback: `${app.url}callback` });
      const rule = (client, env, extra = '') =>
        `op:${client}=${env},path=/token,auth_path=/request,auth_path=/token/introspection,auth_path=/token/revocation,auth_path=/device/auth,auth=basic${extra}`;
      return {
        config: { upstreams: { op: op.issuer } },
        proxyArgs: [
          '--upstream', `op=${op.issuer}`,
          '--secret', rule('hs-basic', 'OP_BASIC'),
          '--secret', rule('hs-par', 'OP_PAR'),
          '--secret', rule('hs-cc', 'OP_CC', ',grant=client_credentials'),
        ],
        proxyEnv: { OP_BASIC: OP_SECRETS['hs-basic'], OP_PAR: OP_SECRETS['hs-par'], OP_CC: OP_SECRETS['hs-cc'] },
        stop: () => op.stop(),
      };
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

beforeEach(async () => {
  await browser.context.unroute('**/*').catch(() => {});
  // The provider's pages import a web font: nothing leaves loopback.
  await browser.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
});

async function fresh() {
  await browser.context.clearCookies();
  return freshApp(browser.context, rig.app.url);
}

/** Discovers the provider from its issuer and saves it as `name` (client auth as given). */
async function discover(page, name, clientAuth) {
  await page.click('#custom-provider summary');
  await page.fill('#discover-issuer', op.issuer);
  await page.click('#discover-button');
  await page.waitForSelector('#discover-found');
  await page.fill('#custom-name', name);
  if (clientAuth) await page.selectOption('#custom-client-auth', clientAuth);
  await page.click('#custom-save');
  await page.waitForFunction((n) => document.querySelector('#provider option:checked')?.textContent === n, name);
  return page.$eval('#provider', (s) => s.value);
}

/**
 * The OP's own pages: sign in as `login` and consent, as far as the provider asks (a session
 * from earlier skips the login; a grant given earlier skips the consent).
 */
async function atTheProvider(page, login = 'alice') {
  // A provider that remembers the user and the grant sends the browser straight back.
  const away = (u) => u.href.startsWith(op.issuer) || u.href.startsWith(`${rig.app.url}callback`);
  await page.waitForURL(away, { timeout: 10_000 }).catch(async () => {
    const problem = await page.textContent('.banner.error').catch(() => null);
    throw new Error(`the browser did not go to the provider: ${problem ?? page.url()}`);
  });
  for (let step = 0; step < 6; step += 1) {
    await page.waitForLoadState();
    if (!page.url().startsWith(op.issuer)) return;
    if (await page.$('input[name=login]')) {
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', 'any');
      await Promise.all([page.waitForNavigation(), page.click('button.login-submit')]);
    } else if (await page.$('button.login-submit')) {
      await Promise.all([page.waitForNavigation(), page.click('button.login-submit')]);
    } else {
      await page.waitForTimeout(200);
    }
  }
}

async function signIn(page, clientId) {
  await page.fill('#client-id', clientId);
  await page.click('#authorize');
  await atTheProvider(page);
  await page.waitForSelector('#info-result .status');
}

const checks = (page) => page.$$eval('#id-token-checks li', (lis) =>
  Object.fromEntries(lis.map((li) => [li.dataset.check, [li.dataset.verdict, li.textContent]])));

const logText = (page) => page.$$eval('.log-entry', (els) => els.map((e) => e.textContent).join('\n'));

test('discovery fills the provider and switches its defences on', async () => {
  const { page, requests } = await fresh();
  await page.click('#custom-provider summary');
  // An issuer with a trailing slash is not this issuer (RFC 8414 §3.3).
  await page.fill('#discover-issuer', `${op.issuer}/`);
  await page.click('#discover-button');
  assert.match(await page.textContent('#discover-error'), /trailing '\/'/);
  await page.fill('#discover-issuer', op.issuer);
  await page.click('#discover-button');
  const found = await page.textContent('#discover-found');
  for (const line of [/client_secret_basic/, /S256/, /RFC 9207/, /Pushed authorization requests are offered/, /DPoP proofs accepted \(ES256\)/, /JWKS/, /introspection/, /revocation/, /device authorization/]) {
    assert.match(found, line);
  }
  assert.equal(await page.inputValue('#custom-authorize_url'), `${op.issuer}/auth`);
  assert.equal(await page.inputValue('#custom-default_scopes'), 'openid profile email offline_access');
  assert.ok(await page.isChecked('#custom-iss-required'));
  await scan(page, 'discovery and the filled provider form');
  assert.ok(requests.some((r) => r.url.endsWith('/proxy/op/.well-known/openid-configuration')), 'through the proxy');
  await page.fill('#custom-name', 'Make App Academy v2 (OAuth2)');
  await page.click('#custom-save');
  assert.match(await page.textContent('#custom-refused'), /built-in provider/);
});

test('client_secret_basic with the secret held by the proxy: verified RS256 ID token, userinfo, scope diff, then refresh with rotation, introspection and revocation', async () => {
  const { page, requests } = await fresh();
  const id = await discover(page, 'Test OP');
  await page.fill('#client-id', 'hs-basic');
  await page.waitForSelector('#secret-held');
  assert.match(await page.textContent('#client-auth'), /client_secret_basic/);
  assert.match(await page.textContent('#authorize-url'), /nonce=/);
  await signIn(page, 'hs-basic');

  const c = await checks(page);
  for (const name of ['iss', 'aud', 'exp', 'iat', 'nonce', 'sub', 'signature']) {
    assert.equal(c[name]?.[0], 'passed', `${name}: ${c[name]}`);
  }
  assert.match(c.signature[1], /RS256 \(RSASSA-PKCS1-v1_5 with SHA-256\) verified by WebCrypto with key rsa-1/);
  for (const theme of ['light', 'dark']) {
    await setTheme(page, theme);
    await scan(page, `the OpenID session (${theme})`);
  }
  await setTheme(page, 'system');
  assert.match(await page.textContent('#info-result'), /alice@example\.com/);
  // The provider dropped offline_access (it grants it only with prompt=consent): said plainly.
  assert.match(await page.textContent('#scope-diff'), /offline_access was left out.*no refresh token/s);
  const token = requests.find((r) => r.url.endsWith('/proxy/op/token'));
  assert.ok(!token.headers.authorization && !/client_secret/.test(token.body), 'the browser sends no secret');
  assert.match(token.body, /client_id=hs-basic/);

  // Again with prompt=consent as an extra parameter: offline_access, a refresh token.
  await page.click('.extra-params summary');
  await page.click('#add-extra');
  await page.fill('.extra-name', 'state');
  await page.waitForSelector('.extra-params .field-error');
  await page.fill('.extra-name', 'prompt');
  await page.fill('.extra-value', 'consent');
  assert.match(await page.textContent('#authorize-url'), /&prompt=consent$/);
  await signIn(page, 'hs-basic');
  assert.equal(await page.$('#scope-diff'), null);
  const first = await storedSession(page, id);
  assert.ok(first.tokens.refresh_token);

  await page.click('#refresh');
  await page.waitForFunction(([key, old]) => JSON.parse(sessionStorage.getItem(key))?.tokens.refresh_token !== old,
    [`handshake.v1.session.${id}`, first.tokens.refresh_token]);
  assert.match(await logText(page), /The refresh token was rotated/);

  await page.click('#introspect');
  await page.waitForSelector('#introspection-active');
  assert.equal(await page.getAttribute('#introspection-active', 'data-active'), 'true');
  assert.match(await page.textContent('#introspection-result'), /"client_id": "hs-basic"/);
  const introspect = requests.find((r) => r.url.endsWith('/proxy/op/token/introspection'));
  assert.match(introspect.body, /token_type_hint=access_token/);

  const current = await storedSession(page, id);
  await page.click('#revoke');
  await page.waitForSelector('#signed-out');
  const revokes = requests.filter((r) => r.url.endsWith('/proxy/op/token/revocation'));
  assert.deepEqual(revokes.map((r) => new URLSearchParams(r.body).get('token_type_hint')), ['refresh_token', 'access_token']);
  // The provider itself says the tokens are gone.
  const asked = await fetch(`${op.issuer}/token/introspection`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`hs-basic:${encodeURIComponent(OP_SECRETS['hs-basic'])}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token: current.tokens.access_token }),
  });
  assert.equal((await asked.json()).active, false);
  assert.ok(!(await logText(page)).includes(current.tokens.access_token), 'the log masks tokens');
});

test('client_secret_post with a typed secret, PS256; a public client with PKCE, ES256', async () => {
  const { page, requests } = await fresh();
  await discover(page, 'OP post', 'client_secret_post');
  await page.fill('#client-id', 'hs-post');
  await page.fill('#client-secret', OP_SECRETS['hs-post']);
  await signIn(page, 'hs-post');
  const c = await checks(page);
  assert.equal(c.signature[0], 'passed');
  assert.match(c.signature[1], /PS256 \(RSA-PSS with SHA-256\)/);
  const token = requests.find((r) => r.url.endsWith('/proxy/op/token'));
  assert.equal(new URLSearchParams(token.body).get('client_secret'), OP_SECRETS['hs-post']);
  assert.ok(!(await logText(page)).includes(OP_SECRETS['hs-post']), 'the typed secret is redacted in the log');

  await discover(page, 'OP public', 'none');
  assert.equal(await page.$('#client-secret'), null, 'a public client has no secret field');
  await signIn(page, 'hs-public');
  assert.match((await checks(page)).signature[1], /ES256 \(ECDSA with SHA-256\)/);
  const exchange = requests.filter((r) => r.url.endsWith('/proxy/op/token')).pop();
  const params = new URLSearchParams(exchange.body);
  assert.ok(params.get('code_verifier') && !params.has('client_secret'));
});

test('PAR: the parameters are pushed, the browser carries only a request_uri', async () => {
  const { page, requests } = await fresh();
  await discover(page, 'OP par');
  await page.fill('#client-id', 'hs-par');
  await page.check('#use-par');
  await page.click('#authorize');
  await atTheProvider(page).catch(async (e) => { throw new Error(`${e.message}\n${await logText(page)}`); });
  await page.waitForSelector('#info-result .status');
  const pushed = requests.find((r) => r.url.endsWith('/proxy/op/request'));
  assert.match(pushed.body, /code_challenge=/);
  const authorize = requests.find((r) => r.url.startsWith(`${op.issuer}/auth?`));
  const query = new URL(authorize.url).searchParams;
  assert.deepEqual([...query.keys()].sort(), ['client_id', 'request_uri']);
  assert.equal((await checks(page)).signature[0], 'passed');
});

test('DPoP: tokens bound to a key this tab cannot export, nonce retried, calls proven after a reload', async () => {
  const { page, requests } = await fresh();
  const id = await discover(page, 'OP dpop', 'none');
  await page.fill('#client-id', 'hs-dpop');
  await page.check('#use-dpop');
  await signIn(page, 'hs-dpop');
  const session = await storedSession(page, id);
  assert.equal(session.tokens.token_type, 'DPoP');
  const log = await logText(page);
  assert.match(log, /again, with the server's DPoP nonce/);
  const me = requests.filter((r) => r.url.endsWith('/proxy/op/me')).pop();
  assert.match(me.headers.authorization, /^DPoP /);
  const [header, claims] = me.headers.dpop.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url')));
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.jwk.crv, 'P-256');
  assert.equal(header.jwk.d, undefined);
  assert.equal(claims.htu, `${op.issuer}/me`);
  assert.ok(claims.ath && claims.nonce && claims.jti);
  assert.match(await page.textContent('#info-result'), /"sub": "alice"/);

  // The key survives a reload of the tab (IndexedDB), so the bound token still works.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#call-info');
  await page.waitForFunction(() => /"sub": "alice"/.test(document.querySelector('#info-result')?.textContent ?? ''));
  const after = requests.filter((r) => r.url.endsWith('/proxy/op/me')).pop();
  const jwkAfter = JSON.parse(Buffer.from(after.headers.dpop.split('.')[0], 'base64url')).jwk;
  assert.deepEqual(jwkAfter, header.jwk, 'the same key');
});

test('device flow: the code shown, confirmed elsewhere, polled to a session', async () => {
  const { page } = await fresh();
  const id = await discover(page, 'OP device', 'none');
  await page.check('#grant-device');
  await page.fill('#client-id', 'hs-device');
  await page.click('#device-start');
  await page.waitForSelector('#user-code');
  await scan(page, 'a device sign-in waiting');
  const link = await page.getAttribute('#device-link', 'href');
  const other = await browser.context.newPage();
  await other.goto(link);
  await other.click('button:has-text("Continue")');
  await atTheProvider(other, 'bob');
  await other.waitForSelector('text=/success|Sign-in Success/i');
  await other.close();
  await page.waitForSelector('#info-result .status', { timeout: 30_000 });
  const session = await storedSession(page, id);
  assert.ok(session.tokens.access_token);
  assert.match(await logText(page), /Polled the token endpoint \(poll 1\)/);
});

test('client credentials through the proxy, which holds the secret', async () => {
  const { page, requests } = await fresh();
  const id = await discover(page, 'OP client');
  await page.check('#grant-client');
  await page.fill('#client-id', 'hs-cc');
  for (const box of await page.$$('input[name=scope]:checked')) await box.uncheck();
  await page.click('#client-token');
  await page.waitForFunction((key) => sessionStorage.getItem(key), `handshake.v1.session.${id}`);
  const token = requests.find((r) => r.url.endsWith('/proxy/op/token'));
  assert.equal(new URLSearchParams(token.body).get('grant_type'), 'client_credentials');
  assert.ok(!/client_secret/.test(token.body));
  await page.click('#introspect');
  await page.waitForSelector('#introspection-active');
  assert.equal(await page.getAttribute('#introspection-active', 'data-active'), 'true');
});

test('mix-up defence: an answer without iss, or from another issuer, is refused before any token request', async () => {
  for (const [rewrite, code] of [[(q) => q.delete('iss'), 'issuer_missing'], [(q) => q.set('iss', 'http://127.0.0.1:9'), 'issuer_mismatch']]) {
    const { page, requests } = await fresh();
    await discover(page, 'OP mixup');
    await page.fill('#client-id', 'hs-basic');
    op.tamper(rewrite);
    await page.click('#authorize');
    await atTheProvider(page);
    await page.waitForSelector(`[data-code="${code}"]`);
    op.tamper(null);
    assert.ok(!requests.some((r) => r.url.endsWith('/proxy/op/token')), 'no token request');
  }
});

test('ID token signature: a rotated key is fetched once more; an altered token is refused', async () => {
  const { page, requests } = await fresh();
  const id = await discover(page, 'OP keys');
  // First the JWK Set lacks the key (as right after a rotation): looked up again once.
  let served = 0;
  await page.route('**/proxy/op/jwks', async (route) => {
    served += 1;
    const resp = await route.fetch();
    return route.fulfill({ response: resp, body: served === 1 ? '{"keys":[]}' : await resp.text() });
  });
  await signIn(page, 'hs-basic').catch(async (e) => { throw new Error(`${e.message}\n${page.url()}\n${await page.textContent('body')}\nserved ${served}`); });
  assert.equal(served, 2);
  assert.equal((await checks(page)).signature[0], 'passed');

  // A token whose claims were changed after signing: the signature no longer matches.
  await page.click('#forget');
  await page.route('**/proxy/op/token', async (route) => {
    const resp = await route.fetch();
    const body = await resp.json();
    const [h, p, s] = body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    claims.sub = 'mallory';
    body.id_token = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
    return route.fulfill({ response: resp, body: JSON.stringify(body) });
  });
  await page.fill('#client-id', 'hs-basic');
  await page.click('#authorize');
  await atTheProvider(page);
  await page.waitForSelector('[data-code="id_token_invalid:signature"]');
  assert.equal(await storedSession(page, id), null, 'the tokens were not kept');
  assert.ok(requests.some((r) => r.url.endsWith('/proxy/op/token')));
});
