// The service, talent and data chains in a real browser against a real
// `qilian serve` with the demo data: the SME submits a request through the
// form and sees its timeline; the provider's queue shows deadline colours
// (the demo's overdue request in red) and the provider accepts the new
// request; the operator adds a routing rule and sees the statistics chart;
// the SME asks to contact an expert whose contact is hidden, the chain
// leader approves, and the contact shows; a secondment proposed by the SME is
// agreed by the chain leader, who records the person's consent; the SME grants the chain leader
// a scope, sees the bank's reads in the access log and revokes the grant.
// Screenshots go to test-output/e2e/services-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';

let srv, ui, sme, prov, op, large;
const state = {};

before(async () => {
  srv = await startServer();
  ui = await openBrowser(srv.url);
  [sme, prov, op] = await Promise.all([0, 1, 2].map(() => ui.newPage({ acceptDialogs: true })));
  // The chain leader answers prompts too: the seconded person's name when it records their consent.
  large = await ui.newPage();
  large.on('dialog', (d) => d.accept(d.type() === 'prompt' ? '王建国' : undefined));
  await ui.loginAs(sme, USERS['sme:admin']);
  await ui.loginAs(prov, USERS['provider:admin']);
  await ui.loginAs(op, USERS['operator:admin']);
  await ui.loginAs(large, USERS['large:admin']);
});
after(async () => {
  for (const p of [sme, prov, op, large]) if (p) assert.deepEqual(p.errors, [], 'no script errors on the page');
  await ui?.close();
  await srv?.stop();
});

