/*
 * discount.js - one discount application (#/finance/discounts/{id}). The
 * applicant sees its pieces, the status and, once approved, the interest
 * and the net; it may withdraw a pending one. The bank sees the risk view
 * no anchor gives (each piece's lineage up to the issuer, the applicant's
 * supply relations with the issuer from the chain map, its market order
 * history with the issuer, the issuer's limit with this bank) and approves
 * with a rate, the interest and the net shown per piece before it confirms,
 * or rejects with a reason.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { may } from '../../lib/access.js';
import { fen, stateBadge, entName, holderName, certLink, dl, table, fill, add, submitter, write, quote, shanghaiToday } from './finance.js';
import { limitTable } from './bank.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const wait = loading();
  root.appendChild(wait);
  let a;
  try { a = await get(`/finance/discounts/${id}`); } catch (e) { wait.replaceWith(loadError(e)); return; }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('finance.application')} #${a.id}`);
  const isBank = Boolean(a.risk) || may('POST /finance/discounts/{id}/approve');
  const message = h('div', { id: 'discount-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const reload = (text) => ctx.navigate(`/finance/discounts/${a.id}`, { kind: 'success', text });
  const actions = [];
  if (!isBank && a.status === 'pending') {
    actions.push(h('button', { type: 'button', class: 'btn btn-outline', id: 'd-withdraw', onclick: async () => {
      try { await write('POST', `/finance/discounts/${a.id}/withdraw`, {}); reload(t('finance.done.withdrawn')); } catch (e) { flash('error', errorText(e)); }
    } }, t('finance.action.withdraw')));
  }
  const lines = table('discount-lines', ['finance.piece', 'finance.cert', 'finance.issuer', 'finance.maturity', 'finance.amount', 'finance.preview.days', 'finance.preview.interest', 'finance.preview.net'],
    (a.pieces || []).map((p) => ({
      dataset: { piece: p.piece_id },
      cells: [`#${p.piece_id}`, certLink(p.certificate_id), entName(p.issuer), p.maturity, fen(p.amount_fen), p.days ?? '—', fen(p.interest_fen), fen(p.net_fen)],
    })), { num: [4, 5, 6, 7] });
  const summary = h('section', { class: 'card' }, h('h2', null, t('finance.details')), dl([
    ['finance.applicant', entName(a.applicant)],
    ['finance.bank', a.bank?.name ?? '—'],
    ['finance.amount', h('strong', null, fen(a.amount_fen))],
    ['finance.createdAt', formatTime(a.created_at)],
    ['finance.expires', formatTime(a.expires_at)],
    a.rate_bp !== null && a.rate_bp !== undefined ? ['finance.rate', `${a.rate_bp} bp`] : null,
    a.discount_date ? ['finance.discountDate', a.discount_date] : null,
    a.interest_fen !== null && a.interest_fen !== undefined ? ['finance.preview.interest', h('span', { id: 'a-interest' }, fen(a.interest_fen))] : null,
    a.net_fen !== null && a.net_fen !== undefined ? ['finance.preview.net', h('span', { id: 'a-net' }, fen(a.net_fen))] : null,
    a.fee_fen ? ['finance.fee', `${fen(a.fee_fen)} (${a.fee_bp} bp) → ${fen(a.net_after_fee_fen)}`] : null,
    a.reason ? ['finance.reason', a.reason] : null,
  ]));
  add(root, 
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: isBank ? '#/finance/bank' : '#/finance' }, t(isBank ? 'nav.financeBank' : 'nav.financeWallet')), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, `#${a.id}`)),
    pageHeader(`${t('finance.application')} #${a.id}`, `${entName(a.applicant)} → ${a.bank?.name ?? ''}`, ...actions),
    h('div', { class: 'badges' }, h('span', { id: 'discount-status' }, stateBadge('discount', a.status))),
    message, h('div', { class: 'grid-2' }, summary, isBank && a.status === 'pending' ? decision() : h('div')),
    h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.pieces'))), lines),
    a.risk ? riskView(a.risk) : null);

  function decision() {
    const send = submitter();
    const rate = h('input', { type: 'number', id: 'ap-rate', min: 1, max: 10000, value: 350 });
    const preview = h('div', { id: 'ap-preview', 'aria-live': 'polite' });
    const confirm = h('button', { type: 'button', class: 'btn btn-primary', id: 'ap-confirm', disabled: true }, t('finance.confirmApprove'));
    let bp = null;
    rate.addEventListener('input', () => { confirm.disabled = true; bp = null; });
    confirm.addEventListener('click', async () => {
      if (!bp) return;
      confirm.disabled = true;
      try { await send('POST', `/finance/discounts/${a.id}/approve`, { rate_bp: bp }); reload(t('finance.done.approved')); } catch (e) { fill(preview, alertBox('error', errorText(e))); confirm.disabled = false; }
    });
    const reason = h('input', { type: 'text', id: 'rj-reason', maxlength: 500, placeholder: t('finance.reasonPrompt') });
    const rejectSend = submitter();
    return h('section', { class: 'card', id: 'decision' }, h('h2', null, t('finance.bank.decide')),
      h('form', { class: 'form', id: 'approve-form', onsubmit: async (ev) => {
        ev.preventDefault();
        const r = Number(rate.value);
        if (!Number.isInteger(r) || r < 1 || r > 10000) { fill(preview, alertBox('error', t('finance.err.rate'))); return; }
        let qs;
        try { qs = await Promise.all((a.pieces || []).map((p) => quote(p.amount_fen, r, shanghaiToday(), p.maturity))); } catch (e) { fill(preview, alertBox('error', errorText(e))); return; }
        const sum = (f) => qs.reduce((s, q) => s + q[f], 0);
        fill(preview, dl([
          ['finance.amount', fen(a.amount_fen)],
          ['finance.preview.interest', h('strong', { id: 'ap-interest' }, fen(sum('interest_fen')))],
          ['finance.preview.net', h('strong', { id: 'ap-net' }, fen(sum('net_fen')))],
          qs[0]?.fee_bp ? ['finance.fee', `${fen(sum('fee_fen'))} → ${fen(sum('net_after_fee_fen'))}`] : null,
        ]), h('p', { class: 'muted small' }, t('finance.preview.rule')));
        bp = r;
        confirm.disabled = false;
      } },
      h('label', { class: 'field' }, h('span', null, t('finance.rateBp')), rate),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-outline', id: 'ap-check' }, t('finance.previewButton')), confirm)),
      preview,
      h('form', { class: 'input-group reject-form', id: 'reject-form', onsubmit: async (ev) => {
        ev.preventDefault();
        if (!reason.value.trim()) { reason.focus(); return; }
        try { await rejectSend('POST', `/finance/discounts/${a.id}/reject`, { reason: reason.value.trim() }); reload(t('finance.done.rejected')); } catch (e) { flash('error', errorText(e)); }
      } }, reason, h('button', { type: 'submit', class: 'btn btn-danger', id: 'rj-submit' }, t('finance.action.reject'))));
  }
}

/* The bank's risk view: lineage of each piece, the chain-map relations, the order history, the limits. */
function riskView(risk) {
  const lineage = (risk.lineage || []).map((l) => h('li', { dataset: { piece: l.piece_id } },
    h('strong', null, `#${l.piece_id}`), ' ',
    h('span', null, (l.pieces || []).map((p, i) => [i ? ' → ' : '', h('span', { class: 'badge badge-tag' }, `${holderName(p.holder)} · ${fen(p.amount_fen)}`)]))));
  // Per issuer: relations [{issuer, items}] and orders [{issuer, orders}] (a flat list or one summary also reads).
  const relGroups = (risk.relations || []).map((g) => (g.items ? g : { issuer: null, items: [g] }));
  const relations = relGroups.flatMap((g) => g.items.map((r) => ({ ...r, issuer: g.issuer })));
  const orderGroups = Array.isArray(risk.orders) ? risk.orders.map((g) => ({ issuer: g.issuer, ...(g.orders || {}) })) : [risk.orders || {}];
  return h('section', { class: 'card', id: 'risk' }, h('h2', null, t('finance.risk.title')),
    h('p', { class: 'muted small' }, t('finance.risk.intro')),
    h('div', { class: 'grid-2' },
      h('div', null, h('h3', null, t('finance.risk.lineage')), lineage.length ? h('ul', { class: 'risk-list', id: 'risk-lineage' }, lineage) : h('p', { class: 'muted' }, '—')),
      h('div', null, h('h3', null, t('finance.risk.relations')),
        relations.length
          ? table('risk-relations', ['finance.issuer', 'finance.risk.chain', 'finance.risk.segment', 'finance.risk.annual'],
            relations.map((r) => ({ cells: [entName(r.issuer), r.chain, r.segment_name || r.segment, fen(r.annual_amount_fen)] })), { num: [3] })
          : alertBox('error', t('finance.risk.noRelation')))),
    h('h3', null, t('finance.risk.orders')),
    orderGroups.map((o) => [
      h('p', { class: 'risk-orders', dataset: { issuer: o.issuer?.uscc || '' } }, o.issuer ? `${entName(o.issuer)} · ` : '',
        t('finance.risk.orderSummary', { count: o.count ?? 0, accepted: o.accepted ?? 0, rejected: o.rejected ?? 0, value: fen(o.value_fen ?? 0) })),
      (o.items || []).length ? table('risk-order-table', ['finance.order', 'finance.stateLabel', 'finance.amount', 'finance.risk.placed', 'finance.risk.delivered'],
        o.items.map((x) => ({ cells: [`#${x.id}`, x.status, fen(x.amount_fen), formatTime(x.placed_at), formatTime(x.delivered_at)] })), { num: [2] }) : null]),
    h('h3', null, t('finance.limits')), (risk.limits || []).length ? limitTable(risk.limits) : h('p', { class: 'muted' }, t('finance.limitsNone')));
}
