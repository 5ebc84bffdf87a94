-- 0002: industry chain map: segments (a DAG per chain), capabilities, supply relations.
-- Segments get an integer key (sid) so relations stay small and graph snapshots load
-- integers only; (chain_id, code) is the name users see and CSV files carry.
CREATE TABLE segments (
  sid INTEGER PRIMARY KEY,
  chain_id TEXT NOT NULL REFERENCES chains(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE (chain_id, code)
);

-- upstream feeds downstream within one chain; imports and the API reject cycles.
CREATE TABLE segment_links (
  upstream INTEGER NOT NULL REFERENCES segments(sid) ON DELETE CASCADE,
  downstream INTEGER NOT NULL REFERENCES segments(sid) ON DELETE CASCADE,
  PRIMARY KEY (upstream, downstream),
  CHECK (upstream <> downstream)
) WITHOUT ROWID;
CREATE INDEX segment_links_down ON segment_links(downstream);

-- What an enterprise declares it can make, with optional annual capacity (units of its choice).
CREATE TABLE capabilities (
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  sid INTEGER NOT NULL REFERENCES segments(sid) ON DELETE CASCADE,
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),
  PRIMARY KEY (enterprise_id, sid)
) WITHOUT ROWID;
CREATE INDEX capabilities_segment ON capabilities(sid);

-- Who supplies whom, in which segment, for how much a year (fen).
CREATE TABLE relations (
  id INTEGER PRIMARY KEY,
  buyer_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  supplier_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
  sid INTEGER NOT NULL REFERENCES segments(sid),
  annual_amount_fen INTEGER NOT NULL CHECK (annual_amount_fen >= 0),
  updated_at TEXT NOT NULL,
  CHECK (buyer_id <> supplier_id)
);
CREATE UNIQUE INDEX relations_key ON relations(buyer_id, supplier_id, sid);
CREATE INDEX relations_supplier ON relations(supplier_id);

-- Bumped once by every transaction that changes relations, so in-memory graph snapshots
-- (one per server process) know when to rebuild.
CREATE TABLE graph_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO graph_version VALUES (1, 0);
