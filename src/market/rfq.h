/*
 * rfq.h - requests for quotation (询价), sealed quotes, awards, orders and
 * what is measured from them: supplier scorecards and platform statistics.
 *
 * A demand's owner invites suppliers; invited suppliers (any enterprise for
 * a public demand) quote. Quotes are sealed: a supplier sees only its own,
 * the buyer sees every quote only once the quote deadline has passed or it
 * closed the demand early (closed_at), and before that only their number.
 * Awarding quotes declines the rest and turns each awarded quote into an
 * order, which moves placed -> shipped -> delivered -> accepted | rejected,
 * each step by its party (ship and deliver: the supplier's organisation;
 * accept and reject: the buyer's). The operator may act for either side.
 *
 * Every write is one transaction with an audit record; a write that changes
 * a demand row bumps the "demands" change counter and stamps the row's seq
 * with it (0003_market.sql), so the match index sees the status change.
 * Times are UTC ISO-8601 ("YYYY-MM-DDTHH:MM:SSZ"). Money is int64 fen and
 * every product and sum is overflow-checked. A quote's unit price, quantity
 * and amount are bounded (MARKET_MAX_*), so sums over any realistic number
 * of orders fit in int64; a sum that does not fit anyway (rows from before
 * the limits) is reported as null, never as an error.
 *
 * All functions return QERR_OK or fill err; *out (when there is one) is a
 * new JSON reference the caller decrefs, NULL on failure. A demand, quote
 * or order the actor may not see is QERR_NOT_FOUND, never 403.
 */
#ifndef QILIAN_MARKET_RFQ_H
#define QILIAN_MARKET_RFQ_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "registry/account.h"
#include "platform/idempotency.h"
#include "store/db.h"

/*
 * Business limits of a quote (and so of an order): a unit price of at most
 * 10^13 fen (1000亿元), a quantity of at most 10^9, and an amount (quantity
 * × unit price) of at most 10^13 fen. 922,337 orders at the limit still sum
 * within int64.
 */
#define MARKET_MAX_UNIT_PRICE_FEN 10000000000000LL
#define MARKET_MAX_QUANTITY 1000000000LL
#define MARKET_MAX_AMOUNT_FEN 10000000000000LL

/* Request bodies (strict field lists, also the OpenAPI schemas). The award body {"quotes": [id, …]} is
 * an array of integers, which jsonio has no type for: market_award checks it. */
extern const struct jfield market_invite_fields[];
extern const struct jfield market_quote_fields[];       /* POST: every field but notes required */
extern const struct jfield market_quote_patch_fields[]; /* PATCH: the changeable fields */
extern const struct jfield market_reject_fields[];

/* ---- invitations (rfq.c) ---- */

/*
 * Invites the enterprises with these USCCs (a JSON array of strings) to
 * quote on demand_id. Owner organisation or operator; the demand must be
 * open and before its deadline (409 demand_not_open / quote_deadline_passed).
 * Already invited enterprises are skipped; each new one gets an inbox
 * notification (kind 'invited'). *out is the full list as for market_invitations.
 */
enum qerr market_invite(struct db *db, const struct actor *a, int64_t demand_id, const json_t *suppliers,
			json_t **out, struct qerror *err);

/*
 * {"demand_id", "items": [{"enterprise": {...}, "invited_at", "quoted": bool}]}.
 * The owner organisation and the operator see every invitation; any other
 * organisation that may read the demand sees the invitations of its own
 * enterprises.
 */
enum qerr market_invitations(struct db *db, const struct actor *a, int64_t demand_id, json_t **out,
			     struct qerror *err);

/* ---- quotes (rfq.c) ---- */

/*
 * Submits a quote (body decoded against market_quote_fields). The quoting
 * enterprise must belong to the actor's organisation (operator: any), must
 * not be the demand's enterprise or of the demand owner's organisation
 * (422 own_demand), must be invited when the demand is invite-only (403
 * not_invited). One quote per supplier and demand (409 quote_exists); a
 * withdrawn quote is submitted again in place. The buyer gets an inbox
 * notification (kind 'quote', object the demand). *out is the quote.
 * Limits (422, naming the field): amount_overflow (quantity) when quantity ×
 * unit_price_fen does not fit in int64, out_of_range (unit_price_fen or
 * quantity) beyond MARKET_MAX_UNIT_PRICE_FEN / MARKET_MAX_QUANTITY, then
 * amount_too_large (quantity) beyond MARKET_MAX_AMOUNT_FEN. With idem (an
 * Idempotency-Key; NULL for none) a repeated request answers the first
 * one's quote instead of quote_exists.
 */
