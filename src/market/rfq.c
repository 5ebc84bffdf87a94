/*
 * rfq.c - invitations, sealed quotes, closing a demand early and awarding
 * quotes (which places the orders of order.c). The sealing rule lives in
 * market_quotes: before the deadline (or an early close) the buyer learns
 * only how many quotes came, and a supplier never sees another's quote.
 */
#include "market/rfq.h"
#include "market/listing.h"

#include <string.h>
#include "base/money.h"
#include "base/util.h"
#include "market/rfq_int.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"

#define END_FIELDS {NULL, 0, false, 0, 0, NULL, NULL}
#define RFQ_MAX_INVITES 200
#define RFQ_MAX_AWARDS 100
#define RFQ_MAX_LEAD_DAYS 3650

const struct jfield market_invite_fields[] = {
	{"suppliers", JF_STRING_ARRAY, true, 0, 0, NULL, "USCCs of the enterprises to invite (1-200)"},
	END_FIELDS,
};
const struct jfield market_quote_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the quoting enterprise (of the caller's organisation); spaces or hyphens between its groups are dropped"},
    {"unit_price_fen", JF_INT, true, 1, MARKET_MAX_UNIT_PRICE_FEN, NULL,
     "unit price in fen (分), at most 10^13 fen (1000亿元); quantity × unit_price_fen at most 10^13 fen"},
    {"quantity", JF_INT, true, 1, MARKET_MAX_QUANTITY, NULL,
     "quantity offered, in the demand's unit, at most 10^9; quantity × unit_price_fen at most 10^13 fen"},
    {"lead_time_days", JF_INT, true, 0, RFQ_MAX_LEAD_DAYS, NULL, "days from award to delivery"},
    {"valid_until", JF_STRING, true, 10, 20, NULL, "offer valid until (UTC ISO-8601 time, or a date: end of day)"},
    {"notes", JF_STRING, false, 0, 2000, NULL, "remarks"},
    END_FIELDS,
};
const struct jfield market_quote_patch_fields[] = {
    {"unit_price_fen", JF_INT, false, 1, MARKET_MAX_UNIT_PRICE_FEN, NULL,
     "unit price in fen (分), at most 10^13 fen (1000亿元); quantity × unit_price_fen at most 10^13 fen"},
    {"quantity", JF_INT, false, 1, MARKET_MAX_QUANTITY, NULL,
     "quantity offered, at most 10^9; quantity × unit_price_fen at most 10^13 fen"},
    {"lead_time_days", JF_INT, false, 0, RFQ_MAX_LEAD_DAYS, NULL, "days from award to delivery"},
    {"valid_until", JF_STRING, false, 10, 20, NULL, "offer valid until (UTC ISO-8601 time or date)"},
    {"notes", JF_STRING, false, 0, 2000, NULL, "remarks"},
    END_FIELDS,
};
const struct jfield market_reject_fields[] = {
	{"reason", JF_STRING, true, 1, 1000, NULL, "why the delivery is rejected"},
	END_FIELDS,
};

bool market_amount(int64_t quantity, int64_t unit_price_fen, int64_t *amount_fen)
{
	if (quantity <= 0 || unit_price_fen <= 0)
		return false;
	return money_mul(quantity, unit_price_fen, amount_fen, NULL) == QERR_OK;
}

static enum qerr forbidden(struct qerror *err, const char *what)
{
	return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有需求方组织或运营方可以%s (only the demand owner's organisation or the operator may %s)",
			what[0] == 'i' ? "邀请供应商" : what[0] == 'c' ? "截止报价" : "授标", what);
}

static enum qerr fail(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

/* ---- invitations ---- */

enum qerr market_invitations(struct db *db, const struct actor *a, int64_t demand_id, json_t **out,
			     struct qerror *err)
{
	*out = NULL;
	struct rfq_demand d;
	bool readable;
	if (rfq_demand_load(db, demand_id, &d, err) || rfq_may_read(db, a, &d, &readable, err))
		return err->code;
	if (!readable)
		return qerr_set(err, QERR_NOT_FOUND, "demand_not_found", "id", "需求不存在 (no demand %lld)",
				(long long)demand_id);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT e.uscc,e.name,e.region,e.level,i.invited_at,"
		       " EXISTS(SELECT 1 FROM quotes q WHERE q.demand_id=i.demand_id AND q.supplier_id=i.enterprise_id"
		       "        AND q.status<>'withdrawn'),e.org_id"
		       " FROM demand_invitations i JOIN enterprises e ON e.id=i.enterprise_id"
		       " WHERE i.demand_id=?1 AND (?2 OR e.org_id=?3) ORDER BY i.invited_at, e.uscc",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, demand_id);
	db_bind_bool(st, 2, rfq_is_buyer(a, &d));
	db_bind_int64(st, 3, a->org_id);
	/*
	 * While quotes are sealed, whether an invited supplier has quoted is its own business: the buyer
	 * sees only how many quoted (like the scorecard), so "quoted" is null for other organisations'
	 * invitations until the quotes open (issue 8: a sealed RFQ must not reveal who bid).
	 */
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	bool sealed = !rfq_unsealed(&d, now);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		bool own = a->org_id != 0 && db_col_int64(st, 6) == a->org_id;
		json_t *quoted = sealed && !own ? json_null() : json_boolean(db_col_bool(st, 5));
		json_array_append_new(items, json_pack("{s:o,s:s,s:o}", "enterprise", rfq_enterprise_json(st, 0),
						       "invited_at", db_col_text(st, 4), "quoted", quoted));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:I,s:o}", "demand_id", (json_int_t)demand_id, "items", items);
	return QERR_OK;
}

