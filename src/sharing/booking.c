/*
 * booking.c - requests, weekly series, the waitlist and its offers, the
 * decisions and steps of a booking, the maintenance pass and the bill
 * (booking.h). Every write that can add units takes the resource's writer
 * lock first (sharing_resource_lock), then runs the maintenance pass for
 * the resource, then reads the holds and checks schedule.h's rules against
 * them: all inside one write transaction, so two requests for the last
 * unit can never both pass.
 */
#include "sharing/booking.h"

#include <stdlib.h>
#include <string.h>
#include "base/money.h"
#include "base/util.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/uscc.h"
#include "sharing/schedule.h"
#include "sharing/sharing_int.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}
#define CHECK_IN_EARLY (30 * 60) /* check-in opens this long before the start */

const struct jfield sharing_booking_fields[] = {
    {"starts_at", JF_STRING, true, 20, 25, NULL, "start, UTC ISO-8601 (or with +08:00), on the hour or half hour"},
    {"ends_at", JF_STRING, true, 20, 25, NULL, "end, UTC ISO-8601 (or with +08:00), on the hour or half hour"},
    {"units", JF_INT, false, 1, 10000, NULL, "identical units wanted (default 1)"},
    {"repeat_weeks", JF_INT, false, 1, SHARING_MAX_REPEAT_WEEKS, NULL,
     "book the same window this many weeks in a row, all or none (default 1)"},
    {"waitlist", JF_BOOL, false, 0, 0, NULL, "when the window is full: join the waitlist instead of failing"},
    {"note", JF_STRING, false, 0, 1000, NULL, "what it is for"},
    {"enterprise_uscc", JF_STRING, false, 18, 36, NULL,
     "the booking enterprise of the caller's organisation (default: its first)"},
    {"org_id", JF_INT, false, 1, INT64_MAX, NULL, "operator only: book for this organisation"},
    END_FIELDS,
};

const struct jfield sharing_booking_action_fields[] = {
    {"reason", JF_STRING, false, 0, 1000, NULL, "why (required to reject)"},
    {"used_minutes", JF_INT, false, 0, 525600, NULL, "complete: minutes actually used (0..booked)"},
    END_FIELDS,
};

const char *const sharing_booking_action_names[] = {"approve",	"reject",  "cancel", "check_in",
						    "complete", "confirm", NULL};

enum qerr sharing_cost(int64_t price_per_hour_fen, int64_t minutes, int64_t units, int64_t *cost_fen,
		       struct qerror *err)
{
	int64_t x, y;
	if (money_mul(price_per_hour_fen, minutes, &x, err) || money_mul(x, units, &y, err) ||
	    money_add(y, 30, &x, err))
		return err ? err->code : QERR_INVALID;
	*cost_fen = x / 60;
	return QERR_OK;
}

/* ---- reading ---- */

#define BOOKING_COLS                                                                                                   \
	"b.id,b.resource_id,r.name,r.type,r.org_id,ro.name,b.booker_org_id,bo.name,b.booker_enterprise_id,"            \
	"b.booker_kind,b.series_id,b.starts_at,b.ends_at,b.units,b.state,b.price_per_hour_fen,b.cost_fen,"             \
	"b.used_minutes,b.note,b.reason,b.noshow_at,b.offer_expires_at,b.checked_in_at,b.completed_at,b.seq,"          \
	"b.created_at,b.updated_at,b.occupied_until"
#define BOOKING_FROM                                                                                                   \
	" FROM bookings b JOIN resources r ON r.id=b.resource_id JOIN orgs ro ON ro.id=r.org_id"                       \
	" JOIN orgs bo ON bo.id=b.booker_org_id"

static __thread char tl_now[QTIME_ISO_LEN];

static json_t *booking_row(struct db_stmt *st)
{
	const char *state = sharing_effective_state(db_col_text(st, 14), db_col_text(st, 11), db_col_text(st, 20),
						    db_col_text_or_null(st, 21), tl_now);
	json_t *o = json_pack(
	    "{s:I,s:{s:I,s:s,s:s,s:I,s:s},s:{s:I,s:s,s:o,s:s},s:o,s:s,s:s,s:I,s:s,s:s,s:I,s:I,s:o,s:s,s:s,s:s,s:o,s:o,"
	    "s:o,s:I,s:s,s:s,s:s}",
	    "id", (json_int_t)db_col_int64(st, 0), "resource", "id", (json_int_t)db_col_int64(st, 1), "name",
	    db_col_text(st, 2), "type", db_col_text(st, 3), "owner_org_id", (json_int_t)db_col_int64(st, 4),
	    "owner_name", db_col_text(st, 5), "booker", "org_id", (json_int_t)db_col_int64(st, 6), "name",
	    db_col_text(st, 7), "enterprise_id", db_col_json_int(st, 8), "kind", db_col_text(st, 9), "series_id",
	    db_col_json_int(st, 10), "starts_at", db_col_text(st, 11), "ends_at", db_col_text(st, 12), "units",
	    (json_int_t)db_col_int64(st, 13), "state", state, "stored_state", db_col_text(st, 14), "price_per_hour_fen",
	    (json_int_t)db_col_int64(st, 15), "cost_fen", (json_int_t)db_col_int64(st, 16), "used_minutes",
	    db_col_json_int(st, 17), "note", db_col_text(st, 18), "reason", db_col_text(st, 19), "noshow_at",
	    db_col_text(st, 20), "offer_expires_at", db_col_json_text(st, 21), "checked_in_at",
	    db_col_json_text(st, 22), "completed_at", db_col_json_text(st, 23), "sequence",
	    (json_int_t)db_col_int64(st, 24), "created_at", db_col_text(st, 25), "updated_at", db_col_text(st, 26),
	    "occupied_until", db_col_text(st, 27));
	return o;
}

