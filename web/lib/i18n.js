/*
 * i18n.js - the UI language. Every visible string goes through t('key'). The
 * words of the shell, the shared helpers and those several domains share are
 * in i18n/zh.js (default) and i18n/en.js; each domain brings its own
 * (web/pages/<domain>/i18n/), which the shell adds with addDictionary() before
 * the first page. The choice is kept in localStorage so a reload keeps it.
 * Markup carries data-i18n* attributes that applyI18n() fills, so index.html
 * holds no words of either language.
 */
import zh from './i18n/zh.js';
import en from './i18n/en.js';

const DICTS = { zh: { ...zh }, en: { ...en } };
const STORAGE_KEY = 'qilian.lang';

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && DICTS[saved]) return saved;
  } catch { /* storage disabled: fall back to Chinese */ }
  return 'zh';
}

let lang = initialLang();

/* The current language code: 'zh' or 'en'. */
export function getLang() {
  return lang;
}

/*
 * Looks up key in the current dictionary, falling back to Chinese, then to the
 * key itself (so a missing entry is visible rather than blank). {name}
 * placeholders are replaced from vars.
 */
export function t(key, vars) {
  let s = DICTS[lang][key];
  if (s === undefined) s = DICTS.zh[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined && vars[k] !== null ? String(vars[k]) : m));
  return s;
}

/* A list entry of the dictionary (an array of strings), e.g. a chain's planned features. */
export function tList(key) {
  const v = DICTS[lang][key] ?? DICTS.zh[key];
  return Array.isArray(v) ? v : [];
}

/* Whether the dictionary has key (for optional labels such as error codes). */
export function hasKey(key) {
  return DICTS[lang][key] !== undefined || DICTS.zh[key] !== undefined;
}

/*
 * Adds a domain's entries for one language ('zh' or 'en'). A key that is
 * already defined keeps its first text; the clashing keys are returned so the
 * shell can report them (tests/e2e/i18n.test.mjs refuses any). A language the
 * UI does not offer adds nothing and returns every key.
 */
export function addDictionary(language, entries) {
  const dict = DICTS[language];
  if (!dict) return Object.keys(entries || {});
  const clashes = [];
  for (const [k, v] of Object.entries(entries || {})) {
    if (k in dict) clashes.push(k);
    else dict[k] = v;
  }
  return clashes;
}

/* Switches language, remembers it and tells listeners (the router re-renders). */
export function setLang(next) {
  if (!DICTS[next] || next === lang) return;
  lang = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* ignore */ }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  window.dispatchEvent(new CustomEvent('qilian:lang', { detail: next }));
}

/* Fills data-i18n (text), data-i18n-placeholder, -aria-label and -title under root. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const attr of ['placeholder', 'aria-label', 'title']) {
    const data = 'i18n' + attr.replace(/(^|-)(\w)/g, (m, d, c) => c.toUpperCase());
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(el.dataset[data]));
  }
}

/*
 * Server messages read "中文 (English)". Shows the half that matches the UI
 * language; a message with only one language is shown as it is.
 */
export function localMessage(message) {
  if (!message) return '';
  const m = /^(.*[\u4e00-\u9fff].*?)\s*\(([^()\u4e00-\u9fff]+)\)\s*$/s.exec(message);
  if (!m) return message;
  return lang === 'en' ? m[2].charAt(0).toUpperCase() + m[2].slice(1) : m[1];
}

/* Picks the Chinese or English name of a record that carries name and name_en. */
export function localName(item) {
  if (!item) return '';
  return lang === 'en' && item.name_en ? item.name_en : item.name;
}

/* Formats a number with the locale's grouping. */
export function formatNumber(n) {
  if (n === null || n === undefined || n === '') return '—';
  return Number(n).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
}

/* Formats an ISO-8601 UTC timestamp as local date and time. */
export function formatTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}
