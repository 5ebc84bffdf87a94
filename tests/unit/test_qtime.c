/*
 * test_qtime.c - the one ISO-8601 reader and writer: the canonical form,
 * +HH:MM offsets, the optional forms behind their flags, every way a time
 * can be not quite a time (02-30, 24:00, :60, fractions, lower case,
 * truncations at every length), the year 0000-9999 edges, and glibc's
 * timegm/gmtime_r as an independent oracle over the whole range.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/qtime.h"
#include "base/util.h"

#define ALL (QTIME_OFFSET | QTIME_NO_ZONE | QTIME_DATE)
#define T_MIN INT64_C(-62167219200) /* 0000-01-01T00:00:00Z */
#define T_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

static int64_t parsed(const char *text, unsigned accept)
{
	int64_t t = 12345;
	bool date_only = true;
	assert_true(qtime_parse(text, accept, &t, &date_only));
	assert_false(date_only);
	return t;
}

/* Refused, and the outputs are left alone. */
static void refused(const char *text, unsigned accept)
{
	int64_t t = 12345;
	bool date_only = true;
	if (qtime_parse(text, accept, &t, &date_only))
		fail_msg("accepted \"%s\" with flags %u", text ? text : "(null)", accept);
	assert_int_equal(t, 12345);
	assert_true(date_only);
}

static void test_canonical_times_parse_to_known_seconds(void **state)
{
	(void)state;
	assert_int_equal(parsed("1970-01-01T00:00:00Z", QTIME_STRICT), 0);
	assert_int_equal(parsed("2000-02-29T12:34:56Z", QTIME_STRICT), 951827696);
	assert_int_equal(parsed("2026-03-01T08:30:00Z", QTIME_STRICT), 1772353800);
	assert_int_equal(parsed("1969-12-31T23:59:59Z", QTIME_STRICT), -1);
	assert_int_equal(parsed("0000-01-01T00:00:00Z", QTIME_STRICT), T_MIN);
	assert_int_equal(parsed("9999-12-31T23:59:59Z", QTIME_STRICT), T_MAX);
	/* Extra flags never change how the canonical form reads. */
	assert_int_equal(parsed("2026-03-01T08:30:00Z", ALL), 1772353800);
}

static void test_offsets_convert_to_utc(void **state)
{
	(void)state;
	int64_t utc = parsed("2026-03-01T08:30:00Z", QTIME_STRICT);
	assert_int_equal(parsed("2026-03-01T16:30:00+08:00", QTIME_OFFSET), utc);
	assert_int_equal(parsed("2026-03-01T03:00:00-05:30", QTIME_OFFSET), utc);
	assert_int_equal(parsed("2026-03-01T08:30:00+00:00", QTIME_OFFSET), utc);
	assert_int_equal(parsed("2026-03-01T08:30:00-00:00", QTIME_OFFSET), utc);
	/* Across the day, month and year before. */
	assert_int_equal(parsed("2026-01-01T02:00:00+08:00", QTIME_OFFSET), parsed("2025-12-31T18:00:00Z", 0));
	assert_int_equal(parsed("2025-12-31T23:00:00-23:59", QTIME_OFFSET), parsed("2026-01-01T22:59:00Z", 0));
	/* An offset may carry the instant just outside 0000-9999: still returned. */
	assert_int_equal(parsed("0000-01-01T00:00:00+01:00", QTIME_OFFSET), T_MIN - 3600);
	assert_int_equal(parsed("9999-12-31T23:59:59-01:00", QTIME_OFFSET), T_MAX + 3600);
}

