/*
 * service_admin.c - what the operator runs the service chain with: routing
 * rules (category x region prefix -> provider), time limits, extensions,
 * the escalation pass (reminder, 催办, 督办), call-backs (回访) and the
 * statistics.
 */
#include "services/service.h"

#include <stdlib.h>
#include <string.h>
#include "base/rng.h"
#include "base/util.h"
#include "platform/audit.h"
#include "platform/workdays.h"
#include "registry/region.h"
#include "services/services_int.h"

enum qerr svc_provider_org(struct db *db, int64_t org, struct qerror *err);

static enum qerr operator_only(const struct actor *a, struct qerror *err)
{
	if (svc_is_operator(a))
		return QERR_OK;
	return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有运营方可以操作 (only the operator may do this)");
}

/* ---- routing ---- */

static json_t *route_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0), "category",
			 db_col_text(st, 1), "region_prefix", db_col_text(st, 2), "handler_org_id",
			 (json_int_t)db_col_int64(st, 3), "handler_name", db_col_text(st, 4), "created_at",
			 db_col_text(st, 5), "updated_at", db_col_text(st, 6));
}

#define ROUTE_SELECT                                                                                                   \
	"SELECT r.id,r.category,r.region_prefix,r.handler_org_id,o.name,r.created_at,r.updated_at"                     \
	" FROM service_routes r JOIN orgs o ON o.id=r.handler_org_id"

enum qerr service_route_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db, ROUTE_SELECT " ORDER BY r.category, r.region_prefix", err);
	if (!st)
		return err->code;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, route_row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

static enum qerr route_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, ROUTE_SELECT " WHERE r.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "route_not_found", "id", "分派规则不存在 (no routing rule %lld)",
				(long long)id);
	if (rc)
		return rc;
	*out = route_row(st);
	db_reset(st);
	return QERR_OK;
}

static enum qerr check_prefix(const char *p, struct qerror *err)
{
	size_t n = strlen(p);
	bool digits = true;
	for (size_t i = 0; i < n; i++)
		digits = digits && p[i] >= '0' && p[i] <= '9';
	if (!digits || (n != 0 && n != 2 && n != 4 && n != 6))
		return qerr_set(err, QERR_INVALID, "invalid_region_prefix", "region_prefix",
				"区划前缀须为 2、4 或 6 位数字或为空 (region_prefix is 2, 4 or 6 digits, or empty)");
	return QERR_OK;
}

static enum qerr route_write(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			     struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	const char *prefix = json_str(body, "region_prefix", "");
	if (check_prefix(prefix, err))
		return err->code;
	if (db_begin_write(db, err))
		return err->code;
	int64_t handler = json_int(body, "handler_org_id", 0);
	char now[SVC_TIME_LEN];
	svc_now(now);
	enum qerr rc = svc_provider_org(db, handler, err);
	struct db_stmt *st = NULL;
	if (!rc && id == 0) {
		st =
		    db_prepare(db,
			       "INSERT INTO service_routes(category,region_prefix,handler_org_id,created_at,updated_at)"
			       " VALUES(?,?,?,?,?) RETURNING id",
			       err);
		if (!st)
			return svc_fail(db, err);
		db_bind_text(st, 1, json_str(body, "category", "*"));
		db_bind_text(st, 2, prefix);
		db_bind_int64(st, 3, handler);
		db_bind_text(st, 4, now);
		db_bind_text(st, 5, now);
		rc = db_scalar_int64(st, &id, err);
		if (rc == QERR_CONFLICT)
			rc = qerr_set(err, QERR_CONFLICT, "route_exists", "region_prefix",
				      "该类别与区划已有规则 (a rule for this category and region prefix exists)");
	} else if (!rc) {
		st = db_prepare(
		    db, "UPDATE service_routes SET category=?,region_prefix=?,handler_org_id=?,updated_at=? WHERE id=?",
		    err);
		if (!st)
			return svc_fail(db, err);
		db_bind_text(st, 1, json_str(body, "category", "*"));
		db_bind_text(st, 2, prefix);
		db_bind_int64(st, 3, handler);
		db_bind_text(st, 4, now);
		db_bind_int64(st, 5, id);
		rc = db_run(st, err);
		if (rc == QERR_CONFLICT)
			rc = qerr_set(err, QERR_CONFLICT, "route_exists", "region_prefix",
				      "该类别与区划已有规则 (a rule for this category and region prefix exists)");
		else if (!rc && db_changes(db) == 0)
			rc = qerr_set(err, QERR_NOT_FOUND, "route_not_found", "id",
				      "分派规则不存在 (no routing rule %lld)", (long long)id);
	}
	if (!rc) {
		char oid[24];
		snprintf(oid, sizeof oid, "%lld", (long long)id);
		rc = audit_record(db, a, "service.route", "service_route", oid, body, err);
	}
	if (rc || db_commit(db, err))
		return svc_fail(db, err);
	return route_json(db, id, out, err);
}

