// Takes the README's screenshots of the real app against the real Sandbox (not a test).
// Usage: node tests/e2e/screenshots.mjs   (after scripts/test.sh has built target/dist-e2e)

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startRig, launchBrowser, openApp } from './harness.mjs';

const out = join(ROOT, 'docs');
mkdirSync(out, { recursive: true });
const rig = await startRig();
const browser = await launchBrowser();
try {
  const { page } = await openApp(browser.context, rig.app.url);
  await page.screenshot({ path: join(out, 'home.png'), fullPage: true });
  await page.click('#authorize');
  await page.getByLabel('Jane Black').check();
  await page.screenshot({ path: join(out, 'sandbox-consent.png') });
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  await page.screenshot({ path: join(out, 'signed-in.png'), fullPage: true });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await rig.stop();
}
