/*
 * uscc.h - 统一社会信用代码 (GB 32100-2015) validation and generation.
 *
 * 18 characters from 0-9A-HJ-NP-RTUWXY (no I, O, Z, S, V); position i
 * (1..17) has weight 3^(i-1) mod 31; the 18th is the check character
 * (31 - sum mod 31) mod 31. Lower case is accepted and upper-cased.
 *
 * As people type or paste it from a business licence, a code may have
 * separators between its groups: "9132 0500 MA1N 2L8E 6H",
 * "91320500-MA1N2L8E6H". Spaces (ASCII, U+00A0 no-break, U+3000
 * ideographic) and hyphens, one or several, are dropped where they stand
 * between two characters after the 2nd, 4th, 8th, 12th, 16th or 17th
 * character: the licence's 4-4-4-4-2 groups and the code's parts (2-6-9-1:
 * authority and type, region, organisation, check character). Anywhere else,
 * leading or trailing, they are characters like any other and the code is
 * rejected with the reason. The stored and returned form is always the 18
 * characters.
 */
#ifndef QILIAN_USCC_H
#define QILIAN_USCC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"

#define USCC_LEN 18

/*
 * Checks code (NUL-terminated; separators between groups allowed as above,
 * surrounding spaces not). On success writes the canonical upper-case 18
 * characters to out[19] and returns QERR_OK; else QERR_INVALID with slug
 * "invalid_uscc" and a reason: a character never allowed and its position
 * in the code (without its separators), else the length (saying where
 * separators may stand when they were the trouble), a character not allowed
 * there (a misplaced separator), or the expected check character. Every USCC the registry, the chain map or the
 * market reads (CLI arguments, API paths, query parameters, JSON fields, CSV
 * cells) goes through here.
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