test('the SME submits a request and sees it routed with its working-day deadline and timeline', async () => {
  await ui.go(sme, '/services/new');
  await sme.locator('#svc-form').waitFor();
  await sme.selectOption('#svc-category', 'technology');
  await sme.fill('#svc-title', '浏览器测试:专利导航服务');
  await sme.fill('#svc-description', '希望获得扁线电机领域的专利导航分析。');
  await sme.click('#svc-submit');
  await sme.locator('#svc-timeline li').first().waitFor();
  state.id = Number(/#\/services\/(\d+)/.exec(sme.url())[1]);
  await waitText(sme.locator('#svc-handler'), /知识产权服务中心/);
  await waitText(sme.locator('#svc-timeline'), /提交/);
  assert.match(await sme.locator('.svc-deadline').first().innerText(), /受理 \d{4}-\d{2}-\d{2}/);
  await shot(sme, 'services-request');
  await ui.go(sme, '/services');
  await sme.locator('#svc-table').waitFor();
  assert.ok(await sme.locator(`#svc-table tr[data-id="${state.id}"]`).count());
  await shot(sme, 'services-my-requests');
});

test('the provider\'s queue colours deadlines; the provider accepts the new request', async () => {
  await ui.go(prov, '/services');
  await prov.locator('#svc-table').waitFor();
  assert.ok(await prov.locator('#svc-table tr[data-state="overdue"] .badge-health-weak').count() >= 1, 'an overdue request in red');
  assert.ok(await prov.locator('#svc-table tr[data-state="ok"] .badge-health-ok').count() >= 1, 'one in time in green');
  await shot(prov, 'services-queue');
  await ui.go(prov, `/services/${state.id}`);
  await prov.locator('#svc-accept').waitFor();
  await prov.fill('#svc-note', '已受理,三个工作日内联系');
  await prov.click('#svc-accept');
  await waitText(prov.locator('#svc-timeline'), /受理/);
  await prov.locator('#svc-start').waitFor();
  assert.equal(await prov.locator('#svc-withdraw').count(), 0, 'a handler has no withdraw button');
});

test('the operator edits routing rules and sees the statistics chart', async () => {
  await ui.go(op, '/services/admin');
  await op.locator('#svc-rules').waitFor();
  const before = await op.locator('#svc-rules tbody tr').count();
  await op.selectOption('#svc-rule-category', 'talent');
  await op.fill('#svc-rule-prefix', '3205');
  await op.click('#svc-rule-add');
  await waitText(op.locator('#svc-message'), /规则已保存/);
  await op.waitForFunction((n) => document.querySelectorAll('#svc-rules tbody tr').length === n + 1, before);
  await op.locator('#svc-chart svg').waitFor();
  await waitText(op.locator('#svc-stats-table'), /合计/);
  await shot(op, 'services-admin');
});

test('talent: contact details appear only after the expert\'s organisation approves', async () => {
  await ui.go(sme, '/talent?kind=expert&q=IATF16949');
  await sme.locator('#tal-list li').first().waitFor();
  const card = sme.locator('#tal-list li', { hasText: '质量体系审核员' });
  await waitText(card.locator('.tal-contact'), /同意/);
  await shot(sme, 'services-talent');
  await card.locator('a').click();
  await sme.locator('#tal-ask').click();
  await waitText(sme.locator('#tal-message'), /已申请/);
  await ui.go(large, '/talent');
  await large.locator('#tal-contacts').waitFor();
  await large.locator('#tal-contacts li', { hasText: '质量体系审核员' }).locator('.tal-approve').click();
  await waitText(large.locator('.alert'), /已同意/);
  await sme.reload();
  await waitText(sme.locator('#tal-person-shown'), /李敏/);
  await sme.locator('#tal-matches').waitFor();
  await shot(sme, 'services-talent-expert');
});

test('a secondment is in force once both organisations agree and the person\'s consent is recorded', async () => {
  // The demo SME's contact for the chain leader's motor-control engineer is approved already.
  await ui.go(sme, '/talent?kind=expert');
  await sme.locator('#tal-list li', { hasText: '高级电机控制工程师' }).locator('a').click();
  await sme.locator('#tal-sec-form').waitFor();
  await sme.fill('#tal-sec-start', '2027-01-04');
  await sme.fill('#tal-sec-end', '2027-03-31');
  await sme.fill('#tal-sec-terms', '人工成本按月分摊');
  await sme.click('#tal-sec-save');
  await waitText(sme.locator('#tal-message'), /已提出/);
  await ui.go(large, '/talent');
  const li = large.locator('#tal-secondments li', { hasText: '高级电机控制工程师' }).first();
  await waitText(li.locator('.tal-sec-status'), /待确认/);
  await li.locator('.tal-agree').click();
  await waitText(large.locator('.alert'), /已同意协议/);
  await large.locator('#tal-secondments li', { hasText: '高级电机控制工程师' }).first().locator('.tal-consent').click();
  await waitText(large.locator('.alert'), /已记录本人同意/);
  await waitText(large.locator('#tal-secondments li', { hasText: '高级电机控制工程师' }).first().locator('.tal-sec-status'), /已生效/);
  await shot(large, 'services-secondment');
});

test('data grants: the access log shows the bank\'s reads; a new grant is revoked', async () => {
  await ui.go(sme, '/grants');
  await sme.locator('#grant-table').waitFor();
  await waitText(sme.locator('#grant-log'), /江苏银行/);
  await sme.selectOption('#grant-grantee', { label: '苏州汇川新能源汽车科技有限公司 (大企业)' });
  await sme.check('#grant-scopes input[value="orders"]');
  await sme.fill('#grant-purpose', '供应商准入审核');
  await sme.fill('#grant-until', new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10));
  await sme.click('#grant-save');
  await waitText(sme.locator('.alert'), /授权已生效/);
  const row = sme.locator('#grant-table tr', { hasText: '供应商准入审核' });
  await waitText(row.locator('.grant-state'), /生效中/);
  await shot(sme, 'services-grants');
  await row.locator('.grant-revoke').click();
  await waitText(sme.locator('.alert'), /授权已撤销/);
  await waitText(sme.locator('#grant-table tr', { hasText: '供应商准入审核' }).locator('.grant-state'), /已撤销/);
});
