/*
 * test_store_pg.c - the PostgreSQL driver of the store seam.
 *
 * Placeholder rewriting runs everywhere. The rest needs a server: set
 * QILIAN_TEST_PG to a cluster URL without a database
 * (postgresql://postgres@127.0.0.1:PORT; tests/pg/run-api does, and `make
 * api-pg` runs this program on its cluster). Each run creates a database of
 * its own and drops it after; without the variable those tests are skipped,
 * saying so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/migrate.h"
#include "text/fts.h"

/* The driver's rewriting (store/db_private.h, which only src/store includes). */
char *db_pg_rewrite(const char *sql, int *nparams);

static void rewrites(const char *sql, const char *want, int want_n)
{
	int n = -1;
	char *got = db_pg_rewrite(sql, &n);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(n, want_n);
	free(got);
}

static void test_rewrite(void **state)
{
	rewrites("SELECT 1", "SELECT 1", 0);
	rewrites("SELECT a FROM t WHERE x=? AND y=?", "SELECT a FROM t WHERE x=$1 AND y=$2", 2);
	/* ?N keeps its number; a bare ? after it takes the next after the largest (SQLite's rule) */
	rewrites("UPDATE t SET a=?2 WHERE id=?1 AND b=?", "UPDATE t SET a=$2 WHERE id=$1 AND b=$3", 3);
	rewrites("VALUES(?1,?2,?11,?11)", "VALUES($1,$2,$11,$11)", 11);
	/* not inside literals, quoted identifiers or comments; doubled quotes stay inside */
	rewrites("SELECT '?', 'it''s ?', \"a?b\" FROM t WHERE x=?", "SELECT '?', 'it''s ?', \"a?b\" FROM t WHERE x=$1", 1);
	rewrites("SELECT x -- what?\n FROM t WHERE y=?", "SELECT x -- what?\n FROM t WHERE y=$1", 1);
	rewrites("SELECT /* ? ?1 */ ? FROM t", "SELECT /* ? ?1 */ $1 FROM t", 1);
	rewrites("SELECT '%;'||?5||'%'", "SELECT '%;'||$5||'%'", 5);
	/* an unterminated literal is left alone (the server reports it) */
	rewrites("SELECT 'abc ?", "SELECT 'abc ?", 0);
	rewrites("", "", 0);
}

static void masks(const char *path, const char *want)
{
	char buf[256];
	assert_string_equal(db_path_masked(path, buf, sizeof buf), want);
}

/* Passwords never reach a log line or a report. */
static void test_masked(void **state)
{
	masks("postgresql://qilian:s3cret@db.example:5432/park", "postgresql://qilian:***@db.example:5432/park");
	masks("postgres://u:p%40ss@h/d?sslmode=require", "postgres://u:***@h/d?sslmode=require");
	masks("postgresql://u@h/d?sslmode=require&password=x&application_name=q",
	      "postgresql://u@h/d?sslmode=require&password=***&application_name=q");
	masks("postgresql://u:a:b@[::1]:5432/d?password=y#frag", "postgresql://u:***@[::1]:5432/d?password=***#frag");
	masks("postgresql://u@h/d", "postgresql://u@h/d");
	masks("postgresql://h/d", "postgresql://h/d");
	masks("postgresql://h:5432", "postgresql://h:5432");
	masks("park.db", "park.db");
	masks("/data/user:pw@host.db", "/data/user:pw@host.db"); /* a file name is not a URL */
	char small[16];
	assert_string_equal(db_path_masked("postgresql://u:secretsecret@h/d", small, sizeof small), "postgresql://u:");
	assert_string_equal(db_path_masked(NULL, small, sizeof small), "");
}

/* ---------- against a server ---------- */

struct pgt {
	char admin_url[256], url[256], name[64];
	struct db *db, *db2;
};

static const char *base_url(void)
{
	const char *u = getenv("QILIAN_TEST_PG");
	return u && *u ? u : NULL;
}

static void exec_ok(struct db *db, const char *sql)
{
	struct qerror e = {0};
	if (db_exec(db, sql, &e))
		fail_msg("%s: %s", sql, e.message);
}

static int setup(void **state)
{
	const char *base = base_url();
	if (!base)
		return 0;
	struct pgt *t = calloc(1, sizeof *t);
	struct qerror e = {0};
	unsetenv("QILIAN_PG_WRITES"); /* these connections write the default way; test_write_lock opens its own */
	snprintf(t->admin_url, sizeof t->admin_url, "%s/postgres", base);
	snprintf(t->name, sizeof t->name, "store_pg_%d", (int)getpid());
	snprintf(t->url, sizeof t->url, "%s/%s", base, t->name);
	struct db *admin = db_open(t->admin_url, false, &e);
	if (!admin) {
		fprintf(stderr, "cannot reach %s: %s\n", t->admin_url, e.message);
		free(t);
		return -1;
	}
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", t->name);
	db_exec(admin, sql, &e);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->name);
	if (db_exec(admin, sql, &e)) {
		fprintf(stderr, "%s: %s\n", sql, e.message);
		db_close(admin);
		free(t);
		return -1;
	}
	db_close(admin);
	text_fts_install();
	t->db = db_open(t->url, false, &e);
	t->db2 = t->db ? db_open(t->url, false, &e) : NULL;
	if (!t->db2 || migrate_apply(t->db, NULL, &e)) {
		fprintf(stderr, "%s: %s\n", t->url, e.message);
		return -1;
	}
	exec_ok(t->db, "CREATE TABLE kv(id BIGINT PRIMARY KEY, n BIGINT, t TEXT, b BYTEA, d DOUBLE PRECISION,"
		       " CHECK (n IS NULL OR n >= 0))");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct pgt *t = *state;
	if (!t)
		return 0;
	db_close(t->db);
	db_close(t->db2);
	struct qerror e = {0};
	struct db *admin = db_open(t->admin_url, false, &e);
	if (admin) {
		char sql[160];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
		db_exec(admin, sql, &e);
		db_close(admin);
	}
	free(t);
	return 0;
}

