/*
 * utilisation.c - booked and used hours against open hours, revenue and
 * the SMEs' share, per resource and per owner (utilisation.h). Reads every
 * booking that overlaps the range once and attributes it to days in C.
 */
#include "sharing/utilisation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "base/money.h"
#include "base/qdate.h"
#include "sharing/sharing_int.h"

#define MAX_DAYS 366

/* Unit-minutes per day. */
struct day_acc {
	int64_t open, booked, used, pending, reserved, sme_booked, sme_used;
};

struct acc {
	int ndays;
	struct day_acc day[MAX_DAYS];
	int64_t revenue_fen;
	bool revenue_overflow;
	int64_t counts[10];
	int64_t *smes;
	size_t nsmes, smes_cap;
};

static const char *const states[] = {"requested", "approved", "rejected", "cancelled",	"checked_in",
				     "completed", "no_show",  "expired",  "waitlisted", "offered"};

static double hours(int64_t unit_minutes)
{
	return round((double)unit_minutes / 60.0 * 100.0) / 100.0;
}

static double rate(int64_t part, int64_t whole)
{
	return whole > 0 ? round((double)part / (double)whole * 10000.0) / 10000.0 : 0.0;
}

static enum qerr parse_range(const char *from, const char *to, int64_t *d0, int64_t *d1, struct qerror *err)
{
	struct qdate a, b;
	if (!from || !qdate_parse(from, &a))
		return qerr_set(err, QERR_INVALID, "invalid_date", "from", "from须为 YYYY-MM-DD (from must be a date)");
	if (!to || !qdate_parse(to, &b))
		return qerr_set(err, QERR_INVALID, "invalid_date", "to", "to须为 YYYY-MM-DD (to must be a date)");
	*d0 = qdate_to_days(a);
	*d1 = qdate_to_days(b);
	if (*d1 < *d0 || *d1 - *d0 >= MAX_DAYS)
		return qerr_set(err, QERR_INVALID, "invalid_range", "to",
				"日期范围须在%d天以内且不倒置 (from..to must be in order and span at most %d days)",
				MAX_DAYS, MAX_DAYS);
	return QERR_OK;
}

static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
	int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

static void add_sme(struct acc *x, int64_t org)
{
	for (size_t i = 0; i < x->nsmes; i++)
		if (x->smes[i] == org)
			return;
	if (x->nsmes == x->smes_cap) {
		size_t cap = x->smes_cap ? x->smes_cap * 2 : 16;
		int64_t *n = realloc(x->smes, cap * sizeof *n);
		if (!n)
			return;
		x->smes = n;
		x->smes_cap = cap;
	}
	x->smes[x->nsmes++] = org;
}

