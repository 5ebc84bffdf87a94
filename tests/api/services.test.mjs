// The service, talent and data chains over the API against a real `qilian
// serve` on the demo database: a request from submission to closing with
// every side's view (requester, handler, another provider, the operator, a
// bank), the illegal transitions (409) and wrong parties (403/404), a
// handler that cannot withdraw, transfer, the operator's queue, concurrent
// accepts (exactly one wins), the escalation pass and statistics; data
// grants (no grant, scope not granted, expired, revoked; certificates from the finance chain, the owner's own part only)
// with the access log and the consent download; the own-data export; talent
// contact details hidden until the expert's organisation approves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, loginAll, login, api } from '../lib/server.mjs';
import { sqlite } from '../lib/fixtures.mjs';
import { financeWorld, activeCertificate, rootPiece, must } from '../lib/finance.mjs';

let srv, op, sme, smeMember, large, prov, fin, bank, bankMember;
const ESME = '91320583MA1QEW0025';
let orgs = {};

before(async () => {
  srv = await startServer();
  [op, sme, smeMember, large, prov, bank, bankMember] = await loginAll(srv.url,
    ['operator:admin', 'sme:admin', 'sme:member', 'large:admin', 'provider:admin', 'bank:admin', 'bank:member']);
  fin = await login(srv.url, 'finance-provider@qilian.test');
  for (const [k, t] of Object.entries({ sme, large, prov, fin, bank })) {
    orgs[k] = (await api(srv.url, t, 'GET', '/api/v1/auth/me')).body.org.id;
  }
});
after(async () => { await srv.stop(); });

async function submit(body, token = sme, status = 201) {
  const r = await api(srv.url, token, 'POST', '/api/v1/service-requests', {
    enterprise: ESME, category: 'technology', title: '接口测试诉求', description: '测试', ...body,
  });
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}
const act = (token, id, action, body = {}) => api(srv.url, token, 'POST', `/api/v1/service-requests/${id}/${action}`, body);

