/*
 * resource.js - one shared resource (#/sharing/resources/{id}): what it is,
 * its rules and prices, a week calendar of its 30-minute slots (free units
 * in green, partly booked in amber, full in red, closed in grey; a click on
 * a free slot starts the booking form there), the booking form (window,
 * units, weekly repetition, waitlist) with the server's refusal shown as
 * it is, and for the owner the edit link and the calendar feed URL.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { fen, shanghaiDate, isoAt, stateBadge, windowText, fill } from './sharing.js';

const TIMES = Array.from({ length: 49 }, (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);

function mondayOf(date) {
  const d = new Date(`${date}T00:00:00Z`);
  const wd = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - wd * 86400000).toISOString().slice(0, 10);
}
const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

export async function render(root, ctx) {
  const id = ctx.params.id;
  root.appendChild(loading());
  let r;
  try {
    r = await get(`/resources/${id}`);
  } catch (e) {
    fill(root, loadError(e));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(r.name);
  const owner = Boolean(r.feed_url);
  root.replaceChildren(pageHeader(r.name, `${t(`sharing.type.${r.type}`)} · ${r.owner.name} · ${r.region_name}`,
    owner ? h('a', { class: 'btn btn-outline', id: 'edit-resource', href: `#/sharing/resources/${id}/edit` }, t('common.edit')) : null));

  const kv = (k, v) => [h('dt', null, k), h('dd', null, v)];
  root.appendChild(h('section', { class: 'card' },
    r.description ? h('p', null, r.description) : null,
    h('dl', { class: 'kv', id: 'resource-facts' },
      kv(t('sharing.address'), `${r.region_name} ${r.address || ''}`),
      kv(t('sharing.capacity'), String(r.capacity)),
      kv(t('sharing.prices'), `${t('sharing.priceSme')} ${fen(r.price_per_hour_fen.sme)} · ${t('sharing.priceLarge')} ${fen(r.price_per_hour_fen.large)} · ${t('sharing.priceOther')} ${fen(r.price_per_hour_fen.other)} /${t('sharing.perHour')}`),
      kv(t('sharing.openingHours'), r.opening_hours.join('; ')),
      kv(t('sharing.closedDates'), r.closed_dates.length ? r.closed_dates.join(', ') : '—'),
      kv(t('sharing.lengths'), t('sharing.lengthsValue', { min: r.min_minutes / 60, max: r.max_minutes / 60, buffer: r.buffer_minutes, horizon: r.horizon_days })),
      kv(t('sharing.rules'), `${t(`sharing.approval.${r.approval}`)} · ${t(`sharing.eligibility.${r.eligibility}`)}${r.sme_share_bp ? ` · ${t('sharing.smeShare', { p: r.sme_share_bp / 100 })}` : ''}`),
      owner ? kv(t('sharing.feed'), h('span', null, h('code', { id: 'feed-url' }, new URL(r.feed_url, location.href).href), ' ',
        h('button', { type: 'button', class: 'btn btn-sm btn-ghost', id: 'rotate-feed', onclick: rotate }, t('sharing.rotateFeed')))) : null)));

  async function rotate() {
    try {
      const x = await post(`/resources/${id}/feed-token`);
      document.getElementById('feed-url').textContent = new URL(x.feed_url, location.href).href;
    } catch (e) { window.alert(errorText(e)); }
  }

  // The week calendar.
  let week = mondayOf(ctx.query.week || shanghaiDate(0));
  const calTitle = h('h2', { style: { margin: 0 } });
  const cal = h('div', { id: 'week-calendar', class: 'table-wrap' });
  root.appendChild(h('section', { class: 'card' },
    h('div', { class: 'card-head' }, calTitle,
      h('div', null,
        h('button', { type: 'button', class: 'btn btn-sm btn-ghost', id: 'prev-week', onclick: () => { week = addDays(week, -7); drawWeek(); } }, t('sharing.prevWeek')), ' ',
        h('button', { type: 'button', class: 'btn btn-sm btn-ghost', id: 'next-week', onclick: () => { week = addDays(week, 7); drawWeek(); } }, t('sharing.nextWeek')))),
    h('p', { class: 'muted small' }, t('sharing.calendarLegend')), cal));

  // The booking form.
  const date = h('input', { id: 'b-date', type: 'date', value: shanghaiDate(1), required: true });
  const timeSel = (idv, v) => h('select', { id: idv }, TIMES.map((x) => h('option', { value: x, selected: x === v }, x)));
  const start = timeSel('b-start', '09:00');
  const end = timeSel('b-end', '11:00');
  const units = h('input', { id: 'b-units', type: 'number', min: 1, max: r.capacity, value: 1 });
  const weeks = h('input', { id: 'b-weeks', type: 'number', min: 1, max: 12, value: 1 });
  const note = h('input', { id: 'b-note', type: 'text', maxlength: 200 });
  const waitlist = h('input', { id: 'b-waitlist', type: 'checkbox' });
  const result = h('div', { id: 'booking-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'booking-form', onsubmit: submit },
    h('h2', null, t('sharing.bookTitle')),
    r.may_book ? null : alertBox('info', t('sharing.notEligible')),
    h('div', { class: 'filter-row' },
      h('div', { class: 'field' }, h('label', { for: 'b-date' }, t('sharing.date')), date),
      h('div', { class: 'field' }, h('label', { for: 'b-start' }, t('sharing.start')), start),
      h('div', { class: 'field' }, h('label', { for: 'b-end' }, t('sharing.end')), end),
      h('div', { class: 'field' }, h('label', { for: 'b-units' }, t('sharing.units')), units),
      h('div', { class: 'field' }, h('label', { for: 'b-weeks' }, t('sharing.repeatWeeks')), weeks)),
    h('div', { class: 'field' }, h('label', { for: 'b-note' }, t('sharing.note')), note),
    h('div', { class: 'field field-check' }, h('label', { class: 'inline-label' }, waitlist, t('sharing.joinWaitlist'))),
    h('p', { class: 'muted small', id: 'b-price' }, t('sharing.yourPrice', { price: fen(r.price_per_hour_fen[r.your_kind] ?? r.price_per_hour_fen.other) })),
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'b-submit', disabled: !r.may_book }, t('sharing.submitBooking')),
    result);
  root.appendChild(form);

  async function submit(ev) {
    ev.preventDefault();
    fill(result);
    // An end at or before the start (or 24:00) is on the next day: a booking across midnight.
    const nextDay = end.value === '24:00' || end.value <= start.value;
    const body = {
      starts_at: isoAt(date.value, start.value),
      ends_at: isoAt(nextDay ? addDays(date.value, 1) : date.value, end.value === '24:00' ? '00:00' : end.value),
      units: Number(units.value), repeat_weeks: Number(weeks.value),
    };
    if (note.value.trim()) body.note = note.value.trim();
    if (waitlist.checked) body.waitlist = true;
    try {
      const x = await post(`/resources/${id}/bookings`, body);
      const first = x.bookings[0];
      fill(result, alertBox('success', t('sharing.booked', { n: x.bookings.length, state: t(`sharing.state.${first.state}`), cost: fen(first.cost_fen) })),
        h('ul', { class: 'small' }, x.bookings.map((b) => h('li', null, windowText(b), ' ', stateBadge(b.state)))));
      drawWeek();
    } catch (e) {
      fill(result, alertBox('error', errorText(e)));
    }
  }

  function pick(day, time) {
    date.value = day;
    start.value = time;
    const idx = TIMES.indexOf(time) + Math.max(2, r.min_minutes / 30);
    end.value = TIMES[Math.min(idx, TIMES.length - 1)];
    date.scrollIntoView({ block: 'center' });
  }

  async function drawWeek() {
    calTitle.textContent = t('sharing.weekOf', { date: week });
    fill(cal, loading());
    let av;
    try {
      av = await get(`/resources/${id}/availability`, { from: week, days: 7 });
    } catch (e) {
      fill(cal, alertBox('error', errorText(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    // Rows: the slots open on any day of the week.
    const rows = [];
    for (let s = 0; s < 48; s++) if (av.days.some((d) => d.slots[s].open)) rows.push(s);
    const head = h('tr', null, h('th', { scope: 'col' }, t('sharing.time')),
      av.days.map((d) => h('th', { scope: 'col' }, `${t(`sharing.weekday.${d.weekday}`)} ${d.date.slice(5)}`, d.closed ? ` (${t('sharing.closed')})` : '')));
    const body = rows.map((s) => h('tr', null, h('th', { scope: 'row', class: 'small' }, av.days[0].slots[s].time),
      av.days.map((d) => {
        const slot = d.slots[s];
        if (!slot.open) return h('td', { class: 'slot slot-closed', style: { background: '#f3f4f6' } }, '');
        const past = Date.parse(slot.starts_at) < Date.now();
        const bg = past ? '#f3f4f6' : slot.free === 0 ? '#fbe0dd' : slot.held > 0 ? '#fff1cc' : '#e3f4e8';
        return h('td', {
          class: `slot ${slot.free ? 'slot-free' : 'slot-full'}`, dataset: { date: d.date, time: slot.time, free: slot.free, held: slot.held },
          title: t('sharing.slotTitle', { free: slot.free, held: slot.held }),
          style: { background: bg, cursor: slot.free && !past ? 'pointer' : 'default', textAlign: 'center', padding: '2px 4px' },
          onclick: slot.free && !past ? () => pick(d.date, slot.time) : null,
        }, past ? '' : `${slot.free}/${av.capacity}`);
      })));
    fill(cal, rows.length ? h('table', { class: 'table table-compact week-grid' }, h('thead', null, head), h('tbody', null, body))
      : h('p', { class: 'muted' }, t('sharing.closedAllWeek')));
  }
  drawWeek();
  if (owner) drawOwnerBookings();

  // The owner's view of this resource's bookings, soonest first (the queue is #/sharing/queue).
  async function drawOwnerBookings() {
    const tbody = h('tbody');
    root.appendChild(h('section', { class: 'card card-flush', id: 'resource-bookings' },
      h('div', { class: 'card-head' }, h('h2', null, t('sharing.resourceBookings')), h('a', { href: '#/sharing/queue', class: 'btn btn-sm btn-outline' }, t('nav.sharingQueue'))),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['sharing.window', 'sharing.booker', 'sharing.units', 'sharing.cost', 'sharing.stateLabel'].map((k) => h('th', { scope: 'col' }, t(k))))),
        tbody))));
    try {
      const page = await get('/bookings', { role: 'owner', resource: id, limit: 200 });
      if (!ctx.isCurrent()) return;
      const items = page.items.slice().sort((a, b) => a.starts_at.localeCompare(b.starts_at));
      fill(tbody, items.length ? items.map((b) => h('tr', { dataset: { id: b.id } }, h('td', null, windowText(b)), h('td', null, b.booker.name),
        h('td', null, String(b.units)), h('td', null, fen(b.cost_fen)), h('td', null, stateBadge(b.state))))
        : h('tr', null, h('td', { colspan: 5, class: 'muted' }, t('sharing.nothingHere'))));
    } catch (e) {
      fill(tbody, h('tr', null, h('td', { colspan: 5 }, alertBox('error', errorText(e)))));
    }
  }
}
