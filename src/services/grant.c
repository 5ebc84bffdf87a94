/*
 * grant.c - consent grants, the reads under them with their log, and the
 * enterprise's own-data export. The scopes are read through the scope table
 * below: the registry's record (platform/enterprise_ref.h), chain-map
 * relations (chainmap/chainmap.h), market orders (market/rfq.h), this
 * chain's service requests, and the finance chain's certificates
 * (finance/finance.h finance_certificates_of: only what the enterprise itself
 * issued or holds, never another holder's pieces). grant_scope_register
 * replaces a reader (tests).
 */
#include "services/grant.h"

#include <string.h>
#include "chainmap/chainmap.h"
#include "finance/finance.h"
#include "market/rfq.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"
#include "services/service.h"
#include "services/services_int.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}
#define GRANT_MAX_ITEMS 5000

const char *const grant_scopes[] = {"profile", "relations", "orders", "certificates", "service_requests", NULL};

const struct jfield grant_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL,
     "USCC of the enterprise whose data is shared (of the caller's organisation)"},
    {"grantee_org_id", JF_INT, true, 1, INT64_MAX, NULL, "the organisation that may read"},
    {"scopes", JF_STRING_ARRAY, true, 0, 0, NULL, "profile, relations, orders, certificates, service_requests"},
    {"purpose", JF_STRING, true, 1, 500, NULL, "what the data is for (e.g. 供应链金融授信审查)"},
    {"valid_from", JF_STRING, false, 10, 10, NULL, "first day, YYYY-MM-DD (default today, Asia/Shanghai)"},
    {"valid_until", JF_STRING, true, 10, 10, NULL, "last day, YYYY-MM-DD (at most 3 years ahead)"},
    END_FIELDS,
};

/* ---- scope readers ---- */

static enum qerr read_profile(struct db *db, int64_t eid, const char *uscc, json_t **out, struct qerror *err)
{
	struct actor sys;
	actor_cli(&sys);
	(void)eid;
	return enterprise_get(db, &sys, uscc, out, err);
}

/* Appends every page of a cursor list call to items (up to GRANT_MAX_ITEMS). */
static enum qerr relations_side(struct db *db, const char *uscc, bool as_buyer, json_t *items, struct qerror *err)
{
	struct actor sys;
	actor_cli(&sys);
	struct relation_filter f = {.buyer = as_buyer ? uscc : NULL, .supplier = as_buyer ? NULL : uscc, .limit = 500};
	for (;;) {
		json_t *page = NULL;
		if (chainmap_relation_list(db, &sys, &f, &page, err))
			return err->code;
		json_array_extend(items, json_object_get(page, "items"));
		const char *next = json_string_value(json_object_get(page, "next_cursor"));
		int64_t cursor = next ? strtoll(next, NULL, 10) : 0;
		json_decref(page);
		if (!cursor || json_array_size(items) >= GRANT_MAX_ITEMS)
			return QERR_OK;
		f.cursor = cursor;
	}
}

static enum qerr read_relations(struct db *db, int64_t eid, const char *uscc, json_t **out, struct qerror *err)
{
	(void)eid;
	json_t *buying = json_array(), *supplying = json_array();
	if (relations_side(db, uscc, true, buying, err) || relations_side(db, uscc, false, supplying, err)) {
		json_decref(buying);
		json_decref(supplying);
		return err->code;
	}
	*out = json_pack("{s:o,s:o}", "as_buyer", buying, "as_supplier", supplying);
	return QERR_OK;
}

