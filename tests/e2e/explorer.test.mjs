// The API explorer against the Sandbox, as a user drives it: list and page (v1 and v2), create,
// patch, delete, the 15th movie, a missing scope, a people search, an XSS probe shown as text,
// copy as curl, history, validation before sending, concurrent calls sharing one refresh,
// a draft surviving re-authorization, the built-in descriptions fetched only when needed, and
// an OpenAPI document the project did not write imported and used.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { startRig, launchBrowser, freshApp, selectProvider, storedSession, ROOT } from './harness.mjs';

let rig;
let browser;

before(async () => {
  rig = await startRig();
  browser = await launchBrowser();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
});

after(async () => {
  await browser?.close();
  await rig?.stop();
});

beforeEach(() => rig.admin('reset'));

const fresh = () => freshApp(browser.context, rig.app.url);

/** Signs in to the Sandbox Academy v2 with the given extra scopes ticked. */
async function academyV2(page, scopes = ['write', 'delete']) {
  for (const s of scopes) await page.check(`input[name="scope"][value="${s}"]`);
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
}

async function academyV1(page) {
  await selectProvider(page, 'sandbox-academy-v1');
  await page.click('#use-key');
  await page.waitForSelector('#info-result .status.ok');
}

async function pick(page, endpoint) {
  await page.click(`[data-endpoint="${endpoint}"]`);
  await page.waitForFunction((id) => document.querySelector(`[data-endpoint="${id}"]`)?.getAttribute('aria-pressed') === 'true', endpoint);
}

/** Sends and returns {status, json} read from the response viewer's raw view. */
async function send(page) {
  const before = await page.$$eval('.history-entry', (e) => e.length);
  await page.click('#send');
  await page.waitForFunction((n) => document.querySelectorAll('.history-entry').length > n, before);
  await page.waitForSelector('#response');
  const status = Number(await page.getAttribute('#response', 'data-status'));
  if (await page.isVisible('.view-switch')) await page.getByRole('button', { name: 'Raw' }).click();
  const text = await page.textContent('#response-raw');
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status, json, text };
}

test('list movies page 1 then 2, with v2 Bearer and with v1 x-api-key', async () => {
  const { page, requests } = await fresh();
  await academyV2(page, []);
  await pick(page, 'movies.list');
  let r = await send(page);
  assert.equal(r.status, 200);
  assert.equal(r.json.length, 5);
  await page.click('#next-page');
  await page.waitForFunction(() => document.querySelector('#param-page')?.value === '2');
  await page.waitForFunction(() => document.querySelectorAll('.history-entry').length === 2);
  r = await send(page);
  assert.deepEqual(r.json.map((m) => m.name), ['Arrival']);
  assert.ok(await page.isDisabled('#next-page'), 'a short page is the last');
  assert.ok(requests.some((q) => q.url.endsWith('/proxy/sandbox/api/v2/movies?page=2') && q.headers.authorization?.startsWith('Bearer ')),
    requests.map((q) => `${q.method} ${q.url} ${q.headers.authorization}`).join('\n'));

  await academyV1(page);
  await pick(page, 'movies.list');
  r = await send(page);
  assert.equal(r.json.length, 5);
  await page.click('#next-page');
  await page.waitForFunction(() => document.querySelector('#param-page')?.value === '2');
  const v1 = requests.filter((q) => q.url.includes('/proxy/sandbox/api/v1/movies?page=2'));
  await page.waitForFunction(() => document.querySelectorAll('.history-entry').length >= 5);
  assert.ok(requests.some((q) => q.url.endsWith('/proxy/sandbox/api/v1/movies?page=2') && q.headers['x-api-key'] === 'academy-sandbox-key'), JSON.stringify(v1));
});

test('create a movie from the example, PATCH it, DELETE it', async () => {
  const { page } = await fresh();
  await academyV2(page);
  await pick(page, 'movies.create');
  let r = await send(page);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, 'Iron Man');
  const id = r.json.id;
  await pick(page, 'movies.update');
  await page.fill('#param-id', id);
  await page.fill('#request-body', '{"name": "Iron Man 2", "length": 124}');
  r = await send(page);
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'Iron Man 2');
  assert.equal(r.json.releaseDate, '2008', 'PATCH kept what it was not sent');
  await pick(page, 'movies.delete');
  await page.fill('#param-id', id);
  r = await send(page);
  assert.equal(r.status, 200);
  await pick(page, 'movies.get');
  await page.fill('#param-id', id);
  r = await send(page);
  assert.equal(r.status, 404);
  assert.match(await page.textContent('#response-explanation'), /Record not found.*check the id/);
});

