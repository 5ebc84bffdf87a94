/*
 * service.h - service requests (服务链, 企业诉求): an enterprise's request for
 * help, routed to the provider organisation that handles it, with time
 * limits in working days on the Chinese calendar, an escalation ladder, the
 * requester's rating and the operator's call-backs (回访).
 *
 * States: submitted -> accepted -> in_progress -> resolved -> closed (the
 * requester confirms) or reopened (the requester; -> in_progress again).
 * A handler may transfer an open case to another provider with a reason
 * (back to submitted there). Only the requester can withdraw (with its own
 * confirmation); a handler may only propose it. Every change is a timeline
 * entry (service_events) and an audit record, and notifies who acts next.
 *
 * Who is who: the requester is the organisation owning the request's
 * enterprise; the handler is the organisation the request is assigned to
 * (NULL = the operator's queue, where the operator handles it); the
 * operator (platform) sees every request, edits routing rules and limits,
 * approves extensions, supervises (督办) and calls back.
 *
 * Functions return a qerr and fill err; *out (when given) is a new
 * reference for the caller. Writes run in their own write transaction.
 */
#ifndef QILIAN_SERVICES_SERVICE_H
#define QILIAN_SERVICES_SERVICE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qdate.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

extern const char *const service_categories[]; /* NULL-terminated: financing, land_and_space, ... other */
extern const char *const service_urgencies[];  /* normal, urgent, critical */
extern const char *const service_statuses[];

/* Escalation: a reminder this many working days before a deadline, 督办 this many after it. */
#define SERVICE_REMIND_BEFORE 1
#define SERVICE_SUPERVISE_AFTER 3
/* An unsatisfied rating (at most this) reopens a resolved case, once. */
#define SERVICE_UNSATISFIED_MAX 2

extern const struct jfield service_request_fields[];   /* POST /service-requests */
extern const struct jfield service_note_fields[];      /* {note}: reopen, propose-withdrawal, supervise */
extern const struct jfield service_resolve_fields[];   /* {resolution} */
extern const struct jfield service_transfer_fields[];  /* {handler_org_id, reason} */
extern const struct jfield service_withdraw_fields[];  /* {confirm, reason} */
extern const struct jfield service_rate_fields[];      /* {rating, comment} */
extern const struct jfield service_extension_fields[]; /* {days, reason} */
extern const struct jfield service_callback_fields[];  /* {result, note} */
extern const struct jfield service_sample_fields[];    /* {count, from, to, seed} */
extern const struct jfield service_route_fields[];     /* {category, region_prefix, handler_org_id} */
extern const struct jfield service_limit_fields[];     /* {category, urgency, accept_days, resolve_days} */
extern const struct jfield service_escalate_fields[];  /* {date} */

/*
 * Tests only: the clock the chain reads (UTC seconds); 0 restores the
 * system clock. Not thread-safe: set it before any request runs.
 */
void service_clock_set(int64_t utc);

/* ---- requests ---- */

/*
 * Submits a request for an enterprise of the actor's organisation (body as
 * service_request_fields: enterprise USCC, category, title, description,
 * region (default the enterprise's), urgency). Routes it, computes the
 * accept-by and resolve-by dates (NULL, with a timeline note, when the
 * calendar does not cover them), notifies the handler. *out: the request.
 */
enum qerr service_submit(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err);

/* One request with its timeline and extensions; 404 unless requester, handler or operator. */
enum qerr service_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

struct service_filter {
	const char *role;   /* "requester", "handler", "queue" (operator: unassigned), NULL: all the actor may see */
	const char *status; /* NULL: any */
	const char *enterprise; /* USCC, NULL: any */
	int limit;
	int64_t cursor; /* newest first: ids below */
};
enum qerr service_list(struct db *db, const struct actor *a, const struct service_filter *f, json_t **out,
		       struct qerror *err);

enum service_action {
	SERVICE_ACCEPT,		    /* handler: submitted -> accepted */
	SERVICE_START,		    /* handler: accepted | reopened -> in_progress */
	SERVICE_RESOLVE,	    /* handler: in_progress -> resolved (text: the resolution) */
	SERVICE_CONFIRM,	    /* requester: resolved -> closed */
	SERVICE_REOPEN,		    /* requester: resolved -> reopened (text: why) */
	SERVICE_WITHDRAW,	    /* requester, confirmed: open -> withdrawn (text: why) */
	SERVICE_PROPOSE_WITHDRAWAL, /* handler: proposes it to the requester (text: why); no state change */
	SERVICE_SUPERVISE,	    /* operator: 督办 an open case (text: note) */
	SERVICE_ACTION_COUNT
};
extern const char *const service_action_names[];

/*
 * Applies action to request id as actor a; text is the note, resolution or
 * reason the action needs (422 when required and empty). An action its
 * party may not take is 403, one the state does not allow 409
 * ("invalid_transition"). *out: the request after it.
 */
enum qerr service_act(struct db *db, const struct actor *a, int64_t id, enum service_action action, const char *text,
		      json_t **out, struct qerror *err);

/* Withdraws request id: the requester's own, with confirm = true (422 "confirmation_required" otherwise). */
enum qerr service_withdraw(struct db *db, const struct actor *a, int64_t id, bool confirm, const char *reason,
			   json_t **out, struct qerror *err);

