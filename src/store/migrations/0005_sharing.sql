-- 0005: shared resources and their bookings (创新链 · 资源共享, issue 12; docs/sharing.md).
--
-- Times are UTC ISO-8601 text ("YYYY-MM-DDTHH:MM:SSZ"), compared as text. Opening hours and
-- closed dates are Asia/Shanghai rules kept as text the domain parses (src/sharing/resource.c):
-- opening_hours is ';'-joined "mon 08:00-18:00" entries (one interval of one weekday each,
-- sorted), closed_dates ';'-joined "YYYY-MM-DD" dates, sorted. Nothing in SQL filters on them.
--
-- lock_seq: every booking write on a resource starts its transaction by bumping this, so
-- writers of one resource queue behind each other on SQLite and PostgreSQL alike before they
-- read the bookings they check the capacity against (src/sharing/booking.h).
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  type TEXT NOT NULL CHECK (type = 'instrument' OR type = 'equipment' OR type = 'test_site'
    OR type = 'rd_service' OR type = 'design_service' OR type = 'brand_licence'),
  name TEXT NOT NULL CHECK (length(name) > 0),
  description TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  capacity INTEGER NOT NULL CHECK (capacity >= 1),
  price_sme_fen INTEGER NOT NULL CHECK (price_sme_fen >= 0),
  price_large_fen INTEGER NOT NULL CHECK (price_large_fen >= 0),
  price_other_fen INTEGER NOT NULL CHECK (price_other_fen >= 0),
  opening_hours TEXT NOT NULL DEFAULT '',
  closed_dates TEXT NOT NULL DEFAULT '',
  min_minutes INTEGER NOT NULL CHECK (min_minutes >= 30),
  max_minutes INTEGER NOT NULL CHECK (max_minutes >= min_minutes),
  buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0),
  horizon_days INTEGER NOT NULL CHECK (horizon_days >= 1),
  approval TEXT NOT NULL CHECK (approval = 'required' OR approval = 'instant'),
  eligibility TEXT NOT NULL CHECK (eligibility = 'everyone' OR eligibility = 'sme' OR eligibility = 'invited'),
  sme_share_bp INTEGER NOT NULL DEFAULT 0 CHECK (sme_share_bp >= 0 AND sme_share_bp <= 10000),
  no_show_minutes INTEGER NOT NULL DEFAULT 30 CHECK (no_show_minutes >= 0),
  offer_minutes INTEGER NOT NULL DEFAULT 120 CHECK (offer_minutes >= 1),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status = 'active' OR status = 'withdrawn'),
  feed_token TEXT NOT NULL,
  lock_seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX resources_org ON resources(org_id);
CREATE INDEX resources_region ON resources(region);

-- Organisations the owner invites when eligibility is 'invited'.
CREATE TABLE resource_invites (
  resource_id INTEGER NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  PRIMARY KEY (resource_id, org_id)
);

-- One booking of units of a resource for [starts_at, ends_at). It holds its units over
-- [starts_at, occupied_until) (occupied_until = ends_at + the resource's buffer when booked)
-- while requested before its start, approved before noshow_at, checked_in, or offered before
-- offer_expires_at. series_id is the first booking of a weekly series (NULL alone).
-- seq counts the booking's changes: the calendar feed's SEQUENCE.
CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  resource_id INTEGER NOT NULL REFERENCES resources(id),
  booker_org_id INTEGER NOT NULL REFERENCES orgs(id),
  booker_enterprise_id INTEGER REFERENCES enterprises(id),
  booker_user_id INTEGER,
  booker_kind TEXT NOT NULL CHECK (booker_kind = 'sme' OR booker_kind = 'large' OR booker_kind = 'other'),
  series_id INTEGER,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  occupied_until TEXT NOT NULL,
  units INTEGER NOT NULL CHECK (units >= 1),
  state TEXT NOT NULL CHECK (state = 'requested' OR state = 'approved' OR state = 'rejected'
    OR state = 'cancelled' OR state = 'checked_in' OR state = 'completed' OR state = 'no_show'
    OR state = 'expired' OR state = 'waitlisted' OR state = 'offered'),
  price_per_hour_fen INTEGER NOT NULL CHECK (price_per_hour_fen >= 0),
  cost_fen INTEGER NOT NULL CHECK (cost_fen >= 0),
  used_minutes INTEGER CHECK (used_minutes IS NULL OR used_minutes >= 0),
  note TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  noshow_at TEXT NOT NULL,
  offer_expires_at TEXT,
  checked_in_at TEXT,
  completed_at TEXT,
  seq INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX bookings_resource ON bookings(resource_id, starts_at);
CREATE INDEX bookings_booker ON bookings(booker_org_id, id);
CREATE INDEX bookings_state ON bookings(state, resource_id);
