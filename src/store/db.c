/*
 * db.c - the backend-independent half of the store seam: connections and
 * their open hooks, the statement cache, binds and columns dispatched to
 * the driver, the helpers built on stepping, transactions and change
 * counters, and the fault-injection hook of the tests. See db.h for the
 * contracts.
 */
#include "store/db_private.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/jsonio.h"
#include "base/log.h"
#include "base/util.h"

#define DB_MAX_HOOKS 16

/* The connection a call on db works on: the writer connection while one of db's shared writes runs. */
static struct db *T(struct db *db) { return db->active ? db->active : db; }

static enum qerr group_begin(struct db *db, struct qerror *err);
static enum qerr group_commit(struct db *db, enum db_fault_action a, struct qerror *err);
static void group_rollback(struct db *db);
static void writer_unshare(struct db *db);
static enum qerr wrong_turn(struct db *db, struct qerror *err);

/* ---- fault injection (db_fault_set): inert while faults is NULL ---- */

static struct db_faults *faults;

void db_fault_set(struct db_faults *f)
{
	if (f)
		f->begins = f->steps = f->commits = f->injected = 0;
	__atomic_store_n(&faults, f, __ATOMIC_SEQ_CST);
}

bool db_fault_lost(const struct db *db) { return db->fault_lost; }

/* $QILIAN_DB_FAULT, read at the first db_open (see db.h). */
static struct db_faults env_faults;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static void fault_env_init(void)
{
	static const char prefix[] = "abort-after-commit:";
	const char *v = getenv("QILIAN_DB_FAULT");
	if (!v || strncmp(v, prefix, sizeof prefix - 1) != 0)
		return;
	char *end = NULL;
	long n = strtol(v + sizeof prefix - 1, &end, 10);
	if (n <= 0 || !end || *end)
		return;
	env_faults.commit_nth = n;
	env_faults.commit_action = DB_FAULT_ABORT_AFTER;
	db_fault_set(&env_faults);
}

static bool fault_armed(const struct db *db)
{
	return __builtin_expect(db->fault_lost || __atomic_load_n(&faults, __ATOMIC_RELAXED) != NULL, 0);
}

static enum qerr fault_lost_error(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "connection_lost", NULL, "database connection lost");
}

/* An injected crash: the open transaction goes, as a dying process loses it, and so does the connection. */
static void fault_lose(struct db *db)
{
	struct qerror ignored = {0};
	if (db->active)
		group_rollback(db);
	db->drv->reset_busy(db);
	if (db->drv->in_transaction(db))
		db->drv->exec(db, db->drv->rollback_sql, &ignored);
	db->fault_lost = true;
}

/* What the set faults say to do at this call (counting it). */
static enum db_fault_action fault_decide(struct db *db, enum db_fault_point at, const char *sql)
{
	struct db_faults *f = __atomic_load_n(&faults, __ATOMIC_ACQUIRE);
	if (!f)
		return DB_FAULT_NONE;
	long *count = &f->commits, nth = f->commit_nth;
	enum db_fault_action planned = f->commit_action;
	if (at == DB_AT_BEGIN) {
		count = &f->begins, nth = f->begin_nth, planned = f->begin_action;
	} else if (at == DB_AT_STEP) {
		count = &f->steps, nth = f->step_nth, planned = f->step_action;
	}
	long n = __atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	enum db_fault_action a = f->decide ? f->decide(f->ctx, db, at, sql) : DB_FAULT_NONE;
	if (a == DB_FAULT_NONE && nth > 0 && n == nth)
		a = planned;
	if (a == DB_FAULT_LOST_ACK && at != DB_AT_COMMIT)
		a = DB_FAULT_CRASH; /* only a commit has an answer to lose */
	if (a == DB_FAULT_ABORT_AFTER && at != DB_AT_COMMIT)
		a = DB_FAULT_ABORT;
	if (a != DB_FAULT_NONE)
		__atomic_add_fetch(&f->injected, 1, __ATOMIC_RELAXED);
	return a;
}

/* Carries out action a (not LOST_ACK) before the call: QERR_OK lets the call go ahead. */
static enum qerr fault_apply(struct db *db, enum db_fault_action a, struct qerror *err)
{
	switch (a) {
	case DB_FAULT_NONE:
		return QERR_OK;
	case DB_FAULT_ERROR:
		return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "database error: injected fault");
	case DB_FAULT_BUSY:
		return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database busy, try again");
	case DB_FAULT_ABORT:
		abort();
	case DB_FAULT_CRASH:
	case DB_FAULT_LOST_ACK:
	case DB_FAULT_ABORT_AFTER:
		break;
	}
	fault_lose(db);
	return fault_lost_error(err);
}

