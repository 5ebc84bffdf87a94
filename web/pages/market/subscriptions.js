/*
 * subscriptions.js - subscriptions (#/market/subscriptions): an
 * enterprise is told in its inbox when a demand is published that matches
 * its segments, keywords and regions (each non-empty list must match).
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post, del } from '../../lib/api.js';
import { myEnterprises, enterpriseSelect, segmentPicker, regionList, tagInput, regionLabel, entName, chainDetail, fill, add } from './market.js';

export async function render(root, ctx) {
  ctx.setTitle(t('nav.marketSubscriptions'));
  const message = h('div', { id: 'sub-message', 'aria-live': 'polite' });
  const listBox = h('div', null, loading());
  const formBox = h('section', { class: 'card', id: 'sub-form-card' }, h('h2', null, t('sub.new')), loading());
  add(root, pageHeader(t('nav.marketSubscriptions'), t('sub.subtitle')), message,
    h('div', { class: 'grid-side' }, h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('sub.list'))), listBox), formBox));

  let mine = [];
  try { mine = await myEnterprises(); } catch (e) { fill(message, alertBox('error', errorText(e))); }
  if (!ctx.isCurrent()) return;
  if (!mine.length) fill(formBox, h('h2', null, t('sub.new')), alertBox('info', t('market.noEnterprise')));
  else buildForm();
  loadList();

  async function loadList() {
    let page;
    try {
      page = await get('/subscriptions');
    } catch (e) {
      fill(listBox, alertBox('error', errorText(e)));
      return;
    }
    if (!ctx.isCurrent()) return;
    const items = page.items || page.subscriptions || [];
    if (!items.length) { fill(listBox, h('p', { class: 'empty-note muted' }, t('sub.none'))); return; }
    fill(listBox, h('ul', { class: 'sub-list', id: 'sub-list' }, items.map((s) => h('li', { dataset: { id: s.id } },
      h('div', { class: 'sub-head' }, h('strong', null, s.name || t('sub.unnamed')),
        h('span', { class: 'muted small' }, ` ${entName(s.enterprise)} · ${formatTime(s.created_at)}`),
        h('button', { type: 'button', class: 'btn btn-sm btn-ghost sub-delete', onclick: async () => {
          if (!window.confirm(t('sub.confirmDelete'))) return;
          try { await del(`/subscriptions/${s.id}`); fill(message, alertBox('success', t('sub.deleted'))); loadList(); } catch (e) { fill(message, alertBox('error', errorText(e))); }
        } }, t('common.delete'))),
      h('dl', { class: 'dl dl-compact' },
        h('dt', null, t('sub.segments')), h('dd', null, chipsOr((s.segments || []).map(segLabel))),
        h('dt', null, t('sub.keywords')), h('dd', null, chipsOr(s.keywords || [])),
        h('dt', null, t('sub.regions')), h('dd', null, chipsOr((s.regions || []).map((r) => regionLabel(r)))))))));
  }

  function buildForm() {
    const entSel = enterpriseSelect(mine, mine[0].uscc, 's-enterprise');
    const name = h('input', { id: 's-name', type: 'text', maxlength: 100, placeholder: t('sub.namePlaceholder') });
    const seg = segmentPicker({ idPrefix: 's' });
    const segs = [];
    const segList = h('ul', { class: 'chip-list', id: 's-segments-list' });
    const drawSegs = () => fill(segList, ...segs.map((v, i) => h('li', { class: 'chip', dataset: { value: v } }, segLabel(v),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': t('market.remove'), onclick: () => { segs.splice(i, 1); drawSegs(); } }, '×'))));
    const addSeg = h('button', { type: 'button', class: 'btn btn-outline btn-sm', id: 's-segment-add', onclick: () => {
      const v = seg.value();
      if (v.chain && !segs.includes(`${v.chain}/${v.segment}`)) { segs.push(`${v.chain}/${v.segment}`); drawSegs(); }
    } }, t('sub.addSegment'));
    const kw = tagInput([], { id: 's-keywords', placeholder: t('sub.keywordsPlaceholder'), upper: false });
    const regs = regionList([], { idPrefix: 's-regions' });
    const f = (label, el, hint) => h('div', { class: 'field' }, h('label', null, label), el, hint ? h('p', { class: 'field-hint' }, hint) : null);
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 's-save' }, t('sub.save'));
    const form = h('form', { class: 'form', id: 'sub-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { enterprise: entSel.value, name: name.value.trim(), segments: segs, keywords: kw.values(), regions: regs.values() };
      submit.disabled = true;
      try {
        await post('/subscriptions', body);
        ctx.navigate('/market/subscriptions', { kind: 'success', text: t('sub.saved') });
      } catch (e) { submit.disabled = false; fill(message, alertBox('error', errorText(e))); }
    } },
    f(t('market.supplier'), entSel), f(t('sub.name'), name),
    f(t('sub.segments'), h('div', null, h('div', { class: 'region-add' }, seg.el, addSeg), segList)),
    f(t('sub.keywords'), kw.el, t('sub.keywordsHint')),
    f(t('sub.regions'), regs.el),
    h('p', { class: 'muted small' }, t('sub.rule')),
    h('div', { class: 'form-actions' }, submit));
    fill(formBox, h('h2', null, t('sub.new')), form);
  }
}

function chipsOr(list) {
  return list.length ? h('span', { class: 'tags' }, list.map((x) => h('span', { class: 'badge' }, x))) : h('span', { class: 'muted' }, t('sub.any'));
}

/* "nev/motor" → a span that fills in the segment's name. */
function segLabel(v) {
  const [c, s] = String(v).split('/');
  const el = h('span', { title: v }, v);
  chainDetail(c).then((full) => {
    const seg = (full.segments || []).find((x) => x.code === s);
    if (seg) el.textContent = seg.name;
  }).catch(() => {});
  return el;
}
