/*
 * test_money.c - checked fen arithmetic: every overflow edge of add, sub,
 * mul and sum; the digits-only parser; basis-point interest against hand
 * computed discounts and exactly at half a fen; equal and weighted splits
 * at 0, 1 fen and INT64_MAX, and a property test that random weighted
 * splits add up and stay within a fen of the exact share.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/money.h"

typedef unsigned __int128 u128;

static struct qerror e;

/* Expects rc to be an error with slug; the output must be untouched. */
static void expect_error(enum qerr rc, enum qerr code, const char *slug)
{
	assert_int_equal(rc, code);
	assert_int_equal(e.code, code);
	assert_string_equal(e.slug, slug);
	assert_true(e.message[0] != 0);
	memset(&e, 0, sizeof e);
}

static void test_add_and_sub_stop_at_the_int64_edges(void **state)
{
	(void)state;
	int64_t r = 0;
	assert_int_equal(money_add(1, 2, &r, &e), QERR_OK);
	assert_int_equal(r, 3);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &r, &e), QERR_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_add(INT64_MIN, INT64_MAX, &r, &e), QERR_OK);
	assert_int_equal(r, -1);
	r = 77;
	expect_error(money_add(INT64_MAX, 1, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_add(INT64_MIN, -1, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_add(INT64_MAX, INT64_MAX, &r, &e), QERR_INVALID, "amount_overflow");
	assert_int_equal(r, 77);

	assert_int_equal(money_sub(10, 3, &r, &e), QERR_OK);
	assert_int_equal(r, 7);
	assert_int_equal(money_sub(0, INT64_MAX, &r, &e), QERR_OK);
	assert_int_equal(r, -INT64_MAX);
	r = 77;
	expect_error(money_sub(INT64_MIN, 1, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_sub(0, INT64_MIN, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_sub(INT64_MAX, -1, &r, &e), QERR_INVALID, "amount_overflow");
	assert_int_equal(r, 77);
	/* A NULL error record is allowed. */
	assert_int_equal(money_add(INT64_MAX, 1, &r, NULL), QERR_INVALID);
}

static void test_mul_by_a_count(void **state)
{
	(void)state;
	int64_t r = 0;
	assert_int_equal(money_mul(1999, 12, &r, &e), QERR_OK);
	assert_int_equal(r, 23988);
	assert_int_equal(money_mul(INT64_MAX, 1, &r, &e), QERR_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_mul(INT64_MAX, 0, &r, &e), QERR_OK);
	assert_int_equal(r, 0);
	assert_int_equal(money_mul(INT64_MAX, -1, &r, &e), QERR_OK);
	assert_int_equal(r, -INT64_MAX);
	assert_int_equal(money_mul(INT64_C(3037000499), INT64_C(3037000499), &r, &e), QERR_OK);
	r = 77;
	expect_error(money_mul(INT64_C(3037000500), INT64_C(3037000500), &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_mul(INT64_MAX, 2, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_mul(INT64_MIN, -1, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_mul(INT64_MAX / 10 + 1, 10, &r, &e), QERR_INVALID, "amount_overflow");
	assert_int_equal(r, 77);
}

static void test_sum_checks_only_the_total(void **state)
{
	(void)state;
	int64_t r = 77;
	assert_int_equal(money_sum(NULL, 0, &r, &e), QERR_OK);
	assert_int_equal(r, 0);
	const int64_t a[] = {100, 250, -50, 1};
	assert_int_equal(money_sum(a, 4, &r, &e), QERR_OK);
	assert_int_equal(r, 301);
	const int64_t b[] = {INT64_MAX, 1, -1};
	assert_int_equal(money_sum(b, 3, &r, &e), QERR_OK);
	assert_int_equal(r, INT64_MAX);
	const int64_t c[] = {INT64_MAX, INT64_MAX, INT64_MIN, INT64_MIN, INT64_MIN};
	assert_int_equal(money_sum(c, 4, &r, &e), QERR_OK);
	assert_int_equal(r, -2);
	r = 77;
	expect_error(money_sum(c, 5, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_sum(b, 2, &r, &e), QERR_INVALID, "amount_overflow");
	assert_int_equal(r, 77);
}

static void test_parse_fen_takes_digits_only_within_bounds(void **state)
{
	(void)state;
	int64_t r = 0;
	assert_int_equal(money_parse_fen("0", 0, INT64_MAX, "budget_fen", &r, &e), QERR_OK);
	assert_int_equal(r, 0);
	assert_int_equal(money_parse_fen("123456", 0, INT64_MAX, "budget_fen", &r, &e), QERR_OK);
	assert_int_equal(r, 123456);
	assert_int_equal(money_parse_fen("007", 0, INT64_MAX, "budget_fen", &r, &e), QERR_OK);
	assert_int_equal(r, 7);
	assert_int_equal(money_parse_fen("9223372036854775807", 0, INT64_MAX, "f", &r, &e), QERR_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_parse_fen("00000000000000000000009223372036854775807", 0, INT64_MAX, "f", &r, &e),
			 QERR_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_parse_fen("1", 1, 1, "f", &r, &e), QERR_OK);
	assert_int_equal(r, 1);

	r = 77;
	const char *junk[] = {"", "-1", "+1", " 1", "1 ", "1.00", "1,000", "1e3", "0x10", "１２", "12a"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		expect_error(money_parse_fen(junk[i], 0, INT64_MAX, "budget_fen", &r, &e), QERR_INVALID,
			     "invalid_amount");
	}
	enum qerr rc = money_parse_fen(NULL, 0, 10, "budget_fen", &r, &e);
	assert_string_equal(e.field, "budget_fen");
	expect_error(rc, QERR_INVALID, "invalid_amount");
	expect_error(money_parse_fen("9223372036854775808", 0, INT64_MAX, "f", &r, &e), QERR_INVALID,
		     "amount_out_of_range");
	expect_error(money_parse_fen("99999999999999999999999", 0, INT64_MAX, "f", &r, &e), QERR_INVALID,
		     "amount_out_of_range");
	/* Junk after an overflowing run is still junk. */
	expect_error(money_parse_fen("99999999999999999999999x", 0, INT64_MAX, "f", &r, &e), QERR_INVALID,
		     "invalid_amount");
	expect_error(money_parse_fen("0", 1, 100, "f", &r, &e), QERR_INVALID, "amount_out_of_range");
	expect_error(money_parse_fen("101", 1, 100, "f", &r, &e), QERR_INVALID, "amount_out_of_range");
	assert_int_equal(r, 77);
	rc = money_parse_fen("101", 1, 100, "price", &r, &e);
	assert_string_equal(e.field, "price");
	assert_non_null(strstr(e.message, "between 1 and 100 fen"));
	expect_error(rc, QERR_INVALID, "amount_out_of_range");
}

static int64_t interest(int64_t amount, int64_t rate_bp, int64_t days)
{
	int64_t r = -1;
	assert_int_equal(money_interest_bp(amount, rate_bp, days, &r, &e), QERR_OK);
	return r;
}

static void test_interest_against_hand_computed_discounts(void **state)
{
	(void)state;
	/* 1,000,000 yuan at 2.50% for 184 days (2026-03-01 to 09-01): 1,277,777.78 fen -> 1,277,778. */
	assert_int_equal(interest(100000000, 250, 184), 1277778);
	/* 10,000 yuan at 3.65% for 180 days: exactly 18,250 fen. */
	assert_int_equal(interest(1000000, 365, 180), 18250);
	/* 12,345.67 yuan at 3.85% for 97 days: 46,104,904,615 / 3,600,000 = 12,806.918 -> 12,807. */
	assert_int_equal(interest(1234567, 385, 97), 12807);
	/* A full year at 100% is the amount itself. */
	assert_int_equal(interest(5000, 10000, 360), 5000);
	/* Zero anything: no interest. */
	assert_int_equal(interest(0, 250, 184), 0);
	assert_int_equal(interest(100000000, 0, 184), 0);
	assert_int_equal(interest(100000000, 250, 0), 0);
}

static void test_interest_rounds_half_up_exactly_at_half_a_fen(void **state)
{
	(void)state;
	/* amount x rate x days against 3,600,000 per fen. */
	assert_int_equal(interest(180, 100, 100), 1);	       /* 1,800,000: exactly 0.5 -> 1 */
	assert_int_equal(interest(1799999, 1, 1), 0);	       /* 0.4999997 -> 0 */
	assert_int_equal(interest(1800000, 1, 1), 1);	       /* 0.5 -> 1 */
	assert_int_equal(interest(5400000, 1, 1), 2);	       /* 1.5 -> 2 */
	assert_int_equal(interest(5399999, 1, 1), 1);	       /* 1.4999997 -> 1 */
	assert_int_equal(interest(1, 1, 1), 0);		       /* 1 fen: far below half */
	assert_int_equal(interest(1, 10000, 180), 1);	       /* 1 fen at 100% for half a year: 0.5 -> 1 */
	assert_int_equal(interest(1, 10000, 179), 0);	       /* 0.497 -> 0 */
}

static void test_interest_at_the_int64_edge_and_beyond(void **state)
{
	(void)state;
	/* The largest amount at 100% for a year fits exactly. */
	assert_int_equal(interest(INT64_MAX, 10000, 360), INT64_MAX);
	assert_int_equal(interest(INT64_MAX, 1, 1), 2562047788015); /* 9223372036854775807 / 3.6e6 = ...015.2 */
	int64_t r = 77;
	expect_error(money_interest_bp(INT64_MAX, 10000, 361, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_interest_bp(INT64_MAX, 10001, 360, &r, &e), QERR_INVALID, "amount_overflow");
	/* A product past 128 bits is reported, not wrapped. */
	expect_error(money_interest_bp(INT64_MAX, INT64_MAX, INT64_MAX, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_interest_bp(INT64_MAX, INT64_MAX, 4, &r, &e), QERR_INVALID, "amount_overflow");
	expect_error(money_interest_bp(-1, 250, 10, &r, &e), QERR_INVALID, "invalid_amount");
	expect_error(money_interest_bp(100, -1, 10, &r, &e), QERR_INVALID, "invalid_rate");
	expect_error(money_interest_bp(100, 250, -1, &r, &e), QERR_INVALID, "invalid_days");
	assert_int_equal(r, 77);
}

static void test_equal_split_gives_the_remainder_to_the_first_parts(void **state)
{
	(void)state;
	int64_t p[7];
	assert_int_equal(money_split_equal(100, 3, p, &e), QERR_OK);
	assert_int_equal(p[0], 34);
	assert_int_equal(p[1], 33);
	assert_int_equal(p[2], 33);
	assert_int_equal(money_split_equal(1, 3, p, &e), QERR_OK);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 0);
	assert_int_equal(p[2], 0);
	assert_int_equal(money_split_equal(0, 2, p, &e), QERR_OK);
	assert_int_equal(p[0] + p[1], 0);
	assert_int_equal(money_split_equal(99, 1, p, &e), QERR_OK);
	assert_int_equal(p[0], 99);
	assert_int_equal(money_split_equal(INT64_MAX, 7, p, &e), QERR_OK);
	/* INT64_MAX = 7 x 1317624576693539401, remainder 0. */
	for (int i = 0; i < 7; i++)
		assert_int_equal(p[i], INT64_C(1317624576693539401));
	assert_int_equal(money_split_equal(INT64_MAX, 2, p, &e), QERR_OK);
	assert_int_equal(p[0], INT64_MAX / 2 + 1);
	assert_int_equal(p[1], INT64_MAX / 2);
	p[0] = 77;
	expect_error(money_split_equal(-1, 2, p, &e), QERR_INVALID, "invalid_amount");
	expect_error(money_split_equal(10, 0, p, &e), QERR_INVALID, "invalid_parts");
	assert_int_equal(p[0], 77);
}

static void test_weighted_split_by_largest_remainder(void **state)
{
	(void)state;
	int64_t p[4];
	/* 100 fen by 1:1:1: 33.33 each; one fen left, to the first (ties by index). */
	const int64_t thirds[] = {1, 1, 1};
	assert_int_equal(money_split_weighted(100, thirds, 3, p, &e), QERR_OK);
	assert_int_equal(p[0], 34);
	assert_int_equal(p[1], 33);
	assert_int_equal(p[2], 33);
	/* 1000 by 2:3:5 is exact. */
	const int64_t w235[] = {2, 3, 5};
	assert_int_equal(money_split_weighted(1000, w235, 3, p, &e), QERR_OK);
	assert_int_equal(p[0], 200);
	assert_int_equal(p[1], 300);
	assert_int_equal(p[2], 500);
	/* 11 by 1:2:3:4: shares 1.1, 2.2, 3.3, 4.4, floors 10; the fen left goes to the largest remainder, .4. */
	const int64_t w1234[] = {1, 2, 3, 4};
	assert_int_equal(money_split_weighted(11, w1234, 4, p, &e), QERR_OK);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 2);
	assert_int_equal(p[2], 3);
	assert_int_equal(p[3], 5);
	/* 7 by 1:2:3:4: 0.7, 1.4, 2.1, 2.8 -> floors 0,1,2,2 (5), two left to .8 and .7. */
	assert_int_equal(money_split_weighted(7, w1234, 4, p, &e), QERR_OK);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 1);
	assert_int_equal(p[2], 2);
	assert_int_equal(p[3], 3);
	/* 1 fen by 1:0:1: a tie between 0 and 2, won by the lower index; the zero weight gets nothing. */
	const int64_t w101[] = {1, 0, 1};
	assert_int_equal(money_split_weighted(1, w101, 3, p, &e), QERR_OK);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 0);
	assert_int_equal(p[2], 0);
	/* 0 fen: all zero. */
	assert_int_equal(money_split_weighted(0, w235, 3, p, &e), QERR_OK);
	assert_int_equal(p[0] + p[1] + p[2], 0);
}

static void test_weighted_split_at_int64_max(void **state)
{
	(void)state;
	int64_t p[3];
	const int64_t huge[] = {INT64_MAX, INT64_MAX, 1};
	assert_int_equal(money_split_weighted(INT64_MAX, huge, 3, p, &e), QERR_OK);
	/* Weights sum to 2^64 - 1; the fractions of a fen are about 1/4, 1/4 and just under 1/2, so the one
	 * fen left over goes to the smallest weight. */
	assert_int_equal(p[0], INT64_C(4611686018427387903));
	assert_int_equal(p[1], INT64_C(4611686018427387903));
	assert_int_equal(p[2], 1);
	const int64_t one[] = {INT64_MAX};
	assert_int_equal(money_split_weighted(INT64_MAX, one, 1, p, &e), QERR_OK);
	assert_int_equal(p[0], INT64_MAX);
}

static void test_weighted_split_refuses_bad_input(void **state)
{
	(void)state;
	int64_t p[3] = {77, 77, 77};
	const int64_t zeros[] = {0, 0, 0}, negative[] = {5, -1, 5}, ok[] = {1, 2, 3};
	expect_error(money_split_weighted(10, zeros, 3, p, &e), QERR_INVALID, "invalid_weights");
	expect_error(money_split_weighted(10, negative, 3, p, &e), QERR_INVALID, "invalid_weights");
	expect_error(money_split_weighted(-10, ok, 3, p, &e), QERR_INVALID, "invalid_amount");
	expect_error(money_split_weighted(10, ok, 0, p, &e), QERR_INVALID, "invalid_parts");
	assert_int_equal(p[0], 77);
	assert_int_equal(p[1], 77);
	assert_int_equal(p[2], 77);
}

static uint64_t x = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* A random int64 >= 0 whose size is spread over all magnitudes, with the edges often. */
static int64_t any_amount(void)
{
	switch (next() % 8) {
	case 0: return 0;
	case 1: return 1;
	case 2: return INT64_MAX;
	default: return (int64_t)(next() >> (1 + next() % 63));
	}
}

static void test_property_weighted_parts_add_up_within_a_fen_of_the_share(void **state)
{
	(void)state;
	enum { MAXN = 40 };
	int64_t w[MAXN], p[MAXN], q[MAXN];
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + next() % MAXN;
		int64_t amount = any_amount();
		u128 total = 0;
		for (size_t i = 0; i < n; i++) {
			w[i] = next() % 5 == 0 ? 0 : any_amount();
			total += (u128)w[i];
		}
		if (total == 0)
			w[0] = 1, total = 1;
		assert_int_equal(money_split_weighted(amount, w, n, p, &e), QERR_OK);
		u128 sum = 0;
		for (size_t i = 0; i < n; i++) {
			assert_true(p[i] >= 0);
			sum += (u128)p[i];
			/* |p x total - amount x w| < total, i.e. strictly within one fen of the exact share. */
			u128 have = (u128)p[i] * total, want = (u128)amount * (u128)w[i];
			u128 diff = have > want ? have - want : want - have;
			assert_true(diff < total);
			if (w[i] == 0)
				assert_int_equal(p[i], 0);
		}
		assert_true(sum == (u128)amount);
		/* Deterministic, and equal weights give the equal split. */
		assert_int_equal(money_split_weighted(amount, w, n, q, &e), QERR_OK);
		assert_memory_equal(p, q, n * sizeof p[0]);
		for (size_t i = 0; i < n; i++)
			w[i] = 3;
		assert_int_equal(money_split_weighted(amount, w, n, p, &e), QERR_OK);
		assert_int_equal(money_split_equal(amount, n, q, &e), QERR_OK);
		assert_memory_equal(p, q, n * sizeof p[0]);
	}
}

static void test_property_interest_matches_long_division(void **state)
{
	(void)state;
	for (int round = 0; round < 100000; round++) {
		int64_t amount = (int64_t)(next() >> (1 + next() % 63));
		int64_t rate = (int64_t)(next() % 20000), days = (int64_t)(next() % 1000);
		u128 product = (u128)amount * (u128)rate * (u128)days; /* < 2^63 x 2^15 x 2^10: fits */
		u128 want = (product + 1800000) / 3600000;
		int64_t r = 0;
		enum qerr rc = money_interest_bp(amount, rate, days, &r, &e);
		if (want > INT64_MAX) {
			expect_error(rc, QERR_INVALID, "amount_overflow");
		} else {
			assert_int_equal(rc, QERR_OK);
			assert_true((u128)r == want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_sub_stop_at_the_int64_edges),
	    cmocka_unit_test(test_mul_by_a_count),
	    cmocka_unit_test(test_sum_checks_only_the_total),
	    cmocka_unit_test(test_parse_fen_takes_digits_only_within_bounds),
	    cmocka_unit_test(test_interest_against_hand_computed_discounts),
	    cmocka_unit_test(test_interest_rounds_half_up_exactly_at_half_a_fen),
	    cmocka_unit_test(test_interest_at_the_int64_edge_and_beyond),
	    cmocka_unit_test(test_equal_split_gives_the_remainder_to_the_first_parts),
	    cmocka_unit_test(test_weighted_split_by_largest_remainder),
	    cmocka_unit_test(test_weighted_split_at_int64_max),
	    cmocka_unit_test(test_weighted_split_refuses_bad_input),
	    cmocka_unit_test(test_property_weighted_parts_add_up_within_a_fen_of_the_share),
	    cmocka_unit_test(test_property_interest_matches_long_division),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
