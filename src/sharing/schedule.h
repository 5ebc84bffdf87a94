/*
 * schedule.h - the booking rules of one resource as pure functions over its
 * rules and the bookings that hold its units: no database, no clock, so
 * unit tests can drive them directly (tests/unit/test_sharing_schedule.c)
 * and booking.c, the free-window search and the week calendar all use the
 * same code.
 *
 * Time is cut in granules of SHARING_GRANULE_MINUTES (30) minutes, aligned
 * in UTC and so in Asia/Shanghai (UTC+8, no DST): windows, buffers and the
 * bookings already held all start and end on granules, so the units in use
 * are constant within a granule and checking every granule of a window is
 * exact. A window is open when every granule of it lies in an opening
 * interval of its Shanghai weekday on a date that is not closed; intervals
 * of consecutive days that meet at midnight (mon 18:00-24:00, tue
 * 00:00-06:00) form one open stretch, so a booking may run across midnight.
 *
 * A booking holds its units over [start, end + buffer): a booking ending
 * exactly when another starts does not overlap it without a buffer.
 *
 * SME share: sme_share_bp of the unit-minutes a Shanghai day is open
 * (capacity × open minutes) is reserved for SMEs; bookings by others may
 * together use at most the rest of each day they touch.
 */
#ifndef QILIAN_SHARING_SCHEDULE_H
#define QILIAN_SHARING_SCHEDULE_H
#include <stdbool.h>
#include <stdint.h>
#include "sharing/booking.h"

#define SH_GRANULE (SHARING_GRANULE_MINUTES * 60) /* seconds */
#define SH_MAX_INTERVALS 8			  /* opening intervals per weekday */
#define SH_MAX_CLOSED 400			  /* closed dates per resource */
#define SH_MAX_WINDOW_DAYS 62			  /* free-window search and calendars span at most this */

struct sh_interval {
	int from, to; /* minutes after local midnight, 0 <= from < to <= 1440 */
};

struct sh_rules {
	int64_t capacity;
	int nopen[7]; /* [0] Monday ... [6] Sunday */
	struct sh_interval open[7][SH_MAX_INTERVALS];
	int nclosed;
	int64_t closed[SH_MAX_CLOSED]; /* Shanghai dates as days since 1970-01-01, ascending */
	int64_t min_minutes, max_minutes, buffer_minutes, horizon_days, sme_share_bp;
};

/* A booking that holds units: [start, end) booked, held until `until` (end + buffer). */
struct sh_hold {
	int64_t start, end, until;
	int64_t units;
	bool sme;
	int64_t id; /* the booking's id, to leave itself out of a re-check; 0 for none */
};

enum sh_refusal {
	SH_OK,
	SH_NOT_ON_GRANULE,
	SH_IN_THE_PAST,
	SH_TOO_SHORT,
	SH_TOO_LONG,
	SH_TOO_FAR_AHEAD,
	SH_CLOSED_DATE,
	SH_OUTSIDE_OPENING_HOURS,
	SH_TOO_MANY_UNITS,
	SH_SME_RESERVED,
	SH_NO_CAPACITY,
};

/* The API slug of a refusal: "not_on_granule", "in_the_past", ... */
const char *sh_refusal_slug(enum sh_refusal r);
/* A human message (Chinese, then English in parentheses) for a refusal. */
const char *sh_refusal_message(enum sh_refusal r);

/* Shanghai date (days since 1970-01-01) and weekday (0 Monday) of a UTC instant. */
int64_t sh_local_day(int64_t utc);
int sh_weekday(int64_t day);
/* UTC instant of local midnight starting Shanghai day `day`. */
int64_t sh_day_start(int64_t day);

bool sh_is_closed(const struct sh_rules *r, int64_t day);
/* Is the granule starting at utc open (in an interval of its weekday, on a date not closed)? */
bool sh_granule_open(const struct sh_rules *r, int64_t utc);
/* Minutes the resource is open on Shanghai day `day` (0 when closed). */
int64_t sh_open_minutes(const struct sh_rules *r, int64_t day);

/* The rules that do not depend on other bookings, in the order above (granule first, then time, length, dates,
 * hours, units). */
enum sh_refusal sh_check_rules(const struct sh_rules *r, int64_t start, int64_t end, int64_t units, int64_t now);

/* The most units holds[] (leaving out the one with id skip, if non-zero) hold at any instant of [from, until). */
int64_t sh_peak_units(const struct sh_hold *holds, int n, int64_t skip, int64_t from, int64_t until);

/*
 * Every rule for a new (or re-checked: skip = its id) booking of units over
 * [start, end) by an SME or not, against holds[0..n): sh_check_rules, then
 * the SME share for a non-SME booker, then capacity over [start, end +
 * buffer).
 */
enum sh_refusal sh_check(const struct sh_rules *r, const struct sh_hold *holds, int n, int64_t skip, int64_t start,
			 int64_t end, int64_t units, bool sme, int64_t now);

/*
 * The earliest window of `minutes` that sh_check accepts, starting at or
 * after `from` and ending by `to`: true with *start set, false when there
 * is none.
 */
bool sh_find_window(const struct sh_rules *r, const struct sh_hold *holds, int n, int64_t from, int64_t to,
		    int64_t minutes, int64_t units, bool sme, int64_t now, int64_t *start);

#endif
