/*
 * resource.c - opening, changing and showing shared resources: the rules'
 * text forms (opening hours, closed dates), validation, the owner's
 * invitations and the feed token. The catalogue search and the week
 * calendar are in catalogue.c.
 */
#include "sharing/resource.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "base/qdate.h"
#include "base/util.h"
#include "platform/audit.h"
#include "registry/region.h"
#include "sharing/resource_int.h"
#include "sharing/sharing_int.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}
#define MAX_PRICE_FEN 10000000000LL /* 1亿元 an hour */

const char *const sharing_resource_types[] = {"instrument",	"equipment",	 "test_site", "rd_service",
					      "design_service", "brand_licence", NULL};
static const char *const approvals[] = {"required", "instant", NULL};
static const char *const eligibilities[] = {"everyone", "sme", "invited", NULL};
static const char *const statuses[] = {"active", "withdrawn", NULL};
static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

#define RESOURCE_FIELDS(req)                                                                                            \
	{"type",                                                                                                        \
	 JF_STRING,                                                                                                     \
	 req,                                                                                                           \
	 0,                                                                                                             \
	 0,                                                                                                             \
	 sharing_resource_types,                                                                                        \
	 "instrument, equipment, test_site, rd_service, design_service or brand_licence"},                              \
	    {"name", JF_STRING, req, 1, SHARING_NAME_MAX, NULL, "name (盐雾试验箱)"},                                   \
	    {"description", JF_STRING, false, 0, 5000, NULL, "what it is and does"},                                    \
	    {"region", JF_STRING, req, 6, 6, NULL, "GB/T 2260 county code of its location"},                            \
	    {"address", JF_STRING, false, 0, 300, NULL, "street address"},                                              \
	    {"capacity", JF_INT, req, 1, 10000, NULL, "number of identical units"},                                     \
	    {"price_sme_fen", JF_INT, req, 0, MAX_PRICE_FEN, NULL, "price per unit-hour for SMEs, fen"},                \
	    {"price_large_fen", JF_INT, req, 0, MAX_PRICE_FEN, NULL, "price per unit-hour for large enterprises, fen"}, \
	    {"price_other_fen", JF_INT, req, 0, MAX_PRICE_FEN, NULL, "price per unit-hour for other organisations"},    \
	    {"opening_hours",                                                                                           \
	     JF_STRING_ARRAY,                                                                                           \
	     req,                                                                                                       \
	     0,                                                                                                         \
	     0,                                                                                                         \
	     NULL,                                                                                                      \
	     "entries \"DAYS HH:MM-HH:MM\" in Asia/Shanghai: mon-fri 08:00-18:00, sat,sun 09:00-12:00, daily "          \
	     "00:00-24:00"},                                                                                            \
	    {"closed_dates", JF_STRING_ARRAY, false, 0, 0, NULL, "Shanghai dates YYYY-MM-DD when it is closed"},        \
	    {"min_minutes", JF_INT, false, 30, 525600, NULL, "shortest booking, minutes (multiple of 30; default 60)"}, \
	    {"max_minutes", JF_INT, false, 30, 525600, NULL, "longest booking, minutes (multiple of 30; default 480)"}, \
	    {"buffer_minutes", JF_INT, false, 0, 1440, NULL, "held after each booking, minutes (multiple of 30)"},      \
	    {"horizon_days", JF_INT, false, 1, 730, NULL, "how far ahead a booking may start, days (default 60)"},      \
	    {"approval", JF_STRING, false, 0, 0, approvals, "required (default) or instant"},                           \
	    {"eligibility", JF_STRING, false, 0, 0, eligibilities, "who may book: everyone (default), sme, invited"},   \
	    {"invited_orgs", JF_STRING_ARRAY, false, 0, 0, NULL, "ids of the organisations invited to book"},           \
	    {"sme_share_bp",                                                                                            \
	     JF_INT,                                                                                                    \
	     false,                                                                                                     \
	     0,                                                                                                         \
	     10000,                                                                                                     \
	     NULL,                                                                                                      \
	     "share of each day's open unit-hours reserved for SMEs, bp"},                                              \
	    {"no_show_minutes", JF_INT, false, 0, 1440, NULL, "check-in grace after the start (default 30)"},           \
	{                                                                                                               \
		"offer_minutes", JF_INT, false, 5, 10080, NULL, "how long a waitlist offer is held (default 120)"       \
	}