static enum qerr read_orders(struct db *db, int64_t eid, const char *uscc, json_t **out, struct qerror *err)
{
	struct enterprise_ref ref;
	if (enterprise_ref_by_id(db, eid, &ref, err))
		return err->code;
	/* The owner's view (orders of its organisation's enterprises), narrowed to this enterprise. */
	struct actor owner = {
	    .user_id = 0, .org_id = ref.org_id ? ref.org_id : -1, .org_type = ORG_SME, .role = ROLE_MEMBER};
	json_t *items = json_array();
	struct market_order_filter f = {.limit = 500};
	for (;;) {
		json_t *page = NULL;
		if (market_order_list(db, &owner, &f, &page, err)) {
			json_decref(items);
			return err->code;
		}
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(page, "items"), i, o)
		{
			const char *b = json_string_value(json_object_get(json_object_get(o, "buyer"), "uscc"));
			const char *s = json_string_value(json_object_get(json_object_get(o, "supplier"), "uscc"));
			if ((b && strcmp(b, uscc) == 0) || (s && strcmp(s, uscc) == 0))
				json_array_append(items, o);
		}
		const char *next = json_string_value(json_object_get(page, "next_cursor"));
		int64_t cursor = next ? strtoll(next, NULL, 10) : 0;
		json_decref(page);
		if (!cursor || json_array_size(items) >= GRANT_MAX_ITEMS)
			break;
		f.cursor = cursor;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

static enum qerr read_service_requests(struct db *db, int64_t eid, const char *uscc, json_t **out, struct qerror *err)
{
	(void)uscc;
	return service_requests_of(db, eid, out, err);
}

/*
 * The certificates the enterprise issued or holds live pieces of, as the finance chain gives them to other
 * chains: per certificate its face, maturity, status, overdue flag, the enterprise's role and held_fen (the sum of
 * its own pieces only). No other holder, piece or transfer is in it.
 */
static enum qerr read_certificates(struct db *db, int64_t eid, const char *uscc, json_t **out, struct qerror *err)
{
	(void)uscc;
	struct enterprise_ref ref;
	if (enterprise_ref_by_id(db, eid, &ref, err))
		return err->code;
	json_t *items = NULL;
	if (finance_certificates_of(db, ref.org_id, ref.id, 500, &items, err))
		return err->code;
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

/*
 * The scope table: each scope's reader. A scope whose reader is NULL (a
 * chain not plugged in; grant_scope_register(scope, NULL) in tests)
 * answers 501 scope_unavailable.
 */
static struct {
	const char *scope;
	grant_scope_fn read, builtin;
} scope_table[] = {
    {"profile", read_profile, read_profile},
    {"relations", read_relations, read_relations},
    {"orders", read_orders, read_orders},
    {"certificates", read_certificates, read_certificates},
    {"service_requests", read_service_requests, read_service_requests},
};
#define SCOPE_COUNT (sizeof scope_table / sizeof scope_table[0])

static int scope_index(const char *scope)
{
	for (size_t i = 0; scope && i < SCOPE_COUNT; i++)
		if (strcmp(scope_table[i].scope, scope) == 0)
			return (int)i;
	return -1;
}

enum qerr grant_scope_register(const char *scope, grant_scope_fn fn, struct qerror *err)
{
	int i = scope_index(scope);
	if (i < 0)
		return qerr_set(err, QERR_INVALID, "invalid_scope", "scope", "unknown scope %s", scope ? scope : "");
	scope_table[i].read = fn;
	return QERR_OK;
}

void grant_scope_restore(void)
{
	for (size_t i = 0; i < SCOPE_COUNT; i++)
		scope_table[i].read = scope_table[i].builtin;
}

static enum qerr scope_unavailable(struct qerror *err, const char *scope)
{
	return qerr_set(err, QERR_NOT_IMPLEMENTED, "scope_unavailable", "scope",
			"数据范围 %s 暂不可用:其数据所属的链尚未接入 (scope %s is not available yet: the chain that "
			"owns its data is not plugged into the data chain)",
			scope, scope);
}

/* ---- grants ---- */

#define GRANT_COLS                                                                                                     \
	"g.id,e.uscc,e.name,g.grantee_org_id,o.name,o.type,g.scopes,g.purpose,g.valid_from,g.valid_until,g.granted_"   \
	"by,"                                                                                                          \
	"g.granted_at,g.revoked_at,g.revoked_by,u.email,g.enterprise_id,e.org_id"
#define GRANT_FROM                                                                                                     \
	" FROM data_grants g JOIN enterprises e ON e.id=g.enterprise_id JOIN orgs o ON o.id=g.grantee_org_id"          \
	" LEFT JOIN users u ON u.id=g.granted_by"

static const char *grant_state(const char *from, const char *until, bool revoked, const char *today)
{
	if (revoked)
		return "revoked";
	if (strcmp(today, from) < 0)
		return "pending";
	if (strcmp(today, until) > 0)
		return "expired";
	return "active";
}

static json_t *split_scopes(const char *s)
{
	json_t *a = json_array();
	char buf[256];
	snprintf(buf, sizeof buf, "%s", s);
	for (char *save = NULL, *t = strtok_r(buf, ";", &save); t; t = strtok_r(NULL, ";", &save))
		json_array_append_new(a, json_string(t));
	return a;
}

static json_t *grant_row(struct db_stmt *st)
{
	char today[QDATE_TEXT_LEN];
	qdate_format(svc_today(), today);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int64(st, 0)));
	json_object_set_new(o, "enterprise",
			    json_pack("{s:s,s:s}", "uscc", db_col_text(st, 1), "name", db_col_text(st, 2)));
	json_object_set_new(o, "grantee",
			    json_pack("{s:I,s:s,s:s}", "org_id", (json_int_t)db_col_int64(st, 3), "name",
				      db_col_text(st, 4), "type", db_col_text(st, 5)));
	json_object_set_new(o, "scopes", split_scopes(db_col_text(st, 6)));
	json_object_set_new(o, "purpose", json_string(db_col_text(st, 7)));
	json_object_set_new(o, "valid_from", json_string(db_col_text(st, 8)));
	json_object_set_new(o, "valid_until", json_string(db_col_text(st, 9)));
	json_object_set_new(
	    o, "granted_by",
	    json_pack("{s:I,s:o}", "user_id", (json_int_t)db_col_int64(st, 10), "email", db_col_json_text(st, 14)));
	json_object_set_new(o, "granted_at", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "revoked_at", db_col_json_text(st, 12));
	json_object_set_new(o, "revoked_by", db_col_json_int(st, 13));
	json_object_set_new(
	    o, "state",
	    json_string(grant_state(db_col_text(st, 8), db_col_text(st, 9), !db_col_is_null(st, 12), today)));
	return o;
}

