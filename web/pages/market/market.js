/*
 * market.js - pieces the market pages (供需对接) share: money and status
 * labels, the caller's own enterprises, chain/segment and region pickers,
 * certification tags, the match explanation bars, the scorecard box and the
 * inbox link with its badge in the top bar (polls GET /inbox/count).
 */
import { t, getLang, localName, formatNumber } from '../../lib/i18n.js';
import { h } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { chains, regions } from '../../lib/ref.js';

/* ---- money, dates, labels ---- */

/* 分 → "¥1,234.56" (or "—"). */
export function fen(n) {
  if (n === null || n === undefined || n === '') return '—';
  const yuan = Number(n) / 100;
  return `¥${yuan.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/* A money input in yuan ("12.5") → integer fen, or null when empty/invalid. */
export function yuanToFen(text) {
  const s = String(text ?? '').trim().replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [a, b = ''] = s.split('.');
  return Number(a) * 100 + Number((b + '00').slice(0, 2));
}
export function fenToYuan(n) {
  if (n === null || n === undefined) return '';
  return (Number(n) / 100).toFixed(2).replace(/\.00$/, '');
}

/* An ISO date-time → "2026-12-31" for <input type=date>, and back (end of that day, UTC). */
export function isoToDate(iso) {
  return iso ? String(iso).slice(0, 10) : '';
}
export function dateToIso(d) {
  return d ? `${d}T23:59:59Z` : null;
}
export function formatDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(getLang() === 'zh' ? 'zh-CN' : 'en-GB');
}

/* A status badge: kind 'demand' | 'supply' | 'quote' | 'order'. */
export function statusBadge(kind, status) {
  return h('span', { class: `badge badge-status badge-status-${status}`, dataset: { status } }, t(`market.status.${kind}.${status}`));
}

export const qty = (n, unit) => (n === null || n === undefined ? '—' : `${formatNumber(n)} ${unit || ''}`.trim());

/* The enterprise a listing, quote or order names: {uscc, name, …} or a USCC string. */
export function entName(e) {
  if (!e) return '—';
  return typeof e === 'string' ? e : e.name || e.uscc;
}
export function entLink(e) {
  if (!e) return '—';
  const uscc = typeof e === 'string' ? e : e.uscc;
  return h('a', { href: `#/enterprises/${encodeURIComponent(uscc)}` }, entName(e));
}

/* ---- who am I ---- */

let mine = null;
let mineOrg = null;
/* The caller's organisation's enterprises: [{uscc, name, …}] (the operator: the first page of all). */
export async function myEnterprises() {
  const s = session();
  if (!s) return [];
  if (mine && mineOrg === s.org.id) return mine;
  mineOrg = s.org.id;
  const query = s.org.type === 'operator' ? { limit: 200 } : { org_id: s.org.id, limit: 200 };
  mine = get('/enterprises', query).then((r) => r.items).catch((e) => { mine = null; throw e; });
  return mine;
}
export function isOperator() {
  return session()?.org?.type === 'operator';
}
/* Whether the signed-in organisation owns the enterprise e ({uscc, org_id?}). */
export async function ownsEnterprise(e) {
  if (!e) return false;
  const s = session();
  if (!s) return false;
  if (e.org_id !== undefined && e.org_id !== null) return e.org_id === s.org.id;
  if (s.org.type === 'operator') return false;
  const list = await myEnterprises().catch(() => []);
  const uscc = typeof e === 'string' ? e : e.uscc;
  return list.some((m) => m.uscc === uscc);
}

/* A select of the caller's enterprises (acting as). */
export function enterpriseSelect(list, selected, id = 'f-enterprise') {
  return h('select', { id, name: 'enterprise' },
    list.map((e) => h('option', { value: e.uscc, selected: e.uscc === selected }, `${e.name} (${e.uscc})`)));
}

/* ---- chain / segment picker ---- */

const chainCache = new Map();
export function chainDetail(id) {
  if (!chainCache.has(id)) {
    const p = get(`/chains/${encodeURIComponent(id)}`);
    chainCache.set(id, p);
    p.catch(() => chainCache.delete(id));
  }
  return chainCache.get(id);
}

/*
 * Two selects: chain, then its segments. Returns {el, chainSel, segmentSel, value(), ready}.
 * value() is {chain, segment} or {chain: null, segment: null} when none is chosen.
 */
