/*
 * test_rng.c - the generators' random stream: the exact xorshift64* values
 * a seed gives (the files of `qilian gen` depend on them), the state-0
 * guard, ranges of every draw, rng_below's remainder rule, and the weighted
 * picks agreeing with each other, skipping zero weights and landing in
 * proportion to the weights.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/rng.h"

/* The generator written out independently, as registry/synth.c had it before base/rng. */
static uint64_t reference_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void test_streams_are_the_historical_xorshift64_star(void **state)
{
	(void)state;
	const uint64_t seeds[] = {0, 1, 3, 42, 0xFFFFFFFFFFFFFFFFull};
	const uint64_t streams[] = {1, 7, 11};
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
		for (size_t j = 0; j < sizeof streams / sizeof streams[0]; j++) {
			struct rng r;
			rng_seed(&r, seeds[i], streams[j]);
			uint64_t s = seeds[i] * 0x9E3779B97F4A7C15ull + streams[j];
			for (int k = 0; k < 1000; k++)
				assert_int_equal(rng_next(&r), reference_next(&s));
		}
	/* Pinned values: a change here changes every generated file. */
	struct rng r;
	rng_seed(&r, 1, 1);
	assert_int_equal(rng_next(&r), 0x806132229CB46B5Dull);
	assert_int_equal(rng_next(&r), 0x060F1487C439FE10ull);
}

static void test_the_state_zero_seed_is_not_stuck(void **state)
{
	(void)state;
	/* seed * golden + stream == 0 for seed = -stream * golden^-1 (mod 2^64). */
	uint64_t inverse = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 6; i++)
		inverse *= 2 - 0x9E3779B97F4A7C15ull * inverse; /* Newton: doubles the correct bits */
	assert_int_equal(0x9E3779B97F4A7C15ull * inverse, 1);
	struct rng r;
	rng_seed(&r, (uint64_t)0 - 7 * inverse, 7);
	assert_int_not_equal(r.state, 0);
	uint64_t a = rng_next(&r), b = rng_next(&r);
	assert_true(a != 0 && b != 0 && a != b);
}

static void test_below_is_the_remainder_and_zero_draws_nothing(void **state)
{
	(void)state;
	struct rng r, copy;
	rng_seed(&r, 5, 3);
	for (int i = 0; i < 10000; i++) {
		uint64_t n = (uint64_t)i % 97 + 1;
		copy = r;
		uint64_t v = rng_below(&r, n);
		assert_true(v < n);
		assert_int_equal(v, rng_next(&copy) % n);
		assert_int_equal(r.state, copy.state);
	}
	copy = r;
	assert_int_equal(rng_below(&r, 0), 0);
	assert_int_equal(r.state, copy.state);
	assert_int_equal(rng_below(&r, 1), 0);
	assert_true(rng_below(&r, UINT64_MAX) < UINT64_MAX);
}

static void test_unit_is_in_the_half_open_interval(void **state)
{
	(void)state;
	struct rng r, copy;
	rng_seed(&r, 9, 1);
	double lo = 1, hi = 0, sum = 0;
	for (int i = 0; i < 100000; i++) {
		copy = r;
		double u = rng_unit(&r);
		assert_true(u >= 0.0 && u < 1.0);
		assert_true(u == (double)(rng_next(&copy) >> 11) / 9007199254740992.0);
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
		sum += u;
	}
	assert_true(lo < 0.001 && hi > 0.999);
	assert_true(sum / 100000 > 0.49 && sum / 100000 < 0.51);
	/* The largest draw is 1 - 2^-53, never 1. */
	assert_true((double)(UINT64_MAX >> 11) / 9007199254740992.0 < 1.0);
}