enum qerr service_route_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
			       struct qerror *err)
{
	return route_write(db, a, 0, body, out, err);
}

enum qerr service_route_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			       struct qerror *err)
{
	return route_write(db, a, id, body, out, err);
}

enum qerr service_route_delete(struct db *db, const struct actor *a, int64_t id, struct qerror *err)
{
	if (operator_only(a, err) || db_begin_write(db, err))
		return err->code;
	struct db_stmt *st = db_prepare(db, "DELETE FROM service_routes WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, id);
	if (db_run(st, err))
		return svc_fail(db, err);
	if (db_changes(db) == 0) {
		qerr_set(err, QERR_NOT_FOUND, "route_not_found", "id", "分派规则不存在 (no routing rule %lld)",
			 (long long)id);
		return svc_fail(db, err);
	}
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	if (audit_record(db, a, "service.route_delete", "service_route", oid, NULL, err) || db_commit(db, err))
		return svc_fail(db, err);
	return QERR_OK;
}

enum qerr service_route_resolve(struct db *db, const char *category, const char *region, int64_t *route_id,
				int64_t *handler_org, struct qerror *err)
{
	*route_id = *handler_org = 0;
	/* Candidates are the rules whose prefix starts the region (at most 4 prefixes x 2 categories). */
	char p2[3] = "", p4[5] = "", p6[7] = "";
	if (region && strlen(region) >= 2)
		memcpy(p2, region, 2);
	if (region && strlen(region) >= 4)
		memcpy(p4, region, 4);
	if (region && strlen(region) >= 6)
		memcpy(p6, region, 6);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,handler_org_id,region_prefix,category FROM service_routes"
		       " WHERE (category=? OR category='*')"
		       " AND (region_prefix='' OR region_prefix=? OR region_prefix=? OR region_prefix=?)",
		       err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, p2[0] ? p2 : "-");
	db_bind_text(st, 3, p4[0] ? p4 : "-");
	db_bind_text(st, 4, p6[0] ? p6 : "-");
	int best = -1, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		/* Longest prefix first, then an exact category over '*'. */
		int score = (int)strlen(db_col_text(st, 2)) * 2 + (strcmp(db_col_text(st, 3), "*") != 0);
		if (score > best) {
			best = score;
			*route_id = db_col_int64(st, 0);
			*handler_org = db_col_int64(st, 1);
		}
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

/* ---- limits ---- */

enum qerr service_limits(struct db *db, json_t **out, struct qerror *err)
{
	*out = NULL;
	json_t *items = json_array();
	for (int c = 0; service_categories[c]; c++)
		for (int u = 0; service_urgencies[u]; u++) {
			int64_t acc, res;
			if (svc_limit(db, service_categories[c], service_urgencies[u], &acc, &res, err)) {
				json_decref(items);
				return err->code;
			}
			json_array_append_new(items, json_pack("{s:s,s:s,s:I,s:I}", "category", service_categories[c],
							       "urgency", service_urgencies[u], "accept_days",
							       (json_int_t)acc, "resolve_days", (json_int_t)res));
		}
	*out = json_pack("{s:o,s:o,s:{s:i,s:i}}", "items", items, "calendar", workdays_calendar_json(), "escalation",
			 "remind_before_workdays", SERVICE_REMIND_BEFORE, "supervise_after_workdays",
			 SERVICE_SUPERVISE_AFTER);
	return QERR_OK;
}

enum qerr service_limit_set(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err) || db_begin_write(db, err))
		return err->code;
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO service_limits(category,urgency,accept_days,resolve_days,updated_at)"
		       " VALUES(?,?,?,?,?) ON CONFLICT (category,urgency) DO UPDATE SET"
		       " accept_days=excluded.accept_days,resolve_days=excluded.resolve_days,"
		       "updated_at=excluded.updated_at",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, json_str(body, "category", ""));
	db_bind_text(st, 2, json_str(body, "urgency", ""));
	db_bind_int64(st, 3, json_int(body, "accept_days", 1));
	db_bind_int64(st, 4, json_int(body, "resolve_days", 1));
	db_bind_text(st, 5, now);
	if (db_run(st, err) ||
	    audit_record(db, a, "service.limit", "service_limit", json_str(body, "category", ""), body, err) ||
	    db_commit(db, err))
		return svc_fail(db, err);
	return service_limits(db, out, err);
}

/* ---- extensions ---- */

