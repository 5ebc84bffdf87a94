/*
 * listing.c - supplies and demands one at a time: create, read with the
 * visibility rule, list with filters and full-text words, change,
 * withdraw/cancel. CSV import/export is listing_csv.c; validation helpers
 * are listing_util.c.
 *
 * A write loads the row, applies the body's fields over it, validates the
 * whole record and writes every column back, so create and update share
 * one validation path. Every write stamps seq (listing.h says why).
 */
#include "market/listing.h"

#include <stdlib.h>
#include <string.h>
#include "market/listing_int.h"
#include "chainmap/chainmap.h"
#include "text/tokenizer.h"
#include "registry/enterprise.h"
#include "store/db.h"
#include "platform/audit.h"

#define END_FIELDS {NULL, 0, false, 0, 0, NULL, NULL}
static const char *const visibilities[] = {"public", "invited", NULL};

#define SUPPLY_BODY(req)                                                                                               \
	{"title", JF_STRING, req, 1, LISTING_TITLE_MAX, NULL, "标题, e.g. 深沟球轴承 6204"},                             \
	    {"description", JF_STRING, false, 0, LISTING_DESC_MAX, NULL, "描述"},                                        \
	    {"chain", JF_STRING, false, 1, LISTING_CODE_MAX, NULL, "chain id (with segment, or neither)"},               \
	    {"segment", JF_STRING, false, 1, LISTING_CODE_MAX, NULL, "segment code within the chain"},                   \
	    {"capacity", JF_INT, false, 0, INT64_MAX, NULL, "annual capacity, in unit"},                                 \
	    {"unit", JF_STRING, false, 0, LISTING_UNIT_MAX, NULL, "unit, e.g. 套, 台, 吨"},                               \
	    {"min_order", JF_INT, false, 0, INT64_MAX, NULL, "minimum order, in unit"},                                  \
	    {"regions", JF_STRING_ARRAY, false, 0, 0, NULL, "regions served: GB/T 2260 codes of 2, 4 or 6 digits"},      \
	{                                                                                                              \
		"certifications", JF_STRING_ARRAY, false, 0, 0, NULL, "certifications held, e.g. IATF16949"            \
	}

const struct jfield market_supply_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the offering enterprise (of the caller's organisation); spaces or hyphens between its groups are dropped"},
    SUPPLY_BODY(true),
    END_FIELDS,
};
const struct jfield market_supply_update_fields[] = {SUPPLY_BODY(false), END_FIELDS};

#define DEMAND_BODY(req)                                                                                               \
	{"title", JF_STRING, req, 1, LISTING_TITLE_MAX, NULL, "标题, e.g. 采购永磁同步电机"},                            \
	    {"description", JF_STRING, false, 0, LISTING_DESC_MAX, NULL, "描述"},                                        \
	    {"chain", JF_STRING, false, 1, LISTING_CODE_MAX, NULL, "chain id (with segment, or neither)"},               \
	    {"segment", JF_STRING, false, 1, LISTING_CODE_MAX, NULL, "segment code within the chain"},                   \
	    {"quantity", JF_INT, false, 1, INT64_MAX, NULL, "quantity, in unit"},                                        \
	    {"unit", JF_STRING, false, 0, LISTING_UNIT_MAX, NULL, "unit, e.g. 台"},                                       \
	    {"budget_fen", JF_INT, false, 0, INT64_MAX, NULL, "budget in fen (分)"},                                      \
	    {"deadline", JF_STRING, false, 20, 20, NULL, "quote deadline, UTC, e.g. 2026-12-31T00:00:00Z; in the future"}, \
	    {"region", JF_STRING, false, 2, 6, NULL, "delivery region, GB/T 2260 code of 2, 4 or 6 digits"},             \
	    {"certifications", JF_STRING_ARRAY, false, 0, 0, NULL, "required certifications"},                           \
	{                                                                                                              \
		"visibility", JF_STRING, false, 0, 0, visibilities, "public (default) or invited suppliers only"        \
	}

const struct jfield market_demand_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the buying enterprise (of the caller's organisation); spaces or hyphens between its groups are dropped"},
    DEMAND_BODY(true),
    END_FIELDS,
};
const struct jfield market_demand_update_fields[] = {DEMAND_BODY(false), END_FIELDS};

#define SUPPLY_COLS                                                                                                    \
	"s.id,e.uscc,e.name,e.region,e.level,s.title,s.description,g.chain_id,g.code,g.name,s.capacity,s.unit,"        \
	"s.min_order,s.regions,s.certifications,s.status,s.created_at,s.updated_at,coalesce(e.org_id,0),"              \
	"s.enterprise_id,s.sid"
#define SUPPLY_FROM " FROM supplies s JOIN enterprises e ON e.id=s.enterprise_id LEFT JOIN segments g ON g.sid=s.sid"
#define DEMAND_COLS                                                                                                    \
	"d.id,e.uscc,e.name,e.region,e.level,d.title,d.description,g.chain_id,g.code,g.name,d.quantity,d.unit,"        \
	"d.budget_fen,d.deadline,d.region,d.certifications,d.visibility,d.status,d.closed_at,d.created_at,"            \
	"d.updated_at,coalesce(e.org_id,0),d.enterprise_id,d.sid"
