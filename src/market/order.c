/*
 * order.c - orders placed by awards (rfq.c), their state machine, their
 * tracking events, and the supplier scorecard computed from them.
 *
 *     placed --ship--> shipped --deliver--> delivered --accept--> accepted
 *                                                     \--reject--> rejected (with a reason)
 *
 * ship and deliver are the supplier's steps, accept and reject the
 * buyer's; the operator may take either side's step. Each step is recorded
 * in order_events and tells the other side through its inbox: an order has
 * one 'order' notification per enterprise (UNIQUE in the schema), which
 * every later step makes unread again with the newest title.
 */
#include "market/rfq.h"

#include <string.h>
#include "base/money.h"
#include "base/util.h"
#include "market/rfq_int.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"

const char *const market_order_action_names[] = {"ship", "deliver", "accept", "reject", NULL};

static const struct {
	unsigned party;
	const char *from, *to;
	const char *zh;
} transitions[ORDER_ACTION_COUNT] = {
	[ORDER_SHIP] = {PARTY_SUPPLIER, "placed", "shipped", "发货"},
	[ORDER_DELIVER] = {PARTY_SUPPLIER, "shipped", "delivered", "送达"},
	[ORDER_ACCEPT] = {PARTY_BUYER, "delivered", "accepted", "验收"},
	[ORDER_REJECT] = {PARTY_BUYER, "delivered", "rejected", "拒收"},
};

