/*
 * test_store_fault.c - the store seam's fault injection (db_fault_set), which
 * the finance simulation drives, against a real database file:
 *  - inert: with no faults set, or after clearing them, every call runs;
 *  - the Nth commit fails: nothing of that transaction is visible, the
 *    transaction stays open until the caller rolls back, the next commit
 *    works;
 *  - busy at BEGIN and at a statement: QERR_UNAVAILABLE "database_busy", no
 *    transaction left open, the statement did not run;
 *  - a crash between two statements of a transaction: the transaction is
 *    gone at once, every later call on that connection fails with
 *    "connection_lost", a reopened connection sees the earlier commits and
 *    nothing of the lost transaction;
 *  - a lost answer: the commit is durable though the caller saw a failure;
 *  - a decide callback sees every point with its SQL and its answer wins;
 *    transaction control counts as begins and commits, not steps;
 *  - a real crash: a forked child aborts at its commit; the parent finds
 *    the database intact without the child's write; a child that aborts
 *    just after its commit (before it could answer) leaves its write.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/db.h"
#include "testdb.h"

static int setup(void **state)
{
	struct testdb *t = testdb_fixture(sizeof *t, "fault");
	if (!t)
		return -1;
	testdb_exec(t->db, "CREATE TABLE fault_t(id INTEGER PRIMARY KEY, v INTEGER NOT NULL)");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	db_fault_set(NULL);
	return testdb_teardown(state);
}

static enum qerr insert(struct db *db, int64_t v, struct qerror *e)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO fault_t(v) VALUES(?)", e);
	if (!st)
		return e->code;
	db_bind_int64(st, 1, v);
	return db_run(st, e);
}

/* One write transaction inserting each of vs; rolls back on any error. */
static enum qerr write_all(struct db *db, const int64_t *vs, int n, struct qerror *e)
{
	enum qerr rc = db_begin_write(db, e);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = insert(db, vs[i], e)))
			goto fail;
	if ((rc = db_commit(db, e)))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return rc;
}

static long long count_v(struct db *db, int64_t v)
{
	char sql[80];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM fault_t WHERE v=%lld", (long long)v);
	return testdb_scalar(db, sql);
}

static void reopen(struct testdb *t)
{
	struct qerror e = {0};
	db_close(t->db);
	t->db = db_open(t->path, false, &e);
	assert_non_null(t->db);
}

static void test_inert_unless_set(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	int64_t v[] = {1, 2};
	assert_int_equal(write_all(t->db, v, 2, &e), QERR_OK);
	struct db_faults f = {.commit_nth = 1, .commit_action = DB_FAULT_ERROR};
	db_fault_set(&f);
	db_fault_set(NULL);
	assert_int_equal(write_all(t->db, v, 1, &e), QERR_OK);
	assert_int_equal(count_v(t->db, 1), 2);
	assert_int_equal(f.commits, 0);
	assert_false(db_fault_lost(t->db));
}

static void test_nth_commit_fails(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct db_faults f = {.commit_nth = 2, .commit_action = DB_FAULT_ERROR};
	db_fault_set(&f);
	int64_t a = 10, b = 20, c = 30;
	assert_int_equal(write_all(t->db, &a, 1, &e), QERR_OK);

	/* The second commit is refused and leaves its transaction for the caller to roll back. */
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(insert(t->db, b, &e), QERR_OK);
	assert_int_equal(db_commit(t->db, &e), QERR_INTERNAL);
	assert_string_equal(e.slug, "database_error");
	assert_true(db_in_transaction(t->db));
	db_rollback(t->db);
	assert_false(db_in_transaction(t->db));

	assert_int_equal(write_all(t->db, &c, 1, &e), QERR_OK);
	assert_int_equal(f.commits, 3);
	assert_int_equal(f.injected, 1);
	db_fault_set(NULL);
	assert_int_equal(count_v(t->db, a), 1);
	assert_int_equal(count_v(t->db, b), 0);
	assert_int_equal(count_v(t->db, c), 1);
}

static void test_busy_at_begin_and_step(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct db_faults f = {.begin_nth = 1, .begin_action = DB_FAULT_BUSY};
	db_fault_set(&f);
	int64_t v[] = {5, 6, 7};
	assert_int_equal(write_all(t->db, v, 3, &e), QERR_UNAVAILABLE);
	assert_string_equal(e.slug, "database_busy");
	assert_false(db_in_transaction(t->db));

	/* Busy on the second statement: the first is rolled back with the transaction, the second never ran. */
	struct db_faults g = {.step_nth = 2, .step_action = DB_FAULT_BUSY};
	db_fault_set(&g);
	assert_int_equal(write_all(t->db, v, 3, &e), QERR_UNAVAILABLE);
	assert_string_equal(e.slug, "database_busy");
	assert_int_equal(g.steps, 2);
	assert_int_equal(g.begins, 1);
	assert_int_equal(g.commits, 0);
	assert_false(db_in_transaction(t->db));

	/* Without the rollback the statements before the fault would stand: the fault does not roll back for the
	 * caller. */
	struct db_faults h = {.step_nth = 2, .step_action = DB_FAULT_BUSY};
	db_fault_set(&h);
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(insert(t->db, 8, &e), QERR_OK);
	assert_int_equal(insert(t->db, 9, &e), QERR_UNAVAILABLE);
	assert_true(db_in_transaction(t->db));
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	db_fault_set(NULL);
	assert_int_equal(count_v(t->db, 5) + count_v(t->db, 6) + count_v(t->db, 7), 0);
	assert_int_equal(count_v(t->db, 8), 1);
	assert_int_equal(count_v(t->db, 9), 0);
}

