// Crash safety of the all-or-nothing import: a 300 000-row CSV import is
// killed with SIGKILL part-way (through the HTTP API, and through the CLI);
// afterwards the directory holds either none or all of the file, never part
// of it, and the database passes PRAGMA integrity_check (on PostgreSQL: its indexes are valid).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BIN, PG, USERS, api, cli, demoDb, login, startServer, tempDir } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';

const ROWS = 300000;
let dir, csv, baseline;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function enterpriseCount(db) {
  return Number(sqlite(db, 'SELECT count(*) FROM enterprises'));
}

// CPU time (user + system, ms) a live process has used, from /proc/PID/stat (fields 14 and 15).
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  } catch {
    return -1; // gone
  }
}

// Resolves once pid has used `ms` more CPU than `from` (it is busy importing), or when done() is true;
// seen(cpu) hears every reading.
async function busyFor(pid, from, ms, done, seen = () => {}) {
  while (!done()) {
    const now = cpuMs(pid);
    if (now >= 0) seen(now);
    if (now < 0 || now - from >= ms) return now;
    await sleep(5);
  }
  return -1;
}

// Runs the CLI import; with killAtCpuMs, SIGKILLs it once it has spent that much CPU importing.
// Resolves to {code, signal, stdout, stderr, cpuMs} (cpuMs: the last CPU time seen, polled every 5 ms).
function runImport(db, { killAtCpuMs } = {}) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['--db', db, 'import', 'enterprises', csv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', exited = false, seen = 0;
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr, cpuMs: seen });
    });
    busyFor(p.pid, 0, killAtCpuMs ?? Infinity, () => exited, (ms) => { seen = ms; })
      .then(() => { if (!exited && killAtCpuMs !== undefined) p.kill('SIGKILL'); });
  });
}

before(() => {
  dir = tempDir('qilian-crash-');
  csv = path.join(dir, 'big.csv');
  const gen = cli(['gen', 'enterprises', String(ROWS), '--seed', '7', '--output', csv]);
  assert.equal(gen.status, 0, gen.stderr);
  assert.ok(fs.statSync(csv).size > 20e6, 'the file is large enough to take a while to import');
  baseline = enterpriseCount(demoDb(fs.mkdtempSync(path.join(dir, 'probe-'))));
  assert.ok(baseline > 0, 'the demo database has enterprises');
});

