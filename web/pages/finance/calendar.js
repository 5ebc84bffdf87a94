/*
 * calendar.js - the issuer's maturity calendar (#/finance/calendar): what
 * its certificates will cost it and when. The outstanding amount of its
 * active certificates by maturity day (an ECharts calendar heat map over
 * the coming year) and by month, the list by maturity with the days left
 * and overdue ones marked, and the credit limits banks granted its
 * enterprises with what is used.
 */
import { t, getLang } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { fen, stateBadge, overdueBadge, entName, certLink, table, fill, add, shanghaiToday, addDays, daysBetween } from './finance.js';
import { limitTable } from './bank.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.financeCalendar'));
  const body = h('div', null, loading());
  add(root, pageHeader(t('nav.financeCalendar'), t('finance.calendar.subtitle')), body);
  let certs = [], limits = [];
  try {
    const [page, l] = await Promise.all([get('/finance/certificates', { role: 'issued', limit: 500 }), get('/finance/limits')]);
    certs = page.items || [];
    limits = l.items || [];
  } catch (e) { fill(body, alertBox('error', errorText(e))); return; }
  if (!ctx.isCurrent()) return;
  const today = shanghaiToday();
  const open = certs.filter((c) => c.status === 'active').sort((a, b) => a.maturity.localeCompare(b.maturity));
  const byDay = new Map();
  const byMonth = new Map();
  for (const c of open) {
    byDay.set(c.maturity, (byDay.get(c.maturity) || 0) + c.outstanding_fen);
    const m = c.maturity.slice(0, 7);
    byMonth.set(m, (byMonth.get(m) || 0) + c.outstanding_fen);
  }
  const heat = h('div', { class: 'chart', id: 'maturity-heat', style: { height: '220px' } });
  const bars = h('div', { class: 'chart', id: 'maturity-bars' });
  fill(body,
    h('div', { class: 'stats-grid' },
      h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t('finance.calendar.outstanding')), h('div', { class: 'stat-value stat-value-sm', id: 'cal-outstanding' }, fen(open.reduce((s, c) => s + c.outstanding_fen, 0)))),
      h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t('finance.calendar.next30')), h('div', { class: 'stat-value stat-value-sm' }, fen(open.filter((c) => c.maturity <= addDays(today, 30)).reduce((s, c) => s + c.outstanding_fen, 0)))),
      h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, t('finance.calendar.overdue')), h('div', { class: 'stat-value stat-value-sm' }, String(open.filter((c) => c.overdue).length)))),
    h('section', { class: 'card' }, h('h2', null, t('finance.calendar.heat')), open.length ? heat : h('p', { class: 'muted' }, t('finance.calendar.none'))),
    open.length ? h('section', { class: 'card' }, h('h2', null, t('finance.calendar.byMonth')), bars) : null,
    h('section', { class: 'card card-flush', id: 'maturity-list' }, h('div', { class: 'card-head' }, h('h2', null, t('finance.calendar.list'))),
      open.length ? table('maturity-table', ['finance.maturity', 'finance.calendar.daysLeft', 'finance.cert', 'finance.payee', 'finance.outstanding', 'finance.stateLabel'],
        open.map((c) => ({
          dataset: { id: c.id },
          cells: [c.maturity, String(daysBetween(today, c.maturity)), certLink(c.id), entName(c.payee), fen(c.outstanding_fen), h('span', null, stateBadge('cert', c.status), ' ', overdueBadge(c))],
        })), { num: [1, 4] }) : h('p', { class: 'empty-note muted' }, t('finance.calendar.none'))),
    h('section', { class: 'card', id: 'issuer-limits' }, h('h2', null, t('finance.limits')), limits.length ? limitTable(limits) : h('p', { class: 'muted' }, t('finance.limitsNone'))));
  if (!open.length) return;
  const echarts = await import('/vendor/echarts.esm.min.js');
  if (!ctx.isCurrent()) return;
  const charts = [];
  const last = open[open.length - 1].maturity;
  const start = today < open[0].maturity ? today : open[0].maturity;
  const end = last > addDays(start, 364) ? last : addDays(start, 364);
  const max = Math.max(...byDay.values()) / 100;
  const hc = echarts.init(heat, null, { renderer: 'svg' });
  hc.setOption({
    tooltip: { formatter: (p) => `${p.value[0]}<br/>${fen(Math.round(p.value[1] * 100))}` },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, show: false, inRange: { color: ['#e3edf9', '#1d4f91'] } },
    calendar: { range: [start, end], cellSize: ['auto', 16], top: 30, left: 40, right: 20, dayLabel: { nameMap: getLang() === 'zh' ? 'ZH' : 'EN', firstDay: 1 }, monthLabel: { nameMap: getLang() === 'zh' ? 'ZH' : 'EN' }, yearLabel: { show: false } },
    series: [{ type: 'heatmap', coordinateSystem: 'calendar', data: [...byDay].map(([d, v]) => [d, v / 100]) }],
  });
  charts.push(hc);
  const bc = echarts.init(bars, null, { renderer: 'svg' });
  const months = [...byMonth.keys()].sort();
  bc.setOption({
    color: ['#1d4f91'],
    tooltip: { trigger: 'axis', formatter: (ps) => `${ps[0].name}<br/>${fen(byMonth.get(ps[0].name))}` },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months },
    yAxis: { type: 'value', name: t('finance.calendar.axisWan') },
    series: [{ type: 'bar', data: months.map((m) => Math.round(byMonth.get(m) / 10000) / 100) /* fen to 10k yuan, two decimals */, barMaxWidth: 32 }],
  });
  charts.push(bc);
  return () => { for (const c of charts) c.dispose(); };
}
