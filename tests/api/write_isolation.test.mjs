// Write isolation against a real `qilian serve` (docs/operations.md, "Isolation on PostgreSQL").
// On PostgreSQL (SERIALIZABLE by default): a write transaction of another client that holds one
// row does not hold up writes of other rows, and a write of that row waits for it and then
// succeeds (its serialisation failure is run again by the server, never a 500). On both
// backends: concurrent conflicting writes - awards of one demand, bookings of one window,
// supply publishes on the one change counter - never answer 5xx, and the invariant holds in
// the database afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, loginAll, api, PG, psql } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin, submitQuote, sqlite } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';

const SERIALIZABLE = PG && (process.env.QILIAN_PG_WRITES || '') !== 'lock';
const U = { buyer: makeUscc('320506', 'WXG000001'), a: makeUscc('320583', 'WXG000002'), b: makeUscc('330102', 'WXG000003') };
const RESOURCE = {
  type: 'test_site', name: '隔离测试试验台', description: '并发写入', region: '320506', address: '吴中区 试验场路 9号',
  capacity: 2, price_sme_fen: 1000, price_large_fen: 2000, price_other_fen: 1500, approval: 'instant',
  opening_hours: ['daily 00:00-24:00'], min_minutes: 60, max_minutes: 1440, horizon_days: 30,
};

let srv, op, buyer, supA, supB, sme;
before(async () => {
  srv = await startServer();
  [op, buyer, supA, sme] = await loginAll(srv.url, ['operator:admin', 'large:member', 'sme:admin', 'sme:member']);
  supB = await smeWithAdmin(srv.url, op, '杭州隔离轴承有限公司', 'iso-b@qilian.test');
  await registerEnterprise(srv.url, buyer, U.buyer, '隔离测试整车厂', { region: '320506', level: 'provincial' });
  await registerEnterprise(srv.url, supA, U.a, '隔离测试电机厂', { region: '320583', level: 'provincial' });
  await registerEnterprise(srv.url, supB, U.b, '隔离测试轴承厂', { region: '330102', level: 'provincial' });
});
after(async () => { await srv.stop(); });

