/*
 * test_qdate.c - calendar dates and Asia/Shanghai: leap years, day numbers
 * checked day by day over all of 0000-9999, arithmetic at month, year and
 * range ends (and with absurd day counts), weekdays, the UTC+8 calendar at
 * local midnight, its independence from TZ, and agreement with the system
 * tzdata (when present) from 1992 on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/qdate.h"

#define D(y, m, d) ((struct qdate){(y), (m), (d)})

static void assert_date(struct qdate got, int y, int m, int d)
{
	if (got.year != y || got.month != m || got.day != d)
		fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", got.year, got.month, got.day, y, m, d);
}

static void test_validity_follows_the_gregorian_leap_rules(void **state)
{
	(void)state;
	assert_true(qdate_valid(D(2024, 2, 29)));
	assert_true(qdate_valid(D(2000, 2, 29)));
	assert_true(qdate_valid(D(0, 2, 29)));
	assert_false(qdate_valid(D(2023, 2, 29)));
	assert_false(qdate_valid(D(1900, 2, 29)));
	assert_false(qdate_valid(D(2100, 2, 29)));
	assert_false(qdate_valid(D(2026, 2, 30)));
	assert_false(qdate_valid(D(2026, 4, 31)));
	assert_true(qdate_valid(D(2026, 12, 31)));
	assert_false(qdate_valid(D(2026, 12, 32)));
	assert_false(qdate_valid(D(2026, 0, 1)));
	assert_false(qdate_valid(D(2026, 13, 1)));
	assert_false(qdate_valid(D(2026, 1, 0)));
	assert_false(qdate_valid(D(2026, -1, 1)));
	assert_false(qdate_valid(D(-1, 12, 31)));
	assert_false(qdate_valid(D(10000, 1, 1)));
	assert_true(qdate_valid(D(0, 1, 1)));
	assert_true(qdate_valid(D(9999, 12, 31)));
}

static void test_day_numbers_of_known_dates(void **state)
{
	(void)state;
	assert_int_equal(qdate_to_days(D(1970, 1, 1)), 0);
	assert_int_equal(qdate_to_days(D(1969, 12, 31)), -1);
	assert_int_equal(qdate_to_days(D(2000, 3, 1)), 11017);
	assert_int_equal(qdate_to_days(D(2026, 3, 1)), 20513);
	assert_int_equal(qdate_to_days(D(1, 1, 1)), -719162);
	assert_int_equal(qdate_to_days(D(0, 1, 1)), -719528);
	assert_int_equal(qdate_to_days(D(9999, 12, 31)), 2932896);
}

static void test_every_day_of_the_range_follows_the_previous_one(void **state)
{
	(void)state;
	struct qdate prev, d;
	assert_true(qdate_from_days(-719528, &prev));
	assert_date(prev, 0, 1, 1);
	long count = 1;
	for (int64_t n = -719527; n <= 2932896; n++, count++) {
		assert_true(qdate_from_days(n, &d));
		assert_true(qdate_valid(d));
		assert_int_equal(qdate_to_days(d), n);
		/* The successor of prev: the next day of the month, else the 1st of the next month or year. */
		bool next_day = d.year == prev.year && d.month == prev.month && d.day == prev.day + 1;
		bool next_month = d.year == prev.year && d.month == prev.month + 1 && d.day == 1;
		bool next_year = d.year == prev.year + 1 && d.month == 1 && d.day == 1 && prev.month == 12 &&
				 prev.day == 31;
		assert_true(next_day || next_month || next_year);
		assert_true(qdate_compare(prev, d) < 0 && qdate_compare(d, prev) > 0 && qdate_compare(d, d) == 0);
		assert_int_equal(qdate_weekday(d), qdate_weekday(prev) % 7 + 1);
		prev = d;
	}
	assert_date(prev, 9999, 12, 31);
	assert_int_equal(count, 3652425); /* 10,000 Gregorian years: 25 cycles of 146,097 days */
}

static void test_day_numbers_outside_the_range_are_refused(void **state)
{
	(void)state;
	struct qdate d = D(1, 2, 3);
	const int64_t bad[] = {-719529, 2932897, INT64_MIN, INT64_MAX};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(qdate_from_days(bad[i], &d));
		assert_date(d, 1, 2, 3);
	}
}

