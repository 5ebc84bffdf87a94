/*
 * test_sharing_schedule.c - the booking rules of src/sharing/schedule.h as
 * pure functions: opening hours across weekdays, closed dates, lengths,
 * horizon, granules, buffers, capacity (a booking ending exactly when
 * another starts; capacity 2 with three overlapping requests), a window
 * across midnight in UTC+8, the SME share of open hours, and the
 * free-window search. Dates: 2026-12-07 is a Monday.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "base/qdate.h"
#include "base/qtime.h"
#include "sharing/resource.h"
#include "sharing/schedule.h"

static struct sh_rules rules;
static int64_t monday; /* Shanghai day number of 2026-12-07 */
static int64_t now;    /* 2026-12-01T00:00:00Z */

/* UTC instant of Shanghai local time h:m on monday + d. */
static int64_t at(int d, int h, int m)
{
	return sh_day_start(monday + d) + h * 3600 + m * 60;
}

static void use_rules(const char *hours, const char *closed, int64_t capacity, int64_t buffer)
{
	memset(&rules, 0, sizeof rules);
	struct qerror e = {0};
	assert_int_equal(sharing_hours_parse(hours, &rules, &e), QERR_OK);
	assert_int_equal(sharing_closed_parse(closed, &rules, &e), QERR_OK);
	rules.capacity = capacity;
	rules.min_minutes = 60;
	rules.max_minutes = 24 * 60;
	rules.buffer_minutes = buffer;
	rules.horizon_days = 60;
}

static int setup(void **state)
{
	(void)state;
	struct qdate d = {2026, 12, 7};
	monday = qdate_to_days(d);
	qtime_parse("2026-12-01T00:00:00Z", QTIME_STRICT, &now, NULL);
	return 0;
}

static enum sh_refusal check(const struct sh_hold *h, int n, int64_t s, int64_t e, int64_t units, bool sme)
{
	return sh_check(&rules, h, n, 0, s, e, units, sme, now);
}

static void test_weekdays_and_local_days(void **state)
{
	(void)state;
	assert_int_equal(sh_weekday(monday), 0);
	assert_int_equal(sh_weekday(monday + 5), 5);
	assert_int_equal(sh_weekday(monday + 6), 6);
	/* 2026-12-07T16:00:00Z is Tuesday 00:00 in Shanghai */
	int64_t t;
	qtime_parse("2026-12-07T16:00:00Z", QTIME_STRICT, &t, NULL);
	assert_int_equal(sh_local_day(t), monday + 1);
	assert_int_equal(sh_local_day(t - 1), monday);
	assert_int_equal(at(0, 8, 0) % 86400, 0); /* 08:00 Shanghai is 00:00Z */
}

static void test_opening_hours_across_weekdays(void **state)
{
	(void)state;
	use_rules("mon-fri 08:00-12:00;mon-fri 13:00-18:00;sat 09:00-12:00", "", 1, 0);
	assert_int_equal(check(NULL, 0, at(1, 9, 0), at(1, 11, 0), 1, true), SH_OK);  /* Tuesday morning */
	assert_int_equal(check(NULL, 0, at(4, 16, 0), at(4, 18, 0), 1, true), SH_OK); /* Friday until closing */
	assert_int_equal(check(NULL, 0, at(4, 17, 0), at(4, 19, 0), 1, true), SH_OUTSIDE_OPENING_HOURS);
	assert_int_equal(check(NULL, 0, at(0, 11, 0), at(0, 14, 0), 1, true), SH_OUTSIDE_OPENING_HOURS); /* lunch */
	assert_int_equal(check(NULL, 0, at(5, 9, 0), at(5, 12, 0), 1, true), SH_OK);			 /* Saturday */
	assert_int_equal(check(NULL, 0, at(5, 11, 0), at(5, 13, 0), 1, true), SH_OUTSIDE_OPENING_HOURS);
	assert_int_equal(check(NULL, 0, at(6, 9, 0), at(6, 11, 0), 1, true), SH_OUTSIDE_OPENING_HOURS); /* Sunday */
	assert_int_equal(check(NULL, 0, at(0, 7, 30), at(0, 9, 0), 1, true), SH_OUTSIDE_OPENING_HOURS);
	assert_int_equal(sh_open_minutes(&rules, monday), 9 * 60);
	assert_int_equal(sh_open_minutes(&rules, monday + 5), 3 * 60);
	assert_int_equal(sh_open_minutes(&rules, monday + 6), 0);
}