test('the 15th movie is refused with an explanation', async () => {
  const { page } = await fresh();
  const movie = { name: 'Filler', directorId: 'f841a38b77be', releaseDate: '2001', length: 90 };
  for (let i = 0; i < 14; i++) {
    const res = await fetch(`${rig.sandbox.url}/api/v1/movies`, {
      method: 'POST',
      headers: { 'x-api-key': 'academy-sandbox-key', 'content-type': 'application/json' },
      body: JSON.stringify({ ...movie, name: `Filler ${i}` }),
    });
    assert.equal(res.status, 200);
  }
  await academyV1(page);
  await pick(page, 'movies.create');
  const r = await send(page);
  assert.equal(r.status, 400);
  const why = await page.textContent('#response-explanation');
  assert.match(why, /Record limit reached/);
  assert.match(why, /14 movies/);
});

test('a call the token\'s scopes cannot make is flagged before sending, and the 403 explained', async () => {
  const { page, requests } = await fresh();
  await academyV2(page, []);
  await pick(page, 'movies.delete');
  assert.match(await page.textContent('#scope-warning'), /needs the delete scope.*connect, read/);
  assert.equal(await page.textContent('#send'), 'Send anyway');
  const r = await send(page);
  assert.equal(r.status, 403);
  assert.match(await page.textContent('#response-explanation'), /This token lacks delete: it has connect, read\. Tick delete/);
  await page.getByRole('button', { name: 'Add delete to the scopes above' }).click();
  await page.waitForFunction(() => document.querySelector('input[name="scope"][value="delete"]').checked);
  assert.match(await page.textContent('#authorize-url'), /scope=connect%20read%20delete/);
  assert.ok(requests.some((q) => q.method === 'DELETE'));
});

test('people search with q, and a bad q explained', async () => {
  const { page } = await fresh();
  await academyV1(page);
  await pick(page, 'people.search');
  await page.fill('#param-q', 'contains = "Rob" AND endsWith = "Jr."');
  let r = await send(page);
  assert.deepEqual(r.json, [{ id: '5bfb3056c5e4', name: 'Robert Downey Jr.' }]);
  await page.fill('#param-q', 'contains "Rob"');
  r = await send(page);
  assert.equal(r.status, 400);
  assert.match(await page.textContent('#response-explanation'), /invalid q at character 10/);
});

test('an XSS probe in a response is shown as text and runs nothing', async () => {
  const { page } = await fresh();
  await academyV1(page);
  const probe = '<img src=x onerror="window.__pwned=1">';
  await pick(page, 'movies.create');
  const body = JSON.parse(await page.inputValue('#request-body'));
  body.name = probe;
  await page.fill('#request-body', JSON.stringify(body));
  let r = await send(page);
  assert.equal(r.status, 200);
  await pick(page, 'movies.list');
  await page.fill('#param-page', '2');
  r = await send(page);
  await page.getByRole('button', { name: 'Tree' }).click();
  if ((await page.getAttribute('#response-tree li[data-path="$[1]"]', 'aria-expanded')) !== 'true') {
    await page.click('#response-tree li[data-path="$[1]"] > .toggle');
  }
  await page.waitForSelector('#response-tree li[data-path="$[1].name"]');
  const shown = await page.textContent('#response-tree li[data-path="$[1].name"]');
  assert.ok(shown.includes('<img src=x onerror=') && shown.includes('window.__pwned=1'), shown);
  assert.equal(await page.$$eval('#response img, #main img', (imgs) => imgs.length), 0, 'no element was created from data');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('copy as curl is correct and redacted unless asked', async () => {
  const { page } = await fresh();
  await academyV2(page, []);
  await pick(page, 'movies.list');
  await page.fill('#param-page', '2');
  await page.click('#copy-curl');
  const token = (await storedSession(page, 'sandbox-academy-v2')).tokens.access_token;
  const curl = await page.textContent('#curl');
  assert.equal(curl, [
    'curl',
    `  '${rig.sandbox.url}/api/v2/movies?page=2'`,
    "  -H 'Accept: application/json'",
    "  -H 'Authorization: Bearer [redacted]'",
  ].join(' \\\n'));
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), curl);
  await page.check('#curl-reveal');
  await page.click('#copy-curl');
  assert.ok((await page.textContent('#curl')).includes(`Bearer ${token}`));
  assert.match(await page.textContent('#toast'), /copied/);
});

