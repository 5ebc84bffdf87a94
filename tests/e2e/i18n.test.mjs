// The web UI's wording lives only in the dictionaries: the shared one
// (web/lib/i18n/) and one per domain (web/pages/<domain>/i18n/, listed through
// web/gen/domains.js). In each, both languages have the same keys; no two
// define the same key; every key the code asks for exists in the merged
// dictionary; and no page, library or the HTML shell carries Chinese text of
// its own (comments aside).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../lib/server.mjs';
import coreZh from '../../web/lib/i18n/zh.js';
import coreEn from '../../web/lib/i18n/en.js';
import manifest from '../../web/gen/domains.js';

// Every dictionary the UI merges: [name, {zh, en}].
const DICTS = [['web/lib/i18n', { zh: coreZh, en: coreEn }], ...manifest.map(({ folder, domain }) => [`web/pages/${folder}`, domain.dict || {}])];
const zh = Object.assign({}, ...DICTS.map(([, d]) => d.zh || {}));

const WEB = path.join(ROOT, 'web');
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

// Every UI source file except the dictionaries and the vendored ECharts.
function sources() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'vendor' && e.name !== 'i18n') walk(p);
      } else if (/\.(js|html|css)$/.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(WEB);
  return out;
}

const stripComments = (s) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/<!--[\s\S]*?-->/g, '');

test('zh and en dictionaries have the same keys and list lengths', () => {
  for (const [name, { zh: z = {}, en = {} }] of DICTS) {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(z).sort(), name);
    for (const [k, v] of Object.entries(z)) {
      if (Array.isArray(v)) assert.equal(en[k].length, v.length, `${name}: ${k}`);
      else assert.equal(typeof en[k], 'string', `${name}: ${k}`);
      assert.ok(Array.isArray(v) || v.trim() !== '', `${name}: ${k} is not empty`);
    }
  }
});

test('no key is defined by two dictionaries', () => {
  const owner = new Map();
  const clashes = [];
  for (const [name, { zh: z = {} }] of DICTS) {
    for (const k of Object.keys(z)) {
      if (owner.has(k)) clashes.push(`${k}: ${owner.get(k)} and ${name}`);
      else owner.set(k, name);
    }
  }
  assert.deepEqual(clashes, []);
});

test('every navigation label and group title is in the dictionaries', () => {
  const missing = [];
  for (const { folder, domain } of manifest) {
    for (const e of domain.nav || []) if (!(e.label in zh)) missing.push(`${folder}: nav ${e.id}: ${e.label}`);
    for (const g of domain.navGroups || []) if (g.title && !(g.title in zh)) missing.push(`${folder}: group ${g.id}: ${g.title}`);
  }
  assert.deepEqual(missing, []);
});

test('every key the UI asks for is in the dictionaries', () => {
  const missing = [];
  for (const file of sources()) {
    const text = stripComments(fs.readFileSync(file, 'utf8'));
    for (const m of text.matchAll(/\bt(?:List)?\(\s*'([^'$]+)'/g)) if (!(m[1] in zh)) missing.push(`${file}: ${m[1]}`);
    for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) if (!(m[1] in zh)) missing.push(`${file}: ${m[1]}`);
  }
  // Keys built from enumerations.
  const families = {
    size: ['large', 'medium', 'small', 'micro'],
    level: ['none', 'innovative', 'provincial', 'little_giant'],
    org: ['operator', 'large', 'sme', 'bank', 'provider'],
    role: ['admin', 'member'],
  };
  for (const [prefix, values] of Object.entries(families)) {
    for (const v of values) if (!(`${prefix}.${v}` in zh)) missing.push(`${prefix}.${v}`);
  }
  for (const id of ['innovation', 'industry', 'supply', 'data', 'capital', 'service', 'talent']) {
    for (const part of ['name', 'short', 'intro', 'features']) if (!(`chain.${id}.${part}` in zh)) missing.push(`chain.${id}.${part}`);
  }
  assert.deepEqual(missing, []);
});

test('no Chinese text outside the dictionaries', () => {
  const offenders = [];
  for (const file of sources()) {
    stripComments(fs.readFileSync(file, 'utf8')).split('\n').forEach((line, i) => {
      if (CJK.test(line)) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
});
