/*
 * driver_sqlite.c - the SQLite backend of the store seam: one file in WAL
 * mode, prepared statements, error mapping, and the FTS5 word tokenizer
 * bridge (v1 tokenizer API, as SQLite 3.40.1 has it).
 */
#include "store/db_private.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"

static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

/*
 * The write turn. SQLite's busy timeout sleeps 1, 2, 5, 10 ... 100 ms between tries, so with
 * several writers the database idles while the next one sleeps (tail latency, lost throughput).
 * Instead a writer that finds the lock taken waits on a process-wide condition that every commit
 * signals from the WAL hook (which SQLite calls after the write lock is released), and tries again
 * at once; the wait is capped at 1 ms so a rollback, a commit that wrote nothing or another
 * process's writer is never waited on longer. The total wait is capped at BUSY_LIMIT_NS, as the
 * 10 s busy timeout was.
 */
#define BUSY_LIMIT_NS 10000000000LL
#define BUSY_POLL_NS 1000000L
/* Frames in the WAL before a commit checkpoints it (SQLite's default is 1000): a transfer rewrites
 * the same few pages, and a checkpoint copies each page once and syncs twice, so checkpointing
 * less often writes and syncs less per commit. */
#define CHECKPOINT_FRAMES 8000
/* Frames in the WAL (32768: 128 MiB) from which the checkpoint also restarts it (see checkpointer). */
#define RESTART_FRAMES 32768

static pthread_mutex_t turn_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv;
static uint64_t turn_gen;
static __thread struct timespec busy_since;

static void sqlite_global_init(void)
{
	/* Memory statistics cost a global mutex on every SQLite allocation; we never read them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&turn_cv, &ca);
	pthread_condattr_destroy(&ca);
}

static void turn_signal(void)
{
	pthread_mutex_lock(&turn_mu);
	turn_gen++;
	pthread_cond_broadcast(&turn_cv);
	pthread_mutex_unlock(&turn_mu);
}

static int sq_busy(void *arg, int count);

/*
 * The checkpoint runs off the request path: the commit that finds CHECKPOINT_FRAMES more frames in
 * the WAL than the last checkpoint found starts a detached thread that checkpoints on a connection
 * of its own, one at a time per process, PASSIVE: writers and readers go on meanwhile while it
 * copies the pages and syncs. That alone never lets the WAL start again from its beginning under
 * continuous writes (SQLite restarts it only when a writer begins with every frame copied, and
 * writers append while the checkpoint copies), so the WAL grew without end under load: hundreds
 * of MB a minute, every append a new file block to allocate and zero. So once the WAL is
 * RESTART_FRAMES long the thread checkpoints again in RESTART mode: that takes the write lock
 * (writers wait in sq_busy), copies what was committed during the first pass (little, so its two
 * syncs are short), waits for readers to leave the WAL and starts it again from its beginning.
 * Checkpointing is crash-safe at any point.
 */
static atomic_bool ckpt_running;
static atomic_int ckpt_frames;	     /* the WAL's length when the last checkpoint started */
static atomic_bool ckpt_restarting; /* the RESTART pass waits for the write lock (see sq_write_yield) */

struct ckpt_job {
	char *path;
	bool restart;
};

static void *checkpointer(void *arg)
{
	struct ckpt_job *job = arg;
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(job->path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK) {
		sqlite3_busy_handler(h, sq_busy, NULL);
		/* A connection learns that the file is in WAL mode at its first read; before that
		 * sqlite3_wal_checkpoint_v2 does nothing and says SQLITE_OK (nothing was ever copied). */
		int rc = sqlite3_exec(h, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc == SQLITE_OK && job->restart) {
			atomic_store(&ckpt_restarting, true);
			rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
			atomic_store(&ckpt_restarting, false);
			turn_signal();
		}
		if (rc != SQLITE_OK && rc != SQLITE_BUSY) /* busy: a reader stayed; a later commit tries again */
			log_error("WAL checkpoint of %s: %s", job->path, sqlite3_errmsg(h));
	}
	sqlite3_close_v2(h);
	free(job->path);
	free(job);
	atomic_store(&ckpt_running, false);
	return NULL;
}

static int sq_wal_hook(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)arg;
	turn_signal();
	int last = atomic_load(&ckpt_frames);
	if (frames < last)
		last = 0; /* the WAL started again */
	if (frames < CHECKPOINT_FRAMES || frames - last < CHECKPOINT_FRAMES || atomic_exchange(&ckpt_running, true))
		return SQLITE_OK;
	atomic_store(&ckpt_frames, frames);
	const char *file = sqlite3_db_filename(h, name);
	struct ckpt_job *job = calloc(1, sizeof *job);
	if (job) {
		job->path = file && *file ? strdup(file) : NULL;
		job->restart = frames >= RESTART_FRAMES;
	}
	pthread_attr_t at;
	pthread_t t;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (!job || !job->path || pthread_create(&t, &at, checkpointer, job) != 0) {
		if (job)
			free(job->path);
		free(job);
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL); /* here, then */
		atomic_store(&ckpt_running, false);
	}
	pthread_attr_destroy(&at);
	return SQLITE_OK;
}