enum qerr market_order_check(const char *from, enum market_order_action action, unsigned party, const char **to,
			     struct qerror *err)
{
	*to = NULL;
	if ((unsigned)action >= ORDER_ACTION_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_action", "action", "unknown order action");
	if (!(party & transitions[action].party))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有%s组织可以%s (only the %s's organisation may %s an order)",
				transitions[action].party == PARTY_SUPPLIER ? "供应方" : "采购方", transitions[action].zh,
				transitions[action].party == PARTY_SUPPLIER ? "supplier" : "buyer",
				market_order_action_names[action]);
	if (!from || strcmp(from, transitions[action].from) != 0)
		return qerr_set(err, QERR_CONFLICT, "illegal_transition", "status",
				"订单状态为 %s,不能%s (illegal transition: %s -> %s; %s needs an order that is %s)",
				from ? from : "?", transitions[action].zh, from ? from : "?", transitions[action].to,
				market_order_action_names[action], transitions[action].from);
	*to = transitions[action].to;
	return QERR_OK;
}

#define ORDER_COLS                                                                                                     \
	"o.id,o.quote_id,o.demand_id,d.title,o.quantity,o.unit_price_fen,o.amount_fen,o.status,o.reject_reason,"       \
	"o.placed_at,o.due_at,o.shipped_at,o.delivered_at,o.closed_at,o.updated_at,"                                   \
	"b.uscc,b.name,b.region,b.level,s.uscc,s.name,s.region,s.level,b.org_id,s.org_id,o.buyer_id,o.supplier_id"
#define ORDER_FROM                                                                                                     \
	" FROM orders o JOIN demands d ON d.id=o.demand_id JOIN enterprises b ON b.id=o.buyer_id"                      \
	" JOIN enterprises s ON s.id=o.supplier_id"

static json_t *order_row(struct db_stmt *st)
{
	json_t *o = json_pack("{s:I,s:I,s:{s:I,s:s},s:o,s:o,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "id",
			      (json_int_t)db_col_int64(st, 0), "quote_id", (json_int_t)db_col_int64(st, 1), "demand",
			      "id", (json_int_t)db_col_int64(st, 2), "title", db_col_text(st, 3), "buyer",
			      rfq_enterprise_json(st, 15), "supplier", rfq_enterprise_json(st, 19), "quantity",
			      (json_int_t)db_col_int64(st, 4), "unit_price_fen", (json_int_t)db_col_int64(st, 5),
			      "amount_fen", (json_int_t)db_col_int64(st, 6), "status", db_col_text(st, 7), "placed_at",
			      db_col_text(st, 9), "due_at", db_col_text(st, 10), "updated_at", db_col_text(st, 14));
	json_object_set_new(o, "reject_reason", db_col_json_text(st, 8));
	json_object_set_new(o, "shipped_at", db_col_json_text(st, 11));
	json_object_set_new(o, "delivered_at", db_col_json_text(st, 12));
	json_object_set_new(o, "closed_at", db_col_json_text(st, 13));
	json_object_set_new(
	    o, "on_time",
	    db_col_is_null(st, 12) ? json_null() : json_boolean(strcmp(db_col_text(st, 12), db_col_text(st, 10)) <= 0));
	return o;
}

/* The actor's side(s) of an order whose buyer and supplier belong to these organisations. */
static unsigned order_party(const struct actor *a, int64_t buyer_org, int64_t supplier_org)
{
	if (a->org_type == ORG_OPERATOR)
		return PARTY_BOTH;
	return (enterprise_may_write(a, buyer_org) ? PARTY_BUYER : 0u) |
	       (enterprise_may_write(a, supplier_org) ? PARTY_SUPPLIER : 0u);
}

static const char *const order_statuses[] = {"placed", "shipped", "delivered", "accepted", "rejected", NULL};

enum qerr market_order_list(struct db *db, const struct actor *a, const struct market_order_filter *f,
			    json_t **out, struct qerror *err)
{
	*out = NULL;
	int role = 0;
	if (f->role && *f->role) {
		if (strcmp(f->role, "buyer") == 0)
			role = 1;
		else if (strcmp(f->role, "supplier") == 0)
			role = 2;
		else
			return qerr_set(err, QERR_INVALID, "invalid_choice", "role", "role must be buyer or supplier");
	}
	const char *status = NULL;
	if (f->status && *f->status) {
		for (int i = 0; order_statuses[i]; i++)
			if (strcmp(f->status, order_statuses[i]) == 0)
				status = order_statuses[i];
		if (!status)
			return qerr_set(err, QERR_INVALID, "invalid_choice", "status",
					"status must be placed, shipped, delivered, accepted or rejected");
	}
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT " ORDER_COLS ORDER_FROM " WHERE (?1=0 OR o.id<?1) AND (?2 IS NULL OR o.status=?2)"
		       " AND (?3 OR (?4<>2 AND b.org_id=?5) OR (?4<>1 AND s.org_id=?5))"
		       " ORDER BY o.id DESC LIMIT ?6",
		       err);
	if (!st)
		return err->code;
	bool acts = a->org_type == ORG_LARGE || a->org_type == ORG_SME;
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	db_bind_int64(st, 1, f->cursor);
	db_bind_text(st, 2, status);
	db_bind_bool(st, 3, a->org_type == ORG_OPERATOR);
	db_bind_int(st, 4, role);
	db_bind_int64(st, 5, acts ? a->org_id : -1);
	db_bind_int(st, 6, limit + 1);
	return db_page(st, limit, order_row, out, err);
}

/* Positions *st on the order row; DB_ROW, DB_DONE or -1. */
static int load_order(struct db *db, int64_t id, struct db_stmt **st, struct qerror *err)
{
	*st = db_prepare(db, "SELECT " ORDER_COLS ORDER_FROM " WHERE o.id=?", err);
	if (!*st)
		return -1;
	db_bind_int64(*st, 1, id);
	return db_step(*st, err);
}

static enum qerr order_not_found(int64_t id, struct qerror *err)
{
	return qerr_set(err, QERR_NOT_FOUND, "order_not_found", "id", "订单不存在 (no order %lld)", (long long)id);
}

