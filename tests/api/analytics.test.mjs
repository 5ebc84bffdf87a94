// Chain analytics over the API on a small hand-computed supply graph:
// weak links, shares and single sources, local rate, the cascade, gap
// filling and critical enterprises, with who may see what, and the
// snapshot following changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, login, api, cli, USERS } from '../lib/server.mjs';
import { makeUscc } from '../lib/uscc.mjs';

let srv, op, large, sme, bank;
const E = {}; // name -> USCC
const base = { industry: '36', employees: 50, revenue_wan: 2000, assets_wan: 1000 };

function importCsv(kind, text) {
  const f = path.join(srv.dir, `${kind}.csv`);
  fs.writeFileSync(f, text);
  const r = cli(['--db', srv.db, 'import', kind, f]);
  assert.equal(r.status, 0, r.stderr);
}

before(async () => {
  srv = await startServer();
  [op, large, sme, bank] = await Promise.all(['operator:admin', 'large:admin', 'sme:admin', 'bank:member'].map((r) => login(srv.url, USERS[r])));
  // B (the chain leader's plant, owned by the large organisation) buys cells and motors.
  const plant = { uscc: makeUscc('320583', 'B00000001'), name: '昆山整车厂', region: '320583', level: 'none', ...base, employees: 3000, revenue_wan: 900000 };
  assert.equal((await api(srv.url, large, 'POST', '/api/v1/enterprises', plant)).status, 201);
  E.B = plant.uscc;
  const firms = [
    ['C1', '320583', 'little_giant'], ['C2', '320505', 'none'], ['M1', '440305', 'provincial'],
    ['L1', '510104', 'none'], ['X1', '320102', 'innovative'], ['X2', '330106', 'none'],
  ];
  const rows = ['uscc,name,region,industry,employees,revenue_wan,assets_wan,level'];
  for (const [k, region, level] of firms) {
    E[k] = makeUscc(region, `${k}0000000`.slice(0, 9));
    rows.push(`${E[k]},${k}配套企业,${region},36,50,2000,1000,${level}`);
  }
  importCsv('enterprises', rows.join('\n') + '\n');
  importCsv('segments', 'chain,chain_name,segment,segment_name,upstream\n' +
    'qa,测试产业链,lithium,锂矿,\n' +
    'qa,测试产业链,cell,电芯,lithium\n' +
    'qa,测试产业链,motor,驱动电机,\n' +
    'qa,测试产业链,vehicle,整车,cell;motor\n');
  importCsv('capabilities', 'uscc,chain,segment,capacity\n' +
    `${E.C1},qa,cell,500\n${E.C2},qa,cell,300\n${E.M1},qa,motor,\n${E.L1},qa,lithium,100\n` +
    `${E.X1},qa,cell,800\n${E.X2},qa,cell,900\n`);
  // B <- C1 (60), C2 (40) in cell; B <- M1 (100) in motor (single source);
  // C1 <- L1 and C2 <- L1 in lithium: L1 is on every cell path (a diamond).
  importCsv('relations', 'buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen\n' +
    `${E.B},${E.C1},qa,cell,6000000\n${E.B},${E.C2},qa,cell,4000000\n${E.B},${E.M1},qa,motor,10000000\n` +
    `${E.C1},${E.L1},qa,lithium,100000\n${E.C2},${E.L1},qa,lithium,100000\n`);
});
after(async () => { await srv.stop(); });

const seg = (out, code) => out.segments.find((s) => s.segment === code);

test('health: single-source motor is a weak link; the chain leader sees its own supply base; SMEs and banks may not look', async () => {
  const r = await api(srv.url, op, 'GET', '/api/v1/chains/qa/health');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const motor = seg(r.body, 'motor'), cell = seg(r.body, 'cell');
  assert.equal(motor.active_suppliers, 1);
  assert.equal(motor.weak, true);
  assert.ok(motor.weak_rules.includes('active_suppliers<=2'));
  assert.equal(cell.active_suppliers, 2);
  assert.equal(cell.capable, 4);
  assert.ok(Math.abs(cell.hhi - (0.36 + 0.16)) < 1e-9);
  assert.ok(Math.abs(cell.zjtx_share - 0.6) < 1e-9);
  const suzhou = await api(srv.url, op, 'GET', '/api/v1/chains/qa/health?region=3205');
  assert.equal(seg(suzhou.body, 'cell').capable, 2); // C1 (昆山) and C2 (虎丘), not X1 (南京) or X2 (杭州)
  assert.equal(seg(suzhou.body, 'cell').active_suppliers, 2);
  assert.equal(seg(suzhou.body, 'motor').active_suppliers, 0); // M1 is in Shenzhen
  const mine = await api(srv.url, large, 'GET', '/api/v1/chains/qa/health');
  assert.equal(mine.status, 200);
  assert.equal(seg(mine.body, 'lithium').active_suppliers, 0); // C1/C2's purchases are not the leader's
  assert.equal(seg(mine.body, 'cell').amount_fen, 10000000);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/chains/qa/health')).status, 403);
  assert.equal((await api(srv.url, bank, 'GET', '/api/v1/chains/qa/health')).status, 403);
  assert.equal((await api(srv.url, op, 'GET', '/api/v1/chains/nope/health')).status, 404);
  assert.equal((await api(srv.url, op, 'GET', '/api/v1/chains/qa/health?max_hhi=2')).status, 422);
});