static int sq_busy(void *arg, int count)
{
	(void)arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (count == 0)
		busy_since = now;
	else if ((now.tv_sec - busy_since.tv_sec) * 1000000000LL + (now.tv_nsec - busy_since.tv_nsec) > BUSY_LIMIT_NS)
		return 0;
	struct timespec until = util_mono_after_ns(BUSY_POLL_NS);
	pthread_mutex_lock(&turn_mu);
	uint64_t gen = turn_gen;
	while (turn_gen == gen)
		if (pthread_cond_timedwait(&turn_cv, &turn_mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&turn_mu);
	return 1;
}

/*
 * Before a write transaction starts: while the checkpoint's RESTART pass waits for the write lock,
 * new writers wait for it (up to YIELD_LIMIT_NS). Without this the shared writer (db.c) never let
 * it in: its next write takes the lock the instant the last one commits, while the checkpointer
 * is still waking up, so under steady writes the RESTART pass lost every race for its 10 s and
 * the WAL grew to hundreds of MB again.
 */
#define YIELD_LIMIT_NS 200000000L

static void sq_write_yield(struct db *db)
{
	(void)db;
	if (!atomic_load(&ckpt_restarting))
		return;
	struct timespec until = util_mono_after_ns(YIELD_LIMIT_NS);
	pthread_mutex_lock(&turn_mu);
	while (atomic_load(&ckpt_restarting))
		if (pthread_cond_timedwait(&turn_cv, &turn_mu, &until) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&turn_mu);
}

static sqlite3 *H(struct db *db)
{
	return db->impl;
}

static enum qerr map_error(struct db *db, struct qerror *err)
{
	int rc = sqlite3_extended_errcode(H(db));
	int primary = rc & 0xff;
	if (primary == SQLITE_CONSTRAINT)
		return qerr_set(err, QERR_CONFLICT, "conflict", NULL, "conflict: %s", sqlite3_errmsg(H(db)));
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database busy, try again");
	return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "database error: %s", sqlite3_errmsg(H(db)));
}