/* The enterprise with this USCC: id and owner organisation (0 = none). */
static enum qerr find_enterprise(struct db *db, const char *uscc, const char *field, enum qerr missing,
				 int64_t *id, int64_t *org, struct qerror *err)
{
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	if (enterprise_ref_owner(db, canon, id, org, err))
		return err->code;
	if (!*id)
		return enterprise_ref_not_found(err, missing, field, canon);
	return QERR_OK;
}

enum qerr market_invite(struct db *db, const struct actor *a, int64_t demand_id, const json_t *suppliers,
			json_t **out, struct qerror *err)
{
	*out = NULL;
	size_t n = json_array_size(suppliers);
	if (n == 0 || n > RFQ_MAX_INVITES)
		return qerr_set(err, QERR_INVALID, "invalid_suppliers", "suppliers",
				"请列出1至%d家供应商 (suppliers needs 1 to %d USCCs)", RFQ_MAX_INVITES, RFQ_MAX_INVITES);
	if (db_begin_write(db, err))
		return err->code;
	struct rfq_demand d;
	bool readable;
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	if (rfq_demand_load(db, demand_id, &d, err) || rfq_may_read(db, a, &d, &readable, err))
		return fail(db, err);
	if (!readable) {
		qerr_set(err, QERR_NOT_FOUND, "demand_not_found", "id", "需求不存在 (no demand %lld)", (long long)demand_id);
		return fail(db, err);
	}
	if (!rfq_is_buyer(a, &d)) {
		forbidden(err, "invite suppliers to");
		return fail(db, err);
	}
	if (!rfq_quoting_open(&d, now)) {
		if (strcmp(d.status, "open") != 0)
			qerr_set(err, QERR_CONFLICT, "demand_not_open", "status", "需求已%s,不能邀请 (the demand is %s)",
				 d.status, d.status);
		else
			qerr_set(err, QERR_CONFLICT, "quote_deadline_passed", "deadline",
				 "报价已截止 (quoting closed at %s)", d.closed_at[0] ? d.closed_at : d.deadline);
		return fail(db, err);
	}
	json_t *added = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(suppliers, i, item) {
		int64_t eid, org;
		if (find_enterprise(db, json_string_value(item), "suppliers", QERR_INVALID, &eid, &org, err))
			goto out;
		if (eid == d.enterprise_id || (d.owner_org && org == d.owner_org)) {
			qerr_set(err, QERR_INVALID, "own_demand", "suppliers",
				 "不能邀请需求方自己的企业 (%s belongs to the demand's own organisation)",
				 json_string_value(item));
			goto out;
		}
		struct db_stmt *st =
		    db_prepare(db,
			       "INSERT INTO demand_invitations(demand_id,enterprise_id,invited_at) VALUES(?,?,?)"
			       " ON CONFLICT (demand_id,enterprise_id) DO NOTHING",
			       err);
		if (!st)
			goto out;
		db_bind_int64(st, 1, demand_id);
		db_bind_int64(st, 2, eid);
		db_bind_text(st, 3, now);
		if (db_run(st, err))
			goto out;
		if (db_changes(db) == 0) /* already invited */
			continue;
		json_array_append(added, item);
		char title[400];
		snprintf(title, sizeof title, "邀请报价:%s", d.title);
		json_t *detail = json_pack("{s:I,s:s}", "demand_id", (json_int_t)demand_id, "deadline", d.deadline);
		enum qerr rc = inbox_notify(db, eid, "invited", demand_id, title, detail, err);
		json_decref(detail);
		if (rc)
			goto out;
	}
	json_t *detail = json_pack("{s:O}", "invited", added);
	enum qerr rc = rfq_audit(db, a, "demand.invite", "demand", demand_id, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto out;
	json_decref(added);
	return market_invitations(db, a, demand_id, out, err);
out:
	json_decref(added);
	return fail(db, err);
}

/* ---- quotes ---- */

#define QUOTE_COLS                                                                                                     \
	"q.id,q.demand_id,q.unit_price_fen,q.quantity,q.lead_time_days,q.valid_until,q.notes,q.status,q.created_at,"   \
	"q.updated_at,e.uscc,e.name,e.region,e.level,q.supplier_id"

static json_t *quote_row(struct db_stmt *st)
{
	int64_t price = db_col_int64(st, 2), qty = db_col_int64(st, 3), amount = 0;
	json_t *o =
	    json_pack("{s:I,s:I,s:o,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0),
		      "demand_id", (json_int_t)db_col_int64(st, 1), "supplier", rfq_enterprise_json(st, 10),
		      "unit_price_fen", (json_int_t)price, "quantity", (json_int_t)qty, "lead_time_days",
		      (json_int_t)db_col_int64(st, 4), "valid_until", db_col_text(st, 5), "notes", db_col_text(st, 6),
		      "status", db_col_text(st, 7), "created_at", db_col_text(st, 8), "updated_at", db_col_text(st, 9));
	/* Rows were checked on write; a row that overflows anyway (edited by hand) shows null. */
	json_object_set_new(o, "amount_fen", market_amount(qty, price, &amount) ? json_integer(amount) : json_null());
	return o;
}

/* One quote as its supplier sees it. */
static enum qerr quote_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT " QUOTE_COLS " FROM quotes q JOIN enterprises e ON e.id=q.supplier_id WHERE q.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "quote_not_found", "id", "报价不存在 (no quote %lld)", (long long)id);
	if (rc)
		return rc;
	*out = quote_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr market_quotes(struct db *db, const struct actor *a, int64_t demand_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct rfq_demand d;
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	if (rfq_demand_load(db, demand_id, &d, err))
		return err->code;
	bool buyer = rfq_is_buyer(a, &d), sealed = !rfq_unsealed(&d, now), related = buyer;
	if (!related && (rfq_org_invited(db, a, demand_id, &related, err) ||
			 (!related && rfq_org_quoted(db, a, demand_id, &related, err))))
		return err->code;
	/* Anyone who may read the demand (any supplier, for a public one) sees its own quotes: none yet. */
	if (!related)
		related = market_demand_readable(db, a, demand_id);
	if (!related)
		return qerr_set(err, QERR_NOT_FOUND, "demand_not_found", "id", "需求不存在 (no demand %lld)",
				(long long)demand_id);
	json_t *quotes = json_array();
	int64_t count = 0;
	int rc;
	if (buyer) {
		struct db_stmt *st =
		    db_prepare(db, "SELECT count(*) FROM quotes WHERE demand_id=? AND status<>'withdrawn'", err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, demand_id);
		if (db_scalar_int64(st, &count, err))
			goto fail;
	}
	if (!buyer || !sealed) {
		/* The buyer's comparison table is cheapest first; a supplier sees its own in order of submission. */
		struct db_stmt *st =
		    db_prepare(db,
			       "SELECT " QUOTE_COLS " FROM quotes q JOIN enterprises e ON e.id=q.supplier_id"
			       " WHERE q.demand_id=?1 AND (?2 AND q.status<>'withdrawn' OR NOT ?2 AND e.org_id=?3)"
			       " ORDER BY CASE WHEN ?2 THEN q.unit_price_fen ELSE 0 END, q.id",
			       err);
		if (!st)
			goto fail;
		db_bind_int64(st, 1, demand_id);
		db_bind_bool(st, 2, buyer);
		db_bind_int64(st, 3, a->org_id);
		while ((rc = db_step(st, err)) == DB_ROW)
			json_array_append_new(quotes, quote_row(st));
		db_reset(st);
		if (rc < 0)
			goto fail;
		if (!buyer)
			count = (int64_t)json_array_size(quotes);
	}
	if (buyer) {
		/* Scorecards after the rows are read: market_scorecard uses statements of its own. */
		size_t i;
		json_t *q;
		json_array_foreach(quotes, i, q) {
			const char *uscc = json_string_value(json_object_get(json_object_get(q, "supplier"), "uscc"));
			int64_t eid, org;
			struct market_scorecard sc;
			if (find_enterprise(db, uscc, "supplier", QERR_NOT_FOUND, &eid, &org, err) ||
			    market_scorecard(db, eid, &sc, err))
				goto fail;
			json_object_set_new(q, "scorecard", market_scorecard_json(&sc));
		}
	}
	*out = json_pack("{s:I,s:b,s:s,s:I,s:o}", "demand_id", (json_int_t)demand_id, "sealed", sealed, "view",
			 buyer ? "buyer" : "supplier", "count", (json_int_t)count, "quotes", quotes);
	json_object_set_new(*out, "deadline", d.deadline[0] ? json_string(d.deadline) : json_null());
	json_object_set_new(*out, "closed_at", d.closed_at[0] ? json_string(d.closed_at) : json_null());
	return QERR_OK;
fail:
	json_decref(quotes);
	return err->code ? err->code : QERR_INTERNAL;
}

