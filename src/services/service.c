/*
 * service.c - service requests: submission with routing and deadlines, the
 * state machine, withdrawal, transfer, rating, and the reads (one request
 * with its timeline, lists by role). Routing rules, limits, extensions,
 * escalation, call-backs and statistics are in service_admin.c.
 */
#include "services/service.h"

#include <string.h>
#include "base/util.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "platform/workdays.h"
#include "registry/region.h"
#include "registry/uscc.h"
#include "services/services_int.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}

const char *const service_categories[] = {"financing", "land_and_space", "talent",   "logistics", "technology",
					  "policy",    "market_access",	 "overseas", "complaint", "other",
					  NULL};
const char *const service_urgencies[] = {"normal", "urgent", "critical", NULL};
const char *const service_statuses[] = {"submitted", "accepted", "in_progress", "resolved",
					"closed",    "reopened", "withdrawn",	NULL};
const char *const service_action_names[] = {
    "accept", "start", "resolve", "confirm", "reopen", "withdraw", "propose_withdrawal", "supervise", NULL};
static const char *const callback_results[] = {"satisfied", "unsatisfied", "unreachable", NULL};
static const char *const category_or_any[] = {"*",	   "financing",	 "land_and_space", "talent",
					      "logistics", "technology", "policy",	   "market_access",
					      "overseas",  "complaint",	 "other",	   NULL};

const struct jfield service_request_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the requesting enterprise (of the caller's organisation)"},
    {"category", JF_STRING, true, 0, 0, service_categories, "what the request is about"},
    {"title", JF_STRING, true, 1, 200, NULL, "one line"},
    {"description", JF_STRING, true, 1, 5000, NULL, "the problem, in the enterprise's words"},
    {"region", JF_STRING, false, 6, 6, NULL, "GB/T 2260 county code (default: the enterprise's region)"},
    {"urgency", JF_STRING, false, 0, 0, service_urgencies, "normal (default), urgent or critical"},
    END_FIELDS,
};
const struct jfield service_note_fields[] = {
    {"note", JF_STRING, false, 0, 2000, NULL, "why (required to reopen and to propose a withdrawal)"},
    END_FIELDS,
};
const struct jfield service_resolve_fields[] = {
    {"resolution", JF_STRING, true, 1, 5000, NULL, "what was done"},
    END_FIELDS,
};
const struct jfield service_transfer_fields[] = {
    {"handler_org_id", JF_INT, true, 1, INT64_MAX, NULL, "the provider organisation that takes the case"},
    {"reason", JF_STRING, true, 1, 2000, NULL, "why it is transferred"},
    END_FIELDS,
};
const struct jfield service_withdraw_fields[] = {
    {"confirm", JF_BOOL, true, 0, 0, NULL, "must be true: the requester confirms the withdrawal itself"},
    {"reason", JF_STRING, false, 0, 2000, NULL, "why"},
    END_FIELDS,
};
const struct jfield service_rate_fields[] = {
    {"rating", JF_INT, true, 1, 5, NULL, "1 (very unsatisfied) to 5 (very satisfied)"},
    {"comment", JF_STRING, false, 0, 2000, NULL, "remarks"},
    END_FIELDS,
};
const struct jfield service_extension_fields[] = {
    {"days", JF_INT, true, 1, 60, NULL, "working days to add to the resolve-by date"},
    {"reason", JF_STRING, true, 1, 2000, NULL, "why more time is needed"},
    END_FIELDS,
};
const struct jfield service_callback_fields[] = {
    {"result", JF_STRING, true, 0, 0, callback_results, "satisfied, unsatisfied or unreachable"},
    {"note", JF_STRING, false, 0, 2000, NULL, "what the enterprise said"},
    END_FIELDS,
};
const struct jfield service_sample_fields[] = {
    {"count", JF_INT, true, 1, 100, NULL, "how many closed requests to sample"},
    {"from", JF_STRING, false, 10, 10, NULL, "closed on or after this date (YYYY-MM-DD)"},
    {"to", JF_STRING, false, 10, 10, NULL, "closed on or before this date (YYYY-MM-DD)"},
    {"seed", JF_INT, false, 0, INT64_MAX, NULL, "random seed (default: the clock)"},
    END_FIELDS,
};
const struct jfield service_route_fields[] = {
    {"category", JF_STRING, true, 0, 0, category_or_any, "a category, or * for any"},
    {"region_prefix", JF_STRING, false, 0, 6, NULL, "2, 4 or 6 digits of GB/T 2260 (empty: anywhere)"},
    {"handler_org_id", JF_INT, true, 1, INT64_MAX, NULL, "the provider organisation that handles it"},
    END_FIELDS,
};
const struct jfield service_limit_fields[] = {
    {"category", JF_STRING, true, 0, 0, service_categories, "category"},
    {"urgency", JF_STRING, true, 0, 0, service_urgencies, "urgency"},
    {"accept_days", JF_INT, true, 1, 30, NULL, "working days to accept"},
    {"resolve_days", JF_INT, true, 1, 250, NULL, "working days to resolve"},
    END_FIELDS,
};
const struct jfield service_escalate_fields[] = {
    {"date", JF_STRING, false, 10, 10, NULL, "the day of the pass, YYYY-MM-DD (default: today in Shanghai)"},
    END_FIELDS,
};

/* ---- shared helpers ---- */

static int64_t clock_override;

void service_clock_set(int64_t utc)
{
	clock_override = utc;
}

void svc_now(char out[SVC_TIME_LEN])
{
	if (!clock_override || !qtime_format(clock_override, out))
		util_now_iso(out, SVC_TIME_LEN);
}

struct qdate svc_today(void)
{
	struct qdate d;
	if (clock_override && qdate_shanghai_of(clock_override, &d, NULL))
		return d;
	return qdate_shanghai_today();
}

bool svc_date(const char *text, struct qdate *d)
{
	return text && text[0] && qdate_parse(text, d);
}

