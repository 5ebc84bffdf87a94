// The capital chain (资金链) in a real browser against a real `qilian serve` with the demo data
// and a finance clock the test moves (QILIAN_FINANCE_CLOCK_FILE): the chain leader issues a
// certificate to the demo SME through the form; the SME accepts it in its wallet, splits it,
// passes one piece to its own supplier (who accepts it in its wallet) and applies to the bank
// to discount the other, each form showing the amounts and the interest before it is
// confirmed; the bank opens its queue, reads the risk view (lineage, the chain-map relation, the
// order history, the limit) and approves at a rate, the interest matching the half-up rule; the
// issuer sees the whole tree and its maturity calendar; after maturity the issuer settles and
// every outstanding piece is paid to its holder. `qilian finance verify` passes at the end.
// Screenshots go to test-output/e2e/finance-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, login, api, cli, USERS } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';
import { interestFen, shanghaiDate, addDays, daysBetween, isoSeconds } from '../lib/finance_load.mjs';

const ISSUER = '91320500MA1MX4QF3P'; // 苏州汇川新能源汽车 (buyer-admin's)
const SME = '91320583MA1QEW0025'; // 昆山精锐电驱 (sme-admin's)
const SUPPLIER = makeUscc('320583', 'FKE2E0001');
const SUPPLIER_EMAIL = 'fin-e2e-supplier@qilian.test';
let srv, ui, clockFile, tokens = {};
let issuer, sme, supplier, bank; // pages
const state = {};
const today = shanghaiDate(Date.now());
const maturity = addDays(today, 120);

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qilian-fine2e-'));
  clockFile = path.join(dir, 'clock');
  fs.writeFileSync(clockFile, `${isoSeconds(Date.now())}\n`);
  srv = await startServer({ env: { QILIAN_FINANCE_CLOCK_FILE: clockFile } });
  tokens.op = await login(srv.url, USERS['operator:admin']);
  tokens.sme = await login(srv.url, USERS['sme:admin']);
  tokens.bank = await login(srv.url, USERS['bank:admin']);
  tokens.issuer = await login(srv.url, USERS['large:admin']);
  // The SME's own supplier: an organisation with a login, its enterprise, the relation the SME records.
  tokens.supplier = await smeWithAdmin(srv.url, tokens.op, '苏州精密轴承测试有限公司', SUPPLIER_EMAIL);
  await registerEnterprise(srv.url, tokens.supplier, SUPPLIER, '苏州精密轴承测试有限公司');
  const rel = await api(srv.url, tokens.sme, 'POST', '/api/v1/relations',
    { buyer_uscc: SME, supplier_uscc: SUPPLIER, chain: 'nev', segment: 'motor', annual_amount_fen: 300000000 });
  assert.ok([200, 201].includes(rel.status), JSON.stringify(rel.body));
  const lim = await api(srv.url, tokens.bank, 'PUT', '/api/v1/finance/limits', { issuer: ISSUER, limit_fen: 10000000000 }, { 'Idempotency-Key': 'e2e-limit' });
  assert.equal(lim.status, 200, JSON.stringify(lim.body));
  ui = await openBrowser(srv.url);
  issuer = await ui.newPage({ acceptDialogs: true });
  sme = await ui.newPage({ acceptDialogs: true });
  supplier = await ui.newPage({ acceptDialogs: true });
  bank = await ui.newPage({ acceptDialogs: true });
  await ui.loginAs(issuer, USERS['large:admin']);
  await ui.loginAs(sme, USERS['sme:admin']);
  await ui.loginAs(supplier, SUPPLIER_EMAIL);
  await ui.loginAs(bank, USERS['bank:admin']);
});
after(async () => {
  for (const p of [issuer, sme, supplier, bank]) if (p) assert.deepEqual(p.errors, [], 'no script errors on the page');
  await ui?.close();
  await srv?.stop();
});

const go = (page, hash) => ui.go(page, hash);
const get = (token, p) => api(srv.url, token, 'GET', `/api/v1${p}`);

