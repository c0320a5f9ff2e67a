// axe-core for the browser tests: a scan that fails with a readable list, and the theme switch.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.x A and AA rules, plus best practices) and fails with a readable list. */
export async function scan(page, what) {
  // Injected through DevTools, so the page's CSP (no inline script) stays as it is.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  const problems = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(problems, [], `${what}: axe-core violations`);
  return result.passes.length;
}

/** Cycles the header's theme button until the page shows `wanted` (system, light, dark). */
export async function setTheme(page, wanted) {
  for (let i = 0; i < 3; i++) {
    const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? 'system');
    if (theme === wanted) return;
    await page.click('#theme-toggle');
  }
  throw new Error(`could not reach the ${wanted} theme`);
}
