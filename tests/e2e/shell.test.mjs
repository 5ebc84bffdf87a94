// The web UI's shell and its domains: web/gen/domains.js lists every folder of
// web/pages with an index.js; the domains' routes, navigation and operations
// fit together; every operation the UI asks about exists in the server's
// OpenAPI document; what each organisation type and role is offered from the
// document's x-qilian-roles is what the UI offered when the role lists were
// copied into it by hand; and in a real browser the document is read once per
// sign-in and decides the side navigation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, USERS, ROOT } from '../lib/server.mjs';
import { openBrowser, waitText } from '../lib/browser.mjs';
import { manifestText, MANIFEST } from '../../scripts/gen-web-domains.mjs';
import manifest from '../../web/gen/domains.js';
import { assemble } from '../../web/lib/domains.js';
import { compileRoles, callersOf } from '../../web/lib/access.js';

const house = assemble(manifest);
const ROLES = Object.keys(USERS); // operator:admin, operator:member, large:admin, …

// What the hand-copied checks (web/lib/session.js, market-list.js) offered, by organisation type and role.
const HAND_COPIED = {
  nav: {
    users: (type, role) => role === 'admin', // isOrgAdmin
    audit: (type) => type === 'operator', // canSeeAudit
    'supply-base': (type) => ['operator', 'large'].includes(type), // canSeeSupplyBase
    disrupt: (type) => type === 'operator', // canRunDisruption
    // Shared resources: banks neither book nor open resources (routes_sharing.c).
    'sharing-bookings': (type) => type !== 'bank',
    'sharing-queue': (type) => type !== 'bank',
    'sharing-utilisation': (type) => type !== 'bank',
    'inno-vouchers': (type) => ['operator', 'sme'].includes(type), // the voucher wallet: SMEs and the operator (GET /vouchers)
    // The capital chain's entries (web/pages/finance), as its routes' callers are.
    'finance-wallet': (type) => ['large', 'sme', 'bank', 'provider'].includes(type),
    'finance-issue': (type) => type === 'large',
    'finance-bank': (type) => type === 'bank',
    'finance-calendar': (type) => type === 'large',
    'finance-ledger': (type) => ['large', 'sme', 'bank', 'provider'].includes(type),
    'finance-overview': (type) => type === 'operator',
  },
  operations: {
    'POST /enterprises': (type) => ['operator', 'large', 'sme'].includes(type), // canWriteEnterprises
    'PATCH /enterprises/{uscc}': (type) => ['operator', 'large', 'sme'].includes(type), // canEditEnterprise, before ownership
    'POST /orgs': (type, role) => type === 'operator' && role === 'admin', // isPlatformAdmin
    'GET /chains/{chain}/health': (type) => ['operator', 'large'].includes(type), // canSeeSupplyBase (chain pages)
    'POST /analytics/disrupt': (type) => type === 'operator', // canRunDisruption (chain pages, disrupt page)
    'POST /demands': (type) => ['operator', 'large', 'sme'].includes(type), // the demand hall's publish button
    'POST /supplies': (type) => ['operator', 'large', 'sme'].includes(type), // the supply hall's publish button
  },
};
const handCopiedNav = (id, pair) => (HAND_COPIED.nav[id] ? HAND_COPIED.nav[id](...pair.split(':')) : true);

// Every may('METHOD /path') the UI's sources ask, and every nav entry's `allow`.
function operationsAsked() {
  const ops = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (!['vendor', 'gen', 'i18n'].includes(e.name)) walk(p); } else if (p.endsWith('.js')) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/\bmay\('([A-Z]+ \/[^']*)'\)/g)) ops.add(m[1]);
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/_OPERATION = '([A-Z]+ \/[^']*)'/g)) ops.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, 'web'));
  for (const op of Object.keys(HAND_COPIED.operations)) ops.add(op); // also those built at run time (`POST /${kind}`)
  for (const g of house.groups) for (const e of g.entries) if (e.allow) ops.add(e.allow);
  return [...ops].sort();
}

let srv, ui, roles;
before(async () => {
  srv = await startServer();
  roles = compileRoles(await (await fetch(`${srv.url}/api/v1/openapi.json`)).json());
  ui = await openBrowser(srv.url);
});
after(async () => {
  await ui?.close();
  await srv?.stop();
});

test('web/gen/domains.js lists every web/pages folder with an index.js (scripts/bootstrap writes it)', () => {
  assert.equal(fs.readFileSync(MANIFEST, 'utf8'), manifestText(), 'run scripts/bootstrap (or make build)');
  assert.deepEqual(manifest.map((m) => m.folder).sort(), ['chainmap', 'finance', 'innovation', 'market', 'platform', 'registry', 'services', 'sharing']);
});

