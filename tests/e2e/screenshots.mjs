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

  // The layout a newcomer meets, at 1280 and 390 px, light and dark: the first screen, then
  // where the page lands after the callback.
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height });
      await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
      await page.goto(rig.app.url);
      await page.waitForSelector('body[data-ready="true"]');
      await rig.admin('reset');
      if (scheme === 'light') {
        await page.screenshot({ path: join(out, `layout-${width}-${scheme}.png`) });
      } else {
        await page.click('#authorize');
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForSelector('#info-result .status.ok');
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(out, `layout-${width}-${scheme}.png`) });
      }
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Check my setup with a redirect URI the provider never registered.
  await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
  await page.goto(rig.app.url);
  await page.waitForSelector('body[data-ready="true"]');
  const own = await page.inputValue('#redirect-uri');
  await page.fill('#redirect-uri', own.replace('/callback', '/callback/'));
  await page.fill('#redirect-uri', own.replace('/callback', '/cb'));
  await page.click('#check-setup');
  await page.waitForSelector('[data-check="authorize"][data-verdict="problem"]');
  await shot(page, 'setup-check.png', '.setup-check');

  // The session after a refresh and Invalidate: the old token tried; then the Make export.
  await page.fill('#redirect-uri', own);
  await page.check('input[name="scope"][value="write"]');
  await page.click('#authorize');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForSelector('#info-result .status.ok');
  await page.click('#make-export > summary');
  await page.click('.make-tab[data-tab="communication"] > summary');
  await shot(page, 'make-export.png', '#make-export');
  await page.click('#make-export > summary');
  await page.click('#expire-now');
  await page.click('#call-info');
  await page.waitForSelector('#try-old');
  await page.click('#try-old');
  await page.waitForSelector('#old-token-result .status');
  await shot(page, 'experiments.png', 'section[aria-labelledby="session-title"]');
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await rig.stop();
}
