-- 0006: innovation vouchers (科技创新券) and open innovation challenges (揭榜挂帅).
-- Bookings are 0005's (shared resources); a voucher application names a booking by id and
-- takes its bill through src/sharing/booking.h, so no foreign key crosses the two files.
--
-- Vouchers are ledger-style: a voucher's amount never changes, every movement of money
-- against it is one row of voucher_movements (+x when a bill uses it, -x when a rejected
-- claim gives it back), and its balance is amount - sum(movements), checked inside the one
-- write transaction that adds a movement. `qilian innovation verify` re-checks every voucher.

CREATE TABLE vouchers (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,                       -- shown to people: CXQ-2026-000001
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  share_bp INTEGER NOT NULL CHECK (share_bp >= 1 AND share_bp <= 10000),
  valid_from TEXT NOT NULL,                        -- Asia/Shanghai date YYYY-MM-DD, inclusive
  valid_until TEXT NOT NULL,                       -- Asia/Shanghai date, inclusive
  yearly_cap_fen INTEGER NOT NULL CHECK (yearly_cap_fen > 0),
  note TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'revoked'),
  issued_by INTEGER,
  created_at TEXT NOT NULL,
  CHECK (valid_from <= valid_until)
);
CREATE INDEX vouchers_enterprise ON vouchers(enterprise_id);

-- One application of a voucher to one completed booking's bill. A booking carries at most
-- one live application (the partial unique index); a rejected one frees it again.
CREATE TABLE voucher_applications (
  id INTEGER PRIMARY KEY,
  voucher_id INTEGER NOT NULL REFERENCES vouchers(id),
  booking_id INTEGER NOT NULL,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),   -- the SME (the voucher's)
  owner_org_id INTEGER NOT NULL,                               -- the resource owner's organisation
  owner_enterprise_id INTEGER,                                 -- the resource owner's enterprise, if any
  bill_fen INTEGER NOT NULL CHECK (bill_fen >= 0),
  voucher_fen INTEGER NOT NULL CHECK (voucher_fen > 0),
  sme_fen INTEGER NOT NULL CHECK (sme_fen >= 0),
  minutes_used INTEGER NOT NULL CHECK (minutes_used >= 0),
  year INTEGER NOT NULL,                                       -- Shanghai calendar year of the application
  status TEXT NOT NULL DEFAULT 'applied'
    CHECK (status = 'applied' OR status = 'claimed' OR status = 'approved' OR status = 'rejected'),
  usage_record TEXT NOT NULL DEFAULT '{}',                     -- the booking's bill as claimed (JSON)
  reason TEXT NOT NULL DEFAULT '',
  applied_at TEXT NOT NULL,
  claimed_at TEXT,
  decided_at TEXT,
  CHECK (bill_fen = voucher_fen + sme_fen)
);
CREATE UNIQUE INDEX voucher_applications_live ON voucher_applications(booking_id) WHERE status <> 'rejected';
CREATE INDEX voucher_applications_voucher ON voucher_applications(voucher_id);
CREATE INDEX voucher_applications_owner ON voucher_applications(owner_org_id, status);
CREATE INDEX voucher_applications_enterprise ON voucher_applications(enterprise_id, year);

CREATE TABLE voucher_movements (
  id INTEGER PRIMARY KEY,
  voucher_id INTEGER NOT NULL REFERENCES vouchers(id),
  application_id INTEGER NOT NULL REFERENCES voucher_applications(id),
  enterprise_id INTEGER NOT NULL,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'use' OR kind = 'return'),
  amount_fen INTEGER NOT NULL CHECK ((kind = 'use' AND amount_fen > 0) OR (kind = 'return' AND amount_fen < 0)),
  created_at TEXT NOT NULL
);
CREATE INDEX voucher_movements_voucher ON voucher_movements(voucher_id);
CREATE INDEX voucher_movements_enterprise ON voucher_movements(enterprise_id, year);
CREATE TRIGGER voucher_movements_no_update BEFORE UPDATE ON voucher_movements
BEGIN SELECT RAISE(ABORT, 'voucher_movements is append-only'); END;
CREATE TRIGGER voucher_movements_no_delete BEFORE DELETE ON voucher_movements
BEGIN SELECT RAISE(ABORT, 'voucher_movements is append-only'); END;

