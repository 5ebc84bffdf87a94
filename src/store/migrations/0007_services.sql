-- 0007: the service chain (服务链: service requests, routing, time limits, escalation, rating,
-- call-backs), the talent chain (人才链: postings, contact requests, secondments) and the data
-- chain (数据链: consent grants and the log of reads under them).
-- Dates of the working-day calendar (deadlines) are Asia/Shanghai dates 'YYYY-MM-DD'; times are
-- UTC ISO-8601. 'calendar' names the working-day calendar that computed a deadline.

-- Routing rules: category ('*' = any) x region prefix ('' = anywhere, else 2/4/6 digits) ->
-- the provider organisation that handles it. The most specific rule wins (longest prefix, then
-- an exact category over '*'); no rule -> the operator's queue.
CREATE TABLE service_routes (
  id INTEGER PRIMARY KEY,
  category TEXT NOT NULL,
  region_prefix TEXT NOT NULL DEFAULT '',
  handler_org_id INTEGER NOT NULL REFERENCES orgs(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (category, region_prefix)
);

-- Time limits in working days per category and urgency that the operator changed; the rest
-- are the defaults of src/services/service.c.
CREATE TABLE service_limits (
  category TEXT NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency = 'normal' OR urgency = 'urgent' OR urgency = 'critical'),
  accept_days INTEGER NOT NULL CHECK (accept_days >= 1),
  resolve_days INTEGER NOT NULL CHECK (resolve_days >= 1),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (category, urgency)
);

CREATE TABLE service_requests (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  requester_org_id INTEGER NOT NULL REFERENCES orgs(id),
  created_by INTEGER NOT NULL DEFAULT 0,
  category TEXT NOT NULL,
  title TEXT NOT NULL CHECK (length(title) > 0),
  description TEXT NOT NULL,
  region TEXT NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency = 'normal' OR urgency = 'urgent' OR urgency = 'critical'),
  status TEXT NOT NULL CHECK (status = 'submitted' OR status = 'accepted' OR status = 'in_progress' OR
                              status = 'resolved' OR status = 'closed' OR status = 'reopened' OR status = 'withdrawn'),
  handler_org_id INTEGER REFERENCES orgs(id),      -- NULL: the operator's queue
  route_id INTEGER,                                -- the rule that routed it (NULL: none matched)
  submitted_at TEXT NOT NULL,
  submitted_date TEXT NOT NULL,                    -- Shanghai date of submission
  accept_due TEXT,                                 -- NULL when the calendar does not cover it
  resolve_due TEXT,
  calendar TEXT NOT NULL,                         -- the working-day calendar of the current dates
  accepted_at TEXT,
  accept_workdays INTEGER,                         -- working days from submission to acceptance
  accepted_in_time INTEGER,                        -- 0/1, NULL until accepted
  resolved_at TEXT,
  resolve_workdays INTEGER,
  resolved_in_time INTEGER,
  resolution TEXT NOT NULL DEFAULT '',
  closed_at TEXT,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  rating_reopened INTEGER NOT NULL DEFAULT 0,      -- an unsatisfied rating reopened it (once only)
  rating INTEGER CHECK (rating IS NULL OR (rating >= 1 AND rating <= 5)),
  rating_comment TEXT NOT NULL DEFAULT '',
  rated_at TEXT,
  withdrawal_proposed INTEGER NOT NULL DEFAULT 0,  -- the handler suggested withdrawing it
  callback_sampled INTEGER NOT NULL DEFAULT 0,
  callback_result TEXT,                            -- satisfied | unsatisfied | unreachable
  callback_note TEXT NOT NULL DEFAULT '',
  callback_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX service_requests_handler ON service_requests(handler_org_id, status);
CREATE INDEX service_requests_requester ON service_requests(requester_org_id, id);
CREATE INDEX service_requests_enterprise ON service_requests(enterprise_id, id);
CREATE INDEX service_requests_submitted ON service_requests(submitted_date);

