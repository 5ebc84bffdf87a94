/*
 * resource_int.h - what resource.c shares with catalogue.c and the
 * calendar (not a public API): the resource columns and their JSON, the
 * stored text forms of the rules.
 */
#ifndef QILIAN_SHARING_RESOURCE_INT_H
#define QILIAN_SHARING_RESOURCE_INT_H
#include <jansson.h>
#include <stdbool.h>
#include "base/util.h"
#include "sharing/schedule.h"
#include "store/db.h"

/* The columns resource_row_json reads, in order (FROM resources r JOIN orgs o ON o.id=r.org_id). */
#define RES_COLS                                                                                                       \
	"r.id,r.org_id,o.name,o.type,r.type,r.name,r.description,r.region,r.address,r.capacity,r.price_sme_fen,"       \
	"r.price_large_fen,r.price_other_fen,r.opening_hours,r.closed_dates,r.min_minutes,r.max_minutes,"              \
	"r.buffer_minutes,r.horizon_days,r.approval,r.eligibility,r.sme_share_bp,r.no_show_minutes,r.offer_minutes,"   \
	"r.status,r.feed_token,r.created_at,r.updated_at"

/* A resource row (RES_COLS) as JSON; owner adds its feed_url. NULL when out of memory. */
json_t *resource_row_json(struct db_stmt *st, bool owner);

/* ';'-joined text as a JSON array of strings. */
json_t *resource_split(const char *text);

/* The stored forms of opening hours and closed dates (appended to b). False when out of memory. */
bool resource_hours_text(const struct sh_rules *r, struct buf *b);
bool resource_closed_text(const struct sh_rules *r, struct buf *b);

#endif
