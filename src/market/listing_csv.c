/*
 * listing_csv.c - all-or-nothing CSV import of supplies and demands, and
 * their export in the same formats (listing.h has the headers).
 *
 * An import runs on the CSV import driver (platform/csv_import.h): it
 * validates and writes in one pass inside one transaction and rolls back if
 * any row was bad; every bad row is reported with its line, in the report
 * shape of the other imports. It is built for a million
 * supplies: one transaction, cached prepared statements, one seq for the
 * whole file (one counter bump), and the enterprise (by USCC) and segment
 * (by chain/segment) of each row looked up once per distinct value and
 * remembered in memory. The full-text index is kept by the table's
 * triggers, which FTS5 buffers until the commit.
 */
#include "market/listing.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/util.h"
#include "market/listing_int.h"
#include "base/strmap.h"
#include "chainmap/chainmap.h"
#include "market/subscription.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"
#include "platform/audit.h"
#include "platform/csv_import.h"
#include "platform/enterprise_ref.h"

#define BULK_MIN_BYTES (256 * 1024) /* from about 2,000 rows the word index is filled in one statement */

/*
 * per-backend: SQLite FTS5 - the full-text index in bulk (the #defines and
 * bulk_start/bulk_finish below). SQLite 3.40's FTS5 writes its pending terms
 * to disk at every statement savepoint, and an INSERT whose trigger writes
 * the FTS table opens one per row: a million rows made a million tiny index
 * segments to merge (170 us a row). A big import drops the insert trigger
 * inside its transaction, appends the rows, fills the index from them in one
 * INSERT ... SELECT (one savepoint, FTS5 buffers and writes large segments),
 * and creates the trigger again before the commit, so no other connection
 * ever sees the table without it. The trigger text must stay that of
 * 0003_market.sql. PostgreSQL keeps its word index otherwise (each row's
 * tsvector written beside it by listing_words_write) and needs none of this.
 */
#define SUPPLIES_FTS_TRIGGER                                                                                           \
	"CREATE TRIGGER supplies_fts_insert AFTER INSERT ON supplies BEGIN\n"                                          \
	"  INSERT INTO supplies_fts(rowid, title, description) VALUES (new.id, new.title, new.description);\n"        \
	"END"
#define DEMANDS_FTS_TRIGGER                                                                                            \
	"CREATE TRIGGER demands_fts_insert AFTER INSERT ON demands BEGIN\n"                                            \
	"  INSERT INTO demands_fts(rowid, title, description) VALUES (new.id, new.title, new.description);\n"         \
	"END"

static const char *const supply_columns[] = {"uscc", "title", "description", "chain", "segment", "regions",
					     "certifications"};
static const char *const demand_columns[] = {"uscc",	   "title", "description", "chain",  "segment",	      "quantity",
					     "unit",	   "budget_fen", "deadline",	   "region", "certifications"};

/* One import's own state beside the driver's. */
struct listing_import {
	bool demand;
	size_t len;
	struct strmap enterprises; /* canonical USCC -> value: id (0 = not registered), aux: owning organisation */
	struct strmap segments;	/* "chain/segment" -> value: sid */
	struct buf regions, certifications;
	int64_t seq; /* 0 until the first row is written */
	char ts[32];
	bool bulk;	  /* the FTS insert trigger is dropped until bulk_finish */
	int64_t first_id; /* bulk: rows above this id are the file's */
};

static int64_t max_id(struct db *db, bool demand, struct qerror *err)
{
	struct db_stmt *st = db_prepare(
	    db, demand ? "SELECT coalesce(max(id),0) FROM demands" : "SELECT coalesce(max(id),0) FROM supplies", err);
	int64_t v;
	if (!st || db_scalar_int64(st, &v, err))
		return -1;
	return v;
}

/*
 * per-backend: SQLite FTS5 trigger. Inside the import's transaction: big
 * files index their words in one statement at the end.
 */
static enum qerr bulk_start(struct db *db, struct listing_import *x, bool demand, size_t len, struct qerror *err)
{
	if (len < BULK_MIN_BYTES || db_is_pg(db))
		return QERR_OK;
	if ((x->first_id = max_id(db, demand, err)) < 0)
		return err->code ? err->code : QERR_INTERNAL;
	if (db_exec(db, demand ? "DROP TRIGGER demands_fts_insert" : "DROP TRIGGER supplies_fts_insert", err))
		return err->code;
	x->bulk = true;
	return QERR_OK;
}