const struct jfield sharing_resource_fields[] = {
    RESOURCE_FIELDS(true),
    {"owner_org_id", JF_INT, false, 1, INT64_MAX, NULL, "operator only: the owning organisation"},
    END_FIELDS,
};
const struct jfield sharing_resource_patch_fields[] = {
    RESOURCE_FIELDS(false),
    {"status", JF_STRING, false, 0, 0, statuses, "active or withdrawn"},
    END_FIELDS,
};

/* ---- opening hours and closed dates ---- */

static bool parse_hhmm(const char *s, size_t n, int *minutes)
{
	if (n != 5 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m != 0 && m != 30)
		return false;
	if (h > 24 || (h == 24 && m != 0))
		return false;
	*minutes = h * 60 + m;
	return true;
}

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* Days of "mon", "mon-fri", "sat,sun", "daily" into mask (bit 0 Monday). */
static bool parse_days(const char *s, size_t n, unsigned *mask)
{
	*mask = 0;
	if (n == 5 && strncmp(s, "daily", 5) == 0) {
		*mask = 0x7f;
		return true;
	}
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ',')
			j++;
		const char *p = s + i;
		size_t len = j - i;
		int a, b;
		if (len == 7 && p[3] == '-') {
			a = day_index(p, 3);
			b = day_index(p + 4, 3);
			if (a < 0 || b < 0 || b < a)
				return false;
		} else {
			a = b = day_index(p, len);
			if (a < 0)
				return false;
		}
		for (int d = a; d <= b; d++)
			*mask |= 1u << d;
		i = j + 1;
		if (j == n - 1) /* a trailing comma */
			return false;
	}
	return *mask != 0;
}

static int cmp_interval(const void *x, const void *y)
{
	const struct sh_interval *a = x, *b = y;
	return a->from != b->from ? a->from - b->from : a->to - b->to;
}

static enum qerr hours_error(struct qerror *err, const char *entry, size_t n)
{
	return qerr_set(err, QERR_INVALID, "invalid_opening_hours", "opening_hours",
			"开放时间格式应为 \"mon-fri 08:00-18:00\" (opening hours entry \"%.*s\" is not \"DAYS "
			"HH:MM-HH:MM\" with times on the hour or half hour)",
			(int)(n > 60 ? 60 : n), entry);
}

/* One entry "DAYS HH:MM-HH:MM" into r. */
static enum qerr parse_entry(const char *s, size_t n, struct sh_rules *r, struct qerror *err)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	const char *sp = memchr(s, ' ', n);
	if (!sp)
		return hours_error(err, s, n);
	unsigned mask;
	size_t dn = (size_t)(sp - s);
	const char *t = sp + 1;
	size_t tn = n - dn - 1;
	int from, to;
	if (!parse_days(s, dn, &mask) || tn != 11 || t[5] != '-' || !parse_hhmm(t, 5, &from) ||
	    !parse_hhmm(t + 6, 5, &to) || to <= from)
		return hours_error(err, s, n);
	for (int d = 0; d < 7; d++) {
		if (!(mask & (1u << d)))
			continue;
		if (r->nopen[d] == SH_MAX_INTERVALS)
			return qerr_set(err, QERR_INVALID, "invalid_opening_hours", "opening_hours",
					"每天最多%d个开放时段 (at most %d opening intervals a day)", SH_MAX_INTERVALS,
					SH_MAX_INTERVALS);
		r->open[d][r->nopen[d]++] = (struct sh_interval){from, to};
	}
	return QERR_OK;
}

