/* catalog.c - tables, columns, keys of either backend (see catalog.h). */
#include "store/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static enum qerr oom(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

void db_quote_ident(const char *name, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap < 3) {
		if (cap)
			buf[0] = 0;
		return;
	}
	buf[o++] = '"';
	for (const char *p = name; *p && o + 3 < cap; p++) {
		if (*p == '"')
			buf[o++] = '"';
		buf[o++] = *p;
	}
	buf[o++] = '"';
	buf[o] = 0;
}

/* SQLite's type affinity rules (https://sqlite.org/datatype3.html, 3.1) on a declared type. */
static enum db_coltype sqlite_type(const char *decl)
{
	char up[64];
	size_t i = 0;
	for (; decl[i] && i + 1 < sizeof up; i++)
		up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 'a' + 'A' : decl[i]);
	up[i] = 0;
	if (strstr(up, "INT"))
		return DB_COL_INT;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return DB_COL_TEXT;
	if (!up[0] || strstr(up, "BLOB"))
		return DB_COL_BLOB;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return DB_COL_DOUBLE;
	return DB_COL_TEXT;
}

/* A column's udt_name: the base type's own name (citext, PostgreSQL's case-folding text, included). */
static enum db_coltype pg_type(const char *t)
{
	if (!strcmp(t, "int8") || !strcmp(t, "int4") || !strcmp(t, "int2") || !strcmp(t, "bool"))
		return DB_COL_INT;
	if (!strcmp(t, "text") || !strcmp(t, "varchar") || !strcmp(t, "bpchar") || !strcmp(t, "citext"))
		return DB_COL_TEXT;
	if (!strcmp(t, "bytea"))
		return DB_COL_BLOB;
	if (!strcmp(t, "float8") || !strcmp(t, "float4") || !strcmp(t, "numeric"))
		return DB_COL_DOUBLE;
	return DB_COL_OTHER;
}

static void table_free(struct db_table *t)
{
	for (int i = 0; i < t->ncols; i++)
		free(t->cols[i].name);
	free(t->cols);
	free(t->pk);
	for (int i = 0; i < t->nfk; i++) {
		free(t->fk[i].ref_table);
		for (int j = 0; j < t->fk[i].ncols; j++) {
			free(t->fk[i].cols[j]);
			free(t->fk[i].ref_cols[j]);
		}
		free(t->fk[i].cols);
		free(t->fk[i].ref_cols);
	}
	free(t->fk);
	free(t->name);
	memset(t, 0, sizeof *t);
}

void db_catalog_free(struct db_catalog *c)
{
	for (int i = 0; i < c->n; i++)
		table_free(&c->tables[i]);
	free(c->tables);
	c->tables = NULL;
	c->n = 0;
}

const struct db_table *db_catalog_table(const struct db_catalog *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	return NULL;
}

static int col_index(const struct db_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

static bool add_col(struct db_table *t, const char *name, enum db_coltype type)
{
	struct db_column *c = realloc(t->cols, (size_t)(t->ncols + 1) * sizeof *c);
	if (!c)
		return false;
	t->cols = c;
	c[t->ncols] = (struct db_column){.name = strdup(name), .type = type};
	if (!c[t->ncols].name)
		return false;
	t->ncols++;
	return true;
}

static bool add_pk(struct db_table *t, int col)
{
	int *pk = realloc(t->pk, (size_t)(t->npk + 1) * sizeof *pk);
	if (!pk)
		return false;
	t->pk = pk;
	pk[t->npk++] = col;
	t->cols[col].pk = true;
	return true;
}

/* Appends one column pair to foreign key number id (a new key when id differs from the last one's). */
static bool add_fk_col(struct db_table *t, bool new_key, const char *ref_table, const char *col, const char *ref_col)
{
	if (new_key || !t->nfk) {
		struct db_fkey *fk = realloc(t->fk, (size_t)(t->nfk + 1) * sizeof *fk);
		if (!fk)
			return false;
		t->fk = fk;
		fk[t->nfk] = (struct db_fkey){.ref_table = strdup(ref_table)};
		if (!fk[t->nfk].ref_table)
			return false;
		t->nfk++;
	}
	struct db_fkey *k = &t->fk[t->nfk - 1];
	char **c = realloc(k->cols, (size_t)(k->ncols + 1) * sizeof *c);
	if (!c)
		return false;
	k->cols = c;
	char **r = realloc(k->ref_cols, (size_t)(k->ncols + 1) * sizeof *r);
	if (!r)
		return false;
	k->ref_cols = r;
	c[k->ncols] = strdup(col);
	r[k->ncols] = strdup(ref_col ? ref_col : "");
	k->ncols++;
	return c[k->ncols - 1] && r[k->ncols - 1];
}

/* per-backend: SQLite's columns, primary key and foreign keys of t (named). */
static enum qerr sqlite_table(struct db *db, struct db_table *t, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT name,type,pk FROM pragma_table_info(?) ORDER BY cid", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, t->name);
	int rc, maxpk = 0;
	int pkpos[64] = {0};
	while ((rc = db_step(st, err)) == DB_ROW) {
		int pk = db_col_int(st, 2);
		if (!add_col(t, db_col_text(st, 0), sqlite_type(db_col_text(st, 1)))) {
			db_reset(st);
			return oom(err);
		}
		if (pk > 0 && pk < 64) {
			pkpos[pk] = t->ncols; /* 1-based column index */
			if (pk > maxpk)
				maxpk = pk;
		}
	}
	if (rc < 0)
		return err->code;
	for (int p = 1; p <= maxpk; p++)
		if (pkpos[p] && !add_pk(t, pkpos[p] - 1))
			return oom(err);
	/* A single INTEGER PRIMARY KEY is the rowid: new rows take max + 1 (WITHOUT ROWID tables aside: none have one).
	 */
	t->identity = -1;
	if (t->npk == 1 && t->cols[t->pk[0]].type == DB_COL_INT)
		t->identity = t->pk[0];
	st = db_prepare(db, "SELECT id,\"table\",\"from\",\"to\" FROM pragma_foreign_key_list(?) ORDER BY id,seq", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, t->name);
	int64_t last = -1;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		if (!add_fk_col(t, id != last, db_col_text(st, 1), db_col_text(st, 2), db_col_text_or_null(st, 3))) {
			db_reset(st);
			return oom(err);
		}
		last = id;
	}
	return rc < 0 ? err->code : QERR_OK;
}

