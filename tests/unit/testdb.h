/*
 * testdb.h - a fresh, fully migrated database in a temporary directory of
 * its own, for the unit tests that work against a real database file.
 * Include it after <cmocka.h>: testdb_scalar and testdb_exec fail the
 * running test. The registry-level fixtures (organisations, actors,
 * enterprises, import reports) are in testkit.h.
 */
#ifndef QILIAN_TESTDB_H
#define QILIAN_TESTDB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"
#include "text/fts.h"

struct testdb {
	char dir[64];
	char path[96];
	struct db *db;
};

/* Creates /tmp/qilian-test-NAME-XXXXXX/qilian.db with every migration applied; false (message on stderr) on failure. */
static inline bool testdb_open(struct testdb *t, const char *name)
{
	struct qerror e = {0};
	snprintf(t->dir, sizeof t->dir, "/tmp/qilian-test-%s-XXXXXX", name);
	if (!mkdtemp(t->dir))
		return false;
	snprintf(t->path, sizeof t->path, "%s/qilian.db", t->dir);
	text_fts_install();
	t->db = db_open(t->path, true, &e);
	if (!t->db || migrate_apply(t->db, NULL, &e)) {
		fprintf(stderr, "test database %s: %s\n", t->path, e.message);
		return false;
	}
	return true;
}

/* Closes the database and removes its files and directory. */
static inline void testdb_close(struct testdb *t)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char p[128];
	db_close(t->db);
	t->db = NULL;
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

/*
 * For a cmocka setup: a zeroed fixture of size bytes (a struct whose first
 * member is its struct testdb) with that database open as testdb_open(name)
 * makes it. NULL on failure. Free it with testdb_teardown.
 */
static inline void *testdb_fixture(size_t size, const char *name)
{
	assert_true(size >= sizeof(struct testdb));
	struct testdb *t = calloc(1, size);
	if (!t || !testdb_open(t, name)) {
		free(t);
		return NULL;
	}
	return t;
}

/* A cmocka teardown for a fixture from testdb_fixture: closes its database and frees it. */
static inline int testdb_teardown(void **state)
{
	struct testdb *t = *state;
	testdb_close(t);
	free(t);
	return 0;
}

/* Runs sql (no parameters, one or more statements); fails the test, naming sql, when it does not succeed. */
static inline void testdb_exec(struct db *db, const char *sql)
{
	struct qerror e = {0};
	if (db_exec(db, sql, &e))
		fail_msg("%s: %s", sql, e.message);
}

/* The first column of the first row of sql (a count, a max); fails the test when sql does not give a row. */
static inline long long testdb_scalar(struct db *db, const char *sql)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare_dynamic(db, sql, &e);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	long long n = db_col_int64(st, 0);
	db_finalize(st);
	return n;
}

#endif