enum qerr sharing_hours_parse(const char *text, struct sh_rules *r, struct qerror *err)
{
	memset(r->nopen, 0, sizeof r->nopen);
	const char *p = text ? text : "";
	while (*p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && parse_entry(p, n, r, err))
			return err ? err->code : QERR_INVALID;
		p += n;
		if (*p == ';')
			p++;
	}
	/* Sort and merge each day's intervals. */
	for (int d = 0; d < 7; d++) {
		qsort(r->open[d], (size_t)r->nopen[d], sizeof r->open[d][0], cmp_interval);
		int m = 0;
		for (int i = 0; i < r->nopen[d]; i++) {
			if (m && r->open[d][i].from <= r->open[d][m - 1].to) {
				if (r->open[d][i].to > r->open[d][m - 1].to)
					r->open[d][m - 1].to = r->open[d][i].to;
			} else {
				r->open[d][m++] = r->open[d][i];
			}
		}
		r->nopen[d] = m;
	}
	return QERR_OK;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

enum qerr sharing_closed_parse(const char *text, struct sh_rules *r, struct qerror *err)
{
	r->nclosed = 0;
	const char *p = text ? text : "";
	while (*p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char buf[16];
		struct qdate d;
		if (n) {
			if (n >= sizeof buf)
				n = sizeof buf - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (!qdate_parse(buf, &d))
				return qerr_set(err, QERR_INVALID, "invalid_closed_dates", "closed_dates",
						"日期格式应为 YYYY-MM-DD (closed date \"%s\" is not a YYYY-MM-DD date)",
						buf);
			if (r->nclosed == SH_MAX_CLOSED)
				return qerr_set(err, QERR_INVALID, "invalid_closed_dates", "closed_dates",
						"最多%d个不开放日期 (at most %d closed dates)", SH_MAX_CLOSED,
						SH_MAX_CLOSED);
			r->closed[r->nclosed++] = qdate_to_days(d);
		}
		p += e ? (size_t)(e - p) : strlen(p);
		if (*p == ';')
			p++;
	}
	qsort(r->closed, (size_t)r->nclosed, sizeof r->closed[0], cmp_i64);
	int m = 0;
	for (int i = 0; i < r->nclosed; i++)
		if (!m || r->closed[m - 1] != r->closed[i])
			r->closed[m++] = r->closed[i];
	r->nclosed = m;
	return QERR_OK;
}

static void fmt_hhmm(int minutes, char out[6])
{
	unsigned h = (unsigned)(minutes / 60) % 25u, m = (unsigned)(minutes % 60) % 60u;
	out[0] = (char)('0' + h / 10), out[1] = (char)('0' + h % 10), out[2] = ':';
	out[3] = (char)('0' + m / 10), out[4] = (char)('0' + m % 10), out[5] = '\0';
}

bool resource_hours_text(const struct sh_rules *r, struct buf *b)
{
	bool first = true;
	for (int d = 0; d < 7; d++)
		for (int i = 0; i < r->nopen[d]; i++) {
			char f[6], t[6];
			fmt_hhmm(r->open[d][i].from, f);
			fmt_hhmm(r->open[d][i].to, t);
			if (!buf_printf(b, "%s%s %s-%s", first ? "" : ";", day_names[d], f, t))
				return false;
			first = false;
		}
	return buf_puts(b, "");
}

bool resource_closed_text(const struct sh_rules *r, struct buf *b)
{
	for (int i = 0; i < r->nclosed; i++) {
		struct qdate d;
		char t[QDATE_TEXT_LEN];
		if (!qdate_from_days(r->closed[i], &d))
			continue;
		qdate_format(d, t);
		if (!buf_printf(b, "%s%s", i ? ";" : "", t))
			return false;
	}
	return buf_puts(b, "");
}

json_t *resource_split(const char *text)
{
	json_t *a = json_array();
	const char *p = text ? text : "";
	while (*p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == ';')
			p++;
	}
	return a;
}

/* A JSON string array joined with ';' (entries may not hold ';'). */
static bool join_array(const json_t *arr, struct buf *b)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);
		if (strchr(s, ';'))
			return false;
		if (!buf_printf(b, "%s%s", i ? ";" : "", s))
			return false;
	}
	return buf_puts(b, "");
}

/* ---- reading ---- */

