/*
 * bookings.js - the caller's bookings (#/sharing/bookings), newest first,
 * filtered by state: the window, units, cost (the bill once completed),
 * the owner's reason, and the steps the booker may take: cancel before the
 * start, confirm a waitlist offer before it expires.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { STATES, fen, local, stateBadge, windowText, fill } from './sharing.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.sharingBookings'));
  const state = ctx.query.state || '';
  const sel = h('select', { id: 'bk-state' }, h('option', { value: '' }, t('common.all')),
    STATES.map((s) => h('option', { value: s, selected: s === state }, t(`sharing.state.${s}`))));
  sel.addEventListener('change', () => ctx.navigate(`/sharing/bookings${sel.value ? `?state=${sel.value}` : ''}`));
  const message = h('div', { id: 'bk-message', 'aria-live': 'polite' });
  const tbody = h('tbody');
  root.append(pageHeader(t('nav.sharingBookings'), t('sharing.bookingsSubtitle')),
    h('div', { class: 'card filters' }, h('div', { class: 'field' }, h('label', { for: 'bk-state' }, t('sharing.stateLabel')), sel)),
    message,
    h('section', { class: 'card card-flush' }, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'my-bookings' },
      h('thead', null, h('tr', null, ['sharing.resource', 'sharing.window', 'sharing.units', 'sharing.cost', 'sharing.stateLabel', 'sharing.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
      tbody))));

  async function load() {
    fill(tbody, h('tr', null, h('td', { colspan: 6 }, loading())));
    try {
      const page = await get('/bookings', { role: 'booker', state, limit: 100 });
      if (!ctx.isCurrent()) return;
      if (!page.items.length) { fill(tbody, h('tr', null, h('td', { colspan: 6, class: 'muted' }, t('sharing.noBookings')))); return; }
      fill(tbody, page.items.map(row));
    } catch (e) {
      fill(tbody, h('tr', null, h('td', { colspan: 6 }, alertBox('error', errorText(e)))));
    }
  }

  async function step(b, action, label) {
    fill(message);
    try {
      await post(`/bookings/${b.id}/${action}`);
      fill(message, alertBox('success', t('sharing.done', { what: label })));
      load();
    } catch (e) {
      fill(message, alertBox('error', errorText(e)));
    }
  }

  function row(b) {
    const future = Date.parse(b.starts_at) > Date.now();
    const acts = [];
    if (b.state === 'offered') acts.push(h('button', { type: 'button', class: 'btn btn-sm btn-primary bk-confirm', onclick: () => step(b, 'confirm', t('sharing.confirm')) }, t('sharing.confirm')));
    if (future && ['requested', 'approved', 'waitlisted', 'offered'].includes(b.state)) {
      acts.push(h('button', { type: 'button', class: 'btn btn-sm btn-danger bk-cancel', onclick: () => step(b, 'cancel', t('sharing.cancel')) }, t('sharing.cancel')));
    }
    return h('tr', { dataset: { id: b.id, state: b.state } },
      h('td', null, h('a', { href: `#/sharing/resources/${b.resource.id}` }, b.resource.name), h('div', { class: 'muted small' }, b.resource.owner_name)),
      h('td', null, windowText(b), b.series_id ? h('div', { class: 'muted small' }, t('sharing.series', { id: b.series_id })) : null,
        b.offer_expires_at && b.state === 'offered' ? h('div', { class: 'small' }, t('sharing.offerUntil', { time: local(b.offer_expires_at) })) : null),
      h('td', null, String(b.units)),
      h('td', null, fen(b.cost_fen), b.state === 'completed' ? h('div', { class: 'muted small' }, t('sharing.usedMinutes', { n: b.used_minutes })) : null),
      h('td', null, stateBadge(b.state), b.reason ? h('div', { class: 'muted small' }, b.reason) : null),
      h('td', null, acts));
  }
  load();
}