enum qerr svc_fail(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

bool svc_is_operator(const struct actor *a)
{
	return a->org_type == ORG_OPERATOR;
}

bool svc_is_requester(const struct actor *a, const struct svc_req *r)
{
	return a->org_id != 0 && a->org_id == r->requester_org;
}

bool svc_is_handler(const struct actor *a, const struct svc_req *r)
{
	if (r->handler_org == 0)
		return svc_is_operator(a);
	return a->org_id != 0 && a->org_id == r->handler_org;
}

bool svc_open_status(const char *s)
{
	return strcmp(s, "submitted") == 0 || strcmp(s, "accepted") == 0 || strcmp(s, "in_progress") == 0 ||
	       strcmp(s, "reopened") == 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

enum qerr svc_load(struct db *db, int64_t id, struct svc_req *r, struct qerror *err)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,enterprise_id,requester_org_id,handler_org_id,status,category,urgency,"
		       "submitted_date,accept_due,resolve_due,title,rating_reopened"
		       " FROM service_requests WHERE id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "service_request_not_found", "id",
				"诉求不存在 (no service request %lld)", (long long)id);
	if (rc)
		return rc;
	r->id = db_col_int64(st, 0);
	r->enterprise_id = db_col_int64(st, 1);
	r->requester_org = db_col_int64(st, 2);
	r->handler_org = db_col_is_null(st, 3) ? 0 : db_col_int64(st, 3);
	copy(r->status, sizeof r->status, db_col_text(st, 4));
	copy(r->category, sizeof r->category, db_col_text(st, 5));
	copy(r->urgency, sizeof r->urgency, db_col_text(st, 6));
	copy(r->submitted_date, sizeof r->submitted_date, db_col_text(st, 7));
	copy(r->accept_due, sizeof r->accept_due, db_col_text(st, 8));
	copy(r->resolve_due, sizeof r->resolve_due, db_col_text(st, 9));
	copy(r->title, sizeof r->title, db_col_text(st, 10));
	r->rating_reopened = db_col_int64(st, 11) != 0;
	db_reset(st);
	return QERR_OK;
}

enum qerr svc_event(struct db *db, const struct actor *a, int64_t request_id, const char *kind, const char *from,
		    const char *to, const char *note, const json_t *detail, struct qerror *err)
{
	char now[SVC_TIME_LEN];
	svc_now(now);
	char *d = detail ? json_encode(detail) : NULL;
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO service_events(request_id,at,user_id,org_id,kind,from_status,to_status,"
		       "note,detail) VALUES(?,?,?,?,?,?,?,?,?)",
		       err);
	if (!st) {
		free(d);
		return err->code;
	}
	db_bind_int64(st, 1, request_id);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, a ? a->user_id : 0);
	db_bind_opt_int64(st, 4, a && a->org_id, a ? a->org_id : 0);
	db_bind_text(st, 5, kind);
	db_bind_text(st, 6, from);
	db_bind_text(st, 7, to);
	db_bind_text(st, 8, note ? note : "");
	db_bind_text(st, 9, d ? d : "{}");
	enum qerr rc = db_run(st, err);
	free(d);
	return rc;
}

enum qerr svc_notify_org(struct db *db, int64_t org, const char *kind, int64_t request_id, const char *title,
			 struct qerror *err)
{
	/* Addressed to the organisation itself: a provider or the operator often owns no enterprise. */
	int64_t orgs[20] = {org};
	int n = org ? 1 : 0;
	if (!org) { /* the operator's queue */
		struct db_stmt *st =
		    db_prepare(db, "SELECT id FROM orgs WHERE type='operator' ORDER BY id LIMIT 20", err);
		if (!st)
			return err->code;
		int s;
		while (n < 20 && (s = db_step(st, err)) == DB_ROW)
			orgs[n++] = db_col_int64(st, 0);
		db_reset(st);
		if (n < 20 && s < 0)
			return err->code;
	}
	json_t *detail = json_pack("{s:s,s:I}", "kind", kind, "object_id", (json_int_t)request_id);
	enum qerr rc = QERR_OK;
	for (int i = 0; i < n && !rc; i++)
		rc = inbox_renotify_org(db, orgs[i], kind, request_id, title, detail, err);
	json_decref(detail);
	return rc;
}

enum qerr svc_audit(struct db *db, const struct actor *a, const char *action, int64_t id, const json_t *detail,
		    struct qerror *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	return audit_record(db, a, action, "service_request", oid, detail, err);
}

/* Default limits: accept in 2/1/1 working days by urgency; resolve by category, halved when urgent, a third when
 * critical. */
static int64_t default_resolve(const char *category)
{
	static const struct {
		const char *category;
		int days;
	} table[] = {{"financing", 15}, {"land_and_space", 20}, {"talent", 10},	  {"logistics", 10}, {"technology", 15},
		     {"policy", 10},	{"market_access", 15},	{"overseas", 20}, {"complaint", 10}, {"other", 15}};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].category, category) == 0)
			return table[i].days;
	return 15;
}