json_t *resource_row_json(struct db_stmt *st, bool owner)
{
	char region_name[128];
	region_full_name(db_col_text(st, 7), region_name, sizeof region_name);
	json_t *o = json_pack(
	    "{s:I,s:{s:I,s:s,s:s},s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:{s:I,s:I,s:I},s:o,s:o,s:I,s:I,s:I,s:I,s:s,s:s,s:I,s:I,"
	    "s:I,s:s,s:s,s:s}",
	    "id", (json_int_t)db_col_int64(st, 0), "owner", "org_id", (json_int_t)db_col_int64(st, 1), "name",
	    db_col_text(st, 2), "type", db_col_text(st, 3), "type", db_col_text(st, 4), "name", db_col_text(st, 5),
	    "description", db_col_text(st, 6), "region", db_col_text(st, 7), "region_name", region_name, "address",
	    db_col_text(st, 8), "capacity", (json_int_t)db_col_int64(st, 9), "price_per_hour_fen", "sme",
	    (json_int_t)db_col_int64(st, 10), "large", (json_int_t)db_col_int64(st, 11), "other",
	    (json_int_t)db_col_int64(st, 12), "opening_hours", resource_split(db_col_text(st, 13)), "closed_dates",
	    resource_split(db_col_text(st, 14)), "min_minutes", (json_int_t)db_col_int64(st, 15), "max_minutes",
	    (json_int_t)db_col_int64(st, 16), "buffer_minutes", (json_int_t)db_col_int64(st, 17), "horizon_days",
	    (json_int_t)db_col_int64(st, 18), "approval", db_col_text(st, 19), "eligibility", db_col_text(st, 20),
	    "sme_share_bp", (json_int_t)db_col_int64(st, 21), "no_show_minutes", (json_int_t)db_col_int64(st, 22),
	    "offer_minutes", (json_int_t)db_col_int64(st, 23), "status", db_col_text(st, 24), "created_at",
	    db_col_text(st, 26), "updated_at", db_col_text(st, 27));
	if (o && owner) {
		char url[160];
		snprintf(url, sizeof url, "/api/v1/resources/%lld/calendar.ics?token=%s",
			 (long long)db_col_int64(st, 0), db_col_text(st, 25));
		json_object_set_new(o, "feed_url", json_string(url));
	}
	return o;
}

static enum qerr invited_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT o.id,o.name,o.type FROM resource_invites i JOIN orgs o ON o.id=i.org_id"
					" WHERE i.resource_id=? ORDER BY o.id",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	json_t *a = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(a, json_pack("{s:I,s:s,s:s}", "org_id", (json_int_t)db_col_int64(st, 0), "name",
						   db_col_text(st, 1), "type", db_col_text(st, 2)));
	db_reset(st);
	if (rc < 0) {
		json_decref(a);
		return err->code;
	}
	*out = a;
	return QERR_OK;
}

enum qerr sharing_resource_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
	    db_prepare(db, "SELECT " RES_COLS " FROM resources r JOIN orgs o ON o.id=r.org_id WHERE r.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
				(long long)id);
	if (rc)
		return rc;
	bool owner = a->org_type == ORG_OPERATOR || (a->org_id && db_col_int64(st, 1) == a->org_id);
	if (!owner && strcmp(db_col_text(st, 24), "active") != 0) {
		db_reset(st);
		return qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
				(long long)id);
	}
	json_t *o = resource_row_json(st, owner);
	db_reset(st);
	if (!o)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	/* What the asking organisation pays and whether it may book. */
	enum org_type type = a->org_type;
	enum sharing_kind kind = type == ORG_SME ? KIND_SME : type == ORG_LARGE ? KIND_LARGE : KIND_OTHER;
	json_object_set_new(o, "your_kind", json_string(sharing_kind_names[kind]));
	if (a->org_id) {
		struct sharing_resource r;
		bool may = false;
		if (sharing_resource_load(db, id, &r, err) || sharing_may_book(db, &r, a->org_id, type, &may, err)) {
			json_decref(o);
			return err->code;
		}
		json_object_set_new(o, "may_book", json_boolean(may && strcmp(r.status, "active") == 0));
	} else {
		json_object_set_new(o, "may_book", json_boolean(a->org_type == ORG_OPERATOR));
	}
	json_object_set_new(o, "mine",
			    json_boolean(a->org_id && json_integer_value(json_object_get(json_object_get(o, "owner"),
											 "org_id")) == a->org_id));
	if (owner) {
		json_t *inv;
		if (invited_json(db, id, &inv, err)) {
			json_decref(o);
			return err->code;
		}
		json_object_set_new(o, "invited_orgs", inv);
	}
	*out = o;
	return QERR_OK;
}

