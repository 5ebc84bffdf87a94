/*
 * rfq.js - the RFQ of one demand (#/market/demands/{id}/rfq).
 * The buyer (the demand owner's organisation) invites suppliers by USCC (or
 * from the matches on the demand page), sees only "已密封 N 份报价" until
 * the quote deadline or until it closes quoting early, then the comparison
 * table, and awards one or more quotes (→ orders). A supplier submits,
 * changes or withdraws its own sealed quote until the deadline.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post, patch, del } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { usccList } from '../../lib/uscc.js';
import {
  ownsEnterprise, myEnterprises, enterpriseSelect, statusBadge, entLink, fen, qty, yuanToFen, fenToYuan,
  isoToDate, dateToIso, formatDate, pct,
  fill, add,
} from './market.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const wait = loading();
  root.appendChild(wait);
  let demand;
  try {
    demand = await get(`/demands/${id}`);
  } catch (e) {
    wait.replaceWith(loadError(e));
    return;
  }
  const owner = await ownsEnterprise(demand.enterprise);
  const isOp = session()?.org?.type === 'operator';
  wait.remove();
  if (!ctx.isCurrent()) return;
  const buyer = owner || isOp;
  ctx.setTitle(`${t('market.rfq.title')} · ${demand.title}`);
  const past = demand.deadline && new Date(demand.deadline).getTime() <= Date.now();
  const message = h('div', { id: 'rfq-message', 'aria-live': 'polite' });
  add(root, 
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/market/demands' }, t('nav.marketDemands')), h('span', { 'aria-hidden': 'true' }, ' / '),
      h('a', { href: `#/market/demands/${id}` }, demand.title), h('span', { 'aria-hidden': 'true' }, ' / '),
      h('span', null, t('market.rfq.title'))),
    pageHeader(t('market.rfq.title'), demand.title),
    h('div', { class: 'badges' }, statusBadge('demand', demand.status),
      h('span', { class: 'badge' }, `${t('market.quoteDeadline')} ${formatTime(demand.deadline)}`),
      h('span', { class: 'badge' }, `${t('market.quantity')} ${qty(demand.quantity, demand.unit)}`),
      h('span', { class: 'badge' }, `${t('market.budget')} ${fen(demand.budget_fen)}`)),
    message);
  const flash = (kind, text) => fill(message, alertBox(kind, text));

  if (buyer) await renderBuyer();
  else await renderSupplier();

  /* ---- the buyer ---- */
  async function renderBuyer() {
    const invCard = h('section', { class: 'card', id: 'invitations' }, h('h2', null, t('market.rfq.invitations')), loading());
    const quoteCard = h('section', { class: 'card', id: 'quotes' }, h('h2', null, t('market.rfq.quotes')), loading());
    add(root, quoteCard, invCard);
    await Promise.all([drawInvitations(), drawQuotes()]);

    async function drawInvitations() {
      let items = [];
      let err = null;
      try {
        const r = await get(`/demands/${id}/invitations`);
        items = r.items || r.invitations || [];
      } catch (e) { err = e; }
      if (!ctx.isCurrent()) return;
      // Several codes separated by commas, each as typed or pasted from a licence (spaces, hyphens): usccList().
      const usccIn = h('input', { type: 'text', id: 'invite-uscc', maxlength: 400, class: 'mono', placeholder: t('market.rfq.usccPlaceholder') });
      const addForm = h('form', { class: 'input-group invite-form', onsubmit: async (ev) => {
        ev.preventDefault();
        const list = usccList(usccIn.value);
        if (!list.length) return;
        try {
          await post(`/demands/${id}/invitations`, { suppliers: list });
          flash('success', t('market.rfq.invitedN', { n: list.length }));
          drawInvitations();
        } catch (e) { flash('error', errorText(e)); }
      } }, usccIn, h('button', { type: 'submit', class: 'btn btn-primary', id: 'invite-btn' }, t('market.invite')));
      fill(invCard, h('h2', null, t('market.rfq.invitations')),
        err ? alertBox('error', errorText(err)) : null,
        h('p', { class: 'muted small' }, t('market.rfq.inviteHint'), ' ', h('a', { href: `#/market/demands/${id}` }, t('market.rfq.fromMatches'))),
        demand.status === 'open' ? addForm : null,
        items.length ? h('ul', { class: 'invite-list', id: 'invite-list' }, items.map((x) => {
          const e = x.enterprise || x.supplier || x;
          return h('li', { dataset: { uscc: e.uscc } }, entLink(e), h('span', { class: 'muted small mono' }, ` ${e.uscc}`),
            x.invited_at ? h('span', { class: 'muted small' }, ` · ${formatTime(x.invited_at)}`) : null);
        })) : h('p', { class: 'muted' }, t('market.rfq.noInvitations')));
    }

    async function drawQuotes() {
      let r;
      try {
        r = await get(`/demands/${id}/quotes`);
      } catch (e) {
        fill(quoteCard, h('h2', null, t('market.rfq.quotes')), alertBox('error', errorText(e)));
        return;
      }
      if (!ctx.isCurrent()) return;
      const head = h('h2', null, t('market.rfq.quotes'));
      if (r.sealed) {
        const closeBtn = demand.status === 'open' ? h('button', { type: 'button', class: 'btn btn-outline', id: 'close-early', onclick: async (ev) => {
          if (!window.confirm(t('market.rfq.confirmClose'))) return;
          ev.target.disabled = true;
          try {
            await post(`/demands/${id}/close`);
            ctx.navigate(`/market/demands/${id}/rfq`, { kind: 'success', text: t('market.rfq.closed') });
          } catch (e) { ev.target.disabled = false; flash('error', errorText(e)); }
        } }, t('market.rfq.closeEarly')) : null;
        fill(quoteCard, head, h('div', { class: 'sealed-box', id: 'sealed-box' },
          h('span', { class: 'sealed-icon', 'aria-hidden': 'true' }),
          h('div', null, h('strong', { class: 'sealed-count', id: 'sealed-count', dataset: { count: r.count } }, t('market.rfq.sealed', { n: r.count })),
            h('p', { class: 'muted small' }, t('market.rfq.sealedNote', { deadline: formatTime(demand.deadline) }))),
          closeBtn));
        return;
      }
      const quotes = r.quotes || [];
      const live = quotes.filter((q) => q.status !== 'withdrawn');
      const best = Math.min(...live.map((q) => q.unit_price_fen));
      const fastest = Math.min(...live.map((q) => q.lead_time_days));
      const canAward = ['open', 'closed'].includes(demand.status) && live.some((q) => q.status === 'submitted');
      const checks = new Map();
      const rows = quotes.slice().sort((a, b) => a.unit_price_fen - b.unit_price_fen).map((q) => {
        const sup = q.supplier || q.enterprise;
        const box = canAward && q.status === 'submitted' ? h('input', { type: 'checkbox', class: 'award-check', dataset: { quote: q.id }, 'aria-label': t('market.rfq.pick') }) : null;
        if (box) checks.set(q.id, box);
        const amount = q.amount_fen ?? q.unit_price_fen * q.quantity;
        return h('tr', { dataset: { quote: q.id }, class: q.status === 'awarded' ? 'is-selected' : '' },
          h('td', null, box),
          h('td', null, entLink(sup)),
          h('td', { class: `num${q.unit_price_fen === best ? ' best' : ''}` }, fen(q.unit_price_fen), q.unit_price_fen === best ? h('span', { class: 'badge badge-best' }, t('market.rfq.lowest')) : null),
          h('td', { class: 'num' }, qty(q.quantity, demand.unit)),
          h('td', { class: 'num' }, fen(amount)),
          h('td', { class: `num${q.lead_time_days === fastest ? ' best' : ''}` }, t('market.days', { n: q.lead_time_days })),
          h('td', { class: 'nowrap' }, formatDate(q.valid_until)),
          h('td', { class: 'small' }, q.scorecard && q.scorecard.orders
            ? t('market.scorecardNote', { orders: q.scorecard.orders, rate: pct(q.scorecard.on_time_rate) }) : t('market.scorecardNone')),
          h('td', null, q.notes || ''),
          h('td', null, statusBadge('quote', q.status)));
      });
      const awardBtn = canAward ? h('button', { type: 'button', class: 'btn btn-primary', id: 'award-btn', onclick: async (ev) => {
        const ids = [...checks].filter(([, b]) => b.checked).map(([qid]) => qid);
        if (!ids.length) { flash('error', t('market.rfq.pickOne')); return; }
        if (!window.confirm(t('market.rfq.confirmAward', { n: ids.length }))) return;
        ev.target.disabled = true;
        try {
          const out = await post(`/demands/${id}/award`, { quotes: ids });
          const orders = out.orders || out.items || [];
          ctx.navigate(orders.length === 1 ? `/market/orders/${orders[0].id}` : '/market/orders', { kind: 'success', text: t('market.rfq.awarded', { n: orders.length || ids.length }) });
        } catch (e) { ev.target.disabled = false; flash('error', errorText(e)); }
      } }, t('market.rfq.award')) : null;
      fill(quoteCard, head,
        h('p', { class: 'muted small', id: 'quote-summary' }, t('market.rfq.opened', { n: quotes.length })),
        quotes.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'quote-table' },
          h('thead', null, h('tr', null, ['', 'market.supplier', 'market.unitPrice', 'market.quantity', 'market.amount', 'market.leadTime', 'market.validUntil', 'market.scorecardTitle', 'market.notes', 'market.statusLabel']
            .map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
          h('tbody', null, rows))) : h('p', { class: 'muted' }, t('market.rfq.noQuotes')),
        awardBtn ? h('div', { class: 'form-actions' }, awardBtn) : null);
    }
  }

  /* ---- a supplier ---- */
  async function renderSupplier() {
    const card = h('section', { class: 'card', id: 'my-quote' }, h('h2', null, t('market.rfq.myQuote')), loading());
    root.appendChild(card);
    let mine = [];
    let quotes = [];
    try {
      [mine, quotes] = await Promise.all([myEnterprises(), get(`/demands/${id}/quotes`).then((r) => r.quotes || [])
        // A supplier not yet invited to a public demand and without a quote gets 404 from the API.
        .catch((e) => { if (e.status === 404) return []; throw e; })]);
    } catch (e) {
      fill(card, h('h2', null, t('market.rfq.myQuote')), alertBox('error', errorText(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const mineSet = new Set(mine.map((e) => e.uscc));
    const own = quotes.find((q) => mineSet.has((q.supplier || q.enterprise)?.uscc)) || quotes[0] || null;
    const open = demand.status === 'open' && !past && !demand.closed_at;
    if (!mine.length) {
      fill(card, h('h2', null, t('market.rfq.myQuote')), alertBox('info', t('market.noEnterprise')));
      return;
    }
    const entSel = enterpriseSelect(mine, own ? (own.supplier || own.enterprise)?.uscc : mine[0].uscc, 'q-enterprise');
    if (own) entSel.disabled = true;
    const price = h('input', { id: 'q-price', type: 'text', inputmode: 'decimal', value: own ? fenToYuan(own.unit_price_fen) : '' });
    const quantity = h('input', { id: 'q-quantity', type: 'number', min: 1, value: own ? own.quantity : demand.quantity ?? '' });
    const lead = h('input', { id: 'q-lead', type: 'number', min: 0, value: own ? own.lead_time_days : '' });
    const valid = h('input', { id: 'q-valid', type: 'date', value: own ? isoToDate(own.valid_until) : '' });
    const notes = h('textarea', { id: 'q-notes', rows: 3, maxlength: 2000 });
    notes.value = own ? own.notes || '' : '';
    const inputs = [price, quantity, lead, valid, notes];
    if (!open) for (const i of inputs) i.disabled = true;
    const f = (label, el) => h('div', { class: 'field' }, h('label', { for: el.id }, label), el);
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'submit-quote' }, t(own ? 'market.rfq.updateQuote' : 'market.rfq.submitQuote'));
    const withdraw = own && own.status === 'submitted' ? h('button', { type: 'button', class: 'btn btn-ghost', id: 'withdraw-quote', onclick: async () => {
      if (!window.confirm(t('market.rfq.confirmWithdraw'))) return;
      try {
        await del(`/quotes/${own.id}`);
        ctx.navigate(`/market/demands/${id}/rfq`, { kind: 'success', text: t('market.rfq.quoteWithdrawn') });
      } catch (e) { flash('error', errorText(e)); }
    } }, t('market.rfq.withdrawQuote')) : null;
    const form = h('form', { class: 'form', id: 'quote-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      const body = {
        unit_price_fen: yuanToFen(price.value),
        quantity: Number(quantity.value),
        lead_time_days: Number(lead.value),
        valid_until: dateToIso(valid.value),
        notes: notes.value.trim(),
      };
      if (!body.unit_price_fen || !Number.isInteger(body.quantity) || body.quantity <= 0 || lead.value === '' || !Number.isInteger(body.lead_time_days) || !body.valid_until) {
        flash('error', t('market.rfq.quoteIncomplete'));
        return;
      }
      submit.disabled = true;
      try {
        if (own) await patch(`/quotes/${own.id}`, body);
        else await post(`/demands/${id}/quotes`, { enterprise: entSel.value, ...body });
        ctx.navigate(`/market/demands/${id}/rfq`, { kind: 'success', text: t(own ? 'market.rfq.quoteUpdated' : 'market.rfq.quoteSubmitted') });
      } catch (e) { submit.disabled = false; flash('error', errorText(e)); }
    } },
    h('div', { class: 'form-grid' }, f(t('market.supplier'), entSel), f(`${t('market.unitPrice')} (${t('market.yuan')})`, price)),
    h('div', { class: 'form-grid form-grid-3' }, f(t('market.quantity'), quantity), f(t('market.leadTimeDays'), lead), f(t('market.validUntil'), valid)),
    f(t('market.notes'), notes),
    open ? h('div', { class: 'form-actions' }, submit, withdraw) : null);
    fill(card, h('h2', null, t('market.rfq.myQuote')),
      h('p', { class: 'muted small' }, t('market.rfq.sealedForSupplier')),
      own ? h('div', { class: 'badges' }, statusBadge('quote', own.status), h('span', { class: 'badge' }, `${t('market.updatedAt')} ${formatTime(own.updated_at)}`)) : null,
      !open ? alertBox('info', t('market.rfq.quotingClosed')) : null,
      form);
  }
}
