/*
 * test_store_group.c - the shared writer's group commit (db.c, db_share_writer) with real
 * threads on a real SQLite file:
 *  - THREADS threads each make WRITES read-then-write increments of one counter, some rolled
 *    back by choice and some failing on a constraint half way: the counter and the rows equal
 *    exactly the writes that were told they committed, so no write was lost, done twice or
 *    leaked from a rolled-back one into its group's commit; and the COMMITs were fewer than
 *    the writes (the writes did share them);
 *  - a write whose commit fails (an injected error) undoes only itself: the write waiting in
 *    the same transaction for it is committed all the same;
 *  - writes that give up waiting for the turn (database_busy) leave the counts exact, and a
 *    write behind one that holds the turn too long is told busy and changes nothing;
 *  - a statement prepared before db_begin_write and stepped inside it, or kept after the
 *    commit, is refused instead of running outside the transaction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "store/db.h"
#include "testdb.h"

#define THREADS 8
#define WRITES 400

static int setup(void **state)
{
	struct testdb *t = testdb_fixture(sizeof *t, "group");
	if (!t)
		return -1;
	testdb_exec(t->db, "CREATE TABLE g_counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
			   "INSERT INTO g_counter VALUES(1,0);"
			   "CREATE TABLE g_rows(thread INTEGER NOT NULL, i INTEGER NOT NULL, n INTEGER NOT NULL,"
			   " UNIQUE(thread,i))");
	*state = t;
	return 0;
}

struct worker {
	const char *path;
	int id;
	int committed, failed, busy;
	bool broken; /* an unexpected error: the message is in err */
	struct qerror err;
};

/* One increment: read the counter, write it back plus one and a row saying which value it took. */
static enum qerr increment(struct db *db, int thread, int i, bool clash, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT n FROM g_counter WHERE id=1", err);
	int64_t n = 0;
	if (!st || db_scalar_int64(st, &n, err))
		return err->code;
	if (!(st = db_prepare(db, "UPDATE g_counter SET n=? WHERE id=1", err)))
		return err->code;
	db_bind_int64(st, 1, n + 1);
	if (db_run(st, err))
		return err->code;
	if (!(st = db_prepare(db, "INSERT INTO g_rows(thread,i,n) VALUES(?,?,?)", err)))
		return err->code;
	db_bind_int(st, 1, thread);
	db_bind_int(st, 2, clash ? i - 1 : i); /* a clash repeats the previous row: UNIQUE fails */
	db_bind_int64(st, 3, n + 1);
	return db_run(st, err);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct qerror e = {0};
	struct db *db = db_open(w->path, false, &e);
	if (!db || db_share_writer(db, &e)) {
		w->broken = true;
		w->err = e;
		db_close(db);
		return NULL;
	}
	for (int i = 1; i <= WRITES; i++) {
		qerr_clear(&e);
		bool give_up = i % 7 == 0, clash = i % 11 == 0 && (i - 1) % 7 != 0; /* i - 1 was committed */
		if (db_begin_write(db, &e)) {
			if (e.code == QERR_UNAVAILABLE && strcmp(e.slug, "database_busy") == 0) {
				w->busy++; /* waited too long for the turn: nothing was done, try again */
				i--;
				continue;
			}
			w->broken = true;
			break;
		}
		enum qerr rc = increment(db, w->id, i, clash, &e);
		if (clash && rc == QERR_CONFLICT) {
			db_rollback(db);
			w->failed++;
			continue;
		}
		if (rc) {
			w->broken = true;
			db_rollback(db);
			break;
		}
		if (give_up) {
			db_rollback(db);
			w->failed++;
			continue;
		}
		if (db_commit(db, &e)) {
			w->broken = true;
			db_rollback(db);
			break;
		}
		w->committed++;
	}
	if (w->broken)
		w->err = e;
	db_close(db);
	return NULL;
}

/* Runs THREADS workers (ids first_id...) to the end; the writes they committed, *busy their give-ups. */
static int run_workers(const char *path, int first_id, int *busy)
{
	struct worker w[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.path = path, .id = first_id + i};
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	int committed = 0;
	*busy = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		if (w[i].broken)
			fail_msg("worker %d: %s", i, w[i].err.message);
		assert_int_equal(w[i].committed + w[i].failed, WRITES);
		committed += w[i].committed;
		*busy += w[i].busy;
	}
	return committed;
}