#define NEED_SERVER(state)                                                                                             \
	do {                                                                                                           \
		if (!*(state)) {                                                                                       \
			print_message("[  SKIPPED ] no PostgreSQL: set QILIAN_TEST_PG=postgresql://user@host:port "     \
				      "(make api-pg does)\n");                                                         \
			skip();                                                                                        \
		}                                                                                                      \
	} while (0)

static void test_backend(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	assert_string_equal(db_backend(t->db), "postgresql");
	assert_true(db_is_pg(t->db));
	assert_true(db_is_url("postgresql://x/y") && db_is_url("postgres://x/y") && !db_is_url("qilian.db"));
	assert_string_equal(db_pick(t->db, "a", "b"), "b");
	int v = 0;
	struct qerror e = {0};
	assert_int_equal(migrate_current(t->db, &v, &e), QERR_OK);
	assert_int_equal(v, migrate_latest());
	assert_int_equal(migrate_check(t->db, &e), QERR_OK);
	assert_int_equal(db_ping(t->db, &e), QERR_OK);
}

static void test_types(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	static const unsigned char blob[] = {0, 1, 2, 0xff, 0, '\\', 'x'};
	struct db_stmt *ins = db_prepare(t->db, "INSERT INTO kv(id,n,t,b,d) VALUES(?,?,?,?,?)", &e);
	assert_non_null(ins);
	db_bind_int64(ins, 1, 1);
	db_bind_int64(ins, 2, INT64_MAX);
	db_bind_text(ins, 3, "七链 'quoted' \\ ? $1");
	db_bind_blob(ins, 4, blob, sizeof blob);
	db_bind_double(ins, 5, 0.1);
	assert_int_equal(db_run(ins, &e), QERR_OK);
	assert_int_equal(db_changes(t->db), 1);
	/* the same cached statement with NULLs: another parameter-type signature */
	ins = db_prepare(t->db, "INSERT INTO kv(id,n,t,b,d) VALUES(?,?,?,?,?)", &e);
	db_bind_int64(ins, 1, 2);
	db_bind_null(ins, 2);
	db_bind_text(ins, 3, NULL);
	db_bind_null(ins, 4);
	db_bind_null(ins, 5);
	assert_int_equal(db_run(ins, &e), QERR_OK);

	struct db_stmt *st = db_prepare(t->db, "SELECT id,n,t,b,d FROM kv ORDER BY id", &e);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int64(st, 0), 1);
	assert_true(db_col_int64(st, 1) == INT64_MAX);
	assert_string_equal(db_col_text(st, 2), "七链 'quoted' \\ ? $1");
	assert_int_equal(db_col_bytes(st, 3), sizeof blob);
	assert_memory_equal(db_col_blob(st, 3), blob, sizeof blob);
	assert_true(db_col_double(st, 4) == 0.1);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_true(db_col_is_null(st, 1) && db_col_is_null(st, 2) && db_col_is_null(st, 3));
	assert_null(db_col_text_or_null(st, 2));
	assert_string_equal(db_col_text(st, 2), "");
	assert_int_equal(db_col_int64(st, 1), 0);
	assert_int_equal(db_step(st, &e), DB_DONE);
	db_reset(st);

	/* booleans read as 1/0; sum() of bigint is numeric; EXISTS */
	st = db_prepare(t->db, "SELECT 1=1, 1=2, sum(id), count(*), EXISTS(SELECT 1 FROM kv) FROM kv", &e);
	assert_int_equal(db_one(st, &e), QERR_OK);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_false(db_col_bool(st, 1));
	assert_int_equal(db_col_int64(st, 2), 3);
	assert_int_equal(db_col_int64(st, 3), 2);
	assert_true(db_col_bool(st, 4));
	json_t *j = db_col_json_bool(st, 0);
	assert_true(json_is_true(j));
	json_decref(j);
	db_reset(st);

	/* parameters PostgreSQL cannot type by themselves: ? IS NULL alone, a bare ? in the select list */
	st = db_prepare(t->db, "SELECT ?, CAST(? AS BIGINT)+1 WHERE (? IS NULL OR 1=1)", &e);
	assert_non_null(st);
	db_bind_text(st, 1, "x");
	db_bind_int64(st, 2, 41);
	db_bind_null(st, 3);
	assert_int_equal(db_one(st, &e), QERR_OK);
	assert_string_equal(db_col_text(st, 0), "x");
	assert_int_equal(db_col_int64(st, 1), 42);
	db_reset(st);
	/* an integer bound for a text column, text for an integer column */
	st = db_prepare(t->db, "SELECT count(*) FROM kv WHERE t<>? AND id=?", &e);
	db_bind_int64(st, 1, 5);
	db_bind_text(st, 2, "1");
	int64_t n = -1;
	assert_int_equal(db_scalar_int64(st, &n, &e), QERR_OK);
	assert_int_equal(n, 1);
	/* dynamic statements */
	st = db_prepare_dynamic(t->db, "SELECT t FROM kv WHERE id=?1 OR id=?1+1 ORDER BY id", &e);
	assert_non_null(st);
	db_bind_int64(st, 1, 1);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_step(st, &e), DB_DONE);
	db_finalize(st);
	exec_ok(t->db, "DELETE FROM kv");
	assert_int_equal(db_changes(t->db), 2);
}

