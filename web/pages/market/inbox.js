/*
 * inbox.js - the inbox (#/market/inbox): notifications of matching
 * demands (subscriptions), invitations, quotes, awards and orders, newest
 * first, unread highlighted. Opening one marks it read; "all read" clears
 * the badge in the top bar.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { refreshInboxBadge, entName, fill, add } from './market.js';

const PAGE_SIZE = 30;

/* Where a notification leads. */
function target(n) {
  const oid = n.object_id ?? n.object?.id;
  switch (n.kind) {
    case 'demand_match': return `#/market/demands/${oid}`;
    case 'invited': case 'quote': return `#/market/demands/${oid}/rfq`;
    case 'awarded': case 'order': return `#/market/orders/${oid}`;
    default: return null;
  }
}

export async function render(root, ctx) {
  ctx.setTitle(t('inbox.title'));
  const unreadOnly = ctx.query.unread === '1';
  const message = h('div');
  const list = h('div', null, loading());
  const readAll = h('button', { type: 'button', class: 'btn btn-outline', id: 'read-all', onclick: async () => {
    try {
      await post('/inbox/read-all');
      refreshInboxBadge();
      ctx.navigate(`/market/inbox${unreadOnly ? '?unread=1' : ''}`);
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, t('inbox.readAll'));
  const filter = h('a', { class: 'btn btn-ghost', id: 'unread-filter', href: unreadOnly ? '#/market/inbox' : '#/market/inbox?unread=1' },
    t(unreadOnly ? 'inbox.showAll' : 'inbox.showUnread'));
  add(root, pageHeader(t('inbox.title'), t('inbox.subtitle'), filter, readAll,
    h('a', { class: 'btn btn-ghost', href: '#/market/subscriptions' }, t('nav.marketSubscriptions'))), message,
  h('section', { class: 'card card-flush' }, list));

  let cursor = null;
  const ul = h('ul', { class: 'inbox-list', id: 'inbox-list' });
  const more = h('button', { type: 'button', class: 'btn btn-outline', hidden: true, onclick: () => load() }, t('directory.loadMore'));
  async function load() {
    let page;
    try {
      page = await get('/inbox', { unread: unreadOnly ? 1 : '', limit: PAGE_SIZE, cursor });
    } catch (e) {
      fill(list, alertBox('error', errorText(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = page.items || [];
    for (const n of items) ul.appendChild(item(n));
    cursor = page.next_cursor;
    more.hidden = !cursor;
    if (!ul.children.length) fill(list, h('p', { class: 'empty-note muted', id: 'inbox-empty' }, t('inbox.empty')));
    else if (!list.contains(ul)) fill(list, ul, h('div', { class: 'table-foot' }, more));
  }

  function item(n) {
    const href = target(n);
    const unread = !n.read_at;
    const detail = n.detail && typeof n.detail === 'object' ? n.detail : {};
    const why = [];
    if (detail.subscription || detail.subscription_name) why.push(t('inbox.viaSubscription', { name: detail.subscription_name || detail.subscription?.name || detail.subscription }));
    const words = detail.keywords || detail.matched || detail.terms;
    if (Array.isArray(words) && words.length) why.push(t('inbox.matchedWords', { words: words.join(t('common.listSep')) }));
    const li = h('li', { class: `inbox-item${unread ? ' unread' : ''}`, dataset: { id: n.id, kind: n.kind } },
      h('span', { class: 'inbox-dot', 'aria-hidden': 'true' }),
      h('div', { class: 'inbox-body' },
        h('div', null, h('span', { class: `badge badge-kind badge-kind-${n.kind}` }, t(`inbox.kind.${n.kind}`)), ' ',
          href ? h('a', { href, class: 'inbox-title', onclick: () => markRead(n, li) }, n.title) : h('span', { class: 'inbox-title' }, n.title)),
        h('span', { class: 'muted small' }, [formatTime(n.created_at), n.enterprise ? entName(n.enterprise) : null, ...why].filter(Boolean).join(' · '))),
      unread ? h('button', { type: 'button', class: 'btn btn-sm btn-ghost mark-read', onclick: () => markRead(n, li) }, t('inbox.markRead')) : null);
    return li;
  }

  async function markRead(n, li) {
    if (n.read_at) return;
    n.read_at = new Date().toISOString();
    li.classList.remove('unread');
    li.querySelector('.mark-read')?.remove();
    try {
      await post(`/inbox/${n.id}/read`);
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
    refreshInboxBadge();
  }

  await load();
}