enum qerr svc_limit(struct db *db, const char *category, const char *urgency, int64_t *accept_days,
		    int64_t *resolve_days, struct qerror *err)
{
	int64_t base = default_resolve(category);
	if (strcmp(urgency, "critical") == 0) {
		*accept_days = 1;
		*resolve_days = (base + 2) / 3;
	} else if (strcmp(urgency, "urgent") == 0) {
		*accept_days = 1;
		*resolve_days = (base + 1) / 2;
	} else {
		*accept_days = 2;
		*resolve_days = base;
	}
	struct db_stmt *st =
	    db_prepare(db, "SELECT accept_days,resolve_days FROM service_limits WHERE category=? AND urgency=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, urgency);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		*accept_days = db_col_int64(st, 0);
		*resolve_days = db_col_int64(st, 1);
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

/* ---- JSON ---- */

#define REQ_COLS                                                                                                       \
	"r.id,e.uscc,e.name,r.requester_org_id,r.category,r.title,r.description,r.region,r.urgency,r.status,"          \
	"r.handler_org_id,h.name,r.route_id,r.submitted_at,r.accept_due,r.resolve_due,r.calendar,r.accepted_at,"       \
	"r.accept_workdays,r.accepted_in_time,r.resolved_at,r.resolve_workdays,r.resolved_in_time,r.resolution,"       \
	"r.closed_at,r.reopen_count,r.rating,r.rating_comment,r.rated_at,r.withdrawal_proposed,r.callback_sampled,"    \
	"r.callback_result,r.callback_note,r.callback_at,r.updated_at,"                                                \
	"(SELECT s.level FROM service_escalations s WHERE s.request_id=r.id ORDER BY s.id DESC LIMIT 1),"              \
	"(SELECT count(*) FROM service_extensions x WHERE x.request_id=r.id AND x.status='pending'),"                  \
	"r.submitted_date"
#define REQ_FROM                                                                                                       \
	" FROM service_requests r JOIN enterprises e ON e.id=r.enterprise_id LEFT JOIN orgs h ON "                     \
	"h.id=r.handler_org_id"

static json_t *opt_bool(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_boolean(db_col_int64(st, col) != 0);
}

/* The deadline that runs now and how near it is: ok, due_soon (within SERVICE_REMIND_BEFORE), overdue. */
static json_t *deadline_json(const char *status, const char *accept_due, const char *resolve_due, const char *calendar)
{
	const char *stage = NULL, *due = NULL;
	if (strcmp(status, "submitted") == 0)
		stage = "accept", due = accept_due;
	else if (svc_open_status(status))
		stage = "resolve", due = resolve_due;
	if (!stage)
		return json_null();
	struct qdate d, today = svc_today();
	if (!svc_date(due, &d))
		return json_pack("{s:s,s:n,s:s}", "stage", stage, "due", "state", "unknown");
	const char *state = "ok";
	int64_t left = 0;
	struct qerror e = {0};
	bool prov = false;
	if (qdate_compare(today, d) > 0)
		state = "overdue";
	else if (workdays_between_provisional(today, d, &left, &prov, &e) == QERR_OK && left <= SERVICE_REMIND_BEFORE)
		state = "due_soon";
	return json_pack("{s:s,s:s,s:s,s:b}", "stage", stage, "due", due, "state", state, "provisional",
			 workdays_date_provisional(calendar, d));
}

/* Whether the recorded date text was computed by the provisional rule (beyond the calendar named). */
static bool due_provisional(const char *calendar, const char *due)
{
	struct qdate d;
	return calendar && svc_date(due, &d) && workdays_date_provisional(calendar, d);
}

static json_t *req_row(struct db_stmt *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int64(st, 0)));
	json_object_set_new(o, "enterprise",
			    json_pack("{s:s,s:s}", "uscc", db_col_text(st, 1), "name", db_col_text(st, 2)));
	json_object_set_new(o, "requester_org_id", json_integer(db_col_int64(st, 3)));
	static const char *const text_cols[] = {"category", "title", "description", "region", "urgency", "status"};
	for (int i = 0; i < 6; i++)
		json_object_set_new(o, text_cols[i], json_string(db_col_text(st, 4 + i)));
	json_object_set_new(o, "handler",
			    db_col_is_null(st, 10) ? json_null()
						   : json_pack("{s:I,s:s}", "org_id", (json_int_t)db_col_int64(st, 10),
							       "name", db_col_text(st, 11)));
	json_object_set_new(o, "queue", json_string(db_col_is_null(st, 10) ? "operator" : "provider"));
	json_object_set_new(o, "route_id", db_col_json_int(st, 12));
	json_object_set_new(o, "submitted_at", db_col_json_text(st, 13));
	json_object_set_new(o, "submitted_date", db_col_json_text(st, 37));
	json_object_set_new(o, "accept_due", db_col_json_text(st, 14));
	json_object_set_new(o, "resolve_due", db_col_json_text(st, 15));
	json_object_set_new(o, "calendar", db_col_json_text(st, 16));
	json_object_set_new(o, "accepted_at", db_col_json_text(st, 17));
	json_object_set_new(o, "accept_workdays", db_col_json_int(st, 18));
	json_object_set_new(o, "accepted_in_time", opt_bool(st, 19));
	json_object_set_new(o, "resolved_at", db_col_json_text(st, 20));
	json_object_set_new(o, "resolve_workdays", db_col_json_int(st, 21));
	json_object_set_new(o, "resolved_in_time", opt_bool(st, 22));
	json_object_set_new(o, "resolution", db_col_json_text(st, 23));
	json_object_set_new(o, "closed_at", db_col_json_text(st, 24));
	json_object_set_new(o, "reopen_count", json_integer(db_col_int64(st, 25)));
	json_object_set_new(o, "rating", db_col_json_int(st, 26));
	json_object_set_new(o, "rating_comment", db_col_json_text(st, 27));
	json_object_set_new(o, "rated_at", db_col_json_text(st, 28));
	json_object_set_new(o, "withdrawal_proposed", json_boolean(db_col_int64(st, 29) != 0));
	json_object_set_new(o, "callback",
			    json_pack("{s:b,s:o,s:s,s:o}", "sampled", db_col_int64(st, 30) != 0, "result",
				      db_col_json_text(st, 31), "note", db_col_text(st, 32), "at",
				      db_col_json_text(st, 33)));
	json_object_set_new(o, "updated_at", db_col_json_text(st, 34));
	json_object_set_new(o, "escalation", db_col_json_text(st, 35));
	json_object_set_new(o, "pending_extensions", json_integer(db_col_int64(st, 36)));
	const char *calendar = db_col_text(st, 16);
	json_object_set_new(o, "deadline",
			    deadline_json(db_col_text(st, 9), db_col_text(st, 14), db_col_text(st, 15), calendar));
	/* Dates beyond the calendar's years were counted Monday-Friday: provisional until recomputed. */
	bool pa = due_provisional(calendar, db_col_text(st, 14)), pr = due_provisional(calendar, db_col_text(st, 15));
	json_object_set_new(o, "accept_due_provisional", json_boolean(pa));
	json_object_set_new(o, "resolve_due_provisional", json_boolean(pr));
	json_object_set_new(o, "provisional", json_boolean(pa || pr));
	return o;
}

enum qerr svc_request_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " REQ_COLS REQ_FROM " WHERE r.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "service_request_not_found", "id",
				"诉求不存在 (no service request %lld)", (long long)id);
	if (rc)
		return rc;
	*out = req_row(st);
	db_reset(st);
	return QERR_OK;
}