static void test_errors(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	exec_ok(t->db, "INSERT INTO kv(id,n) VALUES(10,1)");
	struct db_stmt *st = db_prepare(t->db, "INSERT INTO kv(id,n) VALUES(?,?)", &e);
	db_bind_int64(st, 1, 10);
	db_bind_int64(st, 2, 1);
	assert_int_equal(db_run(st, &e), QERR_CONFLICT); /* unique */
	assert_string_equal(e.slug, "conflict");
	st = db_prepare(t->db, "INSERT INTO kv(id,n) VALUES(?,?)", &e);
	db_bind_int64(st, 1, 11);
	db_bind_int64(st, 2, -1);
	assert_int_equal(db_run(st, &e), QERR_CONFLICT); /* check */
	qerr_clear(&e);
	assert_int_equal(db_exec(t->db, "INSERT INTO users(org_id,email,role,password_hash,created_at)"
					" VALUES(999,'a@b','admin','x','2026-01-01T00:00:00Z')",
				 &e),
			 QERR_CONFLICT); /* foreign key */
	assert_int_equal(db_exec(t->db, "SELEC 1", &e), QERR_INTERNAL);
	assert_string_equal(e.slug, "database_error");
	/* the audit log is append-only */
	exec_ok(t->db, "INSERT INTO audit_log(at,actor,action,object_type,object_id) VALUES('t','a','x','o','1')");
	assert_int_equal(db_exec(t->db, "UPDATE audit_log SET actor='b'", &e), QERR_CONFLICT);
	assert_int_equal(db_exec(t->db, "DELETE FROM audit_log", &e), QERR_CONFLICT);
	/* users.email compares without case, as SQLite's COLLATE NOCASE */
	exec_ok(t->db, "INSERT INTO orgs(name,type,created_at) VALUES('o','sme','t')");
	exec_ok(t->db, "INSERT INTO users(org_id,email,role,password_hash,created_at)"
		       " SELECT max(id),'Case@Qilian.Test','admin','x','t' FROM orgs");
	st = db_prepare(t->db, "SELECT count(*) FROM users WHERE email=?", &e);
	db_bind_text(st, 1, "case@qilian.TEST");
	int64_t n = 0;
	assert_int_equal(db_scalar_int64(st, &n, &e), QERR_OK);
	assert_int_equal(n, 1);

	/* a statement whose types needed a second prepare inside a transaction leaves the transaction usable */
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	st = db_prepare(t->db, "SELECT count(*) FROM kv WHERE (? IS NULL OR n=?)", &e);
	db_bind_null(st, 1);
	db_bind_null(st, 2);
	assert_int_equal(db_scalar_int64(st, &n, &e), QERR_OK);
	assert_int_equal(n, 1);
	exec_ok(t->db, "INSERT INTO kv(id,n) VALUES(12,1)");
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	assert_false(db_in_transaction(t->db));
	assert_int_equal(db_query_int64(t->db, "SELECT count(*) FROM kv", &n, &e), QERR_OK);
	assert_int_equal(n, 2);
	exec_ok(t->db, "DELETE FROM kv");
}

struct writer {
	struct db *db;
	atomic_int began;
	enum qerr rc;
};

static void *second_writer(void *p)
{
	struct writer *w = p;
	struct qerror e = {0};
	w->rc = db_begin_write(w->db, &e);
	atomic_store(&w->began, 1);
	if (!w->rc)
		w->rc = db_exec(w->db, "INSERT INTO kv(id,n) VALUES(32,(SELECT count(*) FROM kv))", &e);
	if (!w->rc)
		w->rc = db_commit(w->db, &e);
	return NULL;
}

/* QILIAN_PG_WRITES=lock: a writer waits for the one before it and sees its commit (one at a time, as SQLite). */
static void test_write_lock(void **state)
{
	NEED_SERVER(state);
	struct pgt *pt = *state;
	struct qerror e = {0};
	setenv("QILIAN_PG_WRITES", "lock", 1);
	struct pgt lk = {.db = db_open(pt->url, false, &e)}, *t = &lk;
	t->db2 = db_open(pt->url, false, &e);
	unsetenv("QILIAN_PG_WRITES");
	assert_non_null(t->db);
	assert_non_null(t->db2);
	exec_ok(t->db, "DELETE FROM kv");
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	exec_ok(t->db, "INSERT INTO kv(id,n) VALUES(31,0)");
	struct writer w = {.db = t->db2};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
	usleep(300 * 1000);
	assert_int_equal(atomic_load(&w.began), 0); /* still waiting for the write lock */
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	pthread_join(th, NULL);
	assert_int_equal(w.rc, QERR_OK);
	int64_t n = -1;
	/* the second read the first one's row after the lock: its count is 1, not 0 */
	assert_int_equal(db_query_int64(t->db, "SELECT n FROM kv WHERE id=32", &n, &e), QERR_OK);
	assert_int_equal(n, 1);
	exec_ok(t->db, "DELETE FROM kv");
	db_close(t->db);
	db_close(t->db2);
}

