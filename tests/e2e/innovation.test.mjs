// Innovation vouchers and open challenges in a real browser against a real
// `qilian serve` with the demo data (plus completed bookings of the demo SME,
// tests/lib/innovation.mjs). The innovation clock follows the system clock
// until the test writes a time into QILIAN_TEST_CLOCK_FILE to pass a
// challenge's deadline. Vouchers: the SME previews and applies its demo
// voucher to a completed booking; the owner sees the voucher and SME parts
// and claims; the operator approves, issues a voucher through the form and
// checks the ledger. Challenges: the chain leader posts one through the form
// (the share total turns green only at 100 %), opens it and names the panel;
// the SME asks, the leader answers; the SME submits a sealed proposal and its
// receipt's sha256 is the hash of the canonical text shown; the leader sees
// only "已密封 1 份方案"; after the deadline a reviewer declares no conflict and
// scores, another declares a conflict and is excluded; the results rank it.
// Screenshots: test-output/e2e/innovation-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, api, demoDb, tempDir, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';
import { seedCompletedBookings, SME_USCC } from '../lib/innovation.mjs';

let srv, ui, clockFile, firstBooking;
const pages = [];
const state = {};

before(async () => {
  const dir = tempDir('qilian-e2e-innovation-');
  clockFile = path.join(dir, 'clock');
  fs.writeFileSync(clockFile, ''); // empty: the system clock
  const db = demoDb(dir);
  firstBooking = seedCompletedBookings(db, 3);
  srv = await startServer({ db, env: { QILIAN_TEST_CLOCK_FILE: clockFile } });
  ui = await openBrowser(srv.url);
});
after(async () => {
  for (const p of pages) assert.deepEqual(p.errors, [], 'no script errors on the page');
  await ui?.close();
  await srv?.stop();
});

async function pageAs(email) {
  const p = await ui.newPage({ acceptDialogs: true });
  pages.push(p);
  await ui.loginAs(p, email);
  return p;
}
const go = (page, hash) => ui.go(page, hash);

test('the SME applies its voucher to a completed booking', async () => {
  const sme = await pageAs(USERS['sme:member']);
  state.sme = sme;
  await go(sme, '/innovation/vouchers');
  const row = sme.locator('#voucher-table tr.use-row').first();
  await row.waitFor();
  await row.locator('.booking-select').waitFor();
  await row.locator('.booking-select').selectOption(String(firstBooking));
  await row.locator('.preview-btn').click();
  await waitText(row.locator('.voucher-preview'), /¥1,000\.00[\s\S]*¥500\.00[\s\S]*¥500\.00/);
  await shot(sme, 'innovation-voucher-preview');
  await row.locator('.apply-btn').click();
  await waitText(sme.locator('#voucher-message'), /已用券/);
  await waitText(sme.locator('#voucher-table'), /¥18,000\.00/); // 2万元 − 1500 (the demo's completed booking) − 500
  await shot(sme, 'innovation-voucher-wallet');
});

test('the owner claims the voucher part; the operator approves, issues and checks the ledger', async () => {
  const owner = await pageAs(USERS['large:member']);
  await go(owner, '/innovation/claims');
  const row = owner.locator('#claim-table tbody tr').first();
  await waitText(row, /¥1,000\.00[\s\S]*¥500\.00[\s\S]*¥500\.00/);
  await row.locator('.claim-btn').click();
  await waitText(owner.locator('#claim-message'), /已提交申领/);
  await shot(owner, 'innovation-owner-claims');
  const op = await pageAs(USERS['operator:admin']);
  await go(op, '/innovation/claims');
  const claimed = op.locator('#claim-table tbody tr[data-status="claimed"]').first();
  await claimed.waitFor();
  await shot(op, 'innovation-operator-approvals');
  await claimed.locator('.approve-btn').click();
  await waitText(op.locator('#claim-message'), /申领已通过/);
  await go(op, '/innovation/vouchers');
  await op.locator('#voucher-issue').waitFor();
  await op.fill('#v-enterprise', SME_USCC);
  await op.fill('#v-amount', '5000');
  await op.fill('#v-share', '40');
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  await op.fill('#v-from', today);
  await op.fill('#v-until', `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`);
  await op.fill('#v-cap', '30000');
  await op.click('#v-submit');
  await waitText(op.locator('#voucher-message'), /已发放创新券 CXQ-/);
  // The new voucher (newest first) is revoked: it shows as such.
  const fresh = op.locator('#voucher-table tbody tr').first();
  await fresh.locator('.revoke-btn').click();
  await waitText(op.locator('#voucher-message'), /已作废/);
  await waitText(op.locator('#voucher-table tbody tr').first(), /已作废/);
  await op.click('#verify-btn');
  await waitText(op.locator('#verify-result'), /台账无误/);
  await shot(op, 'innovation-operator-vouchers');
});

