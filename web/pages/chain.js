/*
 * chain.js - the page of one of the seven chains (#/chains/{id}). The chains'
 * own features arrive in later work; until then each page says what it will
 * offer. The industry chain page already lists the chains the platform maps.
 */
import { t, tList, localName } from '../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../lib/dom.js';
import { chains, SEVEN_CHAINS } from '../lib/ref.js';

export async function render(root, ctx) {
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

  if (id === 'industry') {
    const list = h('div', { class: 'chain-list' }, h('p', { class: 'muted' }, t('common.loading')));
    root.appendChild(h('section', { class: 'card' }, h('h2', null, t('chain.industry.mapped')), list));
    try {
      const items = await chains();
      if (!ctx.isCurrent()) return;
      list.replaceChildren(items.length
        ? h('ul', { class: 'mapped-chains', id: 'mapped-chains' }, items.map((c) => h('li', null,
          h('strong', null, localName(c)),
          h('span', { class: 'muted small mono' }, c.id),
          h('span', { class: 'muted small' }, getAltName(c)))))
        : h('p', { class: 'muted' }, t('chain.industry.none')));
    } catch (e) {
      list.replaceChildren(alertBox('error', errorText(e)));
    }
  }

  /* The name in the other language, as a secondary line. */
  function getAltName(c) {
    const main = localName(c);
    return main === c.name ? c.name_en || '' : c.name;
  }
}
