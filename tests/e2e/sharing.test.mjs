// Shared resources (资源共享) in a real browser against a real `qilian serve`
// with the demo data: the SME searches the catalogue by words (the 盐雾试验箱
// is found, matched words shown) and by a free window of 8 hours near 苏州;
// opens the resource page with its week calendar of free and booked slots;
// books a window through the form (and sees a refusal named when it asks
// for a lunch-break window); the owner (the chain leader) approves it in its
// queue and rejects another with a reason; the SME sees both outcomes in its
// bookings; the owner opens a resource through the form and looks at the
// utilisation chart (ECharts); one page in English. Screenshots go to
// test-output/e2e/sharing-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';

let srv, ui, smeToken, ownerToken, sme, owner;
const state = {};

// The Shanghai date of the nth working day after today.
function workday(n) {
  let d = Date.now() + 8 * 3600000;
  let found = 0;
  for (;;) {
    d += 86400000;
    const wd = new Date(d).getUTCDay();
    if (wd >= 1 && wd <= 5 && ++found === n) return new Date(d).toISOString().slice(0, 10);
  }
}

before(async () => {
  srv = await startServer();
  [smeToken, ownerToken] = await Promise.all([login(srv.url, USERS['sme:member']), login(srv.url, USERS['large:member'])]);
  const list = (await api(srv.url, smeToken, 'GET', '/api/v1/resources?q=' + encodeURIComponent('盐雾试验箱'))).body;
  state.salt = list.items.find((r) => r.name.startsWith('盐雾试验箱'));
  assert.ok(state.salt, 'the demo salt-spray chamber');
  ui = await openBrowser(srv.url);
  sme = await ui.newPage();
  owner = await ui.newPage();
  await ui.loginAs(sme, USERS['sme:member']);
  await ui.loginAs(owner, USERS['large:member']);
});
after(async () => {
  for (const p of [sme, owner]) if (p) assert.deepEqual(p.errors, [], 'no script errors on the page');
  await ui?.close();
  await srv?.stop();
});

test('the SME finds the salt-spray chamber by words, and resources free for 8 hours near 苏州', async () => {
  await ui.go(sme, '/sharing');
  await sme.locator('#s-q').waitFor();
  await sme.fill('#s-q', '盐雾');
  await sme.click('#s-search');
  const card = sme.locator(`.resource-card[data-id="${state.salt.id}"]`);
  await card.waitFor();
  assert.match(await card.locator('.matched-words').innerText(), /盐/);
  assert.ok(!(await sme.locator('#resource-list').innerText()).includes('三坐标'), 'only what matches the words');
  await shot(sme, 'sharing-catalogue-words');

  await ui.go(sme, `/sharing?hours=8&province=32&city=3205&from=${workday(1)}&to=${workday(5)}`);
  await sme.locator('.resource-card').first().waitFor();
  const text = await sme.locator('#resource-list').innerText();
  assert.match(text, /最早空闲/);
  assert.ok(!text.includes('盐雾试验箱'), 'the salt-spray chamber has a lunch break: no 8 consecutive hours');
  assert.match(text, /整车道路试验场/);
  await shot(sme, 'sharing-catalogue-window');
});