#define DEMAND_FROM " FROM demands d JOIN enterprises e ON e.id=d.enterprise_id LEFT JOIN segments g ON g.sid=d.sid"

/* The common head of both shapes: id, enterprise, title, description, chain, segment, segment_name. */
static json_t *listing_head(struct db_stmt *st)
{
	json_t *o =
	    json_pack("{s:I,s:{s:s,s:s,s:s,s:s},s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0), "enterprise", "uscc",
		      db_col_text(st, 1), "name", db_col_text(st, 2), "region", db_col_text(st, 3), "level",
		      db_col_text(st, 4), "title", db_col_text(st, 5), "description", db_col_text(st, 6));
	json_object_set_new(o, "chain", db_col_json_text(st, 7));
	json_object_set_new(o, "segment", db_col_json_text(st, 8));
	json_object_set_new(o, "segment_name", db_col_json_text(st, 9));
	return o;
}

static json_t *supply_row(struct db_stmt *st)
{
	json_t *o = listing_head(st);
	json_object_set_new(o, "capacity", db_col_json_int(st, 10));
	json_object_set_new(o, "unit", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "min_order", db_col_json_int(st, 12));
	json_object_set_new(o, "regions", listing_list_json(db_col_text(st, 13)));
	json_object_set_new(o, "certifications", listing_list_json(db_col_text(st, 14)));
	json_object_set_new(o, "status", json_string(db_col_text(st, 15)));
	json_object_set_new(o, "created_at", json_string(db_col_text(st, 16)));
	json_object_set_new(o, "updated_at", json_string(db_col_text(st, 17)));
	return o;
}

static json_t *demand_row(struct db_stmt *st)
{
	json_t *o = listing_head(st);
	json_object_set_new(o, "quantity", db_col_json_int(st, 10));
	json_object_set_new(o, "unit", json_string(db_col_text(st, 11)));
	json_object_set_new(o, "budget_fen", db_col_json_int(st, 12));
	json_object_set_new(o, "deadline", db_col_json_text(st, 13));
	json_object_set_new(o, "region", db_col_json_text(st, 14));
	json_object_set_new(o, "certifications", listing_list_json(db_col_text(st, 15)));
	json_object_set_new(o, "visibility", json_string(db_col_text(st, 16)));
	json_object_set_new(o, "status", json_string(db_col_text(st, 17)));
	json_object_set_new(o, "closed_at", db_col_json_text(st, 18));
	json_object_set_new(o, "created_at", json_string(db_col_text(st, 19)));
	json_object_set_new(o, "updated_at", json_string(db_col_text(st, 20)));
	return o;
}

