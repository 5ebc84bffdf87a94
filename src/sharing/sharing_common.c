/*
 * sharing_common.c - the helpers of sharing_int.h: loading a resource and
 * its rules, the per-resource writer lock, the holds, effective states,
 * who pays which price, who may book, the clock.
 */
#include "sharing/sharing_int.h"

#include <stdlib.h>
#include <string.h>
#include "sharing/resource.h"

const char *const sharing_kind_names[] = {"sme", "large", "other", NULL};

static int64_t clock_override;

void sharing_set_clock(int64_t t)
{
	clock_override = t;
}

int64_t sharing_now(void)
{
	return clock_override ? clock_override : qtime_now();
}

void sharing_format(int64_t t, char out[QTIME_ISO_LEN])
{
	if (!qtime_format(t, out))
		out[0] = '\0';
}

void sharing_now_iso(char out[QTIME_ISO_LEN])
{
	sharing_format(sharing_now(), out);
}

enum qerr sharing_fail(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr sharing_resource_load(struct db *db, int64_t id, struct sharing_resource *r, struct qerror *err)
{
	memset(r, 0, sizeof *r);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT r.id,r.org_id,o.name,r.type,r.name,r.region,r.capacity,r.price_sme_fen,"
		       "r.price_large_fen,r.price_other_fen,r.opening_hours,r.closed_dates,r.min_minutes,"
		       "r.max_minutes,r.buffer_minutes,r.horizon_days,r.approval,r.eligibility,"
		       "r.sme_share_bp,r.no_show_minutes,r.offer_minutes,r.status,r.feed_token"
		       " FROM resources r JOIN orgs o ON o.id=r.org_id WHERE r.id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
				(long long)id);
	if (rc)
		return rc;
	r->id = db_col_int64(st, 0);
	r->org_id = db_col_int64(st, 1);
	snprintf(r->org_name, sizeof r->org_name, "%s", db_col_text(st, 2));
	snprintf(r->type, sizeof r->type, "%s", db_col_text(st, 3));
	snprintf(r->name, sizeof r->name, "%s", db_col_text(st, 4));
	snprintf(r->region, sizeof r->region, "%s", db_col_text(st, 5));
	r->rules.capacity = db_col_int64(st, 6);
	for (int k = 0; k < 3; k++)
		r->price[k] = db_col_int64(st, 7 + k);
	bool ok = sharing_hours_parse(db_col_text(st, 10), &r->rules, NULL) == QERR_OK &&
		  sharing_closed_parse(db_col_text(st, 11), &r->rules, NULL) == QERR_OK;
	r->rules.min_minutes = db_col_int64(st, 12);
	r->rules.max_minutes = db_col_int64(st, 13);
	r->rules.buffer_minutes = db_col_int64(st, 14);
	r->rules.horizon_days = db_col_int64(st, 15);
	snprintf(r->approval, sizeof r->approval, "%s", db_col_text(st, 16));
	snprintf(r->eligibility, sizeof r->eligibility, "%s", db_col_text(st, 17));
	r->rules.sme_share_bp = db_col_int64(st, 18);
	r->no_show_minutes = db_col_int64(st, 19);
	r->offer_minutes = db_col_int64(st, 20);
	snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 21));
	snprintf(r->feed_token, sizeof r->feed_token, "%s", db_col_text(st, 22));
	db_reset(st);
	if (!ok)
		return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "resource %lld has unreadable rules",
				(long long)id);
	return QERR_OK;
}

enum qerr sharing_resource_lock(struct db *db, int64_t id, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "UPDATE resources SET lock_seq=lock_seq+1 WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_run(st, err))
		return err->code;
	if (db_changes(db) == 0)
		return qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
				(long long)id);
	return QERR_OK;
}

void sharing_bind_holding(struct db_stmt *st, int idx, const char *now)
{
	for (int i = 0; i < 3; i++)
		db_bind_text(st, idx + i, now);
}