static enum qerr deadline_passed(const struct rfq_demand *d, struct qerror *err)
{
	if (strcmp(d->status, "open") != 0)
		return qerr_set(err, QERR_CONFLICT, "quote_deadline_passed", "status",
				"需求已%s,报价不能再提交或修改 (the demand is %s: quotes can no longer change)", d->status,
				d->status);
	return qerr_set(err, QERR_CONFLICT, "quote_deadline_passed", "deadline",
			"报价已于 %s 截止 (quoting closed at %s)", d->closed_at[0] ? d->closed_at : d->deadline,
			d->closed_at[0] ? d->closed_at : d->deadline);
}

/* The quote's values after applying body over the current ones; checks amount and validity. */
struct quote_values {
	int64_t price, qty, lead;
	char valid_until[RFQ_TIME_LEN];
	const char *notes;
};

static enum qerr check_values(const json_t *body, struct quote_values *v, const char *now, struct qerror *err)
{
	v->price = json_int(body, "unit_price_fen", v->price);
	v->qty = json_int(body, "quantity", v->qty);
	v->lead = json_int(body, "lead_time_days", v->lead);
	v->notes = json_str(body, "notes", v->notes);
	const char *vu = json_str(body, "valid_until", NULL);
	if (vu) {
		if (rfq_parse_time(vu, "valid_until", v->valid_until, err))
			return err->code;
		if (strcmp(v->valid_until, now) < 0)
			return qerr_set(err, QERR_INVALID, "invalid_time", "valid_until",
					"报价有效期已过 (valid_until %s is in the past)", v->valid_until);
	}
	/* The product first: it is what overflows, whichever factor is too large. */
	int64_t amount;
	if (!market_amount(v->qty, v->price, &amount))
		return qerr_set(err, QERR_INVALID, "amount_overflow", "quantity",
				"数量×单价超出范围,上限 %lld 分 (quantity × unit_price_fen does not fit in 64 bits; "
				"the limit is %lld fen)",
				(long long)MARKET_MAX_AMOUNT_FEN, (long long)MARKET_MAX_AMOUNT_FEN);
	if (v->price > MARKET_MAX_UNIT_PRICE_FEN)
		return qerr_set(err, QERR_INVALID, "out_of_range", "unit_price_fen",
				"单价不得超过 %lld 分(1000亿元) (unit_price_fen must be at most %lld fen)",
				(long long)MARKET_MAX_UNIT_PRICE_FEN, (long long)MARKET_MAX_UNIT_PRICE_FEN);
	if (v->qty > MARKET_MAX_QUANTITY)
		return qerr_set(err, QERR_INVALID, "out_of_range", "quantity",
				"数量不得超过 %lld (quantity must be at most %lld)", (long long)MARKET_MAX_QUANTITY,
				(long long)MARKET_MAX_QUANTITY);
	if (amount > MARKET_MAX_AMOUNT_FEN)
		return qerr_set(err, QERR_INVALID, "amount_too_large", "quantity",
				"报价金额(数量×单价)不得超过 %lld 分(1000亿元) (quantity × unit_price_fen must be at "
				"most %lld fen)",
				(long long)MARKET_MAX_AMOUNT_FEN, (long long)MARKET_MAX_AMOUNT_FEN);
	if (v->notes && util_utf8_len(v->notes) > 2000)
		return qerr_set(err, QERR_INVALID, "too_long", "notes", "notes must have at most 2000 characters");
	return QERR_OK;
}

