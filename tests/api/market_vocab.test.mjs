// The industrial vocabulary and query understanding over the API against a
// real `qilian serve` on the demo market: the words buyers type (马达, 电动机,
// 伺服马达, motor, 螺丝, 锂电池, 动力电池, 铝压铸, BMS, mixed Chinese and
// English) find what the market lists under other names, with explanations;
// 电机 never finds 电视机; the certification filter stays hard; the
// vocabulary is read by everyone, written only by the operator, audited, and
// an edit reaches matching at once; CSV export → import round-trips.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, api } from '../lib/server.mjs';

let srv, op, opMember, buyer, sme, bank;

before(async () => {
  srv = await startServer();
  [op, opMember, buyer, sme, bank] = await loginAll(srv.url, ['operator:admin', 'operator:member', 'large:member', 'sme:admin', 'bank:member']);
});
after(async () => { await srv.stop(); });

async function match(q, extra = '') {
  const r = await api(srv.url, buyer, 'GET', `/api/v1/match?q=${encodeURIComponent(q)}&limit=10${extra}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}
const titles = (m) => m.results.map((r) => r.supply.title);
const rankOf = (m, re) => titles(m).findIndex((t) => re.test(t));

test('马达, 电动机, 伺服马达 and motor find the permanent-magnet and the induction motors, never a television', async () => {
  for (const q of ['马达', '电动机', '伺服马达', 'motor', 'Motor 马达']) {
    const m = await match(q);
    assert.ok(rankOf(m, /永磁同步电机/) >= 0, `${q}: ${titles(m)}`);
    assert.ok(rankOf(m, /交流异步电机/) >= 0 || q === '伺服马达', `${q}: ${titles(m)}`);
    assert.equal(rankOf(m, /电视机/), -1, `${q}: ${titles(m)}`);
  }
  const m = await match('马达');
  const why = m.results.find((r) => /永磁同步电机/.test(r.supply.title)).explain.text.why;
  assert.ok(why.includes('马达 → 电机 (俗称)'), JSON.stringify(why));
  const t = m.understood.terms.find((x) => x.term === '电机');
  assert.equal(t.origin, 'vocabulary');
  assert.equal(t.explain, '马达 → 电机 (俗称)');
  assert.ok(m.understood.segments.some((s) => s.segment === 'nev/motor'), JSON.stringify(m.understood.segments));
  // the narrower-term explanation
  const s = await match('伺服电机');
  assert.ok(s.understood.terms.some((x) => x.explain === '伺服电机 ⊂ 电机 (下位词)'), JSON.stringify(s.understood.terms));
  // 电机 itself: motors, no television
  const e = await match('电机');
  assert.ok(e.results.length >= 5);
  assert.equal(rankOf(e, /电视机/), -1);
});

test('螺丝 finds the bolts; a required certification is still a hard filter', async () => {
  const m = await match('螺丝');
  assert.ok(m.results.length >= 2);
  for (const r of m.results) assert.match(r.supply.title, /螺栓/);
  const strict = await match('螺丝', '&certifications=IATF16949');
  assert.ok(strict.results.length >= 1);
  for (const r of strict.results) assert.ok(r.supply.certifications.includes('IATF16949'), r.supply.title);
  assert.ok(strict.results.length < m.results.length);
});

test('a whole compound outranks a listing sharing one of its characters or words', async () => {
  const li = await match('锂电池');
  const cell = rankOf(li, /动力电芯/), salt = rankOf(li, /氢氧化锂/);
  assert.ok(cell >= 0 && (salt === -1 || cell < salt), titles(li).join(' | '));
  const pb = await match('动力电池');
  assert.doesNotMatch(titles(pb)[0], /电解液/, titles(pb).join(' | '));
  assert.match(titles(pb)[0], /电芯|电池包/);
  const al = await match('铝压铸');
  assert.doesNotMatch(titles(al)[0], /电芯/, titles(al).join(' | '));
  assert.match(titles(al)[0], /压铸/);
  assert.ok(rankOf(al, /方形铝壳/) === -1 || rankOf(al, /方形铝壳/) > 0);
});

test('abbreviations, English and mixed queries', async () => {
  const bms = await match('BMS');
  assert.match(titles(bms)[0], /电池管理系统/);
  const mixed = await match('BMS 电池管理');
  assert.match(titles(mixed)[0], /电池管理系统/);
  const pcb = await api(srv.url, buyer, 'GET', `/api/v1/vocab/expand?q=${encodeURIComponent('PCB板 CNC加工')}`);
  assert.equal(pcb.status, 200);
  const terms = pcb.body.terms.map((t) => t.term);
  assert.ok(terms.includes('印制电路板'), terms.join(' '));
  assert.ok(terms.includes('数控加工'), terms.join(' '));
});

test('a demand\'s matches carry the understanding too', async () => {
  const list = await api(srv.url, buyer, 'GET', '/api/v1/demands?mine=1&limit=50');
  const d = list.body.items.find((x) => x.title.startsWith('采购永磁同步电机'));
  const r = await api(srv.url, buyer, 'GET', `/api/v1/demands/${d.id}/matches?limit=5`);
  assert.equal(r.status, 200);
  assert.ok(Array.isArray(r.body.understood.terms) && r.body.understood.terms.length > 0);
  assert.match(r.body.results[0].supply.title, /永磁同步电机/);
});

test('who may read and write the vocabulary; every write is audited and reaches matching at once', async () => {
  const all = await api(srv.url, bank, 'GET', '/api/v1/vocab?limit=5');
  assert.equal(all.status, 200);
  assert.ok(all.body.total >= 1500, `total ${all.body.total}`);
  const mada = await api(srv.url, sme, 'GET', `/api/v1/vocab?q=${encodeURIComponent('马达')}&kind=colloquial`);
  assert.ok(mada.body.items.some((e) => e.canonical === '电机' && e.term === '马达' && e.source));
  const entry = { canonical: '永磁同步电机', kind: 'colloquial', term: '磁电机子', weight: 90, source: 'api test' };
  for (const [who, token] of [['large', buyer], ['sme', sme], ['bank', bank]]) {
    const r = await api(srv.url, token, 'POST', '/api/v1/vocab', entry);
    assert.equal(r.status, 403, who);
  }
  let before = await match('磁电机子');
  assert.equal(rankOf(before, /永磁同步电机/), -1);
  const bad = await api(srv.url, op, 'POST', '/api/v1/vocab', { ...entry, kind: 'cousin' });
  assert.equal(bad.status, 422);
  const same = await api(srv.url, op, 'POST', '/api/v1/vocab', { ...entry, term: '永磁 同步电机' });
  assert.equal(same.status, 422);
  assert.equal(same.body.error.code, 'same_term');
  const made = await api(srv.url, opMember, 'POST', '/api/v1/vocab', entry);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const dup = await api(srv.url, op, 'POST', '/api/v1/vocab', entry);
  assert.equal(dup.status, 409);
  const after1 = await match('磁电机子');
  assert.match(titles(after1)[0], /永磁同步电机/);
  assert.ok(after1.results[0].explain.text.why.includes('磁电机子 → 永磁同步电机 (俗称)'));
  const patched = await api(srv.url, op, 'PATCH', `/api/v1/vocab/${made.body.id}`, { weight: 40 });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.weight, 40);
  assert.equal((await api(srv.url, buyer, 'PATCH', `/api/v1/vocab/${made.body.id}`, { weight: 50 })).status, 403);
  assert.equal((await api(srv.url, buyer, 'DELETE', `/api/v1/vocab/${made.body.id}`)).status, 403);
  const gone = await api(srv.url, op, 'DELETE', `/api/v1/vocab/${made.body.id}`);
  assert.equal(gone.status, 200);
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/vocab/${made.body.id}`)).status, 404);
  const after2 = await match('磁电机子');
  assert.equal(rankOf(after2, /永磁同步电机/), -1);
  const audit = await api(srv.url, op, 'GET', '/api/v1/audit?limit=20');
  const actions = audit.body.items.map((a) => a.action);
  for (const a of ['vocab.add', 'vocab.update', 'vocab.remove']) assert.ok(actions.includes(a), actions.join(' '));
});

