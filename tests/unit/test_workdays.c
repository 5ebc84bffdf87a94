/*
 * test_workdays.c - the Chinese working-day calendar generated from
 * chinese-days, against the State Council's published schedules:
 * 2025 国庆+中秋 (10-01..10-08 off, Sunday 9-28 and Saturday 10-11 worked),
 * 2026 春节 (2-15..2-23 off, Saturdays 2-14 and 2-28 worked), 2026 国庆
 * (10-01..10-07 off, Sunday 9-20 and Saturday 10-10 worked); "N working
 * days after D" never counts D; between() is add()'s inverse; the calendar's
 * edges are errors, not guesses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "platform/workdays.h"

static struct qdate D(const char *s) {
	struct qdate d;
	if (!qdate_parse(s, &d))
		fail_msg("bad date %s", s);
	return d;
}

static void
expect_add(const char *from, int64_t n, const char *want)
{
	struct qdate due;
	struct qerror e = {0};
	if (workdays_add(D(from), n, &due, &e))
		fail_msg("add %s + %lld: %s", from, (long long)n, e.message);
	char got[QDATE_TEXT_LEN];
	qdate_format(due, got);
	if (strcmp(got, want) != 0)
		fail_msg("%s + %lld working days: got %s, want %s", from, (long long)n, got, want);
	/* between is the inverse of add */
	int64_t back = -1;
	assert_int_equal(workdays_between(D(from), due, &back, &e), QERR_OK);
	assert_int_equal(back, n);
}

static void expect_workday(const char *date, bool want)
{
	bool got = !want;
	struct qerror e = {0};
	assert_int_equal(workdays_is_workday(D(date), &got, &e), QERR_OK);
	if (got != want)
		fail_msg("%s: got %s, want %s", date, got ? "working day" : "day off",
			 want ? "working day" : "day off");
}

static void test_national_day_2025(void **state)
{
	(void)state;
	expect_workday("2025-09-26", true);  /* Friday */
	expect_workday("2025-09-27", false); /* Saturday */
	expect_workday("2025-09-28", true);  /* Sunday, 调休上班 */
	expect_workday("2025-09-30", true);
	for (int d = 1; d <= 8; d++) {
		char s[16];
		snprintf(s, sizeof s, "2025-10-%02d", d);
		expect_workday(s, false); /* 国庆 + 中秋 (10-06) */
	}
	expect_workday("2025-10-09", true);
	expect_workday("2025-10-11", true);	   /* Saturday, 调休上班 */
	expect_workday("2025-10-12", false);	   /* Sunday */
	expect_add("2025-09-26", 1, "2025-09-28"); /* the make-up Sunday counts */
	expect_add("2025-09-26", 2, "2025-09-29");
	expect_add("2025-09-30", 1, "2025-10-09"); /* the whole holiday is skipped */
	expect_add("2025-10-03", 1, "2025-10-09"); /* from a holiday: still never counted */
	expect_add("2025-10-09", 2, "2025-10-11"); /* the make-up Saturday */
	expect_add("2025-10-09", 3, "2025-10-13");
	expect_add("2025-09-25", 5, "2025-10-09"); /* 9-26, 9-28, 9-29, 9-30, 10-09 */
	/* generic business-day code would say 10-03: the holiday week is skipped, the make-up Sunday counts */
	expect_add("2025-09-19", 10, "2025-10-10");
}

static void test_spring_festival_2026(void **state)
{
	(void)state;
	expect_workday("2026-02-13", true);
	expect_workday("2026-02-14", true); /* Saturday, 调休上班 */
	for (int d = 15; d <= 23; d++) {
		char s[16];
		snprintf(s, sizeof s, "2026-02-%02d", d);
		expect_workday(s, false);
	}
	expect_workday("2026-02-24", true);
	expect_workday("2026-02-28", true); /* Saturday, 调休上班 */
	expect_workday("2026-03-01", false);
	expect_add("2026-02-13", 1, "2026-02-14");
	expect_add("2026-02-13", 2, "2026-02-24");
	expect_add("2026-02-16", 1, "2026-02-24");
	expect_add("2026-02-24", 4, "2026-02-28");
	expect_add("2026-02-24", 5, "2026-03-02");
	expect_add("2026-02-10", 15, "2026-03-09");
}

static void test_national_day_2026(void **state)
{
	(void)state;
	expect_workday("2026-09-20", true);  /* Sunday, 调休上班 */
	expect_workday("2026-09-25", false); /* 中秋 (Friday) */
	expect_workday("2026-10-07", false);
	expect_workday("2026-10-08", true);
	expect_workday("2026-10-10", true); /* Saturday, 调休上班 */
	expect_add("2026-09-30", 1, "2026-10-08");
	expect_add("2026-09-30", 3, "2026-10-10");
}

static void test_zero_and_ordinary_weeks(void **state)
{
	(void)state;
	expect_add("2025-06-06", 0, "2025-06-06");
	expect_add("2025-06-06", 1, "2025-06-09"); /* Friday + 1 = Monday */
	expect_add("2025-06-07", 1, "2025-06-09"); /* from a Saturday */
	int64_t n = 0;
	struct qerror e = {0};
	assert_int_equal(workdays_between(D("2025-10-09"), D("2025-09-30"), &n, &e), QERR_OK);
	assert_int_equal(n, -1);
	assert_int_equal(workdays_between(D("2025-10-01"), D("2025-10-08"), &n, &e), QERR_OK);
	assert_int_equal(n, 0);
}

static void test_out_of_range(void **state)
{
	(void)state;
	struct workdays_calendar c = workdays_calendar();
	assert_string_equal(c.package, "chinese-days");
	assert_true(c.first_year <= 2025 && c.last_year >= 2026);
	char id[WORKDAYS_IDENTITY_LEN];
	workdays_identity(id);
	assert_non_null(strstr(id, "chinese-days@"));
	struct qdate due;
	struct qerror e = {0};
	char last[32];
	snprintf(last, sizeof last, "%04d-12-31", c.last_year);
	/* The last day is fine; one working day past it is not. */
	bool w;
	assert_int_equal(workdays_is_workday(D(last), &w, &e), QERR_OK);
	assert_int_equal(workdays_add(D(last), 1, &due, &e), QERR_INVALID);
	assert_string_equal(e.slug, "calendar_out_of_range");
	assert_non_null(strstr(e.message, "chinese-days"));
	char before[32];
	snprintf(before, sizeof before, "%04d-06-01", c.first_year - 1);
	assert_int_equal(workdays_is_workday(D(before), &w, &e), QERR_INVALID);
	assert_int_equal(workdays_add(D("2025-01-02"), -1, &due, &e), QERR_INVALID);
	assert_string_equal(e.slug, "invalid_days");
	assert_int_equal(workdays_add(D("2025-01-02"), WORKDAYS_MAX_COUNT + 1, &due, &e), QERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_national_day_2025), cmocka_unit_test(test_spring_festival_2026),
	    cmocka_unit_test(test_national_day_2026), cmocka_unit_test(test_zero_and_ordinary_weeks),
	    cmocka_unit_test(test_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
