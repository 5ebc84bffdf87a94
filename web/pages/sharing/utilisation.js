/*
 * utilisation.js - the owner's utilisation (#/sharing/utilisation): over a
 * range of Shanghai dates, open, booked and used unit-hours, the rates,
 * revenue, SMEs served and the SME share; a day-by-day chart (ECharts) and
 * a row per resource. The operator may name another owner organisation.
 */
import * as echarts from '/vendor/echarts.esm.min.js';
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { fen, shanghaiDate, fill } from './sharing.js';

const pct = (x) => `${(x * 100).toFixed(1)}%`;

export async function render(root, ctx) {
  ctx.setTitle(t('nav.sharingUtilisation'));
  const from = h('input', { id: 'u-from', type: 'date', value: ctx.query.from || shanghaiDate(-14) });
  const to = h('input', { id: 'u-to', type: 'date', value: ctx.query.to || shanghaiDate(14) });
  const isOperator = session()?.org?.type === 'operator';
  const org = isOperator ? h('input', { id: 'u-org', type: 'number', min: 1, value: ctx.query.org_id || '' }) : null;
  const form = h('form', { class: 'card filters', onsubmit: (e) => { e.preventDefault(); apply(); } },
    h('div', { class: 'filter-row' },
      h('div', { class: 'field' }, h('label', { for: 'u-from' }, t('sharing.from')), from),
      h('div', { class: 'field' }, h('label', { for: 'u-to' }, t('sharing.to')), to),
      org ? h('div', { class: 'field' }, h('label', { for: 'u-org' }, t('sharing.ownerOrg')), org) : null,
      h('div', { class: 'field field-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'u-apply' }, t('common.search')))));
  const stats = h('div', { class: 'stats-grid', id: 'u-stats' });
  const chartEl = h('div', { id: 'u-chart', style: { height: '340px' } });
  const table = h('div', { class: 'table-wrap', id: 'u-resources' });
  root.append(pageHeader(t('nav.sharingUtilisation'), t('sharing.utilisationSubtitle')), form, stats,
    h('section', { class: 'card' }, h('h2', null, t('sharing.byDay')), chartEl),
    h('section', { class: 'card card-flush' }, h('h2', null, t('sharing.byResource')), table));

  function apply() {
    const q = new URLSearchParams({ from: from.value, to: to.value, ...(org && org.value ? { org_id: org.value } : {}) });
    ctx.navigate(`/sharing/utilisation?${q}`);
  }

  fill(stats, loading());
  let u;
  try {
    u = await get('/sharing/utilisation', { from: from.value, to: to.value, org_id: org ? org.value : undefined });
  } catch (e) {
    fill(stats, alertBox(e.code === 'missing_field' ? 'info' : 'error', e.code === 'missing_field' ? t('sharing.nameAnOwner') : errorText(e)));
    return;
  }
  if (!ctx.isCurrent()) return;
  const stat = (label, value, idv) => h('div', { class: 'card stat', id: idv }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label muted' }, label));
  fill(stats,
    stat(t('sharing.openHours'), String(u.open_hours), 'u-open'),
    stat(t('sharing.bookedHours'), `${u.booked_hours} (${pct(u.booked_rate)})`, 'u-booked'),
    stat(t('sharing.usedHours'), `${u.used_hours} (${pct(u.used_rate)})`, 'u-used'),
    stat(t('sharing.revenue'), fen(u.revenue_fen), 'u-revenue'),
    stat(t('sharing.smesServed'), String(u.smes_served), 'u-smes'),
    stat(t('sharing.smeReserved'), t('sharing.smeReservedValue', { reserved: u.sme_reserved_hours, used: u.sme_reserved_used_hours }), 'u-sme'));
  const chart = echarts.init(chartEl, null, { renderer: 'svg' });
  const rateOf = (d) => (d.open_hours ? Math.round((d.booked_hours / d.open_hours) * 1000) / 10 : 0);
  chart.setOption({
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t('sharing.bookedHours'), t('sharing.usedHours'), t('sharing.smeBookedHours'), t('sharing.bookedRate')] },
    grid: { left: 48, right: 48, top: 48, bottom: 32 },
    xAxis: { type: 'category', data: u.days.map((d) => d.date.slice(5)) },
    yAxis: [{ type: 'value', name: t('sharing.unitHours') }, { type: 'value', name: '%', min: 0, max: 100, splitLine: { show: false } }],
    series: [
      { name: t('sharing.bookedHours'), type: 'bar', data: u.days.map((d) => d.booked_hours) },
      { name: t('sharing.usedHours'), type: 'bar', data: u.days.map((d) => d.used_hours) },
      { name: t('sharing.smeBookedHours'), type: 'bar', data: u.days.map((d) => d.sme_booked_hours) },
      { name: t('sharing.bookedRate'), type: 'line', yAxisIndex: 1, data: u.days.map(rateOf), smooth: true, symbolSize: 4 },
    ],
  });
  const onResize = () => chart.resize();
  window.addEventListener('resize', onResize);
  fill(table, h('table', { class: 'table' },
    h('thead', null, h('tr', null, ['sharing.resource', 'sharing.openHours', 'sharing.bookedHours', 'sharing.usedHours', 'sharing.pendingHours', 'sharing.revenue', 'sharing.smesServed'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, u.resources.map((r) => h('tr', { dataset: { id: r.resource.id } },
      h('td', null, h('a', { href: `#/sharing/resources/${r.resource.id}` }, r.resource.name)),
      h('td', null, String(r.open_hours)), h('td', null, `${r.booked_hours} (${pct(r.booked_rate)})`),
      h('td', null, `${r.used_hours} (${pct(r.used_rate)})`), h('td', null, String(r.pending_hours)),
      h('td', null, fen(r.revenue_fen)), h('td', null, String(r.smes_served)))))));
  return () => { window.removeEventListener('resize', onResize); chart.dispose(); };
}
