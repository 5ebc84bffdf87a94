/*
 * scorecard.js - a supplier's scorecard (#/market/scorecard/{uscc}):
 * on-time delivery rate, acceptance rate and number of orders, computed by
 * the server from real orders; and the supplier's active supplies.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { levelLabel } from '../../lib/ref.js';
import { scorecardView, statusBadge, qty, fill, add } from './market.js';

export async function render(root, ctx) {
  const uscc = ctx.params.uscc.toUpperCase();
  const wait = loading();
  root.appendChild(wait);
  let ent;
  try {
    ent = await get(`/enterprises/${encodeURIComponent(uscc)}`);
  } catch (e) {
    wait.replaceWith(loadError(e));
    return;
  }
  wait.remove();
  ctx.setTitle(`${t('market.scorecard')} · ${ent.name}`);
  const box = h('div', null, loading());
  const supplies = h('div', null, loading());
  add(root, pageHeader(t('market.scorecard'), ent.name, h('a', { class: 'btn btn-ghost', href: `#/enterprises/${uscc}` }, t('market.enterprisePage'))),
    h('div', { class: 'badges' }, h('span', { class: 'badge mono' }, uscc), ent.level && ent.level !== 'none' ? h('span', { class: `badge badge-level-${ent.level}` }, levelLabel(ent.level)) : null),
    h('section', { class: 'card', id: 'scorecard-card' }, h('h2', null, t('market.scorecardTitle')), box, h('p', { class: 'muted small' }, t('market.scorecardExplain'))),
    h('section', { class: 'card' }, h('h2', null, t('market.supplierSupplies')), supplies));
  get(`/enterprises/${encodeURIComponent(uscc)}/scorecard`)
    .then((sc) => fill(box, scorecardView(sc)))
    .catch((e) => fill(box, alertBox(e.status === 404 ? 'info' : 'error', e.status === 404 ? t('market.scorecardNone') : errorText(e))));
  get('/supplies', { enterprise: uscc, limit: 50 })
    .then((page) => fill(supplies, page.items.length ? h('ul', { class: 'listing-list' }, page.items.map((s) => h('li', null,
      h('a', { class: 'listing-title', href: `#/market/supplies/${s.id}` }, s.title), ' ', statusBadge('supply', s.status),
      h('span', { class: 'muted small' }, [s.segment_name, qty(s.capacity, s.unit)].filter(Boolean).join(' · '))))) : h('p', { class: 'muted' }, t('market.noneYet'))))
    .catch((e) => fill(supplies, alertBox('error', errorText(e))));
}