static void test_parse_and_format_are_strict_inverses(void **state)
{
	(void)state;
	struct qdate d;
	char out[QDATE_TEXT_LEN];
	assert_true(qdate_parse("2024-02-29", &d));
	assert_date(d, 2024, 2, 29);
	qdate_format(d, out);
	assert_string_equal(out, "2024-02-29");
	assert_true(qdate_parse("0000-01-01", &d));
	qdate_format(d, out);
	assert_string_equal(out, "0000-01-01");
	qdate_format(D(987, 6, 5), out);
	assert_string_equal(out, "0987-06-05");

	d = D(1, 2, 3);
	const char *bad[] = {"2023-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-01",
			     "2026-01-1",  "26-01-01",	 "2026/01/01", "2026-01-01T00:00:00Z", "2026-01-01 ",
			     " 2026-01-01", "",		 "2026-01-0",  "2026-01-", "+026-01-01", "2026-01-01\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (qdate_parse(bad[i], &d))
			fail_msg("accepted \"%s\"", bad[i]);
	assert_false(qdate_parse(NULL, &d));
	assert_date(d, 1, 2, 3);
}

static void test_adding_days_crosses_months_years_and_leap_days(void **state)
{
	(void)state;
	struct qdate d;
	assert_true(qdate_add_days(D(2024, 2, 28), 1, &d));
	assert_date(d, 2024, 2, 29);
	assert_true(qdate_add_days(D(2024, 2, 28), 2, &d));
	assert_date(d, 2024, 3, 1);
	assert_true(qdate_add_days(D(2023, 2, 28), 1, &d));
	assert_date(d, 2023, 3, 1);
	assert_true(qdate_add_days(D(2025, 12, 31), 1, &d));
	assert_date(d, 2026, 1, 1);
	assert_true(qdate_add_days(D(2026, 1, 1), -1, &d));
	assert_date(d, 2025, 12, 31);
	assert_true(qdate_add_days(D(2026, 3, 1), 0, &d));
	assert_date(d, 2026, 3, 1);
	assert_true(qdate_add_days(D(2026, 1, 31), 365, &d));
	assert_date(d, 2027, 1, 31);
	assert_true(qdate_add_days(D(2026, 3, 1), 184, &d));
	assert_date(d, 2026, 9, 1);
	/* The edges of the range, and day counts that would overflow an int64 sum. */
	assert_true(qdate_add_days(D(9999, 12, 30), 1, &d));
	assert_date(d, 9999, 12, 31);
	assert_true(qdate_add_days(D(0, 1, 2), -1, &d));
	assert_date(d, 0, 1, 1);
	assert_true(qdate_add_days(D(0, 1, 1), 3652424, &d));
	assert_date(d, 9999, 12, 31);
	d = D(1, 2, 3);
	assert_false(qdate_add_days(D(9999, 12, 31), 1, &d));
	assert_false(qdate_add_days(D(0, 1, 1), -1, &d));
	assert_false(qdate_add_days(D(2026, 3, 1), INT64_MAX, &d));
	assert_false(qdate_add_days(D(2026, 3, 1), INT64_MIN, &d));
	assert_false(qdate_add_days(D(0, 1, 1), 3652425, &d));
	assert_date(d, 1, 2, 3);
}

static void test_days_between_counts_from_the_first_to_the_second(void **state)
{
	(void)state;
	assert_int_equal(qdate_days_between(D(2026, 3, 1), D(2026, 9, 1)), 184);
	assert_int_equal(qdate_days_between(D(2026, 9, 1), D(2026, 3, 1)), -184);
	assert_int_equal(qdate_days_between(D(2024, 1, 1), D(2025, 1, 1)), 366);
	assert_int_equal(qdate_days_between(D(2025, 1, 1), D(2026, 1, 1)), 365);
	assert_int_equal(qdate_days_between(D(2026, 3, 1), D(2026, 3, 1)), 0);
	assert_int_equal(qdate_days_between(D(0, 1, 1), D(9999, 12, 31)), 3652424);
}

static void test_weekdays_of_known_dates(void **state)
{
	(void)state;
	assert_int_equal(qdate_weekday(D(1970, 1, 1)), 4); /* Thursday */
	assert_int_equal(qdate_weekday(D(1969, 12, 29)), 1);
	assert_int_equal(qdate_weekday(D(2000, 1, 1)), 6);
	assert_int_equal(qdate_weekday(D(2024, 1, 1)), 1);
	assert_int_equal(qdate_weekday(D(2026, 3, 1)), 7);
	assert_int_equal(qdate_weekday(D(2026, 10, 1)), 4); /* 国庆节 2026 */
	assert_int_equal(qdate_weekday(D(1, 1, 1)), 1);
	assert_int_equal(qdate_weekday(D(9999, 12, 31)), 5);
}

static int64_t utc_of(int y, int mo, int d, int h, int mi, int s)
{
	return qdate_to_days(D(y, mo, d)) * 86400 + h * 3600 + mi * 60 + s;
}

static void test_shanghai_date_changes_at_local_midnight(void **state)
{
	(void)state;
	struct qdate d;
	int sec = -1;
	assert_true(qdate_shanghai_of(utc_of(2025, 12, 31, 16, 0, 0), &d, &sec));
	assert_date(d, 2026, 1, 1);
	assert_int_equal(sec, 0);
	assert_true(qdate_shanghai_of(utc_of(2025, 12, 31, 15, 59, 59), &d, &sec));
	assert_date(d, 2025, 12, 31);
	assert_int_equal(sec, 86399);
	assert_true(qdate_shanghai_of(utc_of(2026, 3, 1, 8, 30, 0), &d, NULL));
	assert_date(d, 2026, 3, 1);
	/* Before the epoch the local day still floors: 1969-12-31T15:59:59Z is 23:59:59 local. */
	assert_true(qdate_shanghai_of(-28801, &d, &sec));
	assert_date(d, 1969, 12, 31);
	assert_int_equal(sec, 86399);
	assert_true(qdate_shanghai_of(-28800, &d, &sec));
	assert_date(d, 1970, 1, 1);
	assert_int_equal(sec, 0);
}

static void test_shanghai_range_edges(void **state)
{
	(void)state;
	struct qdate d = D(1, 2, 3);
	int sec = -1;
	int64_t first = qdate_to_days(D(0, 1, 1)) * 86400 - QDATE_SHANGHAI_OFFSET;
	int64_t last = (qdate_to_days(D(9999, 12, 31)) + 1) * 86400 - QDATE_SHANGHAI_OFFSET - 1;
	assert_true(qdate_shanghai_of(first, &d, &sec));
	assert_date(d, 0, 1, 1);
	assert_true(qdate_shanghai_of(last, &d, &sec));
	assert_date(d, 9999, 12, 31);
	assert_int_equal(sec, 86399);
	d = D(1, 2, 3);
	sec = -1;
	const int64_t bad[] = {first - 1, last + 1, INT64_MIN, INT64_MAX};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(qdate_shanghai_of(bad[i], &d, &sec));
		assert_date(d, 1, 2, 3);
		assert_int_equal(sec, -1);
	}
}

