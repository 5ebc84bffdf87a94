/*
 * voucher.c - innovation vouchers: issue, apply to a completed booking's
 * bill, claim, approve or reject, and the ledger check (voucher.h). The
 * one rule that matters most - a voucher is never spent beyond its amount,
 * an enterprise never beyond its yearly cap - is enforced in voucher_apply
 * by locking the enterprise's vouchers first and re-reading the ledger in
 * the same write transaction, and proved by voucher_verify.
 */
#include "sharing/voucher.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/money.h"
#include "base/qdate.h"
#include "base/qtime.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/uscc.h"
#include "sharing/challenge.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}

const struct jfield voucher_issue_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the SME enterprise receiving the voucher"},
    {"amount_fen", JF_INT, true, 1, VOUCHER_MAX_FEN, NULL, "voucher amount in fen"},
    {"share_bp", JF_INT, true, 1, 10000, NULL, "share of a bill the voucher may pay, basis points (5000 = 50 %)"},
    {"valid_from", JF_STRING, true, 10, 10, NULL, "first valid day, YYYY-MM-DD (Asia/Shanghai)"},
    {"valid_until", JF_STRING, true, 10, 10, NULL, "last valid day, YYYY-MM-DD (Asia/Shanghai)"},
    {"yearly_cap_fen", JF_INT, true, 1, VOUCHER_MAX_FEN, NULL,
     "most the enterprise may draw from all its vouchers in one calendar year while this one is used"},
    {"note", JF_STRING, false, 0, 500, NULL, "programme or remark"},
    END_FIELDS,
};

const struct jfield voucher_reject_fields[] = {
    {"reason", JF_STRING, true, 1, 1000, NULL, "why the claim is rejected"},
    END_FIELDS,
};

static voucher_bill_source bill_source = voucher_booking_bill;

void voucher_set_bill_source(voucher_bill_source fn)
{
	bill_source = fn ? fn : voucher_booking_bill;
}

static enum qerr fail(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

static bool is_operator(const struct actor *a)
{
	return a->user_id == 0 || a->org_type == ORG_OPERATOR;
}

static void now_iso(char out[QTIME_ISO_LEN])
{
	qtime_format(challenge_clock_now(), out);
}

/* Today's Shanghai date of the innovation clock. */
static struct qdate today(void)
{
	struct qdate d = {1970, 1, 1};
	qdate_shanghai_of(challenge_clock_now(), &d, NULL);
	return d;
}

static enum qerr audit(struct db *db, const struct actor *a, const char *action, const char *type, int64_t id,
		       const json_t *detail, struct qerror *err)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	return audit_record(db, a, action, type, s, detail, err);
}

enum qerr voucher_part(int64_t bill_fen, int64_t share_bp, int64_t balance_fen, int64_t cap_left_fen, int64_t *part_fen,
		       struct qerror *err)
{
	if (bill_fen < 0 || share_bp < 0 || share_bp > 10000)
		return qerr_set(err, QERR_INVALID, "invalid_amount", "", "bill and share must be non-negative");
	/*
	 * bill × share_bp / 10000, half up: money_interest_bp over a whole
	 * interest year (360 of 360 days) is exactly that product, formed in
	 * 128 bits and rounded once.
	 */
	int64_t share;
	enum qerr rc = money_interest_bp(bill_fen, share_bp, MONEY_DAYS_PER_YEAR, &share, err);
	if (rc)
		return rc;
	int64_t part = share;
	if (balance_fen < part)
		part = balance_fen;
	if (cap_left_fen < part)
		part = cap_left_fen;
	*part_fen = part < 0 ? 0 : part;
	return QERR_OK;
}

/* ---- reading a voucher ---- */

struct voucher_row {
	int64_t id, enterprise_id, org_id, amount, share_bp, cap;
	char code[32], status[16], valid_from[QDATE_TEXT_LEN], valid_until[QDATE_TEXT_LEN];
};

static enum qerr load_voucher(struct db *db, int64_t id, struct voucher_row *v, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT v.id,v.enterprise_id,coalesce(e.org_id,0),v.amount_fen,v.share_bp,"
					"v.yearly_cap_fen,v.code,v.status,v.valid_from,v.valid_until"
					" FROM vouchers v JOIN enterprises e ON e.id=v.enterprise_id WHERE v.id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_one(st, err))
		return qerr_set(err, err->code, err->code == QERR_NOT_FOUND ? "voucher_not_found" : err->slug, "id",
				"创新券不存在 (no voucher %lld)", (long long)id);
	v->id = db_col_int64(st, 0);
	v->enterprise_id = db_col_int64(st, 1);
	v->org_id = db_col_int64(st, 2);
	v->amount = db_col_int64(st, 3);
	v->share_bp = db_col_int64(st, 4);
	v->cap = db_col_int64(st, 5);
	snprintf(v->code, sizeof v->code, "%s", db_col_text(st, 6));
	snprintf(v->status, sizeof v->status, "%s", db_col_text(st, 7));
	snprintf(v->valid_from, sizeof v->valid_from, "%s", db_col_text(st, 8));
	snprintf(v->valid_until, sizeof v->valid_until, "%s", db_col_text(st, 9));
	db_reset(st);
	return QERR_OK;
}

/* Σ movements of a voucher. */
static enum qerr voucher_spent(struct db *db, int64_t voucher_id, int64_t *spent, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT coalesce(sum(amount_fen),0) FROM voucher_movements WHERE voucher_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, voucher_id);
	return db_scalar_int64(st, spent, err);
}

