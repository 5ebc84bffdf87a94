// Who sees what in supply-chain finance, from every side (docs/finance.md):
// the issuer sees the whole tree; a holder its pieces and their lineage up to
// the root, never a sibling's holder; a bank only the applications made to it,
// with the risk view (lineage, the applicant's supply relations and orders
// with the issuer, the limits); an unrelated organisation nothing (404); the
// operator aggregates only. Writes by the wrong party are 403 (a party) or 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../lib/server.mjs';
import { startFinanceServer, financeWorld, must, write, activeCertificate, rootPiece, verify } from '../lib/finance.mjs';

const F = '/api/v1/finance';
let srv, w, cert, root, tSub, tSub2, subPiece, sub2Piece, smeRest, appSub, appSme;
let base = {}; // the demo's own finance data (scripts/demo.d/40-finance.sh): balances before this file's operations

before(async () => {
  ({ srv } = await startFinanceServer('2026-12-01T02:00:00Z'));
  w = await financeWorld(srv.url, 'FB');
  const bal = async (token, account) => (await api(srv.url, token, 'GET', '/api/v1/ledger/balances')).body.accounts
    .find((a) => a.account === account).balance_fen;
  base = { smeReceivable: await bal(w.sme, 'receivable'), corePayable: await bal(w.large, 'payable') };
  // The chain leader pays the SME 1,000,000; the SME passes 300,000 to one supplier and 200,000 to another.
  cert = await activeCertificate(srv.url, w, 1000000, '2027-05-01');
  root = await rootPiece(srv.url, w, cert.id);
  tSub = await must(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/transfers`, { to: w.U.sub, amount_fen: 300000 }, 201);
  subPiece = (await must(srv.url, w.sub, 'POST', `${F}/transfers/${tSub.id}/accept`, {})).received_piece_id;
  tSub2 = await must(srv.url, w.sme, 'POST', `${F}/pieces/${tSub.remainder_piece_id}/transfers`, { to: w.U.sub2, amount_fen: 200000 }, 201);
  sub2Piece = (await must(srv.url, w.sub2, 'POST', `${F}/transfers/${tSub2.id}/accept`, {})).received_piece_id;
  smeRest = tSub2.remainder_piece_id;
  // The sub-supplier and the SME each apply to the demo bank.
  await must(srv.url, w.bank, 'PUT', `${F}/limits`, { issuer: w.U.core, limit_fen: 100000000 });
  appSub = await must(srv.url, w.sub, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: [subPiece] }, 201);
  appSme = await must(srv.url, w.sme, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: [smeRest] }, 201);
});
after(async () => { await srv.stop(); });

const get = (token, p) => api(srv.url, token, 'GET', p);
const holders = (pieces) => new Set(pieces.map((p) => p.holder.uscc));

test('the issuer sees the whole tree with every holder', async () => {
  const r = await get(w.large, `${F}/certificates/${cert.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.viewer, 'issuer');
  assert.deepEqual(holders(r.body.pieces), new Set([w.U.sme, w.U.sub, w.U.sub2]));
  const live = r.body.pieces.filter((p) => !['split', 'transferred'].includes(p.state));
  assert.equal(live.reduce((s, p) => s + p.amount_fen, 0), 1000000);
  const list = await get(w.large, `${F}/certificates?role=issued`);
  assert.ok(list.body.items.some((c) => c.id === cert.id));
  // The issuer may see a transfer of its certificate, but not take it.
  assert.equal((await get(w.large, `${F}/transfers/${tSub.id}`)).status, 200);
  const take = await write(srv.url, w.large, 'POST', `${F}/transfers/${tSub.id}/accept`, {});
  assert.equal(take.status, 404);
});

test('a holder sees its pieces and their lineage, never a sibling\'s holder', async () => {
  const r = await get(w.sub, `${F}/certificates/${cert.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.viewer, 'holder');
  const ids = r.body.pieces.map((p) => p.id);
  assert.ok(ids.includes(subPiece) && ids.includes(root.id), JSON.stringify(ids));
  // Lineage only: the root and the offered part, both the SME's; nothing of the other supplier or the SME's remainder.
  assert.deepEqual(holders(r.body.pieces), new Set([w.U.sme, w.U.sub]));
  assert.ok(!JSON.stringify(r.body).includes(w.U.sub2));
  assert.ok(r.body.pieces.every((p) => p.lo <= 300000), JSON.stringify(r.body.pieces.map((p) => [p.lo, p.hi])));
  assert.ok(!ids.includes(sub2Piece) && !ids.includes(smeRest));
  // The same from the other side.
  const r2 = await get(w.sub2, `${F}/certificates/${cert.id}`);
  assert.deepEqual(holders(r2.body.pieces), new Set([w.U.sme, w.U.sub2]));
  assert.ok(!JSON.stringify(r2.body).includes(w.U.sub));
  // A sibling's piece by id is 404; its own piece has its lineage to the root.
  assert.equal((await get(w.sub, `${F}/pieces/${sub2Piece}`)).status, 404);
  assert.equal((await get(w.sub, `${F}/pieces/${smeRest}`)).status, 404);
  const mine = await get(w.sub, `${F}/pieces/${subPiece}`);
  assert.equal(mine.status, 200);
  assert.equal(mine.body.lineage[0].id, root.id);
  assert.ok(mine.body.lineage.every((p) => p.holder.uscc === w.U.sme));
  // Its wallet and lists: its own only.
  const pieces = await get(w.sub, `${F}/pieces`);
  assert.deepEqual(pieces.body.items.map((p) => p.id), [subPiece]);
  assert.equal((await get(w.sub, `${F}/transfers/${tSub2.id}`)).status, 404);
  const transfers = await get(w.sub, `${F}/transfers`);
  assert.deepEqual(transfers.body.items.map((t) => t.id), [tSub.id]);
  // The SME (payee, holder and sender) sees what it holds and whom it passed parts to.
  const s = await get(w.sme, `${F}/certificates/${cert.id}`);
  assert.equal(s.body.viewer, 'holder');
  assert.deepEqual(holders(s.body.pieces), new Set([w.U.sme, w.U.sub, w.U.sub2]));
});

test('a holder cannot act on what is not its own: 403 for a party, 404 for others', async () => {
  const t = await write(srv.url, w.sub, 'POST', `${F}/pieces/${smeRest}/transfers`, { to: w.U.sub2, amount_fen: 1 });
  assert.equal(t.status, 404);
  const settle = await write(srv.url, w.sme, 'POST', `${F}/certificates/${cert.id}/settle`, { confirmation_ref: 'x' });
  assert.equal(settle.status, 403);
  const withdraw = await write(srv.url, w.sub2, 'POST', `${F}/discounts/${appSub.id}/withdraw`, {});
  assert.equal(withdraw.status, 404);
  const approve = await write(srv.url, w.sub, 'POST', `${F}/discounts/${appSub.id}/approve`, { rate_bp: 300 });
  assert.equal(approve.status, 403); // route: banks only
});

test('a bank sees only the applications made to it, with the risk view', async () => {
  const list = await get(w.bank, `${F}/discounts`);
  assert.deepEqual(new Set(list.body.items.map((a) => a.id)), new Set([appSub.id, appSme.id]));
  const a = await get(w.bank, `${F}/discounts/${appSme.id}`);
  assert.equal(a.status, 200);
  const risk = a.body.risk;
  // The pieces' lineage, root first, down to the applied piece.
  assert.equal(risk.lineage[0].pieces[0].id, root.id);
  assert.equal(risk.lineage[0].pieces.at(-1).id, smeRest);
  // The applicant's supply relations with the issuer (the demo's 驱动电机) and its order history with it.
  assert.equal(risk.relations[0].issuer.uscc, w.U.core);
  assert.ok(risk.relations[0].items.some((x) => x.segment === 'motor'), JSON.stringify(risk.relations));
  assert.equal(typeof risk.orders[0].orders.count, 'number');
  assert.equal(risk.limits[0].limit_fen, 100000000);
  // The sub-supplier supplies the SME, not the issuer: no relation with it.
  const b = await get(w.bank, `${F}/discounts/${appSub.id}`);
  assert.deepEqual(b.body.risk.relations[0].items, []);
  // The certificate, as the bank sees it: the applied pieces and their lineage, nothing else.
  const c = await get(w.bank, `${F}/certificates/${cert.id}`);
  assert.equal(c.status, 200);
  assert.equal(c.body.viewer, 'bank');
  assert.ok(!c.body.pieces.some((p) => p.id === sub2Piece));
  assert.ok(!JSON.stringify(c.body).includes(w.U.sub2));
  // The applicant sees its application without the risk view.
  const own = await get(w.sub, `${F}/discounts/${appSub.id}`);
  assert.equal(own.status, 200);
  assert.equal(own.body.risk, undefined);
  assert.equal((await get(w.sub2, `${F}/discounts/${appSub.id}`)).status, 404);
});

test('another bank sees none of it and cannot decide', async () => {
  assert.deepEqual((await get(w.bank2, `${F}/discounts`)).body.items, []);
  assert.equal((await get(w.bank2, `${F}/discounts/${appSub.id}`)).status, 404);
  assert.equal((await get(w.bank2, `${F}/certificates/${cert.id}`)).status, 404);
  const r = await write(srv.url, w.bank2, 'POST', `${F}/discounts/${appSub.id}/approve`, { rate_bp: 300 });
  assert.equal(r.status, 404);
  assert.deepEqual((await get(w.bank2, `${F}/limits`)).body.items, []);
  // The bank applied to approves; then it holds the piece and sees the certificate as a holder.
  const ok = await must(srv.url, w.bank, 'POST', `${F}/discounts/${appSub.id}/approve`, { rate_bp: 300 });
  assert.equal(ok.status, 'approved');
  const c = await get(w.bank, `${F}/certificates/${cert.id}`);
  assert.equal(c.body.viewer, 'holder');
  assert.ok(c.body.pieces.some((p) => p.state === 'discounted' && p.holder.uscc === null && p.mine));
});

test('an unrelated organisation sees nothing', async () => {
  for (const p of [`${F}/certificates/${cert.id}`, `${F}/pieces/${root.id}`, `${F}/pieces/${subPiece}`,
    `${F}/transfers/${tSub.id}`, `${F}/discounts/${appSme.id}`]) {
    const r = await get(w.far, p);
    assert.equal(r.status, 404, p);
  }
  for (const p of [`${F}/certificates`, `${F}/pieces`, `${F}/transfers`, `${F}/discounts`]) {
    assert.deepEqual((await get(w.far, p)).body.items, [], p);
  }
  const wallet = await get(w.far, `${F}/wallet`);
  assert.deepEqual(wallet.body.held, []);
  const bal = await get(w.far, '/api/v1/ledger/balances');
  assert.ok(bal.body.accounts.every((a) => a.balance_fen === 0));
  assert.equal((await get(w.far, `${F}/limits`)).status, 403);
});

test('the operator sees aggregates only', async () => {
  for (const p of [`${F}/certificates`, `${F}/certificates/${cert.id}`, `${F}/pieces`, `${F}/wallet`, '/api/v1/ledger/statement']) {
    assert.equal((await get(w.op, p)).status, 403, p);
  }
  const ov = await get(w.op, `${F}/overview`);
  assert.equal(ov.status, 200);
  assert.ok(ov.body.certificates.active.count >= 1);
  assert.ok(ov.body.outstanding_fen >= 1000000);
  assert.ok(ov.body.discounted_fen >= 300000);
  assert.ok(!JSON.stringify(ov.body).includes(w.U.sub));
  const bal = await get(w.op, '/api/v1/ledger/balances');
  assert.ok(bal.body.totals.some((t) => t.account === 'receivable'));
  assert.equal(typeof bal.body.organisations, 'number');
  assert.equal((await get(w.sme, `${F}/overview`)).status, 403);
  assert.equal((await get(w.bank, `${F}/overview`)).status, 403);
  // Each organisation's own balances: the sub-supplier's receivable went to the bank on approval.
  const sub = await get(w.sub, '/api/v1/ledger/balances');
  assert.equal(sub.body.accounts.find((a) => a.account === 'receivable').balance_fen, 0);
  assert.ok(sub.body.accounts.find((a) => a.account === 'cash').balance_fen > 0);
  const sme = await get(w.sme, '/api/v1/ledger/balances');
  assert.equal(sme.body.accounts.find((a) => a.account === 'receivable').balance_fen - base.smeReceivable, 500000);
  const core = await get(w.large, '/api/v1/ledger/balances');
  assert.equal(core.body.accounts.find((a) => a.account === 'payable').balance_fen - base.corePayable, 1000000);
  verify(srv.db);
});
