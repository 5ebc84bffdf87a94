// What the browser tests share: headless Chromium through playwright-core
// (Debian's /usr/bin/chromium, or $CHROMIUM), a fresh context per page that
// records script errors, full-page screenshots in test-output/e2e/, waiting
// for a text, and signing in through the login form.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD, ROOT } from './server.mjs';

export const SHOTS = path.join(ROOT, 'test-output/e2e');

/*
 * Starts headless Chromium for the server at baseUrl. Returns
 * {browser, newPage, loginViaPage, loginAs, go, close}; the page helpers work
 * on pages of this browser against this server.
 */
export async function openBrowser(baseUrl) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

  // A fresh context (own cookies and localStorage); page.errors collects uncaught script errors.
  // acceptDialogs: answer every confirm() with OK.
  async function newPage({ acceptDialogs = false } = {}) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    if (acceptDialogs) page.on('dialog', (d) => d.accept());
    return page;
  }

  // Opens the UI and submits the login form; does not wait for the outcome.
  async function loginViaPage(page, email, password = DEMO_PASSWORD) {
    await page.goto(`${baseUrl}/`);
    await page.locator('#login-email').waitFor();
    await page.fill('#login-email', email);
    await page.fill('#login-password', password);
    await page.click('form.login-form button[type=submit]');
  }

  // Signs in with the demo password and waits for the dashboard.
  async function loginAs(page, email) {
    await loginViaPage(page, email);
    await page.locator('.stat-value').first().waitFor();
  }

  // Opens a page by its hash; the same address again reloads it (a fragment-only goto would not).
  async function go(page, hash) {
    const url = `${baseUrl}/#${hash}`;
    if (page.url() === url) await page.reload();
    else await page.goto(url);
  }

  return { browser, newPage, loginViaPage, loginAs, go, close: () => browser.close() };
}

// A full-page screenshot test-output/e2e/<name>.png, from the top (where the sticky header belongs).
export async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// Waits until the element's text matches re; fails with the text it last had.
export async function waitText(locator, re, timeout = 10000) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = (await locator.count()) ? await locator.first().innerText() : '<missing>';
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`text ${re} not seen; last: ${JSON.stringify(last)}`);
}
