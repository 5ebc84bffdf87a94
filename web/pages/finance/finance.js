/*
 * finance.js - what the capital-chain pages share: money in fen shown in
 * yuan, dates on the Asia/Shanghai calendar, state badges, writes with an
 * Idempotency-Key (kept across retries of one submission, so a lost answer
 * never applies a write twice), the interest quote of the server
 * (GET /finance/interest, the same half-up rule as approvals), the caller's
 * enterprises and their suppliers, and the lineage tree (ECharts).
 */
import { t, getLang } from '../../lib/i18n.js';
import { h, clear } from '../../lib/dom.js';
import { api, get } from '../../lib/api.js';
import { session } from '../../lib/session.js';

/* ---- money and dates ---- */

/* 分 → "¥1,234.56" (or "—"). */
export function fen(n) {
  if (n === null || n === undefined || n === '') return '—';
  const neg = Number(n) < 0;
  const abs = Math.abs(Number(n));
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const grouped = yuan.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US');
  return `${neg ? '-' : ''}¥${grouped}.${cents}`;
}

/* A yuan amount as typed ("12,500.5") → integer fen, or null when it is not one. */
export function yuanToFen(text) {
  const s = String(text ?? '').trim().replace(/[,\uff0c\s]/g, '');
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(s)) return null;
  const [a, b = ''] = s.split('.');
  return Number(a) * 100 + Number((b + '00').slice(0, 2));
}
export const fenToYuan = (n) => (n === null || n === undefined ? '' : (Number(n) / 100).toFixed(2));

/* Today's date in Shanghai (UTC+8), "YYYY-MM-DD". */
export const shanghaiToday = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
export const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
export const daysBetween = (a, b) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);

/* ---- labels ---- */

/* A state badge: kind 'cert' | 'piece' | 'transfer' | 'discount'. */
export function stateBadge(kind, state) {
  return h('span', { class: `badge badge-status badge-status-${state}`, dataset: { state } }, t(`finance.state.${kind}.${state}`));
}
export function overdueBadge(c) {
  return c && c.overdue ? h('span', { class: 'badge badge-health-weak', dataset: { overdue: '1' } }, t('finance.overdue')) : null;
}
export const entName = (e) => (e ? e.name || e.uscc || (e.org_id ? `#${e.org_id}` : '—') : '—');
export const holderName = (x) => (x ? x.name || x.uscc || `#${x.org_id}` : '—');
export const certLink = (id, text) => h('a', { href: `#/finance/certificates/${id}`, class: 'row-link' }, text ?? `#${id}`);

/* A definition list from [[key, value], …], skipping empty rows. */
export function dl(rows) {
  return h('dl', { class: 'dl' }, rows.filter(Boolean).map(([k, v]) => [h('dt', null, t(k)), h('dd', null, v)]));
}

/* A table: heads are dictionary keys; rows are arrays of cells (strings or nodes), num columns right-aligned. */
export function table(id, heads, rows, { num = [] } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table', id },
    h('thead', null, h('tr', null, heads.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', null, rows.map((r) => h('tr', { dataset: r.dataset || {} },
      r.cells.map((c, i) => h('td', { class: num.includes(i) ? 'num' : null }, c)))))));
}

export function fill(el, ...children) {
  clear(el);
  return add(el, ...children);
}

