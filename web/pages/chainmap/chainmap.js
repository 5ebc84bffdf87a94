/*
 * chainmap.js - what the industry chain pages (chain map, supply base,
 * disruption) share: money in fen shown as 万元/元, shares and HHI, the weak
 * link rules and gap-filling reasons in the UI language, region names, the
 * colours of segment health, an enterprise search picker, and who is offered
 * the chain tools.
 */
import { t, getLang, localMessage } from '../../lib/i18n.js';
import { h } from '../../lib/dom.js';
import { get } from '../../lib/api.js';
import { regions, SEVEN_CHAINS } from '../../lib/ref.js';
import { may } from '../../lib/access.js';
import { usccOrText } from '../../lib/uscc.js';

/*
 * The chain tools are offered as the server's OpenAPI roles say. The supply
 * base page is for the operator and chain leaders: an SME may read its own
 * buying through the analytics API, but the page is not offered to it. The
 * callers of chain health (GET /chains/{chain}/health) are exactly those two,
 * so that operation decides. The disruption cascade is offered to whoever may
 * run it.
 */
export const SUPPLY_BASE_OPERATION = 'GET /chains/{chain}/health';
export const DISRUPTION_OPERATION = 'POST /analytics/disrupt';
export const canSeeSupplyBase = () => may(SUPPLY_BASE_OPERATION);
export const canRunDisruption = () => may(DISRUPTION_OPERATION);

/* 1 万元 = 10,000 元 = 1,000,000 分 */
const FEN_PER_WAN = 1000000;

const locale = () => (getLang() === 'zh' ? 'zh-CN' : 'en-US');

/* Money in fen as "1,234.56 万元" (from 1 万元 up) or "123.45 元". */
export function formatFen(fen) {
  if (fen === null || fen === undefined) return '—';
  const n = Number(fen);
  const fmt = (v) => v.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (Math.abs(n) >= FEN_PER_WAN) return `${fmt(n / FEN_PER_WAN)} ${t('unit.wan')}`;
  return `${fmt(n / 100)} ${t('unit.yuan')}`;
}

/* Money in fen as a plain number of 万元 (for chart axes). */
export const fenToWan = (fen) => Math.round((Number(fen) / FEN_PER_WAN) * 100) / 100;

/* A share 0-1 as "12.3%"; null (nothing to divide) as "—". */
export function formatPercent(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return '—';
  return `${(Number(x) * 100).toFixed(digits)}%`;
}

/* A Herfindahl-Hirschman index 0-1 with three decimals. */
export function formatHhi(x) {
  if (x === null || x === undefined) return '—';
  return Number(x).toFixed(3);
}

/* The server's weak link rules read "active_suppliers<=2", "hhi>=0.25", "province_hhi>=0.25". */
export function weakRuleText(rule) {
  const m = /^([a-z_]+)\s*(<=|>=)\s*([\d.]+)$/.exec(rule || '');
  if (!m || !['active_suppliers', 'hhi', 'province_hhi'].includes(m[1])) return rule;
  return t(`health.rule.${m[1]}`, { v: m[3] });
}

/*
 * Health class of a segment: 'weak' (too few suppliers), 'warn' (enough
 * suppliers but concentrated), 'ok', or 'none' when health is not known.
 */
export function healthClass(seg) {
  if (!seg) return 'none';
  if (!seg.weak) return 'ok';
  return (seg.weak_rules || []).some((r) => r.startsWith('active_suppliers')) ? 'weak' : 'warn';
}

export const HEALTH_COLORS = { weak: '#c0392b', warn: '#e08a1e', ok: '#2f7d4f', none: '#7a8594' };

/* A health badge for a segment. */
export function healthBadge(seg) {
  const cls = healthClass(seg);
  return h('span', { class: `badge badge-health badge-health-${cls}` }, t(`health.status.${cls}`));
}

/*
 * Gap-filling reasons and other server texts read "中文 (English)", and the
 * English half may itself name a Chinese term ("专精特新 level 3"), which the
 * generic localMessage() does not split. Picks the half for the UI language.
 */
export function reasonText(reason) {
  const m = /^(.*?\S)\s*\(([^()]+)\)$/s.exec(reason || '');
  if (!m) return localMessage(reason);
  return getLang() === 'en' ? m[2].charAt(0).toUpperCase() + m[2].slice(1) : m[1];
}

