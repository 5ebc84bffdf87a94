// Set-up helpers for the finance API tests (tests/api/finance*.test.mjs): a
// server whose finance clock the test drives (QILIAN_FINANCE_CLOCK_FILE), the
// demo's chain leader, its SME supplier and that SME's own suppliers as
// organisations of their own with supply relations, writes with an
// Idempotency-Key, and the CLI's `finance verify` on the server's database.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startServer, loginAll, login, api, cli, DEMO_PASSWORD } from './server.mjs';
import { registerEnterprise } from './fixtures.mjs';
import { makeUscc } from './uscc.mjs';

// The demo's chain leader (buyer@qilian.test's organisation) and its SME supplier (sme@qilian.test's).
export const CORE = '91320500MA1MX4QF3P';
export const SME = '91320583MA1QEW0025';

// Starts a server with a finance clock at `at` (UTC ISO-8601); resolves to {srv, setClock(at)}.
export async function startFinanceServer(at = '2026-12-01T02:00:00Z') {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'qilian-fin-clock-'));
  const file = path.join(dir, 'clock');
  fs.writeFileSync(file, at + '\n');
  const srv = await startServer({ env: { QILIAN_FINANCE_CLOCK_FILE: file } });
  return { srv, clockFile: file, setClock: (t) => fs.writeFileSync(file, t + '\n') };
}

// An organisation of type with one admin (email); resolves to {id, token}.
export async function orgWithAdmin(url, opToken, name, type, email) {
  const org = await api(url, opToken, 'POST', '/api/v1/orgs', { name, type });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const user = await api(url, opToken, 'POST', '/api/v1/users',
    { org_id: org.body.id, email, name: '管理员', role: 'admin', password: DEMO_PASSWORD });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  return { id: org.body.id, token: await login(url, email) };
}

// A write with an Idempotency-Key (a fresh one unless given); resolves to {status, body, key}.
export async function write(url, token, method, p, body, key = randomUUID()) {
  const r = await api(url, token, method, p, body, { 'idempotency-key': key });
  return { ...r, key };
}

// The same, asserting the status; resolves to the body.
export async function must(url, token, method, p, body, status = 200) {
  const r = await write(url, token, method, p, body);
  assert.equal(r.status, status, `${method} ${p} ${JSON.stringify(body)} -> ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// `qilian finance verify` on db: resolves to the parsed summary; fails the test on a violation.
export function verify(db) {
  const r = cli(['finance', 'verify', '--db', db]);
  assert.equal(r.status, 0, `finance verify: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  assert.equal(out.ok, true);
  return out;
}

// The finance world on the demo: tokens for the chain leader, its SME supplier, two second-tier
// suppliers of that SME (own organisations, related in the chain map), an unrelated SME, the demo bank
// and a second bank, the operator; their USCCs; the bank ids. prefix keeps e-mails unique per file.
export async function financeWorld(url, prefix) {
  const [op, large, sme, bank] = await loginAll(url, ['operator:admin', 'large:member', 'sme:admin', 'bank:member']);
  const U = {
    core: CORE, sme: SME,
    sub: makeUscc('320583', `${prefix}00001`.slice(0, 9).padEnd(9, '0')),
    sub2: makeUscc('320509', `${prefix}00002`.slice(0, 9).padEnd(9, '0')),
    far: makeUscc('320585', `${prefix}00003`.slice(0, 9).padEnd(9, '0')),
  };
  const sub = await orgWithAdmin(url, op, `${prefix}磁钢科技有限公司`, 'sme', `${prefix.toLowerCase()}-sub@qilian.test`);
  const sub2 = await orgWithAdmin(url, op, `${prefix}漆包线有限公司`, 'sme', `${prefix.toLowerCase()}-sub2@qilian.test`);
  const far = await orgWithAdmin(url, op, `${prefix}无关配件有限公司`, 'sme', `${prefix.toLowerCase()}-far@qilian.test`);
  const bank2 = await orgWithAdmin(url, op, `${prefix}苏州农商银行`, 'bank', `${prefix.toLowerCase()}-bank2@qilian.test`);
  await registerEnterprise(url, sub.token, U.sub, `${prefix}磁钢厂`);
  await registerEnterprise(url, sub2.token, U.sub2, `${prefix}漆包线厂`, { region: '320509' });
  await registerEnterprise(url, far.token, U.far, `${prefix}无关厂`, { region: '320585' });
  for (const supplier of [U.sub, U.sub2]) {
    const r = await api(url, sme, 'POST', '/api/v1/relations',
      { buyer_uscc: U.sme, supplier_uscc: supplier, chain: 'nev', segment: 'motor', annual_amount_fen: 500000000 });
    assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  }
  const banks = await api(url, sme, 'GET', '/api/v1/finance/banks');
  const bankId = banks.body.items.find((b) => b.name === '江苏银行苏州分行').id;
  return {
    U, op, large, sme, bank, bankId, bank2: bank2.token, bank2Id: bank2.id,
    sub: sub.token, sub2: sub2.token, far: far.token,
  };
}

// Issues face fen from the chain leader to the SME maturing on maturity, accepted; resolves to the certificate.
export async function activeCertificate(url, w, face, maturity, extra = {}) {
  const c = await must(url, w.large, 'POST', '/api/v1/finance/certificates',
    { issuer: w.U.core, payee: w.U.sme, face_fen: face, maturity, contract_no: `HT-${randomUUID().slice(0, 8)}`, ...extra }, 201);
  return must(url, w.sme, 'POST', `/api/v1/finance/certificates/${c.id}/accept`, {});
}

// The root piece of a certificate as the issuer sees it.
export async function rootPiece(url, w, certId) {
  const r = await api(url, w.large, 'GET', `/api/v1/finance/certificates/${certId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.pieces.find((p) => p.parent_id === null);
}
