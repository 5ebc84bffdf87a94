/*
 * test_classify.c - size classes under 工信部联企业〔2011〕300号, attacked at
 * every bound of every sector: exactly on a bound ("及以上" includes it) and
 * one unit below ("以下" excludes it), one indicator at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "registry/classify.h"

enum { IND_E, IND_Y, IND_A };

/* One sector as the brief transcribes the standard, independently of classify.c. */
struct sector_case {
	const char *code;      /* an industry code that lands in this sector */
	const char *sector;
	const char *sector_zh;
	int n;
	int ind[2];
	int64_t bound[3][2];   /* large, medium, small */
};

static const struct sector_case CASES[] = {
	{"01", "agriculture", "农、林、牧、渔业", 1, {IND_Y, IND_Y}, {{20000, 0}, {500, 0}, {50, 0}}},
	{"C", "industrial", "工业", 2, {IND_E, IND_Y}, {{1000, 40000}, {300, 2000}, {20, 300}}},
	{"47", "construction", "建筑业", 2, {IND_Y, IND_A}, {{80000, 80000}, {6000, 5000}, {300, 300}}},
	{"51", "wholesale", "批发业", 2, {IND_E, IND_Y}, {{200, 40000}, {20, 5000}, {5, 1000}}},
	{"52", "retail", "零售业", 2, {IND_E, IND_Y}, {{300, 20000}, {50, 500}, {10, 100}}},
	{"54", "transport", "交通运输业", 2, {IND_E, IND_Y}, {{1000, 30000}, {300, 3000}, {20, 200}}},
	{"5920", "warehousing", "仓储业", 2, {IND_E, IND_Y}, {{200, 30000}, {100, 1000}, {20, 100}}},
	{"60", "postal", "邮政业", 2, {IND_E, IND_Y}, {{1000, 30000}, {300, 2000}, {20, 100}}},
	{"61", "accommodation", "住宿业", 2, {IND_E, IND_Y}, {{300, 10000}, {100, 2000}, {10, 100}}},
	{"62", "catering", "餐饮业", 2, {IND_E, IND_Y}, {{300, 10000}, {100, 2000}, {10, 100}}},
	{"63", "information_transmission", "信息传输业", 2, {IND_E, IND_Y}, {{2000, 100000}, {100, 1000}, {10, 100}}},
	{"65", "software", "软件和信息技术服务业", 2, {IND_E, IND_Y}, {{300, 10000}, {100, 1000}, {10, 50}}},
	{"7010", "real_estate_development", "房地产开发经营", 2, {IND_Y, IND_A},
	 {{200000, 10000}, {1000, 5000}, {100, 2000}}},
	{"7020", "property_management", "物业管理", 2, {IND_E, IND_Y}, {{1000, 5000}, {300, 1000}, {100, 500}}},
	{"L", "leasing_business", "租赁和商务服务业", 2, {IND_E, IND_A}, {{300, 120000}, {100, 8000}, {10, 100}}},
	{"M", "other", "其他未列明行业", 1, {IND_E, IND_E}, {{300, 0}, {100, 0}, {10, 0}}},
};

/* Classifies with indicator values v[]; unlisted indicators get values that never matter. */
static enum size_class classify_case(const struct sector_case *c, const int64_t v[2])
{
	int64_t x[3] = {0, 0, 0};
	for (int i = 0; i < c->n; i++)
		x[c->ind[i]] = v[i];
	/* Indicators the sector ignores must really be ignored: make them huge. */
	for (int k = 0; k < 3; k++) {
		bool used = false;
		for (int i = 0; i < c->n; i++)
			used = used || c->ind[i] == k;
		if (!used)
			x[k] = INT64_C(1) << 40;
	}
	struct classify_result r;
	struct qerror err = {0};
	enum qerr rc = classify_enterprise(c->code, x[IND_E], x[IND_Y], x[IND_A], &r, &err);
	if (rc != QERR_OK)
		fail_msg("%s: unexpected error %s: %s", c->code, err.slug, err.message);
	assert_string_equal(r.sector, c->sector);
	assert_string_equal(r.sector_zh, c->sector_zh);
	assert_non_null(strstr(r.rule, c->sector_zh));
	return r.size;
}

/*
 * For each class bound: all indicators exactly on it give that class; any
 * one indicator one below (the rest still on it) drops the firm one class.
 */
