/*
 * certificate.js - one certificate (#/finance/certificates/{id}): its facts
 * (issuer, payee, face, maturity, contract, invoices, warnings and flags),
 * its lineage tree as the caller may see it (the issuer the whole tree, a
 * holder its pieces and their ancestors), the visible pieces, and what the
 * caller may do: the payee accepts or refuses, the holder of a held piece
 * splits it, passes part of it to a supplier or applies for discount (each
 * form shows the amounts and the interest before it is confirmed), the
 * issuer settles on or after maturity.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import {
  fen, yuanToFen, stateBadge, overdueBadge, entName, holderName, dl, table, fill, add, submitter, write, quote,
  shanghaiToday, myEnterprises, suppliersOf, drawLineage,
} from './finance.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const wait = loading();
  root.appendChild(wait);
  let c, mine;
  try {
    [c, mine] = await Promise.all([get(`/finance/certificates/${id}`), myEnterprises().catch(() => [])]);
  } catch (e) {
    wait.replaceWith(loadError(e));
    return;
  }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('finance.cert')} #${c.id}`);
  const usccs = new Set(mine.map((e) => e.uscc));
  const isPayee = usccs.has(c.payee?.uscc);
  const isIssuer = c.viewer === 'issuer' || usccs.has(c.issuer?.uscc);
  const pieces = c.pieces || [];
  const myHeld = pieces.filter((p) => p.mine && p.state === 'held');
  const today = shanghaiToday();
  const matured = Boolean(c.overdue) || today >= c.maturity; // the server's clock says overdue; ours may lag it
  const message = h('div', { id: 'cert-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const reload = (text) => ctx.navigate(`/finance/certificates/${c.id}`, { kind: 'success', text });
  const charts = [];

  async function act(path, body, done) {
    try {
      await write('POST', path, body);
      reload(t(done));
    } catch (e) { flash('error', errorText(e)); }
  }

  const actions = [];
  if (isPayee && c.status === 'issued') {
    actions.push(h('button', { type: 'button', class: 'btn btn-primary', id: 'cert-accept', onclick: () => act(`/finance/certificates/${c.id}/accept`, {}, 'finance.done.accepted') }, t('finance.action.acceptCert')));
    actions.push(h('button', { type: 'button', class: 'btn btn-outline', id: 'cert-refuse', onclick: () => {
      const reason = window.prompt(t('finance.reasonPrompt'));
      if (reason && reason.trim()) act(`/finance/certificates/${c.id}/refuse`, { reason: reason.trim() }, 'finance.done.refused');
    } }, t('finance.action.refuse')));
  }

  const facts = h('section', { class: 'card' }, h('h2', null, t('finance.details')), dl([
    ['finance.issuer', entName(c.issuer)],
    ['finance.payee', entName(c.payee)],
    ['finance.face', h('strong', { id: 'cert-face' }, fen(c.face_fen))],
    ['finance.outstanding', fen(c.outstanding_fen)],
    ['finance.issueDate', c.issue_date],
    ['finance.maturity', h('span', { id: 'cert-maturity' }, c.maturity, ' ', overdueBadge(c))],
    ['finance.contract', c.contract_no],
    c.order_id ? ['finance.order', h('a', { href: `#/market/orders/${c.order_id}` }, `#${c.order_id}`)] : null,
    ['finance.invoices', (c.invoices || []).join(t('common.listSep')) || '—'],
    c.delivery_date ? ['finance.deliveryDate', c.delivery_date] : null,
    c.memo ? ['finance.memo', c.memo] : null,
    ['finance.acceptedAt', formatTime(c.accepted_at)],
    c.settled_at ? ['finance.settledAt', `${formatTime(c.settled_at)} · ${c.confirmation_ref}`] : null,
    c.refuse_reason ? ['finance.refuseReason', c.refuse_reason] : null,
  ]));
  const notes = [...(c.warnings || []).map((x) => alertBox('info', x.message || t(`finance.rule.${x.code}`))),
    ...(c.flags || []).map((x) => alertBox('error', x.message || t(`finance.rule.${x.code}`)))];

  const leaves = pieces.filter((p) => !pieces.some((q) => q.parent_id === p.id)).length;
  const treeEl = h('div', { class: 'chart', id: 'lineage-chart', style: { height: `${Math.min(720, 120 + 70 * Math.max(1, leaves))}px` } });
  const treeCard = h('section', { class: 'card', id: 'lineage' }, h('h2', null, t('finance.lineage')),
    h('p', { class: 'muted small' }, t(c.viewer === 'issuer' ? 'finance.lineageIssuer' : 'finance.lineageHolder')),
    pieces.length ? treeEl : h('p', { class: 'muted' }, t('finance.noPieces')));

  const pieceTable = pieces.length ? h('section', { class: 'card card-flush', id: 'pieces' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.pieces'))),
    table('piece-table', ['finance.piece', 'finance.range', 'finance.amount', 'finance.holder', 'finance.stateLabel', 'finance.actions'],
      pieces.map((p) => ({
        dataset: { id: p.id, state: p.state, mine: p.mine ? '1' : '0' },
        cells: [`#${p.id}`, h('span', { class: 'mono small' }, `[${p.lo}, ${p.hi}]`), fen(p.amount_fen), holderName(p.holder), stateBadge('piece', p.state),
          p.mine && p.state === 'held' && c.status === 'active' && !matured
            ? h('div', { class: 'btn-row' },
              h('button', { type: 'button', class: 'btn btn-sm btn-primary', dataset: { action: 'transfer', id: p.id }, onclick: () => openTransfer(p) }, t('finance.action.transfer')),
              h('button', { type: 'button', class: 'btn btn-sm btn-outline', dataset: { action: 'discount', id: p.id }, onclick: () => openDiscount([p]) }, t('finance.action.discount')))
            : null],
      })), { num: [2] })) : null;

  const formCard = h('div', { id: 'piece-form' });
  const settleCard = isIssuer && c.status === 'active' ? settleForm() : null;

  add(root, 
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/finance' }, t('nav.financeWallet')), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, `#${c.id}`)),
    pageHeader(`${t('finance.cert')} #${c.id}`, `${entName(c.issuer)} → ${entName(c.payee)}`, ...actions),
    h('div', { class: 'badges' }, h('span', { id: 'cert-status' }, stateBadge('cert', c.status)), overdueBadge(c),
      h('span', { class: 'badge' }, t(`finance.viewer.${c.viewer || 'holder'}`))),
    message, ...notes, formCard,
    facts, treeCard, pieceTable, settleCard);

  if (pieces.length) {
    drawLineage(treeEl, pieces, (p) => { if (p.mine && p.state === 'held' && c.status === 'active' && !matured) openTransfer(p); })
      .then((chart) => charts.push(chart)).catch(() => fill(treeEl, alertBox('error', t('finance.chartError'))));
  }

  /* ---- split / transfer ---- */
  async function openTransfer(p) {
    const send = submitter();
    const holderUscc = p.holder?.uscc;
    let suppliers = [];
    try { suppliers = holderUscc ? await suppliersOf(holderUscc) : []; } catch (e) { flash('error', errorText(e)); }
    const mode = h('select', { id: 't-mode' }, h('option', { value: 'transfer' }, t('finance.mode.transfer')), h('option', { value: 'split' }, t('finance.mode.split')));
    const to = h('select', { id: 't-to' }, suppliers.length
      ? suppliers.map((s) => h('option', { value: s.uscc }, `${s.name} (${s.uscc})`))
      : h('option', { value: '' }, t('finance.noSuppliers')));
    const amount = h('input', { type: 'text', id: 't-amount', inputmode: 'decimal', class: 'mono', value: (p.amount_fen / 100).toFixed(2) });
    const rate = h('input', { type: 'number', id: 't-rate', min: 1, max: 10000, value: 350 });
    const preview = h('div', { id: 't-preview', 'aria-live': 'polite' });
    const confirm = h('button', { type: 'button', class: 'btn btn-primary', id: 't-confirm', disabled: true }, t('finance.confirm'));
    let ready = null;
    async function check(ev) {
      ev?.preventDefault();
      confirm.disabled = true;
      ready = null;
      const x = yuanToFen(amount.value);
      if (!x || x <= 0) { fill(preview, alertBox('error', t('finance.err.amount'))); return; }
      if (x > p.amount_fen || (mode.value === 'split' && x >= p.amount_fen)) { fill(preview, alertBox('error', t('finance.err.overBalance', { max: fen(p.amount_fen) }))); return; }
      let q = null;
      try { q = await quote(x, Number(rate.value) || 350, shanghaiToday(), c.maturity); } catch (e) { fill(preview, alertBox('error', errorText(e))); return; }
      const rest = p.amount_fen - x;
      fill(preview, h('div', { class: 'card-pad' }, dl([
        ['finance.preview.part', h('strong', { id: 'p-part' }, fen(x))],
        ['finance.preview.rest', h('span', { id: 'p-rest' }, fen(rest))],
        mode.value === 'transfer' ? ['finance.preview.to', to.selectedOptions[0]?.textContent || '—'] : null,
        ['finance.preview.days', String(q.days)],
        ['finance.preview.interest', h('span', { id: 'p-interest' }, `${fen(q.interest_fen)} (${rate.value} bp)`)],
        ['finance.preview.net', h('span', { id: 'p-net' }, fen(q.net_fen))],
      ]), h('p', { class: 'muted small' }, t(mode.value === 'transfer' ? 'finance.preview.noteTransfer' : 'finance.preview.noteSplit'))));
      ready = { x };
      confirm.disabled = mode.value === 'transfer' && !to.value;
    }
    confirm.addEventListener('click', async () => {
      if (!ready) return;
      confirm.disabled = true;
      try {
        if (mode.value === 'split') {
          await send('POST', `/finance/pieces/${p.id}/split`, { amount_fen: ready.x });
          reload(t('finance.done.split'));
        } else {
          await send('POST', `/finance/pieces/${p.id}/transfers`, { to: to.value, amount_fen: ready.x });
          reload(t('finance.done.transferred'));
        }
      } catch (e) {
        fill(preview, alertBox('error', errorText(e)));
        confirm.disabled = false;
      }
    });
    for (const el of [mode, to, amount, rate]) el.addEventListener('change', () => { confirm.disabled = true; ready = null; });
    fill(formCard, h('section', { class: 'card', id: 'transfer-card' },
      h('h2', null, t('finance.transferTitle', { id: p.id, amount: fen(p.amount_fen) })),
      h('form', { class: 'form', id: 'transfer-form', onsubmit: check },
        h('div', { class: 'form-grid' },
          h('label', { class: 'field' }, h('span', null, t('finance.mode')), mode),
          h('label', { class: 'field' }, h('span', null, t('finance.to')), to),
          h('label', { class: 'field' }, h('span', null, t('finance.amountYuan')), amount),
          h('label', { class: 'field' }, h('span', null, t('finance.refRate')), rate)),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-outline', id: 't-check' }, t('finance.previewButton')), confirm)),
      preview));
    formCard.scrollIntoView({ block: 'start' });
  }

  /* ---- discount ---- */
  async function openDiscount(initial) {
    const send = submitter();
    let banks = [];
    try { banks = (await get('/finance/banks')).items || []; } catch (e) { flash('error', errorText(e)); }
    const bank = h('select', { id: 'd-bank' }, banks.map((b) => h('option', { value: b.id }, b.name)));
    const picks = myHeld.map((p) => h('label', { class: 'field-check' },
      h('input', { type: 'checkbox', value: p.id, checked: initial.some((q) => q.id === p.id), dataset: { piece: p.id } }), ` #${p.id} · ${fen(p.amount_fen)}`));
    const rate = h('input', { type: 'number', id: 'd-rate', min: 1, max: 10000, value: 350 });
    const preview = h('div', { id: 'd-preview', 'aria-live': 'polite' });
    const confirm = h('button', { type: 'button', class: 'btn btn-primary', id: 'd-confirm', disabled: true }, t('finance.confirmApply'));
    let chosen = [];
    async function check(ev) {
      ev?.preventDefault();
      confirm.disabled = true;
      chosen = picks.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => myHeld.find((p) => String(p.id) === i.value));
      if (!chosen.length) { fill(preview, alertBox('error', t('finance.err.noPieces'))); return; }
      let quotes;
      try { quotes = await Promise.all(chosen.map((p) => quote(p.amount_fen, Number(rate.value) || 350, shanghaiToday(), c.maturity))); } catch (e) { fill(preview, alertBox('error', errorText(e))); return; }
      const total = (f) => quotes.reduce((s, q) => s + q[f], 0);
      fill(preview, table('d-preview-table', ['finance.piece', 'finance.amount', 'finance.preview.days', 'finance.preview.interest', 'finance.preview.net'],
        [...chosen.map((p, i) => ({ cells: [`#${p.id}`, fen(p.amount_fen), String(quotes[i].days), fen(quotes[i].interest_fen), fen(quotes[i].net_fen)] })),
          { dataset: { total: '1' }, cells: [h('strong', null, t('finance.total')), fen(total('amount_fen')), '', h('strong', { id: 'd-interest' }, fen(total('interest_fen'))), h('strong', { id: 'd-net' }, fen(total('net_fen')))] }],
        { num: [1, 2, 3, 4] }), h('p', { class: 'muted small' }, t('finance.preview.noteDiscount', { rate: rate.value })),
      quotes[0].fee_bp ? h('p', { class: 'small' }, t('finance.preview.fee', { fee: fen(total('fee_fen')), net: fen(total('net_after_fee_fen')) })) : null);
      confirm.disabled = !bank.value;
    }
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        const a = await send('POST', '/finance/discounts', { bank_id: Number(bank.value), pieces: chosen.map((p) => p.id) });
        ctx.navigate(`/finance/discounts/${a.id}`, { kind: 'success', text: t('finance.done.applied') });
      } catch (e) {
        fill(preview, alertBox('error', errorText(e)));
        confirm.disabled = false;
      }
    });
    fill(formCard, h('section', { class: 'card', id: 'discount-card' }, h('h2', null, t('finance.discountTitle')),
      h('form', { class: 'form', id: 'discount-form', onsubmit: check },
        h('div', { class: 'form-grid' },
          h('label', { class: 'field' }, h('span', null, t('finance.bank')), bank),
          h('label', { class: 'field' }, h('span', null, t('finance.refRate')), rate)),
        h('fieldset', { class: 'field' }, h('legend', null, t('finance.choosePieces')), picks),
        h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-outline', id: 'd-check' }, t('finance.previewButton')), confirm)),
      preview));
    formCard.scrollIntoView({ block: 'start' });
  }

  /* ---- settle ---- */
  function settleForm() {
    const send = submitter();
    const ref = h('input', { type: 'text', id: 's-ref', maxlength: 100, placeholder: t('finance.settle.refPlaceholder') });
    const out = h('div', { id: 's-message', 'aria-live': 'polite' });
    return h('section', { class: 'card', id: 'settle-card' }, h('h2', null, t('finance.settle.title')),
      h('p', { class: 'muted' }, matured ? t('finance.settle.due', { amount: fen(c.outstanding_fen) }) : t('finance.settle.notYet', { date: c.maturity })),
      h('form', { class: 'input-group', id: 'settle-form', onsubmit: async (ev) => {
        ev.preventDefault();
        if (!ref.value.trim()) { fill(out, alertBox('error', t('finance.settle.refRequired'))); return; }
        if (!window.confirm(t('finance.settle.confirm', { amount: fen(c.outstanding_fen) }))) return;
        try {
          const r = await send('POST', `/finance/certificates/${c.id}/settle`, { confirmation_ref: ref.value.trim() });
          reload(t('finance.done.settled', { n: (r.payments || []).length }));
        } catch (e) { fill(out, alertBox('error', errorText(e))); }
      } }, ref, h('button', { type: 'submit', class: 'btn btn-primary', id: 's-submit', disabled: !matured }, t('finance.action.settle'))),
      out);
  }

  return () => { for (const ch of charts) ch.dispose(); };
}
