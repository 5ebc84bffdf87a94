/*
 * sharing_int.h - what the resource, booking, utilisation and calendar
 * files share (not a public API): the resource record with its parsed
 * rules, loading the holds of a resource, the lock that serialises a
 * resource's writers, the clock, and small helpers.
 */
#ifndef QILIAN_SHARING_INT_H
#define QILIAN_SHARING_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "base/qtime.h"
#include "platform/actor.h"
#include "sharing/schedule.h"
#include "store/db.h"

#define SHARING_NAME_MAX 200 /* characters */

enum sharing_kind { KIND_SME, KIND_LARGE, KIND_OTHER };
extern const char *const sharing_kind_names[]; /* "sme", "large", "other" */

/* A resource row as the booking rules need it. */
struct sharing_resource {
	int64_t id;
	int64_t org_id;
	char org_name[256];
	char type[16];
	char name[SHARING_NAME_MAX * 4 + 1];
	char region[7];
	struct sh_rules rules;
	int64_t price[3]; /* by enum sharing_kind, fen per unit-hour */
	char approval[12];
	char eligibility[12];
	int64_t no_show_minutes, offer_minutes;
	char status[12];
	char feed_token[65];
};

/* Loads resource id; QERR_NOT_FOUND ("resource_not_found", field "id") when there is none. */
enum qerr sharing_resource_load(struct db *db, int64_t id, struct sharing_resource *r, struct qerror *err);

/*
 * Inside a write transaction: bumps the resource's lock_seq, which makes
 * every other writer of the same resource wait for this transaction (the
 * row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises all
 * writers). QERR_NOT_FOUND when the resource does not exist.
 */
enum qerr sharing_resource_lock(struct db *db, int64_t id, struct qerror *err);

/*
 * The bookings of resource that hold units at `now` and overlap [from,
 * until), as a malloc'd array the caller frees (*holds may be NULL when *n
 * is 0).
 */
enum qerr sharing_holds_load(struct db *db, int64_t resource_id, int64_t from, int64_t until, int64_t now,
			     struct sh_hold **holds, int *n, struct qerror *err);

/* The SQL condition "booking b holds units at ?now" with its three placeholders bound by sharing_bind_holding. */
#define SHARING_HOLDING_SQL                                                                                            \
	"((b.state='requested' AND b.starts_at>?) OR b.state='checked_in' OR (b.state='approved' AND b.noshow_at>?)"   \
	" OR (b.state='offered' AND b.offer_expires_at>?))"

/* Binds now to the three placeholders of SHARING_HOLDING_SQL starting at idx. */
void sharing_bind_holding(struct db_stmt *st, int idx, const char *now);

/* The booking's state as of now (a stored approved past its no-show time reads no_show, and so on). */
const char *sharing_effective_state(const char *state, const char *starts_at, const char *noshow_at,
				    const char *offer_expires_at, const char *now);

/* The organisation's type and the kind of price it pays. QERR_NOT_FOUND ("org_not_found"). */
enum qerr sharing_org_kind(struct db *db, int64_t org_id, enum org_type *type, enum sharing_kind *kind,
			   struct qerror *err);

/* The organisation's first enterprise (by id) into *enterprise_id, 0 when it has none. */
enum qerr sharing_org_enterprise(struct db *db, int64_t org_id, int64_t *enterprise_id, struct qerror *err);

/* May org (of this type) book r? The owner always may. */
enum qerr sharing_may_book(struct db *db, const struct sharing_resource *r, int64_t org_id, enum org_type type,
			   bool *yes, struct qerror *err);

/* True when the actor acts for the resource's owner (or is a platform admin / the operator). */
bool sharing_is_owner(const struct actor *a, const struct sharing_resource *r);

/* The time the rules are evaluated at: the system clock, or the CLI's --now (sharing_set_clock). */
int64_t sharing_now(void);
void sharing_now_iso(char out[QTIME_ISO_LEN]);
void sharing_format(int64_t t, char out[QTIME_ISO_LEN]);

/* Rolls back and returns err's code (QERR_INTERNAL if none). */
enum qerr sharing_fail(struct db *db, struct qerror *err);

#endif
