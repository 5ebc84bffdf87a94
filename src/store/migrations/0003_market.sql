-- 0003: the supply and demand market (供需对接): listings, their full-text index, invitations,
-- sealed quotes, orders, subscriptions and the inbox.
--
-- Lists inside a listing (regions served, certifications) are stored normalised as one
-- ';'-joined text column, sorted and without duplicates: the match index and the API split
-- them; nothing in SQL filters on their parts.
--  - regions: GB/T 2260 codes of 2 (province), 4 (city) or 6 (county) digits, e.g. '32;3205;320505'.
--  - certifications: tags trimmed, ASCII upper-cased, e.g. 'IATF16949;ISO9001'.
--
-- seq: every write that changes a listing stamps it with the next value of the listing's
-- change counter ('supplies' or 'demands' in change_counters, bumped once per transaction),
-- so an in-memory match index catches up by reading the rows with seq above the one it has.
-- Listings are never deleted by the API, only withdrawn (supplies) or cancelled (demands):
-- quotes and orders keep pointing at them, and the index sees the status change by its seq.

CREATE TABLE supplies (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) > 0),
  description TEXT NOT NULL DEFAULT '',
  sid INTEGER REFERENCES segments(sid) ON DELETE SET NULL,
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),   -- per year, in unit
  unit TEXT NOT NULL DEFAULT '',
  min_order INTEGER CHECK (min_order IS NULL OR min_order >= 0), -- in unit
  regions TEXT NOT NULL DEFAULT '',
  certifications TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'withdrawn'),
  seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX supplies_enterprise ON supplies(enterprise_id);
CREATE INDEX supplies_seq ON supplies(seq);

CREATE TABLE demands (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  title TEXT NOT NULL CHECK (length(title) > 0),
  description TEXT NOT NULL DEFAULT '',
  sid INTEGER REFERENCES segments(sid) ON DELETE SET NULL,
  quantity INTEGER CHECK (quantity IS NULL OR quantity > 0),
  unit TEXT NOT NULL DEFAULT '',
  budget_fen INTEGER CHECK (budget_fen IS NULL OR budget_fen >= 0),
  deadline TEXT,          -- quote deadline, UTC ISO-8601; quotes are sealed until then
  region TEXT,            -- delivery region, GB/T 2260 code
  certifications TEXT NOT NULL DEFAULT '',
  visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility = 'public' OR visibility = 'invited'),
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status = 'open' OR status = 'closed' OR status = 'awarded' OR status = 'cancelled'),
  closed_at TEXT,         -- when the buyer closed quoting early (unseals the quotes)
  seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX demands_enterprise ON demands(enterprise_id);
CREATE INDEX demands_seq ON demands(seq);
CREATE INDEX demands_status ON demands(status, id);

-- Full-text indexes over title and description, tokenized by words (src/market/fts.h).
-- External content: the text lives once, in the listing table; triggers keep the index.
CREATE VIRTUAL TABLE supplies_fts USING fts5(title, description, content='supplies', content_rowid='id',
  tokenize='qilian_zh');
