/*
 * app.js - the shell: hash router (#/path?query), header (signed-in user,
 * language switch, logout) and the side navigation. Each page is one module
 * under pages/ exporting `render(root, ctx)`; it may return a cleanup
 * function that runs when the user leaves the page.
 */
import { t, setLang, getLang, applyI18n } from './lib/i18n.js';
import { h, clear, errorText, alertBox } from './lib/dom.js';
import {
  session, loadSession, logout, isOrgAdmin, canSeeAudit, canSeeSupplyBase, canRunDisruption,
} from './lib/session.js';
import { orgTypeLabel, roleLabel, resetCache, SEVEN_CHAINS } from './lib/ref.js';
import { startInboxPolling, refreshInboxBadge, resetMarketCache } from './lib/market.js';

/* Route table: path pattern → page module, names of the captured parts, whether login is needed. */
const ROUTES = [
  { re: /^\/login$/, page: 'login', public: true },
  { re: /^\/$/, page: 'dashboard', nav: 'home' },
  { re: /^\/enterprises$/, page: 'enterprises', nav: 'enterprises' },
  { re: /^\/enterprises\/new$/, page: 'enterprise-form', nav: 'enterprises' },
  { re: /^\/enterprises\/([0-9A-Za-z]{1,32})\/edit$/, page: 'enterprise-form', params: ['uscc'], nav: 'enterprises' },
  { re: /^\/enterprises\/([0-9A-Za-z]{1,32})$/, page: 'enterprise-detail', params: ['uscc'], nav: 'enterprises' },
  // 供应链: the supply and demand market (供需对接).
  { re: /^\/chains\/supply$/, page: 'market-home', nav: 'chain-supply' },
  { re: /^\/market$/, page: 'market-home', nav: 'chain-supply' },
  { re: /^\/market\/(demands|supplies)$/, page: 'market-list', params: ['kind'], nav: (p) => `market-${p.kind}` },
  { re: /^\/market\/(demands|supplies)\/new$/, page: 'market-form', params: ['kind'], nav: (p) => `market-${p.kind}` },
  { re: /^\/market\/(demands|supplies)\/(\d{1,12})\/edit$/, page: 'market-form', params: ['kind', 'id'], nav: (p) => `market-${p.kind}` },
  { re: /^\/market\/(demands|supplies)\/(\d{1,12})$/, page: 'market-detail', params: ['kind', 'id'], nav: (p) => `market-${p.kind}` },
  { re: /^\/market\/demands\/(\d{1,12})\/rfq$/, page: 'market-rfq', params: ['id'], nav: 'market-demands' },
  { re: /^\/market\/orders$/, page: 'market-orders', nav: 'market-orders' },
  { re: /^\/market\/orders\/(\d{1,12})$/, page: 'market-orders', params: ['id'], nav: 'market-orders' },
  { re: /^\/market\/inbox$/, page: 'market-inbox', nav: 'market-inbox' },
  { re: /^\/market\/subscriptions$/, page: 'market-subscriptions', nav: 'market-subscriptions' },
  { re: /^\/market\/scorecard\/([0-9A-Za-z]{1,32})$/, page: 'market-scorecard', params: ['uscc'], nav: 'market-supplies' },
  { re: new RegExp(`^/chains/(${SEVEN_CHAINS.join('|')})$`), page: 'chain', params: ['id'], nav: (p) => `chain-${p.id}` },
  // An industry chain's map; /chain-map/{id} also reaches one whose id is a name of the seven chains.
  { re: /^\/(?:chains|chain-map)\/([a-z0-9_-]{1,32})$/, page: 'chain-map', params: ['id'], nav: 'chain-industry' },
  { re: /^\/supply-base$/, page: 'supply-base', nav: 'supply-base' },
  { re: /^\/disrupt$/, page: 'disrupt', nav: 'disrupt' },
  { re: /^\/users$/, page: 'users', nav: 'users' },
  { re: /^\/audit$/, page: 'audit', nav: 'audit' },
  { re: /^\/account$/, page: 'account', nav: 'account' },
];

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

