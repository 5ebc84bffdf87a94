// The web UI in a real browser (headless Chromium via playwright-core) against
// a real `qilian serve` with the demo data: login, dashboard charts, directory
// search and filters, the enterprise form with its live checks (USCC check
// character, region code, derived size class, server errors under their
// field), the detail page, the language switch, what a bank user may not do,
// and the operator's audit log. Screenshots go to test-output/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';
import { ALPHABET, checkChar } from '../lib/uscc.mjs';

const SIZE_ZH = { large: '大型', medium: '中型', small: '小型', micro: '微型' };
const SIZE_EN = { large: 'Large', medium: 'Medium', small: 'Small', micro: 'Micro' };

// The enterprise the SME admin registers through the form (region 320583 昆山市).
const first17 = '91320583MA1E2E7T8';
const good = first17 + checkChar(first17);

let srv, ui, smeToken;
before(async () => {
  srv = await startServer();
  smeToken = await login(srv.url, USERS['sme:admin']);
  ui = await openBrowser(srv.url);
});
after(async () => {
  await ui?.close();
  await srv?.stop();
});

const newPage = () => ui.newPage();

// The directory pages at PAGE_SIZE: its summary says how many are shown and whether there
// are more; "load more" until all `total` (as counted by the API from the demo data) are
// shown, checking the summary and the row count after each page.
const PAGE_SIZE = 20;
async function showAll(page, total) {
  const summary = page.locator('.result-summary');
  for (let shown = Math.min(PAGE_SIZE, total); ; shown = Math.min(shown + PAGE_SIZE, total)) {
    await waitText(summary, shown < total ? new RegExp(`已显示 ${shown} 家企业，还有更多`) : new RegExp(`共 ${total} 家企业`));
    assert.equal(await page.locator('#enterprise-table tbody tr').count(), shown);
    assert.equal(await page.locator('#load-more').isVisible(), shown < total);
    if (shown === total) return;
    await page.click('#load-more');
  }
}
const loginViaPage = (page, email, password) => ui.loginViaPage(page, email, password);

