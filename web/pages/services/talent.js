/*
 * talent.js - the talent chain (#/talent): open expert and need posts with
 * word search, the caller's own posts with their matches, a new post, one
 * post (#/talent/{id}) with its matches and the contact request, and the
 * contact requests the organisation received (approve or decline: only
 * then are the expert's name and contact shown to the requester).
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { may } from '../../lib/access.js';
import { session } from '../../lib/session.js';
import { fill, add, field, select, orgType } from './svc.js';

const MODES = ['secondment', 'consulting', 'training'];

function postCard(p, extra) {
  return h('li', { class: 'card talent-post', dataset: { id: p.id, kind: p.kind } },
    h('div', null, h('span', { class: `badge badge-health-${p.kind === 'expert' ? 'ok' : 'warn'}` }, t(`tal.kind.${p.kind}`)), ' ',
      h('span', { class: 'badge' }, t(`tal.mode.${p.mode}`)), ' ', h('a', { href: `#/talent/${p.id}` }, h('strong', null, p.title))),
    h('div', { class: 'muted small' }, `${p.org.name} · ${p.region || ''} · ${formatTime(p.created_at)}`),
    p.skills ? h('div', null, `${t('tal.skills')}: ${p.skills}`) : null,
    p.kind === 'expert' ? h('div', { class: 'tal-contact' }, p.contact_visible ? `${p.person_name} · ${p.contact}` : h('span', { class: 'muted' }, t('tal.hidden'))) : null,
    extra || null);
}

export async function render(root, ctx) {
  if (ctx.params.id) return renderOne(root, ctx);
  ctx.setTitle(t('nav.svcTalent'));
  const message = h('div', { id: 'tal-message', 'aria-live': 'polite' });
  const kind = ['expert', 'need'].includes(ctx.query.kind) ? ctx.query.kind : 'expert';
  const q = h('input', { id: 'tal-q', type: 'search', value: ctx.query.q || '', placeholder: t('tal.searchPlaceholder') });
  const search = h('form', { class: 'form form-inline', id: 'tal-search', onsubmit: (ev) => {
    ev.preventDefault();
    ctx.navigate(`/talent?kind=${kind}${q.value.trim() ? `&q=${encodeURIComponent(q.value.trim())}` : ''}`);
  } }, q, h('button', { type: 'submit', class: 'btn btn-primary' }, t('tal.search')));
  const tabs = h('div', { class: 'segmented', role: 'group', id: 'tal-kind' }, ['expert', 'need'].map((k) => h('button', {
    type: 'button', class: `btn btn-sm ${k === kind ? 'btn-primary' : 'btn-outline'}`, dataset: { kind: k }, onclick: () => ctx.navigate(`/talent?kind=${k}`),
  }, t(`tal.kind.${k}s`))));
  const list = h('ul', { class: 'sub-list', id: 'tal-list' }, loading());
  const mine = h('div', null);
  const contacts = h('div', null);
  const seconds = h('div', null);
  const formBox = h('div', null);
  add(root, pageHeader(t('nav.svcTalent'), t('tal.subtitle')), message,
    h('div', { class: 'card filters' }, tabs, search),
    h('div', { class: 'grid-side' }, h('section', null, list), h('section', null, formBox, mine, contacts, seconds)));
  try {
    const r = await get('/talent/posts', { kind, q: ctx.query.q || '' });
    if (!ctx.isCurrent()) return;
    fill(list, r.items.length ? r.items.map((p) => postCard(p, p.why ? h('div', { class: 'muted small' }, `${t('tal.matched')}: ${p.why.matched.join(', ')}`) : null))
      : h('p', { class: 'empty-note muted' }, t('tal.none')));
  } catch (e) { fill(list, alertBox('error', errorText(e))); }
  if (may('POST /talent/posts') && orgType() !== 'bank') fill(formBox, postForm(ctx, message));
  try {
    const own = await get('/talent/posts', { mine: 1 });
    if (own.items.length) fill(mine, h('section', { class: 'card' }, h('h2', null, t('tal.mine')), h('ul', { class: 'sub-list', id: 'tal-mine' },
      own.items.map((p) => h('li', null, h('a', { href: `#/talent/${p.id}` }, p.title), ` · ${t(`tal.kind.${p.kind}`)} · ${t(`tal.status.${p.status}`)}`)))));
    const c = await get('/talent/contacts');
    if (!ctx.isCurrent()) return;
    if (c.items.length) fill(contacts, h('section', { class: 'card' }, h('h2', null, t('tal.contacts')), h('ul', { class: 'sub-list', id: 'tal-contacts' },
      c.items.map((x) => h('li', { dataset: { id: x.id, status: x.status } },
        `${x.expert_title} · ${x.requester_name} · ${t(`tal.cstatus.${x.status}`)} `, x.message ? h('span', { class: 'muted' }, x.message) : null,
        x.direction === 'received' && x.status === 'pending' ? [
          h('button', { type: 'button', class: 'btn btn-sm btn-primary tal-approve', onclick: () => decide(x.id, true) }, t('tal.approve')),
          h('button', { type: 'button', class: 'btn btn-sm btn-outline', onclick: () => decide(x.id, false) }, t('tal.decline')),
        ] : null)))));
    const sec = await get('/talent/secondments');
    if (!ctx.isCurrent()) return;
    if (sec.items.length) fill(seconds, secondmentList(ctx, sec.items, message));
  } catch (e) { fill(message, alertBox('error', errorText(e))); }

  async function decide(id, approve) {
    try { await post(`/talent/contacts/${id}/${approve ? 'approve' : 'decline'}`); ctx.navigate('/talent', { kind: 'success', text: t(approve ? 'tal.approved' : 'tal.declined') }); } catch (e) { fill(message, alertBox('error', errorText(e))); }
  }
}

/* Secondments of the organisation: who agreed, the person's consent, and the steps left to this side. */
function secondmentList(ctx, items, message) {
  const orgId = session()?.org?.id;
  const step = (id, path, body, done) => post(`/talent/secondments/${id}/${path}`, body)
    .then(() => ctx.navigate('/talent', { kind: 'success', text: t(done) })).catch((e) => fill(message, alertBox('error', errorText(e))));
  return h('section', { class: 'card' }, h('h2', null, t('tal.secondments')), h('ul', { class: 'sub-list', id: 'tal-secondments' },
    items.map((x) => {
      const home = x.home.org_id === orgId;
      const mineAgreed = home ? x.agreement.home_agreed_at : x.agreement.host_agreed_at;
      return h('li', { dataset: { id: x.id, status: x.status } },
        h('div', null, h('strong', null, x.expert_title), ` · ${x.host.name} · ${x.start_date} ~ ${x.end_date} · `, h('span', { class: 'badge tal-sec-status' }, t(`tal.sec.${x.status}`))),
        h('div', { class: 'muted small' }, `${t('tal.hostAgreed')}: ${x.agreement.host_agreed_at ? formatTime(x.agreement.host_agreed_at) : '—'} · `
          + `${t('tal.homeAgreed')}: ${x.agreement.home_agreed_at ? formatTime(x.agreement.home_agreed_at) : '—'} · `
          + `${t('tal.consent')}: ${x.agreement.person_consent_by || '—'}`),
        x.status === 'proposed' ? h('div', { class: 'form-actions' },
          !mineAgreed ? h('button', { type: 'button', class: 'btn btn-sm btn-primary tal-agree', onclick: () => step(x.id, 'agree', {}, 'tal.agreed') }, t('tal.agree')) : null,
          home && !x.agreement.person_consent_at ? h('button', { type: 'button', class: 'btn btn-sm btn-outline tal-consent', onclick: () => {
            const name = window.prompt(t('tal.consentName'));
            if (name) step(x.id, 'consent', { person_name: name.trim(), confirm: true }, 'tal.consented');
          } }, t('tal.recordConsent')) : null,
          h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => step(x.id, 'cancel', {}, 'tal.cancelled') }, t('tal.cancel'))) : null);
    })));
}

