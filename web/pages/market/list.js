/*
 * list.js - the demand hall (#/market/demands) and the supply hall
 * (#/market/supplies): search by words (q), filter by chain/segment, region
 * (province), status and, for demands, "only ours"; cursor pages ("load
 * more"). Filters live in the address so back/forward and links work.
 * Searching supplies also asks the matcher (GET /match): it understands the
 * buyer's words (马达 finds 电机, explained) where the directory's word
 * filter only finds the literal words.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { regions } from '../../lib/ref.js';
import { may } from '../../lib/access.js';
import { segmentPicker, statusBadge, entLink, fen, formatDate, qty, tagChips, regionLabel, fill, add, understoodView } from './market.js';

const PAGE_SIZE = 20;
const STATUSES = { demands: ['open', 'closed', 'awarded', 'cancelled'], supplies: ['active', 'withdrawn'] };

export async function render(root, ctx) {
  const kind = ctx.params.kind; // 'demands' | 'supplies'
  const isDemand = kind === 'demands';
  const keys = ['q', 'chain', 'segment', 'province', 'status', ...(isDemand ? ['mine'] : [])];
  const state = {};
  for (const k of keys) state[k] = ctx.query[k] || '';
  if (!('status' in ctx.query)) state.status = isDemand ? 'open' : 'active';
  ctx.setTitle(t(isDemand ? 'nav.marketDemands' : 'nav.marketSupplies'));

  const canPublish = may(`POST /${kind}`); // POST /demands or POST /supplies
  root.appendChild(pageHeader(t(isDemand ? 'nav.marketDemands' : 'nav.marketSupplies'),
    t(isDemand ? 'market.demandsSubtitle' : 'market.suppliesSubtitle'),
    canPublish ? h('a', { class: 'btn btn-primary', id: 'create-listing', href: `#/market/${kind}/new` },
      t(isDemand ? 'market.publishDemand' : 'market.publishSupply')) : null));

  const q = h('input', { id: 'f-q', type: 'search', value: state.q, maxlength: 100, placeholder: t('market.searchPlaceholder') });
  const seg = segmentPicker({ chain: state.chain, segment: state.segment, idPrefix: 'f', allLabel: t('common.all') });
  const provinceSel = h('select', { id: 'f-province' }, h('option', { value: '' }, t('common.all')));
  const statusSel = h('select', { id: 'f-status' }, h('option', { value: '' }, t('common.all')),
    STATUSES[kind].map((s) => h('option', { value: s, selected: s === state.status }, t(`market.status.${isDemand ? 'demand' : 'supply'}.${s}`))));
  const mineBox = isDemand ? h('input', { type: 'checkbox', id: 'f-mine', checked: state.mine === '1' }) : null;
  const form = h('form', { class: 'card filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); apply(); } },
    h('div', { class: 'field field-search' }, h('label', { for: 'f-q' }, t('market.search')),
      h('div', { class: 'input-group' }, q, h('button', { type: 'submit', class: 'btn btn-primary', id: 'search-btn' }, t('common.search')))),
    h('div', { class: 'filter-row' },
      h('div', { class: 'field' }, h('label', { for: 'f-chain' }, t('market.chainSegment')), seg.el),
      h('div', { class: 'field' }, h('label', { for: 'f-province' }, t('field.province')), provinceSel),
      h('div', { class: 'field' }, h('label', { for: 'f-status' }, t('market.statusLabel')), statusSel),
      mineBox ? h('div', { class: 'field field-check' }, h('label', { class: 'inline-label' }, mineBox, t('market.onlyMine'))) : null,
      h('div', { class: 'field field-actions' }, h('button', { type: 'button', class: 'btn btn-ghost', onclick: resetFilters }, t('common.reset')))));
  for (const el of [seg.segmentSel, provinceSel, statusSel, mineBox].filter(Boolean)) el.addEventListener('change', apply);
  seg.chainSel.addEventListener('change', () => { if (!seg.chainSel.value) apply(); });

  const summary = h('p', { class: 'muted result-summary', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const cols = isDemand
    ? ['market.title', 'market.buyer', 'market.segment', 'market.quantity', 'market.budget', 'market.deadline', 'market.region', 'market.statusLabel']
    : ['market.title', 'market.supplier', 'market.segment', 'market.capacity', 'market.regions', 'market.certifications', 'market.statusLabel'];
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'listing-table' },
    h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))), tbody));
  const message = h('div');
  const more = h('button', { type: 'button', class: 'btn btn-outline', id: 'load-more', hidden: true, onclick: () => load(false) }, t('directory.loadMore'));
  const smart = h('section', { class: 'card', id: 'smart-match', hidden: true });
  add(root, form, message, smart, h('section', { class: 'card card-flush' }, summary, table, h('div', { class: 'table-foot' }, more)));

  /* Supplies: the matcher's ranked, explained answer to the same words. */
  async function loadSmart() {
    smart.hidden = true;
    if (isDemand || !state.q) return;
    try {
      const res = await get('/match', { q: state.q, limit: 10 });
      if (!ctx.isCurrent()) return;
      const results = res.results || [];
      fill(smart, h('h2', null, t('market.smartMatch')), understoodView(res.understood),
        results.length ? h('ol', { class: 'match-list', id: 'smart-list' }, results.map((r) => h('li', { class: 'match-item', dataset: { id: r.supply.id } },
          h('div', { class: 'match-title' },
            h('a', { href: `#/market/supplies/${r.supply.id}`, class: 'match-link' }, r.supply.title),
            h('span', { class: 'muted small' }, [r.supply.enterprise?.name, r.supply.segment_name, Number(r.score).toFixed(2)].filter(Boolean).join(' · '))),
          (r.explain?.text?.why || []).length ? h('div', { class: 'muted small why' }, r.explain.text.why.slice(0, 2).join(t('common.listSep'))) : null)))
          : h('p', { class: 'muted' }, t('market.noMatches')));
      smart.hidden = false;
    } catch { /* the directory below still answers */ }
  }

  regions().then((provinces) => {
    if (!ctx.isCurrent()) return;
    for (const p of provinces) provinceSel.appendChild(h('option', { value: p.code.slice(0, 2), selected: p.code.slice(0, 2) === state.province }, p.name));
  }).catch(() => {});

  let cursor = null;
  let shown = 0;
  let controller = null;

  function resetFilters() {
    q.value = '';
    seg.reset();
    provinceSel.value = '';
    statusSel.value = '';
    if (mineBox) mineBox.checked = false;
    apply();
  }
  function apply() {
    state.q = q.value.trim();
    const sv = seg.value();
    state.chain = sv.chain || '';
    state.segment = sv.segment || '';
    state.province = provinceSel.value;
    state.status = statusSel.value;
    if (mineBox) state.mine = mineBox.checked ? '1' : '';
    const qs = new URLSearchParams();
    for (const k of keys) if (state[k]) qs.set(k, state[k]);
    if (!state.status) qs.set('status', '');
    history.replaceState(null, '', `#/market/${kind}?${qs.toString()}`);
    load(true);
  }

  async function load(fresh) {
    if (controller) controller.abort();
    controller = new AbortController();
    const query = { q: state.q, chain: state.chain, segment: state.segment, region: state.province, status: state.status, limit: PAGE_SIZE };
    if (isDemand) query.mine = state.mine;
    if (fresh) { cursor = null; shown = 0; summary.textContent = t('common.loading'); loadSmart(); } else query.cursor = cursor;
    more.disabled = true;
    try {
      const page = await get(`/${kind}`, query, { signal: controller.signal });
      if (!ctx.isCurrent()) return;
      fill(message, );
      if (fresh) fill(tbody, );
      for (const item of page.items) tbody.appendChild(isDemand ? demandRow(item) : supplyRow(item));
      shown += page.items.length;
      cursor = page.next_cursor;
      more.hidden = !cursor;
      more.disabled = false;
      if (!shown) {
        tbody.appendChild(h('tr', null, h('td', { colspan: cols.length, class: 'empty-cell' }, t('market.empty'))));
        summary.textContent = t('directory.none');
      } else {
        summary.textContent = cursor ? t('directory.shownMore', { n: shown }) : t('directory.shownAll', { n: shown });
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      fill(message, alertBox('error', e.status === 404 ? t('market.apiMissing') : errorText(e)));
      summary.textContent = '';
      more.disabled = false;
    }
  }
  load(true);
  return () => { if (controller) controller.abort(); };
}