/* Appends the children that are there (null, false and undefined are skipped; arrays are flattened). */
export function add(el, ...children) {
  for (const c of children.flat(Infinity)) if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/* ---- writes ---- */

function newKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/*
 * A write with an Idempotency-Key. One submitter per form: its key is kept
 * while the answer is unknown (network error, 5xx), so pressing the button
 * again retries the same write; a definitive answer (2xx, 4xx) starts a new key.
 */
export function submitter() {
  let key = newKey();
  return async (method, path, body) => {
    try {
      const r = await api(method, path, body ?? {}, { headers: { 'Idempotency-Key': key } });
      key = newKey();
      return r;
    } catch (e) {
      if (e.status && e.status < 500) key = newKey();
      throw e;
    }
  };
}

/* A one-off write (accept, refuse, cancel …) with a fresh key. */
export const write = (method, path, body) => submitter()(method, path, body);

/* The server's interest quote: {days, interest_fen, net_fen, fee_bp, fee_fen, net_after_fee_fen}. */
export function quote(amountFen, rateBp, from, maturity) {
  return get('/finance/interest', { amount_fen: amountFen, rate_bp: rateBp, from, maturity });
}

/* ---- who am I ---- */

let mine = null;
let mineOrg = null;
/* The caller's organisation's enterprises [{uscc, name}]. */
export async function myEnterprises() {
  const s = session();
  if (!s || s.org.type === 'operator' || s.org.type === 'bank') return [];
  if (mine && mineOrg === s.org.id) return mine;
  mineOrg = s.org.id;
  mine = get('/enterprises', { org_id: s.org.id, limit: 200 }).then((r) => r.items).catch((e) => { mine = null; throw e; });
  return mine;
}

/* The recorded suppliers of enterprise uscc (chain-map relations where it buys): [{uscc, name}]. */
export async function suppliersOf(uscc) {
  const r = await get('/relations', { buyer: uscc, limit: 500 });
  const seen = new Map();
  for (const x of r.items || []) {
    const s = x.supplier || { uscc: x.supplier_uscc, name: x.supplier_name };
    if (s.uscc && !seen.has(s.uscc)) seen.set(s.uscc, { uscc: s.uscc, name: s.name || s.uscc });
  }
  return [...seen.values()];
}

/* ---- the lineage tree ---- */

const STATE_COLORS = {
  held: '#1d4f91', pending_transfer: '#d48806', pending_discount: '#d48806', discounted: '#7b3fa0',
  settled: '#2e7d32', split: '#8c96a3', transferred: '#8c96a3',
};

/* ECharts tree data from pieces (parents before children): [root node]. */
export function lineageData(pieces) {
  const nodes = new Map();
  const roots = [];
  for (const p of pieces) {
    const node = {
      name: `${fen(p.amount_fen)}\n${holderName(p.holder)}`,
      value: p.amount_fen,
      piece: p,
      children: [],
      itemStyle: { color: STATE_COLORS[p.state] || '#1d4f91', borderColor: p.mine ? '#c0392b' : STATE_COLORS[p.state] },
      symbolSize: p.mine ? 16 : 12,
    };
    nodes.set(p.id, node);
    const parent = p.parent_id ? nodes.get(p.parent_id) : null;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

/* Draws the lineage tree of pieces into el (an ECharts instance; call dispose() when done). */
export async function drawLineage(el, pieces, onPick) {
  const echarts = await import('/vendor/echarts.esm.min.js');
  const chart = echarts.init(el, null, { renderer: 'svg' });
  const data = lineageData(pieces);
  const short = (x) => { const n = holderName(x); return n.length > 12 ? `${n.slice(0, 12)}…` : n; };
  chart.setOption({
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const x = p.data.piece;
        const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
        return `#${x.id} · ${esc(t(`finance.state.piece.${x.state}`))}<br/>${esc(fen(x.amount_fen))} [${x.lo}, ${x.hi}]<br/>${esc(holderName(x.holder))}`;
      },
    },
    series: data.map((root, i) => ({
      type: 'tree', data: [root], top: 24, bottom: 24, left: `${(i * 100) / data.length + 12}%`, right: '24%',
      orient: 'LR', expandAndCollapse: false, initialTreeDepth: -1, edgeShape: 'polyline', edgeForkPosition: '50%',
      label: {
        position: 'top', fontSize: 12, lineHeight: 16, color: '#1f2d3d',
        formatter: (p) => `{amt|${fen(p.data.piece.amount_fen)}}\n${short(p.data.piece.holder)} · ${t(`finance.state.piece.${p.data.piece.state}`)}`,
        rich: { amt: { fontWeight: 'bold', fontSize: 12, color: '#1d4f91' } },
      },
      leaves: { label: { position: 'right', verticalAlign: 'middle', align: 'left' } },
      lineStyle: { color: '#9fb3c8', width: 1.5 },
    })),
  });
  if (onPick) chart.on('click', (p) => p.data?.piece && onPick(p.data.piece));
  return chart;
}