export function segmentPicker({ chain = '', segment = '', idPrefix = 'f', allLabel } = {}) {
  const none = allLabel || t('market.noChain');
  const chainSel = h('select', { id: `${idPrefix}-chain`, name: 'chain' }, h('option', { value: '' }, none));
  const segmentSel = h('select', { id: `${idPrefix}-segment`, name: 'segment', disabled: true },
    h('option', { value: '' }, t('market.chooseSegment')));
  async function fillSegments(c, selected) {
    segmentSel.replaceChildren(h('option', { value: '' }, t('market.chooseSegment')));
    segmentSel.disabled = !c;
    if (!c) return;
    const full = await chainDetail(c).catch(() => ({ segments: [] }));
    if (chainSel.value !== c) return;
    for (const s of full.segments || []) {
      segmentSel.appendChild(h('option', { value: s.code, selected: s.code === selected }, `${s.name}${getLang() === 'en' ? ` (${s.code})` : ''}`));
    }
  }
  chainSel.addEventListener('change', () => fillSegments(chainSel.value, ''));
  const ready = chains().then(async (items) => {
    for (const c of items) chainSel.appendChild(h('option', { value: c.id, selected: c.id === chain }, localName(c)));
    if (chain) await fillSegments(chain, segment);
  }).catch(() => {});
  const el = h('div', { class: 'segment-picker' }, chainSel, segmentSel);
  return {
    el, chainSel, segmentSel, ready,
    value: () => (chainSel.value && segmentSel.value ? { chain: chainSel.value, segment: segmentSel.value } : { chain: null, segment: null }),
    reset: () => { chainSel.value = ''; fillSegments('', ''); },
  };
}

/* ---- regions ---- */

const regionNames = new Map();
/* A region code (2/4/6 digits) → its full name, e.g. 32 → 江苏省. */
export function regionName(code) {
  if (!code) return Promise.resolve('');
  const full = String(code).padEnd(6, '0');
  if (!regionNames.has(full)) {
    const p = get(`/regions/${full}`).then((r) => r.full_name || r.name).catch(() => code);
    regionNames.set(full, p);
  }
  return regionNames.get(full);
}
/* A span that fills in the region's name. */
export function regionLabel(code) {
  const el = h('span', { class: 'region-name', title: code || '' }, code || '—');
  if (code) regionName(code).then((n) => { el.textContent = n || code; });
  return el;
}

/*
 * Province / city / county selects; value() is the deepest chosen code shortened to 2, 4
 * or 6 digits (how listings store regions), or '' when none.
 */
export function regionPicker({ code = '', idPrefix = 'f-region', label } = {}) {
  const sels = [1, 2, 3].map((lvl) => h('select', {
    id: `${idPrefix}-${['province', 'city', 'county'][lvl - 1]}`,
    'aria-label': `${label || t('field.region')} ${t(['field.province', 'field.city', 'field.county'][lvl - 1])}`,
    disabled: lvl > 1,
  }, h('option', { value: '' }, t(['form.chooseProvince', 'form.chooseCity', 'form.chooseCounty'][lvl - 1]))));
  async function fill(i, parent, selected) {
    const sel = sels[i];
    sel.replaceChildren(h('option', { value: '' }, t(['form.chooseProvince', 'form.chooseCity', 'form.chooseCounty'][i])));
    sel.disabled = i > 0 && !parent;
    if (i > 0 && !parent) return;
    const items = await regions(parent || undefined).catch(() => []);
    for (const r of items) sel.appendChild(h('option', { value: r.code, selected: r.code === selected }, r.name));
    sel.disabled = items.length === 0;
  }
  sels[0].addEventListener('change', async () => { await fill(1, sels[0].value, ''); await fill(2, '', ''); });
  sels[1].addEventListener('change', () => fill(2, sels[1].value, ''));
  const full = String(code || '').padEnd(6, '0');
  const ready = (async () => {
    await fill(0, '', code ? `${full.slice(0, 2)}0000` : '');
    if (code && code.length >= 4) await fill(1, `${full.slice(0, 2)}0000`, `${full.slice(0, 4)}00`);
    else if (code) await fill(1, `${full.slice(0, 2)}0000`, '');
    if (code && code.length === 6) await fill(2, `${full.slice(0, 4)}00`, full);
    else if (code && code.length === 4) await fill(2, `${full.slice(0, 4)}00`, '');
  })();
  function value() {
    if (sels[2].value) return sels[2].value;
    if (sels[1].value) return sels[1].value.slice(0, 4);
    if (sels[0].value) return sels[0].value.slice(0, 2);
    return '';
  }
  function text() {
    return sels.filter((s) => s.value).map((s) => s.selectedOptions[0].textContent).join(' ');
  }
  return { el: h('div', { class: 'region-selects' }, sels), value, text, ready, selects: sels };
}