static enum qerr booking_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT " BOOKING_COLS BOOKING_FROM " WHERE b.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "id", "预约不存在 (no booking %lld)",
				(long long)id);
	if (rc)
		return rc;
	sharing_now_iso(tl_now);
	*out = booking_row(st);
	db_reset(st);
	return QERR_OK;
}

/* What the state machine needs of a booking. */
struct booking {
	int64_t id, resource_id, booker_org_id, booker_enterprise_id, owner_org_id, units, price, seq;
	int64_t start, end;
	char state[16];
	char starts_at[QTIME_ISO_LEN], ends_at[QTIME_ISO_LEN], noshow_at[QTIME_ISO_LEN],
	    offer_expires_at[QTIME_ISO_LEN];
	char kind[8];
	char resource_name[SHARING_NAME_MAX * 4 + 1];
};

static enum qerr booking_load(struct db *db, int64_t id, struct booking *b, struct qerror *err)
{
	memset(b, 0, sizeof *b);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT b.id,b.resource_id,b.booker_org_id,b.booker_enterprise_id,r.org_id,b.units,"
		       "b.price_per_hour_fen,b.seq,b.state,b.starts_at,b.ends_at,b.noshow_at,"
		       "b.offer_expires_at,b.booker_kind,r.name"
		       " FROM bookings b JOIN resources r ON r.id=b.resource_id WHERE b.id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "id", "预约不存在 (no booking %lld)",
				(long long)id);
	if (rc)
		return rc;
	b->id = db_col_int64(st, 0);
	b->resource_id = db_col_int64(st, 1);
	b->booker_org_id = db_col_int64(st, 2);
	b->booker_enterprise_id = db_col_int64(st, 3);
	b->owner_org_id = db_col_int64(st, 4);
	b->units = db_col_int64(st, 5);
	b->price = db_col_int64(st, 6);
	b->seq = db_col_int64(st, 7);
	snprintf(b->state, sizeof b->state, "%s", db_col_text(st, 8));
	snprintf(b->starts_at, sizeof b->starts_at, "%s", db_col_text(st, 9));
	snprintf(b->ends_at, sizeof b->ends_at, "%s", db_col_text(st, 10));
	snprintf(b->noshow_at, sizeof b->noshow_at, "%s", db_col_text(st, 11));
	snprintf(b->offer_expires_at, sizeof b->offer_expires_at, "%s", db_col_text(st, 12));
	snprintf(b->kind, sizeof b->kind, "%s", db_col_text(st, 13));
	snprintf(b->resource_name, sizeof b->resource_name, "%s", db_col_text(st, 14));
	db_reset(st);
	qtime_parse(b->starts_at, QTIME_STRICT, &b->start, NULL);
	qtime_parse(b->ends_at, QTIME_STRICT, &b->end, NULL);
	return QERR_OK;
}

enum qerr sharing_booking_bill(struct db *db, int64_t booking_id, struct sharing_bill *out, struct qerror *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_prepare(db,
					"SELECT b.id,b.resource_id,r.org_id,b.booker_org_id,b.booker_enterprise_id,"
					"b.booker_kind,b.state,b.units,b.starts_at,b.ends_at,b.used_minutes,"
					"b.price_per_hour_fen,b.cost_fen,b.completed_at"
					" FROM bookings b JOIN resources r ON r.id=b.resource_id WHERE b.id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, booking_id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "id", "预约不存在 (no booking %lld)",
				(long long)booking_id);
	if (rc)
		return rc;
	out->booking_id = db_col_int64(st, 0);
	out->resource_id = db_col_int64(st, 1);
	out->owner_org_id = db_col_int64(st, 2);
	out->booker_org_id = db_col_int64(st, 3);
	out->booker_enterprise_id = db_col_int64(st, 4);
	snprintf(out->booker_kind, sizeof out->booker_kind, "%s", db_col_text(st, 5));
	snprintf(out->state, sizeof out->state, "%s", db_col_text(st, 6));
	out->units = db_col_int64(st, 7);
	snprintf(out->starts_at, sizeof out->starts_at, "%s", db_col_text(st, 8));
	snprintf(out->ends_at, sizeof out->ends_at, "%s", db_col_text(st, 9));
	out->used_minutes = db_col_int64(st, 10);
	out->price_per_hour_fen = db_col_int64(st, 11);
	out->cost_fen = db_col_int64(st, 12);
	snprintf(out->completed_at, sizeof out->completed_at, "%s", db_col_text(st, 13));
	db_reset(st);
	int64_t s = 0, e = 0;
	qtime_parse(out->starts_at, QTIME_STRICT, &s, NULL);
	qtime_parse(out->ends_at, QTIME_STRICT, &e, NULL);
	out->booked_minutes = (e - s) / 60;
	return QERR_OK;
}