static enum qerr timeline_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT v.id,v.at,v.user_id,v.org_id,o.name,v.kind,v.from_status,v.to_status,v.note,"
		       "v.detail FROM service_events v LEFT JOIN orgs o ON o.id=v.org_id"
		       " WHERE v.request_id=? ORDER BY v.id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *detail = json_loads(db_col_text(st, 9), 0, NULL);
		json_array_append_new(
		    items,
		    json_pack("{s:I,s:s,s:I,s:o,s:o,s:s,s:o,s:o,s:s,s:o}", "id", (json_int_t)db_col_int64(st, 0), "at",
			      db_col_text(st, 1), "user_id", (json_int_t)db_col_int64(st, 2), "org_id",
			      db_col_json_int(st, 3), "org_name", db_col_json_text(st, 4), "kind", db_col_text(st, 5),
			      "from_status", db_col_json_text(st, 6), "to_status", db_col_json_text(st, 7), "note",
			      db_col_text(st, 8), "detail", detail ? detail : json_object()));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = items;
	return QERR_OK;
}

static enum qerr extensions_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT id,days,reason,status,requested_at,decided_at,old_due,new_due"
					" FROM service_extensions WHERE request_id=? ORDER BY id",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "id",
						       (json_int_t)db_col_int64(st, 0), "days",
						       (json_int_t)db_col_int64(st, 1), "reason", db_col_text(st, 2),
						       "status", db_col_text(st, 3), "requested_at", db_col_text(st, 4),
						       "decided_at", db_col_json_text(st, 5), "old_due",
						       db_col_json_text(st, 6), "new_due", db_col_json_text(st, 7)));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = items;
	return QERR_OK;
}

static enum qerr not_found(struct qerror *err, int64_t id)
{
	return qerr_set(err, QERR_NOT_FOUND, "service_request_not_found", "id", "诉求不存在 (no service request %lld)",
			(long long)id);
}

static bool may_read(const struct actor *a, const struct svc_req *r)
{
	return svc_is_operator(a) || svc_is_requester(a, r) || svc_is_handler(a, r);
}

enum qerr service_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return err->code;
	if (!may_read(a, &r))
		return not_found(err, id);
	json_t *o = NULL, *timeline = NULL, *ext = NULL;
	if (svc_request_json(db, id, &o, err) || timeline_json(db, id, &timeline, err) ||
	    extensions_json(db, id, &ext, err)) {
		json_decref(o);
		json_decref(timeline);
		return err->code;
	}
	json_object_set_new(o, "timeline", timeline);
	json_object_set_new(o, "extensions", ext);
	json_object_set_new(o, "viewer",
			    json_pack("{s:b,s:b,s:b}", "requester", svc_is_requester(a, &r), "handler",
				      svc_is_handler(a, &r), "operator", svc_is_operator(a)));
	*out = o;
	return QERR_OK;
}

static bool in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

enum qerr service_list(struct db *db, const struct actor *a, const struct service_filter *f, json_t **out,
		       struct qerror *err)
{
	*out = NULL;
	const char *role = f->role && f->role[0] ? f->role : NULL;
	if (role && strcmp(role, "requester") != 0 && strcmp(role, "handler") != 0 && strcmp(role, "queue") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_role", "role", "role must be requester, handler or queue");
	if (f->status && f->status[0] && !in_list(service_statuses, f->status))
		return qerr_set(err, QERR_INVALID, "invalid_status", "status", "unknown status %s", f->status);
	int64_t eid = 0;
	if (f->enterprise && f->enterprise[0]) {
		char canon[USCC_LEN + 1];
		int64_t org;
		if (uscc_check(f->enterprise, canon, err)) {
			snprintf(err->field, sizeof err->field, "enterprise");
			return err->code;
		}
		if (enterprise_ref_owner(db, canon, &eid, &org, err))
			return err->code;
		if (!eid)
			return enterprise_ref_not_found(err, QERR_NOT_FOUND, "enterprise", canon);
	}
	bool op = svc_is_operator(a);
	/* mode: 0 everything the actor sees, 1 requester, 2 handler, 3 the operator's queue */
	int mode = !role ? 0 : strcmp(role, "requester") == 0 ? 1 : strcmp(role, "handler") == 0 ? 2 : 3;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT " REQ_COLS REQ_FROM " WHERE (CAST(?1 AS BIGINT)=0 OR r.id<?1)"
	    " AND (CAST(?2 AS TEXT) IS NULL OR r.status=?2) AND (CAST(?7 AS BIGINT)=0 OR r.enterprise_id=?7) AND ("
	    "  (?3=0 AND (?5=1 OR r.requester_org_id=?4 OR r.handler_org_id=?4))"
	    "  OR (?3=1 AND r.requester_org_id=?4)"
	    "  OR (?3=2 AND (r.handler_org_id=?4 OR (?5=1 AND r.handler_org_id IS NULL)))"
	    "  OR (?3=3 AND ?5=1 AND r.handler_org_id IS NULL))"
	    " ORDER BY r.id DESC LIMIT ?6",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, f->cursor);
	db_bind_text_or_null(st, 2, f->status);
	db_bind_int(st, 3, mode);
	db_bind_int64(st, 4, a->org_id);
	db_bind_int(st, 5, op ? 1 : 0);
	db_bind_int(st, 6, limit + 1);
	db_bind_int64(st, 7, eid);
	return db_page(st, limit, req_row, out, err);
}

