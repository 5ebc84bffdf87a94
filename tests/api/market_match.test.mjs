// Market matching over the API against a real `qilian serve` on the demo
// database: a demand's ranked supplies and enterprises with explanations
// whose parts add up to the score, words not characters (电机 never finds
// 电视机), the certification hard filter, who may see an invited demand's
// matches, a supply's ranked demands, free text with validation, the index
// following new and withdrawn listings at once, matches-shown statistics,
// and the index statistics for the operator only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, api } from '../lib/server.mjs';

const LARGE = '91320500MA1MX4QF3P'; // the large organisation's enterprise
const SME = '91320583MA1QEW0025'; // the SME organisation's enterprise
const FUTURE = '2031-06-30T00:00:00Z';

let srv, op, large, sme, bank;
before(async () => {
  srv = await startServer();
  [op, large, sme, bank] = await loginAll(srv.url, ['operator:admin', 'large:admin', 'sme:admin', 'bank:member']);
});
after(async () => { await srv.stop(); });

async function demand(token, body) {
  const r = await api(srv.url, token, 'POST', '/api/v1/demands', { enterprise: LARGE, deadline: FUTURE, ...body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

function explainedSum(e) {
  return e.text.score + e.segment + e.region.score + e.level.score + e.scorecard.score;
}

test('a demand ranks supplies by words with every factor explained, never 电视机 for 电机', async () => {
  const d = await demand(large, {
    title: '采购永磁同步电机', description: '新能源乘用车驱动电机，峰值功率150kW', chain: 'nev', segment: 'motor',
    region: '320505', quantity: 2000, unit: '台',
  });
  const r = await api(srv.url, large, 'GET', `/api/v1/demands/${d.id}/matches?limit=20`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const results = r.body.results;
  assert.ok(results.length >= 3, JSON.stringify(r.body));
  assert.equal(r.body.demand.id, d.id);
  for (const [i, x] of results.entries()) {
    assert.equal(x.rank, i + 1);
    if (i) assert.ok(results[i - 1].score >= x.score, 'best first');
    assert.ok(!/电视机/.test(x.supply.title + x.supply.description), `电机 must not find 电视机: ${x.supply.title}`);
    assert.ok(Math.abs(explainedSum(x.explain) - x.score) < 1e-6, JSON.stringify(x.explain));
    assert.notEqual(x.supply.enterprise.uscc, LARGE, 'never the demand\'s own enterprise');
  }
  const top = results[0];
  assert.ok(top.explain.text.terms.includes('电机'), JSON.stringify(top.explain));
  assert.ok(top.explain.text.terms.every((t) => [...t].length > 1), 'no single characters as matched words');
  assert.equal(top.explain.segment, 3, 'the motor segment matches');
  assert.ok(['county', 'city', 'province', null].includes(top.explain.region.level));
  assert.ok(r.body.enterprises.length > 0);
  assert.ok(r.body.enterprises.every((e) => e.source === 'supply' || e.source === 'capability'));
  assert.equal(typeof r.body.took_ms, 'number');

  // The same words as free text find no 电视机 either, and 电视机 finds only those.
  const t = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('电机') + '&limit=50');
  assert.equal(t.status, 200, JSON.stringify(t.body));
  assert.ok(t.body.results.length > 0);
  assert.ok(t.body.results.every((x) => !/电视机/.test(x.supply.title + x.supply.description)));
  const tv = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('电视机'));
  assert.ok(tv.body.results.length > 0, 'the demo data has 电视机 supplies');
  assert.ok(tv.body.results.every((x) => /电视机/.test(x.supply.title + x.supply.description)));
});

test('required certifications are a hard filter', async () => {
  const open = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('电机 轴承 模具') + '&limit=100');
  const certified = await api(srv.url, bank, 'GET',
    '/api/v1/match?q=' + encodeURIComponent('电机 轴承 模具') + '&certifications=iatf16949&limit=100');
  assert.equal(certified.status, 200);
  assert.ok(certified.body.results.length > 0);
  assert.ok(certified.body.results.length < open.body.results.length, 'some supplies lack IATF16949');
  assert.ok(certified.body.results.every((x) => x.supply.certifications.includes('IATF16949')));
  const none = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('电机') + '&certifications=NOSUCHCERT');
  assert.deepEqual(none.body.results, []);

  const d = await demand(large, { title: '采购驱动电机', certifications: ['IATF16949', 'ISO9001'] });
  const m = await api(srv.url, large, 'GET', `/api/v1/demands/${d.id}/matches`);
  assert.ok(m.body.results.every((x) => ['IATF16949', 'ISO9001'].every((c) => x.supply.certifications.includes(c))));
});

test('free text is validated: words required, real regions and segments only', async () => {
  for (const [qs, field] of [['', 'q'], ['q=%E7%94%B5%E6%9C%BA&region=999999', 'region'],
    ['q=%E7%94%B5%E6%9C%BA&chain=nev', 'segment'], ['q=%E7%94%B5%E6%9C%BA&chain=nev&segment=nosuch', 'segment'],
    ['q=%E7%94%B5%E6%9C%BA&limit=0', 'limit'], ['q=%E7%94%B5%E6%9C%BA&limit=101', 'limit']]) {
    const r = await api(srv.url, bank, 'GET', '/api/v1/match?' + qs);
    assert.equal(r.status, 422, qs + ' ' + JSON.stringify(r.body));
    assert.equal(r.body.error.field, field, JSON.stringify(r.body));
  }
  assert.equal((await api(srv.url, bank, 'GET', '/api/v1/match?q=x&colour=red')).status, 422, 'undeclared parameter');
  assert.equal((await api(srv.url, null, 'GET', '/api/v1/match?q=x')).status, 401);
});

