/*
 * qdate.c - proleptic Gregorian dates as day counts (Howard Hinnant's
 * days_from_civil / civil_from_days, exact for every year and free of
 * libc's time zone state) and the fixed UTC+8 Shanghai calendar.
 */
#include "base/qdate.h"

#include <assert.h>
#include <time.h>

/* Day numbers of 0000-01-01 and 9999-12-31 (checked by the unit tests). */
#define DAYS_MIN INT64_C(-719528)
#define DAYS_MAX INT64_C(2932896)

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

bool qdate_valid(struct qdate d)
{
	return d.year >= 0 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
	       d.day <= days_in_month(d.year, d.month);
}

static bool digits(const char *s, int n, int *value)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return true;
}

bool qdate_parse(const char *text, struct qdate *out)
{
	struct qdate d;
	/* Each check stops at the first wrong byte, so a short string never reads past its NUL. */
	if (!text || !digits(text, 4, &d.year) || text[4] != '-' || !digits(text + 5, 2, &d.month) ||
	    text[7] != '-' || !digits(text + 8, 2, &d.day) || text[10] != 0 || !qdate_valid(d))
		return false;
	*out = d;
	return true;
}

static void put_digits(char *p, int n, int value)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + value % 10);
		value /= 10;
	}
}

void qdate_format(struct qdate d, char out[QDATE_TEXT_LEN])
{
	assert(qdate_valid(d));
	put_digits(out, 4, d.year);
	out[4] = '-';
	put_digits(out + 5, 2, d.month);
	out[7] = '-';
	put_digits(out + 8, 2, d.day);
	out[10] = 0;
}

int64_t qdate_to_days(struct qdate d)
{
	assert(qdate_valid(d));
	/* Years start on 1 March so that the leap day ends the year; an era is 400 years. */
	int64_t y = d.year - (d.month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (d.month > 2 ? d.month - 3 : d.month + 9) + 2) / 5 + d.day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool qdate_from_days(int64_t days, struct qdate *out)
{
	if (days < DAYS_MIN || days > DAYS_MAX)
		return false;
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*out = (struct qdate){.year = (int)(yoe + era * 400 + (month <= 2)),
			      .month = month,
			      .day = (int)(doy - (153 * mp + 2) / 5 + 1)};
	return true;
}

bool qdate_add_days(struct qdate d, int64_t n, struct qdate *out)
{
	int64_t days = qdate_to_days(d);
	/* Compare before adding: days + n could overflow for an n near INT64_MAX. */
	if (n < DAYS_MIN - days || n > DAYS_MAX - days)
		return false;
	return qdate_from_days(days + n, out);
}

int64_t qdate_days_between(struct qdate from, struct qdate to)
{
	return qdate_to_days(to) - qdate_to_days(from);
}

int qdate_compare(struct qdate a, struct qdate b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	return a.day < b.day ? -1 : a.day > b.day;
}

int qdate_weekday(struct qdate d)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t r = qdate_to_days(d) % 7;
	return (int)((r + 7 + 3) % 7) + 1;
}

/* Floor division: -1 second is the last second of the previous day, not of the same one. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool qdate_shanghai_of(int64_t utc, struct qdate *date, int *second_of_day)
{
	/* Beyond these the local day is outside 0000-9999 anyway; checking first keeps utc + offset in range. */
	if (utc < DAYS_MIN * 86400 - QDATE_SHANGHAI_OFFSET || utc > (DAYS_MAX + 1) * 86400 - QDATE_SHANGHAI_OFFSET)
		return false;
	int64_t local = utc + QDATE_SHANGHAI_OFFSET;
	int64_t days = floor_div(local, 86400);
	struct qdate d;
	if (!qdate_from_days(days, &d))
		return false;
	*date = d;
	if (second_of_day)
		*second_of_day = (int)(local - days * 86400);
	return true;
}

bool qdate_shanghai_instant(struct qdate d, int hour, int minute, int second, int64_t *utc)
{
	if (!qdate_valid(d) || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
		return false;
	*utc = qdate_to_days(d) * 86400 + hour * 3600 + minute * 60 + second - QDATE_SHANGHAI_OFFSET;
	return true;
}

struct qdate qdate_shanghai_today(void)
{
	struct qdate d = {1970, 1, 1};
	/* A system clock past year 9999 is not a case worth an error path: it would leave 1970-01-01. */
	qdate_shanghai_of((int64_t)time(NULL), &d, NULL);
	return d;
}