test('the resource page shows a week calendar and books through the form', async () => {
  const day = workday(4);
  await ui.go(sme, `/sharing/resources/${state.salt.id}?week=${day}`);
  await sme.locator('#week-calendar table').waitFor();
  assert.ok(await sme.locator('#week-calendar td.slot-free').count() > 10, 'free slots');
  assert.match(await sme.locator('#resource-facts').innerText(), /mon 08:00-12:00/);
  // A window over the lunch break is refused with the rule's name.
  await sme.fill('#b-date', day);
  await sme.selectOption('#b-start', '11:00');
  await sme.selectOption('#b-end', '14:00');
  await sme.click('#b-submit');
  await waitText(sme.locator('#booking-result .alert-error'), /超出开放时间/);
  // Click a free 14:00 slot of that day: the form starts there.
  await sme.locator(`#week-calendar td.slot-free[data-date="${day}"][data-time="14:00"]`).click();
  assert.equal(await sme.inputValue('#b-start'), '14:00');
  await sme.selectOption('#b-end', '16:00');
  await sme.fill('#b-note', '端子盐雾对比试验');
  await sme.click('#b-submit');
  await waitText(sme.locator('#booking-result .alert-success'), /已提交 1 项预约/);
  const mine = (await api(srv.url, smeToken, 'GET', '/api/v1/bookings?state=requested')).body.items;
  state.booking = mine.find((b) => b.note === '端子盐雾对比试验');
  assert.ok(state.booking);
  assert.equal(state.booking.cost_fen, 6000 * 2);
  // The calendar now holds a unit at 14:00.
  await waitText(sme.locator(`#week-calendar td[data-date="${day}"][data-time="14:00"]`), /^1\/2$/);
  await shot(sme, 'sharing-resource-booked');
  // A second request to reject.
  const r = await api(srv.url, smeToken, 'POST', `/api/v1/resources/${state.salt.id}/bookings`,
    { starts_at: `${day}T16:00:00+08:00`, ends_at: `${day}T17:00:00+08:00`, note: '待驳回' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  state.toReject = r.body.bookings[0];
});

test('the owner approves one request and rejects another with a reason', async () => {
  await ui.go(owner, '/sharing/queue');
  const row = owner.locator(`#queue-requested tr[data-id="${state.booking.id}"]`);
  await row.waitFor();
  await shot(owner, 'sharing-queue');
  await row.locator('.q-approve').click();
  await waitText(owner.locator('#q-message .alert-success'), /已通过/);
  await owner.locator(`#queue-approved tr[data-id="${state.booking.id}"]`).waitFor();
  const rej = owner.locator(`#queue-requested tr[data-id="${state.toReject.id}"]`);
  await rej.locator('.q-reject').click();
  await waitText(owner.locator('#q-message .alert-error'), /理由|reason/);
  await rej.locator('.q-reason').fill('设备当天校准');
  await rej.locator('.q-reject').click();
  await waitText(owner.locator('#q-message .alert-success'), /驳回/);
  const b = (await api(srv.url, ownerToken, 'GET', `/api/v1/bookings/${state.toReject.id}`)).body;
  assert.equal(b.state, 'rejected');
  assert.equal(b.reason, '设备当天校准');
  // The owner's resource page lists the resource's bookings.
  await ui.go(owner, `/sharing/resources/${state.salt.id}`);
  const listed = owner.locator(`#resource-bookings tr[data-id="${state.booking.id}"]`);
  await listed.waitFor();
  assert.match(await listed.innerText(), /已通过/);
});

test('the SME sees both outcomes in its bookings', async () => {
  await ui.go(sme, '/sharing/bookings');
  const ok = sme.locator(`#my-bookings tr[data-id="${state.booking.id}"]`);
  await ok.waitFor();
  assert.equal(await ok.getAttribute('data-state'), 'approved');
  const no = sme.locator(`#my-bookings tr[data-id="${state.toReject.id}"]`);
  assert.match(await no.innerText(), /已驳回[\s\S]*设备当天校准/);
  await shot(sme, 'sharing-my-bookings');
});

test('the owner opens a resource through the form and reads the utilisation chart', async () => {
  await ui.go(owner, '/sharing/resources/new');
  await owner.locator('#resource-form').waitFor();
  await owner.selectOption('#r-type', 'equipment');
  await owner.fill('#r-name', '激光焊接工作站');
  await owner.fill('#r-description', '电池包壳体激光焊接，配焊接工程师');
  await owner.fill('#r-region', '320506');
  await owner.fill('#r-capacity', '1');
  await owner.fill('#r-price-sme', '350');
  await owner.fill('#r-price-large', '700');
  await owner.fill('#r-price-other', '500');
  await owner.fill('#r-hours', 'mon-fri 8:00-17:00');
  await owner.click('#r-submit');
  await waitText(owner.locator('#r-message .alert-error'), /开放时间|opening hours/);
  await owner.fill('#r-hours', 'mon-fri 08:00-17:00\nsat 09:00-12:00');
  await owner.click('#r-submit');
  await owner.waitForURL(/#\/sharing\/resources\/\d+$/);
  await owner.locator('#week-calendar table').waitFor();
  assert.match(await owner.locator('#feed-url').innerText(), /calendar\.ics\?token=/);
  await shot(owner, 'sharing-resource-owner');

  await ui.go(owner, '/sharing/utilisation');
  await owner.locator('#u-chart svg').waitFor();
  assert.match(await owner.locator('#u-revenue').innerText(), /¥/);
  assert.ok(Number((await owner.locator('#u-smes .stat-value').innerText()).trim()) >= 1, 'the demo SME was served');
  assert.ok(await owner.locator('#u-resources tbody tr').count() >= 6);
  await shot(owner, 'sharing-utilisation');
});

test('one page in English', async () => {
  const page = await ui.newPage();
  await ui.loginAs(page, USERS['sme:admin']);
  await page.evaluate(() => localStorage.setItem('qilian.lang', 'en'));
  await ui.go(page, '/sharing');
  await page.reload();
  await page.locator('.resource-card').first().waitFor();
  const text = await page.locator('main').innerText();
  assert.match(text, /Resource catalogue/);
  await shot(page, 'sharing-catalogue-en');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
