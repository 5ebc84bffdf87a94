/*
 * dashboard.js - the home page: directory totals, a pie of enterprises by size
 * class, a bar chart by province (Apache ECharts), and entries to the seven
 * chains.
 */
import * as echarts from '/vendor/echarts.esm.min.js';
import { t, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, loading, loadError } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { SIZES, LEVELS, sizeLabel, levelLabel, SEVEN_CHAINS } from '../../lib/ref.js';

const PALETTE = ['#1d4f91', '#3a7bd5', '#6fa8dc', '#a9c9ec', '#c0504d', '#8064a2'];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.home'));
  const s = session();
  root.appendChild(pageHeader(t('dashboard.title'), t('dashboard.welcome', { name: s.user.name || s.user.email, org: s.org.name })));
  const body = h('div', null, loading());
  root.appendChild(body);

  let stats;
  try {
    stats = await get('/enterprises/stats');
  } catch (e) {
    body.replaceChildren(loadError(e));
    return undefined;
  }
  if (!ctx.isCurrent()) return undefined;

  const bySize = stats.by_size || {};
  const byLevel = stats.by_level || {};
  const special = (byLevel.innovative || 0) + (byLevel.provincial || 0) + (byLevel.little_giant || 0);
  const provinces = (stats.provinces || []).slice().sort((a, b) => b.count - a.count);
  const smeCount = (bySize.medium || 0) + (bySize.small || 0) + (bySize.micro || 0);

  const stat = (label, value, note, id) => h('div', { class: 'stat card', dataset: { stat: id } },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, formatNumber(value)),
    note ? h('div', { class: 'stat-note' }, note) : null);

  const pieEl = h('div', { class: 'chart', role: 'img', 'aria-label': t('dashboard.bySize') });
  const barEl = h('div', { class: 'chart', role: 'img', 'aria-label': t('dashboard.byProvince') });
  const levelList = h('ul', { class: 'level-list' }, LEVELS.map((l) => h('li', null,
    h('a', { href: `#/enterprises?level=${l}` }, levelLabel(l)),
    h('strong', null, formatNumber(byLevel[l] || 0)))));

  body.replaceChildren(
    h('div', { class: 'stats-grid' },
      stat(t('dashboard.total'), stats.total, t('dashboard.totalNote'), 'total'),
      stat(t('dashboard.sme'), smeCount, t('dashboard.smeNote'), 'sme'),
      stat(t('dashboard.special'), special, t('dashboard.specialNote'), 'special'),
      stat(t('dashboard.provinces'), provinces.length, t('dashboard.provincesNote'), 'provinces')),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', null, t('dashboard.bySize')), pieEl),
      h('section', { class: 'card' }, h('h2', null, t('dashboard.byProvince')), barEl)),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', null, t('dashboard.byLevel')), levelList),
      h('section', { class: 'card' }, h('h2', null, t('dashboard.chains')),
        h('div', { class: 'chain-grid' }, SEVEN_CHAINS.map((id) => h('a', { class: 'chain-tile', href: `#/chains/${id}` },
          h('span', { class: `chain-dot chain-dot-${id}`, 'aria-hidden': 'true' }),
          h('strong', null, t(`chain.${id}.name`)),
          h('span', { class: 'muted small' }, t(`chain.${id}.short`))))))));

  const pie = echarts.init(pieEl, null, { renderer: 'svg' });
  const roomy = pieEl.clientWidth >= 420; // outside labels need room; the legend carries the counts anyway
  pie.setOption({
    color: PALETTE,
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: {
      bottom: 0,
      icon: 'circle',
      formatter: (name) => `${name} ${formatNumber(bySize[SIZES.find((sz) => sizeLabel(sz) === name)] || 0)}`,
    },
    series: [{
      type: 'pie',
      radius: ['42%', '68%'],
      center: ['50%', '45%'],
      label: { formatter: '{b}\n{c}' },
      data: SIZES.map((sz) => {
        const value = bySize[sz] || 0;
        // An empty class stays in the legend but gets no label pointing at nothing.
        return { name: sizeLabel(sz), value, size: sz, label: { show: value > 0 && roomy }, labelLine: { show: value > 0 && roomy } };
      }),
    }],
  });
  pie.on('click', (p) => ctx.navigate(`/enterprises?size=${p.data.size}`));

  const top = provinces.slice(0, 15);
  const bar = echarts.init(barEl, null, { renderer: 'svg' });
  bar.setOption({
    color: [PALETTE[0]],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((p) => p.name), axisLabel: { interval: 0, rotate: top.length > 6 ? 40 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('dashboard.count'), data: top.map((p) => p.count), barMaxWidth: 28 }],
  });
  bar.on('click', (p) => ctx.navigate(`/enterprises?province=${top[p.dataIndex].code}`));

  const onResize = () => { pie.resize(); bar.resize(); };
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    pie.dispose();
    bar.dispose();
  };
}
