/*
 * catalogue.c - finding resources: type and region filters in SQL, words
 * ranked by text/rank.h over the candidates' names and descriptions (the
 * market's Chinese word matching), and the free-window filter ("free for 8
 * hours next week near 苏州") run with the booking rules of schedule.h for
 * the asking organisation. Also the week calendar of one resource.
 */
#include <stdlib.h>
#include <string.h>
#include "base/qdate.h"
#include "registry/region.h"
#include "sharing/resource.h"
#include "sharing/resource_int.h"
#include "sharing/sharing_int.h"
#include "text/rank.h"

#define MAX_CANDIDATES 20000

struct cand {
	json_t *row;
	int64_t id;
	double score;
	uint64_t matched;
	const char *title, *description; /* in row */
};

static int cmp_score(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static enum qerr parse_date(const char *s, const char *field, int64_t *day, struct qerror *err)
{
	struct qdate d;
	if (!qdate_parse(s, &d))
		return qerr_set(err, QERR_INVALID, "invalid_date", field,
				"%s须为 YYYY-MM-DD (%s must be a YYYY-MM-DD date)", field, field);
	*day = qdate_to_days(d);
	return QERR_OK;
}

/* The asking organisation's type, for eligibility and the SME share. */
static enum org_type asking_type(const struct actor *a)
{
	return a->org_type;
}

/* Earliest free window of r for the actor in [from, to), or false. */
static enum qerr window_for(struct db *db, const struct actor *a, int64_t id, int64_t from, int64_t to, int64_t minutes,
			    int64_t units, int64_t now, bool *found, int64_t *start, bool *may, struct qerror *err)
{
	*found = false;
	struct sharing_resource *r = malloc(sizeof *r);
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = sharing_resource_load(db, id, r, err);
	if (!rc)
		rc = a->org_id ? sharing_may_book(db, r, a->org_id, asking_type(a), may, err) : QERR_OK;
	if (!a->org_id)
		*may = true;
	if (!rc && *may) {
		struct sh_hold *holds = NULL;
		int n = 0;
		rc = sharing_holds_load(db, id, from, to + r->rules.buffer_minutes * 60, now, &holds, &n, err);
		if (!rc)
			*found = sh_find_window(&r->rules, holds, n, from, to, minutes, units,
						asking_type(a) == ORG_SME || r->org_id == a->org_id, now, start);
		free(holds);
	}
	free(r);
	return rc;
}

enum qerr sharing_resource_search(struct db *db, const struct actor *a, const struct sharing_search *s, json_t **out,
				  struct qerror *err)
{
	*out = NULL;
	int limit = s->limit > 0 && s->limit <= 200 ? s->limit : 20;
	if (s->type) {
		bool ok = false;
		for (int i = 0; sharing_resource_types[i]; i++)
			ok = ok || strcmp(s->type, sharing_resource_types[i]) == 0;
		if (!ok)
			return qerr_set(err, QERR_INVALID, "invalid_type", "type",
					"未知资源类型 (unknown resource type %s)", s->type);
	}
	char prefix[8] = "";
	if (s->region && *s->region) {
		size_t n = strlen(s->region);
		if (n == 6) {
			if (region_check(s->region, "region", err))
				return err->code;
			n = region_prefix_len(s->region);
		} else if (n != 2 && n != 4) {
			return qerr_set(err, QERR_INVALID, "invalid_region", "region",
					"地区须为6位代码或2/4位前缀 (region: a GB/T 2260 code or a 2/4-digit prefix)");
		}
		for (size_t i = 0; i < n; i++)
			if (s->region[i] < '0' || s->region[i] > '9')
				return qerr_set(err, QERR_INVALID, "invalid_region", "region",
						"地区须为数字代码 (region must be digits)");
		memcpy(prefix, s->region, n);
		prefix[n] = '\0';
	}
	int64_t now = sharing_now();
	int64_t from_day = sh_local_day(now), to_day = from_day + 6;
	if (s->from && parse_date(s->from, "from", &from_day, err))
		return err->code;
	if (s->to && parse_date(s->to, "to", &to_day, err))
		return err->code;
	else if (!s->to && s->from)
		to_day = from_day + 6;
	if (s->hours) {
		if (s->hours < 1 || s->hours > 24 * SH_MAX_WINDOW_DAYS)
			return qerr_set(err, QERR_INVALID, "out_of_range", "hours",
					"hours须在1至%d之间 (hours out of range)", 24 * SH_MAX_WINDOW_DAYS);
		if (to_day < from_day || to_day - from_day >= SH_MAX_WINDOW_DAYS)
			return qerr_set(
			    err, QERR_INVALID, "invalid_range", "to",
			    "日期范围须在%d天以内且不倒置 (from..to must be in order and span at most %d days)",
			    SH_MAX_WINDOW_DAYS, SH_MAX_WINDOW_DAYS);
	}
	int64_t units = s->units > 0 ? s->units : 1;
	char like[12];
	snprintf(like, sizeof like, "%s%%", prefix);
	struct db_stmt *st = db_prepare(db,
					"SELECT " RES_COLS " FROM resources r JOIN orgs o ON o.id=r.org_id"
					" WHERE (r.status='active' OR (?1 = 1 AND r.org_id=?2))"
					" AND (?3 = 0 OR r.org_id=?2)"
					" AND (CAST(?4 AS TEXT) IS NULL OR r.type=?4)"
					" AND r.region LIKE ?5 ORDER BY r.id",
					err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, s->mine ? 1 : 0);
	db_bind_int64(st, 2, a->org_id);
	db_bind_int(st, 3, s->mine ? 1 : 0);
	db_bind_text(st, 4, s->type);
	db_bind_text(st, 5, like);
	struct cand *c = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == MAX_CANDIDATES)
			break;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct cand *nc = realloc(c, ncap * sizeof *c);
			if (!nc) {
				rc = -1;
				qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
				break;
			}
			c = nc;
			cap = ncap;
		}
		bool owner = a->org_type == ORG_OPERATOR || (a->org_id && db_col_int64(st, 1) == a->org_id);
		json_t *row = resource_row_json(st, owner);
		c[n] = (struct cand){.row = row, .id = db_col_int64(st, 0)};
		c[n].title = json_string_value(json_object_get(row, "name"));
		c[n].description = json_string_value(json_object_get(row, "description"));
		n++;
	}
	db_reset(st);
	enum qerr result = QERR_OK;
	struct text_rank_terms terms = {0};
	if (rc < 0) {
		result = err->code;
		goto out;
	}
	/* Words: keep the matching candidates, best first. */
	bool words = s->q && *s->q;
	if (words) {
		struct text_rank_doc *docs = malloc((n ? n : 1) * sizeof *docs);
		struct text_rank_hit *hits = malloc((n ? n : 1) * sizeof *hits);
		size_t nh = 0;
		if (!docs || !hits) {
			free(docs);
			free(hits);
			result = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			docs[i] = (struct text_rank_doc){c[i].title, c[i].description};
		result = text_rank(s->q, docs, n, n, hits, &nh, &terms, err);
		free(docs);
		if (result) {
			free(hits);
			goto out;
		}
		for (size_t i = 0; i < nh; i++) {
			c[hits[i].doc].score = hits[i].score;
			c[hits[i].doc].matched = hits[i].matched;
		}
		free(hits);
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (c[i].score > 0)
				c[m++] = c[i];
			else
				json_decref(c[i].row);
		}
		n = m;
		qsort(c, n, sizeof *c, cmp_score);
	}
	/* Page, then the free-window filter walks on until the page is full. */
	json_t *items = json_array();
	size_t i = (size_t)(s->cursor > 0 ? s->cursor : 0);
	int64_t wfrom = sh_day_start(from_day), wto = sh_day_start(to_day + 1);
	for (; i < n && json_array_size(items) < (size_t)limit; i++) {
		json_t *row = c[i].row;
		bool may = false;
		if (s->hours) {
			bool found = false;
			int64_t start = 0;
			result = window_for(db, a, c[i].id, wfrom, wto, s->hours * 60, units, now, &found, &start, &may,
					    err);
			if (result) {
				json_decref(items);
				goto out;
			}
			if (!found)
				continue;
			char t0[QTIME_ISO_LEN], t1[QTIME_ISO_LEN];
			sharing_format(start, t0);
			sharing_format(start + s->hours * 3600, t1);
			json_object_set_new(row, "free_window", json_pack("{s:s,s:s}", "starts_at", t0, "ends_at", t1));
		}
		if (words) {
			json_object_set_new(row, "score", json_real(c[i].score));
			const char *w[TEXT_RANK_MAX_TERMS];
			struct text_rank_hit h = {.matched = c[i].matched};
			size_t nw = text_rank_matched_words(&terms, &h, w, TEXT_RANK_MAX_TERMS);
			json_t *mw = json_array();
			for (size_t k = 0; k < nw; k++)
				json_array_append_new(mw, json_string(w[k]));
			json_object_set_new(row, "matched", mw);
		}
		json_array_append(items, row);
	}
	bool more = i < n;
	*out = json_pack("{s:o,s:o,s:I}", "items", items, "next_cursor", more ? json_sprintf("%zu", i) : json_null(),
			 "total_candidates", (json_int_t)n);
