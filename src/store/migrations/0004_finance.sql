-- 0004: idempotency keys (platform, for every domain's writes) and supply-chain finance (资金链).

-- Idempotency-Key claims and their stored answers (src/platform/idempotency.h): one row per
-- organisation and key, written in the transaction of the write it answers. org_id 0 is the
-- CLI's operator. status 0 only inside the claiming transaction, before the answer is stored.
CREATE TABLE idempotency_keys (
  org_id INTEGER NOT NULL,
  idem_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