/* Province code prefix (2 digits) → name, loaded once. Resolves to a Map. */
let provinceMap = null;
export function provinceNames() {
  if (!provinceMap) {
    provinceMap = regions().then((list) => new Map(list.map((p) => [p.code.slice(0, 2), p.name])))
      .catch((e) => { provinceMap = null; throw e; });
  }
  return provinceMap;
}

/* The province name of a 6-digit region code, from a provinceNames() map. */
export function provinceOf(names, code) {
  return (code && names.get(String(code).slice(0, 2))) || code || '—';
}

/* Full names ("江苏省 苏州市 吴中区") of a few region codes; unknown codes stay as they are. */
const fullNames = new Map();
export async function regionFullNames(codes) {
  const want = [...new Set(codes.filter((c) => c && !fullNames.has(c)))];
  await Promise.all(want.map((c) => get(`/regions/${encodeURIComponent(c)}`)
    .then((r) => fullNames.set(c, r.full_name || r.name)).catch(() => {})));
  return new Map(codes.map((c) => [c, fullNames.get(c) || c]));
}

/* The address of an industry chain's map; ids that are also one of the seven chains use the long form. */
export function chainHref(id) {
  return SEVEN_CHAINS.includes(id) ? `#/chain-map/${encodeURIComponent(id)}` : `#/chains/${encodeURIComponent(id)}`;
}

/* A link to an enterprise's detail page. */
export function enterpriseLink(uscc, name) {
  return h('a', { href: `#/enterprises/${encodeURIComponent(uscc)}`, class: 'row-link' }, name || uscc);
}

/* A share 0-1 as a small bar in a fixed track, with its percentage. */
export function shareBar(x, cls) {
  const w = Math.max(0, Math.min(100, Math.round(Number(x) * 100)));
  return h('span', { class: `share${cls ? ` ${cls}` : ''}` },
    h('span', { class: 'share-track', 'aria-hidden': 'true' }, h('span', { class: 'share-bar', style: { width: `${w}%` } })),
    h('span', { class: 'share-text' }, formatPercent(x)));
}

/* A 专精特新 level badge, or a muted dash for none. */
export function levelBadge(level, label) {
  return level && level !== 'none'
    ? h('span', { class: `badge badge-level-${level}` }, label)
    : h('span', { class: 'muted' }, '—');
}

/*
 * An enterprise search box: typing searches the directory by name or USCC and
 * lists matches as buttons; choosing one calls onPick(enterprise). Returns
 * {el, input, setValue(text), focus()}. id prefixes the element ids.
 */
export function enterprisePicker({ id, label, placeholder, onPick }) {
  const input = h('input', {
    id: `${id}-q`, type: 'search', placeholder, maxlength: 100, autocomplete: 'off',
    'aria-controls': `${id}-results`,
  });
  const results = h('ul', { class: 'picker-results', id: `${id}-results`, hidden: true });
  const status = h('p', { class: 'muted small picker-status', 'aria-live': 'polite' });
  let timer = null;
  let controller = null;
  let last = [];

  async function search() {
    const q = usccOrText(input.value); // a name, or a code as pasted (spaces, hyphens)
    if (controller) controller.abort();
    if (!q) {
      results.hidden = true;
      status.textContent = '';
      return;
    }
    controller = new AbortController();
    status.textContent = t('common.loading');
    try {
      const page = await get('/enterprises', { q, limit: 8 }, { signal: controller.signal });
      last = page.items;
      results.replaceChildren(...last.map((e) => h('li', null, h('button', {
        type: 'button', class: 'picker-item', dataset: { uscc: e.uscc }, onclick: () => pick(e),
      }, h('strong', null, e.name), h('span', { class: 'mono muted small' }, e.uscc),
      h('span', { class: 'muted small' }, e.region_name || e.region)))));
      results.hidden = last.length === 0;
      status.textContent = last.length ? '' : t('picker.none');
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = localMessage(e.message) || t('error.unknown');
    }
  }

  function pick(e) {
    input.value = e.name;
    results.hidden = true;
    status.textContent = '';
    onPick(e);
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  input.addEventListener('keydown', async (ev) => {
    if (ev.key !== 'Enter') return;
    ev.preventDefault();
    clearTimeout(timer);
    await search();
    if (last.length === 1) pick(last[0]);
  });

  const el = h('div', { class: 'field picker' },
    h('label', { for: input.id }, label),
    h('div', { class: 'input-group' }, input,
      h('button', { type: 'button', class: 'btn btn-primary', onclick: search }, t('common.search'))),
    status, results);
  return { el, input, setValue: (text) => { input.value = text; }, focus: () => input.focus() };
}