static enum qerr fail_tx(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

static enum qerr not_found(const char *kind, int64_t id, struct qerror *err)
{
	return qerr_set(err, QERR_NOT_FOUND, strcmp(kind, "supply") == 0 ? "supply_not_found" : "demand_not_found",
			"id", "%s不存在 (no %s %lld)", strcmp(kind, "supply") == 0 ? "供给" : "需求", kind,
			(long long)id);
}

static enum qerr forbidden(struct qerror *err)
{
	return qerr_set(err, QERR_FORBIDDEN, "not_owner", NULL,
			"只有发布企业所属组织或运营方可以修改 (only the listing enterprise's organisation or the "
			"operator may change it)");
}

/* ---------- the record a write validates ---------- */

struct listing_rec {
	int64_t enterprise_id, sid;
	char *title, *description, *unit;
	int64_t capacity, min_order;	 /* supplies; -1 = null */
	int64_t quantity, budget_fen;	 /* demands; -1 = null */
	char *deadline;			 /* demands; NULL = none */
	char region[7];			 /* demands; "" = none */
	char visibility[16];	 /* demands */
	struct buf regions, certifications; /* stored forms */
};

static void rec_free(struct listing_rec *r)
{
	free(r->title);
	free(r->description);
	free(r->unit);
	free(r->deadline);
	buf_free(&r->regions);
	buf_free(&r->certifications);
	memset(r, 0, sizeof *r);
}

static bool set_str(char **dst, const char *s)
{
	char *c = strdup(s ? s : "");
	if (!c)
		return false;
	free(*dst);
	*dst = c;
	return true;
}

static bool set_buf(struct buf *b, const char *s)
{
	b->len = 0;
	return buf_append(b, s, strlen(s));
}

static enum qerr oom(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

/* Applies the fields present in body over r (null clears) and validates the result. */
static enum qerr rec_apply(struct db *db, struct listing_rec *r, const json_t *body, bool demand, bool creating,
			   struct qerror *err)
{
	json_t *v;
	if ((v = json_object_get(body, "title")) && !set_str(&r->title, json_string_value(v)))
		return oom(err);
	if ((v = json_object_get(body, "description")) && !set_str(&r->description, json_string_value(v)))
		return oom(err);
	if ((v = json_object_get(body, "unit")) && !set_str(&r->unit, json_string_value(v)))
		return oom(err);
	if (listing_check_text(r->title, "title", 1, LISTING_TITLE_MAX, false, err) ||
	    listing_check_text(r->description, "description", 0, LISTING_DESC_MAX, true, err) ||
	    listing_check_text(r->unit, "unit", 0, LISTING_UNIT_MAX, false, err))
		return err->code;
	if (json_object_get(body, "chain") || json_object_get(body, "segment")) {
		if (listing_segment(db, json_str(body, "chain", NULL), json_str(body, "segment", NULL), &r->sid, err))
			return err->code;
	}
	struct listing_str items[LISTING_MAX_REGIONS + 1];
	size_t n;
	if ((v = json_object_get(body, "certifications"))) {
		if (!listing_json_items(v, items, LISTING_MAX_TAGS + 1, &n))
			n = LISTING_MAX_TAGS + 1; /* refused below */
		r->certifications.len = 0;
		if (listing_norm_tags(items, n, false, "certifications", &r->certifications, err))
			return err->code;
	}
	if (!demand) {
		if ((v = json_object_get(body, "capacity")))
			r->capacity = json_is_null(v) ? -1 : json_integer_value(v);
		if ((v = json_object_get(body, "min_order")))
			r->min_order = json_is_null(v) ? -1 : json_integer_value(v);
		if ((v = json_object_get(body, "regions"))) {
			if (!listing_json_items(v, items, LISTING_MAX_REGIONS + 1, &n))
				n = LISTING_MAX_REGIONS + 1;
			r->regions.len = 0;
			if (listing_norm_regions(items, n, false, "regions", &r->regions, err))
				return err->code;
		}
		return QERR_OK;
	}
	if ((v = json_object_get(body, "quantity")))
		r->quantity = json_is_null(v) ? -1 : json_integer_value(v);
	if ((v = json_object_get(body, "budget_fen")))
		r->budget_fen = json_is_null(v) ? -1 : json_integer_value(v);
	if ((v = json_object_get(body, "deadline"))) {
		free(r->deadline);
		r->deadline = NULL;
		if (!json_is_null(v)) {
			if (listing_check_deadline(json_string_value(v), "deadline", true, err))
				return err->code;
			if (!(r->deadline = strdup(json_string_value(v))))
				return oom(err);
		}
	}
	if ((v = json_object_get(body, "region"))) {
		r->region[0] = 0;
		if (!json_is_null(v) &&
		    listing_region_norm(json_string_value(v), json_string_length(v), "region", r->region, err))
			return err->code;
	}
	if ((v = json_object_get(body, "visibility")) && !json_is_null(v))
		snprintf(r->visibility, sizeof r->visibility, "%s", json_string_value(v));
	(void)creating;
	return QERR_OK;
}

static void rec_init(struct listing_rec *r)
{
	memset(r, 0, sizeof *r);
	r->capacity = r->min_order = r->quantity = r->budget_fen = -1;
	snprintf(r->visibility, sizeof r->visibility, "public");
}

/* -1 stands for SQL NULL in a listing_rec. */
static void bind_opt_int(struct db_stmt *st, int idx, int64_t v)
{
	db_bind_opt_int64(st, idx, v >= 0, v);
}

static void bind_str(struct db_stmt *st, int idx, const char *s)
{
	s = s ? s : "";
	db_bind_text_ref(st, idx, s, strlen(s));
}

/* per-backend: the PostgreSQL word index (SQLite's FTS5 triggers do it there). */
static enum qerr write_words(struct db *db, bool demand, int64_t id, const struct listing_rec *r, struct qerror *err)
{
	const char *t = r->title ? r->title : "", *d = r->description ? r->description : "";
	return listing_words_write(db, demand, id, t, strlen(t), d, strlen(d), err);
}

static enum qerr write_supply(struct db *db, int64_t id, const struct listing_rec *r, int64_t seq, const char *ts,
			      int64_t *new_id, struct qerror *err)
{
	struct db_stmt *st =
	    id ? db_prepare(
		     db,
		     "UPDATE supplies SET title=?2,description=?3,sid=?4,capacity=?5,unit=?6,min_order=?7,regions=?8,"
		     "certifications=?9,seq=?10,updated_at=?11 WHERE id=?1",
		     err)
	       : db_prepare(db,
			    "INSERT INTO supplies(enterprise_id,title,description,sid,capacity,unit,min_order,regions,"
			    "certifications,seq,created_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)"
			    " RETURNING id",
			    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id ? id : r->enterprise_id);
	bind_str(st, 2, r->title);
	bind_str(st, 3, r->description);
	db_bind_opt_int64(st, 4, r->sid != 0, r->sid);
	bind_opt_int(st, 5, r->capacity);
	bind_str(st, 6, r->unit);
	bind_opt_int(st, 7, r->min_order);
	bind_str(st, 8, r->regions.data);
	bind_str(st, 9, r->certifications.data);
	db_bind_int64(st, 10, seq);
	bind_str(st, 11, ts);
	*new_id = id;
	if (id ? db_run(st, err) : db_scalar_int64(st, new_id, err))
		return err->code;
	return write_words(db, false, *new_id, r, err);
}

static enum qerr write_demand(struct db *db, int64_t id, const struct listing_rec *r, int64_t seq, const char *ts,
			      int64_t *new_id, struct qerror *err)
{
	struct db_stmt *st =
	    id ? db_prepare(
		     db,
		     "UPDATE demands SET title=?2,description=?3,sid=?4,quantity=?5,unit=?6,budget_fen=?7,deadline=?8,"
		     "region=?9,certifications=?10,visibility=?11,seq=?12,updated_at=?13 WHERE id=?1",
		     err)
	       : db_prepare(
		     db,
		     "INSERT INTO demands(enterprise_id,title,description,sid,quantity,unit,budget_fen,deadline,region,"
		     "certifications,visibility,seq,created_at,updated_at)"
		     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?13) RETURNING id",
		     err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id ? id : r->enterprise_id);
	bind_str(st, 2, r->title);
	bind_str(st, 3, r->description);
	db_bind_opt_int64(st, 4, r->sid != 0, r->sid);
	bind_opt_int(st, 5, r->quantity);
	bind_str(st, 6, r->unit);
	bind_opt_int(st, 7, r->budget_fen);
	db_bind_text(st, 8, r->deadline);
	db_bind_text_or_null(st, 9, r->region);
	bind_str(st, 10, r->certifications.data);
	bind_str(st, 11, r->visibility);
	db_bind_int64(st, 12, seq);
	bind_str(st, 13, ts);
	*new_id = id;
	if (id ? db_run(st, err) : db_scalar_int64(st, new_id, err))
		return err->code;
	return write_words(db, true, *new_id, r, err);
}

/* ---------- reads ---------- */

/* Positions *out on listing id: DB_ROW, DB_DONE or -1. */
static int load_supply(struct db *db, int64_t id, struct db_stmt **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " SUPPLY_COLS SUPPLY_FROM " WHERE s.id=?", err);
	if (!st)
		return -1;
	db_bind_int64(st, 1, id);
	*out = st;
	return db_step(st, err);
}

static int load_demand(struct db *db, int64_t id, struct db_stmt **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " DEMAND_COLS DEMAND_FROM " WHERE d.id=?", err);
	if (!st)
		return -1;
	db_bind_int64(st, 1, id);
	*out = st;
	return db_step(st, err);
}

/* The invited-demand rule for one row: public, operator, owner's organisation or an invited supplier's. */
static bool demand_visible(struct db *db, const struct actor *a, int64_t id, const char *visibility, int64_t owner_org)
{
	if (strcmp(visibility, "public") == 0 || a->org_type == ORG_OPERATOR)
		return true;
	if (!a->org_id)
		return false;
	if (owner_org == a->org_id)
		return true;
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(db,
					"SELECT 1 FROM demand_invitations i JOIN enterprises e ON e.id=i.enterprise_id"
					" WHERE i.demand_id=? AND e.org_id=? LIMIT 1",
					&e);
	if (!st)
		return false;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, a->org_id);
	bool ok = db_step(st, &e) == DB_ROW;
	db_reset(st);
	return ok;
}