static void test_crash_between_statements(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	int64_t before = 40;
	assert_int_equal(write_all(t->db, &before, 1, &e), QERR_OK);

	struct db_faults f = {.step_nth = 3, .step_action = DB_FAULT_CRASH};
	db_fault_set(&f);
	int64_t v[] = {41, 42, 43, 44};
	assert_int_equal(write_all(t->db, v, 4, &e), QERR_INTERNAL);
	assert_string_equal(e.slug, "connection_lost");
	assert_true(db_fault_lost(t->db));
	assert_false(db_in_transaction(t->db));
	db_fault_set(NULL);

	/* The connection stays lost with the faults cleared: every call fails until it is closed. */
	assert_null(db_prepare(t->db, "SELECT 1", &e));
	assert_string_equal(e.slug, "connection_lost");
	assert_int_equal(db_begin_read(t->db, &e), QERR_INTERNAL);
	assert_int_equal(db_exec(t->db, "SELECT 1", &e), QERR_INTERNAL);
	assert_int_equal(db_commit(t->db, &e), QERR_INTERNAL);
	db_rollback(t->db);
	db_release(t->db);

	/* Another connection already sees the state the crash left: the earlier commit, nothing of the lost one. */
	struct db *other = db_open(t->path, false, &e);
	assert_non_null(other);
	assert_int_equal(count_v(other, before), 1);
	assert_int_equal(testdb_scalar(other, "SELECT count(*) FROM fault_t WHERE v BETWEEN 41 AND 44"), 0);
	db_close(other);

	reopen(t);
	assert_false(db_fault_lost(t->db));
	assert_int_equal(write_all(t->db, v, 4, &e), QERR_OK);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM fault_t WHERE v BETWEEN 41 AND 44"), 4);
}

static void test_lost_ack_is_durable(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct db_faults f = {.commit_nth = 1, .commit_action = DB_FAULT_LOST_ACK};
	db_fault_set(&f);
	int64_t v = 50;
	assert_int_equal(write_all(t->db, &v, 1, &e), QERR_INTERNAL);
	assert_string_equal(e.slug, "connection_lost");
	assert_true(db_fault_lost(t->db));
	db_fault_set(NULL);
	reopen(t);
	assert_int_equal(count_v(t->db, v), 1);
}

struct recorder {
	int begins, steps, commits;
	const char *last_step_sql;
	int fail_step; /* the step to answer DB_FAULT_ERROR, 1-based */
};

static enum db_fault_action record(void *ctx, struct db *db, enum db_fault_point at, const char *sql)
{
	struct recorder *r = ctx;
	assert_non_null(db);
	assert_non_null(sql);
	if (at == DB_AT_BEGIN) {
		r->begins++;
		assert_string_equal(sql, "BEGIN IMMEDIATE");
	} else if (at == DB_AT_COMMIT) {
		r->commits++;
	} else {
		r->last_step_sql = sql;
		if (++r->steps == r->fail_step)
			return DB_FAULT_ERROR;
	}
	return DB_FAULT_NONE;
}

static void test_decide_callback(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct recorder r = {.fail_step = 2};
	/* The callback fails step 2; the counters still fail step 5 when the callback says nothing there. */
	struct db_faults f = {.decide = record, .ctx = &r, .step_nth = 5, .step_action = DB_FAULT_BUSY};
	db_fault_set(&f);
	int64_t v[] = {60, 61};
	assert_int_equal(write_all(t->db, v, 2, &e), QERR_INTERNAL);
	assert_string_equal(e.slug, "database_error");
	assert_int_equal(r.begins, 1);
	assert_int_equal(r.steps, 2);
	assert_int_equal(r.commits, 0);
	assert_string_equal(r.last_step_sql, "INSERT INTO fault_t(v) VALUES(?)");
	r.fail_step = 0;
	assert_int_equal(write_all(t->db, v, 2, &e), QERR_OK);		/* steps 3, 4 */
	assert_int_equal(write_all(t->db, v, 1, &e), QERR_UNAVAILABLE); /* step 5 by counter */
	assert_int_equal(f.injected, 2);
	assert_int_equal(f.begins, 3);
	assert_int_equal(f.commits, 1);
	db_fault_set(NULL);
	assert_int_equal(count_v(t->db, 60), 1);
}

static void test_abort_in_child(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	int64_t before = 70;
	assert_int_equal(write_all(t->db, &before, 1, &e), QERR_OK);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child: its own connection, aborted at the commit of a two-row write. */
		signal(SIGABRT, SIG_DFL);
		struct db *db = db_open(t->path, false, &e);
		if (!db)
			_exit(2);
		struct db_faults f = {.commit_nth = 1, .commit_action = DB_FAULT_ABORT};
		db_fault_set(&f);
		int64_t v[] = {71, 72};
		write_all(db, v, 2, &e);
		_exit(3); /* not reached */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	reopen(t);
	assert_int_equal(count_v(t->db, before), 1);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM fault_t WHERE v IN (71,72)"), 0);
	int64_t after = 73;
	assert_int_equal(write_all(t->db, &after, 1, &e), QERR_OK);
	assert_int_equal(count_v(t->db, after), 1);
}

static void test_abort_after_commit_in_child(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGABRT, SIG_DFL);
		struct db *db = db_open(t->path, false, &e);
		if (!db)
			_exit(2);
		struct db_faults f = {.commit_nth = 1, .commit_action = DB_FAULT_ABORT_AFTER};
		db_fault_set(&f);
		int64_t v[] = {81, 82};
		write_all(db, v, 2, &e);
		_exit(3); /* not reached */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	reopen(t);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM fault_t WHERE v IN (81,82)"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_inert_unless_set, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nth_commit_fails, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_busy_at_begin_and_step, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_crash_between_statements, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lost_ack_is_durable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decide_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_in_child, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_abort_after_commit_in_child, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