struct grant_row {
	int64_t id, enterprise_id, owner_org, grantee_org;
	bool revoked;
	char scopes[128], from[QDATE_TEXT_LEN], until[QDATE_TEXT_LEN];
};

static enum qerr grant_load(struct db *db, int64_t id, struct grant_row *g, json_t **json, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " GRANT_COLS GRANT_FROM " WHERE g.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "grant_not_found", "id", "授权不存在 (no data grant %lld)",
				(long long)id);
	if (rc)
		return rc;
	memset(g, 0, sizeof *g);
	g->id = id;
	g->grantee_org = db_col_int64(st, 3);
	g->enterprise_id = db_col_int64(st, 15);
	g->owner_org = db_col_is_null(st, 16) ? 0 : db_col_int64(st, 16);
	g->revoked = !db_col_is_null(st, 12);
	snprintf(g->scopes, sizeof g->scopes, "%s", db_col_text(st, 6));
	snprintf(g->from, sizeof g->from, "%s", db_col_text(st, 8));
	snprintf(g->until, sizeof g->until, "%s", db_col_text(st, 9));
	if (json)
		*json = grant_row(st);
	db_reset(st);
	return QERR_OK;
}

static bool owner_of(const struct actor *a, int64_t owner_org)
{
	return a->org_id != 0 && a->org_id == owner_org;
}