static void test_overlapping_intervals_merge_and_bad_entries_are_refused(void **state)
{
	(void)state;
	struct sh_rules r;
	memset(&r, 0, sizeof r);
	struct qerror e = {0};
	assert_int_equal(sharing_hours_parse("mon 08:00-12:00;mon 11:00-14:00;daily 20:00-24:00", &r, &e), QERR_OK);
	assert_int_equal(r.nopen[0], 2);
	assert_int_equal(r.open[0][0].from, 8 * 60);
	assert_int_equal(r.open[0][0].to, 14 * 60);
	assert_int_equal(r.nopen[6], 1);
	const char *bad[] = {"mon 8:00-12:00",	   "mon 08:15-12:00", "fri-mon 08:00-12:00", "mon 12:00-08:00",
			     "monday 08:00-12:00", "mon 08:00-24:30", "mon,08:00-12:00",     "mon, 08:00-12:00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sharing_hours_parse(bad[i], &r, &e), QERR_INVALID);
		assert_string_equal(e.slug, "invalid_opening_hours");
	}
	assert_int_equal(sharing_closed_parse("2026-02-30", &r, &e), QERR_INVALID);
	assert_int_equal(sharing_closed_parse("2026-12-09;2026-12-08;2026-12-09", &r, &e), QERR_OK);
	assert_int_equal(r.nclosed, 2);
	assert_true(r.closed[0] < r.closed[1]);
}

static void test_closed_dates_lengths_horizon_and_granules(void **state)
{
	(void)state;
	use_rules("daily 08:00-20:00", "2026-12-08", 2, 0);
	assert_int_equal(check(NULL, 0, at(1, 9, 0), at(1, 11, 0), 1, true), SH_CLOSED_DATE);
	assert_int_equal(check(NULL, 0, at(0, 9, 0), at(0, 9, 30), 1, true), SH_TOO_SHORT);
	rules.max_minutes = 240;
	assert_int_equal(check(NULL, 0, at(0, 9, 0), at(0, 13, 30), 1, true), SH_TOO_LONG);
	assert_int_equal(check(NULL, 0, at(0, 9, 0), at(0, 13, 0), 1, true), SH_OK);
	assert_int_equal(check(NULL, 0, at(0, 9, 15), at(0, 11, 15), 1, true), SH_NOT_ON_GRANULE);
	assert_int_equal(check(NULL, 0, at(0, 11, 0), at(0, 9, 0), 1, true), SH_NOT_ON_GRANULE);
	assert_int_equal(check(NULL, 0, at(0, 9, 0), at(0, 11, 0), 3, true), SH_TOO_MANY_UNITS);
	rules.horizon_days = 5; /* now is 2026-12-01T00:00Z: the 7th is too far */
	assert_int_equal(check(NULL, 0, at(0, 9, 0), at(0, 11, 0), 1, true), SH_TOO_FAR_AHEAD);
	rules.horizon_days = 60;
	assert_int_equal(sh_check(&rules, NULL, 0, 0, at(0, 9, 0), at(0, 11, 0), 1, true, at(0, 10, 0)),
			 SH_IN_THE_PAST);
}

