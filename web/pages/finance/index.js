/*
 * The capital chain (资金链): payable certificates split down the supply
 * chain and discounted at banks. A wallet (held, issued, waiting for my
 * acceptance), one certificate with its lineage tree and the split,
 * transfer and discount forms, issuing, the bank's queue with the risk view,
 * the issuer's maturity calendar and limits, the ledger, and the
 * operator's overview.
 */
import { chainNav } from '../../lib/domains.js';
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const ID = '(\\d{1,12})';

export default {
  order: 40,
  routes: [
    { re: /^\/chains\/capital$/, page: () => import('./wallet.js'), nav: 'chain-capital' },
    { re: /^\/finance$/, page: () => import('./wallet.js'), nav: 'finance-wallet' },
    { re: /^\/finance\/issue$/, page: () => import('./issue.js'), nav: 'finance-issue' },
    { re: new RegExp(`^/finance/certificates/${ID}$`), page: () => import('./certificate.js'), params: ['id'], nav: 'finance-wallet' },
    { re: /^\/finance\/bank$/, page: () => import('./bank.js'), nav: 'finance-bank' },
    { re: new RegExp(`^/finance/discounts/${ID}$`), page: () => import('./discount.js'), params: ['id'], nav: 'finance-wallet' },
    { re: /^\/finance\/calendar$/, page: () => import('./calendar.js'), nav: 'finance-calendar' },
    { re: /^\/finance\/ledger$/, page: () => import('./ledger.js'), nav: 'finance-ledger' },
    { re: /^\/finance\/overview$/, page: () => import('./overview.js'), nav: 'finance-overview' },
  ],
  navGroups: [
    { id: 'finance', title: 'nav.finance', order: 35 },
  ],
  nav: [
    chainNav('capital'),
    { group: 'finance', id: 'finance-wallet', href: '#/finance', label: 'nav.financeWallet', icon: 'list', order: 10, allow: 'GET /finance/wallet' },
    { group: 'finance', id: 'finance-issue', href: '#/finance/issue', label: 'nav.financeIssue', icon: 'list', order: 20, allow: 'POST /finance/certificates' },
    { group: 'finance', id: 'finance-bank', href: '#/finance/bank', label: 'nav.financeBank', icon: 'list', order: 30, allow: 'POST /finance/discounts/{id}/approve' },
    { group: 'finance', id: 'finance-calendar', href: '#/finance/calendar', label: 'nav.financeCalendar', icon: 'list', order: 40, allow: 'POST /finance/certificates' },
    { group: 'finance', id: 'finance-ledger', href: '#/finance/ledger', label: 'nav.financeLedger', icon: 'list', order: 50, allow: 'GET /ledger/statement' },
    { group: 'finance', id: 'finance-overview', href: '#/finance/overview', label: 'nav.financeOverview', icon: 'list', order: 60, allow: 'GET /finance/overview' },
  ],
  dict: { zh, en },
};