static void test_concurrent_increments_are_exact_and_share_commits(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	/* A connection of its own kept open, so the writer's stats outlive the workers' connections. */
	struct db *watch = db_open(t->path, false, &e);
	assert_non_null(watch);
	assert_int_equal(db_share_writer(watch, &e), QERR_OK);
	int busy;
	int committed = run_workers(t->path, 0, &busy);
	/* Read on a connection of their own: what was committed, not what a writer saw. */
	assert_int_equal(testdb_scalar(t->db, "SELECT n FROM g_counter WHERE id=1"), committed);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM g_rows"), committed);
	/* Each committed write took a distinct value, 1..committed: no two read the same counter. */
	assert_int_equal(testdb_scalar(t->db, "SELECT count(DISTINCT n) FROM g_rows"), committed);
	assert_int_equal(testdb_scalar(t->db, "SELECT max(n) FROM g_rows"), committed);
	/* The rolled-back writes left nothing: no row with an i that was given up. */
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM g_rows WHERE i % 7 = 0"), 0);
	struct db_writer_stats ws;
	assert_true(db_writer_stats(watch, &ws));
	assert_int_equal(ws.writes, committed);
	assert_true(ws.commits > 0);
	print_message("%d writes in %lld commits\n", committed, (long long)ws.commits);
	assert_true(ws.commits < ws.writes); /* with 8 threads queueing, writes shared commits */
	db_close(watch);
}

/*
 * The follower writes first and commits while the main thread waits for the turn, so its write
 * waits in the transaction for the main thread's write to commit it.
 */
struct follower {
	const char *path;
	int working; /* atomic: it holds the turn */
	struct qerror err;
	enum qerr rc;
};

static void *follow(void *arg)
{
	struct follower *f = arg;
	struct db *db = db_open(f->path, false, &f->err);
	if (!db || db_share_writer(db, &f->err)) {
		f->rc = f->err.code ? f->err.code : QERR_INTERNAL;
		db_close(db);
		__atomic_store_n(&f->working, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	f->rc = db_begin_write(db, &f->err);
	if (!f->rc)
		f->rc = increment(db, 99, 1, false, &f->err);
	__atomic_store_n(&f->working, 1, __ATOMIC_SEQ_CST);
	struct db_writer_stats ws;
	for (int i = 0; i < 5000 && db_writer_stats(db, &ws) && ws.waiting == 0; i++)
		nanosleep(&(struct timespec){0, 1000000L}, NULL);
	if (!f->rc)
		f->rc = db_commit(db, &f->err);
	if (f->rc)
		db_rollback(db);
	db_close(db);
	return NULL;
}

static void test_a_failed_write_leaves_the_writes_it_shares_a_commit_with(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct db *db = db_open(t->path, false, &e);
	assert_non_null(db);
	assert_int_equal(db_share_writer(db, &e), QERR_OK);
	int64_t before = testdb_scalar(t->db, "SELECT n FROM g_counter WHERE id=1");
	struct db_writer_stats s0, s1;
	assert_true(db_writer_stats(db, &s0));
	struct follower f = {.path = t->path};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, follow, &f), 0);
	while (!__atomic_load_n(&f.working, __ATOMIC_SEQ_CST))
		nanosleep(&(struct timespec){0, 1000000L}, NULL);
	/* Waits for the turn; the follower's write is released into the transaction meanwhile. */
	assert_int_equal(db_begin_write(db, &e), QERR_OK);
	assert_int_equal(increment(db, 50, 1, false, &e), QERR_OK);
	struct db_faults faults = {.commit_nth = 1, .commit_action = DB_FAULT_ERROR};
	db_fault_set(&faults);
	enum qerr rc = db_commit(db, &e);
	db_fault_set(NULL);
	assert_int_equal(rc, QERR_INTERNAL);
	db_rollback(db);
	pthread_join(th, NULL);
	assert_int_equal(f.rc, QERR_OK);
	assert_int_equal(testdb_scalar(t->db, "SELECT n FROM g_counter WHERE id=1"), before + 1);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM g_rows WHERE thread=50"), 0);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM g_rows WHERE thread=99"), 1);
	/* One COMMIT, made by the failed write's rollback for the follower's write. */
	assert_true(db_writer_stats(db, &s1));
	assert_int_equal(s1.writes - s0.writes, 1);
	assert_int_equal(s1.commits - s0.commits, 1);
	db_close(db);
}

/*
 * With no wait at all, a write that finds the turn taken gives up (database_busy) and tries
 * again: hundreds do here, and the counts stay exact (a write that gave up did nothing, and every
 * write that was told it committed did). That a writer giving up never strands the writes waiting
 * in the transaction (turn_take's rule) is not shown here: the other threads' next tries would
 * commit them anyway (a mutant that always gives up passes this test).
 */