static void test_sector_bounds(void **state)
{
	const struct sector_case *c = *state;
	for (int level = SIZE_LARGE; level <= SIZE_SMALL; level++) {
		int64_t v[2] = {c->bound[level][0], c->bound[level][1]};
		assert_int_equal(classify_case(c, v), level);
		for (int i = 0; i < c->n; i++) {
			int64_t w[2] = {v[0], v[1]};
			w[i] -= 1;
			assert_int_equal(classify_case(c, w), level + 1);
		}
	}
	int64_t zero[2] = {0, 0};
	assert_int_equal(classify_case(c, zero), SIZE_MICRO);
}

static void expect_class(const char *code, int64_t e, int64_t y, int64_t a, enum size_class want)
{
	struct classify_result r;
	struct qerror err = {0};
	enum qerr rc = classify_enterprise(code, e, y, a, &r, &err);
	if (rc != QERR_OK)
		fail_msg("%s: unexpected error %s: %s", code, err.slug, err.message);
	assert_string_equal(size_class_name(r.size), size_class_name(want));
}

static void expect_error(const char *code, int64_t e, int64_t y, int64_t a, const char *slug, const char *field)
{
	struct classify_result r;
	struct qerror err = {0};
	assert_int_equal(classify_enterprise(code, e, y, a, &r, &err), QERR_INVALID);
	assert_int_equal(err.code, QERR_INVALID);
	assert_string_equal(err.slug, slug);
	assert_string_equal(err.field, field);
	/* Bilingual: Chinese first, English in parentheses. */
	assert_true((unsigned char)err.message[0] >= 0x80);
	assert_non_null(strstr(err.message, " ("));
	/* Never truncated: the English half ends with its closing parenthesis. */
	assert_int_equal(err.message[strlen(err.message) - 1], ')');
}

static void test_industrial_examples_from_the_brief(void **state)
{
	expect_class("C", 300, 2000, -1, SIZE_MEDIUM);
	expect_class("C", 299, 2000, -1, SIZE_SMALL);
	expect_class("C", 1000, 40000, -1, SIZE_LARGE);
	expect_class("C", 1000, 39999, -1, SIZE_MEDIUM);
	expect_class("C", 999, 40000, -1, SIZE_MEDIUM);
	expect_class("C", 20, 300, -1, SIZE_SMALL);
	expect_class("C", 19, 300, -1, SIZE_MICRO);
	expect_class("C", 20, 299, -1, SIZE_MICRO);
}

static void test_medium_by_employees_missing_revenue_falls_to_small(void **state)
{
	struct classify_result r;
	struct qerror err = {0};
	assert_int_equal(classify_enterprise("38", 500, 1999, -1, &r, &err), QERR_OK);
	assert_int_equal(r.size, SIZE_SMALL);
	assert_string_equal(r.rule, "工业：从业人员20人及以上且营业收入300万元及以上为小型企业"
				    "（营业收入2000万元以下，未达中型企业标准）");
}

static void test_missing_both_medium_and_small_is_micro(void **state)
{
	struct classify_result r;
	struct qerror err = {0};
	assert_int_equal(classify_enterprise("C", 500, 100, -1, &r, &err), QERR_OK);
	assert_int_equal(r.size, SIZE_MICRO);
	assert_string_equal(r.rule, "工业：从业人员20人以下或营业收入300万元以下为微型企业（营业收入300万元以下）");
	/* Huge in one indicator is still micro when the other is tiny. */
	expect_class("C", 5000000, 0, -1, SIZE_MICRO);
	expect_class("C", 0, INT64_MAX, -1, SIZE_MICRO);
}

static void test_rule_names_the_deciding_bound(void **state)
{
	struct classify_result r;
	struct qerror err = {0};
	assert_int_equal(classify_enterprise("C", 300, 2000, -1, &r, &err), QERR_OK);
	assert_string_equal(r.rule, "工业：从业人员300人及以上且营业收入2000万元及以上为中型企业");
	assert_int_equal(classify_enterprise("C", 1000, 40000, -1, &r, &err), QERR_OK);
	assert_string_equal(r.rule, "工业：从业人员1000人及以上且营业收入40000万元及以上为大型企业");
	assert_int_equal(classify_enterprise("A", 0, 49, -1, &r, &err), QERR_OK);
	assert_string_equal(r.rule, "农、林、牧、渔业：营业收入50万元以下为微型企业");
	assert_int_equal(classify_enterprise("47", 0, 6000, 4999, &r, &err), QERR_OK);
	assert_string_equal(r.rule, "建筑业：营业收入300万元及以上且资产总额300万元及以上为小型企业"
				    "（资产总额5000万元以下，未达中型企业标准）");
	assert_int_equal(classify_enterprise("M", 10, 0, -1, &r, &err), QERR_OK);
	assert_string_equal(r.rule, "其他未列明行业：从业人员10人及以上为小型企业");
}