bool market_demand_readable(struct db *db, const struct actor *a, int64_t id)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(db,
					"SELECT d.visibility,coalesce(e.org_id,0) FROM demands d JOIN enterprises e ON"
					" e.id=d.enterprise_id WHERE d.id=?",
					&e);
	if (!st)
		return false;
	db_bind_int64(st, 1, id);
	if (db_one(st, &e))
		return false;
	char vis[16];
	snprintf(vis, sizeof vis, "%s", db_col_text(st, 0));
	int64_t owner = db_col_int64(st, 1);
	db_reset(st);
	return demand_visible(db, a, id, vis, owner);
}

enum qerr market_supply_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	(void)a; /* supplies are public offers */
	*out = NULL;
	struct db_stmt *st;
	int rc = load_supply(db, id, &st, err);
	if (rc < 0)
		return err->code;
	if (rc != DB_ROW)
		return not_found("supply", id, err);
	*out = supply_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr market_demand_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st;
	int rc = load_demand(db, id, &st, err);
	if (rc < 0)
		return err->code;
	if (rc != DB_ROW)
		return not_found("demand", id, err);
	json_t *o = demand_row(st);
	int64_t owner = db_col_int64(st, 21);
	db_reset(st);
	if (!demand_visible(db, a, id, json_str(o, "visibility", "public"), owner)) {
		json_decref(o);
		return not_found("demand", id, err);
	}
	*out = o;
	return QERR_OK;
}

/* ---------- writes ---------- */