/* The enterprise named by a USCC as text: checked, resolved; QERR_NOT_FOUND when unknown. */
static enum qerr resolve(struct db *db, const char *uscc, const char *field, struct enterprise_ref *ref,
			 struct qerror *err)
{
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc ? uscc : "", canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	if (enterprise_ref_by_uscc(db, canon, ref, err)) {
		if (err->code == QERR_NOT_FOUND)
			snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	return QERR_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum qerr grant_create(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	const json_t *scopes = json_object_get(body, "scopes");
	size_t n = json_array_size(scopes);
	if (n == 0 || n > SCOPE_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_scopes", "scopes", "scopes needs 1 to %zu of %s",
				SCOPE_COUNT, "profile, relations, orders, certificates, service_requests");
	const char *list[SCOPE_COUNT];
	for (size_t i = 0; i < n; i++) {
		list[i] = json_string_value(json_array_get(scopes, i));
		if (scope_index(list[i]) < 0)
			return qerr_set(err, QERR_INVALID, "invalid_scope", "scopes", "unknown scope %s",
					list[i] ? list[i] : "");
		for (size_t j = 0; j < i; j++)
			if (strcmp(list[i], list[j]) == 0)
				return qerr_set(err, QERR_INVALID, "duplicate_scope", "scopes", "scope %s twice",
						list[i]);
	}
	qsort(list, n, sizeof list[0], cmp_str);
	char joined[128] = "";
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(joined);
		snprintf(joined + len, sizeof joined - len, "%s%s", i ? ";" : "", list[i]);
	}
	struct qdate today = svc_today(), from = today, until, limit;
	const char *from_text = json_str(body, "valid_from", NULL);
	if (from_text && !qdate_parse(from_text, &from))
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_from", "valid_from must be YYYY-MM-DD");
	if (!qdate_parse(json_str(body, "valid_until", ""), &until))
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_until", "valid_until must be YYYY-MM-DD");
	if (qdate_compare(from, today) < 0)
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_from",
				"授权不能从过去开始 (valid_from is in the past)");
	if (qdate_compare(until, from) < 0)
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_until", "valid_until is before valid_from");
	qdate_add_days(today, 3 * 366, &limit);
	if (qdate_compare(until, limit) > 0)
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_until",
				"授权期限最长三年 (a grant lasts at most three years)");
	if (db_begin_write(db, err))
		return err->code;
	struct enterprise_ref ref;
	if (resolve(db, json_str(body, "enterprise", ""), "enterprise", &ref, err))
		return svc_fail(db, err);
	if (!owner_of(a, ref.org_id) || a->role != ROLE_ADMIN) {
		qerr_set(
		    err, QERR_FORBIDDEN, "forbidden", "enterprise",
		    "只有企业所属组织的管理员可以授权 (only an admin of the enterprise's organisation grants access)");
		return svc_fail(db, err);
	}
	int64_t grantee = json_int(body, "grantee_org_id", 0);
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM orgs WHERE id=?", err);
	int64_t exists = 0;
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, grantee);
	if (db_scalar_int64(st, &exists, err))
		return svc_fail(db, err);
	if (!exists || grantee == ref.org_id) {
		qerr_set(err, QERR_INVALID, "invalid_grantee", "grantee_org_id",
			 exists ? "不能授权给本组织 (the enterprise's own organisation needs no grant)"
				: "被授权组织不存在 (no such organisation)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN], f[QDATE_TEXT_LEN], u[QDATE_TEXT_LEN];
	svc_now(now);
	qdate_format(from, f);
	qdate_format(until, u);
	st = db_prepare(db,
			"INSERT INTO data_grants(enterprise_id,grantee_org_id,scopes,purpose,valid_from,valid_until,"
			"granted_by,granted_at) VALUES(?,?,?,?,?,?,?,?) RETURNING id",
			err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, ref.id);
	db_bind_int64(st, 2, grantee);
	db_bind_text(st, 3, joined);
	db_bind_text(st, 4, json_str(body, "purpose", ""));
	db_bind_text(st, 5, f);
	db_bind_text(st, 6, u);
	db_bind_int64(st, 7, a->user_id);
	db_bind_text(st, 8, now);
	int64_t id;
	if (db_scalar_int64(st, &id, err))
		return svc_fail(db, err);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	json_t *detail = json_pack("{s:s,s:I,s:s,s:s,s:s}", "enterprise", ref.uscc, "grantee_org_id",
				   (json_int_t)grantee, "scopes", joined, "valid_from", f, "valid_until", u);
	enum qerr rc = audit_record(db, a, "data.grant", "data_grant", oid, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		return svc_fail(db, err);
	struct grant_row g;
	return grant_load(db, id, &g, out, err);
}

enum qerr grant_list(struct db *db, const struct actor *a, const char *role, const char *enterprise, json_t **out,
		     struct qerror *err)
{
	*out = NULL;
	bool grantee = role && strcmp(role, "grantee") == 0;
	if (role && role[0] && !grantee && strcmp(role, "owner") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_role", "role", "role must be owner or grantee");
	int64_t eid = 0;
	if (enterprise && enterprise[0]) {
		struct enterprise_ref ref;
		if (resolve(db, enterprise, "enterprise", &ref, err))
			return err->code;
		eid = ref.id;
	}
	bool op = svc_is_operator(a);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT " GRANT_COLS GRANT_FROM " WHERE (CAST(?1 AS BIGINT)=0 OR g.enterprise_id=?1)"
		       " AND ((?2=1 AND g.grantee_org_id=?3) OR (?2=0 AND (?4=1 OR e.org_id=?3)))"
		       " ORDER BY g.id DESC LIMIT 1000",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, eid);
	db_bind_int(st, 2, grantee ? 1 : 0);
	db_bind_int64(st, 3, a->org_id);
	db_bind_int(st, 4, op ? 1 : 0);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, grant_row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

enum qerr grant_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct grant_row g;
	json_t *o = NULL;
	if (grant_load(db, id, &g, &o, err))
		return err->code;
	if (!owner_of(a, g.owner_org) && a->org_id != g.grantee_org && !svc_is_operator(a)) {
		json_decref(o);
		return qerr_set(err, QERR_NOT_FOUND, "grant_not_found", "id", "授权不存在 (no data grant %lld)",
				(long long)id);
	}
	*out = o;
	return QERR_OK;
}

enum qerr grant_consent(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	json_t *g = NULL;
	if (grant_get(db, a, id, &g, err))
		return err->code;
	char now[SVC_TIME_LEN];
	svc_now(now);
	*out = json_pack("{s:s,s:s,s:o,s:s}", "document", "数据授权同意书 (data access consent record)", "issued_by",
			 "Qilian 七链 数据链", "grant", g, "downloaded_at", now);
	return QERR_OK;
}

enum qerr grant_revoke(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct grant_row g;
	if (grant_load(db, id, &g, NULL, err))
		return svc_fail(db, err);
	if (!owner_of(a, g.owner_org)) {
		if (a->org_id == g.grantee_org || svc_is_operator(a))
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有授权企业可以撤销授权 (only the granting enterprise's organisation revokes)");
		else
			qerr_set(err, QERR_NOT_FOUND, "grant_not_found", "id", "授权不存在 (no data grant %lld)",
				 (long long)id);
		return svc_fail(db, err);
	}
	if (a->role != ROLE_ADMIN) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有管理员可以撤销授权 (only an admin revokes a grant)");
		return svc_fail(db, err);
	}
	if (g.revoked) {
		qerr_set(err, QERR_CONFLICT, "grant_revoked", "id", "授权已撤销 (the grant is already revoked)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st = db_prepare(db, "UPDATE data_grants SET revoked_at=?,revoked_by=? WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, now);
	db_bind_int64(st, 2, a->user_id);
	db_bind_int64(st, 3, id);
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	if (db_run(st, err) || audit_record(db, a, "data.revoke", "data_grant", oid, NULL, err) || db_commit(db, err))
		return svc_fail(db, err);
	return grant_load(db, id, &g, out, err);
}

static bool has_scope(const char *scopes, const char *scope)
{
	size_t n = strlen(scope);
	for (const char *p = scopes; (p = strstr(p, scope)); p += n)
		if ((p == scopes || p[-1] == ';') && (p[n] == '\0' || p[n] == ';'))
			return true;
	return false;
}

/* The active grant of org for scope on enterprise eid today, or why there is none (403). */
static enum qerr active_grant(struct db *db, int64_t eid, int64_t org, const char *scope, int64_t *grant_id,
			      struct qerror *err)
{
	char today[QDATE_TEXT_LEN];
	qdate_format(svc_today(), today);
	struct db_stmt *st = db_prepare(db,
					"SELECT id,scopes,valid_from,valid_until,revoked_at FROM data_grants"
					" WHERE enterprise_id=? AND grantee_org_id=? ORDER BY id DESC",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, eid);
	db_bind_int64(st, 2, org);
	/* Why not, for the message: the most telling reason among this organisation's grants. */
	int why = 0; /* 0 none, 1 scope not granted, 2 not started, 3 expired, 4 revoked */
	int rc;
	*grant_id = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		bool scoped = has_scope(db_col_text(st, 1), scope);
		const char *state = grant_state(db_col_text(st, 2), db_col_text(st, 3), !db_col_is_null(st, 4), today);
		if (scoped && strcmp(state, "active") == 0) {
			*grant_id = db_col_int64(st, 0);
			break;
		}
		int w = !scoped ? 1 : strcmp(state, "pending") == 0 ? 2 : strcmp(state, "expired") == 0 ? 3 : 4;
		if (w > why)
			why = w;
	}
	db_reset(st);
	if (rc < 0)
		return err->code;
	if (*grant_id)
		return QERR_OK;
	static const char *const slugs[] = {"no_grant", "scope_not_granted", "grant_not_started", "grant_expired",
					    "grant_revoked"};
	static const char *const zh[] = {"未获该企业数据授权", "授权不含此数据范围", "授权尚未生效", "授权已过期",
					 "授权已撤销"};
	static const char *const en[] = {"the enterprise has not granted your organisation access",
					 "your grant does not include this scope", "your grant has not started yet",
					 "your grant has expired", "your grant was revoked"};
	return qerr_set(err, QERR_FORBIDDEN, slugs[why], "scope", "%s (%s: %s)", zh[why], en[why], scope);
}

static int64_t count_items(const json_t *data)
{
	const json_t *items = json_object_get(data, "items");
	if (items)
		return (int64_t)json_array_size(items);
	if (json_object_get(data, "as_buyer"))
		return (int64_t)(json_array_size(json_object_get(data, "as_buyer")) +
				 json_array_size(json_object_get(data, "as_supplier")));
	return 1;
}

enum qerr grant_read(struct db *db, const struct actor *a, const char *uscc, const char *scope, json_t **out,
		     struct qerror *err)
{
	*out = NULL;
	int si = scope_index(scope);
	if (si < 0)
		return qerr_set(err, QERR_INVALID, "invalid_scope", "scope",
				"未知的数据范围 %s (unknown scope; one of profile, relations, orders, certificates, "
				"service_requests)",
				scope ? scope : "");
	if (db_begin_write(db, err))
		return err->code;
	struct enterprise_ref ref;
	if (resolve(db, uscc, "uscc", &ref, err))
		return svc_fail(db, err);
	bool own = owner_of(a, ref.org_id);
	int64_t grant_id = 0;
	if (!own && active_grant(db, ref.id, a->org_id, scope, &grant_id, err))
		return svc_fail(db, err);
	if (!scope_table[si].read) {
		scope_unavailable(err, scope);
		return svc_fail(db, err);
	}
	json_t *data = NULL;
	if (scope_table[si].read(db, ref.id, ref.uscc, &data, err))
		return svc_fail(db, err);
	if (!own) {
		char now[SVC_TIME_LEN];
		svc_now(now);
		struct db_stmt *st =
		    db_prepare(db,
			       "INSERT INTO data_access_log(grant_id,enterprise_id,reader_org_id,reader_user_id,"
			       "scope,items,at) VALUES(?,?,?,?,?,?,?)",
			       err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, grant_id);
		db_bind_int64(st, 2, ref.id);
		db_bind_int64(st, 3, a->org_id);
		db_bind_int64(st, 4, a->user_id);
		db_bind_text(st, 5, scope);
		db_bind_int64(st, 6, count_items(data));
		db_bind_text(st, 7, now);
		if (db_run(st, err))
			goto fail;
	}
	if (db_commit(db, err))
		goto fail;
	*out = json_pack("{s:{s:s,s:s},s:s,s:o,s:o}", "enterprise", "uscc", ref.uscc, "name", ref.name, "scope", scope,
			 "grant_id", grant_id ? json_integer(grant_id) : json_null(), "data", data);
	return QERR_OK;
fail:
	json_decref(data);
	return svc_fail(db, err);
}

static json_t *log_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:I,s:{s:I,s:o},s:{s:I,s:o},s:s,s:I,s:s}", "id", (json_int_t)db_col_int64(st, 0),
			 "grant_id", (json_int_t)db_col_int64(st, 1), "reader", "org_id",
			 (json_int_t)db_col_int64(st, 2), "name", db_col_json_text(st, 3), "user", "id",
			 (json_int_t)db_col_int64(st, 4), "email", db_col_json_text(st, 5), "scope", db_col_text(st, 6),
			 "items", (json_int_t)db_col_int64(st, 7), "at", db_col_text(st, 8));
}

