// bench/hardening.mjs - the measurements of issue 8 for one qilian binary (run by bench/hardening.sh,
// once for the binary before the fix and once after, in the same run). Loopback only, bounded counts
// and durations. Prints one JSON object on stdout; progress on stderr.
//
//   node bench/hardening.mjs QILIAN DB WEB_DIR [ARGS...]      (ARGS: extra `qilian serve` options)
//   node bench/hardening.mjs attack PORT COUNT SECONDS ADDRS  (child: the slow connections)
//
// Phases, each on a fresh server:
//  1. uploads: 10 parallel anonymous 100 MB POSTs to /api/v1/enterprises/import, sent the way an
//     attacker sends them (no Expect: 100-continue, the whole body unless the server closes first);
//     then 10 parallel authorised ones whose first line is not the CSV header (the importer stops at
//     line 1: what is measured is holding the body). The server's peak RSS (VmHWM, reset to the
//     current size with /proc/PID/clear_refs first) and how the uploads ended.
//  2. slow connections: COUNT connections (default 4,000) from 127.0.0.2, each sending one byte of an
//     endless request head per second and reconnecting 1 s after the server closes it; meanwhile a
//     client from 127.0.0.1 sends GET /api/v1/health and an authenticated GET /api/v1/enterprises
//     every 50 ms, each on a new connection, 5 s timeout. Latency p50/p99/max and timeouts, for a
//     quiet baseline and under attack; how many slow connections the server holds at the end.
//  3. the same with the slow connections spread over 100 addresses (127.0.1.1-100, 40 each: under
//     any per-address cap), so that only the head deadline can help.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MB = 1 << 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.now();
const say = (...a) => process.stderr.write(`hardening: [${((Date.now() - T0) / 1000).toFixed(1)} s] ${a.join(' ')}\n`);

if (process.argv[2] === 'report') {
  report(JSON.parse(fs.readFileSync(process.argv[3], 'utf8')), JSON.parse(fs.readFileSync(process.argv[4], 'utf8')));
  process.exit(0);
}
if (process.argv[2] === 'attack') {
  await attack(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6].split(','));
  process.exit(0);
}

const [, , BIN, DB, WEB, ...SERVE_ARGS] = process.argv;
const SLOW = Number(process.env.SLOW_CONNECTIONS || 4000);
const SLOW_SECONDS = Number(process.env.SLOW_SECONDS || 25);
const UPLOAD_MB = Number(process.env.UPLOAD_MB || 100);
const UPLOADS = Number(process.env.UPLOADS || 10);

async function startServer() {
  const db = path.join(path.dirname(DB), `run-${process.pid}-${Date.now()}.db`);
  fs.copyFileSync(DB, db);
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', WEB, ...SERVE_ARGS],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; if (log.length > 1 << 20) log = log.slice(-(1 << 19)); });
  const port = await new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /\(port (\d+),/.exec(log);
      if (m) { clearInterval(t); resolve(Number(m[1])); }
    }, 20);
    proc.on('exit', (c) => reject(new Error(`server exited ${c}: ${log}`)));
  });
  // The match indexes load the word dictionary in the background (~50 MB): wait, so peaks compare.
  for (let i = 0; i < 1500 && !/match indexes ready/.test(log); i++) await sleep(20);
  return {
    port, proc, log: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.on('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 10000).unref())]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }
      for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    },
  };
}

function memory(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { peak_mb: +(kb('VmHWM') / 1024).toFixed(1), rss_mb: +(kb('VmRSS') / 1024).toFixed(1) };
}

async function login(port) {
  const body = JSON.stringify({ email: 'admin@qilian.test', password: process.env.QILIAN_DEMO_PASSWORD || 'qilian-demo-2026' });
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (r.status !== 200) throw new Error(`login: ${r.status}`);
  return (await r.json()).token;
}

// One upload: the head, then the body in 1 MB chunks until sent or the server answers/closes.
function upload(port, head, size, line) {
  return new Promise((resolve) => {
    const chunk = Buffer.from(line.repeat(Math.ceil(MB / line.length)).slice(0, MB));
    const t0 = Date.now();
    const s = net.connect({ port, host: '127.0.0.1' });
    let got = '', sent = 0, ended = false, how = 'closed';
    const finish = () => { if (!ended) { ended = true; s.destroy(); resolve({ how, status: Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1] ?? 0), sent_mb: +(sent / MB).toFixed(1), ms: Date.now() - t0 }); } };
    s.on('data', (d) => { got += d; if (/\r\n\r\n/.test(got)) { how = 'answered'; setTimeout(finish, 50); } });
    s.on('error', (e) => { how = e.code || 'error'; finish(); });
    s.on('close', finish);
    const pump = () => {
      while (!ended && sent < size) {
        sent += chunk.length;
        if (!s.write(chunk)) return s.once('drain', pump);
      }
    };
    s.on('connect', () => { s.write(head); pump(); });
    setTimeout(() => { how = 'timeout'; finish(); }, 120000).unref();
  });
}