after(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function assertAllOrNothing(db, count, what) {
  assert.ok(count === baseline || count === baseline + ROWS,
    `${what}: ${count} enterprises is neither ${baseline} (none) nor ${baseline + ROWS} (all)`);
  assertSound(db);
  // No USCC appears twice, and USCCs are still guarded by a unique index (a bulk import
  // may drop and rebuild it inside its transaction; a crash must not leave it dropped).
  assert.equal(Number(sqlite(db, 'SELECT count(*) - count(DISTINCT uscc) FROM enterprises')), 0);
  const uniqueUscc = PG
    ? "SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid=i.indrelid AND a.attnum=ANY(i.indkey)"
      + " WHERE i.indrelid='enterprises'::regclass AND i.indisunique AND i.indisvalid AND i.indnatts=1 AND a.attname='uscc'"
    : "SELECT count(*) FROM pragma_index_list('enterprises') AS il, pragma_index_info(il.name) AS ii"
      + " WHERE il.\"unique\" = 1 AND ii.name = 'uscc'";
  assert.ok(Number(sqlite(db, uniqueUscc)) >= 1, 'a unique index on enterprises(uscc) exists');
}

// SQLite: PRAGMA integrity_check. PostgreSQL recovers by its WAL; the check there is that the
// directory's indexes are all valid (a crash mid-build leaves none half-made).
function assertSound(db) {
  if (PG) assert.equal(sqlite(db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"), '0');
  else assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok');
}

test('an API import killed with SIGKILL mid-way leaves none or all of the rows, and a sound database', async (t) => {
  const server = await startServer();
  const dbPath = server.db;
  let killedWhilePending = false;
  try {
    const token = await login(server.url, USERS['operator:admin']);
    const stats = await api(server.url, token, 'GET', '/api/v1/enterprises/stats');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.total, baseline);

    const body = fs.readFileSync(csv);
    const state = { sentAt: 0, response: null, error: null };
    const req = http.request(`${server.url}/api/v1/enterprises/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'content-length': body.length, authorization: `Bearer ${token}` },
    });
    req.on('finish', () => { state.sentAt = Date.now(); });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => { state.response = { status: res.statusCode, text }; });
    });
    req.on('error', (e) => { state.error = e; });
    req.end(body);

    // Once the body is in the server's hands, wait until the server has spent a good
    // while of CPU on it (the import is under way), and kill it before it answers.
    while (!state.sentAt && !state.response && !state.error) await sleep(5);
    assert.equal(state.error, null, 'the upload went through');
    assert.equal(state.response, null, `the server answered before the upload finished: ${state.response?.text}`);
    const cpuAtUpload = cpuMs(server.proc.pid);
    const cpuAtKill = await busyFor(server.proc.pid, cpuAtUpload, 500, () => state.response !== null);
    t.diagnostic(`server killed ${Date.now() - state.sentAt} ms after the upload, ${cpuAtKill - cpuAtUpload} ms of CPU into the import`);
    assert.equal(state.response, null, `the import was still running when the server was killed: ${state.response?.text}`);
    killedWhilePending = true;
    assert.equal(await server.stop('SIGKILL'), 'SIGKILL');
  } finally {
    if (!killedWhilePending) await server.stop('SIGKILL');
  }

  // Restart on the same database: the count is all or nothing, as the API reports it too.
  const again = await startServer({ db: dbPath });
  try {
    const token = await login(again.url, USERS['operator:admin']);
    const stats = await api(again.url, token, 'GET', '/api/v1/enterprises/stats');
    assert.equal(stats.status, 200);
    t.diagnostic(`after restart: ${stats.body.total} enterprises (before: ${baseline})`);
    assertAllOrNothing(dbPath, stats.body.total, 'after the API import was killed');
    assert.equal(enterpriseCount(dbPath), stats.body.total);
    // Killed part-way, before it answered: nothing was committed.
    assert.equal(stats.body.total, baseline);
    // The directory still works: an import after the crash succeeds.
    const small = fs.readFileSync(csv, 'utf8').split('\n').slice(0, 101).join('\n') + '\n';
    const r = await api(again.url, token, 'POST', '/api/v1/enterprises/import', small, { 'content-type': 'text/csv' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.inserted, 100);
  } finally {
    await again.stop();
  }
  assertSound(dbPath);
});

test('a CLI import killed with SIGKILL mid-way leaves none or all of the rows, and a sound database', async (t) => {
  // How much CPU a whole import takes here, on a copy: the kill points are fractions of it (a fixed
  // figure was passed by a fast machine, which finished the import first).
  const probe = demoDb(fs.mkdtempSync(path.join(dir, 'cli-probe-')));
  const whole = await runImport(probe);
  assert.equal(whole.code, 0, whole.stderr);
  t.diagnostic(`a whole CLI import used about ${whole.cpuMs} ms of CPU`);
  const db = demoDb(fs.mkdtempSync(path.join(dir, 'cli-')));
  assert.equal(enterpriseCount(db), baseline);
  // Kill at a few points through the import: just after it started and well into it.
  for (const share of [0.2, 0.6]) {
    const atCpuMs = Math.max(20, Math.round(whole.cpuMs * share));
    const t0 = Date.now();
    const r = await runImport(db, { killAtCpuMs: atCpuMs });
    t.diagnostic(`CLI import killed after ${Date.now() - t0} ms (${atCpuMs} ms of CPU): ${enterpriseCount(db)} enterprises`);
    assert.equal(r.signal, 'SIGKILL', `the import was still running after ${atCpuMs} ms of CPU (exit ${r.code}: ${r.stdout}${r.stderr})`);
    assertAllOrNothing(db, enterpriseCount(db), `CLI import killed after ${atCpuMs} ms of CPU`);
    assert.equal(enterpriseCount(db), baseline);
  }
  // An import left alone completes on the crashed database: the file is good, so the
  // rolled-back imports above were all-or-nothing, not merely failing.
  const t0 = Date.now();
  const done = await runImport(db);
  t.diagnostic(`an uninterrupted import took ${Date.now() - t0} ms`);
  assert.equal(done.code, 0, done.stderr);
  assert.equal(enterpriseCount(db), baseline + ROWS);
  assertAllOrNothing(db, enterpriseCount(db), 'after a full import');
});
