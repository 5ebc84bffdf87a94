/*
 * resource.h - shared resources (共享资源): what an organisation opens to
 * others, its booking rules, the catalogue search and the week calendar.
 *
 * A resource belongs to an organisation (its owner: any type but a bank).
 * It has a type (sharing_resource_types), a name and description, a
 * location (GB/T 2260 county code + address), a capacity of identical
 * units, a price per unit-hour in fen for each kind of booker (SMEs, large
 * enterprises, others), opening hours per weekday and closed dates in
 * Asia/Shanghai, minimum and maximum booking length and a buffer after each
 * booking (minutes, multiples of 30), a booking horizon (days), approval
 * "required" or "instant", eligibility ("everyone", "sme": SMEs only,
 * "invited": the invited organisations), the share of open hours reserved
 * for SMEs (basis points), the check-in grace before a no-show and how long
 * a waitlist offer is held.
 *
 * Opening hours are written as entries "DAYS HH:MM-HH:MM", DAYS a weekday
 * (mon … sun), a range (mon-fri), a list (sat,sun) or "daily"; times on the
 * hour or half hour, 24:00 allowed as an end. They are stored and shown one
 * weekday and interval an entry ("mon 08:00-12:00"), overlapping intervals
 * merged.
 *
 * Functions return QERR_OK or fill err; *out is a new JSON reference the
 * caller decrefs. Writes are one transaction with an audit record.
 */
#ifndef QILIAN_SHARING_RESOURCE_H
#define QILIAN_SHARING_RESOURCE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "sharing/schedule.h"
#include "store/db.h"

extern const char *const sharing_resource_types[]; /* instrument … brand_licence, NULL-terminated */

/* POST body (required: type, name, region, capacity, the three prices, opening_hours). */
extern const struct jfield sharing_resource_fields[];
/* PATCH body: every field optional, plus status (active|withdrawn). */
extern const struct jfield sharing_resource_patch_fields[];

/* Parses ';'-joined opening-hour entries into r->nopen/open (QERR_INVALID "invalid_opening_hours"). */
enum qerr sharing_hours_parse(const char *text, struct sh_rules *r, struct qerror *err);
/* Parses ';'-joined dates into r->closed (QERR_INVALID "invalid_closed_dates"). */
enum qerr sharing_closed_parse(const char *text, struct sh_rules *r, struct qerror *err);

/* Evaluates every rule as at time t instead of the system clock (0: the clock). For the CLI's --now only. */
void sharing_set_clock(int64_t t);

/*
 * Opens a resource for the actor's organisation (an operator may name
 * owner_org_id). Banks may not (403). *out is the resource as the owner
 * sees it (with its feed URL).
 */
enum qerr sharing_resource_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
				  struct qerror *err);

/*
 * Changes a resource (owner organisation or operator). Lowering the
 * capacity below the units held by bookings from now on is 409
 * capacity_in_use. Existing bookings keep their price and window.
 */
enum qerr sharing_resource_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
				  struct qerror *err);

/* One resource; the owner and the operator also see invited_orgs and feed_url. Withdrawn ones only to them. */
enum qerr sharing_resource_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

struct sharing_search {
	const char *type;   /* NULL: any */
	const char *region; /* GB/T 2260 code or 2/4-digit prefix (苏州 = 3205); NULL: any */
	const char *q;	    /* words (text/rank.h), NULL: no word filter */
	int64_t hours;	    /* > 0: only resources free for this many consecutive hours ... */
	const char *from;   /* ... in these Shanghai dates, inclusive (YYYY-MM-DD; default today .. +6) */
	const char *to;
	int64_t units;	/* units wanted in the window (default 1) */
	bool mine;	/* only the actor's organisation's (withdrawn included) */
	int limit;	/* 1..200, 0 = 20 */
	int64_t cursor; /* offset from the previous page's next_cursor */
};

/*
 * The catalogue: active resources filtered by type and region, ranked by
 * words when q is given (each item with "score" and "matched" words),
 * filtered by a free window when hours is given (each item with
 * "free_window": {starts_at, ends_at}, the earliest window the actor could
 * book under every rule). Each item says "may_book" for the actor.
 */
enum qerr sharing_resource_search(struct db *db, const struct actor *a, const struct sharing_search *s, json_t **out,
				  struct qerror *err);

/*
 * The week calendar: for days Shanghai days from `from` (YYYY-MM-DD, NULL:
 * today), every 30-minute slot with whether it is open and the units held
 * and free: {"resource_id","capacity","days":[{"date","weekday","closed",
 * "slots":[{"time":"08:00","starts_at","open","held","free"}]}]}. days 1..31.
 */
enum qerr sharing_resource_availability(struct db *db, const struct actor *a, int64_t id, const char *from, int days,
					json_t **out, struct qerror *err);

/* A new secret feed token (owner or operator); the old URL stops working. *out: {"token","feed_url"}. */
enum qerr sharing_feed_rotate(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * The resource's bookings as an RFC 5545 calendar, for the holder of its
 * feed token (no actor: calendar clients send no cookies). A wrong token
 * is QERR_NOT_FOUND, as is an unknown resource. *ics is malloc'd, *len its
 * size.
 */
enum qerr sharing_calendar_ics(struct db *db, int64_t id, const char *token, char **ics, size_t *len,
			       struct qerror *err);

#endif
