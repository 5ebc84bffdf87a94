/*
 * The industry chain (产业链): the entry page listing the mapped industry
 * chains, one chain's map with segment health and gap filling, the chain
 * leader's supply base, and the disruption cascade.
 */
import { SEVEN_CHAINS } from '../../lib/ref.js';
import { chainNav } from '../../lib/domains.js';
import { SUPPLY_BASE_OPERATION, DISRUPTION_OPERATION } from './chainmap.js';
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const CHAIN_ID = '([a-z0-9_-]{1,32})';

export default {
  order: 20,
  routes: [
    { re: /^\/chains\/industry$/, page: () => import('./industry.js'), nav: 'chain-industry' },
    // An industry chain's map. /chain-map/{id} also reaches one whose id is a name of the seven chains.
    {
      re: new RegExp(`^/chains/(?!(?:${SEVEN_CHAINS.join('|')})$)${CHAIN_ID}$`), page: () => import('./chain-map.js'),
      params: ['id'], nav: 'chain-industry',
    },
    { re: new RegExp(`^/chain-map/${CHAIN_ID}$`), page: () => import('./chain-map.js'), params: ['id'], nav: 'chain-industry' },
    { re: /^\/supply-base$/, page: () => import('./supply-base.js'), nav: 'supply-base' },
    { re: /^\/disrupt$/, page: () => import('./disrupt.js'), nav: 'disrupt' },
  ],
  navGroups: [
    { id: 'chainTools', title: 'nav.chainTools', order: 40 },
  ],
  nav: [
    chainNav('industry'),
    { group: 'chainTools', id: 'supply-base', href: '#/supply-base', label: 'nav.supplyBase', icon: 'supply-base', order: 10, allow: SUPPLY_BASE_OPERATION },
    { group: 'chainTools', id: 'disrupt', href: '#/disrupt', label: 'nav.disrupt', icon: 'disrupt', order: 20, allow: DISRUPTION_OPERATION },
  ],
  dict: { zh, en },
};
