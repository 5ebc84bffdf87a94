// Idempotency-Key on the market's writes that a client retries (publishing a supply or a
// demand, submitting a quote): a repeated request answers the first one's record and writes
// nothing, the key with another body is 409, concurrent repeats make one record, and keys are
// per organisation. The cluster test (tests/cluster/run) relies on this when a server dies
// mid-request and the load balancer or the client sends the request again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, api, cli, PG, psql } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';

const SME = '91320583MA1QEW0025';
const LARGE = '91320500MA1MX4QF3P';
const key = (k) => ({ 'idempotency-key': k });

let srv, sme, large, op;
before(async () => {
  srv = await startServer();
  [sme, large, op] = await loginAll(srv.url, ['sme:admin', 'large:admin', 'operator:admin']);
});
after(async () => { await srv.stop(); });

const count = (sql) => Number(PG ? psql(sql, srv.db) : sqlite(srv.db, sql));

test('a supply published twice with one key is one supply; the same key with another body is 409', async () => {
  const body = { enterprise: SME, title: '幂等发布测试电机', chain: 'nev', segment: 'motor' };
  const a = await api(srv.url, sme, 'POST', '/api/v1/supplies', body, key('pub-1'));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const b = await api(srv.url, sme, 'POST', '/api/v1/supplies', body, key('pub-1'));
  assert.equal(b.status, 201, JSON.stringify(b.body));
  assert.deepEqual(b.body, a.body, 'the replay is the first answer');
  assert.equal(count("SELECT count(*) FROM supplies WHERE title='幂等发布测试电机'"), 1);
  assert.equal(count("SELECT count(*) FROM audit_log WHERE action='supply.create' AND object_id='" + a.body.id + "'"), 1);

  const other = await api(srv.url, sme, 'POST', '/api/v1/supplies', { ...body, title: '另一个' }, key('pub-1'));
  assert.equal(other.status, 409, JSON.stringify(other.body));
  assert.equal(other.body.error.code, 'idempotency_key_reused');
  assert.equal(count("SELECT count(*) FROM supplies WHERE title='另一个'"), 0, 'nothing written');

  const noKey = await api(srv.url, sme, 'POST', '/api/v1/supplies', body);
  assert.equal(noKey.status, 201);
  assert.notEqual(noKey.body.id, a.body.id, 'without a key every request publishes');
  const bad = await api(srv.url, sme, 'POST', '/api/v1/supplies', body, key('has space'));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_idempotency_key');
});

test('concurrent repeats of one keyed request make one demand, and every answer names it', async () => {
  const body = { enterprise: LARGE, title: '并发幂等需求: 扁线电机 2000台', chain: 'nev', segment: 'motor', quantity: 2000, unit: '台' };
  const rs = await Promise.all(Array.from({ length: 12 }, () => api(srv.url, large, 'POST', '/api/v1/demands', body, key('dem-conc'))));
  for (const r of rs) assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(new Set(rs.map((r) => r.body.id)).size, 1);
  assert.equal(count("SELECT count(*) FROM demands WHERE title='并发幂等需求: 扁线电机 2000台'"), 1);
});

test('a quote retried with its key is answered, not refused as quote_exists; keys are per organisation', async () => {
  const d = await api(srv.url, large, 'POST', '/api/v1/demands',
    { enterprise: LARGE, title: '幂等报价测试: 电机控制器', chain: 'nev', segment: 'motor', quantity: 10, unit: '台' });
  assert.equal(d.status, 201);
  const q = { enterprise: SME, unit_price_fen: 123400, quantity: 10, lead_time_days: 30, valid_until: '2031-12-31' };
  const first = await api(srv.url, sme, 'POST', `/api/v1/demands/${d.body.id}/quotes`, q, key('quote-1'));
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const again = await api(srv.url, sme, 'POST', `/api/v1/demands/${d.body.id}/quotes`, q, key('quote-1'));
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.equal(again.body.id, first.body.id);
  const unkeyed = await api(srv.url, sme, 'POST', `/api/v1/demands/${d.body.id}/quotes`, q);
  assert.equal(unkeyed.status, 409, 'without the key the second quote is refused');
  assert.equal(unkeyed.body.error.code, 'quote_exists');
  assert.equal(count(`SELECT count(*) FROM quotes WHERE demand_id=${d.body.id}`), 1);

  // The buyer's organisation using the same key string is another key.
  const mine = await api(srv.url, large, 'POST', '/api/v1/supplies', { enterprise: LARGE, title: '同键不同组织' }, key('quote-1'));
  assert.equal(mine.status, 201, JSON.stringify(mine.body));
  assert.ok(mine.body.title === '同键不同组织');
  // A refused request stores nothing: the key stays free for the corrected request.
  const refused = await api(srv.url, op, 'POST', `/api/v1/demands/${d.body.id}/quotes`, { ...q, enterprise: LARGE }, key('k-op'));
  assert.notEqual(refused.status, 201);
  assert.equal(count("SELECT count(*) FROM idempotency_keys WHERE idem_key='k-op'"), 0);
});

test('qilian idempotency purge drops old keys only; a purged key is a new request', async () => {
  const body = { enterprise: SME, title: '幂等清理测试轴承' };
  const a = await api(srv.url, sme, 'POST', '/api/v1/supplies', body, key('purge-1'));
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const keys = count('SELECT count(*) FROM idempotency_keys');
  assert.ok(keys >= 1);
  // Keys claimed minutes ago are younger than a day: nothing goes.
  const young = cli(['--db', srv.db, 'idempotency', 'purge', '--older-than-days', '1']);
  assert.equal(young.status, 0, young.stderr);
  assert.equal(JSON.parse(young.stdout).removed, 0);
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/supplies', body, key('purge-1'))).body.id, a.body.id, 'still replayed');
  // Bad input exits 2 and removes nothing.
  for (const args of [['--older-than-days', '0'], ['--before', '2026-13-01'], ['--before', '2030-01-01', '--older-than-days', '3']]) {
    const bad = cli(['--db', srv.db, 'idempotency', 'purge', ...args]);
    assert.equal(bad.status, 2, args.join(' '));
    assert.match(bad.stderr, /older-than-days|before/);
  }
  assert.equal(count('SELECT count(*) FROM idempotency_keys'), keys);
  // Everything claimed before a future instant goes; the same key then publishes again.
  const all = cli(['--db', srv.db, 'idempotency', 'purge', '--before', '2999-01-01']);
  assert.equal(all.status, 0, all.stderr);
  assert.deepEqual(JSON.parse(all.stdout), { before: '2999-01-01T00:00:00Z', removed: keys });
  assert.equal(count('SELECT count(*) FROM idempotency_keys'), 0);
  const again = await api(srv.url, sme, 'POST', '/api/v1/supplies', body, key('purge-1'));
  assert.equal(again.status, 201);
  assert.notEqual(again.body.id, a.body.id, 'a purged key is a new request');
});
