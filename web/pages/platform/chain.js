/*
 * chain.js - the page of one of the seven chains that no domain has built yet
 * (#/chains/{id}): what the chain is for and the features it will offer. A
 * domain that implements a chain declares its own /chains/{id} route, which
 * takes this one's place (see web/README.md).
 */
import { t, tList } from '../../lib/i18n.js';
import { h, pageHeader } from '../../lib/dom.js';
import { SEVEN_CHAINS } from '../../lib/ref.js';

export function render(root, ctx) {
  const id = ctx.params.id;
  if (!SEVEN_CHAINS.includes(id)) {
    root.appendChild(h('div', { class: 'card empty' }, h('h1', null, t('notfound.title')), h('p', null, t('notfound.text'))));
    return;
  }
  const name = t(`chain.${id}.name`);
  ctx.setTitle(name);
  root.append(
    pageHeader(name, t(`chain.${id}.short`), h('span', { class: 'badge badge-soon' }, t('chain.comingSoon'))),
    h('section', { class: 'card chain-intro' },
      h('p', { class: 'lead' }, t(`chain.${id}.intro`)),
      h('h2', null, t('chain.plannedTitle')),
      h('ul', { class: 'feature-list' }, tList(`chain.${id}.features`).map((f) => h('li', null, f))),
      h('p', { class: 'muted small' }, t('chain.comingSoonNote'))));
}