enum qerr service_requests_of(struct db *db, int64_t enterprise_id, json_t **out, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT " REQ_COLS REQ_FROM " WHERE r.enterprise_id=? ORDER BY r.id DESC LIMIT 1000", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, enterprise_id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, req_row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

/* ---- submission ---- */

/*
 * The due date `days` working days after `from` into due (QDATE_TEXT_LEN); beyond the calendar's years by the
 * provisional rule (said in problems); "" when even that cannot tell. *latest is raised to the date.
 */
static void due_after(struct qdate from, int64_t days, char *due, json_t *problems, const char *which,
		      struct qdate *latest)
{
	struct qdate d;
	struct qerror e = {0};
	bool prov = false;
	due[0] = '\0';
	if (workdays_add_provisional(from, days, &d, &prov, &e) == QERR_OK) {
		qdate_format(d, due);
		if (qdate_compare(d, *latest) > 0)
			*latest = d;
		if (prov)
			json_array_append_new(
			    problems,
			    json_pack("{s:s,s:b,s:s}", "deadline", which, "provisional", true, "message",
				      "该日期超出工作日历已公布的年份,暂按周一至周五计算,日历更新后重算 (beyond the "
				      "published calendar: counted Monday-Friday, provisional until recomputed)"));
	} else
		json_array_append_new(problems, json_pack("{s:s,s:s}", "deadline", which, "message", e.message));
}

enum qerr service_submit(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type != ORG_SME && a->org_type != ORG_LARGE)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有企业可以提交诉求 (only an enterprise's organisation submits service requests)");
	const char *uscc = json_str(body, "enterprise", ""), *category = json_str(body, "category", "");
	const char *urgency = json_str(body, "urgency", "normal");
	const char *region = json_str(body, "region", NULL);
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "enterprise");
		return err->code;
	}
	if (!in_list(service_categories, category))
		return qerr_set(err, QERR_INVALID, "invalid_category", "category", "unknown category %s", category);
	if (!in_list(service_urgencies, urgency))
		return qerr_set(err, QERR_INVALID, "invalid_urgency", "urgency", "unknown urgency %s", urgency);
	if (region && !region_find(region))
		return qerr_set(err, QERR_INVALID, "invalid_region", "region",
				"不是有效的行政区划代码 (%s is not a GB/T 2260 code)", region);
	if (db_begin_write(db, err))
		return err->code;
	struct enterprise_ref ref;
	if (enterprise_ref_by_uscc(db, canon, &ref, err)) {
		if (err->code == QERR_NOT_FOUND)
			enterprise_ref_not_registered(err, QERR_INVALID, "enterprise", canon);
		return svc_fail(db, err);
	}
	if (ref.org_id != a->org_id) {
		qerr_set(err, QERR_FORBIDDEN, "not_your_enterprise", "enterprise",
			 "只能为本组织的企业提交诉求 (%s is not an enterprise of your organisation)", canon);
		return svc_fail(db, err);
	}
	if (!region)
		region = ref.region;
	int64_t route_id, handler, accept_days, resolve_days;
	if (service_route_resolve(db, category, region, &route_id, &handler, err) ||
	    svc_limit(db, category, urgency, &accept_days, &resolve_days, err))
		return svc_fail(db, err);
	char now[SVC_TIME_LEN], today_text[QDATE_TEXT_LEN], accept_due[QDATE_TEXT_LEN], resolve_due[QDATE_TEXT_LEN];
	char calendar[WORKDAYS_IDENTITY_LEN];
	svc_now(now);
	struct qdate today = svc_today();
	qdate_format(today, today_text);
	json_t *problems = json_array();
	struct qdate latest = today;
	due_after(today, accept_days, accept_due, problems, "accept", &latest);
	due_after(today, resolve_days, resolve_due, problems, "resolve", &latest);
	workdays_identity_upto(latest, calendar);
	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO service_requests(enterprise_id,requester_org_id,created_by,category,title,description,region,"
	    "urgency,status,handler_org_id,route_id,submitted_at,submitted_date,accept_due,resolve_due,calendar,"
	    "updated_at)"
	    " VALUES(?,?,?,?,?,?,?,?,'submitted',?,?,?,?,?,?,?,?) RETURNING id",
	    err);
	int64_t id = 0;
	if (!st)
		goto fail;
	db_bind_int64(st, 1, ref.id);
	db_bind_int64(st, 2, a->org_id);
	db_bind_int64(st, 3, a->user_id);
	db_bind_text(st, 4, category);
	db_bind_text(st, 5, json_str(body, "title", ""));
	db_bind_text(st, 6, json_str(body, "description", ""));
	db_bind_text(st, 7, region);
	db_bind_text(st, 8, urgency);
	db_bind_opt_int64(st, 9, handler != 0, handler);
	db_bind_opt_int64(st, 10, route_id != 0, route_id);
	db_bind_text(st, 11, now);
	db_bind_text(st, 12, today_text);
	db_bind_text_or_null(st, 13, accept_due);
	db_bind_text_or_null(st, 14, resolve_due);
	db_bind_text(st, 15, calendar);
	db_bind_text(st, 16, now);
	if (db_scalar_int64(st, &id, err))
		goto fail;
	json_t *detail = json_pack(
	    "{s:o,s:o,s:I,s:I,s:s,s:o,s:o,s:O}", "handler_org_id", handler ? json_integer(handler) : json_null(),
	    "route_id", route_id ? json_integer(route_id) : json_null(), "accept_days", (json_int_t)accept_days,
	    "resolve_days", (json_int_t)resolve_days, "calendar", calendar, "accept_due",
	    accept_due[0] ? json_string(accept_due) : json_null(), "resolve_due",
	    resolve_due[0] ? json_string(resolve_due) : json_null(), "calendar_problems", problems);
	enum qerr rc = svc_event(db, a, id, "submitted", NULL, "submitted",
				 handler ? "已按规则分派 (routed by rule)"
					 : "未匹配规则,进入运营方队列 (no rule matched: operator queue)",
				 detail, err);
	if (!rc)
		rc = svc_audit(db, a, "service.submit", id, detail, err);
	json_decref(detail);
	if (rc)
		goto fail;
	char title[480];
	snprintf(title, sizeof title, "新诉求待受理:%s", json_str(body, "title", ""));
	if (svc_notify_org(db, handler, "service_request", id, title, err) || db_commit(db, err))
		goto fail;
	json_decref(problems);
	return svc_request_json(db, id, out, err);
fail:
	json_decref(problems);
	return svc_fail(db, err);
}

/* ---- the state machine ---- */

enum party { P_HANDLER, P_REQUESTER, P_OPERATOR };

