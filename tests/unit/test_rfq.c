/*
 * test_rfq.c - RFQ and orders against a real database file: the order state
 * machine over every (status, action, party), sealed quotes as each side
 * sees them, deadlines and early closes, invite-only demands, the amount
 * overflow and the business limits of a quote, sums of money at and beyond
 * those limits (scorecard, statistics, the buyer's quote list), award ->
 * orders with the demand's seq, the order path with its events, scorecard
 * arithmetic on hand-made orders, a scorecard that counts no sealed quote,
 * and the statistics.
 * Demands are inserted with SQL (their CRUD belongs to listing.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"
#include "base/money.h"
#include "market/rfq.h"
#include "market/rfq_int.h"
#include "registry/account.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"
#include "store/db.h"
#include "testkit.h"
#include "store/migrate.h"

enum { E_BUYER, E_A, E_A2, E_B, E_C, E_COUNT };

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli, op, buyer, sme_a, sme_b, sme_c, bank;
	char uscc[E_COUNT][USCC_LEN + 1];
	int64_t eid[E_COUNT];
};

static void register_enterprise(struct fixture *f, const struct actor *a, int i, const char *name, const char *region)
{
	uscc_generate(region, 8100 + (uint64_t)i, f->uscc[i]);
	f->eid[i] = testkit_enterprise(f->db, a, f->uscc[i], "%s,%s,36,300,20000,15000,provincial", name, region);
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "rfq");
	if (!f)
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	testkit_org_actor(f->db, &f->op, 100, "苏州市中小企业服务中心", ORG_OPERATOR, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->buyer, 101, "苏州汇川新能源汽车科技有限公司", ORG_LARGE, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_a, 102, "昆山精锐电驱科技有限公司", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_b, 103, "太仓宏达精密机械有限公司", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_c, 104, "常州无关零部件有限公司", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->bank, 105, "江苏银行苏州分行", ORG_BANK, ROLE_ADMIN);
	register_enterprise(f, &f->buyer, E_BUYER, "整车厂", "320506");
	register_enterprise(f, &f->sme_a, E_A, "电机厂", "320583");
	register_enterprise(f, &f->sme_a, E_A2, "电控厂", "320583");
	register_enterprise(f, &f->sme_b, E_B, "轴承厂", "330102");
	register_enterprise(f, &f->sme_c, E_C, "无关厂", "320412");
	testdb_exec(f->db,
		    "INSERT INTO chains(id,name,created_at) VALUES('nev','新能源汽车产业链','2026-01-01T00:00:00Z')");
	testdb_exec(f->db, "INSERT INTO segments(chain_id,code,name) VALUES('nev','motor','驱动电机')");
	*state = f;
	return 0;
}

/* Inserts a demand of the buyer; deadline NULL for none. Returns its id. */
static int64_t demand(struct fixture *f, const char *visibility, const char *deadline)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare_dynamic(f->db,
						"INSERT INTO demands(enterprise_id,title,description,sid,quantity,unit,deadline,"
						"region,visibility,status,created_at,updated_at) VALUES(?,'采购永磁同步电机','',"
						"(SELECT sid FROM segments WHERE code='motor'),2000,'台',?,'320505',?,'open',"
						"'2026-03-01T00:00:00Z','2026-03-01T00:00:00Z') RETURNING id",
						&e);
	assert_non_null(st);
	db_bind_int64(st, 1, f->eid[E_BUYER]);
	db_bind_text(st, 2, deadline); /* NULL binds NULL */
	db_bind_text(st, 3, visibility);
	int64_t id = 0;
	if (db_scalar_int64(st, &id, &e))
		fail_msg("demand insert: %s", e.message);
	db_finalize(st);
	return id;
}

static const char FUTURE[] = "2099-01-01T00:00:00Z";
static const char PAST[] = "2020-01-01T00:00:00Z";

static json_t *quote_body(struct fixture *f, int e, int64_t price, int64_t qty)
{
	return json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}", "enterprise", f->uscc[e], "unit_price_fen", (json_int_t)price,
			 "quantity", (json_int_t)qty, "lead_time_days", (json_int_t)30, "valid_until", "2099-12-31", "notes",
			 "含税价");
}

/* Submits body as a; checks the result, and the slug and field when it fails. Returns the quote id (0 on failure). */
static int64_t submit_body(struct fixture *f, const struct actor *a, int64_t d, json_t *body, enum qerr expect,
			   const char *slug, const char *field)
{
	json_t *out = NULL;
	struct qerror err = {0};
	enum qerr rc = market_quote_submit(f->db, a, d, body, NULL, &out, &err);
	json_decref(body);
	if (rc != expect)
		fail_msg("quote submit: got %d %s (%s), want %d", rc, err.slug, err.message, expect);
	if (slug)
		assert_string_equal(err.slug, slug);
	if (field)
		assert_string_equal(err.field, field);
	int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
	json_decref(out);
	return id;
}

/* Submits a quote of e at price for 1000 units; expect and slug as for submit_body. */
static int64_t submit(struct fixture *f, const struct actor *a, int64_t d, int e, int64_t price, enum qerr expect,
		      const char *slug)
{
	return submit_body(f, a, d, quote_body(f, e, price, 1000), expect, slug, NULL);
}

/* market_quotes as a; NULL when it failed with expect. */
static json_t *quotes_as(struct fixture *f, const struct actor *a, int64_t d, enum qerr expect)
{
	json_t *out = NULL;
	struct qerror err = {0};
	assert_int_equal(market_quotes(f->db, a, d, &out, &err), expect);
	return out;
}

/* ---------- the state machine ---------- */