test('SME admin: login, dashboard, directory search, create an enterprise with live checks, English', async () => {
  const page = await newPage();

  // Login page: a wrong password shows the server's message, in Chinese.
  await page.goto(`${srv.url}/`);
  await page.locator('#login-email').waitFor();
  assert.equal(await page.locator('label[for=login-email]').innerText(), '邮箱');
  await shot(page, 'login');
  await loginViaPage(page, USERS['sme:admin'], 'not-the-password');
  await waitText(page.locator('.login-form .alert-error'), /邮箱或密码错误/);
  assert.equal(await page.locator('.stat-value').count(), 0);

  await loginViaPage(page, USERS['sme:admin']);
  // Dashboard: the header names the user's organisation; counts match the API.
  await page.locator('.stat-value').first().waitFor();
  await waitText(page.locator('#whoami'), /昆山精锐模具科技有限公司/);
  const stats = (await api(srv.url, smeToken, 'GET', '/api/v1/enterprises/stats')).body;
  assert.equal(await page.locator('[data-stat=total] .stat-value').innerText(), String(stats.total));
  await page.locator('.chart svg').nth(1).waitFor();
  const pieText = await page.locator('.chart').first().innerText();
  assert.match(pieText, /微型/, 'the size pie has its legend');
  const topProvince = stats.provinces.slice().sort((a, b) => b.count - a.count)[0].name;
  assert.match(await page.locator('.chart').nth(1).innerText(), new RegExp(topProvince));
  // The seven chains are in the navigation; the industry chain page lists the chains from the API.
  for (const name of ['创新链', '产业链', '供应链', '数据链', '资金链', '服务链', '人才链']) {
    assert.equal(await page.locator('#sidenav a', { hasText: name }).count(), 1, name);
  }
  await page.waitForTimeout(300); // let the charts finish their entry animation
  await shot(page, 'dashboard');

  await page.click('#sidenav a[href="#/chains/supply"]');
  await waitText(page.locator('.page-header'), /供需对接/); // the supply chain is the market's entry
  await page.click('#sidenav a[href="#/chains/industry"]');
  await waitText(page.locator('#mapped-chains'), /新能源汽车产业链/);
  assert.equal(await page.locator('#mapped-chains a[href="#/chains/nev"]').count(), 1, 'a mapped chain links to its map');

  // Directory: searching narrows the list to names with the word.
  await page.click('#sidenav a[href="#/enterprises"]');
  await page.locator('#enterprise-table tbody tr').first().waitFor();
  const all = (await api(srv.url, smeToken, 'GET', '/api/v1/enterprises?limit=20')).body;
  assert.equal(await page.locator('#enterprise-table tbody tr').count(), all.items.length);
  assert.equal(await page.locator('#load-more').isVisible(), Boolean(all.next_cursor));
  const want = (await api(srv.url, smeToken, 'GET', `/api/v1/enterprises?q=${encodeURIComponent('电机')}&limit=100`)).body.items;
  assert.ok(want.length > 0 && want.length < all.items.length, 'the demo data has some 电机 enterprises');
  await page.fill('#f-q', '电机');
  await page.press('#f-q', 'Enter');
  await showAll(page, want.length);
  const names = await page.locator('#enterprise-table tbody tr td:first-child').allInnerTexts();
  assert.deepEqual(names, want.map((e) => e.name));
  assert.match(page.url(), /q=%E7%94%B5%E6%9C%BA/, 'the search is kept in the address');
  // Province filter: only 江苏省 rows.
  await page.fill('#f-q', '');
  await page.locator('#f-province option[value="320000"]').waitFor({ state: 'attached' });
  await page.selectOption('#f-province', '320000');
  const jsAll = (await api(srv.url, smeToken, 'GET', '/api/v1/enterprises?region=32&limit=100')).body;
  assert.equal(jsAll.next_cursor ?? null, null, 'the demo has fewer than 100 enterprises in 江苏省');
  const js = jsAll.items;
  await showAll(page, js.length);
  const regionsShown = await page.locator('#enterprise-table tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(regionsShown.length === js.length && regionsShown.every((r) => r.startsWith('江苏省')), regionsShown.join());
  await page.locator('#f-city option[value="320100"]').waitFor({ state: 'attached' });
  await shot(page, 'directory');
  await page.click('button:has-text("重置")');
  await waitText(page.locator('.result-summary'), /已显示 20 家企业/);
  await page.click('#load-more');
  await waitText(page.locator('.result-summary'), /(已显示 [2-9]\d 家企业|共 [2-9]\d 家企业)/);

  // The form: a wrong check character gets the server's exact reason under the USCC field.
  await page.click('#create-enterprise');
  await page.locator('#enterprise-form').waitFor();
  const wrongChar = ALPHABET[(ALPHABET.indexOf(good[17]) + 1) % 31];
  await page.fill('#f-uscc', (first17 + wrongChar).toLowerCase());
  await waitText(page.locator('#f-uscc-error'), new RegExp(`校验码错误：应为'${good[17]}'，实际为'${wrongChar}'`));
  assert.equal(await page.inputValue('#f-uscc'), first17 + wrongChar, 'lower case is upper-cased as you type');
  // An unknown region code is flagged; a real one sets the province/city/county selects.
  await page.fill('#f-region', '320599');
  await waitText(page.locator('#f-region-error'), /行政区划代码.*不存在/);
  await page.fill('#f-name', '昆山七链精密机械有限公司');
  await page.selectOption('#f-industry', '35');
  await page.fill('#f-employees', '150');
  await page.fill('#f-revenue_wan', '8000');
  await page.fill('#f-assets_wan', '6000');
  const classify = (await api(srv.url, null, 'GET', '/api/v1/classify?industry=35&employees=150&revenue=8000&assets=6000')).body;
  await waitText(page.locator('#size-preview'), new RegExp(SIZE_ZH[classify.size]));
  await page.click('#save-enterprise');
  await waitText(page.locator('#f-uscc-error'), new RegExp(`应为'${good[17]}'`));
  await shot(page, 'form-error');

  await page.fill('#f-uscc', good);
  await waitText(page.locator('#f-uscc-hint'), /代码校验通过/);
  assert.equal(await page.locator('#f-uscc-error').innerText(), '');
  await page.fill('#f-region', '320583');
  await waitText(page.locator('#f-region-hint'), /江苏省 苏州市 昆山市/);
  assert.equal(await page.locator('#f-region-county').inputValue(), '320583');
  assert.equal(await page.locator('#f-region-city').inputValue(), '320500');
  // A value only the server rejects: its 422 lands under the field it names.
  await page.fill('#f-employees', '1000000000');
  await page.click('#save-enterprise');
  await waitText(page.locator('#f-employees-error'), /employees/);
  assert.equal(await page.locator('#f-uscc-error').innerText(), '');
  await page.fill('#f-employees', '150');
  await page.click('#save-enterprise');

  // Detail page: every field, with the derived size in Chinese.
  await page.waitForURL(new RegExp(`#/enterprises/${good}$`));
  await waitText(page.locator('.page-header h1'), /昆山七链精密机械有限公司/);
  assert.equal(await page.locator('#detail-size').innerText(), SIZE_ZH[classify.size]);
  const detail = await page.locator('.detail-grid').innerText();
  for (const s of [good, '江苏省 苏州市 昆山市', '35 专用设备制造业', '150 人', '8,000 万元', '6,000 万元', classify.rule]) {
    assert.ok(detail.includes(s), `detail shows ${s}`);
  }
  await waitText(page.locator('.alert-success'), /企业登记成功/);
  assert.equal(await page.locator('#edit-enterprise').count(), 1, 'the owner may edit');
  const stored = (await api(srv.url, smeToken, 'GET', `/api/v1/enterprises/${good}`)).body;
  assert.equal(stored.size, classify.size);
  assert.equal(stored.region, '320583');
  await shot(page, 'detail');

  // English: labels switch, and the choice survives a reload.
  await page.click('.lang-switch button[data-lang=en]');
  await waitText(page.locator('.detail-grid'), /Unified social credit code/);
  assert.equal(await page.locator('#detail-size').innerText(), SIZE_EN[classify.size]);
  assert.match(await page.locator('#sidenav').innerText(), /Enterprise directory[\s\S]*Supply chain/);
  assert.match(await page.locator('#logout').innerText(), /Log out/);
  await page.reload();
  await waitText(page.locator('.detail-grid'), /Employees/);
  await page.click('#sidenav a[href="#/enterprises"]');
  await waitText(page.locator('thead'), /Enterprise name/);
  assert.equal(await page.locator('label[for=f-province]').innerText(), 'Province');
  await waitText(page.locator('.result-summary'), /Showing 20 enterprises/);
  await shot(page, 'directory-en');
  await page.click('.lang-switch button[data-lang=zh]');
  await waitText(page.locator('thead'), /企业名称/);

  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a bank member sees no create button and gets the 403 message', async () => {
  const page = await newPage();
  await loginViaPage(page, USERS['bank:member']);
  await page.locator('.stat-value').first().waitFor();
  await page.goto(`${srv.url}/#/enterprises`);
  await page.locator('#enterprise-table tbody tr').first().waitFor();
  assert.equal(await page.locator('#create-enterprise').count(), 0);
  assert.equal(await page.locator('#sidenav a[href="#/users"]').count(), 0, 'members get no user management');
  // Opening the form anyway explains why not.
  await page.goto(`${srv.url}/#/enterprises/new`);
  await waitText(page.locator('.alert-error'), /无权访问/);
  assert.equal(await page.locator('#enterprise-form').count(), 0);
  // The user page shows the server's own 403 message.
  await page.goto(`${srv.url}/#/users`);
  await waitText(page.locator('.alert-error'), /^无权访问$/);
  // No edit button on an enterprise either.
  const first = (await api(srv.url, smeToken, 'GET', '/api/v1/enterprises?limit=1')).body.items[0];
  await page.goto(`${srv.url}/#/enterprises/${first.uscc}`);
  await waitText(page.locator('.page-header h1'), new RegExp(first.name));
  assert.equal(await page.locator('#edit-enterprise').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the operator edits and deletes the new enterprise, reads the audit log; an SME admin adds a user', async () => {
  const page = await newPage();
  await loginViaPage(page, USERS['operator:admin']);
  await page.locator('.stat-value').first().waitFor();

  // Edit: more employees make it a medium enterprise; only the changed field is sent.
  await page.goto(`${srv.url}/#/enterprises/${good}`);
  await page.click('#edit-enterprise');
  await page.locator('#enterprise-form').waitFor();
  assert.equal(await page.inputValue('#f-region'), '320583');
  await waitText(page.locator('#f-region-hint'), /昆山市/);
  assert.equal(await page.locator('#f-region-county').inputValue(), '320583');
  assert.equal(await page.locator('#f-industry').inputValue(), '35');
  assert.equal(await page.getAttribute('#f-uscc', 'readonly'), '');
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'PATCH') sent.push({ body: r.postDataJSON(), csrf: r.headers()['x-requested-with'] }); });
  await page.fill('#f-employees', '400');
  await waitText(page.locator('#size-preview'), /中型/);
  await page.click('#save-enterprise');
  await waitText(page.locator('.alert-success'), /企业信息已保存/);
  assert.equal(await page.locator('#detail-size').innerText(), '中型');
  assert.deepEqual(sent, [{ body: { employees: 400 }, csrf: 'qilian' }]);

  // Delete, after confirming.
  page.once('dialog', (d) => d.accept());
  await page.click('#delete-enterprise');
  await waitText(page.locator('.alert-success'), /已删除企业/);
  assert.match(page.url(), /#\/enterprises$/);
  assert.equal((await api(srv.url, smeToken, 'GET', `/api/v1/enterprises/${good}`)).status, 404);

  await page.click('#sidenav a[href="#/audit"]');
  await waitText(page.locator('#audit-table'), /enterprise\.create/);
  const rows = await page.locator('#audit-table tbody tr').allInnerTexts();
  assert.match(rows[0], new RegExp(`^\\S+ \\S+\\tadmin@qilian\\.test\\t删除企业[\\s\\S]*${good}`));
  assert.match(rows[1], /\tadmin@qilian\.test\t修改企业[\s\S]*employees/);
  assert.match(rows[2], new RegExp(`\\tsme-admin@qilian\\.test\\t登记企业[\\s\\S]*${good}`));
  await page.click('#logout');
  await page.locator('#login-email').waitFor();
  await waitText(page.locator('.alert-info'), /已安全退出/);
  const me = await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.status));
  assert.equal(me, 401, 'logout ended the session');

  await loginViaPage(page, USERS['sme:admin']);
  await page.locator('.stat-value').first().waitFor();
  await page.click('#sidenav a[href="#/users"]');
  await page.locator('#user-form').waitFor();
  await page.fill('#u-email', 'buyer2@jingrui.test');
  await page.fill('#u-name', '采购专员');
  await page.fill('#u-password', 'short');
  await page.click('#user-form button[type=submit]');
  await waitText(page.locator('#u-password-error'), /至少8位/);
  await page.fill('#u-password', 'a-long-password');
  await page.click('#user-form button[type=submit]');
  await waitText(page.locator('#users-table'), /buyer2@jingrui\.test/);
  await page.fill('#u-email', 'buyer2@jingrui.test');
  await page.fill('#u-password', 'a-long-password');
  await page.click('#user-form button[type=submit]');
  await waitText(page.locator('#user-form .alert-error, #u-email-error'), /\S/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
