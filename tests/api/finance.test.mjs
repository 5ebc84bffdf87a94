// Supply-chain finance over the API against a real `qilian serve` whose
// finance clock the test drives: issue -> accept -> split -> transfer ->
// accept -> discount -> approve -> settle with the ledger checked at each
// step; bad input (amounts <= 0, past maturities, self-transfers,
// non-suppliers, more than the balance, missing keys) changing nothing;
// Idempotency-Key replays (same -> same answer, different -> 409, concurrent
// retries applied once); concurrent operations on one piece never both
// succeeding; overdue flags; the interest endpoint and CLI; verify after all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { api, cli } from '../lib/server.mjs';
import { backupDb, sqlite } from '../lib/fixtures.mjs';
import {
  startFinanceServer, financeWorld, write, must, verify, activeCertificate, rootPiece,
} from '../lib/finance.mjs';

let srv, setClock, w;
before(async () => {
  ({ srv, setClock } = await startFinanceServer('2026-12-01T02:00:00Z')); // 2026-12-01 10:00 in Shanghai
  w = await financeWorld(srv.url, 'FA');
});
after(async () => { await srv.stop(); });

const F = '/api/v1/finance';
async function operations() {
  const r = await api(srv.url, w.op, 'GET', `${F}/overview`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.operations;
}
async function balance(token, account) {
  const r = await api(srv.url, token, 'GET', '/api/v1/ledger/balances');
  assert.equal(r.status, 200);
  return r.body.accounts.find((a) => a.account === account).balance_fen;
}
// A write that must be refused with status and code and change nothing.
async function refused(token, method, p, body, status, code, headers) {
  const before = await operations();
  const r = headers ? await api(srv.url, token, method, p, body, headers) : await write(srv.url, token, method, p, body);
  assert.equal(r.status, status, `${method} ${p} ${JSON.stringify(body)} -> ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body.error.code, code, JSON.stringify(r.body));
  assert.equal(await operations(), before, `${code}: the operation log moved`);
  return r.body.error;
}

test('the whole path: issue, accept, split, transfer, accept, discount, approve, settle, with the ledger', async () => {
  setClock('2026-12-01T02:00:00Z');
  const sub0 = await balance(w.sub, 'receivable');
  const c = await must(srv.url, w.large, 'POST', `${F}/certificates`, {
    issuer: w.U.core, payee: w.U.sme, face_fen: 5000000, maturity: '2027-06-01', contract_no: 'HC-2026-0815',
    invoices: ['FA-INV-1', 'FA-INV-2'], delivery_date: '2026-11-28',
  }, 201);
  assert.equal(c.status, 'issued');
  assert.equal(c.issue_date, '2026-12-01');
  assert.deepEqual(c.warnings.map((x) => x.code), []);
  assert.deepEqual(c.flags.map((x) => x.code), ['sme_payment_term_exceeded']); // 2027-06-01 > 2026-11-28 + 60
  assert.deepEqual(c.invoices, ['FA-INV-1', 'FA-INV-2']);
  // Nothing is usable before acceptance: no piece yet.
  const before = await api(srv.url, w.large, 'GET', `${F}/certificates/${c.id}`);
  assert.deepEqual(before.body.pieces, []);
  // The payee's inbox tells it.
  const inbox = await api(srv.url, w.sme, 'GET', '/api/v1/inbox');
  assert.ok(inbox.body.items.some((n) => n.kind === 'finance_certificate' && n.object_id === c.id));
  const acc = await must(srv.url, w.sme, 'POST', `${F}/certificates/${c.id}/accept`, {});
  assert.equal(acc.status, 'active');
  assert.equal(acc.outstanding_fen, 5000000);
  const root = await rootPiece(srv.url, w, c.id);
  assert.equal(root.lo, 1);
  assert.equal(root.hi, 5000000);

  // Split off 1,000,000 to discount later, then pass 2,000,000 of the rest to the sub-supplier.
  const split = await must(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/split`, { amount_fen: 1000000 }, 201);
  const [disc, rest] = split.pieces;
  assert.deepEqual([disc.lo, disc.hi, rest.lo, rest.hi], [1, 1000000, 1000001, 5000000]);
  const t = await must(srv.url, w.sme, 'POST', `${F}/pieces/${rest.id}/transfers`, { to: w.U.sub, amount_fen: 2000000 }, 201);
  assert.equal(t.status, 'pending');
  assert.equal(t.amount_fen, 2000000);
  const got = await must(srv.url, w.sub, 'POST', `${F}/transfers/${t.id}/accept`, {});
  assert.equal(got.status, 'accepted');
  const received = await api(srv.url, w.sub, 'GET', `${F}/pieces/${got.received_piece_id}`);
  assert.equal(received.status, 200);
  assert.deepEqual([received.body.lo, received.body.hi], [1000001, 3000000]);
  assert.equal(received.body.lineage[0].id, root.id); // lineage to the root
  assert.equal(await balance(w.sub, 'receivable') - sub0, 2000000);

  // The UI's preview of a discount, then the application and the bank's approval within its limit.
  const q = await api(srv.url, w.sme, 'GET', `${F}/interest?amount_fen=1000000&rate_bp=350&from=2026-12-01&maturity=2027-06-01`);
  assert.equal(q.status, 200);
  assert.equal(q.body.days, 182);
  assert.equal(q.body.interest_fen, 17694); // 1e6 x 350 x 182 / 3.6e6 = 17694.4
  await must(srv.url, w.bank, 'PUT', `${F}/limits`, { issuer: w.U.core, limit_fen: 3000000 });
  const app = await must(srv.url, w.sme, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: [disc.id] }, 201);
  assert.equal(app.status, 'pending');
  assert.equal(app.amount_fen, 1000000);
  // The bank owns no enterprise: the application is in its organisation's own inbox (enterprise null),
  // counted, readable by it and 404 to anyone else.
  const bankInbox = await api(srv.url, w.bank, 'GET', '/api/v1/inbox?limit=100');
  const note = bankInbox.body.items.find((n) => n.kind === 'finance_discount' && n.object_id === app.id);
  assert.ok(note, JSON.stringify(bankInbox.body));
  assert.equal(note.enterprise, null);
  assert.equal(note.read, false);
  const unread = (await api(srv.url, w.bank, 'GET', '/api/v1/inbox/count')).body.unread;
  assert.ok(unread >= 1);
  assert.equal((await api(srv.url, w.sme, 'POST', `/api/v1/inbox/${note.id}/read`)).status, 404);
  assert.equal((await api(srv.url, w.bank, 'POST', `/api/v1/inbox/${note.id}/read`)).status, 200);
  assert.equal((await api(srv.url, w.bank, 'GET', '/api/v1/inbox/count')).body.unread, unread - 1);
  assert.ok(!(await api(srv.url, w.sme, 'GET', '/api/v1/inbox?limit=100')).body.items.some((n) => n.id === note.id));
  const approved = await must(srv.url, w.bank, 'POST', `${F}/discounts/${app.id}/approve`, { rate_bp: 350 });
  assert.equal(approved.status, 'approved');
  assert.equal(approved.interest_fen, 17694);
  assert.equal(approved.net_fen, 1000000 - 17694);
  assert.equal(approved.fee_fen, 0);
  assert.equal(approved.discount_date, '2026-12-01');
  const limits = await api(srv.url, w.bank, 'GET', `${F}/limits`);
  const lim = limits.body.items.find((l) => l.issuer.uscc === w.U.core);
  assert.equal(lim.used_fen, 1000000);
  assert.equal(lim.available_fen, 2000000);
  assert.equal(await balance(w.bank, 'receivable'), 1000000);
  assert.equal(await balance(w.bank, 'interest_income'), 17694);

  // Settlement on maturity pays every holder: the SME 2,000,000, the sub-supplier 2,000,000, the bank 1,000,000.
  const early = await write(srv.url, w.large, 'POST', `${F}/certificates/${c.id}/settle`, { confirmation_ref: 'JSB-20270601-01' });
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'not_matured');
  setClock('2027-06-01T01:00:00Z');
  const settled = await must(srv.url, w.large, 'POST', `${F}/certificates/${c.id}/settle`, { confirmation_ref: 'JSB-20270601-01' });
  assert.equal(settled.status, 'settled');
  assert.equal(settled.confirmation_ref, 'JSB-20270601-01');
  assert.equal(settled.payments.reduce((s, p) => s + p.amount_fen, 0), 5000000);
  assert.equal(settled.payments.length, 3);
  assert.equal(settled.outstanding_fen, 0);
  const after = await api(srv.url, w.bank, 'GET', `${F}/limits`);
  assert.equal(after.body.items.find((l) => l.issuer.uscc === w.U.core).used_fen, 0);
  assert.equal(await balance(w.bank, 'receivable'), 0);
  // The statement shows the sub-supplier's receivable in and out, with running balances.
  const st = await api(srv.url, w.sub, 'GET', '/api/v1/ledger/statement');
  assert.equal(st.status, 200);
  const rec = st.body.items.filter((p) => p.account === 'receivable');
  assert.deepEqual(rec.map((p) => p.amount_fen), [2000000, -2000000]);
  assert.equal(rec.at(-1).balance_after_fen, 0);
  verify(srv.db);
});

