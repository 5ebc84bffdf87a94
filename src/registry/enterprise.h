/*
 * enterprise.h - the enterprise registry: validated records with a derived
 * size class, filtered listing, and all-or-nothing CSV import/export.
 *
 * Who may do what: every signed-in user reads the directory (it holds
 * registry facts, not private data); operator users write any record;
 * users of large and sme organisations write the records their
 * organisation owns; banks and providers only read.
 */
#ifndef QILIAN_ENTERPRISE_H
#define QILIAN_ENTERPRISE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "registry/account.h"
#include "registry/uscc.h"
#include "store/db.h"

#define ENTERPRISE_CSV_HEADER "uscc,name,region,industry,employees,revenue_wan,assets_wan,level"
#define ENTERPRISE_MAX_COUNT 100000000LL /* employees, revenue and assets stay below 10^8 */

extern const char *const enterprise_levels[]; /* none, innovative, provincial, little_giant, NULL */

/* Request body fields for create (all required but org_id) and update (partial, no uscc). */
extern const struct jfield enterprise_create_fields[];
extern const struct jfield enterprise_update_fields[];

/* A validated record ready to store. */
struct enterprise {
	char uscc[USCC_LEN + 1];
	char name[801]; /* 200 characters of up to 4 bytes */
	char region[7];
	char industry[5];
	int64_t employees, revenue_wan, assets_wan;
	const char *level; /* one of enterprise_levels */
	const char *size;  /* derived by classify */
	int64_t org_id;    /* owner, 0 = none */
};

/* Validates raw text fields (as from CSV) into *e; err names the field. */
enum qerr enterprise_from_text(const char *uscc, const char *name, const char *region, const char *industry,
			       const char *employees, const char *revenue_wan, const char *assets_wan,
			       const char *level, struct enterprise *e, struct qerror *err);

/* Creates from a decoded body (enterprise_create_fields). *out is the stored record. Audited. */
enum qerr enterprise_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
			    struct qerror *err);

/* Applies a partial update (enterprise_update_fields); size is re-derived. Audited. */
enum qerr enterprise_update(struct db *db, const struct actor *a, const char *uscc, const json_t *body,
			    json_t **out, struct qerror *err);

/* Deletes a record. Audited. */
enum qerr enterprise_delete(struct db *db, const struct actor *a, const char *uscc, struct qerror *err);

/* One record by USCC (any case). */
enum qerr enterprise_get(struct db *db, const struct actor *a, const char *uscc, json_t **out, struct qerror *err);

struct enterprise_filter {
	const char *region;   /* GB/T 2260 code or prefix ("32", "3205", "320505") */
	const char *industry; /* section letter or code prefix */
	const char *size;
	const char *level;
	const char *q;        /* substring of the name (Chinese or Latin), or a USCC */
	int64_t org_id;       /* 0 = any */
	int limit;            /* 1..500 */
	int64_t cursor;       /* id after which to continue, 0 = start */
};

/* Validates filter values (422 naming the parameter) and lists {items, next_cursor}. */
enum qerr enterprise_list(struct db *db, const struct actor *a, const struct enterprise_filter *f, json_t **out,
			  struct qerror *err);

/* Progress callback for large imports: rows read so far. */
typedef void (*enterprise_progress_fn)(long rows, void *ctx);

/*
 * Imports CSV text (header ENTERPRISE_CSV_HEADER). All rows or none: every
 * bad row is reported in (*report)["errors"] with line, field and reason,
 * and nothing is written (QERR_INVALID). Existing USCCs are updated, never
 * duplicated; a USCC twice in one file is an error. *report (new reference)
 * always describes the outcome: {rows, inserted, updated, errors}.
 */
enum qerr enterprise_import(struct db *db, const struct actor *a, const char *data, size_t len,
			    enterprise_progress_fn progress, void *ctx, json_t **report, struct qerror *err);

/* Writes every record the actor may see as CSV (same header, import order). Returns rows via *rows. */
enum qerr enterprise_export(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err);

/*
 * Inserts e or updates the record with its USCC inside the caller's
 * transaction. any_owner=false updates only a record owned by e->org_id.
 * *id is the new row's id after an insert, -1 after an update, or 0 when the
 * record exists but belongs to someone else (nothing changed).
 */
enum qerr enterprise_upsert(struct db *db, const struct enterprise *e, bool any_owner, int64_t *id,
			    struct qerror *err);

/* What enterprise_write did. NOT_OWNER: the record exists but belongs to someone else; nothing changed. */
enum enterprise_outcome { ENTERPRISE_INSERTED, ENTERPRISE_UPDATED, ENTERPRISE_NOT_OWNER };

/*
 * enterprise_upsert for imports: says only what happened, not the new id.
 * It runs an insert that does nothing when the USCC exists and an update,
 * each telling by the rows it changed (portable, unlike asking an upsert
 * which way it went); update_first says which runs first, the other only
 * when the first changed nothing. An import passes what the previous row
 * needed, so a file of new records, or one imported again, costs one
 * statement a row.
 */
enum qerr enterprise_write(struct db *db, const struct enterprise *e, bool any_owner, bool update_first,
			   enum enterprise_outcome *outcome, struct qerror *err);

/* Bulk-import helpers (inside the caller's transaction): a plain insert, and an update of row id. */
enum qerr enterprise_insert_plain(struct db *db, const struct enterprise *e, struct qerror *err);
enum qerr enterprise_update_id(struct db *db, int64_t id, const struct enterprise *e, struct qerror *err);

/* True when the actor may write records owned by org_id. */
bool enterprise_may_write(const struct actor *a, int64_t owner_org_id);

#endif