async function phaseUploads() {
  const srv = await startServer();
  try {
    const token = await login(srv.port);
    const out = {};
    for (const [name, auth] of [['anonymous', null], ['authorised_bad_header', token]]) {
      fs.writeFileSync(`/proc/${srv.proc.pid}/clear_refs`, '5');
      const before = memory(srv.proc.pid);
      const head = `POST /api/v1/enterprises/import HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nContent-Type: text/csv\r\n`
        + `Content-Length: ${UPLOAD_MB * MB}\r\n${auth ? `Authorization: Bearer ${auth}\r\n` : ''}\r\n`;
      const t0 = Date.now();
      // Sampled while the uploads run: the peak is what matters, VmHWM keeps it.
      const results = await Promise.all(Array.from({ length: UPLOADS }, () => upload(srv.port, head, UPLOAD_MB * MB, 'a,b,c,d,e,f,g,h\n')));
      const wall = Date.now() - t0;
      await sleep(200);
      const after = memory(srv.proc.pid);
      const statuses = {};
      for (const r of results) statuses[r.status || r.how] = (statuses[r.status || r.how] || 0) + 1;
      out[name] = { rss_before_mb: before.rss_mb, peak_mb: after.peak_mb, growth_mb: +(after.peak_mb - before.rss_mb).toFixed(1),
        wall_ms: wall, body_sent_mb_median: results.map((r) => r.sent_mb).sort((a, b) => a - b)[UPLOADS >> 1], endings: statuses };
      say(`${name} uploads: peak ${after.peak_mb} MB (from ${before.rss_mb}), ${wall} ms, ${JSON.stringify(statuses)}`);
    }
    return out;
  } finally {
    await srv.stop();
  }
}

// A GET on a new connection; resolves to ms, or -1 on timeout/failure.
function probe(port, pathAndQuery, token) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const s = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
    let got = '', done = false;
    const finish = (ok) => { if (!done) { done = true; clearTimeout(timer); s.destroy(); resolve(ok ? Number(process.hrtime.bigint() - t0) / 1e6 : -1); } };
    const timer = setTimeout(() => finish(false), 5000);
    s.on('connect', () => s.write(`GET ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${token ? `Authorization: Bearer ${token}\r\n` : ''}\r\n`));
    s.on('data', (d) => { got += d; });
    s.on('end', () => finish(/^HTTP\/1\.1 200/.test(got)));
    s.on('error', () => finish(false));
  });
}

function summary(ms) {
  const ok = ms.filter((x) => x >= 0).sort((a, b) => a - b);
  const q = (p) => (ok.length ? +ok[Math.min(ok.length - 1, Math.floor(p * ok.length))].toFixed(2) : null);
  return { n: ms.length, timeouts: ms.length - ok.length, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: ok.length ? +ok[ok.length - 1].toFixed(1) : null };
}

// Probes both routes every 50 ms for seconds; {health, authed}.
async function measure(port, token, seconds) {
  const health = [], authed = [];
  const pending = [];
  const end = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < end; i++) {
    pending.push(i % 2 ? probe(port, '/api/v1/enterprises?limit=20', token).then((x) => authed.push(x)) : probe(port, '/api/v1/health').then((x) => health.push(x)));
    await sleep(50);
  }
  await Promise.all(pending);
  return { health: summary(health), authed: summary(authed) };
}

async function phaseSlow(addrs) {
  const srv = await startServer();
  try {
    const token = await login(srv.port);
    const quiet = await measure(srv.port, token, 5);
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'attack', String(srv.port), String(SLOW), String(SLOW_SECONDS + 8), addrs.join(',')],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let report = '';
    child.stdout.on('data', (d) => { report += d; });
    await sleep(6000); // ramp-up: the attacker opens its connections
    const loaded = await measure(srv.port, token, SLOW_SECONDS);
    const exited = new Promise((r) => child.on('exit', r));
    await exited;
    const att = JSON.parse(report || '{}');
    const closedLog = [...srv.log().matchAll(/closed (\d+) connection\(s\) too slow/g)].reduce((a, m) => a + Number(m[1]), 0);
    say(`slow x${SLOW} from ${addrs.length} address(es): health p50 ${loaded.health.p50_ms} p99 ${loaded.health.p99_ms} timeouts ${loaded.health.timeouts}; authed p50 ${loaded.authed.p50_ms} p99 ${loaded.authed.p99_ms} timeouts ${loaded.authed.timeouts}; attacker ${JSON.stringify(att)}`);
    return { addresses: addrs.length, quiet, under_attack: loaded, attacker: att, closed_by_deadline: closedLog };
  } finally {
    await srv.stop();
  }
}