test('an invited demand\'s matches are as private as the demand; a supply ranks the demands its owner may read', async () => {
  const secret = await demand(large, {
    title: '定向采购扁线永磁同步电机', description: '仅邀请供应商报价', chain: 'nev', segment: 'motor', visibility: 'invited',
  });
  assert.equal((await api(srv.url, large, 'GET', `/api/v1/demands/${secret.id}/matches`)).status, 200);
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/demands/${secret.id}/matches`)).status, 200);
  for (const t of [sme, bank]) {
    const r = await api(srv.url, t, 'GET', `/api/v1/demands/${secret.id}/matches`);
    assert.equal(r.status, 404, JSON.stringify(r.body));
  }
  const pub = await demand(large, {
    title: '公开采购扁线永磁同步电机', description: '油冷扁线电机', chain: 'nev', segment: 'motor', region: '320583',
  });
  const s = await api(srv.url, sme, 'POST', '/api/v1/supplies', {
    enterprise: SME, title: '扁线永磁同步电机', description: '油冷扁线 峰值功率180kW', chain: 'nev', segment: 'motor',
    regions: ['32'],
  });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  const m = await api(srv.url, sme, 'GET', `/api/v1/supplies/${s.body.id}/matches?limit=50`);
  assert.equal(m.status, 200, JSON.stringify(m.body));
  const ids = m.body.results.map((x) => x.demand.id);
  assert.ok(ids.includes(pub.id), JSON.stringify(ids));
  assert.ok(!ids.includes(secret.id), 'an uninvited supplier never sees the invited demand');
  assert.ok(m.body.results.every((x) => x.demand.status === 'open'));
  // Invited, the supplier sees it among its matches.
  const inv = await api(srv.url, large, 'POST', `/api/v1/demands/${secret.id}/invitations`, { suppliers: [SME] });
  assert.ok(inv.status === 200 || inv.status === 201, JSON.stringify(inv.body));
  const m2 = await api(srv.url, sme, 'GET', `/api/v1/supplies/${s.body.id}/matches?limit=50`);
  assert.ok(m2.body.results.some((x) => x.demand.id === secret.id), JSON.stringify(m2.body.results.map((x) => x.demand.id)));
  // A cancelled demand drops out.
  assert.equal((await api(srv.url, large, 'DELETE', `/api/v1/demands/${pub.id}`)).status, 200);
  const m3 = await api(srv.url, sme, 'GET', `/api/v1/supplies/${s.body.id}/matches?limit=50`);
  assert.ok(!m3.body.results.some((x) => x.demand.id === pub.id));
});

test('the index follows new, changed and withdrawn supplies at once', async () => {
  const word = 'QLZX8871 钛合金蜂窝夹层板';
  const q = '/api/v1/match?q=QLZX8871';
  assert.deepEqual((await api(srv.url, bank, 'GET', q)).body.results, []);
  const s = await api(srv.url, sme, 'POST', '/api/v1/supplies', { enterprise: SME, title: word, description: '航空级' });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  const found = await api(srv.url, bank, 'GET', q);
  assert.deepEqual(found.body.results.map((x) => x.supply.id), [s.body.id]);
  assert.equal((await api(srv.url, sme, 'PATCH', `/api/v1/supplies/${s.body.id}`, { title: '碳纤维复合材料' })).status, 200);
  assert.deepEqual((await api(srv.url, bank, 'GET', q)).body.results, [], 'the old words are gone');
  const moved = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('碳纤维复合材料'));
  assert.ok(moved.body.results.some((x) => x.supply.id === s.body.id));
  assert.equal((await api(srv.url, sme, 'DELETE', `/api/v1/supplies/${s.body.id}`)).status, 200);
  const gone = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('碳纤维复合材料'));
  assert.ok(!gone.body.results.some((x) => x.supply.id === s.body.id));
});

test('matches shown are counted for the platform statistics; index statistics are the operator\'s', async () => {
  const before = await api(srv.url, op, 'GET', '/api/v1/market/stats');
  assert.equal(before.status, 200, JSON.stringify(before.body));
  const r = await api(srv.url, bank, 'GET', '/api/v1/match?q=' + encodeURIComponent('电机') + '&region=320505');
  const after = await api(srv.url, op, 'GET', '/api/v1/market/stats');
  const shown = (b) => JSON.stringify(b.totals ?? b);
  assert.notEqual(shown(after.body), shown(before.body), 'the statistics moved');
  assert.ok(r.body.results.length > 0);

  const ix = await api(srv.url, op, 'GET', '/api/v1/market/index');
  assert.equal(ix.status, 200);
  assert.ok(ix.body.supplies.alive > 0 && ix.body.supplies.postings > 0 && ix.body.supplies.bytes > 0, JSON.stringify(ix.body));
  for (const t of [large, sme, bank]) assert.equal((await api(srv.url, t, 'GET', '/api/v1/market/index')).status, 403);
});