/* Σ movements of an enterprise in a calendar year, all its vouchers. */
static enum qerr year_used(struct db *db, int64_t enterprise_id, int year, int64_t *used, struct qerror *err)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT coalesce(sum(amount_fen),0) FROM voucher_movements WHERE enterprise_id=? AND year=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, enterprise_id);
	db_bind_int(st, 2, year);
	return db_scalar_int64(st, used, err);
}

static json_t *voucher_json(struct db *db, const struct voucher_row *v, struct qerror *err)
{
	int64_t spent = 0, used_year = 0, balance = 0;
	struct qdate d = today();
	if (voucher_spent(db, v->id, &spent, err) || year_used(db, v->enterprise_id, d.year, &used_year, err) ||
	    money_sub(v->amount, spent, &balance, err))
		return NULL;
	struct enterprise_ref e;
	if (enterprise_ref_by_id(db, v->enterprise_id, &e, err))
		return NULL;
	char td[QDATE_TEXT_LEN];
	qdate_format(d, td);
	bool valid =
	    strcmp(v->status, "active") == 0 && strcmp(td, v->valid_from) >= 0 && strcmp(td, v->valid_until) <= 0;
	int64_t cap_left = v->cap - used_year;
	return json_pack("{s:I,s:s,s:{s:s,s:s},s:I,s:I,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:I,s:b}", "id", (json_int_t)v->id,
			 "code", v->code, "enterprise", "uscc", e.uscc, "name", e.name, "amount_fen",
			 (json_int_t)v->amount, "share_bp", (json_int_t)v->share_bp, "valid_from", v->valid_from,
			 "valid_until", v->valid_until, "yearly_cap_fen", (json_int_t)v->cap, "status", v->status,
			 "used_fen", (json_int_t)spent, "balance_fen", (json_int_t)balance, "used_this_year_fen",
			 (json_int_t)used_year, "cap_left_fen", (json_int_t)(cap_left < 0 ? 0 : cap_left),
			 "valid_today", valid);
}

/* ---- issue ---- */

enum qerr voucher_issue(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!is_operator(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有运营方可以发放创新券 (only the operator issues vouchers)");
	char canon[USCC_LEN + 1];
	if (uscc_check(json_str(body, "enterprise", ""), canon, err)) {
		snprintf(err->field, sizeof err->field, "enterprise");
		return err->code;
	}
	struct qdate from, until;
	if (!qdate_parse(json_str(body, "valid_from", ""), &from))
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_from",
				"日期格式应为 YYYY-MM-DD (valid_from must be a date)");
	if (!qdate_parse(json_str(body, "valid_until", ""), &until))
		return qerr_set(err, QERR_INVALID, "invalid_date", "valid_until",
				"日期格式应为 YYYY-MM-DD (valid_until must be a date)");
	if (qdate_compare(from, until) > 0)
		return qerr_set(err, QERR_INVALID, "invalid_validity", "valid_until",
				"有效期结束不能早于开始 (valid_until is before valid_from)");
	if (db_begin_write(db, err))
		return err->code;
	struct enterprise_ref e;
	if (enterprise_ref_by_uscc(db, canon, &e, err)) {
		if (err->code == QERR_NOT_FOUND)
			enterprise_ref_not_registered(err, QERR_INVALID, "enterprise", canon);
		return fail(db, err);
	}
	bool sme_org = true;
	if (e.org_id) {
		struct db_stmt *st = db_prepare(db, "SELECT type FROM orgs WHERE id=?", err);
		if (!st)
			return fail(db, err);
		db_bind_int64(st, 1, e.org_id);
		if (db_one(st, err))
			return fail(db, err);
		sme_org = strcmp(db_col_text(st, 0), "sme") == 0;
		db_reset(st);
	}
	if (strcmp(e.size, "large") == 0 || !sme_org) {
		qerr_set(err, QERR_INVALID, "not_sme", "enterprise", "创新券只发给中小企业 (%s is not an SME)", e.name);
		return fail(db, err);
	}
	int64_t n = 0;
	if (db_query_int64(db, "SELECT count(*) FROM vouchers", &n, err))
		return fail(db, err);
	char code[32], now[QTIME_ISO_LEN], vf[QDATE_TEXT_LEN], vu[QDATE_TEXT_LEN];
	snprintf(code, sizeof code, "CXQ-%04d-%06lld", from.year, (long long)n + 1);
	now_iso(now);
	qdate_format(from, vf);
	qdate_format(until, vu);
	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO vouchers(code,enterprise_id,amount_fen,share_bp,valid_from,valid_until,yearly_cap_fen,"
	    "note,status,issued_by,created_at) VALUES(?,?,?,?,?,?,?,?,'active',?,?) RETURNING id",
	    err);
	if (!st)
		return fail(db, err);
	db_bind_text(st, 1, code);
	db_bind_int64(st, 2, e.id);
	db_bind_int64(st, 3, json_int(body, "amount_fen", 0));
	db_bind_int64(st, 4, json_int(body, "share_bp", 0));
	db_bind_text(st, 5, vf);
	db_bind_text(st, 6, vu);
	db_bind_int64(st, 7, json_int(body, "yearly_cap_fen", 0));
	db_bind_text(st, 8, json_str(body, "note", ""));
	db_bind_opt_int64(st, 9, a->user_id != 0, a->user_id);
	db_bind_text(st, 10, now);
	int64_t id;
	if (db_scalar_int64(st, &id, err))
		return fail(db, err);
	json_t *detail = json_pack("{s:s,s:s,s:I}", "code", code, "enterprise", e.uscc, "amount_fen",
				   (json_int_t)json_int(body, "amount_fen", 0));
	char title[160];
	snprintf(title, sizeof title, "获得科技创新券 %s", code);
	enum qerr rc = audit(db, a, "voucher.issue", "voucher", id, detail, err);
	if (!rc)
		rc = inbox_notify(db, e.id, "voucher_issued", id, title, detail, err);
	json_decref(detail);
	if (rc)
		return fail(db, err);
	struct voucher_row v;
	if (load_voucher(db, id, &v, err) || !(*out = voucher_json(db, &v, err)) || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return fail(db, err);
	}
	return QERR_OK;
}