// The child: count slow connections spread over addrs for seconds; prints what happened.
async function attack(port, count, seconds, addrs) {
  const head = 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ';
  const open = new Set();
  let connects = 0, refused = 0, closedAtOnce = 0, closedLater = 0, maxOpen = 0, running = true;
  const conn = (addr) => {
    if (!running) return;
    connects++;
    const s = net.connect({ port, host: '127.0.0.1', localAddress: addr });
    s.sent = 0;
    s.on('connect', () => { s.t0 = Date.now(); open.add(s); maxOpen = Math.max(maxOpen, open.size); });
    s.on('error', () => {});
    s.on('close', () => {
      // Closed within a second of connecting: refused at accept (a connection cap); later: a deadline.
      if (open.delete(s)) {
        if (running && Date.now() - s.t0 < 1000) closedAtOnce++;
        else if (running) closedLater++;
      } else if (running) refused++;
      if (running) setTimeout(() => conn(addr), 1000);
    });
  };
  for (let i = 0; i < count; i++) {
    conn(addrs[i % addrs.length]);
    if (i % 200 === 199) await sleep(50);
  }
  // One byte a second per connection: a twentieth of them every 50 ms.
  let slot = 0;
  const ticker = setInterval(() => {
    let k = 0;
    for (const s of open) {
      if (k++ % 20 === slot) s.write(s.sent < head.length ? head[s.sent] : 'a'), s.sent++;
    }
    slot = (slot + 1) % 20;
  }, 50);
  await sleep(seconds * 1000);
  const openAtEnd = open.size;
  running = false;
  clearInterval(ticker);
  for (const s of open) s.destroy();
  process.stdout.write(JSON.stringify({ connects, refused, closed_at_once: closedAtOnce, closed_later: closedLater, max_open: maxOpen, open_at_end: openAtEnd }));
}

const result = { binary: BIN, serve_args: SERVE_ARGS, upload_mb: UPLOAD_MB, slow_connections: SLOW, load1_start: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0] };
result.uploads = await phaseUploads();
result.slow_one_address = await phaseSlow(['127.0.0.2']);
result.slow_many_addresses = await phaseSlow(Array.from({ length: 100 }, (_, i) => `127.0.1.${i + 1}`));
result.load1_end = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
process.stdout.write(JSON.stringify(result, null, 1) + '\n');

// Markdown tables comparing two runs (before, after).
function report(b, a) {
  const row = (...c) => console.log(`| ${c.join(' | ')} |`);
  console.log(`Load average ${b.load1_start}-${b.load1_end} (before), ${a.load1_start}-${a.load1_end} (after).\n`);
  console.log(`**${UPLOADS_OF(b)} parallel ${UPLOAD_MB_OF(b)} MB uploads to /api/v1/enterprises/import**\n`);
  row('uploads', 'build', 'server peak RSS', 'growth', 'wall', 'body sent (median)', 'endings');
  row('---', '---', '---:', '---:', '---:', '---:', '---');
  for (const [name, label] of [['anonymous', 'anonymous'], ['authorised_bad_header', 'authorised (first line not the header)']]) {
    for (const [tag, r] of [['before', b], ['after', a]]) {
      const u = r.uploads[name];
      row(label, tag, `${u.peak_mb} MB`, `${u.growth_mb} MB`, `${(u.wall_ms / 1000).toFixed(1)} s`, `${u.body_sent_mb_median} MB`, Object.entries(u.endings).map(([k, v]) => `${v}× ${k}`).join(', '));
    }
  }
  for (const [key, title] of [['slow_one_address', 'from one address (127.0.0.2)'], ['slow_many_addresses', 'from 100 addresses (40 each)']]) {
    console.log(`\n**${b[key].attacker.connects ? '' : ''}Slow connections ${title}: one header byte a second each, reconnecting 1 s after a close**\n`);
    row('build', 'route', 'quiet p50 / p99', 'under attack p50 / p99 / max', 'timeouts (5 s)', 'slow conns held at end', 'closed at once / later');
    row('---', '---', '---:', '---:', '---:', '---:', '---:');
    for (const [tag, r] of [['before', b], ['after', a]]) {
      const s = r[key];
      for (const [route, k] of [['GET /api/v1/health', 'health'], ['GET /api/v1/enterprises (token)', 'authed']]) {
        const q = s.quiet[k], l = s.under_attack[k];
        row(tag, route, `${q.p50_ms} / ${q.p99_ms} ms`, `${l.p50_ms} / ${l.p99_ms} / ${l.max_ms} ms`, `${l.timeouts} of ${l.n}`,
          s.attacker.open_at_end, `${s.attacker.closed_at_once} / ${s.attacker.closed_later}`);
      }
    }
  }
}
function UPLOADS_OF(r) { return Object.values(r.uploads.anonymous.endings).reduce((x, y) => x + y, 0); }
function UPLOAD_MB_OF(r) { return r.upload_mb ?? 100; }
