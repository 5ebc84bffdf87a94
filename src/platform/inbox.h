/*
 * inbox.h - notifications and the organisation's inbox (站内通知), for
 * every chain.
 *
 * A notification tells an enterprise that something happened to an object
 * of some chain: a chain picks the kind (a short string of its own) and the
 * object (an id in that chain's tables). The market's kinds, for example:
 * "demand_match" (object = demand id), "invited" (demand), "quote" (demand,
 * to the buyer), "awarded" and "order" (order id).
 *
 * A notification belongs to an enterprise and is seen by every user of the
 * organisation that owns that enterprise, or (inbox_notify_org) to an
 * organisation itself - the operator, a bank, a provider, any organisation
 * that must act whether or not it owns an enterprise - and is seen by its
 * users. The operator sees only its own organisation's, like anyone else. There is at most one notification per
 * (enterprise, kind, object) and per (organisation, kind, object) (UNIQUE in
 * 0009_inbox_org.sql): notifying twice
 * about the same thing is a no-op, so a demand that matches two
 * subscriptions, or is edited, does not notify twice; inbox_renotify is for
 * the things that move on (an order's next step) and should be seen again.
 */
#ifndef QILIAN_PLATFORM_INBOX_H
#define QILIAN_PLATFORM_INBOX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

/*
 * Adds a notification for enterprise_id about object_id, unless one of the
 * same kind about the same object exists (ON CONFLICT DO NOTHING), or the
 * enterprise no longer exists (skipped, not an error). Runs inside the
 * caller's write transaction (it opens none): the notification commits or
 * rolls back with the change it reports. title is shown in the inbox list;
 * detail (may be NULL = {}) is any JSON object saying why, borrowed, not
 * stolen. Returns QERR_OK (also when it was a duplicate) or a store error.
 */
enum qerr inbox_notify(struct db *db, int64_t enterprise_id, const char *kind, int64_t object_id, const char *title,
		       const json_t *detail, struct qerror *err);

/*
 * As inbox_notify, but when the notification exists it becomes unread
 * again, with the new title and time and (unless detail is NULL) the new
 * detail: for objects that move on (an order's later steps, a demand's
 * further quotes). Inside the caller's write transaction.
 */
enum qerr inbox_renotify(struct db *db, int64_t enterprise_id, const char *kind, int64_t object_id, const char *title,
			 const json_t *detail, struct qerror *err);

/*
 * As inbox_notify and inbox_renotify, addressed to the organisation org_id
 * (its users see it whether or not it owns an enterprise); an org_id <= 0
 * or an organisation that no longer exists is skipped, not an error.
 * Inside the caller's write transaction.
 */
enum qerr inbox_notify_org(struct db *db, int64_t org_id, const char *kind, int64_t object_id, const char *title,
			   const json_t *detail, struct qerror *err);
enum qerr inbox_renotify_org(struct db *db, int64_t org_id, const char *kind, int64_t object_id, const char *title,
			     const json_t *detail, struct qerror *err);

/*
 * The actor's organisation's inbox, newest first: {"items": [{id, enterprise:
 * {uscc, name} or null (addressed to the organisation itself), kind, object_id, title, detail, created_at, read_at,
 * read}], "next_cursor"}; unread_only keeps the unread ones. limit 1-500 (else 50). *out is the caller's to decref.
 */
enum qerr inbox_list(struct db *db, const struct actor *a, bool unread_only, int limit, int64_t cursor, json_t **out,
		     struct qerror *err);

/* Number of unread notifications of the actor's organisation. */
enum qerr inbox_count(struct db *db, const struct actor *a, int64_t *unread, struct qerror *err);

/*
 * Marks one notification read (again is a no-op, keeping the first time);
 * QERR_NOT_FOUND ("notification_not_found") when it is not the
 * organisation's.
 */
enum qerr inbox_read(struct db *db, const struct actor *a, int64_t id, struct qerror *err);

/* Marks every unread notification of the organisation read; *marked says how many. */
enum qerr inbox_read_all(struct db *db, const struct actor *a, int64_t *marked, struct qerror *err);

#endif
