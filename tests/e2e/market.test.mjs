// The supply and demand market (供需对接) in a real browser against a real
// `qilian serve` with the demo data: the SME subscribes to 电机 demands; the
// buyer publishes a demand through the form and sees its matches with their
// explanations (matched words, each factor's contribution; the 电视机 supply is
// not among them); the SME's inbox badge goes up; the buyer invites the SME
// from the matches; the SME submits a sealed quote in the UI (a second
// supplier quotes through the API); the buyer sees "已密封 2 份报价", closes
// early, compares and awards; the order moves placed → shipped → delivered
// (supplier) → accepted (buyer), each button only for its party; the
// scorecard counts the order; and one market page in English. Screenshots go
// to test-output/e2e/market-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';

const SME_USCC = '91320583MA1QEW0025'; // 昆山精锐电驱科技 (the SME organisation's)
const OTHER_USCC = '91330212MA1QEW0133'; // 宁波永磁驱动科技 (quotes through the operator)
const TV_USCC = '91320214MA1QEW0064';
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

let srv, ui, opToken, buyerToken, smeToken;
let buyer, sme; // pages
const state = {};

before(async () => {
  srv = await startServer();
  [opToken, buyerToken, smeToken] = await Promise.all([
    login(srv.url, USERS['operator:admin']), login(srv.url, USERS['large:member']), login(srv.url, USERS['sme:member'])]);
  // The listings the test relies on, whatever the demo data holds: the SME's motor and a
  // 电视机 distractor that also holds the required certification (so only the words keep it out).
  for (const [token, body] of [
    [smeToken, { enterprise: SME_USCC, title: '永磁同步电机 驱动电机总成', description: '新能源汽车永磁同步驱动电机，功率 60-150kW，扁线绕组，年产 12 万台。',
      chain: 'nev', segment: 'motor', capacity: 120000, unit: '台', min_order: 100, regions: ['32', '31'], certifications: ['IATF16949', 'ISO9001'] }],
    [opToken, { enterprise: TV_USCC, title: '电视机外壳 注塑加工', description: '液晶电视机前壳、后壳注塑成型与喷涂。',
      capacity: 500000, unit: '件', regions: ['32'], certifications: ['IATF16949'] }],
  ]) {
    const r = await api(srv.url, token, 'POST', '/api/v1/supplies', body);
    assert.equal(r.status, 201, `POST /supplies: ${r.status} ${JSON.stringify(r.body)}`);
    if (token === smeToken) state.smeSupply = r.body.id;
  }
  ui = await openBrowser(srv.url);
  buyer = await newPage();
  sme = await newPage();
  await loginAs(buyer, USERS['large:member']);
  await loginAs(sme, USERS['sme:member']);
});
after(async () => {
  for (const p of [buyer, sme]) if (p) assert.deepEqual(p.errors, [], 'no script errors on the page');
  await ui?.close();
  await srv?.stop();
});

// Every page here answers confirm() with OK (closing early, awarding).
const newPage = () => ui.newPage({ acceptDialogs: true });
const loginAs = (page, email) => ui.loginAs(page, email);
const go = (page, hash) => ui.go(page, hash);

const badgeCount = async (page) => Number(await page.locator('#inbox-badge').getAttribute('data-count') || 0);

async function selectWhenReady(page, sel, value) {
  await page.locator(`${sel} option[value="${value}"]`).waitFor({ state: 'attached' });
  await page.selectOption(sel, value);
}

