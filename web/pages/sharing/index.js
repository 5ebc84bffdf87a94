/*
 * Shared resources (资源共享, part of the innovation chain 创新链): the
 * catalogue with its filters and free-window search, a resource's page with
 * its week calendar and the booking form, opening and editing a resource,
 * the booker's bookings, the owner's approval queue and the utilisation
 * chart. The innovation chain's home page is left to the innovation domain.
 */
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const ID = '(\\d{1,12})';

export default {
  order: 40,
  routes: [
    { re: /^\/sharing$/, page: () => import('./catalogue.js'), nav: 'sharing-catalogue' },
    { re: /^\/sharing\/resources\/new$/, page: () => import('./form.js'), nav: 'sharing-catalogue' },
    { re: new RegExp(`^/sharing/resources/${ID}/edit$`), page: () => import('./form.js'), params: ['id'], nav: 'sharing-catalogue' },
    { re: new RegExp(`^/sharing/resources/${ID}$`), page: () => import('./resource.js'), params: ['id'], nav: 'sharing-catalogue' },
    { re: /^\/sharing\/bookings$/, page: () => import('./bookings.js'), nav: 'sharing-bookings' },
    { re: /^\/sharing\/queue$/, page: () => import('./queue.js'), nav: 'sharing-queue' },
    { re: /^\/sharing\/utilisation$/, page: () => import('./utilisation.js'), nav: 'sharing-utilisation' },
  ],
  navGroups: [
    { id: 'sharing', title: 'nav.sharing', order: 40 },
  ],
  nav: [
    { group: 'sharing', id: 'sharing-catalogue', href: '#/sharing', label: 'nav.sharingCatalogue', icon: 'list', order: 10, allow: 'GET /resources' },
    { group: 'sharing', id: 'sharing-bookings', href: '#/sharing/bookings', label: 'nav.sharingBookings', icon: 'list', order: 20, allow: 'GET /bookings' },
    { group: 'sharing', id: 'sharing-queue', href: '#/sharing/queue', label: 'nav.sharingQueue', icon: 'list', order: 30, allow: 'POST /resources' },
    { group: 'sharing', id: 'sharing-utilisation', href: '#/sharing/utilisation', label: 'nav.sharingUtilisation', icon: 'list', order: 40, allow: 'GET /sharing/utilisation' },
  ],
  dict: { zh, en },
};
