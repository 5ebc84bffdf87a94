/*
 * users.js - user management for organisation admins: the users of their
 * organisation and a form to register another one. The platform admin may
 * pick any organisation. Others see the server's refusal.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { isPlatformAdmin } from './registry.js';
import { ROLES, roleLabel, orgTypeLabel } from '../../lib/ref.js';

const FORM_FIELDS = ['org_id', 'email', 'name', 'role', 'password'];

export async function render(root, ctx) {
  ctx.setTitle(t('nav.users'));
  const s = session();
  const platform = isPlatformAdmin();
  root.appendChild(pageHeader(t('users.title'), platform ? t('users.subtitlePlatform') : t('users.subtitle', { org: s.org.name })));
  const body = h('div', null, loading());
  root.appendChild(body);

  let orgs = [s.org];
  let users;
  try {
    [users, orgs] = await Promise.all([
      get('/users').then((r) => r.items),
      platform ? get('/orgs').then((r) => r.items) : Promise.resolve(orgs),
    ]);
  } catch (e) {
    body.replaceChildren(h('div', { class: 'card' }, alertBox('error', errorText(e)),
      h('p', { class: 'muted' }, t('users.adminsOnly'))));
    return;
  }
  if (!ctx.isCurrent()) return;
  const orgName = new Map(orgs.map((o) => [o.id, o]));

  /* ---- list ---- */
  const orgFilter = platform ? h('select', { id: 'users-org' },
    h('option', { value: '' }, t('common.all')),
    orgs.map((o) => h('option', { value: o.id }, `${o.name} · ${orgTypeLabel(o.type)}`))) : null;
  const tbody = h('tbody');
  const listMessage = h('div');
  function fillTable(items) {
    tbody.replaceChildren(...items.map((u) => h('tr', null,
      h('td', { class: 'nowrap' }, u.name || '—'),
      h('td', { class: 'mono' }, u.email),
      h('td', null, h('span', { class: `badge badge-role-${u.role}` }, roleLabel(u.role))),
      platform ? h('td', null, orgName.get(u.org_id)?.name || `#${u.org_id}`) : null,
      h('td', { class: 'nowrap' }, u.disabled ? h('span', { class: 'badge badge-muted' }, t('users.disabled')) : t('users.active')),
      h('td', { class: 'nowrap' }, formatTime(u.created_at)))));
    if (!items.length) tbody.appendChild(h('tr', null, h('td', { colspan: 6, class: 'empty-cell' }, t('users.empty'))));
  }
  async function reload() {
    try {
      const query = orgFilter && orgFilter.value ? { org_id: orgFilter.value } : undefined;
      fillTable((await get('/users', query)).items);
      listMessage.replaceChildren();
    } catch (e) {
      listMessage.replaceChildren(alertBox('error', errorText(e)));
    }
  }
  if (orgFilter) orgFilter.addEventListener('change', reload);
  fillTable(users);

  /* ---- add form ---- */
  const errors = {};
  const inputs = {};
  const field = (name, label, control, hint) => {
    control.id = `u-${name}`;
    control.name = name;
    control.setAttribute('aria-describedby', `u-${name}-error`);
    inputs[name] = control;
    errors[name] = h('p', { class: 'field-error', id: `u-${name}-error`, 'aria-live': 'polite' });
    return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, errors[name],
      hint ? h('p', { class: 'field-hint' }, hint) : null);
  };
  const setError = (name, text) => {
    if (!errors[name]) return false;
    errors[name].textContent = text || '';
    errors[name].parentElement.classList.toggle('has-error', Boolean(text));
    inputs[name].setAttribute('aria-invalid', text ? 'true' : 'false');
    return true;
  };
  const orgControl = platform
    ? h('select', null, orgs.map((o) => h('option', { value: o.id, selected: o.id === s.org.id }, o.name)))
    : h('input', { type: 'text', value: s.org.name, readonly: true });
  const formMessage = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: onSubmit, id: 'user-form' },
    formMessage,
    field('org_id', t('users.org'), orgControl),
    field('email', t('users.email'), h('input', { type: 'email', autocomplete: 'off', maxlength: 127 })),
    field('name', t('users.name'), h('input', { type: 'text', maxlength: 100 })),
    field('role', t('users.role'), h('select', null, ROLES.map((r) => h('option', { value: r, selected: r === 'member' }, roleLabel(r))))),
    field('password', t('users.password'), h('input', { type: 'password', autocomplete: 'new-password', minlength: 8 }), t('users.passwordHint')),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.add'))));

  async function onSubmit(ev) {
    ev.preventDefault();
    formMessage.replaceChildren();
    for (const f of FORM_FIELDS) setError(f, '');
    const body = {
      org_id: platform ? Number(inputs.org_id.value) : s.org.id,
      email: inputs.email.value.trim(),
      name: inputs.name.value.trim(),
      role: inputs.role.value,
      password: inputs.password.value,
    };
    let ok = true;
    if (!body.email) { setError('email', t('form.required')); ok = false; }
    if (body.password.length < 8) { setError('password', t('users.passwordHint')); ok = false; }
    if (!ok) return;
    try {
      const u = await post('/users', body);
      formMessage.appendChild(alertBox('success', t('users.added', { email: u.email })));
      inputs.email.value = '';
      inputs.name.value = '';
      inputs.password.value = '';
      reload();
    } catch (e) {
      if (!(e.field && setError(e.field, errorText(e)))) formMessage.appendChild(alertBox('error', errorText(e)));
    }
  }

  body.replaceChildren(h('div', { class: 'grid-side' },
    h('section', { class: 'card card-flush' },
      h('div', { class: 'card-head' }, h('h2', null, t('users.list')),
        orgFilter ? h('label', { class: 'inline-label' }, h('span', null, t('users.org')), orgFilter) : null),
      listMessage,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'users-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, t('users.name')),
          h('th', { scope: 'col' }, t('users.email')),
          h('th', { scope: 'col' }, t('users.role')),
          platform ? h('th', { scope: 'col' }, t('users.org')) : null,
          h('th', { scope: 'col' }, t('users.status')),
          h('th', { scope: 'col' }, t('field.createdAt')))),
        tbody))),
    h('section', { class: 'card' }, h('h2', null, t('users.addTitle')), form)));
}