enum qerr voucher_revoke(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!is_operator(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有运营方可以作废创新券 (only the operator revokes vouchers)");
	if (db_begin_write(db, err))
		return err->code;
	struct voucher_row v;
	if (load_voucher(db, id, &v, err))
		return fail(db, err);
	if (strcmp(v.status, "active") != 0) {
		qerr_set(err, QERR_CONFLICT, "illegal_transition", "status",
			 "创新券已作废 (voucher %s is already revoked)", v.code);
		return fail(db, err);
	}
	struct db_stmt *st = db_prepare(db, "UPDATE vouchers SET status='revoked' WHERE id=? AND status='active'", err);
	if (!st || (db_bind_int64(st, 1, id), db_run(st, err)))
		return fail(db, err);
	json_t *detail = json_pack("{s:s}", "code", v.code);
	enum qerr rc = audit(db, a, "voucher.revoke", "voucher", id, detail, err);
	if (!rc)
		rc = inbox_renotify(db, v.enterprise_id, "voucher_issued", id,
				    "科技创新券已作废 (a voucher was revoked)", detail, err);
	json_decref(detail);
	if (rc || load_voucher(db, id, &v, err) || !(*out = voucher_json(db, &v, err)) || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return fail(db, err);
	}
	return QERR_OK;
}

/* ---- list and get ---- */

enum qerr voucher_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!is_operator(a) && a->org_type != ORG_SME)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"创新券只对中小企业和运营方可见 (vouchers are the SMEs' and the operator's)");
	struct db_stmt *st = db_prepare(db,
					"SELECT v.id FROM vouchers v JOIN enterprises e ON e.id=v.enterprise_id"
					" WHERE CAST(? AS BIGINT)=1 OR e.org_id=? ORDER BY v.id DESC",
					err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, is_operator(a) ? 1 : 0);
	db_bind_int64(st, 2, a->org_id);
	int64_t ids[500];
	size_t n = 0;
	int rc;
	while (n < 500 && (rc = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (n < 500 && rc < 0)
		return err->code;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct voucher_row v;
		json_t *j;
		if (load_voucher(db, ids[i], &v, err) || !(j = voucher_json(db, &v, err))) {
			json_decref(items);
			return err->code;
		}
		json_array_append_new(items, j);
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

static json_t *application_row_json(struct db_stmt *st);

#define APP_COLUMNS                                                                                                    \
	"a.id,a.voucher_id,v.code,a.booking_id,a.bill_fen,a.voucher_fen,a.sme_fen,a.minutes_used,a.year,a.status,"     \
	"a.usage_record,a.reason,a.applied_at,a.claimed_at,a.decided_at,e.uscc,e.name,a.owner_org_id,"                 \
	"coalesce(o.name,''),coalesce(e.org_id,0)"
#define APP_FROM                                                                                                       \
	" FROM voucher_applications a JOIN vouchers v ON v.id=a.voucher_id JOIN enterprises e ON e.id=a.enterprise_id" \
	" LEFT JOIN orgs o ON o.id=a.owner_org_id"

static json_t *application_row_json(struct db_stmt *st)
{
	json_error_t je;
	json_t *usage = json_loads(db_col_text(st, 10), 0, &je);
	return json_pack("{s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:o,s:s,s:s,s:o,s:o,s:{s:s,s:s},s:{s:I,s:s}}", "id",
			 (json_int_t)db_col_int64(st, 0), "voucher_id", (json_int_t)db_col_int64(st, 1), "voucher_code",
			 db_col_text(st, 2), "booking_id", (json_int_t)db_col_int64(st, 3), "bill_fen",
			 (json_int_t)db_col_int64(st, 4), "voucher_fen", (json_int_t)db_col_int64(st, 5), "sme_fen",
			 (json_int_t)db_col_int64(st, 6), "minutes_used", (json_int_t)db_col_int64(st, 7), "year",
			 (json_int_t)db_col_int64(st, 8), "status", db_col_text(st, 9), "usage_record",
			 usage ? usage : json_object(), "reason", db_col_text(st, 11), "applied_at",
			 db_col_text(st, 12), "claimed_at", db_col_json_text(st, 13), "decided_at",
			 db_col_json_text(st, 14), "enterprise", "uscc", db_col_text(st, 15), "name",
			 db_col_text(st, 16), "owner", "org_id", (json_int_t)db_col_int64(st, 17), "name",
			 db_col_text(st, 18));
}

enum qerr voucher_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct voucher_row v;
	if (load_voucher(db, id, &v, err))
		return err->code;
	if (!is_operator(a) && (v.org_id == 0 || v.org_id != a->org_id))
		return qerr_set(err, QERR_NOT_FOUND, "voucher_not_found", "id", "创新券不存在 (no voucher %lld)",
				(long long)id);
	json_t *j = voucher_json(db, &v, err);
	if (!j)
		return err->code;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,application_id,kind,amount_fen,year,created_at FROM voucher_movements"
		       " WHERE voucher_id=? ORDER BY id",
		       err);
	if (!st) {
		json_decref(j);
		return err->code;
	}
	db_bind_int64(st, 1, id);
	json_t *moves = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(moves,
				      json_pack("{s:I,s:I,s:s,s:I,s:I,s:s}", "id", (json_int_t)db_col_int64(st, 0),
						"application_id", (json_int_t)db_col_int64(st, 1), "kind",
						db_col_text(st, 2), "amount_fen", (json_int_t)db_col_int64(st, 3),
						"year", (json_int_t)db_col_int64(st, 4), "at", db_col_text(st, 5)));
	db_reset(st);
	json_object_set_new(j, "movements", moves);
	if (rc < 0) {
		json_decref(j);
		return err->code;
	}
	st = db_prepare(db, "SELECT " APP_COLUMNS APP_FROM " WHERE a.voucher_id=? ORDER BY a.id", err);
	if (!st) {
		json_decref(j);
		return err->code;
	}
	db_bind_int64(st, 1, id);
	json_t *apps = json_array();
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(apps, application_row_json(st));
	db_reset(st);
	json_object_set_new(j, "applications", apps);
	if (rc < 0) {
		json_decref(j);
		return err->code;
	}
	*out = j;
	return QERR_OK;
}