-- The timeline: every change of a request, in order.
CREATE TABLE service_events (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES service_requests(id),
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL DEFAULT 0,
  org_id INTEGER,
  kind TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT,
  note TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX service_events_request ON service_events(request_id, id);

-- The escalation ladder: each step once per request, deadline kind and due date.
-- stage: accept | resolve; level: reminder | urge (催办) | supervise (督办).
CREATE TABLE service_escalations (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES service_requests(id),
  stage TEXT NOT NULL CHECK (stage = 'accept' OR stage = 'resolve'),
  level TEXT NOT NULL CHECK (level = 'reminder' OR level = 'urge' OR level = 'supervise'),
  due TEXT NOT NULL,
  on_date TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (request_id, stage, level, due)
);

-- Extensions of the resolve-by deadline: asked by the handler, decided by the operator.
CREATE TABLE service_extensions (
  id INTEGER PRIMARY KEY,
  request_id INTEGER NOT NULL REFERENCES service_requests(id),
  days INTEGER NOT NULL CHECK (days >= 1),
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'approved' OR status = 'rejected'),
  requested_by INTEGER NOT NULL DEFAULT 0,
  requested_at TEXT NOT NULL,
  decided_by INTEGER,
  decided_at TEXT,
  old_due TEXT,
  new_due TEXT
);
CREATE INDEX service_extensions_request ON service_extensions(request_id);

-- 数据链: an enterprise's consent to another organisation reading named scopes of its data.
-- scopes: ';'-joined sorted subset of profile, relations, orders, certificates, service_requests.
CREATE TABLE data_grants (
  id INTEGER PRIMARY KEY,
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  grantee_org_id INTEGER NOT NULL REFERENCES orgs(id),
  scopes TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (length(purpose) > 0),
  valid_from TEXT NOT NULL,       -- date (Shanghai)
  valid_until TEXT NOT NULL,      -- date, inclusive
  granted_by INTEGER NOT NULL DEFAULT 0,
  granted_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by INTEGER
);
CREATE INDEX data_grants_enterprise ON data_grants(enterprise_id, id);
CREATE INDEX data_grants_grantee ON data_grants(grantee_org_id, enterprise_id);

CREATE TABLE data_access_log (
  id INTEGER PRIMARY KEY,
  grant_id INTEGER NOT NULL REFERENCES data_grants(id),
  enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
  reader_org_id INTEGER NOT NULL,
  reader_user_id INTEGER NOT NULL DEFAULT 0,
  scope TEXT NOT NULL,
  items INTEGER NOT NULL DEFAULT 0,
  at TEXT NOT NULL
);
CREATE INDEX data_access_log_enterprise ON data_access_log(enterprise_id, id);

-- 人才链: an expert offered (kind 'expert', by a large enterprise or a provider) or a talent
-- need (kind 'need', by an SME). mode: secondment (共享用工) | consulting | training.
CREATE TABLE talent_posts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind = 'expert' OR kind = 'need'),
  org_id INTEGER NOT NULL REFERENCES orgs(id),
  enterprise_id INTEGER REFERENCES enterprises(id),
  title TEXT NOT NULL CHECK (length(title) > 0),
  person_name TEXT NOT NULL DEFAULT '',   -- experts: shown only after an approved contact request
  contact TEXT NOT NULL DEFAULT '',       -- likewise
  skills TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  chain_id TEXT NOT NULL DEFAULT '',
  segment TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  mode TEXT NOT NULL CHECK (mode = 'secondment' OR mode = 'consulting' OR mode = 'training'),
  availability TEXT NOT NULL DEFAULT '',
  terms TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'closed'),
  created_by INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX talent_posts_kind ON talent_posts(kind, status, id);

-- A contact request for an expert: the expert's organisation approves before contact details show.
CREATE TABLE talent_contacts (
  id INTEGER PRIMARY KEY,
  expert_id INTEGER NOT NULL REFERENCES talent_posts(id),
  need_id INTEGER REFERENCES talent_posts(id),
  requester_org_id INTEGER NOT NULL REFERENCES orgs(id),
  message TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status = 'pending' OR status = 'approved' OR status = 'declined'),
  requested_by INTEGER NOT NULL DEFAULT 0,
  requested_at TEXT NOT NULL,
  decided_by INTEGER,
  decided_at TEXT,
  UNIQUE (expert_id, requester_org_id)
);

-- A secondment (共享用工): in force only when both organisations agree and the person consents.
CREATE TABLE talent_secondments (
  id INTEGER PRIMARY KEY,
  expert_id INTEGER NOT NULL REFERENCES talent_posts(id),
  host_org_id INTEGER NOT NULL REFERENCES orgs(id),
  home_org_id INTEGER NOT NULL REFERENCES orgs(id),
  start_date TEXT NOT NULL,
  end_date TEXT NOT NULL,
  terms TEXT NOT NULL DEFAULT '',
  host_agreed_at TEXT,
  host_agreed_by INTEGER,
  home_agreed_at TEXT,
  home_agreed_by INTEGER,
  person_consent_at TEXT,
  person_consent_by TEXT,          -- the person's name as recorded by the home organisation
  status TEXT NOT NULL CHECK (status = 'proposed' OR status = 'active' OR status = 'cancelled'),
  created_at TEXT NOT NULL
);