/* ---- writing ---- */

/* The values of a resource being created or changed. */
struct resource_values {
	const char *type, *name, *description, *region, *address, *approval, *eligibility, *status;
	int64_t capacity, price[3], min_minutes, max_minutes, buffer_minutes, horizon_days, sme_share_bp,
	    no_show_minutes, offer_minutes;
	struct sh_rules rules; /* opening hours and closed dates parsed */
	const json_t *invited; /* NULL: unchanged */
};

static enum qerr check_values(const struct resource_values *v, struct qerror *err)
{
	if (region_check(v->region, "region", err))
		return err->code;
	if (util_utf8_len(v->name) == 0)
		return qerr_set(err, QERR_INVALID, "invalid_name", "name", "名称不能为空 (name is empty)");
	const struct {
		const char *field;
		int64_t v;
	} m30[] = {
	    {"min_minutes", v->min_minutes}, {"max_minutes", v->max_minutes}, {"buffer_minutes", v->buffer_minutes}};
	for (size_t i = 0; i < sizeof m30 / sizeof m30[0]; i++)
		if (m30[i].v % SHARING_GRANULE_MINUTES != 0)
			return qerr_set(err, QERR_INVALID, "not_on_granule", m30[i].field,
					"%s须为30分钟的整数倍 (%s must be a multiple of 30 minutes)", m30[i].field,
					m30[i].field);
	if (v->max_minutes < v->min_minutes)
		return qerr_set(err, QERR_INVALID, "invalid_length", "max_minutes",
				"最长时长不能短于最短时长 (max_minutes is below min_minutes)");
	bool any = false;
	for (int d = 0; d < 7; d++)
		any = any || v->rules.nopen[d] > 0;
	if (!any)
		return qerr_set(err, QERR_INVALID, "invalid_opening_hours", "opening_hours",
				"至少需要一个开放时段 (opening_hours needs at least one interval)");
	return QERR_OK;
}

/* The invited organisations replace the old list; each must exist. */
static enum qerr write_invites(struct db *db, int64_t id, const json_t *invited, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "DELETE FROM resource_invites WHERE resource_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_run(st, err))
		return err->code;
	size_t i;
	json_t *v;
	json_array_foreach(invited, i, v)
	{
		int64_t org;
		if (!util_parse_i64(json_string_value(v), 1, INT64_MAX, &org))
			return qerr_set(err, QERR_INVALID, "invalid_org", "invited_orgs",
					"邀请的组织编号无效 (\"%s\" is not an organisation id)", json_string_value(v));
		enum org_type t;
		enum sharing_kind k;
		if (sharing_org_kind(db, org, &t, &k, err)) {
			if (err->code == QERR_NOT_FOUND) {
				err->code = QERR_INVALID;
				snprintf(err->field, sizeof err->field, "invited_orgs");
			}
			return err->code;
		}
		st = db_prepare(db,
				"INSERT INTO resource_invites(resource_id,org_id) VALUES(?,?)"
				" ON CONFLICT (resource_id,org_id) DO NOTHING",
				err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, id);
		db_bind_int64(st, 2, org);
		if (db_run(st, err))
			return err->code;
	}
	return QERR_OK;
}

static void new_token(char out[65])
{
	unsigned char raw[24];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
}