enum qerr market_order_get(struct db *db, const struct actor *a, int64_t order_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st;
	int rc = load_order(db, order_id, &st, err);
	if (rc < 0)
		return err->code;
	if (rc != DB_ROW || !order_party(a, db_col_int64(st, 23), db_col_int64(st, 24))) {
		if (rc == DB_ROW)
			db_reset(st);
		return order_not_found(order_id, err);
	}
	json_t *o = order_row(st);
	db_reset(st);
	st = db_prepare(
	    db, "SELECT at,from_status,to_status,org_id,note FROM order_events WHERE order_id=? ORDER BY id", err);
	if (!st) {
		json_decref(o);
		return err->code;
	}
	db_bind_int64(st, 1, order_id);
	json_t *events = json_array();
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *e = json_pack("{s:s,s:o,s:s,s:s}", "at", db_col_text(st, 0), "from", db_col_json_text(st, 1),
				      "to", db_col_text(st, 2), "note", db_col_text(st, 4));
		json_object_set_new(e, "org_id", db_col_json_int(st, 3));
		json_array_append_new(events, e);
	}
	db_reset(st);
	json_object_set_new(o, "events", events);
	if (rc < 0) {
		json_decref(o);
		return err->code;
	}
	*out = o;
	return QERR_OK;
}