static void test_order_state_machine_every_combination(void **state)
{
	(void)state;
	static const char *const statuses[] = {"placed", "shipped", "delivered", "accepted", "rejected", "bogus"};
	/* The one legal (from, action) per action, its target, and its party. */
	static const struct {
		const char *from, *to;
		unsigned party;
	} legal[ORDER_ACTION_COUNT] = {
		[ORDER_SHIP] = {"placed", "shipped", PARTY_SUPPLIER},
		[ORDER_DELIVER] = {"shipped", "delivered", PARTY_SUPPLIER},
		[ORDER_ACCEPT] = {"delivered", "accepted", PARTY_BUYER},
		[ORDER_REJECT] = {"delivered", "rejected", PARTY_BUYER},
	};
	static const unsigned parties[] = {PARTY_NONE, PARTY_BUYER, PARTY_SUPPLIER, PARTY_BOTH};
	int ok = 0, forbidden = 0, illegal = 0;
	for (size_t s = 0; s < sizeof statuses / sizeof *statuses; s++)
		for (int act = 0; act < ORDER_ACTION_COUNT; act++)
			for (size_t p = 0; p < 4; p++) {
				struct qerror err = {0};
				const char *to = "unset";
				enum qerr rc = market_order_check(statuses[s], (enum market_order_action)act, parties[p], &to,
								  &err);
				if (!(parties[p] & legal[act].party)) {
					assert_int_equal(rc, QERR_FORBIDDEN);
					assert_string_equal(err.slug, "forbidden");
					assert_null(to);
					forbidden++;
				} else if (strcmp(statuses[s], legal[act].from) != 0) {
					assert_int_equal(rc, QERR_CONFLICT);
					assert_string_equal(err.slug, "illegal_transition");
					/* The message names where the order is and where the action would take it. */
					assert_non_null(strstr(err.message, statuses[s]));
					assert_non_null(strstr(err.message, legal[act].to));
					assert_null(to);
					illegal++;
				} else {
					assert_int_equal(rc, QERR_OK);
					assert_string_equal(to, legal[act].to);
					ok++;
				}
			}
	/* 6 statuses x 4 actions x 4 parties: 2 parties fit each action, and of those 1 status in 6 is legal. */
	assert_int_equal(ok, 4 * 2);
	assert_int_equal(forbidden, 6 * 4 * 2);
	assert_int_equal(illegal, 4 * 2 * 5);
	struct qerror err = {0};
	const char *to;
	assert_int_equal(market_order_check("placed", ORDER_ACTION_COUNT, PARTY_BOTH, &to, &err), QERR_INVALID);
}

