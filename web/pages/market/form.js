/*
 * form.js - publish or change a demand (#/market/demands/new,
 * #/market/demands/{id}/edit) or a supply (#/market/supplies/…). The chain
 * and segment come from GET /chains/{chain}; regions from the GB/T 2260
 * selects; certifications are tags. Money is typed in yuan and sent in fen;
 * the quote deadline is a date (end of that day, UTC). Server errors land
 * under the field they name.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post, patch } from '../../lib/api.js';
import {
  myEnterprises, ownsEnterprise, isOperator, enterpriseSelect, segmentPicker, regionPicker, regionList, tagInput,
  yuanToFen, fenToYuan, isoToDate, dateToIso,
  fill, add,
} from './market.js';

export async function render(root, ctx) {
  const kind = ctx.params.kind;
  const isDemand = kind === 'demands';
  const editing = Boolean(ctx.params.id);
  const title = t(`market.form.${isDemand ? 'demand' : 'supply'}${editing ? 'Edit' : 'New'}`);
  ctx.setTitle(title);

  const wait = loading();
  root.appendChild(wait);
  let item = null;
  let mine = [];
  try {
    [item, mine] = await Promise.all([editing ? get(`/${kind}/${ctx.params.id}`) : null, myEnterprises()]);
  } catch (e) {
    wait.replaceWith(loadError(e));
    return undefined;
  }
  wait.remove();
  if (!ctx.isCurrent()) return undefined;
  if (editing && !isOperator() && !(await ownsEnterprise(item.enterprise))) {
    root.append(pageHeader(title, item.title), h('div', { class: 'card' }, alertBox('error', t('market.form.notOwner')),
      h('a', { href: `#/market/${kind}/${item.id}` }, t('market.form.back'))));
    return undefined;
  }
  if (!mine.length) {
    add(root, pageHeader(title), h('div', { class: 'card' }, alertBox('error', t('market.noEnterprise')),
      h('a', { href: '#/enterprises/new' }, t('enterprise.create'))));
    return undefined;
  }

  const errors = {};
  const controls = {};
  function field(name, label, control, { hint, required, extra, cls } = {}) {
    if (control && !control.id) control.id = `f-${name}`;
    errors[name] = h('p', { class: 'field-error', dataset: { field: name }, 'aria-live': 'polite' });
    controls[name] = control;
    return h('div', { class: `field field-${name} ${cls || ''}` },
      h('label', { for: control ? control.id : null }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      extra || control, errors[name], hint ? h('p', { class: 'field-hint' }, hint) : null);
  }
  function setError(name, text) {
    const el = errors[name];
    if (!el) return false;
    el.textContent = text || '';
    el.closest('.field').classList.toggle('has-error', Boolean(text));
    return true;
  }

  const v = item || {};
  const entSel = enterpriseSelect(mine, v.enterprise?.uscc || mine[0].uscc);
  if (editing) entSel.disabled = true;
  const titleIn = h('input', { type: 'text', maxlength: 200, value: v.title || '', placeholder: t(isDemand ? 'market.form.demandTitleHint' : 'market.form.supplyTitleHint') });
  const descIn = h('textarea', { rows: 5, maxlength: 4000, placeholder: t('market.form.descriptionHint') });
  descIn.value = v.description || '';
  const seg = segmentPicker({ chain: v.chain || '', segment: v.segment || '', idPrefix: 'f' });
  const num = (val, step = 1) => h('input', { type: 'number', min: 0, step, inputmode: 'numeric', value: val ?? '' });
  const unitIn = h('input', { type: 'text', maxlength: 20, value: v.unit || '', placeholder: t('market.form.unitHint') });
  const certs = tagInput(v.certifications || [], { id: 'f-certifications', placeholder: t('market.form.certHint') });

  let fields;
  let quantityIn, budgetIn, deadlineIn, regionPick, visSel, capacityIn, minOrderIn, regionsPick;
  if (isDemand) {
    quantityIn = num(v.quantity);
    budgetIn = h('input', { type: 'text', inputmode: 'decimal', value: fenToYuan(v.budget_fen), placeholder: '0.00' });
    deadlineIn = h('input', { type: 'date', value: isoToDate(v.deadline) });
    regionPick = regionPicker({ code: v.region || '', idPrefix: 'f-region' });
    visSel = h('select', null, ['public', 'invited'].map((x) => h('option', { value: x, selected: (v.visibility || 'public') === x }, t(`market.visibility.${x}`))));
    fields = [
      h('div', { class: 'form-grid form-grid-3' },
        field('quantity', t('market.quantity'), quantityIn),
        field('unit', t('market.unit'), unitIn),
        field('budget_fen', `${t('market.budget')} (${t('market.yuan')})`, budgetIn)),
      h('div', { class: 'form-grid' },
        field('deadline', t('market.quoteDeadline'), deadlineIn, { hint: t('market.form.deadlineHint') }),
        field('visibility', t('market.visibilityLabel'), visSel)),
      field('region', t('market.deliveryRegion'), regionPick.selects[0], { extra: regionPick.el }),
    ];
  } else {
    capacityIn = num(v.capacity);
    minOrderIn = num(v.min_order);
    regionsPick = regionList(v.regions || [], { idPrefix: 'f-regions' });
    fields = [
      h('div', { class: 'form-grid form-grid-3' },
        field('capacity', t('market.capacityYear'), capacityIn),
        field('unit', t('market.unit'), unitIn),
        field('min_order', t('market.minOrder'), minOrderIn)),
      field('regions', t('market.regionsServed'), regionsPick.regionSel || null, { extra: regionsPick.el, hint: t('market.form.regionsHint') }),
    ];
  }

  const formMessage = h('div', { class: 'form-message', 'aria-live': 'assertive' });
  const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'save-listing' }, editing ? t('common.save') : t('market.form.publish'));
  const back = editing ? `#/market/${kind}/${v.id}` : `#/market/${kind}`;
  const form = h('form', { class: 'card form', id: 'listing-form', novalidate: true, onsubmit: onSubmit },
    formMessage,
    h('fieldset', null, h('legend', null, t('market.form.basics')),
      field('enterprise', t(isDemand ? 'market.buyer' : 'market.supplier'), entSel, { required: true }),
      field('title', t('market.title'), titleIn, { required: true }),
      field('description', t('market.description'), descIn),
      field('chain', t('market.chainSegment'), seg.chainSel, { extra: seg.el, hint: t('market.form.segmentHint') })),
    h('fieldset', null, h('legend', null, t(isDemand ? 'market.form.terms' : 'market.form.capacity')), fields),
    h('fieldset', null, h('legend', null, t('market.certifications')),
      field('certifications', t(isDemand ? 'market.form.certsRequired' : 'market.form.certsHeld'), certs.input, { extra: certs.el })),
    h('div', { class: 'form-actions' }, submitBtn, h('a', { class: 'btn btn-ghost', href: back }, t('common.cancel'))));

  add(root, 
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: `#/market/${kind}` }, t(isDemand ? 'nav.marketDemands' : 'nav.marketSupplies')),
      h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, title)),
    pageHeader(title, editing ? v.title : t(isDemand ? 'market.form.demandIntro' : 'market.form.supplyIntro')),
    form);
  titleIn.focus();

  function intOrNull(input, name) {
    const raw = input.value.trim();
    if (raw === '') return null;
    if (!/^\d+$/.test(raw)) { setError(name, t('form.integer')); return undefined; }
    return Number(raw);
  }

  async function onSubmit(ev) {
    ev.preventDefault();
    fill(formMessage, );
    for (const k of Object.keys(errors)) setError(k, '');
    let ok = true;
    const body = {
      title: titleIn.value.trim(),
      description: descIn.value.trim(),
      ...seg.value(),
      unit: unitIn.value.trim(),
      certifications: certs.values(),
    };
    if (!editing) body.enterprise = entSel.value;
    if (!body.title) { setError('title', t('form.required')); ok = false; }
    if (seg.chainSel.value && !seg.segmentSel.value) { setError('chain', t('market.form.pickSegment')); ok = false; }
    if (isDemand) {
      body.quantity = intOrNull(quantityIn, 'quantity');
      const b = budgetIn.value.trim();
      body.budget_fen = b === '' ? null : yuanToFen(b);
      if (b !== '' && body.budget_fen === null) { setError('budget_fen', t('market.form.money')); ok = false; }
      body.deadline = dateToIso(deadlineIn.value);
      body.region = regionPick.value() || null;
      body.visibility = visSel.value;
    } else {
      body.capacity = intOrNull(capacityIn, 'capacity');
      body.min_order = intOrNull(minOrderIn, 'min_order');
      body.regions = regionsPick.values();
    }
    if (Object.values(body).includes(undefined)) ok = false;
    if (!ok) { formMessage.appendChild(alertBox('error', t('form.fixErrors'))); return; }
    submitBtn.disabled = true;
    try {
      const saved = editing ? await patch(`/${kind}/${v.id}`, body) : await post(`/${kind}`, body);
      ctx.navigate(`/market/${kind}/${saved.id}`, { kind: 'success', text: t(editing ? 'form.saved' : 'market.form.published') });
    } catch (e) {
      submitBtn.disabled = false;
      if (e.field && setError(e.field, errorText(e))) formMessage.appendChild(alertBox('error', t('form.fixErrors')));
      else formMessage.appendChild(alertBox('error', e.status === 404 && !editing ? t('market.apiMissing') : errorText(e)));
    }
  }
  return undefined;
}
