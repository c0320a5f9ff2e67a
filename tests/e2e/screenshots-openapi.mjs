// Takes the README's screenshot of an OpenAPI import (the hand-made 3.1 fixture) against the
// real Sandbox, and its list of operations in the explorer (not a test).
// Usage: HANDSHAKE_DIST=target/dist-e2e node tests/e2e/screenshots-openapi.mjs [OUT_DIR]

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startRig, launchBrowser, freshApp } from './harness.mjs';

const out = process.argv[2] ?? join(ROOT, 'docs');
mkdirSync(out, { recursive: true });
const rig = await startRig();
const browser = await launchBrowser();
try {
  const host = new URL(rig.sandbox.url);
  const doc = readFileSync(join(ROOT, 'tests/e2e/fixtures/sandbox-maps.openapi.json'), 'utf8')
    .replaceAll('127.0.0.1:8090', host.host).replace('"default": "8090"', `"default": "${host.port}"`);
  for (const [width, scheme, name] of [[1280, 'light', 'openapi-import.png'], [390, 'dark', 'openapi-import-390-dark.png'], [1280, 'dark', 'openapi-import-dark.png']]) {
    const { page } = await freshApp(browser.context, rig.app.url);
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.click('#custom-provider > summary');
    await page.click('.openapi-box > summary');
    await page.setInputFiles('#openapi-file', { name: 'maps.json', mimeType: 'application/json', buffer: Buffer.from(doc) });
    await page.waitForSelector('#openapi-found');
    // From the card's top to the API base field: the import, what it found, the form it filled.
    const top = await page.locator('#custom-provider').boundingBox();
    const end = await page.locator('#custom-api_base').boundingBox();
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.screenshot({ path: join(out, name), fullPage: true, clip: { x: top.x, y: top.y + scrolled, width: top.width, height: end.y + end.height + 12 - top.y } });
    if (name === 'openapi-import.png') {
      await page.fill('#custom-client_id', 'metamaps-sandbox-client');
      await page.click('#custom-save');
      await page.waitForSelector('[data-endpoint="createMap"]');
      await page.click('[data-endpoint="createMap"]');
      await page.fill('#request-body', '{"desc": "no name", "permission": "secret"}');
      await page.click('#send');
      await page.waitForSelector('#problem-body');
      await page.locator('.explorer').screenshot({ path: join(out, 'openapi-explorer.png') });
    }
  }
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await rig.stop();
}