enum qerr grant_access_log(struct db *db, const struct actor *a, const char *uscc, int limit, int64_t cursor,
			   json_t **out, struct qerror *err)
{
	*out = NULL;
	struct enterprise_ref ref;
	if (resolve(db, uscc, "enterprise", &ref, err))
		return err->code;
	if (!owner_of(a, ref.org_id) && !svc_is_operator(a))
		return qerr_set(
		    err, QERR_FORBIDDEN, "forbidden", "enterprise",
		    "只有企业本身可以查看其数据访问记录 (only the enterprise's organisation sees who read its data)");
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT l.id,l.grant_id,l.reader_org_id,o.name,l.reader_user_id,u.email,l.scope,l.items,l.at"
		       " FROM data_access_log l LEFT JOIN orgs o ON o.id=l.reader_org_id"
		       " LEFT JOIN users u ON u.id=l.reader_user_id"
		       " WHERE l.enterprise_id=? AND (CAST(? AS BIGINT)=0 OR l.id<?) ORDER BY l.id DESC LIMIT ?",
		       err);
	if (!st)
		return err->code;
	limit = limit > 0 && limit <= 500 ? limit : 100;
	db_bind_int64(st, 1, ref.id);
	db_bind_int64(st, 2, cursor);
	db_bind_int64(st, 3, cursor);
	db_bind_int(st, 4, limit + 1);
	return db_page(st, limit, log_row, out, err);
}