/* Adds resource r's open hours and bookings over days d0..d1 into x. */
static enum qerr accumulate(struct db *db, const struct sharing_resource *r, int64_t d0, int64_t d1, struct acc *x,
			    struct qerror *err)
{
	x->ndays = (int)(d1 - d0 + 1);
	for (int i = 0; i < x->ndays; i++) {
		int64_t open = r->rules.capacity * sh_open_minutes(&r->rules, d0 + i);
		x->day[i].open += open;
		x->day[i].reserved += open * r->rules.sme_share_bp / 10000;
	}
	int64_t t0 = sh_day_start(d0), t1 = sh_day_start(d1 + 1);
	char f[QTIME_ISO_LEN], u[QTIME_ISO_LEN], nw[QTIME_ISO_LEN];
	sharing_format(t0, f);
	sharing_format(t1, u);
	sharing_now_iso(nw);
	struct db_stmt *st = db_prepare(db,
					"SELECT starts_at,ends_at,units,state,booker_kind,booker_org_id,used_minutes,"
					"cost_fen,noshow_at,offer_expires_at FROM bookings"
					" WHERE resource_id=? AND starts_at<? AND ends_at>?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, r->id);
	db_bind_text(st, 2, u);
	db_bind_text(st, 3, f);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t s = 0, e = 0;
		qtime_parse(db_col_text(st, 0), QTIME_STRICT, &s, NULL);
		qtime_parse(db_col_text(st, 1), QTIME_STRICT, &e, NULL);
		int64_t units = db_col_int64(st, 2);
		const char *state = sharing_effective_state(db_col_text(st, 3), db_col_text(st, 0), db_col_text(st, 8),
							    db_col_text_or_null(st, 9), nw);
		bool sme = strcmp(db_col_text(st, 4), "sme") == 0;
		for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
			if (strcmp(states[k], state) == 0)
				x->counts[k]++;
		bool booked = strcmp(state, "approved") == 0 || strcmp(state, "checked_in") == 0 ||
			      strcmp(state, "completed") == 0 || strcmp(state, "no_show") == 0;
		bool pending = strcmp(state, "requested") == 0;
		bool completed = strcmp(state, "completed") == 0;
		int64_t used_end = s + db_col_int64(st, 6) * 60;
		if (completed && s >= t0) {
			if (money_add(x->revenue_fen, db_col_int64(st, 7), &x->revenue_fen, NULL))
				x->revenue_overflow = true;
		}
		if (sme && (completed || strcmp(state, "checked_in") == 0))
			add_sme(x, db_col_int64(st, 5));
		for (int i = 0; i < x->ndays; i++) {
			int64_t a = sh_day_start(d0 + i), b = a + 86400;
			int64_t bm = units * overlap(s, e, a, b) / 60;
			if (!bm)
				continue;
			if (booked) {
				x->day[i].booked += bm;
				if (sme)
					x->day[i].sme_booked += bm;
			}
			if (pending)
				x->day[i].pending += bm;
			if (completed) {
				int64_t um = units * overlap(s, used_end, a, b) / 60;
				x->day[i].used += um;
				if (sme)
					x->day[i].sme_used += um;
			}
		}
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

static json_t *totals_json(const struct acc *x, bool with_days, int64_t d0)
{
	struct day_acc t = {0};
	int64_t reserved_used = 0;
	json_t *days = with_days ? json_array() : NULL;
	for (int i = 0; i < x->ndays; i++) {
		const struct day_acc *d = &x->day[i];
		t.open += d->open, t.booked += d->booked, t.used += d->used, t.pending += d->pending;
		t.reserved += d->reserved, t.sme_booked += d->sme_booked, t.sme_used += d->sme_used;
		reserved_used += d->sme_used < d->reserved ? d->sme_used : d->reserved;
		if (days) {
			struct qdate q;
			char date[QDATE_TEXT_LEN] = "";
			if (qdate_from_days(d0 + i, &q))
				qdate_format(q, date);
			json_array_append_new(days,
					      json_pack("{s:s,s:f,s:f,s:f,s:f}", "date", date, "open_hours",
							hours(d->open), "booked_hours", hours(d->booked), "used_hours",
							hours(d->used), "sme_booked_hours", hours(d->sme_booked)));
		}
	}
	json_t *counts = json_object();
	for (size_t k = 0; k < sizeof states / sizeof states[0]; k++)
		json_object_set_new(counts, states[k], json_integer(x->counts[k]));
	json_t *o = json_pack(
	    "{s:f,s:f,s:f,s:f,s:f,s:f,s:o,s:I,s:o,s:f,s:f,s:f,s:f}", "open_hours", hours(t.open), "booked_hours",
	    hours(t.booked), "used_hours", hours(t.used), "pending_hours", hours(t.pending), "booked_rate",
	    rate(t.booked, t.open), "used_rate", rate(t.used, t.open), "revenue_fen",
	    x->revenue_overflow ? json_null() : json_integer(x->revenue_fen), "smes_served", (json_int_t)x->nsmes,
	    "bookings", counts, "sme_reserved_hours", hours(t.reserved), "sme_booked_hours", hours(t.sme_booked),
	    "sme_used_hours", hours(t.sme_used), "sme_reserved_used_hours", hours(reserved_used));
	if (days)
		json_object_set_new(o, "days", days);
	return o;
}

enum qerr sharing_utilisation_resource(struct db *db, const struct actor *a, int64_t id, const char *from,
				       const char *to, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t d0, d1;
	if (parse_range(from, to, &d0, &d1, err))
		return err->code;
	struct sharing_resource *r = malloc(sizeof *r);
	struct acc *x = calloc(1, sizeof *x);
	enum qerr rc = QERR_OK;
	if (!r || !x) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	if ((rc = sharing_resource_load(db, id, r, err)))
		goto out;
	if (!sharing_is_owner(a, r)) {
		rc = qerr_set(
		    err, QERR_FORBIDDEN, "forbidden", NULL,
		    "只有资源所属组织或运营方可以查看利用率 (only the owner or the operator sees utilisation)");
		goto out;
	}
	if ((rc = accumulate(db, r, d0, d1, x, err)))
		goto out;
	json_t *o = totals_json(x, true, d0);
	json_object_set_new(o, "resource",
			    json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)r->id, "name", r->name, "type", r->type,
				      "capacity", (json_int_t)r->rules.capacity));
	json_object_set_new(o, "from", json_string(from));
	json_object_set_new(o, "to", json_string(to));
	*out = o;
out:
	if (x)
		free(x->smes);
	free(x);
	free(r);
	return rc;
}