/* ---- notifications ---- */

static enum qerr notify_org(struct db *db, int64_t org_id, int64_t enterprise_id, const char *kind, int64_t object,
			    const char *title, bool again, struct qerror *err)
{
	if (!enterprise_id && sharing_org_enterprise(db, org_id, &enterprise_id, err))
		return err->code;
	if (!enterprise_id) /* an organisation without an enterprise: its own inbox */
		return again ? inbox_renotify_org(db, org_id, kind, object, title, NULL, err)
			     : inbox_notify_org(db, org_id, kind, object, title, NULL, err);
	return again ? inbox_renotify(db, enterprise_id, kind, object, title, NULL, err)
		     : inbox_notify(db, enterprise_id, kind, object, title, NULL, err);
}

static enum qerr notify_booker(struct db *db, const struct booking *b, const char *what, struct qerror *err)
{
	char title[900];
	snprintf(title, sizeof title, "%s：%s %.16s", what, b->resource_name, b->starts_at);
	return notify_org(db, b->booker_org_id, b->booker_enterprise_id, "booking", b->id, title, true, err);
}

static enum qerr notify_owner(struct db *db, const struct booking *b, const char *what, struct qerror *err)
{
	char title[900];
	snprintf(title, sizeof title, "%s：%s %.16s", what, b->resource_name, b->starts_at);
	return notify_org(db, b->owner_org_id, 0, "booking_request", b->id, title, true, err);
}

static enum qerr audit_booking(struct db *db, const struct actor *a, const char *action, int64_t id, json_t *detail,
			       struct qerror *err)
{
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	enum qerr rc = audit_record(db, a, action, "booking", ids, detail, err);
	json_decref(detail);
	return rc;
}

/* Sets a booking's state (and bumps its seq and updated_at). */
static enum qerr set_state(struct db *db, int64_t id, const char *state, const char *now, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "UPDATE bookings SET state=?,seq=seq+1,updated_at=? WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, state);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, id);
	return db_run(st, err);
}

/* ---- the maintenance pass and the waitlist ---- */

/*
 * Offers the held-free units of resource r to its waitlist, first come
 * first served: each waitlisted booking (start still ahead) that the rules
 * now accept is offered, holding its units until the offer expires.
 */
static enum qerr offer_next(struct db *db, const struct sharing_resource *r, int64_t now, int64_t *changed,
			    struct qerror *err)
{
	char nw[QTIME_ISO_LEN];
	sharing_format(now, nw);
	struct db_stmt *st = db_prepare(db,
					"SELECT id,starts_at,ends_at,units,booker_kind FROM bookings"
					" WHERE resource_id=? AND state='waitlisted' AND starts_at>? ORDER BY id",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, r->id);
	db_bind_text(st, 2, nw);
	struct sh_hold *wait = NULL;
	int nw_count = 0, cap = 0, rc;
	int64_t lo = INT64_MAX, hi = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (nw_count == cap) {
			cap = cap ? cap * 2 : 16;
			struct sh_hold *n2 = realloc(wait, (size_t)cap * sizeof *wait);
			if (!n2) {
				db_reset(st);
				free(wait);
				return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			}
			wait = n2;
		}
		struct sh_hold *w = &wait[nw_count++];
		w->id = db_col_int64(st, 0);
		qtime_parse(db_col_text(st, 1), QTIME_STRICT, &w->start, NULL);
		qtime_parse(db_col_text(st, 2), QTIME_STRICT, &w->end, NULL);
		w->until = w->end + r->rules.buffer_minutes * 60;
		w->units = db_col_int64(st, 3);
		w->sme = strcmp(db_col_text(st, 4), "sme") == 0;
		if (w->start < lo)
			lo = w->start;
		if (w->until > hi)
			hi = w->until;
	}
	db_reset(st);
	if (rc < 0) {
		free(wait);
		return err->code;
	}
	if (nw_count == 0)
		return QERR_OK;
	struct sh_hold *holds = NULL;
	int n = 0;
	enum qerr e = sharing_holds_load(db, r->id, lo - 86400, hi + 86400, now, &holds, &n, err);
	for (int i = 0; !e && i < nw_count; i++) {
		struct sh_hold *w = &wait[i];
		if (sh_check(&r->rules, holds, n, 0, w->start, w->end, w->units, w->sme, now) != SH_OK)
			continue;
		int64_t expires = now + r->offer_minutes * 60;
		if (expires > w->start)
			expires = w->start;
		char ex[QTIME_ISO_LEN];
		sharing_format(expires, ex);
		st = db_prepare(
		    db, "UPDATE bookings SET state='offered',offer_expires_at=?,seq=seq+1,updated_at=? WHERE id=?",
		    err);
		if (!st) {
			e = err->code;
			break;
		}
		db_bind_text(st, 1, ex);
		db_bind_text(st, 2, nw);
		db_bind_int64(st, 3, w->id);
		struct booking b;
		if ((e = db_run(st, err)) || (e = booking_load(db, w->id, &b, err)))
			break;
		char title[900];
		snprintf(title, sizeof title, "候补有空位，请在%.16s前确认：%s %.16s", ex, b.resource_name,
			 b.starts_at);
		if ((e = notify_org(db, b.booker_org_id, b.booker_enterprise_id, "booking_offer", b.id, title, true,
				    err)))
			break;
		struct sh_hold *nh = realloc(holds, (size_t)(n + 1) * sizeof *holds);
		if (!nh) {
			e = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			break;
		}
		holds = nh;
		holds[n++] = *w;
		if (changed)
			(*changed)++;
	}
	free(holds);
	free(wait);
	return e;
}

