/* store_check.c - the market's invariants and derived tables for store copy/verify (see store_check.h). */
#include "market/store_check.h"

#include <string.h>
#include "market/listing_int.h"

/* One count that must be zero; otherwise QERR_CONFLICT: "<count> <what>". */
static enum qerr none(struct db *db, const char *sql, const char *name, json_t *report, const char *what,
		      struct qerror *err)
{
	int64_t n = 0;
	if (db_query_int64(db, sql, &n, err))
		return err->code;
	json_object_set_new(report, name, json_integer(n));
	if (n)
		return qerr_set(err, QERR_CONFLICT, "invariant_violation", NULL, "%lld %s", (long long)n, what);
	return QERR_OK;
}

static enum qerr market_verify(struct db *db, json_t *report, struct qerror *err)
{
	/* The match index catches up by seq: no listing may carry a seq its counter has not reached. */
	if (none(db,
		 "SELECT count(*) FROM supplies WHERE seq>(SELECT coalesce(max(version),0) FROM change_counters"
		 " WHERE name='supplies')",
		 "supplies_ahead_of_counter", report,
		 "supplies carry a seq above the 'supplies' change counter (the match index would miss them)", err) ||
	    none(db,
		 "SELECT count(*) FROM demands WHERE seq>(SELECT coalesce(max(version),0) FROM change_counters"
		 " WHERE name='demands')",
		 "demands_ahead_of_counter", report,
		 "demands carry a seq above the 'demands' change counter (the match index would miss them)", err))
		return err->code;
	/* An awarded quote is exactly one order, and an order is an awarded quote of its own demand and supplier. */
	if (none(db,
		 "SELECT count(*) FROM quotes q WHERE q.status='awarded' AND NOT EXISTS(SELECT 1 FROM orders o"
		 " WHERE o.quote_id=q.id)",
		 "awarded_without_order", report, "awarded quotes have no order", err) ||
	    none(db,
		 "SELECT count(*) FROM orders o JOIN quotes q ON q.id=o.quote_id JOIN demands d ON d.id=o.demand_id"
		 " WHERE q.status<>'awarded' OR q.demand_id<>o.demand_id OR q.supplier_id<>o.supplier_id"
		 " OR d.enterprise_id<>o.buyer_id OR d.status<>'awarded'",
		 "orders_unlike_their_quote", report,
		 "orders do not match an awarded quote of their demand, buyer and supplier", err) ||
	    none(db, "SELECT count(*) FROM orders WHERE amount_fen<>quantity*unit_price_fen", "order_amounts", report,
		 "orders' amount is not quantity x unit price", err) ||
	    none(db,
		 "SELECT count(*) FROM demands d WHERE d.status='awarded' AND NOT EXISTS(SELECT 1 FROM quotes q"
		 " WHERE q.demand_id=d.id AND q.status='awarded')",
		 "awarded_without_quote", report, "demands are awarded without an awarded quote", err))
		return err->code;
	/* per-backend: PostgreSQL's full-text rows, one per listing (SQLite's FTS5 tables are kept by triggers). */
	if (db_is_pg(db) && (none(db,
				  "SELECT (SELECT count(*) FROM supplies)-(SELECT count(*) FROM supplies_fts f JOIN "
				  "supplies s ON s.id=f.id)",
				  "supplies_without_words", report, "supplies have no full-text words", err) ||
			     none(db,
				  "SELECT (SELECT count(*) FROM demands)-(SELECT count(*) FROM demands_fts f JOIN "
				  "demands d ON d.id=f.id)",
				  "demands_without_words", report, "demands have no full-text words", err)))
		return err->code;
	return QERR_OK;
}

/* per-backend: PostgreSQL's words of every listing, as publishing writes them (SQLite's FTS5 triggers did it already).
 */
static enum qerr market_rebuild(struct db *db, struct qerror *err)
{
	if (!db_is_pg(db))
		return QERR_OK;
	for (int demand = 0; demand < 2; demand++) {
		struct db_stmt *st = db_prepare(db,
						demand ? "SELECT id,title,description FROM demands"
						       : "SELECT id,title,description FROM supplies",
						err);
		if (!st)
			return err->code;
		int rc;
		while ((rc = db_step(st, err)) == DB_ROW) {
			const char *t = db_col_text(st, 1), *d = db_col_text(st, 2);
			if (listing_words_write(db, demand, db_col_int64(st, 0), t, strlen(t), d, strlen(d), err)) {
				db_reset(st);
				return err->code;
			}
		}
		if (rc < 0)
			return err->code;
	}
	return QERR_OK;
}

static const char *const market_derived[] = {"supplies_fts", "demands_fts", NULL};

const struct store_domain market_store = {
    .name = "market",
    .derived = market_derived,
    .rebuild = market_rebuild,
    .verify = market_verify,
};