/* The check at a begin or a step: a lost connection refuses everything. */
static enum qerr fault_check(struct db *db, enum db_fault_point at, const char *sql, struct qerror *err)
{
	if (db->fault_lost)
		return fault_lost_error(err);
	return fault_apply(db, fault_decide(db, at, sql), err);
}

static db_open_hook open_hooks[DB_MAX_HOOKS];
static int open_hook_count;

void db_add_open_hook(db_open_hook fn)
{
	for (int i = 0; i < open_hook_count; i++)
		if (open_hooks[i] == fn)
			return;
	if (open_hook_count < DB_MAX_HOOKS)
		open_hooks[open_hook_count++] = fn;
}

bool db_is_url(const char *path)
{
	return path && (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

const char *db_path_masked(const char *path, char *buf, size_t cap)
{
	if (!cap)
		return buf;
	buf[0] = 0;
	if (!path)
		return buf;
	size_t o = 0;
#define PUT(p, n)                                                                                                      \
	do {                                                                                                           \
		size_t n_ = (n);                                                                                       \
		if (n_ > cap - 1 - o)                                                                                  \
			n_ = cap - 1 - o;                                                                              \
		memcpy(buf + o, (p), n_);                                                                              \
		o += n_;                                                                                               \
	} while (0)
	if (!db_is_url(path)) {
		PUT(path, strlen(path));
		buf[o] = 0;
		return buf;
	}
	const char *auth = strstr(path, "://") + 3;
	size_t alen = strcspn(auth, "/?#");
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	const char *p = path;
	if (colon) {
		PUT(p, (size_t)(colon + 1 - p));
		PUT("***", 3);
		p = at;
	}
	/* the rest, with the value of a password= parameter masked */
	const char *q = strchr(p, '?');
	if (!q) {
		PUT(p, strlen(p));
	} else {
		PUT(p, (size_t)(q - p));
		for (p = q; *p;) {
			size_t n = 1 + strcspn(p + 1, "&#");
			if (strncmp(p + 1, "password=", 9) == 0) {
				PUT(p, 10);
				PUT("***", 3);
			} else {
				PUT(p, n);
			}
			p += n;
			if (*p == '#') {
				PUT(p, strlen(p));
				break;
			}
		}
	}
#undef PUT
	buf[o] = 0;
	return buf;
}

struct db *db_open(const char *path, bool create, struct qerror *err)
{
	pthread_once(&env_once, fault_env_init);
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return NULL;
	}
	db->drv = db_is_url(path) ? &db_driver_pgsql : &db_driver_sqlite;
	db->path = strdup(path ? path : "");
	if (!db->path || db->drv->open(db, path, create, err)) {
		if (!db->path)
			qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		free(db->path);
		free(db);
		return NULL;
	}
	for (int i = 0; i < open_hook_count; i++)
		if (open_hooks[i](db, err)) {
			db_close(db);
			return NULL;
		}
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->active)
		group_rollback(db);
	if (db->writer)
		writer_unshare(db);
	for (int i = 0; i < DB_STMT_CACHE; i++)
		if (db->cache[i].impl)
			db->drv->finalize(db->cache[i].impl);
	db->drv->close(db);
	free(db->path);
	free(db);
}

struct db *db_open_standby(const char *path, const char *primary, struct qerror *err)
{
	struct db *db = db_open(path, false, err);
	if (!db)
		return NULL;
	char *p = strdup(primary ? primary : "");
	if (!p) {
		db_close(db);
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return NULL;
	}
	free(db->path);
	db->path = p;
	db->standby = true;
	return db;
}

const char *db_path(const struct db *db) { return db->path; }
const char *db_backend(const struct db *db) { return db->drv->name; }
bool db_is_pg(const struct db *db) { return db->drv == &db_driver_pgsql; }
const char *db_pick(const struct db *db, const char *sqlite_sql, const char *pg_sql)
{
	return db->drv == &db_driver_pgsql ? pg_sql : sqlite_sql;
}

