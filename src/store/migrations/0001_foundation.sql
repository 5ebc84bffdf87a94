-- 0001: organisations, users, sessions, login throttling, enterprises, chains, audit log.
CREATE TABLE orgs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type = 'operator' OR type = 'large' OR type = 'sme' OR type = 'bank' OR type = 'provider'),
  uscc TEXT UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL CHECK (role = 'admin' OR role = 'member'),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

-- Only the hash of a session token is stored: a stolen database yields no live sessions.
CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed logins per key ("email:..." or "ip:..."), for throttling across processes.
CREATE TABLE login_failures (
  key TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE enterprises (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  industry TEXT NOT NULL,
  employees INTEGER NOT NULL CHECK (employees >= 0),
  revenue_wan INTEGER NOT NULL CHECK (revenue_wan >= 0),
  assets_wan INTEGER NOT NULL CHECK (assets_wan >= 0),
  -- OR chains, not IN lists: SQLite builds an ephemeral index for every execution of a
  -- statement that checks IN (…3+ constants), which doubled the per-row cost of imports.
  level TEXT NOT NULL CHECK (level = 'none' OR level = 'innovative' OR level = 'provincial' OR level = 'little_giant'),
  size TEXT NOT NULL CHECK (size = 'large' OR size = 'medium' OR size = 'small' OR size = 'micro'),
  org_id INTEGER REFERENCES orgs(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- A named index, not an inline UNIQUE, so a bulk import can drop it and rebuild it by sorting.
CREATE UNIQUE INDEX enterprises_uscc ON enterprises(uscc);
-- No other indexes on purpose: the directory lists in id order and stops at a page,
-- so filters by region, size, level or industry find a page by scanning, and each index
-- would cost the 1M-row import about 40 % (bench/RESULTS.md). Analytics use snapshots.

-- Industry chains (产业链); their segments and relations come with the chain map.
CREATE TABLE chains (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);

-- Change counters: a write transaction bumps the counter of what it changed, once, so
-- caches (the graph snapshot) can tell cheaply whether to rebuild.
CREATE TABLE change_counters (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;

-- Append-only audit log of every write.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  org_id INTEGER,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