static const struct {
	enum party party;
	const char *from[4]; /* states it leaves, NULL-terminated */
	const char *to;	     /* NULL: no state change */
	bool text_required;
	const char *verb; /* for messages */
} transitions[SERVICE_ACTION_COUNT] = {
    [SERVICE_ACCEPT] = {P_HANDLER, {"submitted"}, "accepted", false, "受理"},
    [SERVICE_START] = {P_HANDLER, {"accepted", "reopened"}, "in_progress", false, "开始办理"},
    [SERVICE_RESOLVE] = {P_HANDLER, {"in_progress"}, "resolved", true, "办结"},
    [SERVICE_CONFIRM] = {P_REQUESTER, {"resolved"}, "closed", false, "确认办结"},
    [SERVICE_REOPEN] = {P_REQUESTER, {"resolved"}, "reopened", true, "重新打开"},
    [SERVICE_WITHDRAW] =
	{P_REQUESTER, {"submitted", "accepted", "in_progress", "reopened"}, "withdrawn", false, "撤回"},
    [SERVICE_PROPOSE_WITHDRAWAL] =
	{P_HANDLER, {"submitted", "accepted", "in_progress", "reopened"}, NULL, true, "建议撤回"},
    [SERVICE_SUPERVISE] = {P_OPERATOR, {"submitted", "accepted", "in_progress", "reopened"}, NULL, false, "督办"},
};

static bool allowed_from(enum service_action action, const char *status)
{
	for (int i = 0; i < 4 && transitions[action].from[i]; i++)
		if (strcmp(transitions[action].from[i], status) == 0)
			return true;
	return false;
}

static bool party_ok(const struct actor *a, const struct svc_req *r, enum party p)
{
	switch (p) {
	case P_HANDLER:
		return svc_is_handler(a, r);
	case P_REQUESTER:
		return svc_is_requester(a, r);
	case P_OPERATOR:
		return svc_is_operator(a);
	}
	return false;
}

/* Working days from the request's submission date to today, or -1 when the calendar cannot tell. */
static int64_t workdays_since(const char *from_text, struct qdate today)
{
	struct qdate from;
	int64_t n;
	struct qerror e = {0};
	bool prov;
	if (!svc_date(from_text, &from) || workdays_between_provisional(from, today, &n, &prov, &e))
		return -1;
	return n;
}

/* Writes the columns an action changes, for request r moving to `to` today. */
static enum qerr apply(struct db *db, const struct actor *a, const struct svc_req *r, enum service_action action,
		       const char *text, json_t *detail, struct qerror *err)
{
	char now[SVC_TIME_LEN], today_text[QDATE_TEXT_LEN];
	svc_now(now);
	struct qdate today = svc_today(), due;
	qdate_format(today, today_text);
	struct db_stmt *st = NULL;
	const char *to = transitions[action].to;
	switch (action) {
	case SERVICE_ACCEPT: {
		int64_t wd = workdays_since(r->submitted_date, today);
		bool in_time = svc_date(r->accept_due, &due) && qdate_compare(today, due) <= 0;
		st = db_prepare(db,
				"UPDATE service_requests SET status='accepted',accepted_at=?,accept_workdays=?,"
				"accepted_in_time=?,withdrawal_proposed=0,updated_at=? WHERE id=?",
				err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, now);
		db_bind_opt_int64(st, 2, wd >= 0, wd);
		db_bind_opt_int64(st, 3, r->accept_due[0] != 0, in_time ? 1 : 0);
		db_bind_text(st, 4, now);
		db_bind_int64(st, 5, r->id);
		json_object_set_new(detail, "accepted_in_time", r->accept_due[0] ? json_boolean(in_time) : json_null());
		break;
	}
	case SERVICE_RESOLVE: {
		int64_t wd = workdays_since(r->submitted_date, today);
		bool in_time = svc_date(r->resolve_due, &due) && qdate_compare(today, due) <= 0;
		st = db_prepare(db,
				"UPDATE service_requests SET status='resolved',resolved_at=?,resolve_workdays=?,"
				"resolved_in_time=?,resolution=?,updated_at=? WHERE id=?",
				err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, now);
		db_bind_opt_int64(st, 2, wd >= 0, wd);
		db_bind_opt_int64(st, 3, r->resolve_due[0] != 0, in_time ? 1 : 0);
		db_bind_text(st, 4, text);
		db_bind_text(st, 5, now);
		db_bind_int64(st, 6, r->id);
		json_object_set_new(detail, "resolved_in_time",
				    r->resolve_due[0] ? json_boolean(in_time) : json_null());
		break;
	}
	case SERVICE_REOPEN: {
		/* A reopened case gets a fresh resolve-by date: the limit counted from today. */
		int64_t accept_days, resolve_days;
		if (svc_limit(db, r->category, r->urgency, &accept_days, &resolve_days, err))
			return err->code;
		char new_due[QDATE_TEXT_LEN] = "";
		struct qerror e = {0};
		bool prov = false;
		struct qdate latest = today, acc;
		if (svc_date(r->accept_due, &acc) && qdate_compare(acc, latest) > 0)
			latest = acc;
		if (workdays_add_provisional(today, resolve_days, &due, &prov, &e) == QERR_OK) {
			qdate_format(due, new_due);
			if (qdate_compare(due, latest) > 0)
				latest = due;
		}
		st = db_prepare(
		    db,
		    "UPDATE service_requests SET status='reopened',reopen_count=reopen_count+1,resolve_due=?,"
		    "resolved_in_time=NULL,updated_at=?,calendar=? WHERE id=?",
		    err);
		if (!st)
			return err->code;
		char calendar[WORKDAYS_IDENTITY_LEN];
		workdays_identity_upto(latest, calendar);
		db_bind_text_or_null(st, 1, new_due);
		db_bind_text(st, 2, now);
		db_bind_text(st, 3, calendar);
		db_bind_int64(st, 4, r->id);
		json_object_set_new(detail, "resolve_due", new_due[0] ? json_string(new_due) : json_null());
		break;
	}
	case SERVICE_CONFIRM:
	case SERVICE_WITHDRAW:
		st = db_prepare(db, "UPDATE service_requests SET status=?,closed_at=?,updated_at=? WHERE id=?", err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, to);
		db_bind_text(st, 2, now);
		db_bind_text(st, 3, now);
		db_bind_int64(st, 4, r->id);
		break;
	case SERVICE_PROPOSE_WITHDRAWAL:
		st = db_prepare(db, "UPDATE service_requests SET withdrawal_proposed=1,updated_at=? WHERE id=?", err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, now);
		db_bind_int64(st, 2, r->id);
		break;
	case SERVICE_SUPERVISE:
		return QERR_OK; /* the timeline entry and the notice are the record */
	case SERVICE_START:
		st = db_prepare(db, "UPDATE service_requests SET status='in_progress',updated_at=? WHERE id=?", err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, now);
		db_bind_int64(st, 2, r->id);
		break;
	case SERVICE_ACTION_COUNT:
		break;
	}
	return st ? db_run(st, err) : QERR_OK;
}