/* Tells the buyer a quote came (or changed); the one 'quote' row per demand becomes unread again. */
static enum qerr notify_buyer(struct db *db, const struct rfq_demand *d, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM quotes WHERE demand_id=? AND status='submitted'", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, d->id);
	int64_t n;
	if (db_scalar_int64(st, &n, err))
		return err->code;
	char title[400];
	snprintf(title, sizeof title, "%s:已收到%lld份报价(截止后可见)", d->title, (long long)n);
	json_t *detail = json_pack("{s:I,s:I}", "demand_id", (json_int_t)d->id, "count", (json_int_t)n);
	enum qerr rc = inbox_renotify(db, d->enterprise_id, "quote", d->id, title, detail, err);
	json_decref(detail);
	return rc;
}

enum qerr market_quote_submit(struct db *db, const struct actor *a, int64_t demand_id, const json_t *body,
			      const struct idempotency *idem, json_t **out, struct qerror *err)
{
	*out = NULL;
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	struct quote_values v = {0};
	if (check_values(body, &v, now, err))
		return err->code;
	/*
	 * PostgreSQL (serialisable): every quote renotifies its buyer, and concurrent quotes to one
	 * buyer (on any of its demands) read and write the same stretch of that buyer's notifications,
	 * so they would abort each other. They queue for the buyer's inbox instead (db_hot), named
	 * from the demand read just before the transaction (which re-reads it); quotes to other
	 * buyers run side by side.
	 */
	if (db_is_pg(db)) {
		struct db_stmt *st = db_prepare(db, "SELECT enterprise_id FROM demands WHERE id=?", err);
		int64_t buyer = 0;
		if (!st)
			return err->code;
		db_bind_int64(st, 1, demand_id);
		if (db_scalar_int64(st, &buyer, err) == QERR_OK) {
			char name[48];
			snprintf(name, sizeof name, "inbox:%lld", (long long)buyer);
			db_hot(db, name);
		}
		qerr_clear(err); /* no such demand: the transaction says so */
	}
	if (db_begin_write(db, err))
		return err->code;
	if (idem) {
		bool replay = false;
		int status = 0;
		if (idempotency_claim(db, a->org_id, idem, &replay, &status, out, err))
			return fail(db, err);
		if (replay) {
			/* The first request's quote (perhaps changed since: the answer is the one that was given). */
			db_rollback(db);
			return QERR_OK;
		}
	}
	struct rfq_demand d;
	bool readable;
	int64_t eid, org;
	if (rfq_demand_load(db, demand_id, &d, err) || rfq_may_read(db, a, &d, &readable, err))
		return fail(db, err);
	if (!readable) {
		qerr_set(err, QERR_NOT_FOUND, "demand_not_found", "id", "需求不存在 (no demand %lld)", (long long)demand_id);
		return fail(db, err);
	}
	if (find_enterprise(db, json_str(body, "enterprise", ""), "enterprise", QERR_INVALID, &eid, &org, err))
		return fail(db, err);
	if (!enterprise_may_write(a, org)) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", "enterprise",
			 "只能以本组织的企业报价 (you may quote only for an enterprise of your organisation)");
		return fail(db, err);
	}
	if (eid == d.enterprise_id || (d.owner_org && org == d.owner_org)) {
		qerr_set(err, QERR_INVALID, "own_demand", "enterprise",
			 "不能对本组织的需求报价 (an enterprise cannot quote on its own organisation's demand)");
		return fail(db, err);
	}
	if (strcmp(d.visibility, "invited") == 0) {
		struct db_stmt *st =
		    db_prepare(db, "SELECT 1 FROM demand_invitations WHERE demand_id=? AND enterprise_id=?", err);
		if (!st)
			return fail(db, err);
		db_bind_int64(st, 1, demand_id);
		db_bind_int64(st, 2, eid);
		enum qerr rc = db_one(st, err);
		if (rc == QERR_NOT_FOUND)
			qerr_set(err, QERR_FORBIDDEN, "not_invited", "enterprise",
				 "该需求仅限受邀供应商报价 (this demand takes quotes from invited suppliers only)");
		else if (!rc)
			db_reset(st);
		if (rc)
			return fail(db, err);
	}
	if (!rfq_quoting_open(&d, now)) {
		deadline_passed(&d, err);
		return fail(db, err);
	}
	struct db_stmt *st = db_prepare(db, "SELECT id,status FROM quotes WHERE demand_id=? AND supplier_id=?", err);
	if (!st)
		return fail(db, err);
	db_bind_int64(st, 1, demand_id);
	db_bind_int64(st, 2, eid);
	int rc = db_step(st, err);
	if (rc < 0)
		return fail(db, err);
	int64_t id = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	bool withdrawn = rc == DB_ROW && strcmp(db_col_text(st, 1), "withdrawn") == 0;
	db_reset(st);
	if (id && !withdrawn) {
		qerr_set(err, QERR_CONFLICT, "quote_exists", "enterprise",
			 "该企业已报价,请修改原报价 (this enterprise already quoted: change quote %lld with PATCH)",
			 (long long)id);
		return fail(db, err);
	}
	if (id)
		st = db_prepare(
		    db,
		    "UPDATE quotes SET unit_price_fen=?3,quantity=?4,lead_time_days=?5,valid_until=?6,notes=?7,"
		    "status='submitted',updated_at=?8 WHERE id=?9 AND demand_id=?1 AND supplier_id=?2",
		    err);
	else
		st = db_prepare(
		    db,
		    "INSERT INTO quotes(demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,notes,"
		    "status,created_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,'submitted',?8,?8) RETURNING id",
		    err);
	if (!st)
		return fail(db, err);
	db_bind_int64(st, 1, demand_id);
	db_bind_int64(st, 2, eid);
	db_bind_int64(st, 3, v.price);
	db_bind_int64(st, 4, v.qty);
	db_bind_int64(st, 5, v.lead);
	db_bind_text(st, 6, v.valid_until);
	db_bind_text(st, 7, v.notes ? v.notes : "");
	db_bind_text(st, 8, now);
	if (id) {
		db_bind_int64(st, 9, id);
		if (db_run(st, err))
			return fail(db, err);
	} else if (db_scalar_int64(st, &id, err)) {
		return fail(db, err);
	}
	json_t *detail = json_pack("{s:I,s:s,s:I,s:I}", "demand_id", (json_int_t)demand_id, "enterprise",
				   json_str(body, "enterprise", ""), "unit_price_fen", (json_int_t)v.price, "quantity",
				   (json_int_t)v.qty);
	rc = rfq_audit(db, a, "quote.submit", "quote", id, detail, err);
	json_decref(detail);
	if (rc || notify_buyer(db, &d, err))
		return fail(db, err);
	if (idem) {
		/* The answer is stored with the quote, so a retry after a crash gets it instead of quote_exists. */
		if (quote_json(db, id, out, err) || idempotency_store(db, a->org_id, idem, 201, *out, err) ||
		    db_commit(db, err)) {
			json_decref(*out);
			*out = NULL;
			return fail(db, err);
		}
		return QERR_OK;
	}
	if (db_commit(db, err))
		return fail(db, err);
	return quote_json(db, id, out, err);
}