test('suppliers and local rate for the buyer\'s own organisation; others get 403', async () => {
  const r = await api(srv.url, large, 'GET', `/api/v1/analytics/suppliers?buyer=${E.B}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(seg(r.body, 'motor').single_source, true);
  assert.deepEqual(seg(r.body, 'cell').suppliers.map((s) => [s.uscc, s.share]), [[E.C1, 0.6], [E.C2, 0.4]]);
  assert.equal(r.body.single_source_count, 1);
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/analytics/suppliers?buyer=${E.B}`)).status, 403);
  const rates = {};
  for (const level of ['county', 'city', 'province']) {
    const lr = await api(srv.url, large, 'GET', `/api/v1/analytics/local-rate?buyer=${E.B}&level=${level}`);
    assert.equal(lr.status, 200);
    rates[level] = lr.body.rate;
  }
  // Of 20,000,000 fen: C1 same county (6M), C2 same city (4M), M1 in Shenzhen (10M).
  assert.deepEqual(rates, { county: 0.3, city: 0.5, province: 0.5 });
  const bad = await api(srv.url, large, 'GET', `/api/v1/analytics/local-rate?buyer=${E.B}&level=street`);
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.field, 'level');
});

test('disruption: losing L1 knocks out C1 and C2 (tier 1) and then the plant (tier 2); operator only', async () => {
  const r = await api(srv.url, op, 'POST', '/api/v1/analytics/disrupt', { enterprises: [E.L1] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const tier = Object.fromEntries(r.body.affected.map((a) => [a.uscc, a.tier]));
  assert.deepEqual(tier, { [E.L1]: 0, [E.C1]: 1, [E.C2]: 1, [E.B]: 2 });
  assert.deepEqual(r.body.totals_per_tier.map((t) => t.enterprises), [1, 2, 1]);
  const motorOnly = await api(srv.url, op, 'POST', '/api/v1/analytics/disrupt', { enterprises: [E.M1], threshold: 0.9 });
  assert.equal(motorOnly.body.affected.find((a) => a.uscc === E.B).tier, 1);
  const c1 = await api(srv.url, op, 'POST', '/api/v1/analytics/disrupt', { enterprises: [E.C1], threshold: 0.61 });
  assert.equal(c1.body.knocked_out, 1);
  assert.equal(c1.body.partially_affected[0].uscc, E.B);
  assert.equal((await api(srv.url, large, 'POST', '/api/v1/analytics/disrupt', { enterprises: [E.L1] })).status, 403);
  assert.equal((await api(srv.url, op, 'POST', '/api/v1/analytics/disrupt', { enterprises: [E.L1], region: '32' })).status, 422);
  assert.equal((await api(srv.url, op, 'POST', '/api/v1/analytics/disrupt', { enterprises: [E.L1], threshold: 2 })).status, 422);
  const byRegion = await api(srv.url, op, 'POST', '/api/v1/analytics/disrupt', { region: '510000' });
  assert.ok(byRegion.body.affected.some((a) => a.uscc === E.B));
});

test('gap filling excludes current suppliers and ranks by level, proximity, size; critical finds the diamond\'s single source', async () => {
  const r = await api(srv.url, large, 'GET', `/api/v1/chains/qa/segments/cell/fill?buyer=${E.B}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.candidates.map((c) => c.uscc), [E.X1, E.X2]);
  assert.equal(r.body.excluded_current_suppliers, 2);
  assert.ok(r.body.candidates[0].reasons.length >= 3);
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/chains/qa/segments/cell/fill?buyer=${E.B}`)).status, 403);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/chains/qa/segments/cell/fill?region=320500')).status, 200);
  const c = await api(srv.url, large, 'GET', `/api/v1/analytics/critical?buyer=${E.B}`);
  assert.equal(c.status, 200);
  assert.deepEqual(seg(c.body, 'cell').critical.map((x) => [x.uscc, x.depth]), [[E.L1, 2]]);
  assert.deepEqual(seg(c.body, 'motor').critical.map((x) => x.uscc), [E.M1]);
});

test('the snapshot follows new relations and enterprise changes', async () => {
  importCsv('relations', 'buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen\n' +
    `${E.B},${E.X1},qa,motor,10000000\n`);
  const r = await api(srv.url, large, 'GET', `/api/v1/analytics/suppliers?buyer=${E.B}`);
  assert.equal(seg(r.body, 'motor').single_source, false);
  // X1 moves from Nanjing to Kunshan: the county rate rises accordingly.
  assert.equal((await api(srv.url, op, 'PATCH', `/api/v1/enterprises/${E.X1}`, { region: '320583' })).status, 200);
  const lr = await api(srv.url, large, 'GET', `/api/v1/analytics/local-rate?buyer=${E.B}&level=county`);
  assert.equal(lr.body.rate, 16000000 / 30000000);
});