function secondmentForm(p, message) {
  const start = h('input', { id: 'tal-sec-start', type: 'date' });
  const end = h('input', { id: 'tal-sec-end', type: 'date' });
  const terms = h('input', { id: 'tal-sec-terms', type: 'text', maxlength: 2000 });
  return h('section', { class: 'card' }, h('h2', null, t('tal.propose')), h('form', { class: 'form', id: 'tal-sec-form', onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await post(`/talent/posts/${p.id}/secondments`, { start_date: start.value, end_date: end.value, terms: terms.value.trim() });
      fill(message, alertBox('success', t('tal.proposed')));
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, field(t('tal.start'), start), field(t('tal.end'), end), field(t('tal.terms'), terms),
  h('p', { class: 'muted small' }, t('tal.secRule')),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'tal-sec-save' }, t('tal.proposeSave')))));
}

function postForm(ctx, message) {
  const kind = orgType() === 'sme' ? 'need' : 'expert';
  const title = h('input', { id: 'tal-title', type: 'text', maxlength: 200 });
  const mode = select('tal-mode', MODES, 'tal.mode', 'secondment');
  const skills = h('input', { id: 'tal-skills', type: 'text', maxlength: 1000 });
  const desc = h('textarea', { id: 'tal-description', rows: 3, maxlength: 5000 });
  const person = h('input', { id: 'tal-person', type: 'text', maxlength: 100 });
  const contact = h('input', { id: 'tal-contactinfo', type: 'text', maxlength: 200 });
  const region = h('input', { id: 'tal-region', type: 'text', maxlength: 6 });
  const avail = h('input', { id: 'tal-availability', type: 'text', maxlength: 500 });
  return h('section', { class: 'card' }, h('h2', null, t(`tal.new.${kind}`)), h('form', { class: 'form', id: 'tal-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const body = { kind, title: title.value.trim(), mode: mode.value, skills: skills.value.trim(), description: desc.value.trim(), availability: avail.value.trim() };
    if (region.value.trim()) body.region = region.value.trim();
    if (kind === 'expert') { body.person_name = person.value.trim(); body.contact = contact.value.trim(); }
    try { const p = await post('/talent/posts', body); ctx.navigate(`/talent/${p.id}`, { kind: 'success', text: t('tal.posted') }); } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } }, field(t('tal.title'), title), field(t('tal.modeLabel'), mode), field(t('tal.skills'), skills), field(t('tal.description'), desc),
  kind === 'expert' ? [field(t('tal.person'), person), field(t('tal.contact'), contact, t('tal.contactHint'))] : null,
  field(t('tal.region'), region), field(t('tal.availability'), avail),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'tal-save' }, t('tal.post')))));
}