/* The default, SERIALIZABLE: two writers that read what the other writes; the second to commit loses, retryably. */
static void test_serialisation_failure(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	int64_t n;
	exec_ok(t->db, "DELETE FROM kv");
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	assert_int_equal(db_query_int64(t->db, "SELECT count(*) FROM kv WHERE n=1", &n, &e), QERR_OK);
	assert_int_equal(db_query_int64(t->db2, "SELECT count(*) FROM kv WHERE n=2", &n, &e), QERR_OK);
	exec_ok(t->db, "INSERT INTO kv(id,n) VALUES(21,2)");
	enum qerr rc = db_exec(t->db2, "INSERT INTO kv(id,n) VALUES(22,1)", &e);
	if (rc == QERR_OK)
		rc = db_commit(t->db, &e) ? QERR_INTERNAL : db_commit(t->db2, &e);
	else
		assert_int_equal(db_commit(t->db, &e), QERR_OK);
	assert_int_equal(rc, QERR_UNAVAILABLE);
	assert_string_equal(e.slug, "serialization_failure");
	db_rollback(t->db2);
	assert_false(db_in_transaction(t->db2));
	/* run again, the loser succeeds */
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	exec_ok(t->db2, "INSERT INTO kv(id,n) VALUES(22,1)");
	assert_int_equal(db_commit(t->db2, &e), QERR_OK);
	assert_int_equal(db_query_int64(t->db, "SELECT count(*) FROM kv", &n, &e), QERR_OK);
	assert_int_equal(n, 2);
	/* writers of different rows do not wait for each other: both open at once, both commit */
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	exec_ok(t->db, "UPDATE kv SET n=5 WHERE id=21");
	exec_ok(t->db2, "UPDATE kv SET n=6 WHERE id=22");
	assert_int_equal(db_commit(t->db2, &e), QERR_OK);
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	assert_int_equal(db_query_int64(t->db, "SELECT sum(n) FROM kv", &n, &e), QERR_OK);
	assert_int_equal(n, 11);
	exec_ok(t->db, "DELETE FROM kv");
}

struct toucher {
	struct db *db;
	bool hot;
	atomic_int began;
	enum qerr rc;
	char slug[64];
	int64_t version;
};

/* A writer of change counter "hot_test": begin, bump, read it back, commit. */
static void *touch_writer(void *p)
{
	struct toucher *w = p;
	struct qerror e = {0};
	if (w->hot)
		db_hot(w->db, "hot_test");
	w->rc = db_begin_write(w->db, &e);
	atomic_store(&w->began, 1);
	if (!w->rc)
		w->rc = db_touch(w->db, "hot_test", &e);
	if (!w->rc)
		w->rc = db_counter(w->db, "hot_test", &w->version, &e);
	if (!w->rc)
		w->rc = db_commit(w->db, &e);
	if (w->rc) {
		snprintf(w->slug, sizeof w->slug, "%s", e.slug);
		db_rollback(w->db);
	}
	return NULL;
}

static int64_t hot_locks(struct db *db)
{
	int64_t n = -1;
	struct qerror e = {0};
	assert_int_equal(
	    db_query_int64(
		db, "SELECT count(*) FROM pg_locks WHERE locktype='advisory' AND classid=7451002 AND granted", &n, &e),
	    QERR_OK);
	return n;
}

/*
 * A hot row (db_hot): without the hint the second writer of a counter loses to the first (its
 * snapshot predates the first's commit); with it, it waits before its transaction and then
 * succeeds on the first try. A writer that lost queues for the counter on its next try by itself.
 */
static void test_hot_rows(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	exec_ok(t->db, "DELETE FROM change_counters WHERE name='hot_test'");
	/* without the hint: a serialisation failure */
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(db_touch(t->db, "hot_test", &e), QERR_OK);
	struct toucher w = {.db = t->db2};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, touch_writer, &w), 0);
	usleep(300 * 1000);
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	pthread_join(th, NULL);
	assert_int_equal(w.rc, QERR_UNAVAILABLE);
	assert_string_equal(w.slug, "serialization_failure");
	/* its next write queues for the counter it lost on: the lock is held while it runs */
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	assert_int_equal(hot_locks(t->db), 1);
	assert_int_equal(db_touch(t->db2, "hot_test", &e), QERR_OK);
	assert_int_equal(db_commit(t->db2, &e), QERR_OK);
	assert_int_equal(hot_locks(t->db), 0);
	/* and a committed write forgets it */
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	assert_int_equal(hot_locks(t->db), 0);
	db_rollback(t->db2);

	/* with the hint: the second waits for the first's commit, then bumps from its value */
	db_hot(t->db, "hot_test");
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(db_touch(t->db, "hot_test", &e), QERR_OK);
	int64_t v1 = 0;
	assert_int_equal(db_counter(t->db, "hot_test", &v1, &e), QERR_OK);
	struct toucher h = {.db = t->db2, .hot = true};
	assert_int_equal(pthread_create(&th, NULL, touch_writer, &h), 0);
	usleep(300 * 1000);
	assert_int_equal(atomic_load(&h.began), 0); /* waiting before its transaction */
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	pthread_join(th, NULL);
	assert_int_equal(h.rc, QERR_OK);
	assert_int_equal(h.version, v1 + 1);
	assert_int_equal(hot_locks(t->db), 0);
	exec_ok(t->db, "DELETE FROM change_counters WHERE name='hot_test'");
}

