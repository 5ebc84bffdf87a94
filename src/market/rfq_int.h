/*
 * rfq_int.h - helpers shared by rfq.c, order.c and stats.c (not a public
 * API): the demand record as RFQ sees it, time stamps, the party checks,
 * and audit records.
 */
#ifndef QILIAN_MARKET_RFQ_INT_H
#define QILIAN_MARKET_RFQ_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

#define RFQ_TIME_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* What RFQ needs of a demand row. */
struct rfq_demand {
	int64_t id;
	int64_t enterprise_id;
	int64_t owner_org; /* the demand enterprise's org_id, 0 when it has none */
	char title[256];   /* cut at a character boundary */
	char status[16];
	char visibility[16];
	char deadline[40]; /* "" when none */
	char closed_at[40];
};

/* Loads demand id; QERR_NOT_FOUND ("demand_not_found") when there is none. */
enum qerr rfq_demand_load(struct db *db, int64_t id, struct rfq_demand *d, struct qerror *err);

/* True when the actor acts for the owner organisation (or is the operator). */
bool rfq_is_buyer(const struct actor *a, const struct rfq_demand *d);

/* True when an enterprise of the actor's organisation was invited to / quoted on the demand. */
enum qerr rfq_org_invited(struct db *db, const struct actor *a, int64_t demand_id, bool *yes, struct qerror *err);
enum qerr rfq_org_quoted(struct db *db, const struct actor *a, int64_t demand_id, bool *yes, struct qerror *err);

/* docs/market.md's read rule: operator, owner, public, or an invited/quoting organisation. */
enum qerr rfq_may_read(struct db *db, const struct actor *a, const struct rfq_demand *d, bool *yes,
		       struct qerror *err);

/* Quotes are visible to the buyer once the deadline passed or the demand was closed early. */
bool rfq_unsealed(const struct rfq_demand *d, const char *now);

/* Quoting is open: status 'open' and now before the deadline (a demand without deadline stays open). */
bool rfq_quoting_open(const struct rfq_demand *d, const char *now);

/*
 * Inside a write transaction: the demand's status (and closed_at when
 * closed_at is non-NULL and the row has none) changes, the "demands"
 * counter is bumped and the row's seq set to it.
 */
enum qerr rfq_demand_set_status(struct db *db, int64_t demand_id, const char *status, const char *closed_at,
				const char *now, struct qerror *err);

/*
 * Parses an ISO-8601 UTC time ("YYYY-MM-DDTHH:MM:SSZ", without Z, or a
 * date "YYYY-MM-DD", which means the end of that day) into the canonical
 * form. QERR_INVALID naming field otherwise.
 */
enum qerr rfq_parse_time(const char *s, const char *field, char out[RFQ_TIME_LEN], struct qerror *err);

/* Canonical UTC time of a Unix time. */
void rfq_format_time(int64_t unix_time, char out[RFQ_TIME_LEN]);

/* {"uscc","name","region","level"} from four consecutive columns starting at col. */
json_t *rfq_enterprise_json(struct db_stmt *st, int col);

/*
 * Checked fen arithmetic: false when the result does not fit in int64
 * (*out is then unspecified). TRANSITION: replaced by src/base/money.h's
 * checked fen functions when that lands.
 */
/*
 * Sums of fen in SQL that cannot overflow: sum() over int64 fails on SQLite
 * ("integer overflow") once a total passes 2^63, which two amounts near the
 * top of int64 already do. Each (positive) amount is split into its high and
 * low 32 bits, whose sums fit in int64 for up to 2^31 rows; rfq_fen_join
 * puts the two sums together with checked arithmetic.
 */
#define RFQ_FEN_HI(col) "((" col ")/4294967296)"
#define RFQ_FEN_LO(col) "((" col ")%4294967296)"
/* The two sums as two result columns (0 when there are no rows). */
#define RFQ_SUM_FEN(col) "coalesce(sum(" RFQ_FEN_HI(col) "),0),coalesce(sum(" RFQ_FEN_LO(col) "),0)"

/* hi * 2^32 + lo into *out; false when it does not fit in int64. */
bool rfq_fen_join(int64_t hi, int64_t lo, int64_t *out);

/* Audit with the object id as text. */
enum qerr rfq_audit(struct db *db, const struct actor *a, const char *action, const char *type, int64_t id,
		    const json_t *detail, struct qerror *err);

#endif
