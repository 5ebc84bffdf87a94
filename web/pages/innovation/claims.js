/*
 * claims.js - 创新券申领 (#/innovation/claims). The resource owner's bills
 * paid partly by vouchers: each shows the bill, the voucher part and the
 * SME's part, and the owner claims the voucher part with the booking's usage
 * record. The operator sees the claims to decide (approve, or reject with a
 * reason, which returns the part to the voucher); an SME sees its uses.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { fen, badge, fill, add } from './innovation.js';

const STATES = ['applied', 'claimed', 'approved', 'rejected'];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.innoClaims'));
  const isOp = session()?.org?.type === 'operator';
  const role = isOp ? '' : (ctx.query.role || (session()?.org?.type === 'sme' ? 'holder' : 'owner'));
  const status = ctx.query.status ?? (isOp ? 'claimed' : '');
  const go = (r, s) => ctx.navigate(`/innovation/claims?role=${r}&status=${s}`);
  const message = h('div', { id: 'claim-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const body = h('section', { class: 'card card-flush' }, loading());
  const statusSel = h('select', { id: 'f-claim-status', onchange: (ev) => go(role, ev.target.value) },
    h('option', { value: '' }, t('common.all')), STATES.map((s) => h('option', { value: s, selected: s === status }, t(`inno.app.${s}`))));
  const roleSwitch = isOp ? null : h('div', { class: 'segmented', role: 'group' },
    ['owner', 'holder'].map((r) => h('button', { type: 'button', class: `btn btn-sm ${r === role ? 'btn-primary' : 'btn-outline'}`, 'aria-pressed': String(r === role), onclick: () => go(r, status) }, t(`inno.claim.as.${r}`))));
  add(root, pageHeader(t('nav.innoClaims'), t(isOp ? 'inno.claim.subtitleOp' : 'inno.claim.subtitle')), message,
    h('div', { class: 'card filters' }, roleSwitch, h('label', { class: 'inline-label' }, t('inno.statusLabel'), statusSel)), body);
  await draw();

  async function draw() {
    let r;
    try {
      r = await get('/voucher-applications', { role, status });
    } catch (e) { fill(body, alertBox('error', errorText(e))); return; }
    if (!ctx.isCurrent()) return;
    const items = r.items || [];
    if (!items.length) { fill(body, h('p', { class: 'empty-note muted' }, t('inno.claim.none'))); return; }
    fill(body, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'claim-table' },
      h('thead', null, h('tr', null, ['inno.claim.booking', 'inno.voucher.code', 'inno.voucher.holder', 'inno.claim.bill', 'inno.claim.voucherPart',
        'inno.claim.smePart', 'inno.claim.used', 'inno.statusLabel', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', null, items.map((a) => h('tr', { dataset: { id: a.id, status: a.status } },
        h('td', null, `#${a.booking_id}`),
        h('td', { class: 'mono' }, a.voucher_code),
        h('td', null, a.enterprise?.name),
        h('td', { class: 'num' }, fen(a.bill_fen)),
        h('td', { class: 'num voucher-part' }, fen(a.voucher_fen)),
        h('td', { class: 'num' }, fen(a.sme_fen)),
        h('td', { class: 'num' }, t('inno.claim.minutes', { n: a.minutes_used })),
        h('td', null, badge('app', a.status), a.reason ? h('div', { class: 'small muted' }, a.reason) : null,
          a.claimed_at ? h('div', { class: 'small muted' }, formatTime(a.claimed_at)) : null),
        h('td', null, actions(a))))))));
  }

  function actions(a) {
    const act = async (path, bodyValue, ok) => {
      try {
        await post(`/voucher-applications/${a.id}/${path}`, bodyValue);
        flash('success', t(ok));
        draw();
      } catch (e) { flash('error', errorText(e)); }
    };
    if (!isOp && role === 'owner' && a.status === 'applied') {
      return h('button', { type: 'button', class: 'btn btn-sm btn-primary claim-btn', onclick: () => act('claim', undefined, 'inno.claim.claimed') }, t('inno.claim.claim'));
    }
    if (isOp && a.status === 'claimed') {
      const reason = h('input', { type: 'text', class: 'reject-reason', maxlength: 1000, placeholder: t('inno.claim.reason'), 'aria-label': t('inno.claim.reason') });
      return h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm btn-primary approve-btn', onclick: () => act('approve', undefined, 'inno.claim.approved') }, t('inno.claim.approve')),
        reason,
        h('button', { type: 'button', class: 'btn btn-sm btn-danger reject-btn', onclick: () => act('reject', { reason: reason.value }, 'inno.claim.rejected') }, t('inno.claim.reject')));
    }
    return null;
  }
}