/* Several regions as chips, added with a region picker. Returns {el, values()}. */
export function regionList(initial = [], { idPrefix = 'f-regions' } = {}) {
  const values = [...initial];
  const list = h('ul', { class: 'chip-list', id: `${idPrefix}-list` });
  const picker = regionPicker({ idPrefix });
  function draw() {
    list.replaceChildren(...values.map((code, i) => h('li', { class: 'chip', dataset: { value: code } }, regionLabel(code),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': t('market.remove'), onclick: () => { values.splice(i, 1); draw(); } }, '×'))));
  }
  const add = h('button', { type: 'button', class: 'btn btn-outline btn-sm', id: `${idPrefix}-add`, onclick: () => {
    const v = picker.value();
    if (v && !values.includes(v)) { values.push(v); draw(); }
  } }, t('market.addRegion'));
  draw();
  return { el: h('div', { class: 'region-list' }, h('div', { class: 'region-add' }, picker.el, add), list), values: () => [...values] };
}

/* ---- tags (certifications, keywords) ---- */

/* A text box that turns what is typed into chips on Enter, comma or blur. upper: ASCII upper-case. */
export function tagInput(initial = [], { id = 'f-tags', placeholder = '', upper = true } = {}) {
  const values = [...initial];
  const list = h('ul', { class: 'chip-list', id: `${id}-list` });
  const input = h('input', { id, type: 'text', placeholder, autocomplete: 'off', maxlength: 60 });
  const norm = (s) => (upper ? s.trim().replace(/[a-z]/g, (c) => c.toUpperCase()) : s.trim());
  function draw() {
    list.replaceChildren(...values.map((v, i) => h('li', { class: 'chip', dataset: { value: v } }, v,
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': t('market.remove'), onclick: () => { values.splice(i, 1); draw(); } }, '×'))));
  }
  function commit() {
    for (const part of input.value.split(/[,;\uff0c\uff1b\u3001]/)) {
      const v = norm(part);
      if (v && !values.includes(v)) values.push(v);
    }
    input.value = '';
    draw();
  }
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ',') { ev.preventDefault(); commit(); }
  });
  input.addEventListener('blur', commit);
  draw();
  return { el: h('div', { class: 'tag-input' }, input, list), input, values: () => { commit(); return [...values]; } };
}

export function tagChips(list, cls = 'tag') {
  if (!list || !list.length) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'tags' }, list.map((x) => h('span', { class: `badge badge-${cls}` }, x)));
}

/* ---- match explanations ---- */

/*
 * The factors behind one match: bars scaled to the best total of the list (max), and the
 * matched words as chips, and why the vocabulary let them match ("马达 → 电机 (俗称)").
 * explain: {text: {score, terms, why}, segment, segment_inferred, region: {level, score},
 * level: {value, score}, scorecard: {score, on_time_rate, acceptance_rate, orders}}.
 */
export function explainView(explain, max) {
  const ex = explain || {};
  const num = (v) => (typeof v === 'number' ? v : (v && typeof v.score === 'number' ? v.score : 0));
  const factors = [
    ['text', num(ex.text), null],
    ['segment', num(ex.segment), null],
    ['inferred', num(ex.segment_inferred), null],
    ['region', num(ex.region), ex.region && ex.region.level ? t(`market.regionLevel.${ex.region.level}`) : null],
    ['level', num(ex.level), ex.level && ex.level.value && ex.level.value !== 'none' ? t(`level.${ex.level.value}`) : null],
    ['scorecard', num(ex.scorecard), ex.scorecard && ex.scorecard.orders
      ? t('market.scorecardNote', { orders: ex.scorecard.orders, rate: pct(ex.scorecard.on_time_rate) }) : null],
  ];
  const scale = max > 0 ? max : Math.max(1, ...factors.map((f) => f[1]));
  const terms = (ex.text && ex.text.terms) || [];
  const why = (ex.text && ex.text.why) || [];
  return h('div', { class: 'explain' },
    h('ul', { class: 'factor-list' }, factors.map(([k, v, note]) => h('li', { class: `factor factor-${k}${v > 0 ? '' : ' is-zero'}`, dataset: { factor: k, score: v.toFixed(3) } },
      h('span', { class: 'factor-name' }, t(`market.factor.${k}`)),
      h('span', { class: 'share-track factor-track' }, h('span', { class: 'share-bar', style: { width: `${Math.min(100, Math.max(0, (v / scale) * 100)).toFixed(1)}%` } })),
      h('span', { class: 'factor-value' }, v.toFixed(2)),
      note ? h('span', { class: 'muted small factor-note' }, note) : null))),
    h('div', { class: 'terms' }, h('span', { class: 'muted small' }, t('market.matchedTerms')),
      terms.length ? terms.map((w) => h('span', { class: 'badge badge-term' }, w)) : h('span', { class: 'muted small' }, t('market.noTerms'))),
    why.length ? h('ul', { class: 'vocab-why muted small' }, why.map((w) => h('li', { class: 'why' }, w))) : null);
}

/*
 * How the query was understood (the match API's "understood"): the terms the vocabulary added, each
 * with its explanation ("马达 → 电机 (俗称)"), and the segments inferred from the listings.
 */
export function understoodView(u) {
  if (!u) return null;
  const added = (u.terms || []).filter((x) => x.explain);
  const segs = u.segments || [];
  if (!added.length && !segs.length) return null;
  return h('div', { class: 'card understood', id: 'match-understood' },
    added.length ? h('div', null, h('span', { class: 'muted small' }, t('market.understood'), ' '),
      added.slice(0, 12).map((x) => h('span', { class: 'badge badge-term', title: x.explain, dataset: { weight: x.weight } }, x.term))) : null,
    added.length ? h('ul', { class: 'vocab-why muted small' }, added.slice(0, 6).map((x) => h('li', null, x.explain))) : null,
    segs.length ? h('div', { class: 'muted small' }, t('market.inferredSegments'), ' ',
      segs.map((x) => `${x.name} ${pct(x.share)}`).join(' · ')) : null);
}

export function pct(v) {
  if (v === null || v === undefined) return '—';
  return `${(Number(v) * 100).toFixed(0)}%`;
}

/* The supplier scorecard box: on-time rate, acceptance rate, orders. */
export function scorecardView(sc) {
  const cell = (key, value, id) => h('div', { class: 'score-cell', dataset: { score: id } },
    h('span', { class: 'stat-label' }, t(key)), h('span', { class: 'stat-value stat-value-sm' }, value));
  if (!sc) return h('p', { class: 'muted' }, t('market.scorecardNone'));
  const orders = sc.orders ?? sc.order_count ?? 0;
  return h('div', { class: 'scorecard', id: 'scorecard' },
    cell('market.onTimeRate', orders ? pct(sc.on_time_rate) : '—', 'on_time'),
    cell('market.acceptanceRate', orders ? pct(sc.acceptance_rate) : '—', 'acceptance'),
    cell('market.orders', formatNumber(orders), 'orders'),
    sc.accepted !== undefined ? cell('market.accepted', formatNumber(sc.accepted), 'accepted') : null);
}

/* ---- the inbox link and badge in the top bar ---- */

/* The top bar's inbox link (#inbox-link), hidden until someone is signed in; data-i18n* keep its words current. */
export function inboxLink() {
  return h('a', { class: 'inbox-link', id: 'inbox-link', href: '#/market/inbox', hidden: true, 'data-i18n-title': 'inbox.title', title: t('inbox.title') },
    h('span', { class: 'inbox-icon', 'aria-hidden': 'true' }),
    h('span', { class: 'inbox-text', 'data-i18n': 'inbox.short' }, t('inbox.short')),
    h('span', { class: 'inbox-badge', id: 'inbox-badge', hidden: true }, '0'));
}

let pollTimer = null;
let pollBusy = false;
const POLL_MS = 3000;

/* Asks for the unread count now and shows it on the badge. */
export async function refreshInboxBadge() {
  const link = document.getElementById('inbox-link');
  const badge = document.getElementById('inbox-badge');
  if (!link || !badge) return;
  if (!session()) { link.hidden = true; return; }
  if (pollBusy) return;
  pollBusy = true;
  try {
    const r = await get('/inbox/count');
    const n = Number(r && r.unread) || 0;
    link.hidden = false;
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = n === 0;
    badge.dataset.count = String(n);
    link.setAttribute('aria-label', t('inbox.badgeLabel', { n }));
    link.title = t('inbox.badgeLabel', { n });
  } catch (e) {
    // 404 while the endpoint does not exist, or a network blip: keep what is shown.
    if (e && e.status === 404) link.hidden = true;
  } finally {
    pollBusy = false;
  }
}

/* Starts (or restarts) polling while signed in; stops when signed out. */
export function startInboxPolling() {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
  if (!session()) {
    const link = document.getElementById('inbox-link');
    if (link) link.hidden = true;
    return;
  }
  refreshInboxBadge();
  pollTimer = setInterval(() => { if (!document.hidden) refreshInboxBadge(); }, POLL_MS);
}

/* Forgets cached per-user data (on logout). */
export function resetMarketCache() {
  mine = null;
  mineOrg = null;
}

/* Replaces el's children like replaceChildren, skipping null/false and flattening arrays (as h() does). */
export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}
/* Appends like append, skipping null/false and flattening arrays. */
export function add(el, ...kids) {
  el.append(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}