enum qerr db_register_tokenizer(struct db *db, const struct db_tokenizer *t, struct qerror *err)
{
	return db->drv->register_tokenizer(db, t, err);
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct qerror *err)
{
	if (db->fault_lost) {
		fault_lost_error(err);
		return NULL;
	}
	db = T(db);
	unsigned h = (unsigned)(((uintptr_t)sql >> 3) % DB_STMT_CACHE);
	for (int probe = 0; probe < DB_STMT_CACHE; probe++) {
		struct db_stmt *s = &db->cache[(h + (unsigned)probe) % DB_STMT_CACHE];
		if (s->sql == sql) {
			db->drv->reset(s->impl);
			db->drv->clear_bindings(s->impl);
			return s;
		}
		if (!s->sql) {
			if (db->drv->prepare(db, sql, true, &s->impl, err)) {
				s->impl = NULL;
				return NULL;
			}
			s->db = db;
			s->sql = sql;
			return s;
		}
	}
	/* Cache full: cannot happen with the program's fixed set of statements. */
	qerr_set(err, QERR_INTERNAL, "statement_cache_full", NULL, "statement cache full");
	return NULL;
}

struct db_stmt *db_prepare_dynamic(struct db *db, const char *sql, struct qerror *err)
{
	db = T(db);
	struct db_stmt *s = calloc(1, sizeof *s);
	if (!s) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return NULL;
	}
	if (db->drv->prepare(db, sql, false, &s->impl, err)) {
		free(s);
		return NULL;
	}
	s->db = db;
	return s;
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	st->db->drv->finalize(st->impl);
	free(st);
}

void db_reset(struct db_stmt *st) { st->db->drv->reset(st->impl); }

void db_bind_int64(struct db_stmt *st, int idx, int64_t v) { st->db->drv->bind_int64(st->impl, idx, v); }
void db_bind_int(struct db_stmt *st, int idx, int v) { st->db->drv->bind_int64(st->impl, idx, v); }
void db_bind_bool(struct db_stmt *st, int idx, bool v) { st->db->drv->bind_int64(st->impl, idx, v ? 1 : 0); }
void db_bind_double(struct db_stmt *st, int idx, double v) { st->db->drv->bind_double(st->impl, idx, v); }
void db_bind_null(struct db_stmt *st, int idx) { st->db->drv->bind_null(st->impl, idx); }

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		st->db->drv->bind_text(st->impl, idx, s, strlen(s), true);
	else
		st->db->drv->bind_null(st->impl, idx);
}

void db_bind_text_n(struct db_stmt *st, int idx, const char *s, size_t len)
{
	if (s)
		st->db->drv->bind_text(st->impl, idx, s, len, true);
	else
		st->db->drv->bind_null(st->impl, idx);
}

void db_bind_text_ref(struct db_stmt *st, int idx, const char *s, size_t len)
{
	if (s)
		st->db->drv->bind_text(st->impl, idx, s, len, false);
	else
		st->db->drv->bind_null(st->impl, idx);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len)
{
	st->db->drv->bind_blob(st->impl, idx, p, len, true);
}

void db_bind_opt_int64(struct db_stmt *st, int idx, bool present, int64_t v)
{
	if (present)
		st->db->drv->bind_int64(st->impl, idx, v);
	else
		st->db->drv->bind_null(st->impl, idx);
}

void db_bind_text_or_null(struct db_stmt *st, int idx, const char *s)
{
	db_bind_text(st, idx, s && *s ? s : NULL);
}

int db_step(struct db_stmt *st, struct qerror *err)
{
	struct db *db = st->db;
	if (__builtin_expect(db->active || db->holder || db->writer_conn, 0) && wrong_turn(db, err))
		return -1;
	struct db *f = db->holder ? db->holder : db; /* faults count against the write's own connection */
	if (fault_armed(f) && fault_check(f, DB_AT_STEP, st->sql, err)) {
		if (!f->fault_lost)
			db->drv->reset(st->impl);
		return -1;
	}
	return db->drv->step(db, st->impl, err);
}

enum qerr db_run(struct db_stmt *st, struct qerror *err)
{
	int rc;
	if (st->db->bulk && st->db->drv->send) {
		rc = st->db->drv->send(st->db, st->impl, err);
		if (rc > 0)
			return QERR_OK;
		if (rc < 0)
			return err->code;
	}
	while ((rc = db_step(st, err)) == DB_ROW)
		;
	if (rc < 0)
		return err->code;
	db_reset(st);
	return QERR_OK;
}

