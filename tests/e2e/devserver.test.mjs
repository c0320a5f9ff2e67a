// The README's run command, for real: scripts/run.sh starts the Sandbox on :8090 and
// `trunk serve` on :8080 with Trunk.toml's [[proxy]] rules; a user signs in through them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ROOT, launchBrowser, openApp } from './harness.mjs';

function portBusy(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until run.sh announces the app (it does so once the server answers). */
async function waitForAnnouncement(logs, ms, child) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`scripts/run.sh exited with ${child.exitCode}`);
    if (/Handshake is running: {2}http:\/\/127\.0\.0\.1:8080\//.test(logs.join(''))) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app did not come up within ${ms / 1000} s`);
}

test('scripts/run.sh serves the app with trunk and proxies the Sandbox', async (t) => {
  if ((await portBusy(8080)) || (await portBusy(8090))) {
    t.skip('ports 8080/8090 are in use (is the app already running?)');
    return;
  }
  const logs = [];
  const run = spawn(join(ROOT, 'scripts', 'run.sh'), [], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, HANDSHAKE_RELEASE: '1', HANDSHAKE_DIST: 'target/dist-dev' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  run.stdout.on('data', (d) => logs.push(d.toString()));
  run.stderr.on('data', (d) => logs.push(d.toString()));
  const browser = await launchBrowser();
  try {
    await waitForAnnouncement(logs, 300_000, run).catch((e) => {
      throw new Error(`${e.message}\n${logs.join('').slice(-3000)}`);
    });
    const direct = await fetch('http://127.0.0.1:8080/proxy/sandbox/api/v2/info');
    assert.equal(direct.status, 401, 'Trunk forwards /proxy/sandbox/ to the Sandbox');
    assert.equal((await direct.json()).error.code, 401);

    const { page } = await openApp(browser.context, 'http://127.0.0.1:8080/');
    await page.click('#authorize');
    await page.waitForURL(/127\.0\.0\.1:8090\/api\/v2\/authorize/);
    await page.getByLabel('John Doe').check();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForSelector('#info-result .status.ok', { timeout: 20_000 });
    assert.match(await page.textContent('#info-result'), /John Doe/);
    assert.equal(page.url(), 'http://127.0.0.1:8080/');
  } finally {
    await browser.close();
    try { process.kill(-run.pid, 'SIGTERM'); } catch { /* already gone */ }
    await new Promise((r) => (run.exitCode !== null ? r() : run.once('exit', r)));
  }
  assert.equal(await portBusy(8080), false, 'the dev server stopped');
  assert.equal(await portBusy(8090), false, 'the Sandbox stopped');
});
