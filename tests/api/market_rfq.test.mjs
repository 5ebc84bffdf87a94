// RFQ and orders over the API against a real `qilian serve`: sealed quotes
// as every side sees them (a supplier never sees another's quote, the buyer
// only their count until the deadline or an early close, then all; the
// operator like the buyer; an unrelated organisation only its own, none), a quote edit
// after the deadline (409), an invite-only demand that refuses an uninvited
// supplier, award -> orders, the whole order path with every illegal
// transition and wrong party, scorecards from those real orders, the inbox
// notifications and the market statistics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, loginAll, api } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin, submitQuote } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';

let srv, op, buyer, supA, supB, other, bank;
const U = {
  buyer: makeUscc('320506', 'RFQ000001'),
  a: makeUscc('320583', 'RFQ000002'),
  b: makeUscc('330102', 'RFQ000003'),
  c: makeUscc('320412', 'RFQ000004'),
};

// A UTC time secondsFromNow ahead, whole seconds, as the API wants it.
function utcIn(seconds) {
  return new Date(Math.ceil(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function demand(extra = {}) {
  const r = await api(srv.url, buyer, 'POST', '/api/v1/demands', {
    enterprise: U.buyer, title: '采购永磁同步电机', description: '驱动电机 150kW, 含电控接口', quantity: 2000, unit: '台',
    region: '320505', deadline: utcIn(86400 * 30), ...extra,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

function quote(enterprise, unit_price_fen, extra = {}) {
  return { enterprise, unit_price_fen, quantity: 1000, lead_time_days: 20, valid_until: '2099-12-31', notes: '含税', ...extra };
}

before(async () => {
  srv = await startServer();
  [op, buyer, supA, bank] = await loginAll(srv.url, ['operator:admin', 'large:member', 'sme:admin', 'bank:member']);
  supB = await smeWithAdmin(srv.url, op, '杭州询价轴承有限公司', 'rfq-b@qilian.test');
  other = await smeWithAdmin(srv.url, op, '常州无关配件有限公司', 'rfq-c@qilian.test');
  await registerEnterprise(srv.url, buyer, U.buyer, '询价测试整车厂', { region: '320506', level: 'provincial' });
  await registerEnterprise(srv.url, supA, U.a, '询价测试电机厂', { region: '320583', level: 'provincial' });
  await registerEnterprise(srv.url, supB, U.b, '询价测试轴承厂', { region: '330102', level: 'provincial' });
  await registerEnterprise(srv.url, other, U.c, '询价测试无关厂', { region: '320412', level: 'provincial' });
});
after(async () => { await srv.stop(); });

let sealedDemand, quoteA, quoteB;

test('sealed quotes: each supplier sees its own, the buyer and the operator only the count, others 404', async () => {
  sealedDemand = await demand();
  const d = sealedDemand;
  quoteA = await submitQuote(srv.url, supA, d, quote(U.a, 90000));
  assert.equal(quoteA.amount_fen, 90000 * 1000);
  assert.equal(quoteA.supplier.uscc, U.a);
  assert.equal(quoteA.status, 'submitted');
  quoteB = await submitQuote(srv.url, supB, d, quote(U.b, 85000));
  // One quote per supplier: a second POST is a conflict, PATCH edits.
  const again = await submitQuote(srv.url, supA, d, quote(U.a, 1), 409);
  assert.equal(again.error.code, 'quote_exists');
  const edited = await api(srv.url, supA, 'PATCH', `/api/v1/quotes/${quoteA.id}`, { unit_price_fen: 88000 });
  assert.equal(edited.status, 200, JSON.stringify(edited.body));
  assert.equal(edited.body.amount_fen, 88000 * 1000);
  // Another organisation cannot edit, withdraw or even see A's quote.
  assert.equal((await api(srv.url, supB, 'PATCH', `/api/v1/quotes/${quoteA.id}`, { unit_price_fen: 1 })).status, 404);
  assert.equal((await api(srv.url, buyer, 'DELETE', `/api/v1/quotes/${quoteA.id}`)).status, 404);

  const a = await api(srv.url, supA, 'GET', `/api/v1/demands/${d}/quotes`);
  assert.equal(a.status, 200);
  assert.equal(a.body.sealed, true);
  assert.equal(a.body.count, 1);
  assert.deepEqual(a.body.quotes.map((q) => q.id), [quoteA.id]);
  assert.ok(!JSON.stringify(a.body).includes(U.b), 'A never sees B');
  const b = await api(srv.url, supB, 'GET', `/api/v1/demands/${d}/quotes`);
  assert.deepEqual(b.body.quotes.map((q) => q.id), [quoteB.id]);
  assert.ok(!JSON.stringify(b.body).includes(U.a), 'B never sees A');
  for (const t of [buyer, op]) {
    const r = await api(srv.url, t, 'GET', `/api/v1/demands/${d}/quotes`);
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.sealed, r.body.count, r.body.quotes], [true, 2, []]);
    assert.ok(!JSON.stringify(r.body).includes('85000'), 'no price leaks before the deadline');
  }
  // Anyone else who may read the public demand sees only its own quotes: none, and nothing of A's or B's.
  for (const t of [other, bank]) {
    const r = await api(srv.url, t, 'GET', `/api/v1/demands/${d}/quotes`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.count, r.body.quotes], [0, []]);
    assert.ok(!JSON.stringify(r.body).includes(U.a) && !JSON.stringify(r.body).includes(U.b));
  }

  // The buyer is told quotes came, without their content.
  const inbox = await api(srv.url, buyer, 'GET', '/api/v1/inbox?limit=100');
  const n = inbox.body.items.find((i) => i.kind === 'quote' && i.object_id === d);
  assert.ok(n, JSON.stringify(inbox.body));
  assert.match(n.title, /2/);

  // Award before unsealing is refused; a supplier cannot close; the buyer closes early.
  const early = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: [quoteB.id] });
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'quotes_sealed');
  assert.equal((await api(srv.url, supA, 'POST', `/api/v1/demands/${d}/close`)).status, 403);
  const closed = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/close`);
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  assert.equal(closed.body.status, 'closed');
  assert.ok(closed.body.closed_at);
  const again2 = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/close`);
  assert.equal(again2.body.error.code, 'demand_not_open');

  for (const t of [buyer, op]) {
    const r = await api(srv.url, t, 'GET', `/api/v1/demands/${d}/quotes`);
    assert.equal(r.body.sealed, false);
    assert.deepEqual(r.body.quotes.map((q) => q.id), [quoteB.id, quoteA.id], 'cheapest first');
    assert.ok(r.body.quotes[0].scorecard, 'the buyer sees each supplier\'s record');
    assert.equal(r.body.quotes[0].supplier.level, 'provincial');
  }
  const a2 = await api(srv.url, supA, 'GET', `/api/v1/demands/${d}/quotes`);
  assert.equal(a2.body.sealed, false);
  assert.deepEqual(a2.body.quotes.map((q) => q.id), [quoteA.id]);
  // Closed: quotes are frozen.
  const frozen = await api(srv.url, supA, 'PATCH', `/api/v1/quotes/${quoteA.id}`, { notes: '再降' });
  assert.equal(frozen.status, 409);
  assert.equal(frozen.body.error.code, 'quote_deadline_passed');
});