test('copy as fetch and Python: redacted unless asked, and each runs as printed', async () => {
  const { page } = await fresh();
  await academyV2(page, []);
  await pick(page, 'movies.list');
  await page.fill('#param-page', '2');
  await page.selectOption('#snippet-lang', 'fetch');
  assert.equal((await page.textContent('#copy-curl')).trim(), 'Copy as JavaScript fetch');
  await page.click('#copy-curl');
  assert.match(await page.textContent('#curl'), /"Authorization": "Bearer \[redacted\]"/);
  await page.check('#curl-reveal');
  await page.click('#copy-curl');
  const js = await page.textContent('#curl');
  // Run it: console.log receives the status and the body.
  const printed = [];
  const log = console.log;
  console.log = (...args) => printed.push(args);
  try {
    await new (Object.getPrototypeOf(async () => {}).constructor)(js)();
  } finally {
    console.log = log;
  }
  assert.equal(printed[0][0], 200);
  assert.ok(Array.isArray(JSON.parse(printed[0][1])), 'a page of movies');

  await page.selectOption('#snippet-lang', 'python');
  await page.click('#copy-curl');
  const py = await page.textContent('#curl');
  assert.match(py, /^import requests/);
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync('python3', ['-c', py], { encoding: 'utf8' });
  assert.match(out, /^200 \[/);
});

test('find in an answer: keys and values by path, and a miss said plainly', async () => {
  const { page } = await fresh();
  await academyV2(page, []);
  await pick(page, 'movies.list');
  const { status } = await send(page);
  assert.equal(status, 200);
  await page.fill('#answer-find', 'NAME');
  await page.waitForSelector('#answer-find-count');
  const paths = await page.$$eval('#answer-find-hits code', (cs) => cs.map((c) => c.textContent));
  assert.equal(paths[0], '$[0].name', 'a key, ignoring case, in document order');
  assert.ok(paths.length >= 5, `one per movie: ${paths}`);
  const first = (await page.$$eval('#answer-find-hits li span', (ss) => ss.map((s) => s.textContent)))[0];
  await page.fill('#answer-find', first.slice(1, 6));
  await page.waitForFunction(() => /place/.test(document.querySelector('#answer-find-count')?.textContent ?? ''));
  assert.ok((await page.$$eval('#answer-find-hits code', (cs) => cs.map((c) => c.textContent))).includes('$[0].name'), 'a value');
  await page.fill('#answer-find', 'no-such-text-anywhere');
  await page.waitForFunction(() => /Nowhere/.test(document.querySelector('#answer-find-count')?.textContent ?? ''));
});

test('history re-opens and re-sends a request', async () => {
  const { page } = await fresh();
  await academyV1(page);
  await pick(page, 'genres.list');
  await page.fill('#param-page', '3');
  await send(page);
  await pick(page, 'about');
  await send(page);
  await page.click('.history-box > summary');
  const entries = await page.$$eval('.history-url', (e) => e.map((x) => x.textContent));
  assert.deepEqual(entries.slice(0, 2), ['/api/v1/about', '/api/v1/genres?page=3']);
  await page.click('.history-entry[data-index="1"] .history-resend');
  await page.waitForFunction(() => document.querySelectorAll('.history-entry').length === 3);
  assert.equal(await page.textContent('.history-entry[data-index="0"] .history-url'), '/api/v1/genres?page=3');
  assert.equal(await page.inputValue('#param-page'), '3');
  await page.getByRole('button', { name: 'Raw' }).click();
  assert.deepEqual(JSON.parse(await page.textContent('#response-raw')).map((g) => g.name), ['crime', 'adventure']);
});

test('bad input is caught before sending, with the JSON error\'s line and column', async () => {
  const { page, requests } = await fresh();
  await academyV2(page);
  await pick(page, 'movies.create');
  await page.fill('#request-body', '{\n  "name": "x",\n  length: 3\n}');
  await page.click('#send');
  assert.match(await page.textContent('#problem-body'), /line 3, column 3/);
  await pick(page, 'movies.list');
  await page.fill('#param-since', 'last week');
  await page.click('#send');
  assert.match(await page.textContent('#problem-since'), /2023-04-13T17:04:47Z/);
  assert.equal(requests.filter((q) => q.url.includes('/movies') && q.method !== 'OPTIONS').length, 0, 'nothing was sent');
});

test('two concurrent calls on an expired token cause exactly one refresh', async () => {
  const { page } = await fresh();
  await academyV2(page, []);
  await pick(page, 'movies.list');
  await rig.admin('expire-tokens');
  // Both in the same task, as two quick clicks would be: the guide above the explorer changes
  // height as the flow progresses, so two separate pointer clicks could land on moved targets.
  await page.evaluate(() => { document.querySelector('#send').click(); document.querySelector('#call-info').click(); });
  await page.waitForSelector('#response .status.ok');
  await page.waitForSelector('#info-result .status.ok');
  assert.equal((await rig.stats()).academy.refresh_requests, 1);
});

test('a request draft survives a re-authorization round trip', async () => {
  const { page } = await fresh();
  await academyV2(page);
  await pick(page, 'movies.create');
  const mine = '{"name": "My draft", "directorId": "f841a38b77be", "releaseDate": "2020", "length": 99}';
  await page.fill('#request-body', mine);
  await rig.admin('expire-tokens', { refresh: true });
  await page.click('#send');
  await page.waitForSelector('#reauth');
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  assert.equal(await page.inputValue('#request-body'), mine);
  const r = await send(page);
  assert.equal(r.status, 200);
  assert.equal(r.json.name, 'My draft');
});

test('the explorer sends exactly the URL it shows (gloo-net, the browser\'s URL parser)', async () => {
  const { page, requests } = await fresh();
  await academyV1(page);
  // A catalog call with a query: no stray '&' (gloo issue #498) and nothing re-encoded.
  await pick(page, 'movies.list');
  await page.fill('#param-page', '2');
  await send(page);
  // A custom URL with characters the browser percent-encodes on its own.
  await page.click('#custom-request');
  await page.fill('#custom-url', `${rig.sandbox.url}/api/v1/genres?page=1&note=café"<x>'&x=a|b^`);
  await send(page);
  await page.click('.history-box > summary');
  const shown = await page.$$eval('.history-url', (e) => e.map((x) => x.textContent));
  const logged = await page.$$eval('.log-entry[data-step="api"] .log-title', (e) => e.map((x) => x.textContent.replace(/^GET /, '')));
  const sent = requests
    .filter((r) => r.url.includes('/proxy/sandbox/api/v1/') && r.method === 'GET' && !r.url.endsWith('/about'))
    .map((r) => r.url.replace(/^.*\/proxy\/sandbox/, ''));
  assert.deepEqual(sent, ['/api/v1/movies?page=2', '/api/v1/genres?page=1&note=caf%C3%A9%22%3Cx%3E%27&x=a|b^']);
  assert.deepEqual(shown, [...sent].reverse(), 'the history shows what went');
  assert.deepEqual(logged.map((u) => u.replace(rig.sandbox.url, '')).reverse(), sent, 'the flow log (newest first) shows what went');
});

test('a deep link opens its endpoint, and picking one gives it an address', async () => {
  const { page } = await fresh();
  await page.goto(`${rig.app.url}explore/sandbox-academy-v1/genres.list`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => document.querySelector('[data-endpoint="genres.list"]')?.getAttribute('aria-pressed') === 'true');
  assert.match(await page.textContent('[data-testid="status-chip"]'), /v1/);
  await pick(page, 'people.search');
  await page.waitForURL((u) => u.pathname === '/explore/sandbox-academy-v1/people.search');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForFunction(() => document.querySelector('[data-endpoint="people.search"]')?.getAttribute('aria-pressed') === 'true');
});

test('the endpoint lists come from OpenAPI documents fetched when their provider is shown', async () => {
  const { page } = await fresh();
  await page.waitForSelector('[data-endpoint="movies.list"]');
  // What this document fetched (the page fresh() passed through may have started its own).
  const docs = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.includes('/openapi/')).map((u) => u.replace(/^.*\/openapi\//, '')));
  assert.deepEqual(await docs(), ['academy-v2.json'], 'only the selected provider\'s description');
  await selectProvider(page, 'sandbox-metamaps');
  await page.waitForSelector('[data-endpoint="maps.list"]');
  await selectProvider(page, 'sandbox-academy-v2');
  await page.waitForSelector('[data-endpoint="movies.list"]');
  assert.deepEqual(await docs(), ['academy-v2.json', 'metamaps.json'], 'each is fetched once');
});

/** The hand-made 3.1 description, pointed at this rig's Sandbox. */
function mapsDocument() {
  const text = readFileSync(`${ROOT}/tests/e2e/fixtures/sandbox-maps.openapi.json`, 'utf8');
  return text.replaceAll('127.0.0.1:8090', new URL(rig.sandbox.url).host).replace('"default": "8090"', `"default": "${new URL(rig.sandbox.url).port}"`);
}

test('an imported OpenAPI 3.1 document ($refs, an oauth2 scheme) becomes a provider whose API can be called', async () => {
  // A server that hands out the document without CORS headers: the page cannot read it.
  const closed = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(mapsDocument()));
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  try {
    const { page } = await fresh();
    await page.click('#custom-provider > summary');
    await page.click('.openapi-box > summary');
    await page.fill('#custom-name', 'Typed before');
    const before = await page.$$eval('#provider option', (o) => o.length);

    // A malformed document: the place is named, and nothing is lost.
    const broken = JSON.parse(mapsDocument());
    broken.paths['/maps'].get.parameters[1] = { $ref: '#/components/parameters/Missing' };
    const brokenText = JSON.stringify(broken, null, 2);
    await page.fill('#openapi-text', brokenText);
    await page.click('#openapi-read-text');
    await page.waitForSelector('#openapi-error');
    assert.match(await page.textContent('#openapi-error'), /At paths\.\/maps\.get\.parameters\[1\]: \$ref #\/components\/parameters\/Missing names nothing/);
    assert.equal(await page.inputValue('#openapi-text'), brokenText, 'the pasted text stays');
    assert.equal(await page.inputValue('#custom-name'), 'Typed before', 'the form is untouched');
    assert.equal(await page.$$eval('#provider option', (o) => o.length), before, 'no provider added');

    // By URL from a server the browser may not read: said, with the way around it.
    await page.fill('#openapi-url', `http://127.0.0.1:${closed.address().port}/openapi.json`);
    await page.click('#openapi-fetch');
    await page.waitForSelector('#openapi-error:has-text("proxy upstream")');

    // As a file: read, the form filled from its server and oauth2 scheme.
    await page.setInputFiles('#openapi-file', { name: 'maps.json', mimeType: 'application/json', buffer: Buffer.from(mapsDocument()) });
    await page.waitForSelector('#openapi-found');
    assert.match(await page.textContent('#openapi-found'), /Read “Maps of the Sandbox”.*4 operation\(s\) in 2 group\(s\)/s);
    assert.equal(await page.inputValue('#custom-name'), 'Maps of the Sandbox');
    assert.equal(await page.inputValue('#custom-api_base'), `${rig.sandbox.url}/metamaps/api/v2`);
    assert.equal(await page.inputValue('#custom-authorize_url'), `${rig.sandbox.url}/metamaps/oauth/authorize`);
    await page.fill('#custom-client_id', 'metamaps-sandbox-client');
    await page.click('#custom-save');
    await page.waitForFunction(() => document.querySelector('#provider').value === 'custom-maps-of-the-sandbox');

    // Signed in through the scheme's flow, the document's operations are the explorer's.
    await page.fill('#client-secret', 'metamaps-sandbox-secret');
    await page.click('#authorize');
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForSelector('[data-endpoint="createMap"]');
    assert.ok(await storedSession(page, 'custom-maps-of-the-sandbox'));
    assert.deepEqual(await page.$$eval('.endpoint[data-endpoint]', (e) => e.map((x) => x.dataset.endpoint)), ['whoAmI', 'listMaps', 'createMap', 'getMap']);
    await pick(page, 'whoAmI');
    let r = await send(page);
    assert.equal(r.status, 200);
    await pick(page, 'createMap');
    assert.deepEqual(JSON.parse(await page.inputValue('#request-body')), { name: 'Imported map', desc: 'Made from an imported description', permission: 'commons' }, 'the example made from the schema');
    // Checked against the schema before sending: nothing goes.
    await page.fill('#request-body', '{"desc": "no name", "permission": "secret"}');
    const sentBefore = await page.$$eval('.history-entry', (e) => e.length);
    await page.click('#send');
    await page.waitForSelector('#problem-body');
    assert.match(await page.textContent('#problem-body'), /\$: name is required/);
    assert.equal(await page.$$eval('.history-entry', (e) => e.length), sentBefore, 'not sent');
    await page.getByRole('button', { name: 'Reset to the example' }).click();
    r = await send(page);
    assert.ok(r.status === 200 || r.status === 201, r.text);
    const id = r.json.data.id;
    await pick(page, 'getMap');
    await page.fill('#param-id', String(id));
    r = await send(page);
    assert.equal(r.json.data.name, 'Imported map');

    // The document is kept with the provider: a reload lists its operations again.
    await page.reload();
    await page.waitForSelector('[data-endpoint="getMap"]');
  } finally {
    closed.close();
  }
});
