// Market listings over the API against a real `qilian serve`: supply and
// demand CRUD with strict validation and normalised lists, who may change a
// listing (its enterprise's organisation or the operator), invited-only
// demands hidden from everyone else, CSV import (all rows or none, errors
// by line) and an export that imports back to the same bytes, and
// subscriptions: a published demand reaches the matching subscriber's inbox
// at once, once, never for 电视机 when the keyword is 电机; read/unread and
// the unread count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, api } from '../lib/server.mjs';

const LARGE = '91320500MA1MX4QF3P'; // 苏州汇川 (the large organisation's)
const SME = '91320583MA1QEW0025'; // 昆山精锐电驱 (the SME organisation's)
const csv = { 'content-type': 'text/csv' };
const FUTURE = '2031-06-30T00:00:00Z';

let srv, op, large, largeMember, sme, smeMember, bank;
before(async () => {
  srv = await startServer();
  [op, large, largeMember, sme, smeMember, bank] = await loginAll(srv.url,
    ['operator:admin', 'large:admin', 'large:member', 'sme:admin', 'sme:member', 'bank:member']);
});
after(async () => { await srv.stop(); });

test('supply CRUD: normalised lists, strict fields, only the owner changes it, withdraw', async () => {
  const r = await api(srv.url, sme, 'POST', '/api/v1/supplies', {
    enterprise: SME, title: '扁线油冷永磁同步电机', description: '峰值功率150kW', chain: 'nev', segment: 'motor',
    capacity: 120000, unit: '台', min_order: 100, regions: ['3205', '320000', '32', '330000'],
    certifications: [' iso9001', 'IATF16949', 'iatf16949 '],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const s = r.body;
  assert.deepEqual(s.regions, ['32', '3205', '33']);
  assert.deepEqual(s.certifications, ['IATF16949', 'ISO9001']);
  assert.equal(s.segment_name, '驱动电机');
  assert.equal(s.enterprise.uscc, SME);
  assert.equal(s.status, 'active');

  const bad = [
    [{ title: '' }, 'title'], [{ regions: ['99'] }, 'regions'], [{ chain: 'nev' }, 'segment'],
    [{ segment: 'nosuch', chain: 'nev' }, 'segment'], [{ capacity: -1 }, 'capacity'], [{ colour: 'red' }, 'colour'],
    [{ certifications: ['a;b'] }, 'certifications'], [{ title: 'x'.repeat(201) }, 'title'],
  ];
  for (const [patch, field] of bad) {
    const p = await api(srv.url, sme, 'PATCH', `/api/v1/supplies/${s.id}`, patch);
    assert.equal(p.status, 422, JSON.stringify([patch, p.body]));
    assert.equal(p.body.error.field, field, JSON.stringify(p.body));
  }
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/supplies/${s.id}`)).body.title, '扁线油冷永磁同步电机', 'nothing changed');
  assert.equal((await api(srv.url, large, 'PATCH', `/api/v1/supplies/${s.id}`, { title: '抢' })).status, 403);
  assert.equal((await api(srv.url, large, 'DELETE', `/api/v1/supplies/${s.id}`)).status, 403);
  assert.equal((await api(srv.url, bank, 'POST', '/api/v1/supplies', { enterprise: SME, title: 'x' })).status, 403);
  assert.equal((await api(srv.url, large, 'POST', '/api/v1/supplies', { enterprise: SME, title: 'x' })).status, 403,
    'a listing is published for an enterprise of the caller\'s own organisation');

  const ok = await api(srv.url, smeMember, 'PATCH', `/api/v1/supplies/${s.id}`, { title: '扁线油冷电机 150kW', capacity: null });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.capacity, null);
  assert.deepEqual(ok.body.regions, ['32', '3205', '33'], 'fields not in the patch stay');
  const opEdit = await api(srv.url, op, 'PATCH', `/api/v1/supplies/${s.id}`, { chain: null, segment: null });
  assert.equal(opEdit.status, 200);
  assert.equal(opEdit.body.chain, null);

  const found = await api(srv.url, bank, 'GET', '/api/v1/supplies?q=' + encodeURIComponent('油冷 电机') + '&region=320505');
  assert.ok(found.body.items.some((x) => x.id === s.id), JSON.stringify(found.body));
  const notFound = await api(srv.url, bank, 'GET', '/api/v1/supplies?q=' + encodeURIComponent('电视机'));
  assert.ok(!notFound.body.items.some((x) => x.id === s.id));
  const mine = await api(srv.url, sme, 'GET', `/api/v1/supplies?enterprise=${SME}&limit=1`);
  assert.equal(mine.body.items.length, 1);
  assert.ok(mine.body.items[0].id >= s.id, 'newest first');

  const w = await api(srv.url, sme, 'DELETE', `/api/v1/supplies/${s.id}`);
  assert.equal(w.status, 200);
  assert.equal(w.body.status, 'withdrawn');
  assert.equal((await api(srv.url, sme, 'PATCH', `/api/v1/supplies/${s.id}`, { title: 'again' })).status, 409);
  assert.equal((await api(srv.url, sme, 'DELETE', `/api/v1/supplies/${s.id}`)).status, 409);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/supplies/999999999')).status, 404);
});

test('demands: validation, and an invited-only demand is visible to its owner and the operator only', async () => {
  const base = { enterprise: LARGE, title: '采购精密轴承（定向邀请）', quantity: 500, unit: '套', budget_fen: 5000000,
    deadline: FUTURE, region: '320506', certifications: ['iatf16949'], visibility: 'invited' };
  for (const [patch, field] of [[{ deadline: '2020-01-01T00:00:00Z' }, 'deadline'], [{ deadline: '2031-02-30T00:00:00Z' }, 'deadline'],
    [{ quantity: 0 }, 'quantity'], [{ budget_fen: -1 }, 'budget_fen'], [{ region: '999999' }, 'region'],
    [{ visibility: 'secret' }, 'visibility']]) {
    const r = await api(srv.url, large, 'POST', '/api/v1/demands', { ...base, ...patch });
    assert.equal(r.status, 422, JSON.stringify([patch, r.body]));
    assert.equal(r.body.error.field, field);
  }
  const r = await api(srv.url, large, 'POST', '/api/v1/demands', base);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const d = r.body;
  assert.equal(d.status, 'open');
  assert.deepEqual(d.certifications, ['IATF16949']);
  assert.equal((await api(srv.url, largeMember, 'GET', `/api/v1/demands/${d.id}`)).status, 200);
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/demands/${d.id}`)).status, 200);
  for (const t of [sme, bank]) {
    assert.equal((await api(srv.url, t, 'GET', `/api/v1/demands/${d.id}`)).status, 404);
    // An SME may write listings, but not see this one: 404 (a bank may not write any: 403 at the route).
    assert.equal((await api(srv.url, t, 'PATCH', `/api/v1/demands/${d.id}`, { title: 'x' })).status, t === sme ? 404 : 403);
    const list = await api(srv.url, t, 'GET', '/api/v1/demands?limit=500');
    assert.ok(!list.body.items.some((x) => x.id === d.id));
  }
  const mine = await api(srv.url, largeMember, 'GET', '/api/v1/demands?mine=1&limit=500');
  assert.ok(mine.body.items.some((x) => x.id === d.id));
  assert.ok(mine.body.items.every((x) => x.enterprise.uscc === LARGE || x.enterprise.uscc.length === 18));
  const c = await api(srv.url, large, 'DELETE', `/api/v1/demands/${d.id}`);
  assert.equal(c.body.status, 'cancelled');
  assert.equal((await api(srv.url, large, 'PATCH', `/api/v1/demands/${d.id}`, { title: 'x' })).status, 409);
});

