// The finance domain under a randomised concurrent load against a real `qilian serve`
// (tests/lib/finance_load.mjs): ten clients (the issuer, the bank, two for each of four suppliers)
// send thousands of operations — issue, accept, refuse, split, transfer and its answers,
// discount, withdraw, approve, reject, limits, replays of acknowledged requests, reused keys and
// illegal requests — and after every batch `qilian finance verify` passes and the server agrees
// with what the acknowledged answers imply: every organisation's ledger balances, every
// certificate's live pieces, the limit used and the number of logged operations (nothing more).
// Then the clock passes every maturity and the issuer settles: every outstanding piece is paid
// to its holder and every receivable returns to where it started. Races on one object are
// tested apart: concurrent transfers of one piece, and concurrent answers to one transfer, have
// exactly one winner. QILIAN_FINANCE_SEED replays the choices; FINANCE_OPS sets the volume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';
import {
  setupWorld, runLoad, checkWorld, settleAll, readBalances, send, verify, addDays, ISSUER_USCC,
} from '../lib/finance_load.mjs';

const SEED = Number(process.env.QILIAN_FINANCE_SEED || Math.floor(Math.random() * 2 ** 31));
const OPS = Number(process.env.FINANCE_OPS || 2000);
const BATCHES = 8;
let srv, w;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qilian-finrand-'));
  const clockFile = path.join(dir, 'clock');
  fs.writeFileSync(clockFile, `${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}\n`);
  srv = await startServer({ env: { QILIAN_FINANCE_CLOCK_FILE: clockFile } });
  w = await setupWorld(srv, { clockFile, tag: 'R', seed: SEED });
});
after(async () => { await srv?.stop(); });

test(`${OPS} random operations from ten concurrent clients keep every invariant (seed ${SEED})`, async (t) => {
  t.diagnostic(`QILIAN_FINANCE_SEED=${SEED}`);
  const t0 = Date.now();
  let done = 0;
  for (let b = 1; b <= BATCHES; b++) {
    const r = await runLoad(w, Math.ceil(OPS / BATCHES));
    assert.equal(r.lost.length, 0, 'no request lost');
    done += r.done;
    await checkWorld(w, `batch ${b} (seed ${SEED})`);
  }
  const m = w.model;
  t.diagnostic(`${done} operations in ${Date.now() - t0} ms: ${m.ops} writes applied, ${m.counts.replays ?? 0} replays, `
    + `${m.certs.size} certificates, ${m.pieces.size} pieces, ${m.transfers.size} transfers, ${m.apps.size} applications; ${JSON.stringify(m.counts)}`);
  assert.ok(done >= OPS, `${done} operations ran`);
  // The mix did what it is for: every kind of operation succeeded and failed at least once.
  const approved = [...m.apps.values()].filter((a) => a.status === 'approved').length;
  const accepted = [...m.transfers.values()].filter((x) => x.status === 'accepted').length;
  assert.ok(approved > 0 && accepted > 0, `discounts approved ${approved}, transfers accepted ${accepted}`);
  assert.ok((m.counts.replays ?? 0) > 0, 'replays ran');
  assert.ok(Object.keys(m.counts).some((k) => / 4\d\d$/.test(k)), 'illegal requests ran');
});

test('settlement after maturity pays every outstanding piece to its holder and gives the limit back', async (t) => {
  const before = await readBalances(w);
  const n = await settleAll(w);
  t.diagnostic(`${n} certificates settled`);
  assert.ok(n > 0);
  await checkWorld(w, 'after settlement');
  // Every receivable and payable the load created is gone again; the limit used is back to its start.
  const after = await readBalances(w);
  for (const who of Object.keys(w.orgs)) {
    assert.equal(after[who].receivable, w.model.baseline[who].receivable, `${who}'s receivable is back`);
    assert.equal(after[who].payable, w.model.baseline[who].payable, `${who}'s payable is back`);
  }
  assert.equal(w.model.limit.used, w.model.limit.usedBaseline);
  // Cash is conserved: what the issuer paid out and the bank's net payments add up across the chain.
  const cash = (b) => Object.values(b).reduce((s, x) => s + x.cash, 0);
  assert.equal(cash(after) - cash(before), 0, 'settlement moves cash between organisations, creating none');
});

test('concurrent transfers of one piece: exactly one wins, the rest are refused and change nothing', async () => {
  const issued = await send(w, { who: 'issuer', method: 'POST', path: '/api/v1/finance/certificates', key: `race-issue-${SEED}`,
    body: { issuer: ISSUER_USCC, payee: w.uscc.A, face_fen: 1000000, maturity: addDays(w.today, 90), contract_no: `RACE-${SEED}`, invoices: [`RACE${SEED}`] } });
  assert.equal(issued.status, 201, JSON.stringify(issued.body));
  const acc = await send(w, { who: 'A', method: 'POST', path: `/api/v1/finance/certificates/${issued.body.id}/accept`, body: {}, key: `race-acc-${SEED}` });
  assert.equal(acc.status, 200, JSON.stringify(acc.body));
  const cert = await api(w.url, w.tokens.A, 'GET', `/api/v1/finance/certificates/${issued.body.id}`);
  const root = cert.body.pieces.find((p) => p.state === 'held');
  const ops0 = Number(sqlite(srv.db, 'SELECT count(*) FROM finance_ops'));
  // Sixteen clients try to pass on 600 000 of the 1 000 000 at once, each with its own key.
  const tries = await Promise.all(Array.from({ length: 16 }, (_, i) => send(w, {
    who: 'A', method: 'POST', path: `/api/v1/finance/pieces/${root.id}/transfers`, key: `race-tr-${SEED}-${i}`,
    body: { to: w.uscc[i % 2 ? 'B' : 'C'], amount_fen: 600000 },
  })));
  const won = tries.filter((r) => r.status === 201);
  assert.equal(won.length, 1, tries.map((r) => `${r.status} ${r.body?.error?.code ?? ''}`).join(', '));
  for (const r of tries.filter((x) => x.status !== 201)) {
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'piece_not_held');
  }
  const ops1 = Number(sqlite(srv.db, 'SELECT count(*) FROM finance_ops'));
  assert.equal(ops1 - ops0, 1, 'one operation logged');
  // Sender cancel and receiver accept race on the transfer: one of them, never both.
  const tr = won[0].body;
  const to = w.ent[tr.to.uscc];
  const [cancel, accept] = await Promise.all([
    send(w, { who: 'A', method: 'POST', path: `/api/v1/finance/transfers/${tr.id}/cancel`, body: {}, key: `race-c-${SEED}` }),
    send(w, { who: to, method: 'POST', path: `/api/v1/finance/transfers/${tr.id}/accept`, body: {}, key: `race-a-${SEED}` }),
  ]);
  const wins = [cancel, accept].filter((r) => r.status === 200);
  assert.equal(wins.length, 1, `${cancel.status} ${JSON.stringify(cancel.body)} / ${accept.status} ${JSON.stringify(accept.body)}`);
  const loser = cancel.status === 200 ? accept : cancel;
  assert.equal(loser.status, 409);
  assert.equal(loser.body.error.code, 'transfer_not_pending');
  verify(w);
});
