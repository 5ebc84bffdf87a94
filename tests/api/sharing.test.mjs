// Shared resources and bookings over the API against a real `qilian serve`:
// who may open, book, approve and see what (an SME cannot approve, the owner
// sees its queue, a stranger sees nobody else's bookings, a bank may not
// book), refusals that name the rule, 50 concurrent requests for the same
// window never holding more units than the capacity, the waitlist offer, the
// catalogue by words and free window, the week calendar, utilisation, and the
// iCalendar feed read with its token and parsed by Debian's python3-icalendar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, loginAll, api } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin, sqlite } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';

let srv, op, large, sme, stranger, bank, provider;

// Whole hours from now, UTC, as the API wants them.
function hoursFromNow(h) {
  const t = Math.ceil(Date.now() / 3600000) * 3600000 + h * 3600000;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const RESOURCE = {
  type: 'test_site', name: '整车道路试验场, 环形跑道', description: '高速环道与制动试验区; 含数据采集',
  region: '320506', address: '吴中区 试验场路 8号', capacity: 3,
  price_sme_fen: 50000, price_large_fen: 90000, price_other_fen: 70000,
  opening_hours: ['daily 00:00-24:00'], min_minutes: 60, max_minutes: 1440, horizon_days: 30,
};

async function openResource(extra = {}) {
  const r = await api(srv.url, large, 'POST', '/api/v1/resources', { ...RESOURCE, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function book(token, id, body, status = 201) {
  const r = await api(srv.url, token, 'POST', `/api/v1/resources/${id}/bookings`, body);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  srv = await startServer();
  [op, large, sme, bank, provider] = await loginAll(srv.url,
    ['operator:admin', 'large:member', 'sme:member', 'bank:member', 'provider:member']);
  stranger = await smeWithAdmin(srv.url, op, '无锡无关模具有限公司', 'sharing-stranger@qilian.test');
  // Notifications go to an organisation's enterprises: give the stranger one.
  await registerEnterprise(srv.url, stranger, makeUscc('320214', 'WXM000001'), '无锡无关模具有限公司', { region: '320214' });
});
after(async () => { await srv.stop(); });

test('who may open a resource, and what the owner sees that others do not', async () => {
  const res = await openResource();
  assert.ok(res.feed_url.includes('token='));
  assert.equal(res.region_name, '江苏省 苏州市 吴中区');
  const bankTry = await api(srv.url, bank, 'POST', '/api/v1/resources', RESOURCE);
  assert.equal(bankTry.status, 403);
  const seen = await api(srv.url, sme, 'GET', `/api/v1/resources/${res.id}`);
  assert.equal(seen.status, 200);
  assert.equal(seen.body.feed_url, undefined, 'the feed token is the owner\'s');
  assert.equal(seen.body.invited_orgs, undefined);
  assert.equal(seen.body.may_book, true);
  assert.equal(seen.body.your_kind, 'sme');
  const patch = await api(srv.url, sme, 'PATCH', `/api/v1/resources/${res.id}`, { capacity: 9 });
  assert.equal(patch.status, 403);
  const bad = await api(srv.url, large, 'POST', '/api/v1/resources', { ...RESOURCE, opening_hours: ['weekdays 8-18'] });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.code, 'invalid_opening_hours');
  assert.equal(bad.body.error.field, 'opening_hours');
});

test('an SME books, cannot approve; the owner sees its queue; a stranger sees nothing', async () => {
  const res = await openResource();
  const b = (await book(sme, res.id, { starts_at: hoursFromNow(30), ends_at: hoursFromNow(33), units: 2, note: '制动试验' })).bookings[0];
  assert.equal(b.state, 'requested');
  assert.equal(b.booker.kind, 'sme');
  assert.equal(b.cost_fen, 50000 * 3 * 2);
  const no = await api(srv.url, sme, 'POST', `/api/v1/bookings/${b.id}/approve`);
  assert.equal(no.status, 403);
  const queue = await api(srv.url, large, 'GET', '/api/v1/bookings?role=owner&state=requested');
  assert.equal(queue.status, 200);
  assert.ok(queue.body.items.some((x) => x.id === b.id));
  const mine = await api(srv.url, sme, 'GET', '/api/v1/bookings');
  assert.ok(mine.body.items.some((x) => x.id === b.id));
  // A stranger: not in its lists, 404 on the booking, 404 on its steps.
  assert.equal((await api(srv.url, stranger, 'GET', `/api/v1/bookings/${b.id}`)).status, 404);
  const sl = await api(srv.url, stranger, 'GET', '/api/v1/bookings?role=owner');
  assert.ok(!sl.body.items.some((x) => x.id === b.id));
  const sl2 = await api(srv.url, stranger, 'GET', '/api/v1/bookings');
  assert.ok(!sl2.body.items.some((x) => x.id === b.id));
  assert.equal((await api(srv.url, stranger, 'POST', `/api/v1/bookings/${b.id}/cancel`)).status, 404);
  assert.equal((await api(srv.url, bank, 'GET', '/api/v1/bookings')).status, 403);
  // The owner's organisation was told there is a request to decide.
  const inbox = await api(srv.url, large, 'GET', '/api/v1/inbox');
  assert.ok(JSON.stringify(inbox.body).includes('booking_request'));
  const rej = await api(srv.url, large, 'POST', `/api/v1/bookings/${b.id}/reject`, {});
  assert.equal(rej.status, 422);
  const ok = await api(srv.url, large, 'POST', `/api/v1/bookings/${b.id}/approve`);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.state, 'approved');
  const again = await api(srv.url, large, 'POST', `/api/v1/bookings/${b.id}/approve`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'illegal_transition');
  const smeInbox = await api(srv.url, sme, 'GET', '/api/v1/inbox');
  assert.ok(JSON.stringify(smeInbox.body).includes('预约已通过'));
  const cancel = await api(srv.url, sme, 'POST', `/api/v1/bookings/${b.id}/cancel`, { reason: '改期' });
  assert.equal(cancel.status, 200);
  assert.equal(cancel.body.state, 'cancelled');
});

test('refusals name the rule and change nothing', async () => {
  const res = await openResource({ opening_hours: ['mon-fri 08:00-18:00'], closed_dates: [], max_minutes: 240 });
  const before = sqlite(srv.db, `SELECT count(*) FROM bookings WHERE resource_id=${res.id}`);
  const cases = [
    [{ starts_at: hoursFromNow(24), ends_at: hoursFromNow(24 + 8) }, 'too_long'],
    [{ starts_at: hoursFromNow(24 * 40), ends_at: hoursFromNow(24 * 40 + 1) }, 'too_far_ahead'],
    [{ starts_at: hoursFromNow(-3), ends_at: hoursFromNow(-2) }, 'in_the_past'],
    [{ starts_at: '2027-01-02T01:00:00Z', ends_at: '2027-01-02T02:00:00Z' }, null], // a Saturday, or too far
  ];
  for (const [body, code] of cases) {
    const r = await api(srv.url, sme, 'POST', `/api/v1/resources/${res.id}/bookings`, body);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    if (code) assert.equal(r.body.error.code, code);
  }
  const weird = await api(srv.url, sme, 'POST', `/api/v1/resources/${res.id}/bookings`, { starts_at: 'tomorrow', ends_at: 'later' });
  assert.equal(weird.status, 422);
  assert.equal(weird.body.error.field, 'starts_at');
  const bankBook = await api(srv.url, bank, 'POST', `/api/v1/resources/${res.id}/bookings`, { starts_at: hoursFromNow(24), ends_at: hoursFromNow(25) });
  assert.equal(bankBook.status, 403);
  assert.equal(sqlite(srv.db, `SELECT count(*) FROM bookings WHERE resource_id=${res.id}`), before);
});

test('50 concurrent requests for the same window never hold more units than the capacity', async () => {
  const res = await openResource({ capacity: 3, approval: 'instant', buffer_minutes: 30 });
  const starts_at = hoursFromNow(48), ends_at = hoursFromNow(52);
  const tokens = [sme, stranger, provider, large];
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    api(srv.url, tokens[i % tokens.length], 'POST', `/api/v1/resources/${res.id}/bookings`, { starts_at, ends_at })));
  const statuses = results.map((r) => r.status);
  const created = results.filter((r) => r.status === 201);
  const full = results.filter((r) => r.status === 409);
  assert.equal(created.length, 3, `statuses: ${statuses.join(',')}`);
  assert.equal(full.length, 47, `statuses: ${statuses.join(',')}`);
  for (const r of full) assert.equal(r.body.error.code, 'no_capacity');
  // And in the database, whatever the answers said.
  const held = Number(sqlite(srv.db, `SELECT coalesce(sum(units),0) FROM bookings WHERE resource_id=${res.id} AND state IN ('requested','approved','checked_in','offered')`));
  assert.equal(held, 3);
  // The buffer holds the units 30 minutes longer: a window starting at the end is still full, 30 minutes later it is free.
  const atEnd = await api(srv.url, sme, 'POST', `/api/v1/resources/${res.id}/bookings`, { starts_at: ends_at, ends_at: hoursFromNow(53) });
  assert.equal(atEnd.status, 409);
  const later = new Date(Date.parse(ends_at) + 1800000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await book(sme, res.id, { starts_at: later, ends_at: hoursFromNow(54) });
  // Concurrent mixed units on a fresh window: the sum of what was granted fits.
  const w0 = hoursFromNow(72), w1 = hoursFromNow(74);
  const mixed = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    api(srv.url, tokens[i % tokens.length], 'POST', `/api/v1/resources/${res.id}/bookings`, { starts_at: w0, ends_at: w1, units: 1 + (i % 2) })));
  const granted = mixed.filter((r) => r.status === 201).reduce((s, r) => s + r.body.bookings[0].units, 0);
  assert.ok(granted <= 3 && granted >= 2, `granted ${granted}`);
  assert.ok(mixed.every((r) => r.status === 201 || r.status === 409), mixed.map((r) => r.status).join(','));
});