async function selectWhenReady(page, sel, value) {
  await page.locator(`${sel} option[value="${value}"]`).waitFor({ state: 'attached' });
  await page.selectOption(sel, value);
}

test('the issuer issues a certificate to its supplier through the form', async () => {
  await go(issuer, '/finance/issue');
  await issuer.locator('#issue-form').waitFor();
  await selectWhenReady(issuer, '#i-issuer', ISSUER);
  await selectWhenReady(issuer, '#i-payee', SME);
  await issuer.fill('#i-face', '500000.00');
  await issuer.fill('#i-maturity', maturity);
  await issuer.fill('#i-contract', 'HC-E2E-2026-001');
  await issuer.fill('#i-invoices', 'E2E0001, E2E0002');
  await issuer.click('#i-submit');
  await issuer.waitForURL(/#\/finance\/certificates\/\d+$/);
  state.cert = Number(/certificates\/(\d+)$/.exec(issuer.url())[1]);
  await waitText(issuer.locator('#cert-status'), /待签收/);
  const c = (await get(tokens.issuer, `/finance/certificates/${state.cert}`)).body;
  assert.equal(c.face_fen, 50000000);
  assert.equal(c.maturity, maturity);
  assert.deepEqual(c.invoices, ['E2E0001', 'E2E0002']);
  assert.equal(c.payee.uscc, SME);
  await shot(issuer, 'finance-issued');
});

test('the SME accepts it in its wallet', async () => {
  await go(sme, '/finance');
  const row = sme.locator(`#accept-certs tr[data-id="${state.cert}"]`);
  await row.waitFor();
  await shot(sme, 'finance-wallet-to-accept');
  await row.locator('[data-action="accept-cert"]').click();
  await waitText(sme.locator('.alert-success'), /已签收/);
  await sme.locator('#held-table').waitFor();
  const c = (await get(tokens.sme, `/finance/certificates/${state.cert}`)).body;
  assert.equal(c.status, 'active');
  state.root = c.pieces.find((p) => p.state === 'held').id;
  assert.match(await sme.locator(`#held-table tr[data-id="${state.root}"]`).innerText(), /500,000\.00/);
  assert.doesNotMatch(await sme.locator('body').innerText(), /\bnull\b|undefined|finance\./, 'no empty value or missing word shows');
  await shot(sme, 'finance-wallet');
});

test('the SME splits it, the form showing both parts and the interest first', async () => {
  await go(sme, `/finance/certificates/${state.cert}`);
  await sme.locator(`#piece-table [data-action="transfer"][data-id="${state.root}"]`).click();
  await sme.locator('#transfer-form').waitFor();
  await sme.selectOption('#t-mode', 'split');
  await sme.fill('#t-amount', '200000.00');
  await sme.fill('#t-rate', '400');
  await sme.click('#t-check');
  await waitText(sme.locator('#p-part'), /200,000\.00/);
  assert.match(await sme.locator('#p-rest').innerText(), /300,000\.00/);
  const days = daysBetween(today, maturity);
  const interest = interestFen(20000000, 400, days);
  const shown = await sme.locator('#p-interest').innerText();
  assert.ok(shown.includes((interest / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })), `${shown} shows ${interest} fen`);
  await shot(sme, 'finance-split-preview');
  await sme.click('#t-confirm');
  await waitText(sme.locator('.alert-success'), /已拆分/);
  const c = (await get(tokens.sme, `/finance/certificates/${state.cert}`)).body;
  const held = c.pieces.filter((p) => p.state === 'held').sort((a, b) => a.lo - b.lo);
  assert.deepEqual(held.map((p) => p.amount_fen), [20000000, 30000000]);
  [state.first, state.second] = held.map((p) => p.id);
});