/* per-backend: PostgreSQL's columns, primary key and foreign keys of t (named) in the current schema. */
static enum qerr pg_table(struct db *db, struct db_table *t, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT column_name,udt_name,CASE WHEN is_identity='YES' THEN 1 ELSE 0 END"
		       " FROM information_schema.columns"
		       " WHERE table_schema=current_schema() AND table_name=CAST(? AS TEXT) ORDER BY ordinal_position",
		       err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, t->name);
	int rc;
	t->identity = -1;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (!add_col(t, db_col_text(st, 0), pg_type(db_col_text(st, 1)))) {
			db_reset(st);
			return oom(err);
		}
		if (db_col_int(st, 2))
			t->identity = t->ncols - 1;
	}
	if (rc < 0)
		return err->code;
	st = db_prepare(db,
			"SELECT k.column_name FROM information_schema.table_constraints c"
			" JOIN information_schema.key_column_usage k ON k.constraint_schema=c.constraint_schema"
			" AND k.constraint_name=c.constraint_name AND k.table_name=c.table_name"
			" WHERE c.table_schema=current_schema() AND c.table_name=CAST(? AS TEXT)"
			" AND c.constraint_type='PRIMARY KEY' ORDER BY k.ordinal_position",
			err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, t->name);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int c = col_index(t, db_col_text(st, 0));
		if (c >= 0 && !add_pk(t, c)) {
			db_reset(st);
			return oom(err);
		}
	}
	if (rc < 0)
		return err->code;
	st = db_prepare(db,
			"SELECT c.conname,cf.relname,a.attname,af.attname FROM pg_constraint c"
			" JOIN pg_class cl ON cl.oid=c.conrelid JOIN pg_namespace n ON n.oid=cl.relnamespace"
			" JOIN pg_class cf ON cf.oid=c.confrelid"
			" CROSS JOIN LATERAL unnest(c.conkey,c.confkey) WITH ORDINALITY AS k(col,fcol,ord)"
			" JOIN pg_attribute a ON a.attrelid=c.conrelid AND a.attnum=k.col"
			" JOIN pg_attribute af ON af.attrelid=c.confrelid AND af.attnum=k.fcol"
			" WHERE c.contype='f' AND n.nspname=current_schema() AND cl.relname=CAST(? AS TEXT)"
			" ORDER BY c.conname,k.ord",
			err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, t->name);
	char last[128] = "";
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *name = db_col_text(st, 0);
		bool fresh = strcmp(name, last) != 0;
		snprintf(last, sizeof last, "%s", name);
		if (!add_fk_col(t, fresh, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3))) {
			db_reset(st);
			return oom(err);
		}
	}
	return rc < 0 ? err->code : QERR_OK;
}

static bool is_shadow(const char *name, char **virt, int nvirt)
{
	static const char *const suffix[] = {"_data", "_idx", "_content", "_docsize", "_config"};
	for (int v = 0; v < nvirt; v++) {
		size_t n = strlen(virt[v]);
		if (strncmp(name, virt[v], n) != 0)
			continue;
		for (size_t s = 0; s < sizeof suffix / sizeof suffix[0]; s++)
			if (strcmp(name + n, suffix[s]) == 0)
				return true;
	}
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct db_table *)a)->name, ((const struct db_table *)b)->name);
}

