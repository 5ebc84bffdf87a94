/*
 * svc.js - what the service, talent and data pages share: the caller's
 * enterprises, status and deadline badges, small form fields, fill/add.
 */
import { t } from '../../lib/i18n.js';
import { h } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { session } from '../../lib/session.js';

export const CATEGORIES = ['financing', 'land_and_space', 'talent', 'logistics', 'technology', 'policy', 'market_access', 'overseas', 'complaint', 'other'];
export const URGENCIES = ['normal', 'urgent', 'critical'];
export const STATUSES = ['submitted', 'accepted', 'in_progress', 'resolved', 'closed', 'reopened', 'withdrawn'];
export const SCOPES = ['profile', 'relations', 'orders', 'certificates', 'service_requests'];

export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}
export function add(el, ...kids) {
  el.append(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

export const orgType = () => session()?.org?.type || '';
export const isOperator = () => orgType() === 'operator';

/* The caller's organisation's enterprises [{uscc, name}]. */
export async function myEnterprises() {
  const s = session();
  if (!s || s.org.type === 'operator') return [];
  const r = await get('/enterprises', { org_id: s.org.id, limit: 200 });
  return r.items || [];
}

export function statusBadge(status) {
  const tone = { closed: 'ok', resolved: 'ok', withdrawn: 'none', reopened: 'warn' }[status] || 'none';
  return h('span', { class: `badge badge-health-${tone} svc-status`, dataset: { status } }, t(`svc.status.${status}`));
}

/* The running deadline as a coloured badge: green in time, amber due soon, red overdue. */
export function deadlineBadge(d) {
  if (!d) return h('span', { class: 'muted' }, '—');
  const tone = { ok: 'ok', due_soon: 'warn', overdue: 'weak', unknown: 'none' }[d.state] || 'none';
  return h('span', { class: `badge badge-health-${tone} svc-deadline`, dataset: { state: d.state } },
    `${t(`svc.stage.${d.stage}`)} ${d.due || t('svc.noDue')}${d.provisional ? ` (${t('svc.provisional')})` : ''} · ${t(`svc.deadline.${d.state}`)}`);
}

export function field(label, el, hint) {
  return h('div', { class: 'field' }, h('label', null, label), el, hint ? h('p', { class: 'field-hint' }, hint) : null);
}

export function select(id, values, prefix, selected) {
  return h('select', { id }, values.map((v) => h('option', { value: v, selected: v === selected }, prefix ? t(`${prefix}.${v}`) : v)));
}

export function pct(v) {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}
