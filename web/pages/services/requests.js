/*
 * requests.js - service requests (#/services): an enterprise's own requests,
 * a provider's queue (the operator's: the unassigned ones) with the running
 * deadline coloured green, amber (due within a working day) or red
 * (overdue), and the link to a new request.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { may } from '../../lib/access.js';
import { fill, add, orgType, statusBadge, deadlineBadge, STATUSES } from './svc.js';

function rolesFor(type) {
  if (type === 'operator') return ['', 'queue', 'handler'];
  if (type === 'provider') return ['handler'];
  if (type === 'sme' || type === 'large') return ['requester'];
  return [''];
}

export async function render(root, ctx) {
  ctx.setTitle(t('nav.svcRequests'));
  const roles = rolesFor(orgType());
  const role = roles.includes(ctx.query.role) ? ctx.query.role : roles[0];
  const status = ctx.query.status || '';
  const go = (r, s) => ctx.navigate(`/services?role=${r}${s ? `&status=${s}` : ''}`);
  const actions = may('POST /service-requests')
    ? h('a', { class: 'btn btn-primary', href: '#/services/new', id: 'svc-new' }, t('svc.new')) : null;
  const tabs = roles.length > 1 ? h('div', { class: 'segmented', role: 'group', id: 'svc-role' },
    roles.map((r) => h('button', { type: 'button', class: `btn btn-sm ${r === role ? 'btn-primary' : 'btn-outline'}`, dataset: { role: r }, onclick: () => go(r, status) },
      t(`svc.role.${r || 'all'}`)))) : null;
  const statusSel = h('select', { id: 'svc-status-filter', onchange: (ev) => go(role, ev.target.value) },
    h('option', { value: '' }, t('common.all')), STATUSES.map((s) => h('option', { value: s, selected: s === status }, t(`svc.status.${s}`))));
  const body = h('div', null, loading());
  add(root, pageHeader(t('nav.svcRequests'), t(role === 'handler' || role === 'queue' ? 'svc.queueSubtitle' : 'svc.subtitle'), actions),
    h('div', { class: 'card filters' }, tabs, h('label', { class: 'inline-label' }, t('svc.statusLabel'), statusSel)),
    h('section', { class: 'card card-flush' }, body));
  let page;
  try {
    page = await get('/service-requests', { role, status, limit: 200 });
  } catch (e) {
    fill(body, alertBox('error', errorText(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const items = page.items || [];
  if (!items.length) { fill(body, h('p', { class: 'empty-note muted' }, t('svc.none'))); return; }
  fill(body, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'svc-table' },
    h('thead', null, h('tr', null, ['svc.no', 'svc.title', 'svc.category', 'svc.enterprise', 'svc.handler', 'svc.submittedAt', 'svc.deadline', 'svc.statusLabel']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((r) => h('tr', { dataset: { id: r.id, state: r.deadline?.state || '' } },
      h('td', null, h('a', { class: 'row-link', href: `#/services/${r.id}` }, `#${r.id}`)),
      h('td', null, h('a', { href: `#/services/${r.id}` }, r.title), r.urgency !== 'normal' ? h('span', { class: 'badge badge-health-warn' }, t(`svc.urgency.${r.urgency}`)) : null),
      h('td', null, t(`svc.cat.${r.category}`)),
      h('td', null, r.enterprise?.name || '—'),
      h('td', null, r.handler ? r.handler.name : h('span', { class: 'muted' }, t('svc.operatorQueue'))),
      h('td', { class: 'nowrap' }, formatTime(r.submitted_at)),
      h('td', null, deadlineBadge(r.deadline), r.escalation ? h('span', { class: 'badge badge-health-weak svc-escalation' }, t(`svc.level.${r.escalation}`)) : null),
      h('td', null, statusBadge(r.status))))))));
}