test('bad input changes nothing: amounts, maturities, self-transfers, non-suppliers, more than the balance, keys', async () => {
  setClock('2026-12-01T02:00:00Z');
  const base = { issuer: w.U.core, payee: w.U.sme, face_fen: 100000, maturity: '2027-03-01', contract_no: 'HT-BAD' };
  const P = `${F}/certificates`;
  await refused(w.large, 'POST', P, { ...base, face_fen: 0 }, 422, 'out_of_range');
  await refused(w.large, 'POST', P, { ...base, face_fen: -5 }, 422, 'out_of_range');
  await refused(w.large, 'POST', P, { ...base, maturity: '2026-11-30' }, 422, 'maturity_not_future');
  await refused(w.large, 'POST', P, { ...base, maturity: '2026-12-01' }, 422, 'maturity_not_future');
  await refused(w.large, 'POST', P, { ...base, maturity: '2027-12-02' }, 422, 'maturity_too_late');
  await refused(w.large, 'POST', P, { ...base, maturity: '2027-02-29' }, 422, 'invalid_date');
  await refused(w.large, 'POST', P, { ...base, payee: w.U.far }, 422, 'not_a_supplier');
  await refused(w.large, 'POST', P, { ...base, payee: w.U.core }, 422, 'self_issue');
  await refused(w.large, 'POST', P, { ...base, contract_no: undefined }, 422, 'missing_field');
  await refused(w.large, 'POST', P, { ...base, extra: 1 }, 422, 'unknown_field');
  await refused(w.large, 'POST', P, base, 400, 'idempotency_key_required', {});
  await refused(w.large, 'POST', P, base, 400, 'invalid_idempotency_key', { 'idempotency-key': 'has spaces' });
  // Over six months: accepted with a warning.
  const warned = await must(srv.url, w.large, 'POST', P, { ...base, maturity: '2027-06-02' }, 201);
  assert.deepEqual(warned.warnings.map((x) => x.code), ['maturity_over_six_months']);

  const c = await activeCertificate(srv.url, w, 100000, '2027-03-01');
  const root = await rootPiece(srv.url, w, c.id);
  const T = `${F}/pieces/${root.id}/transfers`;
  await refused(w.sme, 'POST', T, { to: w.U.sub, amount_fen: 0 }, 422, 'invalid_amount');
  await refused(w.sme, 'POST', T, { to: w.U.sub, amount_fen: -1 }, 422, 'invalid_amount');
  await refused(w.sme, 'POST', T, { to: w.U.sub, amount_fen: 100001 }, 422, 'amount_exceeds_balance');
  await refused(w.sme, 'POST', T, { to: w.U.sme, amount_fen: 10 }, 422, 'self_transfer');
  await refused(w.sme, 'POST', T, { to: w.U.far, amount_fen: 10 }, 422, 'not_a_supplier');
  await refused(w.sme, 'POST', T, { to: w.U.core, amount_fen: 10 }, 422, 'not_a_supplier');
  await refused(w.sme, 'POST', T, { to: 'NOT-A-USCC-AT-ALL!', amount_fen: 10 }, 422, 'invalid_uscc');
  await refused(w.sub, 'POST', T, { to: w.U.sub2, amount_fen: 10 }, 404, 'piece_not_found');
  await refused(w.large, 'POST', T, { to: w.U.sub, amount_fen: 10 }, 403, 'forbidden');
  await refused(w.sme, 'POST', `${F}/pieces/${root.id}/split`, { amount_fen: 100000 }, 422, 'invalid_amount');
  await refused(w.sme, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: [] }, 422, 'invalid_pieces');
  await refused(w.sme, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: ['x'] }, 422, 'wrong_type');
  await refused(w.sme, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: [root.id, root.id] }, 422, 'duplicate_piece');
  await refused(w.bank, 'POST', `${F}/discounts/999999/approve`, { rate_bp: 0 }, 422, 'out_of_range');
  await refused(w.sme, 'POST', `${F}/certificates/${c.id}/settle`, { confirmation_ref: 'x' }, 403, 'forbidden');
  const piece = await api(srv.url, w.sme, 'GET', `${F}/pieces/${root.id}`);
  assert.equal(piece.body.state, 'held');
  assert.equal(piece.body.amount_fen, 100000);
  verify(srv.db);
});

