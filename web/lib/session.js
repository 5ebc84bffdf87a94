/*
 * session.js - who is signed in, and what the UI offers them. These checks
 * only decide which buttons to show; the server authorises every request.
 */
import { get, post } from './api.js';

let current = null; // {user, org} or null

export function session() {
  return current;
}

export function setSession(s) {
  current = s ? { user: s.user, org: s.org } : null;
}

/* Asks the server who we are; resolves to the session or null when not logged in. */
export async function loadSession() {
  try {
    setSession(await get('/auth/me'));
  } catch (e) {
    if (e.status !== 401) throw e;
    current = null;
  }
  return current;
}

export async function logout() {
  try {
    await post('/auth/logout');
  } finally {
    current = null;
  }
}

const orgType = () => current?.org?.type;

/* Operators, large enterprises and SMEs register and change enterprises. */
export function canWriteEnterprises() {
  return ['operator', 'large', 'sme'].includes(orgType());
}

/* The owner organisation or the operator may change or delete an enterprise. */
export function canEditEnterprise(ent) {
  if (!canWriteEnterprises() || !ent) return false;
  return orgType() === 'operator' || (ent.org_id !== null && ent.org_id === current.org.id);
}

export function isOrgAdmin() {
  return current?.user?.role === 'admin';
}

/* The platform administrator: an admin of the operator organisation. */
export function isPlatformAdmin() {
  return orgType() === 'operator' && isOrgAdmin();
}

export function canSeeAudit() {
  return orgType() === 'operator';
}

/*
 * The chain leader's supply base page: the operator (any buyer) and large
 * enterprises (their own). The server also lets an SME see its own buying.
 */
export function canSeeSupplyBase() {
  return ['operator', 'large'].includes(orgType());
}

/* The disruption cascade reads the whole supply graph: the operator only. */
export function canRunDisruption() {
  return orgType() === 'operator';
}
