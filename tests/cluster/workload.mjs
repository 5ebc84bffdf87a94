// The cluster test's workload (tests/cluster/run starts the cluster and calls this):
// suppliers log in, publish supplies, match and quote through the load balancer, with an
// Idempotency-Key on every write and retries on connection errors and 502/503/504; server A
// is killed with SIGKILL mid-load. Then, against the primary: every acknowledged write is
// there, nothing was written twice, server B carried the load on, and probes measured how
// soon a write is seen by matching on the other server and by reads from the standby.
// Prints a JSON report on stdout; exits 1 naming each failed check.
//
// Environment: LB, A, B (base URLs), A_PID (server A's pid), PRIMARY_URL, STANDBY_URL,
// KILL_AT_MS (2500: at least this long into the load, and after 20 publishes and 2 probes),
// AFTER_KILL_MS (4500: the load goes on this long after the kill), CLIENTS (8), LAG_LIMIT_MS (1000).
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { api, login, USERS, DEMO_PASSWORD } from '../lib/server.mjs';
import { registerEnterprise, smeWithAdmin } from '../lib/fixtures.mjs';
import { makeUscc } from '../lib/uscc.mjs';

const env = (k, d) => process.env[k] ?? d;
const { LB, A, B, PRIMARY_URL, STANDBY_URL } = process.env;
const A_PID = Number(env('A_PID'));
const KILL_AT = Number(env('KILL_AT_MS', 2500));
const AFTER_KILL = Number(env('AFTER_KILL_MS', 4500));
const CLIENTS = Number(env('CLIENTS', 8));
const LAG_LIMIT = Number(env('LAG_LIMIT_MS', 1000));
const RUN = randomUUID().slice(0, 8);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint() / 1000000n);

const sql = (url, q) => execFileSync('psql', ['-XtAq', '-v', 'ON_ERROR_STOP=1', url, '-c', q], { encoding: 'utf8' }).trim();

const stats = { requests: 0, retries: 0, failures: [], after_kill_ok: 0, by_kind: {} };
let killedAt = null;

// One logical request through base (a URL, or a function giving the URL for each attempt): retried with the same headers (and so the same
// Idempotency-Key) when the connection fails or the proxy answers 502/503/504.
async function call(base, token, method, path, body, headers = {}, kind = 'other') {
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    try {
      const r = await api(typeof base === 'function' ? base() : base, token, method, path, body, headers);
      if (![502, 503, 504].includes(r.status) || attempt >= 10) {
        if (killedAt && r.status < 400) stats.after_kill_ok++;
        stats.by_kind[kind] = (stats.by_kind[kind] || 0) + 1;
        return r;
      }
    } catch (e) {
      if (attempt >= 10) throw e;
    }
    stats.retries++;
    await sleep(30 * (attempt + 1));
  }
}

function fail(what) {
  stats.failures.push(what);
}

// ---- set-up, on server A directly ----------------------------------------------------------
const op = await login(A, USERS['operator:admin']);
const buyer = await login(A, USERS['large:admin']);
const BUYER = '91320500MA1MX4QF3P';
const suppliers = [];
for (let i = 0; i < CLIENTS; i++) {
  const email = `cluster-${RUN}-${i}@qilian.test`;
  const t = await smeWithAdmin(A, op, `集群测试供应商${RUN}-${i}`, email);
  const uscc = makeUscc('320583', `CL${RUN.slice(0, 4).toUpperCase().replace(/[^0-9A-HJ-NP-RTUWXY]/g, '0')}${String(i).padStart(3, '0')}`);
  await registerEnterprise(A, t, uscc, `集群测试电机厂${RUN}-${i}`);
  suppliers.push({ email, uscc, token: t });
}
const demands = [];
for (let i = 0; i < 24; i++) {
  const r = await api(A, buyer, 'POST', '/api/v1/demands', {
    enterprise: BUYER, title: `集群测试需求${i} 扁线永磁同步电机`, chain: 'nev', segment: 'motor', quantity: 100 + i, unit: '台',
  });
  if (r.status !== 201) throw new Error(`demand: ${r.status} ${JSON.stringify(r.body)}`);
  demands.push(r.body.id);
}
// A reader whose session is old (no recent write): its reads go to the standby. The probe's writer.
const reader = await login(A, USERS['bank:member']);
const prober = await login(A, suppliers[0].email);
const analyst = await login(A, USERS['large:member']); // the buyer's colleague: reads the buyer's analytics from the standby

