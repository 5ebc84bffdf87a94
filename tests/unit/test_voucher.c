/*
 * test_voucher.c - innovation vouchers against a real database file, with
 * bills scripted through voucher_set_bill_source and the day moved through
 * the innovation clock (QILIAN_TEST_CLOCK_FILE): the voucher part's
 * arithmetic (share half up, balance, cap), the yearly cap across two
 * vouchers and its new year, validity edges (first day, last day, the day
 * before and after, in Asia/Shanghai around UTC midnight), a booking applied
 * twice, a voucher drained across bookings and never beyond its amount,
 * claim -> approve / reject with the return movement, who may do what, and
 * voucher_verify catching a ledger row written behind the domain's back.
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

#include "registry/uscc.h"
#include "sharing/challenge.h"
#include "sharing/voucher.h"
#include "testkit.h"

#define NBOOK 8

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor op, owner, sme, other_sme;
	char sme_uscc[USCC_LEN + 1], other_uscc[USCC_LEN + 1], large_uscc[USCC_LEN + 1];
	int64_t sme_e, other_e, owner_e;
	char clock[128];
};

/* Scripted bills: booking i (1..NBOOK) costs bills[i], booked by the SME unless booker_other. */
static struct {
	int64_t cost[NBOOK + 1];
	const char *state[NBOOK + 1];
	int64_t owner_org, sme_org, sme_e, other_org, other_e;
	bool booker_other[NBOOK + 1];
} script;

static enum qerr scripted_bill(struct db *db, int64_t booking_id, struct voucher_bill *bill, struct qerror *err)
{
	(void)db;
	if (booking_id < 1 || booking_id > NBOOK)
		return qerr_set(err, QERR_NOT_FOUND, "booking_not_found", "booking", "no booking %lld",
				(long long)booking_id);
	memset(bill, 0, sizeof *bill);
	bill->booking_id = booking_id;
	bill->owner_org_id = script.owner_org;
	bill->booker_org_id = script.booker_other[booking_id] ? script.other_org : script.sme_org;
	bill->booker_enterprise_id = script.booker_other[booking_id] ? script.other_e : script.sme_e;
	bill->minutes_used = 120;
	bill->cost_fen = script.cost[booking_id];
	snprintf(bill->state, sizeof bill->state, "%s",
		 script.state[booking_id] ? script.state[booking_id] : "completed");
	snprintf(bill->resource, sizeof bill->resource, "盐雾试验箱");
	return QERR_OK;
}

static void set_clock(struct fixture *f, const char *iso)
{
	FILE *fp = fopen(f->clock, "w");
	assert_non_null(fp);
	fputs(iso, fp);
	fclose(fp);
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "voucher");
	if (!f)
		return -1;
	f->db = f->t.db;
	snprintf(f->clock, sizeof f->clock, "%s/clock", f->t.dir);
	setenv("QILIAN_TEST_CLOCK_FILE", f->clock, 1);
	set_clock(f, "2026-03-10T02:00:00Z");
	testkit_org_actor(f->db, &f->op, 100, "苏州市中小企业服务中心", ORG_OPERATOR, ROLE_ADMIN);
	int64_t owner_org = testkit_org_actor(f->db, &f->owner, 101, "苏州检测中心", ORG_LARGE, ROLE_ADMIN);
	int64_t sme_org = testkit_org_actor(f->db, &f->sme, 102, "昆山精锐模具", ORG_SME, ROLE_ADMIN);
	int64_t other_org = testkit_org_actor(f->db, &f->other_sme, 103, "太仓宏达", ORG_SME, ROLE_ADMIN);
	uscc_generate("320583", 7001, f->sme_uscc);
	uscc_generate("320585", 7002, f->other_uscc);
	uscc_generate("320506", 7003, f->large_uscc);
	f->sme_e = testkit_enterprise(f->db, &f->sme, f->sme_uscc, "昆山精锐模具,320583,35,86,5200,4100,provincial");
	f->other_e = testkit_enterprise(f->db, &f->other_sme, f->other_uscc, "太仓宏达,320585,35,60,3000,2000,none");
	f->owner_e =
	    testkit_enterprise(f->db, &f->owner, f->large_uscc, "苏州检测中心,320506,36,3200,860000,1250000,none");
	memset(&script, 0, sizeof script);
	script.owner_org = owner_org;
	script.sme_org = sme_org;
	script.sme_e = f->sme_e;
	script.other_org = other_org;
	script.other_e = f->other_e;
	for (int i = 1; i <= NBOOK; i++)
		script.cost[i] = 100000; /* 1000 yuan */
	voucher_set_bill_source(scripted_bill);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	voucher_set_bill_source(NULL);
	unsetenv("QILIAN_TEST_CLOCK_FILE");
	return testdb_teardown(state);
}

