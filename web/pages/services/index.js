/*
 * The service, talent and data chains (服务链, 人才链, 数据链): service requests
 * (诉求) with their timeline, the handler's queue with deadline colours, the
 * operator's routing rules and statistics; talent posts, matches and contact
 * requests; data grants with their access log and the own-data export.
 */
import { chainNav } from '../../lib/domains.js';
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const ID = '(\\d{1,12})';

export default {
  order: 60,
  routes: [
    { re: /^\/chains\/service$/, page: () => import('./requests.js'), nav: 'chain-service' },
    { re: /^\/services$/, page: () => import('./requests.js'), nav: 'svc-requests' },
    { re: /^\/services\/new$/, page: () => import('./request-form.js'), nav: 'svc-requests' },
    { re: /^\/services\/admin$/, page: () => import('./admin.js'), nav: 'svc-admin' },
    { re: new RegExp(`^/services/${ID}$`), page: () => import('./request.js'), params: ['id'], nav: 'svc-requests' },
    { re: /^\/chains\/talent$/, page: () => import('./talent.js'), nav: 'chain-talent' },
    { re: /^\/talent$/, page: () => import('./talent.js'), nav: 'svc-talent' },
    { re: new RegExp(`^/talent/${ID}$`), page: () => import('./talent.js'), params: ['id'], nav: 'svc-talent' },
    { re: /^\/chains\/data$/, page: () => import('./grants.js'), nav: 'chain-data' },
    { re: /^\/grants$/, page: () => import('./grants.js'), nav: 'svc-grants' },
  ],
  navGroups: [
    { id: 'services', title: 'nav.services', order: 60 },
  ],
  nav: [
    chainNav('service'),
    chainNav('talent'),
    chainNav('data'),
    { group: 'services', id: 'svc-requests', href: '#/services', label: 'nav.svcRequests', icon: 'list', order: 10, allow: 'GET /service-requests' },
    { group: 'services', id: 'svc-admin', href: '#/services/admin', label: 'nav.svcAdmin', icon: 'list', order: 20, allow: 'POST /service-routes' },
    { group: 'services', id: 'svc-talent', href: '#/talent', label: 'nav.svcTalent', icon: 'list', order: 30, allow: 'GET /talent/posts' },
    { group: 'services', id: 'svc-grants', href: '#/grants', label: 'nav.svcGrants', icon: 'list', order: 40, allow: 'GET /data-grants' },
  ],
  dict: { zh, en },
};
