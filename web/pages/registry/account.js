/*
 * account.js - the signed-in user's own account: who they are, which
 * organisation they act for, and a password change (which ends their other
 * sessions).
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText } from '../../lib/dom.js';
import { post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { orgTypeLabel, roleLabel } from '../../lib/ref.js';

export function render(root, ctx) {
  ctx.setTitle(t('nav.account'));
  const { user, org } = session();
  const item = (label, value, cls) => [h('dt', null, label), h('dd', { class: cls || null }, value || '—')];

  const oldPw = h('input', { id: 'pw-old', type: 'password', autocomplete: 'current-password' });
  const newPw = h('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password', minlength: 8, 'aria-describedby': 'pw-new-hint' });
  const again = h('input', { id: 'pw-again', type: 'password', autocomplete: 'new-password' });
  const message = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
    message,
    h('div', { class: 'field' }, h('label', { for: 'pw-old' }, t('account.oldPassword')), oldPw),
    h('div', { class: 'field' }, h('label', { for: 'pw-new' }, t('account.newPassword')), newPw,
      h('p', { class: 'field-hint', id: 'pw-new-hint' }, t('users.passwordHint'))),
    h('div', { class: 'field' }, h('label', { for: 'pw-again' }, t('account.again')), again),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.change'))));

  async function onSubmit(ev) {
    ev.preventDefault();
    message.replaceChildren();
    if (newPw.value.length < 8) { message.appendChild(alertBox('error', t('users.passwordHint'))); return; }
    if (newPw.value !== again.value) { message.appendChild(alertBox('error', t('account.mismatch'))); return; }
    try {
      await post('/auth/password', { old_password: oldPw.value, new_password: newPw.value });
      form.reset();
      message.appendChild(alertBox('success', t('account.changed')));
    } catch (e) {
      message.appendChild(alertBox('error', errorText(e)));
    }
  }

  root.append(pageHeader(t('account.title')),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', null, t('account.profile')),
        h('dl', { class: 'dl' },
          item(t('users.name'), user.name),
          item(t('users.email'), user.email, 'mono'),
          item(t('users.role'), roleLabel(user.role)),
          item(t('users.org'), org.name),
          item(t('account.orgType'), orgTypeLabel(org.type)),
          org.uscc ? item(t('field.uscc'), org.uscc, 'mono') : null,
          item(t('field.createdAt'), formatTime(user.created_at)))),
      h('section', { class: 'card' }, h('h2', null, t('account.password')), form)));
}
