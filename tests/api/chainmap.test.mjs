// The chain map over the API against a real `qilian serve`: CSV imports of
// segments, capabilities and relations (all rows or none, errors by line),
// exports that reproduce the file, segment/capability/relation CRUD with
// strict bodies, and who may see a supply relation: its buyer's and its
// supplier's organisations and the operator, nobody else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, loginAll, api, USERS } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';

const CHAIN = 'apitest';
const SEGMENTS = [
  'chain,chain_name,segment,segment_name,upstream',
  `${CHAIN},接口测试产业链,ore,矿石,`,
  `${CHAIN},接口测试产业链,part,零部件,ore`,
  `${CHAIN},接口测试产业链,machine,整机,part;ore`,
  '',
].join('\n');

let srv, op, large, sme, bank, supplier;
let largeUscc, supplierUscc, smeUscc;
const csv = { 'content-type': 'text/csv' };

before(async () => {
  srv = await startServer();
  [op, large, sme, bank] = await loginAll(srv.url, ['operator:admin', 'large:admin', 'sme:admin', 'bank:member']);
  // A second SME organisation that supplies the chain leader.
  supplier = await smeWithAdmin(srv.url, op, '常州接口测试零部件有限公司', 'supplier@qilian.test', '供应商');
  largeUscc = makeUscc('320583', 'APT000001');
  supplierUscc = makeUscc('320583', 'APT000002');
  smeUscc = makeUscc('320583', 'APT000003');
  await registerEnterprise(srv.url, large, largeUscc, '接口测试整机厂');
  await registerEnterprise(srv.url, supplier, supplierUscc, '接口测试零部件厂');
  await registerEnterprise(srv.url, sme, smeUscc, '接口测试无关企业');
});
after(async () => { await srv.stop(); });