enum qerr market_order_act(struct db *db, const struct actor *a, int64_t order_id, enum market_order_action action,
			   const char *reason, json_t **out, struct qerror *err)
{
	*out = NULL;
	if ((unsigned)action >= ORDER_ACTION_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_action", "action", "unknown order action");
	if (action == ORDER_REJECT) {
		if (!reason || !*reason)
			return qerr_set(err, QERR_INVALID, "reason_required", "reason", "拒收须说明原因 (a rejection needs a reason)");
		if (util_utf8_len(reason) > 1000)
			return qerr_set(err, QERR_INVALID, "too_long", "reason", "reason must have at most 1000 characters");
	} else {
		reason = NULL;
	}
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	db_hot(db, "orders");
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st;
	int rc = load_order(db, order_id, &st, err);
	if (rc < 0)
		goto fail;
	unsigned party = rc == DB_ROW ? order_party(a, db_col_int64(st, 23), db_col_int64(st, 24)) : 0;
	if (!party) {
		if (rc == DB_ROW)
			db_reset(st);
		order_not_found(order_id, err);
		goto fail;
	}
	char from[16], title[400];
	snprintf(from, sizeof from, "%s", db_col_text(st, 7));
	int64_t buyer = db_col_int64(st, 25), supplier = db_col_int64(st, 26);
	const char *to;
	if (market_order_check(from, action, party, &to, err)) {
		db_reset(st);
		goto fail;
	}
	snprintf(title, sizeof title, "订单 %lld 已%s:%s", (long long)order_id, transitions[action].zh,
		 db_col_text(st, 3));
	db_reset(st);
	st = db_prepare(db,
			"UPDATE orders SET status=?2, updated_at=?3,"
			" shipped_at=CASE WHEN ?2='shipped' THEN ?3 ELSE shipped_at END,"
			" delivered_at=CASE WHEN ?2='delivered' THEN ?3 ELSE delivered_at END,"
			" closed_at=CASE WHEN ?2='accepted' OR ?2='rejected' THEN ?3 ELSE closed_at END,"
			" reject_reason=COALESCE(?4,reject_reason) WHERE id=?1 AND status=?5",
			err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, order_id);
	db_bind_text(st, 2, to);
	db_bind_text(st, 3, now);
	db_bind_text(st, 4, reason);
	db_bind_text(st, 5, from);
	if (db_run(st, err))
		goto fail;
	st = db_prepare(
	    db, "INSERT INTO order_events(order_id,at,from_status,to_status,org_id,note) VALUES(?,?,?,?,?,?)", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, order_id);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	db_bind_opt_int64(st, 5, a->org_id != 0, a->org_id);
	db_bind_text(st, 6, reason ? reason : "");
	/* "orders" moves the suppliers' scorecards, which the match index ranks by */
	if (db_run(st, err) || db_touch(db, "orders", err))
		goto fail;
	json_t *detail = json_pack("{s:s,s:s}", "from", from, "to", to);
	if (reason)
		json_object_set_new(detail, "reason", json_string(reason));
	char action_name[32];
	snprintf(action_name, sizeof action_name, "order.%s", market_order_action_names[action]);
	/* The other side hears of it: the buyer of the supplier's steps, the supplier of the buyer's. */
	int64_t other = transitions[action].party == PARTY_SUPPLIER ? buyer : supplier;
	enum qerr r = rfq_audit(db, a, action_name, "order", order_id, detail, err);
	if (!r)
		r = inbox_renotify(db, other, "order", order_id, title, detail, err);
	json_decref(detail);
	if (r || db_commit(db, err))
		goto fail;
	return market_order_get(db, a, order_id, out, err);
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

/* ---- scorecard ---- */

enum qerr market_scorecard(struct db *db, int64_t enterprise_id, struct market_scorecard *out, struct qerror *err)
{
	memset(out, 0, sizeof *out);
	out->on_time_rate = out->acceptance_rate = -1;
	struct db_stmt *st = db_prepare(db,
					"SELECT count(*),"
					" coalesce(sum(CASE WHEN status='placed' OR status='shipped' THEN 1 ELSE 0 END),0),"
					" coalesce(sum(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END),0),"
					" coalesce(sum(CASE WHEN delivered_at IS NOT NULL AND delivered_at<=due_at"
					" THEN 1 ELSE 0 END),0),"
					" coalesce(sum(CASE WHEN status='accepted' THEN 1 ELSE 0 END),0),"
					" coalesce(sum(CASE WHEN status='rejected' THEN 1 ELSE 0 END),0),"
					" " RFQ_SUM_FEN("amount_fen") " FROM orders WHERE supplier_id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, enterprise_id);
	if (db_one(st, err))
		return err->code;
	out->orders = db_col_int64(st, 0);
	out->open = db_col_int64(st, 1);
	out->delivered = db_col_int64(st, 2);
	out->on_time = db_col_int64(st, 3);
	out->accepted = db_col_int64(st, 4);
	out->rejected = db_col_int64(st, 5);
	if (!rfq_fen_join(db_col_int64(st, 6), db_col_int64(st, 7), &out->value_fen))
		out->value_fen = -1;
	db_reset(st);
	/*
	 * Only quotes whose demand is unsealed, as rfq_unsealed decides: closed
	 * early, awarded, or past its deadline. An awarded or declined quote
	 * comes from an award, which needs unsealed quotes, so only a submitted
	 * one costs a look at its demand.
	 */
	char now[RFQ_TIME_LEN];
	util_now_iso(now, sizeof now);
	st = db_prepare(db,
			"SELECT count(*), coalesce(sum(CASE WHEN q.status='awarded' THEN 1 ELSE 0 END),0)"
			" FROM quotes q WHERE q.supplier_id=?1 AND q.status<>'withdrawn'"
			" AND (q.status='awarded' OR q.status='declined' OR EXISTS(SELECT 1 FROM demands d"
			"      WHERE d.id=q.demand_id AND (d.status='awarded' OR coalesce(d.closed_at,'')<>''"
			"           OR (coalesce(d.deadline,'')<>'' AND d.deadline<=?2))))",
			err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, enterprise_id);
	db_bind_text(st, 2, now);
	if (db_one(st, err))
		return err->code;
	out->quotes = db_col_int64(st, 0);
	out->awarded = db_col_int64(st, 1);
	db_reset(st);
	if (out->delivered > 0)
		out->on_time_rate = (double)out->on_time / (double)out->delivered;
	if (out->accepted + out->rejected > 0)
		out->acceptance_rate = (double)out->accepted / (double)(out->accepted + out->rejected);
	return QERR_OK;
}

static json_t *rate(double r)
{
	return r < 0 ? json_null() : json_real(r);
}

json_t *market_scorecard_json(const struct market_scorecard *s)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "quotes", (json_int_t)s->quotes, "awarded",
			      (json_int_t)s->awarded, "orders", (json_int_t)s->orders, "open", (json_int_t)s->open,
			      "delivered", (json_int_t)s->delivered, "on_time", (json_int_t)s->on_time, "accepted",
			      (json_int_t)s->accepted, "rejected", (json_int_t)s->rejected, "value_fen",
			      s->value_fen < 0 ? json_null() : json_integer(s->value_fen));
	json_object_set_new(o, "on_time_rate", rate(s->on_time_rate));
	json_object_set_new(o, "acceptance_rate", rate(s->acceptance_rate));
	return o;
}

enum qerr market_scorecard_get(struct db *db, const struct actor *a, const char *uscc, json_t **out,
			       struct qerror *err)
{
	(void)a;
	*out = NULL;
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err))
		return err->code;
	struct enterprise_ref ref;
	if (enterprise_ref_by_uscc(db, canon, &ref, err))
		return err->code;
	int64_t id = ref.id;
	json_t *ent = json_pack("{s:s,s:s,s:s,s:s}", "uscc", ref.uscc, "name", ref.name, "region", ref.region, "level",
				ref.level);
	struct market_scorecard sc;
	if (market_scorecard(db, id, &sc, err)) {
		json_decref(ent);
		return err->code;
	}
	*out = market_scorecard_json(&sc);
	json_object_set_new(*out, "enterprise", ent);
	return QERR_OK;
}