test('the SME passes one piece to its supplier, who accepts it in its wallet', async () => {
  await go(sme, `/finance/certificates/${state.cert}`);
  await sme.locator(`#piece-table [data-action="transfer"][data-id="${state.first}"]`).click();
  await sme.locator('#transfer-form').waitFor();
  await selectWhenReady(sme, '#t-to', SUPPLIER);
  await sme.click('#t-check');
  await waitText(sme.locator('#p-part'), /200,000\.00/);
  await sme.click('#t-confirm');
  await waitText(sme.locator('.alert-success'), /已发起转让/);
  await shot(sme, 'finance-transfer');

  await go(supplier, '/finance');
  const row = supplier.locator('#accept-transfers tbody tr').first();
  await row.waitFor();
  await row.locator('[data-action="accept-transfer"]').click();
  await waitText(supplier.locator('.alert-success'), /已签收/);
  const held = (await get(tokens.supplier, '/finance/pieces')).body.items;
  assert.equal(held.length, 1);
  assert.equal(held[0].amount_fen, 20000000);
  assert.equal(held[0].holder.uscc, SUPPLIER);
  // The supplier sees its piece and its lineage, not the SME's other piece.
  const c = (await get(tokens.supplier, `/finance/certificates/${state.cert}`)).body;
  assert.ok(!c.pieces.some((p) => p.id === state.second), 'a sibling piece is not shown to another holder');
  await go(supplier, `/finance/certificates/${state.cert}`);
  await supplier.locator('#lineage-chart svg').waitFor();
  await shot(supplier, 'finance-supplier-lineage');
});

test('the SME applies to the bank to discount the other piece, the interest shown before it confirms', async () => {
  await go(sme, `/finance/certificates/${state.cert}`);
  await sme.locator(`#piece-table [data-action="discount"][data-id="${state.second}"]`).click();
  await sme.locator('#discount-form').waitFor();
  const banks = (await get(tokens.sme, '/finance/banks')).body.items;
  await selectWhenReady(sme, '#d-bank', String(banks.find((b) => b.name === '江苏银行苏州分行').id));
  await sme.fill('#d-rate', '350');
  await sme.click('#d-check');
  const days = daysBetween(today, maturity);
  const interest = interestFen(30000000, 350, days);
  await waitText(sme.locator('#d-interest'), /¥/);
  const q = (await get(tokens.sme, `/finance/interest?amount_fen=30000000&rate_bp=350&from=${today}&maturity=${maturity}`)).body;
  assert.equal(q.interest_fen, interest, 'the server quotes the half-up rule');
  assert.match(await sme.locator('#d-interest').innerText(), new RegExp((interest / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 }).replace(/\./, '\\.')));
  await shot(sme, 'finance-discount-preview');
  await sme.click('#d-confirm');
  await sme.waitForURL(/#\/finance\/discounts\/\d+$/);
  state.app = Number(/discounts\/(\d+)$/.exec(sme.url())[1]);
  await waitText(sme.locator('#discount-status'), /待审批/);
});

test('the bank reads the risk view and approves at a rate', async () => {
  await go(bank, '/finance/bank');
  const row = bank.locator(`#queue-table tr[data-id="${state.app}"]`);
  await row.waitFor();
  await shot(bank, 'finance-bank-queue');
  await row.locator('a').click();
  await bank.locator('#risk').waitFor();
  assert.match(await bank.locator('#risk-lineage').innerText(), /昆山精锐电驱/);
  assert.ok(await bank.locator('#risk-relations tr').count() >= 2, 'the chain-map relation of the SME with the issuer is shown');
  state.usedBefore = (await get(tokens.bank, '/finance/limits')).body.items.find((l) => l.issuer.uscc === ISSUER).used_fen;
  await bank.fill('#ap-rate', '350');
  await bank.click('#ap-check');
  await waitText(bank.locator('#ap-interest'), /¥/);
  await shot(bank, 'finance-bank-risk');
  await bank.click('#ap-confirm');
  await waitText(bank.locator('#discount-status'), /已放款/);
  const a = (await get(tokens.bank, `/finance/discounts/${state.app}`)).body;
  assert.equal(a.status, 'approved');
  assert.equal(a.rate_bp, 350);
  assert.equal(a.interest_fen, interestFen(30000000, 350, daysBetween(a.discount_date, maturity)));
  assert.equal(a.net_fen, 30000000 - a.interest_fen);
  await shot(bank, 'finance-approved');
});

