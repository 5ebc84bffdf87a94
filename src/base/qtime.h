/*
 * qtime.h - the one ISO-8601 reader and writer of UTC instants. Qilian
 * stores and shows times as "YYYY-MM-DDTHH:MM:SSZ" text (DESIGN.md §3) and
 * computes with seconds since the epoch (int64_t); these functions are the
 * only place the two meet. Calendar days and Asia/Shanghai are in qdate.h.
 *
 * What is read (an RFC 3339 subset, always four-digit years 0000-9999):
 *   2026-03-01T08:30:00Z          the canonical form, always accepted
 *   2026-03-01T16:30:00+08:00     with QTIME_OFFSET: a numeric offset
 *                                 (hours 00-23, minutes 00-59), converted to UTC
 *   2026-03-01T08:30:00           with QTIME_NO_ZONE: no designator, read as UTC
 *   2026-03-01                    with QTIME_DATE: a date alone, read as 00:00:00Z
 * Refused always: dates that do not exist (02-30, 04-31, 02-29 outside leap
 * years), hours past 23 (24:00:00 included: write the next day's 00:00:00),
 * minutes or seconds past 59 (no leap seconds), fractional seconds (stored
 * times are whole seconds and a silently dropped fraction would move a
 * deadline), lower-case 't' or 'z', a space for 'T', "+0800" without the
 * colon, and anything before or after.
 *
 * Written: always the canonical form, in UTC.
 */
#ifndef QILIAN_QTIME_H
#define QILIAN_QTIME_H
#include <stdbool.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SSZ" plus NUL. */
#define QTIME_ISO_LEN 21

/* What qtime_parse accepts besides the canonical form (OR them together). */
enum qtime_accept {
	QTIME_STRICT = 0,       /* only "YYYY-MM-DDTHH:MM:SSZ" */
	QTIME_OFFSET = 1 << 0,  /* "+08:00" / "-05:30" in place of Z */
	QTIME_NO_ZONE = 1 << 1, /* no zone designator at all, read as UTC */
	QTIME_DATE = 1 << 2,    /* a date alone, read as its 00:00:00 UTC */
};

/*
 * Parses text in the forms `accept` allows into seconds since the epoch
 * (*out, UTC; negative before 1970). *date_only, when non-NULL, is set to
 * whether the text was a date alone (callers that mean "end of that day"
 * add 86399). Returns false on NULL or anything not allowed, leaving the
 * outputs untouched. An offset can carry the instant just outside years
 * 0000-9999 (0000-01-01T00:00:00+01:00); that is still returned.
 */
bool qtime_parse(const char *text, unsigned accept, int64_t *out, bool *date_only);

/*
 * Writes the instant t as "YYYY-MM-DDTHH:MM:SSZ" into out. Returns false
 * and writes "" when t is outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z.
 */
bool qtime_format(int64_t t, char out[QTIME_ISO_LEN]);

/* Seconds since the epoch now (system clock). */
int64_t qtime_now(void);

/*
 * The current UTC time in the canonical form. The text is cached per thread
 * for the current second: bulk writes stamp every row.
 */
void qtime_now_iso(char out[QTIME_ISO_LEN]);

#endif