/* Inside the caller's write transaction: materialises the lapsed states of r's bookings, then offers freed units. */
static enum qerr maintain_resource(struct db *db, const struct actor *a, const struct sharing_resource *r, int64_t now,
				   int64_t *changed, struct qerror *err)
{
	char nw[QTIME_ISO_LEN];
	sharing_format(now, nw);
	/* In batches: each batch's rows change state, so the next query starts after them. */
	for (;;) {
		struct db_stmt *st =
		    db_prepare(db,
			       "SELECT id,state FROM bookings WHERE resource_id=? AND ("
			       "((state='requested' OR state='waitlisted') AND starts_at<=?)"
			       " OR (state='approved' AND noshow_at<=?) OR (state='offered' AND offer_expires_at<=?))"
			       " ORDER BY id LIMIT 256",
			       err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, r->id);
		for (int i = 2; i <= 4; i++)
			db_bind_text(st, i, nw);
		int64_t ids[256];
		bool noshow[256];
		int n = 0, rc = DB_DONE;
		while (n < 256 && (rc = db_step(st, err)) == DB_ROW) {
			ids[n] = db_col_int64(st, 0);
			noshow[n] = strcmp(db_col_text(st, 1), "approved") == 0;
			n++;
		}
		db_reset(st);
		if (n < 256 && rc < 0)
			return err->code;
		for (int i = 0; i < n; i++) {
			struct booking b;
			const char *to = noshow[i] ? "no_show" : "expired";
			if (set_state(db, ids[i], to, nw, err) || booking_load(db, ids[i], &b, err) ||
			    notify_booker(db, &b, noshow[i] ? "未按时签到，预约已失效" : "预约已过期", err) ||
			    audit_booking(db, a, noshow[i] ? "booking.no_show" : "booking.expire", ids[i], NULL, err))
				return err->code;
			if (changed)
				(*changed)++;
		}
		if (n < 256)
			break;
	}
	return offer_next(db, r, now, changed, err);
}

enum qerr sharing_maintain(struct db *db, int64_t resource_id, int64_t now, int64_t *changed, struct qerror *err)
{
	if (changed)
		*changed = 0;
	if (!now)
		now = sharing_now();
	struct actor sys;
	actor_cli(&sys);
	snprintf(sys.email, sizeof sys.email, "maintenance");
	struct sharing_resource *r = malloc(sizeof *r);
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = db_begin_write(db, err);
	if (rc) {
		free(r);
		return rc;
	}
	struct db_stmt *st = db_prepare(db, "SELECT id FROM resources WHERE (?1 = 0 OR id=?1) ORDER BY id", err);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	if (!st)
		goto fail;
	db_bind_int64(st, 1, resource_id);
	int s;
	while ((s = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *ni = realloc(ids, cap * sizeof *ids);
			if (!ni) {
				db_reset(st);
				qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
				goto fail;
			}
			ids = ni;
		}
		ids[n++] = db_col_int64(st, 0);
	}
	db_reset(st);
	if (s < 0)
		goto fail;
	if (resource_id && n == 0) {
		qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
			 (long long)resource_id);
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		if (sharing_resource_lock(db, ids[i], err) || sharing_resource_load(db, ids[i], r, err) ||
		    maintain_resource(db, &sys, r, now, changed, err))
			goto fail;
	if (db_commit(db, err))
		goto fail;
	free(ids);
	free(r);
	return QERR_OK;
fail:
	free(ids);
	free(r);
	return sharing_fail(db, err);
}

/* ---- requests ---- */

static enum qerr refuse(struct qerror *err, enum sh_refusal why, int occurrence, int total)
{
	enum qerr code = why == SH_NO_CAPACITY ? QERR_CONFLICT : QERR_INVALID;
	const char *field = why == SH_TOO_MANY_UNITS ? "units" : why == SH_NO_CAPACITY ? "units" : "starts_at";
	if (total > 1)
		return qerr_set(err, code, sh_refusal_slug(why), field, "第%d周：%s (week %d of %d)", occurrence + 1,
				sh_refusal_message(why), occurrence + 1, total);
	return qerr_set(err, code, sh_refusal_slug(why), field, "%s", sh_refusal_message(why));
}

