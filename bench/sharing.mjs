// bench/sharing.mjs - shared resources and bookings against a real `qilian serve` (run by
// bench/sharing.sh). Loopback only, bounded counts. Prints a markdown report on stdout and the raw
// figures as JSON on the last line; progress on stderr.
//
//   node bench/sharing.mjs QILIAN DB WEB_DIR
//
// Phases, on one server started on a copy of DB (the demo database):
//  1. RESOURCES resources (default 2,000) opened through the API by the demo chain leader, in
//     parallel batches of 20: a mix of names (every 50th a 盐雾试验箱), types, regions in and
//     outside 苏州 (3205), opening hours with and without a lunch break, capacities 1-4.
//  2. catalogue latency, QUERIES sequential requests each as the SME: words (q=盐雾试验箱), a free
//     window (hours=8 over 7 days in 3205) and both together; p50/p95/max in ms.
//  3. booking throughput: CONCURRENCY clients (default 32) firing BOOKINGS requests (default 2,000)
//     at 50 capacity-2 resources for random 2-hour windows over the next 10 working days; 201s and
//     409s per second, then the capacity invariant checked in the database for every resource.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [BIN, DB, WEB] = process.argv.slice(2);
const RESOURCES = Number(process.env.RESOURCES || 2000);
const QUERIES = Number(process.env.QUERIES || 30);
const BOOKINGS = Number(process.env.BOOKINGS || 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY || 32);
const PW = 'qilian-demo-2026';
const T0 = Date.now();
const say = (...a) => process.stderr.write(`sharing: [${((Date.now() - T0) / 1000).toFixed(1)} s] ${a.join(' ')}\n`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qilian-bench-sharing-'));
const db = path.join(dir, 'q.db');
fs.copyFileSync(DB, db);
// Not --quiet: the start-up line naming the port is a log line.
const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', WEB, '--max-per-address', '0'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let log = '';
proc.stdout.resume(); // the access log
const port = await new Promise((resolve, reject) => {
  proc.stderr.on('data', (d) => { log = (log + d).slice(-4000); const m = /\(port (\d+),/.exec(log); if (m) resolve(Number(m[1])); });
  proc.on('exit', (c) => reject(new Error(`server exited ${c}: ${log}`)));
});
const url = `http://127.0.0.1:${port}`;

async function call(token, method, p, body) {
  const h = { authorization: `Bearer ${token}` };
  if (body) h['content-type'] = 'application/json';
  const r = await fetch(url + p, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  return { status: r.status, body: text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}
async function login(email) {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PW }) });
  return (await r.json()).token;
}
const owner = await login('buyer@qilian.test');
const sme = await login('sme@qilian.test');
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, p50: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +s[s.length - 1].toFixed(1) };
};

// 1. resources
const NAMES = ['三坐标测量机', '激光粒度仪', '高低温交变试验箱', '振动试验台', '电机测试台架', '五轴加工中心', '注塑机', 'X射线探伤机', '光谱分析仪', '工业CT'];
const TYPES = ['instrument', 'equipment', 'test_site', 'rd_service', 'design_service'];
const REGIONS = ['320506', '320505', '320583', '320585', '320214', '330212', '340104', '310115'];
let t = Date.now();
const ids = [];
for (let i = 0; i < RESOURCES; i += 20) {
  const batch = [];
  for (let j = i; j < Math.min(RESOURCES, i + 20); j++) {
    const name = j % 50 === 0 ? `盐雾试验箱 ${j}号` : `${NAMES[j % NAMES.length]} ${j}号`;
    batch.push(call(owner, 'POST', '/api/v1/resources', {
      type: TYPES[j % TYPES.length], name, description: `${name}，开放共享，配操作人员。`, region: REGIONS[j % REGIONS.length],
      capacity: 1 + (j % 4), price_sme_fen: 5000, price_large_fen: 10000, price_other_fen: 8000,
      opening_hours: j % 3 ? ['mon-fri 08:00-18:00'] : ['mon-fri 08:00-12:00', 'mon-fri 13:00-18:00'], max_minutes: 600,
    }));
  }
  for (const r of await Promise.all(batch)) {
    if (r.status !== 201) throw new Error(`POST /resources ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(r.body.id);
  }
}
const createS = (Date.now() - t) / 1000;
say(`${RESOURCES} resources in ${createS.toFixed(1)} s`);

// 2. catalogue latency
const shanghai = (n) => new Date(Date.now() + 8 * 3600000 + n * 86400000).toISOString().slice(0, 10);
const searches = {
  words: `/api/v1/resources?q=${encodeURIComponent('盐雾试验箱')}&limit=50`,
  window: `/api/v1/resources?hours=8&region=3205&from=${shanghai(1)}&to=${shanghai(7)}&limit=50`,
  both: `/api/v1/resources?q=${encodeURIComponent('盐雾试验箱')}&hours=8&region=3205&from=${shanghai(1)}&to=${shanghai(7)}&limit=50`,
};
const latency = {};
const found = {};
for (const [k, p] of Object.entries(searches)) {
  const xs = [];
  for (let i = 0; i < QUERIES; i++) {
    const s = performance.now();
    const r = await call(sme, 'GET', p);
    xs.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${JSON.stringify(r.body)}`);
    found[k] = r.body.items.length;
  }
  latency[k] = stats(xs);
  say(`${k}: ${JSON.stringify(latency[k])}, ${found[k]} found`);
}

