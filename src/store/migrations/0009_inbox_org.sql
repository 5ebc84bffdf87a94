-- Notifications addressed to an organisation (the operator, a bank, a provider), not only to an
-- enterprise: a notification now has exactly one addressee, an enterprise (enterprise_id; seen by
-- the users of the organisation owning it) or an organisation (org_id; seen by its users).
-- SQLite cannot relax a NOT NULL column, so the table is rebuilt with the same name, ids and rows.
CREATE TABLE notifications_new (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER REFERENCES enterprises(id) ON DELETE CASCADE,
  org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  read_at TEXT,
  CHECK ((enterprise_id IS NULL) <> (org_id IS NULL)),
  UNIQUE (enterprise_id, kind, object_id),
  UNIQUE (org_id, kind, object_id)
);
INSERT INTO notifications_new(id,enterprise_id,org_id,kind,object_id,title,detail,created_at,read_at)
  SELECT id,enterprise_id,NULL,kind,object_id,title,detail,created_at,read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_unread ON notifications(enterprise_id, read_at);
CREATE INDEX notifications_org_unread ON notifications(org_id, read_at);