enum qerr db_one(struct db_stmt *st, struct qerror *err)
{
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		return QERR_OK;
	if (rc < 0)
		return err->code;
	db_reset(st);
	return qerr_set(err, QERR_NOT_FOUND, "not_found", NULL, "not found");
}

enum qerr db_scalar_int64(struct db_stmt *st, int64_t *out, struct qerror *err)
{
	enum qerr rc = db_one(st, err);
	if (rc)
		return rc;
	*out = db_col_int64(st, 0);
	db_reset(st);
	return QERR_OK;
}

int64_t db_col_int64(struct db_stmt *st, int col) { return st->db->drv->col_int64(st->impl, col); }
int db_col_int(struct db_stmt *st, int col) { return (int)st->db->drv->col_int64(st->impl, col); }
bool db_col_bool(struct db_stmt *st, int col) { return st->db->drv->col_int64(st->impl, col) != 0; }
double db_col_double(struct db_stmt *st, int col) { return st->db->drv->col_double(st->impl, col); }
bool db_col_is_null(struct db_stmt *st, int col) { return st->db->drv->col_is_null(st->impl, col); }

const char *db_col_text(struct db_stmt *st, int col)
{
	const char *t = st->db->drv->col_text(st->impl, col);
	return t ? t : "";
}

const char *db_col_text_or_null(struct db_stmt *st, int col) { return st->db->drv->col_text(st->impl, col); }
const void *db_col_blob(struct db_stmt *st, int col) { return st->db->drv->col_blob(st->impl, col); }
size_t db_col_bytes(struct db_stmt *st, int col) { return st->db->drv->col_bytes(st->impl, col); }

json_t *db_col_json_text(struct db_stmt *st, int col)
{
	const char *t = st->db->drv->col_text(st->impl, col);
	return t ? json_string(t) : json_null();
}

json_t *db_col_json_int(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_integer(db_col_int64(st, col));
}

json_t *db_col_json_bool(struct db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? json_null() : json_boolean(db_col_int64(st, col) != 0);
}

enum qerr db_page(struct db_stmt *st, int limit, json_t *(*row)(struct db_stmt *), json_t **out,
		  struct qerror *err)
{
	*out = NULL;
	json_t *items = json_array();
	int rc, n = 0;
	int64_t last = 0;
	bool more = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		last = db_col_int64(st, 0);
		json_array_append_new(items, row(st));
		n++;
	}
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	db_reset(st);
	*out = json_page(items, more, last);
	return QERR_OK;
}

int64_t db_changes(struct db *db) { return T(db)->drv->changes(T(db)); }

void db_bulk_begin(struct db *db) { T(db)->bulk = true; }

enum qerr db_bulk_end(struct db *db, struct qerror *err)
{
	db = T(db);
	db->bulk = false;
	return db->drv->flush ? db->drv->flush(db, err) : QERR_OK;
}

/*
 * Transaction control runs as cached statements: parsing BEGIN and ROLLBACK
 * on every request showed in profiles. They step the driver directly, so
 * injected faults count them as begins and commits, not as steps.
 */
static enum qerr run_cached(struct db *db, const char *sql, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db->drv->step(db, st->impl, err)) == DB_ROW)
		;
	if (rc < 0)
		return err->code;
	db->drv->reset(st->impl);
	return QERR_OK;
}

/* Rolls back db's open transaction: the cached ROLLBACK, or parsed afresh if that fails. */
static void rollback_now(struct db *db)
{
	struct qerror ignored = {0};
	if (run_cached(db, db->drv->rollback_sql, &ignored))
		db->drv->exec(db, db->drv->rollback_sql, &ignored);
}

/* A transaction starts from a clean connection: a statement left on a row would pin an old snapshot. */
enum qerr db_begin_write(struct db *db, struct qerror *err)
{
	if (fault_armed(db) && fault_check(db, DB_AT_BEGIN, db->drv->begin_write_sql, err))
		return err->code;
	if (db->writer && !db->active)
		return group_begin(db, err);
	db = T(db);
	db->drv->reset_busy(db);
	if (db->drv->write_yield)
		db->drv->write_yield(db);
	if (db->drv->begin_write)
		return db->drv->begin_write(db, err);
	return run_cached(db, db->drv->begin_write_sql, err);
}