static void test_amount_overflow(void **state)
{
	struct fixture *f = *state;
	int64_t amount;
	assert_true(market_amount(2000, 1850000, &amount));
	assert_int_equal(amount, 3700000000LL);
	assert_true(market_amount(3037000499LL, 3037000499LL, &amount));
	assert_int_equal(amount, 9223372030926249001LL);
	assert_false(market_amount(3037000500LL, 3037000500LL, &amount));
	assert_false(market_amount(INT64_MAX, 2, &amount));
	assert_true(market_amount(INT64_MAX, 1, &amount));
	assert_false(market_amount(0, 5, &amount));
	assert_false(market_amount(5, -1, &amount));
	/* Through the API: a quote whose amount does not fit is refused, nothing is written. */
	int64_t d = demand(f, "public", FUTURE);
	json_t *body = quote_body(f, E_A, INT64_MAX / 2, 3), *out = NULL;
	struct qerror err = {0};
	assert_int_equal(market_quote_submit(f->db, &f->sme_a, d, body, NULL, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "amount_overflow");
	assert_string_equal(err.field, "quantity");
	json_decref(body);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM quotes"), 0);
}

/* ---------- business limits and sums of money ---------- */

static const struct jfield *field_named(const struct jfield *fields, const char *name)
{
	for (; fields->name; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	fail_msg("no field %s", name);
	return NULL;
}

static void test_fen_arithmetic_is_checked(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(money_add(INT64_MAX - 1, 1, &v, NULL), QERR_OK);
	assert_int_equal(v, INT64_MAX);
	assert_int_not_equal(money_add(INT64_MAX, 1, &v, NULL), QERR_OK);
	assert_int_not_equal(money_add(INT64_MIN, -1, &v, NULL), QERR_OK);
	assert_int_equal(money_mul(MARKET_MAX_QUANTITY, 10000, &v, NULL), QERR_OK);
	assert_int_equal(v, MARKET_MAX_AMOUNT_FEN);
	assert_int_not_equal(money_mul(INT64_MAX / 2 + 1, 2, &v, NULL), QERR_OK);
	/* The SQL sums come back as high and low 32-bit halves. */
	assert_true(rfq_fen_join(0, 5, &v));
	assert_int_equal(v, 5);
	assert_true(rfq_fen_join(1, 1, &v));
	assert_int_equal(v, 4294967297LL);
	assert_true(rfq_fen_join(2147483647LL, 4294967295LL, &v));
	assert_int_equal(v, INT64_MAX);
	assert_false(rfq_fen_join(2147483648LL, 0, &v));
	assert_false(rfq_fen_join(2147483647LL, 4294967296LL, &v));
	/* Two amounts of 2^62 in halves: 2 x 2^30 high, 0 low, which does not fit. */
	assert_false(rfq_fen_join(2 * (1LL << 30), 0, &v));
}

static void test_quote_limits(void **state)
{
	struct fixture *f = *state;
	/* The request schema (and so the OpenAPI document) carries the same limits. */
	assert_int_equal(field_named(market_quote_fields, "unit_price_fen")->max, MARKET_MAX_UNIT_PRICE_FEN);
	assert_int_equal(field_named(market_quote_fields, "quantity")->max, MARKET_MAX_QUANTITY);
	assert_int_equal(field_named(market_quote_patch_fields, "unit_price_fen")->max, MARKET_MAX_UNIT_PRICE_FEN);
	assert_int_equal(field_named(market_quote_patch_fields, "quantity")->max, MARKET_MAX_QUANTITY);
	assert_non_null(strstr(field_named(market_quote_fields, "unit_price_fen")->description, "10^13"));

	int64_t d = demand(f, "public", FUTURE);
	/* 2^62 fen is refused naming the unit price, and the message names the limit. */
	json_t *out = NULL, *body = quote_body(f, E_A, 1LL << 62, 1);
	struct qerror err = {0};
	assert_int_equal(market_quote_submit(f->db, &f->sme_a, d, body, NULL, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "out_of_range");
	assert_string_equal(err.field, "unit_price_fen");
	assert_non_null(strstr(err.message, "10000000000000"));
	json_decref(body);
	submit_body(f, &f->sme_a, d, quote_body(f, E_A, MARKET_MAX_UNIT_PRICE_FEN + 1, 1), QERR_INVALID, "out_of_range",
		    "unit_price_fen");
	submit_body(f, &f->sme_a, d, quote_body(f, E_A, 1, MARKET_MAX_QUANTITY + 1), QERR_INVALID, "out_of_range",
		    "quantity");
	/* Each factor within its limit, the product not. */
	submit_body(f, &f->sme_a, d, quote_body(f, E_A, 10001, MARKET_MAX_QUANTITY), QERR_INVALID, "amount_too_large",
		    "quantity");
	submit_body(f, &f->sme_a, d, quote_body(f, E_A, MARKET_MAX_UNIT_PRICE_FEN, 2), QERR_INVALID, "amount_too_large",
		    "quantity");
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM quotes"), 0);
	/* At the limits exactly. */
	assert_true(submit_body(f, &f->sme_a, d, quote_body(f, E_A, MARKET_MAX_UNIT_PRICE_FEN, 1), QERR_OK, NULL, NULL) >
		    0);
	int64_t qb = submit_body(f, &f->sme_b, d, quote_body(f, E_B, 10000, MARKET_MAX_QUANTITY), QERR_OK, NULL, NULL);
	assert_true(qb > 0);
	/* A change is checked against the quote's other values: one fen more is too much; 2^62 overflows the product. */
	json_t *patch = json_pack("{s:I}", "unit_price_fen", (json_int_t)10001);
	assert_int_equal(market_quote_update(f->db, &f->sme_b, qb, patch, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "amount_too_large");
	json_decref(patch);
	patch = json_pack("{s:I}", "unit_price_fen", (json_int_t)(1LL << 62));
	assert_int_equal(market_quote_update(f->db, &f->sme_b, qb, patch, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "amount_overflow");
	assert_string_equal(err.field, "quantity");
	json_decref(patch);
	patch = json_pack("{s:I,s:I}", "unit_price_fen", (json_int_t)(1LL << 62), "quantity", (json_int_t)1);
	assert_int_equal(market_quote_update(f->db, &f->sme_b, qb, patch, &out, &err), QERR_INVALID);
	assert_string_equal(err.field, "unit_price_fen");
	json_decref(patch);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT unit_price_fen FROM quotes WHERE id=%lld", (long long)qb);
	assert_int_equal(testdb_scalar(f->db, sql), 10000);
}

/* Hand-made awarded quote and order of amount fen for supplier e on a new, awarded demand; returns the demand. */
static int64_t legacy_order(struct fixture *f, int e, long long amount)
{
	int64_t d = demand(f, "public", FUTURE);
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "UPDATE demands SET status='awarded',closed_at='2026-03-02T00:00:00Z' WHERE id=%lld", (long long)d);
	testdb_exec(f->db, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO quotes(demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,status,"
		 "created_at,updated_at) VALUES(%lld,%lld,%lld,1,10,'2099-01-01T00:00:00Z','awarded','x','x') RETURNING id",
		 (long long)d, (long long)f->eid[e], amount);
	long long quote = testdb_scalar(f->db, sql);
	snprintf(sql, sizeof sql,
		 "INSERT INTO orders(quote_id,demand_id,buyer_id,supplier_id,quantity,unit_price_fen,amount_fen,status,"
		 "placed_at,due_at,updated_at) VALUES(%lld,%lld,%lld,%lld,1,%lld,%lld,'placed','2026-05-01T00:00:00Z',"
		 "'2026-06-01T00:00:00Z','x')",
		 quote, (long long)d, (long long)f->eid[E_BUYER], (long long)f->eid[e], amount, amount);
	testdb_exec(f->db, sql);
	return d;
}

static json_t *stats_totals(struct fixture *f, json_t **all)
{
	struct qerror err = {0};
	json_t *j = NULL;
	if (market_stats(f->db, &f->op, NULL, NULL, &j, &err))
		fail_msg("market_stats: %s %s", err.slug, err.message);
	*all = j;
	return json_object_get(j, "totals");
}

static void test_money_sums_at_and_beyond_the_limits(void **state)
{
	struct fixture *f = *state;
	const int64_t max = MARKET_MAX_AMOUNT_FEN;
	/* At the limits, through the API: A wins two demands and B one, each at the largest amount. */
	int64_t d1 = demand(f, "public", FUTURE), d2 = demand(f, "public", FUTURE);
	int64_t a1 = submit_body(f, &f->sme_a, d1, quote_body(f, E_A, max, 1), QERR_OK, NULL, NULL);
	int64_t b1 = submit_body(f, &f->sme_b, d1, quote_body(f, E_B, max / 10, 10), QERR_OK, NULL, NULL);
	int64_t a2 = submit_body(f, &f->sme_a, d2, quote_body(f, E_A, 10000, MARKET_MAX_QUANTITY), QERR_OK, NULL, NULL);
	json_t *out = NULL, *ids;
	struct qerror err = {0};
	for (int i = 0; i < 2; i++) {
		int64_t d = i ? d2 : d1;
		assert_int_equal(market_demand_close(f->db, &f->buyer, d, &out, &err), QERR_OK);
		json_decref(out);
		ids = i ? json_pack("[I]", (json_int_t)a2) : json_pack("[I,I]", (json_int_t)a1, (json_int_t)b1);
		assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_OK);
		json_decref(ids);
		json_decref(out);
	}
	struct market_scorecard sc;
	assert_int_equal(market_scorecard(f->db, f->eid[E_A], &sc, &err), QERR_OK);
	assert_int_equal(sc.value_fen, 2 * max);
	assert_int_equal(market_scorecard_get(f->db, &f->bank, f->uscc[E_B], &out, &err), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "value_fen")), max);
	json_decref(out);
	json_t *all, *t = stats_totals(f, &all);
	assert_int_equal(json_integer_value(json_object_get(t, "order_value_fen")), 3 * max);
	assert_int_equal(json_integer_value(json_object_get(t, "orders")), 3);
	json_decref(all);
	json_t *o = quotes_as(f, &f->buyer, d1, QERR_OK);
	json_t *q = json_array_get(json_object_get(o, "quotes"), 0);
	assert_int_equal(json_integer_value(json_object_get(q, "amount_fen")), max);
	json_decref(o);

	/* Beyond them: orders of 2^62 fen stored before the limits existed. Nothing answers an error; sums that do
	 * not fit in 64 bits are null. */
	legacy_order(f, E_C, 1LL << 62);
	int64_t dl = legacy_order(f, E_C, 1LL << 62);
	assert_int_equal(market_scorecard(f->db, f->eid[E_C], &sc, &err), QERR_OK);
	assert_int_equal(sc.orders, 2);
	assert_int_equal(sc.value_fen, -1);
	assert_int_equal(market_scorecard_get(f->db, &f->bank, f->uscc[E_C], &out, &err), QERR_OK);
	assert_true(json_is_null(json_object_get(out, "value_fen")));
	assert_int_equal(json_integer_value(json_object_get(out, "orders")), 2);
	json_decref(out);
	t = stats_totals(f, &all);
	assert_true(json_is_null(json_object_get(t, "order_value_fen")));
	assert_int_equal(json_integer_value(json_object_get(t, "orders")), 5);
	json_t *p = json_array_get(json_object_get(all, "by_province"), 0);
	assert_true(json_is_null(json_object_get(p, "order_value_fen")));
	json_decref(all);
	/* The buyer's unsealed quote list shows the quote (2^62 fits) with its supplier's scorecard. */
	o = quotes_as(f, &f->buyer, dl, QERR_OK);
	q = json_array_get(json_object_get(o, "quotes"), 0);
	assert_int_equal(json_integer_value(json_object_get(q, "amount_fen")), 1LL << 62);
	assert_true(json_is_null(json_object_get(json_object_get(q, "scorecard"), "value_fen")));
	json_decref(o);

	/* A submitted legacy quote beyond the limits is not turned into an order. */
	int64_t d3 = demand(f, "public", FUTURE);
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO quotes(demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,status,"
		 "created_at,updated_at) VALUES(%lld,%lld,%lld,1,10,'2099-01-01T00:00:00Z','submitted','x','x') RETURNING id",
		 (long long)d3, (long long)f->eid[E_B], 1LL << 62);
	long long big = testdb_scalar(f->db, sql);
	assert_int_equal(market_demand_close(f->db, &f->buyer, d3, &out, &err), QERR_OK);
	json_decref(out);
	ids = json_pack("[I]", (json_int_t)big);
	assert_int_equal(market_award(f->db, &f->buyer, d3, ids, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "amount_overflow");
	json_decref(ids);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM orders"), 5);
}

/* ---------- sealed quotes ---------- */

static void test_sealed_quotes_from_every_side(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, "public", FUTURE);
	int64_t qa = submit(f, &f->sme_a, d, E_A, 90000, QERR_OK, NULL);
	int64_t qb = submit(f, &f->sme_b, d, E_B, 85000, QERR_OK, NULL);
	assert_true(qa > 0 && qb > 0 && qa != qb);

	/* Each supplier sees only its own quote; sealed still says what the buyer sees. */
	json_t *o = quotes_as(f, &f->sme_a, d, QERR_OK);
	assert_true(json_is_true(json_object_get(o, "sealed")));
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 1);
	json_t *q = json_array_get(json_object_get(o, "quotes"), 0);
	assert_int_equal(json_integer_value(json_object_get(q, "id")), qa);
	assert_int_equal(json_integer_value(json_object_get(q, "amount_fen")), 90000LL * 1000);
	assert_string_equal(json_string_value(json_object_get(json_object_get(q, "supplier"), "uscc")), f->uscc[E_A]);
	assert_null(json_object_get(q, "scorecard"));
	json_decref(o);
	o = quotes_as(f, &f->sme_b, d, QERR_OK);
	assert_int_equal(json_array_size(json_object_get(o, "quotes")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(o, "quotes"), 0), "id")), qb);
	json_decref(o);

	/* The buyer and the operator: the count only. */
	const struct actor *sealed_viewers[] = {&f->buyer, &f->op};
	for (int i = 0; i < 2; i++) {
		o = quotes_as(f, sealed_viewers[i], d, QERR_OK);
		assert_true(json_is_true(json_object_get(o, "sealed")));
		assert_int_equal(json_integer_value(json_object_get(o, "count")), 2);
		assert_int_equal(json_array_size(json_object_get(o, "quotes")), 0);
		json_decref(o);
	}
	/* Anyone else: the quotes do not exist. */
	/* Anyone else who may read the public demand sees only its own quotes: none. */
	const struct actor *others[] = {&f->sme_c, &f->bank};
	for (int i = 0; i < 2; i++) {
		json_t *none = quotes_as(f, others[i], d, QERR_OK);
		assert_int_equal(json_integer_value(json_object_get(none, "count")), 0);
		assert_int_equal(json_array_size(json_object_get(none, "quotes")), 0);
		json_decref(none);
	}
	/* An invited demand stays unknown to them. */
	int64_t secret = demand(f, "invited", FUTURE);
	assert_null(quotes_as(f, &f->sme_c, secret, QERR_NOT_FOUND));
	assert_null(quotes_as(f, &f->bank, secret, QERR_NOT_FOUND));

	/* Award before unsealing is refused; the buyer closes early. */
	json_t *ids = json_pack("[I]", (json_int_t)qb), *out = NULL;
	struct qerror err = {0};
	assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "quotes_sealed");
	assert_int_equal(market_demand_close(f->db, &f->sme_a, d, &out, &err), QERR_FORBIDDEN);
	int64_t seq_before = testdb_scalar(f->db, "SELECT coalesce(max(version),0) FROM change_counters WHERE name='demands'");
	assert_int_equal(market_demand_close(f->db, &f->buyer, d, &out, &err), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "closed");
	assert_true(json_is_false(json_object_get(out, "sealed")));
	json_decref(out);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT seq FROM demands WHERE id=%lld", (long long)d);
	assert_int_equal(testdb_scalar(f->db, sql), seq_before + 1);
	assert_int_equal(market_demand_close(f->db, &f->buyer, d, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "demand_not_open");

	/* Unsealed: the buyer sees both, cheapest first, each with a scorecard; suppliers still only their own. */
	o = quotes_as(f, &f->buyer, d, QERR_OK);
	assert_true(json_is_false(json_object_get(o, "sealed")));
	json_t *list = json_object_get(o, "quotes");
	assert_int_equal(json_array_size(list), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "id")), qb);
	assert_non_null(json_object_get(json_array_get(list, 0), "scorecard"));
	json_decref(o);
	o = quotes_as(f, &f->sme_a, d, QERR_OK);
	assert_true(json_is_false(json_object_get(o, "sealed")));
	assert_int_equal(json_array_size(json_object_get(o, "quotes")), 1);
	json_decref(o);

	/* Closed: quotes can no longer change. */
	json_t *patch = json_pack("{s:I}", "unit_price_fen", (json_int_t)80000);
	assert_int_equal(market_quote_update(f->db, &f->sme_a, qa, patch, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "quote_deadline_passed");
	json_decref(patch);
	json_decref(ids);
}

