/*
 * detail.js - one demand (#/market/demands/{id}) or supply
 * (#/market/supplies/{id}): its terms, the owner's actions (edit, cancel or
 * withdraw, the RFQ), and the ranked matches with their explanation: the
 * score, the matched words and each factor's contribution (text/BM25,
 * segment, region level, 专精特新 level, scorecard). A demand's owner invites
 * suppliers to quote straight from its matches.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post, del } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import {
  ownsEnterprise, statusBadge, entLink, entName, fen, formatDate, qty, tagChips, regionLabel, explainView, understoodView, scorecardView,
  fill, add,
} from './market.js';
import { levelLabel } from '../../lib/ref.js';

export async function render(root, ctx) {
  const kind = ctx.params.kind;
  const isDemand = kind === 'demands';
  const wait = loading();
  root.appendChild(wait);
  let item;
  try {
    item = await get(`/${kind}/${ctx.params.id}`);
  } catch (e) {
    wait.replaceWith(loadError(e));
    return;
  }
  const owner = await ownsEnterprise(item.enterprise);
  wait.remove();
  if (!ctx.isCurrent()) return;
  const isOp = session()?.org?.type === 'operator';
  const manage = owner || isOp;
  ctx.setTitle(item.title);

  const message = h('div', { id: 'detail-message' });
  const actions = [];
  if (manage && (isDemand ? ['open', 'closed'].includes(item.status) : item.status === 'active')) {
    actions.push(h('a', { class: 'btn btn-outline', id: 'edit-listing', href: `#/market/${kind}/${item.id}/edit` }, t('common.edit')));
  }
  if (isDemand) {
    actions.push(h('a', { class: 'btn btn-primary', id: 'open-rfq', href: `#/market/demands/${item.id}/rfq` },
      t(manage ? 'market.rfq.manage' : 'market.rfq.quote')));
  }
  if (manage && (isDemand ? item.status === 'open' : item.status === 'active')) {
    actions.push(h('button', { type: 'button', class: 'btn btn-danger', id: 'withdraw-listing', onclick: async (ev) => {
      if (!window.confirm(t(isDemand ? 'market.confirmCancel' : 'market.confirmWithdraw'))) return;
      ev.target.disabled = true;
      try {
        await del(`/${kind}/${item.id}`);
        ctx.navigate(`/market/${kind}/${item.id}`, { kind: 'success', text: t(isDemand ? 'market.cancelled' : 'market.withdrawn') });
      } catch (e) {
        ev.target.disabled = false;
        fill(message, alertBox('error', errorText(e)));
      }
    } }, t(isDemand ? 'market.cancelDemand' : 'market.withdrawSupply')));
  }

  const dl = (rows) => h('dl', { class: 'dl' }, rows.filter(Boolean).map(([k, val]) => [h('dt', null, t(k)), h('dd', null, val)]));
  const common = [
    [isDemand ? 'market.buyer' : 'market.supplier', h('span', null, entLink(item.enterprise),
      item.enterprise?.level && item.enterprise.level !== 'none' ? [' ', h('span', { class: `badge badge-level-${item.enterprise.level}` }, levelLabel(item.enterprise.level))] : null)],
    ['market.segment', item.segment ? `${item.segment_name || item.segment} (${item.chain}/${item.segment})` : '—'],
  ];
  const terms = isDemand ? [
    ['market.quantity', qty(item.quantity, item.unit)],
    ['market.budget', fen(item.budget_fen)],
    ['market.quoteDeadline', formatTime(item.deadline)],
    ['market.deliveryRegion', item.region ? regionLabel(item.region) : '—'],
    ['market.certsRequired', tagChips(item.certifications)],
    ['market.visibilityLabel', t(`market.visibility.${item.visibility || 'public'}`)],
    item.closed_at ? ['market.closedAt', formatTime(item.closed_at)] : null,
  ] : [
    ['market.capacityYear', qty(item.capacity, item.unit)],
    ['market.minOrder', qty(item.min_order, item.unit)],
    ['market.regionsServed', (item.regions || []).length ? h('span', { class: 'tags' }, item.regions.map((r) => h('span', { class: 'badge' }, regionLabel(r)))) : '—'],
    ['market.certsHeld', tagChips(item.certifications)],
  ];
  add(root, 
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: `#/market/${kind}` }, t(isDemand ? 'nav.marketDemands' : 'nav.marketSupplies')),
      h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, item.title)),
    pageHeader(item.title, null, ...actions),
    h('div', { class: 'badges' }, statusBadge(isDemand ? 'demand' : 'supply', item.status),
      h('span', { class: 'badge' }, `${t('market.publishedAt')} ${formatDate(item.created_at)}`)),
    message,
    h('div', { class: 'grid-side' },
      h('section', { class: 'card', id: 'listing-terms' },
        h('h2', null, t('market.details')),
        item.description ? h('p', { class: 'listing-desc' }, item.description) : null,
        dl([...common, ...terms])),
      h('section', { class: 'card', id: 'scorecard-card' }, h('h2', null, t(isDemand ? 'market.buyerInfo' : 'market.scorecard')),
        isDemand ? dl([['field.uscc', item.enterprise?.uscc || '—'], ['field.region', item.enterprise?.region ? regionLabel(item.enterprise.region) : '—']])
          : h('div', { id: 'supplier-scorecard' }, loading()),
        !isDemand && item.enterprise ? h('a', { href: `#/market/scorecard/${item.enterprise.uscc}` }, t('market.scorecardMore')) : null)));

  if (!isDemand && item.enterprise) {
    get(`/enterprises/${encodeURIComponent(item.enterprise.uscc)}/scorecard`)
      .then((sc) => root.querySelector('#supplier-scorecard')?.replaceChildren(scorecardView(sc)))
      .catch(() => root.querySelector('#supplier-scorecard')?.replaceChildren(h('p', { class: 'muted' }, t('market.scorecardNone'))));
  }

  // The matches.
  const matches = h('section', { class: 'card', id: 'matches' },
    h('div', { class: 'card-head-plain' }, h('h2', null, t(isDemand ? 'market.matchSupplies' : 'market.matchDemands'))),
    loading());
  root.appendChild(matches);
  if (isDemand && item.status !== 'open' && !manage) { matches.remove(); return; }
  let res;
  try {
    res = await get(`/${kind}/${item.id}/matches`, { limit: 20 });
  } catch (e) {
    if (!ctx.isCurrent()) return;
    matches.lastChild.replaceWith(alertBox(e.status === 404 ? 'info' : 'error', e.status === 404 && e.code !== 'not_found' ? t('market.apiMissing') : errorText(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  let invited = new Set();
  if (isDemand && manage) {
    try {
      const inv = await get(`/demands/${item.id}/invitations`);
      invited = new Set((inv.items || inv.invitations || []).map((x) => x.uscc || x.enterprise?.uscc || x.supplier?.uscc));
    } catch { /* the RFQ API may not exist yet */ }
  }
  const results = res.results || [];
  const max = Math.max(0, ...results.map((r) => r.score || 0));
  matches.lastChild.replaceWith(h('div', null,
    h('p', { class: 'muted small', id: 'match-summary' }, t('market.matchSummary', { n: results.length, ms: res.took_ms ?? '—' })),
    understoodView(res.understood),
    results.length ? h('ol', { class: 'match-list', id: 'match-list' }, results.map((r) => matchItem(r, max))) : h('p', { class: 'muted' }, t('market.noMatches')),
    isDemand && (res.enterprises || []).length ? [h('h3', null, t('market.matchEnterprises')), enterpriseTable(res.enterprises)] : null));

  function matchItem(r, maxScore) {
    const other = isDemand ? r.supply : r.demand;
    if (!other) return null;
    const ent = other.enterprise;
    const otherKind = isDemand ? 'supplies' : 'demands';
    let inviteBtn = null;
    if (isDemand && manage && item.status === 'open' && ent) {
      const done = invited.has(ent.uscc);
      inviteBtn = h('button', { type: 'button', class: 'btn btn-sm btn-outline invite-btn', disabled: done, dataset: { uscc: ent.uscc }, onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          await post(`/demands/${item.id}/invitations`, { suppliers: [ent.uscc] });
          invited.add(ent.uscc);
          ev.target.textContent = t('market.invited');
        } catch (e) {
          ev.target.disabled = false;
          fill(message, alertBox('error', errorText(e)));
        }
      } }, t(done ? 'market.invited' : 'market.invite'));
    }
    return h('li', { class: 'match-item', dataset: { rank: r.rank, id: other.id } },
      h('div', { class: 'match-head' },
        h('span', { class: `rank rank-${r.rank}` }, String(r.rank)),
        h('div', { class: 'match-title' },
          h('a', { href: `#/market/${otherKind}/${other.id}`, class: 'match-link' }, other.title),
          h('span', { class: 'muted small' }, [entName(ent), other.segment_name,
            isDemand ? qty(other.capacity, other.unit) : `${qty(other.quantity, other.unit)} · ${fen(other.budget_fen)}`].filter(Boolean).join(' · '))),
        h('span', { class: 'match-score', title: t('market.score') }, h('span', { class: 'muted small' }, t('market.score')), ' ', h('strong', null, Number(r.score).toFixed(2))),
        inviteBtn),
      explainView(r.explain, maxScore));
  }
}

function enterpriseTable(items) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', id: 'match-enterprises' },
    h('thead', null, h('tr', null, ['field.name', 'field.level', 'market.source', 'market.score'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((e) => h('tr', null,
      h('td', null, entLink(e.enterprise)),
      h('td', null, e.enterprise?.level ? levelLabel(e.enterprise.level) : '—'),
      h('td', null, e.source === 'supply' && e.supply_id
        ? h('a', { href: `#/market/supplies/${e.supply_id}` }, t('market.sourceSupply')) : t(`market.source.${e.source}`)),
      h('td', { class: 'num' }, Number(e.score).toFixed(2)))))));
}
