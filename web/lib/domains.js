/*
 * domains.js - puts the UI's domains together for the shell. Each folder
 * web/pages/<name>/ describes itself in its index.js (routes, navigation
 * groups and entries, dictionaries, optional hooks; see web/README.md) and
 * scripts/gen-web-domains.mjs lists the folders in web/gen/domains.js. This
 * module orders the domains, merges what they declare and reports clashes,
 * so the shell (app.js) never names a domain and adding one never means
 * editing a central table.
 */
import { SEVEN_CHAINS } from './ref.js';

const byOrder = (a, b) => (a.order ?? 0) - (b.order ?? 0);

/*
 * The navigation entry of one of the seven chains (#/chains/{id}) in the
 * shared "七链协同" group, in the chains' usual order. The platform declares
 * one for each chain as a fallback; a domain that implements a chain declares
 * its own, which takes the fallback's place.
 */
export function chainNav(id) {
  return {
    group: 'chains', id: `chain-${id}`, href: `#/chains/${id}`, label: `chain.${id}.name`, icon: `chain-${id}`,
    order: SEVEN_CHAINS.indexOf(id) * 10,
  };
}

/*
 * Assembles the manifest [{folder, domain}] into
 *   {domains, routes, groups, problems}
 * domains: the domain descriptions in order (by `order`, then folder name);
 * routes:  every route, a domain's in its own order, fallback routes last;
 * groups:  the navigation groups in order, each with its entries in order
 *          ({...group, entries: [...]}); a fallback entry gives way to an
 *          entry of the same id from another domain;
 * problems: human-readable clashes (two groups or entries with one id, an
 *          entry in an unknown group); the first declaration is kept.
 * Dictionaries stay with their domain (domain.dict); i18n.js merges them.
 */
export function assemble(manifest) {
  const problems = [];
  const domains = manifest
    .map(({ folder, domain }) => ({ ...domain, folder }))
    .sort((a, b) => byOrder(a, b) || a.folder.localeCompare(b.folder));

  const routes = [];
  const fallbacks = [];
  for (const d of domains) for (const r of d.routes || []) (r.fallback ? fallbacks : routes).push({ ...r, domain: d.folder });

  const groups = new Map();
  for (const d of domains) {
    for (const g of d.navGroups || []) {
      if (groups.has(g.id)) problems.push(`nav group '${g.id}' of ${d.folder} is already declared by ${groups.get(g.id).domain}`);
      else groups.set(g.id, { ...g, domain: d.folder, entries: [] });
    }
  }

  const entries = new Map();
  for (const d of domains) {
    for (const e of d.nav || []) {
      const prior = entries.get(e.id);
      if (prior && !prior.fallback && !e.fallback) {
        problems.push(`nav entry '${e.id}' of ${d.folder} is already declared by ${prior.domain}`);
      } else if (!prior || (prior.fallback && !e.fallback)) {
        entries.set(e.id, { ...e, domain: d.folder });
      }
    }
  }
  for (const e of entries.values()) {
    const g = groups.get(e.group);
    if (g) g.entries.push(e);
    else problems.push(`nav entry '${e.id}' of ${e.domain} names an unknown group '${e.group}'`);
  }
  for (const g of groups.values()) g.entries.sort(byOrder);

  return { domains, routes: [...routes, ...fallbacks], groups: [...groups.values()].sort(byOrder), problems };
}

/* The first route whose pattern matches path, with its captured parts named: {...route, params} or null. */
export function matchRoute(routes, path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      (r.params || []).forEach((name, i) => { params[name] = m[i + 1]; });
      return { ...r, params };
    }
  }
  return null;
}
