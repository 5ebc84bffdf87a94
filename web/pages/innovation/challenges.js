/*
 * challenges.js - 揭榜挂帅 (#/innovation/challenges): the challenges the caller
 * may read, newest first, by state; a large enterprise or the operator posts
 * a new one.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { may } from '../../lib/access.js';
import { fen, badge, fill, add } from './innovation.js';

const STATES = ['draft', 'open', 'closed', 'evaluating', 'shortlisted', 'awarded', 'completed'];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.innoChallenges'));
  const status = ctx.query.status || '';
  const sel = h('select', { id: 'f-challenge-status', onchange: (ev) => ctx.navigate(`/innovation/challenges${ev.target.value ? `?status=${ev.target.value}` : ''}`) },
    h('option', { value: '' }, t('common.all')), STATES.map((s) => h('option', { value: s, selected: s === status }, t(`inno.cs.${s}`))));
  const post = may('POST /challenges') ? h('a', { class: 'btn btn-primary', href: '#/innovation/challenges/new', id: 'new-challenge' }, t('inno.ch.post')) : null;
  const body = h('section', { class: 'card card-flush' }, loading());
  add(root, pageHeader(t('nav.innoChallenges'), t('inno.ch.subtitle'), post),
    h('div', { class: 'card filters' }, h('label', { class: 'inline-label' }, t('inno.statusLabel'), sel)), body);
  let r;
  try {
    r = await get('/challenges', { status });
  } catch (e) { fill(body, alertBox('error', errorText(e))); return; }
  if (!ctx.isCurrent()) return;
  const items = r.items || [];
  if (!items.length) { fill(body, h('p', { class: 'empty-note muted' }, t('inno.ch.none'))); return; }
  fill(body, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'challenge-table' },
    h('thead', null, h('tr', null, ['inno.ch.title', 'inno.ch.poster', 'inno.ch.segment', 'inno.ch.reward', 'inno.ch.deadline', 'inno.statusLabel']
      .map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, items.map((c) => h('tr', { dataset: { id: c.id } },
      h('td', null, h('a', { class: 'row-link', href: `#/innovation/challenges/${c.id}` }, c.title)),
      h('td', null, c.poster?.name),
      h('td', null, c.segment_name || '—'),
      h('td', { class: 'num' }, fen(c.reward_fen)),
      h('td', { class: 'nowrap' }, formatTime(c.deadline)),
      h('td', null, badge('cs', c.status))))))));
}
