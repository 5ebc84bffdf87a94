/*
 * chain-map.js - one industry chain (#/chains/{id}): its segments drawn as a
 * left-to-right graph (upstream on the left, the finished product on the
 * right) coloured by segment health, the health of every segment as a table,
 * and for the chosen segment its figures, its main suppliers and the ranked
 * gap-filling candidates (精准补链). The operator sees the whole chain; a
 * chain leader (large enterprise) sees its own supply base; the others see the
 * chain's structure and the server's reason why health is not shown to them.
 * Filters (region, thresholds) and the chosen segment live in the address.
 */
import * as echarts from '/vendor/echarts.esm.min.js';
import { t, localName, localMessage, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { regions, sizeLabel, levelLabel } from '../../lib/ref.js';
import {
  formatFen, formatPercent, formatHhi, weakRuleText, healthClass, healthBadge, HEALTH_COLORS, reasonText,
  regionFullNames, enterpriseLink, levelBadge, enterprisePicker, chainHref, shareBar, canSeeSupplyBase, canRunDisruption,
} from './chainmap.js';

const FILL_LIMIT = 20;
const RELATION_PAGES = 10; // at most 10 × 500 relations are read for the supplier lists
const QUERY_KEYS = ['region', 'min_suppliers', 'max_hhi', 'segment', 'buyer'];

export async function render(root, ctx) {
  const id = ctx.params.id;
  const orgType = session().org.type;
  const state = {};
  for (const k of QUERY_KEYS) state[k] = ctx.query[k] || '';

  const body = h('div', null, loading());
  root.appendChild(body);

  let chain;
  try {
    chain = await get(`/chains/${encodeURIComponent(id)}`);
  } catch (e) {
    body.replaceChildren(loadError(e), h('p', null, h('a', { href: '#/chains/industry' }, t('chainmap.back'))));
    return undefined;
  }
  if (!ctx.isCurrent()) return undefined;
  const chainName = localName(chain);
  ctx.setTitle(chainName);
  const segments = chain.segments || [];
  const segByCode = new Map(segments.map((s) => [s.code, s]));
  const downstream = new Map(segments.map((s) => [s.code, []]));
  for (const s of segments) for (const u of s.upstream || []) downstream.get(u)?.push(s.code);
  const segNames = (codes) => (codes.length ? codes.map((c) => segByCode.get(c)?.name || c).join(t('common.listSep')) : '—');

  /* ---- page furniture ---- */
  const header = [
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/chains/industry' }, t('chain.industry.name')), h('span', { 'aria-hidden': 'true' }, ' / '),
      h('span', null, chainName)),
    pageHeader(chainName, t('chainmap.subtitle', { n: segments.length }),
      canSeeSupplyBase()
        ? h('a', { class: 'btn btn-outline', href: '#/supply-base' }, t('nav.supplyBase')) : null,
      canRunDisruption() ? h('a', { class: 'btn btn-outline', href: '#/disrupt' }, t('nav.disrupt')) : null),
  ];
  if (!segments.length) {
    body.replaceChildren(...header, h('div', { class: 'card empty' },
      h('h2', null, t('chainmap.noSegments')), h('p', null, t('chainmap.noSegmentsText'))));
    return undefined;
  }

  const message = h('div');
  const filterForm = buildFilters();
  const stats = h('div', { class: 'stats-grid chain-stats' });
  const graphEl = h('div', { class: 'chain-graph', id: 'chain-graph', role: 'img', 'aria-label': t('chainmap.graphLabel', { name: chainName }) });
  const legend = h('ul', { class: 'health-legend', 'aria-hidden': 'true' },
    ['ok', 'warn', 'weak'].map((c) => h('li', null, h('span', { class: `legend-dot legend-${c}` }), t(`health.legend.${c}`))),
    h('li', { class: 'muted' }, t('chainmap.flowHint')));
  const panel = h('section', { class: 'card segment-panel', id: 'segment-panel', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, t('chainmap.pickSegment')));
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('section', { class: 'card card-flush' },
    h('div', { class: 'card-head' }, h('h2', null, t('chainmap.tableTitle')),
      h('span', { class: 'muted small', id: 'health-scope' })),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table health-table', id: 'health-table' }, thead, tbody)));

  body.replaceChildren(...header, filterForm, message, stats,
    h('section', { class: 'card' },
      h('div', { class: 'card-head card-head-plain' }, h('h2', null, t('chainmap.graphTitle')), legend),
      h('div', { class: 'chain-graph-scroll' }, graphEl)),
    panel, table);

  /* ---- state shared by the parts ---- */
  let health = null; // the health answer, or null when not allowed / failed
  let healthError = null;
  let chart = null;
  let panelSeq = 0;
  let relationsPromise = null;
  let buyers = []; // the user's own enterprises (chain leaders and SMEs fill gaps for these)
  const healthBy = () => new Map((health?.segments || []).map((s) => [s.segment, s]));

  if (orgType !== 'operator') {
    try {
      buyers = (await get('/enterprises', { org_id: session().org.id, limit: 50 })).items;
    } catch { buyers = []; }
    if (!ctx.isCurrent()) return undefined;
    if (!state.buyer && buyers.length) {
      const own = buyers.find((b) => b.uscc === session().org.uscc);
      state.buyer = (own || buyers[0]).uscc;
    }
  }

  await loadHealth();
  if (!ctx.isCurrent()) return undefined;

  const onResize = () => chart?.resize();
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    chart?.dispose();
  };

  /* ---- filters: region (province, city) and the weak link thresholds ---- */
  function buildFilters() {
    const provinceSel = h('select', { id: 'hf-province' }, h('option', { value: '' }, t('chainmap.allRegions')));
    const citySel = h('select', { id: 'hf-city', disabled: true }, h('option', { value: '' }, t('common.all')));
    const minSup = h('input', { id: 'hf-min', type: 'number', min: 0, max: 1000, step: 1, value: state.min_suppliers, placeholder: '2' });
    const maxHhi = h('input', { id: 'hf-hhi', type: 'number', min: 0, max: 1, step: 0.05, value: state.max_hhi, placeholder: '0.25' });
    const field = (forId, label, control, hint) => h('div', { class: 'field' }, h('label', { for: forId }, label), control,
      hint ? h('p', { class: 'field-hint' }, hint) : null);
    const form = h('form', {
      class: 'card filters chain-filters', id: 'health-filter',
      onsubmit: (ev) => { ev.preventDefault(); apply(); },
    },
    h('div', { class: 'filter-row filter-row-chain' },
      field('hf-province', t('field.province'), provinceSel),
      field('hf-city', t('field.city'), citySel),
      field('hf-min', t('chainmap.minSuppliers'), minSup),
      field('hf-hhi', t('chainmap.maxHhi'), maxHhi),
      h('div', { class: 'field field-actions' }, h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, t('chainmap.apply')),
        h('button', {
          type: 'button', class: 'btn btn-ghost',
          onclick: () => { provinceSel.value = ''; fillCities(''); minSup.value = ''; maxHhi.value = ''; apply(); },
        }, t('common.reset'))))),
    h('p', { class: 'muted small filter-note' }, t('chainmap.filterNote')));

    const province = state.region ? state.region.slice(0, 2) : '';
    regions().then((list) => {
      for (const p of list) {
        provinceSel.appendChild(h('option', { value: p.code.slice(0, 2), selected: p.code.slice(0, 2) === province }, p.name));
      }
      if (province) fillCities(province, state.region.length >= 4 ? state.region.slice(0, 4) : '');
    }).catch(() => {});

    async function fillCities(prefix, selected) {
      citySel.replaceChildren(h('option', { value: '' }, t('common.all')));
      citySel.disabled = !prefix;
      if (!prefix) return;
      try {
        const cities = await regions(`${prefix}0000`);
        if (provinceSel.value !== prefix) return;
        for (const c of cities) {
          citySel.appendChild(h('option', { value: c.code.slice(0, 4), selected: c.code.slice(0, 4) === selected }, c.name));
        }
      } catch { /* the province alone still filters */ }
    }
    provinceSel.addEventListener('change', () => fillCities(provinceSel.value, ''));

    function apply() {
      state.region = citySel.value || provinceSel.value;
      state.min_suppliers = minSup.value.trim();
      state.max_hhi = maxHhi.value.trim();
      saveState();
      loadHealth();
    }
    return form;
  }

  function saveState() {
    const qs = new URLSearchParams();
    for (const k of QUERY_KEYS) if (state[k]) qs.set(k, state[k]);
    const s = qs.toString();
    history.replaceState(null, '', `${chainHref(id)}${s ? `?${s}` : ''}`);
  }

  /* ---- health: stats, graph, table ---- */
  async function loadHealth() {
    message.replaceChildren();
    stats.replaceChildren(loading());
    try {
      health = await get(`/chains/${encodeURIComponent(id)}/health`, {
        region: state.region, min_suppliers: state.min_suppliers, max_hhi: state.max_hhi,
      });
      healthError = null;
    } catch (e) {
      health = null;
      healthError = e;
    }
    if (!ctx.isCurrent()) return;
    if (healthError) {
      // 403: the chain's structure is still shown; the server says why health is not.
      message.replaceChildren(healthError.status === 403
        ? h('div', { class: 'alert alert-info', role: 'status' }, h('strong', null, errorText(healthError)),
          h('div', { class: 'small' }, t('chainmap.healthForbidden')))
        : alertBox('error', errorText(healthError)));
    }
    filterForm.hidden = healthError?.status === 403;
    legend.hidden = !health;
    renderStats();
    renderGraph();
    renderTable();
    if (state.segment && segByCode.has(state.segment)) selectSegment(state.segment, false);
    else renderPanelHint();
  }

  function renderStats() {
    if (!health) {
      stats.replaceChildren(stat(t('chainmap.statSegments'), formatNumber(segments.length), t('chainmap.statSegmentsNote'), 'segments'));
      return;
    }
    const segs = health.segments || [];
    const total = segs.reduce((a, s) => a + (s.amount_fen || 0), 0);
    const zjtx = total > 0 ? segs.reduce((a, s) => a + (s.zjtx_share || 0) * (s.amount_fen || 0), 0) / total : null;
    stats.replaceChildren(
      stat(t('chainmap.statSegments'), formatNumber(segs.length), t('chainmap.statSegmentsNote'), 'segments'),
      stat(t('chainmap.statWeak'), formatNumber(health.weak_count), h('span', { id: 'weak-count' },
        t('chainmap.weakCount', { n: health.weak_count, total: segs.length })), 'weak'),
      stat(t('chainmap.statAmount'), formatFen(total), t('chainmap.statAmountNote'), 'amount'),
      stat(t('chainmap.statZjtx'), formatPercent(zjtx), t('chainmap.statZjtxNote'), 'zjtx'));
    const scope = [];
    if (health.supply_base_of_org) scope.push(t('chainmap.scopeOwn'));
    if (health.region) scope.push(t('chainmap.scopeRegion', { region: health.region }));
    scope.push(t('chainmap.thresholds', { min: health.thresholds.min_suppliers, hhi: health.thresholds.max_hhi }));
    document.getElementById('health-scope').textContent = scope.join(' · ');
  }

  function stat(label, value, note, key) {
    return h('div', { class: 'stat card', dataset: { stat: key } },
      h('div', { class: 'stat-label' }, label),
      h('div', { class: 'stat-value stat-value-sm' }, value),
      note ? h('div', { class: 'stat-note' }, note) : null);
  }

  function renderGraph() {
    const by = healthBy();
    const { positions, maxPerLayer, layerCount } = layeredLayout(segments);
    graphEl.style.height = `${Math.max(320, maxPerLayer * 78 + 60)}px`;
    graphEl.style.minWidth = `${layerCount * 170 + 120}px`; // narrow screens scroll rather than overlap the nodes
    if (!chart) {
      chart = echarts.init(graphEl, null, { renderer: 'canvas' });
      chart.on('click', (p) => {
        if (p.dataType === 'node') selectSegment(p.data.id, true);
      });
    } else {
      chart.resize();
    }
    const nodes = segments.map((s) => {
      const hs = by.get(s.code);
      const cls = health ? healthClass(hs) : 'none';
      const pos = positions.get(s.code);
      const selected = s.code === state.segment;
      const sub = hs ? t('chainmap.nodeSub', { n: hs.active_suppliers, hhi: formatHhi(hs.hhi) }) : s.code;
      return {
        id: s.code,
        name: s.name,
        x: pos.x,
        y: pos.y,
        value: sub,
        itemStyle: {
          color: HEALTH_COLORS[cls],
          borderColor: selected ? '#0d2f5e' : '#ffffff',
          borderWidth: selected ? 3 : 1,
          shadowBlur: selected ? 10 : 0,
          shadowColor: 'rgba(13, 47, 94, 0.45)',
        },
        label: { formatter: `{n|${richSafe(s.name)}}\n{s|${richSafe(sub)}}` },
      };
    });
    const links = [];
    for (const s of segments) {
      for (const u of s.upstream || []) if (segByCode.has(u)) links.push({ source: u, target: s.code });
    }
    chart.setOption({
      animationDuration: 300,
      tooltip: { trigger: 'item', confine: true, formatter: tooltip },
      series: [{
        type: 'graph',
        layout: 'none',
        left: 80, right: 80, top: 36, bottom: 36,
        roam: false,
        symbol: 'roundRect',
        symbolSize: [128, 46],
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: [0, 9],
        label: {
          show: true,
          color: '#fff',
          rich: { n: { fontSize: 13, fontWeight: 600, color: '#fff', lineHeight: 18 }, s: { fontSize: 11, color: 'rgba(255,255,255,0.88)', lineHeight: 15 } },
        },
        lineStyle: { color: '#8d99a8', width: 1.6, opacity: 0.9, curveness: 0 },
        emphasis: { focus: 'adjacency', lineStyle: { width: 2.4, color: '#1d4f91' } },
        data: nodes,
        links,
      }],
    }, { replaceMerge: ['series'] });
  }

  function tooltip(p) {
    if (p.dataType === 'edge') {
      return `${esc(segByCode.get(p.data.source)?.name)} → ${esc(segByCode.get(p.data.target)?.name)}`;
    }
    const hs = healthBy().get(p.data.id);
    const lines = [`<strong>${esc(p.data.name)}</strong> <span style="color:#7a8594">${esc(p.data.id)}</span>`];
    if (!hs) return lines.join('<br/>');
    lines.push(`${esc(t('chainmap.status'))}: ${esc(t(`health.status.${healthClass(hs)}`))}`,
      `${esc(t('chainmap.active'))}: ${formatNumber(hs.active_suppliers)} · ${esc(t('chainmap.capable'))}: ${formatNumber(hs.capable)}`,
      `${esc(t('chainmap.hhi'))}: ${formatHhi(hs.hhi)} · ${esc(t('chainmap.provinceHhi'))}: ${formatHhi(hs.province_hhi)}`,
      `${esc(t('chainmap.amount'))}: ${esc(formatFen(hs.amount_fen))}`);
    for (const r of hs.weak_rules || []) lines.push(`<span style="color:${HEALTH_COLORS.weak}">● ${esc(weakRuleText(r))}</span>`);
    return lines.join('<br/>');
  }

  function renderTable() {
    const by = healthBy();
    const col = (label, num) => h('th', { scope: 'col', class: num ? 'num' : null }, label);
    thead.replaceChildren(h('tr', null, health
      ? [col(t('chainmap.segment')), col(t('chainmap.status')), col(t('chainmap.capable'), true), col(t('chainmap.active'), true),
        col(t('chainmap.amount'), true), col(t('chainmap.hhi'), true), col(t('chainmap.provinceHhi'), true),
        col(t('chainmap.zjtx'), true), col(t('chainmap.weakRules'))]
      : [col(t('chainmap.segment')), col(t('chainmap.upstream')), col(t('chainmap.downstream'))]));
    tbody.replaceChildren(...segments.map((s) => {
      const hs = by.get(s.code);
      const num = (v, cls) => h('td', { class: `num${cls ? ` ${cls}` : ''}` }, v);
      const head = h('th', { scope: 'row' }, h('button', {
        type: 'button', class: 'link-button segment-link', onclick: () => selectSegment(s.code, true),
      }, s.name), h('span', { class: 'muted small mono seg-code' }, s.code));
      const tr = h('tr', { dataset: { segment: s.code }, class: s.code === state.segment ? 'is-selected' : null }, head);
      if (!health) {
        tr.append(h('td', null, segNames(s.upstream || [])), h('td', null, segNames(downstream.get(s.code) || [])));
        return tr;
      }
      tr.append(
        h('td', null, hs ? healthBadge(hs) : h('span', { class: 'muted' }, '—')),
        num(hs ? formatNumber(hs.capable) : '—'),
        num(hs ? formatNumber(hs.active_suppliers) : '—'),
        num(hs ? formatFen(hs.amount_fen) : '—', 'nowrap'),
        num(hs ? formatHhi(hs.hhi) : '—'),
        num(hs ? formatHhi(hs.province_hhi) : '—'),
        num(hs ? formatPercent(hs.zjtx_share) : '—'),
        h('td', { class: 'rules-cell' }, hs && hs.weak_rules.length
          ? h('ul', { class: 'rule-list' }, hs.weak_rules.map((r) => h('li', null, weakRuleText(r))))
          : h('span', { class: 'muted' }, '—')));
      return tr;
    }));
  }

  function renderPanelHint() {
    panel.replaceChildren(h('p', { class: 'muted panel-hint' }, t('chainmap.pickSegment')));
  }

  /* ---- the chosen segment ---- */
  function selectSegment(code, user) {
    state.segment = code;
    saveState();
    for (const tr of tbody.querySelectorAll('tr')) tr.classList.toggle('is-selected', tr.dataset.segment === code);
    renderGraph();
    renderPanel(code);
    if (user) panel.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }

  function renderPanel(code) {
    const seg = segByCode.get(code);
    const hs = healthBy().get(code);
    const item = (label, value, key) => [h('dt', null, label), h('dd', { dataset: key ? { fig: key } : undefined }, value)];

    const figures = h('div', null,
      h('h3', null, t('chainmap.figures')),
      h('dl', { class: 'dl dl-compact', id: 'segment-figures' },
        item(t('chainmap.upstream'), segNames(seg.upstream || [])),
        item(t('chainmap.downstream'), segNames(downstream.get(code) || [])),
        hs ? [
          item(t('chainmap.capable'), formatNumber(hs.capable), 'capable'),
          item(t('chainmap.active'), formatNumber(hs.active_suppliers), 'active'),
          item(t('chainmap.amount'), formatFen(hs.amount_fen), 'amount'),
          item(t('chainmap.hhi'), formatHhi(hs.hhi), 'hhi'),
          item(t('chainmap.provinceHhi'), formatHhi(hs.province_hhi), 'province_hhi'),
          item(t('chainmap.zjtx'), formatPercent(hs.zjtx_share), 'zjtx'),
        ] : null),
      hs && hs.weak_rules.length ? h('div', { class: 'alert alert-error weak-box' },
        h('strong', null, t('chainmap.weakBecause')),
        h('ul', { class: 'rule-list' }, hs.weak_rules.map((r) => h('li', null, weakRuleText(r))))) : null,
      hs && !hs.weak ? h('p', { class: 'ok-note' }, t('chainmap.healthyNote')) : null);

    const suppliersBox = h('div', { id: 'segment-suppliers' }, h('h3', null, t('chainmap.suppliers')), loading());
    const fillBox = h('div', { class: 'fill-box', id: 'fill-box' }, loading());

    panel.replaceChildren(
      h('div', { class: 'card-head card-head-plain panel-head' },
        h('h2', null, seg.name, ' ', h('span', { class: 'muted small mono' }, seg.code)),
        hs ? healthBadge(hs) : null),
      h('div', { class: 'grid-2 panel-grid' }, figures, suppliersBox),
      fillBox);
    const seq = ++panelSeq;
    loadSuppliers(code, suppliersBox, seq);
    loadFill(code, fillBox, seq);
  }

  /* Main suppliers of the segment, added up from the supply relations the user may see. */
  async function loadSuppliers(code, box, seq) {
    const head = h('h3', null, t('chainmap.suppliers'));
    if (healthError && healthError.status === 403) {
      box.replaceChildren(head, h('p', { class: 'muted' }, t('chainmap.suppliersHidden')));
      return;
    }
    let rel;
    try {
      rel = await chainRelations();
    } catch (e) {
      if (seq !== panelSeq) return;
      box.replaceChildren(head, h('p', { class: 'muted' }, errorText(e)));
      return;
    }
    if (seq !== panelSeq || !ctx.isCurrent()) return;
    const bySupplier = new Map();
    let total = 0;
    for (const r of rel.items) {
      if (r.segment !== code) continue;
      if (orgType !== 'operator' && state.buyer && r.buyer_uscc !== state.buyer) continue;
      const s = bySupplier.get(r.supplier_uscc) || { uscc: r.supplier_uscc, name: r.supplier_name, amount: 0, buyers: new Set() };
      s.amount += r.annual_amount_fen;
      s.buyers.add(r.buyer_uscc);
      bySupplier.set(r.supplier_uscc, s);
      total += r.annual_amount_fen;
    }
    const list = [...bySupplier.values()].sort((a, b) => b.amount - a.amount);
    if (!list.length) {
      box.replaceChildren(head, h('p', { class: 'muted' }, t('chainmap.noSuppliers')));
      return;
    }
    const top = list.slice(0, 8);
    box.replaceChildren(head,
      h('table', { class: 'table table-compact', id: 'supplier-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, t('field.name')),
          h('th', { scope: 'col', class: 'num' }, t('chainmap.buyers')),
          h('th', { scope: 'col', class: 'num' }, t('chainmap.amount')),
          h('th', { scope: 'col', class: 'num' }, t('chainmap.share')))),
        h('tbody', null, top.map((s) => h('tr', null,
          h('td', null, enterpriseLink(s.uscc, s.name)),
          h('td', { class: 'num' }, formatNumber(s.buyers.size)),
          h('td', { class: 'num nowrap' }, formatFen(s.amount)),
          h('td', { class: 'num' }, shareBar(total ? s.amount / total : 0)))))),
      h('p', { class: 'muted small' }, t('chainmap.suppliersNote', { shown: top.length, n: list.length }),
        rel.truncated ? ` ${t('chainmap.suppliersPartial', { n: formatNumber(rel.items.length) })}` : ''));
  }

  /* The chain's supply relations (operator: all; others: their own), read once per page. */
  function chainRelations() {
    if (!relationsPromise) {
      relationsPromise = (async () => {
        const items = [];
        let cursor;
        let pages = 0;
        do {
          const page = await get('/relations', { chain: id, limit: 500, cursor });
          items.push(...page.items);
          cursor = page.next_cursor;
          pages++;
        } while (cursor && pages < RELATION_PAGES);
        return { items, truncated: Boolean(cursor) };
      })();
      relationsPromise.catch(() => { relationsPromise = null; });
    }
    return relationsPromise;
  }

  /* Gap-filling candidates: for the buyer chosen (own enterprise, or the operator's pick) and the region filter. */
  async function loadFill(code, box, seq) {
    const buyerRow = buyerChooser(code, box, seq);
    let res;
    try {
      res = await get(`/chains/${encodeURIComponent(id)}/segments/${encodeURIComponent(code)}/fill`, {
        buyer: state.buyer, region: state.region, limit: FILL_LIMIT,
      });
    } catch (e) {
      if (seq !== panelSeq) return;
      box.replaceChildren(h('h3', null, t('fill.title')), buyerRow, alertBox(e.status === 403 ? 'info' : 'error', errorText(e)));
      return;
    }
    if (seq !== panelSeq || !ctx.isCurrent()) return;
    const names = await regionFullNames(res.candidates.map((c) => c.region));
    if (seq !== panelSeq || !ctx.isCurrent()) return;
    const summary = t('fill.summary', {
      capable: formatNumber(res.capable), excluded: formatNumber(res.excluded_current_suppliers),
      n: formatNumber(res.candidate_count), shown: formatNumber(res.candidates.length),
    });
    const rows = res.candidates.map((c) => h('tr', { dataset: { uscc: c.uscc } },
      h('td', { class: 'num rank-cell' }, h('span', { class: `rank rank-${Math.min(c.rank, 4)}` }, c.rank)),
      h('td', { class: 'name-cell' }, enterpriseLink(c.uscc, c.name), h('div', { class: 'mono muted small' }, c.uscc)),
      h('td', null, names.get(c.region) || c.region),
      h('td', null, levelBadge(c.level, levelLabel(c.level))),
      h('td', null, h('span', { class: `badge badge-size-${c.size}` }, sizeLabel(c.size))),
      h('td', { class: 'num' }, c.capacity === null || c.capacity === undefined ? '—' : formatNumber(c.capacity)),
      h('td', null, h('ul', { class: 'reason-list' }, (c.reasons || []).map((r) => h('li', null, reasonText(r)))))));
    box.replaceChildren(
      h('div', { class: 'fill-head' }, h('h3', null, t('fill.title')), h('span', { class: 'muted small' }, summary)),
      buyerRow,
      res.candidates.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'fill-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col', class: 'num' }, t('fill.rank')),
            h('th', { scope: 'col' }, t('field.name')),
            h('th', { scope: 'col' }, t('field.region')),
            h('th', { scope: 'col' }, t('field.level')),
            h('th', { scope: 'col' }, t('field.size')),
            h('th', { scope: 'col', class: 'num' }, t('fill.capacity')),
            h('th', { scope: 'col' }, t('fill.reasons')))),
          h('tbody', null, rows)))
        : h('p', { class: 'empty-note', id: 'fill-empty' }, t('fill.none')),
      res.ranking ? h('p', { class: 'muted small' }, t('fill.ranking'), reasonText(res.ranking)) : null);
  }

  /* Whose gap the candidates fill: chain leaders pick among their own enterprises, the operator searches. */
  function buyerChooser(code, box, seq) {
    const again = () => { saveState(); if (seq === panelSeq) { const s = ++panelSeq; box.replaceChildren(loading()); loadFill(code, box, s); } };
    if (orgType !== 'operator') {
      if (buyers.length <= 1) {
        return buyers.length ? h('p', { class: 'muted small' }, t('fill.forBuyer', { name: buyers[0].name })) : null;
      }
      const sel = h('select', { id: 'fill-buyer' }, buyers.map((b) => h('option', { value: b.uscc, selected: b.uscc === state.buyer }, b.name)));
      sel.addEventListener('change', () => { state.buyer = sel.value; again(); });
      return h('div', { class: 'inline-label' }, h('label', { for: 'fill-buyer' }, t('fill.buyer')), sel);
    }
    const picker = enterprisePicker({
      id: 'fill-buyer', label: t('fill.buyerOptional'), placeholder: t('picker.placeholder'),
      onPick: (e) => { state.buyer = e.uscc; again(); },
    });
    const current = state.buyer
      ? h('p', { class: 'small' }, t('fill.forBuyer', { name: state.buyer }), ' ',
        h('button', { type: 'button', class: 'link-button', onclick: () => { state.buyer = ''; again(); } }, t('fill.clearBuyer')))
      : h('p', { class: 'muted small' }, t('fill.noBuyer'));
    if (state.buyer) {
      get(`/enterprises/${encodeURIComponent(state.buyer)}`).then((e) => {
        current.firstChild.textContent = t('fill.forBuyer', { name: e.name });
      }).catch(() => {});
    }
    return h('div', { class: 'fill-buyer' }, picker.el, current);
  }
}

