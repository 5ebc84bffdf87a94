/*
 * chainmap_export.c - CSV export of segments, capabilities and supply
 * relations in their import formats, so that an exported file imports back
 * unchanged and export -> import -> export gives the same bytes.
 */
#include "chainmap/chainmap.h"

#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/util.h"
#include "chainmap/chainmap_int.h"

enum qerr chainmap_export_segments(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	(void)a; /* chains and segments are readable by every signed-in organisation */
	*rows = 0;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT s.sid,s.chain_id,c.name,s.code,s.name FROM segments s JOIN chains c ON c.id=s.chain_id"
		       " ORDER BY s.sid",
		       err);
	if (!st)
		return err->code;
	fputs(SEGMENTS_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *up = json_array();
		if (chainmap_upstream_of(db, db_col_int64(st, 0), up, err)) {
			json_decref(up);
			db_reset(st);
			return err->code;
		}
		struct buf b = {0};
		size_t i;
		json_t *code;
		json_array_foreach(up, i, code)
		{
			if (i)
				buf_puts(&b, ";");
			buf_puts(&b, json_string_value(code));
		}
		json_decref(up);
		for (int k = 1; k <= 4; k++)
			csv_write_field(out, db_col_text(st, k), k == 1);
		csv_write_field(out, b.data ? b.data : "", 0);
		fputc('\n', out);
		buf_free(&b);
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}

enum qerr chainmap_export_capabilities(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	(void)a; /* capabilities are public offers */
	*rows = 0;
	struct db_stmt *st = db_prepare(db,
					"SELECT e.uscc,s.chain_id,s.code,k.capacity FROM capabilities k"
					" JOIN enterprises e ON e.id=k.enterprise_id JOIN segments s ON s.sid=k.sid"
					" ORDER BY k.enterprise_id,k.sid",
					err);
	if (!st)
		return err->code;
	fputs(CAPABILITIES_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		for (int k = 0; k < 3; k++)
			csv_write_field(out, db_col_text(st, k), k == 0);
		if (db_col_is_null(st, 3))
			fputs(",\n", out);
		else
			fprintf(out, ",%lld\n", (long long)db_col_int64(st, 3));
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}

/*
 * The operator's export of every relation: one pass over the table in id
 * order with the USCCs and segment ids from arrays indexed by id, instead of
 * three B-tree lookups per row (10 M rows: a third of the time). NULL tables
 * (ids too sparse for an array) make the caller fall back to the join.
 */
struct id_names {
	char (*uscc)[USCC_LEN + 1];
	int64_t max_id;
	char (*segment)[2 * CHAINMAP_CODE_MAX + 2]; /* "chain,code" */
	int64_t max_sid;
};

static void id_names_free(struct id_names *t)
{
	free(t->uscc);
	free(t->segment);
}

static enum qerr id_names_load(struct db *db, struct id_names *t, struct qerror *err)
{
	memset(t, 0, sizeof *t);
	int64_t max_id, count, max_sid;
	if (db_query_int64(db, "SELECT coalesce(max(id),0) FROM enterprises", &max_id, err) ||
	    db_query_int64(db, "SELECT count(*) FROM enterprises", &count, err) ||
	    db_query_int64(db, "SELECT coalesce(max(sid),0) FROM segments", &max_sid, err))
		return err->code ? err->code : QERR_INTERNAL;
	if (max_id > 2 * count + 4096 || max_sid > 1000000)
		return QERR_OK; /* sparse ids: the join is cheaper than the arrays */
	t->uscc = calloc((size_t)max_id + 1, sizeof *t->uscc);
	t->segment = calloc((size_t)max_sid + 1, sizeof *t->segment);
	if (!t->uscc || !t->segment) {
		id_names_free(t);
		memset(t, 0, sizeof *t);
		return QERR_OK;
	}
	t->max_id = max_id;
	t->max_sid = max_sid;
	struct db_stmt *st = db_prepare(db, "SELECT id,uscc FROM enterprises", err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		if (id >= 0 && id <= max_id)
			snprintf(t->uscc[id], sizeof t->uscc[0], "%s", db_col_text(st, 1));
	}
	if (rc < 0)
		return err->code;
	st = db_prepare(db, "SELECT sid,chain_id,code FROM segments", err);
	if (!st)
		return err->code;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t sid = db_col_int64(st, 0);
		if (sid >= 0 && sid <= max_sid)
			snprintf(t->segment[sid], sizeof t->segment[0], "%s,%s", db_col_text(st, 1),
				 db_col_text(st, 2));
	}
	return rc < 0 ? err->code : QERR_OK;
}

static enum qerr export_all_relations(struct db *db, const struct id_names *t, FILE *out, long *rows,
				      struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT buyer_id,supplier_id,sid,annual_amount_fen FROM relations ORDER BY id", err);
	if (!st)
		return err->code;
	fputs(RELATIONS_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t b = db_col_int64(st, 0), p = db_col_int64(st, 1), g = db_col_int64(st, 2);
		if (b < 0 || b > t->max_id || p < 0 || p > t->max_id || g < 0 || g > t->max_sid) {
			db_reset(st);
			return qerr_set(err, QERR_INTERNAL, "database_error", NULL,
					"relation refers to an unknown row");
		}
		/* USCCs and ids never need quoting. */
		fprintf(out, "%s,%s,%s,%lld\n", t->uscc[b], t->uscc[p], t->segment[g], (long long)db_col_int64(st, 3));
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}

enum qerr chainmap_export_relations(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	*rows = 0;
	if (a->org_type == ORG_OPERATOR) {
		/* One read transaction (the caller's, if it has one), so the arrays and the rows agree. */
		bool own = !db_in_transaction(db);
		if (own && db_begin_read(db, err))
			return err->code;
		struct id_names t;
		enum qerr rc = id_names_load(db, &t, err);
		if (!rc && t.uscc)
			rc = export_all_relations(db, &t, out, rows, err);
		bool done = t.uscc != NULL;
		id_names_free(&t);
		if (own)
			db_rollback(db);
		if (rc || done)
			return rc;
	}
	static const char all[] = "SELECT b.uscc,p.uscc,g.chain_id,g.code,r.annual_amount_fen FROM relations r"
				  " JOIN enterprises b ON b.id=r.buyer_id JOIN enterprises p ON p.id=r.supplier_id"
				  " JOIN segments g ON g.sid=r.sid ORDER BY r.id";
	/* Someone else's: only the relations where the organisation is the buyer or the supplier. */
	static const char own[] =
	    "SELECT b.uscc,p.uscc,g.chain_id,g.code,r.annual_amount_fen FROM relations r"
	    " JOIN enterprises b ON b.id=r.buyer_id JOIN enterprises p ON p.id=r.supplier_id"
	    " JOIN segments g ON g.sid=r.sid WHERE r.id IN (SELECT r2.id FROM enterprises e JOIN relations r2 ON"
	    " r2.buyer_id=e.id WHERE e.org_id=?1 UNION ALL SELECT r3.id FROM enterprises e JOIN relations r3 ON"
	    " r3.supplier_id=e.id WHERE e.org_id=?1) ORDER BY r.id";
	bool operator= a->org_type == ORG_OPERATOR;
	struct db_stmt *st = db_prepare(db, operator? all : own, err);
	if (!st)
		return err->code;
	if (!operator)
		db_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	fputs(RELATIONS_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		for (int k = 0; k < 4; k++)
			csv_write_field(out, db_col_text(st, k), k == 0);
		fprintf(out, ",%lld\n", (long long)db_col_int64(st, 4));
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}
