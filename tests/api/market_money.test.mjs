// Money at the edges of the market over the API (issue 8): a quote's unit
// price, quantity and amount are bounded (unit price <= 10^13 fen = 1000亿元,
// quantity <= 10^9, quantity x unit price <= 10^13 fen), a quote beyond them
// is 422 naming the field, and the sums over orders at the limits - the
// supplier scorecard, the market statistics and the buyer's quote list with
// its scorecards - answer 200 with exact values. Orders of 2^62 fen written
// before the limits existed (straight into the database) still answer 200,
// with null where a sum does not fit in 64 bits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, api } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin, sqlite, submitQuote } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';

const MAX_PRICE = 10 ** 13;
const MAX_QUANTITY = 10 ** 9;
const MAX_AMOUNT = 10 ** 13;
const TWO_62 = 2 ** 62; // exact as a double, and as JSON text 4611686018427387904

let srv, op, buyer, supA, supB;
const U = {
  buyer: makeUscc('320506', 'MNY000001'),
  a: makeUscc('320583', 'MNY000002'),
  b: makeUscc('330102', 'MNY000003'),
};

async function demand() {
  const deadline = new Date(Date.now() + 30 * 86400 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const r = await api(srv.url, buyer, 'POST', '/api/v1/demands', {
    enterprise: U.buyer, title: '采购大型成套设备', description: '整线交付', quantity: 1, unit: '套',
    region: '320505', deadline,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

function quote(enterprise, unit_price_fen, quantity) {
  return { enterprise, unit_price_fen, quantity, lead_time_days: 20, valid_until: '2099-12-31' };
}

async function closeAndAward(d, quoteIds) {
  assert.equal((await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/close`)).status, 200);
  const r = await api(srv.url, buyer, 'POST', `/api/v1/demands/${d}/award`, { quotes: quoteIds });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.orders;
}

before(async () => {
  srv = await startServer();
  [op, buyer, supA] = await loginAll(srv.url, ['operator:admin', 'large:member', 'sme:admin']);
  supB = await smeWithAdmin(srv.url, op, '杭州金额测试有限公司', 'money-b@qilian.test');
  await registerEnterprise(srv.url, buyer, U.buyer, '金额测试整车厂', { region: '320506', level: 'provincial' });
  await registerEnterprise(srv.url, supA, U.a, '金额测试设备厂', { region: '320583', level: 'provincial' });
  await registerEnterprise(srv.url, supB, U.b, '金额测试轴承厂', { region: '330102', level: 'provincial' });
});
after(async () => { await srv.stop(); });

test('a quote of 2^62 fen, or beyond any limit, is 422 naming the field', async () => {
  const d = await demand();
  const price = await submitQuote(srv.url, supA, d, quote(U.a, TWO_62, 1), 422);
  assert.equal(price.error.field, 'unit_price_fen', JSON.stringify(price));
  assert.match(price.error.message, /10000000000000/, 'the message names the limit');
  assert.equal((await submitQuote(srv.url, supA, d, quote(U.a, MAX_PRICE + 1, 1), 422)).error.field, 'unit_price_fen');
  assert.equal((await submitQuote(srv.url, supA, d, quote(U.a, 1, MAX_QUANTITY + 1), 422)).error.field, 'quantity');
  // Both factors within their limits, the amount not.
  const amount = await submitQuote(srv.url, supA, d, quote(U.a, 10001, MAX_QUANTITY), 422);
  assert.equal(amount.error.code, 'amount_too_large');
  assert.equal(amount.error.field, 'quantity');
  assert.match(amount.error.message, /10000000000000/);
  // Nothing was stored; a quote at the limits is taken, and changing it beyond them is 422 too.
  const quotes = await api(srv.url, supA, 'GET', `/api/v1/demands/${d}/quotes`);
  assert.deepEqual(quotes.body.quotes, []);
  const q = await submitQuote(srv.url, supA, d, quote(U.a, 10000, MAX_QUANTITY));
  assert.equal(q.amount_fen, MAX_AMOUNT);
  const patch = await api(srv.url, supA, 'PATCH', `/api/v1/quotes/${q.id}`, { unit_price_fen: TWO_62 });
  assert.equal(patch.status, 422, JSON.stringify(patch.body));
  assert.equal(patch.body.error.field, 'unit_price_fen');
  const patch2 = await api(srv.url, supA, 'PATCH', `/api/v1/quotes/${q.id}`, { unit_price_fen: 10001 });
  assert.equal(patch2.status, 422, JSON.stringify(patch2.body));
  assert.equal(patch2.body.error.code, 'amount_too_large');
  // The OpenAPI document states the limits.
  const doc = (await api(srv.url, null, 'GET', '/api/v1/openapi.json')).body;
  for (const [path, method] of [['/api/v1/demands/{id}/quotes', 'post'], ['/api/v1/quotes/{id}', 'patch']]) {
    const props = doc.paths[path][method].requestBody.content['application/json'].schema.properties;
    assert.equal(props.unit_price_fen.maximum, MAX_PRICE, `${method} ${path}`);
    assert.equal(props.quantity.maximum, MAX_QUANTITY, `${method} ${path}`);
    assert.match(props.unit_price_fen.description, /10\^13/);
  }
});

let withA;
test('at the limits the scorecard, the statistics and the quote list answer 200 with exact sums', async () => {
  // A wins two demands at the largest amount, B one.
  const d1 = await demand();
  const a1 = await submitQuote(srv.url, supA, d1, quote(U.a, MAX_PRICE, 1));
  const b1 = await submitQuote(srv.url, supB, d1, quote(U.b, MAX_PRICE / 10, 10));
  assert.equal((await closeAndAward(d1, [a1.id, b1.id])).length, 2);
  const d2 = await demand();
  withA = await demand(); // A quotes here too, and the buyer compares it unsealed below
  const a2 = await submitQuote(srv.url, supA, d2, quote(U.a, 10000, MAX_QUANTITY));
  assert.equal((await closeAndAward(d2, [a2.id]))[0].amount_fen, MAX_AMOUNT);

  const a = await api(srv.url, supB, 'GET', `/api/v1/enterprises/${U.a}/scorecard`);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  assert.equal(a.body.value_fen, 2 * MAX_AMOUNT);
  assert.equal(a.body.orders, 2);
  const b = await api(srv.url, supA, 'GET', `/api/v1/enterprises/${U.b}/scorecard`);
  assert.equal(b.body.value_fen, MAX_AMOUNT);

  const stats = await api(srv.url, op, 'GET', '/api/v1/market/stats');
  assert.equal(stats.status, 200, JSON.stringify(stats.body));
  assert.equal(stats.body.totals.orders, 3);
  assert.equal(stats.body.totals.order_value_fen, 3 * MAX_AMOUNT);
  assert.equal(stats.body.by_province.find((p) => p.province === '32').order_value_fen, 3 * MAX_AMOUNT);

  await submitQuote(srv.url, supA, withA, quote(U.a, MAX_PRICE, 1));
  assert.equal((await api(srv.url, buyer, 'POST', `/api/v1/demands/${withA}/close`)).status, 200);
  const list = await api(srv.url, buyer, 'GET', `/api/v1/demands/${withA}/quotes`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.quotes[0].amount_fen, MAX_AMOUNT);
  assert.equal(list.body.quotes[0].scorecard.value_fen, 2 * MAX_AMOUNT);
});

test('orders of 2^62 fen from before the limits: still 200, null where a sum does not fit', async () => {
  // Two awarded quotes of 2^62 fen for B, written as an older version could have.
  const ds = [await demand(), await demand()];
  const bId = sqlite(srv.db, `SELECT id FROM enterprises WHERE uscc='${U.b}'`);
  const buyerId = sqlite(srv.db, `SELECT id FROM enterprises WHERE uscc='${U.buyer}'`);
  for (const d of ds) {
    sqlite(srv.db, `UPDATE demands SET status='awarded', closed_at='2026-03-02T00:00:00Z' WHERE id=${d};
      INSERT INTO quotes(demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,status,created_at,updated_at)
        VALUES(${d},${bId},${TWO_62},1,10,'2099-01-01T00:00:00Z','awarded','2026-03-01T00:00:00Z','2026-03-01T00:00:00Z');
      INSERT INTO orders(quote_id,demand_id,buyer_id,supplier_id,quantity,unit_price_fen,amount_fen,status,placed_at,due_at,updated_at)
        SELECT id,${d},${buyerId},${bId},1,${TWO_62},${TWO_62},'placed','2026-03-02T00:00:00Z','2026-04-01T00:00:00Z','2026-03-02T00:00:00Z'
        FROM quotes WHERE demand_id=${d} AND supplier_id=${bId};`);
  }
  const b = await api(srv.url, buyer, 'GET', `/api/v1/enterprises/${U.b}/scorecard`);
  assert.equal(b.status, 200, JSON.stringify(b.body));
  assert.equal(b.body.orders, 3);
  assert.equal(b.body.value_fen, null);

  const stats = await api(srv.url, op, 'GET', '/api/v1/market/stats');
  assert.equal(stats.status, 200, JSON.stringify(stats.body));
  assert.equal(stats.body.totals.orders, 5);
  assert.equal(stats.body.totals.order_value_fen, null);
  assert.equal(stats.body.by_province.find((p) => p.province === '32').order_value_fen, null);

  const list = await api(srv.url, buyer, 'GET', `/api/v1/demands/${ds[0]}/quotes`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.quotes[0].amount_fen, TWO_62);
  assert.equal(list.body.quotes[0].scorecard.value_fen, null);
  // A's record is untouched by B's.
  const a = await api(srv.url, buyer, 'GET', `/api/v1/enterprises/${U.a}/scorecard`);
  assert.equal(a.body.value_fen, 2 * MAX_AMOUNT);
});