test('Idempotency-Key: the same request replays the first answer, another is 409, concurrent retries apply once', async () => {
  setClock('2026-12-01T02:00:00Z');
  const c = await activeCertificate(srv.url, w, 90000, '2027-03-01');
  const root = await rootPiece(srv.url, w, c.id);
  const body = { to: w.U.sub, amount_fen: 1000 };
  const first = await write(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/transfers`, body, 'fa-replay-1');
  assert.equal(first.status, 201);
  const ops = await operations();
  // The same key and request, even with its keys in another order: the first answer, nothing applied.
  const again = await write(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/transfers`, { amount_fen: 1000, to: w.U.sub }, 'fa-replay-1');
  assert.equal(again.status, 201);
  assert.deepEqual(again.body, first.body);
  assert.equal(await operations(), ops);
  // The same key with another request: 409.
  const other = await write(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/transfers`, { ...body, amount_fen: 1001 }, 'fa-replay-1');
  assert.equal(other.status, 409);
  assert.equal(other.body.error.code, 'idempotency_key_reused');
  // Keys belong to the organisation: the sub-supplier may use the same key for its own request.
  const theirs = await write(srv.url, w.sub, 'POST', `${F}/transfers/${first.body.id}/accept`, {}, 'fa-replay-1');
  assert.equal(theirs.status, 200);
  // Ten concurrent retries of one accept-less request (a split) under one key: applied once, one answer.
  const rest = first.body.remainder_piece_id;
  const tries = await Promise.all(Array.from({ length: 10 }, () =>
    write(srv.url, w.sme, 'POST', `${F}/pieces/${rest}/split`, { amount_fen: 7 }, 'fa-replay-split')));
  for (const r of tries) {
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body, tries[0].body);
  }
  const cert = await api(srv.url, w.large, 'GET', `${F}/certificates/${c.id}`);
  assert.equal(cert.body.pieces.filter((p) => p.parent_id === rest).length, 2);
  // A failed request stores nothing: the key may be used again.
  const bad = await write(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/split`, { amount_fen: 1 }, 'fa-failed');
  assert.equal(bad.status, 409); // the root is split already
  const retry = await write(srv.url, w.sme, 'POST', `${F}/pieces/${tries[0].body.pieces[0].id}/split`, { amount_fen: 1 }, 'fa-failed');
  assert.equal(retry.status, 201, JSON.stringify(retry.body));
  // The CLI takes part with the same fingerprint: replaying the API's request by --key gives its answer.
  const r = cli(['finance', 'transfer', String(tries[0].body.pieces[1].id), '--db', srv.db, '--as', 'sme-admin@qilian.test',
    '--to', w.U.sub, '--amount', '3', '--key', 'fa-cli-1']);
  assert.equal(r.status, 0, r.stderr);
  const viaApi = await write(srv.url, w.sme, 'POST', `${F}/pieces/${tries[0].body.pieces[1].id}/transfers`, { to: w.U.sub, amount_fen: 3 }, 'fa-cli-1');
  assert.equal(viaApi.status, 201);
  assert.equal(viaApi.body.id, JSON.parse(r.stdout).id);
  verify(srv.db);
});