/* per-backend: SQLite FTS5 - the file's rows into the word index in one statement, and the trigger back. */
static enum qerr bulk_finish(struct db *db, struct listing_import *x, bool demand, struct qerror *err)
{
	if (!x->bulk)
		return QERR_OK;
	struct db_stmt *st =
	    demand
		? db_prepare(db,
			     "INSERT INTO demands_fts(rowid,title,description) SELECT id,title,description FROM demands"
			     " WHERE id>? ORDER BY id",
			     err)
		: db_prepare(
		      db,
		      "INSERT INTO supplies_fts(rowid,title,description) SELECT id,title,description FROM supplies"
		      " WHERE id>? ORDER BY id",
		      err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, x->first_id);
	if (db_run(st, err))
		return err->code;
	x->bulk = false;
	return db_exec(db, demand ? DEMANDS_FTS_TRIGGER : SUPPLIES_FTS_TRIGGER, err);
}

static void import_free(struct listing_import *x)
{
	strmap_free(&x->enterprises);
	strmap_free(&x->segments);
	buf_free(&x->regions);
	buf_free(&x->certifications);
}

/* A normalised ';'-joined list (the import's scratch buffer, valid until the next row): "" when empty. */
static void bind_list(struct db_stmt *st, int idx, const struct buf *b)
{
	db_bind_text_ref(st, idx, b->data ? b->data : "", b->len);
}

/* The row's enterprise, from the cache or one query; false with rowerr when unknown or not the actor's. */
static bool row_enterprise(struct db *db, struct listing_import *x, const struct actor *a, const char *text,
			   int64_t *id, struct qerror *rowerr, struct qerror *err)
{
	char canon[USCC_LEN + 1];
	if (uscc_check(text, canon, rowerr)) {
		snprintf(rowerr->field, sizeof rowerr->field, "uscc");
		return false;
	}
	struct strmap_slot *s = strmap_find(&x->enterprises, canon);
	if (!s) {
		int64_t eid = 0, org = 0;
		if (enterprise_ref_owner(db, canon, &eid, &org, err))
			return false;
		if (!(s = strmap_put(&x->enterprises, canon))) {
			qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			return false;
		}
		s->value = eid;
		s->aux = org;
	}
	if (!s->value) {
		qerr_set(rowerr, QERR_INVALID, "enterprise_not_found", "uscc", "企业未登记 (no enterprise with USCC %s)",
			 canon);
		return false;
	}
	if (!enterprise_may_write(a, s->aux)) {
		qerr_set(rowerr, QERR_FORBIDDEN, "not_owner", "uscc",
			 "该企业属于其他组织 (this enterprise belongs to another organisation)");
		return false;
	}
	*id = s->value;
	return true;
}

/* The row's segment (0 when both columns are empty), cached once found. */
static bool row_segment(struct db *db, struct listing_import *x, const char *chain, const char *segment, int64_t *sid,
			struct qerror *rowerr, struct qerror *err)
{
	*sid = 0;
	if (!*chain && !*segment)
		return true;
	char key[2 * LISTING_CODE_MAX + 2];
	if (chainmap_code_ok(chain) && chainmap_code_ok(segment)) {
		snprintf(key, sizeof key, "%s/%s", chain, segment);
		struct strmap_slot *s = strmap_find(&x->segments, key);
		if (s) {
			*sid = s->value;
			return true;
		}
	}
	if (listing_segment(db, chain, segment, sid, rowerr))
		return false;
	struct strmap_slot *s = strmap_put(&x->segments, key);
	if (!s) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return false;
	}
	s->value = *sid;
	return true;
}

/* The columns both kinds share: title, description, lists. */
static bool row_text(struct listing_import *x, const char *title, const char *description, const char *regions,
		     const char *certifications, struct qerror *rowerr)
{
	if (listing_check_text(title, "title", 1, LISTING_TITLE_MAX, false, rowerr) ||
	    listing_check_text(description, "description", 0, LISTING_DESC_MAX, true, rowerr))
		return false;
	struct listing_str items[LISTING_MAX_REGIONS + 1];
	size_t n;
	if (regions) {
		if (!listing_split(regions, items, LISTING_MAX_REGIONS + 1, &n))
			n = LISTING_MAX_REGIONS + 1;
		x->regions.len = 0;
		if (listing_norm_regions(items, n, true, "regions", &x->regions, rowerr))
			return false;
	}
	if (!listing_split(certifications, items, LISTING_MAX_TAGS + 1, &n))
		n = LISTING_MAX_TAGS + 1;
	x->certifications.len = 0;
	return listing_norm_tags(items, n, true, "certifications", &x->certifications, rowerr) == QERR_OK;
}

/* The one seq of this import, taken when the first row is written. */
static bool import_seq(struct db *db, struct listing_import *x, const char *counter, struct qerror *err)
{
	return x->seq || listing_next_seq(db, counter, &x->seq, err) == QERR_OK;
}

