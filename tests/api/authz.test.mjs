// The authorisation matrix: every route the OpenAPI document lists, called
// by every kind of caller (anonymous and each organisation type x role).
// A caller outside the route's x-qilian-roles must get 401 (anonymous) or
// 403; a caller inside must get past authorisation without breaking the
// server (any status below 500 but 401 and 403). Every route the router
// knows (`qilian routes`) is walked with every caller.
// Requests carry deliberately invalid bodies so allowed calls stop at
// validation (422) and the walk changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, cli, USERS } from '../lib/server.mjs';

let srv;
const tokens = {};
const me = {};
before(async () => {
  srv = await startServer();
  for (const [role, email] of Object.entries(USERS)) {
    tokens[role] = await login(srv.url, email);
    me[role] = (await api(srv.url, tokens[role], 'GET', '/api/v1/auth/me')).body;
  }
});
after(async () => { await srv.stop(); });

const INVALID_BODIES = {
  'POST /api/v1/auth/login': {},
  'POST /api/v1/auth/password': { old_password: 'wrong-password', new_password: 'x' },
  'POST /api/v1/orgs': { name: '测试', type: 'not-a-type' },
  'POST /api/v1/enterprises': { uscc: 'bad' },
  'PATCH /api/v1/enterprises/{uscc}': { level: 'not-a-level' },
  'POST /api/v1/enterprises/import': 'not,a,valid,header\n',
  'PUT /api/v1/chains/{chain}': { name: '' },
  'PUT /api/v1/chains/{chain}/segments/{segment}': { name: '' },
  'PUT /api/v1/enterprises/{uscc}/capabilities/{chain}/{segment}': { capacity: -1 },
  'POST /api/v1/relations': { buyer_uscc: 'bad' },
  'POST /api/v1/chainmap/import/segments': 'not,a,valid,header\n',
  'POST /api/v1/chainmap/import/capabilities': 'not,a,valid,header\n',
  'POST /api/v1/chainmap/import/relations': 'not,a,valid,header\n',
  'POST /api/v1/service-requests/escalate': { date: 'not-a-date' },
};

// A valid USCC that no demo enterprise has: writes to it stop at 404 after authorisation.
const NO_SUCH_USCC = '91320583MA1N2L8E6H';

function pathFor(template, role, sampleUscc) {
  // Relation ids are not organisation ids: use one that does not exist, so deletes stop at 404.
  // Market objects likewise: the demo listings would answer an outsider's write with 403.
  // Shared resources and bookings too (the demo resources answer an outsider's edit with 403).
  const missing = /^\/api\/v1\/(relations|supplies|demands|quotes|orders|subscriptions|inbox|resources|bookings|service-requests|service-extensions|service-routes|data-grants|talent)\//.test(template);
  const id = missing ? '999999999' : String(me[role]?.org?.id ?? 1);
  return template
    .replace('{id}', id)
    .replace('{uscc}', sampleUscc)
    .replace('{code}', '320583')
    .replace('{chain}', 'nev')
    .replace('{segment}', 'no-such-segment')
    .replace('{kind}', 'segments');
}

test('every route answers every caller according to x-qilian-roles', async () => {
  const doc = (await api(srv.url, null, 'GET', '/api/v1/openapi.json')).body;
  const list = await api(srv.url, tokens['operator:admin'], 'GET', '/api/v1/enterprises?limit=1');
  const sampleUscc = list.body.items[0].uscc;
  const callers = ['anonymous', ...Object.keys(USERS)];
  let checked = 0;
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const M = method.toUpperCase();
      const key = `${M} ${template}`;
      const allowed = new Set(op['x-qilian-roles']);
      assert.ok(allowed.size > 0, `${key} declares who may call it`);
      for (const caller of callers) {
        // Logging out would end the token the rest of the walk uses: use a throwaway session.
        let token = caller === 'anonymous' ? null : tokens[caller];
        if (key === 'POST /api/v1/auth/logout' && token) token = await login(srv.url, USERS[caller]);
        let body = INVALID_BODIES[key];
        if (key === 'POST /api/v1/users') body = { org_id: me[caller]?.org?.id ?? 1, email: 'x', role: 'member', password: 'short' };
        if (body === undefined && (M === 'POST' || M === 'PATCH' || M === 'PUT')) body = {};
        const p = pathFor(template, caller, M === 'DELETE' || M === 'PATCH' ? NO_SUCH_USCC : sampleUscc);
        const headers = typeof body === 'string' ? { 'content-type': 'text/csv' } : {};
        const r = await api(srv.url, token, M, p, body, headers);
        const what = `${caller} ${M} ${p} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
        if (allowed.has(caller)) {
          assert.ok(r.status < 500, what);
          assert.notEqual(r.status, 401, what);
          assert.notEqual(r.status, 403, what);
          assert.notEqual(r.body?.error?.code, 'no_such_route', what);
        } else if (caller === 'anonymous') {
          assert.equal(r.status, 401, what);
          assert.equal(r.body.error.code, 'unauthorized', what);
        } else {
          assert.equal(r.status, 403, what);
          assert.equal(r.body.error.code, 'forbidden', what);
        }
        checked++;
      }
    }
  }
  const routes = cli(['routes']);
  assert.equal(routes.status, 0, routes.stderr);
  const expected = JSON.parse(routes.stdout).items.length * callers.length;
  assert.equal(checked, expected, `walked ${checked} route x caller pairs, the route table has ${expected}`);
});

test('a bad or expired token is 401 even on routes anonymous callers may use', async () => {
  const r = await api(srv.url, 'f'.repeat(64), 'GET', '/api/v1/enterprises');
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'session_expired');
  assert.match(r.headers.get('www-authenticate') || '', /Bearer/);
});

test('object-level checks: an SME cannot change another organisation\'s enterprise', async () => {
  const list = await api(srv.url, tokens['sme:admin'], 'GET', '/api/v1/enterprises?limit=1');
  const target = list.body.items[0];
  assert.notEqual(target.org_id, me['sme:admin'].org.id);
  const r = await api(srv.url, tokens['sme:admin'], 'PATCH', `/api/v1/enterprises/${target.uscc}`, { name: '被篡改' });
  assert.equal(r.status, 403);
  const again = await api(srv.url, tokens['sme:admin'], 'GET', `/api/v1/enterprises/${target.uscc}`);
  assert.equal(again.body.name, target.name);
  const users = await api(srv.url, tokens['sme:admin'], 'POST', '/api/v1/users',
    { org_id: me['large:admin'].org.id, email: 'spy@qilian.test', role: 'admin', password: 'long-enough-pw' });
  assert.equal(users.status, 403);
});