static void test_weighted_and_cumulative_picks_agree(void **state)
{
	(void)state;
	const uint64_t w[] = {0, 5, 0, 0, 1, 12, 0, 3, 0};
	enum { N = sizeof w / sizeof w[0] };
	uint64_t cum[N], acc = 0;
	double cumd[N];
	for (int i = 0; i < N; i++) {
		cum[i] = acc += w[i];
		cumd[i] = (double)cum[i];
	}
	struct rng a, b;
	rng_seed(&a, 77, 1);
	rng_seed(&b, 77, 1);
	long seen[N] = {0}, seen_d[N] = {0};
	for (int i = 0; i < 210000; i++) {
		size_t p = rng_pick_weighted(&a, w, N);
		assert_int_equal(p, rng_pick_cumulative(&b, cum, N));
		assert_true(p < N && w[p] > 0);
		seen[p]++;
		size_t q = rng_pick_cumulative_double(&a, cumd, N);
		assert_true(q < N);
		seen_d[q]++;
		rng_next(&b); /* keep b in step with a's extra draw */
	}
	/* In proportion to the weights (21 in all, 10,000 draws per unit of weight), within 3%. */
	for (int i = 0; i < N; i++) {
		long want = (long)w[i] * 10000;
		assert_true(seen[i] >= want * 97 / 100 && seen[i] <= want * 103 / 100);
		assert_true(seen_d[i] >= want * 97 / 100 && seen_d[i] <= want * 103 / 100);
	}
}

static void test_cumulative_picks_are_the_first_entry_past_the_draw(void **state)
{
	(void)state;
	/* Check the rule itself against a linear scan, with long runs of equal entries (zero weights). */
	uint64_t cum[1000];
	double cumd[1000];
	uint64_t acc = 0;
	struct rng g;
	rng_seed(&g, 1, 2);
	for (int i = 0; i < 1000; i++) {
		acc += rng_below(&g, 4) == 0 ? 1 + rng_below(&g, 50) : 0;
		cum[i] = acc;
		cumd[i] = (double)acc;
	}
	assert_true(acc > 0);
	struct rng r, copy;
	rng_seed(&r, 2, 2);
	for (int k = 0; k < 20000; k++) {
		copy = r;
		size_t p = rng_pick_cumulative(&r, cum, 1000);
		uint64_t x = rng_next(&copy) % acc;
		size_t want = 0;
		while (cum[want] <= x)
			want++;
		assert_int_equal(p, want);
		copy = r;
		size_t q = rng_pick_cumulative_double(&r, cumd, 1000);
		double u = (double)(rng_next(&copy) >> 11) / 9007199254740992.0 * cumd[999];
		size_t want_d = 0;
		while (cumd[want_d] < u)
			want_d++;
		assert_int_equal(q, want_d);
	}
}

static void test_degenerate_picks_return_n_and_draw_nothing(void **state)
{
	(void)state;
	struct rng r, copy;
	rng_seed(&r, 4, 4);
	copy = r;
	const uint64_t zeros[3] = {0, 0, 0};
	const double zerod[3] = {0, 0, 0}, negd[2] = {-1.0, -2.0};
	const uint64_t overflow[2] = {UINT64_MAX, 1};
	assert_int_equal(rng_pick_weighted(&r, zeros, 3), 3);
	assert_int_equal(rng_pick_weighted(&r, zeros, 0), 0);
	assert_int_equal(rng_pick_weighted(&r, overflow, 2), 2);
	assert_int_equal(rng_pick_cumulative(&r, zeros, 3), 3);
	assert_int_equal(rng_pick_cumulative(&r, zeros, 0), 0);
	assert_int_equal(rng_pick_cumulative_double(&r, zerod, 3), 3);
	assert_int_equal(rng_pick_cumulative_double(&r, negd, 2), 2);
	assert_int_equal(rng_pick_cumulative_double(&r, zerod, 0), 0);
	assert_int_equal(r.state, copy.state);
	/* One entry: always it. */
	const uint64_t one = 9;
	const double oned = 0.5;
	assert_int_equal(rng_pick_weighted(&r, &one, 1), 0);
	assert_int_equal(rng_pick_cumulative(&r, &one, 1), 0);
	assert_int_equal(rng_pick_cumulative_double(&r, &oned, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_streams_are_the_historical_xorshift64_star),
	    cmocka_unit_test(test_the_state_zero_seed_is_not_stuck),
	    cmocka_unit_test(test_below_is_the_remainder_and_zero_draws_nothing),
	    cmocka_unit_test(test_unit_is_in_the_half_open_interval),
	    cmocka_unit_test(test_weighted_and_cumulative_picks_agree),
	    cmocka_unit_test(test_cumulative_picks_are_the_first_entry_past_the_draw),
	    cmocka_unit_test(test_degenerate_picks_return_n_and_draw_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