enum qerr db_begin_read(struct db *db, struct qerror *err)
{
	if (fault_armed(db) && fault_check(db, DB_AT_BEGIN, db->drv->begin_read_sql, err))
		return err->code;
	db = T(db);
	db->drv->reset_busy(db);
	return run_cached(db, db->drv->begin_read_sql, err);
}

enum qerr db_commit(struct db *db, struct qerror *err)
{
	if (db->active) {
		enum db_fault_action a = fault_armed(db) && !db->fault_lost
						 ? fault_decide(db, DB_AT_COMMIT, db->drv->commit_sql)
						 : DB_FAULT_NONE;
		return group_commit(db, a, err);
	}
	if (fault_armed(db)) {
		if (db->fault_lost)
			return fault_lost_error(err);
		enum db_fault_action a = fault_decide(db, DB_AT_COMMIT, db->drv->commit_sql);
		if (a == DB_FAULT_ABORT_AFTER) {
			run_cached(db, db->drv->commit_sql, err);
			abort();
		}
		if (a == DB_FAULT_LOST_ACK) {
			enum qerr rc = run_cached(db, db->drv->commit_sql, err);
			if (rc)
				return rc;
			fault_lose(db);
			return fault_lost_error(err);
		}
		if (fault_apply(db, a, err))
			return err->code;
	}
	enum qerr rc = run_cached(db, db->drv->commit_sql, err);
	if (!rc && db->drv->end_write)
		db->drv->end_write(db, true);
	return rc;
}

void db_hot(struct db *db, const char *name)
{
	db = T(db);
	if (db->drv->hot)
		db->drv->hot(db, name);
}

/* (no deferral while faults are set: every statement meets them at its own step) */
static bool defer_check(void *arg)
{
	struct db *db = arg;
	return db->defer_check(db->defer_st, db->defer_arg);
}

bool db_defer(struct db *db, struct db_stmt *st, bool (*check)(struct db_stmt *st, void *arg), void *arg)
{
	if (db->fault_lost || fault_armed(db) || db->bulk || !db->drv->defer)
		return false;
	db->defer_st = st;
	db->defer_check = check;
	db->defer_arg = arg;
	return db->drv->defer(db, st->impl, defer_check, db);
}

enum db_deferral db_deferred(struct db *db) { return db->drv->deferred ? db->drv->deferred(db) : DB_DEFER_NONE; }

bool db_in_transaction(struct db *db) { return !db->fault_lost && T(db)->drv->in_transaction(T(db)); }

void db_rollback(struct db *db)
{
	if (db->active) {
		group_rollback(db);
		return;
	}
	struct qerror ignored = {0};
	if (db->bulk)
		db_bulk_end(db, &ignored);
	if (db->fault_lost)
		return;
	if (db->drv->in_transaction(db))
		rollback_now(db);
	if (db->drv->end_write)
		db->drv->end_write(db, false);
}

void db_release(struct db *db)
{
	if (db->active)
		group_rollback(db);
	if (db->fault_lost)
		return;
	db->drv->reset_busy(db);
	db_rollback(db);
}

enum qerr db_exec(struct db *db, const char *sql, struct qerror *err)
{
	if (db->fault_lost)
		return fault_lost_error(err);
	db = T(db);
	return db->drv->exec(db, sql, err);
}

enum qerr db_query_int64(struct db *db, const char *sql, int64_t *out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	enum qerr rc = db_scalar_int64(st, out, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "database error: no row from %s", sql);
	return rc;
}

enum qerr db_ping(struct db *db, struct qerror *err)
{
	int64_t one;
	return db_query_int64(db, "SELECT 1", &one, err);
}

enum qerr db_touch(struct db *db, const char *name, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO change_counters(name,version) VALUES(?,1)"
					" ON CONFLICT(name) DO UPDATE SET version=change_counters.version+1",
					err);
	if (!st)
		return err->code;
	db_hot(db, name); /* if this transaction loses a conflict, its next try queues for the counter */
	db_bind_text(st, 1, name);
	return db_run(st, err);
}

