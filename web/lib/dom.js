/*
 * dom.js - a tiny element builder and the few UI pieces every page shares
 * (alerts, empty states, loading text). Text is always set as text, never as
 * HTML, so data from the server cannot inject markup.
 */
import { t, localMessage } from './i18n.js';

/*
 * h('a', {href: '#/', class: 'x', onclick: fn, dataset: {k: 'v'}}, child, ...)
 * Children may be strings, numbers, nodes, arrays or null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'value') el.value = v;
      else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'required') el[k] = Boolean(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/* Removes every child of el. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/* The text to show for an ApiError (or any error): the server's message in the UI language. */
export function errorText(err) {
  if (!err) return '';
  if (err.code === 'network_error') return t('error.network');
  if (err.message) return localMessage(err.message);
  return t('error.unknown');
}

/* An alert box; kind is 'error', 'success' or 'info'. */
export function alertBox(kind, text) {
  return h('div', { class: `alert alert-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/* The page heading block: title, optional subtitle and action buttons on the right. */
export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', null, h('h1', null, title), subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function loading() {
  return h('p', { class: 'muted loading', role: 'status' }, t('common.loading'));
}

/* Renders a failed load: the message, and for 403 the standard "not allowed" explanation. */
export function loadError(err) {
  return h('div', { class: 'card' }, alertBox('error', errorText(err)));
}
