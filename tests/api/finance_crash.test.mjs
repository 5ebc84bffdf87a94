// Crash safety of the finance domain: the randomised load of tests/lib/finance_load.mjs runs against
// a real `qilian serve`, which is killed with SIGKILL at random moments (several rounds). After
// each restart on the same database:
//  - every acknowledged operation is there and nothing else: `qilian finance verify` passes, and
//    the balances of every organisation, the live pieces of every certificate, the limit used and
//    the number of logged operations are exactly what the acknowledged answers imply;
//  - the requests the kill cut off are sent again with their Idempotency-Key: one that had been
//    committed before the kill returns its stored answer and is not applied twice (the operation
//    count proves it), one that had not runs now;
//  - acknowledged requests replayed after the crash return their first answer and change nothing.
// A last round makes the worst moment certain: the server runs with QILIAN_DB_FAULT=
// abort-after-commit:N (the store seam's test hook), so it dies right after its Nth commit, before
// it could answer; that write is found committed, its retry returns the stored answer, and the
// operation log shows it once. QILIAN_FINANCE_SEED replays the choices and the kill points.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../lib/server.mjs';
import {
  setupWorld, runLoad, checkWorld, send, settle, unlock, reattach, opCount, rngOf, issueOp,
} from '../lib/finance_load.mjs';

const SEED = Number(process.env.QILIAN_FINANCE_SEED || Math.floor(Math.random() * 2 ** 31));
const ROUNDS = Number(process.env.FINANCE_CRASH_ROUNDS || 4);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv, w, env;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qilian-fincrash-'));
  const clockFile = path.join(dir, 'clock');
  fs.writeFileSync(clockFile, `${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}\n`);
  env = { QILIAN_FINANCE_CLOCK_FILE: clockFile };
  srv = await startServer({ env });
  w = await setupWorld(srv, { clockFile, tag: 'K', seed: SEED });
});
after(async () => { await w?.srv?.stop(); });

test(`SIGKILL under load ${ROUNDS} times: acknowledged operations survive, cut-off ones apply once (seed ${SEED})`, async (t) => {
  t.diagnostic(`QILIAN_FINANCE_SEED=${SEED}`);
  const kills = rngOf(SEED ^ 0x5eed);
  let totalLost = 0, totalCommitted = 0;
  // A warm-up so that there are pieces, transfers and applications to work on when the kills come.
  const warm = await runLoad(w, 250);
  assert.equal(warm.lost.length, 0);
  await checkWorld(w, 'before the first kill');
  for (let round = 1; round <= ROUNDS; round++) {
    let killed = false;
    const load = runLoad(w, 1e9, { stop: () => killed });
    await sleep(kills.int(150, 900));
    // A burst of writes the server is still working through when it dies: the client reads answers
    // slower than the server writes them, so without it nearly every request is answered first.
    const burst = Array.from({ length: 40 }, () => issueOp(w));
    const sent = burst.map((o) => send(w, o.req).then((r) => ({ o, r })));
    await sleep(kills.int(1, 8));
    const dead = w.srv.stop('SIGKILL');
    killed = true;
    assert.equal(await dead, 'SIGKILL');
    const { done, lost } = await load;
    for (const { o, r } of await Promise.all(sent)) {
      if (r.lost) lost.push(o);
      else await settle(w, o, r);
    }

    const again = await startServer({ db: w.srv.db, env });
    await reattach(w, again);
    // What the kill cut off and the database nonetheless committed (never more than was in flight).
    const committed = opCount(w) - (w.model.opsBaseline + w.model.ops);
    assert.ok(committed >= 0 && committed <= lost.length, `${committed} unacknowledged operations committed, ${lost.length} in flight`);
    // The acknowledged state is all there before anything is retried (the cut-off writes aside).
    if (committed === 0) await checkWorld(w, `round ${round}, after the restart`);
    // Retried with their keys: committed ones answer from the store, the others run now.
    for (const o of lost) {
      const r = await send(w, o.req);
      assert.ok(!r.lost, 'the restarted server answers');
      await settle(w, o, r);
      unlock(w, o);
    }
    await checkWorld(w, `round ${round}, after the retries`);
    // Acknowledged answers replayed after the crash: the first answer, nothing applied again.
    const ops = opCount(w);
    const sample = w.model.acked.filter((_, i) => i % Math.max(1, Math.floor(w.model.acked.length / 25)) === 0);
    for (const a of sample) {
      const r = await send(w, a.req);
      assert.equal(r.status, a.status, `${a.req.method} ${a.req.path} replayed: ${JSON.stringify(r.body)}`);
      assert.deepEqual(r.body, a.body, `${a.req.method} ${a.req.path} replayed after the crash returns the first answer`);
    }
    assert.equal(opCount(w), ops, 'replays after the crash apply nothing');
    t.diagnostic(`round ${round}: killed after ${done} answered operations with ${lost.length} in flight, `
      + `${committed} of them committed; ${sample.length} replays`);
    totalLost += lost.length;
    totalCommitted += committed;
  }
  t.diagnostic(`${totalLost} requests cut off by kills, ${totalCommitted} had committed`);
  assert.ok(totalLost > 0, 'the kills caught requests in flight');
});

// Recovery as the rounds above do it: the cut-off requests again with their keys, then the checks.
async function recover(t, lost, label) {
  for (const o of lost) {
    const r = await send(w, o.req);
    assert.ok(!r.lost, 'the restarted server answers');
    await settle(w, o, r);
    unlock(w, o);
  }
  await checkWorld(w, label);
}

test('a server that dies right after a commit, before answering: the write is there once and its retry answers it', async (t) => {
  // Restart with the hook armed: the Nth commit from now (the sign-ins are 7 of them) is the last.
  await w.srv.stop();
  const n = 7 + rngOf(SEED ^ 0xab0).int(20, 120);
  const doomed = await startServer({ db: w.srv.db, env: { ...env, QILIAN_DB_FAULT: `abort-after-commit:${n}` } });
  const died = new Promise((r) => (doomed.proc.exitCode !== null || doomed.proc.signalCode !== null ? r() : doomed.proc.on('exit', () => r())));
  await reattach(w, doomed);
  const before = opCount(w) - w.model.opsBaseline - w.model.ops;
  assert.equal(before, 0);
  const { lost } = await runLoad(w, 1e9);
  await died;
  assert.equal(doomed.proc.signalCode, 'SIGABRT', 'the server aborted at its commit');
  const again = await startServer({ db: w.srv.db, env });
  await reattach(w, again);
  const committed = opCount(w) - (w.model.opsBaseline + w.model.ops);
  t.diagnostic(`aborted after commit ${n}: ${lost.length} requests cut off, ${committed} of them committed`);
  assert.ok(committed >= 1, 'the write of the last commit is there though it was never answered');
  assert.ok(committed <= lost.length);
  await recover(t, lost, 'after the abort at a commit');
});
