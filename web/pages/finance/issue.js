/*
 * issue.js - issuing a certificate (#/finance/issue, a large enterprise):
 * the issuing enterprise, a payee among its recorded suppliers, the face in
 * yuan, the maturity (at most one year; over six months warns before
 * sending), the contract, the invoices, optionally the market order and the
 * delivery date. The answer's warnings and flags show on the certificate.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { fen, yuanToFen, fill, add, submitter, shanghaiToday, addDays, myEnterprises, suppliersOf } from './finance.js';

export async function render(root, ctx) {
  ctx.setTitle(t('finance.issue.title'));
  const wait = loading();
  root.appendChild(wait);
  let mine = [];
  try { mine = await myEnterprises(); } catch (e) { wait.replaceWith(alertBox('error', errorText(e))); return; }
  wait.remove();
  if (!ctx.isCurrent()) return;
  const send = submitter();
  const message = h('div', { id: 'issue-message', 'aria-live': 'polite' });
  const issuer = h('select', { id: 'i-issuer' }, mine.map((e) => h('option', { value: e.uscc }, `${e.name} (${e.uscc})`)));
  const payee = h('select', { id: 'i-payee' });
  const today = shanghaiToday();
  const face = h('input', { type: 'text', id: 'i-face', inputmode: 'decimal', class: 'mono', placeholder: '500000.00' });
  const maturity = h('input', { type: 'date', id: 'i-maturity', min: addDays(today, 1), max: addDays(today, 365), value: addDays(today, 90) });
  const contract = h('input', { type: 'text', id: 'i-contract', maxlength: 100 });
  const invoices = h('input', { type: 'text', id: 'i-invoices', maxlength: 600, placeholder: t('finance.issue.invoicesHint') });
  const order = h('input', { type: 'number', id: 'i-order', min: 1 });
  const delivery = h('input', { type: 'date', id: 'i-delivery', max: today });
  const memo = h('input', { type: 'text', id: 'i-memo', maxlength: 500 });
  const hint = h('p', { class: 'field-hint', id: 'i-term-hint' });
  async function loadPayees() {
    fill(payee, h('option', { value: '' }, t('common.loading')));
    try {
      const list = await suppliersOf(issuer.value);
      fill(payee, list.length ? list.map((s) => h('option', { value: s.uscc }, `${s.name} (${s.uscc})`)) : h('option', { value: '' }, t('finance.noSuppliers')));
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  }
  function term() {
    const m = maturity.value;
    if (!m) { hint.textContent = ''; return; }
    const six = addDays(today, 182);
    hint.textContent = m > six ? t('finance.issue.overSix') : '';
  }
  issuer.addEventListener('change', loadPayees);
  maturity.addEventListener('change', term);
  const form = h('form', { class: 'form card', id: 'issue-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const f = yuanToFen(face.value);
    if (!f) { fill(message, alertBox('error', t('finance.err.amount'))); face.focus(); return; }
    if (!payee.value) { fill(message, alertBox('error', t('finance.noSuppliers'))); return; }
    const body = {
      issuer: issuer.value, payee: payee.value, face_fen: f, maturity: maturity.value, contract_no: contract.value.trim(),
      invoices: invoices.value.split(/[,\uff0c\s]+/).map((s) => s.trim()).filter(Boolean),
    };
    if (order.value) body.order_id = Number(order.value);
    if (delivery.value) body.delivery_date = delivery.value;
    if (memo.value.trim()) body.memo = memo.value.trim();
    if (!window.confirm(t('finance.issue.confirm', { amount: fen(f), date: body.maturity }))) return;
    try {
      const c = await send('POST', '/finance/certificates', body);
      ctx.navigate(`/finance/certificates/${c.id}`, { kind: 'success', text: t('finance.done.issued') });
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } },
  h('div', { class: 'form-grid' },
    h('label', { class: 'field' }, h('span', null, t('finance.issuer')), issuer),
    h('label', { class: 'field' }, h('span', null, t('finance.payee')), payee),
    h('label', { class: 'field' }, h('span', null, t('finance.faceYuan')), face),
    h('label', { class: 'field' }, h('span', null, t('finance.maturity')), maturity, hint),
    h('label', { class: 'field' }, h('span', null, t('finance.contract')), contract),
    h('label', { class: 'field' }, h('span', null, t('finance.invoices')), invoices),
    h('label', { class: 'field' }, h('span', null, t('finance.order')), order),
    h('label', { class: 'field' }, h('span', null, t('finance.deliveryDate')), delivery),
    h('label', { class: 'field' }, h('span', null, t('finance.memo')), memo)),
  h('p', { class: 'muted small' }, t('finance.issue.rules')),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'i-submit' }, t('finance.issue.submit'))));
  add(root, pageHeader(t('finance.issue.title'), t('finance.issue.subtitle')), message, form);
  term();
  if (mine.length) await loadPayees();
}