static void test_deadline_unseals_and_freezes_quotes(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, "public", FUTURE);
	int64_t qa = submit(f, &f->sme_a, d, E_A, 100, QERR_OK, NULL);
	/* A second POST for the same supplier is a conflict; PATCH edits; another org cannot touch it. */
	submit(f, &f->sme_a, d, E_A, 120, QERR_CONFLICT, "quote_exists");
	json_t *patch = json_pack("{s:I,s:s}", "unit_price_fen", (json_int_t)95, "notes", "降价"), *out = NULL;
	struct qerror err = {0};
	assert_int_equal(market_quote_update(f->db, &f->sme_b, qa, patch, &out, &err), QERR_NOT_FOUND);
	assert_int_equal(market_quote_update(f->db, &f->buyer, qa, patch, &out, &err), QERR_NOT_FOUND);
	assert_int_equal(market_quote_update(f->db, &f->sme_a, qa, patch, &out, &err), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "unit_price_fen")), 95);
	assert_int_equal(json_integer_value(json_object_get(out, "amount_fen")), 95000);
	json_decref(out);
	/* Withdraw, then submit again in place (same id). */
	assert_int_equal(market_quote_withdraw(f->db, &f->sme_a, qa, &out, &err), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "withdrawn");
	json_decref(out);
	assert_int_equal(market_quote_update(f->db, &f->sme_a, qa, patch, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "quote_not_submitted");
	assert_int_equal(submit(f, &f->sme_a, d, E_A, 99, QERR_OK, NULL), qa);

	/* The deadline passes: editing, withdrawing and new quotes are 409, and the buyer sees all. */
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE demands SET deadline='%s' WHERE id=%lld", PAST, (long long)d);
	testdb_exec(f->db, sql);
	assert_int_equal(market_quote_update(f->db, &f->sme_a, qa, patch, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "quote_deadline_passed");
	assert_int_equal(market_quote_withdraw(f->db, &f->sme_a, qa, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "quote_deadline_passed");
	submit(f, &f->sme_b, d, E_B, 50, QERR_CONFLICT, "quote_deadline_passed");
	json_decref(patch);
	json_t *o = quotes_as(f, &f->buyer, d, QERR_OK);
	assert_true(json_is_false(json_object_get(o, "sealed")));
	assert_int_equal(json_array_size(json_object_get(o, "quotes")), 1);
	json_decref(o);
	/* After the deadline the buyer knows the quote: changing it is 403, not 404. */
	patch = json_pack("{s:I}", "unit_price_fen", (json_int_t)1);
	assert_int_equal(market_quote_update(f->db, &f->buyer, qa, patch, &out, &err), QERR_FORBIDDEN);
	json_decref(patch);
}

static void test_quote_rules(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, "public", FUTURE);
	/* Not an enterprise of the caller's organisation. */
	submit(f, &f->sme_a, d, E_B, 100, QERR_FORBIDDEN, "forbidden");
	/* The demand's own organisation may not quote. */
	submit(f, &f->buyer, d, E_BUYER, 100, QERR_INVALID, "own_demand");
	/* The operator acts for any enterprise. */
	assert_true(submit(f, &f->op, d, E_C, 100, QERR_OK, NULL) > 0);
	/* Bad times are 422 naming the field; a past validity too. */
	json_t *body = quote_body(f, E_A, 100, 10), *out = NULL;
	struct qerror err = {0};
	json_object_set_new(body, "valid_until", json_string("2026-02-30"));
	assert_int_equal(market_quote_submit(f->db, &f->sme_a, d, body, NULL, &out, &err), QERR_INVALID);
	assert_string_equal(err.field, "valid_until");
	json_object_set_new(body, "valid_until", json_string("2021-01-01T00:00:00Z"));
	assert_int_equal(market_quote_submit(f->db, &f->sme_a, d, body, NULL, &out, &err), QERR_INVALID);
	json_decref(body);
	assert_int_equal(market_quote_submit(f->db, &f->sme_a, 999999, body = quote_body(f, E_A, 1, 1), NULL, &out, &err),
			 QERR_NOT_FOUND);
	json_decref(body);
}

static void test_invite_only_demand(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, "invited", FUTURE);
	json_t *out = NULL, *list = json_pack("[s]", f->uscc[E_A]);
	struct qerror err = {0};
	/* Before any invitation nobody but the owner and the operator can see the demand. */
	submit(f, &f->sme_a, d, E_A, 100, QERR_NOT_FOUND, "demand_not_found");
	assert_int_equal(market_invite(f->db, &f->sme_a, d, list, &out, &err), QERR_NOT_FOUND);
	assert_int_equal(market_invite(f->db, &f->buyer, d, list, &out, &err), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	/* Inviting again changes nothing; inviting oneself is refused. */
	assert_int_equal(market_invite(f->db, &f->op, d, list, &out, &err), QERR_OK);
	json_decref(out);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM demand_invitations"), 1);
	json_decref(list);
	list = json_pack("[s]", f->uscc[E_BUYER]);
	assert_int_equal(market_invite(f->db, &f->buyer, d, list, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "own_demand");
	json_decref(list);
	/* SME A's other enterprise was not invited: 403; SME B cannot see the demand: 404. */
	submit(f, &f->sme_a, d, E_A2, 100, QERR_FORBIDDEN, "not_invited");
	submit(f, &f->sme_b, d, E_B, 100, QERR_NOT_FOUND, "demand_not_found");
	assert_true(submit(f, &f->sme_a, d, E_A, 100, QERR_OK, NULL) > 0);
	/* The invited organisation sees its invitation, with quoted=true; SME B gets 404. */
	assert_int_equal(market_invitations(f->db, &f->sme_a, d, &out, &err), QERR_OK);
	assert_true(json_is_true(json_object_get(json_array_get(json_object_get(out, "items"), 0), "quoted")));
	json_decref(out);
	/* While quotes are sealed the buyer sees the invitation but not whether that supplier quoted. */
	assert_int_equal(market_invitations(f->db, &f->buyer, d, &out, &err), QERR_OK);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(out, "items"), 0), "quoted")));
	json_decref(out);
	assert_int_equal(market_invitations(f->db, &f->sme_b, d, &out, &err), QERR_NOT_FOUND);
	char sql[200];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM notifications WHERE kind='invited' AND object_id=%lld AND enterprise_id=%lld",
		 (long long)d, (long long)f->eid[E_A]);
	assert_int_equal(testdb_scalar(f->db, sql), 1);
}

