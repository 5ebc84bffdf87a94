/*
 * booking.h - bookings of shared resources (共享资源预约): requests,
 * approval, check-in, completion with the usage record, cancellation,
 * no-shows, weekly series, the waitlist, and each booking's bill.
 *
 * States (DESIGN.md §5b, issue 12):
 *   requested  -> approved | rejected | cancelled | expired (start passed undecided)
 *   approved   -> checked_in -> completed
 *   approved   -> cancelled | no_show (not checked in within the resource's
 *                 no_show_minutes after the start; frees the units)
 *   waitlisted -> offered (freed units held for it until offer_expires_at)
 *   offered    -> requested | approved (the booker confirms) | cancelled | expired
 * A resource with approval "instant" approves a request at once.
 *
 * Capacity invariant: at every instant, the units of the bookings that hold
 * units (requested, approved before its no-show time, checked_in, offered
 * before its offer expires), each occupying [starts_at, ends_at + the
 * resource's buffer), never exceed the resource's capacity. Every write
 * that can add units starts its transaction by bumping the resource row's
 * lock_seq (UPDATE resources SET lock_seq = lock_seq + 1 WHERE id = ?),
 * which serialises writers of one resource on SQLite (under BEGIN
 * IMMEDIATE) and on PostgreSQL (the row lock) alike, then re-reads the
 * occupying bookings and checks the rules of schedule.h.
 *
 * Times are UTC ISO-8601; windows start and end on whole
 * SHARING_GRANULE_MINUTES in UTC (so also in Asia/Shanghai). Money is fen;
 * cost = price per hour of the booker's kind × hours × units, rounded half
 * up to the fen, the price fixed at request time.
 */
#ifndef QILIAN_SHARING_BOOKING_H
#define QILIAN_SHARING_BOOKING_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "base/qtime.h"
#include "platform/actor.h"
#include "store/db.h"

#define SHARING_GRANULE_MINUTES 30  /* windows start and end on these */
#define SHARING_MAX_REPEAT_WEEKS 12 /* a weekly series has at most this many bookings */

/*
 * What a booking bills, for the voucher chain (src/sharing/voucher*.c) and
 * the owner's statement. cost_fen is what the booker owes: price × used
 * hours × units once completed, the estimate price × booked hours × units
 * before. No authorisation here: the caller checks that its actor is the
 * booker, the owner or the operator (the ids are in the bill).
 */
struct sharing_bill {
	int64_t booking_id;
	int64_t resource_id;
	int64_t owner_org_id; /* the resource's organisation */
	int64_t booker_org_id;
	int64_t booker_enterprise_id; /* the booker organisation's enterprise named at request time; 0 if none */
	char booker_kind[8];	      /* "sme", "large" or "other": which price applied */
	char state[16];		      /* one of the states above */
	int64_t units;
	int64_t booked_minutes;	    /* ends_at - starts_at */
	int64_t used_minutes;	    /* recorded at completion; 0 before */
	int64_t price_per_hour_fen; /* per unit, of booker_kind, fixed at request time */
	int64_t cost_fen;
	char starts_at[QTIME_ISO_LEN];
	char ends_at[QTIME_ISO_LEN];
	char completed_at[QTIME_ISO_LEN]; /* "" unless completed */
};

/* Fills *out for booking_id. QERR_NOT_FOUND ("booking_not_found") when there is no such booking. Works inside the
 * caller's transaction. */
enum qerr sharing_booking_bill(struct db *db, int64_t booking_id, struct sharing_bill *out, struct qerror *err);

/* cost = price_per_hour_fen × minutes × units / 60, rounded half up; QERR_INVALID "amount_overflow" past int64. */
enum qerr sharing_cost(int64_t price_per_hour_fen, int64_t minutes, int64_t units, int64_t *cost_fen,
		       struct qerror *err);

/* Request body of sharing_booking_request (also the OpenAPI schema):
 * {"starts_at", "ends_at", "units" (1), "repeat_weeks" (1), "waitlist" (false), "note", "enterprise_uscc"}. */
extern const struct jfield sharing_booking_fields[];

/*
 * Requests resource_id for [starts_at, ends_at) × units, once or weekly
 * repeat_weeks times (all or none: one refused occurrence refuses the
 * series, naming it). Refusals (422 unless said, slug and field):
 *   not_eligible (403), outside_opening_hours, closed_date, too_short,
 *   too_long, too_far_ahead, in_the_past, not_on_granule, too_many_units,
 *   sme_reserved (the SME share of the day's open hours), no_capacity (409).
 * With "waitlist": true a request refused only for no_capacity (or
 * sme_reserved) is queued instead (state "waitlisted", 201). The owner
 * organisation is notified of a request to decide. *out: {"bookings": [...]}
 * (one per occurrence).
 */
enum qerr sharing_booking_request(struct db *db, const struct actor *a, int64_t resource_id, const json_t *body,
				  json_t **out, struct qerror *err);

enum sharing_booking_action {
	BOOKING_APPROVE,  /* owner: requested -> approved (re-checks the rules and capacity) */
	BOOKING_REJECT,	  /* owner: requested -> rejected, reason required */
	BOOKING_CANCEL,	  /* booker (before the start) or owner: requested/approved/waitlisted/offered -> cancelled */
	BOOKING_CHECK_IN, /* owner: approved -> checked_in, from 30 minutes before the start to the no-show time */
	BOOKING_COMPLETE, /* owner: checked_in -> completed, used_minutes (1..booked) required */
	BOOKING_CONFIRM,  /* booker: offered -> requested or approved */
	BOOKING_ACTION_COUNT
};
extern const char
    *const sharing_booking_action_names[]; /* "approve", "reject", "cancel", "check_in", "complete", "confirm" */

/* Body of an action: {"reason", "used_minutes"}. */
extern const struct jfield sharing_booking_action_fields[];

/*
 * Applies action to booking_id (body may be NULL for actions without
 * fields). Wrong side: 403 forbidden; a state the action does not allow:
 * 409 illegal_transition. Frees units (reject, cancel) offer them to the
 * waitlist. The other side is notified. *out is the booking.
 */
enum qerr sharing_booking_act(struct db *db, const struct actor *a, int64_t booking_id,
			      enum sharing_booking_action action, const json_t *body, json_t **out, struct qerror *err);

/* One booking: the booker organisation, the owner organisation or the operator; anyone else 404. */
enum qerr sharing_booking_get(struct db *db, const struct actor *a, int64_t booking_id, json_t **out,
			      struct qerror *err);

struct sharing_booking_filter {
	const char *role;    /* "booker" (the actor's bookings), "owner" (of its resources); NULL: booker */
	const char *state;   /* NULL: any */
	int64_t resource_id; /* 0: any */
	int limit;	     /* 1..500, 0 = 50 */
	int64_t cursor;
};

/* A page of bookings as the filter says (operator with role "owner": every resource's). */
enum qerr sharing_booking_list(struct db *db, const struct actor *a, const struct sharing_booking_filter *f,
			       json_t **out, struct qerror *err);

/*
 * The maintenance pass, for one resource (resource_id > 0) or all (0):
 * requested past their start -> expired, approved past the no-show time ->
 * no_show, offered past offer_expires_at -> expired, then freed units are
 * offered to the waitlist. Runs in its own write transaction; every booking
 * write runs it for its resource first. *changed (may be NULL) counts the
 * bookings moved.
 */
enum qerr sharing_maintain(struct db *db, int64_t resource_id, int64_t now, int64_t *changed, struct qerror *err);

#endif
