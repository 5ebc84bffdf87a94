/*
 * stats.c - platform statistics of the market for the operator: postings,
 * match requests and matches shown, quotes, awards, orders and order value,
 * in total and by province and by chain.
 *
 * Where each thing is counted: a supply in its enterprise's province; a
 * demand, and its quotes and orders, in the demand's delivery province (the
 * owner's when the demand has no region); matches shown in the province and
 * chain match_impressions recorded. A chain is the listing's segment's
 * chain ("" when none). awards counts demands awarded; quotes counts quotes
 * not withdrawn. from/to select by the day a thing was created (a posting or
 * quote), placed (an order) or shown (a match).
 */
#include "market/rfq.h"

#include <string.h>
#include "base/money.h"
#include "market/rfq_int.h"
#include "registry/region.h"

#define IN_RANGE(col) " (?1 IS NULL OR substr(" col ",1,10)>=?1) AND (?2 IS NULL OR substr(" col ",1,10)<=?2)"

/*
 * One statement per breakdown: KS keys a supply, KD a demand, KM a match
 * impression row. Order value is summed as its high and low 32 bits (vh, vl:
 * rfq_int.h says why), which breakdown() joins with checked arithmetic.
 */
#define STATS_SQL(KS, KD, KM, NAME)                                                                                    \
	"SELECT k," NAME ",sum(sp),sum(dm),sum(rq),sum(rs),sum(qt),sum(aw),sum(od),sum(vh),sum(vl) FROM ("            \
	" SELECT " KS " AS k,1 AS sp,0 AS dm,0 AS rq,0 AS rs,0 AS qt,0 AS aw,0 AS od,0 AS vh,0 AS vl"                 \
	"  FROM supplies s JOIN enterprises e ON e.id=s.enterprise_id LEFT JOIN segments g ON g.sid=s.sid"             \
	"  WHERE" IN_RANGE("s.created_at") " UNION ALL SELECT " KD                                                     \
	",0,1,0,0,0,CASE WHEN d.status='awarded' THEN 1 ELSE 0 END,0,0,0"                                              \
	"  FROM demands d JOIN enterprises e ON e.id=d.enterprise_id LEFT JOIN segments g ON g.sid=d.sid"              \
	"  WHERE" IN_RANGE("d.created_at") " UNION ALL SELECT " KM ",0,0,m.requests,m.results,0,0,0,0,0"               \
	"  FROM match_impressions m WHERE" IN_RANGE("m.day") " UNION ALL SELECT " KD ",0,0,0,0,1,0,0,0,0"               \
	"  FROM quotes q JOIN demands d ON d.id=q.demand_id JOIN enterprises e ON e.id=d.enterprise_id"                \
	"  LEFT JOIN segments g ON g.sid=d.sid WHERE q.status<>'withdrawn' AND" IN_RANGE("q.created_at")               \
	" UNION ALL SELECT " KD ",0,0,0,0,0,0,1," RFQ_FEN_HI("o.amount_fen") "," RFQ_FEN_LO("o.amount_fen")            \
	"  FROM orders o JOIN demands d ON d.id=o.demand_id JOIN enterprises e ON e.id=d.enterprise_id"                \
	"  LEFT JOIN segments g ON g.sid=d.sid WHERE" IN_RANGE("o.placed_at") ") AS u GROUP BY k ORDER BY k"

static const char sql_province[] = STATS_SQL("substr(e.region,1,2)", "substr(coalesce(d.region,e.region),1,2)",
					     "substr(m.province,1,2)", "NULL");
static const char sql_chain[] = STATS_SQL("coalesce(g.chain_id,'')", "coalesce(g.chain_id,'')", "m.chain_id",
					  "(SELECT name FROM chains WHERE id=k)");

static const char *const measures[] = {"supplies", "demands",	 "match_requests", "matches_shown",
				       "quotes",   "awards", "orders", "order_value_fen"};
#define MEASURES 8
#define VALUE 7 /* measures[VALUE] is money: its sum may not fit (null), the counts saturate */

/*
 * Adds v to *total: a count saturates at INT64_MAX as it always did; the
 * order value (-1: did not fit) stays -1 once any part did not fit.
 */
static void add_measure(int i, int64_t v, int64_t *total)
{
	if (i == VALUE) {
		if (*total < 0 || v < 0 || money_add(*total, v, total, NULL))
			*total = -1;
	} else if (__builtin_add_overflow(*total, v, total)) {
		*total = INT64_MAX;
	}
}

static enum qerr breakdown(struct db *db, const char *sql, const char *key, const char *from, const char *to,
			   int64_t totals[MEASURES], json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, from);
	db_bind_text(st, 2, to);
	json_t *rows = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		json_t *row = json_pack("{s:s}", key, k);
		if (!db_col_is_null(st, 1)) {
			json_object_set_new(row, "name", json_string(db_col_text(st, 1)));
		} else if (strcmp(key, "province") == 0 && strlen(k) == 2) {
			char code[7];
			snprintf(code, sizeof code, "%s0000", k);
			const struct region *r = region_find(code);
			json_object_set_new(row, "name", r ? json_string(r->name) : json_null());
		} else {
			json_object_set_new(row, "name", json_null());
		}
		for (int i = 0; i < MEASURES; i++) {
			int64_t v = db_col_int64(st, 2 + i);
			if (i == VALUE && !rfq_fen_join(v, db_col_int64(st, 3 + i), &v))
				v = -1;
			json_object_set_new(row, measures[i], i == VALUE && v < 0 ? json_null() : json_integer(v));
			if (totals)
				add_measure(i, v, &totals[i]);
		}
		json_array_append_new(rows, row);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(rows);
		return err->code;
	}
	*out = rows;
	return QERR_OK;
}

static enum qerr check_day(const char *s, const char *field, struct qerror *err)
{
	char canon[RFQ_TIME_LEN];
	if (s && strlen(s) != 10)
		return qerr_set(err, QERR_INVALID, "invalid_date", field, "%s must be a date YYYY-MM-DD", field);
	return s ? rfq_parse_time(s, field, canon, err) : QERR_OK;
}

enum qerr market_stats(struct db *db, const struct actor *a, const char *from, const char *to, json_t **out,
		       struct qerror *err)
{
	*out = NULL;
	if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有运营方可以查看平台统计 (platform statistics are for the operator)");
	if (from && !*from)
		from = NULL;
	if (to && !*to)
		to = NULL;
	if (check_day(from, "from", err) || check_day(to, "to", err))
		return err->code;
	int64_t totals[MEASURES] = {0};
	json_t *by_province, *by_chain;
	if (breakdown(db, sql_province, "province", from, to, totals, &by_province, err))
		return err->code;
	if (breakdown(db, sql_chain, "chain", from, to, NULL, &by_chain, err)) {
		json_decref(by_province);
		return err->code;
	}
	json_t *t = json_object();
	for (int i = 0; i < MEASURES; i++)
		json_object_set_new(t, measures[i],
				    i == VALUE && totals[i] < 0 ? json_null() : json_integer(totals[i]));
	*out = json_pack("{s:o,s:o,s:o,s:o,s:o}", "from", from ? json_string(from) : json_null(), "to",
			 to ? json_string(to) : json_null(), "totals", t, "by_province", by_province, "by_chain", by_chain);
	return QERR_OK;
}