/* ---------- award and orders ---------- */

static json_t *act(struct fixture *f, const struct actor *a, int64_t order, enum market_order_action action,
		   const char *reason, enum qerr expect, const char *slug)
{
	json_t *out = NULL;
	struct qerror err = {0};
	enum qerr rc = market_order_act(f->db, a, order, action, reason, &out, &err);
	if (rc != expect)
		fail_msg("%s order %lld: got %d %s (%s), want %d", market_order_action_names[action], (long long)order, rc,
			 err.slug, err.message, expect);
	if (slug)
		assert_string_equal(err.slug, slug);
	return out;
}

static void test_award_places_orders_and_the_order_path(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, "public", FUTURE);
	int64_t qa = submit(f, &f->sme_a, d, E_A, 90000, QERR_OK, NULL);
	int64_t qb = submit(f, &f->sme_b, d, E_B, 85000, QERR_OK, NULL);
	int64_t qc = submit(f, &f->sme_c, d, E_C, 99000, QERR_OK, NULL);
	json_t *out = NULL;
	struct qerror err = {0};
	assert_int_equal(market_demand_close(f->db, &f->buyer, d, &out, &err), QERR_OK);
	json_decref(out);
	/* Ids of another demand, duplicates and non-integers are refused. */
	json_t *ids = json_pack("[I,I]", (json_int_t)qa, (json_int_t)qa);
	assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_INVALID);
	json_decref(ids);
	ids = json_pack("[s]", "1");
	assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_INVALID);
	json_decref(ids);
	ids = json_pack("[I]", (json_int_t)999999);
	assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "quote_not_found");
	json_decref(ids);
	ids = json_pack("[I,I]", (json_int_t)qb, (json_int_t)qa);
	assert_int_equal(market_award(f->db, &f->sme_a, d, ids, &out, &err), QERR_FORBIDDEN);
	assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "demand"), "status")), "awarded");
	json_t *orders = json_object_get(out, "orders");
	assert_int_equal(json_array_size(orders), 2);
	json_t *ob = json_array_get(orders, 0);
	int64_t order_b = json_integer_value(json_object_get(ob, "id"));
	int64_t order_a = json_integer_value(json_object_get(json_array_get(orders, 1), "id"));
	assert_int_equal(json_integer_value(json_object_get(ob, "amount_fen")), 85000LL * 1000);
	assert_string_equal(json_string_value(json_object_get(ob, "status")), "placed");
	/* due_at = placed_at + 30 days. */
	char due[RFQ_TIME_LEN];
	rfq_format_time(util_now_unix() + 30 * 86400, due);
	assert_memory_equal(json_string_value(json_object_get(ob, "due_at")), due, 10);
	json_decref(out);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT status='declined' FROM quotes WHERE id=%lld", (long long)qc);
	assert_int_equal(testdb_scalar(f->db, sql), 1);
	snprintf(sql, sizeof sql, "SELECT seq=(SELECT version FROM change_counters WHERE name='demands') FROM demands WHERE id=%lld",
		 (long long)d);
	assert_int_equal(testdb_scalar(f->db, sql), 1);
	/* Awarding twice is a conflict. */
	assert_int_equal(market_award(f->db, &f->buyer, d, ids, &out, &err), QERR_CONFLICT);
	assert_string_equal(err.slug, "demand_not_open");
	json_decref(ids);

	/* Who sees which order. */
	assert_int_equal(market_order_get(f->db, &f->sme_a, order_b, &out, &err), QERR_NOT_FOUND);
	assert_int_equal(market_order_get(f->db, &f->sme_c, order_b, &out, &err), QERR_NOT_FOUND);
	assert_int_equal(market_order_get(f->db, &f->bank, order_b, &out, &err), QERR_NOT_FOUND);
	assert_int_equal(market_order_get(f->db, &f->op, order_b, &out, &err), QERR_OK);
	json_decref(out);
	struct market_order_filter filter = {.role = "supplier"};
	assert_int_equal(market_order_list(f->db, &f->sme_b, &filter, &out, &err), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	filter.role = "buyer";
	assert_int_equal(market_order_list(f->db, &f->sme_b, &filter, &out, &err), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
	assert_int_equal(market_order_list(f->db, &f->buyer, &filter, &out, &err), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
	json_decref(out);
	filter.role = "seller";
	assert_int_equal(market_order_list(f->db, &f->buyer, &filter, &out, &err), QERR_INVALID);

	/* The path: wrong party 403, wrong status 409, not a party 404. */
	act(f, &f->buyer, order_b, ORDER_SHIP, NULL, QERR_FORBIDDEN, "forbidden");
	act(f, &f->sme_a, order_b, ORDER_SHIP, NULL, QERR_NOT_FOUND, "order_not_found");
	act(f, &f->sme_b, order_b, ORDER_DELIVER, NULL, QERR_CONFLICT, "illegal_transition");
	act(f, &f->buyer, order_b, ORDER_ACCEPT, NULL, QERR_CONFLICT, "illegal_transition");
	json_decref(act(f, &f->sme_b, order_b, ORDER_SHIP, NULL, QERR_OK, NULL));
	act(f, &f->sme_b, order_b, ORDER_SHIP, NULL, QERR_CONFLICT, "illegal_transition");
	json_decref(act(f, &f->sme_b, order_b, ORDER_DELIVER, NULL, QERR_OK, NULL));
	act(f, &f->sme_b, order_b, ORDER_ACCEPT, NULL, QERR_FORBIDDEN, "forbidden");
	act(f, &f->buyer, order_b, ORDER_REJECT, "", QERR_INVALID, "reason_required");
	out = act(f, &f->buyer, order_b, ORDER_ACCEPT, NULL, QERR_OK, NULL);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "accepted");
	assert_true(json_is_true(json_object_get(out, "on_time")));
	json_t *events = json_object_get(out, "events");
	assert_int_equal(json_array_size(events), 4);
	assert_true(json_is_null(json_object_get(json_array_get(events, 0), "from")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(events, 3), "from")), "delivered");
	assert_string_equal(json_string_value(json_object_get(json_array_get(events, 3), "to")), "accepted");
	json_decref(out);
	act(f, &f->buyer, order_b, ORDER_REJECT, "晚了", QERR_CONFLICT, "illegal_transition");

	/* The other order is rejected with a reason; the operator may take either side's step. */
	json_decref(act(f, &f->op, order_a, ORDER_SHIP, NULL, QERR_OK, NULL));
	json_decref(act(f, &f->sme_a, order_a, ORDER_DELIVER, NULL, QERR_OK, NULL));
	out = act(f, &f->buyer, order_a, ORDER_REJECT, "尺寸不符", QERR_OK, NULL);
	assert_string_equal(json_string_value(json_object_get(out, "reject_reason")), "尺寸不符");
	assert_non_null(json_string_value(json_object_get(out, "closed_at")));
	json_decref(out);

	/* Scorecards from the real orders. */
	struct market_scorecard sc;
	assert_int_equal(market_scorecard(f->db, f->eid[E_B], &sc, &err), QERR_OK);
	assert_int_equal(sc.orders, 1);
	assert_int_equal(sc.accepted, 1);
	assert_true(sc.on_time_rate == 1.0 && sc.acceptance_rate == 1.0);
	assert_int_equal(market_scorecard(f->db, f->eid[E_A], &sc, &err), QERR_OK);
	assert_true(sc.acceptance_rate == 0.0);
	assert_int_equal(market_scorecard(f->db, f->eid[E_C], &sc, &err), QERR_OK);
	assert_int_equal(sc.quotes, 1);
	assert_int_equal(sc.orders, 0);
	assert_true(sc.on_time_rate < 0 && sc.acceptance_rate < 0);
	/* One 'order' notification per order and side, unread again after each step, with the newest title. */
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM notifications WHERE kind='order' AND object_id=%lld AND enterprise_id=%lld"
		 " AND read_at IS NULL AND title LIKE '%%送达%%'",
		 (long long)order_b, (long long)f->eid[E_BUYER]);
	assert_int_equal(testdb_scalar(f->db, sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM notifications WHERE kind='awarded' AND enterprise_id=%lld",
		 (long long)f->eid[E_B]);
	assert_int_equal(testdb_scalar(f->db, sql), 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action LIKE 'order.%'"), 6);
}

/* ---------- scorecard arithmetic ---------- */

static int64_t scorecard_quotes(struct fixture *f, int e)
{
	struct market_scorecard sc;
	struct qerror err = {0};
	assert_int_equal(market_scorecard(f->db, f->eid[e], &sc, &err), QERR_OK);
	return sc.quotes;
}

static void test_scorecard_counts_no_sealed_quote(void **state)
{
	struct fixture *f = *state;
	/* Quotes on a demand before its deadline, or on one without a deadline, are sealed: not counted. */
	int64_t before_deadline = demand(f, "public", FUTURE), no_deadline = demand(f, "public", NULL);
	int64_t closing = demand(f, "public", FUTURE);
	submit(f, &f->sme_a, before_deadline, E_A, 100, QERR_OK, NULL);
	int64_t qn = submit(f, &f->sme_a, no_deadline, E_A, 100, QERR_OK, NULL);
	submit(f, &f->sme_a, closing, E_A, 100, QERR_OK, NULL);
	submit(f, &f->sme_b, closing, E_B, 100, QERR_OK, NULL);
	assert_int_equal(scorecard_quotes(f, E_A), 0);
	assert_int_equal(scorecard_quotes(f, E_B), 0);
	json_t *out = NULL;
	struct qerror err = {0};
	assert_int_equal(market_scorecard_get(f->db, &f->sme_c, f->uscc[E_A], &out, &err), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "quotes")), 0);
	json_decref(out);
	/* Closed early: its quotes are open and count. */
	assert_int_equal(market_demand_close(f->db, &f->buyer, closing, &out, &err), QERR_OK);
	json_decref(out);
	assert_int_equal(scorecard_quotes(f, E_A), 1);
	assert_int_equal(scorecard_quotes(f, E_B), 1);
	/* The deadline passes. */
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE demands SET deadline='%s' WHERE id=%lld", PAST, (long long)before_deadline);
	testdb_exec(f->db, sql);
	assert_int_equal(scorecard_quotes(f, E_A), 2);
	/* A withdrawn quote never counts, even once its demand is closed. */
	assert_int_equal(market_quote_withdraw(f->db, &f->sme_a, qn, &out, &err), QERR_OK);
	json_decref(out);
	assert_int_equal(market_demand_close(f->db, &f->buyer, no_deadline, &out, &err), QERR_OK);
	json_decref(out);
	assert_int_equal(scorecard_quotes(f, E_A), 2);
}

