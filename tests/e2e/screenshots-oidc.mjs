// Takes the README's screenshots of the standards client against panva's oidc-provider on
// loopback (not a test). Usage, after a release build:
//   HANDSHAKE_DIST=target/dist-e2e node tests/e2e/screenshots-oidc.mjs

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startRig, launchBrowser, openApp } from './harness.mjs';
import { startOp, OP_SECRETS } from './op.mjs';

const out = join(ROOT, 'docs');
mkdirSync(out, { recursive: true });
let op;
const rig = await startRig({
  async prepare(app) {
    op = await startOp({ callback: `${app.url}callback` });
    return {
      config: { upstreams: { op: op.issuer } },
      proxyArgs: ['--upstream', `op=${op.issuer}`, '--secret',
        'op:hs-basic=OP_BASIC,path=/token,auth_path=/token/introspection,auth_path=/token/revocation,auth=basic'],
      proxyEnv: { OP_BASIC: OP_SECRETS['hs-basic'] },
      stop: () => op.stop(),
    };
  },
});
const browser = await launchBrowser();
await browser.context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());

async function atTheProvider(page) {
  await page.waitForURL((u) => u.href.startsWith(op.issuer));
  for (let i = 0; i < 6 && page.url().startsWith(op.issuer); i += 1) {
    if (await page.$('input[name=login]')) {
      await page.fill('input[name=login]', 'alice');
      await page.fill('input[name=password]', 'any');
    }
    if (await page.$('button.login-submit')) {
      await Promise.all([page.waitForNavigation(), page.click('button.login-submit')]);
    }
  }
}

try {
  const { page } = await openApp(browser.context, rig.app.url);
  await page.click('#custom-provider summary');
  await page.fill('#discover-issuer', op.issuer);
  await page.click('#discover-button');
  await page.waitForSelector('#discover-found');
  await page.fill('#custom-name', 'My OpenID provider');
  await page.locator('#discover').screenshot({ path: join(out, 'oidc-discovery.png') });
  await page.click('#custom-save');
  await page.fill('#client-id', 'hs-basic');
  await page.click('.extra-params summary');
  await page.click('#add-extra');
  await page.fill('.extra-name', 'prompt');
  await page.fill('.extra-value', 'consent');
  await page.locator('section[aria-labelledby="connect-title"]').screenshot({ path: join(out, 'oidc-connect.png') });
  await page.click('#authorize');
  await atTheProvider(page);
  await page.waitForSelector('#info-result .status');
  await page.click('#introspect');
  await page.waitForSelector('#introspection-active');
  await page.locator('section[aria-labelledby="session-title"]').screenshot({ path: join(out, 'oidc-session.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.locator('section[aria-labelledby="session-title"]').screenshot({ path: join(out, 'oidc-session-dark.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => document.querySelector('#id-token-report').scrollIntoView());
  await page.screenshot({ path: join(out, 'oidc-mobile-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: join(out, 'oidc-mobile-light.png') });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.check('#grant-device');
  await page.fill('#client-id', 'hs-device');
  await page.click('#device-start');
  await page.waitForSelector('#user-code');
  await page.locator('section[aria-labelledby="connect-title"]').screenshot({ path: join(out, 'oidc-device.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await rig.stop();
}
