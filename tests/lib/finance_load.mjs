// The finance load the randomised and the crash tests share (tests/api/finance_random.test.mjs,
// tests/api/finance_crash.test.mjs), against a real `qilian serve`:
//  - a small supply chain of its own beside the demo data: the demo chain leader (the issuer,
//    large) buys from the demo SME A and from B; A buys from B and C; B from C and D; C from D;
//    D from A; the demo bank discounts;
//  - concurrent workers (two per enterprise organisation, one issuer, one bank) that choose
//    operations from a seeded stream: legal ones (issue, accept, refuse, split, transfer, accept,
//    refuse or cancel a transfer, apply for discount, withdraw, approve, reject, limits), illegal
//    ones with the exact error each must get, replays of acknowledged requests (the first answer
//    again) and reused keys with another request (409);
//  - a model of what every acknowledged answer implies: the certificates, the live pieces (range,
//    holder, state), the ledger balances of every organisation (baseline + what the answers
//    moved), the limit used, and the number of logged operations;
//  - checks of the server against the model: `qilian finance verify`, every organisation's
//    balances, every certificate's live pieces, the operation count, and the interest of every
//    approval recomputed here (amount × bp × days / 3 600 000, half up).
// Objects are locked while a request on them is in flight, so every legal request has one right
// answer and the test demands it; races on one object are tested on their own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { api, cli, login, loginAll } from './server.mjs';
import { registerEnterprise, smeWithAdmin, sqlite } from './fixtures.mjs';
import { makeUscc } from './uscc.mjs';

export const ISSUER_USCC = '91320500MA1MX4QF3P'; // 苏州汇川新能源汽车 (buyer-admin@qilian.test's)
export const A_USCC = '91320583MA1QEW0025'; // 昆山精锐电驱 (sme-admin@qilian.test's)
const DAY = 86400000;

/* ---- seeded choices (mulberry32): a seed names the sequence of choices, not the interleaving ---- */
export function rngOf(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n) => Math.floor(next() * n);
  return {
    next, below,
    int: (lo, hi) => lo + below(hi - lo + 1),
    pick: (xs) => xs[below(xs.length)],
    chance: (p) => next() < p,
  };
}

/* ---- dates on the finance clock (Asia/Shanghai = UTC+8) ---- */
export const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const shanghaiDate = (ms) => new Date(ms + 8 * 3600000).toISOString().slice(0, 10);
export const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
export const daysBetween = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/* Discount interest as DESIGN.md §5 defines it: amount × bp × days / (10000 × 360), half up, in BigInt. */
export function interestFen(amount, bp, days) {
  const num = BigInt(amount) * BigInt(bp) * BigInt(days);
  const den = 3600000n;
  return Number((num * 2n + den) / (2n * den));
}

/* The ledger accounts, signed debit-positive. */
export const ACCOUNTS = ['receivable', 'payable', 'cash', 'interest_expense', 'interest_income'];

/*
 * Sets up the chain of the load on a running server and returns the world:
 * {srv, url, clock, today, tokens, orgs, uscc, suppliers, bankId, model, ...}.
 * clockFile is the server's QILIAN_FINANCE_CLOCK_FILE (set to nowMs here).
 */
