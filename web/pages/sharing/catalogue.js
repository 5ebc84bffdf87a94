/*
 * catalogue.js - the shared resources (#/sharing): words (matched as the
 * market matches them), type, province and city, and a free window ("free
 * for 8 hours between these dates"); each card shows the prices, the owner,
 * the matched words and the earliest free window found. Filters live in the
 * address so links and back/forward work.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { regions } from '../../lib/ref.js';
import { may } from '../../lib/access.js';
import { TYPES, fen, windowText, shanghaiDate, fill } from './sharing.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.sharingCatalogue'));
  const st = { q: '', type: '', province: '', city: '', hours: '', from: '', to: '', mine: '' };
  for (const k of Object.keys(st)) st[k] = ctx.query[k] || '';
  root.appendChild(pageHeader(t('nav.sharingCatalogue'), t('sharing.catalogueSubtitle'),
    may('POST /resources') ? h('a', { class: 'btn btn-primary', id: 'open-resource', href: '#/sharing/resources/new' }, t('sharing.openResource')) : null));

  const q = h('input', { id: 's-q', type: 'search', value: st.q, maxlength: 100, placeholder: t('sharing.searchPlaceholder') });
  const type = h('select', { id: 's-type' }, h('option', { value: '' }, t('common.all')),
    TYPES.map((x) => h('option', { value: x, selected: x === st.type }, t(`sharing.type.${x}`))));
  const province = h('select', { id: 's-province' }, h('option', { value: '' }, t('common.all')));
  const city = h('select', { id: 's-city' }, h('option', { value: '' }, t('common.all')));
  const hours = h('input', { id: 's-hours', type: 'number', min: 1, max: 240, value: st.hours, placeholder: t('sharing.hoursPlaceholder') });
  const from = h('input', { id: 's-from', type: 'date', value: st.from || shanghaiDate(1) });
  const to = h('input', { id: 's-to', type: 'date', value: st.to || shanghaiDate(7) });
  const mine = h('input', { id: 's-mine', type: 'checkbox', checked: st.mine === '1' });
  const form = h('form', { class: 'card filters', role: 'search', onsubmit: (e) => { e.preventDefault(); apply(); } },
    h('div', { class: 'field field-search' }, h('label', { for: 's-q' }, t('sharing.search')),
      h('div', { class: 'input-group' }, q, h('button', { type: 'submit', class: 'btn btn-primary', id: 's-search' }, t('common.search')))),
    h('div', { class: 'filter-row' },
      h('div', { class: 'field' }, h('label', { for: 's-type' }, t('sharing.typeLabel')), type),
      h('div', { class: 'field' }, h('label', { for: 's-province' }, t('field.province')), province),
      h('div', { class: 'field' }, h('label', { for: 's-city' }, t('sharing.city')), city),
      h('div', { class: 'field' }, h('label', { for: 's-hours' }, t('sharing.freeHours')), hours),
      h('div', { class: 'field' }, h('label', { for: 's-from' }, t('sharing.between')), h('div', { class: 'input-group' }, from, to)),
      h('div', { class: 'field field-check' }, h('label', { class: 'inline-label' }, mine, t('sharing.onlyMine')))));
  for (const el of [type, city, mine]) el.addEventListener('change', apply);
  province.addEventListener('change', async () => { await loadCities(); apply(); });
  const summary = h('p', { class: 'muted result-summary', id: 's-summary', 'aria-live': 'polite' });
  const list = h('div', { id: 'resource-list', class: 'resource-list' });
  root.append(form, h('section', { class: 'card' }, summary, list));

  regions().then((ps) => {
    if (!ctx.isCurrent()) return;
    for (const p of ps) province.appendChild(h('option', { value: p.code, selected: p.code.slice(0, 2) === st.province }, p.name));
    if (st.province) loadCities();
  }).catch(() => {});

  async function loadCities() {
    fill(city, h('option', { value: '' }, t('common.all')));
    if (!province.value) return;
    const cs = await regions(province.value).catch(() => []);
    for (const c of cs) city.appendChild(h('option', { value: c.code, selected: c.code.slice(0, 4) === st.city }, c.name));
  }

  function apply() {
    const next = {
      q: q.value.trim(), type: type.value, province: province.value.slice(0, 2), city: city.value.slice(0, 4),
      hours: hours.value, from: hours.value ? from.value : '', to: hours.value ? to.value : '', mine: mine.checked ? '1' : '',
    };
    const qs = new URLSearchParams(Object.entries(next).filter(([, v]) => v)).toString();
    ctx.navigate(`/sharing${qs ? `?${qs}` : ''}`);
  }

  const query = { limit: 50, q: st.q, type: st.type, region: st.city || st.province, hours: st.hours, mine: st.mine };
  if (st.hours) Object.assign(query, { from: st.from || shanghaiDate(1), to: st.to || shanghaiDate(7) });
  try {
    const page = await get('/resources', query);
    if (!ctx.isCurrent()) return;
    summary.textContent = t('sharing.found', { n: page.items.length });
    if (!page.items.length) { fill(list, h('p', { class: 'muted', id: 'no-resources' }, t('sharing.noneFound'))); return; }
    fill(list, page.items.map(card));
  } catch (e) {
    fill(list, alertBox('error', errorText(e)));
  }
}

function card(r) {
  return h('article', { class: 'resource-card', dataset: { id: r.id }, style: { borderBottom: '1px solid #e5e7eb', padding: '12px 0' } },
    h('div', { class: 'card-head' },
      h('h2', { style: { fontSize: '1.05rem', margin: 0 } }, h('a', { href: `#/sharing/resources/${r.id}`, class: 'resource-name' }, r.name)),
      h('span', { class: 'badge' }, t(`sharing.type.${r.type}`))),
    h('p', { class: 'muted small' }, [r.owner.name, r.region_name, t('sharing.capacityN', { n: r.capacity }),
      t(`sharing.approval.${r.approval}`), t(`sharing.eligibility.${r.eligibility}`)].join(' · ')),
    r.description ? h('p', null, r.description) : null,
    h('p', { class: 'small' }, `${t('sharing.priceSme')} ${fen(r.price_per_hour_fen.sme)}/${t('sharing.perHour')} · ${t('sharing.priceLarge')} ${fen(r.price_per_hour_fen.large)}/${t('sharing.perHour')}`,
      r.sme_share_bp ? ` · ${t('sharing.smeShare', { p: r.sme_share_bp / 100 })}` : ''),
    r.matched ? h('p', { class: 'small matched-words' }, t('sharing.matched', { words: r.matched.join(t('sharing.listSep')) })) : null,
    r.free_window ? h('p', { class: 'small free-window' }, h('strong', null, t('sharing.freeFrom')), ` ${windowText(r.free_window)}`) : null);
}
