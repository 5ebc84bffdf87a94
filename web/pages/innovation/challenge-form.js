/*
 * challenge-form.js - posting a challenge (#/innovation/challenges/new): the
 * problem, chain segment, required capabilities, eligibility, reward,
 * deadline, milestones with their shares (which must add up to exactly
 * 100 %, shown as you type) and evaluation criteria with weights. It is saved
 * as a draft; the terms freeze when it is opened on its page. The same form
 * changes a draft (#/innovation/challenges/{id}/edit, PATCH).
 */
import { t } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post, patch } from '../../lib/api.js';
import { yuanToFen, percentToBp, bpText, fill, add, field } from './innovation.js';

/* A UTC instant as the datetime-local value of its Shanghai time. */
const shanghaiLocal = (iso) => new Date(new Date(iso).getTime() + 8 * 3600000).toISOString().slice(0, 16);

export async function render(root, ctx) {
  const editing = ctx.params.id;
  let draft = null;
  if (editing) {
    const wait = loading();
    root.appendChild(wait);
    try { draft = await get(`/challenges/${editing}`); } catch (e) { wait.replaceWith(loadError(e)); return; }
    wait.remove();
    if (!ctx.isCurrent()) return;
  }
  ctx.setTitle(t(editing ? 'inno.form.edit' : 'inno.ch.post'));
  const message = h('div', { id: 'form-message', 'aria-live': 'polite' });
  const f = {
    title: h('input', { type: 'text', id: 'c-title', maxlength: 200, required: true }),
    problem: h('textarea', { id: 'c-problem', rows: 5, maxlength: 20000, required: true }),
    chain: h('input', { type: 'text', id: 'c-chain', maxlength: 32, placeholder: 'nev' }),
    segment: h('input', { type: 'text', id: 'c-segment', maxlength: 64, placeholder: 'motor' }),
    caps: h('input', { type: 'text', id: 'c-caps', maxlength: 1000 }),
    eligibility: h('input', { type: 'text', id: 'c-eligibility', maxlength: 4000 }),
    reward: h('input', { type: 'text', id: 'c-reward', inputmode: 'decimal', required: true }),
    deadline: h('input', { type: 'datetime-local', id: 'c-deadline', required: true }),
  };
  const milestones = h('div', { id: 'c-milestones' });
  const criteria = h('div', { id: 'c-criteria' });
  const shareSum = h('span', { id: 'share-sum', class: 'badge' });
  const updateSum = () => {
    const bps = [...milestones.querySelectorAll('.m-share')].map((i) => percentToBp(i.value));
    const ok = bps.every((b) => b !== null) && bps.reduce((s, b) => s + b, 0) === 10000;
    fill(shareSum, t('inno.form.shareSum', { sum: bps.every((b) => b !== null) ? bpText(bps.reduce((s, b) => s + b, 0)) : '—' }));
    shareSum.className = `badge ${ok ? 'badge-health-ok' : 'badge-health-weak'}`;
    shareSum.dataset.ok = String(ok);
  };
  const row = (container, cls, a, b) => {
    const r = h('div', { class: `input-group ${cls}` },
      h('input', { type: 'text', class: `${cls}-name`, maxlength: 200, value: a, 'aria-label': t(cls === 'm' ? 'inno.form.milestone' : 'inno.form.criterion') }),
      h('input', { type: 'text', class: cls === 'm' ? 'm-share' : 'k-weight', inputmode: 'decimal', value: b, oninput: updateSum,
        'aria-label': t(cls === 'm' ? 'inno.form.sharePct' : 'inno.form.weight') }),
      h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => { r.remove(); updateSum(); } }, t('inno.form.remove')));
    container.appendChild(r);
    updateSum();
  };
  if (draft) {
    f.title.value = draft.title;
    f.problem.value = draft.problem;
    f.chain.value = draft.chain || '';
    f.segment.value = draft.segment || '';
    f.caps.value = (draft.capabilities || []).join(', ');
    f.eligibility.value = draft.eligibility || '';
    f.reward.value = (draft.reward_fen / 100).toFixed(2).replace(/\.00$/, '');
    f.deadline.value = shanghaiLocal(draft.deadline);
    for (const m of draft.milestones) row(milestones, 'm', m.title, (m.share_bp / 100).toFixed(2).replace(/\.?0+$/, ''));
    for (const k of draft.criteria) row(criteria, 'k', k.name, String(k.weight));
  } else {
    row(milestones, 'm', t('inno.form.m1'), '30');
    row(milestones, 'm', t('inno.form.m2'), '40');
    row(milestones, 'm', t('inno.form.m3'), '30');
    row(criteria, 'k', t('inno.form.k1'), '60');
    row(criteria, 'k', t('inno.form.k2'), '40');
  }
  const form = h('form', { class: 'card form', id: 'challenge-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const reward = yuanToFen(f.reward.value);
    const ms = [...milestones.querySelectorAll('.m')].map((r) => ({ title: r.querySelector('.m-name').value.trim(), share_bp: percentToBp(r.querySelector('.m-share').value) }));
    const ks = [...criteria.querySelectorAll('.k')].map((r) => ({ name: r.querySelector('.k-name').value.trim(), weight: Number(r.querySelector('.k-weight').value) }));
    if (reward === null || ms.some((m) => m.share_bp === null) || ks.some((k) => !Number.isInteger(k.weight))) {
      fill(message, alertBox('error', t('inno.form.badNumber')));
      return;
    }
    const body = {
      title: f.title.value.trim(), problem: f.problem.value.trim(), reward_fen: reward,
      // The deadline is typed in Shanghai time.
      deadline: `${f.deadline.value.length === 16 ? `${f.deadline.value}:00` : f.deadline.value}+08:00`,
      capabilities: f.caps.value.split(/[;,\uFF0C\uFF1B]/).map((s) => s.trim()).filter(Boolean),
      eligibility: f.eligibility.value.trim(), milestones: ms, criteria: ks,
    };
    if (f.chain.value.trim()) { body.chain = f.chain.value.trim(); body.segment = f.segment.value.trim(); } else if (editing) { body.chain = null; body.segment = null; }
    try {
      const c = editing ? await patch(`/challenges/${editing}`, body) : await post('/challenges', body);
      ctx.navigate(`/innovation/challenges/${c.id}`, { kind: 'success', text: t('inno.form.saved') });
    } catch (e) { fill(message, alertBox('error', errorText(e))); }
  } },
  h('div', { class: 'form-grid' },
    field(t('inno.ch.title'), f.title), field(t('inno.ch.reward'), f.reward, t('inno.form.rewardHint')),
    field(t('inno.form.chain'), f.chain), field(t('inno.form.segment'), f.segment),
    field(t('inno.ch.deadline'), f.deadline, t('inno.form.deadlineHint')), field(t('inno.ch.capabilities'), f.caps, t('inno.form.capsHint'))),
  field(t('inno.ch.problem'), f.problem),
  field(t('inno.ch.eligibility'), f.eligibility),
  h('h2', null, t('inno.ch.milestones'), ' ', shareSum), milestones,
  h('button', { type: 'button', class: 'btn btn-sm btn-outline', id: 'add-milestone', onclick: () => row(milestones, 'm', '', '') }, t('inno.form.addMilestone')),
  h('h2', null, t('inno.ch.criteria')), criteria,
  h('button', { type: 'button', class: 'btn btn-sm btn-outline', onclick: () => row(criteria, 'k', '', '') }, t('inno.form.addCriterion')),
  h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'c-submit' }, t('inno.form.saveDraft'))));
  add(root, pageHeader(t(editing ? 'inno.form.edit' : 'inno.ch.post'), t('inno.form.subtitle')), message, form);
}
