// Unified social credit codes as people paste them, in a real browser: a
// business licence prints the code in groups ("9132 0583 MA1E 2E7T 8X") or with
// a hyphen after the organisation code, and Chinese input methods give
// full-width spaces and characters. The enterprise form compacts what is
// pasted or typed before its live check and before sending; the market's
// invitation by USCC does the same for each code of its comma-separated list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';
import { makeUscc } from '../lib/uscc.mjs';

const SME_USCC = '91320583MA1QEW0025'; // 昆山精锐电驱科技 (demo data)
const OTHER_USCC = '91330212MA1QEW0133'; // 宁波永磁驱动科技 (demo data)
const grouped = (code) => code.match(/.{1,4}/g).join(' '); // as printed: 9132 0583 MA1E 2E7T 8X

let srv, ui;
before(async () => {
  srv = await startServer();
  ui = await openBrowser(srv.url);
});
after(async () => {
  await ui?.close();
  await srv?.stop();
});

// Puts text on the clipboard and pastes it into the focused field with Ctrl+V (a real paste, not a typed value).
async function paste(page, selector, text) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.fill(selector, '');
  await page.focus(selector);
  await page.keyboard.press('Control+V');
}

test('the enterprise form compacts a pasted USCC (spaces, hyphens, full-width) before checking and sending', async () => {
  const code = makeUscc('320583', 'MA1E2E7UA');
  const page = await ui.newPage();
  await ui.loginAs(page, USERS['sme:admin']);
  await ui.go(page, '/enterprises/new');
  await page.locator('#enterprise-form').waitFor();

  // As printed on a licence, in groups of four: all 18 characters survive the paste and pass the check.
  await paste(page, '#f-uscc', grouped(code));
  assert.equal(await page.inputValue('#f-uscc'), code);
  await waitText(page.locator('#f-uscc-hint'), /代码校验通过/);
  assert.equal(await page.locator('#f-uscc-error').innerText(), '');

  // With a hyphen after the organisation code, in lower case.
  await paste(page, '#f-uscc', `${code.slice(0, 8)}-${code.slice(8)}`.toLowerCase());
  assert.equal(await page.inputValue('#f-uscc'), code);
  await waitText(page.locator('#f-uscc-hint'), /代码校验通过/);

  // Full-width spaces, a full-width hyphen and full-width letters from a Chinese input method.
  const wide = (s) => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  await paste(page, '#f-uscc', `${wide(code.slice(0, 4))}\u3000${code.slice(4, 8)}\uff0d${code.slice(8)}`);
  assert.equal(await page.inputValue('#f-uscc'), code);

  // A grouped code with a wrong check character gets the server's reason, not a length complaint.
  const wrong = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
  await paste(page, '#f-uscc', grouped(wrong));
  assert.equal(await page.inputValue('#f-uscc'), wrong);
  await waitText(page.locator('#f-uscc-error'), new RegExp(`校验码错误：应为'${code[17]}'`));

  // The rest of the form; the compact code is what is sent.
  await paste(page, '#f-uscc', grouped(code));
  await waitText(page.locator('#f-uscc-hint'), /代码校验通过/);
  await page.fill('#f-name', '昆山粘贴测试精密件有限公司');
  await page.fill('#f-region', '320583');
  await page.selectOption('#f-industry', '35');
  await page.fill('#f-employees', '40');
  await page.fill('#f-revenue_wan', '1500');
  await page.fill('#f-assets_wan', '900');
  const sent = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/enterprises')) sent.push(r.postDataJSON()); });
  await page.click('#save-enterprise');
  await page.waitForURL(new RegExp(`#/enterprises/${code}$`));
  await waitText(page.locator('.alert-success'), /企业登记成功/);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].uscc, code, 'the compact code is sent');
  await shot(page, 'uscc-pasted');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the market invites suppliers by USCC as pasted, several separated by a comma', async () => {
  const buyerToken = await login(srv.url, USERS['large:member']);
  const me = (await api(srv.url, buyerToken, 'GET', '/api/v1/auth/me')).body;
  const own = (await api(srv.url, buyerToken, 'GET', `/api/v1/enterprises?org_id=${me.org.id}&limit=1`)).body.items[0];
  const r = await api(srv.url, buyerToken, 'POST', '/api/v1/demands', {
    enterprise: own.uscc, title: '采购精密注塑件 5000 件', description: '汽车内饰注塑件，要求 IATF16949。', quantity: 5000, unit: '件',
    region: '320505', deadline: new Date(Date.now() + 30 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const demand = r.body.id;

  const page = await ui.newPage();
  await ui.loginAs(page, USERS['large:member']);
  await ui.go(page, `/market/demands/${demand}/rfq`);
  await page.locator('#invite-uscc').waitFor();
  // One code in groups, one with a hyphen, separated by a full-width comma.
  await paste(page, '#invite-uscc', `${grouped(SME_USCC)}\uff0c${OTHER_USCC.slice(0, 8)}-${OTHER_USCC.slice(8)}`);
  await page.click('#invite-btn');
  await waitText(page.locator('.alert-success'), /已邀请 2 家供应商/);
  await page.locator(`#invite-list li[data-uscc="${SME_USCC}"]`).waitFor();
  const inv = (await api(srv.url, buyerToken, 'GET', `/api/v1/demands/${demand}/invitations`)).body;
  const invited = JSON.stringify(inv);
  assert.match(invited, new RegExp(SME_USCC));
  assert.match(invited, new RegExp(OTHER_USCC));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
