/*
 * innovation.js - helpers the voucher and challenge pages share: money in
 * fen shown as yuan, yuan typed back to fen, basis points as percent, state
 * badges, and filling elements.
 */
import { t, getLang } from '../../lib/i18n.js';
import { h } from '../../lib/dom.js';

export function fen(n) {
  if (n === null || n === undefined || n === '') return '—';
  const yuan = Number(n) / 100;
  return `¥${yuan.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/* "12.5" yuan -> 1250 fen; null when not a plain amount with at most two decimals. */
export function yuanToFen(text) {
  const s = String(text ?? '').trim().replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [a, b = ''] = s.split('.');
  return Number(a) * 100 + Number((b + '00').slice(0, 2));
}

/* Percent text ("50", "33.33") -> basis points, exactly; null otherwise. */
export function percentToBp(text) {
  const s = String(text ?? '').trim();
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return null;
  const [a, b = ''] = s.split('.');
  return Number(a) * 100 + Number((b + '00').slice(0, 2));
}

export const bpText = (bp) => `${(Number(bp) / 100).toFixed(2).replace(/\.?0+$/, '')}%`;

export function badge(kind, state) {
  return h('span', { class: `badge badge-status badge-status-${state}`, dataset: { state } }, t(`inno.${kind}.${state}`));
}

export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

export function add(el, ...kids) {
  el.append(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

/* A labelled form field around an input. */
export function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', null, label), input, hint ? h('span', { class: 'field-hint' }, hint) : null);
}

export const entName = (e) => (e ? e.name || e.uscc : '—');