test('the deadline unseals the quotes and freezes them: an edit after it is 409', async () => {
  const d = await demand({ deadline: utcIn(3) });
  const q = await submitQuote(srv.url, supA, d, quote(U.a, 5000));
  const ok = await api(srv.url, supA, 'PATCH', `/api/v1/quotes/${q.id}`, { lead_time_days: 10 });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal((await api(srv.url, buyer, 'GET', `/api/v1/demands/${d}/quotes`)).body.sealed, true);
  await sleep(4200);
  const late = await api(srv.url, supA, 'PATCH', `/api/v1/quotes/${q.id}`, { unit_price_fen: 4000 });
  assert.equal(late.status, 409);
  assert.equal(late.body.error.code, 'quote_deadline_passed');
  const withdraw = await api(srv.url, supA, 'DELETE', `/api/v1/quotes/${q.id}`);
  assert.equal(withdraw.status, 409);
  assert.equal(withdraw.body.error.code, 'quote_deadline_passed');
  const lateNew = await submitQuote(srv.url, supB, d, quote(U.b, 100), 409);
  assert.equal(lateNew.error.code, 'quote_deadline_passed');
  const r = await api(srv.url, buyer, 'GET', `/api/v1/demands/${d}/quotes`);
  assert.equal(r.body.sealed, false);
  assert.deepEqual(r.body.quotes.map((x) => [x.id, x.unit_price_fen, x.lead_time_days]), [[q.id, 5000, 10]]);
  // Now the buyer knows the quote: changing it is 403.
  assert.equal((await api(srv.url, buyer, 'PATCH', `/api/v1/quotes/${q.id}`, { notes: 'x' })).status, 403);
});