/*
 * Starts a write on a quote: loads it and its demand, checks the actor is
 * the quoting organisation and that quoting is open and the quote submitted.
 */
static enum qerr begin_quote_write(struct db *db, const struct actor *a, int64_t quote_id, struct quote_values *v,
				   struct rfq_demand *d, char **notes, const char *now, struct qerror *err)
{
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT q.demand_id,e.org_id,q.status,q.unit_price_fen,q.quantity,q.lead_time_days,"
		       "q.valid_until,q.notes FROM quotes q JOIN enterprises e ON e.id=q.supplier_id WHERE q.id=?",
		       err);
	if (!st)
		return fail(db, err);
	db_bind_int64(st, 1, quote_id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		qerr_set(err, QERR_NOT_FOUND, "quote_not_found", "id", "报价不存在 (no quote %lld)", (long long)quote_id);
	if (rc)
		return fail(db, err);
	int64_t demand_id = db_col_int64(st, 0), org = db_col_int64(st, 1);
	char status[16];
	snprintf(status, sizeof status, "%s", db_col_text(st, 2));
	v->price = db_col_int64(st, 3);
	v->qty = db_col_int64(st, 4);
	v->lead = db_col_int64(st, 5);
	snprintf(v->valid_until, sizeof v->valid_until, "%s", db_col_text(st, 6));
	*notes = strdup(db_col_text(st, 7));
	v->notes = *notes;
	db_reset(st);
	if (rfq_demand_load(db, demand_id, d, err))
		return fail(db, err);
	if (!enterprise_may_write(a, org)) {
		/* The buyer may know the quote (unsealed): 403; to anyone else it does not exist. */
		if (rfq_is_buyer(a, d) && rfq_unsealed(d, now))
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有报价方可以修改或撤回报价 (only the quoting organisation may change a quote)");
		else
			qerr_set(err, QERR_NOT_FOUND, "quote_not_found", "id", "报价不存在 (no quote %lld)",
				 (long long)quote_id);
		return fail(db, err);
	}
	if (!rfq_quoting_open(d, now)) {
		deadline_passed(d, err);
		return fail(db, err);
	}
	if (strcmp(status, "submitted") != 0) {
		qerr_set(err, QERR_CONFLICT, "quote_not_submitted", "status", "报价已%s (the quote is %s)", status, status);
		return fail(db, err);
	}
	return QERR_OK;
}

