/*
 * enterprise-form.js - register a new enterprise (#/enterprises/new) or change
 * one (#/enterprises/{uscc}/edit). Checks as the user types: the USCC (also
 * as pasted from a licence, with spaces or a hyphen: compacted first) against
 * GB 32100 (the server's reason, e.g. the expected check character), the
 * region code against GB/T 2260 (province → city → county selects stay in
 * step with the code box), and the size class derived live from the
 * 中小企业划型标准. Errors the server returns land under the field it names.
 */
import { t, getLang, localName, localMessage } from '../../lib/i18n.js';
import { h, pageHeader, alertBox, errorText, loading, loadError } from '../../lib/dom.js';
import { get, post, patch } from '../../lib/api.js';
import { canWriteEnterprises, canEditEnterprise } from './registry.js';
import { regions, industries, LEVELS, levelLabel, sizeLabel } from '../../lib/ref.js';
import { compactUscc, compactCaret, USCC_LENGTH } from '../../lib/uscc.js';

const USCC_ALPHABET = /^[0-9A-HJ-NPQRTUWXY]*$/;
const FIELDS = ['uscc', 'name', 'region', 'industry', 'employees', 'revenue_wan', 'assets_wan', 'level'];
/* Field names the server may use for the same inputs. */
/* Fields whose errors come from a check while typing. */
const LIVE_CHECKED = ['uscc', 'region'];
const FIELD_ALIASES = { revenue: 'revenue_wan', assets: 'assets_wan', code: 'region' };