test('the SME subscribes to 电机 demands in the UI', async () => {
  await go(sme, '/market/subscriptions');
  await sme.locator('#sub-form').waitFor();
  await sme.fill('#s-name', '电机类采购');
  await sme.fill('#s-keywords', '电机');
  await sme.press('#s-keywords', 'Enter');
  await sme.click('#s-save');
  await waitText(sme.locator('.alert-success'), /订阅已保存/);
  await waitText(sme.locator('#sub-list'), /电机类采购[\s\S]*电机/);
  const subs = (await api(srv.url, smeToken, 'GET', '/api/v1/subscriptions')).body;
  assert.ok((subs.items || []).some((s) => (s.keywords || []).includes('电机')), JSON.stringify(subs));
  await sme.locator('#inbox-link').waitFor({ state: 'visible' });
  assert.doesNotMatch(await sme.locator('#sidenav').innerText(), /null/, 'groups an SME does not get leave no trace');
  state.badgeBefore = await badgeCount(sme);
  await shot(sme, 'market-subscriptions');
});

test('the buyer publishes a demand through the form and sees explained matches', async () => {
  await go(buyer, '/market/demands/new');
  await buyer.locator('#listing-form').waitFor();
  await buyer.fill('#f-title', '采购永磁同步电机 2000 台');
  await buyer.fill('#f-description', '用于纯电动乘用车的永磁同步驱动电机，峰值功率 120kW，要求通过 IATF16949 认证，分三批交付。');
  await selectWhenReady(buyer, '#f-chain', 'nev');
  await selectWhenReady(buyer, '#f-segment', 'motor');
  await buyer.fill('#f-quantity', '2000');
  await buyer.fill('#f-unit', '台');
  await buyer.fill('#f-budget_fen', '3600000');
  await buyer.fill('#f-deadline', day(7));
  await selectWhenReady(buyer, '#f-region-province', '320000');
  await selectWhenReady(buyer, '#f-region-city', '320500');
  await buyer.fill('#f-certifications', 'iatf16949');
  await buyer.press('#f-certifications', 'Enter');
  assert.equal(await buyer.locator('#f-certifications-list .chip').getAttribute('data-value'), 'IATF16949', 'tags are upper-cased');
  await buyer.click('#save-listing');
  await buyer.waitForURL(/#\/market\/demands\/\d+$/);
  state.demand = Number(/demands\/(\d+)$/.exec(buyer.url())[1]);
  const d = (await api(srv.url, buyerToken, 'GET', `/api/v1/demands/${state.demand}`)).body;
  assert.equal(d.title, '采购永磁同步电机 2000 台');
  assert.equal(d.segment, 'motor');
  assert.equal(d.budget_fen, 360000000);
  assert.equal(d.region, '3205');
  assert.deepEqual(d.certifications, ['IATF16949']);
  await waitText(buyer.locator('.alert-success'), /已发布/);

  // The matches: the SME's motor with its explanation; never the 电视机 supply.
  await buyer.locator('#match-list .match-item').first().waitFor();
  const m = (await api(srv.url, buyerToken, 'GET', `/api/v1/demands/${state.demand}/matches?limit=20`)).body;
  const ours = m.results.find((r) => r.supply.id === state.smeSupply);
  assert.ok(ours, 'the SME supply matches');
  assert.ok(!m.results.some((r) => /电视机/.test(r.supply.title)), '电机 does not match 电视机');
  const item = buyer.locator(`#match-list .match-item[data-id="${state.smeSupply}"]`);
  await item.waitFor();
  assert.match(await item.innerText(), new RegExp(Number(ours.score).toFixed(2)));
  const words = await item.locator('.badge-term').allInnerTexts();
  assert.deepEqual(words, ours.explain.text.terms, 'the matched words are shown');
  assert.ok(words.includes('电机') || words.some((w) => /电机/.test(w)), JSON.stringify(words));
  for (const f of ['text', 'segment', 'region', 'level', 'scorecard']) {
    assert.equal(await item.locator(`.factor[data-factor="${f}"]`).count(), 1, `factor ${f} shown`);
  }
  const segScore = Number(await item.locator('.factor[data-factor="segment"]').getAttribute('data-score'));
  assert.ok(segScore > 0, 'the segment counts');
  assert.equal(await buyer.locator('#match-list').innerText().then((s) => /电视机/.test(s)), false);
  await shot(buyer, 'market-matches');
});

test('the SME inbox badge goes up for the matching demand', async () => {
  const end = Date.now() + 10000;
  let n = await badgeCount(sme);
  while (n <= state.badgeBefore && Date.now() < end) {
    await sme.waitForTimeout(250);
    n = await badgeCount(sme);
  }
  assert.ok(n > state.badgeBefore, `badge ${state.badgeBefore} → ${n}`);
  assert.equal(await sme.locator('#inbox-badge').isVisible(), true);
  await sme.click('#inbox-link');
  const row = sme.locator('#inbox-list .inbox-item[data-kind="demand_match"]', { hasText: '永磁同步电机' }).first();
  await row.waitFor();
  assert.match(await row.getAttribute('class'), /unread/);
  await shot(sme, 'market-inbox');
  await row.locator('.mark-read').click();
  await sme.waitForFunction((before) => Number(document.getElementById('inbox-badge').dataset.count) < before, n);
  assert.doesNotMatch(await row.getAttribute('class'), /unread/);
});

test('the buyer invites the SME from the matches', async () => {
  const btn = buyer.locator(`#match-list .invite-btn[data-uscc="${SME_USCC}"]`).first();
  await btn.click();
  await waitText(btn, /已邀请/);
  const inv = (await api(srv.url, buyerToken, 'GET', `/api/v1/demands/${state.demand}/invitations`)).body;
  assert.match(JSON.stringify(inv), new RegExp(SME_USCC));
});

test('the SME submits a sealed quote; the buyer sees only the count', async () => {
  await go(sme, `/market/demands/${state.demand}/rfq`);
  await sme.locator('#quote-form').waitFor();
  assert.equal(await sme.inputValue('#q-quantity'), '2000', 'the quantity defaults to the demand\'s');
  await sme.fill('#q-price', '1650.50');
  await sme.fill('#q-lead', '30');
  await sme.fill('#q-valid', day(40));
  await sme.fill('#q-notes', '含运费，分三批交付');
  await sme.click('#submit-quote');
  await waitText(sme.locator('.alert-success'), /报价已提交/);
  const own = (await api(srv.url, smeToken, 'GET', `/api/v1/demands/${state.demand}/quotes`)).body;
  assert.equal(own.quotes.length, 1);
  assert.equal(own.quotes[0].unit_price_fen, 165050);
  state.smeQuote = own.quotes[0].id;
  // Changing it before the deadline works from the same form.
  await sme.fill('#q-price', '1620');
  await sme.click('#submit-quote');
  await waitText(sme.locator('.alert-success'), /报价已修改/);
  await shot(sme, 'market-quote');
  // A second supplier quotes through the API (the operator acts for it).
  const r = await api(srv.url, opToken, 'POST', `/api/v1/demands/${state.demand}/quotes`, {
    enterprise: OTHER_USCC, unit_price_fen: 172000, quantity: 2000, lead_time_days: 20, valid_until: `${day(40)}T00:00:00Z`, notes: '',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));

  await go(buyer, `/market/demands/${state.demand}/rfq`);
  const sealed = buyer.locator('#sealed-count');
  await waitText(sealed, /已密封 2 份报价/);
  assert.equal(await buyer.locator('#quote-table').count(), 0, 'no comparison before the deadline');
  await shot(buyer, 'market-rfq-sealed');
});

test('the buyer closes early, compares the quotes and awards the SME', async () => {
  await buyer.click('#close-early');
  await buyer.locator('#quote-table').waitFor();
  const rows = buyer.locator('#quote-table tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /1,620\.00/, 'cheapest first');
  assert.match(await rows.first().innerText(), /精锐/);
  await shot(buyer, 'market-rfq-compare');
  // The SME can no longer change its quote.
  const late = await api(srv.url, smeToken, 'PATCH', `/api/v1/quotes/${state.smeQuote}`, { unit_price_fen: 100 });
  assert.equal(late.status, 409, JSON.stringify(late.body));
  await buyer.check(`#quote-table tr[data-quote="${state.smeQuote}"] .award-check`);
  await buyer.click('#award-btn');
  await buyer.waitForURL(/#\/market\/orders\/\d+$/);
  state.order = Number(/orders\/(\d+)$/.exec(buyer.url())[1]);
  await waitText(buyer.locator('#order-status'), /已下单/);
});

test('the order moves through shipped, delivered and accepted by the right parties', async () => {
  // The buyer cannot ship; the button is the supplier's.
  assert.equal(await buyer.locator('#order-ship').count(), 0);
  const wrong = await api(srv.url, buyerToken, 'POST', `/api/v1/orders/${state.order}/ship`, {});
  assert.equal(wrong.status, 403, JSON.stringify(wrong.body));
  const early = await api(srv.url, buyerToken, 'POST', `/api/v1/orders/${state.order}/accept`, {});
  assert.equal(early.status, 409, 'accepting before delivery is an illegal transition');

  await go(sme, '/market/orders?role=supplier');
  await sme.locator(`#order-table tr[data-id="${state.order}"]`).waitFor();
  await go(sme, `/market/orders/${state.order}`);
  await sme.click('#order-ship');
  await waitText(sme.locator('#order-status'), /已发货/);
  assert.equal(await sme.locator('#order-accept').count(), 0, 'the supplier cannot accept');
  await sme.click('#order-deliver');
  await waitText(sme.locator('#order-status'), /已送达/);

  await go(buyer, `/market/orders/${state.order}`);
  await buyer.locator('#reject-form').waitFor();
  await buyer.click('#order-accept');
  await waitText(buyer.locator('#order-status'), /已验收/);
  const o = (await api(srv.url, buyerToken, 'GET', `/api/v1/orders/${state.order}`)).body;
  assert.equal(o.status, 'accepted');
  const timeline = await buyer.locator('#order-timeline li').allInnerTexts();
  assert.ok(timeline.length >= 3, JSON.stringify(timeline));
  assert.match(timeline.join('\n'), /已发货[\s\S]*已送达[\s\S]*已验收/);
  assert.equal(await buyer.locator('#order-steps .step.done').count(), 4);
  await shot(buyer, 'market-order');
});

test('the scorecard counts the order', async () => {
  await go(buyer, `/market/scorecard/${SME_USCC}`);
  await buyer.locator('#scorecard').waitFor();
  const sc = (await api(srv.url, buyerToken, 'GET', `/api/v1/enterprises/${SME_USCC}/scorecard`)).body;
  assert.ok(sc.orders >= 1, JSON.stringify(sc));
  await waitText(buyer.locator('[data-score="orders"] .stat-value'), new RegExp(`^${sc.orders}$`));
  await waitText(buyer.locator('[data-score="acceptance"] .stat-value'), /%/);
  await shot(buyer, 'market-scorecard');
});

test('the demand hall searches by words and switches to English', async () => {
  await go(buyer, '/market/demands?q=电机&status=');
  const row = buyer.locator(`#listing-table tr[data-id="${state.demand}"]`);
  await row.waitFor();
  await waitText(row, /已定标|Awarded/);
  await go(buyer, '/market/supplies?q=电机');
  await buyer.locator(`#listing-table tr[data-id="${state.smeSupply}"]`).waitFor();
  assert.doesNotMatch(await buyer.locator('#listing-table').innerText(), /电视机/, 'the word 电机 does not find 电视机');
  await buyer.click('.lang-switch button[data-lang="en"]');
  await waitText(buyer.locator('.page-header h1'), /^Supplies$/);
  await waitText(buyer.locator('#listing-table thead'), /Supplier[\s\S]*Certifications/);
  assert.match(await buyer.locator('#nav-market').innerText(), /Supply & demand/);
  await shot(buyer, 'market-en');
  await buyer.click('.lang-switch button[data-lang="zh"]');
  await waitText(buyer.locator('.page-header h1'), /供应大厅/);
});
