/*
 * services_int.h - what the service chain's files share: the clock, one
 * request's row, the timeline, notifications to an organisation and the
 * JSON of a request. Internal to src/services.
 */
#ifndef QILIAN_SERVICES_INT_H
#define QILIAN_SERVICES_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qdate.h"
#include "base/qerr.h"
#include "base/qtime.h"
#include "platform/actor.h"
#include "store/db.h"

#define SVC_TIME_LEN 24

/* Now (UTC ISO-8601) and today's Shanghai date, from service_clock_set's clock. */
void svc_now(char out[SVC_TIME_LEN]);
struct qdate svc_today(void);

struct svc_req {
	int64_t id, enterprise_id, requester_org, handler_org; /* handler_org 0: the operator's queue */
	char status[16], category[24], urgency[12];
	char submitted_date[QDATE_TEXT_LEN], accept_due[QDATE_TEXT_LEN], resolve_due[QDATE_TEXT_LEN];
	char title[400];
	bool rating_reopened;
};

/* Loads request id (QERR_NOT_FOUND "service_request_not_found"). */
enum qerr svc_load(struct db *db, int64_t id, struct svc_req *r, struct qerror *err);

bool svc_is_operator(const struct actor *a);
bool svc_is_requester(const struct actor *a, const struct svc_req *r);
/* The current handler's organisation, or the operator for a queued request. */
bool svc_is_handler(const struct actor *a, const struct svc_req *r);
bool svc_open_status(const char *status);

/* Appends a timeline entry (detail may be NULL, borrowed). */
enum qerr svc_event(struct db *db, const struct actor *a, int64_t request_id, const char *kind, const char *from,
		    const char *to, const char *note, const json_t *detail, struct qerror *err);

/*
 * Notifies organisation org about request_id (kind e.g. "service_request",
 * "service_urge") in the organisation's own inbox (platform/inbox.h
 * inbox_renotify_org: whether or not it owns an enterprise); org 0 is the
 * operator's queue (a request no rule routed): every operator organisation
 * is notified.
 */
enum qerr svc_notify_org(struct db *db, int64_t org, const char *kind, int64_t request_id, const char *title,
			 struct qerror *err);

/* Audit record of a request change. */
enum qerr svc_audit(struct db *db, const struct actor *a, const char *action, int64_t id, const json_t *detail,
		    struct qerror *err);

/* Rolls back and returns err's code. */
enum qerr svc_fail(struct db *db, struct qerror *err);

/* Parses a YYYY-MM-DD column value ("" = none): false when absent or malformed. */
bool svc_date(const char *text, struct qdate *d);

/* The working-day limits of (category, urgency): the operator's, else the defaults. */
enum qerr svc_limit(struct db *db, const char *category, const char *urgency, int64_t *accept_days,
		    int64_t *resolve_days, struct qerror *err);

/* The JSON of one request as service_get/list show it (no timeline). */
enum qerr svc_request_json(struct db *db, int64_t id, json_t **out, struct qerror *err);

#endif