export async function render(root, ctx) {
  const editing = Boolean(ctx.params.uscc);
  ctx.setTitle(editing ? t('form.editTitle') : t('form.createTitle'));

  if (!canWriteEnterprises()) {
    root.append(pageHeader(editing ? t('form.editTitle') : t('form.createTitle')),
      h('div', { class: 'card' }, alertBox('error', t('enterprise.forbidden')),
        h('a', { href: '#/enterprises' }, t('detail.back'))));
    return undefined;
  }

  let ent = null;
  if (editing) {
    const wait = loading();
    root.appendChild(wait);
    try {
      ent = await get(`/enterprises/${encodeURIComponent(ctx.params.uscc.toUpperCase())}`);
    } catch (e) {
      wait.replaceWith(loadError(e));
      return undefined;
    }
    wait.remove();
    if (!ctx.isCurrent()) return undefined;
    if (!canEditEnterprise(ent)) {
      root.append(pageHeader(t('form.editTitle'), ent.name),
        h('div', { class: 'card' }, alertBox('error', t('enterprise.forbiddenEdit')),
          h('a', { href: `#/enterprises/${ent.uscc}` }, t('detail.backToDetail'))));
      return undefined;
    }
  }

  const timers = new Set();
  const debounce = (fn, ms) => {
    let id = null;
    return (...args) => {
      if (id) { clearTimeout(id); timers.delete(id); }
      id = setTimeout(() => { timers.delete(id); id = null; fn(...args); }, ms);
      timers.add(id);
    };
  };

  /* ---- field scaffolding: label, control, hint and the error line under it ---- */
  const errors = {};
  const hints = {};
  const controls = {};
  function field(name, label, control, { hint, required, extra } = {}) {
    const id = control.id || `f-${name}`;
    control.id = id;
    control.setAttribute('aria-describedby', `${id}-error ${id}-hint`);
    if (required) control.setAttribute('aria-required', 'true');
    errors[name] = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite', dataset: { field: name } });
    hints[name] = h('p', { class: 'field-hint', id: `${id}-hint` }, hint || '');
    controls[name] = control;
    return h('div', { class: `field field-${name}` },
      h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
      extra || control, errors[name], hints[name]);
  }
  function setError(name, text) {
    const el = errors[name];
    if (!el) return false;
    el.textContent = text || '';
    el.closest('.field').classList.toggle('has-error', Boolean(text));
    const c = controls[name];
    if (c) c.setAttribute('aria-invalid', text ? 'true' : 'false');
    return true;
  }
  function setHint(name, text, ok) {
    hints[name].textContent = text || '';
    hints[name].classList.toggle('ok', Boolean(ok));
  }

  /* ---- USCC ---- */
  const usccInput = h('input', {
    // Room for a code pasted as printed on a licence, with spaces or a hyphen; compactUscc() leaves 18.
    name: 'uscc', type: 'text', maxlength: 40, autocomplete: 'off', spellcheck: 'false', class: 'mono',
    autocapitalize: 'characters', value: ent ? ent.uscc : '', readonly: editing ? true : null,
    placeholder: t('form.usccPlaceholder'),
  });
  let usccSeq = 0;
  async function checkUscc(force) {
    const code = compactUscc(usccInput.value);
    const seq = ++usccSeq;
    if (!code) { setError('uscc', ''); setHint('uscc', t('form.usccHint')); return; }
    const bad = [...code].findIndex((c) => !USCC_ALPHABET.test(c));
    if (code.length < 18 && bad < 0 && !force) {
      setError('uscc', '');
      setHint('uscc', t('form.usccRemaining', { n: 18 - code.length }));
      return;
    }
    try {
      const r = await get(`/uscc/${encodeURIComponent(code)}`);
      if (seq !== usccSeq) return;
      if (r.valid) {
        setError('uscc', '');
        setHint('uscc', t('form.usccValid'), true);
      } else {
        setError('uscc', localMessage(r.reason));
        setHint('uscc', '');
      }
    } catch (e) {
      if (seq !== usccSeq) return;
      // The check endpoint answers 4xx for codes it cannot even read; show its message the same way.
      setError('uscc', errorText(e));
      setHint('uscc', '');
    }
  }
  const checkUsccSoon = debounce(() => checkUscc(false), 250);
  if (!editing) {
    // As typed or pasted ("9132 0500 MA1N 2L8E 6H", "91320500-MA1N2L8E6H", full-width): the 18 characters
    // alone, upper case, checked. An input method's unfinished composition is left alone until it ends.
    const compactInput = (ev) => {
      if (ev.isComposing) return;
      const raw = usccInput.value;
      const code = compactUscc(raw).slice(0, USCC_LENGTH);
      if (code !== raw) {
        const pos = Math.min(compactCaret(raw, usccInput.selectionStart ?? raw.length), code.length);
        usccInput.value = code;
        usccInput.setSelectionRange(pos, pos);
      }
      checkUsccSoon();
    };
    usccInput.addEventListener('input', compactInput);
    usccInput.addEventListener('compositionend', compactInput);
    usccInput.addEventListener('blur', () => checkUscc(true));
  }

  /* ---- name ---- */
  const nameInput = h('input', { name: 'name', type: 'text', maxlength: 200, value: ent ? ent.name : '', autocomplete: 'organization' });
  nameInput.addEventListener('input', () => setError('name', ''));

  /* ---- region: cascading selects kept in step with the code box ---- */
  const provinceSel = h('select', { id: 'f-region-province', 'aria-label': t('field.province') });
  const citySel = h('select', { id: 'f-region-city', 'aria-label': t('field.city'), disabled: true });
  const countySel = h('select', { id: 'f-region-county', 'aria-label': t('field.county'), disabled: true });
  const regionInput = h('input', {
    name: 'region', type: 'text', inputmode: 'numeric', maxlength: 6, class: 'mono region-code',
    value: ent ? ent.region : '', placeholder: t('form.regionPlaceholder'), autocomplete: 'off',
  });
  const placeholderOption = (label) => h('option', { value: '' }, label);

  async function fillSelect(sel, parent, selected, emptyLabel) {
    sel.replaceChildren(placeholderOption(emptyLabel));
    if (parent === null) { sel.disabled = true; return []; }
    const items = await regions(parent || undefined);
    sel.replaceChildren(placeholderOption(emptyLabel), ...items.map((r) => h('option', { value: r.code, selected: r.code === selected }, r.name)));
    sel.disabled = items.length === 0;
    return items;
  }

  /* Sets the three selects to show code (a valid region of level 1-3). */
  async function showRegion(code, level) {
    const prov = `${code.slice(0, 2)}0000`;
    const city = level >= 2 ? `${code.slice(0, 4)}00` : '';
    const county = level >= 3 ? code : '';
    await fillSelect(provinceSel, '', prov, t('form.chooseProvince'));
    await fillSelect(citySel, prov, city, t('form.chooseCity'));
    await fillSelect(countySel, city || null, county, t('form.chooseCounty'));
  }

  let regionSeq = 0;
  async function checkRegion(final) {
    const code = regionInput.value.trim();
    const seq = ++regionSeq;
    if (!code) { setError('region', ''); setHint('region', ''); return; }
    if (!/^\d*$/.test(code) || (final && code.length !== 6)) {
      setError('region', t('form.regionFormat'));
      setHint('region', '');
      return;
    }
    if (code.length !== 6) { setError('region', ''); setHint('region', ''); return; }
    try {
      const r = await get(`/regions/${code}`);
      if (seq !== regionSeq) return;
      // The selects first, then the name (as when an enterprise is opened for editing): once the
      // hint names the region, the selects show it too.
      await showRegion(r.code, r.level);
      if (seq !== regionSeq) return;
      setError('region', '');
      setHint('region', r.full_name, true);
    } catch (e) {
      if (seq !== regionSeq) return;
      setError('region', errorText(e));
      setHint('region', '');
    }
  }
  const checkRegionSoon = debounce(() => checkRegion(false), 200);
  regionInput.addEventListener('input', checkRegionSoon);
  regionInput.addEventListener('blur', () => checkRegion(true));

  /* A select changed: the deepest chosen level becomes the code. */
  async function onSelect(level) {
    const prov = provinceSel.value;
    const city = citySel.value;
    if (level === 1) {
      await fillSelect(citySel, prov || null, '', t('form.chooseCity'));
      await fillSelect(countySel, null, '', t('form.chooseCounty'));
    } else if (level === 2) {
      await fillSelect(countySel, city || null, '', t('form.chooseCounty'));
    }
    const chosen = countySel.value || citySel.value || provinceSel.value;
    regionInput.value = chosen;
    const full = [provinceSel, citySel, countySel].filter((s) => s.value).map((s) => s.selectedOptions[0].textContent);
    setError('region', '');
    setHint('region', full.join(' '), Boolean(countySel.value));
  }
  provinceSel.addEventListener('change', () => onSelect(1));
  citySel.addEventListener('change', () => onSelect(2));
  countySel.addEventListener('change', () => onSelect(3));
  const regionBox = h('div', { class: 'region-picker' },
    h('div', { class: 'region-selects' }, provinceSel, citySel, countySel),
    h('div', { class: 'region-code-row' },
      h('span', { class: 'muted small' }, t('form.regionCode')), regionInput));

  /* ---- industry, numbers, level ---- */
  const industrySel = h('select', { name: 'industry' }, placeholderOption(t('form.chooseIndustry')));
  const num = (name, value) => h('input', {
    name, type: 'number', min: 0, step: 1, inputmode: 'numeric', value: value ?? '',
  });
  const employeesInput = num('employees', ent?.employees);
  const revenueInput = num('revenue_wan', ent?.revenue_wan);
  const assetsInput = num('assets_wan', ent?.assets_wan);
  const levelSel = h('select', { name: 'level' },
    LEVELS.map((l) => h('option', { value: l, selected: (ent ? ent.level : 'none') === l }, levelLabel(l))));

  /* ---- live size class ---- */
  const sizeBox = h('div', { class: 'size-preview', id: 'size-preview', 'aria-live': 'polite' }, t('form.sizeWaiting'));
  let classifySeq = 0;
  async function classify() {
    const seq = ++classifySeq;
    const industry = industrySel.value;
    const employees = employeesInput.value;
    const revenue = revenueInput.value;
    if (!industry || employees === '' || revenue === '') {
      sizeBox.replaceChildren(t('form.sizeWaiting'));
      return;
    }
    try {
      const r = await get('/classify', { industry, employees, revenue, assets: assetsInput.value });
      if (seq !== classifySeq) return;
      sizeBox.replaceChildren(
        h('div', null, h('span', { class: 'muted' }, t('form.sizeDerived')), ' ',
          h('span', { class: `badge badge-size-${r.size}`, id: 'derived-size' }, sizeLabel(r.size)),
          r.sector ? h('span', { class: 'muted small' }, ` · ${t('form.sector')}: ${getLang() === 'en' ? r.sector : r.sector_zh || r.sector}`) : null),
        r.rule ? h('p', { class: 'small rule-text' }, r.rule) : null);
    } catch (e) {
      if (seq !== classifySeq) return;
      sizeBox.replaceChildren(h('span', { class: 'text-error' }, errorText(e)));
    }
  }
  const classifySoon = debounce(classify, 250);
  for (const [el, name] of [[industrySel, 'industry'], [employeesInput, 'employees'], [revenueInput, 'revenue_wan'], [assetsInput, 'assets_wan']]) {
    el.addEventListener('input', () => { setError(name, ''); classifySoon(); });
  }

  /* ---- the form ---- */
  const formMessage = h('div', { class: 'form-message', 'aria-live': 'assertive' });
  const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'save-enterprise' },
    editing ? t('common.save') : t('form.submitCreate'));
  const cancelHref = editing ? `#/enterprises/${ent.uscc}` : '#/enterprises';
  const form = h('form', { class: 'card form', id: 'enterprise-form', novalidate: true, onsubmit: onSubmit },
    formMessage,
    h('fieldset', null, h('legend', null, t('form.identity')),
      h('div', { class: 'form-grid' },
        field('uscc', t('field.uscc'), usccInput, { hint: editing ? t('form.usccLocked') : t('form.usccHint'), required: !editing }),
        field('name', t('field.name'), nameInput, { required: true }))),
    h('fieldset', null, h('legend', null, t('form.location')),
      field('region', t('field.region'), regionInput, { required: true, extra: regionBox }),
      h('div', { class: 'form-grid' },
        field('industry', t('field.industry'), industrySel, { required: true }),
        field('level', t('field.level'), levelSel))),
    h('fieldset', null, h('legend', null, t('form.scale')),
      h('div', { class: 'form-grid form-grid-3' },
        field('employees', `${t('field.employees')} (${t('unit.people')})`, employeesInput, { required: true }),
        field('revenue_wan', `${t('field.revenue')} (${t('unit.wan')})`, revenueInput, { required: true }),
        field('assets_wan', `${t('field.assets')} (${t('unit.wan')})`, assetsInput, { required: true })),
      sizeBox),
    h('div', { class: 'form-actions' }, submitBtn, h('a', { class: 'btn btn-ghost', href: cancelHref }, t('common.cancel'))));

  root.append(
    h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
      h('a', { href: '#/enterprises' }, t('nav.enterprises')), h('span', { 'aria-hidden': 'true' }, ' / '),
      editing ? [h('a', { href: cancelHref }, ent.name), h('span', { 'aria-hidden': 'true' }, ' / ')] : null,
      h('span', null, editing ? t('form.editTitle') : t('form.createTitle'))),
    pageHeader(editing ? t('form.editTitle') : t('form.createTitle'), editing ? ent.name : t('form.createSubtitle')),
    form);

  // Reference data for the selects.
  try {
    const list = await industries();
    if (!ctx.isCurrent()) return undefined;
    const sections = list.filter((i) => /^[A-Z]$/.test(i.code));
    for (const s of sections) {
      industrySel.appendChild(h('optgroup', { label: `${s.code} ${localName(s)}` },
        list.filter((i) => i.section === s.code && i.code !== s.code)
          .map((i) => h('option', { value: i.code, selected: ent && ent.industry === i.code }, `${i.code} ${localName(i)}`))));
    }
    if (ent) {
      const r = await get(`/regions/${ent.region}`).catch(() => null);
      if (r) { await showRegion(r.code, r.level); setHint('region', r.full_name, true); }
      classify();
    } else {
      await fillSelect(provinceSel, '', '', t('form.chooseProvince'));
      await fillSelect(citySel, null, '', t('form.chooseCity'));
      await fillSelect(countySel, null, '', t('form.chooseCounty'));
    }
  } catch (e) {
    formMessage.replaceChildren(alertBox('error', errorText(e)));
  }
  if (!editing) usccInput.focus();

  /* Collects values; reports empty or non-integer inputs under their fields. */
  function collect() {
    const v = {
      uscc: compactUscc(usccInput.value),
      name: nameInput.value.trim(),
      region: regionInput.value.trim(),
      industry: industrySel.value,
      level: levelSel.value,
    };
    let ok = true;
    for (const name of ['uscc', 'name', 'region', 'industry']) {
      if (!v[name]) { setError(name, t('form.required')); ok = false; }
    }
    for (const [name, input] of [['employees', employeesInput], ['revenue_wan', revenueInput], ['assets_wan', assetsInput]]) {
      const raw = input.value.trim();
      if (raw === '') {
        setError(name, input.validity.badInput ? t('form.integer') : t('form.required'));
        ok = false;
      } else if (!/^\d+$/.test(raw)) {
        setError(name, t('form.integer'));
        ok = false;
      } else {
        v[name] = Number(raw);
      }
    }
    return ok ? v : null;
  }

  async function onSubmit(ev) {
    ev.preventDefault();
    formMessage.replaceChildren();
    // USCC and region errors come from their live checks and stay until the input changes.
    for (const f of FIELDS) if (!LIVE_CHECKED.includes(f)) setError(f, '');
    const v = collect();
    const liveErrors = LIVE_CHECKED.some((f) => errors[f].textContent);
    if (!v || liveErrors) {
      formMessage.appendChild(alertBox('error', t('form.fixErrors')));
      form.querySelector('.has-error input, .has-error select')?.focus();
      return;
    }
    let body = v;
    if (editing) {
      body = {};
      for (const f of FIELDS) if (f !== 'uscc' && v[f] !== ent[f]) body[f] = v[f];
      if (Object.keys(body).length === 0) {
        ctx.navigate(`/enterprises/${ent.uscc}`, { kind: 'info', text: t('form.noChanges') });
        return;
      }
    }
    submitBtn.disabled = true;
    try {
      const saved = editing
        ? await patch(`/enterprises/${encodeURIComponent(ent.uscc)}`, body)
        : await post('/enterprises', body);
      ctx.navigate(`/enterprises/${saved.uscc}`, {
        kind: 'success', text: editing ? t('form.saved') : t('form.created', { size: sizeLabel(saved.size) }),
      });
    } catch (e) {
      submitBtn.disabled = false;
      const target = FIELD_ALIASES[e.field] || e.field;
      if (target && setError(target, errorText(e))) {
        formMessage.appendChild(alertBox('error', t('form.fixErrors')));
        (target === 'region' ? regionInput : controls[target])?.focus();
      } else {
        formMessage.appendChild(alertBox('error', errorText(e)));
      }
    }
  }

  return () => { for (const id of timers) clearTimeout(id); };
}
