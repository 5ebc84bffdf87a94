// API behaviour against a real `qilian serve`: accounts, cookies and CSRF,
// enterprise CRUD with validation, CSV import/export, limits, static files,
// the access log, the audit log and graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startServer, login, api, cli, USERS, DEMO_PASSWORD, tempDir } from '../lib/server.mjs';
import { makeUscc } from '../lib/uscc.mjs';

let srv, admin, sme, bank;
before(async () => {
  srv = await startServer({ args: ['--max-body', '4096'] });
  admin = await login(srv.url, USERS['operator:admin']);
  sme = await login(srv.url, USERS['sme:admin']);
  bank = await login(srv.url, USERS['bank:member']);
});
after(async () => { await srv.stop(); });

async function total() {
  return (await api(srv.url, admin, 'GET', '/api/v1/enterprises/stats')).body.total;
}

test('health answers without login', async () => {
  const r = await api(srv.url, null, 'GET', '/api/v1/health');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.headers.get('content-type'), /^application\/json/);
});

test('login sets an HttpOnly SameSite=Strict cookie; the cookie works for reads and needs the CSRF header for writes', async () => {
  const r = await fetch(`${srv.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: USERS['sme:admin'], password: DEMO_PASSWORD }),
  });
  assert.equal(r.status, 200);
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /qilian_session=[0-9a-f]{64}/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const jar = cookie.split(';')[0];
  const me = await fetch(`${srv.url}/api/v1/auth/me`, { headers: { cookie: jar } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).org.type, 'sme');
  const body = JSON.stringify({ uscc: makeUscc('320583', 'CRF000001'), name: '跨站伪造测试', region: '320583', industry: '35',
    employees: 10, revenue_wan: 500, assets_wan: 300, level: 'none' });
  const forged = await fetch(`${srv.url}/api/v1/enterprises`, { method: 'POST', headers: { cookie: jar, 'content-type': 'application/json' }, body });
  assert.equal(forged.status, 403);
  assert.equal((await forged.json()).error.code, 'csrf_rejected');
  const crossSite = await fetch(`${srv.url}/api/v1/enterprises`, { method: 'POST',
    headers: { cookie: jar, 'content-type': 'application/json', 'x-requested-with': 'qilian', origin: 'http://evil.example' }, body });
  assert.equal(crossSite.status, 403);
  const ok = await fetch(`${srv.url}/api/v1/enterprises`, { method: 'POST',
    headers: { cookie: jar, 'content-type': 'application/json', 'x-requested-with': 'qilian' }, body });
  assert.equal(ok.status, 201);
  const out = await fetch(`${srv.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: jar, 'x-requested-with': 'qilian' } });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  assert.equal((await fetch(`${srv.url}/api/v1/auth/me`, { headers: { cookie: jar } })).status, 401);
});

test('wrong passwords are 401 with one message for unknown and known e-mails, then 429 after five', async () => {
  const a = await api(srv.url, null, 'POST', '/api/v1/auth/login', { email: 'nobody@qilian.test', password: 'whatever-pw' });
  assert.equal(a.status, 401);
  const email = USERS['provider:member'];
  let last;
  for (let i = 0; i < 5; i++) {
    last = await api(srv.url, null, 'POST', '/api/v1/auth/login', { email, password: 'wrong-password' });
    assert.equal(last.status, 401);
  }
  assert.equal(last.body.error.message, a.body.error.message);
  const blocked = await api(srv.url, null, 'POST', '/api/v1/auth/login', { email, password: DEMO_PASSWORD });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.body.error.code, 'too_many_attempts');
});

test('password change needs the old password and keeps only the current session', async () => {
  const email = USERS['large:member'];
  const t1 = await login(srv.url, email);
  const t2 = await login(srv.url, email);
  const wrong = await api(srv.url, t1, 'POST', '/api/v1/auth/password', { old_password: 'nope-nope', new_password: 'new-password-1' });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.body.error.field, 'old_password');
  const weak = await api(srv.url, t1, 'POST', '/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: 'short' });
  assert.equal(weak.status, 422);
  assert.equal(weak.body.error.field, 'new_password');
  const ok = await api(srv.url, t1, 'POST', '/api/v1/auth/password', { old_password: DEMO_PASSWORD, new_password: 'new-password-1' });
  assert.equal(ok.status, 200);
  assert.equal((await api(srv.url, t1, 'GET', '/api/v1/auth/me')).status, 200);
  assert.equal((await api(srv.url, t2, 'GET', '/api/v1/auth/me')).status, 401);
  assert.ok(await login(srv.url, email, 'new-password-1'));
});

