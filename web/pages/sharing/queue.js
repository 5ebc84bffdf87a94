/*
 * queue.js - the owner's approval queue (#/sharing/queue): requests to
 * decide (approve, or reject with a reason), approved bookings to check in,
 * and checked-in ones to complete with the minutes actually used (the bill
 * is computed from them). Each step is the server's: a refused step shows
 * its reason.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { fen, stateBadge, windowText, fill } from './sharing.js';

const SECTIONS = [
  ['requested', 'sharing.queueRequested'],
  ['approved', 'sharing.queueApproved'],
  ['checked_in', 'sharing.queueCheckedIn'],
  ['waitlisted', 'sharing.queueWaitlisted'],
];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.sharingQueue'));
  const message = h('div', { id: 'q-message', 'aria-live': 'polite' });
  root.append(pageHeader(t('nav.sharingQueue'), t('sharing.queueSubtitle')), message);
  const bodies = {};
  for (const [state, title] of SECTIONS) {
    bodies[state] = h('tbody');
    root.appendChild(h('section', { class: 'card card-flush', id: `queue-${state}` }, h('h2', null, t(title)),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
        h('thead', null, h('tr', null, ['sharing.resource', 'sharing.booker', 'sharing.window', 'sharing.units', 'sharing.cost', 'sharing.stateLabel', 'sharing.actions'].map((k) => h('th', { scope: 'col' }, t(k))))),
        bodies[state]))));
  }

  async function step(b, action, body, label) {
    fill(message);
    try {
      await post(`/bookings/${b.id}/${action}`, body);
      fill(message, alertBox('success', t('sharing.done', { what: label })));
      load();
    } catch (e) {
      fill(message, alertBox('error', errorText(e)));
    }
  }

  function actions(b) {
    if (b.state === 'requested') {
      const reason = h('input', { type: 'text', class: 'q-reason', placeholder: t('sharing.reasonPlaceholder'), maxlength: 200, style: { width: '10em' } });
      return [h('button', { type: 'button', class: 'btn btn-sm btn-primary q-approve', onclick: () => step(b, 'approve', {}, t('sharing.approve')) }, t('sharing.approve')), ' ',
        reason, ' ',
        h('button', { type: 'button', class: 'btn btn-sm btn-danger q-reject', onclick: () => step(b, 'reject', { reason: reason.value.trim() }, t('sharing.reject')) }, t('sharing.reject'))];
    }
    if (b.state === 'approved') {
      return [h('button', { type: 'button', class: 'btn btn-sm btn-primary q-checkin', onclick: () => step(b, 'check-in', {}, t('sharing.checkIn')) }, t('sharing.checkIn')), ' ',
        h('button', { type: 'button', class: 'btn btn-sm btn-ghost q-cancel', onclick: () => step(b, 'cancel', {}, t('sharing.cancel')) }, t('sharing.cancel'))];
    }
    if (b.state === 'checked_in') {
      const booked = (Date.parse(b.ends_at) - Date.parse(b.starts_at)) / 60000;
      const used = h('input', { type: 'number', class: 'q-used', min: 0, max: booked, value: booked, style: { width: '6em' } });
      return [used, ' ', t('sharing.minutes'), ' ',
        h('button', { type: 'button', class: 'btn btn-sm btn-primary q-complete', onclick: () => step(b, 'complete', { used_minutes: Number(used.value) }, t('sharing.complete')) }, t('sharing.complete'))];
    }
    return [];
  }

  async function load() {
    for (const [state] of SECTIONS) {
      const tbody = bodies[state];
      fill(tbody, h('tr', null, h('td', { colspan: 7 }, loading())));
      try {
        const page = await get('/bookings', { role: 'owner', state, limit: 200 });
        if (!ctx.isCurrent()) return;
        const items = page.items.slice().sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.id - b.id);
        fill(tbody, items.length ? items.map((b) => h('tr', { dataset: { id: b.id, state: b.state } },
          h('td', null, h('a', { href: `#/sharing/resources/${b.resource.id}` }, b.resource.name)),
          h('td', null, b.booker.name, h('div', { class: 'muted small' }, t(`sharing.kind.${b.booker.kind}`))),
          h('td', null, windowText(b), b.note ? h('div', { class: 'muted small' }, b.note) : null),
          h('td', null, String(b.units)),
          h('td', null, fen(b.cost_fen)),
          h('td', null, stateBadge(b.state)),
          h('td', null, actions(b)))) : h('tr', null, h('td', { colspan: 7, class: 'muted' }, t('sharing.nothingHere'))));
      } catch (e) {
        fill(tbody, h('tr', null, h('td', { colspan: 7 }, alertBox('error', errorText(e)))));
      }
    }
  }
  load();
}
