/*
 * request-form.js - a new service request (#/services/new): the enterprise,
 * category, title, description, region and urgency; the answer names the
 * handler it was routed to and the working-day deadlines.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { post } from '../../lib/api.js';
import { fill, add, field, select, myEnterprises, CATEGORIES, URGENCIES } from './svc.js';

export async function render(root, ctx) {
  ctx.setTitle(t('svc.new'));
  const message = h('div', { id: 'svc-message', 'aria-live': 'polite' });
  const card = h('section', { class: 'card' }, loading());
  add(root, pageHeader(t('svc.new'), t('svc.newSubtitle')), message, card);
  let mine = [];
  try { mine = await myEnterprises(); } catch (e) { fill(message, alertBox('error', errorText(e))); }
  if (!ctx.isCurrent()) return;
  if (!mine.length) { fill(card, alertBox('info', t('svc.noEnterprise'))); return; }
  const ent = h('select', { id: 'svc-enterprise' }, mine.map((e) => h('option', { value: e.uscc }, `${e.name} (${e.uscc})`)));
  const cat = select('svc-category', CATEGORIES, 'svc.cat', 'financing');
  const urg = select('svc-urgency', URGENCIES, 'svc.urgency', 'normal');
  const title = h('input', { id: 'svc-title', type: 'text', maxlength: 200, required: true });
  const desc = h('textarea', { id: 'svc-description', rows: 5, maxlength: 5000, required: true });
  const region = h('input', { id: 'svc-region', type: 'text', maxlength: 6, placeholder: t('svc.regionPlaceholder') });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'svc-submit' }, t('svc.submit'));
  fill(card, h('form', { class: 'form', id: 'svc-form', novalidate: true, onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { enterprise: ent.value, category: cat.value, urgency: urg.value, title: title.value.trim(), description: desc.value.trim() };
    if (region.value.trim()) body.region = region.value.trim();
    submit.disabled = true;
    try {
      const r = await post('/service-requests', body);
      ctx.navigate(`/services/${r.id}`, { kind: 'success', text: t('svc.submitted', { due: r.accept_due || t('svc.noDue') }) });
    } catch (e) { submit.disabled = false; fill(message, alertBox('error', errorText(e))); }
  } },
  field(t('svc.enterprise'), ent), field(t('svc.category'), cat), field(t('svc.urgencyLabel'), urg),
  field(t('svc.title'), title), field(t('svc.description'), desc), field(t('svc.region'), region, t('svc.regionHint')),
  h('p', { class: 'muted small' }, t('svc.limitsHint')),
  h('div', { class: 'form-actions' }, submit)));
}
