/*
 * orders.js - order tracking: the list (#/market/orders, as buyer or
 * as supplier, by status) and one order (#/market/orders/{id}) with its
 * event timeline and the actions the current party may take: the supplier
 * ships and delivers, the buyer accepts or rejects (with a reason).
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { myEnterprises, statusBadge, entLink, fen, qty, formatDate, fill, add } from './market.js';

const STATES = ['placed', 'shipped', 'delivered', 'accepted', 'rejected'];

export async function render(root, ctx) {
  if (ctx.params.id) return renderOne(root, ctx);
  return renderList(root, ctx);
}

async function renderList(root, ctx) {
  ctx.setTitle(t('nav.marketOrders'));
  const role = ctx.query.role || (session()?.org?.type === 'sme' ? 'supplier' : 'buyer');
  const status = ctx.query.status || '';
  const go = (r, s) => ctx.navigate(`/market/orders?role=${r}${s ? `&status=${s}` : ''}`);
  const roleSwitch = h('div', { class: 'segmented', role: 'group', id: 'order-role' },
    ['buyer', 'supplier'].map((r) => h('button', { type: 'button', class: `btn btn-sm ${r === role ? 'btn-primary' : 'btn-outline'}`, 'aria-pressed': String(r === role), dataset: { role: r }, onclick: () => go(r, status) }, t(`market.order.as.${r}`))));
  const statusSel = h('select', { id: 'f-order-status', onchange: (ev) => go(role, ev.target.value) },
    h('option', { value: '' }, t('common.all')), STATES.map((s) => h('option', { value: s, selected: s === status }, t(`market.status.order.${s}`))));
  const body = h('div', null, loading());
  add(root, pageHeader(t('nav.marketOrders'), t('market.order.subtitle')),
    h('div', { class: 'card filters order-filters' }, roleSwitch, h('label', { class: 'inline-label' }, t('market.statusLabel'), statusSel)),
    h('section', { class: 'card card-flush' }, body));
  let page;
  try {
    page = await get('/orders', { role, status, limit: 100 });
  } catch (e) {
    fill(body, alertBox('error', errorText(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const items = page.items || page.orders || [];
  if (!items.length) { fill(body, h('p', { class: 'empty-note muted' }, t('market.order.none'))); return; }
  fill(body, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'order-table' },
    h('thead', null, h('tr', null, ['market.order.no', 'market.title', role === 'buyer' ? 'market.supplier' : 'market.buyer', 'market.quantity', 'market.amount', 'market.order.due', 'market.statusLabel']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((o) => h('tr', { dataset: { id: o.id } },
      h('td', null, h('a', { class: 'row-link', href: `#/market/orders/${o.id}` }, `#${o.id}`)),
      h('td', null, demandTitle(o)),
      h('td', null, entLink(role === 'buyer' ? o.supplier : o.buyer)),
      h('td', { class: 'num' }, qty(o.quantity, o.unit || o.demand?.unit)),
      h('td', { class: 'num' }, fen(o.amount_fen)),
      h('td', { class: 'nowrap' }, formatDate(o.due_at)),
      h('td', null, statusBadge('order', o.status))))))));
}

function demandTitle(o) {
  const d = o.demand || {};
  const did = d.id ?? o.demand_id;
  const title = d.title || o.demand_title || (did ? `#${did}` : '—');
  return did ? h('a', { href: `#/market/demands/${did}` }, title) : title;
}

async function renderOne(root, ctx) {
  const id = ctx.params.id;
  const wait = loading();
  root.appendChild(wait);
  let o;
  let mine = [];
  try {
    [o, mine] = await Promise.all([get(`/orders/${id}`), myEnterprises().catch(() => [])]);
  } catch (e) {
    wait.replaceWith(loadError(e));
    return;
  }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('market.order.title')} #${o.id}`);
  const usccs = new Set(mine.map((e) => e.uscc));
  const orgId = session()?.org?.id;
  const isParty = (e) => e && ((e.org_id !== undefined && e.org_id !== null) ? e.org_id === orgId : usccs.has(e.uscc));
  const asSupplier = isParty(o.supplier);
  const asBuyer = isParty(o.buyer);
  const message = h('div', { id: 'order-message', 'aria-live': 'polite' });

  async function act(action, body) {
    try {
      await post(`/orders/${o.id}/${action}`, body);
      ctx.navigate(`/market/orders/${o.id}`, { kind: 'success', text: t(`market.order.done.${action}`) });
    } catch (e) {
      fill(message, alertBox('error', errorText(e)));
    }
  }
  const btn = (action, cls) => h('button', { type: 'button', class: `btn ${cls}`, id: `order-${action}`, onclick: (ev) => { ev.target.disabled = true; act(action).finally(() => { ev.target.disabled = false; }); } }, t(`market.order.action.${action}`));
  const actions = [];
  if (asSupplier && o.status === 'placed') actions.push(btn('ship', 'btn-primary'));
  if (asSupplier && o.status === 'shipped') actions.push(btn('deliver', 'btn-primary'));
  let rejectBox = null;
  if (asBuyer && o.status === 'delivered') {
    actions.push(btn('accept', 'btn-primary'));
    const reason = h('input', { type: 'text', id: 'reject-reason', maxlength: 500, placeholder: t('market.order.reasonPlaceholder') });
    rejectBox = h('form', { class: 'reject-form input-group', id: 'reject-form', onsubmit: (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) { fill(message, alertBox('error', t('market.order.reasonRequired'))); reason.focus(); return; }
      act('reject', { reason: reason.value.trim() });
    } }, reason, h('button', { type: 'submit', class: 'btn btn-danger', id: 'order-reject' }, t('market.order.action.reject')));
  }

  const reached = new Set((o.events || []).map((e) => e.to_status || e.to || e.status));
  reached.add(o.status);
  const steps = ['placed', 'shipped', 'delivered', o.status === 'rejected' ? 'rejected' : 'accepted'];
  const stepper = h('ol', { class: 'order-steps', id: 'order-steps' }, steps.map((s) => h('li', {
    class: `step${reached.has(s) ? ' done' : ''}${o.status === s ? ' current' : ''}${s === 'rejected' ? ' bad' : ''}`, dataset: { step: s },
  }, h('span', { class: 'step-dot', 'aria-hidden': 'true' }), t(`market.status.order.${s}`))));
  const events = (o.events || []).slice().sort((a, b) => String(a.at).localeCompare(String(b.at)) || (a.id - b.id));
  const timeline = h('ol', { class: 'timeline', id: 'order-timeline' }, events.map((e) => {
    const to = e.to_status || e.to || e.status;
    const from = e.from_status || e.from;
    return h('li', { dataset: { to } },
      h('span', { class: 'timeline-time' }, formatTime(e.at)),
      h('strong', null, t(`market.status.order.${to}`)),
      from ? h('span', { class: 'muted small' }, ` ${t('market.order.from', { from: t(`market.status.order.${from}`) })}`) : null,
      e.org?.name || e.org_name ? h('span', { class: 'muted small' }, ` · ${e.org?.name || e.org_name}`) : null,
      e.note ? h('p', { class: 'timeline-note' }, e.note) : null);
  }));
  const dl = (rows) => h('dl', { class: 'dl' }, rows.filter(Boolean).map(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]));
  add(root, 
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/market/orders' }, t('nav.marketOrders')), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, `#${o.id}`)),
    pageHeader(`${t('market.order.title')} #${o.id}`, null, ...actions),
    h('div', { class: 'badges' }, h('span', { id: 'order-status' }, statusBadge('order', o.status)),
      asBuyer ? h('span', { class: 'badge' }, t('market.order.youBuyer')) : null,
      asSupplier ? h('span', { class: 'badge' }, t('market.order.youSupplier')) : null),
    message,
    rejectBox ? h('div', { class: 'card' }, h('h2', null, t('market.order.rejectTitle')), rejectBox) : null,
    h('section', { class: 'card' }, stepper),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', null, t('market.details')), dl([
        ['market.title', demandTitle(o)],
        ['market.buyer', entLink(o.buyer)],
        ['market.supplier', h('span', null, entLink(o.supplier), o.supplier ? [' ', h('a', { class: 'small', href: `#/market/scorecard/${o.supplier.uscc}` }, t('market.scorecard'))] : null)],
        ['market.quantity', qty(o.quantity, o.unit || o.demand?.unit)],
        ['market.unitPrice', fen(o.unit_price_fen)],
        ['market.amount', fen(o.amount_fen)],
        ['market.order.placed', formatTime(o.placed_at)],
        ['market.order.due', formatTime(o.due_at)],
        o.reject_reason ? ['market.order.reason', h('span', { class: 'text-error', id: 'reject-reason-text' }, o.reject_reason)] : null,
      ])),
      h('section', { class: 'card' }, h('h2', null, t('market.order.timeline')),
        events.length ? timeline : h('p', { class: 'muted' }, t('market.order.noEvents')))));
}