test('CSV: export, import (upsert, all rows or none), operator only', async () => {
  const exp = await api(srv.url, buyer, 'GET', '/api/v1/vocab/export');
  assert.equal(exp.status, 200);
  const lines = exp.body.trim().split('\n');
  assert.equal(lines[0], 'canonical,kind,term,weight,source');
  assert.ok(lines.length > 1500);
  const csv = 'canonical,kind,term,weight,source\n电机,colloquial,马达,85,GB/T 2900.25\n电机,colloquial,电驴子芯,50,csv test\n';
  const h = { 'content-type': 'text/csv' };
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/vocab/import', csv, h)).status, 403);
  const ok = await api(srv.url, op, 'POST', '/api/v1/vocab/import', csv, h);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.inserted, 1);
  assert.equal(ok.body.updated, 1);
  const rejected = await api(srv.url, op, 'POST', '/api/v1/vocab/import',
    'canonical,kind,term,weight,source\n电机,colloquial,另一个词,50,x\n电机,cousin,坏行,50,x\n', h);
  assert.equal(rejected.status, 422);
  assert.equal(rejected.body.report.errors[0].line, 3);
  const none = await api(srv.url, op, 'GET', `/api/v1/vocab?q=${encodeURIComponent('另一个词')}`);
  assert.equal(none.body.items.length, 0);
});

test('concurrent matches while the operator edits the vocabulary: every answer is whole, the last edit wins', async () => {
  const term = 'qxzw'; // a word no listing and no other entry has
  const matches = [];
  const edits = [];
  for (let i = 0; i < 6; i++) {
    edits.push((async () => {
      const made = await api(srv.url, op, 'POST', '/api/v1/vocab', { canonical: '电机', kind: 'colloquial', term: `${term}${i}`, weight: 80, source: 'concurrency test' });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      return made.body.id;
    })());
    for (let j = 0; j < 4; j++) matches.push(api(srv.url, buyer, 'GET', `/api/v1/match?q=${encodeURIComponent(j % 2 ? '马达' : `${term}${i}`)}&limit=5`));
  }
  const ids = await Promise.all(edits);
  for (const r of await Promise.all(matches)) {
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(Array.isArray(r.body.results));
  }
  // every edit is visible now, and only to its own word
  for (let i = 0; i < 6; i++) {
    const m = await match(`${term}${i}`);
    assert.ok(rankOf(m, /电机/) >= 0, `${term}${i}: ${titles(m)}`);
    assert.ok(m.results[0].explain.text.why.some((w) => w.startsWith(`${term}${i} → 电机`)), JSON.stringify(m.results[0].explain.text.why));
  }
  await Promise.all(ids.map((id) => api(srv.url, op, 'DELETE', `/api/v1/vocab/${id}`)));
  const gone = await match(`${term}0`);
  assert.equal(rankOf(gone, /电机/), -1);
});