static void test_scorecard_arithmetic_on_hand_made_orders(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, "public", FUTURE);
	char sql[1024];
	/* Quotes for E_B (one per order: orders.quote_id is unique), on five demands. */
	static const struct {
		const char *status, *due, *delivered;
		long long amount;
	} rows[] = {
		{"accepted", "2026-05-10T00:00:00Z", "2026-05-09T00:00:00Z", 1000},   /* on time */
		{"rejected", "2026-05-10T00:00:00Z", "2026-05-11T00:00:00Z", 2000},   /* late */
		{"delivered", "2026-05-10T00:00:00Z", "2026-05-10T00:00:00Z", 3000},  /* on time, to the second */
		{"placed", "2026-05-10T00:00:00Z", NULL, 4000},
		{"accepted", "2026-05-10T00:00:00Z", "2026-06-01T00:00:00Z", 5000},   /* late */
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		int64_t di = i == 0 ? d : demand(f, "public", FUTURE);
		snprintf(sql, sizeof sql,
			 "INSERT INTO quotes(demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,status,"
			 "created_at,updated_at) VALUES(%lld,%lld,%lld,1,10,'2099-01-01T00:00:00Z','awarded','x','x')"
			 " RETURNING id",
			 (long long)di, (long long)f->eid[E_B], rows[i].amount);
		long long quote = testdb_scalar(f->db, sql);
		snprintf(sql, sizeof sql,
			 "INSERT INTO orders(quote_id,demand_id,buyer_id,supplier_id,quantity,unit_price_fen,amount_fen,status,"
			 "placed_at,due_at,delivered_at,updated_at) VALUES(%lld,%lld,%lld,%lld,1,%lld,%lld,'%s',"
			 "'2026-05-01T00:00:00Z','%s',%s%s%s,'x')",
			 quote, (long long)di, (long long)f->eid[E_BUYER], (long long)f->eid[E_B], rows[i].amount,
			 rows[i].amount, rows[i].status, rows[i].due, rows[i].delivered ? "'" : "",
			 rows[i].delivered ? rows[i].delivered : "NULL", rows[i].delivered ? "'" : "");
		testdb_exec(f->db, sql);
	}
	struct market_scorecard sc;
	struct qerror err = {0};
	assert_int_equal(market_scorecard(f->db, f->eid[E_B], &sc, &err), QERR_OK);
	assert_int_equal(sc.orders, 5);
	assert_int_equal(sc.open, 1);
	assert_int_equal(sc.delivered, 4);
	assert_int_equal(sc.on_time, 2);
	assert_int_equal(sc.accepted, 2);
	assert_int_equal(sc.rejected, 1);
	assert_int_equal(sc.value_fen, 15000);
	assert_int_equal(sc.quotes, 5);
	assert_int_equal(sc.awarded, 5);
	assert_true(sc.on_time_rate == 0.5);
	assert_true(sc.acceptance_rate > 0.6666 && sc.acceptance_rate < 0.6667);
	json_t *j = market_scorecard_json(&sc);
	assert_true(json_real_value(json_object_get(j, "on_time_rate")) == 0.5);
	json_decref(j);
	/* No orders: null rates. */
	assert_int_equal(market_scorecard(f->db, f->eid[E_A], &sc, &err), QERR_OK);
	j = market_scorecard_json(&sc);
	assert_true(json_is_null(json_object_get(j, "on_time_rate")));
	assert_true(json_is_null(json_object_get(j, "acceptance_rate")));
	assert_int_equal(json_integer_value(json_object_get(j, "orders")), 0);
	json_decref(j);
	/* By USCC, for everyone; an unknown one is 404. */
	assert_int_equal(market_scorecard_get(f->db, &f->bank, f->uscc[E_B], &j, &err), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "delivered")), 4);
	json_decref(j);
	char other[USCC_LEN + 1];
	uscc_generate("320583", 99999, other);
	assert_int_equal(market_scorecard_get(f->db, &f->bank, other, &j, &err), QERR_NOT_FOUND);

	/* Statistics: operator only, by the demand's delivery province and chain. */
	assert_int_equal(market_stats(f->db, &f->buyer, NULL, NULL, &j, &err), QERR_FORBIDDEN);
	testdb_exec(f->db, "INSERT INTO match_impressions VALUES('2026-05-02','32','nev',3,25)");
	testdb_exec(f->db, "INSERT INTO match_impressions VALUES('2025-01-01','32','nev',1,10)");
	assert_int_equal(market_stats(f->db, &f->op, NULL, NULL, &j, &err), QERR_OK);
	json_t *t = json_object_get(j, "totals");
	assert_int_equal(json_integer_value(json_object_get(t, "demands")), 5);
	assert_int_equal(json_integer_value(json_object_get(t, "quotes")), 5);
	assert_int_equal(json_integer_value(json_object_get(t, "orders")), 5);
	assert_int_equal(json_integer_value(json_object_get(t, "order_value_fen")), 15000);
	assert_int_equal(json_integer_value(json_object_get(t, "matches_shown")), 35);
	assert_int_equal(json_integer_value(json_object_get(t, "match_requests")), 4);
	json_t *p = json_array_get(json_object_get(j, "by_province"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "province")), "32");
	assert_string_equal(json_string_value(json_object_get(p, "name")), "江苏省");
	json_t *c = json_array_get(json_object_get(j, "by_chain"), 0);
	assert_string_equal(json_string_value(json_object_get(c, "chain")), "nev");
	assert_string_equal(json_string_value(json_object_get(c, "name")), "新能源汽车产业链");
	assert_int_equal(json_integer_value(json_object_get(c, "order_value_fen")), 15000);
	json_decref(j);
	assert_int_equal(market_stats(f->db, &f->op, "2026-01-01", "2026-12-31", &j, &err), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "totals"), "matches_shown")), 25);
	json_decref(j);
	assert_int_equal(market_stats(f->db, &f->op, "2026-13-01", NULL, &j, &err), QERR_INVALID);
	assert_string_equal(err.field, "from");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_state_machine_every_combination),
	    cmocka_unit_test_setup_teardown(test_amount_overflow, setup, testdb_teardown),
	    cmocka_unit_test(test_fen_arithmetic_is_checked),
	    cmocka_unit_test_setup_teardown(test_quote_limits, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_money_sums_at_and_beyond_the_limits, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_sealed_quotes_from_every_side, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_deadline_unseals_and_freezes_quotes, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_quote_rules, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_invite_only_demand, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_award_places_orders_and_the_order_path, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_scorecard_arithmetic_on_hand_made_orders, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_scorecard_counts_no_sealed_quote, setup, testdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