static enum qerr parse_window(const json_t *body, int64_t *start, int64_t *end, struct qerror *err)
{
	if (!qtime_parse(json_str(body, "starts_at", ""), QTIME_OFFSET, start, NULL))
		return qerr_set(err, QERR_INVALID, "invalid_time", "starts_at",
				"开始时间格式无效 (starts_at must be YYYY-MM-DDTHH:MM:SSZ or with an offset)");
	if (!qtime_parse(json_str(body, "ends_at", ""), QTIME_OFFSET, end, NULL))
		return qerr_set(err, QERR_INVALID, "invalid_time", "ends_at",
				"结束时间格式无效 (ends_at must be YYYY-MM-DDTHH:MM:SSZ or with an offset)");
	return QERR_OK;
}

/* The booking organisation and its enterprise. */
static enum qerr booker_of(struct db *db, const struct actor *a, const json_t *body, int64_t *org, int64_t *enterprise,
			   struct qerror *err)
{
	*org = a->org_id;
	if (json_object_get(body, "org_id")) {
		if (a->org_type != ORG_OPERATOR)
			return qerr_set(
			    err, QERR_FORBIDDEN, "forbidden", "org_id",
			    "只有运营方可以代其他组织预约 (only the operator may book for another organisation)");
		*org = json_int(body, "org_id", 0);
	}
	if (!*org)
		return qerr_set(err, QERR_INVALID, "missing_field", "org_id",
				"请指定预约的组织 (org_id: which organisation books)");
	if (a->org_type == ORG_BANK && *org == a->org_id)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"银行不能预约共享资源 (banks do not book resources)");
	const char *uscc = json_str(body, "enterprise_uscc", NULL);
	if (!uscc)
		return sharing_org_enterprise(db, *org, enterprise, err);
	char canon[USCC_LEN + 1];
	int64_t owner = 0;
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "enterprise_uscc");
		return err->code;
	}
	if (enterprise_ref_owner(db, canon, enterprise, &owner, err))
		return err->code;
	if (!*enterprise || owner != *org)
		return enterprise_ref_not_found(err, QERR_INVALID, "enterprise_uscc", canon);
	return QERR_OK;
}

