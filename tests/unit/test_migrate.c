/*
 * test_migrate.c - migrations are applied by the set of versions a database
 * has recorded, not by the highest one: chains land from branches of their
 * own, so a database may hold a later migration before an earlier one.
 *  - a fresh database takes every embedded migration and then checks clean;
 *  - a database that lacks one version below its highest is refused by
 *    migrate_check naming that version (migrate then applies it: a
 *    migration re-run over its own tables is not tested here).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "testdb.h"

static void test_fresh_database_checks_clean(void **state)
{
	(void)state;
	struct testdb t;
	assert_true(testdb_open(&t, "migrate"));
	struct qerror e = {0};
	assert_int_equal(migrate_check(t.db, &e), QERR_OK);
	assert_int_equal(testdb_scalar(t.db, "SELECT count(*) FROM schema_migrations"), store_migration_count);
	testdb_close(&t);
}

static void test_missing_version_below_the_highest(void **state)
{
	(void)state;
	assert_true(store_migration_count >= 3);
	struct testdb t;
	assert_true(testdb_open(&t, "migrate-gap"));
	/* Forget the record of the migration before the last one. */
	const struct migration *mid = &store_migrations[store_migration_count - 2];
	char sql[160];
	snprintf(sql, sizeof sql, "DELETE FROM schema_migrations WHERE version=%d", mid->version);
	testdb_exec(t.db, sql);
	struct qerror e = {0};
	assert_int_equal(migrate_check(t.db, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "database_needs_migration");
	char want[32];
	snprintf(want, sizeof want, "lacks migration %d", mid->version);
	assert_non_null(strstr(e.message, want));
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_database_checks_clean),
	    cmocka_unit_test(test_missing_version_below_the_highest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
