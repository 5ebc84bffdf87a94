// `qilian store copy` and `store verify`. On the SQLite pass of the API suite: a copy of the
// demo into a new SQLite file, a second copy refused (the target is not empty), a source with a
// dangling foreign key or a non-integer in an INTEGER column refused with nothing written. On
// the PostgreSQL pass (tests/pg/run-api): the demo and a generated 100,000-enterprise platform
// copied from SQLite into new PostgreSQL databases and verified, a failure half-way leaving the
// target empty (one transaction), and a server on the copy logging in, searching and
// publishing with the next ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, BIN, PG, psql, cli, tempDir, startServer, login, api, USERS } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';

const PG_BASE = (process.env.QILIAN_TEST_PG || '').replace(/\/[A-Za-z0-9_]*$/, '');
const dir = tempDir('qilian-copy-');

// The SQLite demo (built here: on the PostgreSQL pass demoDb gives a PostgreSQL database).
let demo = null;
function sqliteDemo() {
  if (!demo) {
    demo = path.join(dir, 'demo.db');
    execFileSync(path.join(ROOT, 'scripts/demo-data'), [BIN, demo], { stdio: 'ignore' });
  }
  const copy = path.join(tempDir('qilian-copy-src-'), 'park.db');
  fs.copyFileSync(demo, copy);
  return copy;
}

function copy(from, to) {
  const r = cli(['store', 'copy', '--from', from, '--to', to, '--quiet']);
  return { ...r, report: r.status === 0 ? JSON.parse(r.stdout) : null, error: r.status ? JSON.parse(r.stderr).error : null };
}

let pgSerial = 0;
function newPgDb() {
  const name = `copy${process.pid}_${++pgSerial}`;
  psql(`CREATE DATABASE ${name}`);
  process.on('exit', () => { try { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* cluster gone */ } });
  return `${PG_BASE}/${name}`;
}

const tableRows = (report) => Object.fromEntries(report.tables.map((t) => [t.name, t.rows]));

test('SQLite to SQLite: every table copied and verified; a second copy into it is refused', { skip: PG && 'SQLite pass only' }, () => {
  const src = sqliteDemo();
  const dst = path.join(dir, 'copy.db');
  const r = copy(src, dst);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.report.committed, true);
  const rows = tableRows(r.report);
  for (const t of ['orgs', 'users', 'enterprises', 'supplies', 'demands', 'relations', 'segments', 'audit_log', 'change_counters'])
    assert.equal(rows[t], Number(sqlite(src, `SELECT count(*) FROM ${t}`)), t);
  assert.ok(r.report.checks.foreign_keys > 20, JSON.stringify(r.report.checks));
  assert.ok(r.report.checks.market && r.report.checks.chainmap, 'the domains\' checks ran');
  assert.equal(sqlite(dst, 'SELECT group_concat(id) FROM (SELECT id FROM enterprises ORDER BY id)'),
    sqlite(src, 'SELECT group_concat(id) FROM (SELECT id FROM enterprises ORDER BY id)'), 'ids kept');
  const v = cli(['--db', dst, 'store', 'verify']);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout).ok, true);

  const again = copy(src, dst);
  assert.equal(again.status, 1);
  assert.equal(again.error.code, 'target_not_empty');
  assert.match(again.error.message, /not empty: \w+ has \d+ row/);
});

test('a broken source is refused before anything is written', { skip: PG && 'SQLite pass only' }, () => {
  const src = sqliteDemo();
  sqlite(src, 'PRAGMA foreign_keys=OFF; INSERT INTO relations(buyer_id,supplier_id,sid,annual_amount_fen,updated_at) VALUES(999998,999999,1,5,\'2026-01-01T00:00:00Z\')');
  const dst = path.join(dir, 'broken.db');
  const r = copy(src, dst);
  assert.equal(r.status, 1);
  assert.equal(r.error.code, 'foreign_key_violation');
  assert.match(r.error.message, /source database has 1 row\(s\) of relations\((buyer_id|supplier_id)\) -> enterprises\(id\)/);
  assert.equal(sqlite(dst, 'SELECT count(*) FROM enterprises'), '0');
  const v = cli(['--db', src, 'store', 'verify']);
  assert.equal(v.status, 1, 'store verify finds it too');
  assert.match(v.stderr, /foreign_key_violation/);
});

test('a value SQLite kept but the target column cannot hold stops the copy, naming it', { skip: PG && 'SQLite pass only' }, () => {
  const src = sqliteDemo();
  sqlite(src, "UPDATE demands SET quantity='很多' WHERE id=(SELECT min(id) FROM demands)");
  const dst = path.join(dir, 'typed.db');
  const r = copy(src, dst);
  assert.equal(r.status, 1);
  assert.equal(r.error.code, 'copy_mismatch');
  assert.match(r.error.message, /copying demands: column quantity holds '很多', not an integer/);
  assert.equal(sqlite(dst, 'SELECT count(*) FROM enterprises'), '0', 'the tables copied before it are rolled back');
});