const segCell = (x) => (x.segment ? h('span', { title: `${x.chain}/${x.segment}` }, x.segment_name || x.segment) : h('span', { class: 'muted' }, '—'));

function demandRow(d) {
  return h('tr', { dataset: { id: d.id } },
    h('td', { class: 'name-cell' }, h('a', { class: 'row-link', href: `#/market/demands/${d.id}` }, d.title)),
    h('td', null, entLink(d.enterprise)),
    h('td', null, segCell(d)),
    h('td', { class: 'num' }, qty(d.quantity, d.unit)),
    h('td', { class: 'num' }, fen(d.budget_fen)),
    h('td', { class: 'nowrap' }, formatDate(d.deadline)),
    h('td', null, d.region ? regionLabel(d.region) : '—'),
    h('td', null, statusBadge('demand', d.status)));
}

function supplyRow(s) {
  return h('tr', { dataset: { id: s.id } },
    h('td', { class: 'name-cell' }, h('a', { class: 'row-link', href: `#/market/supplies/${s.id}` }, s.title)),
    h('td', null, entLink(s.enterprise)),
    h('td', null, segCell(s)),
    h('td', { class: 'num' }, qty(s.capacity, s.unit)),
    h('td', null, (s.regions || []).length ? (s.regions || []).slice(0, 3).map((r) => h('div', null, regionLabel(r))) : '—'),
    h('td', null, tagChips(s.certifications)),
    h('td', null, statusBadge('supply', s.status)));
}