/* Issues a voucher to uscc; returns its id. */
static int64_t issue(struct fixture *f, const char *uscc, int64_t amount, int64_t share_bp, const char *from,
		     const char *until, int64_t cap)
{
	json_t *body = json_pack("{s:s,s:I,s:I,s:s,s:s,s:I}", "enterprise", uscc, "amount_fen", (json_int_t)amount,
				 "share_bp", (json_int_t)share_bp, "valid_from", from, "valid_until", until,
				 "yearly_cap_fen", (json_int_t)cap);
	json_t *out = NULL;
	struct qerror e = {0};
	if (voucher_issue(f->db, &f->op, body, &out, &e))
		fail_msg("voucher_issue: %s %s", e.slug, e.message);
	json_decref(body);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

/* Applies voucher v to booking b as the SME: the code, and the voucher part on success. */
static enum qerr apply(struct fixture *f, int64_t v, int64_t b, int64_t *part, struct qerror *e)
{
	json_t *out = NULL;
	memset(e, 0, sizeof *e);
	enum qerr rc = voucher_apply(f->db, &f->sme, v, b, &out, e);
	if (!rc && part)
		*part = json_integer_value(json_object_get(out, "voucher_fen"));
	if (!rc) {
		assert_int_equal(json_integer_value(json_object_get(out, "voucher_fen")) +
				     json_integer_value(json_object_get(out, "sme_fen")),
				 json_integer_value(json_object_get(out, "bill_fen")));
	}
	json_decref(out);
	return rc;
}

static int64_t balance(struct fixture *f, int64_t v)
{
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(voucher_get(f->db, &f->op, v, &out, &e), QERR_OK);
	int64_t b = json_integer_value(json_object_get(out, "balance_fen"));
	json_decref(out);
	return b;
}

static void expect_verified(struct fixture *f)
{
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(voucher_verify(f->db, &f->op, &out, &e), QERR_OK);
	if (!json_is_true(json_object_get(out, "ok")))
		fail_msg("ledger problems: %s", json_dumps(json_object_get(out, "problems"), 0));
	json_decref(out);
}

static void test_voucher_part_arithmetic(void **state)
{
	(void)state;
	int64_t p;
	struct qerror e = {0};
	/* 50 % of 1 fen is 0.5 fen: half up gives 1. */
	assert_int_equal(voucher_part(1, 5000, 100, 100, &p, &e), QERR_OK);
	assert_int_equal(p, 1);
	/* 33.33 % of 10001 fen = 3333.3333: 3333. */
	assert_int_equal(voucher_part(10001, 3333, INT64_MAX, INT64_MAX, &p, &e), QERR_OK);
	assert_int_equal(p, 3333);
	/* Limited by the balance, then by the cap. */
	assert_int_equal(voucher_part(100000, 5000, 20000, 30000, &p, &e), QERR_OK);
	assert_int_equal(p, 20000);
	assert_int_equal(voucher_part(100000, 5000, 90000, 30000, &p, &e), QERR_OK);
	assert_int_equal(p, 30000);
	assert_int_equal(voucher_part(100000, 10000, 0, 30000, &p, &e), QERR_OK);
	assert_int_equal(p, 0);
	/* A bill near INT64_MAX does not wrap: the product is formed in 128 bits. */
	assert_int_equal(voucher_part(INT64_MAX, 10000, INT64_MAX, INT64_MAX, &p, &e), QERR_OK);
	assert_int_equal(p, INT64_MAX);
	assert_int_equal(voucher_part(-1, 5000, 1, 1, &p, &e), QERR_INVALID);
}

static void test_yearly_cap_across_two_vouchers(void **state)
{
	struct fixture *f = *state;
	/* Two vouchers of 800 yuan each, 100 % share, yearly cap 1200 yuan. */
	int64_t v1 = issue(f, f->sme_uscc, 80000, 10000, "2026-01-01", "2027-12-31", 120000);
	int64_t v2 = issue(f, f->sme_uscc, 80000, 10000, "2026-01-01", "2027-12-31", 120000);
	int64_t part;
	struct qerror e;
	assert_int_equal(apply(f, v1, 1, &part, &e), QERR_OK);
	assert_int_equal(part, 80000); /* the whole voucher (bill 1000 yuan) */
	assert_int_equal(apply(f, v2, 2, &part, &e), QERR_OK);
	assert_int_equal(part, 40000); /* only 400 yuan of the year's cap are left */
	assert_int_equal(balance(f, v2), 40000);
	assert_int_equal(apply(f, v2, 3, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "yearly_cap_reached");
	/* A new calendar year (Shanghai: 2027-01-01 00:30 is still 2026 in UTC) opens the cap again. */
	set_clock(f, "2026-12-31T16:30:00Z");
	assert_int_equal(apply(f, v2, 3, &part, &e), QERR_OK);
	assert_int_equal(part, 40000); /* now the balance limits */
	assert_int_equal(balance(f, v2), 0);
	assert_int_equal(apply(f, v2, 4, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "voucher_exhausted");
	expect_verified(f);
}

static void test_validity_edges(void **state)
{
	struct fixture *f = *state;
	int64_t v = issue(f, f->sme_uscc, 1000000, 5000, "2026-04-01", "2026-04-30", 10000000);
	struct qerror e;
	int64_t part;
	/* 2026-03-31T16:00:00Z is 2026-04-01 00:00 in Shanghai: the first valid day. One second before is not. */
	set_clock(f, "2026-03-31T15:59:59Z");
	assert_int_equal(apply(f, v, 1, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "voucher_not_valid");
	set_clock(f, "2026-03-31T16:00:00Z");
	assert_int_equal(apply(f, v, 1, &part, &e), QERR_OK);
	assert_int_equal(part, 50000);
	/* The last day until Shanghai midnight (2026-04-30T16:00:00Z). */
	set_clock(f, "2026-04-30T15:59:59Z");
	assert_int_equal(apply(f, v, 2, &part, &e), QERR_OK);
	set_clock(f, "2026-04-30T16:00:00Z");
	assert_int_equal(apply(f, v, 3, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "voucher_not_valid");
	/* Validity is checked on issue too. */
	json_t *body = json_pack("{s:s,s:i,s:i,s:s,s:s,s:i}", "enterprise", f->sme_uscc, "amount_fen", 100, "share_bp",
				 5000, "valid_from", "2026-05-02", "valid_until", "2026-05-01", "yearly_cap_fen", 100);
	json_t *out = NULL;
	assert_int_equal(voucher_issue(f->db, &f->op, body, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "valid_until");
	json_decref(body);
}

static void test_double_application_and_states(void **state)
{
	struct fixture *f = *state;
	int64_t v = issue(f, f->sme_uscc, 1000000, 5000, "2026-01-01", "2026-12-31", 10000000);
	int64_t other = issue(f, f->sme_uscc, 1000000, 5000, "2026-01-01", "2026-12-31", 10000000);
	struct qerror e;
	int64_t part;
	assert_int_equal(apply(f, v, 1, &part, &e), QERR_OK);
	assert_int_equal(apply(f, v, 1, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "already_applied");
	/* Another voucher on the same booking is a second application too. */
	assert_int_equal(apply(f, other, 1, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "already_applied");
	/* A booking not completed, one booked by another SME, an unknown one. */
	script.state[2] = "checked_in";
	assert_int_equal(apply(f, v, 2, &part, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "booking_not_completed");
	script.booker_other[3] = true;
	assert_int_equal(apply(f, v, 3, &part, &e), QERR_NOT_FOUND);
	assert_int_equal(apply(f, v, 99, &part, &e), QERR_NOT_FOUND);
	/* The other SME cannot use this SME's voucher; a large enterprise cannot apply at all. */
	json_t *out = NULL;
	assert_int_equal(voucher_apply(f->db, &f->other_sme, v, 3, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(voucher_apply(f->db, &f->owner, v, 1, &out, &e), QERR_FORBIDDEN);
	expect_verified(f);
}

static void test_drained_never_beyond_amount(void **state)
{
	struct fixture *f = *state;
	/* 1234.56 yuan at 70 %: bills of 1000 yuan take 700, then 534.56, then nothing. */
	int64_t v = issue(f, f->sme_uscc, 123456, 7000, "2026-01-01", "2026-12-31", 10000000);
	struct qerror e;
	int64_t part, total = 0;
	for (int b = 1; b <= NBOOK; b++) {
		enum qerr rc = apply(f, v, b, &part, &e);
		if (rc) {
			assert_string_equal(e.slug, "voucher_exhausted");
			continue;
		}
		total += part;
	}
	assert_int_equal(total, 123456);
	assert_int_equal(balance(f, v), 0);
	expect_verified(f);
}

static void test_claim_approve_reject(void **state)
{
	struct fixture *f = *state;
	int64_t v = issue(f, f->sme_uscc, 100000, 5000, "2026-01-01", "2026-12-31", 10000000);
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(voucher_apply(f->db, &f->sme, v, 1, &out, &e), QERR_OK);
	int64_t app1 = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(voucher_apply(f->db, &f->sme, v, 2, &out, &e), QERR_OK);
	int64_t app2 = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(balance(f, v), 0);
	/* Only the owner claims; the operator decides only claimed applications. */
	assert_int_equal(voucher_decide(f->db, &f->op, app1, true, NULL, &out, &e), QERR_CONFLICT);
	assert_int_equal(voucher_claim(f->db, &f->sme, app1, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(voucher_claim(f->db, &f->other_sme, app1, &out, &e), QERR_NOT_FOUND);
	/* The operator organisation with an enterprise of its own is told a claim awaits it. */
	char op_uscc[USCC_LEN + 1], sql[200];
	uscc_generate("320505", 7004, op_uscc);
	int64_t op_e = testkit_enterprise(f->db, &f->op, op_uscc, "苏州市中小企业服务中心,320505,72,40,2000,1500,none");
	snprintf(sql, sizeof sql, "UPDATE enterprises SET org_id=%lld WHERE id=%lld", (long long)f->op.org_id,
		 (long long)op_e);
	testdb_exec(f->db, sql);
	assert_int_equal(voucher_claim(f->db, &f->owner, app1, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "claimed");
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM notifications WHERE kind='voucher_claim'"), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "usage_record"), "cost_fen")), 100000);
	json_decref(out);
	assert_int_equal(voucher_claim(f->db, &f->owner, app1, &out, &e), QERR_CONFLICT);
	assert_int_equal(voucher_decide(f->db, &f->owner, app1, true, NULL, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(voucher_decide(f->db, &f->op, app1, true, NULL, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "approved");
	json_decref(out);
	/* A rejection returns the part to the voucher and frees the booking. */
	assert_int_equal(voucher_claim(f->db, &f->owner, app2, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(voucher_decide(f->db, &f->op, app2, false, "", &out, &e), QERR_INVALID);
	assert_int_equal(voucher_decide(f->db, &f->op, app2, false, "使用记录与预约不符", &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(balance(f, v), 50000);
	assert_int_equal(
	    testdb_scalar(f->db, "SELECT count(*) FROM voucher_movements WHERE kind='return' AND amount_fen=-50000"),
	    1);
	int64_t part;
	assert_int_equal(apply(f, v, 2, &part, &e), QERR_OK);
	assert_int_equal(part, 50000);
	/* The owner's bill shows both parts. */
	assert_int_equal(voucher_booking_view(f->db, &f->owner, 1, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "voucher_fen")), 50000);
	assert_int_equal(json_integer_value(json_object_get(out, "sme_fen")), 50000);
	json_decref(out);
	assert_int_equal(voucher_booking_view(f->db, &f->other_sme, 1, &out, &e), QERR_NOT_FOUND);
	expect_verified(f);
}

static void test_verify_catches_overspend(void **state)
{
	struct fixture *f = *state;
	int64_t v = issue(f, f->sme_uscc, 1000, 10000, "2026-01-01", "2026-12-31", 10000000);
	struct qerror e;
	int64_t part;
	assert_int_equal(apply(f, v, 1, &part, &e), QERR_OK);
	expect_verified(f);
	/* A movement written behind the domain's back: the check names the voucher. */
	char sql[400];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO voucher_movements(voucher_id,application_id,enterprise_id,year,kind,amount_fen,created_at)"
	    " SELECT %lld,id,enterprise_id,year,'use',500,'2026-03-10T02:00:00Z' FROM voucher_applications",
	    (long long)v);
	testdb_exec(f->db, sql);
	json_t *out = NULL;
	assert_int_equal(voucher_verify(f->db, &f->op, &out, &e), QERR_OK);
	assert_false(json_is_true(json_object_get(out, "ok")));
	assert_true(json_array_size(json_object_get(out, "problems")) >= 2);
	json_decref(out);
	/* The ledger is append-only. */
	struct db_stmt *st = db_prepare_dynamic(f->db, "DELETE FROM voucher_movements", &e);
	assert_non_null(st);
	assert_int_not_equal(db_run(st, &e), QERR_OK);
	db_finalize(st);
	assert_int_equal(voucher_verify(f->db, &f->sme, &out, &e), QERR_FORBIDDEN);
}

static void test_issue_rules(void **state)
{
	struct fixture *f = *state;
	json_t *body =
	    json_pack("{s:s,s:i,s:i,s:s,s:s,s:i}", "enterprise", f->large_uscc, "amount_fen", 100, "share_bp", 5000,
		      "valid_from", "2026-01-01", "valid_until", "2026-12-31", "yearly_cap_fen", 100);
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(voucher_issue(f->db, &f->op, body, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "not_sme");
	json_object_set_new(body, "enterprise", json_string(f->sme_uscc));
	assert_int_equal(voucher_issue(f->db, &f->owner, body, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(voucher_issue(f->db, &f->sme, body, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(voucher_issue(f->db, &f->op, body, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "code")), "CXQ-2026-000001");
	json_decref(out);
	json_decref(body);
	/* The SME sees its own vouchers only; the other SME none; a large enterprise may not list. */
	assert_int_equal(voucher_list(f->db, &f->sme, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	assert_int_equal(voucher_list(f->db, &f->other_sme, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
	assert_int_equal(voucher_list(f->db, &f->owner, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM notifications WHERE kind='voucher_issued'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_voucher_part_arithmetic),
	    cmocka_unit_test_setup_teardown(test_yearly_cap_across_two_vouchers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_validity_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_double_application_and_states, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drained_never_beyond_amount, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_claim_approve_reject, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_catches_overspend, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_issue_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
