/*
 * enterprises.js - the enterprise directory: search by name or USCC, filter by
 * province/city, industry section, size class and 专精特新 level, and page
 * through the results with the server's cursor ("load more"). The filters are
 * kept in the address (#/enterprises?q=…) so back/forward and links work.
 */
import { t, localName, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { usccOrText } from '../../lib/uscc.js';
import { canWriteEnterprises } from './registry.js';
import { regions, industries, industrySections, SIZES, LEVELS, sizeLabel, levelLabel } from '../../lib/ref.js';

const PAGE_SIZE = 20;
const FILTER_KEYS = ['q', 'province', 'city', 'industry', 'size', 'level'];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.enterprises'));
  const state = {};
  for (const k of FILTER_KEYS) state[k] = ctx.query[k] || '';

  const createBtn = canWriteEnterprises()
    ? h('a', { class: 'btn btn-primary', href: '#/enterprises/new', id: 'create-enterprise' }, t('enterprise.create'))
    : null;
  root.appendChild(pageHeader(t('directory.title'), t('directory.subtitle'), createBtn));

  const select = (id, label, options, value) => h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name: id }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));

  const q = h('input', {
    id: 'f-q', name: 'q', type: 'search', value: state.q, placeholder: t('directory.searchPlaceholder'), maxlength: 100,
  });
  const provinceField = select('f-province', t('field.province'), [['', t('common.all')]], state.province);
  const cityField = select('f-city', t('field.city'), [['', t('common.all')]], state.city);
  const industryField = select('f-industry', t('field.industrySection'), [['', t('common.all')]], state.industry);
  const sizeField = select('f-size', t('field.size'),
    [['', t('common.all')], ...SIZES.map((s) => [s, sizeLabel(s)])], state.size);
  const levelField = select('f-level', t('field.level'),
    [['', t('common.all')], ...LEVELS.map((l) => [l, levelLabel(l)])], state.level);
  const provinceSel = provinceField.querySelector('select');
  const citySel = cityField.querySelector('select');
  const industrySel = industryField.querySelector('select');
  citySel.disabled = !state.province;

  const form = h('form', { class: 'card filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); apply(); } },
    h('div', { class: 'field field-search' },
      h('label', { for: 'f-q' }, t('directory.search')),
      h('div', { class: 'input-group' }, q, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search')))),
    h('div', { class: 'filter-row' }, provinceField, cityField, industryField, sizeField, levelField,
      h('div', { class: 'field field-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: resetFilters }, t('common.reset')))));

  const summary = h('p', { class: 'muted result-summary', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'enterprise-table' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('field.name')),
      h('th', { scope: 'col' }, t('field.uscc')),
      h('th', { scope: 'col' }, t('field.region')),
      h('th', { scope: 'col' }, t('field.industry')),
      h('th', { scope: 'col', class: 'num' }, t('field.employees')),
      h('th', { scope: 'col' }, t('field.size')),
      h('th', { scope: 'col' }, t('field.level')))),
    tbody));
  const message = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-outline', id: 'load-more', hidden: true, onclick: () => load(false) },
    t('directory.loadMore'));
  root.append(form, message, h('section', { class: 'card card-flush' }, summary, table, h('div', { class: 'table-foot' }, more)));

  let cursor = null;
  let shown = 0;
  let controller = null;

  // Fill the selects from reference data without blocking the first search.
  Promise.all([regions(), industrySections()]).then(([provinces, sections]) => {
    if (!ctx.isCurrent()) return;
    for (const p of provinces) provinceSel.appendChild(h('option', { value: p.code, selected: p.code === state.province }, p.name));
    for (const s of sections) {
      industrySel.appendChild(h('option', { value: s.code, selected: s.code === state.industry }, `${s.code} ${localName(s)}`));
    }
    if (state.province) fillCities(state.province, state.city);
  }).catch((e) => message.replaceChildren(alertBox('error', errorText(e))));

  async function fillCities(province, selected) {
    citySel.replaceChildren(h('option', { value: '' }, t('common.all')));
    citySel.disabled = !province;
    if (!province) return;
    try {
      const cities = await regions(province);
      if (provinceSel.value !== province) return;
      for (const c of cities) citySel.appendChild(h('option', { value: c.code, selected: c.code === selected }, c.name));
    } catch (e) {
      message.replaceChildren(alertBox('error', errorText(e)));
    }
  }

  provinceSel.addEventListener('change', () => { fillCities(provinceSel.value, ''); apply(); });
  for (const sel of [citySel, industrySel, sizeField.querySelector('select'), levelField.querySelector('select')]) {
    sel.addEventListener('change', apply);
  }

  function resetFilters() {
    q.value = '';
    for (const sel of form.querySelectorAll('select')) sel.value = '';
    fillCities('', '');
    apply();
  }

  /* Reads the form into state, records it in the address without a page reload, and searches. */
  function apply() {
    state.q = usccOrText(q.value); // a code pasted with spaces or hyphens is searched for as the code
    state.province = provinceSel.value;
    state.city = citySel.value;
    state.industry = industrySel.value;
    state.size = sizeField.querySelector('select').value;
    state.level = levelField.querySelector('select').value;
    const qs = new URLSearchParams();
    for (const k of FILTER_KEYS) if (state[k]) qs.set(k, state[k]);
    const s = qs.toString();
    history.replaceState(null, '', `#/enterprises${s ? `?${s}` : ''}`);
    load(true);
  }

  /* The API's query: region is the city's 4-digit or the province's 2-digit prefix. */
  function apiQuery() {
    let region = '';
    if (state.city) region = state.city.slice(0, 4);
    else if (state.province) region = state.province.slice(0, 2);
    return { q: state.q, region, industry: state.industry, size: state.size, level: state.level, limit: PAGE_SIZE };
  }

  async function load(fresh) {
    if (controller) controller.abort();
    controller = new AbortController();
    const query = apiQuery();
    if (fresh) {
      cursor = null;
      shown = 0;
      summary.textContent = t('common.loading');
    } else {
      query.cursor = cursor;
    }
    more.disabled = true;
    try {
      const [page, names] = await Promise.all([get('/enterprises', query, { signal: controller.signal }), industryNames()]);
      if (!ctx.isCurrent()) return;
      message.replaceChildren();
      if (fresh) tbody.replaceChildren();
      for (const e of page.items) tbody.appendChild(row(e, names));
      shown += page.items.length;
      cursor = page.next_cursor;
      more.hidden = !cursor;
      more.disabled = false;
      if (shown === 0) {
        tbody.appendChild(h('tr', null, h('td', { colspan: 7, class: 'empty-cell' }, t('directory.empty'))));
        summary.textContent = t('directory.none');
      } else {
        summary.textContent = cursor ? t('directory.shownMore', { n: shown }) : t('directory.shownAll', { n: shown });
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      message.replaceChildren(alertBox('error', errorText(e)));
      summary.textContent = '';
      more.disabled = false;
    }
  }

  load(true);
  return () => { if (controller) controller.abort(); };
}

/* industry code → name in the UI language (the list carries only the Chinese name). */
async function industryNames() {
  try {
    return new Map((await industries()).map((i) => [i.code, localName(i)]));
  } catch {
    return new Map();
  }
}

function row(e, names) {
  const href = `#/enterprises/${encodeURIComponent(e.uscc)}`;
  return h('tr', null,
    h('td', { class: 'name-cell' }, h('a', { href, class: 'row-link' }, e.name)),
    h('td', { class: 'mono' }, e.uscc),
    h('td', { class: 'nowrap' }, e.region_name || e.region),
    h('td', null, `${e.industry} ${names.get(e.industry) || e.industry_name || ''}`.trim()),
    h('td', { class: 'num' }, formatNumber(e.employees)),
    h('td', null, h('span', { class: `badge badge-size-${e.size}` }, sizeLabel(e.size))),
    h('td', null, e.level && e.level !== 'none'
      ? h('span', { class: `badge badge-level-${e.level}` }, levelLabel(e.level))
      : h('span', { class: 'muted' }, levelLabel('none'))));
}