/* Finishes a write: audit, commit, and the listing as the caller would read it. */
static enum qerr finish_write(struct db *db, const struct actor *a, bool demand, const char *action, int64_t id,
			      const json_t *detail, json_t **out, struct qerror *err)
{
	char object[24];
	snprintf(object, sizeof object, "%lld", (long long)id);
	if (audit_record(db, a, action, demand ? "demand" : "supply", object, detail, err) || db_commit(db, err))
		return fail_tx(db, err);
	return demand ? market_demand_get(db, a, id, out, err) : market_supply_get(db, a, id, out, err);
}

/* finish_write for a request with an Idempotency-Key: the answer is read and stored before the commit. */
static enum qerr finish_write_idem(struct db *db, const struct actor *a, bool demand, const char *action, int64_t id,
				   const json_t *detail, const struct idempotency *idem, json_t **out,
				   struct qerror *err)
{
	if (!idem)
		return finish_write(db, a, demand, action, id, detail, out, err);
	char object[24];
	snprintf(object, sizeof object, "%lld", (long long)id);
	if (audit_record(db, a, action, demand ? "demand" : "supply", object, detail, err) ||
	    (demand ? market_demand_get(db, a, id, out, err) : market_supply_get(db, a, id, out, err)) ||
	    idempotency_store(db, a->org_id, idem, 201, *out, err) || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return fail_tx(db, err);
	}
	return QERR_OK;
}

static enum qerr listing_create(struct db *db, const struct actor *a, const json_t *body, bool demand,
				const struct idempotency *idem, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct listing_rec r;
	rec_init(&r);
	db_hot(db, demand ? "demands" : "supplies"); /* its change counter: writers of the kind queue for it */
	if (db_begin_write(db, err)) {
		rec_free(&r);
		return err->code;
	}
	if (idem) {
		bool replay = false;
		int status = 0;
		if (idempotency_claim(db, a->org_id, idem, &replay, &status, out, err))
			goto fail;
		if (replay) {
			/* The first request's listing; nothing published again. */
			db_rollback(db);
			rec_free(&r);
			return QERR_OK;
		}
	}
	int64_t owner, id, seq;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	if (listing_enterprise(db, json_str(body, "enterprise", ""), "enterprise", QERR_INVALID, &r.enterprise_id,
			       &owner, err))
		goto fail;
	if (!enterprise_may_write(a, owner)) {
		qerr_set(err, QERR_FORBIDDEN, "not_owner", "enterprise",
			 "只能以本组织的企业发布 (listings are published for an enterprise of your own organisation)");
		goto fail;
	}
	if (rec_apply(db, &r, body, demand, true, err) ||
	    listing_next_seq(db, demand ? "demands" : "supplies", &seq, err))
		goto fail;
	if (demand ? write_demand(db, 0, &r, seq, ts, &id, err) : write_supply(db, 0, &r, seq, ts, &id, err))
		goto fail;
	if (demand && strcmp(r.visibility, "public") == 0 && market_subscriptions_notify(db, id, err))
		goto fail;
	rec_free(&r);
	return finish_write_idem(db, a, demand, demand ? "demand.create" : "supply.create", id, body, idem, out, err);
fail:
	rec_free(&r);
	return fail_tx(db, err);
}

enum qerr market_supply_create(struct db *db, const struct actor *a, const json_t *body,
			       const struct idempotency *idem, json_t **out, struct qerror *err)
{
	return listing_create(db, a, body, false, idem, out, err);
}

enum qerr market_demand_create(struct db *db, const struct actor *a, const json_t *body,
			       const struct idempotency *idem, json_t **out, struct qerror *err)
{
	return listing_create(db, a, body, true, idem, out, err);
}

/*
 * Starts a write on listing id: loads it into r (when r is not NULL), 404
 * when the actor may not even read it, 403 when it may not write it, 409
 * when it is no longer active/open. *status_out gets its status.
 */