static enum qerr import_begin(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct listing_import *x = ctx;
	return bulk_start(im->db, x, x->demand, x->len, err);
}

static enum qerr import_finish(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct listing_import *x = ctx;
	return bulk_finish(im->db, x, x->demand, err);
}

static json_t *import_detail(void *ctx, const struct csv_import *im)
{
	const struct listing_import *x = ctx;
	return json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)im->rows, "inserted", (json_int_t)im->inserted, "seq",
			 (json_int_t)x->seq);
}

/* A failure's code: err's, or internal if a callee forgot to fill it. */
static enum qerr failed(const struct qerror *err)
{
	return err->code ? err->code : QERR_INTERNAL;
}

/* Checks the actor and runs the driver with the import's state. */
static enum qerr import_run(struct db *db, const struct actor *a, const struct csv_import_ops *ops, bool demand,
			    const char *data, size_t len, void (*progress)(long, void *), void *ctx, json_t **report,
			    struct qerror *err)
{
	*report = NULL;
	qerr_clear(err);
	if (a->org_type != ORG_OPERATOR && a->org_type != ORG_LARGE && a->org_type != ORG_SME)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "this organisation may not publish listings");
	struct listing_import x = {.demand = demand, .len = len};
	util_now_iso(x.ts, sizeof x.ts);
	enum qerr rc = csv_import_run(db, a, ops, &x, data, len, progress, ctx, report, err);
	import_free(&x);
	return rc;
}

static enum qerr supply_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	struct listing_import *x = ctx;
	struct db *db = im->db;
	const char *const *f = im->r.field;
	int64_t eid, sid;
	if (!row_enterprise(db, x, im->actor, f[0], &eid, rowerr, err) ||
	    !row_segment(db, x, f[3], f[4], &sid, rowerr, err) || !row_text(x, f[1], f[2], f[5], f[6], rowerr))
		return err->code; /* QERR_OK for a bad row */
	if (im->rejected)
		return QERR_OK; /* keep validating, but stop writing: it will be rolled back */
	if (!import_seq(db, x, "supplies", err))
		return failed(err);
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO supplies(enterprise_id,title,description,sid,regions,certifications,"
		       "seq,created_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?8) RETURNING id",
		       err);
	if (!st)
		return failed(err);
	db_bind_int64(st, 1, eid);
	db_bind_text_ref(st, 2, f[1], im->r.flen[1]);
	db_bind_text_ref(st, 3, f[2], im->r.flen[2]);
	db_bind_opt_int64(st, 4, sid != 0, sid);
	bind_list(st, 5, &x->regions);
	bind_list(st, 6, &x->certifications);
	db_bind_int64(st, 7, x->seq);
	db_bind_text_ref(st, 8, x->ts, strlen(x->ts));
	int64_t id;
	if (db_scalar_int64(st, &id, err) ||
	    listing_words_write(db, false, id, f[1], im->r.flen[1], f[2], im->r.flen[2], err))
		return failed(err);
	im->inserted++;
	return QERR_OK;
}

static const struct csv_import_ops supply_ops = {
    .columns = supply_columns,
    .ncolumns = 7,
    .header = SUPPLIES_CSV_HEADER,
    .audit_action = "supplies.import",
    .audit_object = "supply",
    .begin = import_begin,
    .row = supply_row,
    .finish = import_finish,
    .audit_detail = import_detail,
};

enum qerr market_import_supplies(struct db *db, const struct actor *a, const char *data, size_t len,
				 void (*progress)(long, void *), void *ctx, json_t **report, struct qerror *err)
{
	return import_run(db, a, &supply_ops, false, data, len, progress, ctx, report, err);
}

/* An optional whole number column: empty -> -1 (NULL). */
static bool opt_int(const char *text, const char *field, int64_t min, int64_t *out, struct qerror *rowerr)
{
	*out = -1;
	if (!*text || util_parse_i64(text, min, INT64_MAX, out))
		return true;
	qerr_set(rowerr, QERR_INVALID, "invalid_number", field,
		 "%s应为不小于%lld的整数或留空 (%s must be a whole number of at least %lld, or empty)", field,
		 (long long)min, field, (long long)min);
	return false;
}