test('the waitlist: a cancellation offers the unit to the first in line, who confirms', async () => {
  const res = await openResource({ capacity: 1 });
  const w = { starts_at: hoursFromNow(80), ends_at: hoursFromNow(82) };
  const first = (await book(sme, res.id, w)).bookings[0];
  const full = await api(srv.url, stranger, 'POST', `/api/v1/resources/${res.id}/bookings`, w);
  assert.equal(full.status, 409);
  const waiting = (await book(stranger, res.id, { ...w, waitlist: true })).bookings[0];
  assert.equal(waiting.state, 'waitlisted');
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/bookings/${first.id}/cancel`)).status, 200);
  const offered = await api(srv.url, stranger, 'GET', `/api/v1/bookings/${waiting.id}`);
  assert.equal(offered.body.state, 'offered');
  assert.ok(offered.body.offer_expires_at);
  const inbox = await api(srv.url, stranger, 'GET', '/api/v1/inbox');
  assert.ok(JSON.stringify(inbox.body).includes('booking_offer'));
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/resources/${res.id}/bookings`, w)).status, 409, 'the offer holds the unit');
  const conf = await api(srv.url, stranger, 'POST', `/api/v1/bookings/${waiting.id}/confirm`);
  assert.equal(conf.status, 200, JSON.stringify(conf.body));
  assert.equal(conf.body.state, 'requested');
});

