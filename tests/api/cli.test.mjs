// The qilian command line: JSON on stdout, errors on stderr, exit codes,
// help for every command, operator set-up, and CSV import/export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, tempDir } from '../lib/server.mjs';

test('uscc check prints JSON and exits 0 for a valid code, 1 with the reason otherwise', () => {
  const ok = cli(['uscc', 'check', '91350100m000100y43']);
  assert.equal(ok.status, 0);
  assert.deepEqual(JSON.parse(ok.stdout).uscc, '91350100M000100Y43');
  for (const [code, reason] of [['91350100M000100Y44', /应为'3'/], ['91350100M000100Y4', /18位/], ['91350100M000100I43', /第16位字符'I'/]]) {
    const bad = cli(['uscc', 'check', code]);
    assert.equal(bad.status, 1, code);
    const out = JSON.parse(bad.stdout);
    assert.equal(out.valid, false);
    assert.match(out.reason, reason);
  }
});

test('classify follows the 2011 standard at its exact bounds', () => {
  const run = (...a) => JSON.parse(cli(['classify', ...a]).stdout);
  assert.equal(run('--industry', 'C', '--employees', '1000', '--revenue', '40000').size, 'large');
  assert.equal(run('--industry', '38', '--employees', '999', '--revenue', '40000').size, 'medium');
  assert.equal(run('--industry', '52', '--employees', '10', '--revenue', '100').size, 'small');
  assert.equal(run('--industry', '52', '--employees', '9', '--revenue', '100').size, 'micro');
  const e = cli(['classify', '--industry', 'E', '--employees', '10', '--revenue', '300']);
  assert.notEqual(e.status, 0);
  assert.equal(JSON.parse(e.stderr).error.field, 'assets');
  assert.equal(run('--industry', 'E', '--employees', '10', '--revenue', '300', '--assets', '300').size, 'small');
  const bad = cli(['classify', '--industry', 'C', '--employees', 'many', '--revenue', '1']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--employees/);
});

test('help explains every command and option; unknown options fail', () => {
  const h = cli(['help']);
  assert.equal(h.status, 0);
  for (const c of ['serve', 'migrate', 'org add', 'user add', 'uscc check', 'classify', 'import enterprises', 'export enterprises', 'gen enterprises'])
    assert.ok(h.stdout.includes(c), c);
  const s = cli(['serve', '--help']);
  for (const o of ['--db', '--listen', '--threads', '--max-body', '--web']) assert.ok(s.stdout.includes(o), o);
  assert.match(cli(['user', 'add', '--help']).stdout, /--role/);
  const u = cli(['serve', '--nope']);
  assert.equal(u.status, 2);
  assert.match(u.stderr, /unknown option '--nope'/);
  assert.equal(cli(['frobnicate']).status, 2);
});

test('the operator creates the first platform admin from the CLI; bad input exits non-zero and changes nothing', () => {
  const dir = tempDir();
  const db = path.join(dir, 'q.db');
  const org = cli(['org', 'add', '--db', db, '--name', '园区服务中心', '--type', 'operator']);
  assert.equal(org.status, 0, org.stderr);
  const id = JSON.parse(org.stdout).id;
  const user = cli(['user', 'add', '--db', db, '--org', String(id), '--role', 'admin', '--email', 'root@park.test']);
  assert.equal(user.status, 0, user.stderr);
  assert.match(JSON.parse(user.stdout).generated_password, /^[0-9a-f]{24}$/);
  const badType = cli(['org', 'add', '--db', db, '--name', 'x', '--type', 'club']);
  assert.equal(badType.status, 1);
  assert.equal(JSON.parse(badType.stderr).error.field, 'type');
  const badRole = cli(['user', 'add', '--db', db, '--org', String(id), '--role', 'king', '--email', 'k@park.test', '--password', 'long-password']);
  assert.equal(badRole.status, 1);
  const noOrg = cli(['user', 'add', '--db', db, '--org', '99', '--role', 'admin', '--email', 'k@park.test', '--password', 'long-password']);
  assert.equal(noOrg.status, 1);
  const users = JSON.parse(cli(['user', 'list', '--db', db]).stdout).items;
  assert.deepEqual(users.map((u) => u.email), ['root@park.test']);
  const env = cli(['org', 'list'], { env: { ...process.env, QILIAN_DB: db } });
  assert.equal(JSON.parse(env.stdout).items.length, 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('import reports every bad line and writes nothing; a clean file imports, re-imports as updates and exports byte for byte', () => {
  const dir = tempDir();
  const db = path.join(dir, 'q.db');
  const csv = path.join(dir, 'e.csv');
  assert.equal(cli(['gen', 'enterprises', '500', '--seed', '11', '--output', csv]).status, 0);
  const text = fs.readFileSync(csv, 'utf8');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 501);
  const broken = [...lines];
  broken[10] = broken[10].replace(/^(\w{17})\w/, (m, p) => p + (m[17] === '0' ? '1' : '0'));
  broken[20] = broken[20].split(',').slice(0, 7).join(',');
  const bad = path.join(dir, 'bad.csv');
  fs.writeFileSync(bad, broken.join('\n') + '\n');
  const r = cli(['--db', db, 'import', 'enterprises', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /"line": 11/);
  assert.match(r.stderr, /"line": 21/);
  assert.match(r.stderr, /import_rejected/);
  const first = cli(['--db', db, 'import', 'enterprises', csv]);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).inserted, 500);
  const second = JSON.parse(cli(['--db', db, 'import', 'enterprises', csv]).stdout);
  assert.deepEqual([second.inserted, second.updated], [0, 500]);
  const out = path.join(dir, 'out.csv');
  assert.equal(cli(['--db', db, 'export', 'enterprises', '--output', out]).status, 0);
  assert.equal(fs.readFileSync(out, 'utf8'), text);
  assert.equal(cli(['--db', db, 'import', 'enterprises', path.join(dir, 'missing.csv')]).status, 1);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('gen enterprises is deterministic per seed and every generated USCC is valid', () => {
  const a = cli(['gen', 'enterprises', '50', '--seed', '5']).stdout;
  assert.equal(a, cli(['gen', 'enterprises', '50', '--seed', '5']).stdout);
  assert.notEqual(a, cli(['gen', 'enterprises', '50', '--seed', '6']).stdout);
  for (const line of a.trimEnd().split('\n').slice(1, 11)) assert.equal(cli(['uscc', 'check', line.split(',')[0]]).status, 0);
});