enum qerr sharing_booking_request(struct db *db, const struct actor *a, int64_t resource_id, const json_t *body,
				  json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t start, end;
	if (parse_window(body, &start, &end, err))
		return err->code;
	int64_t units = json_int(body, "units", 1);
	int weeks = (int)json_int(body, "repeat_weeks", 1);
	bool waitlist = json_is_true(json_object_get(body, "waitlist"));
	if (waitlist && weeks > 1)
		return qerr_set(err, QERR_INVALID, "waitlist_series", "waitlist",
				"每周重复的预约不能候补 (a weekly series cannot join the waitlist)");
	int64_t now = sharing_now();
	char nw[QTIME_ISO_LEN];
	sharing_format(now, nw);
	struct sharing_resource *r = malloc(sizeof *r);
	struct sh_hold *holds = NULL;
	int64_t ids[SHARING_MAX_REPEAT_WEEKS];
	int nids = 0;
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = db_begin_write(db, err);
	if (rc) {
		free(r);
		return rc;
	}
	int64_t org = 0, enterprise = 0;
	if (sharing_resource_lock(db, resource_id, err) || sharing_resource_load(db, resource_id, r, err))
		goto fail;
	if (strcmp(r->status, "active") != 0) {
		qerr_set(err, QERR_CONFLICT, "resource_withdrawn", "id", "资源已下架 (the resource is withdrawn)");
		goto fail;
	}
	if (booker_of(db, a, body, &org, &enterprise, err))
		goto fail;
	enum org_type type;
	enum sharing_kind kind;
	bool may;
	if (sharing_org_kind(db, org, &type, &kind, err))
		goto fail;
	if (type == ORG_BANK) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", "org_id",
			 "银行不能预约共享资源 (banks do not book resources)");
		goto fail;
	}
	if (sharing_may_book(db, r, org, type, &may, err))
		goto fail;
	if (!may) {
		qerr_set(err, QERR_FORBIDDEN, "not_eligible", NULL,
			 strcmp(r->eligibility, "sme") == 0
			     ? "该资源仅向中小企业开放 (this resource is open to SMEs only)"
			     : "该资源仅向受邀组织开放 (this resource is open to invited organisations only)");
		goto fail;
	}
	if (maintain_resource(db, a, r, now, NULL, err))
		goto fail;
	int n = 0;
	int64_t span_end = end + (int64_t)(weeks - 1) * 7 * 86400 + r->rules.buffer_minutes * 60;
	if (sharing_holds_load(db, resource_id, start, span_end, now, &holds, &n, err))
		goto fail;
	/* Room for the series' own holds after the loaded ones. */
	struct sh_hold *grown = realloc(holds, (size_t)(n + weeks) * sizeof *holds);
	if (!grown) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto fail;
	}
	holds = grown;
	bool sme = kind == KIND_SME || org == r->org_id;
	bool waitlisted = false;
	for (int w = 0; w < weeks; w++) {
		int64_t s = start + (int64_t)w * 7 * 86400, e = end + (int64_t)w * 7 * 86400;
		enum sh_refusal why = sh_check(&r->rules, holds, n + w, 0, s, e, units, sme, now);
		if (why != SH_OK) {
			if (waitlist && (why == SH_NO_CAPACITY || why == SH_SME_RESERVED)) {
				waitlisted = true;
			} else {
				refuse(err, why, w, weeks);
				goto fail;
			}
		}
		holds[n + w] = (struct sh_hold){s, e, e + r->rules.buffer_minutes * 60, units, sme, 0};
	}
	int64_t price = r->price[kind];
	const char *state = waitlisted ? "waitlisted" : strcmp(r->approval, "instant") == 0 ? "approved" : "requested";
	for (int w = 0; w < weeks; w++) {
		int64_t s = start + (int64_t)w * 7 * 86400, e = end + (int64_t)w * 7 * 86400;
		int64_t cost, noshow = s + r->no_show_minutes * 60;
		if (noshow > e)
			noshow = e;
		if (sharing_cost(price, (e - s) / 60, units, &cost, err)) {
			snprintf(err->field, sizeof err->field, "units");
			goto fail;
		}
		char ts[QTIME_ISO_LEN], te[QTIME_ISO_LEN], tu[QTIME_ISO_LEN], tn[QTIME_ISO_LEN];
		sharing_format(s, ts);
		sharing_format(e, te);
		sharing_format(e + r->rules.buffer_minutes * 60, tu);
		sharing_format(noshow, tn);
		struct db_stmt *st = db_prepare(
		    db,
		    "INSERT INTO bookings(resource_id,booker_org_id,booker_enterprise_id,booker_user_id,booker_kind,"
		    "series_id,starts_at,ends_at,occupied_until,units,state,price_per_hour_fen,cost_fen,note,reason,"
		    "noshow_at,seq,created_at,updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,'',?,0,?,?) RETURNING id",
		    err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, resource_id);
		db_bind_int64(st, 2, org);
		db_bind_opt_int64(st, 3, enterprise != 0, enterprise);
		db_bind_opt_int64(st, 4, a->user_id != 0, a->user_id);
		db_bind_text(st, 5, sharing_kind_names[kind]);
		db_bind_opt_int64(st, 6, w > 0, nids ? ids[0] : 0);
		db_bind_text(st, 7, ts);
		db_bind_text(st, 8, te);
		db_bind_text(st, 9, tu);
		db_bind_int64(st, 10, units);
		db_bind_text(st, 11, state);
		db_bind_int64(st, 12, price);
		db_bind_int64(st, 13, cost);
		db_bind_text(st, 14, json_str(body, "note", ""));
		db_bind_text(st, 15, tn);
		db_bind_text(st, 16, nw);
		db_bind_text(st, 17, nw);
		if (db_scalar_int64(st, &ids[nids], err))
			goto fail;
		nids++;
	}
	if (weeks > 1) {
		struct db_stmt *st = db_prepare(db, "UPDATE bookings SET series_id=? WHERE id=?", err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, ids[0]);
		db_bind_int64(st, 2, ids[0]);
		if (db_run(st, err))
			goto fail;
	}
	struct booking b;
	if (booking_load(db, ids[0], &b, err))
		goto fail;
	const char *what = waitlisted			    ? "新的候补"
			   : strcmp(state, "approved") == 0 ? "新的预约（已自动确认）"
							    : "新的预约申请，待审批";
	if (!waitlisted && notify_owner(db, &b, what, err))
		goto fail;
	for (int w = 0; w < nids; w++) {
		json_t *d = json_pack("{s:I,s:s,s:I,s:I}", "resource_id", (json_int_t)resource_id, "state", state,
				      "units", (json_int_t)units, "series_of", (json_int_t)nids);
		if (audit_booking(db, a, "booking.request", ids[w], d, err))
			goto fail;
	}
	if (db_commit(db, err))
		goto fail;
	json_t *items = json_array();
	for (int w = 0; w < nids; w++) {
		json_t *o;
		if (booking_json(db, ids[w], &o, err)) {
			json_decref(items);
			free(holds);
			free(r);
			return err->code;
		}
		json_array_append_new(items, o);
	}
	*out = json_pack("{s:o}", "bookings", items);
	free(holds);
	free(r);
	return QERR_OK;
fail:
	free(holds);
	free(r);
	return sharing_fail(db, err);
}

/* ---- the state machine ---- */

static enum qerr illegal(struct qerror *err, const char *action, const char *state)
{
	return qerr_set(err, QERR_CONFLICT, "illegal_transition", "state",
			"当前状态为%s，不能%s (cannot %s a booking that is %s)", state, action, action, state);
}