enum qerr db_counter(struct db *db, const char *name, int64_t *version, struct qerror *err)
{
	*version = 0;
	struct db_stmt *st = db_prepare(db, "SELECT version FROM change_counters WHERE name=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, name);
	enum qerr rc = db_scalar_int64(st, version, err);
	if (rc == QERR_NOT_FOUND) {
		qerr_clear(err);
		return QERR_OK;
	}
	return rc;
}

/*
 * ---- the shared writer: group commit on SQLite (db_share_writer) ----
 *
 * SQLite lets one connection write at a time, and a commit costs the same few pages again each
 * time (the tables' last leaves, the indexes' hot pages, the finance chain head): 25 WAL pages a
 * finance transfer. A connection also drops its whole page cache whenever another connection
 * wrote, so per-thread writers read every page back from the WAL. So the server's connections
 * write on one writer connection per database, a turn at a time (w->turn), and writes that queue
 * behind each other share a transaction: a write that finds others waiting for the turn when it
 * commits does not commit. It releases its savepoint, hands the turn on and waits; the write that
 * finds no one waiting (or the group full) commits for all of them and tells each the outcome.
 * Nothing is answered before its COMMIT, so an acknowledged write is durable as before, and a
 * write that fails rolls back to its savepoint without touching the others'. The order of the
 * turns is the serial order, as SQLite's write lock was.
 */
#define GROUP_MAX 64 /* writes in one transaction at most (each one waits for the last) */

static const char group_savepoint_sql[] = "SAVEPOINT qilian_group";
static const char group_release_sql[] = "RELEASE qilian_group";
static const char group_undo_sql[] = "ROLLBACK TO qilian_group";

struct group_member {
	struct group_member *next;
	bool done;
	enum qerr rc;
	struct qerror err;
};

struct db_writer {
	struct db_writer *next;
	char *path;
	int refs;
	struct db *conn;
	pthread_mutex_t turn; /* held from a write's begin to its commit or rollback */
	int waiting;	      /* threads waiting for the turn (atomic; given up under mu) */
	bool holding;	      /* a write holds the turn and has not yet decided at its end (under mu) */
	bool nested;	      /* the holder's write runs in a savepoint: earlier writes wait in the transaction */
	/* Writes released into the open transaction, waiting for its commit (changed by the turn holder, under mu). */
	struct group_member *pending;
	int npending;
	pthread_mutex_t mu; /* guards the members' outcomes */
	pthread_cond_t decided;
	int64_t writes, commits; /* committed writes and the COMMITs that carried them (atomic) */
};

static pthread_mutex_t writers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct db_writer *writers;

enum qerr db_share_writer(struct db *db, struct qerror *err)
{
	if (db->drv != &db_driver_sqlite || db->writer || db->writer_conn || db->standby)
		return QERR_OK;
	pthread_mutex_lock(&writers_mu);
	struct db_writer *w = writers;
	while (w && strcmp(w->path, db->path) != 0)
		w = w->next;
	if (!w) {
		w = calloc(1, sizeof *w);
		if (w && !(w->path = strdup(db->path))) {
			free(w);
			w = NULL;
		}
		if (!w) {
			pthread_mutex_unlock(&writers_mu);
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		}
		w->conn = db_open(db->path, false, err);
		if (!w->conn) {
			pthread_mutex_unlock(&writers_mu);
			free(w->path);
			free(w);
			return err->code;
		}
		w->conn->writer_conn = true;
		pthread_mutex_init(&w->turn, NULL);
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->decided, NULL);
		w->next = writers;
		writers = w;
	}
	w->refs++;
	pthread_mutex_unlock(&writers_mu);
	db->writer = w;
	return QERR_OK;
}

bool db_writer_stats(struct db *db, struct db_writer_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!db->writer)
		return false;
	out->writes = __atomic_load_n(&db->writer->writes, __ATOMIC_RELAXED);
	out->commits = __atomic_load_n(&db->writer->commits, __ATOMIC_RELAXED);
	out->waiting = __atomic_load_n(&db->writer->waiting, __ATOMIC_SEQ_CST);
	return true;
}

static void writer_unshare(struct db *db)
{
	struct db_writer *w = db->writer;
	db->writer = NULL;
	pthread_mutex_lock(&writers_mu);
	if (--w->refs == 0) {
		struct db_writer **p = &writers;
		while (*p != w)
			p = &(*p)->next;
		*p = w->next;
		db_close(w->conn);
		pthread_mutex_destroy(&w->turn);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->decided);
		free(w->path);
		free(w);
	}
	pthread_mutex_unlock(&writers_mu);
}