enum qerr db_catalog_read(struct db *db, struct db_catalog *out, struct qerror *err)
{
	memset(out, 0, sizeof *out);
	bool pg = db_is_pg(db);
	/* per-backend: the table list (SQLite's with the CREATE text, to tell full-text tables). */
	struct db_stmt *st =
	    db_prepare(db,
		       db_pick(db,
			       "SELECT name,coalesce(sql,'') FROM sqlite_master WHERE type='table'"
			       " AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name<>'schema_migrations' ORDER BY name",
			       "SELECT table_name,'' FROM information_schema.tables WHERE table_schema=current_schema()"
			       " AND table_type='BASE TABLE' AND table_name<>'schema_migrations' ORDER BY table_name"),
		       err);
	if (!st)
		return err->code;
	char **names = NULL, **virt = NULL;
	int n = 0, nvirt = 0, rc;
	enum qerr result = QERR_OK;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *name = db_col_text(st, 0);
		bool is_virtual = strncasecmp(db_col_text(st, 1), "CREATE VIRTUAL TABLE", 20) == 0;
		char ***list = is_virtual ? &virt : &names;
		int *count = is_virtual ? &nvirt : &n;
		char **grown = realloc(*list, (size_t)(*count + 1) * sizeof **list);
		if (!grown || !(grown[*count] = strdup(name))) {
			if (grown)
				*list = grown;
			db_reset(st);
			result = oom(err);
			goto out;
		}
		*list = grown;
		(*count)++;
	}
	if (rc < 0) {
		result = err->code;
		goto out;
	}
	out->tables = calloc((size_t)(n ? n : 1), sizeof *out->tables);
	if (!out->tables) {
		result = oom(err);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (is_shadow(names[i], virt, nvirt))
			continue;
		struct db_table *t = &out->tables[out->n++];
		t->name = names[i];
		names[i] = NULL;
		if ((result = pg ? pg_table(db, t, err) : sqlite_table(db, t, err)))
			goto out;
	}
	/* A foreign key without its columns named refers to the primary key of its table. */
	for (int i = 0; i < out->n; i++)
		for (int k = 0; k < out->tables[i].nfk; k++) {
			struct db_fkey *fk = &out->tables[i].fk[k];
			const struct db_table *ref = db_catalog_table(out, fk->ref_table);
			for (int c = 0; c < fk->ncols; c++)
				if (!fk->ref_cols[c][0] && ref && c < ref->npk) {
					free(fk->ref_cols[c]);
					if (!(fk->ref_cols[c] = strdup(ref->cols[ref->pk[c]].name))) {
						result = oom(err);
						goto out;
					}
				}
		}
	qsort(out->tables, (size_t)out->n, sizeof *out->tables, by_name);
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	for (int i = 0; i < nvirt; i++)
		free(virt[i]);
	free(virt);
	if (result)
		db_catalog_free(out);
	return result;
}

enum qerr db_catalog_byte_order(struct db *db, bool *ok, char *collation, size_t cap, struct qerror *err)
{
	*ok = true;
	snprintf(collation, cap, "binary");
	if (!db_is_pg(db))
		return QERR_OK;
	/* per-backend: the database's collation (libc's, or an ICU locale's, which never sorts as bytes). */
	struct db_stmt *st = db_prepare(db,
					"SELECT datcollate,CAST(datlocprovider AS TEXT),coalesce(daticulocale,'')"
					" FROM pg_database WHERE datname=current_database()",
					err);
	if (!st)
		return err->code;
	enum qerr rc = db_one(st, err);
	if (rc)
		return rc;
	const char *c = db_col_text(st, 0);
	bool icu = strcmp(db_col_text(st, 1), "i") == 0;
	if (icu)
		snprintf(collation, cap, "ICU %s", db_col_text(st, 2));
	else
		snprintf(collation, cap, "%s", c);
	*ok = !icu && (strcmp(c, "C") == 0 || strcmp(c, "POSIX") == 0 || strncmp(c, "C.", 2) == 0);
	db_reset(st);
	return QERR_OK;
}

enum qerr db_catalog_reset_identity(struct db *db, const struct db_table *t, struct qerror *err)
{
	if (!db_is_pg(db) || t->identity < 0)
		return QERR_OK;
	/* per-backend: PostgreSQL's identity sequence; next value max + 1 (1 for an empty table). */
	char table[160], col[160], sql[512];
	db_quote_ident(t->name, table, sizeof table);
	db_quote_ident(t->cols[t->identity].name, col, sizeof col);
	snprintf(sql, sizeof sql,
		 "SELECT setval(pg_get_serial_sequence(CAST(? AS TEXT),CAST(? AS TEXT)),coalesce(max(%s),0)+1,false) "
		 "FROM %s",
		 col, table);
	struct db_stmt *st = db_prepare_dynamic(db, sql, err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, table);
	db_bind_text(st, 2, t->cols[t->identity].name);
	int64_t v;
	enum qerr rc = db_scalar_int64(st, &v, err);
	db_finalize(st);
	return rc;
}