enum qerr market_quote_submit(struct db *db, const struct actor *a, int64_t demand_id, const json_t *body,
			      const struct idempotency *idem, json_t **out, struct qerror *err);

/* Changes a submitted quote (quoting organisation or operator); 409 quote_deadline_passed after the deadline.
 * The changed values are checked against the limits as in market_quote_submit. */
enum qerr market_quote_update(struct db *db, const struct actor *a, int64_t quote_id, const json_t *body,
			      json_t **out, struct qerror *err);

/* Withdraws a submitted quote, same rules as market_quote_update. */
enum qerr market_quote_withdraw(struct db *db, const struct actor *a, int64_t quote_id, json_t **out,
				struct qerror *err);

/*
 * {"sealed", "count", "quotes": [...]} for a demand. The buyer organisation
 * and the operator: sealed until the deadline or closed_at, then every quote
 * with the supplier's scorecard (count: quotes not withdrawn). A supplier
 * organisation (invited or quoting): its own quotes only; sealed is still
 * the buyer's view. Anyone else: QERR_NOT_FOUND.
 */
enum qerr market_quotes(struct db *db, const struct actor *a, int64_t demand_id, json_t **out, struct qerror *err);

/* quantity x unit_price_fen; false on overflow or a non-positive factor. The MARKET_MAX_* limits are not checked. */
bool market_amount(int64_t quantity, int64_t unit_price_fen, int64_t *amount_fen);

/* ---- close and award (rfq.c) ---- */

/* Closes quoting early (owner or operator; demand must be open): status 'closed', closed_at now. */
enum qerr market_demand_close(struct db *db, const struct actor *a, int64_t demand_id, json_t **out,
			      struct qerror *err);

/*
 * Awards quotes (a JSON array of quote ids) of an unsealed, open or closed
 * demand (owner or operator). Each must be this demand's and 'submitted'
 * and still valid; they become 'awarded', the other submitted quotes
 * 'declined', the demand 'awarded', and each awarded quote an order due
 * lead_time_days from now. Winners get an inbox notification (kind
 * 'awarded', object the order). *out: {"demand": {...}, "orders": [...]}.
 * A quote whose amount exceeds MARKET_MAX_AMOUNT_FEN (stored before the
 * limits) is 422 amount_overflow: no order is placed beyond the limits.
 */
enum qerr market_award(struct db *db, const struct actor *a, int64_t demand_id, const json_t *quote_ids,
		       json_t **out, struct qerror *err);

/* ---- orders (order.c) ---- */

enum market_order_action { ORDER_SHIP, ORDER_DELIVER, ORDER_ACCEPT, ORDER_REJECT, ORDER_ACTION_COUNT };

/* Which side of an order the actor is on: a bit set (the operator is both). */
enum market_order_party { PARTY_NONE = 0, PARTY_BUYER = 1, PARTY_SUPPLIER = 2, PARTY_BOTH = 3 };

extern const char *const market_order_action_names[]; /* "ship", "deliver", "accept", "reject" */

/*
 * The order state machine as a pure function: may party do action to an
 * order in status from? On success *to is the new status. Errors: the
 * wrong party QERR_FORBIDDEN ("forbidden"), a transition the status does
 * not allow QERR_CONFLICT ("illegal_transition", naming from and to).
 * The party is checked first.
 */
enum qerr market_order_check(const char *from, enum market_order_action action, unsigned party, const char **to,
			     struct qerror *err);

struct market_order_filter {
	const char *role;   /* "buyer", "supplier" or NULL for both */
	const char *status; /* NULL for any */
	int limit;          /* 1..500, 0 = 50 */
	int64_t cursor;     /* next_cursor of the previous page (orders are listed newest first) */
};