test('the domains fit together: no clashing ids, every route has a pattern and a page, every entry a known group', () => {
  assert.deepEqual(house.problems, []);
  for (const r of house.routes) {
    assert.ok(r.re instanceof RegExp, `${r.domain}: a route without a pattern`);
    assert.equal(typeof r.page, 'function', `${r.domain} ${r.re}: page is a function importing the module`);
  }
  const navIds = new Set(house.groups.flatMap((g) => g.entries.map((e) => e.id)));
  for (const r of house.routes) {
    if (typeof r.nav === 'string') assert.ok(navIds.has(r.nav), `${r.domain} ${r.re} marks unknown nav entry ${r.nav}`);
  }
  // The seven chains keep their order; the ones a domain implements are that domain's.
  const chains = house.groups.find((g) => g.id === 'chains').entries;
  assert.deepEqual(chains.map((e) => e.id), ['innovation', 'industry', 'supply', 'data', 'capital', 'service', 'talent'].map((c) => `chain-${c}`));
  assert.deepEqual(chains.filter((e) => !e.fallback).map((e) => [e.id, e.domain]), [['chain-industry', 'chainmap'], ['chain-supply', 'market'], ['chain-capital', 'finance']]);
});

test('the routes send each address to the same page as before the split', async () => {
  const { matchRoute } = await import('../../web/lib/domains.js');
  const where = (p) => {
    const m = matchRoute(house.routes, p);
    return m ? `${m.domain}:${String(m.page).match(/import\('\.\/([^']+)'\)/)[1]} ${JSON.stringify(m.params)}` : null;
  };
  const want = {
    '/login': 'platform:login.js {}',
    '/': 'platform:dashboard.js {}',
    '/chains/innovation': 'platform:chain.js {"id":"innovation"}',
    '/chains/talent': 'platform:chain.js {"id":"talent"}',
    '/chains/industry': 'chainmap:industry.js {}',
    '/chains/supply': 'market:home.js {}',
    '/chains/nev': 'chainmap:chain-map.js {"id":"nev"}',
    '/chain-map/supply': 'chainmap:chain-map.js {"id":"supply"}',
    '/enterprises/new': 'registry:enterprise-form.js {}',
    '/enterprises/91320583MA1N2L8E6H': 'registry:enterprise-detail.js {"uscc":"91320583MA1N2L8E6H"}',
    '/enterprises/91320583MA1N2L8E6H/edit': 'registry:enterprise-form.js {"uscc":"91320583MA1N2L8E6H"}',
    '/market/demands/12/rfq': 'market:rfq.js {"id":"12"}',
    '/market/supplies/7': 'market:detail.js {"kind":"supplies","id":"7"}',
    '/market/scorecard/91320583MA1N2L8E6H': 'market:scorecard.js {"uscc":"91320583MA1N2L8E6H"}',
    '/supply-base': 'chainmap:supply-base.js {}',
    '/audit': 'registry:audit.js {}',
    '/nope': null,
    '/chains/Nev': null,
  };
  for (const [p, w] of Object.entries(want)) assert.equal(where(p), w, p);
});

test('every operation the UI asks about is in the OpenAPI document', () => {
  const asked = operationsAsked();
  assert.ok(asked.length >= 10, asked.join());
  const unknown = asked.filter((op) => callersOf(roles, op) === null);
  assert.deepEqual(unknown, []);
});

test('what the OpenAPI roles offer each role is what the hand-copied checks offered', () => {
  for (const pair of ROLES) {
    for (const g of house.groups) {
      for (const e of g.entries) {
        const offered = !e.allow || callersOf(roles, e.allow).has(pair);
        assert.equal(offered, handCopiedNav(e.id, pair), `${pair}: nav ${e.id}`);
      }
    }
    for (const [op, rule] of Object.entries(HAND_COPIED.operations)) {
      assert.equal(callersOf(roles, op).has(pair), rule(...pair.split(':')), `${pair}: ${op}`);
    }
  }
  // Concrete paths find their templates; unknown operations are refused.
  assert.ok(callersOf(roles, 'PATCH /enterprises/91320583MA1N2L8E6H').has('sme:member'));
  assert.ok(callersOf(roles, 'GET /enterprises/export').has('bank:member'));
  assert.equal(callersOf(roles, 'DELETE /audit'), null);
});

test('in the browser the OpenAPI document is read once per sign-in and decides the side navigation', async () => {
  const page = await ui.newPage();
  let reads = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/openapi.json')) reads++; });
  const expected = (pair) => house.groups.flatMap((g) => g.entries.filter((e) => handCopiedNav(e.id, pair)).map((e) => e.href));

  for (const [n, pair] of ['operator:admin', 'large:member', 'bank:member'].entries()) {
    await ui.loginAs(page, USERS[pair]);
    assert.deepEqual(await page.locator('#sidenav a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), expected(pair), pair);
    // The inbox link sits in the top bar, before the signed-in user.
    assert.equal(await page.locator('.topbar-tools > #inbox-link + #whoami').count(), 1);
    for (const hash of ['/enterprises', '/chains/industry', '/market/demands', '/account']) {
      await ui.go(page, hash);
      await page.locator(`#sidenav a.active[href="#${hash}"]`).waitFor();
    }
    assert.equal(reads, n + 1, `${pair}: one read for this sign-in`);
    await page.click('#logout');
    await waitText(page.locator('.alert-info'), /已安全退出/);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
