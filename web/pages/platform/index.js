/*
 * The platform: sign-in, the home page (工作台), and for each of the seven
 * chains that no domain has built yet a page saying what it will offer. It
 * also declares the navigation groups several domains fill (main, the seven
 * chains, management).
 */
import { SEVEN_CHAINS } from '../../lib/ref.js';
import { chainNav } from '../../lib/domains.js';
import zh from './i18n/zh.js';
import en from './i18n/en.js';

export default {
  order: 0,
  routes: [
    // Open without signing in; a signed-in user is sent to the home page.
    { re: /^\/login$/, page: () => import('./login.js'), public: true, guest: true },
    { re: /^\/$/, page: () => import('./dashboard.js'), nav: 'home' },
    // Fallback: a domain that declares /chains/{id} for one of the seven chains takes its place.
    {
      re: new RegExp(`^/chains/(${SEVEN_CHAINS.join('|')})$`), page: () => import('./chain.js'), params: ['id'],
      nav: (p) => `chain-${p.id}`, fallback: true,
    },
  ],
  navGroups: [
    { id: 'main', order: 10 },
    { id: 'chains', title: 'nav.chains', order: 20 },
    { id: 'manage', title: 'nav.manage', order: 90 },
  ],
  nav: [
    { group: 'main', id: 'home', href: '#/', label: 'nav.home', icon: 'home', order: 10 },
    ...SEVEN_CHAINS.map((id) => ({ ...chainNav(id), fallback: true })),
  ],
  dict: { zh, en },
};