out:
	for (size_t k = 0; k < n; k++)
		json_decref(c[k].row);
	free(c);
	return result;
}

enum qerr sharing_resource_availability(struct db *db, const struct actor *a, int64_t id, const char *from, int days,
					json_t **out, struct qerror *err)
{
	*out = NULL;
	if (days < 1 || days > 31)
		return qerr_set(err, QERR_INVALID, "out_of_range", "days", "days须在1至31之间 (days must be 1 to 31)");
	int64_t now = sharing_now();
	int64_t day0 = sh_local_day(now);
	if (from && parse_date(from, "from", &day0, err))
		return err->code;
	struct sharing_resource *r = malloc(sizeof *r);
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = sharing_resource_load(db, id, r, err);
	if (rc)
		goto out;
	if (strcmp(r->status, "active") != 0 && !sharing_is_owner(a, r)) {
		rc = qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
			      (long long)id);
		goto out;
	}
	int64_t t0 = sh_day_start(day0), t1 = sh_day_start(day0 + days);
	struct sh_hold *holds = NULL;
	int n = 0;
	if ((rc = sharing_holds_load(db, id, t0, t1, now, &holds, &n, err)))
		goto out;
	json_t *jdays = json_array();
	for (int d = 0; d < days; d++) {
		int64_t day = day0 + d;
		struct qdate qd;
		char date[QDATE_TEXT_LEN] = "";
		if (qdate_from_days(day, &qd))
			qdate_format(qd, date);
		json_t *slots = json_array();
		for (int g = 0; g < 48; g++) {
			int64_t t = sh_day_start(day) + (int64_t)g * SH_GRANULE;
			int64_t held = sh_peak_units(holds, n, 0, t, t + SH_GRANULE);
			bool open = sh_granule_open(&r->rules, t);
			char iso[QTIME_ISO_LEN], hm[6];
			sharing_format(t, iso);
			snprintf(hm, sizeof hm, "%02d:%02d", g / 2, (g % 2) * 30);
			int64_t free_units = open && t >= now ? r->rules.capacity - held : 0;
			json_array_append_new(slots, json_pack("{s:s,s:s,s:b,s:I,s:I}", "time", hm, "starts_at", iso,
							       "open", open, "held", (json_int_t)held, "free",
							       (json_int_t)(free_units > 0 ? free_units : 0)));
		}
		json_array_append_new(jdays,
				      json_pack("{s:s,s:i,s:b,s:I,s:o}", "date", date, "weekday", sh_weekday(day) + 1,
						"closed", sh_is_closed(&r->rules, day), "open_minutes",
						(json_int_t)sh_open_minutes(&r->rules, day), "slots", slots));
	}
	free(holds);
	*out = json_pack("{s:I,s:s,s:I,s:I,s:o}", "resource_id", (json_int_t)id, "name", r->name, "capacity",
			 (json_int_t)r->rules.capacity, "buffer_minutes", (json_int_t)r->rules.buffer_minutes, "days",
			 jdays);
out:
	free(r);
	return rc;
}