static void test_section_letters_and_lower_case(void **state)
{
	expect_class("a", 0, 500, -1, SIZE_MEDIUM);
	expect_class("B", 300, 2000, -1, SIZE_MEDIUM);
	expect_class("d", 1000, 40000, -1, SIZE_LARGE);
	expect_class("e", 0, 80000, 80000, SIZE_LARGE);
	expect_class("l", 300, 0, 120000, SIZE_LARGE);
	for (const char *p = "MNOPQR"; *p; p++) {
		char code[2] = {*p, 0};
		expect_class(code, 300, 0, -1, SIZE_LARGE);
		expect_class(code, 299, 0, -1, SIZE_MEDIUM);
	}
}

static void test_four_digit_codes(void **state)
{
	expect_class("0111", 0, 20000, -1, SIZE_LARGE);
	expect_class("3811", 1000, 40000, -1, SIZE_LARGE);
	expect_class("4610", 20, 300, -1, SIZE_SMALL);
	expect_class("5110", 20, 5000, -1, SIZE_MEDIUM);
	expect_class("5211", 50, 500, -1, SIZE_MEDIUM);
	expect_class("6510", 10, 50, -1, SIZE_SMALL);
	expect_class("6410", 2000, 100000, -1, SIZE_LARGE);
	expect_class("7030", 100, 0, -1, SIZE_MEDIUM); /* 房地产中介服务: other */
	expect_class("7090", 10, 0, -1, SIZE_SMALL);   /* 其他房地产业: other */
	expect_class("701", 0, 1000, 5000, SIZE_MEDIUM);
	expect_class("7020", 300, 1000, -1, SIZE_MEDIUM);
	expect_class("7211", 100, 0, 8000, SIZE_MEDIUM);
	expect_class("8411", 300, 0, -1, SIZE_LARGE); /* 卫生 counted as other */
}

static void test_loading_591_is_transport_rest_of_59_is_warehousing(void **state)
{
	struct classify_result r;
	struct qerror err = {0};
	assert_int_equal(classify_enterprise("5910", 300, 3000, -1, &r, &err), QERR_OK);
	assert_string_equal(r.sector, "transport");
	assert_int_equal(r.size, SIZE_MEDIUM);
	assert_int_equal(classify_enterprise("591", 0, 0, -1, &r, &err), QERR_OK);
	assert_string_equal(r.sector, "transport");
	assert_int_equal(classify_enterprise("59", 200, 30000, -1, &r, &err), QERR_OK);
	assert_string_equal(r.sector, "warehousing");
	assert_int_equal(r.size, SIZE_LARGE);
	assert_int_equal(classify_enterprise("5990", 100, 1000, -1, &r, &err), QERR_OK);
	assert_string_equal(r.sector, "warehousing");
	assert_int_equal(r.size, SIZE_MEDIUM);
}

/* The standard excludes 铁路运输业; we deliberately classify it as transport. */
static void test_railway_53_uses_transport_bounds(void **state)
{
	struct classify_result r;
	struct qerror err = {0};
	assert_int_equal(classify_enterprise("53", 1000, 30000, -1, &r, &err), QERR_OK);
	assert_string_equal(r.sector, "transport");
	assert_int_equal(r.size, SIZE_LARGE);
	expect_class("5311", 999, 30000, -1, SIZE_MEDIUM);
}

static void test_codes_spanning_sectors_are_refused(void **state)
{
	static const char *const ambiguous[] = {"F", "f", "G", "H", "I", "K", "k", "70"};
	for (size_t i = 0; i < sizeof ambiguous / sizeof ambiguous[0]; i++)
		expect_error(ambiguous[i], 10, 10, 10, "ambiguous_industry", "industry");
}

static void test_industries_outside_the_standard_are_refused(void **state)
{
	static const char *const outside[] = {"J", "j", "66", "67", "68", "69", "6620", "7040", "704",
					      "S", "91", "96", "9610", "T", "97", "9700"};
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
		expect_error(outside[i], 10, 10, 10, "industry_not_covered", "industry");
}

static void test_unknown_codes_are_refused(void **state)
{
	static const char *const unknown[] = {"", "U", "Z", "0", "00", "99", "98", "9", "12345", "3a", " C",
					      "C ", "7050", "700", "７０"};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		expect_error(unknown[i], 10, 10, 10, "invalid_industry", "industry");
	expect_error(NULL, 10, 10, 10, "invalid_industry", "industry");
}