-- Challenges (揭榜挂帅). status is what was written; 'open' past its deadline reads as 'closed'
-- (computed in C against the clock), so no job has to flip it.
CREATE TABLE challenges (
  id INTEGER PRIMARY KEY,
  poster_org_id INTEGER NOT NULL REFERENCES orgs(id),
  poster_enterprise_id INTEGER REFERENCES enterprises(id),
  title TEXT NOT NULL CHECK (length(title) > 0),
  problem TEXT NOT NULL,
  chain_id TEXT,
  sid INTEGER REFERENCES segments(sid),
  capabilities TEXT NOT NULL DEFAULT '',           -- ';'-joined required capabilities
  eligibility TEXT NOT NULL DEFAULT '',
  reward_fen INTEGER NOT NULL CHECK (reward_fen > 0),
  deadline TEXT NOT NULL,                          -- submission deadline, UTC
  status TEXT NOT NULL DEFAULT 'draft'
    CHECK (status = 'draft' OR status = 'open' OR status = 'evaluating' OR status = 'shortlisted'
           OR status = 'awarded' OR status = 'completed'),
  winner_proposal_id INTEGER,
  winner_consent INTEGER NOT NULL DEFAULT 0 CHECK (winner_consent = 0 OR winner_consent = 1),
  published_at TEXT,
  opened_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX challenges_status ON challenges(status, id);
CREATE INDEX challenges_poster ON challenges(poster_org_id);

CREATE TABLE challenge_milestones (
  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  title TEXT NOT NULL,
  share_bp INTEGER NOT NULL CHECK (share_bp >= 1 AND share_bp <= 10000),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status = 'pending' OR status = 'accepted'),
  paid_fen INTEGER CHECK (paid_fen IS NULL OR paid_fen >= 0),
  accepted_at TEXT,
  accepted_by INTEGER,
  note TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (challenge_id, seq)
);

CREATE TABLE challenge_criteria (
  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  name TEXT NOT NULL,
  weight INTEGER NOT NULL CHECK (weight >= 1 AND weight <= 10000),
  PRIMARY KEY (challenge_id, seq)
);

-- The evaluation panel: users the poster names (by e-mail, or every admin of a named organisation).
CREATE TABLE challenge_panel (
  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  added_at TEXT NOT NULL,
  PRIMARY KEY (challenge_id, user_id)
);

-- Solvers registered for a challenge: they receive every answered question in their inbox.
CREATE TABLE challenge_solvers (
  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  registered_at TEXT NOT NULL,
  PRIMARY KEY (challenge_id, enterprise_id)
);

CREATE TABLE challenge_questions (
  id INTEGER PRIMARY KEY,
  challenge_id INTEGER NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
  asker_org_id INTEGER NOT NULL,
  question TEXT NOT NULL,
  answer TEXT,
  created_at TEXT NOT NULL,
  answered_at TEXT
);
CREATE INDEX challenge_questions_challenge ON challenge_questions(challenge_id, id);

-- Proposals, sealed until the deadline. content is the canonical JSON text whose sha256
-- (hex) the submitter holds in its receipt.
CREATE TABLE challenge_proposals (
  id INTEGER PRIMARY KEY,
  challenge_id INTEGER NOT NULL REFERENCES challenges(id),
  lead_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  lead_org_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status = 'awaiting_members' OR status = 'submitted' OR status = 'withdrawn'
           OR status = 'shortlisted' OR status = 'winner'),
  submitted_at TEXT NOT NULL,
  consent_at TEXT
);
CREATE INDEX challenge_proposals_challenge ON challenge_proposals(challenge_id, id);

-- The lead and up to four other members; an enterprise is in at most one live proposal per challenge.
CREATE TABLE challenge_proposal_members (
  proposal_id INTEGER NOT NULL REFERENCES challenge_proposals(id),
  challenge_id INTEGER NOT NULL,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  org_id INTEGER NOT NULL,
  is_lead INTEGER NOT NULL CHECK (is_lead = 0 OR is_lead = 1),
  live INTEGER NOT NULL DEFAULT 1 CHECK (live = 0 OR live = 1),
  confirmed_at TEXT,
  PRIMARY KEY (proposal_id, enterprise_id)
);
CREATE UNIQUE INDEX challenge_members_once ON challenge_proposal_members(challenge_id, enterprise_id) WHERE live = 1;
CREATE INDEX challenge_members_org ON challenge_proposal_members(org_id);

-- A reviewer's declaration and scores for one proposal. conflict = 1 excludes the reviewer.
CREATE TABLE challenge_reviews (
  proposal_id INTEGER NOT NULL REFERENCES challenge_proposals(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  conflict INTEGER NOT NULL CHECK (conflict = 0 OR conflict = 1),
  conflict_note TEXT NOT NULL DEFAULT '',
  scores TEXT,                                     -- JSON array of integers 0-100 in criteria order
  comment TEXT NOT NULL DEFAULT '',
  declared_at TEXT NOT NULL,
  submitted_at TEXT,
  PRIMARY KEY (proposal_id, user_id),
  CHECK (conflict = 0 OR scores IS NULL)
);
