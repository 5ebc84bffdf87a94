/*
 * qdate.h - calendar dates and the Asia/Shanghai calendar, for the rules
 * that count days: maturities (days between two dates), "N days after",
 * opening hours and closed dates of shared resources, weekdays.
 *
 * A date is a proleptic Gregorian (year, month, day) in years 0000-9999,
 * the range ISO-8601 text can write with four digits; every function that
 * could leave that range says how it reports it. Dates are values: pass
 * and return them by copy.
 *
 * Asia/Shanghai is UTC+8 with no daylight saving time since 1991, so the
 * offset is a constant here and the system's tzdata is never read (CI
 * machines and containers often lack /usr/share/zoneinfo, and TZ must not
 * change a business rule). Consequence: for instants before 1992 the
 * Shanghai functions answer in UTC+8 even in the DST summers of 1986-1991,
 * where the real clock read UTC+9. Dates before 1992 are out of scope.
 */
#ifndef QILIAN_QDATE_H
#define QILIAN_QDATE_H
#include <stdbool.h>
#include <stdint.h>

struct qdate {
	int year;  /* 0-9999 */
	int month; /* 1-12 */
	int day;   /* 1-31, within the month */
};

/* "YYYY-MM-DD" plus NUL. */
#define QDATE_TEXT_LEN 11

/* Seconds east of UTC of Asia/Shanghai (China Standard Time, no DST since 1991). */
#define QDATE_SHANGHAI_OFFSET (8 * 3600)

/* True when d names a real day in years 0000-9999 (2024-02-29 yes, 2023-02-29 and 2024-04-31 no). */
bool qdate_valid(struct qdate d);

/*
 * Parses exactly "YYYY-MM-DD" (four, two and two digits, nothing before or
 * after) naming a real day. Returns false, leaving *out untouched, on
 * anything else, including NULL.
 */
bool qdate_parse(const char *text, struct qdate *out);

/* Writes d as "YYYY-MM-DD". d must be valid (asserted). */
void qdate_format(struct qdate d, char out[QDATE_TEXT_LEN]);

/* Days from 1970-01-01 to d (negative before). d must be valid (asserted). */
int64_t qdate_to_days(struct qdate d);

/*
 * The date days after 1970-01-01 into *out. False, *out untouched, when
 * that day is outside years 0000-9999.
 */
bool qdate_from_days(int64_t days, struct qdate *out);

/*
 * d plus n days (n may be negative) into *out. False, *out untouched, when
 * the result leaves years 0000-9999. d must be valid (asserted).
 */
bool qdate_add_days(struct qdate d, int64_t n, struct qdate *out);

/* Days from `from` to `to`: positive when to is later, 0 on the same day. Both valid (asserted). */
int64_t qdate_days_between(struct qdate from, struct qdate to);

/* <0, 0 or >0 as a is before, on or after b. */
int qdate_compare(struct qdate a, struct qdate b);

/* ISO weekday of d: 1 = Monday ... 7 = Sunday. d must be valid (asserted). */
int qdate_weekday(struct qdate d);

/*
 * The Shanghai calendar date of the UTC instant utc (seconds since the
 * epoch) into *date and, when second_of_day is non-NULL, the local seconds
 * since midnight (0-86399). False, outputs untouched, when the local date
 * is outside years 0000-9999.
 */
bool qdate_shanghai_of(int64_t utc, struct qdate *date, int *second_of_day);

/*
 * The UTC instant of Shanghai local time hour:minute:second on date d into
 * *utc. hour 0-23, minute 0-59, second 0-59 (no 24:00, no leap second:
 * write the next day's 00:00:00). False, *utc untouched, on an invalid date
 * or time.
 */
bool qdate_shanghai_instant(struct qdate d, int hour, int minute, int second, int64_t *utc);

/* Today's date in Shanghai from the system clock. */
struct qdate qdate_shanghai_today(void);

#endif
