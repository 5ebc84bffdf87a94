#!/usr/bin/env node
// check-layers.mjs - the layering check of `make lint` and `make test`.
//
// Dependencies run one way (docs/architecture.md):
//     base <- store <- platform, text <- registry <- chains <- http <- cli <- main.c
// (cli sits above http only to start the server: `qilian serve`)
// and within that:
//   - a chain (a folder on the chain level) includes another chain only through a
//     header its folder's README.md lists under "Public headers";
//   - a header named *_int.h, *_internal.h or *_private.h is included only from its own folder;
//   - no file outside src/store includes sqlite3.h or libpq-fe.h, or names sqlite3_*/SQLITE_*/PQ*;
//   - http and cli never run SQL: no db_prepare/db_exec/db_step calls there.
// Prints every offence as FILE:LINE: what, and exits 1 when there is one.
//
// Usage: node scripts/check-layers.mjs [SRC_DIR]   (default: src next to this script)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(process.argv[2] || path.join(here, '..', 'src'));

// Level of each top-level folder; a folder not named here is a chain.
const LEVEL = { base: 0, store: 1, platform: 2, text: 2, registry: 3, http: 5, cli: 6 };
const CHAIN_LEVEL = 4;
const MAIN_LEVEL = 7;
// Folders of the same level that may include each other (none: platform and text are peers that do not).
const levelOf = (folder) => (folder in LEVEL ? LEVEL[folder] : CHAIN_LEVEL);
const isChain = (folder) => levelOf(folder) === CHAIN_LEVEL;

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.[ch]$/.test(e.name)) out.push(p);
  }
  return out;
}

// "Public headers: market/listing.h, market/match.h" (one or more lines) in src/<chain>/README.md.
function publicHeaders(folder) {
  const readme = path.join(src, folder, 'README.md');
  if (!fs.existsSync(readme)) return new Set();
  const text = fs.readFileSync(readme, 'utf8');
  const m = /^Public headers:(.*(?:\n[ \t]+\S.*)*)/mi.exec(text);
  if (!m) return new Set();
  return new Set(m[1].split(/[\s,`]+/).filter((s) => /\.h$/.test(s)));
}

const offences = [];
const files = walk(src).sort();
const publicCache = new Map();
const pub = (folder) => {
  if (!publicCache.has(folder)) publicCache.set(folder, publicHeaders(folder));
  return publicCache.get(folder);
};

for (const file of files) {
  const rel = path.relative(src, file).split(path.sep).join('/');
  const folder = rel.includes('/') ? rel.split('/')[0] : null;
  const level = folder ? levelOf(folder) : MAIN_LEVEL;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  let inComment = false;
  lines.forEach((line, i) => {
    const where = `src/${rel}:${i + 1}`;
    // Blank string literals (SQL text may say anything) except in #include lines, then strip
    // comments, so a comment that names SQLite is not an offence.
    let code = /^\s*#\s*include/.test(line) ? line : line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    if (inComment) {
      const end = code.indexOf('*/');
      if (end < 0) return;
      code = code.slice(end + 2);
      inComment = false;
    }
    code = code.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '');
    const open = code.indexOf('/*');
    if (open >= 0) {
      code = code.slice(0, open);
      inComment = true;
    }

    const inc = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/.exec(code);
    if (inc) {
      const target = inc[2];
      if (folder !== 'store' && /^(sqlite3|sqlite3ext|libpq-fe)\.h$/.test(target)) {
        offences.push(`${where}: includes <${target}>: only src/store talks to a database`);
      }
      if (inc[1] === '"' && target.includes('/')) {
        const tfolder = target.split('/')[0];
        const tbase = path.basename(target);
        if (fs.existsSync(path.join(src, tfolder)) && tfolder !== folder) {
          const tlevel = levelOf(tfolder);
          if (/_(int|internal|private)\.h$/.test(tbase)) {
            offences.push(`${where}: includes "${target}", a private header of ${tfolder}/`);
          } else if (tlevel > level) {
            offences.push(`${where}: includes "${target}": ${folder || 'main'} (layer ${level}) may not depend on ${tfolder} (layer ${tlevel})`);
          } else if (tlevel === level && !(isChain(folder) && isChain(tfolder))) {
            offences.push(`${where}: includes "${target}": ${folder} and ${tfolder} are peers and do not include each other`);
          } else if (isChain(folder) && isChain(tfolder) && !pub(tfolder).has(target)) {
            offences.push(`${where}: includes "${target}", which src/${tfolder}/README.md does not list under "Public headers"`);
          }
        }
      }
      return;
    }
    if (folder !== 'store' && /\b(sqlite3_\w+|SQLITE_\w+|PQ[a-z]\w*)\b/.test(code)) {
      offences.push(`${where}: ${RegExp.$1}: only src/store talks to a database`);
    }
    if ((folder === 'http' || folder === 'cli') && /\bdb_(prepare|prepare_dynamic|exec|step|run|one|scalar_int64)\s*\(/.test(code)) {
      offences.push(`${where}: ${folder} runs SQL (db_${RegExp.$1}): call the domain instead`);
    }
  });
}

if (offences.length) {
  console.error(`check-layers: ${offences.length} offence(s) against the layering (docs/architecture.md):`);
  for (const o of offences) console.error(`  ${o}`);
  process.exit(1);
}
console.log(`check-layers: ${files.length} files, layering respected`);