static void test_missing_assets(void **state)
{
	expect_error("E", 10, 10000, -1, "missing_assets", "assets");
	expect_error("7010", 10, 10000, -1, "missing_assets", "assets");
	expect_error("L", 10, 10000, -1, "missing_assets", "assets");
	expect_error("72", 10, 10000, INT64_MIN, "missing_assets", "assets");
	/* Sectors that ignore assets do not need them, and zero assets are given assets. */
	expect_class("C", 10, 10, -1, SIZE_MICRO);
	expect_class("E", 0, 300, 0, SIZE_MICRO);
}

static void test_negative_employees_and_revenue(void **state)
{
	expect_error("C", -1, 10, -1, "invalid_employees", "employees");
	expect_error("A", -1, 10, -1, "invalid_employees", "employees");
	expect_error("C", 10, -1, -1, "invalid_revenue", "revenue");
	expect_error("L", 10, INT64_MIN, 5, "invalid_revenue", "revenue");
	expect_error("M", INT64_MIN, 0, -1, "invalid_employees", "employees");
}

static void test_extreme_values_do_not_overflow(void **state)
{
	expect_class("C", INT64_MAX, INT64_MAX, -1, SIZE_LARGE);
	expect_class("E", 0, INT64_MAX, INT64_MAX, SIZE_LARGE);
	expect_class("A", INT64_MAX, 0, INT64_MAX, SIZE_MICRO);
}

static void test_null_error_record_is_allowed(void **state)
{
	struct classify_result r;
	assert_int_equal(classify_enterprise("J", 1, 1, 1, &r, NULL), QERR_INVALID);
	assert_int_equal(classify_enterprise("E", 1, 1, -1, &r, NULL), QERR_INVALID);
	assert_int_equal(classify_enterprise("C", 1, 1, -1, &r, NULL), QERR_OK);
}

static void test_size_class_names_round_trip(void **state)
{
	static const char *const names[] = {"large", "medium", "small", "micro"};
	for (int i = SIZE_LARGE; i <= SIZE_MICRO; i++) {
		enum size_class s = SIZE_MICRO;
		assert_string_equal(size_class_name((enum size_class)i), names[i]);
		assert_true(size_class_parse(names[i], &s));
		assert_int_equal(s, i);
	}
	enum size_class s = SIZE_MEDIUM;
	assert_false(size_class_parse("Large", &s));
	assert_false(size_class_parse("large ", &s));
	assert_false(size_class_parse("", &s));
	assert_false(size_class_parse(NULL, &s));
	assert_false(size_class_parse("大型", &s));
	assert_int_equal(s, SIZE_MEDIUM);
}

/* One named test per sector, so a failure says which sector broke. */
#define SECTOR_TEST(i, label) {"test_sector_bounds_" label, test_sector_bounds, NULL, NULL, (void *)&CASES[i]}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SECTOR_TEST(0, "agriculture"),
		SECTOR_TEST(1, "industrial"),
		SECTOR_TEST(2, "construction"),
		SECTOR_TEST(3, "wholesale"),
		SECTOR_TEST(4, "retail"),
		SECTOR_TEST(5, "transport"),
		SECTOR_TEST(6, "warehousing"),
		SECTOR_TEST(7, "postal"),
		SECTOR_TEST(8, "accommodation"),
		SECTOR_TEST(9, "catering"),
		SECTOR_TEST(10, "information_transmission"),
		SECTOR_TEST(11, "software"),
		SECTOR_TEST(12, "real_estate_development"),
		SECTOR_TEST(13, "property_management"),
		SECTOR_TEST(14, "leasing_business"),
		SECTOR_TEST(15, "other"),
		cmocka_unit_test(test_industrial_examples_from_the_brief),
		cmocka_unit_test(test_medium_by_employees_missing_revenue_falls_to_small),
		cmocka_unit_test(test_missing_both_medium_and_small_is_micro),
		cmocka_unit_test(test_rule_names_the_deciding_bound),
		cmocka_unit_test(test_section_letters_and_lower_case),
		cmocka_unit_test(test_four_digit_codes),
		cmocka_unit_test(test_loading_591_is_transport_rest_of_59_is_warehousing),
		cmocka_unit_test(test_railway_53_uses_transport_bounds),
		cmocka_unit_test(test_codes_spanning_sectors_are_refused),
		cmocka_unit_test(test_industries_outside_the_standard_are_refused),
		cmocka_unit_test(test_unknown_codes_are_refused),
		cmocka_unit_test(test_missing_assets),
		cmocka_unit_test(test_negative_employees_and_revenue),
		cmocka_unit_test(test_extreme_values_do_not_overflow),
		cmocka_unit_test(test_null_error_record_is_allowed),
		cmocka_unit_test(test_size_class_names_round_trip),
	};
	_Static_assert(sizeof CASES / sizeof CASES[0] == 16, "one case per sector of the standard");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
