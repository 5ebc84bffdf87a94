/*
 * enterprise-detail.js - one enterprise: every field with its label, the size
 * class with the rule of the 中小企业划型标准 that produced it, and edit/delete
 * for the owning organisation or the operator.
 */
import { t, localName, formatNumber, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, del } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { canEditEnterprise } from './registry.js';
import { industries, sizeLabel, levelLabel } from '../../lib/ref.js';

export async function render(root, ctx) {
  const uscc = ctx.params.uscc.toUpperCase();
  const body = h('div', null, loading());
  root.appendChild(body);

  let ent;
  try {
    ent = await get(`/enterprises/${encodeURIComponent(uscc)}`);
  } catch (e) {
    body.replaceChildren(loadError(e), h('p', null, h('a', { href: '#/enterprises' }, t('detail.back'))));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(ent.name);

  const [industry, rule, owner] = await Promise.all([
    industries().then((list) => list.find((i) => i.code === ent.industry)).catch(() => null),
    get('/classify', { industry: ent.industry, employees: ent.employees, revenue: ent.revenue_wan, assets: ent.assets_wan })
      .catch(() => null),
    ownerName(ent.org_id),
  ]);
  if (!ctx.isCurrent()) return;

  const message = h('div');
  const actions = [];
  if (canEditEnterprise(ent)) {
    actions.push(
      h('a', { class: 'btn btn-primary', href: `#/enterprises/${ent.uscc}/edit`, id: 'edit-enterprise' }, t('common.edit')),
      h('button', { type: 'button', class: 'btn btn-danger', id: 'delete-enterprise', onclick: onDelete }, t('common.delete')));
  }

  async function onDelete() {
    if (!window.confirm(t('detail.confirmDelete', { name: ent.name }))) return;
    try {
      await del(`/enterprises/${encodeURIComponent(ent.uscc)}`);
      ctx.navigate('/enterprises', { kind: 'success', text: t('detail.deleted', { name: ent.name }) });
    } catch (e) {
      message.replaceChildren(alertBox('error', errorText(e)));
    }
  }

  const item = (label, value, cls) => [h('dt', null, label), h('dd', { class: cls || null }, value ?? '—')];
  const badges = h('div', { class: 'badges' },
    h('span', { class: `badge badge-size-${ent.size}`, id: 'detail-size' }, sizeLabel(ent.size)),
    ent.level !== 'none' ? h('span', { class: `badge badge-level-${ent.level}` }, levelLabel(ent.level)) : null);

  body.replaceChildren(
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/enterprises' }, t('nav.enterprises')), h('span', { 'aria-hidden': 'true' }, ' / '),
      h('span', null, ent.name)),
    pageHeader(ent.name, null, ...actions),
    badges,
    message,
    h('div', { class: 'grid-2 detail-grid' },
      h('section', { class: 'card' },
        h('h2', null, t('detail.basic')),
        h('dl', { class: 'dl' },
          item(t('field.uscc'), ent.uscc, 'mono'),
          item(t('field.name'), ent.name),
          item(t('field.region'), `${ent.region_name || ''} (${ent.region})`),
          item(t('field.industry'), `${ent.industry} ${industry ? localName(industry) : ent.industry_name || ''}`),
          item(t('field.level'), levelLabel(ent.level)),
          item(t('field.owner'), owner))),
      h('section', { class: 'card' },
        h('h2', null, t('detail.scale')),
        h('dl', { class: 'dl' },
          item(t('field.employees'), `${formatNumber(ent.employees)} ${t('unit.people')}`),
          item(t('field.revenue'), `${formatNumber(ent.revenue_wan)} ${t('unit.wan')}`),
          item(t('field.assets'), `${formatNumber(ent.assets_wan)} ${t('unit.wan')}`),
          item(t('field.size'), sizeLabel(ent.size)),
          rule ? item(t('detail.rule'), rule.rule, 'rule-text') : null,
          item(t('field.createdAt'), formatTime(ent.created_at)),
          item(t('field.updatedAt'), formatTime(ent.updated_at))))));
}

/* The registering organisation's name when this user may see it, else its number. */
async function ownerName(orgId) {
  if (orgId === null || orgId === undefined) return t('detail.noOwner');
  const s = session();
  if (s.org.id === orgId) return s.org.name;
  try {
    return (await get(`/orgs/${orgId}`)).name;
  } catch {
    return t('detail.orgNumber', { id: orgId });
  }
}