/* A connection the server dropped (restart, failover) answers "busy" once and reconnects. */
static void test_reconnect(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	int64_t pid = 0, n = 0;
	struct db_stmt *st = db_prepare(t->db2, "SELECT count(*) FROM kv WHERE id>?", &e);
	db_bind_int64(st, 1, 0);
	assert_int_equal(db_scalar_int64(st, &n, &e), QERR_OK);
	assert_int_equal(db_query_int64(t->db2, "SELECT pg_backend_pid()", &pid, &e), QERR_OK);
	char sql[80];
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
	exec_ok(t->db, sql);
	usleep(100 * 1000);
	st = db_prepare(t->db2, "SELECT count(*) FROM kv WHERE id>?", &e);
	db_bind_int64(st, 1, 0);
	enum qerr rc = db_scalar_int64(st, &n, &e);
	if (rc) {
		assert_int_equal(rc, QERR_UNAVAILABLE);
		st = db_prepare(t->db2, "SELECT count(*) FROM kv WHERE id>?", &e);
		db_bind_int64(st, 1, 0);
		assert_int_equal(db_scalar_int64(st, &n, &e), QERR_OK); /* prepared again on the new connection */
	}
	int64_t pid2 = 0;
	assert_int_equal(db_query_int64(t->db2, "SELECT pg_backend_pid()", &pid2, &e), QERR_OK);
	assert_true(pid2 != pid);

	/* lost inside a write: the rest of it fails (nothing runs outside a transaction) until the rollback */
	exec_ok(t->db, "DELETE FROM kv");
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	exec_ok(t->db2, "INSERT INTO kv(id,n) VALUES(41,1)");
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid2);
	exec_ok(t->db, sql);
	usleep(100 * 1000);
	assert_int_equal(db_exec(t->db2, "INSERT INTO kv(id,n) VALUES(42,1)", &e), QERR_UNAVAILABLE);
	assert_int_equal(db_exec(t->db2, "INSERT INTO kv(id,n) VALUES(43,1)", &e), QERR_UNAVAILABLE);
	assert_int_equal(db_commit(t->db2, &e), QERR_UNAVAILABLE);
	assert_true(db_in_transaction(t->db2));
	db_rollback(t->db2);
	assert_false(db_in_transaction(t->db2));
	assert_int_equal(db_query_int64(t->db, "SELECT count(*) FROM kv", &n, &e), QERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(db_ping(t->db2, &e), QERR_OK);
}

/* The state pg_stat_activity shows for backend pid, once it is `want` (waiting up to 2 s); "" if never. */
static void backend_state(struct db *db, int64_t pid, const char *want, char *out, size_t cap)
{
	struct qerror e = {0};
	out[0] = 0;
	for (int i = 0; i < 200 && strcmp(out, want) != 0; i++) {
		if (i)
			usleep(10 * 1000);
		struct db_stmt *st = db_prepare(db, "SELECT coalesce(state,'') FROM pg_stat_activity WHERE pid=?", &e);
		db_bind_int64(st, 1, pid);
		assert_int_equal(db_one(st, &e), QERR_OK);
		snprintf(out, cap, "%s", db_col_text(st, 0));
		db_reset(st);
	}
}

/* Waits (up to 5 s) until backend pid has gone from pg_stat_activity: pg_terminate_backend only signals it. */
static void backend_gone(struct db *db, int64_t pid)
{
	struct qerror e = {0};
	int64_t n = 1;
	for (int i = 0; i < 500 && n; i++) {
		if (i)
			usleep(10 * 1000);
		struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM pg_stat_activity WHERE pid=?", &e);
		db_bind_int64(st, 1, pid);
		assert_int_equal(db_scalar_int64(st, &n, &e), QERR_OK);
	}
	assert_int_equal(n, 0);
}

static int64_t read_n(struct db *db, enum qerr want)
{
	struct qerror e = {0};
	int64_t n = -1;
	struct db_stmt *st = db_prepare(db, "SELECT n FROM kv WHERE id=?", &e);
	db_bind_int64(st, 1, 1);
	assert_int_equal(db_scalar_int64(st, &n, &e), want);
	return n;
}

/*
 * Read transactions: the BEGIN goes with the first statement and the
 * ROLLBACK without waiting for its answer (two round trips fewer per GET);
 * a read transaction is still one snapshot, and it ends on the server at the
 * ROLLBACK, not at the connection's next use.
 */
