/*
 * disrupt.js - the disruption cascade (断链推演, #/disrupt), for the operator:
 * knock out one or more enterprises, or every enterprise of a region, and see
 * how the loss travels downstream tier by tier (a buyer losing at least the
 * threshold share of a segment is knocked out at the next tier), who is only
 * partly hit, and what each segment loses. Others see the server's refusal.
 */
import * as echarts from '/vendor/echarts.esm.min.js';
import { t, localName, formatNumber } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { post } from '../../lib/api.js';
import { regions, chains } from '../../lib/ref.js';
import {
  formatFen, formatPercent, provinceNames, provinceOf, enterpriseLink, enterprisePicker, chainHref, shareBar, canRunDisruption,
} from './chainmap.js';

const ROWS_STEP = 200;

export async function render(root, ctx) {
  ctx.setTitle(t('nav.disrupt'));
  root.appendChild(pageHeader(t('disrupt.title'), t('disrupt.subtitle')));
  const body = h('div');
  root.appendChild(body);

  if (!canRunDisruption()) {
    // Ask the server, so the page shows its own reason.
    body.replaceChildren(h('div', { class: 'card' }, loading()));
    try {
      await post('/analytics/disrupt', {});
      body.replaceChildren(h('div', { class: 'card' }, alertBox('info', t('disrupt.operatorOnly'))));
    } catch (e) {
      body.replaceChildren(h('div', { class: 'card' }, alertBox(e.status === 403 ? 'info' : 'error', errorText(e) || t('disrupt.operatorOnly'))));
    }
    return undefined;
  }

  /* ---- the form ---- */
  const targets = new Map(); // uscc → enterprise
  const targetList = h('ul', { class: 'chip-list', id: 'disrupt-targets' });
  const picker = enterprisePicker({
    id: 'disrupt-ent', label: t('disrupt.enterprise'), placeholder: t('picker.placeholder'),
    onPick: (e) => { targets.set(e.uscc, e); picker.setValue(''); drawTargets(); },
  });
  function drawTargets() {
    targetList.replaceChildren(...[...targets.values()].map((e) => h('li', { class: 'chip', dataset: { uscc: e.uscc } },
      h('span', null, e.name), h('span', { class: 'mono muted small' }, e.uscc),
      h('button', {
        type: 'button', class: 'chip-remove', 'aria-label': t('disrupt.remove', { name: e.name }),
        onclick: () => { targets.delete(e.uscc); drawTargets(); },
      }, '×'))));
    targetList.hidden = targets.size === 0;
  }
  drawTargets();

  const provinceSel = h('select', { id: 'd-province' }, h('option', { value: '' }, t('disrupt.chooseProvince')));
  const citySel = h('select', { id: 'd-city', disabled: true }, h('option', { value: '' }, t('disrupt.wholeProvince')));
  regions().then((list) => list.forEach((p) => provinceSel.appendChild(h('option', { value: p.code }, p.name)))).catch(() => {});
  provinceSel.addEventListener('change', async () => {
    citySel.replaceChildren(h('option', { value: '' }, t('disrupt.wholeProvince')));
    citySel.disabled = !provinceSel.value;
    if (!provinceSel.value) return;
    const want = provinceSel.value;
    try {
      const cities = await regions(want);
      if (provinceSel.value !== want) return;
      cities.forEach((c) => citySel.appendChild(h('option', { value: c.code }, c.name)));
    } catch { /* the whole province still works */ }
  });

  const modeRadio = (value, label) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'd-mode', value, checked: value === 'enterprises', onchange: syncMode }), label);
  const entBox = h('div', { class: 'mode-box', id: 'mode-enterprises' }, picker.el, targetList);
  const regionBox = h('div', { class: 'mode-box', id: 'mode-region', hidden: true },
    h('div', { class: 'form-grid' },
      h('div', { class: 'field' }, h('label', { for: 'd-province' }, t('field.province')), provinceSel),
      h('div', { class: 'field' }, h('label', { for: 'd-city' }, t('field.city')), citySel)),
    h('p', { class: 'field-hint' }, t('disrupt.regionHint')));

  const threshold = h('input', { id: 'd-threshold', type: 'range', min: 0.05, max: 1, step: 0.05, value: 0.5 });
  const thresholdOut = h('output', { for: 'd-threshold', id: 'd-threshold-value', class: 'range-value' }, '50%');
  threshold.addEventListener('input', () => { thresholdOut.textContent = formatPercent(Number(threshold.value), 0); });
  const maxTier = h('input', { id: 'd-max-tier', type: 'number', min: 1, max: 1000, step: 1, placeholder: t('disrupt.unlimited') });
  const formMessage = h('div');
  const runBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'run-disrupt' }, t('disrupt.run'));

  const form = h('form', { class: 'card disrupt-form', id: 'disrupt-form', onsubmit: (ev) => { ev.preventDefault(); run(); } },
    h('fieldset', { class: 'mode-switch' }, h('legend', null, t('disrupt.mode')),
      modeRadio('enterprises', t('disrupt.byEnterprise')), modeRadio('region', t('disrupt.byRegion'))),
    entBox, regionBox,
    h('div', { class: 'form-grid disrupt-params' },
      h('div', { class: 'field' },
        h('label', { for: 'd-threshold' }, t('disrupt.threshold')),
        h('div', { class: 'range-row' }, threshold, thresholdOut),
        h('p', { class: 'field-hint' }, t('disrupt.thresholdHint'))),
      h('div', { class: 'field' },
        h('label', { for: 'd-max-tier' }, t('disrupt.maxTier')), maxTier,
        h('p', { class: 'field-hint' }, t('disrupt.maxTierHint')))),
    formMessage,
    h('div', { class: 'form-actions' }, runBtn));
  const result = h('div', { id: 'disrupt-result' });
  body.append(form, result);

  let charts = [];
  const onResize = () => charts.forEach((c) => c.resize());
  window.addEventListener('resize', onResize);
  let seq = 0;

  function mode() {
    return form.querySelector('input[name=d-mode]:checked').value;
  }
  function syncMode() {
    entBox.hidden = mode() !== 'enterprises';
    regionBox.hidden = mode() !== 'region';
  }

  /* The request body; the region is sent as its 2- or 4-digit prefix. */
  function request() {
    const req = {};
    if (mode() === 'enterprises') {
      if (!targets.size) return null;
      req.enterprises = [...targets.keys()];
    } else {
      const code = citySel.value || provinceSel.value;
      if (!code) return null;
      req.region = citySel.value ? code.slice(0, 4) : code.slice(0, 2);
    }
    req.threshold = Number(threshold.value);
    if (maxTier.value.trim()) req.max_tier = Number(maxTier.value);
    return req;
  }

  async function run() {
    const req = request();
    if (!req) {
      formMessage.replaceChildren(alertBox('error', mode() === 'enterprises' ? t('disrupt.needEnterprise') : t('disrupt.needRegion')));
      return;
    }
    formMessage.replaceChildren();
    const my = ++seq;
    runBtn.disabled = true;
    runBtn.textContent = t('disrupt.running');
    result.replaceChildren(h('div', { class: 'card' }, loading()));
    let res;
    let names;
    let chainNames;
    try {
      [res, names, chainNames] = await Promise.all([
        post('/analytics/disrupt', req),
        provinceNames().catch(() => new Map()),
        chains().then((l) => new Map(l.map((c) => [c.id, localName(c)]))).catch(() => new Map()),
      ]);
    } catch (e) {
      if (my !== seq || !ctx.isCurrent()) return;
      result.replaceChildren();
      formMessage.replaceChildren(alertBox('error', errorText(e)));
      return;
    } finally {
      if (my === seq) {
        runBtn.disabled = false;
        runBtn.textContent = t('disrupt.run');
      }
    }
    if (my !== seq || !ctx.isCurrent()) return;
    showResult(res, names, chainNames);
  }

  function showResult(res, names, chainNames) {
    charts.forEach((c) => c.dispose());
    charts = [];
    const tiers = res.totals_per_tier || [];
    const deepest = tiers.length ? tiers[tiers.length - 1].tier : 0;
    const stat = (label, value, note, key, id) => h('div', { class: 'stat card', dataset: { stat: key } },
      h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value', id }, value),
      note ? h('div', { class: 'stat-note' }, note) : null);
    const stats = h('div', { class: 'stats-grid' },
      stat(t('disrupt.statKnocked'), formatNumber(res.knocked_out), t('disrupt.statKnockedNote'), 'knocked', 'knocked-out'),
      stat(t('disrupt.statPartial'), formatNumber(res.partially_affected_count), t('disrupt.statPartialNote', { p: formatPercent(res.threshold, 0) }), 'partial', 'partially-affected'),
      stat(t('disrupt.statTiers'), formatNumber(deepest), res.max_tier ? t('disrupt.statTiersCapped', { n: res.max_tier }) : t('disrupt.statTiersNote'), 'tiers', 'tier-depth'),
      stat(t('disrupt.statSegments'), formatNumber((res.totals_per_segment || []).length), t('disrupt.statSegmentsNote'), 'segments', 'segment-count'));

    if (!res.knocked_out) {
      result.replaceChildren(stats, h('div', { class: 'card empty', id: 'disrupt-empty' },
        h('h2', null, t('disrupt.emptyTitle')), h('p', null, t('disrupt.emptyText'))));
      return;
    }

    const chartEl = h('div', { class: 'chart', id: 'tier-chart', role: 'img', 'aria-label': t('disrupt.tierChart') });
    const tierList = h('ol', { class: 'tier-list', start: 0 }, tiers.map((x) => h('li', null,
      h('span', { class: 'badge tier-badge' }, tierName(x.tier)),
      h('strong', null, t('disrupt.enterprises', { n: formatNumber(x.enterprises) })))));

    /* affected, tier by tier, shown in steps */
    const affected = [...res.affected].sort((a, b) => a.tier - b.tier);
    const aBody = h('tbody');
    const aMore = h('button', { type: 'button', class: 'btn btn-outline', id: 'affected-more' }, t('directory.loadMore'));
    let aShown = 0;
    let lastTier = -1;
    const showAffected = () => {
      const next = affected.slice(aShown, aShown + ROWS_STEP);
      for (const e of next) {
        if (e.tier !== lastTier) {
          lastTier = e.tier;
          const n = tiers.find((x) => x.tier === e.tier)?.enterprises ?? '';
          aBody.appendChild(h('tr', { class: 'tier-row', dataset: { tier: e.tier } },
            h('th', { colspan: 4, scope: 'colgroup' }, h('span', { class: 'badge tier-badge' }, tierName(e.tier)), ' ',
              t('disrupt.enterprises', { n: formatNumber(n) }), ' · ', h('span', { class: 'muted small' }, tierNote(e.tier)))));
        }
        aBody.appendChild(h('tr', { dataset: { uscc: e.uscc, tier: e.tier } },
          h('td', { class: 'num' }, e.tier),
          h('td', { class: 'name-cell' }, enterpriseLink(e.uscc, e.name), h('div', { class: 'mono muted small' }, e.uscc)),
          h('td', { class: 'nowrap' }, provinceOf(names, e.region)),
          h('td', null, e.lost.length ? lostList(e.lost, res.threshold) : h('span', { class: 'muted' }, t('disrupt.origin')))));
      }
      aShown += next.length;
      aMore.hidden = aShown >= affected.length;
    };
    aMore.addEventListener('click', showAffected);
    showAffected();

    const partial = res.partially_affected || [];
    const pBody = h('tbody');
    const pMore = h('button', { type: 'button', class: 'btn btn-outline', id: 'partial-more' }, t('directory.loadMore'));
    let pShown = 0;
    const showPartial = () => {
      const next = partial.slice(pShown, pShown + ROWS_STEP);
      for (const e of next) {
        pBody.appendChild(h('tr', { dataset: { uscc: e.uscc } },
          h('td', { class: 'name-cell' }, enterpriseLink(e.uscc, e.name), h('div', { class: 'mono muted small' }, e.uscc)),
          h('td', { class: 'nowrap' }, provinceOf(names, e.region)),
          h('td', null, lostList(e.lost, res.threshold))));
      }
      pShown += next.length;
      pMore.hidden = pShown >= partial.length;
    };
    pMore.addEventListener('click', showPartial);
    showPartial();

    const segRows = (res.totals_per_segment || []).map((s) => h('tr', null,
      h('th', { scope: 'row' }, h('a', { href: `${chainHref(s.chain)}?segment=${encodeURIComponent(s.segment)}` }, s.name),
        h('div', { class: 'muted small' }, chainNames.get(s.chain) || s.chain)),
      h('td', { class: 'num' }, formatNumber(s.knocked_out_buyers)),
      h('td', { class: 'num' }, formatNumber(s.partially_affected_buyers)),
      h('td', { class: 'num nowrap' }, formatFen(s.lost_fen))));

    result.replaceChildren(
      stats,
      h('div', { class: 'grid-side grid-row' },
        h('section', { class: 'card' }, h('h2', null, t('disrupt.tierChart')), chartEl),
        h('section', { class: 'card' }, h('h2', null, t('disrupt.tierSummary')), tierList,
          h('p', { class: 'muted small' }, t('disrupt.computed', { ms: formatMs(res.compute_ms) })))),
      h('section', { class: 'card card-flush' },
        h('div', { class: 'card-head' }, h('h2', null, t('disrupt.affectedTitle')),
          h('span', { class: 'muted small' }, t('disrupt.affectedNote', { p: formatPercent(res.threshold, 0) }))),
        h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'affected-table' },
          h('thead', null, h('tr', null,
            h('th', { scope: 'col', class: 'num' }, t('disrupt.tier')),
            h('th', { scope: 'col' }, t('field.name')),
            h('th', { scope: 'col' }, t('field.province')),
            h('th', { scope: 'col' }, t('disrupt.lost')))),
          aBody)),
        h('div', { class: 'table-foot' }, aMore)),
      h('section', { class: 'card card-flush' },
        h('div', { class: 'card-head' }, h('h2', null, t('disrupt.partialTitle', { n: formatNumber(partial.length) }))),
        partial.length
          ? [h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'partial-table' },
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, t('field.name')),
              h('th', { scope: 'col' }, t('field.province')),
              h('th', { scope: 'col' }, t('disrupt.lost')))),
            pBody)), h('div', { class: 'table-foot' }, pMore)]
          : h('p', { class: 'muted card-pad' }, t('disrupt.noPartial'))),
      h('section', { class: 'card card-flush' },
        h('div', { class: 'card-head' }, h('h2', null, t('disrupt.segmentsTitle'))),
        segRows.length
          ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'segment-totals' },
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, t('chainmap.segment')),
              h('th', { scope: 'col', class: 'num' }, t('disrupt.knockedBuyers')),
              h('th', { scope: 'col', class: 'num' }, t('disrupt.partialBuyers')),
              h('th', { scope: 'col', class: 'num' }, t('disrupt.lostAmount')))),
            h('tbody', null, segRows)))
          : h('p', { class: 'muted card-pad' }, t('disrupt.noSegments'))));

    const chart = echarts.init(chartEl, null, { renderer: 'svg' });
    chart.setOption({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: tiers.map((x) => tierName(x.tier)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{
        type: 'bar', name: t('disrupt.statKnocked'), barMaxWidth: 40,
        data: tiers.map((x) => ({ value: x.enterprises, itemStyle: { color: x.tier === 0 ? '#7a1f1d' : x.tier === 1 ? '#c0392b' : '#e08a1e' } })),
        label: { show: true, position: 'top', color: '#47515f' },
      }],
    });
    charts.push(chart);
  }

  return () => {
    window.removeEventListener('resize', onResize);
    charts.forEach((c) => c.dispose());
  };
}

const formatMs = (ms) => (Number(ms) < 1 ? Number(ms || 0).toFixed(3) : Number(ms).toFixed(1));
const tierName = (n) => t('disrupt.tierN', { n });
const tierNote = (n) => (n === 0 ? t('disrupt.tier0') : t('disrupt.tierK', { k: n - 1 }));

/* "电芯 100.0% (3,000.00 万元 / 3,000.00 万元)" per lost segment; shares at or over the threshold stand out. */
function lostList(lost, threshold) {
  return h('ul', { class: 'lost-list' }, lost.map((l) => h('li', { class: l.share >= threshold ? 'lost-major' : null },
    h('span', { class: 'lost-name' }, l.name),
    shareBar(l.share),
    h('span', { class: 'muted small nowrap' }, t('disrupt.lostOf', { amount: formatFen(l.amount_fen), total: formatFen(l.total_fen) })))));
}