static void test_a_booking_ending_exactly_when_another_starts(void **state)
{
	(void)state;
	use_rules("daily 08:00-20:00", "", 1, 0);
	struct sh_hold h[] = {{at(0, 9, 0), at(0, 11, 0), at(0, 11, 0), 1, true, 1}};
	assert_int_equal(check(h, 1, at(0, 11, 0), at(0, 12, 0), 1, true), SH_OK);
	assert_int_equal(check(h, 1, at(0, 8, 0), at(0, 9, 0), 1, true), SH_OK);
	assert_int_equal(check(h, 1, at(0, 10, 30), at(0, 12, 0), 1, true), SH_NO_CAPACITY);
	/* with a 30-minute buffer the unit is held until 11:30 */
	use_rules("daily 08:00-20:00", "", 1, 30);
	h[0].until = at(0, 11, 30);
	assert_int_equal(check(h, 1, at(0, 11, 0), at(0, 12, 0), 1, true), SH_NO_CAPACITY);
	assert_int_equal(check(h, 1, at(0, 11, 30), at(0, 12, 30), 1, true), SH_OK);
	/* and a new booking's own buffer must not run into the next one */
	assert_int_equal(check(h, 1, at(0, 8, 0), at(0, 9, 0), 1, true), SH_NO_CAPACITY);
	assert_int_equal(check(h, 1, at(0, 8, 0), at(0, 8, 30), 1, true), SH_TOO_SHORT);
	rules.min_minutes = 30;
	assert_int_equal(check(h, 1, at(0, 8, 0), at(0, 8, 30), 1, true), SH_OK);
	/* the buffer may run past closing time */
	assert_int_equal(check(h, 1, at(0, 19, 0), at(0, 20, 0), 1, true), SH_OK);
}

static void test_capacity_two_with_three_overlapping_requests(void **state)
{
	(void)state;
	use_rules("daily 08:00-20:00", "", 2, 0);
	struct sh_hold h[3];
	int n = 0;
	int64_t s = at(0, 9, 0), e = at(0, 12, 0);
	for (int i = 0; i < 3; i++) {
		enum sh_refusal r = check(h, n, s, e, 1, true);
		if (i < 2) {
			assert_int_equal(r, SH_OK);
			h[n++] = (struct sh_hold){s, e, e, 1, true, i + 1};
		} else {
			assert_int_equal(r, SH_NO_CAPACITY);
		}
	}
	assert_int_equal(sh_peak_units(h, n, 0, s, e), 2);
	/* staggered: A 9-11 and B 10-12 peak at 2 only in 10-11, so C 11-13 fits */
	struct sh_hold st[] = {{at(0, 9, 0), at(0, 11, 0), at(0, 11, 0), 1, true, 1},
			       {at(0, 10, 0), at(0, 12, 0), at(0, 12, 0), 1, true, 2}};
	assert_int_equal(check(st, 2, at(0, 11, 0), at(0, 13, 0), 1, true), SH_OK);
	assert_int_equal(check(st, 2, at(0, 10, 30), at(0, 13, 0), 1, true), SH_NO_CAPACITY);
	assert_int_equal(check(st, 2, at(0, 11, 0), at(0, 13, 0), 2, true), SH_NO_CAPACITY);
	/* a re-check leaves the booking itself out */
	assert_int_equal(sh_check(&rules, st, 2, 2, at(0, 10, 0), at(0, 12, 0), 1, true, now), SH_OK);
}

static void test_a_window_across_midnight_in_utc_plus_8(void **state)
{
	(void)state;
	/* Monday evening into Tuesday early morning, local time */
	use_rules("mon 18:00-24:00;tue 00:00-06:00", "", 1, 0);
	int64_t s = at(0, 22, 0), e = at(1, 2, 0); /* 2026-12-07T14:00Z .. 18:00Z: one UTC day, two local days */
	char a[QTIME_ISO_LEN], b[QTIME_ISO_LEN];
	qtime_format(s, a);
	qtime_format(e, b);
	assert_string_equal(a, "2026-12-07T14:00:00Z");
	assert_string_equal(b, "2026-12-07T18:00:00Z");
	assert_int_equal(check(NULL, 0, s, e, 1, true), SH_OK);
	assert_int_equal(check(NULL, 0, at(1, 4, 0), at(1, 7, 0), 1, true), SH_OUTSIDE_OPENING_HOURS);
	/* not a UTC rule: the same UTC hours a day later are Tuesday night, closed */
	assert_int_equal(check(NULL, 0, s + 86400, e + 86400, 1, true), SH_OUTSIDE_OPENING_HOURS);
	/* Tuesday closed: the window touches it */
	use_rules("mon 18:00-24:00;tue 00:00-06:00", "2026-12-08", 1, 0);
	assert_int_equal(check(NULL, 0, s, e, 1, true), SH_CLOSED_DATE);
	assert_int_equal(check(NULL, 0, s, at(1, 0, 0), 1, true), SH_OK);
	/* a booking across midnight blocks both sides */
	use_rules("daily 00:00-24:00", "", 1, 0);
	struct sh_hold h[] = {{s, e, e, 1, true, 1}};
	assert_int_equal(check(h, 1, at(1, 1, 0), at(1, 3, 0), 1, true), SH_NO_CAPACITY);
	assert_int_equal(check(h, 1, at(1, 2, 0), at(1, 3, 0), 1, true), SH_OK);
}

