/*
 * supply-base.js - a buyer's supply base (#/supply-base?buyer=USCC), the
 * chain leader's view of whom it buys from: suppliers by province, the local
 * supporting rate (周边配套率) at province, city and county level, supply
 * concentration per segment with the single-source segments, and the critical
 * enterprises every supply path of a segment passes through. The operator
 * picks any buyer; a chain leader sees its own enterprises. The server decides
 * who may see what; its refusal is shown as it is.
 */
import * as echarts from '/vendor/echarts.esm.min.js';
import { t, localName, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { chains, levelLabel } from '../../lib/ref.js';
import {
  formatFen, fenToWan, formatPercent, formatHhi, provinceNames, provinceOf, regionFullNames, enterpriseLink,
  levelBadge, enterprisePicker, chainHref,
} from './chainmap.js';

const LEVELS = ['province', 'city', 'county'];
const GAUGE_COLORS = { province: '#1d4f91', city: '#2f7d4f', county: '#c98a1b' };

export async function render(root, ctx) {
  ctx.setTitle(t('nav.supplyBase'));
  const s = session();
  const isOperator = s.org.type === 'operator';
  root.appendChild(pageHeader(t('supply.title'), isOperator ? t('supply.subtitleOperator') : t('supply.subtitle')));
  const chooser = h('section', { class: 'card buyer-card', id: 'buyer-card' });
  const content = h('div', { id: 'supply-content' });
  root.append(chooser, content);

  let charts = [];
  const disposeCharts = () => { charts.forEach((c) => c.dispose()); charts = []; };
  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  const cleanup = () => { window.removeEventListener('resize', onResize); disposeCharts(); };
  let seq = 0;

  if (isOperator) {
    const picker = enterprisePicker({
      id: 'buyer', label: t('supply.pickBuyer'), placeholder: t('picker.placeholder'),
      onPick: (e) => choose(e.uscc),
    });
    chooser.append(picker.el, h('p', { class: 'field-hint' }, t('supply.pickHint')));
    if (ctx.query.buyer) choose(ctx.query.buyer);
    else content.replaceChildren(h('div', { class: 'card empty' }, h('h2', null, t('supply.noBuyer')), h('p', null, t('supply.noBuyerText'))));
    return cleanup;
  }

  // Chain leaders (and SMEs): their own enterprises; others get the server's refusal.
  let own = [];
  try {
    own = (await get('/enterprises', { org_id: s.org.id, limit: 50 })).items;
  } catch (e) {
    chooser.replaceChildren(alertBox('error', errorText(e)));
    return cleanup;
  }
  if (!ctx.isCurrent()) return cleanup;
  if (!own.length) {
    let text = t('supply.noOwn');
    try {
      await get('/analytics/suppliers');
    } catch (e) {
      if (e.status === 403 || e.status === 401) text = errorText(e);
    }
    chooser.replaceChildren(alertBox('info', text));
    return cleanup;
  }
  const initial = own.find((e) => e.uscc === ctx.query.buyer) || own.find((e) => e.uscc === s.org.uscc) || own[0];
  if (own.length > 1) {
    const sel = h('select', { id: 'buyer-select' }, own.map((e) => h('option', { value: e.uscc, selected: e.uscc === initial.uscc }, e.name)));
    sel.addEventListener('change', () => choose(sel.value));
    chooser.append(h('div', { class: 'field' }, h('label', { for: 'buyer-select' }, t('supply.ownEnterprise')), sel));
  } else {
    chooser.hidden = true; // one enterprise: its name heads the content
  }
  choose(initial.uscc);
  return cleanup;

  /* ---- one buyer ---- */
  async function choose(uscc) {
    const my = ++seq;
    history.replaceState(null, '', `#/supply-base?buyer=${encodeURIComponent(uscc)}`);
    disposeCharts();
    content.replaceChildren(h('div', { class: 'card' }, loading()));
    const settled = await Promise.allSettled([
      get('/analytics/suppliers', { buyer: uscc }),
      ...LEVELS.map((level) => get('/analytics/local-rate', { buyer: uscc, level })),
      get('/analytics/critical', { buyer: uscc }),
      provinceNames(),
      chains().catch(() => []),
    ]);
    if (my !== seq || !ctx.isCurrent()) return;
    const [sup, ...rest] = settled;
    if (sup.status === 'rejected') {
      content.replaceChildren(h('div', { class: 'card' }, alertBox(sup.reason.status === 403 ? 'info' : 'error', errorText(sup.reason))));
      return;
    }
    const suppliers = sup.value;
    const rates = rest.slice(0, 3);
    const critical = rest[3];
    const provinces = rest[4].status === 'fulfilled' ? rest[4].value : new Map();
    const chainNames = new Map((rest[5].value || []).map((c) => [c.id, localName(c)]));
    const buyer = suppliers.buyer;
    const buyerNames = await regionFullNames([buyer.region]);
    if (my !== seq || !ctx.isCurrent()) return;
    ctx.setTitle(`${t('nav.supplyBase')} · ${buyer.name}`);

    const segs = suppliers.segments || [];
    const unique = new Map();
    for (const seg of segs) for (const sp of seg.suppliers) unique.set(sp.uscc, sp);
    const total = segs.reduce((a, seg) => a + seg.total_fen, 0);
    const critOk = critical.status === 'fulfilled' ? critical.value : null;

    const head = h('section', { class: 'card buyer-head' },
      h('div', { class: 'buyer-title' },
        h('h2', { id: 'buyer-name' }, enterpriseLink(buyer.uscc, buyer.name)),
        h('span', { class: 'mono muted small' }, buyer.uscc),
        h('span', { class: 'muted small' }, buyerNames.get(buyer.region))));

    if (!segs.length) {
      content.replaceChildren(head, h('div', { class: 'card empty', id: 'supply-empty' },
        h('h2', null, t('supply.emptyTitle')), h('p', null, t('supply.emptyText'))));
      return;
    }

    const stat = (label, value, note, key) => h('div', { class: 'stat card', dataset: { stat: key } },
      h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value stat-value-sm' }, value),
      note ? h('div', { class: 'stat-note' }, note) : null);
    const stats = h('div', { class: 'stats-grid' },
      stat(t('supply.statSuppliers'), formatNumber(unique.size), t('supply.statSuppliersNote', { n: segs.length }), 'suppliers'),
      stat(t('supply.statAmount'), formatFen(total), t('supply.statAmountNote'), 'amount'),
      stat(t('supply.statSingle'), h('span', { id: 'single-source-count' }, formatNumber(suppliers.single_source_count)),
        t('supply.statSingleNote'), 'single'),
      stat(t('supply.statCritical'), h('span', { id: 'critical-count' }, critOk ? formatNumber(critOk.segments_with_critical) : '—'),
        t('supply.statCriticalNote'), 'critical'));

    /* local supporting rate: three gauges and the figures in text */
    const gaugeCells = LEVELS.map((level, i) => {
      const r = rates[i];
      const el = h('div', { class: 'gauge', role: 'img', 'aria-label': t(`supply.level.${level}`) });
      if (r.status === 'rejected') {
        return { level, el, cell: h('div', { class: 'rate-cell' }, h('h3', null, t(`supply.level.${level}`)), alertBox('error', errorText(r.reason))) };
      }
      const v = r.value;
      return {
        level, el, value: v,
        cell: h('div', { class: 'rate-cell', dataset: { level } },
          h('h3', null, t(`supply.level.${level}`)),
          el,
          h('div', { class: 'rate-value', id: `local-rate-${level}` }, v.rate === null ? '—' : formatPercent(v.rate)),
          h('div', { class: 'muted small' }, v.region_name || v.region || '—'),
          h('div', { class: 'muted small' }, t('supply.localOf', { local: formatFen(v.local_amount_fen), total: formatFen(v.total_amount_fen) }))),
      };
    });
    const rateRows = [];
    const byLevel = LEVELS.map((_, i) => (rates[i].status === 'fulfilled'
      ? new Map(rates[i].value.segments.map((x) => [`${x.chain}/${x.segment}`, x])) : new Map()));
    for (const seg of segs) {
      const key = `${seg.chain}/${seg.segment}`;
      rateRows.push(h('tr', null,
        h('th', { scope: 'row' }, seg.name, h('span', { class: 'muted small' }, ` · ${chainNames.get(seg.chain) || seg.chain}`)),
        byLevel.map((m) => h('td', { class: 'num' }, formatPercent(m.get(key)?.rate))),
        h('td', { class: 'num nowrap' }, formatFen(seg.total_fen))));
    }
    const localCard = h('section', { class: 'card', id: 'local-rates' },
      h('h2', null, t('supply.localTitle')),
      h('p', { class: 'muted small' }, t('supply.localNote')),
      h('div', { class: 'rate-grid' }, gaugeCells.map((g) => g.cell)),
      h('details', { class: 'rate-details' }, h('summary', null, t('supply.localBySegment')),
        h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('chainmap.segment')),
            LEVELS.map((l) => h('th', { scope: 'col', class: 'num' }, t(`supply.level.${l}`))),
            h('th', { scope: 'col', class: 'num' }, t('chainmap.amount')))),
          h('tbody', null, rateRows)))));

    /* suppliers by province */
    const byProvince = new Map();
    for (const seg of segs) {
      for (const sp of seg.suppliers) {
        const p = provinceOf(provinces, sp.region);
        const e = byProvince.get(p) || { name: p, amount: 0, suppliers: new Set() };
        e.amount += sp.amount_fen;
        e.suppliers.add(sp.uscc);
        byProvince.set(p, e);
      }
    }
    const provinceRows = [...byProvince.values()].sort((a, b) => b.amount - a.amount);
    const barEl = h('div', { class: 'chart', id: 'province-chart', role: 'img', 'aria-label': t('supply.byProvince') });
    const provinceCard = h('section', { class: 'card' }, h('h2', null, t('supply.byProvince')), barEl,
      h('p', { class: 'muted small' }, t('supply.byProvinceNote', { n: provinceRows.length })));

    /* concentration per segment */
    const segTable = h('section', { class: 'card card-flush' },
      h('div', { class: 'card-head' }, h('h2', null, t('supply.segmentsTitle'))),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'segment-supply-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, t('chainmap.segment')),
          h('th', { scope: 'col', class: 'num' }, t('supply.supplierCount')),
          h('th', { scope: 'col', class: 'num' }, t('chainmap.amount')),
          h('th', { scope: 'col', class: 'num' }, t('chainmap.hhi')),
          h('th', { scope: 'col' }, t('supply.topSupplier')))),
        h('tbody', null, segs.map((seg) => {
          const top = seg.suppliers[0];
          return h('tr', { class: seg.single_source ? 'row-alert' : null },
            h('th', { scope: 'row' }, h('a', { href: `${chainHref(seg.chain)}?segment=${encodeURIComponent(seg.segment)}` }, seg.name),
              h('div', { class: 'muted small' }, chainNames.get(seg.chain) || seg.chain),
              seg.single_source ? h('span', { class: 'badge badge-health badge-health-weak' }, t('supply.singleSource')) : null),
            h('td', { class: 'num' }, formatNumber(seg.supplier_count)),
            h('td', { class: 'num nowrap' }, formatFen(seg.total_fen)),
            h('td', { class: 'num' }, formatHhi(seg.hhi)),
            h('td', null, top ? [enterpriseLink(top.uscc, top.name), h('span', { class: 'muted small' }, ` ${formatPercent(top.share)}`)] : '—'));
        })))));

    /* single-source segments */
    const single = segs.filter((seg) => seg.single_source);
    const singleCard = h('section', { class: 'card', id: 'single-source' },
      h('h2', null, t('supply.singleTitle')),
      single.length
        ? h('ul', { class: 'risk-list' }, single.map((seg) => {
          const sp = seg.suppliers[0];
          return h('li', { dataset: { segment: seg.segment } },
            h('div', { class: 'risk-head' }, h('strong', null, seg.name),
              h('span', { class: 'muted small' }, chainNames.get(seg.chain) || seg.chain),
              h('span', { class: 'nowrap' }, formatFen(seg.total_fen))),
            sp ? h('div', { class: 'small' }, t('supply.soleSupplier'), enterpriseLink(sp.uscc, sp.name), ' ',
              h('span', { class: 'muted' }, provinceOf(provinces, sp.region)), ' ',
              sp.level && sp.level !== 'none' ? levelBadge(sp.level, levelLabel(sp.level)) : null) : null);
        }))
        : h('p', { class: 'ok-note' }, t('supply.noSingle')));

    /* critical enterprises */
    let criticalCard;
    if (!critOk) {
      criticalCard = h('section', { class: 'card', id: 'critical' }, h('h2', null, t('supply.criticalTitle')),
        alertBox('error', errorText(critical.reason)));
    } else {
      const withCrit = critOk.segments.filter((seg) => seg.critical.length);
      criticalCard = h('section', { class: 'card', id: 'critical' },
        h('h2', null, t('supply.criticalTitle')),
        h('p', { class: 'muted small' }, t('supply.criticalNote')),
        withCrit.length
          ? h('ul', { class: 'risk-list' }, withCrit.map((seg) => h('li', { dataset: { segment: seg.segment } },
            h('div', { class: 'risk-head' }, h('strong', null, seg.name),
              h('span', { class: 'muted small' }, chainNames.get(seg.chain) || seg.chain),
              h('span', { class: 'muted small' }, t('supply.directSuppliers', { n: seg.direct_suppliers }))),
            h('ol', { class: 'critical-path' }, seg.critical.map((c) => h('li', null,
              h('span', { class: 'badge depth-badge' }, t('supply.depth', { n: c.depth })), ' ',
              enterpriseLink(c.uscc, c.name), ' ',
              h('span', { class: 'muted small' }, provinceOf(provinces, c.region))))))))
          : h('p', { class: 'ok-note' }, t('supply.noCritical')));
    }

    content.replaceChildren(head, stats, localCard,
      h('div', { class: 'grid-2 grid-row' }, provinceCard, singleCard),
      criticalCard, segTable);

    for (const g of gaugeCells) {
      if (!g.value) continue;
      const chart = echarts.init(g.el, null, { renderer: 'svg' });
      const v = g.value.rate === null ? 0 : Math.round(g.value.rate * 1000) / 10;
      chart.setOption({
        series: [{
          type: 'gauge',
          startAngle: 210, endAngle: -30, min: 0, max: 100,
          radius: '92%', center: ['50%', '58%'],
          progress: { show: true, width: 12, itemStyle: { color: GAUGE_COLORS[g.level] } },
          axisLine: { lineStyle: { width: 12, color: [[1, '#e3e8ee']] } },
          axisTick: { show: false }, splitLine: { show: false },
          axisLabel: { show: false },
          pointer: { show: false }, anchor: { show: false },
          title: { show: false },
          detail: { show: false },
          data: [{ value: v }],
        }],
      });
      charts.push(chart);
    }

    const bar = echarts.init(barEl, null, { renderer: 'svg' });
    const top = provinceRows.slice(0, 15);
    bar.setOption({
      color: ['#1d4f91'],
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (ps) => {
          const p = top[ps[0].dataIndex];
          return `${escHtml(p.name)}<br/>${escHtml(t('chainmap.amount'))}: ${escHtml(formatFen(p.amount))}<br/>`
            + `${escHtml(t('supply.supplierCount'))}: ${formatNumber(p.suppliers.size)}`;
        },
      },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: top.map((p) => p.name), axisLabel: { interval: 0, rotate: top.length > 6 ? 40 : 0 } },
      yAxis: { type: 'value', name: t('supply.axisWan'), nameTextStyle: { align: 'left' } },
      series: [{ type: 'bar', name: t('chainmap.amount'), data: top.map((p) => fenToWan(p.amount)), barMaxWidth: 32 }],
    });
    charts.push(bar);
  }
}

function escHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
