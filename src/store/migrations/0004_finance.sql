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

-- ---- supply-chain finance (docs/finance.md) ----
-- A certificate is the fen range [1, face]; its pieces are sub-ranges with one holder each, which
-- never changes: passing value on makes new pieces, so the live pieces (state not 'split' or
-- 'transferred') partition [1, face]. Holders are enterprises of an organisation, or a bank
-- organisation (holder_id NULL). Dates are Asia/Shanghai calendar days 'YYYY-MM-DD'; times UTC.

CREATE TABLE finance_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fee_bp INTEGER NOT NULL CHECK (fee_bp >= 0 AND fee_bp <= 1000),
  application_ttl_days INTEGER NOT NULL CHECK (application_ttl_days >= 1 AND application_ttl_days <= 90),
  updated_at TEXT NOT NULL
);
INSERT INTO finance_settings(id, fee_bp, application_ttl_days, updated_at) VALUES (1, 0, 7, '1970-01-01T00:00:00Z');

CREATE TABLE finance_certificates (
  id INTEGER PRIMARY KEY,
  issuer_id INTEGER NOT NULL REFERENCES enterprises(id),
  issuer_org INTEGER NOT NULL REFERENCES orgs(id),
  payee_id INTEGER NOT NULL REFERENCES enterprises(id),
  payee_org INTEGER NOT NULL REFERENCES orgs(id),
  face_fen INTEGER NOT NULL CHECK (face_fen > 0),
  issue_date TEXT NOT NULL,
  maturity TEXT NOT NULL,
  contract_no TEXT NOT NULL CHECK (contract_no <> ''),
  order_id INTEGER,
  delivery_date TEXT,
  memo TEXT NOT NULL,
  warnings TEXT NOT NULL,              -- JSON array of {code, message}
  flags TEXT NOT NULL,                 -- JSON array of {code, message}
  flagged INTEGER NOT NULL CHECK (flagged = 0 OR flagged = 1),
  status TEXT NOT NULL CHECK (status = 'issued' OR status = 'refused' OR status = 'active' OR status = 'settled'),
  created_at TEXT NOT NULL,
  accepted_at TEXT,
  refused_at TEXT,
  refuse_reason TEXT,
  settled_at TEXT,
  confirmation_ref TEXT,
  overdue_flagged_at TEXT,
  CHECK (issuer_id <> payee_id)
);
CREATE INDEX finance_certificates_issuer ON finance_certificates(issuer_org, id);
CREATE INDEX finance_certificates_payee ON finance_certificates(payee_org, id);
CREATE INDEX finance_certificates_status ON finance_certificates(status, maturity);

-- An invoice (the payee's number) backs at most one certificate; a refused certificate frees its invoices.
CREATE TABLE finance_invoices (
  payee_id INTEGER NOT NULL REFERENCES enterprises(id),
  invoice_no TEXT NOT NULL,
  certificate_id INTEGER NOT NULL REFERENCES finance_certificates(id),
  PRIMARY KEY (payee_id, invoice_no)
);
CREATE INDEX finance_invoices_certificate ON finance_invoices(certificate_id);

CREATE TABLE finance_pieces (
  id INTEGER PRIMARY KEY,
  certificate_id INTEGER NOT NULL REFERENCES finance_certificates(id),
  parent_id INTEGER REFERENCES finance_pieces(id),
  lo INTEGER NOT NULL,
  hi INTEGER NOT NULL,
  holder_org INTEGER NOT NULL REFERENCES orgs(id),
  holder_id INTEGER REFERENCES enterprises(id),
  state TEXT NOT NULL CHECK (state = 'held' OR state = 'pending_transfer' OR state = 'pending_discount'
    OR state = 'discounted' OR state = 'settled' OR state = 'split' OR state = 'transferred'),
  transfer_id INTEGER,                 -- the pending transfer holding it
  application_id INTEGER,              -- the pending application holding it
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (lo >= 1 AND hi >= lo)
);
CREATE INDEX finance_pieces_certificate ON finance_pieces(certificate_id, lo, hi, state); -- covers the verify partition scan
CREATE INDEX finance_pieces_holder ON finance_pieces(holder_org, state);
CREATE INDEX finance_pieces_parent ON finance_pieces(parent_id, lo, hi, certificate_id); -- covers the verify tree scan

CREATE TABLE finance_transfers (
  id INTEGER PRIMARY KEY,
  certificate_id INTEGER NOT NULL REFERENCES finance_certificates(id),
  piece_id INTEGER NOT NULL REFERENCES finance_pieces(id),
  from_id INTEGER NOT NULL REFERENCES enterprises(id),
  from_org INTEGER NOT NULL REFERENCES orgs(id),
  to_id INTEGER NOT NULL REFERENCES enterprises(id),
  to_org INTEGER NOT NULL REFERENCES orgs(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'accepted' OR status = 'refused' OR status = 'cancelled'),
  reason TEXT,
  received_piece_id INTEGER,
  remainder_piece_id INTEGER,
  created_at TEXT NOT NULL,
  decided_at TEXT,
  CHECK (from_id <> to_id)
);
CREATE INDEX finance_transfers_to ON finance_transfers(to_org, status);
CREATE INDEX finance_transfers_from ON finance_transfers(from_org, status);
CREATE INDEX finance_transfers_certificate ON finance_transfers(certificate_id, status);

CREATE TABLE finance_applications (
  id INTEGER PRIMARY KEY,
  applicant_id INTEGER NOT NULL REFERENCES enterprises(id),
  applicant_org INTEGER NOT NULL REFERENCES orgs(id),
  bank_org INTEGER NOT NULL REFERENCES orgs(id),
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'approved' OR status = 'rejected'
    OR status = 'withdrawn' OR status = 'expired' OR status = 'cancelled'),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_at TEXT,
  reason TEXT,
  rate_bp INTEGER,
  discount_date TEXT,
  interest_fen INTEGER,
  net_fen INTEGER,
  fee_bp INTEGER,
  fee_fen INTEGER
);
CREATE INDEX finance_applications_bank ON finance_applications(bank_org, status);
CREATE INDEX finance_applications_applicant ON finance_applications(applicant_org, status);
CREATE INDEX finance_applications_expiry ON finance_applications(status, expires_at);