test('segment import is all or nothing: a cycle or an unknown upstream names its line, then a clean file goes in', async () => {
  const cyclic = SEGMENTS + `${CHAIN},,ore,矿石,machine\n${CHAIN},,gear,齿轮,nowhere\n`;
  const bad = await api(srv.url, op, 'POST', '/api/v1/chainmap/import/segments', cyclic, csv);
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  assert.equal(bad.body.error.code, 'import_rejected');
  const errors = bad.body.report.errors;
  // The repeated "ore" row and the unknown upstream, each with its line.
  assert.deepEqual(errors.map((e) => [e.line, e.code]).sort(),
    [[5, 'duplicate_segment'], [6, 'upstream_not_found']].sort());
  const cycle = await api(srv.url, op, 'POST', '/api/v1/chainmap/import/segments',
    SEGMENTS.replace(`${CHAIN},接口测试产业链,ore,矿石,`, `${CHAIN},接口测试产业链,ore,矿石,machine`), csv);
  assert.equal(cycle.status, 422);
  const c = cycle.body.report.errors[0];
  assert.equal(c.line, 2);
  assert.equal(c.field, 'upstream');
  assert.equal(c.code, 'segment_cycle');
  assert.match(c.message, /ore → machine → ore|ore → part → machine → ore/);
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/chains/${CHAIN}`)).status, 404, 'nothing was written');

  const ok = await api(srv.url, op, 'POST', '/api/v1/chainmap/import/segments', SEGMENTS, csv);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual([ok.body.rows, ok.body.inserted, ok.body.updated, ok.body.error_count], [3, 3, 0, 0]);
  const chain = await api(srv.url, bank, 'GET', `/api/v1/chains/${CHAIN}`);
  assert.equal(chain.status, 200);
  assert.equal(chain.body.name, '接口测试产业链');
  assert.deepEqual(chain.body.segments.map((s) => [s.code, s.upstream]),
    [['ore', []], ['part', ['ore']], ['machine', ['ore', 'part']]]);
  // Only the operator defines segments.
  const denied = await api(srv.url, large, 'POST', '/api/v1/chainmap/import/segments', SEGMENTS, csv);
  assert.equal(denied.status, 403);
});

test('segment export reproduces the imported file', async () => {
  const r = await fetch(`${srv.url}/api/v1/chainmap/export/segments`, { headers: { authorization: `Bearer ${sme}` } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /segments\.csv/);
  const text = await r.text();
  const ours = text.split('\n').filter((l) => l.startsWith(`${CHAIN},`));
  assert.deepEqual(ours, SEGMENTS.trim().split('\n').slice(1).map((l) => l.replace(/machine,整机,part;ore$/, 'machine,整机,ore;part')));
});

test('chain and segment CRUD: the operator writes, a cycle is refused, bodies are strict', async () => {
  const put = await api(srv.url, op, 'PUT', '/api/v1/chains/apitest2', { name: '第二条测试链', name_en: 'Second test chain' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.name_en, 'Second test chain');
  assert.equal((await api(srv.url, large, 'PUT', '/api/v1/chains/apitest2', { name: 'x' })).status, 403);
  let r = await api(srv.url, op, 'PUT', '/api/v1/chains/apitest2/segments/a', { name: '环节A' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await api(srv.url, op, 'PUT', '/api/v1/chains/apitest2/segments/b', { name: '环节B', upstream: ['a'] });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.upstream, ['a']);
  r = await api(srv.url, op, 'PUT', '/api/v1/chains/apitest2/segments/a', { name: '环节A', upstream: ['b'] });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'segment_cycle');
  assert.equal(r.body.error.field, 'upstream');
  assert.match(r.body.error.message, /a → b → a/);
  r = await api(srv.url, op, 'PUT', '/api/v1/chains/apitest2/segments/a', { name: '环节A改', colour: 'red' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'unknown_field');
  r = await api(srv.url, op, 'PUT', '/api/v1/chains/apitest2/segments/a', { name: '环节A改' });
  assert.equal(r.status, 200);
  assert.equal(r.body.created, false);
  r = await api(srv.url, op, 'PUT', '/api/v1/chains/nochain/segments/a', { name: '环节' });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'chain_not_found');
  assert.equal((await api(srv.url, op, 'DELETE', '/api/v1/chains/apitest2/segments/a')).status, 200);
  const chain = await api(srv.url, sme, 'GET', '/api/v1/chains/apitest2');
  assert.deepEqual(chain.body.segments.map((s) => [s.code, s.upstream]), [['b', []]]);
  assert.equal((await api(srv.url, op, 'DELETE', '/api/v1/chains/apitest2/segments/a')).status, 404);
});

test('capabilities: the owner declares, others read, CSV import names bad lines', async () => {
  let r = await api(srv.url, supplier, 'PUT', `/api/v1/enterprises/${supplierUscc}/capabilities/${CHAIN}/part`, { capacity: 5000 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await api(srv.url, sme, 'PUT', `/api/v1/enterprises/${supplierUscc}/capabilities/${CHAIN}/ore`, {});
  assert.equal(r.status, 403);
  r = await api(srv.url, bank, 'GET', `/api/v1/enterprises/${supplierUscc}/capabilities`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.items.map((i) => [i.chain, i.segment, i.capacity]), [[CHAIN, 'part', 5000]]);
  const file = `uscc,chain,segment,capacity\n${supplierUscc},${CHAIN},ore,\n${supplierUscc},${CHAIN},part,-1\n${smeUscc},${CHAIN},ore,3\n`;
  r = await api(srv.url, supplier, 'POST', '/api/v1/chainmap/import/capabilities', file, csv);
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.report.errors.map((e) => [e.line, e.field, e.code]),
    [[3, 'capacity', 'invalid_capacity'], [4, 'uscc', 'not_owner']]);
  r = await api(srv.url, supplier, 'POST', '/api/v1/chainmap/import/capabilities',
    `uscc,chain,segment,capacity\n${supplierUscc},${CHAIN},ore,\n${supplierUscc},${CHAIN},part,6000\n`, csv);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.inserted, r.body.updated], [1, 1]);
  r = await api(srv.url, supplier, 'DELETE', `/api/v1/enterprises/${supplierUscc}/capabilities/${CHAIN}/ore`);
  assert.equal(r.status, 200);
  r = await api(srv.url, supplier, 'GET', `/api/v1/enterprises/${supplierUscc}/capabilities`);
  assert.deepEqual(r.body.items.map((i) => [i.segment, i.capacity]), [['part', 6000]]);
});

let relationId;

test('relation import by the buyer: bad rows by line and nothing written, then the clean file', async () => {
  const unregistered = makeUscc('320583', 'APT999999');
  const file = [
    'buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen',
    `${largeUscc},${supplierUscc},${CHAIN},part,120000000`,
    `${largeUscc},${unregistered},${CHAIN},part,1`,
    `${largeUscc},${supplierUscc},${CHAIN},ore,-5`,
    `${largeUscc},${supplierUscc},${CHAIN},part,7`,
    `${smeUscc},${supplierUscc},${CHAIN},part,7`,
    '',
  ].join('\n');
  const before = (await api(srv.url, op, 'GET', `/api/v1/relations?chain=${CHAIN}`)).body.items.length;
  let r = await api(srv.url, large, 'POST', '/api/v1/chainmap/import/relations', file, csv);
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.report.errors.map((e) => [e.line, e.field, e.code]), [
    [3, 'supplier_uscc', 'enterprise_not_found'],
    [4, 'annual_amount_fen', 'invalid_amount'],
    [5, 'segment', 'duplicate_relation'],
    [6, 'buyer_uscc', 'not_owner'],
  ]);
  assert.match(r.body.report.errors[2].message, /line 2/);
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/relations?chain=${CHAIN}`)).body.items.length, before);
  const clean = file.split('\n').slice(0, 2).join('\n') + '\n';
  r = await api(srv.url, large, 'POST', '/api/v1/chainmap/import/relations', clean, csv);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.rows, r.body.inserted], [1, 1]);
  const mine = await fetch(`${srv.url}/api/v1/chainmap/export/relations`, { headers: { authorization: `Bearer ${supplier}` } });
  assert.equal(await mine.text(), clean, 'the supplier exports exactly the relation it is part of');
  const list = await api(srv.url, large, 'GET', `/api/v1/relations?buyer=${largeUscc}&chain=${CHAIN}`);
  assert.equal(list.body.items.length, 1);
  relationId = list.body.items[0].id;
  assert.equal(list.body.items[0].supplier_name, '接口测试零部件厂');
  assert.equal(list.body.items[0].annual_amount_fen, 120000000);
});

