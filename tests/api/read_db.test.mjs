// `qilian serve --read-db`: reads that tolerate lag go to the standby, a session reads back its
// own writes from the primary. The standby here is a frozen copy of the demo database (a
// standby that never catches up), so where a read was answered shows in what it sees: a supply
// published after the copy exists only on the primary. PostgreSQL streaming standbys are
// exercised the same way by tests/cluster/run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, demoDb, tempDir, login, api, USERS, PG } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';

const SME = '91320583MA1QEW0025';
const WINDOW = 2; // --primary-after-write
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// On the PostgreSQL pass the frozen copy would be a second database; tests/cluster/run checks a real standby.
const skip = PG && 'SQLite pass: tests/cluster/run covers a PostgreSQL standby';
let srv, primary, standby;
before(async () => {
  if (skip) return;
  const dir = tempDir();
  primary = demoDb(dir);
  standby = path.join(dir, 'standby.db');
  fs.copyFileSync(primary, standby);
  srv = await startServer({ db: primary, args: ['--read-db', standby, '--primary-after-write', String(WINDOW)] });
});
after(async () => { if (!skip) await srv.stop(); });

test('a session reads its own writes from the primary, then from the standby; others read the standby', { skip }, async () => {
  const sme = await login(srv.url, USERS['sme:admin']);
  const bank = await login(srv.url, USERS['bank:member']);
  await sleep(WINDOW * 1000 + 1100); // both logins are old: their reads go to the standby now
  const before = await api(srv.url, bank, 'GET', '/api/v1/supplies?limit=100');
  assert.equal(before.status, 200);
  const health = await api(srv.url, null, 'GET', '/api/v1/health');
  assert.equal(health.status, 200);
  assert.equal(health.body.reads, 'standby', 'the health check names where reads go');

  const pub = await api(srv.url, sme, 'POST', '/api/v1/supplies', { enterprise: SME, title: '主从读写分离测试电机', chain: 'nev', segment: 'motor' });
  assert.equal(pub.status, 201, JSON.stringify(pub.body));
  const id = pub.body.id;
  assert.equal(sqlite(primary, `SELECT count(*) FROM supplies WHERE id=${id}`), '1');
  assert.equal(sqlite(standby, `SELECT count(*) FROM supplies WHERE id=${id}`), '0', 'the standby copy never sees it');

  const own = await api(srv.url, sme, 'GET', `/api/v1/supplies/${id}`);
  assert.equal(own.status, 200, 'the writer reads back its write at once (primary)');
  assert.equal(own.body.title, '主从读写分离测试电机');
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/supplies/${id}`)).status, 404, 'another session reads the standby');
  const list = await api(srv.url, bank, 'GET', '/api/v1/supplies?limit=100');
  assert.deepEqual(list.body.items.map((x) => x.id), before.body.items.map((x) => x.id), 'lists come from the standby');

  await sleep(WINDOW * 1000 + 1100);
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/supplies/${id}`)).status, 404,
    'after the window the writer reads the standby too (a real standby has caught up by then)');
});

test('sessions are checked on the primary: a fresh login works at once and a logout counts at once', { skip }, async () => {
  const t = await login(srv.url, USERS['large:member']); // the session exists only on the primary
  const me = await api(srv.url, t, 'GET', '/api/v1/auth/me');
  assert.equal(me.status, 200, JSON.stringify(me.body));
  await sleep(WINDOW * 1000 + 1100);
  assert.equal((await api(srv.url, t, 'GET', '/api/v1/supplies?limit=1')).status, 200, 'the session is found while reading the standby');
  assert.equal((await api(srv.url, t, 'POST', '/api/v1/auth/logout')).status, 200);
  assert.equal((await api(srv.url, t, 'GET', '/api/v1/supplies?limit=1')).status, 401, 'logged out everywhere at once');
});

test('matches read on the standby are counted on the primary', { skip }, async () => {
  const buyer = await login(srv.url, USERS['large:admin']);
  await sleep(WINDOW * 1000 + 1100);
  const demand = sqlite(standby, "SELECT id FROM demands WHERE status='open' ORDER BY id LIMIT 1");
  assert.ok(demand, 'the demo has an open demand');
  const count = (db) => Number(sqlite(db, 'SELECT coalesce(sum(requests),0) FROM match_impressions'));
  const [p0, s0] = [count(primary), count(standby)];
  const m = await api(srv.url, buyer, 'GET', `/api/v1/demands/${demand}/matches`);
  assert.equal(m.status, 200, JSON.stringify(m.body));
  assert.equal(count(primary), p0 + 1, 'counted on the primary');
  assert.equal(count(standby), s0, 'nothing written to the standby');
  assert.ok(!/matches shown not counted/.test(srv.log()), srv.log().slice(-2000));
});

test('an unreachable standby: reads fall back to the primary', { skip }, async () => {
  const dir = tempDir();
  const db = demoDb(dir);
  const s2 = await startServer({ db, args: ['--read-db', path.join(dir, 'no-such-dir', 'x.db'), '--primary-after-write', '0'] });
  try {
    const t = await login(s2.url, USERS['bank:member']);
    const r = await api(s2.url, t, 'GET', '/api/v1/enterprises?limit=1');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // The server's log reaches the test through a pipe: give it a moment.
    for (let i = 0; i < 40 && !/read database unavailable/.test(s2.log()); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(s2.log(), /read database unavailable, reading from the primary/);
    const health = await api(s2.url, null, 'GET', '/api/v1/health');
    assert.equal(health.status, 200, 'the primary serves: healthy');
    assert.equal(health.body.reads, 'primary');
  } finally {
    await s2.stop();
  }
});