static enum qerr quote_write(struct db *db, const struct actor *a, int64_t quote_id, const json_t *body,
			     json_t **out, struct qerror *err)
{
	*out = NULL;
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	struct quote_values v;
	struct rfq_demand d;
	char *notes = NULL;
	if (begin_quote_write(db, a, quote_id, &v, &d, &notes, now, err)) {
		free(notes);
		return err->code;
	}
	enum qerr rc = QERR_OK;
	struct db_stmt *st;
	if (body) {
		if (check_values(body, &v, now, err))
			goto out;
		st = db_prepare(
		    db,
		    "UPDATE quotes SET unit_price_fen=?2,quantity=?3,lead_time_days=?4,valid_until=?5,notes=?6,"
		    "updated_at=?7 WHERE id=?1",
		    err);
		if (!st)
			goto out;
		db_bind_int64(st, 2, v.price);
		db_bind_int64(st, 3, v.qty);
		db_bind_int64(st, 4, v.lead);
		db_bind_text(st, 5, v.valid_until);
		db_bind_text(st, 6, v.notes);
		db_bind_text(st, 7, now);
	} else {
		st = db_prepare(db, "UPDATE quotes SET status='withdrawn',updated_at=?2 WHERE id=?1", err);
		if (!st)
			goto out;
		db_bind_text(st, 2, now);
	}
	db_bind_int64(st, 1, quote_id);
	if (db_run(st, err))
		goto out;
	if (rfq_audit(db, a, body ? "quote.update" : "quote.withdraw", "quote", quote_id, body, err) ||
	    notify_buyer(db, &d, err) || db_commit(db, err))
		goto out;
	free(notes);
	return quote_json(db, quote_id, out, err);
out:
	free(notes);
	rc = err->code ? err->code : QERR_INTERNAL;
	db_rollback(db);
	return rc;
}

enum qerr market_quote_update(struct db *db, const struct actor *a, int64_t quote_id, const json_t *body,
			      json_t **out, struct qerror *err)
{
	return quote_write(db, a, quote_id, body, out, err);
}

