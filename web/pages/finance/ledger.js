/*
 * ledger.js - the caller's ledger (#/finance/ledger): the balances of its
 * organisation's accounts (receivable, payable, cash, interest) and the
 * statement of postings, oldest first, page by page. Every operation's
 * postings sum to zero; `qilian finance verify` proves it for the platform.
 */
import { t, hasKey, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { fen, certLink, table, fill, add } from './finance.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.financeLedger'));
  const balances = h('div', null, loading());
  const statement = h('div', null, loading());
  add(root, pageHeader(t('nav.financeLedger'), t('finance.ledger.subtitle')),
    h('section', { class: 'card', id: 'balances' }, h('h2', null, t('finance.ledger.balances')), balances),
    h('section', { class: 'card card-flush', id: 'statement' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.ledger.statement'))), statement));
  try {
    const b = await get('/ledger/balances');
    if (!ctx.isCurrent()) return;
    fill(balances, table('balance-table', ['finance.ledger.account', 'finance.ledger.normal', 'finance.ledger.balance'],
      (b.accounts || []).map((a) => ({ dataset: { account: a.account }, cells: [t(`finance.account.${a.account}`), a.normal ? t(`finance.ledger.${a.normal}`) : '—', fen(a.balance_fen)] })), { num: [2] }));
  } catch (e) { fill(balances, alertBox('error', errorText(e))); }
  const rows = [];
  let cursor = ctx.query.cursor || null;
  async function more() {
    try {
      const page = await get('/ledger/statement', { limit: 100, cursor });
      if (!ctx.isCurrent()) return;
      rows.push(...(page.items || []));
      cursor = page.next_cursor;
      fill(statement, rows.length ? table('statement-table', ['finance.ledger.at', 'finance.ledger.op', 'finance.cert', 'finance.ledger.account', 'finance.ledger.amount', 'finance.ledger.after'],
        rows.map((p) => ({ cells: [formatTime(p.at), `${p.op_seq} · ${hasKey(`finance.op.${p.op_kind}`) ? t(`finance.op.${p.op_kind}`) : p.op_kind}`, p.certificate_id ? certLink(p.certificate_id) : '—', t(`finance.account.${p.account}`), fen(p.amount_fen), fen(p.balance_after_fen)] })), { num: [4, 5] })
        : h('p', { class: 'empty-note muted' }, t('finance.ledger.empty')),
      cursor ? h('div', { class: 'table-foot' }, h('button', { type: 'button', class: 'btn btn-outline btn-sm', id: 'statement-more', onclick: more }, t('finance.more'))) : null);
    } catch (e) { fill(statement, alertBox('error', errorText(e))); }
  }
  await more();
}