/* Fills v from body over the defaults or the existing row (base, may be NULL). */
static enum qerr values_from(const json_t *body, const struct sharing_resource *base, struct db *db,
			     struct resource_values *v, struct qerror *err)
{
	(void)db;
	if (base)
		v->rules = base->rules;
	v->type = json_str(body, "type", v->type);
	v->name = json_str(body, "name", v->name);
	v->description = json_str(body, "description", v->description);
	v->region = json_str(body, "region", v->region);
	v->address = json_str(body, "address", v->address);
	v->approval = json_str(body, "approval", v->approval);
	v->eligibility = json_str(body, "eligibility", v->eligibility);
	v->status = json_str(body, "status", v->status);
	v->capacity = json_int(body, "capacity", v->capacity);
	v->price[KIND_SME] = json_int(body, "price_sme_fen", v->price[KIND_SME]);
	v->price[KIND_LARGE] = json_int(body, "price_large_fen", v->price[KIND_LARGE]);
	v->price[KIND_OTHER] = json_int(body, "price_other_fen", v->price[KIND_OTHER]);
	v->min_minutes = json_int(body, "min_minutes", v->min_minutes);
	v->max_minutes = json_int(body, "max_minutes", v->max_minutes);
	v->buffer_minutes = json_int(body, "buffer_minutes", v->buffer_minutes);
	v->horizon_days = json_int(body, "horizon_days", v->horizon_days);
	v->sme_share_bp = json_int(body, "sme_share_bp", v->sme_share_bp);
	v->no_show_minutes = json_int(body, "no_show_minutes", v->no_show_minutes);
	v->offer_minutes = json_int(body, "offer_minutes", v->offer_minutes);
	v->invited = json_object_get(body, "invited_orgs");
	struct buf b = {0};
	const json_t *oh = json_object_get(body, "opening_hours");
	if (oh) {
		if (!join_array(oh, &b)) {
			buf_free(&b);
			return qerr_set(err, QERR_INVALID, "invalid_opening_hours", "opening_hours",
					"开放时间格式无效 (an opening_hours entry holds ';')");
		}
		enum qerr rc = sharing_hours_parse(b.data, &v->rules, err);
		buf_free(&b);
		if (rc)
			return rc;
	}
	const json_t *cd = json_object_get(body, "closed_dates");
	if (cd) {
		if (!join_array(cd, &b)) {
			buf_free(&b);
			return qerr_set(err, QERR_INVALID, "invalid_closed_dates", "closed_dates",
					"日期格式无效 (a closed_dates entry holds ';')");
		}
		enum qerr rc = sharing_closed_parse(b.data, &v->rules, err);
		buf_free(&b);
		if (rc)
			return rc;
	}
	return check_values(v, err);
}

static void bind_values(struct db_stmt *st, int i, const struct resource_values *v, const char *hours,
			const char *closed)
{
	db_bind_text(st, i++, v->type);
	db_bind_text(st, i++, v->name);
	db_bind_text(st, i++, v->description);
	db_bind_text(st, i++, v->region);
	db_bind_text(st, i++, v->address);
	db_bind_int64(st, i++, v->capacity);
	for (int k = 0; k < 3; k++)
		db_bind_int64(st, i++, v->price[k]);
	db_bind_text(st, i++, hours);
	db_bind_text(st, i++, closed);
	db_bind_int64(st, i++, v->min_minutes);
	db_bind_int64(st, i++, v->max_minutes);
	db_bind_int64(st, i++, v->buffer_minutes);
	db_bind_int64(st, i++, v->horizon_days);
	db_bind_text(st, i++, v->approval);
	db_bind_text(st, i++, v->eligibility);
	db_bind_int64(st, i++, v->sme_share_bp);
	db_bind_int64(st, i++, v->no_show_minutes);
	db_bind_int64(st, i++, v->offer_minutes);
	db_bind_text(st, i, v->status);
}

static enum qerr rules_text(const struct resource_values *v, struct buf *hours, struct buf *closed, struct qerror *err)
{
	if (!resource_hours_text(&v->rules, hours) || !resource_closed_text(&v->rules, closed))
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	return QERR_OK;
}

