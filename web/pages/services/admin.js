/*
 * admin.js - the operator's desk (#/services/admin): the routing rules
 * (category x region prefix -> provider; the most specific wins), the
 * escalation pass and call-back sampling, and the statistics over a date
 * range by category, region or handler, charted with ECharts.
 */
import * as echarts from '/vendor/echarts.esm.min.js';
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post, del } from '../../lib/api.js';
import { fill, add, field, select, pct, CATEGORIES } from './svc.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.svcAdmin'));
  const message = h('div', { id: 'svc-message', 'aria-live': 'polite' });
  const rules = h('div', null, loading());
  const stats = h('div', null);
  const escalate = h('button', { type: 'button', class: 'btn btn-outline', id: 'svc-escalate', onclick: async () => {
    try {
      const r = await post('/service-requests/escalate', {});
      fill(message, alertBox('success', t('svc.escalated', { r: r.reminders, u: r.urges, s: r.supervisions })));
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, t('svc.escalate'));
  const sample = h('button', { type: 'button', class: 'btn btn-outline', id: 'svc-sample', onclick: async () => {
    try {
      const r = await post('/service-requests/callback-sample', { count: 5 });
      fill(message, alertBox('success', t('svc.sampled', { n: r.items.length, ids: r.items.map((x) => `#${x.id}`).join(' ') })));
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, t('svc.sample'));
  add(root, pageHeader(t('nav.svcAdmin'), t('svc.adminSubtitle'), escalate, sample), message,
    h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('svc.rules'))), rules),
    h('section', { class: 'card', id: 'svc-stats-card' }, h('h2', null, t('svc.stats')), stats));
  let providers = [];
  try { providers = (await get('/service-providers')).items; } catch (e) { fill(message, alertBox('error', errorText(e))); }
  if (!ctx.isCurrent()) return;
  loadRules();
  statsView();

  async function loadRules() {
    let list;
    try { list = (await get('/service-routes')).items; } catch (e) { fill(rules, alertBox('error', errorText(e))); return; }
    if (!ctx.isCurrent()) return;
    const cat = select('svc-rule-category', ['*', ...CATEGORIES], null, 'financing');
    for (const o of cat.options) o.textContent = o.value === '*' ? t('svc.anyCategory') : t(`svc.cat.${o.value}`);
    const prefix = h('input', { id: 'svc-rule-prefix', type: 'text', maxlength: 6, placeholder: t('svc.prefixPlaceholder') });
    const handler = h('select', { id: 'svc-rule-handler' }, providers.map((p) => h('option', { value: p.id }, p.name)));
    const form = h('form', { class: 'form form-inline', id: 'svc-rule-form', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        await post('/service-routes', { category: cat.value, region_prefix: prefix.value.trim(), handler_org_id: Number(handler.value) });
        fill(message, alertBox('success', t('svc.ruleSaved')));
        loadRules();
      } catch (e) { fill(message, alertBox('error', errorText(e))); }
    } }, field(t('svc.category'), cat), field(t('svc.prefix'), prefix), field(t('svc.handler'), handler),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'svc-rule-add' }, t('svc.ruleAdd'))));
    fill(rules, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'svc-rules' },
      h('thead', null, h('tr', null, ['svc.category', 'svc.prefix', 'svc.handler', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', null, list.map((r) => h('tr', { dataset: { id: r.id } },
        h('td', null, r.category === '*' ? t('svc.anyCategory') : t(`svc.cat.${r.category}`)),
        h('td', null, r.region_prefix || t('svc.anywhere')),
        h('td', null, r.handler_name),
        h('td', null, h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: async () => {
          try { await del(`/service-routes/${r.id}`); loadRules(); } catch (e) { fill(message, alertBox('error', errorText(e))); }
        } }, t('common.delete')))))))), h('p', { class: 'muted small card-pad' }, t('svc.rulesHint')), form);
  }

  function statsView() {
    const today = new Date();
    const from = h('input', { id: 'svc-stats-from', type: 'date', value: `${today.getFullYear() - 1}-01-01` });
    const to = h('input', { id: 'svc-stats-to', type: 'date', value: today.toISOString().slice(0, 10) });
    const by = select('svc-stats-by', ['category', 'region', 'handler'], 'svc.by', 'category');
    const chartEl = h('div', { id: 'svc-chart', style: { width: '100%', height: '320px' } });
    const table = h('div', null);
    let chart = null;
    const load = async () => {
      let s;
      try { s = await get('/service-stats', { from: from.value, to: to.value, by: by.value }); } catch (e) { fill(table, alertBox('error', errorText(e))); return; }
      if (!ctx.isCurrent()) return;
      const label = (g) => (by.value === 'category' ? t(`svc.cat.${g.key}`) : by.value === 'handler' && g.key === 'queue' ? t('svc.operatorQueue') : g.label);
      chart = chart || echarts.init(chartEl, null, { renderer: 'svg' });
      chart.setOption({
        tooltip: { trigger: 'axis' },
        legend: { data: [t('svc.received'), t('svc.resolved'), t('svc.inTimeRate')] },
        xAxis: { type: 'category', data: s.items.map(label), axisLabel: { rotate: 30 } },
        yAxis: [{ type: 'value', name: t('svc.count') }, { type: 'value', name: '%', max: 100 }],
        series: [
          { name: t('svc.received'), type: 'bar', data: s.items.map((g) => g.received) },
          { name: t('svc.resolved'), type: 'bar', data: s.items.map((g) => g.resolved) },
          { name: t('svc.inTimeRate'), type: 'line', yAxisIndex: 1, data: s.items.map((g) => (g.in_time_rate === null ? null : Math.round(g.in_time_rate * 1000) / 10)) },
        ],
      }, true);
      const row = (g, name) => h('tr', { dataset: { key: g.key } }, h('td', null, name), h('td', { class: 'num' }, g.received),
        h('td', { class: 'num' }, `${g.accepted_in_time} (${pct(g.accepted_in_time_rate)})`), h('td', { class: 'num' }, g.resolved),
        h('td', { class: 'num' }, pct(g.resolution_rate)), h('td', { class: 'num' }, pct(g.in_time_rate)),
        h('td', { class: 'num' }, `${pct(g.satisfaction_rate)} / ${g.rated}`),
        h('td', { class: 'num' }, g.median_workdays_to_accept ?? '—'), h('td', { class: 'num' }, g.median_workdays_to_resolve ?? '—'));
      fill(table, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'svc-stats-table' },
        h('thead', null, h('tr', null, ['svc.group', 'svc.received', 'svc.acceptedInTime', 'svc.resolved', 'svc.resolutionRate', 'svc.inTimeRate', 'svc.satisfaction', 'svc.medianAccept', 'svc.medianResolve']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, s.items.map((g) => row(g, label(g))), row(s.total, t('svc.total'))))),
      h('p', { class: 'muted small' }, t('svc.statsHint')));
    };
    const form = h('form', { class: 'form form-inline', id: 'svc-stats-form', onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field(t('svc.from'), from), field(t('svc.to'), to), field(t('svc.byLabel'), by),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'svc-stats-go' }, t('svc.show'))));
    fill(stats, form, chartEl, table);
    load();
  }
}
