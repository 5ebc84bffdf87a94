// The industrial vocabulary in a real browser on the demo market: a buyer searches the supply hall
// for 马达 (what most workshop owners call a motor); the directory's literal word filter finds
// nothing, the matcher's answer above it lists the 永磁同步电机 with why ("马达 → 电机 (俗称)") and
// how the query was understood; a demand's matches show the vocabulary's explanations too.
// Screenshots: test-output/e2e/market-vocab-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';

let srv, ui, page;

before(async () => {
  srv = await startServer();
  ui = await openBrowser(srv.url);
  page = await ui.newPage();
  await ui.loginAs(page, USERS['large:member']);
});
after(async () => {
  if (page) assert.deepEqual(page.errors, [], 'no script errors on the page');
  await ui?.close();
  await srv?.stop();
});

test('the supply hall answers 马达 by meaning, with the explanation', async () => {
  await ui.go(page, '/market/supplies?q=' + encodeURIComponent('马达'));
  const smart = page.locator('#smart-match');
  await smart.locator('#smart-list .match-item').first().waitFor();
  await waitText(smart, /永磁同步电机/);
  await waitText(smart, /马达 → 电机 \(俗称\)/);
  assert.doesNotMatch(await smart.innerText(), /电视机/);
  assert.match(await page.locator('#match-understood').innerText(), /电机/);
  await shot(page, 'market-vocab-search');
});

test('a demand\'s matches show why the vocabulary matched', async () => {
  await ui.go(page, '/market/demands?mine=1');
  await page.locator('#listing-table tbody tr a', { hasText: '驱动电机台架测试服务' }).first().click();
  await page.locator('#match-list .match-item').first().waitFor();
  assert.ok(await page.locator('#match-list .factor[data-factor="inferred"]').count() > 0, 'the inferred-segment factor is shown');
  await shot(page, 'market-vocab-demand');
});
