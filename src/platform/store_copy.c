/* store_copy.c - a whole platform from one database to another, verified (see store_copy.h). */
#include "platform/store_copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "store/catalog.h"
#include "store/migrate.h"

/*
 * Rows per INSERT (fewer for wide tables: at most COPY_MAX_PARAMS values a
 * statement). One: under db_bulk_begin the PostgreSQL driver turns a plain
 * one-row INSERT into rows of one COPY, faster than any multi-row INSERT,
 * and SQLite reruns one prepared statement in process.
 */
#define COPY_BATCH_ROWS 1
#define COPY_MAX_PARAMS 8192

static enum qerr oom(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static bool is_derived(const struct store_copy_opts *o, const char *table)
{
	for (int i = 0; i < o->ndomains; i++)
		if (in_list(o->domains[i]->derived, table))
			return true;
	return false;
}

static bool is_seeded(const struct store_copy_opts *o, const char *table)
{
	for (int i = 0; i < o->ndomains; i++)
		if (in_list(o->domains[i]->seeded, table))
			return true;
	return false;
}

static enum qerr check_version(struct db *db, const char *side, struct qerror *err)
{
	int v = 0;
	char shown[512];
	if (migrate_current(db, &v, err))
		return err->code;
	if (v != migrate_latest())
		return qerr_set(
		    err, QERR_CONFLICT, v < migrate_latest() ? "database_needs_migration" : "database_too_new", side,
		    "the %s database is at schema version %d, this qilian at %d: run `qilian migrate --db %s`%s", side,
		    v, migrate_latest(), db_path_masked(db_path(db), shown, sizeof shown),
		    v > migrate_latest() ? " with a newer qilian" : "");
	return QERR_OK;
}

/* ---- SQL text built from the catalogue ---- */

/* A catalogue name in SQL: as it is when it is a plain lower-case identifier (the driver's COPY path reads those), else
 * quoted. */
static bool put_ident(struct buf *b, const char *name)
{
	bool plain = name[0] && !(name[0] >= '0' && name[0] <= '9');
	for (const char *p = name; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
	if (plain)
		return buf_puts(b, name);
	char q[160];
	db_quote_ident(name, q, sizeof q);
	return buf_puts(b, q);
}

/* "a","b","c" */
static bool put_cols(struct buf *b, const struct db_table *t, const char *prefix)
{
	for (int i = 0; i < t->ncols; i++) {
		if ((i && !buf_puts(b, ",")) || (prefix && !buf_puts(b, prefix)) || !put_ident(b, t->cols[i].name))
			return false;
	}
	return true;
}

/* SELECT cols FROM t [ORDER BY pk]: the order a self-referencing table's rows can be inserted in. */
static char *select_sql(const struct db_table *t, bool ordered)
{
	struct buf b = {0};
	bool ok = buf_puts(&b, "SELECT ") && put_cols(&b, t, NULL) && buf_puts(&b, " FROM ") && put_ident(&b, t->name);
	if (ok && ordered && t->npk) {
		ok = buf_puts(&b, " ORDER BY ");
		for (int i = 0; ok && i < t->npk; i++)
			ok = (!i || buf_puts(&b, ",")) && put_ident(&b, t->cols[t->pk[i]].name);
	}
	if (!ok) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

static char *insert_sql(const struct db_table *t, int rows)
{
	struct buf b = {0};
	bool ok = buf_puts(&b, "INSERT INTO ") && put_ident(&b, t->name) && buf_puts(&b, "(") &&
		  put_cols(&b, t, NULL) && buf_puts(&b, ") VALUES ");
	for (int r = 0; ok && r < rows; r++) {
		ok = buf_puts(&b, r ? ",(" : "(");
		for (int c = 0; ok && c < t->ncols; c++)
			ok = buf_puts(&b, c ? ",?" : "?");
		ok = ok && buf_puts(&b, ")");
	}
	if (!ok) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* ---- the order of tables: each after the tables it refers to ---- */

static enum qerr order_tables(const struct db_catalog *c, const struct store_copy_opts *o, const struct db_table ***out,
			      int *n, struct qerror *err)
{
	const struct db_table **order = calloc((size_t)(c->n ? c->n : 1), sizeof *order);
	bool *placed = calloc((size_t)(c->n ? c->n : 1), sizeof *placed);
	if (!order || !placed) {
		free(order);
		free(placed);
		return oom(err);
	}
	int count = 0, todo = 0;
	for (int i = 0; i < c->n; i++)
		if (is_derived(o, c->tables[i].name))
			placed[i] = true;
		else
			todo++;
	while (count < todo) {
		bool progress = false;
		for (int i = 0; i < c->n; i++) {
			if (placed[i])
				continue;
			const struct db_table *t = &c->tables[i];
			bool ready = true;
			for (int k = 0; ready && k < t->nfk; k++) {
				const char *ref = t->fk[k].ref_table;
				if (strcmp(ref, t->name) == 0)
					continue; /* rows in primary-key order: a parent usually comes first; the copy
						     fails otherwise */
				for (int j = 0; j < c->n; j++)
					if (!placed[j] && strcmp(c->tables[j].name, ref) == 0)
						ready = false;
			}
			if (ready) {
				placed[i] = true;
				order[count++] = t;
				progress = true;
			}
		}
		if (!progress) {
			for (int i = 0; i < c->n; i++)
				if (!placed[i]) {
					qerr_set(err, QERR_INTERNAL, "copy_cycle", NULL,
						 "tables refer to each other in a cycle (first: %s): no order to copy "
						 "them in",
						 c->tables[i].name);
					break;
				}
			free(order);
			free(placed);
			return err->code;
		}
	}
	free(placed);
	*out = order;
	*n = count;
	return QERR_OK;
}

/* Both catalogues hold the same tables (derived ones aside) with the same columns. */
static enum qerr compare_schemas(const struct db_catalog *s, const struct db_catalog *d,
				 const struct store_copy_opts *o, struct qerror *err)
{
	for (int i = 0; i < d->n; i++) {
		const struct db_table *t = &d->tables[i];
		if (is_derived(o, t->name))
			continue;
		const struct db_table *f = db_catalog_table(s, t->name);
		if (!f)
			return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "from",
					"table %s is in the target but not in the source", t->name);
		for (int c = 0; c < t->ncols; c++) {
			bool found = false;
			for (int k = 0; k < f->ncols && !found; k++)
				found = strcmp(f->cols[k].name, t->cols[c].name) == 0;
			if (!found)
				return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "from",
						"column %s.%s is in the target but not in the source", t->name,
						t->cols[c].name);
			if (t->cols[c].type == DB_COL_OTHER)
				return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "to",
						"column %s.%s has a type the copy does not know (a derived table's?)",
						t->name, t->cols[c].name);
		}
		if (f->ncols != t->ncols)
			for (int k = 0; k < f->ncols; k++) {
				bool found = false;
				for (int c = 0; c < t->ncols && !found; c++)
					found = strcmp(f->cols[k].name, t->cols[c].name) == 0;
				if (!found)
					return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "to",
							"column %s.%s is in the source but not in the target", t->name,
							f->cols[k].name);
			}
	}
	for (int i = 0; i < s->n; i++)
		if (!is_derived(o, s->tables[i].name) && !db_catalog_table(d, s->tables[i].name))
			return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "to",
					"table %s is in the source but not in the target", s->tables[i].name);
	return QERR_OK;
}