static enum qerr demand_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	struct listing_import *x = ctx;
	struct db *db = im->db;
	const char *const *f = im->r.field;
	int64_t eid, sid, quantity, budget;
	char region[7] = "";
	if (!row_enterprise(db, x, im->actor, f[0], &eid, rowerr, err) ||
	    !row_segment(db, x, f[3], f[4], &sid, rowerr, err) || !row_text(x, f[1], f[2], NULL, f[10], rowerr) ||
	    !opt_int(f[5], "quantity", 1, &quantity, rowerr) ||
	    listing_check_text(f[6], "unit", 0, LISTING_UNIT_MAX, false, rowerr) ||
	    !opt_int(f[7], "budget_fen", 0, &budget, rowerr) ||
	    (*f[8] && listing_check_deadline(f[8], "deadline", true, rowerr)) ||
	    (*f[9] && listing_region_norm(f[9], im->r.flen[9], "region", region, rowerr)))
		return err->code; /* QERR_OK for a bad row */
	if (im->rejected)
		return QERR_OK;
	if (!import_seq(db, x, "demands", err))
		return failed(err);
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO demands(enterprise_id,title,description,sid,quantity,unit,budget_fen,"
		       "deadline,region,certifications,visibility,seq,created_at,updated_at)"
		       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,'public',?11,?12,?12) RETURNING id",
		       err);
	if (!st)
		return failed(err);
	db_bind_int64(st, 1, eid);
	db_bind_text_ref(st, 2, f[1], im->r.flen[1]);
	db_bind_text_ref(st, 3, f[2], im->r.flen[2]);
	db_bind_opt_int64(st, 4, sid != 0, sid);
	db_bind_opt_int64(st, 5, quantity >= 0, quantity);
	db_bind_text_ref(st, 6, f[6], im->r.flen[6]);
	db_bind_opt_int64(st, 7, budget >= 0, budget);
	if (*f[8])
		db_bind_text_ref(st, 8, f[8], im->r.flen[8]);
	else
		db_bind_null(st, 8);
	db_bind_text_or_null(st, 9, region);
	bind_list(st, 10, &x->certifications);
	db_bind_int64(st, 11, x->seq);
	db_bind_text_ref(st, 12, x->ts, strlen(x->ts));
	int64_t id;
	if (db_scalar_int64(st, &id, err) ||
	    listing_words_write(db, true, id, f[1], im->r.flen[1], f[2], im->r.flen[2], err))
		return failed(err);
	im->inserted++;
	if (market_subscriptions_notify(db, id, err))
		return failed(err);
	return QERR_OK;
}

static const struct csv_import_ops demand_ops = {
    .columns = demand_columns,
    .ncolumns = 11,
    .header = DEMANDS_CSV_HEADER,
    .audit_action = "demands.import",
    .audit_object = "demand",
    .begin = import_begin,
    .row = demand_row,
    .finish = import_finish,
    .audit_detail = import_detail,
};

enum qerr market_import_demands(struct db *db, const struct actor *a, const char *data, size_t len,
				void (*progress)(long, void *), void *ctx, json_t **report, struct qerror *err)
{
	return import_run(db, a, &demand_ops, true, data, len, progress, ctx, report, err);
}

/* ---------- export ---------- */

static void write_int(FILE *out, struct db_stmt *st, int col)
{
	if (db_col_is_null(st, col))
		fputc(',', out);
	else
		fprintf(out, ",%lld", (long long)db_col_int64(st, col));
}

enum qerr market_export_supplies(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	(void)a; /* supplies are public offers */
	*rows = 0;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT e.uscc,s.title,s.description,g.chain_id,g.code,s.regions,s.certifications"
		       " FROM supplies s JOIN enterprises e ON e.id=s.enterprise_id LEFT JOIN segments g ON"
		       " g.sid=s.sid WHERE s.status='active' ORDER BY s.id",
		       err);
	if (!st)
		return err->code;
	fputs(SUPPLIES_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		for (int k = 0; k < 7; k++)
			csv_write_field(out, db_col_text(st, k), k == 0);
		fputc('\n', out);
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}

enum qerr market_export_demands(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	(void)a; /* only public demands: every signed-in user reads them */
	*rows = 0;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT e.uscc,d.title,d.description,g.chain_id,g.code,d.quantity,d.unit,d.budget_fen,"
		       "d.deadline,d.region,d.certifications FROM demands d JOIN enterprises e ON"
		       " e.id=d.enterprise_id LEFT JOIN segments g ON g.sid=d.sid"
		       " WHERE d.status='open' AND d.visibility='public' ORDER BY d.id",
		       err);
	if (!st)
		return err->code;
	fputs(DEMANDS_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		for (int k = 0; k < 5; k++)
			csv_write_field(out, db_col_text(st, k), k == 0);
		write_int(out, st, 5);
		csv_write_field(out, db_col_text(st, 6), 0);
		write_int(out, st, 7);
		for (int k = 8; k < 11; k++)
			csv_write_field(out, db_col_text(st, k), 0);
		fputc('\n', out);
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}