static enum qerr begin_owned(struct db *db, const struct actor *a, bool demand, int64_t id, struct listing_rec *r,
			     struct qerror *err)
{
	db_hot(db, demand ? "demands" : "supplies");
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st;
	int rc = demand ? load_demand(db, id, &st, err) : load_supply(db, id, &st, err);
	if (rc < 0)
		return fail_tx(db, err);
	if (rc != DB_ROW) {
		not_found(demand ? "demand" : "supply", id, err);
		return fail_tx(db, err);
	}
	int64_t owner = db_col_int64(st, demand ? 21 : 18);
	char status[16], vis[16];
	snprintf(status, sizeof status, "%s", db_col_text(st, demand ? 17 : 15));
	snprintf(vis, sizeof vis, "%s", demand ? db_col_text(st, 16) : "public");
	bool ok = true;
	if (r) {
		rec_init(r);
		r->enterprise_id = db_col_int64(st, demand ? 22 : 19);
		r->sid = db_col_int64(st, demand ? 23 : 20);
		ok = set_str(&r->title, db_col_text(st, 5)) && set_str(&r->description, db_col_text(st, 6)) &&
		     set_str(&r->unit, db_col_text(st, 11));
		if (demand) {
			r->quantity = db_col_is_null(st, 10) ? -1 : db_col_int64(st, 10);
			r->budget_fen = db_col_is_null(st, 12) ? -1 : db_col_int64(st, 12);
			if (!db_col_is_null(st, 13))
				ok = ok && (r->deadline = strdup(db_col_text(st, 13))) != NULL;
			snprintf(r->region, sizeof r->region, "%s", db_col_text(st, 14));
			ok = ok && set_buf(&r->certifications, db_col_text(st, 15));
			snprintf(r->visibility, sizeof r->visibility, "%s", vis);
		} else {
			r->capacity = db_col_is_null(st, 10) ? -1 : db_col_int64(st, 10);
			r->min_order = db_col_is_null(st, 12) ? -1 : db_col_int64(st, 12);
			ok = ok && set_buf(&r->regions, db_col_text(st, 13)) &&
			     set_buf(&r->certifications, db_col_text(st, 14));
		}
	}
	db_reset(st);
	if (!ok) {
		oom(err);
		return fail_tx(db, err);
	}
	if (demand && !demand_visible(db, a, id, vis, owner))
		not_found("demand", id, err);
	else if (!enterprise_may_write(a, owner))
		forbidden(err);
	else if (strcmp(status, demand ? "open" : "active") != 0)
		qerr_set(err, QERR_CONFLICT, demand ? "demand_not_open" : "supply_withdrawn", "status",
			 "%s (the %s is %s)", demand ? "需求已不在征集中" : "供给已撤回", demand ? "demand" : "supply",
			 status);
	else
		return QERR_OK;
	if (r)
		rec_free(r);
	return fail_tx(db, err);
}

static enum qerr listing_update(struct db *db, const struct actor *a, bool demand, int64_t id, const json_t *body,
				json_t **out, struct qerror *err)
{
	*out = NULL;
	struct listing_rec r;
	if (begin_owned(db, a, demand, id, &r, err))
		return err->code;
	int64_t seq, same;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	if (rec_apply(db, &r, body, demand, false, err) ||
	    listing_next_seq(db, demand ? "demands" : "supplies", &seq, err) ||
	    (demand ? write_demand(db, id, &r, seq, ts, &same, err) : write_supply(db, id, &r, seq, ts, &same, err)))
		goto fail;
	/* An edit may make the demand match new subscribers (or turn it public); those already told are not told again. */
	if (demand && strcmp(r.visibility, "public") == 0 && market_subscriptions_notify(db, id, err))
		goto fail;
	rec_free(&r);
	return finish_write(db, a, demand, demand ? "demand.update" : "supply.update", id, body, out, err);
fail:
	rec_free(&r);
	return fail_tx(db, err);
}

enum qerr market_supply_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			       struct qerror *err)
{
	return listing_update(db, a, false, id, body, out, err);
}

enum qerr market_demand_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			       struct qerror *err)
{
	return listing_update(db, a, true, id, body, out, err);
}

static enum qerr listing_end(struct db *db, const struct actor *a, bool demand, int64_t id, json_t **out,
			     struct qerror *err)
{
	*out = NULL;
	if (begin_owned(db, a, demand, id, NULL, err))
		return err->code;
	int64_t seq;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	if (listing_next_seq(db, demand ? "demands" : "supplies", &seq, err))
		return fail_tx(db, err);
	struct db_stmt *st =
	    demand ? db_prepare(db, "UPDATE demands SET status='cancelled',seq=?2,updated_at=?3 WHERE id=?1", err)
		   : db_prepare(db, "UPDATE supplies SET status='withdrawn',seq=?2,updated_at=?3 WHERE id=?1", err);
	if (!st)
		return fail_tx(db, err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, seq);
	db_bind_text_ref(st, 3, ts, strlen(ts));
	if (db_run(st, err))
		return fail_tx(db, err);
	return finish_write(db, a, demand, demand ? "demand.cancel" : "supply.withdraw", id, NULL, out, err);
}

enum qerr market_supply_withdraw(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	return listing_end(db, a, false, id, out, err);
}

enum qerr market_demand_cancel(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	return listing_end(db, a, true, id, out, err);
}

/* ---------- lists ---------- */

struct match_expr {
	struct buf b;
	bool oom;
	bool pg; /* per-backend: a PostgreSQL tsquery instead of FTS5's syntax */
};

static int add_term(void *ctx, const struct text_token *tok)
{
	struct match_expr *m = ctx;
	if (m->pg) {
		/* per-backend: 'w1' & 'w2' ... - exact lexemes, as listing_words_write stores them */
		bool ok = (m->b.len == 0 || buf_puts(&m->b, " & ")) && listing_lexeme(&m->b, tok->term, tok->len);
		m->oom = !ok;
		return ok ? 0 : 1;
	}
	/* Each word becomes one quoted FTS5 string; a '"' inside would be doubled (the tokenizer never yields one). */
	bool ok = m->b.len == 0 || buf_puts(&m->b, " ");
	ok = ok && buf_puts(&m->b, "\"");
	for (size_t i = 0; ok && i < tok->len; i++)
		ok = tok->term[i] == '"' ? buf_puts(&m->b, "\"\"") : buf_append(&m->b, tok->term + i, 1);
	ok = ok && buf_puts(&m->b, "\"");
	m->oom = !ok;
	return ok ? 0 : 1;
}

