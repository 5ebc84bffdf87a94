// `qilian sharing …` at the command line, on a fresh database: opening a
// resource from a JSON file, booking for an organisation, a refusal on
// stderr with a non-zero exit, the whole path with --now (history), the
// maintenance pass turning a missed check-in into a no-show, utilisation and
// the iCalendar feed on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cli, tempDir } from '../lib/server.mjs';

test('sharing commands: open, book, refuse, steps with --now, maintain, utilisation, calendar', () => {
  const dir = tempDir();
  const db = path.join(dir, 'q.db');
  const q = (...a) => cli(['--db', db, ...a]);
  assert.equal(q('migrate').status, 0);
  const org = (name, type) => JSON.parse(q('org', 'add', '--name', name, '--type', type).stdout).id;
  const owner = org('苏州测试链主', 'large');
  const sme = org('昆山测试模具', 'sme');
  const file = path.join(dir, 'r.json');
  fs.writeFileSync(file, JSON.stringify({
    type: 'instrument', name: '三坐标测量机', region: '320506', capacity: 1, price_sme_fen: 6000, price_large_fen: 12000,
    price_other_fen: 9000, opening_hours: ['mon-fri 08:00-18:00'], no_show_minutes: 30,
  }));
  const opened = q('sharing', 'open', file, '--org', String(owner));
  assert.equal(opened.status, 0, opened.stderr);
  const res = JSON.parse(opened.stdout);
  assert.equal(res.owner.org_id, owner);

  // 2026-12-07 is a Monday; the rules are evaluated as at 2026-12-01.
  const now = ['--now', '2026-12-01T00:00:00Z'];
  const book = (from, to, ...more) => q('sharing', 'book', String(res.id), '--org', String(sme), '--from', from, '--to', to, ...now, ...more);
  const ok = book('2026-12-07T09:00:00+08:00', '2026-12-07T11:00:00+08:00');
  assert.equal(ok.status, 0, ok.stderr);
  const b = JSON.parse(ok.stdout).bookings[0];
  assert.equal(b.state, 'requested');
  assert.equal(b.cost_fen, 12000);
  const sat = book('2026-12-05T09:00:00+08:00', '2026-12-05T11:00:00+08:00');
  assert.equal(sat.status, 1);
  assert.equal(JSON.parse(sat.stderr).error.code, 'outside_opening_hours');
  const full = book('2026-12-07T10:00:00+08:00', '2026-12-07T12:00:00+08:00');
  assert.equal(JSON.parse(full.stderr).error.code, 'no_capacity');

  const step = (action, id, ...more) => q('sharing', 'booking', action, String(id), ...more);
  assert.equal(step('approve', b.id, ...now).status, 0);
  assert.equal(step('check-in', b.id, '--now', '2026-12-07T08:50:00+08:00').status, 0);
  const done = step('complete', b.id, '--used-minutes', '90', '--now', '2026-12-07T11:00:00+08:00');
  assert.equal(done.status, 0, done.stderr);
  assert.equal(JSON.parse(done.stdout).cost_fen, 9000);
  assert.equal(step('launch', b.id).status, 2);

  // A missed check-in: the pass writes the no-show down.
  const late = JSON.parse(book('2026-12-08T09:00:00+08:00', '2026-12-08T10:00:00+08:00').stdout).bookings[0];
  assert.equal(step('approve', late.id, ...now).status, 0);
  const pass = q('sharing', 'maintain', '--now', '2026-12-08T09:31:00+08:00');
  assert.equal(pass.status, 0, pass.stderr);
  assert.equal(JSON.parse(pass.stdout).changed, 1);
  const list = JSON.parse(q('sharing', 'bookings', '--state', 'no_show', '--now', '2026-12-08T09:31:00+08:00').stdout);
  assert.deepEqual(list.items.map((x) => x.id), [late.id]);

  const u = JSON.parse(q('sharing', 'utilisation', '--resource', String(res.id), '--from', '2026-12-07', '--to', '2026-12-08', '--now', '2026-12-09T00:00:00Z').stdout);
  assert.equal(u.open_hours, 20);
  assert.equal(u.booked_hours, 3);
  assert.equal(u.used_hours, 1.5);
  assert.equal(u.revenue_fen, 9000);
  assert.equal(u.bookings.no_show, 1);

  const ics = q('sharing', 'calendar', String(res.id));
  assert.equal(ics.status, 0);
  assert.match(ics.stdout, /^BEGIN:VCALENDAR\r\n/);
  assert.equal((ics.stdout.match(/BEGIN:VEVENT/g) || []).length, 2);
  assert.match(ics.stdout, /STATUS:CANCELLED/); // the no-show
  fs.rmSync(dir, { recursive: true, force: true });
});
