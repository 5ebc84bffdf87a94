/*
 * test_uscc.c - 统一社会信用代码 (GB 32100-2015): real codes, case folding,
 * every rejection reason (length, forbidden or non-ASCII character, wrong
 * check character naming the expected one), separators between groups as
 * people paste them, and the generator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/uscc.h"

static const char ALPHABET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Independent reference: weights computed as 3^(i-1) mod 31, not copied from the table. */
static char reference_check_char(const char *code)
{
	int sum = 0, w = 1;
	for (int i = 0; i < 17; i++) {
		const char *p = strchr(ALPHABET, code[i]);
		if (!p || !code[i])
			return 0;
		sum += (int)(p - ALPHABET) * w;
		w = w * 3 % 31;
	}
	return ALPHABET[(31 - sum % 31) % 31];
}

static enum qerr check(const char *code, char out[USCC_LEN + 1], struct qerror *e)
{
	memset(e, 0, sizeof *e);
	memset(out, 0x55, USCC_LEN + 1);
	return uscc_check(code, out, e);
}

static void assert_rejected(const char *code, const char *needle)
{
	char out[USCC_LEN + 1];
	struct qerror e;
	assert_int_equal(check(code, out, &e), QERR_INVALID);
	assert_int_equal(e.code, QERR_INVALID);
	assert_string_equal(e.slug, "invalid_uscc");
	assert_string_equal(e.field, "uscc");
	if (needle && !strstr(e.message, needle))
		fail_msg("message for '%s' lacks '%s': %s", code, needle, e.message);
}

static void test_known_real_format_codes_are_valid(void **state)
{
	static const char *const codes[] = {
		"91350100M000100Y43", /* the standard's worked example */
		"91110000600037341L",
		"91320500MA1MX4QF3P", /* demo data */
		"91320583MA1N2L8E6H",
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		char out[USCC_LEN + 1];
		struct qerror e;
		assert_int_equal(check(codes[i], out, &e), QERR_OK);
		assert_string_equal(out, codes[i]);
		assert_int_equal(uscc_check_char(codes[i]), codes[i][17]);
		assert_int_equal(reference_check_char(codes[i]), codes[i][17]);
	}
}

static void test_lower_case_is_accepted_and_upper_cased(void **state)
{
	char out[USCC_LEN + 1];
	struct qerror e;
	assert_int_equal(check("91350100m000100y43", out, &e), QERR_OK);
	assert_string_equal(out, "91350100M000100Y43");
	assert_int_equal(check("91320500ma1mx4qf3p", out, &e), QERR_OK);
	assert_string_equal(out, "91320500MA1MX4QF3P");
	/* Mixed case too. */
	assert_int_equal(check("91320500Ma1mX4qF3p", out, &e), QERR_OK);
	assert_string_equal(out, "91320500MA1MX4QF3P");
}