/* ---- apply ---- */

struct split {
	int64_t bill, part, sme, balance, cap_left;
	const char *limited_by; /* "share", "balance" or "yearly_cap" */
	int year;
};

/*
 * The checks voucher_apply and voucher_preview share, in the caller's
 * transaction: the voucher is the actor's (or the operator acts), valid
 * today, the booking completed and booked by the voucher's enterprise, not
 * yet carrying a live application; then the split.
 */
static enum qerr plan(struct db *db, const struct actor *a, int64_t voucher_id, int64_t booking_id,
		      struct voucher_row *v, struct voucher_bill *bill, struct split *s, struct qerror *err)
{
	if (load_voucher(db, voucher_id, v, err))
		return err->code;
	if (!is_operator(a) && (v->org_id == 0 || v->org_id != a->org_id))
		return qerr_set(err, QERR_NOT_FOUND, "voucher_not_found", "voucher", "创新券不存在 (no voucher %lld)",
				(long long)voucher_id);
	memset(bill, 0, sizeof *bill);
	if (bill_source(db, booking_id, bill, err))
		return err->code;
	if (!is_operator(a) && bill->booker_org_id != a->org_id)
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "booking", "预约不存在 (no booking %lld)",
				(long long)booking_id);
	if (bill->booker_enterprise_id != v->enterprise_id)
		return qerr_set(err, QERR_FORBIDDEN, "not_voucher_holder", "booking",
				"该预约不是持券企业的预约 (the booking was not made by the voucher's enterprise)");
	if (strcmp(bill->state, "completed") != 0)
		return qerr_set(err, QERR_CONFLICT, "booking_not_completed", "booking",
				"预约尚未完成,不能用券 (the booking is %s, not completed)", bill->state);
	struct qdate d = today();
	char td[QDATE_TEXT_LEN];
	qdate_format(d, td);
	if (strcmp(v->status, "active") != 0 || strcmp(td, v->valid_from) < 0 || strcmp(td, v->valid_until) > 0)
		return qerr_set(err, QERR_CONFLICT, "voucher_not_valid", "voucher",
				"创新券不在有效期内 (voucher %s is valid %s to %s, today is %s)", v->code,
				v->valid_from, v->valid_until, td);
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM voucher_applications WHERE booking_id=? AND status<>'rejected'", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, booking_id);
	int64_t live = 0;
	if (db_scalar_int64(st, &live, err))
		return err->code;
	if (live)
		return qerr_set(err, QERR_CONFLICT, "already_applied", "booking",
				"该预约已使用过创新券 (booking %lld already carries a voucher)", (long long)booking_id);
	int64_t spent, used;
	if (voucher_spent(db, v->id, &spent, err) || year_used(db, v->enterprise_id, d.year, &used, err) ||
	    money_sub(v->amount, spent, &s->balance, err) || money_sub(v->cap, used, &s->cap_left, err))
		return err->code;
	if (s->cap_left < 0)
		s->cap_left = 0;
	s->bill = bill->cost_fen;
	s->year = d.year;
	int64_t share;
	if (voucher_part(s->bill, v->share_bp, INT64_MAX, INT64_MAX, &share, err) ||
	    voucher_part(s->bill, v->share_bp, s->balance, s->cap_left, &s->part, err) ||
	    money_sub(s->bill, s->part, &s->sme, err))
		return err->code;
	s->limited_by = s->part == share ? "share" : s->part == s->balance ? "balance" : "yearly_cap";
	if (s->balance <= 0)
		return qerr_set(err, QERR_CONFLICT, "voucher_exhausted", "voucher",
				"创新券余额为零 (voucher %s is used up)", v->code);
	if (s->cap_left <= 0)
		return qerr_set(err, QERR_CONFLICT, "yearly_cap_reached", "voucher",
				"本年度创新券使用已达上限 (the enterprise has drawn its yearly cap for %d)", d.year);
	if (s->part <= 0)
		return qerr_set(err, QERR_CONFLICT, "nothing_to_pay", "booking", "账单为零,无需用券 (the bill is 0)");
	return QERR_OK;
}

static json_t *split_json(const struct split *s)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:I,s:I}", "bill_fen", (json_int_t)s->bill, "voucher_fen",
			 (json_int_t)s->part, "sme_fen", (json_int_t)s->sme, "limited_by", s->limited_by, "balance_fen",
			 (json_int_t)s->balance, "cap_left_fen", (json_int_t)s->cap_left);
}