enum qerr service_extension_request(struct db *db, const struct actor *a, int64_t id, int64_t days, const char *reason,
				    json_t **out, struct qerror *err)
{
	*out = NULL;
	if (days < 1 || days > 60)
		return qerr_set(err, QERR_INVALID, "out_of_range", "days", "days must be 1 to 60");
	if (!reason || !reason[0])
		return qerr_set(err, QERR_INVALID, "missing_field", "reason",
				"延期需要说明理由 (an extension needs a reason)");
	if (db_begin_write(db, err))
		return err->code;
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	if (!svc_is_handler(a, &r)) {
		if (!svc_is_requester(a, &r) && !svc_is_operator(a))
			qerr_set(err, QERR_NOT_FOUND, "service_request_not_found", "id",
				 "诉求不存在 (no service request %lld)", (long long)id);
		else
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有承办单位可以申请延期 (only the handler asks for an extension)");
		return svc_fail(db, err);
	}
	if (strcmp(r.status, "accepted") != 0 && strcmp(r.status, "in_progress") != 0 &&
	    strcmp(r.status, "reopened") != 0) {
		qerr_set(err, QERR_CONFLICT, "invalid_transition", "status",
			 "受理后、办结前才能申请延期 (a %s request cannot be extended)", r.status);
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM service_extensions WHERE request_id=? AND status='pending'", err);
	int64_t pending = 0;
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, id);
	if (db_scalar_int64(st, &pending, err))
		return svc_fail(db, err);
	if (pending) {
		qerr_set(err, QERR_CONFLICT, "extension_pending", NULL,
			 "已有待审批的延期申请 (an extension is already pending)");
		return svc_fail(db, err);
	}
	st =
	    db_prepare(db,
		       "INSERT INTO service_extensions(request_id,days,reason,status,requested_by,requested_at,old_due)"
		       " VALUES(?,?,?,'pending',?,?,?) RETURNING id",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, days);
	db_bind_text(st, 3, reason);
	db_bind_int64(st, 4, a->user_id);
	db_bind_text(st, 5, now);
	db_bind_text_or_null(st, 6, r.resolve_due);
	int64_t ext;
	if (db_scalar_int64(st, &ext, err))
		return svc_fail(db, err);
	json_t *detail = json_pack("{s:I,s:I}", "extension_id", (json_int_t)ext, "days", (json_int_t)days);
	enum qerr rc = svc_event(db, a, id, "extension_requested", r.status, r.status, reason, detail, err);
	if (!rc)
		rc = svc_audit(db, a, "service.extension_request", id, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		return svc_fail(db, err);
	return service_get(db, a, id, out, err);
}

enum qerr service_extension_decide(struct db *db, const struct actor *a, int64_t ext, bool approve, json_t **out,
				   struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err) || db_begin_write(db, err))
		return err->code;
	struct db_stmt *st = db_prepare(db, "SELECT request_id,days,status FROM service_extensions WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, ext);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		qerr_set(err, QERR_NOT_FOUND, "extension_not_found", "id", "延期申请不存在 (no extension %lld)",
			 (long long)ext);
	if (rc)
		return svc_fail(db, err);
	int64_t id = db_col_int64(st, 0), days = db_col_int64(st, 1);
	bool pending = strcmp(db_col_text(st, 2), "pending") == 0;
	db_reset(st);
	if (!pending) {
		qerr_set(err, QERR_CONFLICT, "extension_decided", "status",
			 "该延期申请已处理 (the extension was decided already)");
		return svc_fail(db, err);
	}
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	char now[SVC_TIME_LEN], new_due[QDATE_TEXT_LEN] = "";
	svc_now(now);
	if (approve) {
		struct qdate from, due;
		if (!svc_date(r.resolve_due, &from))
			from = svc_today();
		bool prov = false;
		if (workdays_add_provisional(from, days, &due, &prov, err))
			return svc_fail(db, err);
		struct qdate latest = due, acc;
		if (svc_date(r.accept_due, &acc) && qdate_compare(acc, latest) > 0)
			latest = acc;
		qdate_format(due, new_due);
		/* The date moves by the calendar compiled in now, which the request then names. */
		st =
		    db_prepare(db, "UPDATE service_requests SET resolve_due=?,updated_at=?,calendar=? WHERE id=?", err);
		if (!st)
			return svc_fail(db, err);
		char calendar[WORKDAYS_IDENTITY_LEN];
		workdays_identity_upto(latest, calendar);
		db_bind_text(st, 1, new_due);
		db_bind_text(st, 2, now);
		db_bind_text(st, 3, calendar);
		db_bind_int64(st, 4, id);
		if (db_run(st, err))
			return svc_fail(db, err);
	}
	st = db_prepare(db, "UPDATE service_extensions SET status=?,decided_by=?,decided_at=?,new_due=? WHERE id=?",
			err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, approve ? "approved" : "rejected");
	db_bind_int64(st, 2, a->user_id);
	db_bind_text(st, 3, now);
	db_bind_text_or_null(st, 4, new_due);
	db_bind_int64(st, 5, ext);
	json_t *detail = json_pack("{s:I,s:b,s:o}", "extension_id", (json_int_t)ext, "approved", approve, "resolve_due",
				   new_due[0] ? json_string(new_due) : json_null());
	rc = db_run(st, err);
	if (!rc)
		rc = svc_event(db, a, id, approve ? "extension_approved" : "extension_rejected", r.status, r.status, "",
			       detail, err);
	if (!rc)
		rc = svc_audit(db, a, "service.extension_decide", id, detail, err);
	json_decref(detail);
	char title[480];
	snprintf(title, sizeof title, "延期申请%s:%s", approve ? "已批准" : "未批准", r.title);
	if (rc || svc_notify_org(db, r.handler_org, "service_extension", id, title, err) || db_commit(db, err))
		return svc_fail(db, err);
	return service_get(db, a, id, out, err);
}