enum qerr sharing_resource_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
				  struct qerror *err)
{
	*out = NULL;
	int64_t owner = a->org_id;
	if (a->org_type == ORG_OPERATOR && json_object_get(body, "owner_org_id"))
		owner = json_int(body, "owner_org_id", 0);
	else if (json_object_get(body, "owner_org_id"))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "owner_org_id",
				"只有运营方可以代其他组织发布资源 (only the operator may open a resource for another "
				"organisation)");
	if (a->org_type == ORG_BANK)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"银行不能发布共享资源 (banks do not open resources)");
	if (!owner)
		return qerr_set(err, QERR_INVALID, "missing_field", "owner_org_id",
				"请指定资源所属组织 (owner_org_id: which organisation owns the resource)");
	struct resource_values v = {.description = "",
				    .address = "",
				    .approval = "required",
				    .eligibility = "everyone",
				    .status = "active",
				    .min_minutes = 60,
				    .max_minutes = 480,
				    .horizon_days = 60,
				    .no_show_minutes = 30,
				    .offer_minutes = 120};
	struct buf hours = {0}, closed = {0};
	if (values_from(body, NULL, db, &v, err) || rules_text(&v, &hours, &closed, err)) {
		buf_free(&hours);
		buf_free(&closed);
		return err->code;
	}
	char now[QTIME_ISO_LEN], token[65];
	sharing_now_iso(now);
	new_token(token);
	int64_t id = 0;
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		goto out;
	enum org_type ot;
	enum sharing_kind ok;
	if (sharing_org_kind(db, owner, &ot, &ok, err))
		goto fail;
	if (ot == ORG_BANK) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "银行不能发布共享资源 (banks do not open resources)");
		goto fail;
	}
	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO resources(type,name,description,region,address,capacity,price_sme_fen,price_large_fen,"
	    "price_other_fen,opening_hours,closed_dates,min_minutes,max_minutes,buffer_minutes,horizon_days,approval,"
	    "eligibility,sme_share_bp,no_show_minutes,offer_minutes,status,org_id,feed_token,lock_seq,created_at,"
	    "updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,?,?) RETURNING id",
	    err);
	if (!st)
		goto fail;
	bind_values(st, 1, &v, hours.data, closed.data);
	db_bind_int64(st, 22, owner);
	db_bind_text(st, 23, token);
	db_bind_text(st, 24, now);
	db_bind_text(st, 25, now);
	if (db_scalar_int64(st, &id, err))
		goto fail;
	if (v.invited && write_invites(db, id, v.invited, err))
		goto fail;
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	json_t *detail = json_pack("{s:s,s:s,s:I}", "type", v.type, "name", v.name, "owner_org_id", (json_int_t)owner);
	rc = audit_record(db, a, "resource.create", "resource", ids, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	rc = sharing_resource_get(db, a, id, out, err);
	goto out;
fail:
	rc = sharing_fail(db, err);
out:
	buf_free(&hours);
	buf_free(&closed);
	return rc;
}