enum qerr sharing_booking_act(struct db *db, const struct actor *a, int64_t booking_id,
			      enum sharing_booking_action action, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	const char *name = sharing_booking_action_names[action];
	int64_t now = sharing_now();
	char nw[QTIME_ISO_LEN];
	sharing_format(now, nw);
	const char *reason = body ? json_str(body, "reason", "") : "";
	struct sharing_resource *r = malloc(sizeof *r);
	struct sh_hold *holds = NULL;
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = db_begin_write(db, err);
	if (rc) {
		free(r);
		return rc;
	}
	struct booking b;
	if (booking_load(db, booking_id, &b, err))
		goto fail;
	bool owner = a->org_type == ORG_OPERATOR || (a->org_id && a->org_id == b.owner_org_id);
	bool booker = a->org_type == ORG_OPERATOR || (a->org_id && a->org_id == b.booker_org_id);
	if (!owner && !booker) {
		qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "id", "预约不存在 (no booking %lld)",
			 (long long)booking_id);
		goto fail;
	}
	if (sharing_resource_lock(db, b.resource_id, err) || sharing_resource_load(db, b.resource_id, r, err) ||
	    maintain_resource(db, a, r, now, NULL, err) || booking_load(db, booking_id, &b, err))
		goto fail;
	bool frees = false;
	const char *to = NULL, *tell_booker = NULL, *tell_owner = NULL;
	switch (action) {
	case BOOKING_APPROVE:
	case BOOKING_REJECT:
		if (!owner) {
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有资源所属组织可以审批 (only the resource's owner may %s a booking)", name);
			goto fail;
		}
		if (strcmp(b.state, "requested") != 0) {
			illegal(err, name, b.state);
			goto fail;
		}
		if (action == BOOKING_REJECT) {
			if (!*reason) {
				qerr_set(err, QERR_INVALID, "missing_field", "reason",
					 "驳回须说明理由 (a rejection needs a reason)");
				goto fail;
			}
			to = "rejected", frees = true, tell_booker = "预约被驳回";
			break;
		}
		/* Approval re-checks every rule: hours, closed dates or capacity may have changed. */
		{
			int n = 0;
			if (sharing_holds_load(db, r->id, b.start, b.end + r->rules.buffer_minutes * 60, now, &holds,
					       &n, err))
				goto fail;
			enum sh_refusal why = sh_check(&r->rules, holds, n, b.id, b.start, b.end, b.units,
						       strcmp(b.kind, "sme") == 0 || b.booker_org_id == r->org_id, now);
			if (why != SH_OK) {
				refuse(err, why, 0, 1);
				goto fail;
			}
		}
		to = "approved", tell_booker = "预约已通过";
		break;
	case BOOKING_CANCEL:
		if (strcmp(b.state, "requested") != 0 && strcmp(b.state, "approved") != 0 &&
		    strcmp(b.state, "waitlisted") != 0 && strcmp(b.state, "offered") != 0) {
			illegal(err, name, b.state);
			goto fail;
		}
		if (!owner && b.start <= now) {
			qerr_set(err, QERR_CONFLICT, "already_started", "starts_at",
				 "预约已开始，不能取消 (the booking has started)");
			goto fail;
		}
		to = "cancelled", frees = true;
		if (booker && !(a->org_id == b.owner_org_id))
			tell_owner = "预约已取消";
		else
			tell_booker = "预约被资源方取消";
		break;
	case BOOKING_CHECK_IN:
		if (!owner) {
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有资源所属组织可以签到 (only the owner checks in)");
			goto fail;
		}
		if (strcmp(b.state, "approved") != 0) {
			illegal(err, name, b.state);
			goto fail;
		}
		if (now < b.start - CHECK_IN_EARLY) {
			qerr_set(err, QERR_CONFLICT, "too_early", "starts_at",
				 "开始前30分钟起才能签到 (check-in opens 30 minutes before the start)");
			goto fail;
		}
		to = "checked_in", tell_booker = "已签到";
		break;
	case BOOKING_COMPLETE: {
		if (!owner) {
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有资源所属组织可以登记使用 (only the owner records the usage)");
			goto fail;
		}
		if (strcmp(b.state, "checked_in") != 0) {
			illegal(err, name, b.state);
			goto fail;
		}
		int64_t booked = (b.end - b.start) / 60;
		if (!body || !json_object_get(body, "used_minutes")) {
			qerr_set(err, QERR_INVALID, "missing_field", "used_minutes",
				 "请登记实际使用时长 (used_minutes: the minutes actually used)");
			goto fail;
		}
		int64_t used = json_int(body, "used_minutes", 0);
		if (used < 0 || used > booked) {
			qerr_set(err, QERR_INVALID, "out_of_range", "used_minutes",
				 "实际使用时长须在0至%lld分钟之间 (used_minutes must be 0..%lld)", (long long)booked,
				 (long long)booked);
			goto fail;
		}
		int64_t cost;
		if (sharing_cost(b.price, used, b.units, &cost, err))
			goto fail;
		struct db_stmt *st = db_prepare(
		    db, "UPDATE bookings SET used_minutes=?,cost_fen=?,completed_at=?,reason=? WHERE id=?", err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, used);
		db_bind_int64(st, 2, cost);
		db_bind_text(st, 3, nw);
		db_bind_text(st, 4, reason);
		db_bind_int64(st, 5, b.id);
		if (db_run(st, err))
			goto fail;
		to = "completed", tell_booker = "使用已登记，账单已生成";
		break;
	}
	case BOOKING_CONFIRM:
		if (!booker) {
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有预约方可以确认候补 (only the booker confirms an offer)");
			goto fail;
		}
		if (strcmp(b.state, "offered") != 0) {
			illegal(err, name, b.state);
			goto fail;
		}
		to = strcmp(r->approval, "instant") == 0 ? "approved" : "requested";
		tell_owner = strcmp(to, "approved") == 0 ? "候补已确认" : "候补已确认，待审批";
		break;
	default:
		qerr_set(err, QERR_INVALID, "invalid_action", NULL, "unknown action");
		goto fail;
	}
	if (set_state(db, b.id, to, nw, err))
		goto fail;
	if (*reason && action != BOOKING_COMPLETE) {
		struct db_stmt *st = db_prepare(db, "UPDATE bookings SET reason=? WHERE id=?", err);
		if (!st)
			goto fail;
		db_bind_text(st, 1, reason);
		db_bind_int64(st, 2, b.id);
		if (db_run(st, err))
			goto fail;
	}
	if (action == BOOKING_CHECK_IN) {
		struct db_stmt *st = db_prepare(db, "UPDATE bookings SET checked_in_at=? WHERE id=?", err);
		if (!st)
			goto fail;
		db_bind_text(st, 1, nw);
		db_bind_int64(st, 2, b.id);
		if (db_run(st, err))
			goto fail;
	}
	if ((tell_booker && notify_booker(db, &b, tell_booker, err)) ||
	    (tell_owner && notify_owner(db, &b, tell_owner, err)))
		goto fail;
	json_t *detail = json_pack("{s:s,s:s,s:s}", "from", b.state, "to", to, "reason", reason);
	char act[40];
	snprintf(act, sizeof act, "booking.%s", name);
	if (audit_booking(db, a, act, b.id, detail, err))
		goto fail;
	if (frees && offer_next(db, r, now, NULL, err))
		goto fail;
	if (db_commit(db, err))
		goto fail;
	free(holds);
	free(r);
	return booking_json(db, booking_id, out, err);
fail:
	free(holds);
	free(r);
	return sharing_fail(db, err);
}