static void test_sme_share_of_open_hours(void **state)
{
	(void)state;
	use_rules("daily 08:00-18:00", "", 1, 0);
	rules.sme_share_bp = 5000; /* 5 of the day's 10 unit-hours are the SMEs' */
	assert_int_equal(check(NULL, 0, at(0, 8, 0), at(0, 14, 0), 1, false), SH_SME_RESERVED);
	assert_int_equal(check(NULL, 0, at(0, 8, 0), at(0, 14, 0), 1, true), SH_OK);
	assert_int_equal(check(NULL, 0, at(0, 8, 0), at(0, 13, 0), 1, false), SH_OK);
	struct sh_hold h[] = {{at(0, 8, 0), at(0, 12, 0), at(0, 12, 0), 1, false, 1}};
	assert_int_equal(check(h, 1, at(0, 12, 0), at(0, 14, 0), 1, false), SH_SME_RESERVED);
	assert_int_equal(check(h, 1, at(0, 12, 0), at(0, 13, 0), 1, false), SH_OK);
	assert_int_equal(check(h, 1, at(0, 12, 0), at(0, 18, 0), 1, true), SH_OK);
	/* the next day has its own allowance */
	assert_int_equal(check(h, 1, at(1, 8, 0), at(1, 13, 0), 1, false), SH_OK);
}

static void test_find_the_earliest_free_window(void **state)
{
	(void)state;
	use_rules("mon-fri 08:00-18:00", "", 1, 0);
	struct sh_hold h[] = {{at(0, 8, 0), at(0, 12, 0), at(0, 12, 0), 1, true, 1},
			      {at(1, 9, 0), at(1, 10, 0), at(1, 10, 0), 1, true, 2}};
	int64_t start = 0;
	/* 8 hours: Monday has only 12-18 left, Tuesday 10-18 after its 9-10 booking */
	assert_true(sh_find_window(&rules, h, 2, at(0, 0, 0), at(7, 0, 0), 480, 1, true, now, &start));
	assert_true(start == at(1, 10, 0));
	/* 9 hours: only Wednesday */
	assert_true(sh_find_window(&rules, h, 2, at(0, 0, 0), at(7, 0, 0), 540, 1, true, now, &start));
	assert_true(start == at(2, 8, 0));
	assert_true(sh_find_window(&rules, h, 2, at(0, 0, 0), at(7, 0, 0), 360, 1, true, now, &start));
	assert_true(start == at(0, 12, 0));
	/* nothing over the weekend */
	assert_false(sh_find_window(&rules, h, 2, at(5, 0, 0), at(7, 0, 0), 60, 1, true, now, &start));
	/* longer than the maximum: never */
	rules.max_minutes = 240;
	assert_false(sh_find_window(&rules, h, 2, at(0, 0, 0), at(7, 0, 0), 480, 1, true, now, &start));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_weekdays_and_local_days),
	    cmocka_unit_test(test_opening_hours_across_weekdays),
	    cmocka_unit_test(test_overlapping_intervals_merge_and_bad_entries_are_refused),
	    cmocka_unit_test(test_closed_dates_lengths_horizon_and_granules),
	    cmocka_unit_test(test_a_booking_ending_exactly_when_another_starts),
	    cmocka_unit_test(test_capacity_two_with_three_overlapping_requests),
	    cmocka_unit_test(test_a_window_across_midnight_in_utc_plus_8),
	    cmocka_unit_test(test_sme_share_of_open_hours),
	    cmocka_unit_test(test_find_the_earliest_free_window),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