static void test_read_transactions(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	char st8[64];
	int64_t pid = 0;
	exec_ok(t->db, "DELETE FROM kv");
	exec_ok(t->db, "INSERT INTO kv(id,n) VALUES(1,10)");
	assert_int_equal(db_query_int64(t->db2, "SELECT pg_backend_pid()", &pid, &e), QERR_OK);

	/* one snapshot: a commit between two reads of one read transaction is not seen */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_true(db_in_transaction(t->db2));
	assert_int_equal(read_n(t->db2, QERR_OK), 10);
	exec_ok(t->db, "UPDATE kv SET n=11 WHERE id=1");
	assert_int_equal(read_n(t->db2, QERR_OK), 10);
	backend_state(t->db, pid, "idle in transaction", st8, sizeof st8);
	assert_string_equal(st8, "idle in transaction");
	db_rollback(t->db2);
	assert_false(db_in_transaction(t->db2));
	/* the ROLLBACK's answer is not awaited, but the server ends the transaction at once */
	backend_state(t->db, pid, "idle", st8, sizeof st8);
	assert_string_equal(st8, "idle");
	assert_int_equal(read_n(t->db2, QERR_OK), 11);

	/* the snapshot is the first statement's (as with REPEATABLE READ before): a commit before it is seen */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	exec_ok(t->db, "UPDATE kv SET n=12 WHERE id=1");
	backend_state(t->db, pid, "idle", st8, sizeof st8);
	assert_string_equal(st8, "idle"); /* nothing sent yet */
	assert_int_equal(read_n(t->db2, QERR_OK), 12);
	exec_ok(t->db, "UPDATE kv SET n=13 WHERE id=1");
	assert_int_equal(read_n(t->db2, QERR_OK), 12);
	db_release(t->db2);
	assert_false(db_in_transaction(t->db2));

	/* a read transaction with no statement sends nothing and leaves nothing open */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	db_rollback(t->db2);
	assert_false(db_in_transaction(t->db2));
	assert_int_equal(read_n(t->db2, QERR_OK), 13);

	/* db_exec in a read transaction runs after its BEGIN */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	exec_ok(t->db2, "SET LOCAL statement_timeout='5s'");
	backend_state(t->db, pid, "idle in transaction", st8, sizeof st8);
	assert_string_equal(st8, "idle in transaction");
	assert_int_equal(read_n(t->db2, QERR_OK), 13);
	db_rollback(t->db2);

	/* an error in the first statement (sent with the BEGIN) fails that transaction only */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	struct db_stmt *bad = db_prepare(t->db2, "SELECT 1/(n-n) FROM kv WHERE id=?", &e);
	db_bind_int64(bad, 1, 1);
	assert_int_equal(db_one(bad, &e), QERR_INTERNAL);
	assert_true(db_in_transaction(t->db2));
	assert_int_equal(read_n(t->db2, QERR_INTERNAL), -1); /* the transaction is aborted, as it always was */
	db_rollback(t->db2);
	assert_false(db_in_transaction(t->db2));
	assert_int_equal(read_n(t->db2, QERR_OK), 13);

	/* a write transaction after a read one whose ROLLBACK is unread */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_int_equal(read_n(t->db2, QERR_OK), 13);
	db_rollback(t->db2);
	assert_int_equal(db_begin_write(t->db2, &e), QERR_OK);
	exec_ok(t->db2, "UPDATE kv SET n=14 WHERE id=1");
	assert_int_equal(db_commit(t->db2, &e), QERR_OK);
	assert_int_equal(read_n(t->db, QERR_OK), 14);

	/* the connection lost after a read transaction (its ROLLBACK unread): busy at most once, then reconnected */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_int_equal(read_n(t->db2, QERR_OK), 14);
	db_release(t->db2);
	char sql[80];
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)pid);
	exec_ok(t->db, sql);
	usleep(100 * 1000);
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	struct db_stmt *st = db_prepare(t->db2, "SELECT n FROM kv WHERE id=?", &e);
	db_bind_int64(st, 1, 1);
	int64_t n = 0;
	enum qerr rc = db_scalar_int64(st, &n, &e);
	if (rc) {
		assert_int_equal(rc, QERR_UNAVAILABLE);
		db_release(t->db2);
		assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
		n = read_n(t->db2, QERR_OK);
	}
	assert_int_equal(n, 14);
	assert_true(db_in_transaction(t->db2));
	db_release(t->db2);
	assert_false(db_in_transaction(t->db2));
	int64_t pid2 = 0;
	assert_int_equal(db_query_int64(t->db2, "SELECT pg_backend_pid()", &pid2, &e), QERR_OK);
	assert_true(pid2 != pid);

	/* on a standby the BEGIN goes at once: a standby that went away fails db_begin_read */
	struct db *sb = db_open_standby(t->url, t->url, &e);
	assert_non_null(sb);
	int64_t spid = 0;
	assert_int_equal(db_query_int64(sb, "SELECT pg_backend_pid()", &spid, &e), QERR_OK);
	assert_int_equal(db_begin_read(sb, &e), QERR_OK);
	backend_state(t->db, spid, "idle in transaction", st8, sizeof st8);
	assert_string_equal(st8, "idle in transaction");
	db_release(sb);
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%lld)", (long long)spid);
	exec_ok(t->db, sql);
	backend_gone(t->db, spid);
	/* busy at most once (or reconnected at once, if the lost connection was noticed reading the
	   ROLLBACK's answer), then a new connection */
	enum qerr src = db_begin_read(sb, &e);
	if (src) {
		assert_int_equal(src, QERR_UNAVAILABLE);
		db_release(sb);
		assert_int_equal(db_begin_read(sb, &e), QERR_OK);
	}
	assert_int_equal(read_n(sb, QERR_OK), 14);
	db_close(sb);
	exec_ok(t->db, "DELETE FROM kv");
}

/* A deferred statement's own read (another text than read_n's, as the HTTP server's session check). */
static struct db_stmt *deferred_n(struct db *db, int64_t id)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(db, "SELECT n, t FROM kv WHERE id=?", &e);
	assert_non_null(st);
	db_bind_int64(st, 1, id);
	return st;
}

