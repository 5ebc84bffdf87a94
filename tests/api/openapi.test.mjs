// The OpenAPI document is valid OpenAPI 3 (checked by swagger-parser) and
// documents every route the router knows (listed by `qilian routes`), with
// the callers each accepts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startServer, login, api, cli, USERS } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('openapi.json is a valid OpenAPI 3 document', async () => {
  const doc = (await api(srv.url, null, 'GET', '/api/v1/openapi.json')).body;
  assert.equal(doc.openapi, '3.0.3');
  const validated = await SwaggerParser.validate(structuredClone(doc));
  assert.ok(Object.keys(validated.paths).length > 20);
});

test('every route the router knows is documented with the same callers, and nothing else is', async () => {
  const doc = (await api(srv.url, null, 'GET', '/api/v1/openapi.json')).body;
  const r = cli(['routes']);
  assert.equal(r.status, 0, r.stderr);
  const routes = JSON.parse(r.stdout).items;
  const documented = new Set();
  for (const [p, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item)) documented.add(`${m.toUpperCase()} ${p}`);
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    assert.ok(documented.has(key), `${key} is documented`);
    const op = doc.paths[route.path][route.method.toLowerCase()];
    assert.deepEqual(op['x-qilian-roles'], route.who, key);
    assert.ok(op.summary && op.responses, key);
    for (const name of route.path.matchAll(/\{(\w+)\}/g))
      assert.ok(op.parameters.some((q) => q.in === 'path' && q.name === name[1]), `${key} documents {${name[1]}}`);
  }
  assert.equal(documented.size, routes.length);
});

test('request bodies are documented with their fields, and the server rejects fields the document does not list', async () => {
  const doc = (await api(srv.url, null, 'GET', '/api/v1/openapi.json')).body;
  const schema = doc.paths['/api/v1/enterprises'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(Object.keys(schema.properties).sort(),
    ['assets_wan', 'employees', 'industry', 'level', 'name', 'org_id', 'region', 'revenue_wan', 'uscc']);
  assert.equal(schema.additionalProperties, false);
  assert.ok(schema.required.includes('uscc'));
  assert.deepEqual(schema.properties.level.enum, ['none', 'innovative', 'provincial', 'little_giant']);
});

// A malformed JSON body is 400 malformed_json on every route that takes one (docs/api.md), whatever
// decodes it: the award handler reads its own body and once answered invalid_json, and 422 for an array.
test('every route with a JSON body answers a malformed body with 400 malformed_json', async () => {
  const doc = (await api(srv.url, null, 'GET', '/api/v1/openapi.json')).body;
  const tokens = {};
  const walked = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.requestBody?.content?.['application/json']) continue;
      const roles = op['x-qilian-roles'];
      const caller = roles.includes('operator:admin') ? 'operator:admin' : roles.find((r) => USERS[r]);
      tokens[caller] ??= await login(srv.url, USERS[caller]);
      // Numeric ids and a valid USCC: the body is read before any record is looked up.
      const p = template.replace('{id}', '1').replace('{uscc}', '91320583MA1N2L8E6H').replace(/\{\w+\}/g, 'nev');
      const M = method.toUpperCase();
      for (const body of ['{"quotes": [1', '[]', '"text"', '']) {
        const r = await api(srv.url, tokens[caller], M, p, body, { 'content-type': 'application/json' });
        const what = `${caller} ${M} ${p} ${JSON.stringify(body)} -> ${r.status} ${JSON.stringify(r.body)}`;
        assert.equal(r.status, 400, what);
        assert.equal(r.body.error.code, 'malformed_json', what);
      }
      walked.push(`${M} ${template}`);
    }
  }
  assert.ok(walked.includes('POST /api/v1/demands/{id}/award'), walked.join('\n'));
  assert.ok(walked.length >= 20, walked.join('\n'));
});