test('org admins register users in their own organisation; the new user can log in', async () => {
  const me = (await api(srv.url, sme, 'GET', '/api/v1/auth/me')).body;
  const r = await api(srv.url, sme, 'POST', '/api/v1/users',
    { org_id: me.org.id, email: 'new.engineer@qilian.test', name: '新工程师', role: 'member', password: 'engineer-pw-1' });
  assert.equal(r.status, 201);
  assert.equal(r.body.role, 'member');
  assert.equal(r.body.password_hash, undefined);
  const dup = await api(srv.url, sme, 'POST', '/api/v1/users',
    { org_id: me.org.id, email: 'NEW.engineer@qilian.test', role: 'member', password: 'engineer-pw-1' });
  assert.equal(dup.status, 409);
  const t = await login(srv.url, 'new.engineer@qilian.test', 'engineer-pw-1');
  const who = (await api(srv.url, t, 'GET', '/api/v1/auth/me')).body;
  assert.equal(who.org.id, me.org.id);
  const list = await api(srv.url, sme, 'GET', '/api/v1/users');
  assert.ok(list.body.items.every((u) => u.org_id === me.org.id));
});

test('enterprise create derives the size class and rejects bad input naming the field, writing nothing', async () => {
  const before = await total();
  const uscc = makeUscc('320505', 'AP0000001');
  const good = { uscc: uscc.toLowerCase(), name: '苏州测试精密机械有限公司', region: '320505', industry: '34', employees: 300,
    revenue_wan: 2000, assets_wan: 1500, level: 'little_giant' };
  const cases = [
    [{ ...good, uscc: uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0') }, 422, 'uscc', 'invalid_uscc'],
    [{ ...good, region: '329999' }, 422, 'region', 'invalid_region'],
    [{ ...good, industry: '00' }, 422, 'industry', 'invalid_industry'],
    [{ ...good, level: 'gold' }, 422, 'level', 'invalid_choice'],
    [{ ...good, employees: '300' }, 422, 'employees', 'wrong_type'],
    [{ ...good, employees: -1 }, 422, 'employees', 'out_of_range'],
    [{ ...good, colour: 'red' }, 422, 'colour', 'unknown_field'],
    [(({ name, ...rest }) => rest)(good), 422, 'name', 'missing_field'],
  ];
  for (const [body, status, field, code] of cases) {
    const r = await api(srv.url, admin, 'POST', '/api/v1/enterprises', body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.error.field, field);
    assert.equal(r.body.error.code, code);
  }
  const malformed = await api(srv.url, admin, 'POST', '/api/v1/enterprises', '{"uscc": ', { 'content-type': 'application/json' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.body.error.code, 'malformed_json');
  assert.equal(await total(), before);

  const created = await api(srv.url, admin, 'POST', '/api/v1/enterprises', good);
  assert.equal(created.status, 201);
  assert.equal(created.body.uscc, uscc);
  assert.equal(created.body.size, 'medium');
  assert.equal(created.body.region_name, '江苏省 苏州市 虎丘区');
  assert.equal(await total(), before + 1);
  const dup = await api(srv.url, admin, 'POST', '/api/v1/enterprises', good);
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.code, 'duplicate_uscc');

  const patched = await api(srv.url, admin, 'PATCH', `/api/v1/enterprises/${uscc}`, { employees: 299 });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.size, 'small');
  const badPatch = await api(srv.url, admin, 'PATCH', `/api/v1/enterprises/${uscc}`, { uscc: 'x' });
  assert.equal(badPatch.status, 422);
  assert.equal(badPatch.body.error.field, 'uscc');
  assert.equal((await api(srv.url, admin, 'GET', `/api/v1/enterprises/${uscc}`)).body.employees, 299);

  assert.equal((await api(srv.url, bank, 'DELETE', `/api/v1/enterprises/${uscc}`)).status, 403);
  assert.equal((await api(srv.url, admin, 'DELETE', `/api/v1/enterprises/${uscc}`)).status, 200);
  assert.equal((await api(srv.url, admin, 'GET', `/api/v1/enterprises/${uscc}`)).status, 404);
});

test('directory filters and cursor pages cover every match exactly once', async () => {
  const seen = new Set();
  let cursor = '';
  let pages = 0;
  do {
    const r = await api(srv.url, bank, 'GET', `/api/v1/enterprises?region=32&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200);
    for (const e of r.body.items) {
      assert.ok(e.region.startsWith('32'));
      assert.ok(!seen.has(e.uscc));
      seen.add(e.uscc);
    }
    cursor = r.body.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  const all = await api(srv.url, bank, 'GET', '/api/v1/enterprises?limit=500');
  assert.equal(seen.size, all.body.items.filter((e) => e.region.startsWith('32')).length);
  const name = all.body.items[3].name;
  const q = await api(srv.url, bank, 'GET', `/api/v1/enterprises?q=${encodeURIComponent(name.slice(2, 6))}`);
  assert.ok(q.body.items.some((e) => e.name === name));
  assert.ok(q.body.items.every((e) => e.name.includes(name.slice(2, 6))));
  const small = await api(srv.url, bank, 'GET', '/api/v1/enterprises?size=small&level=none&industry=C&limit=500');
  assert.ok(small.body.items.every((e) => e.size === 'small' && e.level === 'none' && (e.industry === 'C' || (+e.industry.slice(0, 2) >= 13 && +e.industry.slice(0, 2) <= 43))));
  for (const bad of ['region=3', 'size=huge', 'level=gold', 'limit=0', 'limit=501', 'cursor=-1', 'region=999999']) {
    const r = await api(srv.url, bank, 'GET', `/api/v1/enterprises?${bad}`);
    assert.equal(r.status, 422, bad);
    assert.equal(r.body.error.field, bad.split('=')[0]);
  }
});

test('CSV import is all-or-nothing with line numbers, re-import updates, export round-trips', async () => {
  const before = await total();
  const header = 'uscc,name,region,industry,employees,revenue_wan,assets_wan,level';
  const rows = [];
  for (let i = 0; i < 20; i++) {
    rows.push(`${makeUscc('440305', `MP0${String(i).padStart(6, '0')}`)},深圳导入测试${i}号科技有限公司,440305,39,${10 + i},${100 * (i + 1)},${50 * (i + 1)},innovative`);
  }
  const bad = [...rows];
  bad[4] = bad[4].replace(',440305,', ',440399,');
  bad[9] = bad[9].replace(',innovative', ',platinum');
  bad[12] = bad[2];
  const rejected = await api(srv.url, admin, 'POST', '/api/v1/enterprises/import', [header, ...bad].join('\n') + '\n', { 'content-type': 'text/csv' });
  assert.equal(rejected.status, 422);
  const errs = rejected.body.report.errors;
  assert.deepEqual(errs.map((e) => [e.line, e.field]), [[6, 'region'], [11, 'level'], [14, 'uscc']]);
  assert.match(errs[2].message, /第4行/);
  assert.equal(await total(), before);

  const ok = await api(srv.url, admin, 'POST', '/api/v1/enterprises/import', [header, ...rows].join('\r\n'), { 'content-type': 'text/csv' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual([ok.body.inserted, ok.body.updated], [20, 0]);
  const again = await api(srv.url, admin, 'POST', '/api/v1/enterprises/import', [header, ...rows].join('\n'), { 'content-type': 'text/csv' });
  assert.deepEqual([again.body.inserted, again.body.updated], [0, 20]);
  assert.equal(await total(), before + 20);

  const exp = await api(srv.url, bank, 'GET', '/api/v1/enterprises/export');
  assert.equal(exp.status, 200);
  assert.match(exp.headers.get('content-type'), /^text\/csv/);
  const lines = exp.body.trimEnd().split('\n');
  assert.equal(lines[0], header);
  assert.equal(lines.length, before + 20 + 1);
  assert.deepEqual(lines.slice(-20), rows);

  const wrongHeader = await api(srv.url, admin, 'POST', '/api/v1/enterprises/import', 'a,b\n1,2\n', { 'content-type': 'text/csv' });
  assert.equal(wrongHeader.status, 422);
  assert.equal(wrongHeader.body.report.errors[0].line, 1);
});

test('a large import (the bulk path) keeps USCCs unique, respects ownership and leaves the USCC index in place', async () => {
  const before = await total();
  const gen = cli(['gen', 'enterprises', '25000', '--seed', '99']);
  assert.equal(gen.status, 0);
  const lines = gen.stdout.trimEnd().split('\n');
  const demo = (await api(srv.url, admin, 'GET', '/api/v1/enterprises?limit=1')).body.items[0];
  const foreign = `${demo.uscc},${demo.name},${demo.region},${demo.industry},${demo.employees},${demo.revenue_wan},${demo.assets_wan},${demo.level}`;
  const withForeign = [...lines.slice(0, 100), foreign, ...lines.slice(100)].join('\n');
  const r = await api(srv.url, sme, 'POST', '/api/v1/enterprises/import', withForeign, { 'content-type': 'text/csv' });
  assert.equal(r.status, 422);
  assert.deepEqual(r.body.report.errors.map((e) => [e.line, e.code]), [[101, 'not_owner']]);
  assert.equal(await total(), before);
  const dup = [...lines, lines[5]].join('\n');
  const d = await api(srv.url, sme, 'POST', '/api/v1/enterprises/import', dup, { 'content-type': 'text/csv' });
  assert.deepEqual(d.body.report.errors.map((e) => [e.line, e.code]), [[25002, 'duplicate_uscc']]);
  const ok = await api(srv.url, sme, 'POST', '/api/v1/enterprises/import', lines.join('\n'), { 'content-type': 'text/csv' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 300));
  assert.deepEqual([ok.body.inserted, ok.body.updated], [25000, 0]);
  const again = await api(srv.url, sme, 'POST', '/api/v1/enterprises/import', lines.join('\n'), { 'content-type': 'text/csv' });
  assert.deepEqual([again.body.inserted, again.body.updated], [0, 25000]);
  assert.equal(await total(), before + 25000);
  const one = lines[777].split(',')[0];
  const got = await api(srv.url, bank, 'GET', `/api/v1/enterprises/${one}`);
  assert.equal(got.status, 200);
  const me = (await api(srv.url, sme, 'GET', '/api/v1/auth/me')).body;
  assert.equal(got.body.org_id, me.org.id);
  const clash = await api(srv.url, admin, 'POST', '/api/v1/enterprises', { uscc: one, name: '重复', region: '320505', industry: '34',
    employees: 1, revenue_wan: 1, assets_wan: 1, level: 'none' });
  assert.equal(clash.status, 409);
});

test('bodies over --max-body get 413 and change nothing', async () => {
  const before = await total();
  const big = { uscc: makeUscc('320505', 'BG0000001'), name: '大'.repeat(3000), region: '320505', industry: '34', employees: 1, revenue_wan: 1, assets_wan: 1, level: 'none' };
  const r = await api(srv.url, admin, 'POST', '/api/v1/enterprises', big);
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'payload_too_large');
  assert.equal(await total(), before);
});

test('unknown routes are 404 and wrong methods 405, as JSON', async () => {
  const a = await api(srv.url, admin, 'GET', '/api/v1/nothing-here');
  assert.equal(a.status, 404);
  assert.equal(a.body.error.code, 'no_such_route');
  const b = await api(srv.url, admin, 'PUT', '/api/v1/health', {});
  assert.equal(b.status, 405);
});

test('registry lookups: uscc, classify, regions, industries', async () => {
  const u = await api(srv.url, null, 'GET', '/api/v1/uscc/91350100M000100Y43');
  assert.deepEqual([u.body.valid, u.body.region_name], [true, '福建省 福州市']);
  const w = await api(srv.url, null, 'GET', '/api/v1/uscc/91350100M000100Y44');
  assert.equal(w.body.valid, false);
  assert.match(w.body.reason, /'3'/);
  const c = await api(srv.url, null, 'GET', '/api/v1/classify?industry=C&employees=300&revenue=2000');
  assert.equal(c.body.size, 'medium');
  assert.equal(c.body.sector, 'industrial');
  const c2 = await api(srv.url, null, 'GET', '/api/v1/classify?industry=E&employees=10&revenue=6000');
  assert.equal(c2.status, 422);
  assert.equal(c2.body.error.field, 'assets');
  const p = await api(srv.url, null, 'GET', '/api/v1/regions');
  assert.ok(p.body.items.some((r) => r.code === '320000' && r.name === '江苏省'));
  const k = await api(srv.url, null, 'GET', '/api/v1/regions?parent=320500');
  assert.ok(k.body.items.some((r) => r.code === '320583' && r.full_name === '江苏省 苏州市 昆山市'));
  assert.equal((await api(srv.url, null, 'GET', '/api/v1/regions?parent=329999')).status, 422);
  assert.equal((await api(srv.url, null, 'GET', '/api/v1/regions/329999')).status, 404);
  const ind = await api(srv.url, null, 'GET', '/api/v1/industries');
  assert.equal(ind.body.items.filter((i) => i.code.length === 2).length, 97);
  assert.equal(ind.body.items.find((i) => i.code === 'C').name, '制造业');
});

test('every write is in the audit log, readable by the operator only', async () => {
  const r = await api(srv.url, admin, 'GET', '/api/v1/audit?limit=500');
  assert.equal(r.status, 200);
  const actions = r.body.items.map((e) => e.action);
  for (const a of ['enterprise.create', 'enterprise.update', 'enterprise.delete', 'enterprise.import', 'user.create', 'user.password', 'org.create'])
    assert.ok(actions.includes(a), a);
  const entry = r.body.items.find((e) => e.action === 'enterprise.delete');
  assert.equal(entry.actor, USERS['operator:admin']);
  assert.match(entry.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/audit')).status, 403);
});

test('static files of web/ are served with their content types', async () => {
  for (const [p, type] of [['/', /text\/html/], ['/index.html', /text\/html/], ['/app.css', /text\/css/], ['/lib/api.js', /text\/javascript/]]) {
    const r = await fetch(srv.url + p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), type, p);
  }
  // fetch() would normalise '/../', so send the raw path.
  const raw = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: srv.port, path: '/../Makefile' }, (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject);
  });
  assert.equal(raw, 404);
  assert.equal((await fetch(srv.url + '/nope.js')).status, 404);
  // Paths without a file extension are the single-page app's routes.
  const page = await fetch(srv.url + '/enterprises/91350100M000100Y43');
  assert.match(await page.text(), /<html/i);
});

test('one access-log line per request with method, path, status, bytes and microseconds', async () => {
  await api(srv.url, null, 'GET', '/api/v1/health');
  await new Promise((r) => setTimeout(r, 100));
  assert.match(srv.log(), /access GET \/api\/v1\/health 200 \d+ \d+us/);
  assert.match(srv.log(), /access POST \/api\/v1\/enterprises 413 \d+ \d+us/);
});

test('SIGTERM stops the server cleanly', async () => {
  const s = await startServer();
  const code = await s.stop('SIGTERM');
  assert.equal(code, 0);
  assert.match(s.log(), /stopped/);
});

test('serve refuses a database newer than itself', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'new.db');
  assert.equal(cli(['--db', db, 'migrate']).status, 0);
  const r = cli(['--db', db, 'org', 'list']);
  assert.equal(r.status, 0);
  // Pretend a newer qilian migrated this database.
  const { execFileSync } = await import('node:child_process');
  execFileSync('sqlite3', [db, "INSERT INTO schema_migrations VALUES(9999,'9999_future','2030-01-01T00:00:00Z')"]);
  await assert.rejects(startServer({ db }), /newer than this qilian/);
  fs.rmSync(dir, { recursive: true, force: true });
});
