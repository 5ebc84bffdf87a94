// Innovation vouchers (科技创新券) and open challenges (揭榜挂帅) over the API
// against a real `qilian serve`, whose innovation clock the test moves by
// rewriting the file QILIAN_TEST_CLOCK_FILE names. Completed bookings are
// written into the demo database before the server starts (the bookings'
// own flow is tests/api/sharing*.test.mjs'), so each voucher test has bills.
// Vouchers: who may issue, list, apply, claim and decide; the owner's bill
// with both parts; validity edges in Asia/Shanghai; the yearly cap across
// two vouchers; a booking applied twice; a rejection returning the part; 20
// concurrent applications of one voucher that never overspend it (and the
// ledger check, over the API and the CLI, after). Challenges: an SME cannot
// post; terms frozen once open; proposals invisible to everyone before the
// deadline, the poster and the operator included, and to other submitters
// after it; the receipt's sha256 recomputed here; a conflicted reviewer
// cannot score; results only with two reviews per proposal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, loginAll, api, demoDb, tempDir, cli, USERS } from '../lib/server.mjs';
import { sqlite, smeWithAdmin, registerEnterprise } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';
import { seedCompletedBookings, SME_USCC } from '../lib/innovation.mjs';

const SME2_USCC = '91320583MA1N2L8E6H'; // 昆山精锐模具, the same organisation
const LEADER = '91320500MA1MX4QF3P'; // 苏州汇川 (the large enterprise)
const NBOOK = 40;
let srv, clockFile, dbPath, op, large, largeAdmin, sme, smeAdmin, bank, provider, opMember;
let firstBooking;

function setClock(iso) { fs.writeFileSync(clockFile, iso); }

before(async () => {
  const dir = tempDir('qilian-innovation-');
  clockFile = path.join(dir, 'clock');
  setClock('2027-03-01T02:00:00Z');
  dbPath = demoDb(dir);
  firstBooking = seedCompletedBookings(dbPath, NBOOK);
  srv = await startServer({ db: dbPath, env: { QILIAN_TEST_CLOCK_FILE: clockFile } });
  [op, opMember, large, largeAdmin, sme, smeAdmin, bank, provider] = await loginAll(srv.url,
    ['operator:admin', 'operator:member', 'large:member', 'large:admin', 'sme:member', 'sme:admin', 'bank:member', 'provider:admin']);
});
after(async () => { await srv.stop(); });

let nextBooking = 0;
const booking = () => firstBooking + nextBooking++;

async function issue(body, token = op) {
  const r = await api(srv.url, token, 'POST', '/api/v1/vouchers', {
    enterprise: SME_USCC, amount_fen: 500000, share_bp: 5000, valid_from: '2027-01-01', valid_until: '2027-12-31',
    yearly_cap_fen: 10000000, ...body,
  });
  return r;
}

test('vouchers: only the operator issues, only SMEs and the operator see wallets', async () => {
  assert.equal((await issue({}, sme)).status, 403);
  assert.equal((await issue({}, large)).status, 403);
  assert.equal((await issue({ enterprise: LEADER })).status, 422); // not an SME
  const bad = await issue({ share_bp: 10001 });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.field, 'share_bp');
  const r = await issue({});
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.balance_fen, 500000);
  assert.equal((await api(srv.url, large, 'GET', '/api/v1/vouchers')).status, 403);
  assert.equal((await api(srv.url, bank, 'GET', '/api/v1/vouchers')).status, 403);
  const wallet = await api(srv.url, sme, 'GET', '/api/v1/vouchers');
  assert.equal(wallet.status, 200);
  assert.ok(wallet.body.items.some((v) => v.id === r.body.id));
  const mine = await api(srv.url, sme, 'GET', `/api/v1/vouchers/${r.body.id}`);
  assert.equal(mine.status, 200);
  // Revoked: it pays no further bill.
  const rv = (await issue({})).body;
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/vouchers/${rv.id}/revoke`)).status, 403);
  const revoked = await api(srv.url, op, 'POST', `/api/v1/vouchers/${rv.id}/revoke`);
  assert.equal(revoked.status, 200);
  assert.equal(revoked.body.status, 'revoked');
  assert.equal((await api(srv.url, op, 'POST', `/api/v1/vouchers/${rv.id}/revoke`)).status, 409);
  const refused = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${rv.id}/apply`, { booking: booking() });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.code, 'voucher_not_valid');
});