// Login throttling is shared: failures through A and B add up; the sixth try is refused on both.
const victim = USERS['provider:member'];
for (let i = 0; i < 5; i++) {
  const r = await api(i % 2 ? B : A, null, 'POST', '/api/v1/auth/login', { email: victim, password: 'wrong-password-1' });
  if (r.status !== 401) fail(`wrong password ${i + 1}: ${r.status}, not 401`);
}
for (const [name, base] of [['A', A], ['B', B]]) {
  const r = await api(base, null, 'POST', '/api/v1/auth/login', { email: victim, password: DEMO_PASSWORD });
  if (r.status !== 429) fail(`throttling is not shared: server ${name} answered ${r.status} after 5 failures on A and B`);
}
await sleep(1200); // the set-up logins are now older than --primary-after-write (1 s)

// ---- the load ----------------------------------------------------------------------------
const acked = { supplies: [], quotes: [] };
const probes = { match_other_server_ms: [], standby_read_ms: [], analytics_other_server_ms: [] };
const t0 = now();
let stopAt = Infinity; // AFTER_KILL after the kill
const running = () => now() < stopAt;

async function client(i) {
  const me = suppliers[i];
  let token = null, ops = 0, next = i % demands.length, quoted = 0;
  while (running()) {
    if (!token || ops % 15 === 0) {
      const r = await call(LB, null, 'POST', '/api/v1/auth/login', { email: me.email, password: DEMO_PASSWORD }, {}, 'login');
      if (r.status !== 200) { fail(`login ${me.email}: ${r.status} ${JSON.stringify(r.body)}`); return; }
      token = r.body.token;
    }
    ops++;
    const op = ops % 3;
    if (op === 1) {
      const key = `sup-${RUN}-${i}-${ops}`;
      const title = `集群${RUN}供给${i}-${ops} 扁线电机`;
      const r = await call(LB, token, 'POST', '/api/v1/supplies', { enterprise: me.uscc, title, chain: 'nev', segment: 'motor' },
        { 'idempotency-key': key }, 'publish');
      if (r.status !== 201) { fail(`publish ${key}: ${r.status} ${JSON.stringify(r.body)}`); continue; }
      acked.supplies.push({ id: r.body.id, title });
      // The writer reads its own write back at once, whichever server answers (the primary).
      const back = await call(LB, token, 'GET', `/api/v1/supplies/${r.body.id}`, undefined, {}, 'read_own');
      if (back.status !== 200) fail(`read-your-write of supply ${r.body.id}: ${back.status}`);
    } else if (op === 2) {
      const d = demands[(i + ops) % demands.length];
      const r = await call(LB, token, 'GET', `/api/v1/demands/${d}/matches?limit=5`, undefined, {}, 'match');
      if (r.status !== 200) fail(`match demand ${d}: ${r.status} ${JSON.stringify(r.body)}`);
    } else if (quoted < demands.length) {
      const d = demands[next];
      next = (next + 1) % demands.length;
      quoted++;
      const key = `quo-${RUN}-${i}-${d}`;
      const r = await call(LB, token, 'POST', `/api/v1/demands/${d}/quotes`, {
        enterprise: me.uscc, unit_price_fen: 100000 + ops, quantity: 50, lead_time_days: 20, valid_until: '2031-12-31', notes: key,
      }, { 'idempotency-key': key }, 'quote');
      if (r.status !== 201) { fail(`quote ${key}: ${r.status} ${JSON.stringify(r.body)}`); continue; }
      acked.quotes.push({ id: r.body.id, key });
    }
  }
}