/* A statement used off its turn: one prepared before db_begin_write, or a writer's after the write's commit. */
static enum qerr wrong_turn(struct db *db, struct qerror *err)
{
	bool bad = db->active || (db->writer_conn && (!db->holder || !pthread_equal(db->holder_thread, pthread_self())));
	if (!bad)
		return QERR_OK;
	log_error("a statement was run outside the write transaction it belongs to (prepared before db_begin_write, "
		  "or kept after db_commit)");
	return qerr_set(err, QERR_INTERNAL, "database_error", NULL,
			"database error: a statement ran outside its write transaction");
}

/*
 * Takes the write turn, waiting at most db_write_wait_ms (SQLite's busy limit: a write behind a
 * long one, a big import, is told the database is busy instead of holding its thread for as long).
 * A waiter may give up only if the writes waiting in the transaction keep someone to commit them:
 * a holder (it decides at its end, under w->mu, from the waiters then) or another waiter. If none
 * is left but it, the turn is free or being handed to it: it takes it after all.
 */
static long write_wait_ms = 10000;

void db_set_write_wait_ms(long ms) { __atomic_store_n(&write_wait_ms, ms, __ATOMIC_RELAXED); }

static enum qerr turn_take(struct db_writer *w, struct db *db, struct qerror *err)
{
	__atomic_add_fetch(&w->waiting, 1, __ATOMIC_SEQ_CST);
	struct timespec until = util_mono_after_ns((int64_t)__atomic_load_n(&write_wait_ms, __ATOMIC_RELAXED) * 1000000);
	if (pthread_mutex_clocklock(&w->turn, CLOCK_MONOTONIC, &until) != 0) {
		pthread_mutex_lock(&w->mu);
		bool needed = w->npending > 0 && !w->holding && w->waiting == 1;
		if (!needed)
			__atomic_sub_fetch(&w->waiting, 1, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&w->mu);
		if (!needed)
			return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database busy, try again");
		pthread_mutex_lock(&w->turn);
	}
	pthread_mutex_lock(&w->mu);
	__atomic_sub_fetch(&w->waiting, 1, __ATOMIC_SEQ_CST);
	w->holding = true;
	pthread_mutex_unlock(&w->mu);
	w->conn->holder = db;
	w->conn->holder_thread = pthread_self();
	return QERR_OK;
}

/* Ends db's turn: no statement of the writer stays mid-result for the next holder to trip on. */
static void turn_give(struct db_writer *w, struct db *db)
{
	w->conn->drv->reset_busy(w->conn);
	db->active = NULL;
	w->conn->holder = NULL;
	pthread_mutex_lock(&w->mu);
	w->holding = false;
	pthread_mutex_unlock(&w->mu);
	pthread_mutex_unlock(&w->turn);
}

/*
 * The holder's decision at its end, under w->mu so that no waiter gives up in between: true if a
 * write waits for the turn (it, or one after it, will commit the writes waiting in the transaction);
 * then join, if given, is added to those writes in the same step.
 */
static bool writer_waits(struct db_writer *w, struct group_member *join)
{
	pthread_mutex_lock(&w->mu);
	bool waits = w->waiting > 0;
	if (waits) {
		w->holding = false; /* from here the waiters count on themselves (turn_take) */
		if (join) { /* the holder's own write waits in the transaction with the others */
			join->next = w->pending;
			w->pending = join;
			w->npending++;
		}
	}
	pthread_mutex_unlock(&w->mu);
	return waits;
}

/* Tells every waiting write of the transaction its outcome (rc, with e when it failed). */
static void group_decide(struct db_writer *w, enum qerr rc, const struct qerror *e)
{
	pthread_mutex_lock(&w->mu);
	for (struct group_member *m = w->pending; m; m = m->next) {
		m->rc = rc;
		if (rc)
			m->err = *e;
		m->done = true;
	}
	w->pending = NULL;
	w->npending = 0;
	pthread_cond_broadcast(&w->decided);
	pthread_mutex_unlock(&w->mu);
}

/* Commits the writer's transaction for every write in it (mine: the holder's too); on failure rolls it back and fails them all. */
static enum qerr group_commit_all(struct db_writer *w, bool mine, struct qerror *err)
{
	struct db *c = w->conn;
	struct qerror e = {0};
	enum qerr rc = run_cached(c, c->drv->commit_sql, &e);
	if (!rc) {
		__atomic_add_fetch(&w->writes, w->npending + (mine ? 1 : 0), __ATOMIC_RELAXED);
		__atomic_add_fetch(&w->commits, 1, __ATOMIC_RELAXED);
	}
	if (rc && c->drv->in_transaction(c))
		rollback_now(c);
	group_decide(w, rc, &e);
	if (rc && err)
		*err = e;
	return rc;
}