/* ---- counting, digests, foreign keys ---- */

static enum qerr count_rows(struct db *db, const char *table, int64_t *n, struct qerror *err)
{
	struct buf b = {0};
	if (!buf_puts(&b, "SELECT count(*) FROM ") || !put_ident(&b, table)) {
		buf_free(&b);
		return oom(err);
	}
	struct db_stmt *st = db_prepare_dynamic(db, b.data, err);
	buf_free(&b);
	if (!st)
		return err->code;
	enum qerr rc = db_scalar_int64(st, n, err);
	db_finalize(st);
	return rc;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The hash of column c of the current row, read as t says (t: the target's table, the same columns by name). */
static uint64_t value_hash(struct db_stmt *st, const struct db_table *t, int c, uint64_t h)
{
	unsigned char tag;
	if (db_col_is_null(st, c)) {
		tag = 'N';
		return fnv(h, &tag, 1);
	}
	switch (t->cols[c].type) {
	case DB_COL_INT: {
		int64_t v = db_col_int64(st, c);
		tag = 'I';
		return fnv(fnv(h, &tag, 1), &v, sizeof v);
	}
	case DB_COL_DOUBLE: {
		double v = db_col_double(st, c);
		tag = 'D';
		return fnv(fnv(h, &tag, 1), &v, sizeof v);
	}
	case DB_COL_BLOB: {
		size_t n = db_col_bytes(st, c);
		tag = 'B';
		h = fnv(fnv(h, &tag, 1), &n, sizeof n);
		return fnv(h, db_col_blob(st, c), n);
	}
	default: {
		const char *s = db_col_text(st, c);
		size_t n = strlen(s);
		tag = 'T';
		h = fnv(fnv(h, &tag, 1), &n, sizeof n);
		return fnv(h, s, n);
	}
	}
}

/*
 * Row count and digest of table t's rows in db: the sum of each row's hash,
 * so the order rows come in (collations differ between backends) does not
 * matter. t lists the columns and how to read them.
 */
static enum qerr table_digest(struct db *db, const struct db_table *t, int64_t *rows, uint64_t *digest,
			      struct qerror *err)
{
	*rows = 0;
	*digest = 0;
	char *sql = select_sql(t, false);
	if (!sql)
		return oom(err);
	struct db_stmt *st = db_prepare_dynamic(db, sql, err);
	free(sql);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		uint64_t h = 14695981039346656037ULL;
		for (int c = 0; c < t->ncols; c++)
			h = value_hash(st, t, c, h);
		*digest += h * 0x9E3779B97F4A7C15ULL + 1;
		(*rows)++;
	}
	db_finalize(st);
	return rc < 0 ? err->code : QERR_OK;
}

/* Rows of t whose foreign key k points nowhere (columns all set, no such parent row). */
static enum qerr dangling(struct db *db, const struct db_table *t, const struct db_fkey *k, int64_t *n,
			  struct qerror *err)
{
	struct buf b = {0};
	bool ok = buf_puts(&b, "SELECT count(*) FROM ") && put_ident(&b, t->name) && buf_puts(&b, " c WHERE ");
	for (int i = 0; ok && i < k->ncols; i++)
		ok = buf_puts(&b, "c.") && put_ident(&b, k->cols[i]) && buf_puts(&b, " IS NOT NULL AND ");
	ok =
	    ok && buf_puts(&b, "NOT EXISTS(SELECT 1 FROM ") && put_ident(&b, k->ref_table) && buf_puts(&b, " p WHERE ");
	for (int i = 0; ok && i < k->ncols; i++)
		ok = (!i || buf_puts(&b, " AND ")) && buf_puts(&b, "p.") && put_ident(&b, k->ref_cols[i]) &&
		     buf_puts(&b, "=c.") && put_ident(&b, k->cols[i]);
	ok = ok && buf_puts(&b, ")");
	if (!ok) {
		buf_free(&b);
		return oom(err);
	}
	struct db_stmt *st = db_prepare_dynamic(db, b.data, err);
	buf_free(&b);
	if (!st)
		return err->code;
	enum qerr rc = db_scalar_int64(st, n, err);
	db_finalize(st);
	return rc;
}

static void fk_text(const struct db_table *t, const struct db_fkey *k, char *buf, size_t cap)
{
	struct buf b = {0};
	bool ok = buf_printf(&b, "%s(", t->name);
	for (int i = 0; ok && i < k->ncols; i++)
		ok = buf_printf(&b, "%s%s", i ? "," : "", k->cols[i]);
	ok = ok && buf_printf(&b, ") -> %s(", k->ref_table);
	for (int i = 0; ok && i < k->ncols; i++)
		ok = buf_printf(&b, "%s%s", i ? "," : "", k->ref_cols[i]);
	ok = ok && buf_puts(&b, ")");
	snprintf(buf, cap, "%s", ok ? b.data : t->name);
	buf_free(&b);
}

/* Every foreign key of every table of c holds in db; side names the database in the error. *checked counts them. */
static enum qerr check_fkeys(struct db *db, const struct db_catalog *c, const char *side, int *checked,
			     struct qerror *err)
{
	for (int i = 0; i < c->n; i++)
		for (int k = 0; k < c->tables[i].nfk; k++) {
			int64_t n = 0;
			if (dangling(db, &c->tables[i], &c->tables[i].fk[k], &n, err))
				return err->code;
			(*checked)++;
			if (n) {
				char what[400];
				fk_text(&c->tables[i], &c->tables[i].fk[k], what, sizeof what);
				return qerr_set(err, QERR_CONFLICT, "foreign_key_violation", side,
						"the %s database has %lld row(s) of %s pointing to no row", side,
						(long long)n, what);
			}
		}
	return QERR_OK;
}

static enum qerr run_verifies(struct db *db, const struct store_copy_opts *o, const char *side, json_t *checks,
			      struct qerror *err)
{
	for (int i = 0; i < o->ndomains; i++) {
		const struct store_domain *d = o->domains[i];
		if (!d->verify)
			continue;
		json_t *r = json_object();
		enum qerr rc = d->verify(db, r, err);
		if (rc) {
			json_decref(r);
			struct qerror was = *err;
			return qerr_set(err, rc, was.slug[0] ? was.slug : "invariant_violation", side,
					"%s check on the %s database: %s", d->name, side, was.message);
		}
		json_object_set_new(checks, d->name, r);
	}
	return QERR_OK;
}

/* ---- copying one table ---- */

/*
 * Binds column c of the source's current row as parameter p. False when an
 * integer column holds something else (SQLite keeps 'abc' or 1.5 in an
 * INTEGER column): the copy would change it, so it stops instead.
 */
static bool bind_value(struct db_stmt *in, int p, struct db_stmt *out, const struct db_table *t, int c)
{
	if (db_col_is_null(out, c)) {
		db_bind_null(in, p);
		return true;
	}
	switch (t->cols[c].type) {
	case DB_COL_INT: {
		int64_t v = db_col_int64(out, c);
		char dec[24];
		snprintf(dec, sizeof dec, "%lld", (long long)v);
		if (strcmp(dec, db_col_text(out, c)) != 0)
			return false;
		db_bind_int64(in, p, v);
		break;
	}
	case DB_COL_DOUBLE:
		db_bind_double(in, p, db_col_double(out, c));
		break;
	case DB_COL_BLOB:
		db_bind_blob(in, p, db_col_blob(out, c), db_col_bytes(out, c));
		break;
	default:
		db_bind_text(in, p, db_col_text(out, c));
		break;
	}
	return true;
}

/*
 * Copies every row of t (the target's table) from src to dst, batch rows
 * an INSERT (the last, shorter batch through a statement of its size).
 * Values are bound as the target's columns are typed.
 */
static enum qerr copy_table(struct db *src, struct db *dst, const struct db_table *t, int64_t *rows, struct qerror *err)
{
	*rows = 0;
	int batch = COPY_MAX_PARAMS / (t->ncols ? t->ncols : 1);
	if (batch > COPY_BATCH_ROWS)
		batch = COPY_BATCH_ROWS;
	if (batch < 1)
		batch = 1;
	int64_t total = 0;
	if (count_rows(src, t->name, &total, err))
		return err->code;
	int64_t full_rows = total - total % batch;
	char *sel = select_sql(t, true), *ins = NULL;
	struct db_stmt *out = NULL, *full = NULL, *tail = NULL;
	enum qerr rc = QERR_OK;
	if (!sel) {
		rc = oom(err);
		goto done;
	}
	if (!(out = db_prepare_dynamic(src, sel, err))) {
		rc = err->code;
		goto done;
	}
	struct db_stmt *in = NULL;
	int n = 0, size = 0, step;
	db_bulk_begin(dst); /* the answers are waited for at db_bulk_end (an error there fails the table) */
	while ((step = db_step(out, err)) == DB_ROW) {
		if (n == 0) {
			/* A new batch: full size while whole batches remain, then the rest. */
			bool last = *rows >= full_rows;
			struct db_stmt **slot = last ? &tail : &full;
			size = last ? (int)(total - full_rows) : batch;
			if (size <= 0) {
				rc = qerr_set(err, QERR_INTERNAL, "copy_mismatch", NULL, "%s grew while it was read",
					      t->name);
				goto done;
			}
			if (!*slot) {
				free(ins);
				if (!(ins = insert_sql(t, size))) {
					rc = oom(err);
					goto done;
				}
				if (!(*slot = db_prepare_dynamic(dst, ins, err))) {
					rc = err->code;
					goto done;
				}
			}
			in = *slot;
		}
		for (int c = 0; c < t->ncols; c++)
			if (!bind_value(in, n * t->ncols + c + 1, out, t, c)) {
				rc = qerr_set(err, QERR_CONFLICT, "copy_mismatch", "from",
					      "column %s holds '%.40s', not an integer (row %lld of the table)",
					      t->cols[c].name, db_col_text(out, c), (long long)(*rows + n + 1));
				db_reset(out);
				goto done;
			}
		if (++n == size) {
			if ((rc = db_run(in, err)))
				goto done;
			*rows += n;
			n = 0;
		}
	}
	if (step < 0) {
		rc = err->code;
		goto done;
	}
	if (n || *rows != total)
		rc = qerr_set(err, QERR_INTERNAL, "copy_mismatch", NULL, "%s changed while it was read", t->name);
	else
		rc = db_bulk_end(dst, err);
done:
	if (rc && err->message[0]) {
		struct qerror was = *err;
		qerr_set(err, rc, was.slug[0] ? was.slug : NULL, was.field[0] ? was.field : NULL, "copying %s: %s",
			 t->name, was.message);
	}
	db_finalize(out);
	db_finalize(full);
	db_finalize(tail);
	free(sel);
	free(ins);
	return rc;
}

/* ---- the copy ---- */

static double ms_since(int64_t t0)
{
	return (double)(util_mono_us() - t0) / 1000.0;
}

/* The target holds nothing but its seeded tables' rows, which go; derived tables must be empty too. */
static enum qerr empty_target(struct db *dst, const struct db_catalog *d, const struct store_copy_opts *o,
			      struct qerror *err)
{
	for (int i = 0; i < d->n; i++) {
		const char *name = d->tables[i].name;
		int64_t n = 0;
		if (count_rows(dst, name, &n, err))
			return err->code;
		if (!n)
			continue;
		if (!is_seeded(o, name))
			return qerr_set(err, QERR_CONFLICT, "target_not_empty", "to",
					"the target database is not empty: %s has %lld row(s) (copy into a newly "
					"migrated database)",
					name, (long long)n);
		struct buf b = {0};
		if (!buf_puts(&b, "DELETE FROM ") || !put_ident(&b, name)) {
			buf_free(&b);
			return oom(err);
		}
		enum qerr rc = db_exec(dst, b.data, err);
		buf_free(&b);
		if (rc)
			return rc;
	}
	return QERR_OK;
}

static enum qerr verify_copy(struct db *src, struct db *dst, const struct db_table *const *order, int n, json_t *tables,
			     struct qerror *err)
{
	for (int i = 0; i < n; i++) {
		int64_t rs, rd;
		uint64_t hs, hd;
		if (table_digest(src, order[i], &rs, &hs, err) || table_digest(dst, order[i], &rd, &hd, err))
			return err->code;
		if (rs != rd)
			return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "to",
					"%s: %lld row(s) in the source, %lld in the target", order[i]->name,
					(long long)rs, (long long)rd);
		if (hs != hd)
			return qerr_set(err, QERR_CONFLICT, "copy_mismatch", "to",
					"%s: the rows differ between the source and the target (same count, %lld)",
					order[i]->name, (long long)rs);
		json_t *row = json_array_get(tables, (size_t)i);
		char hex[24];
		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)hd);
		json_object_set_new(row, "digest", json_string(hex));
	}
	return QERR_OK;
}

