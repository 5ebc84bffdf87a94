/*
 * The innovation chain's vouchers and challenges (创新链 · 科技创新券与揭榜挂帅):
 * the SME's voucher wallet and the operator's issuing, the resource owners'
 * claims and the operator's approvals, open innovation challenges with their
 * posting form, Q&A, sealed proposals with receipts, the reviewer's scoring
 * page and the results. The shared resources and bookings are pages/sharing.
 */
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const ID = '(\\d{1,12})';

export default {
  order: 45,
  routes: [
    { re: /^\/innovation\/vouchers$/, page: () => import('./vouchers.js'), nav: 'inno-vouchers' },
    { re: /^\/innovation\/claims$/, page: () => import('./claims.js'), nav: 'inno-claims' },
    { re: /^\/innovation\/challenges$/, page: () => import('./challenges.js'), nav: 'inno-challenges' },
    { re: /^\/innovation\/challenges\/new$/, page: () => import('./challenge-form.js'), nav: 'inno-challenges' },
    { re: new RegExp(`^/innovation/challenges/${ID}$`), page: () => import('./challenge.js'), params: ['id'], nav: 'inno-challenges' },
    { re: new RegExp(`^/innovation/challenges/${ID}/edit$`), page: () => import('./challenge-form.js'), params: ['id'], nav: 'inno-challenges' },
    { re: new RegExp(`^/innovation/challenges/${ID}/review$`), page: () => import('./review.js'), params: ['id'], nav: 'inno-challenges' },
  ],
  navGroups: [
    { id: 'innovation', title: 'nav.innovation', order: 45 },
  ],
  nav: [
    { group: 'innovation', id: 'inno-vouchers', href: '#/innovation/vouchers', label: 'nav.innoVouchers', icon: 'list', order: 10, allow: 'GET /vouchers' },
    { group: 'innovation', id: 'inno-claims', href: '#/innovation/claims', label: 'nav.innoClaims', icon: 'list', order: 20, allow: 'GET /voucher-applications' },
    { group: 'innovation', id: 'inno-challenges', href: '#/innovation/challenges', label: 'nav.innoChallenges', icon: 'list', order: 30, allow: 'GET /challenges' },
  ],
  dict: { zh, en },
};