test('an invite-only demand refuses an uninvited supplier and tells the invited one', async () => {
  const d = await demand({ visibility: 'invited' });
  // Nobody outside the owner can see it, so the quote is 404.
  assert.equal((await submitQuote(srv.url, supB, d, quote(U.b, 100), 404)).error.code, 'demand_not_found');
  assert.equal((await submitQuote(srv.url, supA, d, quote(U.a, 100), 404)).error.code, 'demand_not_found');
  // Only the owner invites.
  assert.equal((await api(srv.url, supA, 'POST', `/api/v1/demands/${d}/invitations`, { suppliers: [U.a] })).status, 404);
  const inv = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/invitations`, { suppliers: [U.a.toLowerCase()] });
  assert.equal(inv.status, 200, JSON.stringify(inv.body));
  assert.deepEqual(inv.body.items.map((i) => i.enterprise.uscc), [U.a]);
  const bad = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/invitations`, { suppliers: ['91320583MA1N2L8E6X'] });
  assert.equal(bad.status, 422);
  const own = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/invitations`, { suppliers: [U.buyer] });
  assert.equal(own.body.error.code, 'own_demand');
  const inbox = await api(srv.url, supA, 'GET', '/api/v1/inbox?limit=100');
  assert.ok(inbox.body.items.some((i) => i.kind === 'invited' && i.object_id === d), JSON.stringify(inbox.body));
  const q = await submitQuote(srv.url, supA, d, quote(U.a, 100));
  assert.equal(q.status, 'submitted');
  assert.equal((await submitQuote(srv.url, supB, d, quote(U.b, 90), 404)).error.code, 'demand_not_found');
  const mine = await api(srv.url, supA, 'GET', `/api/v1/demands/${d}/invitations`);
  assert.equal(mine.body.items[0].quoted, true);
  assert.equal((await api(srv.url, supB, 'GET', `/api/v1/demands/${d}/invitations`)).status, 404);
  const buyers = await api(srv.url, buyer, 'GET', `/api/v1/demands/${d}/invitations`);
  assert.equal(buyers.body.items.length, 1);
  // Sealed: the buyer may not learn who quoted, only how many (issue 8).
  assert.equal(buyers.body.items[0].quoted, null);
});

let orderB, orderA;
const step = (token, id, action, body) => api(srv.url, token, 'POST', `/api/v1/orders/${id}/${action}`, body);

test('award turns quotes into orders and declines the rest', async () => {
  const d = sealedDemand;
  const c = await submitQuote(srv.url, other, await demand(), quote(U.c, 7000)); // a quote elsewhere, untouched
  const wrong = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: [c.id] });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.body.error.code, 'quote_not_found');
  const typed = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: ['1'] });
  assert.equal(typed.status, 422);
  assert.equal((await api(srv.url, supA, 'POST', `/api/v1/demands/${d}/award`, { quotes: [quoteB.id] })).status, 403);
  const r = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: [quoteB.id] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.demand.status, 'awarded');
  assert.equal(r.body.orders.length, 1);
  const o = r.body.orders[0];
  orderB = o.id;
  assert.equal(o.status, 'placed');
  assert.equal(o.amount_fen, 85000 * 1000);
  assert.equal(o.supplier.uscc, U.b);
  assert.equal(o.buyer.uscc, U.buyer);
  assert.equal(Date.parse(o.due_at) - Date.parse(o.placed_at), 20 * 86400 * 1000);
  const a = await api(srv.url, supA, 'GET', `/api/v1/demands/${d}/quotes`);
  assert.equal(a.body.quotes[0].status, 'declined');
  const again = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: [quoteA.id] });
  assert.equal(again.status, 409);
  const inbox = await api(srv.url, supB, 'GET', '/api/v1/inbox?limit=100');
  assert.ok(inbox.body.items.some((i) => i.kind === 'awarded' && i.object_id === orderB), JSON.stringify(inbox.body));
});

test('the order path placed -> shipped -> delivered -> accepted, every illegal step and wrong party', async () => {
  const id = orderB;
  // Not a party: 404 even to look.
  for (const t of [supA, other, bank]) assert.equal((await api(srv.url, t, 'GET', `/api/v1/orders/${id}`)).status, 404);
  for (const t of [supA, other]) assert.equal((await step(t, id, 'ship')).status, 404);
  // From placed: the buyer may do nothing, the supplier only ship.
  for (const action of ['ship', 'deliver']) assert.equal((await step(buyer, id, action)).status, 403, action);
  for (const action of ['accept', 'reject']) {
    const r = await step(supB, id, action, { reason: 'x' });
    assert.equal(r.status, 403, action);
    assert.equal(r.body.error.code, 'forbidden');
  }
  const illegal = async (token, action, from, to) => {
    const r = await step(token, id, action, { reason: '理由' });
    assert.equal(r.status, 409, `${action} from ${from}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'illegal_transition');
    assert.ok(r.body.error.message.includes(from) && r.body.error.message.includes(to), r.body.error.message);
  };
  await illegal(supB, 'deliver', 'placed', 'delivered');
  await illegal(buyer, 'accept', 'placed', 'accepted');
  await illegal(buyer, 'reject', 'placed', 'rejected');
  let r = await step(supB, id, 'ship');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'shipped');
  assert.ok(r.body.shipped_at);
  await illegal(supB, 'ship', 'shipped', 'shipped');
  await illegal(buyer, 'accept', 'shipped', 'accepted');
  await illegal(buyer, 'reject', 'shipped', 'rejected');
  r = await step(supB, id, 'deliver');
  assert.equal(r.body.status, 'delivered');
  assert.equal(r.body.on_time, true);
  await illegal(supB, 'ship', 'delivered', 'shipped');
  await illegal(supB, 'deliver', 'delivered', 'delivered');
  assert.equal((await step(buyer, id, 'reject', {})).status, 422, 'a rejection needs a reason');
  r = await step(buyer, id, 'accept');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'accepted');
  assert.ok(r.body.closed_at);
  const target = { ship: 'shipped', deliver: 'delivered', accept: 'accepted', reject: 'rejected' };
  for (const [t, action] of [[supB, 'ship'], [supB, 'deliver'], [buyer, 'accept'], [buyer, 'reject']])
    await illegal(t, action, 'accepted', target[action]);
  const full = await api(srv.url, op, 'GET', `/api/v1/orders/${id}`);
  assert.equal(full.status, 200);
  assert.deepEqual(full.body.events.map((e) => [e.from, e.to]),
    [[null, 'placed'], ['placed', 'shipped'], ['shipped', 'delivered'], ['delivered', 'accepted']]);
  // The buyer heard of the supplier's steps, the supplier of the acceptance: one row each, unread.
  const bi = (await api(srv.url, buyer, 'GET', '/api/v1/inbox?limit=100')).body.items.filter((i) => i.kind === 'order' && i.object_id === id);
  assert.equal(bi.length, 1);
  assert.equal(bi[0].read, false);
  assert.match(bi[0].title, /送达/);
  const si = (await api(srv.url, supB, 'GET', '/api/v1/inbox?limit=100')).body.items.filter((i) => i.kind === 'order' && i.object_id === id);
  assert.equal(si.length, 1);
  assert.match(si[0].title, /验收/);
});