enum qerr store_copy(struct db *src, struct db *dst, const struct store_copy_opts *o, json_t **report,
		     struct qerror *err)
{
	int64_t t0 = util_mono_us();
	char from[512], to[512];
	*report = json_pack("{s:s,s:s,s:s,s:s}", "from", db_path_masked(db_path(src), from, sizeof from),
			    "from_backend", db_backend(src), "to", db_path_masked(db_path(dst), to, sizeof to),
			    "to_backend", db_backend(dst));
	json_t *tables = json_array(), *checks = json_object();
	struct db_catalog cs = {0}, cd = {0};
	const struct db_table **order = NULL;
	int n = 0, fks = 0;
	bool writing = false;
	enum qerr rc;
	if (!*report || !tables || !checks) {
		rc = oom(err);
		goto fail;
	}
	json_object_set(*report, "tables", tables);
	json_object_set(*report, "checks", checks);
	if ((rc = check_version(src, "source", err)) || (rc = check_version(dst, "target", err)))
		goto fail;
	bool bytes = true;
	char coll[64];
	if ((rc = db_catalog_byte_order(dst, &bytes, coll, sizeof coll, err)))
		goto fail;
	if (!bytes) {
		rc = qerr_set(
		    err, QERR_CONFLICT, "target_collation", "to",
		    "the target database sorts text by collation %s; Qilian needs byte order (CREATE DATABASE ..."
		    " LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0)",
		    coll);
		goto fail;
	}
	/* One snapshot of the source for everything read from it. */
	if ((rc = db_begin_read(src, err)) || (rc = db_catalog_read(src, &cs, err)) ||
	    (rc = db_catalog_read(dst, &cd, err)) || (rc = compare_schemas(&cs, &cd, o, err)) ||
	    (rc = order_tables(&cd, o, &order, &n, err)))
		goto fail;
	/* The source must be whole before anything is written: its own keys and the domains' invariants. */
	if ((rc = check_fkeys(src, &cs, "source", &fks, err)) || (rc = run_verifies(src, o, "source", checks, err)))
		goto fail;
	if ((rc = db_begin_write(dst, err)))
		goto fail;
	writing = true;
	if ((rc = empty_target(dst, &cd, o, err)))
		goto fail;
	int64_t total = 0;
	for (int i = 0; i < n; i++) {
		int64_t t1 = util_mono_us(), rows = 0;
		if ((rc = copy_table(src, dst, order[i], &rows, err)) ||
		    (rc = db_catalog_reset_identity(dst, order[i], err)))
			goto fail;
		total += rows;
		json_array_append_new(tables, json_pack("{s:s,s:I,s:f}", "name", order[i]->name, "rows",
							(json_int_t)rows, "ms", ms_since(t1)));
		if (o->progress)
			fprintf(stderr, "store copy: %-24s %10lld rows %9.1f ms\n", order[i]->name, (long long)rows,
				ms_since(t1));
	}
	for (int i = 0; i < o->ndomains; i++)
		if (o->domains[i]->rebuild) {
			int64_t t1 = util_mono_us();
			if ((rc = o->domains[i]->rebuild(dst, err)))
				goto fail;
			if (o->progress)
				fprintf(stderr, "store copy: %-24s rebuilt %9.1f ms\n", o->domains[i]->name,
					ms_since(t1));
		}
	/* Verified inside the target's transaction: a copy that does not check out is never committed. */
	int64_t t2 = util_mono_us();
	json_t *dst_checks = json_object();
	int dst_fks = 0;
	rc = verify_copy(src, dst, order, n, tables, err);
	if (!rc)
		rc = check_fkeys(dst, &cd, "target", &dst_fks, err);
	if (!rc)
		rc = run_verifies(dst, o, "target", dst_checks, err);
	json_object_set_new(*report, "target_checks", dst_checks);
	if (rc)
		goto fail;
	if ((rc = db_commit(dst, err)))
		goto fail;
	writing = false;
	db_rollback(src);
	json_object_set_new(checks, "foreign_keys", json_integer(dst_fks));
	json_object_set_new(checks, "tables_compared", json_integer(n));
	json_object_set_new(*report, "rows", json_integer(total));
	json_object_set_new(*report, "verify_ms", json_real(ms_since(t2)));
	json_object_set_new(*report, "ms", json_real(ms_since(t0)));
	json_object_set_new(*report, "committed", json_true());
	free(order);
	db_catalog_free(&cs);
	db_catalog_free(&cd);
	json_decref(tables);
	json_decref(checks);
	return QERR_OK;
fail:
	if (writing)
		db_rollback(dst);
	db_rollback(src);
	if (*report)
		json_object_set_new(*report, "committed", json_false());
	free(order);
	db_catalog_free(&cs);
	db_catalog_free(&cd);
	json_decref(tables);
	json_decref(checks);
	return rc ? rc : (err->code ? err->code : QERR_INTERNAL);
}

