/*
 * vouchers.js - 科技创新券 (#/innovation/vouchers). The SME's wallet: each
 * voucher with its balance, share, validity and what is left of the year's
 * cap, and "use on a completed booking" with the split shown before it is
 * applied. The operator issues vouchers here, sees every one and runs the
 * ledger check.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { fen, yuanToFen, percentToBp, bpText, fill, add, field } from './innovation.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.innoVouchers'));
  const isOp = session()?.org?.type === 'operator';
  const message = h('div', { id: 'voucher-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const list = h('section', { class: 'card card-flush', id: 'voucher-list' }, loading());
  add(root, pageHeader(t('nav.innoVouchers'), t(isOp ? 'inno.voucher.subtitleOp' : 'inno.voucher.subtitle')), message);
  if (isOp) add(root, issueForm(), verifyCard());
  add(root, list);
  await draw();

  async function draw() {
    let r;
    try {
      r = await get('/vouchers');
    } catch (e) {
      fill(list, alertBox('error', errorText(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = r.items || [];
    if (!items.length) { fill(list, h('p', { class: 'empty-note muted' }, t('inno.voucher.none'))); return; }
    fill(list, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'voucher-table' },
      h('thead', null, h('tr', null, ['inno.voucher.code', 'inno.voucher.holder', 'inno.voucher.amount', 'inno.voucher.balance',
        'inno.voucher.share', 'inno.voucher.validity', 'inno.voucher.capLeft'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, items.map((v) => [h('tr', { dataset: { id: v.id, code: v.code } },
        h('td', { class: 'mono' }, v.code),
        h('td', null, v.enterprise?.name),
        h('td', { class: 'num' }, fen(v.amount_fen)),
        h('td', { class: 'num voucher-balance' }, fen(v.balance_fen)),
        h('td', { class: 'num' }, bpText(v.share_bp)),
        h('td', { class: 'nowrap' }, `${v.valid_from} – ${v.valid_until}`,
          v.valid_today ? null : h('span', { class: 'badge badge-muted' }, t('inno.voucher.notValid'))),
        h('td', { class: 'num' }, `${fen(v.cap_left_fen)} / ${fen(v.yearly_cap_fen)}`,
          isOp && v.status === 'active' ? h('button', { type: 'button', class: 'btn btn-sm btn-ghost revoke-btn', onclick: async () => {
            if (!window.confirm(t('inno.voucher.confirmRevoke', { code: v.code }))) return;
            try { await post(`/vouchers/${v.id}/revoke`); flash('success', t('inno.voucher.revoked', { code: v.code })); draw(); } catch (e) { flash('error', errorText(e)); }
          } }, t('inno.voucher.revoke')) : null,
          v.status === 'revoked' ? h('span', { class: 'badge badge-muted' }, t('inno.voucher.revokedBadge')) : null)),
      // The holder uses a valid voucher with a balance on a completed booking: a row of its own, full width.
      !isOp && v.valid_today && v.balance_fen > 0
        ? h('tr', { class: 'use-row', dataset: { id: v.id, code: v.code } }, h('td', { colspan: 7 }, useForm(v))) : null])))));
  }

  /* "Use on booking": a completed booking of ours (from the bookings list when there is one), preview, apply. */
  function useForm(v) {
    const booking = h('input', { type: 'number', min: 1, class: 'booking-input', 'aria-label': t('inno.voucher.booking'), placeholder: t('inno.voucher.bookingNo') });
    const out = h('div', { class: 'small voucher-preview' });
    const apply = h('button', { type: 'button', class: 'btn btn-sm btn-primary apply-btn', disabled: true, onclick: async () => {
      apply.disabled = true;
      try {
        const a = await post(`/vouchers/${v.id}/apply`, { booking: Number(booking.value) });
        flash('success', t('inno.voucher.applied', { voucher: fen(a.voucher_fen), sme: fen(a.sme_fen) }));
        draw();
      } catch (e) { flash('error', errorText(e)); apply.disabled = false; }
    } }, t('inno.voucher.apply'));
    const preview = h('button', { type: 'button', class: 'btn btn-sm btn-outline preview-btn', onclick: async () => {
      if (!booking.value) return;
      try {
        const p = await get(`/vouchers/${v.id}/preview`, { booking: booking.value });
        fill(out, t('inno.voucher.split', { bill: fen(p.bill_fen), voucher: fen(p.voucher_fen), sme: fen(p.sme_fen) }),
          ' ', h('span', { class: 'muted' }, t(`inno.voucher.limitedBy.${p.limited_by}`)));
        apply.disabled = false;
      } catch (e) { fill(out, alertBox('error', errorText(e))); apply.disabled = true; }
    } }, t('inno.voucher.preview'));
    // The completed bookings this voucher may still pay part of.
    get(`/vouchers/${v.id}/bookings`).then((r) => {
      const items = r.items || [];
      if (!items.length) return;
      const sel = h('select', { class: 'booking-select', 'aria-label': t('inno.voucher.booking'), onchange: () => { booking.value = sel.value; } },
        h('option', { value: '' }, t('inno.voucher.pickBooking')),
        items.map((b) => h('option', { value: b.booking_id }, `#${b.booking_id} ${b.resource || ''} ${fen(b.cost_fen)}`)));
      booking.before(sel);
    }).catch(() => {});
    return h('div', { class: 'use-form' }, h('div', { class: 'btn-row' }, h('span', { class: 'small muted nowrap' }, t('inno.voucher.useOn')), booking, preview, apply), out);
  }

  function issueForm() {
    const f = {
      enterprise: h('input', { type: 'text', id: 'v-enterprise', maxlength: 36, class: 'mono', required: true }),
      amount: h('input', { type: 'text', id: 'v-amount', inputmode: 'decimal', required: true }),
      share: h('input', { type: 'text', id: 'v-share', inputmode: 'decimal', value: '50', required: true }),
      from: h('input', { type: 'date', id: 'v-from', required: true }),
      until: h('input', { type: 'date', id: 'v-until', required: true }),
      cap: h('input', { type: 'text', id: 'v-cap', inputmode: 'decimal', required: true }),
      note: h('input', { type: 'text', id: 'v-note', maxlength: 500 }),
    };
    const form = h('form', { class: 'card form', id: 'voucher-issue', onsubmit: async (ev) => {
      ev.preventDefault();
      const amount = yuanToFen(f.amount.value), cap = yuanToFen(f.cap.value), share = percentToBp(f.share.value);
      if (amount === null || cap === null || share === null) { flash('error', t('inno.form.badNumber')); return; }
      try {
        const v = await post('/vouchers', {
          enterprise: f.enterprise.value.replace(/[\s-]/g, ''), amount_fen: amount, share_bp: share,
          valid_from: f.from.value, valid_until: f.until.value, yearly_cap_fen: cap, note: f.note.value,
        });
        flash('success', t('inno.voucher.issued', { code: v.code }));
        form.reset();
        draw();
      } catch (e) { flash('error', errorText(e)); }
    } },
    h('h2', null, t('inno.voucher.issue')),
    h('div', { class: 'form-grid form-grid-3' },
      field(t('inno.voucher.enterprise'), f.enterprise), field(t('inno.voucher.amountYuan'), f.amount), field(t('inno.voucher.sharePct'), f.share),
      field(t('inno.voucher.from'), f.from), field(t('inno.voucher.until'), f.until), field(t('inno.voucher.capYuan'), f.cap, t('inno.voucher.capHint')),
      field(t('inno.voucher.note'), f.note)),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'v-submit' }, t('inno.voucher.issue'))));
    return form;
  }

  function verifyCard() {
    const out = h('div', { id: 'verify-result' });
    return h('section', { class: 'card card-pad' }, h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'btn btn-outline', id: 'verify-btn', onclick: async () => {
        try {
          const r = await get('/vouchers/verify');
          fill(out, alertBox(r.ok ? 'success' : 'error', r.ok ? t('inno.voucher.verifyOk', { n: r.vouchers, m: r.movements }) : r.problems.join('; ')));
        } catch (e) { fill(out, alertBox('error', errorText(e))); }
      } }, t('inno.voucher.verify')), h('span', { class: 'muted small' }, t('inno.voucher.verifyHint'))), out);
  }
}
