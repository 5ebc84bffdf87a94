// The industry chain pages in a real browser against a real `qilian serve`
// with the demo data: the chain map (graph canvas, weak link count, a
// segment's gap-filling candidates, the language switch, an SME's 403), the
// chain leader's supply base (local supporting rates, single sources, critical
// enterprises; the operator's buyer search) and the operator's disruption
// cascade. Every figure checked on the page is compared with the API's answer.
// If the demo database carries no chain map yet, before() imports a small
// 新能源汽车 chain through the API as the operator. Screenshots go to
// test-output/e2e/ (chain.png, supply-base.png, disrupt.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, login, api, USERS } from '../lib/server.mjs';
import { openBrowser, shot, waitText } from '../lib/browser.mjs';

const CHAIN = 'nev';

let srv, ui, opToken;
before(async () => {
  srv = await startServer();
  opToken = await login(srv.url, USERS['operator:admin']);
  await ensureChainMap();
  ui = await openBrowser(srv.url);
});
after(async () => {
  await ui?.close();
  await srv?.stop();
});

const get = async (token, p) => {
  const r = await api(srv.url, token, 'GET', p);
  assert.equal(r.status, 200, `GET ${p}: ${JSON.stringify(r.body)}`);
  return r.body;
};

// A small chain on the demo enterprises, used only when the demo data has none:
// the chain leader 苏州汇川 buys a single-source battery pack whose maker has a
// single cell supplier (so knocking out the cell maker cascades two tiers), a
// healthy spread of motors, two BMS suppliers and a single-source body from the
// Kunshan SME; anode and electrolyte have no suppliers at all.
async function ensureChainMap() {
  const chain = await get(opToken, `/api/v1/chains/${CHAIN}`);
  if ((chain.segments || []).length) return;
  const largeToken = await login(srv.url, USERS['large:admin']);
  const smeToken = await login(srv.url, USERS['sme:admin']);
  for (const [token, body] of [
    [largeToken, { uscc: '91320500MA1MX4QF3P', name: '苏州汇川新能源汽车科技有限公司', region: '320506', industry: '36', employees: 3200, revenue_wan: 860000, assets_wan: 1200000, level: 'none' }],
    [smeToken, { uscc: '91320583MA1N2L8E6H', name: '昆山精锐模具科技有限公司', region: '320583', industry: '35', employees: 86, revenue_wan: 5200, assets_wan: 4100, level: 'provincial' }],
  ]) {
    const r = await api(srv.url, token, 'POST', '/api/v1/enterprises', body);
    assert.ok([201, 409].includes(r.status), JSON.stringify(r.body));
  }
  const csv = {
    segments: `chain,chain_name,segment,segment_name,upstream
nev,新能源汽车产业链,lithium,锂矿,
nev,新能源汽车产业链,cathode,正极材料,lithium
nev,新能源汽车产业链,anode,负极材料,
nev,新能源汽车产业链,electrolyte,电解液,lithium
nev,新能源汽车产业链,cell,电芯,cathode;anode;electrolyte
nev,新能源汽车产业链,bms,电池管理系统,
nev,新能源汽车产业链,pack,电池包,cell;bms
nev,新能源汽车产业链,motor,驱动电机,
nev,新能源汽车产业链,body,车身,
nev,新能源汽车产业链,vehicle,整车,pack;motor;body
`,
    capabilities: `uscc,chain,segment,capacity
91330122T674F8QBM1,nev,pack,12000
91420112WGEM4KXN1T,nev,pack,8000
913401774LWMWF9P7Y,nev,pack,6000
91420112YW99WG8F8P,nev,pack,3000
91410182698QAFQ08H,nev,cell,50000
913401774LWMWF9P7Y,nev,cell,20000
91410103R2WX6P7PFX,nev,cell,15000
913201119TR169N5HJ,nev,cathode,9000
91440113XG6Y457TG3,nev,cathode,7000
91330102797KA9X2TA,nev,lithium,30000
913301022G2UGBF2CP,nev,motor,40000
91410102XHB9L5BMBH,nev,motor,20000
91320111WTGLG3JAX9,nev,motor,18000
91420112YW99WG8F8P,nev,motor,16000
91440106849HYBURY9,nev,motor,15000
91330105JHK95FGC3H,nev,bms,9000
91320102PUFA3QJQ7Y,nev,bms,5000
91360111B8DD4HU2QJ,nev,bms,4000
91320583MA1N2L8E6H,nev,body,2500
91330102UH86UJJYFK,nev,body,1800
9113010293TA091JGT,nev,body,1200
91320500MA1MX4QF3P,nev,vehicle,300000
`,
    relations: `buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen
91320500MA1MX4QF3P,91330122T674F8QBM1,nev,pack,50000000000
91320500MA1MX4QF3P,913301022G2UGBF2CP,nev,motor,8000000000
91320500MA1MX4QF3P,91410102XHB9L5BMBH,nev,motor,6000000000
91320500MA1MX4QF3P,91320111WTGLG3JAX9,nev,motor,6000000000
91320500MA1MX4QF3P,91420112YW99WG8F8P,nev,motor,5000000000
91320500MA1MX4QF3P,91440106849HYBURY9,nev,motor,5000000000
91320500MA1MX4QF3P,91330105JHK95FGC3H,nev,bms,3000000000
91320500MA1MX4QF3P,91320102PUFA3QJQ7Y,nev,bms,2000000000
91320500MA1MX4QF3P,91320583MA1N2L8E6H,nev,body,4000000000
91330122T674F8QBM1,91410182698QAFQ08H,nev,cell,30000000000
91420112WGEM4KXN1T,91410182698QAFQ08H,nev,cell,1000000000
91420112WGEM4KXN1T,913401774LWMWF9P7Y,nev,cell,9000000000
91410182698QAFQ08H,913201119TR169N5HJ,nev,cathode,6000000000
91410182698QAFQ08H,91440113XG6Y457TG3,nev,cathode,4000000000
913201119TR169N5HJ,91330102797KA9X2TA,nev,lithium,2000000000
`,
  };
  for (const kind of ['segments', 'capabilities', 'relations']) {
    const r = await api(srv.url, opToken, 'POST', `/api/v1/chainmap/import/${kind}`, csv[kind], { 'content-type': 'text/csv' });
    assert.equal(r.status, 200, `import ${kind}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error_count, 0, JSON.stringify(r.body.errors));
  }
}

const newPage = () => ui.newPage();
const loginAs = (page, email) => ui.loginAs(page, email);

const num = (n) => n.toLocaleString('zh-CN');
const pct = (x) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The buyer whose supply base the tests look at: the chain leader's own enterprise that buys the most.
async function leaderBuyer() {
  const largeToken = await login(srv.url, USERS['large:admin']);
  const me = await get(largeToken, '/api/v1/auth/me');
  const own = (await get(largeToken, `/api/v1/enterprises?org_id=${me.org.id}&limit=50`)).items;
  let best = null;
  for (const e of own) {
    const s = await get(largeToken, `/api/v1/analytics/suppliers?buyer=${e.uscc}`);
    const total = s.segments.reduce((a, x) => a + x.total_fen, 0);
    if (!best || total > best.total) best = { uscc: e.uscc, name: e.name, total, suppliers: s };
  }
  assert.ok(best && best.total > 0, 'the chain leader has an enterprise with suppliers');
  // The page starts with the organisation's own USCC when it is one of its enterprises.
  const first = own.find((e) => e.uscc === me.org.uscc) || own[0];
  return { ...best, token: largeToken, first: first.uscc };
}

test('chain map: graph, weak links, a segment\'s gap-filling candidates, English, an SME\'s 403', async () => {
  const page = await newPage();
  await loginAs(page, USERS['operator:admin']);
  const chain = await get(opToken, `/api/v1/chains/${CHAIN}`);
  const health = await get(opToken, `/api/v1/chains/${CHAIN}/health`);

  // The industry chain entry lists the mapped chains and leads to the map.
  await page.click('#sidenav a[href="#/chains/industry"]');
  await waitText(page.locator('#mapped-chains'), new RegExp(esc(chain.name)));
  await waitText(page.locator(`#mapped-chains li:has(a[href="#/chains/${CHAIN}"])`), new RegExp(`${chain.segments.length} 个环节`));
  await page.click(`#mapped-chains a[href="#/chains/${CHAIN}"]`);

  await page.locator('#chain-graph canvas').waitFor();
  await waitText(page.locator('#weak-count'), new RegExp(`^薄弱环节 ${num(health.weak_count)} 个 / 共 ${num(health.segments.length)} 个环节$`));
  const box = await page.locator('#chain-graph canvas').boundingBox();
  assert.ok(box.width > 600 && box.height >= 300, `the graph canvas has a size: ${JSON.stringify(box)}`);
  // The table lists every segment; weak ones say so, with the reason in words.
  assert.equal(await page.locator('#health-table tbody tr').count(), chain.segments.length);
  for (const s of health.segments) {
    const row = await page.locator(`#health-table tr[data-segment="${s.segment}"]`).innerText();
    assert.match(row, s.weak ? /薄弱环节|集中度偏高/ : /健康/, `${s.segment}: ${row}`);
    if (s.weak_rules.includes('active_suppliers<=2')) assert.match(row, /活跃供应商不超过 2 家/);
  }

  // Clicking a node of the graph (the ECharts click event) opens that segment.
  const clickSeg = health.segments[health.segments.length - 1];
  const pt = await page.evaluate(async (code) => {
    const echarts = await import('/vendor/echarts.esm.min.js');
    const chart = echarts.getInstanceByDom(document.getElementById('chain-graph'));
    const item = chart.getOption().series[0].data.find((d) => d.id === code);
    return chart.convertToPixel({ seriesIndex: 0 }, [item.x, item.y]);
  }, clickSeg.segment);
  await page.mouse.click(box.x + pt[0], box.y + pt[1]);
  await waitText(page.locator('#segment-panel h2'), new RegExp(esc(clickSeg.name)));
  assert.match(page.url(), new RegExp(`segment=${clickSeg.segment}`));

  // A weak segment with candidates, chosen through the accessible table: its fill list matches the API.
  let target = null;
  let fill = null;
  for (const s of [...health.segments].sort((a, b) => Number(b.weak) - Number(a.weak))) {
    const f = await get(opToken, `/api/v1/chains/${CHAIN}/segments/${s.segment}/fill?limit=20`);
    if (f.candidates.length) { target = s; fill = f; break; }
  }
  assert.ok(target, 'some segment has gap-filling candidates');
  await page.click(`#health-table tr[data-segment="${target.segment}"] .segment-link`);
  await waitText(page.locator('#segment-panel h2'), new RegExp(esc(target.name)));
  await page.locator('#fill-table tbody tr').first().waitFor();
  const first = page.locator('#fill-table tbody tr').first();
  const cells = await first.locator('td').allInnerTexts();
  assert.equal(cells[0].trim(), '1');
  assert.ok(cells[1].startsWith(fill.candidates[0].name), `first candidate ${cells[1]} is ${fill.candidates[0].name}`);
  assert.equal(await first.getAttribute('data-uscc'), fill.candidates[0].uscc);
  assert.equal(await page.locator('#fill-table tbody tr').count(), fill.candidates.length);
  // The reasons are the server's, in Chinese.
  assert.match(cells[6], new RegExp(esc(fill.candidates[0].reasons[0].replace(/\s*\([^()]*\)$/, ''))));
  await waitText(page.locator('#segment-figures [data-fig=active]'), new RegExp(`^${target.active_suppliers}$`));
  await page.locator('#segment-suppliers h3').waitFor();
  await page.waitForTimeout(400); // the graph's selection animation
  await shot(page, 'chain');

  // English keeps the page and its numbers.
  await page.click('.lang-switch button[data-lang=en]');
  await waitText(page.locator('#weak-count'), new RegExp(`^${health.weak_count} weak links of ${health.segments.length} segments$`));
  await waitText(page.locator('#fill-table thead'), /Why this rank/);
  await page.click('.lang-switch button[data-lang=zh]');
  await waitText(page.locator('#weak-count'), /薄弱环节/);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // An SME sees the chain's structure and the server's reason why not its health.
  const sme = await newPage();
  await loginAs(sme, USERS['sme:member']);
  await sme.goto(`${srv.url}/#/chains/${CHAIN}`);
  await sme.locator('#chain-graph canvas').waitFor();
  const smeToken = await login(srv.url, USERS['sme:member']);
  const refused = await api(srv.url, smeToken, 'GET', `/api/v1/chains/${CHAIN}/health`);
  assert.equal(refused.status, 403);
  await waitText(sme.locator('.alert-info strong'), new RegExp(`^${esc(refused.body.error.message.replace(/\s*\([^()]*\)$/, ''))}$`));
  assert.equal(await sme.locator('#health-filter').isVisible(), false, 'no thresholds to set without health');
  assert.equal(await sme.locator('#health-table tbody tr').count(), chain.segments.length);
  assert.deepEqual(sme.errors, []);
  await sme.context().close();
});

test('supply base: local supporting rates, single sources and critical enterprises match the API', async () => {
  const buyer = await leaderBuyer();
  const page = await newPage();
  await loginAs(page, USERS['large:admin']);
  await page.click('#sidenav a[href="#/supply-base"]');
  if (buyer.first !== buyer.uscc) {
    await page.locator('#buyer-select').waitFor();
    await page.selectOption('#buyer-select', buyer.uscc);
  }
  await waitText(page.locator('#buyer-name'), new RegExp(esc(buyer.name)));
  for (const level of ['province', 'city', 'county']) {
    const r = await get(buyer.token, `/api/v1/analytics/local-rate?buyer=${buyer.uscc}&level=${level}`);
    await waitText(page.locator(`#local-rate-${level}`), new RegExp(`^${esc(pct(r.rate))}$`));
    assert.match(await page.locator(`.rate-cell[data-level=${level}]`).innerText(), new RegExp(esc(r.region_name)));
  }
  const s = buyer.suppliers;
  assert.equal(await page.locator('#single-source-count').innerText(), num(s.single_source_count));
  const single = s.segments.filter((x) => x.single_source);
  assert.equal(await page.locator('#single-source .risk-list > li').count(), single.length);
  for (const x of single) {
    assert.match(await page.locator(`#single-source li[data-segment="${x.segment}"]`).innerText(), new RegExp(esc(x.suppliers[0].name)));
  }
  const crit = await get(buyer.token, `/api/v1/analytics/critical?buyer=${buyer.uscc}`);
  assert.equal(await page.locator('#critical-count').innerText(), num(crit.segments_with_critical));
  for (const seg of crit.segments.filter((x) => x.critical.length)) {
    const text = await page.locator(`#critical li[data-segment="${seg.segment}"]`).innerText();
    for (const c of seg.critical) assert.match(text, new RegExp(`第 ${c.depth} 层\\s+${esc(c.name)}`));
  }
  assert.equal(await page.locator('#segment-supply-table tbody tr').count(), s.segments.length);
  await page.locator('#province-chart svg').waitFor();
  await page.locator('.gauge svg').first().waitFor();
  await page.waitForTimeout(600); // chart entry animations
  await shot(page, 'supply-base');
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // The operator finds the same buyer by name and sees the same rate.
  const op = await newPage();
  await loginAs(op, USERS['operator:admin']);
  await op.click('#sidenav a[href="#/supply-base"]');
  await op.fill('#buyer-q', buyer.uscc);
  await op.press('#buyer-q', 'Enter');
  await waitText(op.locator('#buyer-name'), new RegExp(esc(buyer.name)));
  const r = await get(opToken, `/api/v1/analytics/local-rate?buyer=${buyer.uscc}&level=city`);
  await waitText(op.locator('#local-rate-city'), new RegExp(`^${esc(pct(r.rate))}$`));
  assert.deepEqual(op.errors, []);
  await op.context().close();

  // A bank has no supply base: the page shows the server's refusal.
  const bank = await newPage();
  await loginAs(bank, USERS['bank:member']);
  assert.equal(await bank.locator('#sidenav a[href="#/supply-base"]').count(), 0);
  await bank.goto(`${srv.url}/#/supply-base`);
  await waitText(bank.locator('#buyer-card .alert'), /^无权访问$/);
  await bank.context().close();
});

test('disruption: the cascade from one enterprise matches the API, tier by tier', async () => {
  // Knock out the supplier of the chain whose loss cascades furthest (ties: more partially affected).
  const rel = await get(opToken, `/api/v1/relations?chain=${CHAIN}&limit=500`);
  const suppliers = [...new Map(rel.items.map((r) => [r.supplier_uscc, { uscc: r.supplier_uscc, name: r.supplier_name }])).values()];
  let victim = null;
  let want = null;
  for (const s of suppliers.slice(0, 60)) {
    const r = (await api(srv.url, opToken, 'POST', '/api/v1/analytics/disrupt', { enterprises: [s.uscc] })).body;
    const score = (x) => x.totals_per_tier.length * 1e6 + x.knocked_out * 1e3 + x.partially_affected_count;
    if (!want || score(r) > score(want)) { victim = s; want = r; }
  }
  assert.ok(want && want.knocked_out >= 1, JSON.stringify(want));

  const page = await newPage();
  await loginAs(page, USERS['operator:admin']);
  await page.click('#sidenav a[href="#/disrupt"]');
  await page.locator('#disrupt-form').waitFor();
  // Running with nothing chosen says what is missing.
  await page.click('#run-disrupt');
  await waitText(page.locator('#disrupt-form .alert-error'), /请先查找并选择至少一家停供企业/);
  await page.fill('#disrupt-ent-q', victim.name);
  await page.locator(`#disrupt-ent-results button[data-uscc="${victim.uscc}"]`).click();
  await waitText(page.locator('#disrupt-targets'), new RegExp(esc(victim.uscc)));
  assert.equal(await page.locator('#d-threshold-value').innerText(), '50%');
  await page.click('#run-disrupt');
  await waitText(page.locator('#knocked-out'), new RegExp(`^${num(want.knocked_out)}$`));
  assert.equal(await page.locator('#partially-affected').innerText(), num(want.partially_affected_count));
  // One group row per tier with the API's count, and one row per knocked-out enterprise.
  const groups = await page.locator('#affected-table tr.tier-row').allInnerTexts();
  assert.deepEqual(groups.map((g) => g.match(/第 (\d+) 层\s+([\d,]+) 家企业/).slice(1).map((x) => Number(x.replace(/,/g, '')))),
    want.totals_per_tier.map((x) => [x.tier, x.enterprises]));
  const shown = Math.min(want.affected.length, 200);
  assert.equal(await page.locator('#affected-table tbody tr:not(.tier-row)').count(), shown);
  for (const e of want.affected.slice(0, 20)) {
    const row = await page.locator(`#affected-table tr[data-uscc="${e.uscc}"]`).innerText();
    assert.match(row, new RegExp(`^${e.tier}\\s`));
    for (const l of e.lost) assert.match(row, new RegExp(`${esc(l.name)}\\s+${esc(pct(l.share))}`));
  }
  assert.equal(await page.locator('#segment-totals tbody tr').count(), want.totals_per_segment.length);
  if (want.partially_affected.length) {
    assert.equal(await page.locator('#partial-table tbody tr').count(), Math.min(200, want.partially_affected.length));
  }
  await page.locator('#tier-chart svg').waitFor();
  await page.waitForTimeout(600);
  await shot(page, 'disrupt');

  // A lower threshold knocks out at least as many; the page follows the API again.
  await page.fill('#d-threshold', '0.05');
  await page.dispatchEvent('#d-threshold', 'input');
  assert.equal(await page.locator('#d-threshold-value').innerText(), '5%');
  const low = (await api(srv.url, opToken, 'POST', '/api/v1/analytics/disrupt', { enterprises: [victim.uscc], threshold: 0.05 })).body;
  await page.click('#run-disrupt');
  await waitText(page.locator('#knocked-out'), new RegExp(`^${num(low.knocked_out)}$`));
  assert.ok(low.knocked_out >= want.knocked_out);
  assert.deepEqual(page.errors, []);
  await page.context().close();

  // A chain leader may not run it: the server's message is shown and no form.
  const large = await newPage();
  await loginAs(large, USERS['large:member']);
  assert.equal(await large.locator('#sidenav a[href="#/disrupt"]').count(), 0);
  await large.goto(`${srv.url}/#/disrupt`);
  await waitText(large.locator('.alert'), /^无权访问$/);
  assert.equal(await large.locator('#disrupt-form').count(), 0);
  await large.context().close();
});