enum qerr market_quote_withdraw(struct db *db, const struct actor *a, int64_t quote_id, json_t **out,
				struct qerror *err)
{
	return quote_write(db, a, quote_id, NULL, out, err);
}

/* ---- close and award ---- */

static json_t *demand_brief(const struct rfq_demand *d, const char *now)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)d->id, "title", d->title, "status", d->status,
			      "visibility", d->visibility, "sealed", !rfq_unsealed(d, now));
	json_object_set_new(o, "deadline", d->deadline[0] ? json_string(d->deadline) : json_null());
	json_object_set_new(o, "closed_at", d->closed_at[0] ? json_string(d->closed_at) : json_null());
	return o;
}

/* Starts a buyer's write on a demand: loaded, readable, owned. */
static enum qerr begin_buyer_write(struct db *db, const struct actor *a, int64_t demand_id, const char *what,
				   struct rfq_demand *d, struct qerror *err)
{
	db_hot(db, "demands"); /* the status change stamps the demands counter */
	if (db_begin_write(db, err))
		return err->code;
	bool readable;
	if (rfq_demand_load(db, demand_id, d, err) || rfq_may_read(db, a, d, &readable, err))
		return fail(db, err);
	if (!readable) {
		qerr_set(err, QERR_NOT_FOUND, "demand_not_found", "id", "需求不存在 (no demand %lld)", (long long)demand_id);
		return fail(db, err);
	}
	if (!rfq_is_buyer(a, d)) {
		forbidden(err, what);
		return fail(db, err);
	}
	return QERR_OK;
}

enum qerr market_demand_close(struct db *db, const struct actor *a, int64_t demand_id, json_t **out,
			      struct qerror *err)
{
	*out = NULL;
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	struct rfq_demand d;
	if (begin_buyer_write(db, a, demand_id, "close", &d, err))
		return err->code;
	if (strcmp(d.status, "open") != 0) {
		qerr_set(err, QERR_CONFLICT, "demand_not_open", "status", "需求已%s (the demand is %s, not open)", d.status,
			 d.status);
		return fail(db, err);
	}
	if (rfq_demand_set_status(db, demand_id, "closed", now, now, err) ||
	    rfq_audit(db, a, "demand.close", "demand", demand_id, NULL, err) || db_commit(db, err))
		return fail(db, err);
	snprintf(d.status, sizeof d.status, "closed");
	snprintf(d.closed_at, sizeof d.closed_at, "%s", now);
	*out = demand_brief(&d, now);
	return QERR_OK;
}