// Probes: a supply published on one server, then seen by matching on the other (B), and by a
// read that goes to the standby (the old reader session through the load balancer).
async function probe() {
  const t = prober;
  let n = 0;
  while (now() < stopAt - 300) {
    n++;
    const word = `探针${RUN}x${n}`;
    const r = await call(() => (killedAt ? B : A), t, 'POST', '/api/v1/supplies',
      { enterprise: suppliers[0].uscc, title: `${word} 电机`, chain: 'nev', segment: 'motor' }, { 'idempotency-key': `probe-${RUN}-${n}` }, 'probe');
    if (r.status !== 201) { fail(`probe publish: ${r.status}`); await sleep(100); continue; }
    acked.supplies.push({ id: r.body.id, title: `${word} 电机` });
    const written = now();
    // Two pollers at once, each timing its own path: matching on B, and a read from the standby.
    // The lag is when the first read that saw the write was sent (a read sent that long after
    // the write sees it), so a slow answer on a busy machine does not count as lag.
    const poll = async (check) => {
      while (now() - written < 5000) {
        const sent = now();
        if (await check()) return sent - written;
        await sleep(5);
      }
      return Infinity;
    };
    const [matchMs, standbyMs] = await Promise.all([
      poll(async () => {
        const m = await call(B, reader, 'GET', '/api/v1/match?q=' + encodeURIComponent(word) + '&limit=20', undefined, {}, 'probe_match');
        return m.status === 200 && m.body.results.some((x) => x.supply.id === r.body.id);
      }),
      poll(async () => (await call(LB, reader, 'GET', `/api/v1/supplies/${r.body.id}`, undefined, {}, 'probe_read')).status === 200),
    ]);
    const seen = { match: matchMs, standby: standbyMs };
    probes.match_other_server_ms.push(seen.match ?? Infinity);
    probes.standby_read_ms.push(seen.standby ?? Infinity);
    // Analytics: the buyer records a new supplier on one server; the chain snapshot on B shows it.
    if (n <= suppliers.length) {
      const sup = suppliers[n - 1].uscc;
      const rel = await call(() => (killedAt ? B : A), buyer, 'POST', '/api/v1/relations',
        { buyer_uscc: BUYER, supplier_uscc: sup, chain: 'nev', segment: 'motor', annual_amount_fen: 1000000 + n }, {}, 'probe_relation');
      if (rel.status !== 201 && rel.status !== 200) { fail(`probe relation: ${rel.status} ${JSON.stringify(rel.body)}`); continue; }
      const at = now();
      let ms = Infinity;
      while (now() - at < 5000) {
        const sent = now();
        const a = await call(B, analyst, 'GET', `/api/v1/analytics/suppliers?buyer=${BUYER}`, undefined, {}, 'probe_analytics');
        const motor = a.status === 200 && a.body.segments.find((x) => x.segment === 'motor');
        if (motor && motor.suppliers.some((x) => x.uscc === sup)) { ms = sent - at; break; }
        await sleep(5);
      }
      probes.analytics_other_server_ms.push(ms);
    }
    await sleep(150);
  }
}

async function killer() {
  // Mid-load: some time in, with writes and probes done on both servers (at most 30 s of waiting).
  while (now() - t0 < KILL_AT || ((acked.supplies.length < 20 || probes.match_other_server_ms.length < 2) && now() - t0 < 30000))
    await sleep(20);
  process.kill(A_PID, 'SIGKILL');
  killedAt = now() - t0;
  stopAt = now() + AFTER_KILL;
}

const guarded = (name, fn) => fn().catch((e) => fail(`${name} stopped: ${e.stack || e}`));
await Promise.all([...suppliers.map((_, i) => guarded(`client ${i}`, () => client(i))), guarded('probe', probe), killer()]);
const loadMs = now() - t0;

// ---- checks against the primary ------------------------------------------------------------
const ids = (l) => l.map((x) => x.id).join(',') || '0';
const supRows = Number(sql(PRIMARY_URL, `SELECT count(*) FROM supplies WHERE id IN (${ids(acked.supplies)})`));
if (supRows !== acked.supplies.length) fail(`acknowledged supplies missing: ${acked.supplies.length} acknowledged, ${supRows} in the database`);
const titled = Number(sql(PRIMARY_URL, `SELECT count(*) FROM supplies WHERE title LIKE '%${RUN}%'`));
if (titled !== acked.supplies.length) fail(`supplies written ${titled} times for ${acked.supplies.length} acknowledged publishes (a retry wrote twice?)`);
const dupTitles = sql(PRIMARY_URL, `SELECT coalesce(string_agg(title, ', '), '') FROM (SELECT title FROM supplies WHERE title LIKE '%${RUN}%' GROUP BY title HAVING count(*) > 1) d`);
if (dupTitles) fail(`published twice: ${dupTitles}`);
const quoteRows = Number(sql(PRIMARY_URL, `SELECT count(*) FROM quotes WHERE notes LIKE 'quo-${RUN}-%'`));
if (quoteRows !== acked.quotes.length) fail(`quotes: ${acked.quotes.length} acknowledged, ${quoteRows} in the database`);
const ackedQuoteRows = Number(sql(PRIMARY_URL, `SELECT count(*) FROM quotes WHERE id IN (${ids(acked.quotes)})`));
if (ackedQuoteRows !== acked.quotes.length) fail(`acknowledged quotes missing: ${acked.quotes.length - ackedQuoteRows}`);
if (!killedAt) fail('server A was not killed');
if (stats.after_kill_ok < 20) fail(`server B did not carry on: ${stats.after_kill_ok} successful requests after the kill`);
const health = await call(LB, null, 'GET', '/api/v1/health');
if (health.status !== 200) fail(`the load balancer's health after the kill: ${health.status}`);
else if (health.body.reads !== 'standby') fail(`server B reads from ${health.body.reads}, not the standby`);

