/*
 * form.js - opening a resource (#/sharing/resources/new) and changing one
 * (#/sharing/resources/{id}/edit): type, name, description, location
 * (GB/T 2260 county code, named as typed), capacity, the three prices in
 * yuan, opening hours one entry a line ("mon-fri 08:00-18:00"), closed
 * dates, lengths, buffer, horizon, approval, who may book, the SME share.
 * The server validates everything and names the field it refuses.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post, patch } from '../../lib/api.js';
import { TYPES, fill } from './sharing.js';

const toFen = (s) => Math.round(Number(String(s).trim() || '0') * 100);
const toYuan = (n) => (Number(n) / 100).toString();

export async function render(root, ctx) {
  const id = ctx.params.id;
  let r = null;
  if (id) {
    root.appendChild(loading());
    try { r = await get(`/resources/${id}`); } catch (e) { fill(root, loadError(e)); return; }
    if (!ctx.isCurrent()) return;
    root.replaceChildren();
  }
  const title = id ? t('sharing.editResource') : t('sharing.openResource');
  ctx.setTitle(title);
  const v = r || {
    type: 'instrument', name: '', description: '', region: '', address: '', capacity: 1,
    price_per_hour_fen: { sme: 0, large: 0, other: 0 }, opening_hours: ['mon-fri 08:00-18:00'], closed_dates: [],
    min_minutes: 60, max_minutes: 480, buffer_minutes: 0, horizon_days: 60, approval: 'required', eligibility: 'everyone',
    invited_orgs: [], sme_share_bp: 0, no_show_minutes: 30, status: 'active',
  };
  const input = (name, attrs = {}) => h('input', { id: `r-${name}`, name, ...attrs });
  const f = {
    type: h('select', { id: 'r-type' }, TYPES.map((x) => h('option', { value: x, selected: x === v.type }, t(`sharing.type.${x}`)))),
    name: input('name', { value: v.name, maxlength: 200, required: true }),
    description: h('textarea', { id: 'r-description', rows: 3, maxlength: 5000 }, v.description),
    region: input('region', { value: v.region, maxlength: 6, pattern: '\\d{6}', required: true }),
    address: input('address', { value: v.address, maxlength: 300 }),
    capacity: input('capacity', { type: 'number', min: 1, max: 10000, value: v.capacity }),
    sme: input('price-sme', { value: toYuan(v.price_per_hour_fen.sme), inputmode: 'decimal' }),
    large: input('price-large', { value: toYuan(v.price_per_hour_fen.large), inputmode: 'decimal' }),
    other: input('price-other', { value: toYuan(v.price_per_hour_fen.other), inputmode: 'decimal' }),
    hours: h('textarea', { id: 'r-hours', rows: 3 }, v.opening_hours.join('\n')),
    closed: h('textarea', { id: 'r-closed', rows: 2 }, v.closed_dates.join('\n')),
    min: input('min', { type: 'number', min: 0.5, step: 0.5, value: v.min_minutes / 60 }),
    max: input('max', { type: 'number', min: 0.5, step: 0.5, value: v.max_minutes / 60 }),
    buffer: input('buffer', { type: 'number', min: 0, step: 30, value: v.buffer_minutes }),
    horizon: input('horizon', { type: 'number', min: 1, max: 730, value: v.horizon_days }),
    approval: h('select', { id: 'r-approval' }, ['required', 'instant'].map((x) => h('option', { value: x, selected: x === v.approval }, t(`sharing.approval.${x}`)))),
    eligibility: h('select', { id: 'r-eligibility' }, ['everyone', 'sme', 'invited'].map((x) => h('option', { value: x, selected: x === v.eligibility }, t(`sharing.eligibility.${x}`)))),
    invited: input('invited', { value: (v.invited_orgs || []).map((o) => o.org_id).join(', ') }),
    share: input('share', { type: 'number', min: 0, max: 100, step: 1, value: v.sme_share_bp / 100 }),
    noshow: input('noshow', { type: 'number', min: 0, max: 1440, value: v.no_show_minutes }),
    status: h('select', { id: 'r-status' }, ['active', 'withdrawn'].map((x) => h('option', { value: x, selected: x === v.status }, t(`sharing.status.${x}`)))),
  };
  const regionName = h('p', { class: 'field-hint', id: 'r-region-name' });
  async function nameRegion() {
    regionName.textContent = '';
    if (!/^\d{6}$/.test(f.region.value)) return;
    try { regionName.textContent = (await get(`/regions/${f.region.value}`)).full_name || ''; } catch { regionName.textContent = t('sharing.unknownRegion'); }
  }
  f.region.addEventListener('change', nameRegion);
  nameRegion();
  const field = (label, el, hint) => h('div', { class: 'field' }, h('label', { for: el.id }, t(label)), el, hint ? h('p', { class: 'field-hint' }, hint) : null);
  const message = h('div', { id: 'r-message', 'aria-live': 'polite' });
  const lines = (s) => s.split(/[\n;]+/).map((x) => x.trim()).filter(Boolean);
  async function submit(ev) {
    ev.preventDefault();
    fill(message);
    const body = {
      type: f.type.value, name: f.name.value.trim(), description: f.description.value.trim(), region: f.region.value.trim(),
      address: f.address.value.trim(), capacity: Number(f.capacity.value),
      price_sme_fen: toFen(f.sme.value), price_large_fen: toFen(f.large.value), price_other_fen: toFen(f.other.value),
      opening_hours: lines(f.hours.value), closed_dates: lines(f.closed.value.replace(/,/g, '\n')),
      min_minutes: Math.round(Number(f.min.value) * 60), max_minutes: Math.round(Number(f.max.value) * 60),
      buffer_minutes: Number(f.buffer.value), horizon_days: Number(f.horizon.value), approval: f.approval.value,
      eligibility: f.eligibility.value, invited_orgs: f.invited.value.split(/[,\s]+/).filter(Boolean),
      sme_share_bp: Math.round(Number(f.share.value) * 100), no_show_minutes: Number(f.noshow.value),
    };
    if (id) body.status = f.status.value;
    try {
      const saved = id ? await patch(`/resources/${id}`, body) : await post('/resources', body);
      ctx.navigate(`/sharing/resources/${saved.id}`, t('sharing.saved'));
    } catch (e) {
      fill(message, alertBox('error', errorText(e)));
      const bad = e.field && document.getElementById({ opening_hours: 'r-hours', closed_dates: 'r-closed', price_sme_fen: 'r-price-sme' }[e.field] || `r-${e.field}`);
      if (bad) bad.focus();
    }
  }
  root.append(pageHeader(title, t('sharing.formSubtitle')),
    h('form', { class: 'card', id: 'resource-form', onsubmit: submit },
      h('div', { class: 'grid-2' },
        h('div', null, field('sharing.typeLabel', f.type), field('sharing.name', f.name), field('sharing.description', f.description),
          field('sharing.region', f.region), regionName, field('sharing.address', f.address), field('sharing.capacity', f.capacity),
          field('sharing.priceSmeYuan', f.sme), field('sharing.priceLargeYuan', f.large), field('sharing.priceOtherYuan', f.other)),
        h('div', null, field('sharing.openingHours', f.hours, t('sharing.hoursHint')), field('sharing.closedDates', f.closed, t('sharing.closedHint')),
          field('sharing.minHours', f.min), field('sharing.maxHours', f.max), field('sharing.bufferMinutes', f.buffer),
          field('sharing.horizonDays', f.horizon), field('sharing.approvalLabel', f.approval), field('sharing.eligibilityLabel', f.eligibility),
          field('sharing.invitedOrgs', f.invited, t('sharing.invitedHint')), field('sharing.smeSharePct', f.share),
          field('sharing.noShowMinutes', f.noshow), id ? field('sharing.statusLabel', f.status) : null)),
      message,
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'r-submit' }, id ? t('common.save') : t('sharing.openResource'))));
}
