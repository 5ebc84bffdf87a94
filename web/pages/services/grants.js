/*
 * grants.js - the data chain (#/grants): an enterprise grants another
 * organisation read access to scopes of its data for a purpose until a
 * date, revokes it, downloads the consent record, sees who read what and
 * when, and exports all of its own data; a grantee sees the grants it holds
 * and reads under them.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { fill, add, field, myEnterprises, SCOPES } from './svc.js';

function download(name, obj) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(obj, null, 2)], { type: 'application/json' }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function stateBadge(s) {
  const tone = { active: 'ok', pending: 'warn', expired: 'none', revoked: 'weak' }[s] || 'none';
  return h('span', { class: `badge badge-health-${tone} grant-state`, dataset: { state: s } }, t(`grant.state.${s}`));
}

export async function render(root, ctx) {
  ctx.setTitle(t('nav.svcGrants'));
  const message = h('div', { id: 'grant-message', 'aria-live': 'polite' });
  const given = h('div', null, loading());
  const received = h('div', null);
  const logBox = h('div', null);
  const formBox = h('div', null);
  add(root, pageHeader(t('nav.svcGrants'), t('grant.subtitle')), message,
    h('div', { class: 'grid-side' }, h('section', null, given, logBox, received), formBox));
  let mine = [];
  try { mine = await myEnterprises(); } catch (e) { fill(message, alertBox('error', errorText(e))); }
  if (!ctx.isCurrent()) return;
  const admin = session()?.user?.role === 'admin';
  if (mine.length && admin) fill(formBox, await grantForm(ctx, mine, message));
  const fail = (e) => fill(message, alertBox('error', errorText(e)));
  try {
    const g = await get('/data-grants');
    fill(given, h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('grant.given')),
      mine.length ? h('button', { type: 'button', class: 'btn btn-sm btn-outline', id: 'grant-export', onclick: async () => {
        try { download(`export-${mine[0].uscc}.json`, await get('/data-export', { enterprise: mine[0].uscc })); fill(message, alertBox('success', t('grant.exported'))); } catch (e) { fail(e); }
      } }, t('grant.export')) : null),
    g.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'grant-table' },
      h('thead', null, h('tr', null, ['grant.enterprise', 'grant.grantee', 'grant.scopes', 'grant.purpose', 'grant.period', 'grant.stateLabel', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))),
      h('tbody', null, g.items.map((x) => h('tr', { dataset: { id: x.id } },
        h('td', null, x.enterprise.name), h('td', null, x.grantee.name),
        h('td', null, x.scopes.map((s) => t(`grant.scope.${s}`)).join(t('common.listSep'))), h('td', null, x.purpose),
        h('td', { class: 'nowrap' }, `${x.valid_from} ~ ${x.valid_until}`), h('td', null, stateBadge(x.state)),
        h('td', { class: 'nowrap' },
          h('button', { type: 'button', class: 'btn btn-sm btn-ghost grant-consent', onclick: async () => {
            try { download(`consent-${x.id}.json`, await get(`/data-grants/${x.id}/consent`)); } catch (e) { fail(e); }
          } }, t('grant.consent')),
          admin && x.state !== 'revoked' ? h('button', { type: 'button', class: 'btn btn-sm btn-outline grant-revoke', onclick: async () => {
            if (!window.confirm(t('grant.revokeConfirm'))) return;
            try { await post(`/data-grants/${x.id}/revoke`); ctx.navigate('/grants', { kind: 'success', text: t('grant.revoked') }); } catch (e) { fail(e); }
          } }, t('grant.revoke')) : null)))))) : h('p', { class: 'empty-note muted card-pad' }, t('grant.none'))));
    if (mine.length) {
      const log = await get('/data-access-log', { enterprise: mine[0].uscc });
      fill(logBox, h('section', { class: 'card card-flush' }, h('div', { class: 'card-head' }, h('h2', null, t('grant.log'))),
        log.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'grant-log' },
          h('thead', null, h('tr', null, ['grant.when', 'grant.reader', 'grant.user', 'grant.scope', 'grant.items'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', null, log.items.map((l) => h('tr', null, h('td', { class: 'nowrap' }, formatTime(l.at)), h('td', null, l.reader.name || `#${l.reader.org_id}`),
            h('td', null, l.user.email || '—'), h('td', null, t(`grant.scope.${l.scope}`)), h('td', { class: 'num' }, l.items))))))
          : h('p', { class: 'empty-note muted card-pad' }, t('grant.noLog'))));
    }
    const r = await get('/data-grants', { role: 'grantee' });
    if (!ctx.isCurrent()) return;
    if (r.items.length) {
      fill(received, h('section', { class: 'card' }, h('h2', null, t('grant.received')), h('ul', { class: 'sub-list', id: 'grant-received' },
        r.items.map((x) => h('li', { dataset: { id: x.id } }, `${x.enterprise.name} · ${x.purpose} · `, stateBadge(x.state), ' ',
          x.state === 'active' ? x.scopes.map((s) => h('button', { type: 'button', class: 'btn btn-sm btn-ghost grant-read', dataset: { scope: s }, onclick: async () => {
            try {
              const d = await get(`/enterprises/${x.enterprise.uscc}/data/${s}`);
              download(`${x.enterprise.uscc}-${s}.json`, d);
              fill(message, alertBox('success', t('grant.readDone', { scope: t(`grant.scope.${s}`) })));
            } catch (e) { fail(e); }
          } }, t(`grant.scope.${s}`))) : null)))));
    }
  } catch (e) { fail(e); }
}

async function grantForm(ctx, mine, message) {
  let orgs = [];
  try { orgs = (await get('/data-grants/grantees')).items; } catch { orgs = []; }
  const ent = h('select', { id: 'grant-enterprise' }, mine.map((e) => h('option', { value: e.uscc }, e.name)));
  const grantee = h('select', { id: 'grant-grantee' }, orgs.map((o) => h('option', { value: o.id }, `${o.name} (${t(`grant.orgType.${o.type}`)})`)));
  const boxes = SCOPES.map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: s, class: 'grant-scope', checked: s === 'profile' }), ` ${t(`grant.scope.${s}`)}`));
  const purpose = h('input', { id: 'grant-purpose', type: 'text', maxlength: 500 });
  const until = h('input', { id: 'grant-until', type: 'date' });
  return h('section', { class: 'card' }, h('h2', null, t('grant.new')), h('form', { class: 'form', id: 'grant-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const scopes = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    try {
      await post('/data-grants', { enterprise: ent.value, grantee_org_id: Number(grantee.value), scopes, purpose: purpose.value.trim(), valid_until: until.value });
      ctx.navigate('/grants', { kind: 'success', text: t('grant.saved') });
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, field(t('grant.enterprise'), ent), field(t('grant.grantee'), grantee),
  field(t('grant.scopes'), h('div', { id: 'grant-scopes' }, boxes)), field(t('grant.purpose'), purpose), field(t('grant.until'), until),
  h('p', { class: 'muted small' }, t('grant.rule')),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'grant-save' }, t('grant.save')))));
}