enum qerr sharing_utilisation_owner(struct db *db, const struct actor *a, int64_t org_id, const char *from,
				    const char *to, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t d0, d1;
	if (parse_range(from, to, &d0, &d1, err))
		return err->code;
	if (!org_id)
		org_id = a->org_id;
	if (a->org_type != ORG_OPERATOR && org_id != a->org_id)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "org_id",
				"只能查看本组织的利用率 (only your own organisation's utilisation)");
	if (!org_id)
		return qerr_set(err, QERR_INVALID, "missing_field", "org_id", "请指定组织 (org_id: which owner)");
	struct db_stmt *st = db_prepare(db, "SELECT id FROM resources WHERE org_id=? ORDER BY id", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	int64_t ids[1000];
	int n = 0, s;
	while ((s = db_step(st, err)) == DB_ROW && n < 1000)
		ids[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (s < 0)
		return err->code;
	struct sharing_resource *r = malloc(sizeof *r);
	struct acc *total = calloc(1, sizeof *total), *one = calloc(1, sizeof *one);
	enum qerr rc = QERR_OK;
	json_t *rows = json_array();
	if (!r || !total || !one) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	total->ndays = (int)(d1 - d0 + 1);
	for (int i = 0; i < n; i++) {
		free(one->smes);
		memset(one, 0, sizeof *one);
		if ((rc = sharing_resource_load(db, ids[i], r, err)) || (rc = accumulate(db, r, d0, d1, one, err)))
			goto out;
		json_t *row = totals_json(one, false, d0);
		json_object_set_new(row, "resource",
				    json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)r->id, "name", r->name, "type",
					      r->type, "capacity", (json_int_t)r->rules.capacity));
		json_array_append_new(rows, row);
		for (int d = 0; d < one->ndays; d++) {
			struct day_acc *t = &total->day[d], *o = &one->day[d];
			t->open += o->open, t->booked += o->booked, t->used += o->used, t->pending += o->pending;
			t->reserved += o->reserved, t->sme_booked += o->sme_booked, t->sme_used += o->sme_used;
		}
		for (size_t k = 0; k < 10; k++)
			total->counts[k] += one->counts[k];
		if (money_add(total->revenue_fen, one->revenue_fen, &total->revenue_fen, NULL) || one->revenue_overflow)
			total->revenue_overflow = true;
		for (size_t k = 0; k < one->nsmes; k++)
			add_sme(total, one->smes[k]);
	}
	json_t *o = totals_json(total, true, d0);
	json_object_set_new(o, "org_id", json_integer(org_id));
	json_object_set_new(o, "from", json_string(from));
	json_object_set_new(o, "to", json_string(to));
	json_object_set_new(o, "resources", rows);
	rows = NULL;
	*out = o;
out:
	json_decref(rows);
	if (one)
		free(one->smes);
	if (total)
		free(total->smes);
	free(one);
	free(total);
	free(r);
	return rc;
}
