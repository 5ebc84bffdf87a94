// Starts a real `qilian serve` on a free loopback port with a fresh demo
// database, for the API and browser tests. The binary comes from $QILIAN_BIN
// (the Makefile points it at the normal or the sanitizer build).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.QILIAN_BIN || path.join(ROOT, 'build/qilian');
export const DEMO_PASSWORD = 'qilian-demo-2026';

// Demo logins per organisation type and role (see scripts/demo-data).
export const USERS = {
  'operator:admin': 'admin@qilian.test',
  'operator:member': 'operator@qilian.test',
  'large:admin': 'buyer-admin@qilian.test',
  'large:member': 'buyer@qilian.test',
  'sme:admin': 'sme-admin@qilian.test',
  'sme:member': 'sme@qilian.test',
  'bank:admin': 'bank-admin@qilian.test',
  'bank:member': 'bank@qilian.test',
  'provider:admin': 'provider-admin@qilian.test',
  'provider:member': 'provider@qilian.test',
};

// Runs the CLI and returns {status, stdout, stderr}.
export function cli(args, opts = {}) {
  try {
    const stdout = execFileSync(BIN, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...opts });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    return { status: e.status, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? '' };
  }
}

export function tempDir(prefix = 'qilian-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// PostgreSQL runs (make api-pg, tests/pg/run-api): QILIAN_TEST_DB=postgresql and QILIAN_TEST_PG
// the cluster's URL without a database (postgresql://postgres@127.0.0.1:PORT). Each server then
// gets a fresh database copied from demo_template (built once by scripts/demo-data, here if the
// run script has not), dropped when this test process exits.
export const PG = process.env.QILIAN_TEST_DB === 'postgresql';
const PG_BASE = (process.env.QILIAN_TEST_PG || '').replace(/\/[A-Za-z0-9_]*$/, '');
if (PG && !PG_BASE.startsWith('postgres')) throw new Error('QILIAN_TEST_DB=postgresql needs QILIAN_TEST_PG=postgresql://user@host:port');

// Runs sql with psql on database db (a URL; the maintenance database when omitted); output trimmed.
export function psql(sql, db = `${PG_BASE}/postgres`) {
  return execFileSync('psql', ['-XtAq', '-v', 'ON_ERROR_STOP=1', db, '-c', sql],
    { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } }).trim();
}

const pgCreated = [];
let pgSerial = 0;
function pgDemoDb() {
  if (psql("SELECT count(*) FROM pg_database WHERE datname='demo_template'") === '0')
    execFileSync(path.join(ROOT, 'scripts/demo-data'), [BIN, `${PG_BASE}/demo_template`], { stdio: 'ignore' });
  const name = `t${process.pid}_${++pgSerial}`;
  psql(`CREATE DATABASE ${name} TEMPLATE demo_template`);
  if (pgCreated.length === 0) {
    process.on('exit', () => {
      for (const n of pgCreated) {
        try { psql(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`); } catch { /* the cluster goes with the run */ }
      }
    });
  }
  pgCreated.push(name);
  return `${PG_BASE}/${name}`;
}

// Creates a demo database (cached per process run in a temp dir) and returns a fresh copy's path
// (on a PostgreSQL run: a fresh database's URL).
let demoTemplate = null;
export function demoDb(dir) {
  if (PG) return pgDemoDb();
  if (!demoTemplate) {
    const t = tempDir('qilian-demo-');
    demoTemplate = path.join(t, 'demo.db');
    execFileSync(path.join(ROOT, 'scripts/demo-data'), [BIN, demoTemplate], { stdio: 'ignore' });
  }
  const db = path.join(dir, 'qilian.db');
  fs.copyFileSync(demoTemplate, db);
  return db;
}

// Starts the server; resolves to {url, port, db, dir, proc, log(), stop()}.
export async function startServer({ db, args = [], env = {} } = {}) {
  const dir = tempDir();
  const dbPath = db ?? demoDb(dir);
  const proc = spawn(BIN, ['serve', '--db', dbPath, '--listen', '127.0.0.1:0', '--web', path.join(ROOT, 'web'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + log)), 15000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = /\(port (\d+),/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${log}`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url, port, db: dbPath, dir, proc,
    log: () => log,
    // Stops the server; a graceful stop (SIGTERM) must exit 0, so sanitizer reports (leaks) fail the test.
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      const done = new Promise((r) => proc.on('exit', (code, sig) => r(code ?? sig)));
      proc.kill(signal);
      const code = await done;
      if (signal === 'SIGTERM' && code !== 0) throw new Error(`qilian serve exited ${code} after SIGTERM:\n${log.slice(-4000)}`);
      return code;
    },
  };
}

// Logs in and returns the bearer token.
export async function login(url, email, password = DEMO_PASSWORD) {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${await r.text()}`);
  return (await r.json()).token;
}

// Logs in as each role (a key of USERS), one after the other; resolves to their tokens in the same order.
export async function loginAll(url, roles) {
  const tokens = [];
  for (const role of roles) tokens.push(await login(url, USERS[role]));
  return tokens;
}

// fetch with a bearer token; returns {status, body (parsed JSON when JSON), headers}.
export async function api(url, token, method, p, body, headers = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  let payload = body;
  if (body !== undefined && typeof body !== 'string') {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  const r = await fetch(url + p, { method, headers: h, body: payload });
  const text = await r.text();
  let parsed = text;
  if ((r.headers.get('content-type') || '').includes('json')) {
    try { parsed = JSON.parse(text); } catch { parsed = text; }
  }
  return { status: r.status, body: parsed, headers: r.headers };
}