/* Talent postings of the enterprise's organisation that name the enterprise (for the export). */
static enum qerr talent_of(struct db *db, int64_t eid, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT id,kind,title,skills,mode,region,status,created_at FROM talent_posts"
					" WHERE enterprise_id=? ORDER BY id",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, eid);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
						       (json_int_t)db_col_int64(st, 0), "kind", db_col_text(st, 1),
						       "title", db_col_text(st, 2), "skills", db_col_text(st, 3),
						       "mode", db_col_text(st, 4), "region", db_col_text(st, 5),
						       "status", db_col_text(st, 6), "created_at", db_col_text(st, 7)));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = items;
	return QERR_OK;
}

enum qerr grant_export(struct db *db, const struct actor *a, const char *uscc, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct enterprise_ref ref;
	if (resolve(db, uscc, "enterprise", &ref, err))
		return err->code;
	if (!owner_of(a, ref.org_id))
		return qerr_set(
		    err, QERR_FORBIDDEN, "forbidden", "enterprise",
		    "只有企业所属组织可以导出其全部数据 (only the enterprise's own organisation exports its data)");
	json_t *doc = json_object(), *part = NULL;
	char now[SVC_TIME_LEN];
	svc_now(now);
	json_object_set_new(doc, "document", json_string("企业数据导出 (enterprise data export)"));
	json_object_set_new(doc, "exported_at", json_string(now));
	json_object_set_new(doc, "enterprise", json_pack("{s:s,s:s}", "uscc", ref.uscc, "name", ref.name));
	for (size_t i = 0; i < SCOPE_COUNT; i++) {
		if (!scope_table[i].read) {
			struct qerror e = {0};
			scope_unavailable(&e, scope_table[i].scope);
			json_object_set_new(doc, scope_table[i].scope,
					    json_pack("{s:b,s:s}", "available", 0, "message", e.message));
			continue;
		}
		if (scope_table[i].read(db, ref.id, ref.uscc, &part, err))
			goto fail;
		json_object_set_new(doc, scope_table[i].scope, part);
	}
	if (grant_list(db, a, "owner", ref.uscc, &part, err))
		goto fail;
	json_object_set_new(doc, "data_grants", json_incref(json_object_get(part, "items")));
	json_decref(part);
	if (grant_access_log(db, a, ref.uscc, 500, 0, &part, err))
		goto fail;
	json_object_set_new(doc, "data_access_log", json_incref(json_object_get(part, "items")));
	json_decref(part);
	if (talent_of(db, ref.id, &part, err))
		goto fail;
	json_object_set_new(doc, "talent_posts", part);
	*out = doc;
	return QERR_OK;
fail:
	json_decref(doc);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr grant_grantees(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,name,type FROM orgs WHERE type<>'operator' AND id<>? ORDER BY"
		       " CASE WHEN type='bank' THEN 0 WHEN type='large' THEN 1 ELSE 2 END, id LIMIT 1000",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0), "name",
						       db_col_text(st, 1), "type", db_col_text(st, 2)));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}