enum qerr voucher_preview(struct db *db, const struct actor *a, int64_t voucher_id, int64_t booking_id, json_t **out,
			  struct qerror *err)
{
	*out = NULL;
	struct voucher_row v;
	struct voucher_bill bill;
	struct split s;
	if (plan(db, a, voucher_id, booking_id, &v, &bill, &s, err))
		return err->code;
	*out = split_json(&s);
	return QERR_OK;
}

static enum qerr application_by_id(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " APP_COLUMNS APP_FROM " WHERE a.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_one(st, err))
		return qerr_set(err, err->code, err->code == QERR_NOT_FOUND ? "application_not_found" : err->slug, "id",
				"用券记录不存在 (no voucher application %lld)", (long long)id);
	*out = application_row_json(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr voucher_apply(struct db *db, const struct actor *a, int64_t voucher_id, int64_t booking_id, json_t **out,
			struct qerror *err)
{
	*out = NULL;
	if (!is_operator(a) && a->org_type != ORG_SME)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有持券中小企业可以用券 (only the SME holding it applies a voucher)");
	if (db_begin_write(db, err))
		return err->code;
	/*
	 * Lock the enterprise's vouchers before reading the ledger: on
	 * PostgreSQL this no-op update takes their row locks, so a second
	 * application of any of them waits here and then reads this one's
	 * movement; on SQLite the write transaction holds the lock already.
	 */
	struct db_stmt *st = db_prepare(db,
					"UPDATE vouchers SET status=status WHERE enterprise_id="
					"(SELECT enterprise_id FROM vouchers WHERE id=?)",
					err);
	if (!st || (db_bind_int64(st, 1, voucher_id), db_run(st, err)))
		return fail(db, err);
	struct voucher_row v;
	struct voucher_bill bill;
	struct split s;
	if (plan(db, a, voucher_id, booking_id, &v, &bill, &s, err))
		return fail(db, err);
	char now[QTIME_ISO_LEN];
	now_iso(now);
	st = db_prepare(db,
			"INSERT INTO voucher_applications(voucher_id,booking_id,enterprise_id,owner_org_id,"
			"owner_enterprise_id,bill_fen,voucher_fen,sme_fen,minutes_used,year,status,applied_at)"
			" VALUES(?,?,?,?,?,?,?,?,?,?,'applied',?) RETURNING id",
			err);
	if (!st)
		return fail(db, err);
	db_bind_int64(st, 1, v.id);
	db_bind_int64(st, 2, booking_id);
	db_bind_int64(st, 3, v.enterprise_id);
	db_bind_int64(st, 4, bill.owner_org_id);
	db_bind_opt_int64(st, 5, bill.owner_enterprise_id != 0, bill.owner_enterprise_id);
	db_bind_int64(st, 6, s.bill);
	db_bind_int64(st, 7, s.part);
	db_bind_int64(st, 8, s.sme);
	db_bind_int64(st, 9, bill.minutes_used);
	db_bind_int(st, 10, s.year);
	db_bind_text(st, 11, now);
	int64_t app_id;
	if (db_scalar_int64(st, &app_id, err)) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "already_applied", "booking",
				 "该预约已使用过创新券 (booking %lld already carries a voucher)",
				 (long long)booking_id);
		return fail(db, err);
	}
	st = db_prepare(
	    db,
	    "INSERT INTO voucher_movements(voucher_id,application_id,enterprise_id,year,kind,amount_fen,created_at)"
	    " VALUES(?,?,?,?,'use',?,?)",
	    err);
	if (!st)
		return fail(db, err);
	db_bind_int64(st, 1, v.id);
	db_bind_int64(st, 2, app_id);
	db_bind_int64(st, 3, v.enterprise_id);
	db_bind_int(st, 4, s.year);
	db_bind_int64(st, 5, s.part);
	db_bind_text(st, 6, now);
	if (db_run(st, err))
		return fail(db, err);
	/* The invariant, re-read after the write inside the same transaction. */
	int64_t spent, used;
	if (voucher_spent(db, v.id, &spent, err) || year_used(db, v.enterprise_id, s.year, &used, err))
		return fail(db, err);
	if (spent > v.amount || used > v.cap) {
		qerr_set(err, QERR_CONFLICT, "voucher_exhausted", "voucher",
			 "创新券余额不足 (voucher %s would be overspent)", v.code);
		return fail(db, err);
	}
	json_t *detail =
	    json_pack("{s:I,s:I,s:I,s:I}", "voucher_id", (json_int_t)v.id, "booking_id", (json_int_t)booking_id,
		      "voucher_fen", (json_int_t)s.part, "sme_fen", (json_int_t)s.sme);
	enum qerr rc = audit(db, a, "voucher.apply", "voucher_application", app_id, detail, err);
	if (!rc && bill.owner_enterprise_id)
		rc = inbox_notify(db, bill.owner_enterprise_id, "voucher_applied", app_id,
				  "预约账单已用科技创新券,可向运营方申领 (a bill was paid with a voucher: claim it)",
				  detail, err);
	json_decref(detail);
	if (rc || application_by_id(db, app_id, out, err) || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return fail(db, err);
	}
	return QERR_OK;
}

/* ---- applications ---- */