test('the chain leader posts a challenge through the form, opens it and names the panel', async () => {
  const leader = await pageAs(USERS['large:member']);
  state.leader = leader;
  await go(leader, '/innovation/challenges');
  await leader.click('#new-challenge');
  await leader.locator('#challenge-form').waitFor();
  await leader.fill('#c-title', '电池包液冷板轻量化 揭榜挂帅');
  await leader.fill('#c-problem', '电池包液冷板减重20%且压降不升，征集结构与工艺方案。');
  await leader.fill('#c-chain', 'nev');
  await leader.fill('#c-segment', 'pack');
  await leader.fill('#c-caps', '液冷板, 钎焊, 热仿真');
  await leader.fill('#c-reward', '800000');
  const deadline = new Date(Date.now() + 8 * 3600000 + 86400000).toISOString().slice(0, 16);
  await leader.fill('#c-deadline', deadline);
  // The share total is 100 % only when it is.
  await leader.locator('#c-milestones .m-share').first().fill('20');
  assert.equal(await leader.locator('#share-sum').getAttribute('data-ok'), 'false');
  await leader.locator('#c-milestones .m-share').nth(1).fill('50');
  assert.equal(await leader.locator('#share-sum').getAttribute('data-ok'), 'true');
  await shot(leader, 'innovation-challenge-form');
  await leader.click('#c-submit');
  await leader.locator('#open-btn').waitFor();
  state.challenge = Number(/challenges\/(\d+)/.exec(leader.url())[1]);
  // The draft is edited through the same form (PATCH): the reward changes, the shares stay.
  await leader.click('#edit-btn');
  await leader.locator('#challenge-form').waitFor();
  assert.equal(await leader.inputValue('#c-reward'), '800000');
  assert.equal(await leader.locator('#share-sum').getAttribute('data-ok'), 'true');
  await leader.fill('#c-reward', '900000');
  await leader.click('#c-submit');
  await leader.locator('#open-btn').waitFor();
  await waitText(leader.locator('#challenge-badges'), /¥900,000\.00/);
  await leader.fill('#panel-emails', `${USERS['provider:admin']}, ${USERS['operator:member']}, ${USERS['bank:member']}`);
  await leader.click('#panel-form button[type=submit]');
  await waitText(leader.locator('.alert-success'), /评审组已保存/);
  await leader.click('#open-btn');
  await waitText(leader.locator('#challenge-badges'), /揭榜中/);
  assert.equal(await leader.locator('#open-btn').count(), 0);
});

test('Q&A, a sealed proposal with its receipt, and the poster sees only the count', async () => {
  const { sme, leader } = state;
  await go(sme, `/innovation/challenges/${state.challenge}`);
  await sme.locator('#submit-card').waitFor();
  await sme.locator('#p-enterprise option').first().waitFor({ state: 'attached' });
  await sme.selectOption('#p-enterprise', SME_USCC);
  await sme.click('#register-btn');
  await waitText(sme.locator('.alert-success'), /已登记为揭榜方/);
  await sme.fill('#qa-question', '液冷板材质是否限定铝合金？');
  await sme.click('#ask-form button[type=submit]');
  await waitText(sme.locator('.alert-success'), /问题已提交/);
  await go(leader, `/innovation/challenges/${state.challenge}`);
  const answer = leader.locator('#qa-list .answer-form').first();
  await answer.locator('input').fill('限定3系或6系铝合金。');
  await answer.locator('button').click();
  await waitText(leader.locator('.alert-success'), /已答复/);
  // The SME submits; its receipt holds the sha256 of the canonical text it shows.
  await go(sme, `/innovation/challenges/${state.challenge}`);
  await sme.locator('#p-enterprise option').first().waitFor({ state: 'attached' });
  await sme.selectOption('#p-enterprise', SME_USCC);
  await sme.fill('#p-title', '微通道口琴管+真空钎焊');
  await sme.fill('#p-summary', '微通道口琴管替代冲压板，减重24%。');
  await sme.fill('#p-approach', '材料3003铝合金；真空钎焊；CFD验证压降。');
  await sme.fill('#p-budget', '600000');
  await sme.click('#p-submit');
  await sme.locator('#receipt-box').waitFor();
  const sha = (await sme.locator('#receipt-sha').innerText()).trim();
  const canonical = await sme.locator('#receipt-canonical').innerText();
  assert.equal(sha, crypto.createHash('sha256').update(canonical, 'utf8').digest('hex'));
  assert.match(await sme.locator('#qa-list').innerText(), /限定3系或6系铝合金/);
  await shot(sme, 'innovation-proposal-receipt');
  await go(leader, `/innovation/challenges/${state.challenge}`);
  await waitText(leader.locator('#sealed-box'), /已密封 1 份方案/);
  assert.doesNotMatch(await leader.locator('#proposals').innerText(), /微通道/);
  await shot(leader, 'innovation-challenge-sealed');
});