test('SQLite demo to PostgreSQL: verified, and a server on the copy works with the next ids', { skip: !PG && 'PostgreSQL pass only' }, async () => {
  const src = sqliteDemo();
  const dst = newPgDb();
  const r = copy(src, dst);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.report.to_backend, 'postgresql');
  const rows = tableRows(r.report);
  for (const t of ['orgs', 'users', 'enterprises', 'supplies', 'demands', 'relations', 'audit_log'])
    assert.equal(Number(psql(`SELECT count(*) FROM ${t}`, dst)), Number(sqlite(src, `SELECT count(*) FROM ${t}`)), t);
  assert.equal(Number(psql('SELECT count(*) FROM supplies_fts', dst)), rows.supplies, 'the words of every supply rebuilt');
  assert.deepEqual(r.report.target_checks.market.supplies_without_words, 0);
  const v = cli(['--db', dst, 'store', 'verify']);
  assert.equal(v.status, 0, v.stderr);

  const [srv, old] = [await startServer({ db: dst }), await startServer({ db: src })];
  try {
    const [t, to] = [await login(srv.url, USERS['sme:admin']), await login(old.url, USERS['sme:admin'])];
    for (const q of ['电机', '电池', '模具']) {
      const p = '/api/v1/supplies?q=' + encodeURIComponent(q) + '&limit=100';
      const [a, b] = [await api(srv.url, t, 'GET', p), await api(old.url, to, 'GET', p)];
      assert.equal(a.status, 200);
      assert.ok(b.body.items.length > 0 || q === '模具', q);
      assert.deepEqual(a.body.items.map((x) => x.id), b.body.items.map((x) => x.id), `search "${q}" finds on the copy what it found on SQLite`);
    }
    const maxId = Number(sqlite(src, 'SELECT max(id) FROM supplies'));
    const pub = await api(srv.url, t, 'POST', '/api/v1/supplies', { enterprise: '91320583MA1QEW0025', title: '迁移后的新供给' });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    assert.equal(pub.body.id, maxId + 1, 'the identity sequence continues after the copied ids');
  } finally {
    await srv.stop();
    await old.stop();
  }
});

test('a PostgreSQL target that does not sort text as bytes is refused', { skip: !PG && 'PostgreSQL pass only' }, () => {
  const name = `copycoll${process.pid}`;
  psql(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`);
  process.on('exit', () => { try { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* cluster gone */ } });
  const r = copy(sqliteDemo(), `${PG_BASE}/${name}`);
  assert.equal(r.status, 1);
  assert.equal(r.error.code, 'target_collation');
  assert.match(r.error.message, /collation ICU zh/);
  assert.equal(psql('SELECT count(*) FROM enterprises', `${PG_BASE}/${name}`), '0');
});

test('a failure half-way into PostgreSQL leaves the target empty', { skip: !PG && 'PostgreSQL pass only' }, () => {
  const src = sqliteDemo();
  sqlite(src, "UPDATE demands SET quantity='很多' WHERE id=(SELECT max(id) FROM demands)");
  const dst = newPgDb();
  const r = copy(src, dst);
  assert.equal(r.status, 1);
  assert.match(r.error.message, /copying demands/);
  for (const t of ['orgs', 'enterprises', 'supplies', 'audit_log'])
    assert.equal(psql(`SELECT count(*) FROM ${t}`, dst), '0', `${t}: all or nothing`);
  const retry = copy(sqliteDemo(), dst);
  assert.equal(retry.status, 0, 'the empty target takes the repaired copy: ' + retry.stderr);
});

test('a generated 100,000-enterprise platform into PostgreSQL, verified', { skip: !PG && 'PostgreSQL pass only' }, () => {
  const src = path.join(dir, 'big.db');
  const csv = path.join(dir, 'big.csv');
  assert.equal(cli(['gen', 'enterprises', '100000', '--seed', '11', '--output', csv]).status, 0);
  const imp = cli(['--db', src, 'import', 'enterprises', csv]);
  assert.equal(imp.status, 0, imp.stderr);
  const dst = newPgDb();
  const t0 = Date.now();
  const r = copy(src, dst);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(tableRows(r.report).enterprises, 100000);
  assert.equal(psql('SELECT count(*) FROM enterprises', dst), '100000');
  assert.equal(psql("SELECT name || '|' || region || '|' || employees FROM enterprises WHERE id=77777", dst),
    sqlite(src, "SELECT name || '|' || region || '|' || employees FROM enterprises WHERE id=77777"));
  console.log(`# store copy of 100,000 enterprises into PostgreSQL: ${Date.now() - t0} ms (${r.report.verify_ms.toFixed(0)} ms verifying)`);
});
