/*
 * request.js - one service request (#/services/{id}): its deadlines (with
 * the calendar that computed them), the timeline of every change, and the
 * actions the viewer may take: the handler accepts, starts, resolves,
 * transfers, proposes a withdrawal or asks for an extension; the requester
 * confirms, reopens, rates or withdraws; the operator supervises (督办),
 * decides extensions and records call-backs.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { fill, add, field, statusBadge, deadlineBadge } from './svc.js';

const OPEN = ['submitted', 'accepted', 'in_progress', 'reopened'];

export async function render(root, ctx) {
  const wait = loading();
  root.appendChild(wait);
  let r;
  try { r = await get(`/service-requests/${ctx.params.id}`); } catch (e) { wait.replaceWith(loadError(e)); return; }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('svc.request')} #${r.id}`);
  const message = h('div', { id: 'svc-message', 'aria-live': 'polite' });
  const reload = (text) => ctx.navigate(`/services/${r.id}`, { kind: 'success', text });
  const run = async (path, body, done) => {
    try { await post(`/service-requests/${r.id}/${path}`, body); reload(done); } catch (e) { fill(message, alertBox('error', errorText(e))); }
  };
  const v = r.viewer || {};
  const btn = (id, label, fn, cls = 'btn-outline') => h('button', { type: 'button', class: `btn btn-sm ${cls}`, id, onclick: fn }, label);
  const note = h('textarea', { id: 'svc-note', rows: 2, maxlength: 2000, placeholder: t('svc.notePlaceholder') });
  const text = () => note.value.trim();
  const acts = [];
  if (v.handler) {
    if (r.status === 'submitted') acts.push(btn('svc-accept', t('svc.act.accept'), () => run('accept', { note: text() }, t('svc.done.accept')), 'btn-primary'));
    if (r.status === 'accepted' || r.status === 'reopened') acts.push(btn('svc-start', t('svc.act.start'), () => run('start', { note: text() }, t('svc.done.start')), 'btn-primary'));
    if (r.status === 'in_progress') acts.push(btn('svc-resolve', t('svc.act.resolve'), () => run('resolve', { resolution: text() }, t('svc.done.resolve')), 'btn-primary'));
    if (OPEN.includes(r.status)) acts.push(btn('svc-propose', t('svc.act.propose'), () => run('propose-withdrawal', { note: text() }, t('svc.done.propose'))));
    if (['accepted', 'in_progress', 'reopened'].includes(r.status)) {
      acts.push(btn('svc-extend', t('svc.act.extend'), () => {
        const days = Number(window.prompt(t('svc.extendDays'), '5'));
        if (days > 0) post(`/service-requests/${r.id}/extensions`, { days, reason: text() || t('svc.extendDefault') })
          .then(() => reload(t('svc.done.extend'))).catch((e) => fill(message, alertBox('error', errorText(e))));
      }));
    }
  }
  if ((v.handler || v.operator) && OPEN.includes(r.status)) {
    acts.push(btn('svc-transfer', t('svc.act.transfer'), async () => {
      let providers = [];
      try { providers = (await get('/service-providers')).items; } catch (e) { fill(message, alertBox('error', errorText(e))); return; }
      const choice = window.prompt(`${t('svc.transferTo')}\n${providers.map((p) => `${p.id} ${p.name}`).join('\n')}`);
      if (choice) run('transfer', { handler_org_id: Number(choice), reason: text() || t('svc.transferDefault') }, t('svc.done.transfer'));
    }));
  }
  if (v.requester) {
    if (r.status === 'resolved') {
      acts.push(btn('svc-confirm', t('svc.act.confirm'), () => run('confirm', { note: text() }, t('svc.done.confirm')), 'btn-primary'));
      acts.push(btn('svc-reopen', t('svc.act.reopen'), () => run('reopen', { note: text() }, t('svc.done.reopen'))));
    }
    if (OPEN.includes(r.status)) {
      acts.push(btn('svc-withdraw', r.withdrawal_proposed ? t('svc.act.withdrawProposed') : t('svc.act.withdraw'), () => {
        if (window.confirm(t('svc.withdrawConfirm'))) run('withdraw', { confirm: true, reason: text() }, t('svc.done.withdraw'));
      }));
    }
  }
  if (v.operator && OPEN.includes(r.status)) acts.push(btn('svc-supervise', t('svc.act.supervise'), () => run('supervise', { note: text() }, t('svc.done.supervise'))));
  const rating = (v.requester && (r.status === 'resolved' || r.status === 'closed')) ? ratingForm(r, run) : null;
  const callback = (v.operator && r.status === 'closed') ? callbackForm(r, run) : null;
  const extensions = (r.extensions || []).map((x) => h('li', { dataset: { id: x.id } },
    `${t('svc.extension')} +${x.days} · ${x.reason} · ${t(`svc.ext.${x.status}`)}${x.new_due ? ` → ${x.new_due}` : ''} `,
    v.operator && x.status === 'pending' ? [
      btn(`svc-ext-approve-${x.id}`, t('svc.act.approve'), () => post(`/service-extensions/${x.id}/approve`).then(() => reload(t('svc.done.approve'))).catch((e) => fill(message, alertBox('error', errorText(e)))), 'btn-primary'),
      btn(`svc-ext-reject-${x.id}`, t('svc.act.reject'), () => post(`/service-extensions/${x.id}/reject`).then(() => reload(t('svc.done.reject'))).catch((e) => fill(message, alertBox('error', errorText(e))))),
    ] : null));
  add(root, pageHeader(`#${r.id} ${r.title}`, `${t(`svc.cat.${r.category}`)} · ${r.enterprise.name}`, statusBadge(r.status)), message,
    h('div', { class: 'grid-side' },
      h('section', { class: 'card' }, h('h2', null, t('svc.details')),
        h('dl', { class: 'dl' },
          h('dt', null, t('svc.description')), h('dd', null, r.description),
          h('dt', null, t('svc.handler')), h('dd', { id: 'svc-handler' }, r.handler ? r.handler.name : t('svc.operatorQueue')),
          h('dt', null, t('svc.urgencyLabel')), h('dd', null, t(`svc.urgency.${r.urgency}`)),
          h('dt', null, t('svc.acceptDue')), h('dd', null, r.accept_due || t('svc.noDue'), r.accepted_in_time === false ? ` (${t('svc.late')})` : '',
            r.accept_due_provisional ? h('span', { class: 'badge svc-provisional', title: t('svc.provisionalWhy') }, t('svc.provisional')) : null),
          h('dt', null, t('svc.resolveDue')), h('dd', null, r.resolve_due || t('svc.noDue'), r.resolved_in_time === false ? ` (${t('svc.late')})` : '',
            r.resolve_due_provisional ? h('span', { class: 'badge svc-provisional', title: t('svc.provisionalWhy') }, t('svc.provisional')) : null),
          h('dt', null, t('svc.deadline')), h('dd', null, deadlineBadge(r.deadline)),
          h('dt', null, t('svc.calendar')), h('dd', { class: 'muted small' }, r.calendar),
          r.resolution ? [h('dt', null, t('svc.resolution')), h('dd', null, r.resolution)] : null,
          r.rating ? [h('dt', null, t('svc.rating')), h('dd', { id: 'svc-rating' }, `${r.rating}/5 ${r.rating_comment || ''}`)] : null,
          r.callback?.result ? [h('dt', null, t('svc.callback')), h('dd', null, `${t(`svc.cb.${r.callback.result}`)} ${r.callback.note}`)] : null),
        extensions.length ? h('ul', { class: 'sub-list', id: 'svc-extensions' }, extensions) : null,
        acts.length ? h('div', { class: 'form', id: 'svc-actions' }, field(t('svc.note'), note), h('div', { class: 'form-actions' }, acts)) : null,
        rating, callback),
      h('section', { class: 'card' }, h('h2', null, t('svc.timeline')),
        h('ol', { class: 'timeline', id: 'svc-timeline' }, (r.timeline || []).map((e) => h('li', { dataset: { kind: e.kind } },
          h('div', null, h('strong', null, t(`svc.event.${e.kind}`)), e.to_status && e.from_status !== e.to_status ? ` → ${t(`svc.status.${e.to_status}`)}` : ''),
          h('div', { class: 'muted small' }, `${formatTime(e.at)} · ${e.org_name || t('svc.platform')}`),
          e.note ? h('div', null, e.note) : null))))));
}

function ratingForm(r, run) {
  const score = h('select', { id: 'svc-rate-score' }, [5, 4, 3, 2, 1].map((n) => h('option', { value: n }, t(`svc.score.${n}`))));
  const comment = h('input', { id: 'svc-rate-comment', type: 'text', maxlength: 2000 });
  return h('form', { class: 'form', id: 'svc-rate-form', onsubmit: (ev) => {
    ev.preventDefault();
    run('rate', { rating: Number(score.value), comment: comment.value.trim() }, t('svc.done.rate'));
  } }, h('h3', null, t('svc.rateTitle')), field(t('svc.rating'), score), field(t('svc.comment'), comment),
  h('p', { class: 'muted small' }, t('svc.rateHint')),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'svc-rate' }, t('svc.act.rate'))));
}

function callbackForm(r, run) {
  const result = h('select', { id: 'svc-cb-result' }, ['satisfied', 'unsatisfied', 'unreachable'].map((x) => h('option', { value: x }, t(`svc.cb.${x}`))));
  const note = h('input', { id: 'svc-cb-note', type: 'text', maxlength: 2000 });
  return h('form', { class: 'form', id: 'svc-cb-form', onsubmit: (ev) => {
    ev.preventDefault();
    run('callback', { result: result.value, note: note.value.trim() }, t('svc.done.callback'));
  } }, h('h3', null, t('svc.callback')), field(t('svc.cbResult'), result), field(t('svc.note'), note),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-outline', id: 'svc-cb-save' }, t('svc.act.callback'))));
}
