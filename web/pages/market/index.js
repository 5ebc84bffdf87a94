/*
 * The supply chain (供应链): the supply and demand market (供需对接) with its
 * demand and supply halls, listing forms and matches, sealed quotes (RFQ),
 * orders, subscriptions and the inbox, whose link and unread badge sit in the
 * top bar.
 */
import { chainNav } from '../../lib/domains.js';
import { inboxLink, startInboxPolling, refreshInboxBadge, resetMarketCache } from './market.js';
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const KIND = '(demands|supplies)';
const ID = '(\\d{1,12})';
const listingNav = (p) => `market-${p.kind}`;

export default {
  order: 30,
  routes: [
    { re: /^\/chains\/supply$/, page: () => import('./home.js'), nav: 'chain-supply' },
    { re: /^\/market$/, page: () => import('./home.js'), nav: 'chain-supply' },
    { re: new RegExp(`^/market/${KIND}$`), page: () => import('./list.js'), params: ['kind'], nav: listingNav },
    { re: new RegExp(`^/market/${KIND}/new$`), page: () => import('./form.js'), params: ['kind'], nav: listingNav },
    { re: new RegExp(`^/market/${KIND}/${ID}/edit$`), page: () => import('./form.js'), params: ['kind', 'id'], nav: listingNav },
    { re: new RegExp(`^/market/${KIND}/${ID}$`), page: () => import('./detail.js'), params: ['kind', 'id'], nav: listingNav },
    { re: new RegExp(`^/market/demands/${ID}/rfq$`), page: () => import('./rfq.js'), params: ['id'], nav: 'market-demands' },
    { re: /^\/market\/orders$/, page: () => import('./orders.js'), nav: 'market-orders' },
    { re: new RegExp(`^/market/orders/${ID}$`), page: () => import('./orders.js'), params: ['id'], nav: 'market-orders' },
    { re: /^\/market\/inbox$/, page: () => import('./inbox.js'), nav: 'market-inbox' },
    { re: /^\/market\/subscriptions$/, page: () => import('./subscriptions.js'), nav: 'market-subscriptions' },
    { re: /^\/market\/scorecard\/([0-9A-Za-z]{1,32})$/, page: () => import('./scorecard.js'), params: ['uscc'], nav: 'market-supplies' },
  ],
  navGroups: [
    { id: 'market', title: 'nav.market', order: 30 },
  ],
  nav: [
    chainNav('supply'),
    { group: 'market', id: 'market-demands', href: '#/market/demands', label: 'nav.marketDemands', icon: 'list', order: 10, allow: 'GET /demands' },
    { group: 'market', id: 'market-supplies', href: '#/market/supplies', label: 'nav.marketSupplies', icon: 'list', order: 20, allow: 'GET /supplies' },
    { group: 'market', id: 'market-orders', href: '#/market/orders', label: 'nav.marketOrders', icon: 'list', order: 30, allow: 'GET /orders' },
    { group: 'market', id: 'market-inbox', href: '#/market/inbox', label: 'nav.marketInbox', icon: 'list', order: 40, allow: 'GET /inbox' },
    {
      group: 'market', id: 'market-subscriptions', href: '#/market/subscriptions', label: 'nav.marketSubscriptions', icon: 'list',
      order: 50, allow: 'GET /subscriptions',
    },
  ],
  dict: { zh, en },

  // Once, before the first page: the inbox link in the top bar, refreshed on demand.
  start(shell) {
    shell.addToTopbar(inboxLink());
    window.addEventListener('qilian:inbox', () => refreshInboxBadge());
  },
  // Someone signed in (s) or out (null): poll the unread count while signed in; forget per-user data after.
  onSession(s) {
    startInboxPolling();
    if (!s) resetMarketCache();
  },
};
