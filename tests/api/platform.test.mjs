// The platform services over the API against a real `qilian serve`:
//  - enterprise resolution as every chain reports it: each endpoint that names an enterprise by
//    USCC answers an unregistered one with its own status, field and wording (these are pinned
//    so that moving the lookups into src/platform/enterprise_ref.c changed none of them);
//  - the inbox (src/platform/inbox.c, routes_platform.c): a notification of the market reaches
//    the invited supplier's organisation only, counts, reads once, read-all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { makeUscc } from '../lib/uscc.mjs';

let srv, op, large, sme;
const U = {
  buyer: makeUscc('320506', 'PLT000001'),
  supplier: makeUscc('320583', 'PLT000002'),
  nobody: makeUscc('320505', 'PLT999999'), // valid, never registered
};
let demandId;

async function register(token, uscc, name, region) {
  const r = await api(srv.url, token, 'POST', '/api/v1/enterprises', {
    uscc, name, region, industry: '36', employees: 120, revenue_wan: 9000, assets_wan: 7000, level: 'provincial',
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

before(async () => {
  srv = await startServer();
  op = await login(srv.url, USERS['operator:admin']);
  large = await login(srv.url, USERS['large:admin']);
  sme = await login(srv.url, USERS['sme:admin']);
  await register(large, U.buyer, '平台测试整车厂', '320506');
  await register(sme, U.supplier, '平台测试电机厂', '320583');
  const d = await api(srv.url, large, 'POST', '/api/v1/demands', {
    enterprise: U.buyer, title: '平台测试采购电机', quantity: 10, unit: '台', region: '320505',
    deadline: '2099-12-31T00:00:00Z',
  });
  assert.equal(d.status, 201, JSON.stringify(d.body));
  demandId = d.body.id;
});
after(async () => { await srv.stop(); });

const missing = (u) => `企业不存在 (no enterprise with USCC ${u})`;
const unregistered = (u) => `企业未登记 (no enterprise with USCC ${u} is registered)`;

test('an unregistered USCC: every endpoint keeps its status, field and wording', async () => {
  const n = U.nobody;
  const cases = [
    // [token, method, path, body, status, field, message]
    [op, 'GET', `/api/v1/enterprises/${n}`, undefined, 404, 'uscc', missing(n)],
    [op, 'GET', `/api/v1/enterprises/${n}/scorecard`, undefined, 404, 'uscc', missing(n)],
    [large, 'POST', `/api/v1/demands/${demandId}/invitations`, { suppliers: [n] }, 422, 'suppliers', missing(n)],
    [sme, 'POST', `/api/v1/demands/${demandId}/quotes`,
      { enterprise: n, unit_price_fen: 100, quantity: 1, lead_time_days: 5, valid_until: '2099-12-31' },
      422, 'enterprise', missing(n)],
    [sme, 'POST', '/api/v1/supplies', { enterprise: n, title: '电机' }, 422, 'enterprise', unregistered(n)],
    [large, 'POST', '/api/v1/demands', { enterprise: n, title: '电机' }, 422, 'enterprise', unregistered(n)],
    [sme, 'POST', '/api/v1/subscriptions', { enterprise: n, keywords: ['电机'] }, 422, 'enterprise', unregistered(n)],
    [op, 'GET', `/api/v1/enterprises/${n}/capabilities`, undefined, 404, 'uscc', unregistered(n)],
    [op, 'PUT', `/api/v1/enterprises/${n}/capabilities/nev/motor`, { capacity: 1 }, 404, 'uscc', unregistered(n)],
    [op, 'POST', '/api/v1/relations',
      { buyer_uscc: n, supplier_uscc: U.supplier, chain: 'nev', segment: 'motor', annual_amount_fen: 100 },
      422, 'buyer_uscc', unregistered(n)],
    [op, 'POST', '/api/v1/relations',
      { buyer_uscc: U.buyer, supplier_uscc: n, chain: 'nev', segment: 'motor', annual_amount_fen: 100 },
      422, 'supplier_uscc', unregistered(n)],
    [op, 'GET', `/api/v1/analytics/suppliers?buyer=${n}`, undefined, 404, 'buyer', missing(n)],
    [large, 'GET', `/api/v1/analytics/suppliers?buyer=${n}`, undefined, 404, 'buyer', missing(n)],
  ];
  for (const [token, method, p, body, status, field, message] of cases) {
    const r = await api(srv.url, token, method, p, body);
    const what = `${method} ${p}: ${JSON.stringify(r.body)}`;
    assert.equal(r.status, status, what);
    assert.equal(r.body.error.code, 'enterprise_not_found', what);
    assert.equal(r.body.error.field, field, what);
    assert.equal(r.body.error.message, message, what);
  }
  // A filter naming an unregistered enterprise is an empty list, not an error.
  for (const p of [`/api/v1/supplies?enterprise=${n}`, `/api/v1/relations?buyer=${n}`, `/api/v1/relations?supplier=${n}`]) {
    const list = await api(srv.url, op, 'GET', p);
    assert.equal(list.status, 200, `${p}: ${JSON.stringify(list.body)}`);
    assert.deepEqual(list.body.items, [], p);
  }
});

test('the inbox: an invitation reaches the supplier organisation only, counts, reads once', async () => {
  const inv = await api(srv.url, large, 'POST', `/api/v1/demands/${demandId}/invitations`, { suppliers: [U.supplier] });
  assert.equal(inv.status, 200, JSON.stringify(inv.body));
  const items = (await api(srv.url, sme, 'GET', '/api/v1/inbox?unread=1')).body.items
    .filter((i) => i.kind === 'invited' && i.object_id === demandId);
  assert.equal(items.length, 1);
  assert.equal(items[0].enterprise.uscc, U.supplier);
  assert.equal(items[0].read, false);
  const id = items[0].id;
  // Not the buyer's: 404 for it, as if it did not exist.
  const foreign = await api(srv.url, large, 'POST', `/api/v1/inbox/${id}/read`);
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.error.code, 'notification_not_found');
  const before = (await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body.unread;
  assert.ok(before >= 1);
  const read = await api(srv.url, sme, 'POST', `/api/v1/inbox/${id}/read`);
  assert.equal(read.status, 200);
  assert.deepEqual(read.body, { id, read: true });
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body.unread, before - 1);
  const again = await api(srv.url, sme, 'POST', `/api/v1/inbox/${id}/read`);
  assert.equal(again.status, 200);
  const all = await api(srv.url, sme, 'POST', '/api/v1/inbox/read-all');
  assert.equal(all.status, 200);
  assert.equal(all.body.marked, before - 1);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/inbox/count')).body.unread, 0);
});
