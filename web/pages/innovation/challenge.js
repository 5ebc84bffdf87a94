/*
 * challenge.js - one challenge (#/innovation/challenges/{id}): its terms,
 * milestones and criteria, the published result, the Q&A, and what the
 * caller may do. The poster opens the draft (its terms freeze), names the
 * panel, starts the evaluation after the deadline, accepts milestones and
 * sees suggested solvers; a solver registers (answers reach its inbox),
 * asks, submits a sealed proposal and keeps the receipt (the sha256 of the
 * proposal's canonical text), confirms its part in a consortium and, as the
 * winner, consents to publication.
 */
import { t, formatTime } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post } from '../../lib/api.js';
import { session } from '../../lib/session.js';
import { fen, yuanToFen, bpText, badge, fill, add, field, entName } from './innovation.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  const wait = loading();
  root.appendChild(wait);
  let c;
  try {
    c = await get(`/challenges/${id}`);
  } catch (e) { wait.replaceWith(loadError(e)); return; }
  wait.remove();
  if (!ctx.isCurrent()) return;
  ctx.setTitle(c.title);
  const s = session();
  const message = h('div', { id: 'challenge-message', 'aria-live': 'polite' });
  const flash = (kind, text) => fill(message, alertBox(kind, text));
  const reload = (text) => ctx.navigate(`/innovation/challenges/${id}`, text ? { kind: 'success', text } : undefined);
  const act = async (path, body, ok) => {
    try { await post(path, body); reload(t(ok)); } catch (e) { flash('error', errorText(e)); }
  };
  add(root,
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/innovation/challenges' }, t('nav.innoChallenges')), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', null, c.title)),
    pageHeader(c.title, c.poster?.name),
    h('div', { class: 'badges', id: 'challenge-badges' }, badge('cs', c.status),
      h('span', { class: 'badge' }, `${t('inno.ch.reward')} ${fen(c.reward_fen)}`),
      h('span', { class: 'badge' }, `${t('inno.ch.deadline')} ${formatTime(c.deadline)}`),
      c.segment_name ? h('span', { class: 'badge' }, c.segment_name) : null),
    message);

  if (c.result) add(root, resultCard());
  add(root, termsCard());
  if (c.is_poster) add(root, posterCard());
  if (c.on_panel || (c.is_poster && !['draft', 'open', 'closed'].includes(c.status)))
    add(root, h('section', { class: 'card card-pad' }, h('a', { class: 'btn btn-primary', id: 'review-link', href: `#/innovation/challenges/${id}/review` }, t('inno.review.open'))));
  add(root, await proposalsCard());
  if (!c.is_poster && c.status === 'open') add(root, submitCard());
  add(root, await qaCard());

  function resultCard() {
    const r = c.result;
    return h('section', { class: 'card card-pad', id: 'result-card' }, h('h2', null, t('inno.ch.result')),
      r.winner ? h('p', null, t('inno.ch.winner'), ' ', h('strong', { id: 'winner-name' }, entName(r.winner)), r.title ? ` · ${r.title}` : '')
        : h('p', { class: 'muted' }, t('inno.ch.awaitingConsent')),
      r.winner && !r.published ? h('p', { class: 'muted small' }, t('inno.ch.notPublished')) : null);
  }

  function termsCard() {
    return h('section', { class: 'card card-pad', id: 'terms' }, h('h2', null, t('inno.ch.terms')),
      h('p', { class: 'lead', style: { whiteSpace: 'pre-wrap' } }, c.problem),
      h('dl', { class: 'dl' },
        h('dt', null, t('inno.ch.capabilities')), h('dd', null, (c.capabilities || []).map((x) => h('span', { class: 'badge badge-tag' }, x))),
        h('dt', null, t('inno.ch.eligibility')), h('dd', null, c.eligibility || '—'),
        h('dt', null, t('inno.ch.solvers')), h('dd', null, String(c.solvers)),
        c.proposals !== null && c.proposals !== undefined ? [h('dt', null, t('inno.ch.proposalCount')), h('dd', { id: 'proposal-count' }, String(c.proposals))] : null),
      h('h3', null, t('inno.ch.milestones')),
      h('table', { class: 'table', id: 'milestone-table' },
        h('thead', null, h('tr', null, ['#', 'inno.ch.milestone', 'inno.form.sharePct', 'inno.ch.paid', 'inno.statusLabel', ''].map((k) => h('th', null, k === '#' || !k ? k : t(k))))),
        h('tbody', null, c.milestones.map((m, i) => h('tr', { dataset: { seq: m.seq } },
          h('td', null, String(m.seq)), h('td', null, m.title), h('td', { class: 'num' }, bpText(m.share_bp)),
          h('td', { class: 'num' }, m.paid_fen === null ? '—' : fen(m.paid_fen)), h('td', null, badge('ms', m.status)),
          h('td', null, c.is_poster && c.status === 'awarded' && m.status === 'pending' && (i === 0 || c.milestones[i - 1].status === 'accepted')
            ? h('button', { type: 'button', class: 'btn btn-sm btn-primary accept-milestone', onclick: () => act(`/challenges/${id}/milestones/${m.seq}/accept`, {}, 'inno.ch.milestoneAccepted') }, t('inno.ch.accept'))
            : null))))),
      h('h3', null, t('inno.ch.criteria')),
      h('ul', { class: 'rule-list' }, c.criteria.map((k) => h('li', null, `${k.name} · ${t('inno.form.weight')} ${k.weight}`))));
  }

  function posterCard() {
    const card = h('section', { class: 'card card-pad', id: 'poster-actions' }, h('h2', null, t('inno.ch.posterActions')));
    if (c.status === 'draft') {
      add(card, h('p', { class: 'muted small' }, t('inno.ch.openHint')),
        h('div', { class: 'btn-row' },
          h('a', { class: 'btn btn-outline', id: 'edit-btn', href: `#/innovation/challenges/${id}/edit` }, t('inno.form.edit')),
          h('button', { type: 'button', class: 'btn btn-primary', id: 'open-btn', onclick: () => act(`/challenges/${id}/open`, undefined, 'inno.ch.opened') }, t('inno.ch.open'))));
    }
    if (['draft', 'open', 'closed'].includes(c.status)) {
      const emails = h('input', { type: 'text', id: 'panel-emails', maxlength: 2000, value: (c.panel || []).map((p) => p.email).join(', ') });
      add(card, h('form', { class: 'form', id: 'panel-form', onsubmit: (ev) => {
        ev.preventDefault();
        act(`/challenges/${id}/panel`, { reviewers: emails.value.split(/[,\uFF0C;\s]+/).filter(Boolean) }, 'inno.ch.panelSaved');
      } }, field(t('inno.ch.panel'), emails, t('inno.ch.panelHint')),
      h('button', { type: 'submit', class: 'btn btn-outline' }, t('inno.ch.savePanel'))));
    }
    if (c.status === 'closed') {
      add(card, h('button', { type: 'button', class: 'btn btn-primary', id: 'evaluate-btn', onclick: () => act(`/challenges/${id}/evaluate`, undefined, 'inno.ch.evaluationStarted') }, t('inno.ch.evaluate')));
    }
    const sugg = h('div', { id: 'suggestions' });
    add(card, h('h3', null, t('inno.ch.suggestions')), sugg);
    get(`/challenges/${id}/suggestions`, { limit: 8 }).then((r) => {
      if (!ctx.isCurrent()) return;
      fill(sugg, r.items.length ? h('ol', { class: 'match-list' }, r.items.map((x) => h('li', { class: 'match-item' },
        h('strong', null, x.enterprise.name), h('span', { class: 'muted small mono' }, ` ${x.enterprise.uscc}`),
        h('ul', { class: 'reason-list small' }, x.why.map((w) => h('li', null, w.kind === 'listing' ? t('inno.why.listing', { text: w.text, words: w.words })
          : w.kind === 'capability' ? t('inno.why.capability', { text: w.text }) : t('inno.why.past', { wins: w.wins, shortlists: w.shortlists }))))))) : h('p', { class: 'muted' }, t('inno.ch.noSuggestions')));
    }).catch((e) => fill(sugg, alertBox('error', errorText(e))));
    return card;
  }

  async function proposalsCard() {
    const card = h('section', { class: 'card card-pad', id: 'proposals' }, h('h2', null, t('inno.prop.title')));
    let r;
    try { r = await get(`/challenges/${id}/proposals`); } catch (e) { return add(card, alertBox('error', errorText(e))); }
    if (r.sealed && c.is_poster) {
      add(card, h('div', { class: 'sealed-box', id: 'sealed-box' }, h('span', { class: 'sealed-icon', 'aria-hidden': 'true' }),
        h('div', null, h('strong', { class: 'sealed-count' }, t('inno.prop.sealed', { n: r.count ?? 0 })),
          h('p', { class: 'muted small' }, t('inno.prop.sealedNote', { deadline: formatTime(c.deadline) })))));
    }
    if (!r.items.length) return add(card, h('p', { class: 'muted' }, t('inno.prop.none')));
    return add(card, h('ul', { class: 'listing-list', id: 'proposal-list' }, r.items.map((p) => {
      const me = (p.members || []).find((m) => !m.confirmed);
      return h('li', { class: 'listing-item', dataset: { id: p.id, status: p.status } },
        h('div', null, h('strong', null, p.title || t('inno.prop.sealedTitle')), ' ', badge('ps', p.status)),
        h('div', { class: 'small muted' }, t('inno.prop.lead'), ' ', entName(p.lead), ' · ', formatTime(p.submitted_at)),
        p.members?.length > 1 ? h('div', { class: 'small' }, t('inno.prop.members'), ' ', p.members.map((m) => `${m.name}${m.confirmed ? ' ✓' : ''}`).join(', ')) : null,
        p.sha256 ? h('div', { class: 'small mono receipt-hash' }, `sha256 ${p.sha256}`) : null,
        p.content?.summary ? h('p', null, p.content.summary) : null,
        me && !c.is_poster && c.status === 'open' ? h('button', { type: 'button', class: 'btn btn-sm btn-outline confirm-btn', onclick: () => act(`/proposals/${p.id}/confirm`, undefined, 'inno.prop.confirmed') }, t('inno.prop.confirm')) : null,
        p.status === 'winner' && c.result && !c.result.published && !c.is_poster
          ? h('button', { type: 'button', class: 'btn btn-sm btn-primary consent-btn', onclick: () => act(`/proposals/${p.id}/consent`, undefined, 'inno.prop.consented') }, t('inno.prop.consent')) : null);
    })));
  }

  function submitCard() {
    const card = h('section', { class: 'card card-pad', id: 'submit-card' }, h('h2', null, t('inno.prop.submit')));
    const ent = h('select', { id: 'p-enterprise', required: true });
    const query = s?.org?.type === 'operator' ? { limit: 200 } : { org_id: s?.org?.id, limit: 200 };
    get('/enterprises', query).then((r) => fill(ent, (r.items || []).map((e) => h('option', { value: e.uscc }, `${e.name} ${e.uscc}`)))).catch(() => {});
    const f = {
      members: h('input', { type: 'text', id: 'p-members', maxlength: 200, class: 'mono' }),
      title: h('input', { type: 'text', id: 'p-title', maxlength: 200, required: true }),
      summary: h('textarea', { id: 'p-summary', rows: 3, maxlength: 4000, required: true }),
      approach: h('textarea', { id: 'p-approach', rows: 6, maxlength: 50000, required: true }),
      budget: h('input', { type: 'text', id: 'p-budget', inputmode: 'decimal' }),
    };
    const receipt = h('div', { id: 'receipt' });
    add(card, h('p', { class: 'muted small' }, t('inno.prop.sealNote')),
      h('div', { class: 'btn-row' }, h('button', { type: 'button', class: 'btn btn-sm btn-outline', id: 'register-btn', onclick: () => act(`/challenges/${id}/register`, { enterprise: ent.value }, 'inno.prop.registered') },
        c.registered ? t('inno.prop.registeredAlready') : t('inno.prop.register'))),
      h('form', { class: 'form', id: 'proposal-form', onsubmit: async (ev) => {
        ev.preventDefault();
        const body = { enterprise: ent.value, title: f.title.value.trim(), summary: f.summary.value.trim(), approach: f.approach.value.trim() };
        const members = f.members.value.split(/[,\uFF0C;\s]+/).map((x) => x.replace(/-/g, '')).filter(Boolean);
        if (members.length) body.members = members;
        if (f.budget.value.trim()) {
          const b = yuanToFen(f.budget.value);
          if (b === null) { flash('error', t('inno.form.badNumber')); return; }
          body.budget_fen = b;
        }
        try {
          const r = await post(`/challenges/${id}/proposals`, body);
          const blob = `data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(r, null, 2))}`;
          fill(receipt, h('div', { class: 'alert alert-success', id: 'receipt-box' },
            h('strong', null, t('inno.prop.receipt')),
            h('div', { class: 'mono small', id: 'receipt-sha' }, r.sha256),
            h('p', { class: 'small' }, t('inno.prop.receiptNote')),
            h('pre', { class: 'mono small', style: { whiteSpace: 'pre-wrap' }, id: 'receipt-canonical' }, r.canonical),
            h('a', { class: 'btn btn-sm btn-outline', href: blob, download: `receipt-${r.proposal_id}.json` }, t('inno.prop.download'))));
          ev.target.reset();
        } catch (e) { flash('error', errorText(e)); }
      } },
      h('div', { class: 'form-grid' }, field(t('inno.prop.enterprise'), ent), field(t('inno.prop.membersLabel'), f.members, t('inno.prop.membersHint')),
        field(t('inno.prop.titleLabel'), f.title), field(t('inno.prop.budget'), f.budget)),
      field(t('inno.prop.summary'), f.summary), field(t('inno.prop.approach'), f.approach),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'p-submit' }, t('inno.prop.submitBtn')))),
      receipt);
    return card;
  }

  async function qaCard() {
    const card = h('section', { class: 'card card-pad', id: 'qa' }, h('h2', null, t('inno.qa.title')));
    let r;
    try { r = await get(`/challenges/${id}/questions`); } catch (e) { return add(card, alertBox('error', errorText(e))); }
    add(card, r.items.length ? h('ul', { class: 'sub-list', id: 'qa-list' }, r.items.map((q) => h('li', { dataset: { id: q.id } },
      h('p', null, h('strong', null, t('inno.qa.q')), ' ', q.question),
      q.answer ? h('p', null, h('strong', null, t('inno.qa.a')), ' ', q.answer)
        : c.is_poster ? answerForm(q) : h('p', { class: 'muted small' }, t('inno.qa.unanswered'))))) : h('p', { class: 'muted' }, t('inno.qa.none')));
    if (!c.is_poster && c.status === 'open') {
      const q = h('textarea', { id: 'qa-question', rows: 2, maxlength: 4000 });
      add(card, h('form', { class: 'form', id: 'ask-form', onsubmit: (ev) => { ev.preventDefault(); act(`/challenges/${id}/questions`, { question: q.value.trim() }, 'inno.qa.asked'); } },
        field(t('inno.qa.ask'), q, t('inno.qa.askHint')), h('button', { type: 'submit', class: 'btn btn-outline' }, t('inno.qa.send'))));
    }
    return card;
  }

  function answerForm(q) {
    const a = h('input', { type: 'text', class: 'answer-input', maxlength: 8000, 'aria-label': t('inno.qa.answer') });
    return h('form', { class: 'input-group answer-form', onsubmit: (ev) => { ev.preventDefault(); act(`/challenge-questions/${q.id}/answer`, { answer: a.value.trim() }, 'inno.qa.answered'); } },
      a, h('button', { type: 'submit', class: 'btn btn-sm btn-primary' }, t('inno.qa.answer')));
  }
}