/* ---- orders for other chains ---- */

enum qerr market_order_ref(struct db *db, int64_t order_id, struct market_order_ref *out, struct qerror *err)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_prepare(
	    db, "SELECT id,buyer_id,supplier_id,amount_fen,status,placed_at,delivered_at FROM orders WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, order_id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "order_not_found", "order_id", "订单不存在 (no order %lld)",
				(long long)order_id);
	if (rc)
		return rc;
	out->id = db_col_int64(st, 0);
	out->buyer_id = db_col_int64(st, 1);
	out->supplier_id = db_col_int64(st, 2);
	out->amount_fen = db_col_int64(st, 3);
	snprintf(out->status, sizeof out->status, "%s", db_col_text(st, 4));
	snprintf(out->placed_at, sizeof out->placed_at, "%s", db_col_text(st, 5));
	snprintf(out->delivered_at, sizeof out->delivered_at, "%s", db_col_text(st, 6));
	db_reset(st);
	return QERR_OK;
}

enum qerr market_orders_between(struct db *db, int64_t buyer_id, int64_t supplier_id, int limit, json_t **out,
				struct qerror *err)
{
	*out = NULL;
	if (limit < 1 || limit > 500)
		limit = 50;
	struct db_stmt *st = db_prepare(db,
					"SELECT id,status,amount_fen,placed_at,due_at,delivered_at FROM orders"
					" WHERE buyer_id=? AND supplier_id=? ORDER BY id DESC",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, buyer_id);
	db_bind_int64(st, 2, supplier_id);
	json_t *items = json_array();
	int64_t count = 0, accepted = 0, rejected = 0, value = 0;
	bool fits = true;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *status = db_col_text(st, 1);
		int64_t amount = db_col_int64(st, 2);
		count++;
		accepted += strcmp(status, "accepted") == 0;
		rejected += strcmp(status, "rejected") == 0;
		if (fits && money_add(value, amount, &value, NULL))
			fits = false;
		if (count <= limit)
			json_array_append_new(items, json_pack("{s:I,s:s,s:I,s:s,s:s,s:o}", "id",
							       (json_int_t)db_col_int64(st, 0), "status", status,
							       "amount_fen", (json_int_t)amount, "placed_at",
							       db_col_text(st, 3), "due_at", db_col_text(st, 4),
							       "delivered_at", db_col_json_text(st, 5)));
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:I,s:I,s:I,s:o,s:o}", "count", (json_int_t)count, "accepted", (json_int_t)accepted,
			 "rejected", (json_int_t)rejected, "value_fen", fits ? json_integer(value) : json_null(),
			 "items", items);
	return QERR_OK;
}