// The standby replays everything the primary has.
let standbySupplies = -1;
for (let i = 0; i < 50; i++) {
  standbySupplies = Number(sql(STANDBY_URL, `SELECT count(*) FROM supplies WHERE title LIKE '%${RUN}%'`));
  if (standbySupplies === titled) break;
  await sleep(100);
}
if (standbySupplies !== titled) fail(`the standby has ${standbySupplies} of the ${titled} supplies`);

// haproxy's own view (its stats socket): retries and redispatches per server, and A's state.
async function haproxyStats() {
  if (!process.env.HAPROXY_SOCK) return null;
  const text = await new Promise((resolve) => {
    let buf = '';
    const c = net.createConnection(process.env.HAPROXY_SOCK, () => c.write('show stat\n'));
    c.on('data', (d) => { buf += d; });
    c.on('end', () => resolve(buf));
    c.on('error', () => resolve(''));
  });
  const [head, ...rows] = text.replace(/^# /, '').trim().split('\n');
  if (!head) return null;
  const cols = head.split(',');
  const out = {};
  for (const row of rows) {
    const v = Object.fromEntries(row.split(',').map((x, i) => [cols[i], x]));
    if (v.pxname === 'servers' && (v.svname === 'a' || v.svname === 'b'))
      out[v.svname] = { status: v.status, requests: Number(v.stot), retries: Number(v.wretr), redispatches: Number(v.wredis) };
  }
  return out;
}
const proxy = await haproxyStats();
if (proxy && proxy.a && !/DOWN/.test(proxy.a.status)) fail(`haproxy still sees server A as ${proxy.a.status}`);

const max = (l) => (l.length ? Math.max(...l) : null);
const median = (l) => (l.length ? [...l].sort((a, b) => a - b)[Math.floor(l.length / 2)] : null);
if (!probes.match_other_server_ms.length) fail('no probe ran');
if (max(probes.match_other_server_ms) > LAG_LIMIT) fail(`a write reached matching on the other server after ${max(probes.match_other_server_ms)} ms (limit ${LAG_LIMIT})`);
if (!probes.analytics_other_server_ms.length) fail('no analytics probe ran');
if (max(probes.analytics_other_server_ms) > LAG_LIMIT) fail(`a relation reached the chain analytics on the other server after ${max(probes.analytics_other_server_ms)} ms (limit ${LAG_LIMIT})`);
if (max(probes.standby_read_ms) > LAG_LIMIT) fail(`a write reached a standby read after ${max(probes.standby_read_ms)} ms (limit ${LAG_LIMIT})`);

const report = {
  run: RUN, clients: CLIENTS, load_ms: loadMs, killed_a_at_ms: killedAt,
  requests: stats.requests, client_retries: stats.retries, haproxy: proxy, after_kill_ok: stats.after_kill_ok, by_kind: stats.by_kind,
  acknowledged: { supplies: acked.supplies.length, quotes: acked.quotes.length },
  in_database: { supplies: titled, quotes: quoteRows, standby_supplies: standbySupplies },
  probes: {
    n: probes.match_other_server_ms.length,
    match_on_other_server_ms: { median: median(probes.match_other_server_ms), max: max(probes.match_other_server_ms) },
    standby_read_ms: { median: median(probes.standby_read_ms), max: max(probes.standby_read_ms) },
    analytics_on_other_server_ms: { n: probes.analytics_other_server_ms.length, median: median(probes.analytics_other_server_ms), max: max(probes.analytics_other_server_ms) },
    limit_ms: LAG_LIMIT,
  },
  failures: stats.failures,
};
console.log(JSON.stringify(report, null, 2));
process.exit(stats.failures.length ? 1 : 0);