static void test_length_other_than_18_is_rejected_with_the_length(void **state)
{
	assert_rejected("", "0");
	assert_rejected("91350100M000100Y4", "17");    /* 17 */
	assert_rejected("91350100M000100Y433", "19");  /* 19 */
	assert_rejected(" 91350100M000100Y43", "19");  /* surrounding spaces are not trimmed */
	assert_rejected("91350100M000100Y43 ", "19");
	char out[USCC_LEN + 1];
	struct qerror e;
	assert_int_equal(check(NULL, out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "invalid_uscc");
	/* A very long input is still just a length error. */
	char big[4096];
	memset(big, '9', sizeof big - 1);
	big[sizeof big - 1] = 0;
	assert_rejected(big, "4095");
}

static void test_forbidden_letters_IOZSV_are_rejected_with_position(void **state)
{
	static const char forbidden[] = "IOZSVioszv";
	for (const char *c = forbidden; *c; c++) {
		char code[] = "91350100M000100Y43";
		code[9] = *c; /* position 10 */
		char want[64];
		snprintf(want, sizeof want, "'%c' at position 10", *c);
		assert_rejected(code, want);
	}
	/* Also in the check-character position. */
	assert_rejected("91350100M000100Y4I", "position 18");
	/* Punctuation, space, NUL-free control characters. */
	assert_rejected("91350100M000100-43", "position 16");
	assert_rejected("91350100M000100 43", "position 16");
	assert_rejected("91350100M000100\t43", "position 16");
	assert_rejected("\x7f" "1350100M000100Y43", "position 1");
}

static void test_non_ascii_is_rejected_without_echoing_bytes(void **state)
{
	char out[USCC_LEN + 1];
	struct qerror e;
	/* 18 bytes: 15 ASCII + one 3-byte Chinese character. */
	assert_int_equal(check("91350100M000100中", out, &e), QERR_INVALID);
	assert_non_null(strstr(e.message, "position 16"));
	/* A lone lead byte is not echoed: the message stays valid UTF-8 for JSON responses. */
	assert_true(util_utf8_valid(e.message, strlen(e.message)));
	static const char *const bad[] = {"９1350100M000100Y", "91350100M000100Y4\xff", "\x80" "1350100M000100Y43",
					  "\xc3\xa9" "350100M000100Y43"};
	static const char *const pos[] = {"position 1", "position 18", "position 1", "position 1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_rejected(bad[i], pos[i]);
		assert_int_equal(check(bad[i], out, &e), QERR_INVALID);
		assert_true(util_utf8_valid(e.message, strlen(e.message)));
	}
}

static void test_wrong_check_character_names_the_expected_one(void **state)
{
	for (const char *c = ALPHABET; *c; c++) {
		if (*c == '3')
			continue;
		char code[] = "91350100M000100Y43";
		code[17] = *c;
		char want[64];
		snprintf(want, sizeof want, "should be '3', got '%c'", *c);
		assert_rejected(code, want);
	}
	/* Lower-case check character is reported upper-cased. */
	assert_rejected("91320500MA1MX4QF3Q", "should be 'P', got 'Q'");
	assert_rejected("91320500MA1MX4QF3q", "should be 'P', got 'Q'");
	/* A transposition of two characters is caught. */
	assert_rejected("91350100M000010Y43", "should be");
}

static void assert_accepted(const char *code, const char *want)
{
	char out[USCC_LEN + 1];
	struct qerror e;
	if (check(code, out, &e) != QERR_OK)
		fail_msg("'%s' refused: %s", code, e.message);
	assert_string_equal(out, want);
}

static void test_spaces_and_hyphens_between_groups_are_dropped(void **state)
{
	/* As printed on a business licence (4-4-4-4-2), with an ASCII, no-break or ideographic space. */
	assert_accepted("9132 0583 MA1N 2L8E 6H", "91320583MA1N2L8E6H");
	assert_accepted("9132\u00a00583\u00a0MA1N\u00a02L8E\u00a06H", "91320583MA1N2L8E6H");
	assert_accepted("9132\u30000583\u3000MA1N\u30002L8E\u30006H", "91320583MA1N2L8E6H");
	assert_accepted("9132-0583-MA1N-2L8E-6H", "91320583MA1N2L8E6H");
	/* Region code, then organisation code; or every part (2-6-9-1). */
	assert_accepted("91320583-MA1N2L8E6H", "91320583MA1N2L8E6H");
	assert_accepted("91 320583 MA1N2L8E6 H", "91320583MA1N2L8E6H");
	assert_accepted("91320583 MA1N2L8E6-H", "91320583MA1N2L8E6H");
	/* Lower case, several separators in a row, mixed. */
	assert_accepted("9132 0583 ma1n 2l8e 6h", "91320583MA1N2L8E6H");
	assert_accepted("91320583 - MA1N2L8E6H", "91320583MA1N2L8E6H");
	assert_accepted("9132\u3000 0583--ma1n 2L8E\u00a06h", "91320583MA1N2L8E6H");
	assert_accepted("9135 0100 M000 100Y 43", "91350100M000100Y43");
}

static void test_separators_elsewhere_or_of_other_kinds_are_rejected_with_the_reason(void **state)
{
	/* Not between groups: a length error that says where separators may stand. */
	assert_rejected("913 20583MA1N2L8E6H", "got 19; spaces and hyphens may stand only between its groups");
	assert_rejected("91320583MA1N2L8E6H ", "got 19; spaces and hyphens");
	assert_rejected(" 9132 0583 MA1N 2L8E 6H", "got 19; spaces and hyphens");
	assert_rejected("\u30009132058 3MA1N2L8E6H", "got 22; spaces");
	/* Other separators are characters that are never allowed, named with their position in the code. */
	assert_rejected("9132/0583/MA1N/2L8E/6H", "character '/' at position 5");
	assert_rejected("9132.0583.MA1N.2L8E.6H", "character '.' at position 5");
	assert_rejected("91320583_MA1N2L8E6H", "character '_' at position 9");
	assert_rejected("9132\t0583\tMA1N\t2L8E\t6H", "character at position 5");
	assert_rejected("9132\uff0d0583\uff0dMA1N2L8E6H", "character at position 5"); /* full-width hyphen */
	assert_rejected("9132 0583 MA1N 2L8E 6H\n", "character at position 19");
	assert_rejected("9132 0583 MA1O 2L8E 6H", "'O' at position 12");
	/* Separators do not hide a wrong check character or a short code. */
	assert_rejected("9132 0583 MA1N 2L8E 6J", "should be 'H', got 'J'");
	assert_rejected("9132 0583 MA1N 2L8E 6", "got 17");
	assert_rejected(" - ", "got 3");
	assert_rejected("----", "got 4");
	/* The messages stay valid UTF-8 whatever was pasted. */
	char out[USCC_LEN + 1];
	struct qerror e;
	static const char *const junk[] = {"9132\u3000\xe3\x80", "\xe3\x80\x80\xe3\x80", "9132 \xc2", "91320583\xc2\xa0"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		assert_int_equal(check(junk[i], out, &e), QERR_INVALID);
		assert_true(util_utf8_valid(e.message, strlen(e.message)));
	}
}

static void test_out_is_untouched_on_error(void **state)
{
	char out[USCC_LEN + 1];
	struct qerror e;
	assert_int_equal(check("91350100M000100Y44", out, &e), QERR_INVALID);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal((unsigned char)out[i], 0x55);
}

static void test_null_error_record_is_allowed(void **state)
{
	char out[USCC_LEN + 1];
	assert_int_equal(uscc_check("91350100M000100Y44", out, NULL), QERR_INVALID);
	assert_int_equal(uscc_check("91350100M000100Y43", out, NULL), QERR_OK);
}

static void test_check_char_returns_0_for_forbidden_characters(void **state)
{
	assert_int_equal(uscc_check_char("91350100M000100YI"), 0);
	assert_int_equal(uscc_check_char("91350100m000100Y4"), 0); /* expects canonical upper case */
	assert_int_equal(uscc_check_char("00000000000000000"), '0');
	assert_int_equal(uscc_check_char("91350100M000100Y4"), '3');
}

static void test_every_check_value_0_to_30_is_reachable(void **state)
{
	/* Vary the last organisation character: weight 28 is coprime to 31, so all 31 sums appear. */
	int seen[31] = {0};
	char first17[18] = "91350100M000100Y0";
	for (const char *c = ALPHABET; *c; c++) {
		first17[16] = *c;
		char k = uscc_check_char(first17);
		assert_true(k != 0);
		assert_int_equal(k, reference_check_char(first17));
		seen[strchr(ALPHABET, k) - ALPHABET]++;
	}
	for (int i = 0; i < 31; i++)
		assert_int_equal(seen[i], 1);
}

static void test_generate_is_always_valid_and_keeps_region(void **state)
{
	static const char *const regions[] = {"110000", "320500", "320583", "650000", "000000"};
	for (size_t r = 0; r < sizeof regions / sizeof regions[0]; r++) {
		for (uint64_t seed = 0; seed < 20000; seed++) {
			char code[USCC_LEN + 1], out[USCC_LEN + 1];
			uint64_t s = seed * 0x9E3779B97F4A7C15ull ^ (seed << 7); /* spread over 64 bits too */
			uscc_generate(regions[r], seed & 1 ? s : seed, code);
			assert_int_equal(strlen(code), USCC_LEN);
			assert_memory_equal(code, "91", 2);
			assert_memory_equal(code + 2, regions[r], 6);
			struct qerror e;
			if (check(code, out, &e) != QERR_OK)
				fail_msg("seed %llu gave invalid %s: %s", (unsigned long long)seed, code, e.message);
			assert_string_equal(out, code);
			assert_int_equal(reference_check_char(code), code[17]);
		}
	}
	char a[USCC_LEN + 1], b[USCC_LEN + 1];
	uscc_generate("320583", UINT64_MAX, a);
	assert_int_equal(uscc_check(a, b, NULL), QERR_OK);
}

static void test_generate_is_deterministic_and_spreads_seeds(void **state)
{
	char a[USCC_LEN + 1], b[USCC_LEN + 1];
	uscc_generate("320583", 42, a);
	uscc_generate("320583", 42, b);
	assert_string_equal(a, b);
	/* Consecutive seeds give distinct organisation codes. */
	int dup = 0;
	char prev[USCC_LEN + 1] = "";
	for (uint64_t seed = 0; seed < 1000; seed++) {
		uscc_generate("320583", seed, a);
		if (strcmp(a, prev) == 0)
			dup++;
		memcpy(prev, a, sizeof a);
	}
	assert_int_equal(dup, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_real_format_codes_are_valid),
		cmocka_unit_test(test_lower_case_is_accepted_and_upper_cased),
		cmocka_unit_test(test_length_other_than_18_is_rejected_with_the_length),
		cmocka_unit_test(test_forbidden_letters_IOZSV_are_rejected_with_position),
		cmocka_unit_test(test_non_ascii_is_rejected_without_echoing_bytes),
		cmocka_unit_test(test_wrong_check_character_names_the_expected_one),
		cmocka_unit_test(test_spaces_and_hyphens_between_groups_are_dropped),
		cmocka_unit_test(test_separators_elsewhere_or_of_other_kinds_are_rejected_with_the_reason),
		cmocka_unit_test(test_out_is_untouched_on_error),
		cmocka_unit_test(test_null_error_record_is_allowed),
		cmocka_unit_test(test_check_char_returns_0_for_forbidden_characters),
		cmocka_unit_test(test_every_check_value_0_to_30_is_reachable),
		cmocka_unit_test(test_generate_is_always_valid_and_keeps_region),
		cmocka_unit_test(test_generate_is_deterministic_and_spreads_seeds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