/* ---- escalation ---- */

struct pending_step {
	int64_t id, handler_org, requester_org;
	char stage[8], level[12], due[QDATE_TEXT_LEN], title[400], status[16];
};

/* Records one step (once per request, stage, level and due date); *added says whether it was new. */
static enum qerr record_step(struct db *db, const struct actor *a, const struct pending_step *p, const char *on,
			     bool *added, struct qerror *err)
{
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO service_escalations(request_id,stage,level,due,on_date,created_at)"
					" VALUES(?,?,?,?,?,?) ON CONFLICT (request_id,stage,level,due) DO NOTHING",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, p->id);
	db_bind_text(st, 2, p->stage);
	db_bind_text(st, 3, p->level);
	db_bind_text(st, 4, p->due);
	db_bind_text(st, 5, on);
	db_bind_text(st, 6, now);
	if (db_run(st, err))
		return err->code;
	*added = db_changes(db) > 0;
	if (!*added)
		return QERR_OK;
	static const struct {
		const char *level, *word, *kind;
	} words[] = {{"reminder", "即将到期提醒", "service_reminder"},
		     {"urge", "催办", "service_urge"},
		     {"supervise", "督办", "service_supervise"}};
	int w = strcmp(p->level, "reminder") == 0 ? 0 : strcmp(p->level, "urge") == 0 ? 1 : 2;
	char note[200], title[480];
	snprintf(note, sizeof note, "%s:%s期限 %s (%s: %s-by date %s)", words[w].word,
		 strcmp(p->stage, "accept") == 0 ? "受理" : "办结", p->due, p->level, p->stage, p->due);
	snprintf(title, sizeof title, "%s:%s", words[w].word, p->title);
	json_t *detail = json_pack("{s:s,s:s,s:s,s:s}", "stage", p->stage, "level", p->level, "due", p->due, "on", on);
	enum qerr rc = svc_event(db, a, p->id, p->level, p->status, p->status, note, detail, err);
	json_decref(detail);
	if (!rc)
		rc = svc_notify_org(db, p->handler_org, words[w].kind, p->id, title, err);
	/* 催办 and 督办 tell the requester that the platform is chasing its case. */
	if (!rc && w > 0)
		rc = svc_notify_org(db, p->requester_org, words[w].kind, p->id, title, err);
	return rc;
}