test('a request routed by rule, walked to closed; every side sees what it may', async () => {
  const r = await submit({ category: 'technology' });
  assert.equal(r.status, 'submitted');
  assert.equal(r.handler.org_id, orgs.prov, 'technology in 32xxxx goes to the IP service centre');
  assert.match(r.calendar, /^chinese-days@/);
  assert.match(r.accept_due, /^\d{4}-\d{2}-\d{2}$/);
  // who sees it
  assert.equal((await api(srv.url, prov, 'GET', `/api/v1/service-requests/${r.id}`)).status, 200);
  // The provider owns no enterprise: the routed request is in its organisation's own inbox, not another's.
  const provInbox = await api(srv.url, prov, 'GET', '/api/v1/inbox?limit=100');
  const routed = provInbox.body.items.find((n) => n.kind === 'service_request' && n.object_id === r.id);
  assert.ok(routed, JSON.stringify(provInbox.body));
  assert.equal(routed.enterprise, null);
  assert.ok(!(await api(srv.url, fin, 'GET', '/api/v1/inbox?limit=100')).body.items.some((n) => n.id === routed.id));
  assert.equal((await api(srv.url, op, 'GET', `/api/v1/service-requests/${r.id}`)).status, 200);
  assert.equal((await api(srv.url, fin, 'GET', `/api/v1/service-requests/${r.id}`)).status, 404);
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/service-requests/${r.id}`)).status, 404);
  assert.equal((await api(srv.url, large, 'GET', `/api/v1/service-requests/${r.id}`)).status, 404);
  // a bank or a provider cannot submit at all
  assert.equal((await submit({}, bank, 403)).error.code, 'forbidden');
  // another organisation's enterprise cannot be named
  assert.equal((await submit({ enterprise: '91320500MA1MX4QF3P' }, sme, 403)).error.code, 'not_your_enterprise');
  // wrong parties and illegal transitions
  assert.equal((await act(sme, r.id, 'accept')).status, 403);
  assert.equal((await act(fin, r.id, 'accept')).status, 404);
  assert.equal((await act(prov, r.id, 'resolve', { resolution: 'x' })).body.error.code, 'invalid_transition');
  assert.equal((await act(prov, r.id, 'accept')).status, 200);
  assert.equal((await act(prov, r.id, 'accept')).status, 409);
  assert.equal((await act(prov, r.id, 'start')).status, 200);
  assert.equal((await act(prov, r.id, 'resolve', {})).status, 422);
  const resolved = await act(prov, r.id, 'resolve', { resolution: '已对接检测平台' });
  assert.equal(resolved.body.status, 'resolved');
  assert.equal((await act(prov, r.id, 'confirm')).status, 403, 'only the requester confirms');
  const closed = await act(smeMember, r.id, 'confirm');
  assert.equal(closed.body.status, 'closed');
  const full = await api(srv.url, sme, 'GET', `/api/v1/service-requests/${r.id}`);
  assert.deepEqual(full.body.timeline.map((e) => e.kind), ['submitted', 'accept', 'start', 'resolve', 'confirm']);
  assert.equal(full.body.accepted_in_time, true);
  // the handler got an inbox notice on submission (it owns an enterprise in the demo)
  const inbox = await api(srv.url, prov, 'GET', '/api/v1/inbox');
  assert.ok(inbox.body.items.some((n) => n.kind === 'service_request' && n.object_id === r.id), JSON.stringify(inbox.body).slice(0, 300));
});

test('withdrawal needs the requester; a handler only proposes; transfer and the operator queue', async () => {
  const r = await submit({ category: 'overseas' });
  assert.equal(r.handler, null);
  assert.equal(r.queue, 'operator');
  const queue = await api(srv.url, op, 'GET', '/api/v1/service-requests?role=queue');
  assert.ok(queue.body.items.some((x) => x.id === r.id));
  assert.equal((await act(prov, r.id, 'accept')).status, 404, 'not the provider\'s case');
  // the operator assigns it to a provider
  assert.equal((await act(op, r.id, 'transfer', { handler_org_id: orgs.fin })).status, 422, 'a reason is required');
  const moved = await act(op, r.id, 'transfer', { handler_org_id: orgs.fin, reason: '涉及出口信用保险' });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.equal(moved.body.handler.org_id, orgs.fin);
  assert.equal((await act(fin, r.id, 'transfer', { handler_org_id: orgs.sme, reason: 'x' })).body.error.code, 'invalid_handler');
  // the handler cannot withdraw (the router lets providers not even call it), only propose
  assert.equal((await act(fin, r.id, 'withdraw', { confirm: true })).status, 403);
  assert.equal((await act(fin, r.id, 'propose-withdrawal', { note: '企业表示已解决' })).status, 200);
  assert.equal((await act(sme, r.id, 'withdraw', { confirm: false })).body.error.code, 'confirmation_required');
  assert.equal((await act(large, r.id, 'withdraw', { confirm: true })).status, 404);
  const w = await act(sme, r.id, 'withdraw', { confirm: true, reason: '已解决' });
  assert.equal(w.body.status, 'withdrawn');
  assert.equal((await act(fin, r.id, 'accept')).status, 409);
});

test('concurrent accepts of one request: exactly one wins', async () => {
  const r = await submit({ category: 'technology' });
  const results = await Promise.all(Array.from({ length: 6 }, () => act(prov, r.id, 'accept')));
  const codes = results.map((x) => x.status).sort();
  assert.deepEqual(codes, [200, 409, 409, 409, 409, 409], JSON.stringify(codes));
  const full = await api(srv.url, prov, 'GET', `/api/v1/service-requests/${r.id}`);
  assert.equal(full.body.timeline.filter((e) => e.kind === 'accept').length, 1);
});

test('rating: unsatisfied reopens once; extension approved by the operator; escalation and statistics', async () => {
  const r = await submit({ category: 'technology', urgency: 'urgent' });
  await act(prov, r.id, 'accept');
  await act(prov, r.id, 'start');
  assert.equal((await api(srv.url, prov, 'POST', `/api/v1/service-requests/${r.id}/extensions`, { days: 3, reason: '排期' })).status, 201);
  const pending = (await api(srv.url, op, 'GET', `/api/v1/service-requests/${r.id}`)).body;
  const ext = pending.extensions[0];
  assert.equal(ext.status, 'pending');
  assert.equal((await api(srv.url, prov, 'POST', `/api/v1/service-extensions/${ext.id}/approve`)).status, 403);
  const approved = await api(srv.url, op, 'POST', `/api/v1/service-extensions/${ext.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.notEqual(approved.body.resolve_due, pending.resolve_due);
  await act(prov, r.id, 'resolve', { resolution: '已处理' });
  const bad = await act(sme, r.id, 'rate', { rating: 1, comment: '没解决' });
  assert.equal(bad.body.status, 'reopened');
  await act(prov, r.id, 'start');
  await act(prov, r.id, 'resolve', { resolution: '再次处理' });
  const again = await act(sme, r.id, 'rate', { rating: 2 });
  assert.equal(again.body.status, 'closed', 'only one reopening by rating');
  // the operator's escalation pass for a date, and only the operator
  assert.equal((await api(srv.url, prov, 'POST', '/api/v1/service-requests/escalate', {})).status, 403);
  const esc = await api(srv.url, op, 'POST', '/api/v1/service-requests/escalate', { date: '2026-12-31' });
  assert.equal(esc.status, 200, JSON.stringify(esc.body));
  assert.ok(esc.body.urges + esc.body.supervisions >= 1, JSON.stringify(esc.body));
  const twice = await api(srv.url, op, 'POST', '/api/v1/service-requests/escalate', { date: '2026-12-31' });
  assert.equal(twice.body.urges + twice.body.supervisions + twice.body.reminders, 0, 'each step once');
  assert.equal((await api(srv.url, op, 'POST', '/api/v1/service-requests/escalate', { date: '2001-01-02' })).body.error.code,
    'calendar_out_of_range');
  const stats = await api(srv.url, bank, 'GET', '/api/v1/service-stats?from=2020-01-01&to=2030-12-31&by=handler');
  assert.equal(stats.status, 200);
  assert.ok(stats.body.total.received >= 10);
  assert.ok(stats.body.total.rated >= 3);
  assert.ok(stats.body.items.some((g) => g.key === 'queue'));
  const wd = await api(srv.url, sme, 'GET', '/api/v1/workdays/add?from=2025-09-30&days=1');
  assert.equal(wd.body.due, '2025-10-09');
  assert.equal(wd.body.provisional, false);
});

test('beyond the calendar\'s years: Monday-Friday, provisional, named in the identity and flagged on the request', async () => {
  const cal = (await api(srv.url, sme, 'GET', '/api/v1/workdays/add?from=2025-01-02&days=0')).body.calendar;
  const last = cal.last_year;
  const wd = await api(srv.url, sme, 'GET', `/api/v1/workdays/add?from=${last}-12-30&days=3`);
  assert.equal(wd.status, 200, JSON.stringify(wd.body));
  assert.equal(wd.body.provisional, true);
  assert.equal(wd.body.identity, `${cal.id} + provisional weekdays for ${last + 1}`);
  // 12-31, then the first two Monday-Friday days of the next year
  const days = [];
  for (let d = new Date(Date.UTC(last + 1, 0, 1)); days.length < 2; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() >= 1 && d.getUTCDay() <= 5) days.push(d.toISOString().slice(0, 10));
  }
  assert.equal(wd.body.due, days[1]);
  // A request's resolve-by date is never null for lack of a calendar; it is flagged when it lies beyond it.
  const r = await submit({ category: 'overseas' });
  assert.ok(r.resolve_due, JSON.stringify(r));
  assert.equal(r.resolve_due_provisional, r.resolve_due > `${last}-12-31`);
  assert.equal(r.provisional, r.accept_due_provisional || r.resolve_due_provisional);
  assert.equal(r.calendar.includes('+ provisional weekdays'), r.provisional);
  // before the calendar's first year it is still an error, not a guess
  const old = await api(srv.url, sme, 'GET', `/api/v1/workdays/add?from=${cal.first_year - 1}-06-01&days=3`);
  assert.equal(old.status, 422);
  assert.equal(old.body.error.code, 'calendar_out_of_range');
});

