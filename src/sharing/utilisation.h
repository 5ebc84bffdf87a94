/*
 * utilisation.h - how much a resource, or all of an owner's resources,
 * were used over a range of Shanghai dates (利用率).
 *
 * Unit-hours throughout (a resource of capacity 2 open 10 hours offers 20
 * a day): open hours (capacity × opening hours, closed dates excluded),
 * booked hours (approved, checked in, completed and no-show bookings, as
 * booked), used hours (completed bookings' recorded usage from their
 * start), pending hours (requests not yet decided), their rates against
 * the open hours, revenue (the completed bookings' bills, fen, checked
 * sums), SMEs served (distinct SME organisations with a checked-in or
 * completed booking), hours reserved for SMEs (the SME share of open
 * hours), SMEs' booked and used hours, and of the reserved hours how many
 * SMEs used (per day the smaller of the two). Each day is attributed the
 * part of a booking that falls on it.
 */
#ifndef QILIAN_SHARING_UTILISATION_H
#define QILIAN_SHARING_UTILISATION_H
#include <jansson.h>
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

/* One resource over [from, to] (YYYY-MM-DD, at most 366 days), with a row per day. Owner or operator. */
enum qerr sharing_utilisation_resource(struct db *db, const struct actor *a, int64_t id, const char *from,
				       const char *to, json_t **out, struct qerror *err);

/*
 * Every resource of organisation org_id (0: the actor's) over [from, to]:
 * totals, a row per resource and per day. The organisation itself or the
 * operator.
 */
enum qerr sharing_utilisation_owner(struct db *db, const struct actor *a, int64_t org_id, const char *from,
				    const char *to, json_t **out, struct qerror *err);

#endif