enum qerr sharing_booking_get(struct db *db, const struct actor *a, int64_t booking_id, json_t **out,
			      struct qerror *err)
{
	*out = NULL;
	struct booking b;
	if (booking_load(db, booking_id, &b, err))
		return err->code;
	if (a->org_type != ORG_OPERATOR &&
	    (!a->org_id || (a->org_id != b.owner_org_id && a->org_id != b.booker_org_id)))
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "id", "预约不存在 (no booking %lld)",
				(long long)booking_id);
	return booking_json(db, booking_id, out, err);
}

enum qerr sharing_booking_list(struct db *db, const struct actor *a, const struct sharing_booking_filter *f,
			       json_t **out, struct qerror *err)
{
	*out = NULL;
	const char *role = f->role ? f->role : "booker";
	bool as_owner = strcmp(role, "owner") == 0;
	if (!as_owner && strcmp(role, "booker") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_role", "role",
				"role须为booker或owner (role: booker or owner)");
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	sharing_now_iso(tl_now);
	/* A stored state that has lapsed reads as its effective state: filter on that. */
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT " BOOKING_COLS BOOKING_FROM
	    " WHERE (?1 = 1 OR (?2 = 1 AND r.org_id=?3) OR (?2 = 0 AND b.booker_org_id=?3))"
	    " AND (CAST(?4 AS TEXT) IS NULL OR b.state=?4 OR (?4='no_show' AND b.state='approved' AND b.noshow_at<=?5)"
	    "      OR (?4='expired' AND ((b.state='requested' AND b.starts_at<=?5)"
	    "          OR (b.state='offered' AND b.offer_expires_at<=?5))))"
	    " AND (CAST(?4 AS TEXT) IS NULL OR NOT ((?4='approved' AND b.noshow_at<=?5)"
	    "      OR (?4='requested' AND b.starts_at<=?5) OR (?4='offered' AND b.offer_expires_at<=?5)))"
	    " AND (?6 = 0 OR b.resource_id=?6) AND (?7 = 0 OR b.id<?7)"
	    " ORDER BY b.id DESC LIMIT ?8",
	    err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, a->org_type == ORG_OPERATOR && as_owner ? 1 : 0);
	db_bind_int(st, 2, as_owner ? 1 : 0);
	db_bind_int64(st, 3, a->org_id);
	db_bind_text(st, 4, f->state);
	db_bind_text(st, 5, tl_now);
	db_bind_int64(st, 6, f->resource_id);
	db_bind_int64(st, 7, f->cursor);
	db_bind_int64(st, 8, limit + 1);
	return db_page(st, limit, booking_row, out, err);
}
