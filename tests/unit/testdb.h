/*
 * testdb.h - a fresh, fully migrated database in a temporary directory of
 * its own, for the unit tests that work against a real database file.
 * Include it after <cmocka.h>: testdb_scalar fails the running test.
 */
#ifndef QILIAN_TESTDB_H
#define QILIAN_TESTDB_H
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"

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

/* The first column of the first row of sql (a count, a max); fails the test when sql does not give a row. */
static inline long long testdb_scalar(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

#endif
