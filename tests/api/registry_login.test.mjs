// Login throttling and the password rule against a real `qilian serve`:
// concurrent guesses cannot get more checks than the limit, every 429 says
// when to retry (Retry-After), failures from one address do not lock the
// account for another, and common or weak passwords are refused with 422.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, login, api, USERS, DEMO_PASSWORD } from '../lib/server.mjs';

let srv, admin;
before(async () => {
  srv = await startServer();
  admin = await login(srv.url, USERS['operator:admin']);
});
after(async () => { await srv.stop(); });

// POST /api/v1/auth/login from a chosen loopback address (127.0.0.0/8 is all local on Linux).
function loginFrom(localAddress, email, password) {
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}/api/v1/auth/login`, {
      method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('40 concurrent wrong passwords get at most 5 checks; the rest are 429 with Retry-After', async () => {
  const email = USERS['bank:admin'];
  const tries = await Promise.all(Array.from({ length: 40 }, () => loginFrom('127.0.0.1', email, 'wrong-password')));
  const checked = tries.filter((r) => r.status === 401);
  const throttled = tries.filter((r) => r.status === 429);
  assert.equal(checked.length + throttled.length, 40, `unexpected statuses: ${tries.map((r) => r.status)}`);
  assert.ok(checked.length <= 5, `${checked.length} passwords were checked`);
  assert.equal(checked.length, 5);
  for (const r of throttled) {
    assert.equal(r.body.error.code, 'too_many_attempts');
    assert.match(r.headers['retry-after'], /^[1-9][0-9]*$/);
    assert.ok(Number(r.headers['retry-after']) <= 60);
  }
  for (const r of checked) assert.equal(r.headers['retry-after'], undefined);
  // Even the right password waits on this address ...
  const blocked = await loginFrom('127.0.0.1', email, DEMO_PASSWORD);
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers['retry-after']) >= 1);
  assert.match(blocked.body.error.message, /秒后再试.*seconds/);
  // ... but not on another: guessing does not lock the owner out.
  const owner = await loginFrom('127.0.0.2', email, DEMO_PASSWORD);
  assert.equal(owner.status, 200);
  assert.match(owner.body.token, /^[0-9a-f]{64}$/);
});

test('one address failing on many accounts is throttled for every account, other addresses are not', async () => {
  const spray = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    loginFrom('127.0.0.3', `spray${i}@qilian.test`, 'wrong-password')));
  assert.deepEqual([...new Set(spray.map((r) => r.status))], [401]);
  const r = await loginFrom('127.0.0.3', USERS['sme:member'], DEMO_PASSWORD);
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers['retry-after']) > 800 && Number(r.headers['retry-after']) <= 900);
  assert.equal((await loginFrom('127.0.0.4', USERS['sme:member'], DEMO_PASSWORD)).status, 200);
});

test('a common or weak password is refused for new users and password changes with 422 naming the field', async () => {
  const org = (await api(srv.url, admin, 'GET', '/api/v1/auth/me')).body.org.id;
  for (const [password, reason] of [['12345678', /最常见.*most common/], ['Password1', /most common/],
    ['kqzvbnte', /三种.*three of/], ['zzzzzzzzzzzz', /repeated/]]) {
    const r = await api(srv.url, admin, 'POST', '/api/v1/users',
      { org_id: org, email: 'weakling@qilian.test', role: 'member', password });
    assert.equal(r.status, 422, password);
    assert.equal(r.body.error.code, 'weak_password');
    assert.equal(r.body.error.field, 'password');
    assert.match(r.body.error.message, reason);
  }
  const ok = await api(srv.url, admin, 'POST', '/api/v1/users',
    { org_id: org, email: 'weakling@qilian.test', role: 'member', password: 'Kqzv-bn7' });
  assert.equal(ok.status, 201);
  const t = await login(srv.url, 'weakling@qilian.test', 'Kqzv-bn7');
  const weak = await api(srv.url, t, 'POST', '/api/v1/auth/password', { old_password: 'Kqzv-bn7', new_password: '12345678' });
  assert.equal(weak.status, 422);
  assert.equal(weak.body.error.code, 'weak_password');
  assert.equal(weak.body.error.field, 'new_password');
  // The demo password meets the rule.
  const good = await api(srv.url, t, 'POST', '/api/v1/auth/password', { old_password: 'Kqzv-bn7', new_password: DEMO_PASSWORD });
  assert.equal(good.status, 200);
  assert.ok(await login(srv.url, 'weakling@qilian.test', DEMO_PASSWORD));
});
