/*
 * test_store_wal.c - the SQLite driver's checkpointer (driver_sqlite.c) against a real file:
 *  - a connection that keeps writing has its WAL copied into the database while it runs (the
 *    checkpointer once did nothing: it asked a fresh connection, which did not yet know the file
 *    was in WAL mode, so the WAL grew for the server's whole life and the database file never
 *    changed until the last connection closed);
 *  - every committed row is there afterwards, read back through the same connection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "store/db.h"
#include "testdb.h"

#define ROWS 6000
#define BLOB 3000 /* one row a leaf page: 2-3 WAL frames a commit, so ROWS commits pass 8,000 frames */

static int setup(void **state)
{
	struct testdb *t = testdb_fixture(sizeof *t, "wal");
	if (!t)
		return -1;
	testdb_exec(t->db, "CREATE TABLE wal_t(id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
	*state = t;
	return 0;
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static void test_wal_copied_while_writing(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	long long before = file_size(t->path);
	assert_true(before > 0);
	static unsigned char blob[BLOB];
	for (int i = 0; i < ROWS; i++) {
		memset(blob, i & 0xff, sizeof blob);
		assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
		struct db_stmt *st = db_prepare(t->db, "INSERT INTO wal_t(v) VALUES(?)", &e);
		assert_non_null(st);
		db_bind_blob(st, 1, blob, sizeof blob);
		assert_int_equal(db_run(st, &e), QERR_OK);
		assert_int_equal(db_commit(t->db, &e), QERR_OK);
	}
	/* The checkpoint runs on a thread of its own: give it up to 20 s to copy at least half the rows. */
	long long want = before + (long long)ROWS * BLOB / 2, now = file_size(t->path);
	for (int i = 0; i < 400 && now < want; i++) {
		nanosleep(&(struct timespec){0, 50000000L}, NULL);
		now = file_size(t->path);
	}
	if (now < want)
		fail_msg("database file %lld bytes after %d commits (%lld before): the WAL was not copied", now, ROWS,
			 before);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM wal_t"), ROWS);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM wal_t WHERE length(v) = 3000"), ROWS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_wal_copied_while_writing, setup, testdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