enum qerr service_escalate(struct db *db, const struct actor *a, struct qdate on, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	if (!workdays_covers(on) && !workdays_beyond(on)) {
		struct qdate due;
		return workdays_add(on, 0, &due, err); /* the calendar's own out-of-range error */
	}
	if (db_begin_write(db, err))
		return err->code;
	char on_text[QDATE_TEXT_LEN];
	qdate_format(on, on_text);
	struct db_stmt *st = db_prepare(db,
					"SELECT id,status,accept_due,resolve_due,handler_org_id,requester_org_id,title"
					" FROM service_requests WHERE status='submitted' OR status='accepted'"
					" OR status='in_progress' OR status='reopened' ORDER BY id",
					err);
	if (!st)
		return svc_fail(db, err);
	/* Read the candidates first: recording a step uses statements of its own. */
	struct pending_step *steps = NULL;
	size_t n = 0, cap = 0;
	int64_t skipped = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct pending_step p = {0};
		p.id = db_col_int64(st, 0);
		snprintf(p.status, sizeof p.status, "%s", db_col_text(st, 1));
		bool accepting = strcmp(p.status, "submitted") == 0;
		snprintf(p.stage, sizeof p.stage, "%s", accepting ? "accept" : "resolve");
		snprintf(p.due, sizeof p.due, "%s", db_col_text(st, accepting ? 2 : 3));
		p.handler_org = db_col_is_null(st, 4) ? 0 : db_col_int64(st, 4);
		p.requester_org = db_col_int64(st, 5);
		snprintf(p.title, sizeof p.title, "%s", db_col_text(st, 6));
		struct qdate due;
		int64_t left;
		struct qerror e = {0};
		bool prov;
		if (!svc_date(p.due, &due) || workdays_between_provisional(on, due, &left, &prov, &e)) {
			skipped++;
			continue;
		}
		const char *levels[2] = {NULL, NULL};
		if (qdate_compare(on, due) <= 0) {
			if (left <= SERVICE_REMIND_BEFORE)
				levels[0] = "reminder";
		} else {
			levels[0] = "urge";
			if (-left >= SERVICE_SUPERVISE_AFTER)
				levels[1] = "supervise";
		}
		for (int i = 0; i < 2 && levels[i]; i++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct pending_step *grown = realloc(steps, cap * sizeof *steps);
				if (!grown) {
					db_reset(st);
					free(steps);
					qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
					return svc_fail(db, err);
				}
				steps = grown;
			}
			steps[n] = p;
			snprintf(steps[n].level, sizeof steps[n].level, "%s", levels[i]);
			n++;
		}
	}
	db_reset(st);
	if (rc < 0) {
		free(steps);
		return svc_fail(db, err);
	}
	json_t *items = json_array();
	int64_t counts[3] = {0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		bool added;
		if (record_step(db, a, &steps[i], on_text, &added, err)) {
			free(steps);
			json_decref(items);
			return svc_fail(db, err);
		}
		if (!added)
			continue;
		counts[steps[i].level[0] == 'r' ? 0 : steps[i].level[0] == 'u' ? 1 : 2]++;
		json_array_append_new(items,
				      json_pack("{s:I,s:s,s:s,s:s}", "request_id", (json_int_t)steps[i].id, "stage",
						steps[i].stage, "level", steps[i].level, "due", steps[i].due));
	}
	free(steps);
	json_t *summary =
	    json_pack("{s:s,s:I,s:I,s:I,s:I}", "date", on_text, "reminders", (json_int_t)counts[0], "urges",
		      (json_int_t)counts[1], "supervisions", (json_int_t)counts[2], "skipped", (json_int_t)skipped);
	if (audit_record(db, a, "service.escalate", "service_requests", on_text, summary, err) || db_commit(db, err)) {
		json_decref(summary);
		json_decref(items);
		return svc_fail(db, err);
	}
	json_object_set_new(summary, "items", items);
	*out = summary;
	return QERR_OK;
}

/* ---- call-backs ---- */

