/*
 * access.js - what the signed-in user may call, as the server says. The
 * OpenAPI document (GET /api/v1/openapi.json) lists the callers of every
 * operation in x-qilian-roles: "organisation type:role" pairs such as
 * "operator:admin" or "sme:member", and "anonymous". The UI reads it once per
 * sign-in and offers a navigation entry or a button only when the user's
 * pair is among the callers of the operation behind it, so no page keeps a
 * copy of the server's role lists. This only decides what is offered; the
 * server authorises every request.
 */
import { get } from './api.js';
import { session } from './session.js';

const PREFIX = '/api/v1';
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

let table = null; // compiled roles of the current document, or null before it is read
let pending = null;

/*
 * Compiles an OpenAPI document into a lookup table: operations by
 * "METHOD /api/v1/path/{param}" and, for concrete paths, the path templates
 * as patterns (templates with fewer parameters first, so /enterprises/export
 * beats /enterprises/{uscc}). Pure: tests use it on the server's document.
 */
export function compileRoles(doc) {
  const exact = new Map();
  const templates = [];
  for (const [p, item] of Object.entries(doc?.paths || {})) {
    for (const m of METHODS) {
      const op = item?.[m];
      if (!op) continue;
      const roles = new Set(op['x-qilian-roles'] || []);
      const key = `${m.toUpperCase()} ${p}`;
      exact.set(key, roles);
      const params = (p.match(/\{[^}]+\}/g) || []).length;
      if (params) {
        const source = p.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
        templates.push({ method: m.toUpperCase(), re: new RegExp(`^${source}$`), params, roles });
      }
    }
  }
  templates.sort((a, b) => a.params - b.params);
  return { exact, templates };
}

/*
 * The callers of an operation ("POST /enterprises", below /api/v1, either as
 * the document's template "/enterprises/{uscc}" or a concrete path), as a Set,
 * or null when the document has no such operation.
 */
export function callersOf(compiled, operation) {
  const m = /^([A-Z]+)\s+(\/\S*)$/.exec(operation || '');
  if (!m || !compiled) return null;
  const [, method, rel] = m;
  const full = rel.startsWith(`${PREFIX}/`) ? rel : PREFIX + rel;
  const roles = compiled.exact.get(`${method} ${full}`);
  if (roles) return roles;
  const path = full.split('?')[0];
  const tpl = compiled.templates.find((x) => x.method === method && x.re.test(path));
  return tpl ? tpl.roles : null;
}

/* The caller's pair as x-qilian-roles spells it: "sme:admin", or "anonymous" when signed out. */
export function callerRole(s = session()) {
  return s?.org?.type && s?.user?.role ? `${s.org.type}:${s.user.role}` : 'anonymous';
}

/* Reads the OpenAPI document unless it is already known; resolves when may() can answer. */
export function loadAccess() {
  if (table) return Promise.resolve();
  if (!pending) {
    pending = get('/openapi.json')
      .then((doc) => { table = compileRoles(doc); })
      .finally(() => { pending = null; }); // a failed read is tried again on the next page
  }
  return pending;
}

/* Whether the document has been read (may() answers false before). */
export function accessLoaded() {
  return table !== null;
}

/* Forgets the document (on sign-out): the next sign-in reads it again. */
export function resetAccess() {
  table = null;
}

/*
 * Whether the signed-in user may call operation, e.g. may('GET /audit') or
 * may('PATCH /enterprises/{uscc}'). False when the document is not read yet or
 * does not have the operation.
 */
export function may(operation) {
  const roles = callersOf(table, operation);
  return Boolean(roles && roles.has(callerRole()));
}