static void test_shanghai_local_times_to_utc_and_back(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_true(qdate_shanghai_instant(D(2026, 1, 1), 0, 0, 0, &t));
	assert_int_equal(t, utc_of(2025, 12, 31, 16, 0, 0));
	assert_true(qdate_shanghai_instant(D(2026, 3, 1), 16, 30, 0, &t));
	assert_int_equal(t, utc_of(2026, 3, 1, 8, 30, 0));
	assert_true(qdate_shanghai_instant(D(2026, 3, 1), 23, 59, 59, &t));
	assert_int_equal(t, utc_of(2026, 3, 1, 15, 59, 59));
	for (int h = 0; h < 24; h += 5)
		for (int m = 0; m < 60; m += 7) {
			struct qdate back;
			int sec;
			assert_true(qdate_shanghai_instant(D(2024, 2, 29), h, m, m, &t));
			assert_true(qdate_shanghai_of(t, &back, &sec));
			assert_date(back, 2024, 2, 29);
			assert_int_equal(sec, h * 3600 + m * 60 + m);
		}
	t = 777;
	assert_false(qdate_shanghai_instant(D(2026, 2, 30), 8, 0, 0, &t));
	assert_false(qdate_shanghai_instant(D(2026, 3, 1), 24, 0, 0, &t));
	assert_false(qdate_shanghai_instant(D(2026, 3, 1), 23, 60, 0, &t));
	assert_false(qdate_shanghai_instant(D(2026, 3, 1), 23, 59, 60, &t));
	assert_false(qdate_shanghai_instant(D(2026, 3, 1), -1, 0, 0, &t));
	assert_false(qdate_shanghai_instant(D(2026, 3, 1), 0, -1, 0, &t));
	assert_false(qdate_shanghai_instant(D(2026, 3, 1), 0, 0, -1, &t));
	assert_int_equal(t, 777);
}

