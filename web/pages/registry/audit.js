/*
 * audit.js - the platform's audit log of every write, newest first, for the
 * operator; paged with the server's cursor.
 */
import { t, hasKey, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { get } from '../../lib/api.js';

const PAGE_SIZE = 50;

export async function render(root, ctx) {
  ctx.setTitle(t('nav.audit'));
  root.appendChild(pageHeader(t('audit.title'), t('audit.subtitle')));
  const message = h('div');
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'btn btn-outline', hidden: true, onclick: () => load() }, t('directory.loadMore'));
  const table = h('section', { class: 'card card-flush' },
    h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'audit-table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('audit.at')),
        h('th', { scope: 'col' }, t('audit.actor')),
        h('th', { scope: 'col' }, t('audit.action')),
        h('th', { scope: 'col' }, t('audit.object')),
        h('th', { scope: 'col' }, t('audit.detail')))),
      tbody)),
    h('div', { class: 'table-foot' }, more));
  root.append(message, table);

  let cursor = null;
  let shown = 0;
  async function load() {
    more.disabled = true;
    try {
      const page = await get('/audit', { limit: PAGE_SIZE, cursor });
      if (!ctx.isCurrent()) return;
      for (const a of page.items) tbody.appendChild(row(a));
      shown += page.items.length;
      if (!shown) tbody.appendChild(h('tr', null, h('td', { colspan: 5, class: 'empty-cell' }, t('audit.empty'))));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (e) {
      message.replaceChildren(alertBox('error', errorText(e)));
      if (!shown) table.hidden = true;
    }
    more.disabled = false;
  }
  await load();
}

function row(a) {
  const key = `audit.act.${a.action}`;
  const detail = a.detail && typeof a.detail === 'object'
    ? Object.entries(a.detail).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('; ')
    : a.detail || '';
  return h('tr', null,
    h('td', { class: 'nowrap' }, formatTime(a.at)),
    h('td', { class: 'nowrap' }, a.actor || '—'),
    h('td', null, hasKey(key) ? t(key) : a.action, h('div', { class: 'muted small mono' }, a.action)),
    h('td', null, [a.object_type, a.object_id].filter(Boolean).join(' · ') || '—'),
    h('td', null, h('div', { class: 'detail-cell small' }, detail)));
}