test('data grants: 403 without an active grant for the scope, certificates from finance, every read logged', async () => {
  const path = (scope) => `/api/v1/enterprises/${ESME}/data/${scope}`;
  // A certificate of the chain leader to the SME, 10 000 元 of which the SME passed on to its own supplier.
  const w = await financeWorld(srv.url, 'GR');
  const c = await activeCertificate(srv.url, w, 3000000, '2027-03-01');
  const root = await rootPiece(srv.url, w, c.id);
  const t = await must(srv.url, w.sme, 'POST', `/api/v1/finance/pieces/${root.id}/transfers`, { to: w.U.sub, amount_fen: 1000000 }, 201);
  await must(srv.url, w.sub, 'POST', `/api/v1/finance/transfers/${t.id}/accept`, {});
  // the demo grant gives the bank profile, relations, orders and service_requests
  const prof = await api(srv.url, bankMember, 'GET', path('profile'));
  assert.equal(prof.status, 200, JSON.stringify(prof.body));
  assert.equal(prof.body.data.uscc, ESME);
  const rel = await api(srv.url, bank, 'GET', path('relations'));
  assert.ok(rel.body.data.as_supplier.length >= 1);
  const sr = await api(srv.url, bank, 'GET', path('service_requests'));
  assert.ok(sr.body.data.items.length >= 5);
  assert.equal((await api(srv.url, bank, 'GET', path('certificates'))).body.error.code, 'scope_not_granted');
  assert.equal((await api(srv.url, large, 'GET', path('profile'))).body.error.code, 'no_grant');
  assert.equal((await api(srv.url, op, 'GET', path('orders'))).status, 403, 'the operator needs a grant too');
  assert.equal((await api(srv.url, bank, 'GET', path('everything'))).status, 422);
  // only the owner's admin grants
  const body = { enterprise: ESME, grantee_org_id: orgs.large, scopes: ['orders', 'certificates'], purpose: '供应商准入审核', valid_until: '2027-06-30' };
  assert.equal((await api(srv.url, smeMember, 'POST', '/api/v1/data-grants', body)).status, 403);
  assert.equal((await api(srv.url, large, 'POST', '/api/v1/data-grants', body)).status, 403);
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/data-grants', { ...body, scopes: ['secrets'] })).status, 422);
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/data-grants', { ...body, valid_until: '2020-01-01' })).status, 422);
  const g = await api(srv.url, sme, 'POST', '/api/v1/data-grants', body);
  assert.equal(g.status, 201, JSON.stringify(g.body));
  assert.equal(g.body.state, 'active');
  assert.deepEqual(g.body.scopes, ['certificates', 'orders']);
  assert.equal((await api(srv.url, large, 'GET', path('orders'))).status, 200);
  const cert = await api(srv.url, large, 'GET', path('certificates'));
  assert.equal(cert.status, 200, JSON.stringify(cert.body));
  const mine = cert.body.data.items.find((x) => x.id === c.id);
  assert.ok(mine, JSON.stringify(cert.body));
  assert.equal(mine.role, 'holder');
  assert.equal(mine.face_fen, 3000000);
  assert.equal(mine.held_fen, 2000000, 'only the SME\'s own part');
  assert.equal(mine.issuer.uscc, w.U.core);
  assert.ok(!JSON.stringify(cert.body).includes(w.U.sub), 'the other holder is nowhere in it');
  assert.ok(cert.body.data.items.every((x) => x.role === 'holder' || x.role === 'issuer'));
  // consent record download
  const consent = await api(srv.url, sme, 'GET', `/api/v1/data-grants/${g.body.id}/consent`);
  assert.equal(consent.status, 200);
  assert.match(consent.headers.get('content-disposition') || '', /attachment/);
  assert.equal(consent.body.grant.granted_by.email, 'sme-admin@qilian.test');
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/data-grants/${g.body.id}`)).status, 404);
  // revoked: at once
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/data-grants/${g.body.id}/revoke`)).status, 403);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/data-grants/${g.body.id}/revoke`)).status, 200);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/data-grants/${g.body.id}/revoke`)).status, 409);
  assert.equal((await api(srv.url, large, 'GET', path('orders'))).body.error.code, 'grant_revoked');
  // expired: the bank's grant ends yesterday
  const grants = await api(srv.url, bank, 'GET', '/api/v1/data-grants?role=grantee');
  const bankGrant = grants.body.items.find((x) => x.enterprise.uscc === ESME);
  sqlite(srv.db, `UPDATE data_grants SET valid_until='2025-01-01' WHERE id=${bankGrant.id}`);
  assert.equal((await api(srv.url, bank, 'GET', path('profile'))).body.error.code, 'grant_expired');
  // the access log: who read what, for the owner only
  const log = await api(srv.url, sme, 'GET', `/api/v1/data-access-log?enterprise=${ESME}`);
  assert.equal(log.status, 200);
  const scopes = log.body.items.map((x) => `${x.reader.org_id}:${x.scope}`);
  assert.ok(scopes.includes(`${orgs.bank}:profile`) && scopes.includes(`${orgs.bank}:service_requests`) && scopes.includes(`${orgs.large}:orders`), scopes.join(' '));
  assert.ok(scopes.includes(`${orgs.large}:certificates`), scopes.join(' '));
  assert.ok(log.body.items.every((x) => x.at && x.user.email && x.reader.name));
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/data-access-log?enterprise=${ESME}`)).status, 403);
  // the owner's own export: everything in one document
  const exp = await api(srv.url, sme, 'GET', `/api/v1/data-export?enterprise=${ESME}`);
  assert.equal(exp.status, 200);
  assert.equal(exp.body.profile.uscc, ESME);
  assert.ok(exp.body.service_requests.items.length >= 5);
  assert.ok(exp.body.certificates.items.some((x) => x.id === c.id && x.held_fen === 2000000), JSON.stringify(exp.body.certificates));
  assert.equal(exp.body.certificates.available, undefined);
  assert.ok(exp.body.data_grants.length >= 2 && exp.body.data_access_log.length >= 3);
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/data-export?enterprise=${ESME}`)).status, 403);
});