static void test_shanghai_today_is_the_clock_plus_eight_hours(void **state)
{
	(void)state;
	struct qdate before, after;
	assert_true(qdate_shanghai_of((int64_t)time(NULL), &before, NULL));
	struct qdate today = qdate_shanghai_today();
	assert_true(qdate_shanghai_of((int64_t)time(NULL), &after, NULL));
	/* Around local midnight the call may fall on either side. */
	assert_true(qdate_compare(today, before) == 0 || qdate_compare(today, after) == 0);
}

static void test_shanghai_ignores_tz_and_agrees_with_tzdata_from_1992(void **state)
{
	(void)state;
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	/* A process whose TZ says New York still gets Shanghai dates. */
	setenv("TZ", "America/New_York", 1);
	tzset();
	struct qdate d;
	assert_true(qdate_shanghai_of(utc_of(2025, 12, 31, 16, 0, 0), &d, NULL));
	assert_date(d, 2026, 1, 1);
	if (access("/usr/share/zoneinfo/Asia/Shanghai", R_OK) == 0) {
		setenv("TZ", "Asia/Shanghai", 1);
		tzset();
		uint64_t x = 0x2545F4914F6CDD1Dull;
		int64_t from = utc_of(1992, 1, 1, 0, 0, 0), span = utc_of(2100, 1, 1, 0, 0, 0) - from;
		for (int i = 0; i < 20000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			int64_t t = from + (int64_t)(x % (uint64_t)span);
			time_t tt = (time_t)t;
			struct tm tm;
			int sec;
			assert_non_null(localtime_r(&tt, &tm));
			assert_true(qdate_shanghai_of(t, &d, &sec));
			assert_date(d, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
			assert_int_equal(sec, tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
		}
		/* Documented limit: in the DST summers of 1986-1991 the real clock read UTC+9; we say UTC+8. */
		time_t summer = (time_t)utc_of(1988, 7, 1, 15, 30, 0);
		struct tm tm;
		assert_non_null(localtime_r(&summer, &tm));
		assert_true(qdate_shanghai_of((int64_t)summer, &d, NULL));
		assert_date(d, 1988, 7, 1);
		if (tm.tm_isdst > 0)
			assert_int_equal(tm.tm_mday, 2);
	}
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validity_follows_the_gregorian_leap_rules),
	    cmocka_unit_test(test_day_numbers_of_known_dates),
	    cmocka_unit_test(test_every_day_of_the_range_follows_the_previous_one),
	    cmocka_unit_test(test_day_numbers_outside_the_range_are_refused),
	    cmocka_unit_test(test_parse_and_format_are_strict_inverses),
	    cmocka_unit_test(test_adding_days_crosses_months_years_and_leap_days),
	    cmocka_unit_test(test_days_between_counts_from_the_first_to_the_second),
	    cmocka_unit_test(test_weekdays_of_known_dates),
	    cmocka_unit_test(test_shanghai_date_changes_at_local_midnight),
	    cmocka_unit_test(test_shanghai_range_edges),
	    cmocka_unit_test(test_shanghai_local_times_to_utc_and_back),
	    cmocka_unit_test(test_shanghai_today_is_the_clock_plus_eight_hours),
	    cmocka_unit_test(test_shanghai_ignores_tz_and_agrees_with_tzdata_from_1992),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
