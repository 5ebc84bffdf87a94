/*
 * money.h - checked arithmetic on amounts of money. Qilian keeps every
 * amount as int64_t fen (分, 1/100 yuan; DESIGN.md §3) and never lets one
 * wrap: each operation that could overflow returns QERR_INVALID with slug
 * "amount_overflow" instead. Interest is computed exactly in 128 bits and
 * rounded once, half up; splits always add up to the amount to the fen.
 *
 * Every function returns QERR_OK or an error it also writes into *err
 * (which may be NULL) with field ""; callers that know the input's name
 * copy it into err->field. On error the outputs are left untouched.
 */
#ifndef QILIAN_MONEY_H
#define QILIAN_MONEY_H
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"

/* Days in the interest year of money_interest_bp: the 360-day year of bill discounting (DESIGN.md §5). */
#define MONEY_DAYS_PER_YEAR 360

/* *out = a + b. "amount_overflow" when the sum leaves int64. */
enum qerr money_add(int64_t a, int64_t b, int64_t *out, struct qerror *err);

/* *out = a - b. "amount_overflow" when the difference leaves int64. */
enum qerr money_sub(int64_t a, int64_t b, int64_t *out, struct qerror *err);

/* *out = amount x count (e.g. unit price x quantity). "amount_overflow" when the product leaves int64. */
enum qerr money_mul(int64_t amount, int64_t count, int64_t *out, struct qerror *err);

/*
 * *out = the sum of amounts[0..n) (0 for n == 0). Only the total must fit:
 * {INT64_MAX, 1, -1} sums to INT64_MAX; "amount_overflow" otherwise.
 */
enum qerr money_sum(const int64_t *amounts, size_t n, int64_t *out, struct qerror *err);

/*
 * Parses a fen amount written as ASCII digits only (no sign, spaces,
 * separators or decimal point; leading zeros are allowed) within
 * [min, max], 0 <= min <= max. Errors name field: "invalid_amount" for
 * NULL, empty or non-digit text, "amount_out_of_range" outside the bounds
 * (including numbers beyond int64).
 */
enum qerr money_parse_fen(const char *text, int64_t min, int64_t max, const char *field, int64_t *out,
			  struct qerror *err);

/*
 * Simple interest on amount fen at rate_bp basis points a year for days
 * days, on a 360-day year: amount x rate_bp x days / (10000 x 360),
 * computed exactly and rounded half up to the fen (0.5 fen -> 1 fen). Every
 * input must be >= 0 ("invalid_amount", "invalid_rate", "invalid_days");
 * "amount_overflow" when the interest exceeds INT64_MAX (the product never
 * wraps: it is formed in 128 bits, and a product past 128 bits means an
 * interest past int64 anyway).
 */
enum qerr money_interest_bp(int64_t amount, int64_t rate_bp, int64_t days, int64_t *out, struct qerror *err);

/*
 * Splits amount >= 0 into n >= 1 parts (parts[0..n)) that differ by at most
 * one fen and add up to amount: amount / n each, and one more fen for each
 * of the first amount % n parts. "invalid_amount" for a negative amount,
 * "invalid_parts" for n == 0.
 */
enum qerr money_split_equal(int64_t amount, size_t n, int64_t *parts, struct qerror *err);

/*
 * Splits amount >= 0 in proportion to weights[0..n) (each >= 0, not all 0)
 * by the largest-remainder method: each part is the floor of its exact
 * share amount x w / sum(w), and the fen left over go one each to the parts
 * with the largest fractional remainders, the lower index first on ties.
 * So the parts add up to amount exactly, each is within one fen of its
 * exact share (strictly less than one fen away), and a zero weight gets 0.
 * Exact for all int64 inputs (128-bit). Errors: "invalid_amount",
 * "invalid_parts" (n == 0), "invalid_weights" (a negative weight or all
 * zero), QERR_INTERNAL "out_of_memory" (it sorts n remainders).
 */
enum qerr money_split_weighted(int64_t amount, const int64_t *weights, size_t n, int64_t *parts,
			       struct qerror *err);

#endif