test('a delivery is rejected with its reason', async () => {
  const d = await demand();
  const q = await submitQuote(srv.url, supA, d, quote(U.a, 3000, { quantity: 10 }));
  assert.equal((await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/close`)).status, 200);
  const award = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: [q.id] });
  orderA = award.body.orders[0].id;
  assert.equal((await step(supA, orderA, 'ship')).status, 200);
  assert.equal((await step(supA, orderA, 'deliver')).status, 200);
  const r = await step(buyer, orderA, 'reject', { reason: '外径尺寸超差' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'rejected');
  assert.equal(r.body.reject_reason, '外径尺寸超差');
  assert.equal(r.body.events.at(-1).note, '外径尺寸超差');
  const again = await step(buyer, orderA, 'accept');
  assert.equal(again.body.error.code, 'illegal_transition');
});

test('order lists by role and status', async () => {
  const sup = await api(srv.url, supB, 'GET', '/api/v1/orders?role=supplier');
  assert.deepEqual(sup.body.items.map((o) => o.id), [orderB]);
  assert.deepEqual((await api(srv.url, supB, 'GET', '/api/v1/orders?role=buyer')).body.items, []);
  const mine = await api(srv.url, buyer, 'GET', '/api/v1/orders?role=buyer');
  assert.deepEqual(mine.body.items.map((o) => o.id), [orderA, orderB], 'newest first');
  const rejected = await api(srv.url, buyer, 'GET', '/api/v1/orders?status=rejected');
  assert.deepEqual(rejected.body.items.map((o) => o.id), [orderA]);
  const page = await api(srv.url, op, 'GET', '/api/v1/orders?limit=1');
  assert.equal(page.body.items.length, 1);
  const next = await api(srv.url, op, 'GET', `/api/v1/orders?limit=1&cursor=${page.body.next_cursor}`);
  assert.equal(next.body.items[0].id, orderB);
  assert.deepEqual((await api(srv.url, bank, 'GET', '/api/v1/orders')).body.items, []);
  assert.equal((await api(srv.url, buyer, 'GET', '/api/v1/orders?role=seller')).status, 422);
  assert.equal((await api(srv.url, buyer, 'GET', '/api/v1/orders?status=lost')).status, 422);
});

test('scorecards come from the real orders', async () => {
  const b = await api(srv.url, bank, 'GET', `/api/v1/enterprises/${U.b}/scorecard`);
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal(b.body.enterprise.uscc, U.b);
  assert.deepEqual([b.body.orders, b.body.delivered, b.body.on_time, b.body.accepted, b.body.rejected],
    [1, 1, 1, 1, 0]);
  assert.equal(b.body.on_time_rate, 1);
  assert.equal(b.body.acceptance_rate, 1);
  assert.equal(b.body.value_fen, 85000 * 1000);
  const a = await api(srv.url, supB, 'GET', `/api/v1/enterprises/${U.a}/scorecard`);
  assert.deepEqual([a.body.orders, a.body.rejected, a.body.acceptance_rate, a.body.awarded], [1, 1, 0, 1]);
  assert.equal(a.body.value_fen, 30000);
  // C's one quote so far is sealed (its demand is open until its deadline): counting it would tell who bid.
  const sealed = await api(srv.url, buyer, 'GET', `/api/v1/enterprises/${U.c}/scorecard`);
  assert.equal(sealed.body.quotes, 0, 'a sealed quote is not counted');
  const d = await demand();
  await submitQuote(srv.url, other, d, quote(U.c, 6500));
  assert.equal((await api(srv.url, buyer, 'GET', `/api/v1/enterprises/${U.c}/scorecard`)).body.quotes, 0);
  assert.equal((await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/close`)).status, 200);
  const c = await api(srv.url, buyer, 'GET', `/api/v1/enterprises/${U.c}/scorecard`);
  assert.deepEqual([c.body.orders, c.body.on_time_rate, c.body.acceptance_rate, c.body.quotes], [0, null, null, 1]);
  assert.equal((await api(srv.url, buyer, 'GET', '/api/v1/enterprises/91320583MA1N2L8E6X/scorecard')).status, 422);
  assert.equal((await api(srv.url, buyer, 'GET', `/api/v1/enterprises/${makeUscc('320583', 'RFQ999999')}/scorecard`)).status, 404);
});