/* Orders where an enterprise of the actor's organisation is buyer or supplier (operator: all), as a page. */
enum qerr market_order_list(struct db *db, const struct actor *a, const struct market_order_filter *f,
			    json_t **out, struct qerror *err);

/* One order with its events ("events": [...]); 404 unless the actor is a party or the operator. */
enum qerr market_order_get(struct db *db, const struct actor *a, int64_t order_id, json_t **out,
			   struct qerror *err);

/*
 * Moves an order (see market_order_check); reason is required for
 * ORDER_REJECT (422) and ignored otherwise. Records an order event and
 * notifies the other party (kind 'order', object the order: the one row
 * per order is made unread again with the newest title). *out is the order.
 */
enum qerr market_order_act(struct db *db, const struct actor *a, int64_t order_id, enum market_order_action action,
			   const char *reason, json_t **out, struct qerror *err);

/* ---- orders for other chains (order.c) ---- */

/* An order's parties and dates, for chains that pay for orders (finance). */
struct market_order_ref {
	int64_t id;
	int64_t buyer_id, supplier_id; /* enterprise ids */
	int64_t amount_fen;
	char status[16];
	char placed_at[32];
	char delivered_at[32]; /* "" until delivered */
};

/* The order with this id, without an actor (the caller authorises). QERR_NOT_FOUND "order_not_found". */
enum qerr market_order_ref(struct db *db, int64_t order_id, struct market_order_ref *out, struct qerror *err);

/*
 * The orders buyer_id placed with supplier_id (enterprise ids), newest
 * first, without an actor (a bank's risk view): *out (new reference) is
 * {"count", "accepted", "rejected", "value_fen" (null past int64),
 * "items": [{id, status, amount_fen, placed_at, due_at, delivered_at}]}
 * with at most limit (1-500) items.
 */
enum qerr market_orders_between(struct db *db, int64_t buyer_id, int64_t supplier_id, int limit, json_t **out,
				struct qerror *err);

/* ---- scorecard (order.c) ---- */

/*
 * A supplier's record from its real orders. Rates are -1 when there is
 * nothing to rate. Quotes count only where the demand's quotes are open
 * (deadline passed, closed early, or awarded; an awarded or declined quote
 * always counts): a sealed quote counted here would tell anyone who bid.
 */
struct market_scorecard {
	int64_t quotes;        /* quotes submitted (not withdrawn), of unsealed demands */
	int64_t awarded;       /* of which awarded */
	int64_t orders;        /* orders as supplier */
	int64_t open;          /* placed or shipped */
	int64_t delivered;     /* delivered, accepted or rejected */
	int64_t on_time;       /* of those, delivered_at <= due_at */
	int64_t accepted;
	int64_t rejected;
	int64_t value_fen;     /* sum of order amounts; -1 when it does not fit in int64 */
	double on_time_rate;   /* on_time / delivered, or -1 */
	double acceptance_rate; /* accepted / (accepted + rejected), or -1 */
};

/* Fills *out for enterprise_id (an unknown id gives zeros). For the matcher and the API. */
enum qerr market_scorecard(struct db *db, int64_t enterprise_id, struct market_scorecard *out, struct qerror *err);

/* The scorecard as JSON (rates and value_fen null when -1). New reference. */
json_t *market_scorecard_json(const struct market_scorecard *s);

/* GET /api/v1/enterprises/{uscc}/scorecard: {"enterprise": {...}, ...the scorecard}. */
enum qerr market_scorecard_get(struct db *db, const struct actor *a, const char *uscc, json_t **out,
			       struct qerror *err);

/* ---- statistics (stats.c) ---- */

/*
 * Platform statistics (operator only): totals and breakdowns by province
 * and by chain of postings, match requests and matches shown, quotes,
 * awards, orders and order value. from/to are optional dates
 * ("YYYY-MM-DD", inclusive, UTC) or NULL. An order value (a row's or the
 * total) that does not fit in int64 is null.
 */
enum qerr market_stats(struct db *db, const struct actor *a, const char *from, const char *to, json_t **out,
		       struct qerror *err);

#endif
