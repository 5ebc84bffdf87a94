/*
 * ref.js - reference data the pages share (GB/T 2260 regions, GB/T 4754
 * industries, chains), fetched once per page load and cached, plus the labels
 * for enumerations (size class, 专精特新 level, organisation type, role).
 */
import { get } from './api.js';
import { t, localName } from './i18n.js';

const cache = new Map();

function cached(key, load) {
  if (!cache.has(key)) {
    const p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key)); // a failed load may be tried again
  }
  return cache.get(key);
}

/* Regions under parent (omit for provinces): [{code,name,level,full_name,parent}]. */
export function regions(parent) {
  return cached(`regions:${parent || ''}`, () => get('/regions', parent ? { parent } : undefined).then((r) => r.items));
}

/* All GB/T 4754 sections and divisions: [{code,name,name_en,section}]. */
export function industries() {
  return cached('industries', () => get('/industries').then((r) => r.items));
}

/* Only the sections (A–T). */
export async function industrySections() {
  return (await industries()).filter((i) => /^[A-Z]$/.test(i.code));
}

/* Industry chains: [{id,name,name_en}]. */
export function chains() {
  return cached('chains', () => get('/chains').then((r) => r.items));
}

/* Forgets data that depends on who is logged in. */
export function resetCache() {
  cache.delete('chains');
}

export const SIZES = ['large', 'medium', 'small', 'micro'];
export const LEVELS = ['none', 'innovative', 'provincial', 'little_giant'];
export const ORG_TYPES = ['operator', 'large', 'sme', 'bank', 'provider'];
export const ROLES = ['admin', 'member'];

export const sizeLabel = (s) => (s ? t(`size.${s}`) : '—');
export const levelLabel = (l) => (l ? t(`level.${l}`) : '—');
export const orgTypeLabel = (o) => (o ? t(`org.${o}`) : '—');
export const roleLabel = (r) => (r ? t(`role.${r}`) : '—');

/* "35 专用设备制造业" in the UI language. */
export function industryLabel(item) {
  return item ? `${item.code} ${localName(item)}` : '';
}

/* The seven chains of the platform, in their usual order, with their route ids. */
export const SEVEN_CHAINS = ['innovation', 'industry', 'supply', 'data', 'capital', 'service', 'talent'];
