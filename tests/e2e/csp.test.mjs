// The web UI under the server's Content-Security-Policy (issue 8): a chain
// leader logs in and visits the dashboard, the directory, a chain map (with
// its tooltips), the supply base, the disruption page and the market lists;
// no page may trigger a CSP violation (a blocked script, style or request),
// and the policy must keep scripts to 'self' and forbid framing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, USERS, DEMO_PASSWORD } from '../lib/server.mjs';

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('no page of the UI violates the Content-Security-Policy the server sends', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const first = await page.goto(`${srv.url}/`);
  const csp = first.headers()['content-security-policy'];
  assert.match(csp, /(^|; )default-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /script-src/, 'scripts fall back to default-src \'self\'');
  assert.equal(first.headers()['x-frame-options'], 'DENY');
  await page.locator('#login-email').waitFor();
  await page.fill('#login-email', USERS['large:admin']);
  await page.fill('#login-password', DEMO_PASSWORD);
  await page.click('form.login-form button[type=submit]');
  await page.locator('#logout').waitFor({ state: 'visible' });
  const seen = [];
  for (const hash of ['#/', '#/enterprises', '#/chains/nev', '#/supply-base', '#/disrupt', '#/market/demands', '#/market/supplies']) {
    await page.goto(`${srv.url}/${hash}`);
    await page.waitForLoadState('networkidle');
    // Open chart tooltips: ECharts and the chain map write their HTML with style attributes.
    for (const sel of ['canvas', 'svg path']) {
      for (const el of (await page.locator(sel).all()).slice(0, 6)) {
        await el.hover({ timeout: 500, force: true }).catch(() => {});
        await page.waitForTimeout(100);
      }
    }
    await page.waitForTimeout(300); // violation reports are dispatched asynchronously
    seen.push(...(await page.evaluate(() => window.cspViolations.splice(0))).map((v) => `${hash}: ${v}`));
  }
  assert.deepEqual(seen, []);
  assert.deepEqual(errors, []);
  await context.close();
});