enum qerr voucher_application_list(struct db *db, const struct actor *a, const char *role, const char *status,
				   json_t **out, struct qerror *err)
{
	*out = NULL;
	if (role && *role && strcmp(role, "owner") != 0 && strcmp(role, "holder") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_role", "role", "role is owner or holder");
	if (status && *status && strcmp(status, "applied") != 0 && strcmp(status, "claimed") != 0 &&
	    strcmp(status, "approved") != 0 && strcmp(status, "rejected") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_status", "status",
				"status is applied|claimed|approved|rejected");
	bool owner = !role || !*role || strcmp(role, "owner") == 0;
	bool holder = !role || !*role || strcmp(role, "holder") == 0;
	struct db_stmt *st = db_prepare(db,
					"SELECT " APP_COLUMNS APP_FROM
					" WHERE (CAST(?1 AS BIGINT)=1 OR (CAST(?2 AS BIGINT)=1 AND a.owner_org_id=?4)"
					"        OR (CAST(?3 AS BIGINT)=1 AND e.org_id=?4))"
					" AND (CAST(?5 AS TEXT) IS NULL OR a.status=?5) ORDER BY a.id DESC LIMIT 500",
					err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, is_operator(a) && (!role || !*role) ? 1 : 0);
	db_bind_int(st, 2, owner ? 1 : 0);
	db_bind_int(st, 3, holder ? 1 : 0);
	db_bind_int64(st, 4, a->org_id);
	db_bind_text_or_null(st, 5, status);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, application_row_json(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

/* The application's parties: owner organisation and holder organisation. */
static enum qerr app_parties(struct db *db, int64_t id, int64_t *owner_org, int64_t *holder_org, char *status,
			     int64_t *voucher_id, int64_t *booking_id, int64_t *part, int64_t *enterprise_id, int *year,
			     struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT a.owner_org_id,coalesce(e.org_id,0),a.status,a.voucher_id,a.booking_id,"
					"a.voucher_fen,a.enterprise_id,a.year FROM voucher_applications a"
					" JOIN enterprises e ON e.id=a.enterprise_id WHERE a.id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_one(st, err))
		return qerr_set(err, err->code, err->code == QERR_NOT_FOUND ? "application_not_found" : err->slug, "id",
				"用券记录不存在 (no voucher application %lld)", (long long)id);
	*owner_org = db_col_int64(st, 0);
	*holder_org = db_col_int64(st, 1);
	snprintf(status, 16, "%s", db_col_text(st, 2));
	*voucher_id = db_col_int64(st, 3);
	*booking_id = db_col_int64(st, 4);
	*part = db_col_int64(st, 5);
	*enterprise_id = db_col_int64(st, 6);
	*year = db_col_int(st, 7);
	db_reset(st);
	return QERR_OK;
}

enum qerr voucher_application_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t owner, holder, vid, bid, part, eid;
	int year;
	char status[16];
	if (app_parties(db, id, &owner, &holder, status, &vid, &bid, &part, &eid, &year, err))
		return err->code;
	if (!is_operator(a) && a->org_id != owner && a->org_id != holder)
		return qerr_set(err, QERR_NOT_FOUND, "application_not_found", "id",
				"用券记录不存在 (no voucher application %lld)", (long long)id);
	return application_by_id(db, id, out, err);
}

static json_t *bill_json(const struct voucher_bill *b)
{
	return json_pack("{s:I,s:s,s:I,s:I,s:I,s:s}", "booking_id", (json_int_t)b->booking_id, "resource", b->resource,
			 "minutes_used", (json_int_t)b->minutes_used, "cost_fen", (json_int_t)b->cost_fen,
			 "owner_org_id", (json_int_t)b->owner_org_id, "state", b->state);
}

enum qerr voucher_claim(struct db *db, const struct actor *a, int64_t application_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	int64_t owner, holder, vid, bid, part, eid;
	int year;
	char status[16];
	if (app_parties(db, application_id, &owner, &holder, status, &vid, &bid, &part, &eid, &year, err))
		return fail(db, err);
	if (!is_operator(a) && a->org_id != owner) {
		if (a->org_id == holder)
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有资源方可以申领创新券 (only the resource owner claims the voucher part)");
		else
			qerr_set(err, QERR_NOT_FOUND, "application_not_found", "id",
				 "用券记录不存在 (no voucher application %lld)", (long long)application_id);
		return fail(db, err);
	}
	if (strcmp(status, "applied") != 0) {
		qerr_set(err, QERR_CONFLICT, "illegal_transition", "status",
			 "用券记录状态为 %s,不能申领 (the application is %s)", status, status);
		return fail(db, err);
	}
	struct voucher_bill bill;
	memset(&bill, 0, sizeof bill);
	if (bill_source(db, bid, &bill, err))
		return fail(db, err);
	json_t *usage = bill_json(&bill);
	char *usage_text = json_dumps(usage, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(usage);
	char now[QTIME_ISO_LEN];
	now_iso(now);
	struct db_stmt *st = db_prepare(db,
					"UPDATE voucher_applications SET status='claimed',usage_record=?,claimed_at=? "
					"WHERE id=? AND status='applied'",
					err);
	if (!st) {
		free(usage_text);
		return fail(db, err);
	}
	db_bind_text(st, 1, usage_text ? usage_text : "{}");
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, application_id);
	free(usage_text);
	if (db_run(st, err))
		return fail(db, err);
	json_t *detail = json_pack("{s:I,s:I}", "booking_id", (json_int_t)bid, "voucher_fen", (json_int_t)part);
	enum qerr rc = audit(db, a, "voucher.claim", "voucher_application", application_id, detail, err);
	/* Who must act: the operator, in its organisation's own inbox (it usually owns no enterprise). */
	struct db_stmt *ops =
	    rc ? NULL : db_prepare(db, "SELECT id FROM orgs WHERE type='operator' ORDER BY id LIMIT 20", err);
	if (!rc && !ops)
		rc = err->code;
	if (!rc) {
		int64_t orgs[20];
		int n = 0, s2 = 0;
		while (n < 20 && (s2 = db_step(ops, err)) == DB_ROW)
			orgs[n++] = db_col_int64(ops, 0);
		db_reset(ops);
		if (s2 < 0)
			rc = err->code;
		for (int i = 0; i < n && !rc; i++)
			rc = inbox_notify_org(db, orgs[i], "voucher_claim", application_id,
					      "创新券申领待审核 (a voucher claim awaits your decision)", detail, err);
	}
	json_decref(detail);
	if (rc || application_by_id(db, application_id, out, err) || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return fail(db, err);
	}
	return QERR_OK;
}

enum qerr voucher_decide(struct db *db, const struct actor *a, int64_t application_id, bool approve, const char *reason,
			 json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!is_operator(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有运营方可以审核申领 (only the operator decides claims)");
	if (!approve && (!reason || !*reason))
		return qerr_set(err, QERR_INVALID, "missing_field", "reason",
				"驳回须说明理由 (a rejection needs a reason)");
	if (db_begin_write(db, err))
		return err->code;
	int64_t owner, holder, vid, bid, part, eid;
	int year;
	char status[16];
	if (app_parties(db, application_id, &owner, &holder, status, &vid, &bid, &part, &eid, &year, err))
		return fail(db, err);
	if (strcmp(status, "claimed") != 0) {
		qerr_set(err, QERR_CONFLICT, "illegal_transition", "status",
			 "用券记录状态为 %s,不能审核 (the application is %s, not claimed)", status, status);
		return fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	now_iso(now);
	struct db_stmt *st = db_prepare(
	    db, "UPDATE voucher_applications SET status=?,reason=?,decided_at=? WHERE id=? AND status='claimed'", err);
	if (!st)
		return fail(db, err);
	db_bind_text(st, 1, approve ? "approved" : "rejected");
	db_bind_text(st, 2, approve ? "" : reason);
	db_bind_text(st, 3, now);
	db_bind_int64(st, 4, application_id);
	if (db_run(st, err))
		return fail(db, err);
	if (!approve) {
		/* The part goes back to the voucher (and to the year's cap): a return movement of -part. */
		st = db_prepare(
		    db,
		    "INSERT INTO voucher_movements(voucher_id,application_id,enterprise_id,year,kind,amount_fen,"
		    "created_at) VALUES(?,?,?,?,'return',?,?)",
		    err);
		if (!st)
			return fail(db, err);
		db_bind_int64(st, 1, vid);
		db_bind_int64(st, 2, application_id);
		db_bind_int64(st, 3, eid);
		db_bind_int(st, 4, year);
		db_bind_int64(st, 5, -part);
		db_bind_text(st, 6, now);
		if (db_run(st, err))
			return fail(db, err);
	}
	json_t *detail = json_pack("{s:s,s:I,s:s}", "decision", approve ? "approved" : "rejected", "voucher_fen",
				   (json_int_t)part, "reason", approve ? "" : reason);
	enum qerr rc = audit(db, a, approve ? "voucher.approve" : "voucher.reject", "voucher_application",
			     application_id, detail, err);
	const char *title =
	    approve ? "创新券申领已通过 (voucher claim approved)" : "创新券申领被驳回 (voucher claim rejected)";
	/* Both parties: the owner for its money, the holder because a rejection gives its voucher back. */
	st = rc ? NULL
		: db_prepare(db,
			     "SELECT e.id FROM enterprises e WHERE e.id=? OR e.id=(SELECT owner_enterprise_id FROM "
			     "voucher_applications WHERE id=?)",
			     err);
	if (!rc && !st)
		rc = err->code;
	if (!rc) {
		db_bind_int64(st, 1, eid);
		db_bind_int64(st, 2, application_id);
		int64_t ents[2];
		int n = 0, s;
		while (n < 2 && (s = db_step(st, err)) == DB_ROW)
			ents[n++] = db_col_int64(st, 0);
		db_reset(st);
		for (int i = 0; i < n && !rc; i++)
			rc = inbox_renotify(db, ents[i], "voucher_decided", application_id, title, detail, err);
	}
	json_decref(detail);
	if (rc || application_by_id(db, application_id, out, err) || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return fail(db, err);
	}
	return QERR_OK;
}

enum qerr voucher_booking_view(struct db *db, const struct actor *a, int64_t booking_id, json_t **out,
			       struct qerror *err)
{
	*out = NULL;
	struct voucher_bill bill;
	memset(&bill, 0, sizeof bill);
	if (bill_source(db, booking_id, &bill, err))
		return err->code;
	if (!is_operator(a) && a->org_id != bill.owner_org_id && a->org_id != bill.booker_org_id)
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "id", "预约不存在 (no booking %lld)",
				(long long)booking_id);
	struct db_stmt *st =
	    db_prepare(db, "SELECT id FROM voucher_applications WHERE booking_id=? AND status<>'rejected'", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, booking_id);
	int64_t app = 0;
	enum qerr rc = db_scalar_int64(st, &app, err);
	if (rc && rc != QERR_NOT_FOUND)
		return rc;
	json_t *application = NULL;
	if (app && application_by_id(db, app, &application, err))
		return err->code;
	int64_t vpart = application ? json_integer_value(json_object_get(application, "voucher_fen")) : 0;
	int64_t sme;
	if (money_sub(bill.cost_fen, vpart, &sme, err)) {
		json_decref(application);
		return err->code;
	}
	*out = json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:o}", "booking_id", (json_int_t)booking_id, "resource",
			 bill.resource, "state", bill.state, "minutes_used", (json_int_t)bill.minutes_used, "bill_fen",
			 (json_int_t)bill.cost_fen, "voucher_fen", (json_int_t)vpart, "sme_fen", (json_int_t)sme,
			 "application", application ? application : json_null());
	qerr_clear(err);
	return QERR_OK;
}

/* ---- the ledger check ---- */

static void problem(json_t *problems, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(json_t *problems, const char *fmt, ...)
{
	char s[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	json_array_append_new(problems, json_string(s));
}

enum qerr voucher_verify(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!is_operator(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"only the operator verifies the voucher ledger");
	json_t *problems = json_array();
	int64_t nv = 0, nm = 0, na = 0;
	enum qerr rc = db_query_int64(db, "SELECT count(*) FROM vouchers", &nv, err);
	if (!rc)
		rc = db_query_int64(db, "SELECT count(*) FROM voucher_movements", &nm, err);
	if (!rc)
		rc = db_query_int64(db, "SELECT count(*) FROM voucher_applications", &na, err);
	/* Each voucher: 0 <= amount - Σ movements <= amount, summed with checked money arithmetic in C. */
	struct db_stmt *st =
	    rc ? NULL
	       : db_prepare(db,
			    "SELECT v.id,v.amount_fen,m.amount_fen FROM vouchers v LEFT JOIN voucher_movements m"
			    " ON m.voucher_id=v.id ORDER BY v.id,m.id",
			    err);
	if (!rc && !st)
		rc = err->code;
	if (!rc) {
		int s;
		int64_t cur = 0, amount = 0, sum = 0;
		bool any = false;
		for (;;) {
			s = db_step(st, err);
			bool row = s == DB_ROW;
			if (any && (!row || db_col_int64(st, 0) != cur)) {
				int64_t bal;
				if (money_sub(amount, sum, &bal, NULL) || bal < 0 || bal > amount)
					problem(problems,
						"voucher %lld: amount %lld, movements sum %lld (balance out of range)",
						(long long)cur, (long long)amount, (long long)sum);
				sum = 0;
			}
			if (!row)
				break;
			any = true;
			cur = db_col_int64(st, 0);
			amount = db_col_int64(st, 1);
			if (!db_col_is_null(st, 2) && money_add(sum, db_col_int64(st, 2), &sum, NULL))
				problem(problems, "voucher %lld: movements overflow", (long long)cur);
		}
		db_reset(st);
		if (s < 0)
			rc = err->code;
	}
	/* Each application: one use of its part; a rejected one also one return of it, nothing else. */
	st =
	    rc ? NULL
	       : db_prepare(db,
			    "SELECT a.id,a.status,a.voucher_fen,"
			    " (SELECT count(*) FROM voucher_movements m WHERE m.application_id=a.id AND m.kind='use'"
			    "  AND m.amount_fen=a.voucher_fen AND m.voucher_id=a.voucher_id),"
			    " (SELECT count(*) FROM voucher_movements m WHERE m.application_id=a.id AND m.kind='return'"
			    "  AND m.amount_fen=-a.voucher_fen AND m.voucher_id=a.voucher_id),"
			    " (SELECT count(*) FROM voucher_movements m WHERE m.application_id=a.id)"
			    " FROM voucher_applications a ORDER BY a.id",
			    err);
	if (!rc && !st)
		rc = err->code;
	if (!rc) {
		int s;
		while ((s = db_step(st, err)) == DB_ROW) {
			bool rejected = strcmp(db_col_text(st, 1), "rejected") == 0;
			int64_t uses = db_col_int64(st, 3), rets = db_col_int64(st, 4), all = db_col_int64(st, 5);
			if (uses != 1 || rets != (rejected ? 1 : 0) || all != uses + rets)
				problem(
				    problems,
				    "application %lld: %lld uses and %lld returns of its part do not match its status",
				    (long long)db_col_int64(st, 0), (long long)uses, (long long)rets);
		}
		db_reset(st);
		if (s < 0)
			rc = err->code;
	}
	/* Each enterprise and year: drawn <= the largest cap of the vouchers it drew from that year. */
	st = rc ? NULL
		: db_prepare(db,
			     "SELECT m.enterprise_id,m.year,coalesce(sum(m.amount_fen),0),max(v.yearly_cap_fen)"
			     " FROM voucher_movements m JOIN vouchers v ON v.id=m.voucher_id"
			     " GROUP BY m.enterprise_id,m.year ORDER BY m.enterprise_id,m.year",
			     err);
	if (!rc && !st)
		rc = err->code;
	if (!rc) {
		int s;
		while ((s = db_step(st, err)) == DB_ROW) {
			int64_t drawn = db_col_int64(st, 2), cap = db_col_int64(st, 3);
			if (drawn > cap || drawn < 0)
				problem(problems, "enterprise %lld drew %lld fen in one year, beyond its cap %lld",
					(long long)db_col_int64(st, 0), (long long)drawn, (long long)cap);
		}
		db_reset(st);
		if (s < 0)
			rc = err->code;
	}
	if (rc) {
		json_decref(problems);
		return rc;
	}
	*out = json_pack("{s:I,s:I,s:I,s:b,s:o}", "vouchers", (json_int_t)nv, "movements", (json_int_t)nm,
			 "applications", (json_int_t)na, "ok", json_array_size(problems) == 0, "problems", problems);
	return QERR_OK;
}