CREATE TRIGGER supplies_fts_insert AFTER INSERT ON supplies BEGIN
  INSERT INTO supplies_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER supplies_fts_delete AFTER DELETE ON supplies BEGIN
  INSERT INTO supplies_fts(supplies_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER supplies_fts_update AFTER UPDATE OF title, description ON supplies BEGIN
  INSERT INTO supplies_fts(supplies_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO supplies_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;

CREATE VIRTUAL TABLE demands_fts USING fts5(title, description, content='demands', content_rowid='id',
  tokenize='qilian_zh');
CREATE TRIGGER demands_fts_insert AFTER INSERT ON demands BEGIN
  INSERT INTO demands_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER demands_fts_delete AFTER DELETE ON demands BEGIN
  INSERT INTO demands_fts(demands_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
END;
CREATE TRIGGER demands_fts_update AFTER UPDATE OF title, description ON demands BEGIN
  INSERT INTO demands_fts(demands_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO demands_fts(rowid, title, description) VALUES (new.id, new.title, new.description);
END;

-- Suppliers the buyer invited to quote (from the matches or by USCC).
CREATE TABLE demand_invitations (
  demand_id INTEGER NOT NULL REFERENCES demands(id) ON DELETE CASCADE,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  invited_at TEXT NOT NULL,
  PRIMARY KEY (demand_id, enterprise_id)
) WITHOUT ROWID;
CREATE INDEX demand_invitations_enterprise ON demand_invitations(enterprise_id);

-- Sealed quotes: one per supplier and demand; the supplier may change it until the deadline.
CREATE TABLE quotes (
  id INTEGER PRIMARY KEY,
  demand_id INTEGER NOT NULL REFERENCES demands(id) ON DELETE CASCADE,
  supplier_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen > 0),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  lead_time_days INTEGER NOT NULL CHECK (lead_time_days >= 0),
  valid_until TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'submitted'
    CHECK (status = 'submitted' OR status = 'withdrawn' OR status = 'awarded' OR status = 'declined'),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (demand_id, supplier_id)
);
CREATE INDEX quotes_supplier ON quotes(supplier_id);

-- An awarded quote becomes an order. amount_fen = quantity × unit_price_fen (overflow-checked).
-- due_at = awarded time + the quote's lead time; on time means delivered_at <= due_at.
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  quote_id INTEGER NOT NULL UNIQUE REFERENCES quotes(id),
  demand_id INTEGER NOT NULL REFERENCES demands(id),
  buyer_id INTEGER NOT NULL REFERENCES enterprises(id),
  supplier_id INTEGER NOT NULL REFERENCES enterprises(id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen > 0),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  status TEXT NOT NULL DEFAULT 'placed'
    CHECK (status = 'placed' OR status = 'shipped' OR status = 'delivered' OR status = 'accepted' OR status = 'rejected'),
  reject_reason TEXT,
  placed_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  shipped_at TEXT,
  delivered_at TEXT,
  closed_at TEXT,         -- accepted or rejected
  updated_at TEXT NOT NULL
);
CREATE INDEX orders_buyer ON orders(buyer_id);
CREATE INDEX orders_supplier ON orders(supplier_id);
CREATE INDEX orders_demand ON orders(demand_id);

-- Every state change of an order, for tracking: who moved it, when, and why.
CREATE TABLE order_events (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  org_id INTEGER,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX order_events_order ON order_events(order_id);

-- Subscriptions: an enterprise is told of new demands that match. Each non-empty list must
-- match (a segment of the list, any keyword as a word of the demand's text, a region that
-- contains the delivery region); an empty list matches everything.
CREATE TABLE subscriptions (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  segments TEXT NOT NULL DEFAULT '',   -- ';'-joined sids
  keywords TEXT NOT NULL DEFAULT '',   -- ';'-joined, as typed (tokenized when matching)
  regions TEXT NOT NULL DEFAULT '',    -- ';'-joined GB/T 2260 codes (2, 4 or 6 digits)
  created_at TEXT NOT NULL
);
CREATE INDEX subscriptions_enterprise ON subscriptions(enterprise_id);

-- The inbox. One notification per (enterprise, kind, object): a demand that matches two of
-- an enterprise's subscriptions, or is edited, does not notify twice.
-- kind: 'demand_match' (object = demand), 'invited' (demand), 'quote' (demand, to the buyer),
-- 'awarded' and 'order' (order).
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',   -- JSON: why (subscription, matched keywords, ...)
  created_at TEXT NOT NULL,
  read_at TEXT,
  UNIQUE (enterprise_id, kind, object_id)
);
CREATE INDEX notifications_unread ON notifications(enterprise_id, read_at);

-- Matches shown, counted per day, delivery province and chain (platform statistics).
CREATE TABLE match_impressions (
  day TEXT NOT NULL,
  province TEXT NOT NULL,      -- '' when the listing has no region
  chain_id TEXT NOT NULL,      -- '' when the listing has no segment
  requests INTEGER NOT NULL,
  results INTEGER NOT NULL,
  PRIMARY KEY (day, province, chain_id)
) WITHOUT ROWID;