/* db_defer's check in these tests: the row's n is the one wanted. */
struct want {
	int64_t n;
	int calls;
};

static bool check_n(struct db_stmt *st, void *arg)
{
	struct want *w = arg;
	struct qerror e = {0};
	w->calls++;
	bool ok = db_one(st, &e) == QERR_OK && db_col_int64(st, 0) == w->n;
	db_reset(st);
	return ok;
}

/*
 * db_defer: a check goes with the read transaction's first statement, in
 * its snapshot, and is read before that statement's answer is given; when
 * it does not hold, or the transaction ended or was bypassed before its
 * first statement, or it failed, nothing but a ROLLBACK runs until
 * db_deferred is asked.
 */
static void test_deferred(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	exec_ok(t->db, "DELETE FROM kv");
	exec_ok(t->db, "INSERT INTO kv(id,n,t) VALUES(1,10,'a'),(2,20,'b')");

	/* sent with the first statement: both in the snapshot it takes (a commit before it counts) */
	struct want w = {21, 0};
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_true(db_defer(t->db2, deferred_n(t->db2, 2), check_n, &w));
	exec_ok(t->db, "UPDATE kv SET n=21 WHERE id=2");
	assert_int_equal(w.calls, 0); /* nothing sent yet */
	assert_int_equal(read_n(t->db2, QERR_OK), 10);
	assert_int_equal(w.calls, 1);
	exec_ok(t->db, "UPDATE kv SET n=22 WHERE id=2");
	assert_int_equal(read_n(t->db2, QERR_OK), 10);
	db_release(t->db2); /* a check that held stays so after its transaction */
	assert_int_equal(db_deferred(t->db2), DB_DEFER_CONFIRMED);
	assert_int_equal(db_deferred(t->db2), DB_DEFER_NONE); /* forgotten */

	/* a check that does not hold: the first statement's answer is refused, and everything after it */
	w = (struct want){21, 0};
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_true(db_defer(t->db2, deferred_n(t->db2, 2), check_n, &w));
	assert_int_equal(read_n(t->db2, QERR_UNAVAILABLE), -1);
	assert_int_equal(w.calls, 1);
	struct qerror we = {0};
	assert_int_equal(db_begin_write(t->db2, &we), QERR_UNAVAILABLE);
	assert_string_equal(we.slug, "session_unconfirmed");
	assert_int_equal(db_exec(t->db2, "SELECT 1", &we), QERR_UNAVAILABLE);
	db_release(t->db2); /* a ROLLBACK still goes */
	assert_int_equal(read_n(t->db2, QERR_UNAVAILABLE), -1);
	assert_int_equal(db_deferred(t->db2), DB_DEFER_LOST);
	assert_int_equal(read_n(t->db2, QERR_OK), 10);

	/* no statement ran: the caller runs it now, as the transaction's first */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	struct db_stmt *d = deferred_n(t->db2, 2);
	assert_true(db_defer(t->db2, d, check_n, &w));
	assert_int_equal(db_deferred(t->db2), DB_DEFER_PENDING);
	assert_int_equal(db_one(d, &e), QERR_OK);
	assert_int_equal(db_col_int64(d, 0), 22);
	db_reset(d);
	db_release(t->db2);

	/* the transaction ended before its first statement: lost, and nothing runs until asked */
	w = (struct want){22, 0};
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_true(db_defer(t->db2, deferred_n(t->db2, 2), check_n, &w));
	db_rollback(t->db2);
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_int_equal(read_n(t->db2, QERR_UNAVAILABLE), -1);
	assert_int_equal(db_begin_write(t->db2, &we), QERR_UNAVAILABLE);
	assert_int_equal(w.calls, 0);
	db_release(t->db2);
	assert_int_equal(db_deferred(t->db2), DB_DEFER_LOST);
	assert_int_equal(read_n(t->db2, QERR_OK), 10);

	/* only right after db_begin_read */
	assert_false(db_defer(t->db2, deferred_n(t->db2, 2), check_n, &w)); /* no read transaction */
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_int_equal(read_n(t->db2, QERR_OK), 10);
	assert_false(db_defer(t->db2, deferred_n(t->db2, 2), check_n, &w)); /* a statement ran in it already */
	db_release(t->db2);

	/* its own failure loses it */
	w = (struct want){0, 0};
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	struct db_stmt *bad = db_prepare(t->db2, "SELECT 1/(n-n) FROM kv WHERE id=?", &e);
	db_bind_int64(bad, 1, 1);
	assert_true(db_defer(t->db2, bad, check_n, &w));
	assert_int_equal(read_n(t->db2, QERR_UNAVAILABLE), -1);
	assert_int_equal(w.calls, 0);
	db_release(t->db2);
	assert_int_equal(db_deferred(t->db2), DB_DEFER_LOST);
	assert_int_equal(db_begin_read(t->db2, &e), QERR_OK);
	assert_int_equal(read_n(t->db2, QERR_OK), 10);
	db_release(t->db2);
	exec_ok(t->db, "DELETE FROM kv");
}

