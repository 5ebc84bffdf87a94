/*
 * review.js - evaluation (#/innovation/challenges/{id}/review). A panel
 * member declares for each proposal whether it has a conflict of interest
 * (then it is excluded and sees no content), scores every criterion 0-100
 * once, and sees the other reviewers' scores of a proposal only after
 * submitting its own. The poster sees the weighted results once every
 * proposal has two reviews, shortlists and names the winner.
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { badge, fill, add, field, entName } from './innovation.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const wait = loading();
  root.appendChild(wait);
  let c, ev;
  try {
    [c, ev] = await Promise.all([get(`/challenges/${id}`), get(`/challenges/${id}/evaluation`)]);
  } catch (e) { wait.replaceWith(loadError(e)); return; }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${t('inno.review.title')} · ${c.title}`);
  const message = h('div', { id: 'review-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const reload = (text) => ctx.navigate(`/innovation/challenges/${id}/review`, { kind: 'success', text });
  add(root,
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/innovation/challenges' }, t('nav.innoChallenges')), h('span', { 'aria-hidden': 'true' }, ' / '),
      h('a', { href: `#/innovation/challenges/${id}` }, c.title), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, t('inno.review.title'))),
    pageHeader(t('inno.review.title'), c.title), h('div', { class: 'badges' }, badge('cs', c.status)), message);

  if (ev.on_panel) {
    for (const item of ev.items) add(root, reviewCard(item));
    if (!ev.items.length) add(root, h('p', { class: 'muted card card-pad' }, t('inno.prop.none')));
  }
  add(root, await resultsCard());

  function reviewCard(item) {
    const p = item.proposal;
    const card = h('section', { class: 'card card-pad review-card', dataset: { id: p.id } },
      h('h2', null, p.title || t('inno.prop.sealedTitle'), ' ', badge('ps', p.status)),
      h('p', { class: 'small muted' }, t('inno.prop.lead'), ' ', entName(p.lead),
        p.members?.length > 1 ? ` · ${t('inno.prop.members')} ${p.members.map((m) => m.name).join(', ')}` : ''));
    if (item.mine.conflict === null) {
      const note = h('input', { type: 'text', class: 'conflict-note', maxlength: 1000, 'aria-label': t('inno.review.note') });
      const declare = async (conflict) => {
        try { await post(`/proposals/${p.id}/declaration`, { conflict, note: note.value }); reload(t('inno.review.declared')); } catch (e) { flash('error', errorText(e)); }
      };
      return add(card, h('p', null, t('inno.review.declareFirst')), h('div', { class: 'btn-row' },
        h('button', { type: 'button', class: 'btn btn-sm btn-primary no-conflict-btn', onclick: () => declare(false) }, t('inno.review.noConflict')),
        note, h('button', { type: 'button', class: 'btn btn-sm btn-danger conflict-btn', onclick: () => declare(true) }, t('inno.review.conflict'))));
    }
    if (item.mine.conflict === true) return add(card, alertBox('info', t('inno.review.excluded')));
    if (p.content) add(card, h('p', null, h('strong', null, t('inno.prop.summary')), ' ', p.content.summary),
      h('p', { style: { whiteSpace: 'pre-wrap' } }, p.content.approach));
    if (item.mine.submitted) {
      add(card, h('p', { class: 'ok-note' }, t('inno.review.myScores'), ' ', (item.mine.scores || []).join(' / ')));
      if (item.others) add(card, h('table', { class: 'table others-table' },
        h('thead', null, h('tr', null, h('th', null, t('inno.review.reviewer')), c.criteria.map((k) => h('th', null, k.name)))),
        h('tbody', null, item.others.map((o) => h('tr', null, h('td', null, o.reviewer), o.scores.map((x) => h('td', { class: 'num' }, String(x))))))),
      item.total ? h('p', null, t('inno.review.total'), ' ', h('strong', { class: 'total' }, item.total.text)) : null);
      return card;
    }
    const inputs = c.criteria.map((k) => h('input', { type: 'number', min: 0, max: 100, step: 1, required: true, class: 'score-input', 'aria-label': k.name }));
    const comment = h('textarea', { rows: 2, maxlength: 4000, class: 'score-comment' });
    return add(card, h('form', { class: 'form score-form', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await post(`/proposals/${p.id}/scores`, { scores: inputs.map((i) => Number(i.value)), comment: comment.value });
        reload(t('inno.review.scored'));
      } catch (err) { flash('error', errorText(err)); }
    } }, h('div', { class: 'form-grid form-grid-3' }, c.criteria.map((k, i) => field(`${k.name} (${t('inno.form.weight')} ${k.weight})`, inputs[i]))),
    field(t('inno.review.comment'), comment), h('p', { class: 'muted small' }, t('inno.review.hidden')),
    h('button', { type: 'submit', class: 'btn btn-primary submit-scores' }, t('inno.review.submit'))));
  }

  async function resultsCard() {
    const card = h('section', { class: 'card card-pad', id: 'results' }, h('h2', null, t('inno.review.results')));
    let r;
    try { r = await get(`/challenges/${id}/results`); } catch (e) { return add(card, alertBox('info', errorText(e))); }
    const picks = new Map();
    add(card, h('table', { class: 'table', id: 'results-table' },
      h('thead', null, h('tr', null, ['inno.review.rank', 'inno.prop.lead', 'inno.review.total', 'inno.review.reviews', 'inno.statusLabel', ''].map((k) => h('th', null, t(k))))),
      h('tbody', null, r.items.map((x) => {
        const box = h('input', { type: 'checkbox', class: 'shortlist-box', 'aria-label': t('inno.review.shortlist') });
        picks.set(x.proposal_id, box);
        return h('tr', { dataset: { id: x.proposal_id } }, h('td', null, String(x.rank)), h('td', null, entName(x.lead)),
          h('td', { class: 'num total' }, x.total), h('td', { class: 'num' }, String(x.reviews)), h('td', null, badge('ps', x.status)),
          h('td', null, c.is_poster && c.status === 'evaluating' ? box : null,
            c.is_poster && c.status === 'shortlisted' && x.status === 'shortlisted'
              ? h('button', { type: 'button', class: 'btn btn-sm btn-primary award-btn', onclick: async () => {
                try { await post(`/challenges/${id}/award`, { proposal: x.proposal_id }); reload(t('inno.review.awarded')); } catch (e) { flash('error', errorText(e)); }
              } }, t('inno.review.award')) : null));
      }))));
    if (c.is_poster && c.status === 'evaluating') {
      add(card, h('button', { type: 'button', class: 'btn btn-primary', id: 'shortlist-btn', onclick: async () => {
        const ids = [...picks].filter(([, b]) => b.checked).map(([pid]) => pid);
        try { await post(`/challenges/${id}/shortlist`, { proposals: ids }); reload(t('inno.review.shortlisted')); } catch (e) { flash('error', errorText(e)); }
      } }, t('inno.review.shortlist')));
    }
    return card;
  }
}
