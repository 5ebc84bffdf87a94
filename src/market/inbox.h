/*
 * inbox.h - the enterprise inbox (站内通知): notifications of matching
 * demands, invitations, quotes, awards and orders.
 *
 * A notification belongs to an enterprise and is seen by every user of the
 * organisation that owns that enterprise (the operator sees only its own
 * organisation's, like anyone else). There is at most one notification per
 * (enterprise, kind, object) (UNIQUE in 0003_market.sql): notifying twice
 * about the same thing is a no-op, so a demand that matches two
 * subscriptions, or is edited, does not notify twice.
 *
 * kinds: "demand_match" (object = demand id), "invited" (demand), "quote"
 * (demand, to the buyer), "awarded" and "order" (order id).
 */
#ifndef QILIAN_MARKET_INBOX_H
#define QILIAN_MARKET_INBOX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

/*
 * Adds a notification for enterprise_id about object_id, unless one of the
 * same kind about the same object exists (ON CONFLICT DO NOTHING). Runs inside the
 * caller's write transaction (it opens none): the notification commits or
 * rolls back with the change it reports. title is shown in the inbox list;
 * detail (may be NULL = {}) is any JSON object saying why, borrowed, not
 * stolen. Returns QERR_OK (also when it was a duplicate) or a store error.
 */
enum qerr market_notify(struct db *db, int64_t enterprise_id, const char *kind, int64_t object_id, const char *title,
			const json_t *detail, struct qerror *err);

/*
 * The actor's organisation's inbox, newest first: {"items": [{id, enterprise:
 * {uscc, name}, kind, object_id, title, detail, created_at, read_at, read}],
 * "next_cursor"}; unread_only keeps the unread ones. limit 1-500 (else 50).
 */
enum qerr market_inbox_list(struct db *db, const struct actor *a, bool unread_only, int limit, int64_t cursor,
			    json_t **out, struct qerror *err);

/* Number of unread notifications of the actor's organisation. */
enum qerr market_inbox_count(struct db *db, const struct actor *a, int64_t *unread, struct qerror *err);

/* Marks one notification read (again is a no-op); QERR_NOT_FOUND when it is not the organisation's. */
enum qerr market_inbox_read(struct db *db, const struct actor *a, int64_t id, struct qerror *err);

/* Marks every unread notification of the organisation read; *marked says how many. */
enum qerr market_inbox_read_all(struct db *db, const struct actor *a, int64_t *marked, struct qerror *err);

#endif
