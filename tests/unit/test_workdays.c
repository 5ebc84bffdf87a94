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

/* Beyond the calendar's last year: Monday-Friday, flagged, named; before the first year still an error. */
static void test_provisional(void **state)
{
	(void)state;
	struct workdays_calendar c = workdays_calendar();
	char last[32], id[WORKDAYS_IDENTITY_LEN], base[WORKDAYS_IDENTITY_LEN], want[2 * WORKDAYS_IDENTITY_LEN];
	snprintf(last, sizeof last, "%04d-12-31", c.last_year);
	struct qdate due, back;
	struct qerror e = {0};
	bool prov = false;
	int64_t n = 0;
	/* 10 weekdays after the last day: every Monday-Friday of the new year counts (no holiday known). */
	assert_int_equal(workdays_add_provisional(D(last), 10, &due, &prov, &e), QERR_OK);
	assert_true(prov);
	assert_int_equal(due.year, c.last_year + 1);
	int64_t weekdays = 0;
	struct qdate d = D(last);
	while (qdate_compare(d, due) < 0) {
		assert_true(qdate_add_days(d, 1, &d));
		weekdays += qdate_weekday(d) <= 5;
	}
	assert_int_equal(weekdays, 10);
	assert_true(qdate_weekday(due) <= 5);
	assert_int_equal(workdays_between_provisional(D(last), due, &n, &prov, &e), QERR_OK);
	assert_int_equal(n, 10);
	assert_true(prov);
	assert_true(workdays_beyond(due));
	/* Inside the calendar it is workdays_add exactly, not provisional. */
	assert_int_equal(workdays_add_provisional(D("2025-09-26"), 15, &due, &prov, &e), QERR_OK);
	assert_false(prov);
	char t[32];
	qdate_format(due, t);
	assert_string_equal(t, "2025-10-23");
	/* Identities: plain within, "+ provisional weekdays for Y" or "Y1-Y2" beyond. */
	workdays_identity(base);
	workdays_identity_upto(D(last), id);
	assert_string_equal(id, base);
	assert_false(workdays_identity_provisional(id, NULL));
	snprintf(t, sizeof t, "%04d-03-01", c.last_year + 1);
	workdays_identity_upto(D(t), id);
	snprintf(want, sizeof want, "%s + provisional weekdays for %d", base, c.last_year + 1);
	assert_string_equal(id, want);
	int y = 0;
	assert_true(workdays_identity_provisional(id, &y));
	assert_int_equal(y, c.last_year);
	assert_true(workdays_date_provisional(id, D(t)));
	assert_false(workdays_date_provisional(id, D(last)));
	snprintf(t, sizeof t, "%04d-03-01", c.last_year + 3);
	workdays_identity_upto(D(t), id);
	snprintf(want, sizeof want, "%s + provisional weekdays for %d-%d", base, c.last_year + 1, c.last_year + 3);
	assert_string_equal(id, want);
	/* Too far, or before the calendar: errors, as before. */
	snprintf(t, sizeof t, "%04d-03-01", c.last_year + WORKDAYS_PROVISIONAL_YEARS + 1);
	assert_int_equal(workdays_add_provisional(D(t), 1, &due, &prov, &e), QERR_INVALID);
	snprintf(t, sizeof t, "%04d-06-01", c.first_year - 1);
	assert_int_equal(workdays_add_provisional(D(t), 1, &due, &prov, &e), QERR_INVALID);
	assert_string_equal(e.slug, "calendar_out_of_range");
	/* The strict functions are unchanged. */
	assert_int_equal(workdays_add(D(last), 1, &due, &e), QERR_INVALID);
	/* Recompute: 2026-01-05 was the 3rd Monday-Friday after 2025-12-31 under a calendar to 2025; on this one
	 * (2026-01-01..03 off, Sunday 01-04 worked) the 3rd working day is 2026-01-06. */
	assert_int_equal(workdays_recompute("chinese-days@1.5.6 (2004-2025) + provisional weekdays for 2026",
					    D("2026-01-05"), &back, &prov, &e),
			 QERR_OK);
	qdate_format(back, t);
	assert_string_equal(t, "2026-01-06");
	assert_false(prov);
	/* A date within the recorded calendar stays; a plain identity changes nothing. */
	assert_int_equal(workdays_recompute("chinese-days@1.5.6 (2004-2025) + provisional weekdays for 2026",
					    D("2025-12-30"), &back, &prov, &e),
			 QERR_OK);
	qdate_format(back, t);
	assert_string_equal(t, "2025-12-30");
	assert_int_equal(workdays_recompute(base, D("2026-01-05"), &back, &prov, &e), QERR_OK);
	qdate_format(back, t);
	assert_string_equal(t, "2026-01-05");
	assert_false(workdays_identity_provisional("not an identity", &y));
	assert_int_equal(y, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_national_day_2025), cmocka_unit_test(test_spring_festival_2026),
	    cmocka_unit_test(test_national_day_2026), cmocka_unit_test(test_zero_and_ordinary_weeks),
	    cmocka_unit_test(test_out_of_range),      cmocka_unit_test(test_provisional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