/* Counters and the word index column the market writes. */
static void test_counters_and_words(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	int64_t v = -1;
	assert_int_equal(db_counter(t->db, "pgtest", &v, &e), QERR_OK);
	assert_int_equal(v, 0);
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(db_touch(t->db, "pgtest", &e), QERR_OK);
	assert_int_equal(db_touch(t->db, "pgtest", &e), QERR_OK);
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	assert_int_equal(db_counter(t->db2, "pgtest", &v, &e), QERR_OK);
	assert_int_equal(v, 2);
	/* exact lexemes: no parser or dictionary touches them */
	struct db_stmt *st =
	    db_prepare(t->db, "SELECT CAST(? AS tsvector) @@ CAST(? AS tsquery), CAST(? AS tsvector) @@ CAST(? AS tsquery)", &e);
	db_bind_text(st, 1, "'精密' '加工' 'it''s' 'C++'");
	db_bind_text(st, 2, "'加工' & 'C++'");
	db_bind_text(st, 3, "'精密' '加工'");
	db_bind_text(st, 4, "'精密' & '模具'");
	assert_int_equal(db_one(st, &e), QERR_OK);
	assert_true(db_col_bool(st, 0));
	assert_false(db_col_bool(st, 1));
	db_reset(st);
}

/* Bulk writing: plain INSERTs become COPY rows, other statements are pipelined; errors come at the end. */
static void test_bulk(void **state)
{
	NEED_SERVER(state);
	struct pgt *t = *state;
	struct qerror e = {0};
	static const unsigned char blob[] = {0, '\t', '\n', '\\', 0xfe};
	static const char *const texts[] = {"tab\there", "line\nbreak\r", "back\\slash \\N", "\\.", "七链", ""};
	exec_ok(t->db, "DELETE FROM kv");
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	db_bulk_begin(t->db);
	for (int i = 1; i <= 3000; i++) {
		struct db_stmt *st = db_prepare(t->db, "INSERT INTO kv(id,n,t,b) VALUES(?1,?2,?3,?4)", &e);
		db_bind_int64(st, 1, i);
		if (i % 7)
			db_bind_int64(st, 2, i * 2);
		db_bind_text(st, 3, texts[i % 6]);
		if (i % 5 == 0)
			db_bind_blob(st, 4, blob, sizeof blob);
		assert_int_equal(db_run(st, &e), QERR_OK);
		if (i % 1000 == 0) {
			/* an UPDATE between (pipelined once prepared), then copying again */
			st = db_prepare(t->db, "UPDATE kv SET n=n+1 WHERE id=?", &e);
			db_bind_int64(st, 1, i - 1);
			assert_int_equal(db_run(st, &e), QERR_OK);
		}
	}
	assert_int_equal(db_bulk_end(t->db, &e), QERR_OK);
	assert_int_equal(db_commit(t->db, &e), QERR_OK);
	int64_t n = 0;
	assert_int_equal(db_query_int64(t->db, "SELECT count(*) FROM kv", &n, &e), QERR_OK);
	assert_int_equal(n, 3000);
	struct db_stmt *st = db_prepare(t->db, "SELECT id,n,t,b FROM kv WHERE id<=30 OR id=999 ORDER BY id", &e);
	int rc;
	while ((rc = db_step(st, &e)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		if (id % 7)
			assert_int_equal(db_col_int64(st, 1), id * 2 + (id == 999 ? 1 : 0));
		else
			assert_true(db_col_is_null(st, 1));
		assert_string_equal(db_col_text(st, 2), texts[id % 6]);
		if (id % 5 == 0) {
			assert_int_equal(db_col_bytes(st, 3), sizeof blob);
			assert_memory_equal(db_col_blob(st, 3), blob, sizeof blob);
		} else {
			assert_true(db_col_is_null(st, 3));
		}
	}
	assert_int_equal(rc, DB_DONE);

	/* a bad row (a duplicate key) surfaces at db_bulk_end, and the transaction rolls back whole */
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	db_bulk_begin(t->db);
	for (int i = 0; i < 10; i++) {
		st = db_prepare(t->db, "INSERT INTO kv(id,n,t,b) VALUES(?1,?2,?3,?4)", &e);
		db_bind_int64(st, 1, 5000 + (i == 7 ? 0 : i));
		assert_int_equal(db_run(st, &e), QERR_OK);
	}
	assert_int_equal(db_bulk_end(t->db, &e), QERR_CONFLICT);
	db_rollback(t->db);
	assert_false(db_in_transaction(t->db));
	assert_int_equal(db_query_int64(t->db, "SELECT count(*) FROM kv", &n, &e), QERR_OK);
	assert_int_equal(n, 3000);
	/* the error is reported once: the connection works on */
	assert_int_equal(db_ping(t->db, &e), QERR_OK);
	exec_ok(t->db, "DELETE FROM kv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backend),
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_write_lock),
	    cmocka_unit_test(test_serialisation_failure),
	    cmocka_unit_test(test_hot_rows),
	    cmocka_unit_test(test_reconnect),
	    cmocka_unit_test(test_read_transactions),
	    cmocka_unit_test(test_deferred),
	    cmocka_unit_test(test_counters_and_words),
	    cmocka_unit_test(test_bulk),
	};
	const struct CMUnitTest pure[] = {cmocka_unit_test(test_rewrite), cmocka_unit_test(test_masked)};
	int failed = cmocka_run_group_tests_name("store_pg rewriting", pure, NULL, NULL);
	if (!base_url())
		printf("test_store_pg: QILIAN_TEST_PG is not set: the tests against a PostgreSQL server are skipped"
		       " (make api-pg runs them on its own cluster)\n");
	return failed + cmocka_run_group_tests_name("store_pg server", tests, setup, teardown);
}
