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

#include "base/jsonio.h"

#define DB_MAX_HOOKS 16

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
	if (fault_armed(st->db) && fault_check(st->db, DB_AT_STEP, st->sql, err)) {
		if (!st->db->fault_lost)
			st->db->drv->reset(st->impl);
		return -1;
	}
	return st->db->drv->step(st->db, st->impl, err);
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

int64_t db_changes(struct db *db) { return db->drv->changes(db); }

void db_bulk_begin(struct db *db) { db->bulk = true; }

enum qerr db_bulk_end(struct db *db, struct qerror *err)
{
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

/* A transaction starts from a clean connection: a statement left on a row would pin an old snapshot. */
enum qerr db_begin_write(struct db *db, struct qerror *err)
{
	if (fault_armed(db) && fault_check(db, DB_AT_BEGIN, db->drv->begin_write_sql, err))
		return err->code;
	db->drv->reset_busy(db);
	if (db->drv->begin_write)
		return db->drv->begin_write(db, err);
	return run_cached(db, db->drv->begin_write_sql, err);
}

enum qerr db_begin_read(struct db *db, struct qerror *err)
{
	if (fault_armed(db) && fault_check(db, DB_AT_BEGIN, db->drv->begin_read_sql, err))
		return err->code;
	db->drv->reset_busy(db);
	return run_cached(db, db->drv->begin_read_sql, err);
}

enum qerr db_commit(struct db *db, struct qerror *err)
{
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

bool db_in_transaction(struct db *db) { return !db->fault_lost && db->drv->in_transaction(db); }

void db_rollback(struct db *db)
{
	struct qerror ignored = {0};
	if (db->bulk)
		db_bulk_end(db, &ignored);
	if (db->fault_lost)
		return;
	if (db->drv->in_transaction(db) && run_cached(db, db->drv->rollback_sql, &ignored))
		db->drv->exec(db, db->drv->rollback_sql, &ignored);
	if (db->drv->end_write)
		db->drv->end_write(db, false);
}

void db_release(struct db *db)
{
	if (db->fault_lost)
		return;
	db->drv->reset_busy(db);
	db_rollback(db);
}

enum qerr db_exec(struct db *db, const char *sql, struct qerror *err)
{
	if (db->fault_lost)
		return fault_lost_error(err);
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
