/* rng.c - xorshift64* and the draws built on it (see rng.h for the contract). */
#include "base/rng.h"

#define RNG_GOLDEN 0x9E3779B97F4A7C15ull

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	r->state = seed * RNG_GOLDEN + stream;
	if (r->state == 0)
		r->state = RNG_GOLDEN;
}

uint64_t rng_next(struct rng *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * 2685821657736338717ull;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

size_t rng_pick_weighted(struct rng *r, const uint64_t *weights, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		if (__builtin_add_overflow(total, weights[i], &total))
			return n;
	if (total == 0)
		return n;
	uint64_t x = rng_below(r, total);
	size_t i = 0;
	while (x >= weights[i]) {
		x -= weights[i];
		i++;
	}
	return i;
}

size_t rng_pick_cumulative(struct rng *r, const uint64_t *cum, size_t n)
{
	if (n == 0 || cum[n - 1] == 0)
		return n;
	uint64_t x = rng_below(r, cum[n - 1]);
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cum[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t rng_pick_cumulative_double(struct rng *r, const double *cum, size_t n)
{
	if (n == 0 || !(cum[n - 1] > 0))
		return n;
	double x = rng_unit(r) * cum[n - 1];
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cum[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