test('the issuer sees the whole tree and its maturity calendar with the limit used', async () => {
  await go(issuer, `/finance/certificates/${state.cert}`);
  await issuer.locator('#lineage-chart svg').waitFor();
  const rows = await issuer.locator('#piece-table tbody tr').count();
  assert.ok(rows >= 5, `the issuer sees every piece (${rows})`);
  assert.doesNotMatch(await issuer.locator('body').innerText(), /\bnull\b|undefined|finance\./, 'no empty value or missing word shows');
  await shot(issuer, 'finance-lineage');
  await go(issuer, '/finance/calendar');
  await issuer.locator(`#maturity-table tr[data-id="${state.cert}"]`).waitFor();
  await issuer.locator('#maturity-heat svg').waitFor();
  const limit = (await get(tokens.issuer, '/finance/limits')).body.items.find((l) => l.issuer.uscc === ISSUER);
  assert.equal(limit.used_fen, state.usedBefore + 30000000, 'the discount uses the issuer\'s limit');
  const used = (limit.used_fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 });
  assert.ok((await issuer.locator('#issuer-limits').innerText()).includes(used), `the calendar shows ${used} used`);
  await shot(issuer, 'finance-calendar');
});

test('after maturity the issuer settles: every outstanding piece is paid to its holder', async () => {
  fs.writeFileSync(clockFile, `${addDays(maturity, 1)}T02:00:00Z\n`);
  await go(issuer, `/finance/certificates/${state.cert}`);
  await issuer.locator('#settle-form').waitFor();
  await issuer.fill('#s-ref', 'JSBANK-E2E-0001');
  await issuer.click('#s-submit');
  await waitText(issuer.locator('.alert-success'), /已兑付 2 笔/);
  await waitText(issuer.locator('#cert-status'), /已兑付/);
  const c = (await get(tokens.issuer, `/finance/certificates/${state.cert}`)).body;
  assert.equal(c.status, 'settled');
  assert.equal(c.confirmation_ref, 'JSBANK-E2E-0001');
  const settled = c.pieces.filter((p) => p.state === 'settled');
  assert.deepEqual(settled.map((p) => p.holder.uscc ?? 'bank').sort(), [SUPPLIER, 'bank'].sort());
  await shot(issuer, 'finance-settled');
  const v = cli(['--db', srv.db, 'finance', 'verify']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
});

test('the operator sees aggregates only: by status, per issuer, limits', async () => {
  const op = await ui.newPage({ acceptDialogs: true });
  await ui.loginAs(op, USERS['operator:admin']);
  await go(op, '/finance/overview');
  await op.locator('#overview-stats').waitFor();
  const o = (await get(tokens.op, '/finance/overview')).body;
  assert.ok(o.certificates.settled.count >= 1);
  assert.match(await op.locator('#overview-status').innerText(), /已兑付/);
  assert.match(await op.locator('#overview-issuer-table').innerText(), /苏州汇川/);
  assert.doesNotMatch(await op.locator('body').innerText(), /\bnull\b|undefined|finance\./);
  await shot(op, 'finance-overview');
  assert.deepEqual(op.errors, []);
});

test('the wallet in English', async () => {
  await go(supplier, '/finance');
  await supplier.locator('#wallet-stats').waitFor();
  await supplier.evaluate(() => localStorage.setItem('qilian.lang', 'en'));
  await supplier.reload();
  await waitText(supplier.locator('h1'), /Certificate wallet/);
  await shot(supplier, 'finance-wallet-en');
  await supplier.evaluate(() => localStorage.setItem('qilian.lang', 'zh'));
});
