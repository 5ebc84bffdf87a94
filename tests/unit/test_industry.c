/*
 * test_industry.c - the GB/T 4754-2017 section/division table and the
 * industry code check: counts, section ranges, unused numbers, letter case,
 * 3-4 digit codes and malformed input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "registry/industry.h"

/* Section ranges of the 2017 edition: first and last division of A..T. */
static const struct {
	char section;
	int first, last;
} RANGES[] = {
	{'A', 1, 5},   {'B', 6, 12},  {'C', 13, 43}, {'D', 44, 46}, {'E', 47, 50}, {'F', 51, 52}, {'G', 53, 60},
	{'H', 61, 62}, {'I', 63, 65}, {'J', 66, 69}, {'K', 70, 70}, {'L', 71, 72}, {'M', 73, 75}, {'N', 76, 79},
	{'O', 80, 82}, {'P', 83, 83}, {'Q', 84, 85}, {'R', 86, 90}, {'S', 91, 96}, {'T', 97, 97},
};

static void test_table_has_20_sections_and_97_divisions(void **state)
{
	size_t sections = 0, divisions = 0;
	for (size_t i = 0; i < industry_table_len; i++) {
		const struct industry *e = &industry_table[i];
		size_t n = strlen(e->code);
		if (n == 1)
			sections++;
		else if (n == 2)
			divisions++;
		else
			fail_msg("entry %zu has code '%s'", i, e->code);
	}
	assert_int_equal(sections, 20);
	assert_int_equal(divisions, 97);
	assert_int_equal(industry_table_len, 117);
}

static void test_codes_are_unique_and_entries_complete(void **state)
{
	for (size_t i = 0; i < industry_table_len; i++) {
		const struct industry *e = &industry_table[i];
		assert_non_null(e->name);
		assert_non_null(e->name_en);
		assert_true(strlen(e->name) > 0);
		assert_true(strlen(e->name_en) > 0);
		/* Chinese names are Chinese: they start with a multi-byte character. */
		assert_true((unsigned char)e->name[0] >= 0x80);
		assert_ptr_equal(industry_find(e->code), e);
		for (size_t j = i + 1; j < industry_table_len; j++)
			assert_string_not_equal(e->code, industry_table[j].code);
	}
}

static void test_every_division_01_to_97_is_in_its_section(void **state)
{
	for (size_t r = 0; r < sizeof RANGES / sizeof RANGES[0]; r++) {
		char letter[2] = {RANGES[r].section, 0};
		const struct industry *s = industry_find(letter);
		assert_non_null(s);
		assert_int_equal(s->section, RANGES[r].section);
		for (int d = RANGES[r].first; d <= RANGES[r].last; d++) {
			char code[3];
			snprintf(code, sizeof code, "%02d", d);
			const struct industry *e = industry_find(code);
			if (!e)
				fail_msg("division %s missing", code);
			assert_int_equal(e->section, RANGES[r].section);
			assert_int_equal(industry_section_of(code), RANGES[r].section);
		}
	}
}