test('a relation is visible to its buyer, its supplier and the operator only', async () => {
  for (const [who, token] of [['buyer', large], ['supplier', supplier], ['operator', op]]) {
    const r = await api(srv.url, token, 'GET', `/api/v1/relations/${relationId}`);
    assert.equal(r.status, 200, who);
    assert.equal(r.body.buyer_uscc, largeUscc);
    const list = await api(srv.url, token, 'GET', '/api/v1/relations?limit=500');
    assert.ok(list.body.items.some((i) => i.id === relationId), `${who} lists it`);
    const bySupplier = await api(srv.url, token, 'GET', `/api/v1/relations?supplier=${supplierUscc}`);
    assert.ok(bySupplier.body.items.some((i) => i.id === relationId), `${who} finds it by supplier`);
  }
  for (const [who, token] of [['bank', bank], ['unrelated SME', sme]]) {
    const r = await api(srv.url, token, 'GET', `/api/v1/relations/${relationId}`);
    assert.equal(r.status, 404, who);
    assert.equal(r.body.error.code, 'relation_not_found');
    for (const q of ['limit=500', `buyer=${largeUscc}`, `supplier=${supplierUscc}`, `chain=${CHAIN}`]) {
      const list = await api(srv.url, token, 'GET', `/api/v1/relations?${q}`);
      assert.equal(list.status, 200);
      assert.ok(!list.body.items.some((i) => i.id === relationId), `${who} does not list it (${q})`);
    }
    const exp = await fetch(`${srv.url}/api/v1/chainmap/export/relations`, { headers: { authorization: `Bearer ${token}` } });
    assert.ok(!(await exp.text()).includes(supplierUscc), `${who} does not export it`);
    assert.equal((await api(srv.url, token, 'DELETE', `/api/v1/relations/${relationId}`)).status, who === 'bank' ? 403 : 404);
  }
  // The supplier sees it but may not change it.
  const r = await api(srv.url, supplier, 'DELETE', `/api/v1/relations/${relationId}`);
  assert.equal(r.status, 403);
});

