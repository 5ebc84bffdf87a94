/*
 * test_store_catalog.c - the catalogue store copy plans from (store/catalog.h),
 * on a migrated SQLite database: every table but the FTS5 tables, their
 * shadow tables, schema_migrations and sqlite_*; columns in order with the
 * seam's types; primary keys in key order; the rowid alias as identity (a
 * WITHOUT ROWID table has none); foreign keys with the columns they name,
 * including a key that names no column (the parent's primary key) and a
 * composite one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "store/catalog.h"
#include "testdb.h"

static int setup(void **state)
{
	*state = testdb_fixture(sizeof(struct testdb), "catalog");
	return *state ? 0 : -1;
}

static int col(const struct db_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return i;
	return -1;
}

static const struct db_fkey *fk_to(const struct db_table *t, const char *ref, const char *column)
{
	for (int i = 0; i < t->nfk; i++)
		if (strcmp(t->fk[i].ref_table, ref) == 0 && strcmp(t->fk[i].cols[0], column) == 0)
			return &t->fk[i];
	return NULL;
}

static void test_migrated_schema(void **state)
{
	struct testdb *t = *state;
	struct db_catalog c;
	struct qerror e = {0};
	assert_int_equal(db_catalog_read(t->db, &c, &e), QERR_OK);
	for (int i = 1; i < c.n; i++)
		assert_true(strcmp(c.tables[i - 1].name, c.tables[i].name) < 0);
	assert_null(db_catalog_table(&c, "schema_migrations"));
	assert_null(db_catalog_table(&c, "supplies_fts"));
	assert_null(db_catalog_table(&c, "supplies_fts_data"));
	assert_null(db_catalog_table(&c, "demands_fts_docsize"));

	const struct db_table *e1 = db_catalog_table(&c, "enterprises");
	assert_non_null(e1);
	assert_int_equal(e1->npk, 1);
	assert_string_equal(e1->cols[e1->pk[0]].name, "id");
	assert_int_equal(e1->identity, col(e1, "id"));
	assert_int_equal(e1->cols[col(e1, "employees")].type, DB_COL_INT);
	assert_int_equal(e1->cols[col(e1, "name")].type, DB_COL_TEXT);
	assert_true(e1->cols[col(e1, "id")].pk);
	assert_false(e1->cols[col(e1, "name")].pk);
	const struct db_fkey *k = fk_to(e1, "orgs", "org_id");
	assert_non_null(k);
	assert_string_equal(k->ref_cols[0], "id");

	const struct db_table *s = db_catalog_table(&c, "sessions");
	assert_non_null(s);
	assert_int_equal(s->cols[col(s, "token_hash")].type, DB_COL_BLOB);
	assert_int_equal(s->identity, -1); /* a BLOB key, WITHOUT ROWID */
	assert_true(col(s, "wrote_at") >= 0);

	const struct db_table *l = db_catalog_table(&c, "segment_links");
	assert_non_null(l);
	assert_int_equal(l->npk, 2);
	assert_string_equal(l->cols[l->pk[0]].name, "upstream");
	assert_string_equal(l->cols[l->pk[1]].name, "downstream");
	assert_int_equal(l->identity, -1);
	assert_int_equal(l->nfk, 2);
	assert_non_null(fk_to(l, "segments", "downstream"));
	assert_string_equal(fk_to(l, "segments", "upstream")->ref_cols[0], "sid");

	const struct db_table *f = db_catalog_table(&c, "login_failures");
	assert_non_null(f);
	assert_int_equal(f->npk, 0);
	db_catalog_free(&c);
}

static void test_keys_by_parent_and_composite(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	assert_int_equal(
	    db_exec(t->db,
		    "CREATE TABLE cat_parent(a INTEGER NOT NULL, b TEXT NOT NULL, v REAL, PRIMARY KEY (b, a));"
		    "CREATE TABLE cat_child(id INTEGER PRIMARY KEY, pa INTEGER, pb TEXT, raw BLOB, n NUMERIC,"
		    " up INTEGER REFERENCES cat_child, FOREIGN KEY (pb, pa) REFERENCES cat_parent(b, a));",
		    &e),
	    QERR_OK);
	struct db_catalog c;
	assert_int_equal(db_catalog_read(t->db, &c, &e), QERR_OK);
	const struct db_table *p = db_catalog_table(&c, "cat_parent");
	assert_int_equal(p->npk, 2);
	assert_string_equal(p->cols[p->pk[0]].name, "b");
	assert_int_equal(p->identity, -1); /* two key columns: no rowid alias */
	assert_int_equal(p->cols[col(p, "v")].type, DB_COL_DOUBLE);
	const struct db_table *ch = db_catalog_table(&c, "cat_child");
	assert_int_equal(ch->cols[col(ch, "raw")].type, DB_COL_BLOB);
	assert_int_equal(ch->nfk, 2);
	const struct db_fkey *self = fk_to(ch, "cat_child", "up");
	assert_non_null(self);
	assert_string_equal(self->ref_cols[0], "id"); /* REFERENCES cat_child: its primary key */
	const struct db_fkey *both = fk_to(ch, "cat_parent", "pb");
	assert_non_null(both);
	assert_int_equal(both->ncols, 2);
	assert_string_equal(both->cols[1], "pa");
	assert_string_equal(both->ref_cols[0], "b");
	assert_string_equal(both->ref_cols[1], "a");
	bool bytes = false;
	char coll[32];
	assert_int_equal(db_catalog_byte_order(t->db, &bytes, coll, sizeof coll, &e), QERR_OK);
	assert_true(bytes);
	assert_int_equal(db_catalog_reset_identity(t->db, ch, &e), QERR_OK); /* nothing to do on SQLite */
	db_catalog_free(&c);
}

static void test_quote_ident(void **state)
{
	(void)state;
	char b[32];
	db_quote_ident("plain", b, sizeof b);
	assert_string_equal(b, "\"plain\"");
	db_quote_ident("a\"b", b, sizeof b);
	assert_string_equal(b, "\"a\"\"b\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrated_schema, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_keys_by_parent_and_composite, setup, testdb_teardown),
	    cmocka_unit_test(test_quote_ident),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
