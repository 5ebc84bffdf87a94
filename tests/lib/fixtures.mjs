// Set-up helpers the API tests share on top of server.mjs: enterprises
// registered through the API, an extra SME organisation with its own admin,
// quotes submitted with their status checked, and direct SQL on a test
// database. Each asserts what it needs, so a failed set-up names its cause.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, login, psql, PG, DEMO_PASSWORD } from './server.mjs';

// Registers an enterprise as token's organisation (201 expected): a 120-person
// manufacturer (industry 36) in region, 昆山 unless said, at level (none unless said).
export async function registerEnterprise(url, token, uscc, name, { region = '320583', level = 'none' } = {}) {
  const r = await api(url, token, 'POST', '/api/v1/enterprises', {
    uscc, name, region, industry: '36', employees: 120, revenue_wan: 9000, assets_wan: 7000, level,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

// Creates an SME organisation as the operator (opToken) with one admin user
// (email, display name userName, the demo password); resolves to that user's token.
export async function smeWithAdmin(url, opToken, orgName, email, userName = '经理') {
  const org = await api(url, opToken, 'POST', '/api/v1/orgs', { name: orgName, type: 'sme' });
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const user = await api(url, opToken, 'POST', '/api/v1/users',
    { org_id: org.body.id, email, name: userName, role: 'admin', password: DEMO_PASSWORD });
  assert.equal(user.status, 201, JSON.stringify(user.body));
  return login(url, email);
}

// Submits body as a quote on demand d as token, expecting status (201 unless said); resolves to the response body.
export async function submitQuote(url, token, d, body, status = 201) {
  const r = await api(url, token, 'POST', `/api/v1/demands/${d}/quotes`, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

// Runs sql on the database file db with the sqlite3 shell (waiting up to 5 s
// for a running server's lock); returns its output, trimmed. On a PostgreSQL
// run db is a URL and psql runs it (rows '|'-separated like sqlite3's).
export function sqlite(db, sql) {
  if (/^postgres(ql)?:\/\//.test(db)) return psql(sql, db);
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql], { encoding: 'utf8' }).trim();
}

// A consistent copy of database db (a running server's is fine) for a test to break or change:
// the SQLite file `file` (sqlite3's .backup), or on a PostgreSQL run a new database restored
// from pg_dump of db, dropped when the test process exits. Returns what --db takes for it.
let pgCopies = 0;
export function backupDb(db, file) {
  if (!PG) {
    sqlite(db, `.backup '${file}'`);
    return file;
  }
  const url = `${db}_copy${++pgCopies}`;
  const name = url.slice(url.lastIndexOf('/') + 1);
  psql(`CREATE DATABASE ${name}`);
  process.on('exit', () => { try { psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } catch { /* the cluster goes with the run */ } });
  const dump = execFileSync('pg_dump', ['--no-owner', db], { maxBuffer: 1 << 30 });
  execFileSync('psql', ['-Xq', '-v', 'ON_ERROR_STOP=1', url], { input: dump, stdio: ['pipe', 'ignore', 'pipe'] });
  return url;
}