static void test_official_names(void **state)
{
	static const char *const pairs[][2] = {
		{"A", "农、林、牧、渔业"},
		{"05", "农、林、牧、渔专业及辅助性活动"},
		{"11", "开采专业及辅助性活动"},
		{"25", "石油、煤炭及其他燃料加工业"},
		{"32", "有色金属冶炼和压延加工业"},
		{"D", "电力、热力、燃气及水生产和供应业"},
		{"50", "建筑装饰、装修和其他建筑业"},
		{"58", "多式联运和运输代理业"},
		{"59", "装卸搬运和仓储业"},
		{"I", "信息传输、软件和信息技术服务业"},
		{"63", "电信、广播电视和卫星传输服务"},
		{"65", "软件和信息技术服务业"},
		{"79", "土地管理业"},
		{"81", "机动车、电子产品和日用产品修理业"},
		{"87", "广播、电视、电影和录音制作业"},
		{"94", "社会保障"},
		{"96", "基层群众自治组织及其他组织"},
		{"T", "国际组织"},
		{"97", "国际组织"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const struct industry *e = industry_find(pairs[i][0]);
		assert_non_null(e);
		assert_string_equal(e->name, pairs[i][1]);
	}
}

static void test_find_is_exact(void **state)
{
	assert_null(industry_find(NULL));
	assert_null(industry_find(""));
	assert_null(industry_find("c"));
	assert_null(industry_find("00"));
	assert_null(industry_find("98"));
	assert_null(industry_find("99"));
	assert_null(industry_find("U"));
	assert_null(industry_find("3"));
	assert_null(industry_find("381"));
	assert_null(industry_find("38 "));
	assert_string_equal(industry_find("38")->code, "38");
}

static void expect_ok(const char *code, const char *want)
{
	char out[5] = "xxxx";
	struct qerror err = {0};
	enum qerr rc = industry_check(code, "industry", out, &err);
	if (rc != QERR_OK)
		fail_msg("'%s': %s", code, err.message);
	assert_string_equal(out, want);
}

static void expect_invalid(const char *code)
{
	char out[5] = "xxxx";
	struct qerror err = {0};
	assert_int_equal(industry_check(code, "main_industry", out, &err), QERR_INVALID);
	assert_string_equal(err.slug, "invalid_industry");
	assert_string_equal(err.field, "main_industry");
	assert_true((unsigned char)err.message[0] >= 0x80);
	assert_non_null(strstr(err.message, " ("));
	assert_string_equal(out, "xxxx");
	assert_int_equal(industry_section_of(code), 0);
}

static void test_check_accepts_letters_and_2_to_4_digits(void **state)
{
	expect_ok("A", "A");
	expect_ok("T", "T");
	expect_ok("c", "C");
	expect_ok("t", "T");
	expect_ok("01", "01");
	expect_ok("97", "97");
	expect_ok("32", "32");
	expect_ok("381", "381");
	expect_ok("3811", "3811");
	expect_ok("0111", "0111");
	expect_ok("9700", "9700");
	expect_ok("7050", "7050"); /* only the division is checked */
}

static void test_check_rejects_malformed_and_unknown(void **state)
{
	static const char *const bad[] = {
		"",     "U",     "u",    "Z",    "0",    "9",  "00",   "98",   "99",    "0011", "9912", "38111",
		"3a",   "a3",    "C3",   "CC",   " C",   "C ", "38 ",  "-1",   "+38",   "3.8",  "３８",   "中",
		"\x01", "C\t",   "\xff", "AB",   "@",    "[",  "`",    "{",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_invalid(bad[i]);
	expect_invalid(NULL);
}

static void test_check_accepts_null_error_record(void **state)
{
	char out[5];
	assert_int_equal(industry_check("99", "industry", out, NULL), QERR_INVALID);
	assert_int_equal(industry_check("c", NULL, out, NULL), QERR_OK);
	assert_string_equal(out, "C");
}

static void test_long_input_is_not_echoed_past_its_bound(void **state)
{
	char code[400];
	memset(code, '1', sizeof code - 1);
	code[sizeof code - 1] = 0;
	struct qerror err = {0};
	char out[5];
	assert_int_equal(industry_check(code, "industry", out, &err), QERR_INVALID);
	assert_true(strlen(err.message) < sizeof err.message);
	assert_null(strstr(err.message, "111111"));
}

static void test_section_of(void **state)
{
	assert_int_equal(industry_section_of("C"), 'C');
	assert_int_equal(industry_section_of("c"), 'C');
	assert_int_equal(industry_section_of("3811"), 'C');
	assert_int_equal(industry_section_of("591"), 'G');
	assert_int_equal(industry_section_of("7010"), 'K');
	assert_int_equal(industry_section_of("05"), 'A');
	assert_int_equal(industry_section_of("9700"), 'T');
	assert_int_equal(industry_section_of("99"), 0);
	assert_int_equal(industry_section_of(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_has_20_sections_and_97_divisions),
		cmocka_unit_test(test_codes_are_unique_and_entries_complete),
		cmocka_unit_test(test_every_division_01_to_97_is_in_its_section),
		cmocka_unit_test(test_official_names),
		cmocka_unit_test(test_find_is_exact),
		cmocka_unit_test(test_check_accepts_letters_and_2_to_4_digits),
		cmocka_unit_test(test_check_rejects_malformed_and_unknown),
		cmocka_unit_test(test_check_accepts_null_error_record),
		cmocka_unit_test(test_long_input_is_not_echoed_past_its_bound),
		cmocka_unit_test(test_section_of),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