/* Who hears about an action: the other side. */
static enum qerr notify_after(struct db *db, const struct svc_req *r, enum service_action action, struct qerror *err)
{
	char title[480];
	snprintf(title, sizeof title, "诉求%s:%s", transitions[action].verb, r->title);
	bool to_requester = transitions[action].party != P_REQUESTER;
	enum qerr rc =
	    svc_notify_org(db, to_requester ? r->requester_org : r->handler_org,
			   action == SERVICE_SUPERVISE ? "service_supervise" : "service_request", r->id, title, err);
	if (!rc && action == SERVICE_SUPERVISE) /* 督办 goes to the handler too */
		rc = svc_notify_org(db, r->handler_org, "service_supervise", r->id, title, err);
	return rc;
}

static enum qerr act_locked(struct db *db, const struct actor *a, struct svc_req *r, enum service_action action,
			    const char *text, struct qerror *err)
{
	if (!party_ok(a, r, transitions[action].party)) {
		enum party p = transitions[action].party;
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有%s可以%s (only %s may %s this request)",
				p == P_HANDLER	   ? "承办单位"
				: p == P_REQUESTER ? "诉求企业"
						   : "运营方",
				transitions[action].verb,
				p == P_HANDLER	   ? "the handler"
				: p == P_REQUESTER ? "the requester"
						   : "the operator",
				service_action_names[action]);
	}
	if (!allowed_from(action, r->status))
		return qerr_set(err, QERR_CONFLICT, "invalid_transition", "status",
				"诉求当前状态为 %s,不能%s (a %s request cannot be %s)", r->status,
				transitions[action].verb, r->status, service_action_names[action]);
	if (transitions[action].text_required && (!text || !text[0]))
		return qerr_set(err, QERR_INVALID, "missing_field", action == SERVICE_RESOLVE ? "resolution" : "note",
				"%s需要说明 (%s needs a note)", transitions[action].verb, service_action_names[action]);
	json_t *detail = json_object();
	enum qerr rc = apply(db, a, r, action, text, detail, err);
	const char *to = transitions[action].to ? transitions[action].to : r->status;
	if (!rc)
		rc = svc_event(db, a, r->id, service_action_names[action], r->status, to, text, detail, err);
	if (!rc) {
		char act[48];
		snprintf(act, sizeof act, "service.%s", service_action_names[action]);
		json_object_set_new(detail, "from", json_string(r->status));
		json_object_set_new(detail, "to", json_string(to));
		rc = svc_audit(db, a, act, r->id, detail, err);
	}
	json_decref(detail);
	if (!rc)
		rc = notify_after(db, r, action, err);
	if (!rc && action == SERVICE_SUPERVISE) {
		/* A manual 督办 is also a step of the ladder (so the automatic pass does not repeat it). */
		char now[SVC_TIME_LEN], today[QDATE_TEXT_LEN];
		svc_now(now);
		qdate_format(svc_today(), today);
		bool accepting = strcmp(r->status, "submitted") == 0;
		const char *due = accepting ? r->accept_due : r->resolve_due;
		struct db_stmt *st =
		    db_prepare(db,
			       "INSERT INTO service_escalations(request_id,stage,level,due,on_date,created_at)"
			       " VALUES(?,?,'supervise',?,?,?) ON CONFLICT (request_id,stage,level,due) DO NOTHING",
			       err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, r->id);
		db_bind_text(st, 2, accepting ? "accept" : "resolve");
		db_bind_text(st, 3, due[0] ? due : today);
		db_bind_text(st, 4, today);
		db_bind_text(st, 5, now);
		rc = db_run(st, err);
	}
	if (!rc && transitions[action].to)
		copy(r->status, sizeof r->status, transitions[action].to);
	return rc;
}

enum qerr service_act(struct db *db, const struct actor *a, int64_t id, enum service_action action, const char *text,
		      json_t **out, struct qerror *err)
{
	*out = NULL;
	if ((unsigned)action >= SERVICE_ACTION_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_action", NULL, "unknown action");
	if (action == SERVICE_WITHDRAW)
		return service_withdraw(db, a, id, true, text, out, err);
	if (db_begin_write(db, err))
		return err->code;
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	if (!may_read(a, &r)) {
		not_found(err, id);
		return svc_fail(db, err);
	}
	if (act_locked(db, a, &r, action, text, err) || db_commit(db, err))
		return svc_fail(db, err);
	return svc_request_json(db, id, out, err);
}

enum qerr service_withdraw(struct db *db, const struct actor *a, int64_t id, bool confirm, const char *reason,
			   json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	if (!may_read(a, &r)) {
		not_found(err, id);
		return svc_fail(db, err);
	}
	if (!svc_is_requester(a, &r)) {
		qerr_set(err, QERR_FORBIDDEN, "requester_only", NULL,
			 "只有诉求企业本身可以撤回诉求;承办单位只能建议撤回 (only the requester withdraws a request; "
			 "a handler may only propose it)");
		return svc_fail(db, err);
	}
	if (!confirm) {
		qerr_set(err, QERR_INVALID, "confirmation_required", "confirm",
			 "撤回需要诉求企业确认 (withdrawal needs the requester's confirmation: confirm must be true)");
		return svc_fail(db, err);
	}
	if (act_locked(db, a, &r, SERVICE_WITHDRAW, reason, err) || db_commit(db, err))
		return svc_fail(db, err);
	return svc_request_json(db, id, out, err);
}

static enum qerr provider_org(struct db *db, int64_t org, char *name, size_t cap, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT type,name FROM orgs WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_INVALID, "invalid_handler", "handler_org_id",
				"承办单位不存在 (no organisation %lld)", (long long)org);
	if (rc)
		return rc;
	bool provider = strcmp(db_col_text(st, 0), "provider") == 0;
	if (name)
		copy(name, cap, db_col_text(st, 1));
	db_reset(st);
	if (!provider)
		return qerr_set(err, QERR_INVALID, "invalid_handler", "handler_org_id",
				"承办单位须为服务机构 (organisation %lld is not a provider)", (long long)org);
	return QERR_OK;
}