test('relation CRUD: create or update by key, strict body, delete by the buyer', async () => {
  const body = { buyer_uscc: largeUscc, supplier_uscc: supplierUscc, chain: CHAIN, segment: 'ore', annual_amount_fen: 5000 };
  let r = await api(srv.url, large, 'POST', '/api/v1/relations', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  r = await api(srv.url, large, 'POST', '/api/v1/relations', { ...body, annual_amount_fen: 8000 });
  assert.equal(r.status, 200);
  assert.equal(r.body.id, id);
  assert.equal(r.body.annual_amount_fen, 8000);
  r = await api(srv.url, large, 'POST', '/api/v1/relations', { ...body, annual_amount_fen: -1 });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.field, 'annual_amount_fen');
  r = await api(srv.url, large, 'POST', '/api/v1/relations', { ...body, supplier_uscc: largeUscc });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'same_enterprise');
  r = await api(srv.url, large, 'POST', '/api/v1/relations', { ...body, note: 'x' });
  assert.equal(r.status, 422);
  assert.equal(r.body.error.code, 'unknown_field');
  r = await api(srv.url, supplier, 'POST', '/api/v1/relations', body);
  assert.equal(r.status, 403, 'only the buyer records its purchases');
  r = await api(srv.url, large, 'GET', '/api/v1/relations?bogus=1');
  assert.equal(r.status, 422);
  assert.equal((await api(srv.url, large, 'DELETE', `/api/v1/relations/${id}`)).status, 200);
  assert.equal((await api(srv.url, large, 'GET', `/api/v1/relations/${id}`)).status, 404);
  const audit = await api(srv.url, op, 'GET', '/api/v1/audit?limit=20');
  const actions = audit.body.items.map((i) => i.action);
  for (const a of ['relation.put', 'relation.delete', 'relations.import']) assert.ok(actions.includes(a), a);
});

test('the demo chain map is there: the chain leader sees its supply base, the demo SME its sale', async () => {
  const chain = await api(srv.url, sme, 'GET', '/api/v1/chains/nev');
  assert.equal(chain.status, 200);
  assert.ok(chain.body.segments.length >= 10);
  const leader = await api(srv.url, large, 'GET', '/api/v1/relations?buyer=91320500MA1MX4QF3P&chain=nev');
  assert.ok(leader.body.items.length >= 5);
  const own = await api(srv.url, sme, 'GET', '/api/v1/relations?chain=nev');
  assert.ok(own.body.items.length >= 1);
  assert.ok(own.body.items.every((i) => i.buyer_uscc === '91320500MA1MX4QF3P' || i.supplier_uscc === '91320500MA1MX4QF3P'
    || i.supplier_name.includes('精锐') || i.buyer_name.includes('精锐')));
  const bankView = await api(srv.url, bank, 'GET', '/api/v1/relations');
  assert.deepEqual(bankView.body.items, []);
});

test('relations can be filtered by segment and carry both regions', async () => {
  const s = await startServer();
  const call = api;
  try {
    const op = await login(s.url, USERS['operator:admin']);
    const all = await call(s.url, op, 'GET', '/api/v1/relations?chain=nev&limit=500');
    assert.equal(all.status, 200);
    const seg = all.body.items[0].segment;
    const some = await call(s.url, op, 'GET', `/api/v1/relations?chain=nev&segment=${seg}&limit=500`);
    assert.equal(some.status, 200);
    assert.ok(some.body.items.length > 0);
    assert.ok(some.body.items.every((r) => r.segment === seg));
    assert.equal(some.body.items.length, all.body.items.filter((r) => r.segment === seg).length);
    assert.match(some.body.items[0].supplier_region, /^\d{6}$/);
    assert.match(some.body.items[0].buyer_region, /^\d{6}$/);
    assert.equal((await call(s.url, op, 'GET', '/api/v1/relations?segment=BAD!')).status, 422);
  } finally {
    await s.stop();
  }
});