// 3. booking throughput on 50 capacity-2 resources
const target = [];
for (let i = 0; i < 50; i++) {
  const r = await call(owner, 'POST', '/api/v1/resources', {
    type: 'instrument', name: `并发测试设备 ${i}`, region: '320506', capacity: 2, price_sme_fen: 100, price_large_fen: 100, price_other_fen: 100,
    opening_hours: ['daily 08:00-20:00'], max_minutes: 600, buffer_minutes: 30,
  });
  target.push(r.body.id);
}
const days = Array.from({ length: 10 }, (_, i) => shanghai(i + 1));
let seed = 7;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const jobs = Array.from({ length: BOOKINGS }, () => {
  const h = 8 + rnd(10);
  const d = days[rnd(days.length)];
  return [target[rnd(target.length)], `${d}T${String(h).padStart(2, '0')}:00:00+08:00`, `${d}T${String(h + 2).padStart(2, '0')}:00:00+08:00`];
});
const counts = {};
const lat = [];
t = Date.now();
let next = 0;
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (next < jobs.length) {
    const [id, s, e] = jobs[next++];
    const a = performance.now();
    const r = await call(sme, 'POST', `/api/v1/resources/${id}/bookings`, { starts_at: s, ends_at: e });
    lat.push(performance.now() - a);
    counts[r.status] = (counts[r.status] || 0) + 1;
  }
}));
const bookS = (Date.now() - t) / 1000;
say(`${BOOKINGS} requests in ${bookS.toFixed(1)} s: ${JSON.stringify(counts)}`);
// The invariant, from the rows: for every resource and every half hour, units held <= 2.
const rows = execFileSync('sqlite3', ['-cmd', '.timeout 5000', db,
  `SELECT resource_id, starts_at, occupied_until, units FROM bookings WHERE resource_id BETWEEN ${target[0]} AND ${target[target.length - 1]} AND state IN ('requested','approved','checked_in','offered')`],
{ encoding: 'utf8' }).trim().split('\n').filter(Boolean).map((l) => l.split('|'));
const load = new Map();
let worst = 0;
for (const [rid, s, u, n] of rows) {
  for (let x = Date.parse(s); x < Date.parse(u); x += 1800000) {
    const k = `${rid}:${x}`;
    const v = (load.get(k) || 0) + Number(n);
    load.set(k, v);
    worst = Math.max(worst, v);
  }
}
proc.kill('SIGTERM');
await new Promise((r) => proc.on('exit', r));
fs.rmSync(dir, { recursive: true, force: true });

const out = {
  resources: RESOURCES, create_s: +createS.toFixed(1), latency_ms: latency, found,
  bookings: { requests: BOOKINGS, concurrency: CONCURRENCY, seconds: +bookS.toFixed(1), per_second: +(BOOKINGS / bookS).toFixed(0),
    statuses: counts, latency_ms: stats(lat), held_rows: rows.length, max_units_at_an_instant: worst, capacity: 2 },
  load: os.loadavg().map((x) => +x.toFixed(1)),
};
console.log(`| measure | value |
| --- | --- |
| resources opened through the API | ${RESOURCES} in ${out.create_s} s |
| catalogue, words (q=盐雾试验箱), ${QUERIES} requests | p50 ${latency.words.p50} ms, p95 ${latency.words.p95} ms, max ${latency.words.max} ms (${found.words} found) |
| catalogue, free window 8 h × 7 days in 3205 | p50 ${latency.window.p50} ms, p95 ${latency.window.p95} ms, max ${latency.window.max} ms (${found.window} found, page of 50) |
| catalogue, words and free window | p50 ${latency.both.p50} ms, p95 ${latency.both.p95} ms, max ${latency.both.max} ms (${found.both} found) |
| booking requests, ${CONCURRENCY} clients, 50 resources | ${BOOKINGS} in ${out.bookings.seconds} s = ${out.bookings.per_second}/s; statuses ${JSON.stringify(counts)}; p50 ${out.bookings.latency_ms.p50} ms, p95 ${out.bookings.latency_ms.p95} ms |
| capacity invariant after the run | max ${worst} units held at any half hour (capacity 2) over ${rows.length} holding bookings |
| load average at the end | ${out.load.join(' ')} |`);
console.log(JSON.stringify(out));