/* Turns awarded quote id into an order; *order_id is the new order. */
static enum qerr place_order(struct db *db, const struct actor *a, const struct rfq_demand *d, int64_t quote_id,
			     const char *now, int64_t *order_id, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT supplier_id,quantity,unit_price_fen,lead_time_days,status,valid_until FROM quotes"
		       " WHERE id=? AND demand_id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, quote_id);
	db_bind_int64(st, 2, d->id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_INVALID, "quote_not_found", "quotes",
				"报价 %lld 不属于该需求 (quote %lld is not a quote on this demand)", (long long)quote_id,
				(long long)quote_id);
	if (rc)
		return rc;
	int64_t supplier = db_col_int64(st, 0), qty = db_col_int64(st, 1), price = db_col_int64(st, 2),
		lead = db_col_int64(st, 3), amount;
	bool submitted = strcmp(db_col_text(st, 4), "submitted") == 0;
	bool expired = strcmp(db_col_text(st, 5), now) < 0;
	char status[16];
	snprintf(status, sizeof status, "%s", db_col_text(st, 4));
	db_reset(st);
	if (!submitted)
		return qerr_set(err, QERR_CONFLICT, "quote_not_submitted", "quotes", "报价 %lld 已%s (quote %lld is %s)",
				(long long)quote_id, status, (long long)quote_id, status);
	if (expired)
		return qerr_set(err, QERR_CONFLICT, "quote_expired", "quotes", "报价 %lld 已过有效期 (quote %lld expired)",
				(long long)quote_id, (long long)quote_id);
	/* Quotes stored before the limits existed may exceed them: no order is placed beyond them. */
	if (!market_amount(qty, price, &amount) || amount > MARKET_MAX_AMOUNT_FEN)
		return qerr_set(
		    err, QERR_INVALID, "amount_overflow", "quotes",
		    "报价 %lld 的金额超过上限 %lld 分 (quote %lld: quantity × unit_price_fen exceeds %lld fen)",
		    (long long)quote_id, (long long)MARKET_MAX_AMOUNT_FEN, (long long)quote_id,
		    (long long)MARKET_MAX_AMOUNT_FEN);
	char due[RFQ_TIME_LEN];
	rfq_format_time(util_now_unix() + lead * 86400, due);
	st = db_prepare(db, "UPDATE quotes SET status='awarded',updated_at=? WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, now);
	db_bind_int64(st, 2, quote_id);
	if (db_run(st, err))
		return err->code;
	st = db_prepare(
	    db,
	    "INSERT INTO orders(quote_id,demand_id,buyer_id,supplier_id,quantity,unit_price_fen,amount_fen,status,"
	    "placed_at,due_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,'placed',?8,?9,?8) RETURNING id",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, quote_id);
	db_bind_int64(st, 2, d->id);
	db_bind_int64(st, 3, d->enterprise_id);
	db_bind_int64(st, 4, supplier);
	db_bind_int64(st, 5, qty);
	db_bind_int64(st, 6, price);
	db_bind_int64(st, 7, amount);
	db_bind_text(st, 8, now);
	db_bind_text(st, 9, due);
	if (db_scalar_int64(st, order_id, err))
		return err->code;
	st = db_prepare(
	    db,
	    "INSERT INTO order_events(order_id,at,from_status,to_status,org_id,note) VALUES(?,?,NULL,'placed',?,'')",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, *order_id);
	db_bind_text(st, 2, now);
	db_bind_opt_int64(st, 3, a->org_id != 0, a->org_id);
	if (db_run(st, err) || db_touch(db, "orders", err))
		return err->code;
	char title[400];
	snprintf(title, sizeof title, "中标:%s(订单 %lld)", d->title, (long long)*order_id);
	json_t *detail = json_pack("{s:I,s:I,s:I,s:s}", "demand_id", (json_int_t)d->id, "quote_id", (json_int_t)quote_id,
				   "amount_fen", (json_int_t)amount, "due_at", due);
	enum qerr r = inbox_notify(db, supplier, "awarded", *order_id, title, detail, err);
	json_decref(detail);
	return r;
}

enum qerr market_award(struct db *db, const struct actor *a, int64_t demand_id, const json_t *quote_ids,
		       json_t **out, struct qerror *err)
{
	*out = NULL;
	size_t n = json_array_size(quote_ids);
	if (!json_is_array(quote_ids) || n == 0 || n > RFQ_MAX_AWARDS)
		return qerr_set(err, QERR_INVALID, "invalid_quotes", "quotes",
				"请列出1至%d个报价编号 (quotes needs 1 to %d quote ids)", RFQ_MAX_AWARDS, RFQ_MAX_AWARDS);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(quote_ids, i);
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return qerr_set(err, QERR_INVALID, "wrong_type", "quotes", "quotes must be an array of quote ids");
		for (size_t j = 0; j < i; j++)
			if (json_integer_value(json_array_get(quote_ids, j)) == json_integer_value(v))
				return qerr_set(err, QERR_INVALID, "duplicate_quote", "quotes", "quote %lld is listed twice",
						(long long)json_integer_value(v));
	}
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	struct rfq_demand d;
	db_hot(db, "orders"); /* the orders it places bump their counter (begin_buyer_write names demands) */
	if (begin_buyer_write(db, a, demand_id, "award", &d, err))
		return err->code;
	if (strcmp(d.status, "open") != 0 && strcmp(d.status, "closed") != 0) {
		qerr_set(err, QERR_CONFLICT, "demand_not_open", "status", "需求已%s (the demand is %s)", d.status, d.status);
		return fail(db, err);
	}
	if (!rfq_unsealed(&d, now)) {
		qerr_set(err, QERR_CONFLICT, "quotes_sealed", "deadline",
			 "报价截止前不能授标,可先提前截止 (quotes are sealed until %s: close the demand early to award now)",
			 d.deadline[0] ? d.deadline : "the demand is closed");
		return fail(db, err);
	}
	json_t *orders = json_array();
	for (size_t i = 0; i < n; i++) {
		int64_t order_id = 0;
		if (place_order(db, a, &d, json_integer_value(json_array_get(quote_ids, i)), now, &order_id, err))
			goto out;
		json_array_append_new(orders, json_integer(order_id));
	}
	struct db_stmt *st = db_prepare(
	    db, "UPDATE quotes SET status='declined',updated_at=? WHERE demand_id=? AND status='submitted'", err);
	if (!st)
		goto out;
	db_bind_text(st, 1, now);
	db_bind_int64(st, 2, demand_id);
	if (db_run(st, err) || rfq_demand_set_status(db, demand_id, "awarded", NULL, now, err))
		goto out;
	json_t *detail = json_pack("{s:O,s:O}", "quotes", quote_ids, "orders", orders);
	enum qerr rc = rfq_audit(db, a, "demand.award", "demand", demand_id, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto out;
	snprintf(d.status, sizeof d.status, "awarded");
	json_t *list = json_array();
	for (size_t i = 0; i < json_array_size(orders); i++) {
		json_t *o;
		if (market_order_get(db, a, json_integer_value(json_array_get(orders, i)), &o, err)) {
			json_decref(list);
			json_decref(orders);
			return err->code;
		}
		json_array_append_new(list, o);
	}
	json_decref(orders);
	*out = json_pack("{s:o,s:o}", "demand", demand_brief(&d, now), "orders", list);
	return QERR_OK;
out:
	json_decref(orders);
	return fail(db, err);
}
