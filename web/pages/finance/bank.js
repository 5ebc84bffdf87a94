/*
 * bank.js - the bank's desk (#/finance/bank): the queue of discount
 * applications made to it (pending first, any status on request), each
 * opening the risk view; the credit limits it grants issuers, with used and
 * available, and the form that sets one.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { fen, yuanToFen, stateBadge, entName, table, fill, add, submitter } from './finance.js';

const STATES = ['pending', 'approved', 'rejected', 'withdrawn', 'expired', 'cancelled'];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.financeBank'));
  const status = ctx.query.status ?? 'pending';
  const message = h('div', { id: 'bank-message', 'aria-live': 'polite' });
  const queue = h('div', null, loading());
  const limits = h('div', null, loading());
  const sel = h('select', { id: 'q-status', onchange: (ev) => ctx.navigate(`/finance/bank?status=${ev.target.value}`) },
    h('option', { value: '' }, t('common.all')), STATES.map((s) => h('option', { value: s, selected: s === status }, t(`finance.state.discount.${s}`))));
  add(root, pageHeader(t('nav.financeBank'), t('finance.bank.subtitle')), message,
    h('section', { class: 'card card-flush', id: 'bank-queue' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.bank.queue')),
      h('label', { class: 'inline-label' }, t('finance.stateLabel'), sel)), queue),
    h('section', { class: 'card', id: 'bank-limits' }, h('h2', null, t('finance.limits')), limits));
  try {
    const page = await get('/finance/discounts', { status, limit: 200 });
    if (!ctx.isCurrent()) return;
    const items = page.items || [];
    fill(queue, items.length ? table('queue-table', ['finance.application', 'finance.applicant', 'finance.issuer', 'finance.amount', 'finance.createdAt', 'finance.expires', 'finance.stateLabel'],
      items.map((a) => ({
        dataset: { id: a.id, state: a.status },
        cells: [h('a', { class: 'row-link', href: `#/finance/discounts/${a.id}` }, `#${a.id}`), entName(a.applicant),
          [...new Set((a.pieces || []).map((p) => entName(p.issuer)))].join(t('common.listSep')), fen(a.amount_fen), formatTime(a.created_at), formatTime(a.expires_at), stateBadge('discount', a.status)],
      })), { num: [3] }) : h('p', { class: 'empty-note muted' }, t('finance.bank.empty')));
  } catch (e) { fill(queue, alertBox('error', errorText(e))); }
  await drawLimits();

  async function drawLimits() {
    let items = [];
    try { items = (await get('/finance/limits')).items || []; } catch (e) { fill(limits, alertBox('error', errorText(e))); return; }
    if (!ctx.isCurrent()) return;
    const send = submitter();
    const issuer = h('input', { type: 'text', id: 'l-issuer', class: 'mono', maxlength: 18, placeholder: t('finance.issuerUscc') });
    const amount = h('input', { type: 'text', id: 'l-amount', class: 'mono', inputmode: 'decimal' });
    const out = h('div', { 'aria-live': 'polite' });
    fill(limits, items.length ? limitTable(items) : h('p', { class: 'muted' }, t('finance.limitsNone')),
      h('form', { class: 'input-group', id: 'limit-form', onsubmit: async (ev) => {
        ev.preventDefault();
        const f = yuanToFen(amount.value);
        if (f === null) { fill(out, alertBox('error', t('finance.err.amount'))); return; }
        try {
          await send('PUT', '/finance/limits', { issuer: issuer.value.trim().toUpperCase(), limit_fen: f });
          fill(message, alertBox('success', t('finance.done.limit')));
          drawLimits();
        } catch (e) { fill(out, alertBox('error', errorText(e))); }
      } }, issuer, amount, h('button', { type: 'submit', class: 'btn btn-primary', id: 'l-submit' }, t('finance.setLimit'))), out);
  }
}

/* Limits with used and available and a share bar; used by the bank and the issuer's calendar. */
export function limitTable(items) {
  return table('limit-table', ['finance.bank', 'finance.issuer', 'finance.limit', 'finance.used', 'finance.available', 'finance.usage'],
    items.map((l) => {
      const share = l.limit_fen > 0 ? Math.min(1, l.used_fen / l.limit_fen) : 0;
      return {
        dataset: { issuer: l.issuer?.uscc, bank: l.bank?.id },
        cells: [l.bank?.name ?? '—', entName(l.issuer), fen(l.limit_fen), fen(l.used_fen), fen(l.available_fen),
          h('div', { class: 'share' }, h('div', { class: 'share-track' }, h('div', { class: 'share-bar', style: { width: `${Math.round(share * 100)}%` } })),
            h('span', { class: 'share-text small' }, `${Math.round(share * 1000) / 10}%`))],
      };
    }), { num: [2, 3, 4] });
}