export async function setupWorld(srv, { clockFile, tag = 'R', seed = 1, nowMs = Date.now() } = {}) {
  const w = { srv, url: srv.url, clockFile, seed, rng: rngOf(seed), keyPrefix: `${tag}${seed.toString(36)}` };
  setClock(w, nowMs);
  const [op, issuer, a, bank] = await loginAll(srv.url, ['operator:admin', 'large:admin', 'sme:admin', 'bank:admin']);
  const code = (c) => makeUscc('320583', `FK${tag}${c}`.padEnd(9, '0').slice(0, 9));
  const b = await smeWithAdmin(srv.url, op, `资金链测试乙${tag}有限公司`, `fin-${tag.toLowerCase()}-b@qilian.test`);
  const c = await smeWithAdmin(srv.url, op, `资金链测试丙${tag}有限公司`, `fin-${tag.toLowerCase()}-c@qilian.test`);
  const d = await smeWithAdmin(srv.url, op, `资金链测试丁${tag}有限公司`, `fin-${tag.toLowerCase()}-d@qilian.test`);
  w.tokens = { op, issuer, A: a, B: b, C: c, D: d, bank };
  w.emails = {
    op: 'admin@qilian.test', issuer: 'buyer-admin@qilian.test', A: 'sme-admin@qilian.test', bank: 'bank-admin@qilian.test',
    B: `fin-${tag.toLowerCase()}-b@qilian.test`, C: `fin-${tag.toLowerCase()}-c@qilian.test`, D: `fin-${tag.toLowerCase()}-d@qilian.test`,
  };
  w.uscc = { issuer: ISSUER_USCC, A: A_USCC, B: code('B'), C: code('C'), D: code('D') };
  await registerEnterprise(srv.url, b, w.uscc.B, `资金链测试乙${tag}`);
  await registerEnterprise(srv.url, c, w.uscc.C, `资金链测试丙${tag}`);
  await registerEnterprise(srv.url, d, w.uscc.D, `资金链测试丁${tag}`);
  // buyer → its suppliers (chain-map supply relations, recorded by the buyer).
  w.suppliers = { issuer: ['A', 'B'], A: ['B', 'C'], B: ['C', 'D'], C: ['D'], D: ['A'] };
  for (const [buyer, list] of Object.entries(w.suppliers)) {
    for (const s of list) {
      if (buyer === 'issuer' && s === 'A') continue; // in the demo data
      const r = await api(srv.url, w.tokens[buyer], 'POST', '/api/v1/relations',
        { buyer_uscc: w.uscc[buyer], supplier_uscc: w.uscc[s], chain: 'nev', segment: 'motor', annual_amount_fen: 100000000 });
      assert.ok(r.status === 201 || r.status === 200, `relation ${buyer}→${s}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  }
  const banks = await api(srv.url, bank, 'GET', '/api/v1/finance/banks');
  assert.equal(banks.status, 200, JSON.stringify(banks.body));
  w.orgs = {};
  for (const who of ['issuer', 'A', 'B', 'C', 'D', 'bank']) {
    const r = await api(srv.url, w.tokens[who], 'GET', '/api/v1/ledger/balances');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    w.orgs[who] = r.body.org.id;
  }
  w.bankId = w.orgs.bank;
  assert.ok(banks.body.items.some((x) => x.id === w.bankId), 'the demo bank is listed');
  w.who = Object.fromEntries(Object.entries(w.orgs).map(([k, v]) => [v, k]));
  w.ent = Object.fromEntries(Object.entries(w.uscc).map(([k, v]) => [v, k]));
  w.model = newModel();
  w.model.baseline = await readBalances(w);
  w.model.opsBaseline = opCount(w);
  const limits = await api(srv.url, bank, 'GET', '/api/v1/finance/limits');
  assert.equal(limits.status, 200, JSON.stringify(limits.body));
  const mine = limits.body.items.find((l) => l.issuer.uscc === ISSUER_USCC);
  w.model.limit = { limit: mine?.limit_fen ?? 0, used: mine?.used_fen ?? 0, usedBaseline: mine?.used_fen ?? 0 };
  return w;
}

/* Points the world at a restarted server (same database), signing everyone in again. */
export async function reattach(w, srv) {
  w.srv = srv;
  w.url = srv.url;
  for (const [who, email] of Object.entries(w.emails)) w.tokens[who] = await login(srv.url, email);
}

/* Releases the locks of an operation that has been answered. */
export function unlock(w, o) {
  for (const l of o.lock || []) w.model.locks.delete(l);
}

export function setClock(w, ms) {
  w.nowMs = ms;
  w.today = shanghaiDate(ms);
  fs.writeFileSync(w.clockFile, `${isoSeconds(ms)}\n`);
}

function newModel() {
  return {
    certs: new Map(), // id -> {id, issuer, payee, face, maturity, status, invoices}
    pieces: new Map(), // id (or 'bank:cert:lo') -> {id, cert, lo, hi, holder, state}
    transfers: new Map(), // id -> {id, piece, from, to, amount, status, remainder}
    apps: new Map(), // id -> {id, applicant, pieces: [ids], status, amount}
    delta: {}, // who -> {account -> signed fen}
    issued: 0,
    ops: 0, // successful first-time writes (each one entry of the operation log)
    acked: [], // [{who, req, status, body}] acknowledged successful writes, for replays
    invoices: [], // [{payee, no}] invoices of live (not refused) certificates
    counts: {},
    locks: new Set(),
  };
}

const live = (p) => !['split', 'transferred'].includes(p.state);
const amountOf = (p) => p.hi - p.lo + 1;

function post(w, m, who, account, fen) {
  const d = (m.delta[who] ??= {});
  d[account] = (d[account] ?? 0) + fen;
}

/* Balances of every organisation of the world: who -> {account -> signed fen}. */
export async function readBalances(w) {
  const out = {};
  for (const who of Object.keys(w.orgs)) {
    const r = await api(w.url, w.tokens[who], 'GET', '/api/v1/ledger/balances');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out[who] = Object.fromEntries(ACCOUNTS.map((a) => [a, 0]));
    for (const acc of r.body.accounts) out[who][acc.account] = signedBalance(acc);
  }
  return out;
}

/* An account's balance signed debit-positive, whichever way the answer states it. */
function signedBalance(acc) {
  // balance_fen is on the account's normal side (a payable of 100 reads 100): signed debit-positive here.
  return acc.normal === 'credit' ? 0 - acc.balance_fen || 0 : acc.balance_fen;
}

export function opCount(w) {
  return Number(sqlite(w.srv.db, 'SELECT count(*) FROM finance_ops'));
}

/* ---- requests ---- */

let keySeq = 0;
function request(w, who, method, path, body, { key = `${w.keyPrefix}-${++keySeq}` } = {}) {
  return { who, method, path, body, key };
}

/*
 * Sends req; resolves {status, body} or {lost: true} when the connection
 * failed (the server was killed). A 503 database_busy is retried with the
 * same key (nothing was written).
 */
export async function send(w, req) {
  for (let attempt = 0; ; attempt++) {
    let r;
    try {
      const headers = req.key === null ? {} : { 'Idempotency-Key': req.key };
      r = await api(w.url, w.tokens[req.who], req.method, req.path, req.body, headers);
    } catch (e) {
      return { lost: true, error: e };
    }
    if (r.status === 503 && attempt < 20) {
      await new Promise((res) => setTimeout(res, 20 * (attempt + 1)));
      continue;
    }
    return r;
  }
}

/* ---- the operations: each returns {req, expect: {status, code?}, apply(body)} or null ---- */

function lockAll(m, names) {
  if (names.some((n) => m.locks.has(n))) return false;
  for (const n of names) m.locks.add(n);
  return true;
}

function heldPieces(w, ent) {
  return [...w.model.pieces.values()].filter((p) => p.id !== null && p.holder === ent && p.state === 'held' && !w.model.locks.has(`piece:${p.id}`)
    && w.model.certs.get(p.cert).status === 'active');
}

function issueBody(w, payee, { face, days, invoices } = {}) {
  const r = w.rng;
  const n = ++w.model.issued;
  return {
    issuer: ISSUER_USCC, payee: w.uscc[payee], face_fen: face ?? r.int(1, 5) * 10 ** r.int(2, 8) + r.int(0, 99),
    maturity: addDays(w.today, days ?? r.int(20, 170)), contract_no: `HT-${w.keyPrefix}-${n}`,
    invoices: invoices ?? [`FP${w.keyPrefix}${n}A`, ...(r.chance(0.3) ? [`FP${w.keyPrefix}${n}B`] : [])],
  };
}

/* A legal issue (no object to lock: any number may run at once). */
export function issueOp(w) {
  return issuerOp(w, true);
}

/* The issuer's moves: issue (legal), or an issue that must be refused. */
function issuerOp(w, legal = false) {
  const m = w.model, r = w.rng;
  if (legal || r.chance(0.8)) {
    const payee = r.pick(['A', 'B']);
    const body = issueBody(w, payee);
    return {
      req: request(w, 'issuer', 'POST', '/api/v1/finance/certificates', body), expect: { status: 201 },
      apply(c) {
        assert.equal(c.status, 'issued');
        assert.equal(c.face_fen, body.face_fen);
        m.certs.set(c.id, { id: c.id, payee, face: body.face_fen, maturity: body.maturity, status: 'issued', invoices: body.invoices });
        for (const no of body.invoices) m.invoices.push({ payee, no });
      },
    };
  }
  const kind = r.pick(['not_supplier', 'past', 'late', 'zero', 'invoice', 'nokey', 'self']);
  const payee = kind === 'not_supplier' ? r.pick(['C', 'D']) : r.pick(['A', 'B']);
  let body = issueBody(w, payee);
  let expect;
  switch (kind) {
  case 'not_supplier': expect = { status: 422, code: 'not_a_supplier' }; break;
  case 'past': body.maturity = addDays(w.today, -r.int(0, 30)); expect = { status: 422, code: 'maturity_not_future' }; break;
  case 'late': body.maturity = addDays(w.today, r.int(367, 400)); expect = { status: 422, code: 'maturity_too_late' }; break;
  case 'zero': body.face_fen = r.pick([0, -5]); expect = { status: 422, code: ['invalid_amount', 'out_of_range'] }; break;
  case 'self': body.payee = ISSUER_USCC; expect = { status: 422, code: 'self_issue' }; break;
  case 'invoice': {
    const used = m.invoices.filter((i) => i.payee === payee);
    if (!used.length) return null;
    body = issueBody(w, payee, { invoices: [r.pick(used).no] });
    expect = { status: 409, code: 'invoice_already_used' };
    break;
  }
  case 'nokey': {
    const req = request(w, 'issuer', 'POST', '/api/v1/finance/certificates', body);
    req.key = null;
    return { req, expect: { status: 400, code: 'idempotency_key_required' } };
  }
  default: return null;
  }
  return { req: request(w, 'issuer', 'POST', '/api/v1/finance/certificates', body), expect };
}

/* A supplier's moves: certificates and transfers to accept, pieces to split, pass on or discount, illegal ones. */
function holderOp(w, ent) {
  const m = w.model, r = w.rng;
  const certsToMe = [...m.certs.values()].filter((c) => c.payee === ent && c.status === 'issued' && !m.locks.has(`cert:${c.id}`));
  const transfersToMe = [...m.transfers.values()].filter((t) => t.to === ent && t.status === 'pending' && !m.locks.has(`transfer:${t.id}`));
  const mineOut = [...m.transfers.values()].filter((t) => t.from === ent && t.status === 'pending' && !m.locks.has(`transfer:${t.id}`));
  const myApps = [...m.apps.values()].filter((a) => a.applicant === ent && a.status === 'pending' && !m.locks.has(`app:${a.id}`));
  const held = heldPieces(w, ent);
  const choices = [];
  if (certsToMe.length) choices.push(['cert', 6]);
  if (transfersToMe.length) choices.push(['in', 6]);
  if (mineOut.length) choices.push(['cancel', 1]);
  if (myApps.length) choices.push(['withdraw', 1]);
  if (held.length) choices.push(['transfer', 6], ['split', 2], ['discount', 2]);
  choices.push(['illegal', 2]);
  const total = choices.reduce((s, c) => s + c[1], 0);
  let x = r.below(total), kind = choices[0][0];
  for (const [k, wt] of choices) { if (x < wt) { kind = k; break; } x -= wt; }
  switch (kind) {
  case 'cert': {
    const c = r.pick(certsToMe);
    const accept = r.chance(0.85);
    return {
      lock: [`cert:${c.id}`],
      req: request(w, ent, 'POST', `/api/v1/finance/certificates/${c.id}/${accept ? 'accept' : 'refuse'}`, accept ? {} : { reason: '金额与合同不符' }),
      expect: { status: 200 },
      async apply(body) {
        if (accept) {
          assert.equal(body.status, 'active');
          c.status = 'active';
          post(w, m, ent, 'receivable', c.face);
          post(w, m, 'issuer', 'payable', -c.face);
          await adoptRoot(w, c, body);
        } else {
          assert.equal(body.status, 'refused');
          c.status = 'refused';
          m.invoices = m.invoices.filter((i) => !c.invoices.includes(i.no));
        }
      },
    };
  }
  case 'in': {
    const t = r.pick(transfersToMe);
    const accept = r.chance(0.75);
    return {
      lock: [`transfer:${t.id}`, `piece:${t.piece}`],
      req: request(w, ent, 'POST', `/api/v1/finance/transfers/${t.id}/${accept ? 'accept' : 'refuse'}`, accept ? {} : { reason: '未收到货' }),
      expect: { status: 200 },
      apply(body) {
        const p = m.pieces.get(t.piece);
        if (accept) {
          assert.equal(body.status, 'accepted');
          assert.ok(body.received_piece_id > 0, JSON.stringify(body));
          t.status = 'accepted';
          p.state = 'transferred';
          m.pieces.set(body.received_piece_id, { id: body.received_piece_id, cert: p.cert, lo: p.lo, hi: p.hi, holder: ent, state: 'held' });
          post(w, m, ent, 'receivable', t.amount);
          post(w, m, t.from, 'receivable', -t.amount);
        } else {
          assert.equal(body.status, 'refused');
          t.status = 'refused';
          p.state = 'held';
        }
      },
    };
  }
  case 'cancel': {
    const t = r.pick(mineOut);
    return {
      lock: [`transfer:${t.id}`, `piece:${t.piece}`],
      req: request(w, ent, 'POST', `/api/v1/finance/transfers/${t.id}/cancel`, {}),
      expect: { status: 200 },
      apply(body) {
        assert.equal(body.status, 'cancelled');
        t.status = 'cancelled';
        m.pieces.get(t.piece).state = 'held';
      },
    };
  }
  case 'withdraw': {
    const a = r.pick(myApps);
    return {
      lock: [`app:${a.id}`, ...a.pieces.map((id) => `piece:${id}`)],
      req: request(w, ent, 'POST', `/api/v1/finance/discounts/${a.id}/withdraw`, {}),
      expect: { status: 200 },
      apply(body) {
        assert.equal(body.status, 'withdrawn');
        a.status = 'withdrawn';
        for (const id of a.pieces) m.pieces.get(id).state = 'held';
      },
    };
  }
  case 'split': {
    const p = r.pick(held);
    if (amountOf(p) < 2) return null;
    const x = r.int(1, amountOf(p) - 1);
    return {
      lock: [`piece:${p.id}`],
      req: request(w, ent, 'POST', `/api/v1/finance/pieces/${p.id}/split`, { amount_fen: x }),
      expect: { status: 201 },
      apply(body) {
        const [first, rest] = body.pieces;
        assert.equal(first.amount_fen, x);
        assert.equal(first.lo, p.lo);
        assert.equal(rest.hi, p.hi);
        assert.equal(first.hi + 1, rest.lo);
        p.state = 'split';
        for (const q of [first, rest]) m.pieces.set(q.id, { id: q.id, cert: p.cert, lo: q.lo, hi: q.hi, holder: ent, state: 'held' });
      },
    };
  }
  case 'transfer': {
    const p = r.pick(held);
    const to = r.pick(w.suppliers[ent]);
    const x = r.chance(0.3) ? amountOf(p) : r.int(1, amountOf(p));
    return {
      lock: [`piece:${p.id}`],
      req: request(w, ent, 'POST', `/api/v1/finance/pieces/${p.id}/transfers`, { to: w.uscc[to], amount_fen: x }),
      expect: { status: 201 },
      apply(t) {
        assert.equal(t.status, 'pending');
        assert.equal(t.amount_fen, x);
        let offered = p;
        if (x < amountOf(p)) {
          p.state = 'split';
          assert.ok(t.piece_id !== p.id && t.remainder_piece_id > 0, JSON.stringify(t));
          offered = { id: t.piece_id, cert: p.cert, lo: p.lo, hi: p.lo + x - 1, holder: ent, state: 'pending_transfer' };
          m.pieces.set(offered.id, offered);
          m.pieces.set(t.remainder_piece_id, { id: t.remainder_piece_id, cert: p.cert, lo: p.lo + x, hi: p.hi, holder: ent, state: 'held' });
        } else {
          assert.equal(t.piece_id, p.id);
          p.state = 'pending_transfer';
        }
        m.transfers.set(t.id, { id: t.id, piece: offered.id, from: ent, to, amount: x, status: 'pending' });
      },
    };
  }
  case 'discount': {
    const n = Math.min(held.length, r.int(1, 3));
    const chosen = [];
    const pool = [...held];
    while (chosen.length < n) chosen.push(pool.splice(r.below(pool.length), 1)[0]);
    return {
      lock: chosen.map((p) => `piece:${p.id}`),
      req: request(w, ent, 'POST', '/api/v1/finance/discounts', { bank_id: w.bankId, pieces: chosen.map((p) => p.id) }),
      expect: { status: 201 },
      apply(a) {
        assert.equal(a.status, 'pending');
        assert.equal(a.amount_fen, chosen.reduce((s, p) => s + amountOf(p), 0));
        for (const p of chosen) p.state = 'pending_discount';
        m.apps.set(a.id, { id: a.id, applicant: ent, pieces: chosen.map((p) => p.id), status: 'pending', amount: a.amount_fen });
      },
    };
  }
  default:
    return illegalHolderOp(w, ent, held);
  }
}

/* What a holder may not do; each must fail with its code and change nothing. */
function illegalHolderOp(w, ent, held) {
  const m = w.model, r = w.rng;
  const nonSuppliers = ['A', 'B', 'C', 'D'].filter((e) => e !== ent && !w.suppliers[ent].includes(e));
  const others = [...m.pieces.values()].filter((p) => p.holder !== ent && typeof p.id === 'number' && live(p));
  const pendingMine = [...m.pieces.values()].filter((p) => p.id !== null && p.holder === ent && ['pending_discount', 'pending_transfer'].includes(p.state)
    && !m.locks.has(`piece:${p.id}`));
  const kinds = ['nokey'];
  if (held.length) kinds.push('self', 'zero', 'over', 'dup', 'not_bank');
  if (held.length && nonSuppliers.length) kinds.push('not_supplier');
  if (others.length) kinds.push('foreign');
  if (pendingMine.length) kinds.push('pending');
  const kind = r.pick(kinds);
  const p = held.length ? r.pick(held) : null;
  const tr = (piece, to, x) => request(w, ent, 'POST', `/api/v1/finance/pieces/${piece.id}/transfers`, { to, amount_fen: x });
  const out = { lock: p ? [`piece:${p.id}`] : [] };
  switch (kind) {
  case 'self': return { ...out, req: tr(p, w.uscc[ent], 1), expect: { status: 422, code: 'self_transfer' } };
  case 'zero': return { ...out, req: tr(p, w.uscc[w.suppliers[ent][0]], r.pick([0, -1])), expect: { status: 422, code: ['invalid_amount', 'out_of_range'] } };
  case 'over': return { ...out, req: tr(p, w.uscc[w.suppliers[ent][0]], amountOf(p) + r.int(1, 1000)), expect: { status: 422, code: 'amount_exceeds_balance' } };
  case 'not_supplier': return { ...out, req: tr(p, w.uscc[r.pick(nonSuppliers)], 1), expect: { status: 422, code: 'not_a_supplier' } };
  case 'dup': return {
    ...out, req: request(w, ent, 'POST', '/api/v1/finance/discounts', { bank_id: w.bankId, pieces: [p.id, p.id] }),
    expect: { status: 422, code: 'duplicate_piece' },
  };
  case 'not_bank': return {
    ...out, req: request(w, ent, 'POST', '/api/v1/finance/discounts', { bank_id: w.orgs[ent], pieces: [p.id] }),
    expect: { status: 422, code: 'not_a_bank' },
  };
  case 'foreign': {
    // Another holder's piece: not ours to pass on (404 when we cannot see it, 403 when we can: an ancestor of ours).
    const q = r.pick(others);
    return { lock: [`piece:${q.id}`], req: tr(q, w.uscc[w.suppliers[ent][0]], 1), expect: { status: [403, 404] } };
  }
  case 'pending': {
    const q = r.pick(pendingMine);
    return { lock: [`piece:${q.id}`], req: tr(q, w.uscc[w.suppliers[ent][0]], 1), expect: { status: 409, code: 'piece_not_held' } };
  }
  default: {
    const req = request(w, ent, 'POST', '/api/v1/finance/discounts', { bank_id: w.bankId, pieces: p ? [p.id] : [1] });
    req.key = null;
    return { ...out, req, expect: { status: 400, code: 'idempotency_key_required' } };
  }
  }
}

/* The bank's moves (one worker: its decisions and the limit are exact). */
function bankOp(w) {
  const m = w.model, r = w.rng;
  const queue = [...m.apps.values()].filter((a) => a.status === 'pending' && !m.locks.has(`app:${a.id}`));
  if (queue.length && r.chance(0.85)) {
    const a = r.pick(queue);
    if (r.chance(0.2)) {
      return {
        lock: [`app:${a.id}`, ...a.pieces.map((id) => `piece:${id}`)],
        req: request(w, 'bank', 'POST', `/api/v1/finance/discounts/${a.id}/reject`, { reason: '贸易背景材料不足' }),
        expect: { status: 200 },
        apply(body) {
          assert.equal(body.status, 'rejected');
          a.status = 'rejected';
          for (const id of a.pieces) m.pieces.get(id).state = 'held';
        },
      };
    }
    const rate = r.int(150, 900);
    const over = m.limit.used + a.amount > m.limit.limit;
    if (over) {
      return {
        lock: [`app:${a.id}`, ...a.pieces.map((id) => `piece:${id}`)],
        req: request(w, 'bank', 'POST', `/api/v1/finance/discounts/${a.id}/approve`, { rate_bp: rate }),
        expect: { status: 409, code: 'credit_limit_exceeded' },
      };
    }
    return {
      lock: [`app:${a.id}`, ...a.pieces.map((id) => `piece:${id}`)],
      req: request(w, 'bank', 'POST', `/api/v1/finance/discounts/${a.id}/approve`, { rate_bp: rate }),
      expect: { status: 200 },
      apply(body) {
        assert.equal(body.status, 'approved');
        assert.equal(body.rate_bp, rate);
        assert.equal(body.discount_date, w.today);
        let interest = 0;
        for (const line of body.pieces) {
          const p = m.pieces.get(line.piece_id);
          const c = m.certs.get(p.cert);
          assert.equal(line.maturity, c.maturity);
          assert.equal(line.days, daysBetween(w.today, c.maturity));
          assert.equal(line.amount_fen, amountOf(p));
          assert.equal(line.interest_fen, interestFen(line.amount_fen, rate, line.days), `interest of ${JSON.stringify(line)} at ${rate} bp`);
          assert.equal(line.net_fen, line.amount_fen - line.interest_fen);
          interest += line.interest_fen;
          p.state = 'transferred';
          m.pieces.set(`bank:${p.cert}:${p.lo}`, { id: null, cert: p.cert, lo: p.lo, hi: p.hi, holder: 'bank', state: 'discounted' });
          post(w, m, 'bank', 'receivable', line.amount_fen);
          post(w, m, a.applicant, 'receivable', -line.amount_fen);
          post(w, m, a.applicant, 'cash', line.net_fen);
          post(w, m, a.applicant, 'interest_expense', line.interest_fen);
          post(w, m, 'bank', 'cash', -line.net_fen);
          post(w, m, 'bank', 'interest_income', -line.interest_fen);
        }
        assert.equal(body.interest_fen, interest);
        assert.equal(body.net_fen, a.amount - interest);
        assert.equal(body.net_after_fee_fen, body.net_fen - body.fee_fen);
        a.status = 'approved';
        m.limit.used += a.amount;
      },
    };
  }
  // Limits: raise it, or try to lower it below what is used (409).
  if (m.limit.used > 0 && r.chance(0.25)) {
    return {
      lock: ['limit'],
      req: request(w, 'bank', 'PUT', '/api/v1/finance/limits', { issuer: ISSUER_USCC, limit_fen: r.int(0, m.limit.used - 1) }),
      expect: { status: 409, code: 'limit_below_used' },
    };
  }
  const to = m.limit.used + r.int(0, 3) * 10 ** r.int(5, 9);
  return {
    lock: ['limit'],
    req: request(w, 'bank', 'PUT', '/api/v1/finance/limits', { issuer: ISSUER_USCC, limit_fen: to }),
    expect: { status: 200 },
    apply(l) {
      assert.equal(l.limit_fen, to);
      assert.equal(l.used_fen, m.limit.used);
      m.limit.limit = to;
    },
  };
}

/* The root piece of a certificate just accepted: from the answer when it carries it, else as the payee reads it. */
async function adoptRoot(w, c, body) {
  let pieces = body.pieces;
  if (!pieces) {
    let r;
    try {
      r = await api(w.url, w.tokens[c.payee], 'GET', `/api/v1/finance/certificates/${c.id}`);
    } catch {
      // The server died after answering: the root is looked up after the restart (resolveIds).
      w.model.pieces.set(`root:${c.id}`, { id: null, cert: c.id, lo: 1, hi: c.face, holder: c.payee, state: 'held' });
      return;
    }
    assert.equal(r.status, 200, JSON.stringify(r.body));
    pieces = r.body.pieces;
  }
  const root = pieces.find((p) => p.parent_id === null || p.parent_id === undefined);
  assert.ok(root && root.lo === 1 && root.hi === c.face && root.state === 'held', `root piece of ${c.id}: ${JSON.stringify(pieces)}`);
  w.model.pieces.set(root.id, { id: root.id, cert: c.id, lo: 1, hi: c.face, holder: c.payee, state: 'held' });
}

/* Fills in piece ids the answers did not give (roots, the banks' discounted pieces) from the issuer's view. */
async function resolveIds(w) {
  const m = w.model;
  for (const [k, p] of [...m.pieces]) {
    if (p.id !== null) continue;
    const r = await api(w.url, w.tokens.issuer, 'GET', `/api/v1/finance/certificates/${p.cert}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body.pieces.find((q) => q.lo === p.lo && q.hi === p.hi && holderKey(w, q) === p.holder && live(q));
    assert.ok(s, `certificate ${p.cert}: no live piece [${p.lo}, ${p.hi}] of ${p.holder}`);
    m.pieces.delete(k);
    p.id = s.id;
    m.pieces.set(s.id, p);
  }
}

function holderKey(w, piece) {
  if (!piece.holder) return null;
  if (!piece.holder.uscc) return w.who[piece.holder.org_id] === 'bank' ? 'bank' : `org:${piece.holder.org_id}`;
  return w.ent[piece.holder.uscc] ?? piece.holder.uscc;
}

/* ---- replays ---- */

function replayOp(w, who) {
  const m = w.model, r = w.rng;
  const mine = m.acked.filter((a) => a.req.who === who);
  if (!mine.length) return null;
  const first = r.pick(mine);
  if (r.chance(0.7)) return { replay: first, req: first.req, expect: { status: first.status } };
  // The same key with another (valid) request: 409 whatever the request.
  const changeable = mine.filter((a) => ['amount_fen', 'rate_bp', 'limit_fen', 'face_fen', 'reason'].some((f) => f in (a.req.body || {})));
  if (!changeable.length) return { replay: first, req: first.req, expect: { status: first.status } };
  const other = r.pick(changeable);
  const body = { ...other.req.body };
  for (const f of ['amount_fen', 'rate_bp', 'limit_fen', 'face_fen']) if (f in body) body[f] += 1;
  if ('reason' in body) body.reason += '（改）';
  return { req: { ...other.req, body }, expect: { status: 409, code: 'idempotency_key_reused' } };
}

/* ---- running ---- */

/*
 * Runs ops operations from the workers (two per supplier, one issuer, one
 * bank) concurrently. Stops early when a request is lost (the server was
 * killed): the lost requests are returned (their objects stay locked), to be
 * sent again with their keys. Resolves {done, lost: [op...]}.
 */
export async function runLoad(w, ops, { stop = () => false } = {}) {
  const m = w.model;
  let left = ops, done = 0;
  const lost = [];
  const workers = [['issuer', issuerOp], ['bank', bankOp]];
  for (const ent of ['A', 'B', 'C', 'D']) for (let i = 0; i < 2; i++) workers.push([ent, (ww) => holderOp(ww, ent)]);
  async function worker([who, choose]) {
    let idle = 0;
    while (left > 0 && !lost.length && !stop()) {
      const o = w.rng.chance(0.06) ? replayOp(w, who) : choose(w);
      if (!o || !lockAll(m, o.lock || [])) {
        if (++idle > 50) await new Promise((res) => setTimeout(res, 2));
        continue;
      }
      idle = 0;
      left--;
      const r = await send(w, o.req);
      if (r.lost) {
        lost.push(o);
        return;
      }
      await settle(w, o, r);
      for (const l of o.lock || []) m.locks.delete(l);
      done++;
    }
  }
  await Promise.all(workers.map(worker));
  return { done, lost };
}

/* Checks an answer against what the operation expected and applies a success to the model. */
export async function settle(w, o, r) {
  const m = w.model;
  const what = `${o.req.method} ${o.req.path} ${JSON.stringify(o.req.body)} (key ${o.req.key})`;
  const statuses = [].concat(o.expect.status);
  assert.ok(statuses.includes(r.status), `${what}: expected ${statuses} ${o.expect.code ?? ''}, got ${r.status} ${JSON.stringify(r.body)}`);
  if (o.expect.code) {
    assert.ok([].concat(o.expect.code).includes(r.body?.error?.code), `${what}: want ${o.expect.code}, got ${JSON.stringify(r.body)}`);
  }
  m.counts[`${o.req.method} ${r.status}`] = (m.counts[`${o.req.method} ${r.status}`] ?? 0) + 1;
  if (o.replay) {
    assert.deepEqual(r.body, o.replay.body, `${what}: a replay returns the first answer`);
    m.counts.replays = (m.counts.replays ?? 0) + 1;
    return;
  }
  if (r.status >= 300) return;
  await o.apply?.(r.body);
  m.ops++;
  m.acked.push({ req: o.req, status: r.status, body: r.body });
}

/* ---- checks against the server ---- */

/* `qilian finance verify` on the live database: exit 0. */
export function verify(w) {
  const v = cli(['--db', w.srv.db, 'finance', 'verify']);
  assert.equal(v.status, 0, `finance verify: ${v.stdout}${v.stderr}`);
  return v.stdout;
}

/* The server agrees with the model: verify, balances, live pieces of every certificate, operations logged. */
export async function checkWorld(w, label = '') {
  const m = w.model;
  verify(w);
  await resolveIds(w);
  const now = await readBalances(w);
  for (const who of Object.keys(w.orgs)) {
    for (const a of ACCOUNTS) {
      const want = (m.baseline[who][a] ?? 0) + (m.delta[who]?.[a] ?? 0);
      assert.equal(now[who][a], want, `${label}: ${who}'s ${a} is ${now[who][a]}, the acknowledged answers make it ${want}`);
    }
  }
  for (const c of m.certs.values()) {
    const r = await api(w.url, w.tokens.issuer, 'GET', `/api/v1/finance/certificates/${c.id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, c.status, `${label}: certificate ${c.id}`);
    const got = r.body.pieces.filter(live).map((p) => `${p.lo}-${p.hi}:${holderKey(w, p)}:${p.state}`).sort();
    const want = [...m.pieces.values()].filter((p) => p.cert === c.id && live(p)).map((p) => `${p.lo}-${p.hi}:${p.holder}:${p.state}`).sort();
    assert.deepEqual(got, want, `${label}: the live pieces of certificate ${c.id}`);
    if (c.status === 'active') {
      const out = [...m.pieces.values()].filter((p) => p.cert === c.id && live(p) && p.state !== 'settled').reduce((s, p) => s + amountOf(p), 0);
      assert.equal(out, c.face, `${label}: certificate ${c.id}'s pieces add up to its face`);
      assert.equal(r.body.outstanding_fen, c.face);
    }
  }
  assert.equal(opCount(w), m.opsBaseline + m.ops, `${label}: the operation log holds exactly the acknowledged writes`);
  const limits = await api(w.url, w.tokens.bank, 'GET', '/api/v1/finance/limits');
  const l = limits.body.items.find((x) => x.issuer.uscc === ISSUER_USCC);
  if (l) {
    assert.equal(l.used_fen, m.limit.used, `${label}: limit used`);
    assert.equal(l.limit_fen, m.limit.limit, `${label}: limit`);
  }
}

/*
 * Moves the clock past every maturity and settles every active certificate
 * of the model as the issuer; checks each payment against the model's
 * unsettled live pieces and books it.
 */
export async function settleAll(w) {
  const m = w.model;
  // The first write after the clock passed their expiry releases every pending application, ours and
  // the demo's (one logged operation each).
  m.ops += Number(sqlite(w.srv.db, "SELECT count(*) FROM finance_applications WHERE status='pending'"));
  setClock(w, w.nowMs + 370 * DAY);
  await resolveIds(w);
  for (const a of m.apps.values()) {
    if (a.status !== 'pending') continue;
    a.status = 'expired';
    for (const id of a.pieces) m.pieces.get(id).state = 'held';
  }
  let n = 0;
  for (const c of m.certs.values()) {
    if (c.status !== 'active') continue;
    const r = await send(w, request(w, 'issuer', 'POST', `/api/v1/finance/certificates/${c.id}/settle`, { confirmation_ref: `JS${c.id}` }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'settled');
    const livePieces = [...m.pieces.values()].filter((p) => p.cert === c.id && live(p));
    const got = r.body.payments.map((p) => `${p.piece_id}:${p.amount_fen}`).sort();
    const want = livePieces.map((p) => `${p.id}:${amountOf(p)}`).sort();
    assert.deepEqual(got, want, `certificate ${c.id}: one payment per outstanding piece`);
    for (const pay of r.body.payments) {
      const p = livePieces.find((q) => q.id === pay.piece_id);
      // docs/finance.md: {piece_id, holder, amount_fen}; the server answers {piece_id, org_id, amount_fen}.
      const org = pay.holder?.org_id ?? pay.org_id;
      assert.equal(org, p.holder === 'bank' ? w.orgs.bank : w.orgs[p.holder], `payment of piece ${p.id} to its holder`);
      post(w, m, p.holder, 'receivable', -pay.amount_fen);
      post(w, m, 'issuer', 'payable', pay.amount_fen);
      post(w, m, p.holder, 'cash', pay.amount_fen);
      post(w, m, 'issuer', 'cash', -pay.amount_fen);
      if (p.holder === 'bank') m.limit.used -= pay.amount_fen;
      p.state = 'settled';
    }
    for (const t of m.transfers.values()) if (t.status === 'pending' && m.pieces.get(t.piece).cert === c.id) t.status = 'cancelled';
    // An application with a piece of this certificate is cancelled whole: its other pieces are held again.
    for (const a of m.apps.values()) {
      if (a.status !== 'pending' || !a.pieces.some((id) => m.pieces.get(id).cert === c.id)) continue;
      a.status = 'cancelled';
      for (const id of a.pieces) if (m.pieces.get(id).state === 'pending_discount') m.pieces.get(id).state = 'held';
    }
    c.status = 'settled';
    m.ops++;
    n++;
  }
  return n;
}
