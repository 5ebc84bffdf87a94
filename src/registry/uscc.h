/*
 * uscc.h - 统一社会信用代码 (GB 32100-2015) validation and generation.
 *
 * 18 characters from 0-9A-HJ-NP-RTUWXY (no I, O, Z, S, V); position i
 * (1..17) has weight 3^(i-1) mod 31; the 18th is the check character
 * (31 - sum mod 31) mod 31. Lower case is accepted and upper-cased.
 */
#ifndef QILIAN_USCC_H
#define QILIAN_USCC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"

#define USCC_LEN 18

/*
 * Checks code (NUL-terminated, surrounding spaces not allowed). On success
 * writes the canonical upper-case form to out[19] and returns QERR_OK; else
 * QERR_INVALID with slug "invalid_uscc" and a reason naming the length, the
 * bad character and its position, or the expected check character.
 */
enum qerr uscc_check(const char *code, char out[USCC_LEN + 1], struct qerror *err);

/* The check character for the first 17 (valid) characters, or 0 if one is not allowed. */
char uscc_check_char(const char *first17);

/*
 * Writes a valid USCC built from a 6-digit region code and a 64-bit seed:
 * registration authority 9 (工商), type 1 (企业), region, a 9-character
 * organisation code derived from seed, and the check character.
 */
void uscc_generate(const char *region6, uint64_t seed, char out[USCC_LEN + 1]);

#endif
