// USCCs as people type or paste them from a business licence ("9132 0583
// MA1N 2L8E 6H", "91320583-MA1N2L8E6H", ideographic spaces, lower case),
// against a real `qilian serve`: accepted in JSON fields, path parameters,
// query parameters and CSV imports, always stored and answered as the 18
// characters; any other separator is refused with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { makeUscc } from '../lib/uscc.mjs';

let srv, admin, sme;
before(async () => {
  srv = await startServer();
  admin = await login(srv.url, USERS['operator:admin']);
  sme = await login(srv.url, USERS['sme:admin']);
});
after(async () => { await srv.stop(); });

// "9132 0583 MA1N 2L8E 6H": the licence's groups of four, with sep between them.
const grouped = (uscc, sep = ' ') => uscc.match(/.{1,4}/g).join(sep);
const body = (uscc, name) => ({ uscc, name, region: '320583', industry: '35', employees: 40, revenue_wan: 3000,
  assets_wan: 2000, level: 'none' });

test('create and get an enterprise with a spaced USCC; it is stored and returned as 18 characters', async () => {
  const uscc = makeUscc('320583', 'MA1UQCC01');
  const created = await api(srv.url, sme, 'POST', '/api/v1/enterprises', body(grouped(uscc).toLowerCase(), '粘贴测试一号有限公司'));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.uscc, uscc);
  // The path parameter as pasted: ASCII spaces, ideographic spaces, a hyphen after the region code.
  for (const spelled of [grouped(uscc), grouped(uscc, '\u3000'), `${uscc.slice(0, 8)}-${uscc.slice(8)}`, uscc.toLowerCase()]) {
    const got = await api(srv.url, sme, 'GET', `/api/v1/enterprises/${encodeURIComponent(spelled)}`);
    assert.equal(got.status, 200, spelled);
    assert.equal(got.body.uscc, uscc);
    assert.equal(got.body.name, '粘贴测试一号有限公司');
  }
  const patched = await api(srv.url, sme, 'PATCH', `/api/v1/enterprises/${encodeURIComponent(grouped(uscc, '-'))}`, { employees: 41 });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.employees, 41);
  // The same code again, spelled differently, is the same enterprise.
  const again = await api(srv.url, sme, 'POST', '/api/v1/enterprises', body(`${uscc.slice(0, 8)}-${uscc.slice(8)}`, '重复'));
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'duplicate_uscc');
  // Found by the directory search in any of its spellings.
  const found = await api(srv.url, sme, 'GET', `/api/v1/enterprises?q=${encodeURIComponent(grouped(uscc))}`);
  assert.deepEqual(found.body.items.map((e) => e.uscc), [uscc]);
  const check = await api(srv.url, null, 'GET', `/api/v1/uscc/${encodeURIComponent(grouped(uscc, '\u3000'))}`);
  assert.equal(check.body.valid, true);
  assert.equal(check.body.uscc, uscc);
  const stored = await api(srv.url, admin, 'GET', '/api/v1/enterprises/export');
  assert.ok(stored.body.includes(`\n${uscc},粘贴测试一号有限公司,`));
});

test('an organisation takes a spaced USCC too', async () => {
  const uscc = makeUscc('320505', 'MA1UQCC02');
  const r = await api(srv.url, admin, 'POST', '/api/v1/orgs', { name: '粘贴测试组织', type: 'sme', uscc: grouped(uscc) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.uscc, uscc);
});

test('a CSV import takes spaced and hyphenated USCCs and stores 18 characters', async () => {
  const a = makeUscc('320583', 'MA1UQCC03'), b = makeUscc('320583', 'MA1UQCC04');
  const csv = 'uscc,name,region,industry,employees,revenue_wan,assets_wan,level\n' +
    `${grouped(a)},粘贴导入甲,320583,35,10,100,50,none\n${a.slice(0, 8)}-${b.slice(8).toLowerCase()}x,坏行,320583,35,1,1,1,none\n`;
  const bad = await api(srv.url, admin, 'POST', '/api/v1/enterprises/import', csv, { 'content-type': 'text/csv' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.report.errors[0].line, 3);
  assert.equal(bad.body.report.errors[0].code, 'invalid_uscc');
  const good = csv.split('\n').slice(0, 2).join('\n') + `\n${b.slice(0, 8)}-${b.slice(8)},粘贴导入乙,320583,35,10,100,50,none\n`;
  const ok = await api(srv.url, admin, 'POST', '/api/v1/enterprises/import', good, { 'content-type': 'text/csv' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.inserted, 2);
  for (const u of [a, b]) assert.equal((await api(srv.url, admin, 'GET', `/api/v1/enterprises/${u}`)).body.uscc, u);
});

test('other separators and characters are still refused with the reason', async () => {
  const uscc = makeUscc('320583', 'MA1UQCC05');
  for (const [spelled, reason] of [
    [grouped(uscc, '/'), /'\/' at position 5/],
    [grouped(uscc, '.'), /'\.' at position 5/],
    [`${uscc.slice(0, 3)} ${uscc.slice(3)}`, /got 19; spaces and hyphens may stand only between its groups/],
    [`${uscc.slice(0, 17)}${uscc[17] === '0' ? '1' : '0'}`, /check character should be/],
  ]) {
    const r = await api(srv.url, sme, 'POST', '/api/v1/enterprises', body(spelled, '拒绝'));
    assert.equal(r.status, 422, spelled);
    assert.equal(r.body.error.code, 'invalid_uscc');
    assert.equal(r.body.error.field, 'uscc');
    assert.match(r.body.error.message, reason);
    if (spelled.includes('/')) continue; // the server decodes %2F, so a slash cannot stand in a path parameter
    const check = await api(srv.url, null, 'GET', `/api/v1/uscc/${encodeURIComponent(spelled)}`);
    assert.equal(check.body.valid, false);
    assert.match(check.body.reason, reason);
  }
  const missing = await api(srv.url, sme, 'GET', `/api/v1/enterprises/${encodeURIComponent(grouped(uscc, '_'))}`);
  assert.equal(missing.status, 422);
  assert.match(missing.body.error.message, /'_' at position 5/);
});

test('chain map and market JSON bodies take a pasted USCC and answer the 18 characters', async () => {
  const LARGE = '91320500MA1MX4QF3P'; // the demo large organisation's enterprise
  const SME = '91320583MA1QEW0025'; // the demo SME organisation's enterprise
  const large = await login(srv.url, USERS['large:admin']);
  const supply = await api(srv.url, sme, 'POST', '/api/v1/supplies', { enterprise: grouped(SME), title: '粘贴代码的电机供应' });
  assert.equal(supply.status, 201, JSON.stringify(supply.body));
  assert.equal(supply.body.enterprise.uscc, SME);
  const demand = await api(srv.url, large, 'POST', '/api/v1/demands', {
    enterprise: `${LARGE.slice(0, 8)}-${LARGE.slice(8)}`, title: '粘贴代码的采购需求', quantity: 10, unit: '台',
    deadline: '2099-01-01T00:00:00Z',
  });
  assert.equal(demand.status, 201, JSON.stringify(demand.body));
  assert.equal(demand.body.enterprise.uscc, LARGE);
  const relation = await api(srv.url, large, 'POST', '/api/v1/relations', {
    buyer_uscc: grouped(LARGE, '\u3000'), supplier_uscc: grouped(SME), chain: 'nev', segment: 'motor', annual_amount_fen: 100,
  });
  assert.ok(relation.status === 201 || relation.status === 200, JSON.stringify(relation.body));
  assert.equal(relation.body.buyer_uscc, LARGE);
  assert.equal(relation.body.supplier_uscc, SME);
});