static void test_offsets_need_the_flag_and_the_rfc3339_shape(void **state)
{
	(void)state;
	refused("2026-03-01T16:30:00+08:00", QTIME_STRICT);
	refused("2026-03-01T16:30:00+08:00", QTIME_NO_ZONE | QTIME_DATE);
	const char *bad[] = {
	    "2026-03-01T16:30:00+0800",   "2026-03-01T16:30:00+08",	 "2026-03-01T16:30:00+8:00",
	    "2026-03-01T16:30:00+08:0",   "2026-03-01T16:30:00+24:00",	 "2026-03-01T16:30:00+08:60",
	    "2026-03-01T16:30:00+08:00Z", "2026-03-01T16:30:00Z+08:00", "2026-03-01T16:30:00 +08:00",
	    "2026-03-01T16:30:00*08:00",  "2026-03-01T16:30:00+08:00 ", "2026-03-01T16:30:00+",
	    "2026-03-01T16:30:00+08:",	  "2026-03-01T16:30:00-",	 "2026-03-01T16:30:00+a8:00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], ALL);
}

static void test_no_zone_and_date_alone_only_behind_their_flags(void **state)
{
	(void)state;
	int64_t t = 0;
	bool date_only = false;
	refused("2026-03-01T08:30:00", QTIME_STRICT);
	refused("2026-03-01T08:30:00", QTIME_OFFSET | QTIME_DATE);
	assert_int_equal(parsed("2026-03-01T08:30:00", QTIME_NO_ZONE), 1772353800);

	refused("2026-03-01", QTIME_STRICT);
	refused("2026-03-01", QTIME_OFFSET | QTIME_NO_ZONE);
	assert_true(qtime_parse("2026-03-01", QTIME_DATE, &t, &date_only));
	assert_true(date_only);
	assert_int_equal(t, 1772323200); /* midnight UTC */
	assert_true(qtime_parse("2026-03-01", ALL, &t, NULL)); /* date_only may be NULL */
	assert_int_equal(t, 1772323200);
	refused("2026-02-30", QTIME_DATE);
	refused("2026-03-01T", ALL);
	refused("2026-03-01 ", ALL);
}

static void test_dates_and_times_that_do_not_exist_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {
	    "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
	    "2026-06-31T00:00:00Z", "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z", "2026-01-32T00:00:00Z",
	    "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-03-01T24:00:00Z",
	    "2026-03-01T24:00:01Z", "2026-03-01T25:00:00Z", "2026-03-01T23:60:00Z", "2026-03-01T23:59:60Z",
	    "2026-03-01T99:99:99Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], ALL);
	/* Leap days that do exist. */
	parsed("2024-02-29T00:00:00Z", 0);
	parsed("2000-02-29T23:59:59Z", 0);
	parsed("0000-02-29T00:00:00Z", 0);
}

static void test_near_misses_of_the_format_are_refused(void **state)
{
	(void)state;
	const char *bad[] = {
	    "",
	    "2026-03-01T08:30:00.5Z",
	    "2026-03-01T08:30:00.000Z",
	    "2026-03-01T08:30:00,5Z",
	    "2026-03-01t08:30:00Z",
	    "2026-03-01T08:30:00z",
	    "2026-03-01 08:30:00Z",
	    "2026-03-01T08:30Z",
	    "2026-03-01T8:30:00Z",
	    "2026-3-01T08:30:00Z",
	    "26-03-01T08:30:00Z",
	    "+2026-03-01T08:30:00Z",
	    "12026-03-01T08:30:00Z",
	    " 2026-03-01T08:30:00Z",
	    "2026-03-01T08:30:00Z ",
	    "2026-03-01T08:30:00Z\n",
	    "2026/03/01T08:30:00Z",
	    "2026-03-01T08-30-00Z",
	    "20260301T083000Z",
	    "2026-03-01T08:30:00ZZ",
	    "２０２６-03-01T08:30:00Z", /* full-width digits */
	    "2026-03-01T08:30:-0Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], ALL);
	refused(NULL, ALL);
}

static void test_every_truncation_of_a_valid_time_is_refused(void **state)
{
	(void)state;
	/* Heap copies of exactly each prefix, so that ASan catches a read past the NUL. */
	const char *full = "2026-03-01T16:30:00+08:00";
	size_t n = strlen(full);
	for (size_t len = 0; len < n; len++) {
		char *p = malloc(len + 1);
		assert_non_null(p);
		memcpy(p, full, len);
		p[len] = 0;
		int64_t t;
		bool ok = qtime_parse(p, ALL, &t, NULL);
		/* The date alone (10) and the zone-less time (19) are complete forms; nothing else is. */
		assert_int_equal(ok, len == 10 || len == 19);
		assert_false(qtime_parse(p, QTIME_STRICT, &t, NULL));
		free(p);
	}
}

static void test_format_writes_the_canonical_form(void **state)
{
	(void)state;
	char out[QTIME_ISO_LEN];
	assert_true(qtime_format(0, out));
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	assert_true(qtime_format(-1, out));
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	assert_true(qtime_format(-86400, out));
	assert_string_equal(out, "1969-12-31T00:00:00Z");
	assert_true(qtime_format(951827696, out));
	assert_string_equal(out, "2000-02-29T12:34:56Z");
	assert_true(qtime_format(T_MIN, out));
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	assert_true(qtime_format(T_MAX, out));
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	assert_true(qtime_format(T_MIN + 86400 * 31 + 59, out));
	assert_string_equal(out, "0000-02-01T00:00:59Z");
}

static void test_format_refuses_years_it_cannot_write(void **state)
{
	(void)state;
	char out[QTIME_ISO_LEN];
	const int64_t bad[] = {T_MIN - 1, T_MAX + 1, INT64_MIN, INT64_MAX, INT64_MIN + 1, INT64_MAX - 86399};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(out, 'x', sizeof out);
		assert_false(qtime_format(bad[i], out));
		assert_string_equal(out, "");
	}
}

/* glibc's proleptic Gregorian gmtime_r / timegm as the reference. */
static void reference_text(int64_t t, char out[64])
{
	time_t tt = (time_t)t;
	struct tm tm;
	assert_non_null(gmtime_r(&tt, &tm));
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void test_agrees_with_glibc_across_the_whole_range(void **state)
{
	(void)state;
	uint64_t x = 88172645463325252ull;
	char mine[QTIME_ISO_LEN], ref[64];
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* Half spread over 0000-9999, half near the epoch and today (where the data lives). */
		int64_t t = i % 2 ? T_MIN + (int64_t)(x % (uint64_t)(T_MAX - T_MIN + 1))
				  : (int64_t)(x % 4000000000ull) - 1000000000;
		assert_true(qtime_format(t, mine));
		reference_text(t, ref);
		assert_string_equal(mine, ref);
		int64_t back = 0;
		assert_true(qtime_parse(mine, QTIME_STRICT, &back, NULL));
		assert_int_equal(back, t);
		/* The same instant written at an offset reads back the same. */
		int east = (int)(x >> 40 & 0x3FF) % (24 * 60) * 60;
		char shifted[40];
		if (qtime_format(t + east, mine)) {
			snprintf(shifted, sizeof shifted, "%.19s+%02d:%02d", mine, east / 3600, east / 60 % 60);
			assert_true(qtime_parse(shifted, QTIME_OFFSET, &back, NULL));
			assert_int_equal(back, t);
		}
	}
}

static void test_now_is_the_clock_in_the_canonical_form(void **state)
{
	(void)state;
	char a[QTIME_ISO_LEN], b[32];
	int64_t before = (int64_t)time(NULL);
	qtime_now_iso(a);
	util_now_iso(b, sizeof b);
	int64_t after = (int64_t)time(NULL);
	int64_t t = 0, u = 0;
	assert_true(qtime_parse(a, QTIME_STRICT, &t, NULL));
	assert_true(qtime_parse(b, QTIME_STRICT, &u, NULL));
	assert_true(t >= before && t <= after);
	assert_true(u >= t && u <= after);
	assert_true(qtime_now() >= after);
	/* util_now_iso truncates to the buffer it is given, like snprintf. */
	char small[11];
	util_now_iso(small, sizeof small);
	assert_int_equal(strlen(small), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_canonical_times_parse_to_known_seconds),
	    cmocka_unit_test(test_offsets_convert_to_utc),
	    cmocka_unit_test(test_offsets_need_the_flag_and_the_rfc3339_shape),
	    cmocka_unit_test(test_no_zone_and_date_alone_only_behind_their_flags),
	    cmocka_unit_test(test_dates_and_times_that_do_not_exist_are_refused),
	    cmocka_unit_test(test_near_misses_of_the_format_are_refused),
	    cmocka_unit_test(test_every_truncation_of_a_valid_time_is_refused),
	    cmocka_unit_test(test_format_writes_the_canonical_form),
	    cmocka_unit_test(test_format_refuses_years_it_cannot_write),
	    cmocka_unit_test(test_agrees_with_glibc_across_the_whole_range),
	    cmocka_unit_test(test_now_is_the_clock_in_the_canonical_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
