// Accessibility and comfort: axe-core finds no violation on the home, consent, callback,
// token and explorer views (light and dark); the Sandbox flow and an explorer call work with
// the keyboard alone, with a visible focus ring; nothing scrolls sideways at 360 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRig, launchBrowser, freshApp, selectProvider } from './harness.mjs';
import { scan, setTheme } from './axe.mjs';

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

/** Presses Tab until the focused element matches `selector`; fails after `limit` presses. */
async function tabTo(page, selector, limit = 150) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      const ring = await page.evaluate(() => {
        const style = getComputedStyle(document.activeElement);
        return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      assert.ok(ring.style !== 'none' && ring.width >= 2, `${selector} shows a focus ring: ${JSON.stringify(ring)}`);
      return;
    }
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('axe-core: no violations on home, consent, callback, token and explorer views, light and dark', async () => {
  const { page } = await freshApp(browser.context, rig.app.url);
  for (const theme of ['light', 'dark']) {
    await setTheme(page, theme);
    await scan(page, `home (${theme})`);
  }
  await setTheme(page, 'light');

  // The in-browser Sandbox's consent screen, drawn by the app.
  await selectProvider(page, 'browser-academy-v2');
  await page.click('#authorize');
  await page.waitForSelector('[data-testid="consent"]');
  await scan(page, 'consent');
  await page.click('#consent-allow');
  await page.waitForSelector('#info-result .status.ok');

  // Token view: the signed-in session with its countdowns, scopes and flow log.
  await page.waitForSelector('[data-testid="session"]');
  await scan(page, 'token view (light)');
  await setTheme(page, 'dark');
  await scan(page, 'token view (dark)');
  await setTheme(page, 'light');

  // Explorer with a JSON tree on screen.
  await page.click('[data-endpoint="movies.list"]');
  await page.click('#send');
  await page.waitForSelector('#response-tree li');
  await scan(page, 'explorer (light)');
  await setTheme(page, 'dark');
  await scan(page, 'explorer (dark)');
  await setTheme(page, 'system');

  // A failed callback: the error view.
  await page.goto(`${rig.app.url}callback?code=abc&state=not-ours`);
  await page.waitForSelector('[data-testid="callback-error"]');
  await scan(page, 'callback error');
});

test('keyboard only: the Sandbox flow and one explorer call, focus always visible', async () => {
  const { page } = await freshApp(browser.context, rig.app.url);
  // Leave the address bar: the page's first focusable element comes first.
  await page.focus('body');
  await tabTo(page, '#authorize');
  await page.keyboard.press('Enter');
  // The Sandbox's own consent page (served by the Sandbox process): choose Jane, then Allow.
  await page.waitForSelector('input[name="account"]');
  await tabTo(page, 'input[name="account"]');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'button[value="allow"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#info-result .status.ok');
  assert.match(await page.textContent('#info-result'), /Jane Black/);

  await tabTo(page, '[data-endpoint="genres.list"]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-endpoint="genres.list"]')?.getAttribute('aria-pressed') === 'true');
  await tabTo(page, '#send');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#response-tree li');
  assert.equal(await page.getAttribute('#response', 'data-status'), '200');
  // The tree opens and closes from the keyboard too.
  await tabTo(page, '#response-tree .toggle');
  const before = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  await page.keyboard.press('Space');
  const after = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  assert.notEqual(before, after, 'Space toggles the node');
});

test('360 px wide: nothing scrolls sideways on home, token and explorer views', async () => {
  const { page } = await freshApp(browser.context, rig.app.url);
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  try {
    assert.ok(await overflow() <= 0, `home overflows by ${await overflow()} px`);
    await page.click('#authorize');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForSelector('#info-result .status.ok');
    assert.ok(await overflow() <= 0, `token view overflows by ${await overflow()} px`);
    await page.click('[data-endpoint="movies.list"]');
    await page.click('#send');
    await page.waitForSelector('#response-tree li');
    assert.ok(await overflow() <= 0, `explorer overflows by ${await overflow()} px`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});