test('concurrent operations on one piece never both succeed beyond its balance', async () => {
  setClock('2026-12-01T02:00:00Z');
  const c = await activeCertificate(srv.url, w, 1000000, '2027-03-01');
  const root = await rootPiece(srv.url, w, c.id);
  // Twelve clients each try to pass 600,000 of the same 1,000,000 piece on: exactly one wins.
  const tries = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    write(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/transfers`, { to: i % 2 ? w.U.sub : w.U.sub2, amount_fen: 600000 })));
  const won = tries.filter((r) => r.status === 201);
  assert.equal(won.length, 1, JSON.stringify(tries.map((r) => [r.status, r.body.error?.code])));
  for (const r of tries.filter((x) => x.status !== 201)) assert.equal(r.body.error.code, 'piece_not_held');
  // The receiver accepting while the sender cancels: one of them.
  const t = won[0].body;
  const receiver = t.to.uscc === w.U.sub ? w.sub : w.sub2;
  const race = await Promise.all([
    write(srv.url, receiver, 'POST', `${F}/transfers/${t.id}/accept`, {}),
    write(srv.url, w.sme, 'POST', `${F}/transfers/${t.id}/cancel`, {}),
    write(srv.url, receiver, 'POST', `${F}/transfers/${t.id}/refuse`, { reason: '重复' }),
  ]);
  assert.equal(race.filter((r) => r.status === 200).length, 1, JSON.stringify(race.map((r) => [r.status, r.body.error?.code])));
  for (const r of race.filter((x) => x.status !== 200)) assert.equal(r.body.error.code, 'transfer_not_pending');
  // The remainder split many ways at once: each succeeds on its own piece or fails whole; the tree still tiles.
  const rest = t.remainder_piece_id;
  const splits = await Promise.all(Array.from({ length: 8 }, () =>
    write(srv.url, w.sme, 'POST', `${F}/pieces/${rest}/split`, { amount_fen: 1000 })));
  assert.equal(splits.filter((r) => r.status === 201).length, 1);
  // A discount application and a transfer of the same piece at once: one of them.
  const piece = splits.find((r) => r.status === 201).body.pieces[1];
  const both = await Promise.all([
    write(srv.url, w.sme, 'POST', `${F}/discounts`, { bank_id: w.bankId, pieces: [piece.id] }),
    write(srv.url, w.sme, 'POST', `${F}/pieces/${piece.id}/transfers`, { to: w.U.sub, amount_fen: 5 }),
  ]);
  assert.equal(both.filter((r) => r.status === 201).length, 1, JSON.stringify(both.map((r) => [r.status, r.body.error?.code])));
  const cert = await api(srv.url, w.large, 'GET', `${F}/certificates/${c.id}`);
  const live = cert.body.pieces.filter((p) => p.state !== 'split' && p.state !== 'transferred');
  assert.equal(live.reduce((s, p) => s + p.amount_fen, 0), 1000000);
  verify(srv.db);
});

test('overdue certificates are flagged once to the holders and the operator; the sweep is the operator\'s', async () => {
  setClock('2026-12-01T02:00:00Z');
  const c = await activeCertificate(srv.url, w, 30000, '2026-12-20');
  setClock('2026-12-21T02:00:00Z');
  const seen = await api(srv.url, w.sme, 'GET', `${F}/certificates/${c.id}`);
  assert.equal(seen.body.overdue, true);
  const ov = await api(srv.url, w.op, 'GET', `${F}/overview`);
  assert.ok(ov.body.overdue.count >= 1);
  assert.ok(ov.body.overdue.amount_fen >= 30000);
  const mine = ov.body.by_issuer.find((x) => x.issuer.uscc === w.U.core);
  assert.ok(mine.overdue_count >= 1 && mine.overdue_face_fen >= 30000, JSON.stringify(mine));
  const no = await write(srv.url, w.sme, 'POST', `${F}/sweep`, {});
  assert.equal(no.status, 403);
  const s1 = await must(srv.url, w.op, 'POST', `${F}/sweep`, {});
  assert.ok(s1.overdue_flagged >= 1);
  const s2 = await must(srv.url, w.op, 'POST', `${F}/sweep`, {});
  assert.equal(s2.overdue_flagged, 0);
  const inbox = await api(srv.url, w.sme, 'GET', '/api/v1/inbox');
  assert.ok(inbox.body.items.some((n) => n.kind === 'finance_overdue' && n.object_id === c.id));
  const opInbox = await api(srv.url, w.large, 'GET', '/api/v1/inbox');
  assert.ok(opInbox.body.items.some((n) => n.kind === 'finance_overdue' && n.object_id === c.id));
  // The operator owns no enterprise: the flag is in its organisation's own inbox, once.
  const operatorInbox = await api(srv.url, w.op, 'GET', '/api/v1/inbox?limit=200');
  const flags = operatorInbox.body.items.filter((n) => n.kind === 'finance_overdue' && n.object_id === c.id);
  assert.equal(flags.length, 1, JSON.stringify(operatorInbox.body));
  assert.equal(flags[0].enterprise, null);
  // Nothing moves an overdue certificate but settlement.
  const root = await rootPiece(srv.url, w, c.id);
  const t = await write(srv.url, w.sme, 'POST', `${F}/pieces/${root.id}/transfers`, { to: w.U.sub, amount_fen: 5 });
  assert.equal(t.status, 409);
  assert.equal(t.body.error.code, 'certificate_matured');
  await must(srv.url, w.large, 'POST', `${F}/certificates/${c.id}/settle`, { confirmation_ref: 'LATE-1' });
  setClock('2026-12-01T02:00:00Z');
  verify(srv.db);
});

test('the CLI: finance interest prints interest and net; verify exits 1 naming a violation', async () => {
  const r = cli(['finance', 'interest', '--amount', '1000000', '--rate-bp', '350', '--from', '2026-12-01', '--maturity', '2027-06-01']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.interest_fen, j.net_fen, j.days], [17694, 982306, 182]);
  const bad = cli(['finance', 'interest', '--amount', '0', '--rate-bp', '350', '--from', '2026-12-01', '--maturity', '2027-06-01']);
  assert.notEqual(bad.status, 0);
  const past = cli(['finance', 'interest', '--amount', '10', '--rate-bp', '350', '--from', '2027-12-01', '--maturity', '2027-06-01']);
  assert.notEqual(past.status, 0);
  assert.match(past.stderr, /maturity_before_start/);
  verify(srv.db);
  // A copy of the database with one piece stretched by a fen: verify exits 1 and names the invariant.
  const copy = backupDb(srv.db, path.join(srv.dir, 'corrupt.db'));
  sqlite(copy, "UPDATE finance_pieces SET hi=hi+1 WHERE id=(SELECT min(id) FROM finance_pieces WHERE state='held')");
  const broken = cli(['finance', 'verify', '--db', copy]);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /pieces_partition/);
  assert.match(broken.stderr, /piece \d+/);
});

test('the CLI acts as a named user: issue, accept, show, wallet (what demo data and scripts use)', async () => {
  const db = backupDb(srv.db, path.join(srv.dir, 'cli.db'));
  const q = (...args) => cli(['finance', ...args, '--db', db]);
  const issued = q('issue', '--as', 'buyer@qilian.test', '--issuer', w.U.core, '--payee', w.U.sme, '--face', '700000',
    '--maturity', '2027-09-01', '--contract', 'CLI-1', '--invoices', 'CLI-INV-1,CLI-INV-2');
  assert.equal(issued.status, 0, issued.stderr);
  const c = JSON.parse(issued.stdout);
  assert.deepEqual(c.invoices, ['CLI-INV-1', 'CLI-INV-2']);
  const wrong = q('accept', String(c.id), '--as', 'buyer@qilian.test');
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /forbidden/);
  const nobody = q('accept', String(c.id), '--as', 'nobody@qilian.test');
  assert.notEqual(nobody.status, 0);
  const acc = q('accept', String(c.id), '--as', 'sme@qilian.test');
  assert.equal(acc.status, 0, acc.stderr);
  assert.equal(JSON.parse(acc.stdout).status, 'active');
  const show = q('show', String(c.id));
  assert.equal(JSON.parse(show.stdout).pieces.length, 1);
  const wallet = q('wallet', '--as', 'sme@qilian.test');
  assert.ok(JSON.parse(wallet.stdout).held.some((p) => p.certificate.id === c.id));
  const noAs = q('issue', '--issuer', w.U.core, '--payee', w.U.sme, '--face', '1', '--maturity', '2027-09-01', '--contract', 'X');
  assert.notEqual(noAs.status, 0);
  assert.match(noAs.stderr, /--as/);
  verify(db);
});