test('CSV import is all or nothing with line numbers; export imports back to the same bytes', async () => {
  const header = 'uscc,title,description,chain,segment,regions,certifications';
  const badFile = [header,
    `${SME},导入测试 定子,"多行
描述, 含逗号",nev,motor,32;3205,iso9001`,
    `${SME},,缺标题,,,32,`,
    `${SME},区域错误,,,,99,`,
    `${SME},环节错误,,nev,nosuch,32,`,
    `91320583MA1N2L8E6X,代码错误,,,,,`,
    ''].join('\n');
  const bad = await api(srv.url, sme, 'POST', '/api/v1/supplies/import', badFile, csv);
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  assert.deepEqual(bad.body.report.errors.map((e) => [e.line, e.field]),
    [[4, 'title'], [5, 'regions'], [6, 'segment'], [7, 'uscc']]);
  const before = await api(srv.url, bank, 'GET', '/api/v1/supplies?q=' + encodeURIComponent('导入测试'));
  assert.equal(before.body.items.length, 0, 'nothing was imported');
  const other = await api(srv.url, large, 'POST', '/api/v1/supplies/import', `${header}\n${SME},别人的,,,,,\n`, csv);
  assert.equal(other.status, 422);
  assert.equal(other.body.report.errors[0].code, 'not_owner');

  const good = [header, `${SME},导入测试 定子,"多行\n描述, 含逗号",nev,motor,3205;320000,iso9001; iatf16949`,
    `${SME},导入测试 转子,,,,,`, ''].join('\n');
  const ok = await api(srv.url, sme, 'POST', '/api/v1/supplies/import', good, csv);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual([ok.body.rows, ok.body.inserted, ok.body.error_count], [2, 2, 0]);
  const got = await api(srv.url, bank, 'GET', '/api/v1/supplies?q=' + encodeURIComponent('导入测试 定子'));
  assert.equal(got.body.items.length, 1);
  assert.deepEqual(got.body.items[0].regions, ['32', '3205']);
  assert.deepEqual(got.body.items[0].certifications, ['IATF16949', 'ISO9001']);
  assert.equal(got.body.items[0].description, '多行\n描述, 含逗号');

  for (const kind of ['supplies', 'demands']) {
    const e1 = await api(srv.url, op, 'GET', `/api/v1/${kind}/export`);
    assert.equal(e1.status, 200);
    assert.match(e1.headers.get('content-type'), /text\/csv/);
    const [head, ...rows] = e1.body.trimEnd().split('\n');
    const again = await api(srv.url, op, 'POST', `/api/v1/${kind}/import`, e1.body, csv);
    assert.equal(again.status, 200, JSON.stringify(again.body).slice(0, 500));
    const e2 = await api(srv.url, op, 'GET', `/api/v1/${kind}/export`);
    // The file imported again is appended to the market row for row, byte for byte.
    assert.equal(e2.body, e1.body + e1.body.slice(head.length + 1), kind);
    assert.ok(rows.length > 0);
  }
});

