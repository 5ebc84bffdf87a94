/*
 * money.c - fen arithmetic on the compiler's overflow builtins, interest and
 * weighted splits in unsigned 128-bit integers (GCC and clang on 64-bit
 * targets, the only ones Qilian builds for), so no intermediate ever wraps.
 */
#include "base/money.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>

typedef unsigned __int128 u128;

static enum qerr overflow(struct qerror *err)
{
	return qerr_set(err, QERR_INVALID, "amount_overflow", NULL,
			"金额超出可表示范围 (the amount does not fit in a 64-bit count of fen)");
}

enum qerr money_add(int64_t a, int64_t b, int64_t *out, struct qerror *err)
{
	int64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return overflow(err);
	*out = r;
	return QERR_OK;
}

enum qerr money_sub(int64_t a, int64_t b, int64_t *out, struct qerror *err)
{
	int64_t r;
	if (__builtin_sub_overflow(a, b, &r))
		return overflow(err);
	*out = r;
	return QERR_OK;
}

enum qerr money_mul(int64_t amount, int64_t count, int64_t *out, struct qerror *err)
{
	int64_t r;
	if (__builtin_mul_overflow(amount, count, &r))
		return overflow(err);
	*out = r;
	return QERR_OK;
}

enum qerr money_sum(const int64_t *amounts, size_t n, int64_t *out, struct qerror *err)
{
	/* 2^64 terms of at most 2^63 each stay below 2^127: a signed 128-bit total cannot wrap. */
	__int128 total = 0;
	for (size_t i = 0; i < n; i++)
		total += amounts[i];
	if (total > INT64_MAX || total < INT64_MIN)
		return overflow(err);
	*out = (int64_t)total;
	return QERR_OK;
}

enum qerr money_parse_fen(const char *text, int64_t min, int64_t max, const char *field, int64_t *out,
			  struct qerror *err)
{
	assert(min >= 0 && min <= max);
	if (!text || !*text)
		return qerr_set(err, QERR_INVALID, "invalid_amount", field,
				"%s应为以分计的金额，只含数字 (%s must be an amount in fen, digits only)", field,
				field);
	int64_t v = 0;
	bool too_big = false;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return qerr_set(err, QERR_INVALID, "invalid_amount", field,
					"%s应为以分计的金额，只含数字 (%s must be an amount in fen, digits only)",
					field, field);
		/* Keep scanning after an overflow: junk later in the text is still the first error to report. */
		if (!too_big && (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v)))
			too_big = true;
	}
	if (too_big || v < min || v > max)
		return qerr_set(err, QERR_INVALID, "amount_out_of_range", field,
				"%s应在%lld至%lld分之间 (%s must be between %lld and %lld fen)", field, (long long)min,
				(long long)max, field, (long long)min, (long long)max);
	*out = v;
	return QERR_OK;
}

enum qerr money_interest_bp(int64_t amount, int64_t rate_bp, int64_t days, int64_t *out, struct qerror *err)
{
	if (amount < 0)
		return qerr_set(err, QERR_INVALID, "invalid_amount", NULL, "金额不能为负 (the amount must not be negative)");
	if (rate_bp < 0)
		return qerr_set(err, QERR_INVALID, "invalid_rate", NULL, "利率不能为负 (the rate must not be negative)");
	if (days < 0)
		return qerr_set(err, QERR_INVALID, "invalid_days", NULL, "天数不能为负 (the days must not be negative)");
	const u128 divisor = (u128)10000 * MONEY_DAYS_PER_YEAR;
	/* amount x rate < 2^126 always; x days may pass 2^128, and then the interest is past 2^106 fen. */
	u128 product = (u128)amount * (u128)rate_bp;
	if (__builtin_mul_overflow(product, (u128)days, &product))
		return overflow(err);
	u128 interest = product / divisor;
	if ((product % divisor) * 2 >= divisor) /* half up: exactly 0.5 fen becomes 1 */
		interest++;
	if (interest > INT64_MAX)
		return overflow(err);
	*out = (int64_t)interest;
	return QERR_OK;
}

static enum qerr invalid_parts(struct qerror *err)
{
	return qerr_set(err, QERR_INVALID, "invalid_parts", NULL, "至少要分成一份 (an amount splits into one part or more)");
}

static enum qerr negative_amount(struct qerror *err)
{
	return qerr_set(err, QERR_INVALID, "invalid_amount", NULL, "金额不能为负 (the amount must not be negative)");
}

enum qerr money_split_equal(int64_t amount, size_t n, int64_t *parts, struct qerror *err)
{
	if (amount < 0)
		return negative_amount(err);
	if (n == 0)
		return invalid_parts(err);
	/* n past INT64_MAX: every part is 0 or 1 fen, and amount (< n) parts get the 1. */
	uint64_t each = (uint64_t)amount / n, extra = (uint64_t)amount % n;
	for (size_t i = 0; i < n; i++)
		parts[i] = (int64_t)(each + (i < extra));
	return QERR_OK;
}

struct remainder {
	u128 rest; /* amount x weight mod sum of weights: the fraction of a fen, scaled by the sum */
	size_t index;
};

/* Largest remainder first; the lower index first among equals (qsort is not stable). */
static int by_remainder(const void *pa, const void *pb)
{
	const struct remainder *a = pa, *b = pb;
	if (a->rest != b->rest)
		return a->rest > b->rest ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

enum qerr money_split_weighted(int64_t amount, const int64_t *weights, size_t n, int64_t *parts,
			       struct qerror *err)
{
	if (amount < 0)
		return negative_amount(err);
	if (n == 0)
		return invalid_parts(err);
	u128 total = 0; /* n < 2^64 weights below 2^63 each: below 2^127 */
	for (size_t i = 0; i < n; i++) {
		if (weights[i] < 0)
			return qerr_set(err, QERR_INVALID, "invalid_weights", NULL,
					"分配比例不能为负 (weight %zu is negative)", i);
		total += (u128)weights[i];
	}
	if (total == 0)
		return qerr_set(err, QERR_INVALID, "invalid_weights", NULL,
				"分配比例不能全为零 (at least one weight must be positive)");
	struct remainder *rest = malloc(n * sizeof *rest);
	if (!rest)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory splitting an amount");
	/* Floors first: each share is at most amount, and they add up to at most amount. */
	int64_t given = 0;
	for (size_t i = 0; i < n; i++) {
		u128 scaled = (u128)amount * (u128)weights[i]; /* < 2^126 */
		parts[i] = (int64_t)(scaled / total);
		given += parts[i];
		rest[i] = (struct remainder){scaled % total, i};
	}
	/* What is left is sum(rest) / total fen, fewer than the parts with a non-zero rest. */
	int64_t left = amount - given;
	assert(left >= 0 && (uint64_t)left < n);
	if (left > 0) {
		qsort(rest, n, sizeof *rest, by_remainder);
		for (int64_t k = 0; k < left; k++) {
			assert(rest[k].rest > 0);
			parts[rest[k].index]++;
		}
	}
	free(rest);
	return QERR_OK;
}
