// The layering check (scripts/check-layers.mjs): it passes on the real tree and fails, naming the
// file, line and include, on trees that break each rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHECK = path.join(ROOT, 'scripts/check-layers.mjs');

function check(dir) {
  const r = spawnSync(process.execPath, [CHECK, dir], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

// A small tree in the real shape: base, store, registry, two chains, http.
function tree(extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qilian-layers-'));
  const files = {
    'base/qerr.h': '#include <stdint.h>\n',
    'store/db.h': '#include "base/qerr.h"\n',
    'store/driver_sqlite.c': '#include <sqlite3.h>\n#include "store/db.h"\nvoid f(void) { sqlite3_step(0); }\n',
    'registry/enterprise.c': '#include "store/db.h"\n/* sqlite3_step in a comment is fine */\nconst char *q = "SQLITE_ROW in a string is fine";\n',
    'chainmap/README.md': 'Public headers: chainmap/chainmap.h\n',
    'chainmap/chainmap.h': '#include "registry/enterprise.h"\n',
    'chainmap/chainmap_int.h': '\n',
    'chainmap/graph.h': '\n',
    'market/listing.c': '#include "chainmap/chainmap.h"\n#include "store/db.h"\n',
    'http/api.c': '#include "market/listing.h"\nvoid h(void) { domain_call(); }\n',
    ...extra,
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

test('the real source tree keeps to the layering', () => {
  const r = check(path.join(ROOT, 'src'));
  assert.equal(r.status, 0, r.out);
});

test('a tree in the right shape passes', () => {
  const r = check(tree());
  assert.equal(r.status, 0, r.out);
});

const WRONG = [
  ['a lower layer including a higher one', { 'registry/uscc.c': '#include "http/api.h"\n' },
    /src\/registry\/uscc\.c:1: includes "http\/api\.h": registry \(layer 3\) may not depend on http/],
  ['store including a domain', { 'store/db.c': '#include "market/listing.h"\n' },
    /src\/store\/db\.c:1: includes "market\/listing\.h"/],
  ['a domain including sqlite3.h', { 'market/order.c': '#include <sqlite3.h>\n' },
    /src\/market\/order\.c:1: includes <sqlite3\.h>: only src\/store talks to a database/],
  ['a domain calling SQLite', { 'market/order.c': 'void f(void) { sqlite3_reset(st); }\n' },
    /src\/market\/order\.c:1: sqlite3_reset/],
  ['a chain including another chain\'s header it does not publish', { 'market/match.c': '#include "chainmap/graph.h"\n' },
    /src\/market\/match\.c:1: includes "chainmap\/graph\.h", which src\/chainmap\/README\.md does not list/],
  ['a private header from another folder', { 'market/rfq.c': '#include "chainmap/chainmap_int.h"\n' },
    /src\/market\/rfq\.c:1: includes "chainmap\/chainmap_int\.h", a private header of chainmap/],
  ['http running SQL', { 'http/api_x.c': 'void h(void) { st = db_prepare(db, "SELECT 1", err); }\n' },
    /src\/http\/api_x\.c:1: http runs SQL \(db_prepare\)/],
  ['platform and text including each other', { 'platform/audit.c': '#include "text/tokenizer.h"\n', 'text/tokenizer.h': '\n' },
    /src\/platform\/audit\.c:1: includes "text\/tokenizer\.h": platform and text are peers/],
];

for (const [name, extra, expected] of WRONG) {
  test(`the check fails on ${name}, naming the place`, () => {
    const r = check(tree(extra));
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, expected);
  });
}
