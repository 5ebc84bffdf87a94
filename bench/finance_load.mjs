// The transfer load of bench/finance.sh: CLIENTS concurrent clients (default 8), each with its own
// keep-alive connection, all working ONE issuer's tree for SECONDS seconds: the chain leader
// issues one certificate to the demo SME, which accepts it and splits it into one piece per
// client; each client then passes 1 fen of its piece to the SME's supplier again and again
// (POST /api/v1/finance/pieces/{id}/transfers, a new Idempotency-Key each time), going on with
// the remainder piece each answer names. Every transfer is one write transaction on the same
// certificate's tree (split, offer, log, audit, notification, stored answer), so the clients
// contend for it. Prints one JSON object: transfers, transfers per second, latency percentiles.
// Usage: node bench/finance_load.mjs URL   (env CLIENTS, LOAD_SECONDS, WARMUP)
import http from 'node:http';

const URL_BASE = process.argv[2];
const CLIENTS = Number(process.env.CLIENTS || 8);
const SECONDS = Number(process.env.LOAD_SECONDS || 10);
const WARMUP = Number(process.env.WARMUP || 1);
const SUPPLIER = process.env.SUPPLIER || '91320412MA1QFK001Q'; // 常州精密轴承 (scripts/demo.d/40-finance.sh)
const u = new URL(URL_BASE);
let seq = 0;

function request(agent, token, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : JSON.stringify(body);
    const headers = { authorization: `Bearer ${token}` };
    if (data !== null) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(data);
      headers['idempotency-key'] = `bench-${process.pid}-${++seq}`;
    }
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(data ?? undefined);
  });
}

async function login(agent, email) {
  const r = await request(agent, '', 'POST', '/api/v1/auth/login', { email, password: process.env.PW || 'qilian-demo-2026' });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status}`);
  return r.body.token;
}

const must = (r, status, what) => {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

const setupAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const issuer = await login(setupAgent, 'buyer-admin@qilian.test');
const sme = await login(setupAgent, 'sme-admin@qilian.test');
const day = new Date(Date.now() + 8 * 3600000 + 90 * 86400000).toISOString().slice(0, 10);
const cert = must(await request(setupAgent, issuer, 'POST', '/api/v1/finance/certificates', {
  issuer: '91320500MA1MX4QF3P', payee: '91320583MA1QEW0025', face_fen: 8000000000000, maturity: day,
  contract_no: `BENCH-LOAD-${process.pid}`, invoices: [`BL${process.pid}`],
}), 201, 'issue');
must(await request(setupAgent, sme, 'POST', `/api/v1/finance/certificates/${cert.id}/accept`, {}), 200, 'accept');
let root = must(await request(setupAgent, sme, 'GET', `/api/v1/finance/certificates/${cert.id}`), 200, 'get').pieces
  .find((p) => p.state === 'held');
const pieces = [];
for (let i = 0; i < CLIENTS - 1; i++) {
  const r = must(await request(setupAgent, sme, 'POST', `/api/v1/finance/pieces/${root.id}/split`, { amount_fen: 1000000000000 }), 201, 'split');
  pieces.push(r.pieces[0].id);
  root = r.pieces[1];
}
pieces.push(root.id);

const lat = [];
let errors = 0, done = 0, measuring = false, stop = false;
async function client(i) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let piece = pieces[i];
  while (!stop) {
    const t0 = process.hrtime.bigint();
    const r = await request(agent, sme, 'POST', `/api/v1/finance/pieces/${piece}/transfers`, { to: SUPPLIER, amount_fen: 1 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 201) { errors++; if (errors < 5) console.error(r.status, JSON.stringify(r.body)); continue; }
    piece = r.body.remainder_piece_id;
    if (measuring) { lat.push(ms); done++; }
  }
}
const running = Array.from({ length: CLIENTS }, (_, i) => client(i));
await new Promise((r) => setTimeout(r, WARMUP * 1000));
measuring = true;
const t0 = Date.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
measuring = false;
const elapsed = (Date.now() - t0) / 1000;
stop = true;
await Promise.all(running);
lat.sort((a, b) => a - b);
const pct = (p) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] * 100) / 100;
console.log(JSON.stringify({
  clients: CLIENTS, seconds: elapsed, transfers: done, per_second: Math.round(done / elapsed),
  p50_ms: pct(0.5), p90_ms: pct(0.9), p99_ms: pct(0.99), max_ms: Math.round(lat[lat.length - 1] * 100) / 100, errors,
  certificate: cert.id,
}));