function hoursFromNow(h) {
  return new Date(Math.ceil(Date.now() / 3600000) * 3600000 + h * 3600000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
const no5xx = (rs) => assert.ok(rs.every((r) => r.status < 500), rs.map((r) => `${r.status} ${r.body?.error?.code ?? ''}`).join(','));
const retries = () => (srv.log().match(/serialisation conflict/g) || []).length;

async function resource() {
  const r = await api(srv.url, buyer, 'POST', '/api/v1/resources', RESOURCE);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

test('another writer holding one row holds up only the writes of that row', { skip: !PG && 'PostgreSQL only' }, async () => {
  const [r1, r2] = [await resource(), await resource()];
  // A slow writer of another server, started as the server starts its writes: it has written
  // resource r1 and keeps its transaction open 2 s (QILIAN_PG_WRITES=lock: under the write lock).
  const begin = SERIALIZABLE ? 'BEGIN ISOLATION LEVEL SERIALIZABLE;' : 'BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(7451001);';
  const holder = spawn('psql', ['-XtAq', '-v', 'ON_ERROR_STOP=1', srv.db, '-c',
    `${begin} UPDATE resources SET capacity=capacity WHERE id=${r1}; SELECT pg_sleep(2); COMMIT;`], { stdio: 'ignore' });
  let holding = false;
  const ended = new Promise((resolve) => holder.on('exit', (code) => { holding = false; resolve(code); }));
  for (let i = 0; i < 100 && !holding; i++) {
    holding = psql(`SELECT count(*) FROM pg_stat_activity WHERE state='active' AND query LIKE '%pg_sleep(2)%' AND pid<>pg_backend_pid()`, srv.db) === '1';
    if (!holding) await sleep(20);
  }
  assert.ok(holding, 'the holder runs');
  // Writes of other rows, several at once: serialisable, they go through meanwhile; under the
  // write lock they wait for the holder.
  const t0 = Date.now();
  const others = await Promise.all([
    api(srv.url, buyer, 'PATCH', `/api/v1/resources/${r2}`, { capacity: 5 }),
    api(srv.url, sme, 'POST', `/api/v1/resources/${r2}/bookings`, { starts_at: hoursFromNow(30), ends_at: hoursFromNow(31) }),
    api(srv.url, sme, 'POST', '/api/v1/supplies', { enterprise: '91320583MA1QEW0025', title: '隔离测试电机', description: '并发' }),
  ]);
  const took = Date.now() - t0;
  assert.deepEqual(others.map((r) => r.status), [200, 201, 201], JSON.stringify(others.map((r) => r.body)));
  if (SERIALIZABLE) {
    assert.ok(holding, `the holder still holds r${r1} when the other writes are done (${took} ms)`);
    assert.ok(took < 1500, `other rows' writes took ${took} ms`);
  } else {
    assert.ok(!holding, `under the write lock the other writes waited for the holder (${took} ms)`);
  }
  // The same row waits for the holder's commit (serialisable: loses to it, is run again by the server) and succeeds.
  const same = await api(srv.url, buyer, 'PATCH', `/api/v1/resources/${r1}`, { capacity: 7 });
  assert.equal(same.status, 200, JSON.stringify(same.body));
  assert.equal(await ended, 0);
  assert.equal(sqlite(srv.db, `SELECT capacity FROM resources WHERE id=${r1}`), '7');
  assert.equal(sqlite(srv.db, `SELECT capacity FROM resources WHERE id=${r2}`), '5');
});

test('concurrent awards of one demand: one wins, the rest are 409, one order', async (t) => {
  const d = await api(srv.url, buyer, 'POST', '/api/v1/demands', {
    enterprise: U.buyer, title: '采购隔离测试电机', description: '驱动电机', quantity: 100, unit: '台', region: '320505',
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  const q = { quantity: 100, lead_time_days: 20, valid_until: '2099-12-31' };
  const qa = await submitQuote(srv.url, supA, d.body.id, { enterprise: U.a, unit_price_fen: 9000, ...q });
  const qb = await submitQuote(srv.url, supB, d.body.id, { enterprise: U.b, unit_price_fen: 8500, ...q });
  const closed = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d.body.id}/close`); // unseals the quotes
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  const before = retries();
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    api(srv.url, buyer, 'POST', `/api/v1/demands/${d.body.id}/award`, { quotes: [i % 2 ? qa.id : qb.id] })));
  no5xx(rs);
  assert.equal(rs.filter((r) => r.status === 201).length, 1, rs.map((r) => r.status).join(','));
  for (const r of rs.filter((x) => x.status !== 201)) assert.equal(r.body.error.code, 'demand_not_open', JSON.stringify(r.body));
  assert.equal(sqlite(srv.db, `SELECT count(*) FROM orders WHERE demand_id=${d.body.id}`), '1');
  assert.equal(sqlite(srv.db, `SELECT status FROM demands WHERE id=${d.body.id}`), 'awarded');
  t.diagnostic(`requests run again after a serialisation conflict: ${retries() - before}`);
});

test('concurrent bookings of one window and publishes on one counter: no 5xx, capacity and stamps kept', async (t) => {
  const r = await resource();
  const w = { starts_at: hoursFromNow(50), ends_at: hoursFromNow(52) };
  const before = retries();
  const rs = await Promise.all([
    ...Array.from({ length: 24 }, (_, i) => api(srv.url, i % 2 ? sme : supA, 'POST', `/api/v1/resources/${r}/bookings`, w)),
    ...Array.from({ length: 24 }, (_, i) => api(srv.url, sme, 'POST', '/api/v1/supplies',
      { enterprise: '91320583MA1QEW0025', title: `隔离并发发布 ${i}`, description: '同一计数器' })),
  ]);
  no5xx(rs);
  const bookings = rs.slice(0, 24), supplies = rs.slice(24);
  assert.equal(bookings.filter((x) => x.status === 201).length, 2, bookings.map((x) => x.status).join(','));
  for (const x of bookings.filter((y) => y.status !== 201)) assert.equal(x.body.error.code, 'no_capacity');
  assert.equal(sqlite(srv.db, `SELECT coalesce(sum(units),0) FROM bookings WHERE resource_id=${r} AND state IN ('requested','approved','checked_in','offered')`), '2');
  assert.ok(supplies.every((x) => x.status === 201), supplies.map((x) => x.status).join(','));
  // every publish stamped with its own value of the counter, none above it
  const seqs = sqlite(srv.db, "SELECT count(DISTINCT seq) || ' ' || count(*) || ' ' || (max(seq) <= (SELECT version FROM change_counters WHERE name='supplies')) FROM supplies WHERE title LIKE '隔离并发发布 %'");
  assert.match(seqs, /^24 24 (1|t|true)$/);
  t.diagnostic(`requests run again after a serialisation conflict: ${retries() - before}`);
});
