// The six CSV imports over the API behave as one (they run on one driver,
// src/platform/csv_import.h): the same report shape, the same header check,
// the same field-count message, a broken record that stops reading, every
// bad row counted past the 1000 listed, nothing imported and nothing audited
// when a row is bad, one audit record with the importer's action when the
// file is good.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';

const IMPORTS = [
  { path: '/api/v1/enterprises/import', action: 'enterprise.import', detail: ['rows', 'inserted', 'updated', 'bulk'],
    header: 'uscc,name,region,industry,employees,revenue_wan,assets_wan,level' },
  { path: '/api/v1/chainmap/import/segments', action: 'segments.import', detail: ['rows', 'inserted', 'updated', 'bulk'],
    header: 'chain,chain_name,segment,segment_name,upstream' },
  { path: '/api/v1/chainmap/import/capabilities', action: 'capabilities.import',
    detail: ['rows', 'inserted', 'updated', 'bulk'], header: 'uscc,chain,segment,capacity' },
  { path: '/api/v1/chainmap/import/relations', action: 'relations.import', detail: ['rows', 'inserted', 'updated', 'bulk'],
    header: 'buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen' },
  { path: '/api/v1/supplies/import', action: 'supplies.import', detail: ['rows', 'inserted', 'seq'],
    header: 'uscc,title,description,chain,segment,regions,certifications' },
  { path: '/api/v1/demands/import', action: 'demands.import', detail: ['rows', 'inserted', 'seq'],
    header: 'uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications' },
];
const REPORT_KEYS = ['rows', 'inserted', 'updated', 'error_count', 'errors'];
const csv = { 'content-type': 'text/csv' };

let srv, op;

before(async () => {
  srv = await startServer();
  op = await login(srv.url, USERS['operator:admin']);
});

after(async () => {
  await srv?.stop();
});

async function newestAuditId() {
  const r = await api(srv.url, op, 'GET', '/api/v1/audit?limit=1');
  assert.equal(r.status, 200);
  return r.body.items[0]?.id ?? 0;
}

for (const im of IMPORTS) {
  const n = im.header.split(',').length;

  test(`${im.path}: a header alone is a good, empty import with one audit record`, async () => {
    const r = await api(srv.url, op, 'POST', im.path, `${im.header}\n`, csv);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), REPORT_KEYS);
    assert.deepEqual(r.body, { rows: 0, inserted: 0, updated: 0, error_count: 0, errors: [] });
    const audit = await api(srv.url, op, 'GET', '/api/v1/audit?limit=1');
    const last = audit.body.items[0];
    assert.equal(last.action, im.action);
    assert.equal(last.object_id, '*');
    assert.deepEqual(Object.keys(last.detail), im.detail);
    assert.equal(last.detail.rows, 0);
  });

  test(`${im.path}: a wrong header is refused with the expected one, in the report shape`, async () => {
    const cols = im.header.split(',');
    const swapped = [cols[1], cols[0], ...cols.slice(2)].join(',');
    const audit = await newestAuditId();
    const r = await api(srv.url, op, 'POST', im.path, `${swapped}\n`, csv);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'csv_bad_header');
    assert.equal(r.body.error.field, 'file');
    assert.ok(r.body.error.message.includes(im.header), r.body.error.message);
    assert.deepEqual(Object.keys(r.body.report), REPORT_KEYS);
    assert.equal(r.body.report.rows, 0);
    assert.equal(r.body.report.error_count, 1);
    assert.deepEqual(r.body.report.errors.map((e) => [e.line, e.field, e.code]), [[1, 'file', 'csv_bad_header']]);
    assert.equal(await newestAuditId(), audit, 'no audit record');
  });

  test(`${im.path}: wrong field counts are row errors, a broken quote stops reading, nothing is imported`, async () => {
    const audit = await newestAuditId();
    const file = `${im.header}\nx\n${'y,'.repeat(n)}y\n"unterminated\n${'z,'.repeat(n - 1)}z\n`;
    const r = await api(srv.url, op, 'POST', im.path, file, csv);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'import_rejected');
    assert.equal(r.body.error.field, 'file');
    assert.equal(r.body.error.message, '3行有错误，未导入任何数据 (3 bad rows; nothing was imported)');
    const rep = r.body.report;
    assert.deepEqual(Object.keys(rep), REPORT_KEYS);
    assert.equal(rep.rows, 3, 'the record after the broken quote is never read');
    assert.equal(rep.inserted, 0);
    assert.equal(rep.updated, 0);
    assert.equal(rep.error_count, 3);
    assert.deepEqual(rep.errors.map((e) => [e.line, e.field, e.code]),
      [[2, '', 'csv_field_count'], [3, '', 'csv_field_count'], [4, '', 'csv_unterminated_quote']]);
    assert.equal(rep.errors[0].message, `第2行应有${n}列，实际1列 (expected ${n} fields, got 1)`);
    assert.equal(rep.errors[1].message, `第3行应有${n}列，实际${n + 1}列 (expected ${n} fields, got ${n + 1})`);
    assert.equal(await newestAuditId(), audit, 'no audit record');
  });

  test(`${im.path}: every bad row is counted, the first 1000 listed`, async () => {
    const file = `${im.header}\n${'x\n'.repeat(1200)}`;
    const r = await api(srv.url, op, 'POST', im.path, file, csv);
    assert.equal(r.status, 422);
    assert.equal(r.body.report.rows, 1200);
    assert.equal(r.body.report.error_count, 1200);
    assert.equal(r.body.report.errors.length, 1000);
    assert.equal(r.body.report.errors[999].line, 1001);
  });
}
