/*
 * session.js - who is signed in: the user and their organisation, as
 * GET /auth/me answers. What the UI offers them is decided from the server's
 * OpenAPI roles (access.js); the server authorises every request.
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