CREATE TABLE finance_application_pieces (
  application_id INTEGER NOT NULL REFERENCES finance_applications(id),
  piece_id INTEGER NOT NULL REFERENCES finance_pieces(id),
  certificate_id INTEGER NOT NULL REFERENCES finance_certificates(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  days INTEGER,
  interest_fen INTEGER,
  net_fen INTEGER,
  bank_piece_id INTEGER,
  PRIMARY KEY (application_id, piece_id)
);
CREATE INDEX finance_application_pieces_piece ON finance_application_pieces(piece_id);

-- A bank's credit limit (额度) for an issuer: used_fen = its discounted, unsettled pieces of that issuer.
CREATE TABLE finance_limits (
  bank_org INTEGER NOT NULL REFERENCES orgs(id),
  issuer_id INTEGER NOT NULL REFERENCES enterprises(id),
  limit_fen INTEGER NOT NULL CHECK (limit_fen >= 0),
  used_fen INTEGER NOT NULL CHECK (used_fen >= 0),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (bank_org, issuer_id)
);

-- The operation log, a hash chain: hash = sha256(prev_hash, seq, kind, at, org_id, user_id,
-- certificate_id, detail) (src/finance/ledger.c); seq runs 1, 2, 3, ... Append-only.
CREATE TABLE finance_ops (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  org_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  certificate_id INTEGER NOT NULL,     -- 0 when the operation concerns none
  detail TEXT NOT NULL,                -- canonical JSON (sorted keys, compact)
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX finance_ops_certificate ON finance_ops(certificate_id);

-- The chain's head: the last seq and hash. Every operation updates it first, which also
-- serialises finance writes on PostgreSQL (its row lock).
CREATE TABLE finance_chain (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO finance_chain(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Double-entry postings (debit positive); each operation's postings sum to zero. Append-only.
CREATE TABLE finance_postings (
  id INTEGER PRIMARY KEY,
  op_seq INTEGER NOT NULL REFERENCES finance_ops(seq),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  account TEXT NOT NULL CHECK (account = 'payable' OR account = 'receivable' OR account = 'cash'
    OR account = 'interest_expense' OR account = 'interest_income'),
  amount_fen INTEGER NOT NULL CHECK (amount_fen <> 0),
  certificate_id INTEGER NOT NULL
);
CREATE INDEX finance_postings_org ON finance_postings(org_id, id);
CREATE INDEX finance_postings_op ON finance_postings(op_seq);

-- Balances (debit positive) kept with the postings, in the same transaction.
CREATE TABLE finance_accounts (
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  account TEXT NOT NULL,
  balance_fen INTEGER NOT NULL,
  PRIMARY KEY (org_id, account)
);

-- per-backend: SQLite triggers keep the log and the postings append-only.
CREATE TRIGGER finance_ops_no_update BEFORE UPDATE ON finance_ops
BEGIN SELECT RAISE(ABORT, 'finance_ops is append-only'); END;
CREATE TRIGGER finance_ops_no_delete BEFORE DELETE ON finance_ops
BEGIN SELECT RAISE(ABORT, 'finance_ops is append-only'); END;
CREATE TRIGGER finance_postings_no_update BEFORE UPDATE ON finance_postings
BEGIN SELECT RAISE(ABORT, 'finance_postings is append-only'); END;
CREATE TRIGGER finance_postings_no_delete BEFORE DELETE ON finance_postings
BEGIN SELECT RAISE(ABORT, 'finance_postings is append-only'); END;
