/*
 * overview.js - the operator's view of the capital chain
 * (#/finance/overview): aggregates only (certificates by status with their
 * face, outstanding, discounted, overdue, flagged, limits, operations), the
 * platform's finance settings and the sweep that flags overdue
 * certificates and expires applications.
 */
import { t, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { fen, table, fill, add, write } from './finance.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.financeOverview'));
  const body = h('div', null, loading());
  const message = h('div', { id: 'overview-message', 'aria-live': 'polite' });
  const sweep = h('button', { type: 'button', class: 'btn btn-outline', id: 'sweep', onclick: async () => {
    try {
      const r = await write('POST', '/finance/sweep', {});
      fill(message, alertBox('success', t('finance.done.sweep', { overdue: r.overdue_flagged, expired: r.applications_expired })));
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, t('finance.sweep'));
  add(root, pageHeader(t('nav.financeOverview'), t('finance.overview.subtitle'), sweep), message, body);
  let o;
  try { o = await get('/finance/overview'); } catch (e) { fill(body, alertBox('error', errorText(e))); return; }
  if (!ctx.isCurrent()) return;
  const num = (x) => (typeof x === 'object' && x !== null ? x : { count: x });
  const stat = (label, value, note) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t(label)), h('div', { class: 'stat-value stat-value-sm' }, value), note ? h('div', { class: 'stat-note muted small' }, note) : null);
  const byStatus = o.certificates || o.by_status || {};
  const statusRows = Array.isArray(byStatus) ? byStatus : Object.entries(byStatus).map(([status, v]) => ({ status, ...num(v) }));
  fill(body,
    h('div', { class: 'stats-grid', id: 'overview-stats' },
      stat('finance.outstanding', fen(num(o.outstanding).amount_fen ?? num(o.outstanding).fen ?? o.outstanding_fen ?? o.outstanding)),
      stat('finance.overview.discounted', fen(num(o.discounted).amount_fen ?? o.discounted_fen ?? o.discounted)),
      stat('finance.overdue', formatNumber(num(o.overdue).count), fen(num(o.overdue).amount_fen)),
      stat('finance.overview.flagged', formatNumber(num(o.flagged).count ?? o.flagged)),
      stat('finance.overview.operations', formatNumber(num(o.operations).count ?? o.operations))),
    h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.overview.byStatus'))),
      table('overview-status', ['finance.stateLabel', 'finance.overview.count', 'finance.face'],
        statusRows.map((r) => ({ cells: [t(`finance.state.cert.${r.status}`), formatNumber(r.count), fen(r.face_fen ?? r.amount_fen)] })), { num: [1, 2] })),
    o.limits ? h('section', { class: 'card' }, h('h2', null, t('finance.limits')),
      h('p', null, t('finance.overview.limits', { total: fen(num(o.limits).total_fen ?? num(o.limits).limit_fen), used: fen(num(o.limits).used_fen) }))) : null);
}