/* Exposed for service_admin.c's routing rules. */
enum qerr svc_provider_org(struct db *db, int64_t org, struct qerror *err);
enum qerr svc_provider_org(struct db *db, int64_t org, struct qerror *err)
{
	return provider_org(db, org, NULL, 0, err);
}

enum qerr service_transfer(struct db *db, const struct actor *a, int64_t id, int64_t to_org, const char *reason,
			   json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!reason || !reason[0])
		return qerr_set(err, QERR_INVALID, "missing_field", "reason",
				"转办需要说明理由 (a transfer needs a reason)");
	if (db_begin_write(db, err))
		return err->code;
	struct svc_req r;
	char name[400];
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	if (!may_read(a, &r)) {
		not_found(err, id);
		return svc_fail(db, err);
	}
	if (!svc_is_handler(a, &r) && !svc_is_operator(a)) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有承办单位或运营方可以转办 (only the handler or the operator transfers a request)");
		return svc_fail(db, err);
	}
	if (!svc_open_status(r.status)) {
		qerr_set(err, QERR_CONFLICT, "invalid_transition", "status",
			 "诉求当前状态为 %s,不能转办 (a %s request cannot be transferred)", r.status, r.status);
		return svc_fail(db, err);
	}
	if (provider_org(db, to_org, name, sizeof name, err))
		return svc_fail(db, err);
	if (to_org == r.handler_org) {
		qerr_set(err, QERR_INVALID, "same_handler", "handler_org_id",
			 "已由该单位承办 (the request is already with organisation %lld)", (long long)to_org);
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	/* The new handler accepts afresh; the requester's deadlines keep running (they are the requester's). */
	struct db_stmt *st =
	    db_prepare(db,
		       "UPDATE service_requests SET handler_org_id=?,status='submitted',accepted_at=NULL,"
		       "accept_workdays=NULL,accepted_in_time=NULL,updated_at=? WHERE id=?",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, to_org);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, id);
	json_t *detail =
	    json_pack("{s:o,s:I,s:s}", "from_org_id", r.handler_org ? json_integer(r.handler_org) : json_null(),
		      "to_org_id", (json_int_t)to_org, "to_org_name", name);
	enum qerr rc = db_run(st, err);
	if (!rc)
		rc = svc_event(db, a, id, "transfer", r.status, "submitted", reason, detail, err);
	if (!rc)
		rc = svc_audit(db, a, "service.transfer", id, detail, err);
	json_decref(detail);
	char title[480];
	snprintf(title, sizeof title, "转办诉求待受理:%s", r.title);
	if (rc || svc_notify_org(db, to_org, "service_request", id, title, err) || db_commit(db, err))
		return svc_fail(db, err);
	return svc_request_json(db, id, out, err);
}

enum qerr service_rate(struct db *db, const struct actor *a, int64_t id, int rating, const char *comment, json_t **out,
		       struct qerror *err)
{
	*out = NULL;
	if (rating < 1 || rating > 5)
		return qerr_set(err, QERR_INVALID, "out_of_range", "rating", "rating must be 1 to 5");
	if (db_begin_write(db, err))
		return err->code;
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	if (!may_read(a, &r)) {
		not_found(err, id);
		return svc_fail(db, err);
	}
	if (!svc_is_requester(a, &r)) {
		qerr_set(err, QERR_FORBIDDEN, "requester_only", NULL,
			 "只有诉求企业可以评价 (only the requester rates)");
		return svc_fail(db, err);
	}
	if (strcmp(r.status, "resolved") != 0 && strcmp(r.status, "closed") != 0) {
		qerr_set(err, QERR_CONFLICT, "invalid_transition", "status",
			 "办结后才能评价 (a %s request cannot be rated yet)", r.status);
		return svc_fail(db, err);
	}
	bool reopen = rating <= SERVICE_UNSATISFIED_MAX && !r.rating_reopened;
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st =
	    db_prepare(db,
		       "UPDATE service_requests SET rating=?,rating_comment=?,rated_at=?,"
		       "rating_reopened=CASE WHEN ?=1 THEN 1 ELSE rating_reopened END,updated_at=? WHERE id=?",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int(st, 1, rating);
	db_bind_text(st, 2, comment ? comment : "");
	db_bind_text(st, 3, now);
	db_bind_int(st, 4, reopen ? 1 : 0);
	db_bind_text(st, 5, now);
	db_bind_int64(st, 6, id);
	json_t *detail =
	    json_pack("{s:i,s:s,s:b}", "rating", rating, "comment", comment ? comment : "", "reopens", reopen);
	enum qerr rc = db_run(st, err);
	if (!rc)
		rc = svc_event(db, a, id, "rated", r.status, r.status, comment, detail, err);
	if (!rc)
		rc = svc_audit(db, a, "service.rate", id, detail, err);
	json_decref(detail);
	if (rc)
		return svc_fail(db, err);
	if (reopen) {
		/* Reopened from resolved or closed, the one time an unsatisfied rating may do it. */
		struct svc_req copy_r = r;
		const char *from = r.status;
		copy(copy_r.status, sizeof copy_r.status, "resolved");
		json_t *d2 = json_object();
		rc = apply(db, a, &copy_r, SERVICE_REOPEN, NULL, d2, err);
		if (!rc)
			rc = svc_event(db, a, id, "reopen", from, "reopened",
				       "评价不满意,自动重新打开 (unsatisfied rating: reopened once)", d2, err);
		json_decref(d2);
		char title[480];
		snprintf(title, sizeof title, "诉求评价不满意,已重新打开:%s", r.title);
		if (!rc)
			rc = svc_notify_org(db, r.handler_org, "service_request", id, title, err);
	} else if (strcmp(r.status, "resolved") == 0) {
		rc = apply(db, a, &r, SERVICE_CONFIRM, NULL, NULL, err);
		if (!rc)
			rc = svc_event(db, a, id, "confirm", "resolved", "closed", "评价即确认办结 (rated: closed)",
				       NULL, err);
	}
	if (rc || db_commit(db, err))
		return svc_fail(db, err);
	return svc_request_json(db, id, out, err);
}
