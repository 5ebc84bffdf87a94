/*
 * rng.h - the seeded random stream behind every `qilian gen`: xorshift64*
 * (Marsaglia's xorshift with Vigna's multiplier), small, fast and the same
 * on every machine, so a seed names a file byte for byte. bench/RESULTS.md
 * figures and tests depend on that: never change what these functions
 * return for a given state. Not for secrets (sessions and tokens use
 * libsodium).
 */
#ifndef QILIAN_RNG_H
#define QILIAN_RNG_H
#include <stddef.h>
#include <stdint.h>

/* A stream's whole state; copy it to fork a stream. Set with rng_seed. */
struct rng {
	uint64_t state;
};

/*
 * Starts r at state seed * 0x9E3779B97F4A7C15 + stream (mod 2^64). stream
 * is a small constant per generator so that one --seed gives unrelated
 * streams in different generators (enterprises 1, chain 7, listings 11).
 * The one (seed, stream) pair that would give state 0, on which xorshift
 * is stuck at 0, starts at 0x9E3779B97F4A7C15 instead.
 */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);

/*
 * A number in [0, n) from one rng_next, by remainder: value % n. The bias
 * this leaves is below n / 2^64 (under 2^-32 for any n < 2^32) and is kept
 * because the generators' files depend on it. n == 0 returns 0 and draws
 * nothing.
 */
uint64_t rng_below(struct rng *r, uint64_t n);

/* A double in [0, 1) from the top 53 bits of one rng_next (every value a multiple of 2^-53). */
double rng_unit(struct rng *r);

/*
 * An index in [0, n) with probability weights[i] / sum of weights, from one
 * rng_below(sum) and a linear scan (for short lists). Returns n and draws
 * nothing when n == 0, the weights sum to 0, or the sum overflows 64 bits.
 */
size_t rng_pick_weighted(struct rng *r, const uint64_t *weights, size_t n);

/*
 * The same over cumulative weights cum[0] <= cum[1] <= ... <= cum[n-1]
 * (cum[i] = weights[0] + ... + weights[i]), by binary search for long
 * lists: the first i with cum[i] > rng_below(cum[n-1]). Returns n and draws
 * nothing when n == 0 or cum[n-1] == 0.
 */
size_t rng_pick_cumulative(struct rng *r, const uint64_t *cum, size_t n);

/*
 * Cumulative real weights: the first i with cum[i] >= rng_unit() *
 * cum[n-1], from one rng_unit. A zero-weight first entry can be picked when
 * the draw is exactly 0 (chance 2^-53); the chain generator's files depend
 * on that rule. Returns n and draws nothing when n == 0 or cum[n-1] <= 0.
 */
size_t rng_pick_cumulative_double(struct rng *r, const double *cum, size_t n);

#endif
