/*
 * rfq_common.c - what the RFQ, order and statistics files share: loading a
 * demand with its owner, who counts as buyer or reader, the sealing rule,
 * time stamps, status changes that keep the match index's seq, and audit
 * records.
 */
#include "market/rfq_int.h"

#include <string.h>
#include <time.h>
#include "base/money.h"
#include "base/qtime.h"
#include "base/util.h"
#include "platform/audit.h"
#include "registry/enterprise.h"

/* Copies src into dst[cap] without cutting a UTF-8 sequence. */
static void copy_utf8(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = 0;
}

enum qerr rfq_demand_load(struct db *db, int64_t id, struct rfq_demand *d, struct qerror *err)
{
	memset(d, 0, sizeof *d);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT d.id,d.enterprise_id,e.org_id,d.title,d.status,d.visibility,d.deadline,d.closed_at"
		       " FROM demands d JOIN enterprises e ON e.id=d.enterprise_id WHERE d.id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "demand_not_found", "id", "需求不存在 (no demand %lld)", (long long)id);
	if (rc)
		return rc;
	d->id = db_col_int64(st, 0);
	d->enterprise_id = db_col_int64(st, 1);
	d->owner_org = db_col_int64(st, 2);
	copy_utf8(d->title, sizeof d->title, db_col_text(st, 3));
	snprintf(d->status, sizeof d->status, "%s", db_col_text(st, 4));
	snprintf(d->visibility, sizeof d->visibility, "%s", db_col_text(st, 5));
	snprintf(d->deadline, sizeof d->deadline, "%s", db_col_text(st, 6));
	snprintf(d->closed_at, sizeof d->closed_at, "%s", db_col_text(st, 7));
	db_reset(st);
	return QERR_OK;
}

bool rfq_is_buyer(const struct actor *a, const struct rfq_demand *d)
{
	return enterprise_may_write(a, d->owner_org);
}

static enum qerr org_has(struct db_stmt *st, const struct actor *a, int64_t demand_id, bool *yes, struct qerror *err)
{
	*yes = false;
	if (!st)
		return err->code;
	db_bind_int64(st, 1, demand_id);
	db_bind_int64(st, 2, a->org_id);
	int rc = db_step(st, err);
	if (rc < 0)
		return err->code;
	*yes = rc == DB_ROW;
	db_reset(st);
	return QERR_OK;
}

enum qerr rfq_org_invited(struct db *db, const struct actor *a, int64_t demand_id, bool *yes, struct qerror *err)
{
	return org_has(db_prepare(db,
				  "SELECT 1 FROM demand_invitations i JOIN enterprises e ON e.id=i.enterprise_id"
				  " WHERE i.demand_id=?1 AND e.org_id=?2 LIMIT 1",
				  err),
		       a, demand_id, yes, err);
}

enum qerr rfq_org_quoted(struct db *db, const struct actor *a, int64_t demand_id, bool *yes, struct qerror *err)
{
	return org_has(db_prepare(db,
				  "SELECT 1 FROM quotes q JOIN enterprises e ON e.id=q.supplier_id"
				  " WHERE q.demand_id=?1 AND e.org_id=?2 LIMIT 1",
				  err),
		       a, demand_id, yes, err);
}

enum qerr rfq_may_read(struct db *db, const struct actor *a, const struct rfq_demand *d, bool *yes,
		       struct qerror *err)
{
	*yes = a->org_type == ORG_OPERATOR || (d->owner_org && d->owner_org == a->org_id) ||
	       strcmp(d->visibility, "public") == 0;
	if (*yes)
		return QERR_OK;
	if (rfq_org_invited(db, a, d->id, yes, err))
		return err->code;
	if (*yes)
		return QERR_OK;
	return rfq_org_quoted(db, a, d->id, yes, err);
}

bool rfq_unsealed(const struct rfq_demand *d, const char *now)
{
	if (d->closed_at[0] || strcmp(d->status, "awarded") == 0)
		return true;
	return d->deadline[0] && strcmp(now, d->deadline) >= 0;
}

bool rfq_quoting_open(const struct rfq_demand *d, const char *now)
{
	if (strcmp(d->status, "open") != 0 || d->closed_at[0])
		return false;
	return !d->deadline[0] || strcmp(now, d->deadline) < 0;
}

enum qerr rfq_demand_set_status(struct db *db, int64_t demand_id, const char *status, const char *closed_at,
				const char *now, struct qerror *err)
{
	if (db_touch(db, "demands", err))
		return err->code;
	struct db_stmt *st = db_prepare(db,
					"UPDATE demands SET status=?2, closed_at=COALESCE(closed_at,?3), updated_at=?4,"
					" seq=(SELECT version FROM change_counters WHERE name='demands') WHERE id=?1",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, demand_id);
	db_bind_text(st, 2, status);
	db_bind_text(st, 3, closed_at);
	db_bind_text(st, 4, now);
	return db_run(st, err);
}

enum qerr rfq_parse_time(const char *s, const char *field, char out[RFQ_TIME_LEN], struct qerror *err)
{
	int64_t t;
	bool date_only;
	/* Years 1970-9899, compared on the text's four digits once it has parsed. */
	bool ok = qtime_parse(s, QTIME_NO_ZONE | QTIME_DATE, &t, &date_only) && strncmp(s, "1970", 4) >= 0 &&
		  strncmp(s, "9900", 4) < 0;
	if (ok)
		qtime_format(date_only ? t + 86399 : t, out); /* a date alone means the end of that day */
	if (!ok)
		return qerr_set(err, QERR_INVALID, "invalid_time", field,
				"%s应为UTC时间 YYYY-MM-DDTHH:MM:SSZ 或日期 YYYY-MM-DD (%s must be a UTC ISO-8601 time or date)",
				field, field);
	return QERR_OK;
}

void rfq_format_time(int64_t unix_time, char out[RFQ_TIME_LEN])
{
	qtime_format(unix_time, out);
}

json_t *rfq_enterprise_json(struct db_stmt *st, int col)
{
	return json_pack("{s:s,s:s,s:s,s:s}", "uscc", db_col_text(st, col), "name", db_col_text(st, col + 1), "region",
			 db_col_text(st, col + 2), "level", db_col_text(st, col + 3));
}

bool rfq_fen_join(int64_t hi, int64_t lo, int64_t *out)
{
	int64_t high;
	return money_mul(hi, 4294967296LL, &high, NULL) == QERR_OK && money_add(high, lo, out, NULL) == QERR_OK;
}

enum qerr rfq_audit(struct db *db, const struct actor *a, const char *action, const char *type, int64_t id,
		    const json_t *detail, struct qerror *err)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)id);
	return audit_record(db, a, action, type, text, detail, err);
}