enum qerr sharing_holds_load(struct db *db, int64_t resource_id, int64_t from, int64_t until, int64_t now,
			     struct sh_hold **holds, int *n, struct qerror *err)
{
	*holds = NULL;
	*n = 0;
	char f[QTIME_ISO_LEN], u[QTIME_ISO_LEN], nw[QTIME_ISO_LEN];
	sharing_format(from, f);
	sharing_format(until, u);
	sharing_format(now, nw);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT b.id,b.starts_at,b.ends_at,b.occupied_until,b.units,b.booker_kind"
		       " FROM bookings b WHERE b.resource_id=? AND b.starts_at<? AND b.occupied_until>?"
		       " AND " SHARING_HOLDING_SQL " ORDER BY b.starts_at, b.id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, resource_id);
	db_bind_text(st, 2, u);
	db_bind_text(st, 3, f);
	sharing_bind_holding(st, 4, nw);
	int cap = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 32;
			struct sh_hold *nh = realloc(*holds, (size_t)ncap * sizeof **holds);
			if (!nh) {
				db_reset(st);
				free(*holds);
				*holds = NULL;
				*n = 0;
				return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			}
			*holds = nh;
			cap = ncap;
		}
		struct sh_hold *h = &(*holds)[(*n)++];
		h->id = db_col_int64(st, 0);
		if (!qtime_parse(db_col_text(st, 1), QTIME_STRICT, &h->start, NULL) ||
		    !qtime_parse(db_col_text(st, 2), QTIME_STRICT, &h->end, NULL) ||
		    !qtime_parse(db_col_text(st, 3), QTIME_STRICT, &h->until, NULL))
			h->start = h->end = h->until = 0;
		h->units = db_col_int64(st, 4);
		h->sme = strcmp(db_col_text(st, 5), "sme") == 0;
	}
	db_reset(st);
	if (rc < 0) {
		free(*holds);
		*holds = NULL;
		*n = 0;
		return err->code;
	}
	return QERR_OK;
}

const char *sharing_effective_state(const char *state, const char *starts_at, const char *noshow_at,
				    const char *offer_expires_at, const char *now)
{
	if (strcmp(state, "approved") == 0 && strcmp(noshow_at, now) <= 0)
		return "no_show";
	if (strcmp(state, "requested") == 0 && strcmp(starts_at, now) <= 0)
		return "expired";
	if (strcmp(state, "offered") == 0 && offer_expires_at && strcmp(offer_expires_at, now) <= 0)
		return "expired";
	return state;
}

enum qerr sharing_org_kind(struct db *db, int64_t org_id, enum org_type *type, enum sharing_kind *kind,
			   struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT type FROM orgs WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "org_not_found", "org_id", "组织不存在 (no organisation %lld)",
				(long long)org_id);
	if (rc)
		return rc;
	enum org_type t = ORG_OPERATOR;
	org_type_parse(db_col_text(st, 0), &t);
	db_reset(st);
	*type = t;
	*kind = t == ORG_SME ? KIND_SME : t == ORG_LARGE ? KIND_LARGE : KIND_OTHER;
	return QERR_OK;
}

enum qerr sharing_org_enterprise(struct db *db, int64_t org_id, int64_t *enterprise_id, struct qerror *err)
{
	*enterprise_id = 0;
	struct db_stmt *st = db_prepare(db, "SELECT id FROM enterprises WHERE org_id=? ORDER BY id LIMIT 1", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	enum qerr rc = db_scalar_int64(st, enterprise_id, err);
	if (rc == QERR_NOT_FOUND) {
		qerr_clear(err);
		*enterprise_id = 0;
		return QERR_OK;
	}
	return rc;
}

enum qerr sharing_may_book(struct db *db, const struct sharing_resource *r, int64_t org_id, enum org_type type,
			   bool *yes, struct qerror *err)
{
	*yes = false;
	if (org_id == r->org_id || strcmp(r->eligibility, "everyone") == 0) {
		*yes = true;
		return QERR_OK;
	}
	if (strcmp(r->eligibility, "sme") == 0) {
		*yes = type == ORG_SME;
		return QERR_OK;
	}
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM resource_invites WHERE resource_id=? AND org_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, r->id);
	db_bind_int64(st, 2, org_id);
	int64_t c = 0;
	if (db_scalar_int64(st, &c, err))
		return err->code;
	*yes = c > 0;
	return QERR_OK;
}

bool sharing_is_owner(const struct actor *a, const struct sharing_resource *r)
{
	return a->org_type == ORG_OPERATOR || (a->org_id && a->org_id == r->org_id);
}