test('subscriptions: a published demand notifies the matching subscriber once, within a second', async () => {
  const sub = await api(srv.url, sme, 'POST', '/api/v1/subscriptions',
    { enterprise: SME, name: '电机需求', keywords: ['电机', ' 电机 '], regions: ['32'], segments: [] });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  assert.deepEqual(sub.body.keywords, ['电机']);
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/subscriptions', { enterprise: SME, keywords: ['！！'] })).status, 422);
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/subscriptions', { enterprise: SME, segments: ['nev/nosuch'] })).status, 422);
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/subscriptions', { enterprise: LARGE, keywords: ['电机'] })).status, 403);
  // The buyer subscribes too: its own demands never notify it.
  assert.equal((await api(srv.url, large, 'POST', '/api/v1/subscriptions', { enterprise: LARGE, keywords: ['电机'] })).status, 201);
  const listed = await api(srv.url, smeMember, 'GET', '/api/v1/subscriptions');
  assert.ok(listed.body.items.some((x) => x.id === sub.body.id));
  assert.ok(!(await api(srv.url, bank, 'GET', '/api/v1/subscriptions')).body.items.some((x) => x.id === sub.body.id));

  await api(srv.url, sme, 'POST', '/api/v1/inbox/read-all');
  const count0 = (await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body.unread;
  assert.equal(count0, 0);
  const largeCount0 = (await api(srv.url, large, 'GET', '/api/v1/inbox/count')).body.unread;

  const demand = { enterprise: LARGE, title: '采购永磁同步电机 3000台', description: '纯电平台', chain: 'nev', segment: 'motor',
    quantity: 3000, unit: '台', budget_fen: 540000000, deadline: FUTURE, region: '320506' };
  const t0 = Date.now();
  const d = await api(srv.url, large, 'POST', '/api/v1/demands', demand);
  assert.equal(d.status, 201, JSON.stringify(d.body));
  let inbox;
  do {
    inbox = await api(srv.url, smeMember, 'GET', '/api/v1/inbox?unread=1');
  } while (!inbox.body.items.some((n) => n.object_id === d.body.id) && Date.now() - t0 < 1000);
  const note = inbox.body.items.find((n) => n.object_id === d.body.id);
  assert.ok(note, 'notified within one second');
  assert.equal(note.kind, 'demand_match');
  assert.equal(note.read, false);
  assert.equal(note.enterprise.uscc, SME);
  assert.deepEqual(note.detail.keywords, ['电机']);
  assert.equal(note.detail.subscription, sub.body.id);
  assert.equal((await api(srv.url, large, 'GET', '/api/v1/inbox/count')).body.unread, largeCount0, 'not the buyer itself');

  // 电视机 is not 电机; outside the regions; invited-only: no notifications.
  for (const extra of [{ title: '采购液晶电视机外壳', segment: undefined, chain: undefined },
    { title: '采购驱动电机', region: '330212' }, { title: '采购驱动电机（邀请）', visibility: 'invited' }]) {
    const body = { ...demand, ...extra };
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    assert.equal((await api(srv.url, large, 'POST', '/api/v1/demands', body)).status, 201);
  }
  // Editing the matching demand does not notify again.
  assert.equal((await api(srv.url, large, 'PATCH', `/api/v1/demands/${d.body.id}`, { description: '纯电平台，电机扁线' })).status, 200);
  const count1 = (await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body;
  assert.deepEqual(count1, { unread: 1 });

  // Another organisation cannot mark it; the SME member can.
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/inbox/${note.id}/read`)).status, 404);
  assert.equal((await api(srv.url, smeMember, 'POST', `/api/v1/inbox/${note.id}/read`)).status, 200);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body.unread, 0);
  const all = await api(srv.url, sme, 'GET', '/api/v1/inbox');
  assert.equal(all.body.items.find((n) => n.id === note.id).read, true);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/inbox?unread=1')).body.items.length, 0);

  // Deleting the subscription stops further notifications.
  assert.equal((await api(srv.url, large, 'DELETE', `/api/v1/subscriptions/${sub.body.id}`)).status, 404);
  assert.equal((await api(srv.url, sme, 'DELETE', `/api/v1/subscriptions/${sub.body.id}`)).status, 200);
  assert.equal((await api(srv.url, large, 'POST', '/api/v1/demands', { ...demand, title: '再采购电机' })).status, 201);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body.unread, 0);
  const marked = await api(srv.url, large, 'POST', '/api/v1/inbox/read-all');
  assert.equal(marked.status, 200);
});
