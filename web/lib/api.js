/*
 * api.js - the one way the UI talks to /api/v1. It sends the session cookie
 * (same origin), adds the CSRF header the server demands on every
 * cookie-authenticated write, and turns the server's error envelope
 * {"error":{code,message,field}} into an ApiError the pages can show.
 */
const BASE = '/api/v1';
const BUSY_RETRIES = 4;

/* An error answer from the API: HTTP status plus the server's code, message and field. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || `http_${status}`;
    this.field = field || null;
  }
}

/* Builds a query string from an object, leaving out empty values. */
export function queryString(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/*
 * Calls the API. method: GET/POST/PATCH/DELETE; path: below /api/v1 (e.g.
 * '/enterprises'); body: a JSON-able value or undefined; query: an object of
 * query parameters; headers: extra request headers (an Idempotency-Key).
 * Resolves to the parsed JSON (null for an empty answer),
 * rejects with ApiError. A 401 from any call but login also raises the
 * 'qilian:unauthorized' event so the shell can send the user to the login page.
 */
export async function api(method, path, body, { query, signal, headers: extra } = {}) {
  const headers = { accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD') headers['X-Requested-With'] = 'qilian';
  const init = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const url = BASE + path + queryString(query);
  for (let attempt = 0; ; attempt++) {
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network_error', '', null);
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (res.ok) return data;
    const err = data && data.error ? data.error : {};
    // "database busy, try again": the write did not happen, so trying again is safe.
    if (res.status === 503 && err.code === 'database_busy' && attempt < BUSY_RETRIES) {
      await sleep(150 * (attempt + 1));
      continue;
    }
    const e = new ApiError(res.status, err.code, err.message, err.field);
    if (res.status === 401 && path !== '/auth/login') {
      window.dispatchEvent(new CustomEvent('qilian:unauthorized', { detail: e }));
    }
    throw e;
  }
}

export const get = (path, query, opts = {}) => api('GET', path, undefined, { ...opts, query });
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);
