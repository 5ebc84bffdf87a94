/* enterprise.c - enterprise records: validation, CRUD, listing, CSV import/export. */
#include "registry/enterprise.h"

#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/util.h"
#include "registry/classify.h"
#include "registry/industry.h"
#include "registry/region.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"

const char *const enterprise_levels[] = {"none", "innovative", "provincial", "little_giant", NULL};

#define F_COUNT(name, desc) {name, JF_INT, true, 0, ENTERPRISE_MAX_COUNT - 1, NULL, desc}
const struct jfield enterprise_create_fields[] = {
	{"uscc", JF_STRING, true, 18, 36, NULL, "统一社会信用代码 (GB 32100-2015); spaces or hyphens between its groups are dropped"},
	{"name", JF_STRING, true, 1, 200, NULL, "企业名称"},
	{"region", JF_STRING, true, 6, 6, NULL, "GB/T 2260 county/city/province code"},
	{"industry", JF_STRING, true, 1, 4, NULL, "GB/T 4754-2017 section letter or 2-4 digit code"},
	F_COUNT("employees", "从业人员 (persons)"),
	F_COUNT("revenue_wan", "营业收入 (万元)"),
	F_COUNT("assets_wan", "资产总额 (万元)"),
	{"level", JF_STRING, true, 0, 0, enterprise_levels, "专精特新 level"},
	{"org_id", JF_INT, false, 1, INT64_MAX, NULL, "owning organisation (operator only; default: own)"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};
#define F_COUNT_OPT(name, desc) {name, JF_INT, false, 0, ENTERPRISE_MAX_COUNT - 1, NULL, desc}
const struct jfield enterprise_update_fields[] = {
	{"name", JF_STRING, false, 1, 200, NULL, "企业名称"},
	{"region", JF_STRING, false, 6, 6, NULL, "GB/T 2260 code"},
	{"industry", JF_STRING, false, 1, 4, NULL, "GB/T 4754-2017 code"},
	F_COUNT_OPT("employees", "从业人员"),
	F_COUNT_OPT("revenue_wan", "营业收入 (万元)"),
	F_COUNT_OPT("assets_wan", "资产总额 (万元)"),
	{"level", JF_STRING, false, 0, 0, enterprise_levels, "专精特新 level"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

bool enterprise_may_write(const struct actor *a, int64_t owner_org_id)
{
	if (a->org_type == ORG_OPERATOR)
		return true;
	if (a->org_type != ORG_LARGE && a->org_type != ORG_SME)
		return false;
	return owner_org_id == a->org_id;
}

static enum qerr check_name(const char *name, struct qerror *err)
{
	size_t n = name ? util_utf8_len(name) : 0;
	if (n == 0 || n > 200)
		return qerr_set(err, QERR_INVALID, "invalid_name", "name", "企业名称应为1至200个字符 (name needs 1 to 200 characters)");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20)
			return qerr_set(err, QERR_INVALID, "invalid_name", "name", "name contains control characters");
	return QERR_OK;
}

static bool parse_level(const char *s, const char **out)
{
	for (int i = 0; enterprise_levels[i]; i++) {
		if (s && strcmp(s, enterprise_levels[i]) == 0) {
			*out = enterprise_levels[i];
			return true;
		}
	}
	return false;
}

/* Checks the parts that need no parsing and derives the size class. */
static enum qerr finish(struct enterprise *e, struct qerror *err)
{
	if (check_name(e->name, err))
		return err->code;
	if (region_check(e->region, "region", err))
		return err->code;
	enum size_class size;
	if (classify_size(e->industry, e->employees, e->revenue_wan, e->assets_wan, &size, err))
		return err->code;
	e->size = size_class_name(size);
	return QERR_OK;
}

static enum qerr parse_count(const char *s, const char *field, int64_t *out, struct qerror *err)
{
	if (!util_parse_i64(s, 0, ENTERPRISE_MAX_COUNT - 1, out))
		return qerr_set(err, QERR_INVALID, "invalid_number", field,
				"%s应为0至%lld的整数 (%s must be a whole number from 0 to %lld)", field,
				ENTERPRISE_MAX_COUNT - 1, field, ENTERPRISE_MAX_COUNT - 1);
	return QERR_OK;
}

enum qerr enterprise_from_text(const char *uscc, const char *name, const char *region, const char *industry,
			       const char *employees, const char *revenue_wan, const char *assets_wan,
			       const char *level, struct enterprise *e, struct qerror *err)
{
	memset(e, 0, sizeof *e);
	if (uscc_check(uscc, e->uscc, err))
		return err->code;
	if (check_name(name, err))
		return err->code;
	snprintf(e->name, sizeof e->name, "%s", name);
	if (!region || strlen(region) != 6)
		return region_check(region ? region : "", "region", err);
	memcpy(e->region, region, 7);
	if (industry_check(industry, "industry", e->industry, err))
		return err->code;
	if (parse_count(employees, "employees", &e->employees, err) ||
	    parse_count(revenue_wan, "revenue_wan", &e->revenue_wan, err) ||
	    parse_count(assets_wan, "assets_wan", &e->assets_wan, err))
		return err->code;
	if (!parse_level(level, &e->level))
		return qerr_set(err, QERR_INVALID, "invalid_level", "level",
				"专精特新等级应为 none/innovative/provincial/little_giant (level must be one of none, innovative, provincial, little_giant)");
	return finish(e, err);
}

#define ENT_COLS "id,uscc,name,region,industry,employees,revenue_wan,assets_wan,level,size,org_id,created_at,updated_at"

static json_t *enterprise_row(struct db_stmt *st)
{
	char rname[160];
	const char *region = db_col_text(st, 3), *industry = db_col_text(st, 4);
	char div[3] = {0};
	const struct industry *ind = NULL;
	if (industry[0] >= '0' && industry[0] <= '9') {
		memcpy(div, industry, 2);
		ind = industry_find(div);
	} else {
		ind = industry_find(industry);
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "uscc", db_col_text(st, 1),
			      "name", db_col_text(st, 2), "region", region, "region_name",
			      region_full_name(region, rname, sizeof rname), "industry", industry, "industry_name",
			      ind ? ind->name : "", "employees", (json_int_t)db_col_int64(st, 5), "revenue_wan",
			      (json_int_t)db_col_int64(st, 6), "assets_wan", (json_int_t)db_col_int64(st, 7), "level",
			      db_col_text(st, 8), "size", db_col_text(st, 9), "created_at", db_col_text(st, 11),
			      "updated_at", db_col_text(st, 12));
	json_object_set_new(o, "org_id", db_col_json_int(st, 10));
	return o;
}

/* Loads the row for uscc; returns DB_ROW with st positioned on it, DB_DONE, or -1. */
static int load(struct db *db, const char *uscc, struct db_stmt **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " ENT_COLS " FROM enterprises WHERE uscc=?", err);
	if (!st)
		return -1;
	db_bind_text(st, 1, uscc);
	*out = st;
	return db_step(st, err);
}

static enum qerr not_found(const char *uscc, struct qerror *err)
{
	return qerr_set(err, QERR_NOT_FOUND, "enterprise_not_found", "uscc", "企业不存在 (no enterprise with USCC %.18s)",
			uscc);
}

enum qerr enterprise_get(struct db *db, const struct actor *a, const char *uscc, json_t **out, struct qerror *err)
{
	(void)a;
	*out = NULL;
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err))
		return err->code;
	struct db_stmt *st;
	int rc = load(db, canon, &st, err);
	if (rc < 0)
		return err->code;
	if (rc != DB_ROW)
		return not_found(canon, err);
	*out = enterprise_row(st);
	db_reset(st);
	return QERR_OK;
}