enum qerr store_verify(struct db *db, const struct store_copy_opts *o, json_t **report, struct qerror *err)
{
	char shown[512];
	*report =
	    json_pack("{s:s,s:s}", "db", db_path_masked(db_path(db), shown, sizeof shown), "backend", db_backend(db));
	json_t *tables = json_object(), *checks = json_object();
	struct db_catalog c = {0};
	int fks = 0;
	enum qerr rc;
	if (!*report || !tables || !checks) {
		rc = oom(err);
		goto out;
	}
	if ((rc = check_version(db, "checked", err)) || (rc = db_begin_read(db, err)) ||
	    (rc = db_catalog_read(db, &c, err)))
		goto out;
	for (int i = 0; i < c.n; i++) {
		int64_t n = 0;
		if ((rc = count_rows(db, c.tables[i].name, &n, err)))
			goto out;
		json_object_set_new(tables, c.tables[i].name, json_integer(n));
	}
	if ((rc = check_fkeys(db, &c, "checked", &fks, err)) || (rc = run_verifies(db, o, "checked", checks, err)))
		goto out;
	json_object_set_new(checks, "foreign_keys", json_integer(fks));
out:
	db_rollback(db);
	db_catalog_free(&c);
	if (*report) {
		json_object_set_new(*report, "tables", tables);
		json_object_set_new(*report, "checks", checks);
		json_object_set_new(*report, "ok", json_boolean(rc == QERR_OK));
	} else {
		json_decref(tables);
		json_decref(checks);
	}
	return rc;
}