static enum qerr sq_exec(struct db *db, const char *sql, struct qerror *err)
{
	char *msg = NULL;
	if (sqlite3_exec(H(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum qerr rc = map_error(db, err);
		sqlite3_free(msg);
		return rc;
	}
	return QERR_OK;
}

static enum qerr sq_open(struct db *db, const char *path, bool create, struct qerror *err)
{
	pthread_once(&sqlite_once, sqlite_global_init);
	sqlite3 *h = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &h, flags, NULL);
	if (rc != SQLITE_OK) {
		qerr_set(err, QERR_INVALID, "database_unavailable", "db", "cannot open database %s: %s", path,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return err->code;
	}
	db->impl = h;
	sqlite3_busy_handler(h, sq_busy, NULL);
	sqlite3_wal_hook(h, sq_wal_hook, NULL);
	sqlite3_extended_result_codes(h, 1);
	if (sq_exec(db,
		    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
		    err)) {
		sqlite3_close(h);
		db->impl = NULL;
		return err->code;
	}
	return QERR_OK;
}

static void sq_close(struct db *db)
{
	sqlite3_close_v2(H(db));
}

static enum qerr sq_prepare(struct db *db, const char *sql, bool persistent, void **impl, struct qerror *err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(H(db), sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK) {
		*impl = NULL;
		return map_error(db, err);
	}
	*impl = st;
	return QERR_OK;
}

static void sq_finalize(void *impl)
{
	sqlite3_finalize(impl);
}
static void sq_reset(void *impl)
{
	sqlite3_reset(impl);
}
static void sq_clear_bindings(void *impl)
{
	sqlite3_clear_bindings(impl);
}
static void sq_bind_int64(void *impl, int idx, int64_t v)
{
	sqlite3_bind_int64(impl, idx, v);
}
static void sq_bind_double(void *impl, int idx, double v)
{
	sqlite3_bind_double(impl, idx, v);
}
static void sq_bind_null(void *impl, int idx)
{
	sqlite3_bind_null(impl, idx);
}

static void sq_bind_text(void *impl, int idx, const char *s, size_t len, bool copy)
{
	sqlite3_bind_text64(impl, idx, s, len, copy ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8);
}

static void sq_bind_blob(void *impl, int idx, const void *p, size_t len, bool copy)
{
	sqlite3_bind_blob64(impl, idx, p, len, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

static int sq_step(struct db *db, void *impl, struct qerror *err)
{
	int rc = sqlite3_step(impl);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	map_error(db, err);
	sqlite3_reset(impl);
	return -1;
}

static int64_t sq_col_int64(void *impl, int col)
{
	return sqlite3_column_int64(impl, col);
}
static double sq_col_double(void *impl, int col)
{
	return sqlite3_column_double(impl, col);
}
static bool sq_col_is_null(void *impl, int col)
{
	return sqlite3_column_type(impl, col) == SQLITE_NULL;
}
static const char *sq_col_text(void *impl, int col)
{
	return (const char *)sqlite3_column_text(impl, col);
}
static const void *sq_col_blob(void *impl, int col)
{
	return sqlite3_column_blob(impl, col);
}
static size_t sq_col_bytes(void *impl, int col)
{
	return (size_t)sqlite3_column_bytes(impl, col);
}

static bool sq_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(H(db));
}
static int64_t sq_changes(struct db *db)
{
	return sqlite3_changes64(H(db));
}

static void sq_reset_busy(struct db *db)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(H(db), NULL); st; st = sqlite3_next_stmt(H(db), st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
}

/*
 * The FTS5 bridge. The tokenizer holds no per-table state, so xCreate hands
 * the registered struct db_tokenizer back as the Fts5Tokenizer instance.
 */
static int fts_create(void *user, const char **args, int nargs, Fts5Tokenizer **out)
{
	const struct db_tokenizer *t = user;
	*out = NULL;
	if (nargs != 0) {
		log_error("fts5 tokenizer %s takes no options (%d given)", t->name, nargs);
		return SQLITE_ERROR;
	}
	struct qerror err;
	qerr_clear(&err);
	if (t->init && t->init(&err) != QERR_OK) {
		log_error("fts5 tokenizer %s: %s", t->name, err.message);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)(void *)t;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *tok) {}

struct fts_bridge {
	void *ctx;
	int (*token)(void *ctx, int tflags, const char *token, int ntoken, int start, int end);
};

static int fts_token(void *p, const struct db_token *t)
{
	struct fts_bridge *b = p;
	/* Lengths and offsets fit: FTS5 gave us the text as an int-sized buffer. */
	return b->token(b->ctx, t->colocated ? FTS5_TOKEN_COLOCATED : 0, t->term, (int)t->len, (int)t->start,
			(int)t->end);
}

static int fts_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int len,
			int (*token)(void *ctx, int tflags, const char *token, int ntoken, int start, int end))
{
	const struct db_tokenizer *t = (const void *)tok;
	if (!text || len <= 0)
		return SQLITE_OK;
	struct fts_bridge b = {.ctx = ctx, .token = token};
	/* Documents and auxiliary functions get sub-words (colocated); MATCH text gets words only. */
	int rc = t->tokenize(text, (size_t)len, (flags & FTS5_TOKENIZE_QUERY) != 0, fts_token, &b);
	if (rc == DB_TOKENIZE_NOMEM)
		return SQLITE_NOMEM;
	if (rc < 0)
		return SQLITE_ERROR;
	return rc; /* SQLITE_OK, or what FTS5's callback returned to stop us */
}

static fts5_tokenizer fts_methods = {
    .xCreate = fts_create,
    .xDelete = fts_delete,
    .xTokenize = fts_tokenize,
};

static enum qerr sq_register_tokenizer(struct db *db, const struct db_tokenizer *t, struct qerror *err)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(H(db), "SELECT fts5(?1)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK || !api || api->iVersion < 2)
		return qerr_set(err, QERR_INTERNAL, "fts5_unavailable", NULL, "SQLite FTS5 is not available (%s)",
				rc ? sqlite3_errmsg(H(db)) : "no fts5_api");
	rc = api->xCreateTokenizer(api, t->name, (void *)t, &fts_methods, NULL);
	if (rc != SQLITE_OK)
		return qerr_set(err, QERR_INTERNAL, "fts5_unavailable", NULL, "cannot register the %s tokenizer: %s",
				t->name, sqlite3_errstr(rc));
	return QERR_OK;
}

const struct db_driver db_driver_sqlite = {
    .name = "sqlite",
    .begin_write_sql = "BEGIN IMMEDIATE",
    .begin_read_sql = "BEGIN",
    .commit_sql = "COMMIT",
    .rollback_sql = "ROLLBACK",
    .open = sq_open,
    .close = sq_close,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .clear_bindings = sq_clear_bindings,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_null = sq_bind_null,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_is_null = sq_col_is_null,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_bytes = sq_col_bytes,
    .exec = sq_exec,
    .in_transaction = sq_in_transaction,
    .changes = sq_changes,
    .reset_busy = sq_reset_busy,
    .register_tokenizer = sq_register_tokenizer,
    .write_yield = sq_write_yield,
};
