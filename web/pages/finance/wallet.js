/*
 * wallet.js - 资金链 (#/chains/capital, #/finance): the caller's wallet.
 * What waits for my acceptance (certificates issued to me, transfers offered
 * to me) with accept and refuse; the pieces I hold; the certificates I
 * issued; my transfers and discount applications under way; for a bank its
 * queue. Totals on top. The operator is sent to the overview.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { may } from '../../lib/access.js';
import { session } from '../../lib/session.js';
import { fen, stateBadge, overdueBadge, entName, certLink, table, fill, add, write } from './finance.js';

export async function render(root, ctx) {
  ctx.setTitle(t('finance.wallet.title'));
  if (session()?.org?.type === 'operator') {
    ctx.navigate('/finance/overview');
    return;
  }
  const wait = loading();
  root.appendChild(wait);
  let w;
  try {
    w = await get('/finance/wallet');
  } catch (e) {
    wait.replaceWith(loadError(e));
    return;
  }
  wait.remove();
  if (!ctx.isCurrent()) return;
  const message = h('div', { id: 'wallet-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const actions = [];
  if (may('POST /finance/certificates')) actions.push(h('a', { class: 'btn btn-primary', href: '#/finance/issue', id: 'wallet-issue' }, t('finance.issue.title')));
  if (may('POST /finance/discounts/{id}/approve')) actions.push(h('a', { class: 'btn btn-primary', href: '#/finance/bank', id: 'wallet-bank' }, t('nav.financeBank')));
  actions.push(h('a', { class: 'btn btn-outline', href: '#/finance/ledger' }, t('nav.financeLedger')));

  const held = w.held || [];
  const issued = w.issued || [];
  const toAccept = w.to_accept || { certificates: [], transfers: [] };
  const outgoing = w.outgoing || { transfers: [], discounts: [] };
  const sum = (xs, f) => xs.reduce((s, x) => s + (f(x) || 0), 0);
  const stat = (id, label, value, note) => h('div', { class: 'stat', id },
    h('div', { class: 'stat-label' }, t(label)), h('div', { class: 'stat-value stat-value-sm' }, value), note ? h('div', { class: 'stat-note muted small' }, note) : null);

  async function act(method, path, body, done) {
    try {
      await write(method, path, body);
      ctx.navigate('/finance', { kind: 'success', text: t(done) });
    } catch (e) { flash('error', errorText(e)); }
  }
  const reasonAct = (path, done) => {
    const reason = window.prompt(t('finance.reasonPrompt'));
    if (reason && reason.trim()) act('POST', path, { reason: reason.trim() }, done);
  };

  const certRows = (toAccept.certificates || []).map((c) => ({
    dataset: { id: c.id, kind: 'certificate' },
    cells: [certLink(c.id), entName(c.issuer), fen(c.face_fen), c.maturity, c.contract_no,
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm btn-primary', dataset: { action: 'accept-cert', id: c.id }, onclick: () => act('POST', `/finance/certificates/${c.id}/accept`, {}, 'finance.done.accepted') }, t('finance.action.accept')),
        h('button', { type: 'button', class: 'btn btn-sm btn-outline', dataset: { action: 'refuse-cert', id: c.id }, onclick: () => reasonAct(`/finance/certificates/${c.id}/refuse`, 'finance.done.refused') }, t('finance.action.refuse')))],
  }));
  const transferRows = (toAccept.transfers || []).map((x) => ({
    dataset: { id: x.id, kind: 'transfer' },
    cells: [certLink(x.certificate_id), entName(x.from), fen(x.amount_fen), formatTime(x.created_at),
      h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm btn-primary', dataset: { action: 'accept-transfer', id: x.id }, onclick: () => act('POST', `/finance/transfers/${x.id}/accept`, {}, 'finance.done.transferAccepted') }, t('finance.action.accept')),
        h('button', { type: 'button', class: 'btn btn-sm btn-outline', dataset: { action: 'refuse-transfer', id: x.id }, onclick: () => reasonAct(`/finance/transfers/${x.id}/refuse`, 'finance.done.refused') }, t('finance.action.refuse')))],
  }));
  const waiting = certRows.length + transferRows.length;

  add(root, 
    pageHeader(t('finance.wallet.title'), t('chain.capital.short'), ...actions),
    message,
    h('div', { class: 'stats-grid', id: 'wallet-stats' },
      stat('stat-held', 'finance.wallet.heldTotal', fen(sum(held, (p) => p.amount_fen)), t('finance.wallet.pieces', { n: held.length })),
      stat('stat-issued', 'finance.wallet.issuedOutstanding', fen(sum(issued, (c) => (c.status === 'active' ? c.outstanding_fen : 0))), t('finance.wallet.certs', { n: issued.length })),
      stat('stat-waiting', 'finance.wallet.waiting', String(waiting))),
    h('section', { class: 'card', id: 'to-accept' }, h('h2', null, t('finance.wallet.toAccept')),
      waiting ? [
        certRows.length ? [h('h3', null, t('finance.wallet.certsToAccept')), table('accept-certs', ['finance.cert', 'finance.issuer', 'finance.face', 'finance.maturity', 'finance.contract', 'finance.actions'], certRows, { num: [2] })] : null,
        transferRows.length ? [h('h3', null, t('finance.wallet.transfersToAccept')), table('accept-transfers', ['finance.cert', 'finance.from', 'finance.amount', 'finance.offeredAt', 'finance.actions'], transferRows, { num: [2] })] : null,
      ] : h('p', { class: 'muted' }, t('finance.wallet.nothingWaiting'))),
    h('section', { class: 'card', id: 'held' }, h('h2', null, t('finance.wallet.held')),
      held.length ? table('held-table', ['finance.piece', 'finance.cert', 'finance.issuer', 'finance.maturity', 'finance.amount', 'finance.stateLabel'],
        held.map((p) => ({
          dataset: { id: p.id, state: p.state },
          cells: [`#${p.id}`, certLink(p.certificate_id), entName(p.certificate?.issuer), p.certificate?.maturity ?? '—', fen(p.amount_fen),
            h('span', null, stateBadge('piece', p.state), ' ', overdueBadge(p.certificate))],
        })), { num: [4] }) : h('p', { class: 'muted' }, t('finance.wallet.noneHeld'))),
    issued.length || may('POST /finance/certificates') ? h('section', { class: 'card', id: 'issued' }, h('h2', null, t('finance.wallet.issued')),
      issued.length ? table('issued-table', ['finance.cert', 'finance.payee', 'finance.face', 'finance.outstanding', 'finance.maturity', 'finance.stateLabel'],
        issued.map((c) => ({
          dataset: { id: c.id, state: c.status },
          cells: [certLink(c.id), entName(c.payee), fen(c.face_fen), fen(c.outstanding_fen), c.maturity, h('span', null, stateBadge('cert', c.status), ' ', overdueBadge(c))],
        })), { num: [2, 3] }) : h('p', { class: 'muted' }, t('finance.wallet.noneIssued'))) : null,
    (outgoing.transfers || []).length || (outgoing.discounts || []).length ? h('section', { class: 'card', id: 'outgoing' }, h('h2', null, t('finance.wallet.outgoing')),
      table('outgoing-table', ['finance.kind', 'finance.cert', 'finance.counterparty', 'finance.amount', 'finance.stateLabel'], [
        ...(outgoing.transfers || []).map((x) => ({
          dataset: { id: x.id, kind: 'transfer' },
          cells: [t('finance.kind.transfer'), certLink(x.certificate_id), entName(x.to), fen(x.amount_fen), stateBadge('transfer', x.status)],
        })),
        ...(outgoing.discounts || []).map((a) => ({
          dataset: { id: a.id, kind: 'discount' },
          cells: [h('a', { href: `#/finance/discounts/${a.id}` }, t('finance.kind.discount')), (a.pieces || []).map((p) => `#${p.certificate_id}`).join(' '), a.bank?.name ?? '—', fen(a.amount_fen), stateBadge('discount', a.status)],
        })),
      ], { num: [3] })) : null,
    (w.bank_queue || []).length ? h('section', { class: 'card', id: 'bank-queue-short' }, h('h2', null, t('finance.bank.queue')),
      table('bank-queue-short-table', ['finance.application', 'finance.applicant', 'finance.amount', 'finance.expires'],
        w.bank_queue.map((a) => ({ dataset: { id: a.id }, cells: [h('a', { href: `#/finance/discounts/${a.id}` }, `#${a.id}`), entName(a.applicant), fen(a.amount_fen), formatTime(a.expires_at)] })), { num: [2] })) : null);
}
