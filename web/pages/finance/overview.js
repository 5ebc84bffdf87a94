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
import { fen, entName, table, fill, add, write } from './finance.js';

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
  const stat = (label, value, note) => h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t(label)), h('div', { class: 'stat-value stat-value-sm' }, value), note ? h('div', { class: 'stat-note muted small' }, note) : null);
  const byStatus = Object.entries(o.certificates || {}).map(([status, v]) => ({ status, ...v }));
  fill(body,
    h('div', { class: 'stats-grid', id: 'overview-stats' },
      stat('finance.outstanding', fen(o.outstanding_fen)),
      stat('finance.overview.discounted', fen(o.discounted_fen)),
      stat('finance.overdue', formatNumber(o.overdue?.count ?? 0), fen(o.overdue?.amount_fen ?? 0)),
      stat('finance.overview.flagged', formatNumber(o.flagged ?? 0)),
      stat('finance.overview.operations', formatNumber(o.operations ?? 0),
        t('finance.overview.pending', { transfers: o.pending_transfers ?? 0, applications: o.pending_applications ?? 0 }))),
    h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.overview.byStatus'))),
      table('overview-status', ['finance.stateLabel', 'finance.overview.count', 'finance.face'],
        byStatus.map((r) => ({ cells: [t(`finance.state.cert.${r.status}`), formatNumber(r.count), fen(r.face_fen)] })), { num: [1, 2] })),
    (o.by_issuer || []).length ? h('section', { class: 'card card-flush', id: 'overview-issuers' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.overview.byIssuer'))),
      h('p', { class: 'muted small card-pad' }, t('finance.overview.byIssuerNote')),
      table('overview-issuer-table', ['finance.issuer', 'finance.overview.count', 'finance.outstanding', 'finance.overdue', 'finance.overview.overdueFace', 'finance.overview.flagged'],
        o.by_issuer.map((r) => ({ cells: [entName(r.issuer), formatNumber(r.certificates), fen(r.outstanding_fen), formatNumber(r.overdue_count), fen(r.overdue_face_fen), formatNumber(r.flagged)] })),
        { num: [1, 2, 3, 4, 5] })) : null,
    o.limits ? h('section', { class: 'card' }, h('h2', null, t('finance.limits')),
      h('p', null, t('finance.overview.limits', { total: fen(o.limits.limit_fen), used: fen(o.limits.used_fen) }))) : null);
}