#define ENT_WRITE_COLS "uscc,name,region,industry,employees,revenue_wan,assets_wan,level,size,org_id,created_at,updated_at"

/* Binds e to ?1..?10 and the time stamp to ?11 (the column order of ENT_WRITE_COLS); e must outlive the statement's run. */
static void bind_enterprise(struct db_stmt *st, const struct enterprise *e)
{
	char ts[32];
	util_now_iso(ts, sizeof ts);
	db_bind_text_ref(st, 1, e->uscc, strlen(e->uscc));
	db_bind_text_ref(st, 2, e->name, strlen(e->name));
	db_bind_text_ref(st, 3, e->region, strlen(e->region));
	db_bind_text_ref(st, 4, e->industry, strlen(e->industry));
	db_bind_int64(st, 5, e->employees);
	db_bind_int64(st, 6, e->revenue_wan);
	db_bind_int64(st, 7, e->assets_wan);
	db_bind_text_ref(st, 8, e->level, strlen(e->level));
	db_bind_text_ref(st, 9, e->size, strlen(e->size));
	db_bind_opt_int64(st, 10, e->org_id != 0, e->org_id);
	db_bind_text(st, 11, ts);
}

/* Updates the record with e's USCC if it is owned by e->org_id or any_owner; *changed says whether it was. */
static enum qerr update_by_uscc(struct db *db, const struct enterprise *e, bool any_owner, bool *changed,
				struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"UPDATE enterprises SET name=?2,region=?3,industry=?4,employees=?5,revenue_wan=?6,"
					"assets_wan=?7,level=?8,size=?9,updated_at=?11"
					" WHERE uscc=?1 AND (?12 OR org_id IS NOT DISTINCT FROM ?10)",
					err);
	if (!st)
		return err->code;
	bind_enterprise(st, e);
	db_bind_bool(st, 12, any_owner);
	enum qerr rc = db_run(st, err);
	*changed = rc == QERR_OK && db_changes(db) > 0;
	return rc;
}