/* Transfers an open request to provider organisation to_org with a reason (the handler or the operator). */
enum qerr service_transfer(struct db *db, const struct actor *a, int64_t id, int64_t to_org, const char *reason,
			   json_t **out, struct qerror *err);

/*
 * The requester rates a resolved or closed request 1-5 with a comment. A
 * resolved request is closed by it, unless the rating is at most
 * SERVICE_UNSATISFIED_MAX and no rating has reopened it before: then it is
 * reopened (once).
 */
enum qerr service_rate(struct db *db, const struct actor *a, int64_t id, int rating, const char *comment, json_t **out,
		       struct qerror *err);

/* ---- time limits, extensions, escalation ---- */

/* Limits (working days to accept and resolve) per category and urgency: {items:[...], calendar}. */
enum qerr service_limits(struct db *db, json_t **out, struct qerror *err);
/* The operator sets one (category, urgency) limit; applies to requests submitted afterwards. */
enum qerr service_limit_set(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err);

/* The handler asks to extend the resolve-by date by days working days (pending until the operator decides). */
enum qerr service_extension_request(struct db *db, const struct actor *a, int64_t id, int64_t days, const char *reason,
				    json_t **out, struct qerror *err);
/* The operator approves (the resolve-by date moves) or rejects a pending extension. */
enum qerr service_extension_decide(struct db *db, const struct actor *a, int64_t extension_id, bool approve,
				   json_t **out, struct qerror *err);

/*
 * The maintenance pass on Shanghai date `on` (the operator; the CLI): for
 * each open request with a deadline, a reminder from SERVICE_REMIND_BEFORE
 * working days before it, 催办 (urge) once it has passed, 督办 (supervise,
 * by the operator) SERVICE_SUPERVISE_AFTER working days after it. Each step
 * is recorded once per deadline, on the timeline, and notified.
 * *out: {date, reminders, urges, supervisions, skipped, items}.
 */
enum qerr service_escalate(struct db *db, const struct actor *a, struct qdate on, json_t **out, struct qerror *err);

/*
 * Deadlines computed beyond the calendar's years (by the provisional
 * Monday-Friday rule, platform/workdays.h; the request's calendar names
 * them) onto the calendar compiled in now, once it is newer than the one
 * recorded: each open request's dates are recomputed (workdays_recompute),
 * its calendar identity replaced, a timeline entry and an audit record
 * written. Closed and withdrawn requests keep their dates (history). The
 * operator (the CLI; `serve` runs it at start). *out: {recomputed, waiting
 * (provisional, no newer calendar yet), calendar, items: [{id, old_calendar,
 * calendar, old_accept_due, accept_due, old_resolve_due, resolve_due,
 * provisional}]}.
 */
enum qerr service_recompute_deadlines(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

/* Seconds between two escalation passes inside `qilian serve`. */
#define SERVICE_MAINTENANCE_PERIOD 3600

/*
 * `qilian serve` runs the escalation pass for today in a thread of its own
 * (its own connection to db_path): at start, then every
 * SERVICE_MAINTENANCE_PERIOD seconds, until service_maintenance_stop.
 * Failures are logged, never fatal. Start once, before serving.
 */
void service_maintenance_start(const char *db_path);
void service_maintenance_stop(void);

/* ---- call-backs (回访) ---- */

/*
 * The operator samples up to count closed requests (closed in [from, to]
 * when given) not sampled before, chosen by seed; marks them sampled. *out: {items}.
 */
enum qerr service_callback_sample(struct db *db, const struct actor *a, const json_t *body, json_t **out,
				  struct qerror *err);
/* The operator records the call-back of a closed request: satisfied | unsatisfied | unreachable, and a note. */
enum qerr service_callback_record(struct db *db, const struct actor *a, int64_t id, const char *result,
				  const char *note, json_t **out, struct qerror *err);

/* ---- routing ---- */

enum qerr service_route_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err);
enum qerr service_route_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
			       struct qerror *err);
enum qerr service_route_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			       struct qerror *err);
enum qerr service_route_delete(struct db *db, const struct actor *a, int64_t id, struct qerror *err);
/*
 * The rule that routes (category, region): the longest region prefix that
 * starts region, an exact category before '*'. *route_id and *handler_org
 * are 0 when none matches (the operator's queue).
 */
enum qerr service_route_resolve(struct db *db, const char *category, const char *region, int64_t *route_id,
				int64_t *handler_org, struct qerror *err);

/* Provider organisations (handlers a request can be routed or transferred to): {items:[{id, name}]}. */
enum qerr service_providers(struct db *db, json_t **out, struct qerror *err);

/* ---- statistics ---- */

/*
 * Over requests submitted in [from, to] (Shanghai dates, inclusive), grouped
 * by "category", "region" (province) or "handler": received, accepted,
 * accepted_in_time, resolved, resolution_rate, resolved_in_time,
 * in_time_rate, rated, satisfied (rating >= 4), satisfaction_rate,
 * mean_rating, median_workdays_to_accept, median_workdays_to_resolve; and
 * the same over all as "total". Rates are null when their denominator is 0.
 */
enum qerr service_stats(struct db *db, const struct actor *a, const char *from, const char *to, const char *by,
			json_t **out, struct qerror *err);

/* Requests of one enterprise (for the data chain's scope and export): {items}. */
enum qerr service_requests_of(struct db *db, int64_t enterprise_id, json_t **out, struct qerror *err);

#endif