test('market statistics for the operator', async () => {
  assert.equal((await api(srv.url, buyer, 'GET', '/api/v1/market/stats')).status, 403);
  const r = await api(srv.url, op, 'GET', '/api/v1/market/stats');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const t = r.body.totals;
  assert.ok(t.demands >= 5, JSON.stringify(t)); // this file's five, plus the demo's if it has listings
  assert.ok(t.quotes >= 6);
  assert.equal(t.orders, 2);
  assert.equal(t.order_value_fen, 85000 * 1000 + 30000);
  const js = r.body.by_province.find((p) => p.province === '32');
  assert.equal(js.name, '江苏省');
  assert.equal(js.orders, 2, 'orders count in the delivery province');
  assert.equal(r.body.by_province.reduce((s, p) => s + p.quotes, 0), t.quotes);
  assert.equal(r.body.by_chain.reduce((s, p) => s + p.orders, 0), 2);
  const today = new Date().toISOString().slice(0, 10);
  const ranged = await api(srv.url, op, 'GET', `/api/v1/market/stats?from=${today}&to=${today}`);
  assert.equal(ranged.body.totals.orders, 2);
  const none = await api(srv.url, op, 'GET', '/api/v1/market/stats?from=2001-01-01&to=2001-12-31');
  assert.equal(none.body.totals.orders, 0);
  assert.equal((await api(srv.url, op, 'GET', '/api/v1/market/stats?from=yesterday')).status, 422);
});
