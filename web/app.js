/*
 * app.js - the shell: hash router (#/path?query), header (signed-in user,
 * language switch, logout) and the side navigation. It names no domain: the
 * pages, routes, navigation entries and dictionaries come from the folders
 * under pages/ (one per domain, each described by its index.js; see
 * README.md), listed in gen/domains.js by scripts/gen-web-domains.mjs. A page
 * module exports `render(root, ctx)`; it may return a cleanup function that
 * runs when the user leaves the page.
 */
import { t, setLang, getLang, applyI18n, addDictionary } from './lib/i18n.js';
import { h, clear, errorText, alertBox } from './lib/dom.js';
import { session, loadSession, logout } from './lib/session.js';
import { loadAccess, accessLoaded, resetAccess, may } from './lib/access.js';
import { orgTypeLabel, roleLabel, resetCache } from './lib/ref.js';
import { assemble, matchRoute } from './lib/domains.js';
import manifest from './gen/domains.js';

const house = assemble(manifest);
for (const p of house.problems) console.error(`web domains: ${p}`);
for (const d of house.domains) {
  for (const [lang, entries] of Object.entries(d.dict || {})) {
    const clashes = addDictionary(lang, entries);
    if (clashes.length) console.error(`web domains: ${d.folder} redefines ${lang} ${clashes.join(', ')}`);
  }
}

const main = () => document.getElementById('main');
let cleanup = null;
let renderSeq = 0;
let flash = null;
let shellSignedIn = false;

/* Parses location.hash into {path, query}. */
function currentRoute() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const cut = raw.indexOf('?');
  const path = decodeURIComponent(cut < 0 ? raw : raw.slice(0, cut)) || '/';
  const qs = cut < 0 ? '' : raw.slice(cut + 1);
  return { path, query: Object.fromEntries(new URLSearchParams(qs)) };
}

/* Goes to a hash path; an optional message is shown once on the next page. */
export function navigate(path, message) {
  if (message) flash = message;
  const target = `#${path}`;
  if (location.hash === target) route();
  else location.hash = target;
}

async function route() {
  const seq = ++renderSeq;
  let accessError = null;
  if (session() && !accessLoaded()) {
    // Who may call what (the OpenAPI roles) decides the navigation and buttons: read it once per sign-in.
    try { await loadAccess(); } catch (e) { accessError = e; }
    if (seq !== renderSeq) return;
  }
  if (cleanup) {
    try { cleanup(); } catch { /* a page's cleanup must not break navigation */ }
    cleanup = null;
  }
  const { path, query } = currentRoute();
  const match = matchRoute(house.routes, path);
  const root = clear(main());
  document.body.classList.remove('is-booting');
  closeNav();

  if (match && !match.public && !session()) {
    navigate(`/login?next=${encodeURIComponent(path)}`);
    return;
  }
  if (match && match.guest && session()) {
    navigate('/');
    return;
  }
  document.body.classList.toggle('is-login', Boolean(match && match.public));
  renderShell(match);

  if (flash) {
    root.appendChild(alertBox(flash.kind || 'success', flash.text));
    flash = null;
  }
  if (accessError) root.appendChild(alertBox('error', errorText(accessError)));
  if (!match) {
    root.appendChild(h('div', { class: 'card empty' },
      h('h1', null, t('notfound.title')), h('p', null, t('notfound.text')),
      h('a', { class: 'btn btn-primary', href: '#/' }, t('nav.home'))));
    document.title = `${t('notfound.title')} · ${t('app.name')}`;
    return;
  }
  const ctx = {
    params: match.params,
    query,
    navigate,
    isCurrent: () => seq === renderSeq,
    setTitle: (title) => { document.title = title ? `${title} · ${t('app.name')}` : t('app.title'); },
  };
  ctx.setTitle('');
  try {
    const mod = await match.page();
    if (seq !== renderSeq) return;
    const result = await mod.render(root, ctx);
    if (seq !== renderSeq) {
      if (typeof result === 'function') result();
      return;
    }
    if (typeof result === 'function') cleanup = result;
  } catch (e) {
    if (seq !== renderSeq) return;
    console.error(e);
    root.appendChild(alertBox('error', errorText(e) || t('error.unknown')));
  }
}

/* Header (who is signed in) and side navigation for the current session. */
function renderShell(match) {
  const s = session();
  const who = document.getElementById('whoami');
  const out = document.getElementById('logout');
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
  }
  if (Boolean(s) !== shellSignedIn) {
    shellSignedIn = Boolean(s);
    for (const d of house.domains) d.onSession?.(s);
  }
  if (s) {
    clear(who).append(
      h('span', { class: 'whoami-name' }, s.user.name || s.user.email),
      h('span', { class: 'whoami-meta' }, `${s.org.name} · ${orgTypeLabel(s.org.type)} · ${roleLabel(s.user.role)}`));
    who.title = s.user.email;
    who.hidden = false;
    out.hidden = false;
  } else {
    who.hidden = true;
    out.hidden = true;
  }
  const nav = clear(document.getElementById('sidenav'));
  if (!s) return;
  const active = match ? (typeof match.nav === 'function' ? match.nav(match.params) : match.nav) : null;
  const link = (e) => h('a', {
    href: e.href, class: `nav-link${active === e.id ? ' active' : ''}`, 'aria-current': active === e.id ? 'page' : null,
  }, e.icon ? h('span', { class: `nav-icon nav-icon-${e.icon}`, 'aria-hidden': 'true' }) : null, h('span', null, t(e.label)));
  // An entry tied to an operation shows only to those who may call it; a group left empty is left out.
  for (const g of house.groups) {
    const entries = g.entries.filter((e) => !e.allow || may(e.allow));
    if (!entries.length) continue;
    nav.appendChild(h('div', { class: 'nav-group', id: `nav-${g.id}` },
      g.title ? h('div', { class: 'nav-title' }, t(g.title)) : null,
      entries.map(link)));
  }
}

function closeNav() {
  document.body.classList.remove('nav-open');
  document.getElementById('nav-toggle')?.setAttribute('aria-expanded', 'false');
}

/* What the shell lends the domains' start() hooks. */
const shell = {
  // Places an element in the top bar, before the signed-in user.
  addToTopbar(el) {
    document.getElementById('whoami').before(el);
  },
};

async function start() {
  for (const d of house.domains) d.start?.(shell);
  applyI18n();
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  document.getElementById('logout').addEventListener('click', async () => {
    try { await logout(); } catch { /* the session is gone either way */ }
    resetCache();
    resetAccess();
    navigate('/login', { kind: 'info', text: t('login.loggedOut') });
  });
  document.getElementById('nav-toggle').addEventListener('click', () => {
    const open = document.body.classList.toggle('nav-open');
    document.getElementById('nav-toggle').setAttribute('aria-expanded', String(open));
  });
  window.addEventListener('qilian:lang', () => { applyI18n(); route(); });
  window.addEventListener('qilian:unauthorized', (ev) => {
    // The session ended (expired, logged out elsewhere, password changed).
    if (!session()) return;
    loadSession().then((s) => {
      if (s) return;
      resetCache();
      resetAccess();
      const { path } = currentRoute();
      navigate(`/login?next=${encodeURIComponent(path)}`, { kind: 'info', text: errorText(ev.detail) });
    }).catch(() => {});
  });
  window.addEventListener('hashchange', route);
  try {
    await loadSession();
  } catch (e) {
    main().appendChild(alertBox('error', errorText(e)));
  }
  route();
}

start();
