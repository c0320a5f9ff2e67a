// Faults from the Sandbox, end to end: slow and hanging upstreams, 5xx, broken JSON, HTML error
// pages, 429 with Retry-After, and a reload at every step of the flow. Each ends in a clear
// state in the UI and loses nothing the user typed.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, launchBrowser, freshApp, selectProvider, storedSession } from './harness.mjs';

let rig;
let browser;

before(async () => {
  // A short request time limit, so a hanging upstream is met in seconds.
  rig = await startRig({ extraConfig: { request_timeout_seconds: 2 } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

beforeEach(() => rig.admin('reset'));

const fresh = () => freshApp(browser.context, rig.app.url);

async function signedInV1(page) {
  await selectProvider(page, 'sandbox-academy-v1');
  await page.click('#use-key');
  await page.waitForSelector('#info-result .status.ok');
  await page.click('[data-endpoint="movies.list"]');
}

async function sendAndWait(page) {
  await page.click('#send');
  await page.waitForSelector('#response, #response-error');
}

test('a slow token endpoint shows progress, then completes', async () => {
  const { page } = await fresh();
  await rig.admin('faults', { kind: 'slow', ms: 1500, path: '/api/v2/token' });
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('[role="status"]:has-text("exchanging the code")');
  await page.waitForSelector('#info-result .status.ok', { timeout: 10_000 });
});

test('a hanging API ends in a timeout message, and the draft is kept', async () => {
  const { page } = await fresh();
  await signedInV1(page);
  await page.fill('#param-page', '2');
  await rig.admin('faults', { kind: 'hang', path: '/api/v1/movies' });
  await page.click('#send');
  await page.waitForSelector('.busy');
  await page.waitForSelector('#response-error', { timeout: 10_000 });
  assert.match(await page.textContent('#response-error'), /No answer within 2 seconds/);
  assert.equal(await page.inputValue('#param-page'), '2');
  assert.equal(await page.isDisabled('#send'), false, 'ready to try again');
});

for (const [fault, expect] of [
  [{ kind: 'status', status: 503 }, { status: '503', text: /failed; trying again later/ }],
  [{ kind: 'html', status: 502 }, { status: '502', text: /failed; trying again later/ }],
  [{ kind: 'rate-limit', retry_after: 30 }, { status: '429', text: /retry after 30 s/ }],
]) {
  test(`an API answer of ${fault.kind} is explained`, async () => {
    const { page } = await fresh();
    await signedInV1(page);
    await rig.admin('faults', { ...fault, path: '/api/v1/movies' });
    await sendAndWait(page);
    assert.equal(await page.getAttribute('#response', 'data-status'), expect.status);
    assert.match(await page.textContent('#response-explanation'), expect.text);
  });
}

test('malformed JSON is shown as text, without a tree and without breaking the page', async () => {
  const { page, errors } = await fresh();
  await signedInV1(page);
  await rig.admin('faults', { kind: 'malformed-json', path: '/api/v1/movies' });
  await sendAndWait(page);
  assert.equal(await page.isVisible('#response-tree'), false);
  assert.match(await page.textContent('#response-raw'), /"refresh_tok$/);
  await sendAndWait(page);
  await page.waitForSelector('#response-tree');
  assert.deepEqual(errors, []);
});

test('reloads at every step lose nothing the user typed', async () => {
  const { page } = await fresh();
  // 1. Typing on the home page, then a reload.
  await page.fill('#client-id', 'academy-sandbox-client');
  await page.check('input[name="scope"][value="write"]');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#client-id'), 'academy-sandbox-client');
  assert.equal(await page.isChecked('input[name="scope"][value="write"]'), true);
  // 2. A reload on the provider's consent page.
  await page.click('#authorize');
  await page.waitForURL((u) => u.href.startsWith(rig.sandbox.url));
  await page.reload();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  // 3. A reload once signed in, with a draft in the explorer.
  await page.click('[data-endpoint="movies.create"]');
  await page.fill('#request-body', '{"name": "Kept"}');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.ok(await storedSession(page, 'sandbox-academy-v2'));
  assert.equal(await page.inputValue('#request-body'), '{"name": "Kept"}');
  // 4. A reload while the code is being exchanged.
  await rig.admin('faults', { kind: 'slow', ms: 2000, path: '/api/v2/token' });
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('[aria-busy="true"]');
  await page.reload();
  await page.waitForSelector('[data-testid="callback-error"]');
  assert.equal(await page.getAttribute('[data-testid="callback-error"]', 'data-code'), 'nothing_to_complete');
  await page.goto(rig.app.url);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#client-id'), 'academy-sandbox-client');
});