/*
 * per-backend: SQLite FTS5 query syntax - builds the MATCH text for q from
 * its words only (never the user's text): "w1" "w2" ... (all words); on
 * PostgreSQL the tsquery 'w1' & 'w2' ...
 */
static enum qerr build_match(struct db *db, const char *q, struct buf *out, struct qerror *err)
{
	if (util_utf8_len(q) > 200)
		return qerr_set(err, QERR_INVALID, "too_long", "q", "q must have at most 200 characters");
	struct match_expr m = {{0}, false, db_is_pg(db)};
	int rc = text_tokenize_query(q, strlen(q), add_term, &m);
	if (rc != 0 || m.oom) {
		buf_free(&m.b);
		if (rc == TEXT_TOKENIZE_UNAVAILABLE)
			return qerr_set(err, QERR_UNAVAILABLE, "tokenizer_unavailable", "q",
					"the word segmenter is not available");
		return oom(err);
	}
	*out = m.b;
	return QERR_OK;
}

/* Common filter checks; *p gets the region prefix, *ent the enterprise id (-1: a USCC nobody has). */
static enum qerr list_filters(struct db *db, const struct listing_filter *f, const char *const *statuses, char p[7],
			      int64_t *ent, struct qerror *err)
{
	p[0] = 0;
	*ent = 0;
	if (f->region && *f->region && listing_region_norm(f->region, strlen(f->region), "region", p, err))
		return err->code;
	if (f->chain && *f->chain && !chainmap_code_ok(f->chain))
		return qerr_set(err, QERR_INVALID, "invalid_chain_id", "chain", "chain is 1-32 of a-z, 0-9, _ and -");
	if (f->segment && *f->segment && !chainmap_code_ok(f->segment))
		return qerr_set(err, QERR_INVALID, "invalid_segment_code", "segment",
				"segment is 1-32 of a-z, 0-9, _ and -");
	if (f->status && *f->status) {
		bool ok = false;
		for (const char *const *s = statuses; *s && !ok; s++)
			ok = strcmp(*s, f->status) == 0;
		if (!ok)
			return qerr_set(err, QERR_INVALID, "invalid_choice", "status", "unknown status '%.20s'",
					f->status);
	}
	if (f->enterprise && *f->enterprise) {
		int64_t org;
		if (listing_enterprise(db, f->enterprise, "enterprise", QERR_NOT_FOUND, ent, &org, err)) {
			if (err->code != QERR_NOT_FOUND)
				return err->code;
			qerr_clear(err);
			*ent = -1;
		}
	}
	return QERR_OK;
}

/*
 * ?1 cursor, ?2 enterprise, ?3 chain, ?4 segment, ?5 region prefix, ?6 status, ?7 MATCH text, ?8 own
 * organisation (mine), ?9 limit+1, ?10 visibility organisation (demands). The driving rows come from the
 * word index when there are words, else from the enterprise index, else the table newest first.
 */
/* (The region prefix ?5 is digits only, so it never holds a LIKE wildcard.) */
#define SUPPLY_WHERE                                                                                                   \
	" AND (?1=0 OR s.id<?1) AND (?3 IS NULL OR g.chain_id=?3) AND (?4 IS NULL OR g.code=?4)"                       \
	" AND (?5 IS NULL OR ';'||s.regions LIKE '%;'||?5||'%'"                                                        \
	"  OR ';'||s.regions||';' LIKE '%;'||substr(?5,1,2)||';%'"                                                     \
	"  OR (length(?5)>=4 AND ';'||s.regions||';' LIKE '%;'||substr(?5,1,4)||';%')"                                 \
	"  OR substr(e.region,1,length(?5))=?5)"                                                                       \
	" AND (?6 IS NULL OR s.status=?6) AND (?8=0 OR e.org_id=?8) ORDER BY s.id DESC LIMIT ?9"
static const char supply_by_enterprise[] = "SELECT " SUPPLY_COLS SUPPLY_FROM " WHERE s.enterprise_id=?2" SUPPLY_WHERE;
static const char supply_all[] = "SELECT " SUPPLY_COLS SUPPLY_FROM " WHERE 1=1" SUPPLY_WHERE;

#define DEMAND_WHERE                                                                                                   \
	" AND (?1=0 OR d.id<?1) AND (?3 IS NULL OR g.chain_id=?3) AND (?4 IS NULL OR g.code=?4)"                       \
	" AND (?5 IS NULL OR (d.region IS NOT NULL AND (substr(d.region,1,length(?5))=?5"                              \
	"  OR substr(?5,1,length(d.region))=d.region)))"                                                               \
	" AND (?6 IS NULL OR d.status=?6) AND (?8=0 OR e.org_id=?8)"                                                   \
	" AND (d.visibility='public' OR ?10=0 OR e.org_id=?10 OR EXISTS(SELECT 1 FROM demand_invitations i"            \
	"  JOIN enterprises ie ON ie.id=i.enterprise_id WHERE i.demand_id=d.id AND ie.org_id=?10))"                    \
	" ORDER BY d.id DESC LIMIT ?9"