/* Inserts e unless its USCC exists; *changed says whether it was inserted. */
static enum qerr insert_new(struct db *db, const struct enterprise *e, bool *changed, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO enterprises(" ENT_WRITE_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)"
					" ON CONFLICT(uscc) DO NOTHING",
					err);
	if (!st)
		return err->code;
	bind_enterprise(st, e);
	enum qerr rc = db_run(st, err);
	*changed = rc == QERR_OK && db_changes(db) > 0;
	return rc;
}

enum qerr enterprise_write(struct db *db, const struct enterprise *e, bool any_owner, bool update_first,
			   enum enterprise_outcome *outcome, struct qerror *err)
{
	bool changed = false;
	enum qerr rc;
	if (update_first) {
		if ((rc = update_by_uscc(db, e, any_owner, &changed, err)) || changed) {
			*outcome = ENTERPRISE_UPDATED;
			return rc;
		}
		rc = insert_new(db, e, &changed, err);
		*outcome = changed ? ENTERPRISE_INSERTED : ENTERPRISE_NOT_OWNER;
		return rc;
	}
	if ((rc = insert_new(db, e, &changed, err)) || changed) {
		*outcome = ENTERPRISE_INSERTED;
		return rc;
	}
	rc = update_by_uscc(db, e, any_owner, &changed, err);
	*outcome = changed ? ENTERPRISE_UPDATED : ENTERPRISE_NOT_OWNER;
	return rc;
}

enum qerr enterprise_upsert(struct db *db, const struct enterprise *e, bool any_owner, int64_t *id, struct qerror *err)
{
	enum enterprise_outcome outcome;
	enum qerr rc = enterprise_write(db, e, any_owner, true, &outcome, err);
	if (rc)
		return rc;
	*id = outcome == ENTERPRISE_UPDATED ? -1 : 0;
	if (outcome != ENTERPRISE_INSERTED)
		return QERR_OK;
	int64_t org;
	if (enterprise_ref_owner(db, e->uscc, id, &org, err))
		return err->code;
	return *id ? QERR_OK : qerr_set(err, QERR_NOT_FOUND, "not_found", NULL, "not found");
}

