// Behind a reverse proxy (`qilian serve --trust-proxy`) every connection comes from the proxy, so
// login throttling keys on the last address the proxy appended to X-Forwarded-For; without
// --trust-proxy that header is the client's own word and is ignored.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, USERS, DEMO_PASSWORD } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function loginVia(srv, forwardedFor, email, password) {
  const r = await fetch(`${srv.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password }),
  });
  return r.status;
}

test('with --trust-proxy, failures from one forwarded client do not lock out another behind the same proxy', async () => {
  const srv = await startServer({ args: ['--trust-proxy'] });
  servers.push(srv);
  const email = USERS['provider:admin'];
  // The client claims 198.51.100.9; the proxy appended the real 192.0.2.10: that is the one counted.
  for (let i = 0; i < 5; i++) assert.equal(await loginVia(srv, '198.51.100.9, 192.0.2.10', email, 'wrong-password'), 401);
  assert.equal(await loginVia(srv, '198.51.100.9, 192.0.2.10', email, DEMO_PASSWORD), 429);
  // Another client behind the same proxy still logs in with the right password.
  assert.equal(await loginVia(srv, '192.0.2.11', email, DEMO_PASSWORD), 200);
  // Changing the part the client controls does not escape the lock.
  assert.equal(await loginVia(srv, '203.0.113.5, 192.0.2.10', email, DEMO_PASSWORD), 429);
});

test('without --trust-proxy, X-Forwarded-For is ignored: a changing header does not escape the lock', async () => {
  const srv = await startServer();
  servers.push(srv);
  const email = USERS['provider:member'];
  for (let i = 0; i < 5; i++) assert.equal(await loginVia(srv, `192.0.2.${20 + i}`, email, 'wrong-password'), 401);
  assert.equal(await loginVia(srv, '192.0.2.99', email, DEMO_PASSWORD), 429);
});
