// Takes the README's screenshots of the real app against the real Sandbox (not a test).
// Usage: HANDSHAKE_DIST=target/dist-e2e node tests/e2e/screenshots.mjs (after a release build)

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startRig, launchBrowser, openApp } from './harness.mjs';

const out = join(ROOT, 'docs');
mkdirSync(out, { recursive: true });
const rig = await startRig();
const browser = await launchBrowser();
const shot = (page, name, selector) =>
  selector
    ? page.locator(selector).screenshot({ path: join(out, name) })
    : page.screenshot({ path: join(out, name), fullPage: true });
try {
  const { page } = await openApp(browser.context, rig.app.url);
  await shot(page, 'home.png');
  await page.click('#authorize');
  await page.getByLabel('Jane Black').check();
  await page.screenshot({ path: join(out, 'sandbox-consent.png') });
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  await shot(page, 'signed-in.png');

  await page.click('[data-endpoint="movies.list"]');
  await page.click('#send');
  await page.waitForSelector('#response-tree');
  await shot(page, 'explorer-json.png', '.explorer');
  await page.click('[data-endpoint="movies.delete"]');
  await page.click('#send');
  await page.waitForSelector('#response-explanation');
  await shot(page, 'explorer-error.png', '.explorer');

  // Guided mode after a whole in-browser flow, light and dark; then a phone-sized view.
  await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
  await page.goto(rig.app.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.selectOption('#provider', 'browser-academy-v2');
  await page.click('#authorize');
  await page.click('#consent-allow');
  await page.waitForSelector('#info-result .status.ok');
  await page.click('[data-endpoint="movies.list"]');
  await page.click('#send');
  await page.waitForSelector('#response-tree');
  await page.click('#refresh');
  await page.waitForSelector('.log-entry[data-step="refresh"]');
  await page.locator('#guide-token > details').evaluate((d) => { d.open = true; });
  await page.locator('#guide-token details.guide-raw').evaluate((d) => { d.open = true; });
  await shot(page, 'guided-light.png', '#guide');
  await page.click('#theme-toggle');
  await page.click('#theme-toggle');
  await shot(page, 'guided-dark.png', '#guide');
  await page.click('#theme-toggle');
  await page.setViewportSize({ width: 360, height: 780 });
  await page.evaluate(() => document.querySelector('#session-title').scrollIntoView());
  await page.screenshot({ path: join(out, 'mobile.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await rig.stop();
}