static const char demand_by_enterprise[] = "SELECT " DEMAND_COLS DEMAND_FROM " WHERE d.enterprise_id=?2" DEMAND_WHERE;
static const char demand_all[] = "SELECT " DEMAND_COLS DEMAND_FROM " WHERE 1=1" DEMAND_WHERE;

/*
 * per-backend: SQLite FTS5 - the list statement driven by the word index:
 * the ids of the listings whose words match ?7 (build_match's expression)
 * are the rowids of supplies_fts / demands_fts (0003_market.sql keeps
 * rowid = listing id). On PostgreSQL the ids come from supplies_fts /
 * demands_fts, whose tsvector of our own words has a GIN index.
 */
static const char *list_by_words_sql(struct db *db, bool demand)
{
	static const char supply_by_words[] =
	    "SELECT " SUPPLY_COLS SUPPLY_FROM
	    " WHERE s.id IN (SELECT rowid FROM supplies_fts WHERE supplies_fts MATCH ?7)"
	    " AND (?2=0 OR s.enterprise_id=?2)" SUPPLY_WHERE;
	static const char demand_by_words[] =
	    "SELECT " DEMAND_COLS DEMAND_FROM
	    " WHERE d.id IN (SELECT rowid FROM demands_fts WHERE demands_fts MATCH ?7)"
	    " AND (?2=0 OR d.enterprise_id=?2)" DEMAND_WHERE;
	static const char supply_by_words_pg[] =
	    "SELECT " SUPPLY_COLS SUPPLY_FROM
	    " WHERE s.id IN (SELECT id FROM supplies_fts WHERE words @@ CAST(?7 AS tsquery))"
	    " AND (?2=0 OR s.enterprise_id=?2)" SUPPLY_WHERE;
	static const char demand_by_words_pg[] =
	    "SELECT " DEMAND_COLS DEMAND_FROM
	    " WHERE d.id IN (SELECT id FROM demands_fts WHERE words @@ CAST(?7 AS tsquery))"
	    " AND (?2=0 OR d.enterprise_id=?2)" DEMAND_WHERE;
	return demand ? db_pick(db, demand_by_words, demand_by_words_pg) : db_pick(db, supply_by_words, supply_by_words_pg);
}

static const char *const supply_statuses[] = {"active", "withdrawn", NULL};
static const char *const demand_statuses[] = {"open", "closed", "awarded", "cancelled", NULL};

static enum qerr listing_list(struct db *db, const struct actor *a, const struct listing_filter *f, bool demand,
			      json_t **out, struct qerror *err)
{
	*out = NULL;
	char p[7];
	int64_t ent;
	if (list_filters(db, f, demand ? demand_statuses : supply_statuses, p, &ent, err))
		return err->code;
	struct buf match = {0};
	if (f->q && *f->q && build_match(db, f->q, &match, err))
		return err->code;
	bool no_words = f->q && *f->q && match.len == 0;
	if (ent < 0 || no_words || (f->mine && !a->org_id)) {
		buf_free(&match);
		*out = json_pack("{s:[],s:n}", "items", "next_cursor");
		return QERR_OK;
	}
	const char *sql = match.len ? list_by_words_sql(db, demand)
			  : ent	    ? (demand ? demand_by_enterprise : supply_by_enterprise)
				    : (demand ? demand_all : supply_all);
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st) {
		buf_free(&match);
		return err->code;
	}
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	db_bind_int64(st, 1, f->cursor > 0 ? f->cursor : 0);
	db_bind_int64(st, 2, ent);
	db_bind_text_or_null(st, 3, f->chain);
	db_bind_text_or_null(st, 4, f->segment);
	db_bind_text_or_null(st, 5, p);
	db_bind_text_or_null(st, 6, f->status);
	if (match.len)
		db_bind_text_n(st, 7, match.data, match.len);
	db_bind_int64(st, 8, f->mine ? a->org_id : 0);
	db_bind_int(st, 9, limit + 1);
	if (demand)
		db_bind_int64(st, 10, a->org_type == ORG_OPERATOR ? 0 : (a->org_id ? a->org_id : -1));
	buf_free(&match);
	return db_page(st, limit, demand ? demand_row : supply_row, out, err);
}

enum qerr market_supply_list(struct db *db, const struct actor *a, const struct listing_filter *f, json_t **out,
			     struct qerror *err)
{
	return listing_list(db, a, f, false, out, err);
}

enum qerr market_demand_list(struct db *db, const struct actor *a, const struct listing_filter *f, json_t **out,
			     struct qerror *err)
{
	return listing_list(db, a, f, true, out, err);
}