test('after the deadline: the panel declares and scores, a conflicted reviewer is excluded, results rank', async () => {
  const { leader } = state;
  // A second proposal through the API so results have two to rank.
  const opToken = await login(srv.url, USERS['operator:admin']);
  const org = await api(srv.url, opToken, 'POST', '/api/v1/orgs', { name: '常州液冷科技有限公司', type: 'sme' });
  await api(srv.url, opToken, 'POST', '/api/v1/users', { org_id: org.body.id, email: 'e2e-solver@qilian.test', name: '总工', role: 'admin', password: 'qilian-demo-2026' });
  const solver = await login(srv.url, 'e2e-solver@qilian.test');
  const { makeUscc } = await import('../lib/uscc.mjs');
  const own = makeUscc('320412', 'YLKJ00001');
  const e = await api(srv.url, solver, 'POST', '/api/v1/enterprises', { uscc: own, name: '常州液冷科技', region: '320412', industry: '38', employees: 70, revenue_wan: 4000, assets_wan: 3000, level: 'innovative' });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  const p2 = await api(srv.url, solver, 'POST', `/api/v1/challenges/${state.challenge}/proposals`, { enterprise: own, title: '冲压板拓扑优化', summary: '拓扑优化流道', approach: '……' });
  assert.equal(p2.status, 201, JSON.stringify(p2.body));
  fs.writeFileSync(clockFile, new Date(Date.now() + 2 * 86400000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await go(leader, `/innovation/challenges/${state.challenge}`);
  await leader.click('#evaluate-btn');
  await waitText(leader.locator('#challenge-badges'), /评审中/);
  // Reviewer 1 (provider) scores both; reviewer 3 (bank) declares a conflict on the first.
  const scoreAll = async (email, sets) => {
    const rev = await pageAs(email);
    await go(rev, `/innovation/challenges/${state.challenge}/review`);
    for (const scores of sets) {
      const card = rev.locator('.review-card:has(.no-conflict-btn)').first();
      await card.locator('.no-conflict-btn').click();
      await waitText(rev.locator('.alert-success'), /声明已记录/);
      const form = rev.locator('.review-card .score-form').first();
      const inputs = form.locator('.score-input');
      for (let i = 0; i < scores.length; i++) await inputs.nth(i).fill(String(scores[i]));
      await form.locator('.submit-scores').click();
      await waitText(rev.locator('.alert-success'), /评分已提交/);
    }
    return rev;
  };
  const bank = await pageAs(USERS['bank:member']);
  await go(bank, `/innovation/challenges/${state.challenge}/review`);
  const first = bank.locator('.review-card').first();
  await first.locator('.conflict-note').fill('该企业为本行授信客户');
  await first.locator('.conflict-btn').click();
  await waitText(bank.locator('.alert-success'), /声明已记录/);
  await waitText(bank.locator('.review-card').first(), /回避/);
  await shot(bank, 'innovation-review-conflict');
  const rev1 = await scoreAll(USERS['provider:admin'], [[90, 80], [70, 60]]);
  await shot(rev1, 'innovation-review-scored');
  await scoreAll(USERS['operator:member'], [[80, 90], [60, 70]]);
  await go(leader, `/innovation/challenges/${state.challenge}/review`);
  const results = leader.locator('#results-table tbody tr');
  await results.first().waitFor();
  // (90×20+80×50+...): the criteria are the form's two with weights 60 and 40.
  assert.equal(await results.count(), 2);
  assert.match(await results.first().innerText(), /昆山精锐电驱/);
  await shot(leader, 'innovation-results');
});

test('the challenge page in English', async () => {
  const { leader } = state;
  await go(leader, `/innovation/challenges/${state.challenge}`);
  await leader.locator('#terms').waitFor();
  await leader.click('.lang-switch button[data-lang="en"]');
  await waitText(leader.locator('#terms'), /Milestones[\s\S]*Evaluation criteria/);
  await waitText(leader.locator('#sidenav'), /Open challenges/);
  await shot(leader, 'innovation-challenge-en');
  await leader.click('.lang-switch button[data-lang="zh"]');
  await waitText(leader.locator('#terms'), /里程碑/);
});
