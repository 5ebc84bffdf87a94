/*
 * login.js - e-mail and password sign-in. Shows the server's own message on
 * failure (wrong password, too many attempts, …) and returns the user to the
 * page they first asked for.
 */
import { t } from '../../lib/i18n.js';
import { h, alertBox, errorText } from '../../lib/dom.js';
import { post } from '../../lib/api.js';
import { setSession } from '../../lib/session.js';
import { resetCache, SEVEN_CHAINS } from '../../lib/ref.js';

export function render(root, ctx) {
  ctx.setTitle(t('login.title'));
  const errorSlot = h('div', { class: 'form-message', 'aria-live': 'assertive' });
  const email = h('input', {
    id: 'login-email', name: 'email', type: 'email', autocomplete: 'username', required: true,
    placeholder: t('login.emailPlaceholder'),
  });
  const password = h('input', {
    id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));

  const form = h('form', { class: 'login-form', novalidate: true, onsubmit: onSubmit },
    h('h1', null, t('login.title')),
    h('p', { class: 'muted' }, t('login.subtitle')),
    errorSlot,
    h('div', { class: 'field' },
      h('label', { for: 'login-email' }, t('login.email')), email),
    h('div', { class: 'field' },
      h('label', { for: 'login-password' }, t('login.password')), password),
    submit,
    h('p', { class: 'muted small' }, t('login.help')));

  async function onSubmit(ev) {
    ev.preventDefault();
    errorSlot.replaceChildren();
    if (!email.value.trim() || !password.value) {
      errorSlot.appendChild(alertBox('error', t('login.missing')));
      (email.value.trim() ? password : email).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.submitting');
    try {
      const me = await post('/auth/login', { email: email.value.trim(), password: password.value });
      setSession(me);
      resetCache();
      const next = ctx.query.next && ctx.query.next.startsWith('/') && ctx.query.next !== '/login' ? ctx.query.next : '/';
      ctx.navigate(next);
    } catch (e) {
      errorSlot.appendChild(alertBox('error', errorText(e)));
      password.select();
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  }

  root.appendChild(h('div', { class: 'login-wrap' },
    h('section', { class: 'login-intro' },
      h('div', { class: 'login-intro-mark', 'aria-hidden': 'true' }, t('app.mark')),
      h('h2', null, t('app.name')),
      h('p', { class: 'login-lead' }, t('login.lead')),
      h('ul', { class: 'chain-pills' },
        SEVEN_CHAINS.map((id) => h('li', null, t(`chain.${id}.name`))))),
    h('section', { class: 'login-card card' }, form)));
  email.focus();
}