test('talent: matches both ways; contact details only after the expert\'s organisation approves', async () => {
  const needs = await api(srv.url, sme, 'GET', '/api/v1/talent/posts?kind=need&mine=1');
  const need = needs.body.items.find((p) => p.title.includes('电机控制'));
  const m = await api(srv.url, sme, 'GET', `/api/v1/talent/posts/${need.id}/matches`);
  assert.equal(m.status, 200);
  assert.ok(m.body.items[0].title.includes('电机控制'), JSON.stringify(m.body.items[0]));
  assert.ok(m.body.items[0].why.matched.length > 0);
  // an expert of the chain leader, new: the SME sees no name or contact until approved
  const e = await api(srv.url, large, 'POST', '/api/v1/talent/posts', {
    kind: 'expert', mode: 'consulting', title: '电池包热管理专家', person_name: '陈工', contact: '137-0000-0000',
    skills: '液冷 热仿真', description: '电池包液冷板设计与热仿真',
  });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  assert.equal((await api(srv.url, sme, 'POST', '/api/v1/talent/posts', { kind: 'expert', mode: 'training', title: 'x', person_name: 'y' })).status, 403);
  let seen = await api(srv.url, sme, 'GET', `/api/v1/talent/posts/${e.body.id}`);
  assert.equal(seen.body.person_name, null);
  assert.equal(seen.body.contact, null);
  const c = await api(srv.url, sme, 'POST', `/api/v1/talent/posts/${e.body.id}/contact`, { message: '液冷板项目' });
  assert.equal(c.status, 201);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/talent/contacts/${c.body.id}/approve`)).status, 403);
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/talent/posts/${e.body.id}/secondments`, { start_date: '2027-01-04', end_date: '2027-03-31' })).body.error.code, 'contact_not_approved');
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/talent/contacts/${c.body.id}/approve`)).status, 200);
  seen = await api(srv.url, sme, 'GET', `/api/v1/talent/posts/${e.body.id}`);
  assert.equal(seen.body.person_name, '陈工');
  assert.equal(seen.body.contact, '137-0000-0000');
  assert.equal((await api(srv.url, bank, 'GET', `/api/v1/talent/posts/${e.body.id}`)).body.contact, null);
  // a secondment: the host proposes, the home organisation agrees and records the person's consent
  const s = await api(srv.url, sme, 'POST', `/api/v1/talent/posts/${e.body.id}/secondments`, { start_date: '2027-01-04', end_date: '2027-03-31', terms: '费用分摊' });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.equal(s.body.status, 'proposed');
  assert.equal((await api(srv.url, sme, 'POST', `/api/v1/talent/secondments/${s.body.id}/consent`, { person_name: '陈工', confirm: true })).status, 403);
  assert.equal((await api(srv.url, large, 'POST', `/api/v1/talent/secondments/${s.body.id}/consent`, { person_name: '别人', confirm: true })).body.error.code, 'person_mismatch');
  const cons = await api(srv.url, large, 'POST', `/api/v1/talent/secondments/${s.body.id}/consent`, { person_name: '陈工', confirm: true });
  assert.equal(cons.body.status, 'proposed', 'the home organisation has not agreed yet');
  const agreed = await api(srv.url, large, 'POST', `/api/v1/talent/secondments/${s.body.id}/agree`);
  assert.equal(agreed.body.status, 'active');
  assert.ok(agreed.body.agreement.host_agreed_at && agreed.body.agreement.home_agreed_at && agreed.body.agreement.person_consent_at);
});
