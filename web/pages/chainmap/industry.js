/*
 * industry.js - the industry chain (产业链, #/chains/industry), the entry to
 * the chain map: the industry chains the platform maps, each linking to its
 * graph and health, and the supply base and disruption tools for those the
 * server lets use them.
 */
import { t, tList, localName, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { chains } from '../../lib/ref.js';
import { chainHref, canSeeSupplyBase, canRunDisruption } from './chainmap.js';

export async function render(root, ctx) {
  const name = t('chain.industry.name');
  ctx.setTitle(name);
  const tools = [
    canSeeSupplyBase() ? h('a', { class: 'tool-tile', href: '#/supply-base' },
      h('strong', null, t('nav.supplyBase')), h('span', { class: 'muted small' }, t('industry.toolSupplyNote'))) : null,
    canRunDisruption() ? h('a', { class: 'tool-tile', href: '#/disrupt' },
      h('strong', null, t('nav.disrupt')), h('span', { class: 'muted small' }, t('industry.toolDisruptNote'))) : null,
  ];
  const list = h('div', { class: 'chain-list' }, h('p', { class: 'muted' }, t('common.loading')));
  root.append(
    pageHeader(name, t('chain.industry.short')),
    h('section', { class: 'card chain-intro' },
      h('p', { class: 'lead' }, t('chain.industry.intro')),
      h('ul', { class: 'feature-list feature-inline' }, tList('chain.industry.features').map((f) => h('li', null, f))),
      tools.some(Boolean) ? h('div', { class: 'tool-grid' }, tools) : null),
    h('section', { class: 'card' }, h('h2', null, t('chain.industry.mapped')), list));
  let items;
  try {
    items = await chains();
  } catch (e) {
    list.replaceChildren(alertBox('error', errorText(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!items.length) {
    list.replaceChildren(h('p', { class: 'muted' }, t('chain.industry.none')));
    return;
  }
  const counts = new Map(items.map((c) => [c.id, h('span', { class: 'muted small' })]));
  list.replaceChildren(h('ul', { class: 'mapped-chains', id: 'mapped-chains' }, items.map((c) => h('li', null,
    h('a', { href: chainHref(c.id), class: 'mapped-chain-link' }, h('strong', null, localName(c))),
    h('span', { class: 'muted small' }, altName(c)),
    h('span', { class: 'mapped-chain-meta' }, h('span', { class: 'muted small mono' }, c.id), counts.get(c.id))))));
  // Segment counts, one small request per chain.
  await Promise.all(items.slice(0, 24).map((c) => get(`/chains/${encodeURIComponent(c.id)}`)
    .then((full) => { counts.get(c.id).textContent = t('industry.segments', { n: formatNumber((full.segments || []).length) }); })
    .catch(() => {})));
}

/* The name in the other language, as a secondary line. */
function altName(c) {
  const main = localName(c);
  return main === c.name ? c.name_en || '' : c.name;
}
