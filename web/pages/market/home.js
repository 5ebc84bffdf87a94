/*
 * home.js - 供应链 (#/chains/supply, #/market): the entry to the supply
 * and demand market. Tiles to the demand and supply halls, publishing,
 * orders, the inbox and subscriptions, and the latest open demands.
 */
import { t, tList } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { entName, fen, formatDate, qty, fill, add } from './market.js';

export async function render(root, ctx) {
  const name = t('chain.supply.name');
  ctx.setTitle(name);
  const tile = (href, title, note, id) => h('a', { class: 'tool-tile', href, id }, h('strong', null, title), h('span', { class: 'muted small' }, note));
  const latest = h('div', { id: 'market-latest' }, h('p', { class: 'muted' }, t('common.loading')));
  add(root, 
    pageHeader(name, t('chain.supply.short'),
      h('a', { class: 'btn btn-primary', href: '#/market/demands/new', id: 'publish-demand' }, t('market.publishDemand')),
      h('a', { class: 'btn btn-outline', href: '#/market/supplies/new', id: 'publish-supply' }, t('market.publishSupply'))),
    h('section', { class: 'card chain-intro' },
      h('p', { class: 'lead' }, t('chain.supply.intro')),
      h('ul', { class: 'feature-list feature-inline' }, tList('chain.supply.features').map((f) => h('li', null, f))),
      h('div', { class: 'tool-grid' },
        tile('#/market/demands', t('nav.marketDemands'), t('market.tileDemands'), 'tile-demands'),
        tile('#/market/supplies', t('nav.marketSupplies'), t('market.tileSupplies'), 'tile-supplies'),
        tile('#/market/orders', t('nav.marketOrders'), t('market.tileOrders'), 'tile-orders'),
        tile('#/market/inbox', t('nav.marketInbox'), t('market.tileInbox'), 'tile-inbox'),
        tile('#/market/subscriptions', t('nav.marketSubscriptions'), t('market.tileSubscriptions'), 'tile-subscriptions'))),
    h('section', { class: 'card' }, h('h2', null, t('market.latestDemands')), latest));
  try {
    const page = await get('/demands', { status: 'open', limit: 8 });
    if (!ctx.isCurrent()) return;
    if (!page.items.length) { fill(latest, h('p', { class: 'muted' }, t('market.noneYet'))); return; }
    fill(latest, h('ul', { class: 'listing-list' }, page.items.map((d) => h('li', null,
      h('a', { href: `#/market/demands/${d.id}`, class: 'listing-title' }, d.title),
      h('span', { class: 'muted small' }, [entName(d.enterprise), qty(d.quantity, d.unit), fen(d.budget_fen),
        `${t('market.deadline')} ${formatDate(d.deadline)}`].join(' · '))))));
  } catch (e) {
    fill(latest, alertBox(e.status === 404 ? 'info' : 'error', e.status === 404 ? t('market.apiMissing') : errorText(e)));
  }
}
