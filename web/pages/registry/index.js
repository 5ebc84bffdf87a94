/*
 * The registry (企业名录 and who may use the platform): the enterprise
 * directory, an enterprise's page and form, user management, the audit log and
 * the user's own account.
 */
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const USCC = '([0-9A-Za-z]{1,32})';

export default {
  order: 10,
  routes: [
    { re: /^\/enterprises$/, page: () => import('./enterprises.js'), nav: 'enterprises' },
    { re: /^\/enterprises\/new$/, page: () => import('./enterprise-form.js'), nav: 'enterprises' },
    { re: new RegExp(`^/enterprises/${USCC}/edit$`), page: () => import('./enterprise-form.js'), params: ['uscc'], nav: 'enterprises' },
    { re: new RegExp(`^/enterprises/${USCC}$`), page: () => import('./enterprise-detail.js'), params: ['uscc'], nav: 'enterprises' },
    { re: /^\/users$/, page: () => import('./users.js'), nav: 'users' },
    { re: /^\/audit$/, page: () => import('./audit.js'), nav: 'audit' },
    { re: /^\/account$/, page: () => import('./account.js'), nav: 'account' },
  ],
  nav: [
    { group: 'main', id: 'enterprises', href: '#/enterprises', label: 'nav.enterprises', icon: 'list', order: 20, allow: 'GET /enterprises' },
    // Organisation admins manage their users; the operator reads the audit log.
    { group: 'manage', id: 'users', href: '#/users', label: 'nav.users', icon: 'users', order: 10, allow: 'GET /users' },
    { group: 'manage', id: 'audit', href: '#/audit', label: 'nav.audit', icon: 'audit', order: 20, allow: 'GET /audit' },
    { group: 'manage', id: 'account', href: '#/account', label: 'nav.account', icon: 'account', order: 30 },
  ],
  dict: { zh, en },
};