test('catalogue: words as the market matches them, region prefix, a free window of N hours', async () => {
  const motor = await openResource({ type: 'instrument', name: '电机测试台架', description: '永磁同步电机 性能与耐久测试', opening_hours: ['mon-fri 08:00-18:00'] });
  await openResource({ type: 'instrument', name: '液晶电视机 外壳检测线', description: '外观检测', opening_hours: ['mon-fri 08:00-18:00'] });
  const r = await api(srv.url, sme, 'GET', '/api/v1/resources?q=' + encodeURIComponent('电机') + '&type=instrument');
  assert.equal(r.status, 200);
  assert.ok(r.body.items.some((x) => x.id === motor.id));
  assert.ok(r.body.items.every((x) => !x.name.includes('电视机')), JSON.stringify(r.body.items.map((x) => x.name)));
  assert.deepEqual(r.body.items.find((x) => x.id === motor.id).matched, ['电机']);
  const win = await api(srv.url, sme, 'GET', '/api/v1/resources?hours=8&region=3205&type=instrument');
  assert.equal(win.status, 200);
  const m = win.body.items.find((x) => x.id === motor.id);
  assert.ok(m && m.free_window, JSON.stringify(win.body));
  assert.equal((Date.parse(m.free_window.ends_at) - Date.parse(m.free_window.starts_at)) / 3600000, 8);
  const tooLong = await api(srv.url, sme, 'GET', '/api/v1/resources?hours=11&type=instrument');
  assert.ok(!tooLong.body.items.some((x) => x.id === motor.id), 'open 10 hours a day');
  const beijing = await api(srv.url, sme, 'GET', '/api/v1/resources?region=11');
  assert.ok(!beijing.body.items.some((x) => x.id === motor.id));
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/resources?region=3')).status, 422);
  assert.equal((await api(srv.url, sme, 'GET', '/api/v1/resources?colour=red')).status, 422);
  const av = await api(srv.url, sme, 'GET', `/api/v1/resources/${motor.id}/availability?days=7`);
  assert.equal(av.status, 200);
  assert.equal(av.body.days.length, 7);
  assert.equal(av.body.days[0].slots.length, 48);
});