enum qerr enterprise_insert_plain(struct db *db, const struct enterprise *e, struct qerror *err)
{
	struct db_stmt *st = db_prepare(
		db, "INSERT INTO enterprises(" ENT_WRITE_COLS ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)", err);
	if (!st)
		return err->code;
	bind_enterprise(st, e);
	return db_run(st, err);
}

enum qerr enterprise_update_id(struct db *db, int64_t id, const struct enterprise *e, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"UPDATE enterprises SET name=?2,region=?3,industry=?4,employees=?5,revenue_wan=?6,"
					"assets_wan=?7,level=?8,size=?9,updated_at=?11 WHERE id=?12 AND uscc=?1",
					err);
	if (!st)
		return err->code;
	bind_enterprise(st, e);
	db_bind_int64(st, 12, id);
	return db_run(st, err);
}

/* Audits a write and bumps the "enterprises" change counter (graph snapshots hold regions and levels). */
static enum qerr audit_enterprise(struct db *db, const struct actor *a, const char *action, const char *uscc,
				  const json_t *detail, struct qerror *err)
{
	if (db_touch(db, "enterprises", err))
		return err->code;
	return audit_record(db, a, action, "enterprise", uscc, detail, err);
}

enum qerr enterprise_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
			    struct qerror *err)
{
	*out = NULL;
	struct enterprise e;
	char n1[24], n2[24], n3[24];
	snprintf(n1, sizeof n1, "%lld", (long long)json_int(body, "employees", -1));
	snprintf(n2, sizeof n2, "%lld", (long long)json_int(body, "revenue_wan", -1));
	snprintf(n3, sizeof n3, "%lld", (long long)json_int(body, "assets_wan", -1));
	if (enterprise_from_text(json_str(body, "uscc", ""), json_str(body, "name", ""), json_str(body, "region", ""),
				 json_str(body, "industry", ""), n1, n2, n3, json_str(body, "level", ""), &e, err))
		return err->code;
	int64_t owner = json_int(body, "org_id", 0);
	if (owner && a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "org_id", "only the operator assigns records to other organisations");
	e.org_id = owner ? owner : a->org_id;
	if (!enterprise_may_write(a, e.org_id))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "this organisation may not register enterprises");
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st;
	int rc = load(db, e.uscc, &st, err);
	if (rc < 0)
		goto fail;
	db_reset(st);
	if (rc == DB_ROW) {
		qerr_set(err, QERR_CONFLICT, "duplicate_uscc", "uscc", "该统一社会信用代码已登记 (an enterprise with USCC %s exists)",
			 e.uscc);
		goto fail;
	}
	if (owner) {
		st = db_prepare(db, "SELECT 1 FROM orgs WHERE id=?", err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, owner);
		rc = db_step(st, err);
		db_reset(st);
		if (rc != DB_ROW) {
			if (rc >= 0)
				qerr_set(err, QERR_INVALID, "org_not_found", "org_id", "organisation %lld does not exist",
					 (long long)owner);
			goto fail;
		}
	}
	int64_t id;
	if (enterprise_upsert(db, &e, true, &id, err))
		goto fail;
	json_t *detail = json_pack("{s:s,s:s}", "name", e.name, "size", e.size);
	rc = audit_enterprise(db, a, "enterprise.create", e.uscc, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	return enterprise_get(db, a, e.uscc, out, err);
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

/*
 * Starts a write transaction and positions *st on the record with this USCC
 * after checking the actor may change it (verb names the change in the 403).
 * On failure the transaction is rolled back and err says why.
 */
static enum qerr begin_owned_write(struct db *db, const struct actor *a, const char *uscc, const char *verb,
				   char canon[USCC_LEN + 1], int64_t *owner, struct db_stmt **st, struct qerror *err)
{
	if (uscc_check(uscc, canon, err))
		return err->code;
	if (db_begin_write(db, err))
		return err->code;
	int rc = load(db, canon, st, err);
	if (rc >= 0 && rc != DB_ROW)
		not_found(canon, err);
	if (rc == DB_ROW) {
		*owner = db_col_is_null(*st, 10) ? 0 : db_col_int64(*st, 10);
		if (enterprise_may_write(a, *owner))
			return QERR_OK;
		db_reset(*st);
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有企业所属组织或运营方可以%s (only the owning organisation or the operator may %s this record)",
			 verb[0] == 'c' ? "修改" : "删除", verb);
	}
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr enterprise_update(struct db *db, const struct actor *a, const char *uscc, const json_t *body,
			    json_t **out, struct qerror *err)
{
	*out = NULL;
	char canon[USCC_LEN + 1];
	int64_t owner;
	struct db_stmt *st;
	if (begin_owned_write(db, a, uscc, "change", canon, &owner, &st, err))
		return err->code;
	int rc;
	struct enterprise e;
	memset(&e, 0, sizeof e);
	memcpy(e.uscc, canon, sizeof canon);
	snprintf(e.name, sizeof e.name, "%s", json_str(body, "name", db_col_text(st, 2)));
	snprintf(e.region, sizeof e.region, "%s", json_str(body, "region", db_col_text(st, 3)));
	const char *ind = json_str(body, "industry", db_col_text(st, 4));
	e.employees = json_int(body, "employees", db_col_int64(st, 5));
	e.revenue_wan = json_int(body, "revenue_wan", db_col_int64(st, 6));
	e.assets_wan = json_int(body, "assets_wan", db_col_int64(st, 7));
	char level[16];
	snprintf(level, sizeof level, "%s", json_str(body, "level", db_col_text(st, 8)));
	e.org_id = owner;
	char indbuf[8];
	snprintf(indbuf, sizeof indbuf, "%s", ind);
	db_reset(st);
	if (industry_check(indbuf, "industry", e.industry, err))
		goto fail;
	if (!parse_level(level, &e.level)) {
		qerr_set(err, QERR_INVALID, "invalid_level", "level", "unknown level");
		goto fail;
	}
	if (strlen(e.region) != 6) {
		region_check(e.region, "region", err);
		goto fail;
	}
	if (finish(&e, err))
		goto fail;
	int64_t id;
	if (enterprise_upsert(db, &e, true, &id, err))
		goto fail;
	json_t *detail = json_deep_copy(body);
	rc = audit_enterprise(db, a, "enterprise.update", e.uscc, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	return enterprise_get(db, a, e.uscc, out, err);
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr enterprise_delete(struct db *db, const struct actor *a, const char *uscc, struct qerror *err)
{
	char canon[USCC_LEN + 1];
	int64_t owner;
	struct db_stmt *st;
	if (begin_owned_write(db, a, uscc, "delete", canon, &owner, &st, err))
		return err->code;
	json_t *detail = json_pack("{s:s}", "name", db_col_text(st, 2));
	db_reset(st);
	int rc;
	st = db_prepare(db, "DELETE FROM enterprises WHERE uscc=?", err);
	if (!st) {
		json_decref(detail);
		goto fail;
	}
	db_bind_text(st, 1, canon);
	rc = db_step(st, err);
	if (rc >= 0)
		rc = audit_enterprise(db, a, "enterprise.delete", canon, detail, err) ? -1 : 0;
	json_decref(detail);
	if (rc < 0 || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

static bool all_digits(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum qerr enterprise_list(struct db *db, const struct actor *a, const struct enterprise_filter *f, json_t **out,
			  struct qerror *err)
{
	(void)a;
	*out = NULL;
	/* Region: a 6-digit code means "in this division" (its significant prefix); 2 or 4 digits are prefixes. */
	char lo[8] = "", hi[8] = "";
	if (f->region && *f->region) {
		size_t n = strlen(f->region);
		if (!all_digits(f->region) || (n != 2 && n != 4 && n != 6))
			return qerr_set(err, QERR_INVALID, "invalid_region", "region", "region must be 2, 4 or 6 digits");
		if (n == 6) {
			if (region_check(f->region, "region", err))
				return err->code;
			n = region_prefix_len(f->region);
		}
		memcpy(lo, f->region, n);
		lo[n] = 0;
		memcpy(hi, lo, n + 1);
		hi[n - 1]++; /* "32" -> "33": the exclusive upper bound of the prefix range */
	}
	char ind_lo[8] = "", ind_hi[8] = "";
	if (f->industry && *f->industry) {
		size_t n = strlen(f->industry);
		char canon[5];
		if (n > 4 || industry_check(f->industry, "industry", canon, err))
			return qerr_set(err, QERR_INVALID, "invalid_industry", "industry", "unknown industry code");
		memcpy(ind_lo, canon, n + 1);
		memcpy(ind_hi, canon, n + 1);
		ind_hi[n - 1]++;
	}
	enum size_class sc;
	if (f->size && *f->size && !size_class_parse(f->size, &sc))
		return qerr_set(err, QERR_INVALID, "invalid_choice", "size", "size must be large, medium, small or micro");
	const char *lvl = NULL;
	if (f->level && *f->level && !parse_level(f->level, &lvl))
		return qerr_set(err, QERR_INVALID, "invalid_choice", "level",
				"level must be none, innovative, provincial or little_giant");
	if (f->q && util_utf8_len(f->q) > 100)
		return qerr_set(err, QERR_INVALID, "too_long", "q", "q must have at most 100 characters");
	/*
	 * Section letters are stored as given ("C") while divisions are digits;
	 * a section filter also matches the 2-digit divisions inside it, which
	 * GB/T 4754 numbers contiguously (C: 13-43), so they are the range ?6..?7.
	 */
#define ENT_LIST_SQL(INSTR)                                                                                            \
	"SELECT " ENT_COLS " FROM enterprises WHERE id>?1"                                                             \
	" AND (?2 IS NULL OR (region>=?2 AND region<?3))"                                                              \
	" AND (?4 IS NULL OR (industry>=?4 AND industry<?5) OR (length(industry)=2 AND industry>=?6 AND industry<=?7))" \
	" AND (?8 IS NULL OR size=?8) AND (?9 IS NULL OR level=?9)"                                                    \
	" AND (?10 IS NULL OR " INSTR ">0 OR uscc=upper(?10) OR uscc=?11)"                                             \
	" AND (?12=0 OR org_id=?12)"                                                                                   \
	" ORDER BY id LIMIT ?13"
	/* per-backend: instr() is strpos() on PostgreSQL */
	static const char sql[] = ENT_LIST_SQL("instr(name,?10)");
	static const char sql_pg[] = ENT_LIST_SQL("strpos(name,?10)");
	struct db_stmt *st = db_prepare(db, db_pick(db, sql, sql_pg), err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, f->cursor);
	if (lo[0]) {
		db_bind_text(st, 2, lo);
		db_bind_text(st, 3, hi);
	}
	if (ind_lo[0]) {
		db_bind_text(st, 4, ind_lo);
		db_bind_text(st, 5, ind_hi);
		if (!ind_lo[1]) {
			const char *first = NULL, *last = NULL;
			for (size_t i = 0; i < industry_table_len; i++) {
				const struct industry *it = &industry_table[i];
				if (it->section != ind_lo[0] || !it->code[1])
					continue;
				if (!first || strcmp(it->code, first) < 0)
					first = it->code;
				if (!last || strcmp(it->code, last) > 0)
					last = it->code;
			}
			db_bind_text(st, 6, first);
			db_bind_text(st, 7, last);
		}
	}
	if (f->size && *f->size)
		db_bind_text(st, 8, f->size);
	if (lvl)
		db_bind_text(st, 9, lvl);
	char canon[USCC_LEN + 1];
	if (f->q && *f->q) {
		db_bind_text(st, 10, f->q);
		/* A USCC as people paste it, with spaces or hyphens between its groups, finds its record too. */
		if (uscc_check(f->q, canon, NULL) == QERR_OK)
			db_bind_text(st, 11, canon);
	}
	db_bind_int64(st, 12, f->org_id);
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	db_bind_int(st, 13, limit + 1);
	return db_page(st, limit, enterprise_row, out, err);
}