async function renderOne(root, ctx) {
  const wait = loading();
  root.appendChild(wait);
  let p, m;
  try { [p, m] = await Promise.all([get(`/talent/posts/${ctx.params.id}`), get(`/talent/posts/${ctx.params.id}/matches`)]); } catch (e) { wait.replaceWith(loadError(e)); return; }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(p.title);
  const message = h('div', { id: 'tal-message', 'aria-live': 'polite' });
  const ask = (!p.own && p.kind === 'expert' && !p.contact_visible && may('POST /talent/posts/{id}/contact'))
    ? h('button', { type: 'button', class: 'btn btn-primary', id: 'tal-ask', onclick: async () => {
      try { await post(`/talent/posts/${p.id}/contact`, { message: window.prompt(t('tal.askMessage')) || '' }); fill(message, alertBox('success', t('tal.asked'))); } catch (e) { fill(message, alertBox('error', errorText(e))); }
    } }, t('tal.ask')) : null;
  add(root, pageHeader(p.title, `${p.org.name} · ${t(`tal.mode.${p.mode}`)}`, ask), message,
    h('div', { class: 'grid-side' },
      h('section', { class: 'card' }, h('dl', { class: 'dl' },
        h('dt', null, t('tal.skills')), h('dd', null, p.skills || '—'),
        h('dt', null, t('tal.description')), h('dd', null, p.description || '—'),
        h('dt', null, t('tal.availability')), h('dd', null, p.availability || '—'),
        h('dt', null, t('tal.terms')), h('dd', null, p.terms || '—'),
        p.kind === 'expert' ? [h('dt', null, t('tal.person')), h('dd', { id: 'tal-person-shown' }, p.contact_visible ? `${p.person_name} · ${p.contact}` : t('tal.hidden'))] : null),
        p.kind === 'expert' && p.mode === 'secondment' && p.contact_visible && !p.own ? secondmentForm(p, message) : null),
      h('section', null, h('h2', null, t(p.kind === 'expert' ? 'tal.matchNeeds' : 'tal.matchExperts')),
        h('ul', { class: 'sub-list', id: 'tal-matches' }, m.items.length ? m.items.map((x) => postCard(x, h('div', { class: 'muted small' },
          `${t('tal.matched')}: ${x.why.matched.join(', ')}${x.why.same_segment ? ` · ${t('tal.sameSegment')}` : ''} · ${t(`tal.near.${x.why.region}`)}`)))
          : h('p', { class: 'muted' }, t('tal.noMatches'))))));
}