enum qerr service_callback_sample(struct db *db, const struct actor *a, const json_t *body, json_t **out,
				  struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	const char *from = json_str(body, "from", NULL), *to = json_str(body, "to", NULL);
	struct qdate d;
	if (from && !qdate_parse(from, &d))
		return qerr_set(err, QERR_INVALID, "invalid_date", "from", "from must be YYYY-MM-DD");
	if (to && !qdate_parse(to, &d))
		return qerr_set(err, QERR_INVALID, "invalid_date", "to", "to must be YYYY-MM-DD");
	int64_t count = json_int(body, "count", 5);
	uint64_t seed = (uint64_t)json_int(body, "seed", (json_int_t)util_now_unix());
	char to_end[SVC_TIME_LEN] = "";
	if (to)
		snprintf(to_end, sizeof to_end, "%sT99",
			 to); /* closed_at text sorts before this for the whole day (UTC) */
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id FROM service_requests WHERE status='closed' AND callback_sampled=0"
		       " AND (CAST(? AS TEXT) IS NULL OR closed_at>=?) AND (CAST(? AS TEXT) IS NULL OR closed_at<?)"
		       " ORDER BY id",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, from);
	db_bind_text_or_null(st, 3, to_end);
	db_bind_text_or_null(st, 4, to_end);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *g = realloc(ids, cap * sizeof *ids);
			if (!g) {
				db_reset(st);
				free(ids);
				qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
				return svc_fail(db, err);
			}
			ids = g;
		}
		ids[n++] = db_col_int64(st, 0);
	}
	db_reset(st);
	if (rc < 0) {
		free(ids);
		return svc_fail(db, err);
	}
	/* A partial Fisher-Yates shuffle picks count of them uniformly. */
	struct rng r;
	rng_seed(&r, seed, 13);
	size_t k = (size_t)count < n ? (size_t)count : n;
	for (size_t i = 0; i < k; i++) {
		size_t j = i + (size_t)rng_below(&r, n - i);
		int64_t t = ids[i];
		ids[i] = ids[j];
		ids[j] = t;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < k; i++) {
		st = db_prepare(db, "UPDATE service_requests SET callback_sampled=1 WHERE id=?", err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, ids[i]);
		if (db_run(st, err) || svc_event(db, a, ids[i], "callback_sampled", "closed", "closed",
						 "抽中回访 (sampled for a call-back)", NULL, err))
			goto fail;
	}
	json_t *detail = json_pack("{s:I,s:I}", "count", (json_int_t)k, "seed", (json_int_t)seed);
	rc = audit_record(db, a, "service.callback_sample", "service_requests", "", detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	for (size_t i = 0; i < k; i++) {
		json_t *o;
		if (svc_request_json(db, ids[i], &o, err))
			goto fail_read;
		json_array_append_new(items, o);
	}
	free(ids);
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
fail:
	db_rollback(db);
fail_read:
	free(ids);
	json_decref(items);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr service_callback_record(struct db *db, const struct actor *a, int64_t id, const char *result,
				  const char *note, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	if (!result || (strcmp(result, "satisfied") != 0 && strcmp(result, "unsatisfied") != 0 &&
			strcmp(result, "unreachable") != 0))
		return qerr_set(err, QERR_INVALID, "invalid_result", "result",
				"result must be satisfied, unsatisfied or unreachable");
	if (db_begin_write(db, err))
		return err->code;
	struct svc_req r;
	if (svc_load(db, id, &r, err))
		return svc_fail(db, err);
	if (strcmp(r.status, "closed") != 0) {
		qerr_set(err, QERR_CONFLICT, "invalid_transition", "status",
			 "只能回访已办结关闭的诉求 (only a closed request is called back; this one is %s)", r.status);
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st =
	    db_prepare(db,
		       "UPDATE service_requests SET callback_sampled=1,callback_result=?,callback_note=?,"
		       "callback_at=?,updated_at=? WHERE id=?",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, result);
	db_bind_text(st, 2, note ? note : "");
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, now);
	db_bind_int64(st, 5, id);
	json_t *detail = json_pack("{s:s}", "result", result);
	enum qerr rc = db_run(st, err);
	if (!rc)
		rc = svc_event(db, a, id, "callback", "closed", "closed", note, detail, err);
	if (!rc)
		rc = svc_audit(db, a, "service.callback", id, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		return svc_fail(db, err);
	return service_get(db, a, id, out, err);
}

/* ---- statistics ---- */

struct group {
	char key[64], label[400];
	int64_t received, accepted, accepted_in_time, resolved, resolved_in_time, rated, satisfied, rating_sum;
	int64_t *to_accept, *to_resolve;
	size_t n_accept, n_resolve, cap_accept, cap_resolve;
};

static bool push(int64_t **arr, size_t *n, size_t *cap, int64_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		int64_t *g = realloc(*arr, c * sizeof **arr);
		if (!g)
			return false;
		*arr = g;
		*cap = c;
	}
	(*arr)[(*n)++] = v;
	return true;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The median (the mean of the middle two for an even count), null for none. */
static json_t *median(int64_t *v, size_t n)
{
	if (!n)
		return json_null();
	qsort(v, n, sizeof *v, cmp_i64);
	if (n % 2)
		return json_integer(v[n / 2]);
	return json_real((double)(v[n / 2 - 1] + v[n / 2]) / 2.0);
}

static json_t *rate(int64_t num, int64_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

static json_t *group_json(struct group *g)
{
	return json_pack("{s:s,s:s,s:I,s:I,s:I,s:o,s:I,s:o,s:I,s:o,s:I,s:I,s:o,s:o,s:o,s:o}", "key", g->key, "label",
			 g->label, "received", (json_int_t)g->received, "accepted", (json_int_t)g->accepted,
			 "accepted_in_time", (json_int_t)g->accepted_in_time, "accepted_in_time_rate",
			 rate(g->accepted_in_time, g->received), "resolved", (json_int_t)g->resolved, "resolution_rate",
			 rate(g->resolved, g->received), "resolved_in_time", (json_int_t)g->resolved_in_time,
			 "in_time_rate", rate(g->resolved_in_time, g->resolved), "rated", (json_int_t)g->rated,
			 "satisfied", (json_int_t)g->satisfied, "satisfaction_rate", rate(g->satisfied, g->rated),
			 "mean_rating", g->rated ? json_real((double)g->rating_sum / (double)g->rated) : json_null(),
			 "median_workdays_to_accept", median(g->to_accept, g->n_accept), "median_workdays_to_resolve",
			 median(g->to_resolve, g->n_resolve));
}

static bool add_row(struct group *g, struct db_stmt *st)
{
	g->received++;
	if (!db_col_is_null(st, 3))
		g->accepted++;
	if (db_col_int64(st, 4) == 1 && !db_col_is_null(st, 4))
		g->accepted_in_time++;
	if (!db_col_is_null(st, 5))
		g->resolved++;
	if (db_col_int64(st, 6) == 1 && !db_col_is_null(st, 6))
		g->resolved_in_time++;
	if (!db_col_is_null(st, 7)) {
		int64_t rating = db_col_int64(st, 7);
		g->rated++;
		g->rating_sum += rating;
		if (rating >= 4)
			g->satisfied++;
	}
	if (!db_col_is_null(st, 8) && !push(&g->to_accept, &g->n_accept, &g->cap_accept, db_col_int64(st, 8)))
		return false;
	if (!db_col_is_null(st, 9) && !push(&g->to_resolve, &g->n_resolve, &g->cap_resolve, db_col_int64(st, 9)))
		return false;
	return true;
}

enum qerr service_stats(struct db *db, const struct actor *a, const char *from, const char *to, const char *by,
			json_t **out, struct qerror *err)
{
	*out = NULL;
	struct qdate f, t;
	if (!from || !qdate_parse(from, &f))
		return qerr_set(err, QERR_INVALID, "invalid_date", "from", "from must be a date YYYY-MM-DD");
	if (!to || !qdate_parse(to, &t))
		return qerr_set(err, QERR_INVALID, "invalid_date", "to", "to must be a date YYYY-MM-DD");
	if (qdate_compare(f, t) > 0)
		return qerr_set(err, QERR_INVALID, "invalid_range", "to", "to must not be before from");
	by = by && by[0] ? by : "category";
	int mode = strcmp(by, "category") == 0	? 0
		   : strcmp(by, "region") == 0	? 1
		   : strcmp(by, "handler") == 0 ? 2
						: -1;
	if (mode < 0)
		return qerr_set(err, QERR_INVALID, "invalid_group", "by", "by must be category, region or handler");
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT r.category,r.region,r.handler_org_id,r.accepted_at,r.accepted_in_time,"
		       "r.resolved_at,r.resolved_in_time,r.rating,r.accept_workdays,r.resolve_workdays,o.name"
		       " FROM service_requests r LEFT JOIN orgs o ON o.id=r.handler_org_id"
		       " WHERE r.submitted_date>=? AND r.submitted_date<=?",
		       err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	struct group total = {0}, *groups = NULL;
	size_t n = 0, cap = 0;
	snprintf(total.key, sizeof total.key, "total");
	snprintf(total.label, sizeof total.label, "合计 (total)");
	bool oom = false;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char key[64];
		if (mode == 0)
			snprintf(key, sizeof key, "%s", db_col_text(st, 0));
		else if (mode == 1)
			snprintf(key, sizeof key, "%.2s", db_col_text(st, 1));
		else if (db_col_is_null(st, 2))
			snprintf(key, sizeof key, "queue");
		else
			snprintf(key, sizeof key, "%lld", (long long)db_col_int64(st, 2));
		size_t i;
		for (i = 0; i < n && strcmp(groups[i].key, key) != 0; i++)
			;
		if (i == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				struct group *g = realloc(groups, cap * sizeof *groups);
				if (!g) {
					oom = true;
					break;
				}
				groups = g;
			}
			memset(&groups[n], 0, sizeof groups[n]);
			snprintf(groups[n].key, sizeof groups[n].key, "%s", key);
			const char *label = key;
			char province[16];
			if (mode == 2)
				label = db_col_is_null(st, 2) ? "运营方队列 (operator queue)" : db_col_text(st, 10);
			else if (mode == 1) {
				snprintf(province, sizeof province, "%.2s0000", key);
				const struct region *r = region_find(province);
				if (r)
					label = r->name;
			}
			snprintf(groups[n].label, sizeof groups[n].label, "%s", label);
			n++;
		}
		if (!add_row(&groups[i], st) || !add_row(&total, st)) {
			oom = true;
			break;
		}
	}
	db_reset(st);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(items, group_json(&groups[i]));
		free(groups[i].to_accept);
		free(groups[i].to_resolve);
	}
	free(groups);
	json_t *tot = group_json(&total);
	free(total.to_accept);
	free(total.to_resolve);
	if (rc < 0 || oom) {
		json_decref(items);
		json_decref(tot);
		if (oom)
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return err->code;
	}
	(void)a;
	*out = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "from", from, "to", to, "by", by, "items", items, "total", tot,
			 "calendar", workdays_calendar_json());
	return QERR_OK;
}