test('vouchers: apply, the owner bill, claim, approve; reject returns the part', async () => {
  const v = (await issue({ amount_fen: 150000 })).body;
  const b1 = booking(), b2 = booking();
  const preview = await api(srv.url, sme, 'GET', `/api/v1/vouchers/${v.id}/preview?booking=${b1}`);
  assert.equal(preview.status, 200, JSON.stringify(preview.body));
  assert.deepEqual([preview.body.bill_fen, preview.body.voucher_fen, preview.body.sme_fen], [100000, 50000, 50000]);
  // A large enterprise, a bank: refused by the route; the owner cannot apply the SME's voucher.
  assert.equal((await api(srv.url, bank, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b1 })).status, 403);
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b1 })).status, 403);
  const a1 = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b1 });
  assert.equal(a1.status, 201, JSON.stringify(a1.body));
  assert.equal(a1.body.voucher_fen, 50000);
  const twice = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b1 });
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'already_applied');
  // The owner's bill: voucher part and SME part.
  const bill = await api(srv.url, large, 'GET', `/api/v1/bookings/${b1}/voucher`);
  assert.equal(bill.status, 200);
  assert.deepEqual([bill.body.bill_fen, bill.body.voucher_fen, bill.body.sme_fen], [100000, 50000, 50000]);
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/bookings/${b1}/voucher`)).status, 404);
  // The owner claims; the SME cannot; the operator approves, the owner cannot.
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/voucher-applications/${a1.body.id}/claim`)).status, 403);
  const claim = await api(srv.url, large, 'POST', `/api/v1/voucher-applications/${a1.body.id}/claim`);
  assert.equal(claim.status, 200, JSON.stringify(claim.body));
  assert.equal(claim.body.usage_record.cost_fen, 100000);
  assert.equal(claim.body.usage_record.minutes_used, 120);
  // The operator (no enterprise of its own) gets the claim in its organisation's inbox; the owner does not.
  const opInbox = await api(srv.url, opMember, 'GET', '/api/v1/inbox?limit=100');
  const claimNote = opInbox.body.items.find((n) => n.kind === 'voucher_claim' && n.object_id === a1.body.id);
  assert.ok(claimNote, JSON.stringify(opInbox.body));
  assert.equal(claimNote.enterprise, null);
  assert.ok(!(await api(srv.url, large, 'GET', '/api/v1/inbox?limit=100')).body.items.some((n) => n.id === claimNote.id));
  const queue = await api(srv.url, large, 'GET', '/api/v1/voucher-applications?role=owner&status=claimed');
  assert.ok(queue.body.items.some((x) => x.id === a1.body.id));
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/voucher-applications/${a1.body.id}/approve`)).status, 403);
  const ok = await api(srv.url, opMember, 'POST', `/api/v1/voucher-applications/${a1.body.id}/approve`);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.status, 'approved');
  assert.equal((await api(srv.url, op, 'POST', `/api/v1/voucher-applications/${a1.body.id}/approve`)).status, 409);
  // Reject: the part returns; the booking is free for another application.
  const a2 = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b2 });
  assert.equal(a2.status, 201);
  let w = await api(srv.url, sme, 'GET', `/api/v1/vouchers/${v.id}`);
  assert.equal(w.body.balance_fen, 50000);
  await api(srv.url, large, 'POST', `/api/v1/voucher-applications/${a2.body.id}/claim`);
  assert.equal((await api(srv.url, op, 'POST', `/api/v1/voucher-applications/${a2.body.id}/reject`, {})).status, 422);
  const rej = await api(srv.url, op, 'POST', `/api/v1/voucher-applications/${a2.body.id}/reject`, { reason: '使用记录不完整' });
  assert.equal(rej.status, 200);
  w = await api(srv.url, sme, 'GET', `/api/v1/vouchers/${v.id}`);
  assert.equal(w.body.balance_fen, 100000);
  assert.deepEqual(w.body.movements.map((m) => m.amount_fen), [50000, 50000, -50000]);
  const inbox = await api(srv.url, sme, 'GET', '/api/v1/inbox');
  assert.ok(inbox.body.items.some((n) => n.kind === 'voucher_decided' && n.object_id === a2.body.id));
});

test('vouchers: validity edges on Asia/Shanghai dates and the yearly cap across two vouchers', async () => {
  const v = (await issue({ amount_fen: 1000000, share_bp: 10000, valid_from: '2027-04-01', valid_until: '2027-04-30', yearly_cap_fen: 120000 })).body;
  const v2 = (await issue({ amount_fen: 1000000, share_bp: 10000, valid_from: '2027-01-01', valid_until: '2027-12-31', yearly_cap_fen: 120000 })).body;
  const b = [booking(), booking(), booking()];
  try {
    setClock('2027-03-31T15:59:59Z'); // 23:59:59 on 3-31 in Shanghai
    let r = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b[0] });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'voucher_not_valid');
    setClock('2027-03-31T16:00:00Z'); // 00:00 on 4-01 in Shanghai
    r = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b[0] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    // This SME has drawn earlier vouchers this year in the tests above; what is left of the 1200-yuan cap limits now.
    const drawn = Number(sqlite(dbPath, `SELECT coalesce(sum(m.amount_fen),0) FROM voucher_movements m JOIN vouchers v ON v.id=m.voucher_id
      WHERE m.year=2027 AND v.enterprise_id=(SELECT id FROM enterprises WHERE uscc='${SME_USCC}')`));
    assert.ok(drawn <= 120000, `drawn ${drawn}`);
    r = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v2.id}/apply`, { booking: b[1] });
    if (drawn < 120000) {
      assert.equal(r.status, 201, JSON.stringify(r.body));
      r = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v2.id}/apply`, { booking: b[2] });
    }
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'yearly_cap_reached');
    const after = (await api(srv.url, sme, 'GET', `/api/v1/vouchers/${v2.id}`)).body;
    assert.equal(after.used_this_year_fen, 120000);
    assert.equal(after.cap_left_fen, 0);
    setClock('2027-04-30T16:00:00Z'); // 5-01 in Shanghai: v has expired
    r = await api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b[2] });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'voucher_not_valid');
  } finally {
    setClock('2027-03-01T02:00:00Z');
  }
});

test('vouchers: 20 concurrent applications of one voucher never spend beyond its amount', async () => {
  // A new year so the cap above does not interfere: 2028, cap far above the amount.
  setClock('2028-02-01T02:00:00Z');
  try {
    const v = (await issue({ amount_fen: 450000, share_bp: 10000, valid_from: '2028-01-01', valid_until: '2028-12-31', yearly_cap_fen: 100000000 })).body;
    const ids = Array.from({ length: 20 }, () => booking());
    const rs = await Promise.all(ids.map((b) => api(srv.url, sme, 'POST', `/api/v1/vouchers/${v.id}/apply`, { booking: b })));
    const ok = rs.filter((r) => r.status === 201);
    const refused = rs.filter((r) => r.status === 409);
    assert.equal(ok.length + refused.length, 20, rs.map((r) => r.status).join(','));
    // 4 full bills of 1000 yuan and one of 500 yuan: 4500 yuan exactly.
    assert.equal(ok.length, 5);
    assert.equal(ok.reduce((s, r) => s + r.body.voucher_fen, 0), 450000);
    assert.ok(refused.every((r) => r.body.error.code === 'voucher_exhausted'));
    const w = await api(srv.url, sme, 'GET', `/api/v1/vouchers/${v.id}`);
    assert.equal(w.body.balance_fen, 0);
    // The same booking from two vouchers at once: one application only.
    const va = (await issue({ valid_from: '2028-01-01', valid_until: '2028-12-31' })).body;
    const vb = (await issue({ valid_from: '2028-01-01', valid_until: '2028-12-31' })).body;
    const b = booking();
    const both = await Promise.all([va, vb, va, vb].map((x) => api(srv.url, sme, 'POST', `/api/v1/vouchers/${x.id}/apply`, { booking: b })));
    assert.deepEqual(both.map((r) => r.status).sort(), [201, 409, 409, 409]);
    const verify = await api(srv.url, op, 'GET', '/api/v1/vouchers/verify');
    assert.equal(verify.status, 200);
    assert.equal(verify.body.ok, true, JSON.stringify(verify.body.problems));
    assert.equal((await api(srv.url, sme, 'GET', '/api/v1/vouchers/verify')).status, 403);
    const c = cli(['--db', dbPath, 'innovation', 'verify']);
    assert.equal(c.status, 0, c.stderr);
    assert.equal(JSON.parse(c.stdout).ok, true);
  } finally {
    setClock('2027-03-01T02:00:00Z');
  }
});

/* ---- challenges ---- */

const challengeBody = (extra = {}) => ({
  title: '驱动电机油冷散热 揭榜挂帅', problem: '800V平台永磁同步电机峰值工况温升过高,征集油冷散热结构与仿真验证方案。',
  chain: 'nev', segment: 'motor', capabilities: ['电机热管理', 'CFD仿真'], eligibility: '长三角中小企业或联合体',
  reward_fen: 200000000, deadline: '2027-03-10T16:00:00+08:00',
  milestones: [{ title: '方案评审', share_bp: 2000 }, { title: '样机交付', share_bp: 5000 }, { title: '装车验证', share_bp: 3000 }],
  criteria: [{ name: '技术先进性', weight: 50 }, { name: '可行性', weight: 30 }, { name: '成本', weight: 20 }],
  ...extra,
});

test('challenges: an SME cannot post; shares must sum to 100 %; terms frozen once open', async () => {
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/challenges', challengeBody())).status, 403);
  assert.equal((await api(srv.url, bank, 'POST', '/api/v1/challenges', challengeBody())).status, 403);
  const bad = await api(srv.url, large, 'POST', '/api/v1/challenges',
    challengeBody({ milestones: [{ title: 'a', share_bp: 3333 }, { title: 'b', share_bp: 3333 }, { title: 'c', share_bp: 3333 }] }));
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.code, 'shares_not_100');
  const unknown = await api(srv.url, large, 'POST', '/api/v1/challenges', challengeBody({ prize: 1 }));
  assert.equal(unknown.status, 422);
  const r = await api(srv.url, large, 'POST', '/api/v1/challenges', challengeBody());
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'draft');
  assert.equal(r.body.deadline, '2027-03-10T08:00:00Z');
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/challenges/${r.body.id}`)).status, 404); // a draft
  assert.equal((await api(srv.url, large, 'PATCH', `/api/v1/challenges/${r.body.id}`, { reward_fen: 210000000 })).status, 200);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/challenges/${r.body.id}/open`)).status, 403);
  const opened = await api(srv.url, large, 'POST', `/api/v1/challenges/${r.body.id}/open`);
  assert.equal(opened.status, 200);
  assert.equal(opened.body.status, 'open');
  const frozen = await api(srv.url, large, 'PATCH', `/api/v1/challenges/${r.body.id}`, { reward_fen: 1 });
  assert.equal(frozen.status, 409);
  assert.equal(frozen.body.error.code, 'terms_frozen');
  const frozenOp = await api(srv.url, op, 'PATCH', `/api/v1/challenges/${r.body.id}`, { title: '改' });
  assert.equal(frozenOp.status, 409);
});

test('challenges: sealed proposals, receipts, Q&A broadcast, conflicted reviewer, results', async () => {
  const c = (await api(srv.url, large, 'POST', '/api/v1/challenges', challengeBody())).body;
  await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/open`);
  // A second solver organisation with its own enterprise.
  const solver2 = await smeWithAdmin(srv.url, op, '无锡揭榜热管理有限公司', 'solver2@qilian.test');
  const s2uscc = makeUscc('320214', 'JBGL00001');
  await registerEnterprise(srv.url, solver2, s2uscc, '无锡揭榜热管理', { region: '320214', level: 'innovative' });
  // Registration and Q&A: the SME registers; solver2 asks; the poster answers; the SME's inbox has the answer.
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/challenges/${c.id}/register`, { enterprise: SME_USCC })).status, 200);
  const q = await api(srv.url, solver2, 'POST', `/api/v1/challenges/${c.id}/questions`, { question: '样机需要几台?' });
  assert.equal(q.status, 201);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/challenge-questions/${q.body.id}/answer`, { answer: 'x' })).status, 403);
  const ans = await api(srv.url, large, 'POST', `/api/v1/challenge-questions/${q.body.id}/answer`, { answer: '两台样机。' });
  assert.equal(ans.status, 200);
  const inbox = await api(srv.url, sme, 'GET', '/api/v1/inbox');
  assert.ok(inbox.body.items.some((n) => n.kind === 'challenge_answer' && n.object_id === q.body.id));
  // Proposals with receipts whose sha256 we recompute.
  const p1 = await api(srv.url, sme, 'POST', `/api/v1/challenges/${c.id}/proposals`, {
    enterprise: SME_USCC, title: '定子喷淋+转子甩油', summary: '油冷散热', approach: '详细技术路线……', budget_fen: 150000000,
  });
  assert.equal(p1.status, 201, JSON.stringify(p1.body));
  assert.equal(p1.body.sha256, crypto.createHash('sha256').update(p1.body.canonical, 'utf8').digest('hex'));
  const p2 = await api(srv.url, solver2, 'POST', `/api/v1/challenges/${c.id}/proposals`, {
    enterprise: s2uscc, title: '浸没式油冷', summary: '浸油', approach: '另一条技术路线……',
  });
  assert.equal(p2.status, 201, JSON.stringify(p2.body));
  // A consortium of six is refused.
  const six = await api(srv.url, smeAdmin, 'POST', `/api/v1/challenges/${c.id}/proposals`, {
    enterprise: SME2_USCC, members: ['a', 'b', 'c', 'd', 'e'], title: 'x', summary: 'x', approach: 'x',
  });
  assert.equal(six.status, 422);
  assert.equal(six.body.error.code, 'consortium_too_large');
  // Before the deadline: nobody but the submitter reads a proposal, the poster and the operator included.
  for (const [who, t] of [['poster', large], ['poster admin', largeAdmin], ['operator', op], ['other submitter', solver2], ['provider', provider]]) {
    const r = await api(srv.url, t, 'GET', `/api/v1/proposals/${p1.body.proposal_id}`);
    assert.equal(r.status, 404, `${who} read a sealed proposal`);
  }
  const sealed = await api(srv.url, large, 'GET', `/api/v1/challenges/${c.id}/proposals`);
  assert.equal(sealed.body.sealed, true);
  assert.equal(sealed.body.count, 2);
  assert.equal(sealed.body.items.length, 0);
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/proposals/${p1.body.proposal_id}`)).status, 200);
  const found = await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/receipts/verify`, { sha256: p1.body.sha256 });
  assert.equal(found.body.found, true);
  // The panel, then the deadline passes.
  // The panel: a university-like provider, the operator's staff, a bank (conflicted below) and the poster's own admin.
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/panel`, { reviewers: [USERS['provider:admin'], USERS['operator:member'], USERS['bank:member'], USERS['large:admin']] })).status, 200);
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/evaluate`)).status, 409);
  setClock('2027-03-10T08:00:00Z');
  try {
    const late = await api(srv.url, smeAdmin, 'POST', `/api/v1/challenges/${c.id}/proposals`, { enterprise: SME2_USCC, title: 'x', summary: 'x', approach: 'x' });
    assert.equal(late.status, 409);
    // After it: the poster reads both; another submitter still never.
    assert.equal((await api(srv.url, large, 'GET', `/api/v1/proposals/${p1.body.proposal_id}`)).status, 200);
    assert.equal((await api(srv.url, solver2, 'GET', `/api/v1/proposals/${p1.body.proposal_id}`)).status, 404);
    assert.equal((await api(srv.url, sme, 'GET', `/api/v1/proposals/${p2.body.proposal_id}`)).status, 404);
    const list2 = await api(srv.url, solver2, 'GET', `/api/v1/challenges/${c.id}/proposals`);
    assert.deepEqual(list2.body.items.map((p) => p.id), [p2.body.proposal_id]);
    assert.equal((await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/evaluate`)).status, 200);
    const [rev1, rev2, rev3] = [provider, opMember, bank];
    // Scoring before declaring: 409; a conflicted reviewer cannot score: 403.
    assert.equal((await api(srv.url, rev1, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/scores`, { scores: [90, 80, 70] })).status, 409);
    assert.equal((await api(srv.url, rev3, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/declaration`, { conflict: true, note: '曾为该企业提供贷款' })).status, 201);
    const blocked = await api(srv.url, rev3, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/scores`, { scores: [100, 100, 100] });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error.code, 'conflicted');
    const hidden = await api(srv.url, rev3, 'GET', `/api/v1/proposals/${p1.body.proposal_id}`);
    assert.equal(hidden.body.content, undefined);
    for (const t of [rev1, rev2]) for (const p of [p1, p2]) {
      assert.equal((await api(srv.url, t, 'POST', `/api/v1/proposals/${p.body.proposal_id}/declaration`, { conflict: false })).status, 201);
    }
    assert.equal((await api(srv.url, rev1, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/scores`, { scores: [90, 80, 70] })).status, 201);
    // rev2 does not see rev1's scores before submitting its own.
    let ev = await api(srv.url, rev2, 'GET', `/api/v1/challenges/${c.id}/evaluation`);
    assert.equal(ev.body.items.find((i) => i.proposal.id === p1.body.proposal_id).others, null);
    assert.equal((await api(srv.url, large, 'GET', `/api/v1/challenges/${c.id}/results`)).status, 409);
    await api(srv.url, rev2, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/scores`, { scores: [80, 70, 60] });
    await api(srv.url, rev1, 'POST', `/api/v1/proposals/${p2.body.proposal_id}/scores`, { scores: [70, 70, 70] });
    await api(srv.url, rev2, 'POST', `/api/v1/proposals/${p2.body.proposal_id}/scores`, { scores: [60, 60, 60] });
    ev = await api(srv.url, rev2, 'GET', `/api/v1/challenges/${c.id}/evaluation`);
    assert.equal(ev.body.items.find((i) => i.proposal.id === p1.body.proposal_id).others.length, 2);
    // The poster's own admin on the panel, not yet scored: two reviews are in, it still sees neither them nor the totals.
    assert.equal((await api(srv.url, largeAdmin, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/declaration`, { conflict: false })).status, 201);
    const own = await api(srv.url, largeAdmin, 'GET', `/api/v1/challenges/${c.id}/evaluation`);
    const ownItem = own.body.items.find((i) => i.proposal.id === p1.body.proposal_id);
    assert.equal(ownItem.others, null);
    assert.equal(ownItem.total, null);
    const pending = await api(srv.url, largeAdmin, 'GET', `/api/v1/challenges/${c.id}/results`);
    assert.equal(pending.status, 409);
    assert.equal(pending.body.error.code, 'scores_pending');
    const res = await api(srv.url, large, 'GET', `/api/v1/challenges/${c.id}/results`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // p1: (90×50+80×30+70×20)/100 = 83, (80×50+70×30+60×20)/100 = 73 -> 78.00; p2: 70 and 60 -> 65.00.
    assert.deepEqual(res.body.items.map((i) => [i.proposal_id, i.total]), [[p1.body.proposal_id, '78.00'], [p2.body.proposal_id, '65.00']]);
    assert.equal((await api(srv.url, sme, 'GET', `/api/v1/challenges/${c.id}/results`)).status, 403);
    assert.equal((await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/shortlist`, { proposals: [p1.body.proposal_id] })).status, 200);
    assert.equal((await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/award`, { proposal: p1.body.proposal_id })).status, 200);
    let pub = await api(srv.url, solver2, 'GET', `/api/v1/challenges/${c.id}`);
    assert.equal(pub.body.result.winner, null);
    assert.equal((await api(srv.url, sme, 'POST', `/api/v1/proposals/${p1.body.proposal_id}/consent`)).status, 200);
    pub = await api(srv.url, solver2, 'GET', `/api/v1/challenges/${c.id}`);
    assert.equal(pub.body.result.winner.uscc, SME_USCC);
    const m1 = await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/milestones/1/accept`, { note: '评审通过' });
    assert.equal(m1.status, 200);
    assert.equal(m1.body.milestones[0].paid_fen, 40000000);
    assert.equal((await api(srv.url, large, 'POST', `/api/v1/challenges/${c.id}/milestones/3/accept`, {})).status, 409);
  } finally {
    setClock('2027-03-01T02:00:00Z');
  }
});

test('challenges: suggestions rank solvers from capabilities, listings and past results', async () => {
  const c = (await api(srv.url, large, 'POST', '/api/v1/challenges', challengeBody({ title: '永磁同步电机 扁线绕组 揭榜' }))).body;
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/challenges/${c.id}/suggestions`)).status, 403);
  const r = await api(srv.url, large, 'GET', `/api/v1/challenges/${c.id}/suggestions`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.items.length >= 3);
  const top = r.body.items[0];
  assert.ok(top.why.some((w) => w.kind === 'capability'));
  // The demo SME (昆山精锐电驱, SME_USCC) declares 驱动电机 and lists 永磁同步电机: it is suggested with the matched words.
  const s = r.body.items.find((i) => i.enterprise.uscc === SME_USCC);
  assert.ok(s, JSON.stringify(r.body.items.map((i) => i.enterprise.name)));
  assert.ok(s.why.some((w) => w.kind === 'listing' && /电机/.test(w.words)));
  assert.ok(!r.body.items.some((i) => i.enterprise.uscc === LEADER)); // never the poster's own
});