/* ECharts rich text treats {, } and | as markup. */
const richSafe = (s) => String(s ?? '').replace(/[{}|]/g, ' ');

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/*
 * Layered left-to-right layout of the segment DAG: a segment's layer is one
 * more than its deepest upstream segment; then segments are pulled right to
 * sit just before their nearest downstream one (so a raw material feeding the
 * final assembly does not stretch across the whole chart); within a layer the
 * order follows the mean position of the neighbours (barycentre), a few sweeps
 * each way. Returns {positions: Map code → {x, y}, maxPerLayer, layerCount}.
 */
export function layeredLayout(segments) {
  const codes = new Set(segments.map((s) => s.code));
  const up = new Map(segments.map((s) => [s.code, (s.upstream || []).filter((u) => codes.has(u) && u !== s.code)]));
  const down = new Map(segments.map((s) => [s.code, []]));
  for (const [c, us] of up) for (const u of us) down.get(u).push(c);

  const layer = new Map();
  const visiting = new Set();
  const depth = (c) => {
    if (layer.has(c)) return layer.get(c);
    if (visiting.has(c)) return 0; // a cycle cannot be stored, but never loop on one
    visiting.add(c);
    let d = 0;
    for (const u of up.get(c)) d = Math.max(d, depth(u) + 1);
    visiting.delete(c);
    layer.set(c, d);
    return d;
  };
  for (const s of segments) depth(s.code);
  const byLayerDesc = [...codes].sort((a, b) => layer.get(b) - layer.get(a));
  for (const c of byLayerDesc) {
    const ds = down.get(c);
    if (!ds.length) continue;
    const target = Math.min(...ds.map((d) => layer.get(d))) - 1;
    if (target > layer.get(c)) layer.set(c, target);
  }

  const layers = [];
  for (const s of segments) {
    const l = layer.get(s.code);
    (layers[l] ||= []).push(s.code);
  }
  const filled = layers.filter(Boolean);
  const order = new Map();
  const index = () => filled.forEach((col) => col.forEach((c, i) => order.set(c, i / Math.max(1, col.length - 1))));
  index();
  const sweep = (cols, neighbours) => {
    for (const col of cols) {
      const key = new Map(col.map((c, i) => {
        const ns = neighbours.get(c).filter((n) => order.has(n));
        return [c, ns.length ? ns.reduce((a, n) => a + order.get(n), 0) / ns.length : order.get(c) ?? i];
      }));
      col.sort((a, b) => key.get(a) - key.get(b));
      col.forEach((c, i) => order.set(c, i / Math.max(1, col.length - 1)));
    }
  };
  for (let i = 0; i < 4; i++) {
    sweep(filled.slice(1), up);
    sweep(filled.slice(0, -1).reverse(), down);
  }

  const positions = new Map();
  let maxPerLayer = 1;
  filled.forEach((col, x) => {
    maxPerLayer = Math.max(maxPerLayer, col.length);
    col.forEach((c, i) => positions.set(c, { x: x * 100, y: (i - (col.length - 1) / 2) * 60 }));
  });
  return { positions, maxPerLayer, layerCount: filled.length };
}