enum qerr service_providers(struct db *db, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT id,name FROM orgs WHERE type='provider' ORDER BY id", err);
	if (!st)
		return err->code;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1)));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

/* ---- provisional deadlines onto a newer calendar ---- */

struct provisional_row {
	int64_t id;
	char status[16], calendar[WORKDAYS_IDENTITY_LEN], accept_due[QDATE_TEXT_LEN], resolve_due[QDATE_TEXT_LEN];
};

/* One recorded date onto the calendar compiled in now; "" stays "". */
static enum qerr recompute_one(const char *calendar, const char *due, char *out, struct qdate *latest,
			       struct qerror *err)
{
	struct qdate d, nd;
	bool prov;
	snprintf(out, QDATE_TEXT_LEN, "%s", due);
	if (!svc_date(due, &d))
		return QERR_OK;
	if (workdays_recompute(calendar, d, &nd, &prov, err))
		return err->code;
	qdate_format(nd, out);
	if (qdate_compare(nd, *latest) > 0)
		*latest = nd;
	return QERR_OK;
}

enum qerr service_recompute_deadlines(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st = db_prepare(db,
					"SELECT id,status,calendar,accept_due,resolve_due FROM service_requests"
					" WHERE calendar LIKE '%+ provisional weekdays%' ORDER BY id",
					err);
	if (!st)
		return svc_fail(db, err);
	struct provisional_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct provisional_row *grown = realloc(rows, cap * sizeof *rows);
			if (!grown) {
				db_reset(st);
				free(rows);
				qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
				return svc_fail(db, err);
			}
			rows = grown;
		}
		struct provisional_row *p = &rows[n++];
		p->id = db_col_int64(st, 0);
		snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 1));
		snprintf(p->calendar, sizeof p->calendar, "%s", db_col_text(st, 2));
		snprintf(p->accept_due, sizeof p->accept_due, "%s", db_col_is_null(st, 3) ? "" : db_col_text(st, 3));
		snprintf(p->resolve_due, sizeof p->resolve_due, "%s", db_col_is_null(st, 4) ? "" : db_col_text(st, 4));
	}
	db_reset(st);
	if (rc < 0) {
		free(rows);
		return svc_fail(db, err);
	}
	struct workdays_calendar cal = workdays_calendar();
	json_t *items = json_array();
	int64_t recomputed = 0, waiting = 0;
	char now[SVC_TIME_LEN];
	svc_now(now);
	for (size_t i = 0; i < n; i++) {
		struct provisional_row *p = &rows[i];
		int last = 0;
		workdays_identity_provisional(p->calendar, &last);
		/* Nothing newer yet (the same calendar), or the case is over: its dates are history. */
		if (last >= cal.last_year) {
			waiting++;
			continue;
		}
		if (strcmp(p->status, "closed") == 0 || strcmp(p->status, "withdrawn") == 0)
			continue;
		char acc[QDATE_TEXT_LEN], res[QDATE_TEXT_LEN], calendar[WORKDAYS_IDENTITY_LEN];
		struct qdate latest = {.year = cal.first_year, .month = 1, .day = 1};
		if (recompute_one(p->calendar, p->accept_due, acc, &latest, err) ||
		    recompute_one(p->calendar, p->resolve_due, res, &latest, err))
			goto fail;
		workdays_identity_upto(latest, calendar);
		st = db_prepare(
		    db, "UPDATE service_requests SET accept_due=?,resolve_due=?,calendar=?,updated_at=? WHERE id=?",
		    err);
		if (!st)
			goto fail;
		db_bind_text_or_null(st, 1, acc);
		db_bind_text_or_null(st, 2, res);
		db_bind_text(st, 3, calendar);
		db_bind_text(st, 4, now);
		db_bind_int64(st, 5, p->id);
		if (db_run(st, err))
			goto fail;
		json_t *detail = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:b}", "id", (json_int_t)p->id, "old_calendar",
					   p->calendar, "calendar", calendar, "old_accept_due",
					   p->accept_due[0] ? json_string(p->accept_due) : json_null(), "accept_due",
					   acc[0] ? json_string(acc) : json_null(), "old_resolve_due",
					   p->resolve_due[0] ? json_string(p->resolve_due) : json_null(), "resolve_due",
					   res[0] ? json_string(res) : json_null(), "provisional",
					   workdays_identity_provisional(calendar, NULL));
		if (svc_event(db, a, p->id, "deadlines_recomputed", p->status, p->status,
			      "工作日历已更新,暂定期限已按新日历重算 (the calendar was updated: provisional deadlines "
			      "recomputed)",
			      detail, err) ||
		    svc_audit(db, a, "service.recompute_deadlines", p->id, detail, err)) {
			json_decref(detail);
			goto fail;
		}
		json_array_append_new(items, detail);
		recomputed++;
	}
	free(rows);
	if (db_commit(db, err)) {
		json_decref(items);
		return svc_fail(db, err);
	}
	*out = json_pack("{s:I,s:I,s:o,s:o}", "recomputed", (json_int_t)recomputed, "waiting", (json_int_t)waiting,
			 "calendar", workdays_calendar_json(), "items", items);
	return QERR_OK;
fail:
	free(rows);
	json_decref(items);
	return svc_fail(db, err);
}
