// A read is answered with the actor a server thread last saw for its token only once the request's
// own session check, sent with the handler's first statement, found that same actor (speculate()
// in src/http/server.c; the PostgreSQL driver's db_defer). Whatever changed the session meanwhile,
// on another server or straight in the database, counts on the very next request, as when every
// request checked its session first. Server A runs one worker thread, so each request below meets
// the guess its earlier ones left; on SQLite there is no guess and the same answers must come.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demoDb, tempDir, login, api, USERS } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';

const SME = '91320583MA1QEW0025';
let a, b, db;
before(async () => {
  db = demoDb(tempDir());
  a = await startServer({ db, args: ['--threads', '1'] });
  b = await startServer({ db });
});
after(async () => { await a.stop(); await b.stop(); });

// A few reads on A, so that its thread has a guess for t.
async function warm(t, p) {
  for (let i = 0; i < 3; i++) {
    const r = await api(a.url, t, 'GET', p);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}

test('a logout on another server is refused on the next read', async () => {
  const t = await login(b.url, USERS['sme:member']);
  await warm(t, `/api/v1/enterprises/${SME}`);
  assert.equal((await api(b.url, t, 'POST', '/api/v1/auth/logout')).status, 200);
  const r = await api(a.url, t, 'GET', `/api/v1/enterprises/${SME}`);
  assert.equal(r.status, 401, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'session_expired');
  assert.equal((await api(a.url, t, 'GET', '/api/v1/auth/me')).status, 401);
});

test('a user disabled in the database is refused on the next read, and served again once enabled', async () => {
  const email = USERS['provider:member'];
  const t = await login(a.url, email);
  await warm(t, `/api/v1/enterprises/${SME}`);
  sqlite(db, `UPDATE users SET disabled=1 WHERE email='${email}'`);
  assert.equal((await api(a.url, t, 'GET', `/api/v1/enterprises/${SME}`)).status, 401);
  assert.equal((await api(a.url, t, 'GET', `/api/v1/enterprises/${SME}`)).status, 401, 'and stays refused');
  sqlite(db, `UPDATE users SET disabled=0 WHERE email='${email}'`);
  assert.equal((await api(a.url, t, 'GET', `/api/v1/enterprises/${SME}`)).status, 200);
});

test('an expired session is refused on the next read', async () => {
  const email = USERS['large:member'];
  const t = await login(a.url, email);
  await warm(t, '/api/v1/auth/me');
  sqlite(db, `UPDATE sessions SET expires_at=1 WHERE user_id=(SELECT id FROM users WHERE email='${email}')`);
  assert.equal((await api(a.url, t, 'GET', '/api/v1/auth/me')).status, 401);
});

test('a role change counts on the next read, both ways', async () => {
  const email = USERS['bank:admin'];
  const t = await login(a.url, email);
  await warm(t, '/api/v1/users');
  sqlite(db, `UPDATE users SET role='member' WHERE email='${email}'`);
  const down = await api(a.url, t, 'GET', '/api/v1/users');
  assert.equal(down.status, 403, 'an admin made member is refused at once: ' + JSON.stringify(down.body));
  const me = await api(a.url, t, 'GET', '/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.role, 'member', JSON.stringify(me.body));
  await warm(t, '/api/v1/auth/me'); // the guess is a member now
  sqlite(db, `UPDATE users SET role='admin' WHERE email='${email}'`);
  assert.equal((await api(a.url, t, 'GET', '/api/v1/users')).status, 200, 'made admin again: no refusal from the old guess');
  assert.equal((await api(a.url, t, 'GET', '/api/v1/auth/me')).body.user.role, 'admin');
});

test('another actor behind the same token is never answered with the old one', async () => {
  const email = USERS['sme:admin'];
  const t = await login(a.url, email);
  await warm(t, '/api/v1/auth/me');
  sqlite(db, `UPDATE users SET email='renamed-${email}' WHERE email='${email}'`);
  const me = await api(a.url, t, 'GET', '/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.email, `renamed-${email}`, JSON.stringify(me.body));
  sqlite(db, `UPDATE users SET email='${email}' WHERE email='renamed-${email}'`);
});

test('a read that also writes (the matches shown are counted) writes once, and never after a logout', async () => {
  const t = await login(a.url, USERS['large:admin']);
  const demand = sqlite(db, "SELECT id FROM demands WHERE status='open' ORDER BY id LIMIT 1");
  assert.ok(demand, 'the demo has an open demand');
  const count = () => Number(sqlite(db, 'SELECT coalesce(sum(requests),0) FROM match_impressions'));
  await warm(t, `/api/v1/demands/${demand}/matches`);
  const c0 = count();
  assert.equal((await api(a.url, t, 'GET', `/api/v1/demands/${demand}/matches`)).status, 200);
  assert.equal(count(), c0 + 1, 'counted once');
  assert.equal((await api(b.url, t, 'POST', '/api/v1/auth/logout')).status, 200);
  assert.equal((await api(a.url, t, 'GET', `/api/v1/demands/${demand}/matches`)).status, 401);
  assert.equal(count(), c0 + 1, 'nothing counted for a session that is gone');
  assert.ok(!/matches shown not counted/.test(a.log()), a.log().slice(-2000));
});