static void test_writes_that_give_up_waiting_change_nothing(void **state)
{
	struct testdb *t = *state;
	int64_t before = testdb_scalar(t->db, "SELECT n FROM g_counter WHERE id=1");
	int64_t rows = testdb_scalar(t->db, "SELECT count(*) FROM g_rows");
	db_set_write_wait_ms(0); /* a write that finds the turn taken gives up at once */
	int busy;
	int committed = run_workers(t->path, 100, &busy);
	db_set_write_wait_ms(10000);
	print_message("%d writes committed, %d gave up waiting and were tried again\n", committed, busy);
	assert_true(busy > 0); /* the give-up path ran */
	assert_int_equal(testdb_scalar(t->db, "SELECT n FROM g_counter WHERE id=1"), before + committed);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM g_rows"), rows + committed);
}

/* A write behind one that holds the turn longer than the wait is told the database is busy. */
struct holder {
	const char *path;
	int holding; /* atomic */
	enum qerr rc;
};

static void *hold_turn(void *arg)
{
	struct holder *h = arg;
	struct qerror e = {0};
	struct db *db = db_open(h->path, false, &e);
	if (!db || db_share_writer(db, &e) || db_begin_write(db, &e) || increment(db, 77, 1, false, &e)) {
		h->rc = e.code ? e.code : QERR_INTERNAL;
		__atomic_store_n(&h->holding, 1, __ATOMIC_SEQ_CST);
		db_close(db);
		return NULL;
	}
	__atomic_store_n(&h->holding, 1, __ATOMIC_SEQ_CST);
	nanosleep(&(struct timespec){0, 400000000L}, NULL);
	h->rc = db_commit(db, &e);
	db_close(db);
	return NULL;
}

static void test_a_write_behind_a_long_one_is_told_busy(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct db *db = db_open(t->path, false, &e);
	assert_non_null(db);
	assert_int_equal(db_share_writer(db, &e), QERR_OK);
	struct holder h = {.path = t->path};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, hold_turn, &h), 0);
	while (!__atomic_load_n(&h.holding, __ATOMIC_SEQ_CST))
		nanosleep(&(struct timespec){0, 1000000L}, NULL);
	db_set_write_wait_ms(100);
	assert_int_equal(db_begin_write(db, &e), QERR_UNAVAILABLE);
	assert_string_equal(e.slug, "database_busy");
	assert_false(db_in_transaction(db));
	db_set_write_wait_ms(10000);
	pthread_join(th, NULL);
	assert_int_equal(h.rc, QERR_OK);
	/* Once the long write is over the turn is there again. */
	qerr_clear(&e);
	assert_int_equal(db_begin_write(db, &e), QERR_OK);
	assert_int_equal(increment(db, 78, 1, false, &e), QERR_OK);
	assert_int_equal(db_commit(db, &e), QERR_OK);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM g_rows WHERE thread IN (77,78)"), 2);
	db_close(db);
}

static void test_statements_off_their_turn_are_refused(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct db *db = db_open(t->path, false, &e);
	assert_non_null(db);
	assert_int_equal(db_share_writer(db, &e), QERR_OK);
	/* Prepared on the thread's own connection, then stepped inside the shared write: refused. */
	struct db_stmt *early = db_prepare(db, "SELECT n FROM g_counter WHERE id=1", &e);
	assert_non_null(early);
	assert_int_equal(db_begin_write(db, &e), QERR_OK);
	assert_int_equal(db_step(early, &e), -1);
	assert_string_equal(e.slug, "database_error");
	qerr_clear(&e);
	/* Prepared inside it (on the writer), kept past the commit: refused too. */
	struct db_stmt *inside = db_prepare(db, "SELECT n FROM g_counter WHERE id=2", &e);
	assert_non_null(inside);
	assert_int_equal(db_step(inside, &e), DB_DONE);
	assert_int_equal(db_commit(db, &e), QERR_OK);
	assert_int_equal(db_step(inside, &e), -1);
	qerr_clear(&e);
	/* The thread's own connection reads as before once the write is over. */
	assert_int_equal(db_step(early, &e), DB_ROW);
	db_reset(early);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_concurrent_increments_are_exact_and_share_commits),
	    cmocka_unit_test(test_a_failed_write_leaves_the_writes_it_shares_a_commit_with),
	    cmocka_unit_test(test_writes_that_give_up_waiting_change_nothing),
	    cmocka_unit_test(test_a_write_behind_a_long_one_is_told_busy),
	    cmocka_unit_test(test_statements_off_their_turn_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, testdb_teardown);
}