test('utilisation: the owner and the operator, not an SME', async () => {
  const res = await openResource({ capacity: 2, sme_share_bp: 2500 });
  const today = new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
  const end = new Date(Date.now() + 8 * 3600000 + 6 * 86400000).toISOString().slice(0, 10);
  await book(sme, res.id, { starts_at: hoursFromNow(26), ends_at: hoursFromNow(28) });
  const u = await api(srv.url, large, 'GET', `/api/v1/resources/${res.id}/utilisation?from=${today}&to=${end}`);
  assert.equal(u.status, 200, JSON.stringify(u.body));
  assert.equal(u.body.open_hours, 2 * 24 * 7);
  assert.equal(u.body.pending_hours, 2);
  assert.equal(u.body.sme_reserved_hours, 2 * 24 * 7 * 0.25);
  assert.equal(u.body.days.length, 7);
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/resources/${res.id}/utilisation?from=${today}&to=${end}`)).status, 403);
  const own = await api(srv.url, large, 'GET', `/api/v1/sharing/utilisation?from=${today}&to=${end}`);
  assert.equal(own.status, 200);
  assert.ok(own.body.resources.some((x) => x.resource.id === res.id));
  assert.equal((await api(srv.url, sme, 'GET', `/api/v1/sharing/utilisation?from=${today}&to=${end}&org_id=${own.body.org_id}`)).status, 403);
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/sharing/utilisation?from=${today}&to=${end}&org_id=${own.body.org_id}`)).status, 200);
  assert.equal((await api(srv.url, large, 'GET', `/api/v1/resources/${res.id}/utilisation?from=${end}&to=${today}`)).status, 422);
});

test('the iCalendar feed: token in the URL, no cookie, parsed by python3-icalendar', async () => {
  const res = await openResource({ name: '三坐标测量机, 蔡司; CONTURA\\G2 超长名称用于检验折行不会拆开汉字的字节序列' });
  const a = (await book(sme, res.id, { starts_at: hoursFromNow(40), ends_at: hoursFromNow(42), note: '第一行\n第二行, 含逗号; 分号' })).bookings[0];
  const b = (await book(stranger, res.id, { starts_at: hoursFromNow(44), ends_at: hoursFromNow(45) })).bookings[0];
  await api(srv.url, large, 'POST', `/api/v1/bookings/${a.id}/approve`);
  await api(srv.url, stranger, 'POST', `/api/v1/bookings/${b.id}/cancel`);
  const path = new URL(res.feed_url, srv.url).pathname + new URL(res.feed_url, srv.url).search;
  const r = await fetch(srv.url + path);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/calendar/);
  const text = Buffer.from(await r.arrayBuffer());
  assert.equal((await fetch(srv.url + `/api/v1/resources/${res.id}/calendar.ics?token=nope`)).status, 404);
  assert.equal((await fetch(srv.url + `/api/v1/resources/${res.id}/calendar.ics`)).status, 404);
  const script = `
import sys, json
from icalendar import Calendar
raw = sys.stdin.buffer.read()
lines = raw.split(b"\\r\\n")
assert lines[-1] == b"", "ends with CRLF"
for l in lines:
    assert len(l) <= 75, l
    assert b"\\n" not in l and b"\\r" not in l
    l.decode("utf-8")  # every physical line is whole UTF-8
cal = Calendar.from_ical(raw)
out = {"name": str(cal.get("X-WR-CALNAME")), "events": []}
for ev in cal.walk("VEVENT"):
    s = ev.decoded("DTSTART")
    out["events"].append({"uid": str(ev["UID"]), "seq": int(ev["SEQUENCE"]), "status": str(ev["STATUS"]),
        "start": s.isoformat(), "utc": s.utcoffset().total_seconds() == 0, "desc": str(ev.get("DESCRIPTION"))})
print(json.dumps(out, ensure_ascii=False))
`;
  const parsed = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8' }));
  assert.equal(parsed.name, res.name);
  assert.equal(parsed.events.length, 2);
  const ea = parsed.events.find((e) => e.uid === `booking-${a.id}@resource-${res.id}.qilian`);
  const eb = parsed.events.find((e) => e.uid === `booking-${b.id}@resource-${res.id}.qilian`);
  assert.ok(ea && eb);
  assert.equal(ea.status, 'CONFIRMED');
  assert.equal(ea.seq, 1);
  assert.equal(eb.status, 'CANCELLED');
  assert.equal(eb.seq, 1);
  assert.ok(ea.utc && eb.utc);
  assert.equal(ea.start.slice(0, 19), a.starts_at.slice(0, 19));
  assert.ok(ea.desc.includes('第一行\n第二行, 含逗号; 分号'), ea.desc);
  // Rotating the token: the old URL stops working.
  const rot = await api(srv.url, large, 'POST', `/api/v1/resources/${res.id}/feed-token`);
  assert.equal(rot.status, 200);
  assert.equal((await fetch(srv.url + path)).status, 404);
  assert.equal((await fetch(srv.url + rot.body.feed_url)).status, 200);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/resources/${res.id}/feed-token`)).status, 403);
});