enum qerr sharing_resource_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
				  struct qerror *err)
{
	*out = NULL;
	struct buf hours = {0}, closed = {0};
	struct sharing_resource *base = malloc(sizeof *base);
	if (!base)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		goto out;
	if (sharing_resource_lock(db, id, err) || sharing_resource_load(db, id, base, err))
		goto fail;
	if (!sharing_is_owner(a, base)) {
		if (strcmp(base->status, "active") != 0)
			qerr_set(err, QERR_NOT_FOUND, "resource_not_found", "id", "资源不存在 (no resource %lld)",
				 (long long)id);
		else
			qerr_set(
			    err, QERR_FORBIDDEN, "forbidden", NULL,
			    "只有资源所属组织或运营方可以修改 (only the owner organisation or the operator may change "
			    "a resource)");
		goto fail;
	}
	/* The row's current values, then the body over them. */
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT type,name,description,region,address,capacity,price_sme_fen,"
		       "price_large_fen,price_other_fen,min_minutes,max_minutes,buffer_minutes,"
		       "horizon_days,approval,eligibility,sme_share_bp,no_show_minutes,offer_minutes,status"
		       " FROM resources WHERE id=?",
		       err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, id);
	if (db_one(st, err))
		goto fail;
	/* Copies: the row's text dies at db_reset. */
	char *txt[8];
	const int tcol[8] = {0, 1, 2, 3, 4, 13, 14, 18};
	for (int i = 0; i < 8; i++)
		txt[i] = strdup(db_col_text(st, tcol[i]));
	struct resource_values v = {
	    .type = txt[0],
	    .name = txt[1],
	    .description = txt[2],
	    .region = txt[3],
	    .address = txt[4],
	    .approval = txt[5],
	    .eligibility = txt[6],
	    .status = txt[7],
	    .capacity = db_col_int64(st, 5),
	    .price = {db_col_int64(st, 6), db_col_int64(st, 7), db_col_int64(st, 8)},
	    .min_minutes = db_col_int64(st, 9),
	    .max_minutes = db_col_int64(st, 10),
	    .buffer_minutes = db_col_int64(st, 11),
	    .horizon_days = db_col_int64(st, 12),
	    .sme_share_bp = db_col_int64(st, 15),
	    .no_show_minutes = db_col_int64(st, 16),
	    .offer_minutes = db_col_int64(st, 17),
	};
	db_reset(st);
	bool oom = false;
	for (int i = 0; i < 8; i++)
		oom = oom || !txt[i];
	if (oom) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto fail_txt;
	}
	if (values_from(body, base, db, &v, err) || rules_text(&v, &hours, &closed, err))
		goto fail_txt;
	if (v.capacity < base->rules.capacity) {
		/* Units held from now on must still fit. */
		int64_t now = sharing_now();
		struct sh_hold *holds;
		int n;
		if (sharing_holds_load(db, id, now, INT64_C(253402300799), now, &holds, &n, err))
			goto fail_txt;
		int64_t last = now;
		for (int i = 0; i < n; i++)
			if (holds[i].until > last)
				last = holds[i].until;
		int64_t from = now - now % SH_GRANULE;
		int64_t peak = sh_peak_units(holds, n, 0, from, last);
		free(holds);
		if (peak > v.capacity) {
			qerr_set(err, QERR_CONFLICT, "capacity_in_use", "capacity",
				 "已有预约占用%lld个单位，不能减到%lld (bookings hold %lld units at once; capacity "
				 "cannot go "
				 "below %lld)",
				 (long long)peak, (long long)v.capacity, (long long)peak, (long long)peak);
			goto fail_txt;
		}
	}
	char now[QTIME_ISO_LEN];
	sharing_now_iso(now);
	st =
	    db_prepare(db,
		       "UPDATE resources SET type=?,name=?,description=?,region=?,address=?,capacity=?,price_sme_fen=?,"
		       "price_large_fen=?,price_other_fen=?,opening_hours=?,closed_dates=?,min_minutes=?,max_minutes=?,"
		       "buffer_minutes=?,horizon_days=?,approval=?,eligibility=?,sme_share_bp=?,no_show_minutes=?,"
		       "offer_minutes=?,status=?,updated_at=? WHERE id=?",
		       err);
	if (!st)
		goto fail_txt;
	bind_values(st, 1, &v, hours.data, closed.data);
	db_bind_text(st, 22, now);
	db_bind_int64(st, 23, id);
	if (db_run(st, err))
		goto fail_txt;
	if (v.invited && write_invites(db, id, v.invited, err))
		goto fail_txt;
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (audit_record(db, a, "resource.update", "resource", ids, body, err) || db_commit(db, err))
		goto fail_txt;
	for (int i = 0; i < 8; i++)
		free(txt[i]);
	rc = sharing_resource_get(db, a, id, out, err);
	goto out;
fail_txt:
	for (int i = 0; i < 8; i++)
		free(txt[i]);
fail:
	rc = sharing_fail(db, err);
out:
	free(base);
	buf_free(&hours);
	buf_free(&closed);
	return rc;
}

enum qerr sharing_feed_rotate(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct sharing_resource *r = malloc(sizeof *r);
	if (!r)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		goto out;
	if (sharing_resource_load(db, id, r, err))
		goto fail;
	if (!sharing_is_owner(a, r)) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有资源所属组织可以更换日历链接 (only the owner organisation may rotate the feed token)");
		goto fail;
	}
	char token[65], now[QTIME_ISO_LEN];
	new_token(token);
	sharing_now_iso(now);
	struct db_stmt *st = db_prepare(db, "UPDATE resources SET feed_token=?,updated_at=? WHERE id=?", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, token);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, id);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", (long long)id);
	if (db_run(st, err) || audit_record(db, a, "resource.feed_token", "resource", ids, NULL, err) ||
	    db_commit(db, err))
		goto fail;
	char url[160];
	snprintf(url, sizeof url, "/api/v1/resources/%lld/calendar.ics?token=%s", (long long)id, token);
	*out = json_pack("{s:s,s:s}", "token", token, "feed_url", url);
	goto out;
fail:
	rc = sharing_fail(db, err);
out:
	free(r);
	return rc;
}
