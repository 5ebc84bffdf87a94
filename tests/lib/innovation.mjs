// Set-up the innovation tests share (tests/api/innovation.test.mjs,
// tests/e2e/innovation.test.mjs): completed bookings written straight into a
// test database before its server starts, so vouchers have bills to pay
// without walking each booking through its own flow (tests/api/sharing*).
import { sqlite } from './fixtures.mjs';

export const SME_USCC = '91320583MA1QEW0025'; // 昆山精锐电驱 (sme@qilian.test's organisation; the demo bookings' booker)

// n completed bookings of the demo SME (booker, SME price) on a new resource of the large enterprise
// (owner): 2 hours used, cost 1000 yuan each. Returns the first booking's id (the others follow).
export function seedCompletedBookings(db, n, name = '盐雾试验箱（券测试）') {
  const org = (type) => sqlite(db, `SELECT id FROM orgs WHERE type='${type}' ORDER BY id LIMIT 1`);
  const large = org('large');
  const smeOrg = org('sme');
  const smeEnt = sqlite(db, `SELECT id FROM enterprises WHERE uscc='${SME_USCC}'`);
  const token = `innovation-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const t = '2026-11-01T00:00:00Z';
  sqlite(db, `INSERT INTO resources(org_id,type,name,description,region,address,capacity,price_sme_fen,price_large_fen,
    price_other_fen,opening_hours,closed_dates,min_minutes,max_minutes,buffer_minutes,horizon_days,approval,eligibility,
    sme_share_bp,feed_token,created_at,updated_at) VALUES(${large},'instrument','${name}','','320506','',4,50000,80000,
    80000,'','',30,480,0,60,'required','everyone',0,'${token}','${t}','${t}')`);
  const res = sqlite(db, `SELECT id FROM resources WHERE feed_token='${token}'`);
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push(`(${res},${smeOrg},${smeEnt},'sme','2026-11-02T01:00:00Z','2026-11-02T03:00:00Z','2026-11-02T03:00:00Z',1,
      'completed',50000,100000,120,'2026-11-02T01:30:00Z','2026-11-02T03:00:00Z','${t}','${t}')`);
  }
  sqlite(db, `INSERT INTO bookings(resource_id,booker_org_id,booker_enterprise_id,booker_kind,starts_at,ends_at,
    occupied_until,units,state,price_per_hour_fen,cost_fen,used_minutes,noshow_at,completed_at,created_at,updated_at)
    VALUES ${rows.join(',')}`);
  return Number(sqlite(db, `SELECT min(id) FROM bookings WHERE resource_id=${res}`));
}
