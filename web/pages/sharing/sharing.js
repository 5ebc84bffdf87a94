/*
 * sharing.js - what the sharing pages share: money in fen, Shanghai local
 * times, state badges, the resource types, and building ISO times from a
 * Shanghai date and hour.
 */
import { t, getLang } from '../../lib/i18n.js';
import { h } from '../../lib/dom.js';

export const TYPES = ['instrument', 'equipment', 'test_site', 'rd_service', 'design_service', 'brand_licence'];
export const STATES = ['requested', 'approved', 'checked_in', 'completed', 'rejected', 'cancelled', 'no_show', 'expired', 'waitlisted', 'offered'];
const SHANGHAI = 8 * 3600000;

export function fen(n) {
  if (n === null || n === undefined) return '—';
  return `¥${(Number(n) / 100).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/* "2026-12-07 09:00" in Asia/Shanghai for a UTC ISO time. */
export function local(iso) {
  if (!iso) return '—';
  const d = new Date(Date.parse(iso) + SHANGHAI);
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/* A booking window "2026-12-07 09:00–11:00" (the end's date only when it differs). */
export function windowText(b) {
  const s = local(b.starts_at), e = local(b.ends_at);
  return `${s}–${e.slice(0, 10) === s.slice(0, 10) ? e.slice(11) : e}`;
}

/* Today's Shanghai date, plus n days, as YYYY-MM-DD. */
export function shanghaiDate(n = 0) {
  return new Date(Date.now() + SHANGHAI + n * 86400000).toISOString().slice(0, 10);
}

/* The UTC ISO time of Shanghai date (YYYY-MM-DD) and time (HH:MM). */
export function isoAt(date, hm) {
  return `${date}T${hm}:00+08:00`;
}

export function stateBadge(state) {
  const colours = {
    requested: ['#fff4dc', '#8a5a00'], approved: ['#e3f4e8', '#1f6b3a'], checked_in: ['#e3edfb', '#1d4f91'],
    completed: ['#e9eef7', '#24324a'], offered: ['#f3eef8', '#62468a'], waitlisted: ['#f1f1f1', '#555'],
  };
  const [bg, fg] = colours[state] || ['#fbe9e8', '#9b2c24'];
  return h('span', { class: 'badge badge-booking', dataset: { state }, style: { background: bg, color: fg } }, t(`sharing.state.${state}`));
}

export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}