/* The waiting writes' transaction went (SQLite rolls a transaction back on some errors): they failed. */
static enum qerr rolled_back(struct qerror *err)
{
	return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database busy, try again (the write was rolled back)");
}

static void group_lost(struct db_writer *w)
{
	struct qerror e = {0};
	group_decide(w, rolled_back(&e), &e);
}

static enum qerr group_begin(struct db *db, struct qerror *err)
{
	struct db_writer *w = db->writer;
	struct db *c = w->conn;
	db->drv->reset_busy(db);
	if (db->drv->in_transaction(db)) /* as BEGIN IMMEDIATE on this connection would say */
		return qerr_set(err, QERR_INTERNAL, "database_error", NULL,
				"database error: cannot start a transaction within a transaction");
	if (turn_take(w, db, err))
		return err->code;
	c->drv->reset_busy(c);
	enum qerr rc;
	if (c->drv->in_transaction(c)) {
		w->nested = true;
		rc = run_cached(c, group_savepoint_sql, err);
	} else {
		if (w->npending)
			group_lost(w);
		w->nested = false;
		if (c->drv->write_yield)
			c->drv->write_yield(c);
		rc = run_cached(c, c->drv->begin_write_sql, err);
	}
	if (rc) {
		if (w->npending)
			group_commit_all(w, false, NULL);
		turn_give(w, db);
		return rc;
	}
	db->active = c;
	return QERR_OK;
}

/* Undoes db's write (its savepoint, or the whole transaction when it is alone in it) and ends its turn. */
static void group_rollback(struct db *db)
{
	struct db_writer *w = db->writer;
	struct db *c = w->conn;
	struct qerror ignored = {0};
	c->drv->reset_busy(c);
	c->bulk = false;
	/* Alone in the transaction, or a savepoint that cannot be undone (nothing of it can be trusted then): all of it. */
	if (c->drv->in_transaction(c) &&
	    (!w->nested || run_cached(c, group_undo_sql, &ignored) || run_cached(c, group_release_sql, &ignored)))
		rollback_now(c);
	if (w->npending) {
		if (!c->drv->in_transaction(c))
			group_lost(w);
		else if (!writer_waits(w, NULL))
			group_commit_all(w, false, NULL); /* no one after us to commit the waiting writes */
	}
	turn_give(w, db);
}

static enum qerr group_commit(struct db *db, enum db_fault_action a, struct qerror *err)
{
	struct db_writer *w = db->writer;
	struct db *c = w->conn;
	switch (a) {
	case DB_FAULT_ABORT:
		abort();
	case DB_FAULT_ERROR:
	case DB_FAULT_BUSY:
		fault_apply(db, a, err);
		group_rollback(db);
		return err->code;
	case DB_FAULT_CRASH:
		group_rollback(db);
		db->fault_lost = true;
		return fault_lost_error(err);
	case DB_FAULT_NONE:
	case DB_FAULT_LOST_ACK:
	case DB_FAULT_ABORT_AFTER:
		break;
	}
	c->bulk = false;
	c->drv->reset_busy(c);
	if (w->nested && c->drv->in_transaction(c) && run_cached(c, group_release_sql, err)) {
		enum qerr rc = err->code;
		group_rollback(db);
		return rc;
	}
	if (!c->drv->in_transaction(c)) {
		group_lost(w);
		turn_give(w, db);
		return rolled_back(err);
	}
	struct group_member me = {0};
	if (a == DB_FAULT_NONE && w->npending + 1 < GROUP_MAX && writer_waits(w, &me)) {
		/* Others wait for the turn: the last of them commits this write with theirs. */
		turn_give(w, db);
		pthread_mutex_lock(&w->mu);
		while (!me.done)
			pthread_cond_wait(&w->decided, &w->mu);
		pthread_mutex_unlock(&w->mu);
		if (me.rc)
			*err = me.err;
		return me.rc;
	}
	enum qerr rc = group_commit_all(w, true, err);
	if (a == DB_FAULT_ABORT_AFTER)
		abort();
	turn_give(w, db);
	if (!rc && a == DB_FAULT_LOST_ACK) {
		db->fault_lost = true;
		return fault_lost_error(err);
	}
	return rc;
}
