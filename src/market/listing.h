/*
 * listing.h - supply and demand listings (供需发布): create, read, list,
 * change, withdraw/cancel, and all-or-nothing CSV import/export.
 *
 * Supplies are public offers: every signed-in user reads them. A demand is
 * public, or 'invited': then only the owner's organisation, the
 * organisations of the invited suppliers (demand_invitations) and the
 * operator read it; anyone else gets 404 as if it did not exist.
 * A listing belongs to an enterprise; only that enterprise's organisation
 * (a large enterprise or an SME) or the operator writes it.
 *
 * Every write is one transaction, audited, and stamps the rows it writes
 * with the next value of the listing kind's change counter ("supplies" or
 * "demands", see 0003_market.sql): the match index catches up by reading
 * rows with seq above the one it has. A published public demand notifies
 * the matching subscribers in the same transaction (subscription.h).
 *
 * Stored forms: regions as significant prefixes (2, 4 or 6 digits: "32",
 * "3205", "320505"), certifications trimmed and ASCII upper-cased; both
 * sorted and unique, ';'-joined in the database, arrays in JSON.
 */
#ifndef QILIAN_MARKET_LISTING_H
#define QILIAN_MARKET_LISTING_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "registry/account.h"
#include "platform/idempotency.h"
#include "store/db.h"

#define SUPPLIES_CSV_HEADER "uscc,title,description,chain,segment,regions,certifications"
#define DEMANDS_CSV_HEADER "uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications"

/* Request bodies (also the OpenAPI schemas). */
extern const struct jfield market_supply_fields[], market_supply_update_fields[];
extern const struct jfield market_demand_fields[], market_demand_update_fields[];

/* Filters of the list calls; unset strings are NULL or "". */
struct listing_filter {
	const char *enterprise; /* USCC */
	const char *chain, *segment;
	const char *region; /* 2/4/6-digit code */
	const char *q;      /* words, matched through the FTS5 index */
	const char *status;
	bool mine;          /* only listings of the actor's organisation */
	int limit;          /* 1-500, default 50 */
	int64_t cursor;     /* next_cursor of the previous page (lists run newest first) */
};

/*
 * Creates a listing from a decoded body (market_*_fields). *out (caller
 * decrefs) is the listing as JSON (docs/market.md shapes). Errors:
 * QERR_INVALID naming the field, QERR_FORBIDDEN when the actor's
 * organisation does not own the enterprise. With idem (an Idempotency-Key,
 * platform/idempotency.h; NULL for none) a repeated request answers the
 * first one's listing and publishes nothing; the key with another request
 * is QERR_CONFLICT idempotency_key_reused.
 */
enum qerr market_supply_create(struct db *db, const struct actor *a, const json_t *body,
			       const struct idempotency *idem, json_t **out, struct qerror *err);
enum qerr market_demand_create(struct db *db, const struct actor *a, const json_t *body,
			       const struct idempotency *idem, json_t **out, struct qerror *err);

/* One listing; QERR_NOT_FOUND when it does not exist or (invited demand) the actor may not read it. */
enum qerr market_supply_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
enum qerr market_demand_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* A page {"items": [...], "next_cursor"} of the listings the actor may read, newest first. */
enum qerr market_supply_list(struct db *db, const struct actor *a, const struct listing_filter *f, json_t **out,
			     struct qerror *err);
enum qerr market_demand_list(struct db *db, const struct actor *a, const struct listing_filter *f, json_t **out,
			     struct qerror *err);

/*
 * Changes the fields present in a decoded PATCH body (null clears an
 * optional field; chain and segment change together). QERR_NOT_FOUND,
 * QERR_FORBIDDEN (not the owner), QERR_CONFLICT when the listing is no
 * longer active/open, QERR_INVALID. *out is the listing after the change.
 */
enum qerr market_supply_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			       struct qerror *err);
enum qerr market_demand_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			       struct qerror *err);

/* Withdraws a supply / cancels an open demand (owner or operator); repeating it is QERR_CONFLICT. */
enum qerr market_supply_withdraw(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
enum qerr market_demand_cancel(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * True when the actor may read demand id (it exists and is public, or the
 * actor is the owner's organisation, an invited supplier's, or the
 * operator). For the RFQ code and the matcher.
 */
bool market_demand_readable(struct db *db, const struct actor *a, int64_t id);

/*
 * CSV imports (SUPPLIES_CSV_HEADER / DEMANDS_CSV_HEADER, lists ';'-separated),
 * all rows or none: *report (new reference, also on failure) is
 * {rows, inserted, updated, error_count, errors: [{line, field, code, message}]}.
 * Every row is a new listing owned by its USCC's enterprise (which the
 * actor's organisation must own, or the actor is the operator); imported
 * demands are public and their deadline must lie in the future. One
 * transaction, one seq for every row of the file.
 */
enum qerr market_import_supplies(struct db *db, const struct actor *a, const char *data, size_t len,
				 void (*progress)(long, void *), void *ctx, json_t **report, struct qerror *err);
enum qerr market_import_demands(struct db *db, const struct actor *a, const char *data, size_t len,
				void (*progress)(long, void *), void *ctx, json_t **report, struct qerror *err);

/*
 * CSV exports in the import formats, in id order: active supplies, and open
 * public demands (an invited demand would turn public if imported again).
 * export -> import into an empty market -> export gives the same bytes.
 */
enum qerr market_export_supplies(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err);
enum qerr market_export_demands(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err);

#endif