function matchRoute(path) {
  for (const r of ROUTES) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      (r.params || []).forEach((name, i) => { params[name] = m[i + 1]; });
      return { ...r, params };
    }
  }
  return null;
}

async function route() {
  const seq = ++renderSeq;
  if (cleanup) {
    try { cleanup(); } catch { /* a page's cleanup must not break navigation */ }
    cleanup = null;
  }
  const { path, query } = currentRoute();
  const match = matchRoute(path);
  const root = clear(main());
  document.body.classList.remove('is-booting');
  closeNav();

  if (match && !match.public && !session()) {
    navigate(`/login?next=${encodeURIComponent(path)}`);
    return;
  }
  if (match && match.page === 'login' && session()) {
    navigate('/');
    return;
  }
  document.body.classList.toggle('is-login', Boolean(match && match.public));
  renderShell(match);

  if (flash) {
    root.appendChild(alertBox(flash.kind || 'success', flash.text));
    flash = null;
  }
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
    const mod = await import(`./pages/${match.page}.js`);
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
    startInboxPolling();
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
  const link = (id, href, label, icon) => h('a', {
    href, class: `nav-link${active === id ? ' active' : ''}`, 'aria-current': active === id ? 'page' : null,
  }, icon ? h('span', { class: `nav-icon nav-icon-${icon}`, 'aria-hidden': 'true' }) : null, h('span', null, label));
  // Optional groups are null for some users: leave them out (append would write "null").
  nav.append(...[
    h('div', { class: 'nav-group' },
      link('home', '#/', t('nav.home'), 'home'),
      link('enterprises', '#/enterprises', t('nav.enterprises'), 'list')),
    h('div', { class: 'nav-group' },
      h('div', { class: 'nav-title' }, t('nav.chains')),
      SEVEN_CHAINS.map((id) => link(`chain-${id}`, `#/chains/${id}`, t(`chain.${id}.name`), `chain-${id}`))),
    h('div', { class: 'nav-group', id: 'nav-market' },
      h('div', { class: 'nav-title' }, t('nav.market')),
      link('market-demands', '#/market/demands', t('nav.marketDemands'), 'list'),
      link('market-supplies', '#/market/supplies', t('nav.marketSupplies'), 'list'),
      link('market-orders', '#/market/orders', t('nav.marketOrders'), 'list'),
      link('market-inbox', '#/market/inbox', t('nav.marketInbox'), 'list'),
      link('market-subscriptions', '#/market/subscriptions', t('nav.marketSubscriptions'), 'list')),
    canSeeSupplyBase() || canRunDisruption() ? h('div', { class: 'nav-group' },
      h('div', { class: 'nav-title' }, t('nav.chainTools')),
      canSeeSupplyBase() ? link('supply-base', '#/supply-base', t('nav.supplyBase'), 'supply-base') : null,
      canRunDisruption() ? link('disrupt', '#/disrupt', t('nav.disrupt'), 'disrupt') : null) : null,
    h('div', { class: 'nav-group' },
      h('div', { class: 'nav-title' }, t('nav.manage')),
      isOrgAdmin() ? link('users', '#/users', t('nav.users'), 'users') : null,
      canSeeAudit() ? link('audit', '#/audit', t('nav.audit'), 'audit') : null,
      link('account', '#/account', t('nav.account'), 'account')),
  ].filter(Boolean));
}

function closeNav() {
  document.body.classList.remove('nav-open');
  document.getElementById('nav-toggle')?.setAttribute('aria-expanded', 'false');
}

async function start() {
  applyI18n();
  for (const b of document.querySelectorAll('.lang-switch button')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  document.getElementById('logout').addEventListener('click', async () => {
    try { await logout(); } catch { /* the session is gone either way */ }
    resetCache();
    resetMarketCache();
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
      resetMarketCache();
      const { path } = currentRoute();
      navigate(`/login?next=${encodeURIComponent(path)}`, { kind: 'info', text: errorText(ev.detail) });
    }).catch(() => {});
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('qilian:inbox', () => refreshInboxBadge());
  try {
    await loadSession();
  } catch (e) {
    main().appendChild(alertBox('error', errorText(e)));
  }
  route();
}

start();
