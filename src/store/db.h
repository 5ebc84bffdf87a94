/*
 * db.h - the store seam: the only way any part of Qilian reaches its
 * database. Modelled on Dovecot's lib-sql: this public API, a private
 * driver table (db_private.h) and one file per backend (driver_sqlite.c;
 * a PostgreSQL driver sits beside it without any domain changing).
 *
 * One struct db is one connection, used by one thread at a time. Domains
 * write SQL text in the portable subset docs/architecture.md names, with
 * `?` (or `?N`) placeholders, bind typed values, step rows and read typed
 * columns:
 *
 *     struct db_stmt *st = db_prepare(db, "SELECT name FROM orgs WHERE id=?", err);
 *     if (!st)
 *         return err->code;
 *     db_bind_int64(st, 1, id);
 *     if ((rc = db_one(st, err)))        // QERR_NOT_FOUND when no row
 *         return rc;
 *     name = strdup(db_col_text(st, 0));
 *     db_reset(st);
 *
 * Statements from db_prepare are cached per connection by the address of
 * their SQL text (which must therefore be a string literal or otherwise
 * live as long as the program) and are never finalized by the caller:
 * db_prepare resets them and clears their bindings. SQL built at run time
 * goes through db_prepare_dynamic and db_finalize.
 *
 * Errors are mapped to one set of codes whatever the backend: a constraint
 * violation is QERR_CONFLICT ("conflict"), a busy database or a
 * serialisation failure QERR_UNAVAILABLE ("database_busy"), anything else
 * QERR_INTERNAL ("database_error").
 */
#ifndef QILIAN_DB_H
#define QILIAN_DB_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"

struct db;
struct db_stmt;

/* What db_step returns besides -1 (error, err filled, statement reset). */
enum { DB_DONE = 0, DB_ROW = 1 };

/* ---- connections ---- */

/*
 * Opens (creating it if create=true) the database at path: a file name for
 * SQLite, a postgresql:// (or postgres://) URL for PostgreSQL (libpq's
 * connection URI; the database must exist, create is ignored). Runs every open hook (db_add_open_hook) on the new connection.
 * Returns NULL and fills err on failure.
 */
struct db *db_open(const char *path, bool create, struct qerror *err);
void db_close(struct db *db);
/*
 * Opens path, a read-only copy of the database at primary (a streaming hot
 * standby), as db_open does, except that db_path gives primary: caches keyed
 * by the database's path (the match index, the subscription cache) then treat
 * the standby and its primary as one database and catch up by change counter
 * on either. Writing through it fails (the standby refuses).
 */
struct db *db_open_standby(const char *path, const char *primary, struct qerror *err);
/*
 * Makes db's write transactions run on this process's one writer connection to the same
 * SQLite file, one at a time, with group commit: writes that queue behind each other share
 * one COMMIT, each in a savepoint of its own (a failed one undoes only itself), and each
 * db_commit returns only once its write is committed (db.c, "the shared writer"). Between
 * db_begin_write and db_commit or db_rollback every call on db goes to the writer
 * connection; a statement prepared before db_begin_write, or kept after the commit, fails
 * when stepped. The server does this for its request threads. PostgreSQL: no effect.
 */
enum qerr db_share_writer(struct db *db, struct qerror *err);
/*
 * The longest a shared write waits for its turn (10,000 ms, as SQLite's busy limit) before it
 * fails with QERR_UNAVAILABLE "database_busy" (a 503 the client may retry): a write behind a long
 * one does not hold its server thread for as long. Tests shorten it.
 */
void db_set_write_wait_ms(long ms);
/* For a connection db_share_writer shared (false otherwise): its writer's counts so far. */
struct db_writer_stats {
	int64_t writes;	 /* writes committed */
	int64_t commits; /* the COMMITs that carried them */
	int waiting;	 /* writes waiting for their turn now */
};
bool db_writer_stats(struct db *db, struct db_writer_stats *out);
/* The path or address the connection was opened with. */
const char *db_path(const struct db *db);
/* The backend's name: "sqlite" or "postgresql". */
const char *db_backend(const struct db *db);
/* True when path names a PostgreSQL database (postgresql:// or postgres://). */
bool db_is_url(const char *path);
/*
 * path for messages and logs: a PostgreSQL URL's password (user:PASSWORD@
 * and a password= parameter) shown as ***; anything else as it is. Writes
 * into buf (cap bytes, cut if longer) and returns buf.
 */
const char *db_path_masked(const char *path, char *buf, size_t cap);
/* True on the PostgreSQL backend. */
bool db_is_pg(const struct db *db);
/*
 * Per-backend SQL: the text for this connection's backend. Both must be
 * static (the statement cache keys on the address). Mark the call site
 * `per-backend:`; everything else is one text for both (docs/architecture.md).
 */
const char *db_pick(const struct db *db, const char *sqlite_sql, const char *pg_sql);

/*
 * Per-connection hooks: fn runs on every connection db_open makes, after
 * the backend's own settings, in the order the hooks were added. A module
 * that needs something on each connection (the word tokenizer of the
 * full-text indexes) adds its hook once at start-up, before any db_open
 * and before threads start. Adding the same fn again does nothing.
 */
typedef enum qerr (*db_open_hook)(struct db *db, struct qerror *err);
void db_add_open_hook(db_open_hook fn);

/*
 * A word tokenizer for the backend's full-text indexes (SQLite FTS5
 * `tokenize='NAME'`). tokenize() calls fn for each term of text[0..len):
 * query=true for search text, false for documents, whose extra index terms
 * (sub-words) come with colocated=true at the position of the term before.
 * It returns 0, what fn returned when fn stopped it (non-zero), or
 * DB_TOKENIZE_NOMEM / DB_TOKENIZE_ERROR. init() runs before first use and
 * may run more than once.
 */
struct db_token {
	const char *term;
	size_t len;
	size_t start, end; /* byte range of the text the term was read from */
	bool colocated;
};
typedef int (*db_token_fn)(void *ctx, const struct db_token *t);
enum { DB_TOKENIZE_NOMEM = -1, DB_TOKENIZE_ERROR = -2 };
struct db_tokenizer {
	const char *name;
	enum qerr (*init)(struct qerror *err);
	int (*tokenize)(const char *text, size_t len, bool query, db_token_fn fn, void *ctx);
};
/* Registers t on this connection (t must outlive it). QERR_INTERNAL when the backend has no full-text search. */
enum qerr db_register_tokenizer(struct db *db, const struct db_tokenizer *t, struct qerror *err);

/* ---- statements ---- */

/* A ready-to-bind cached statement for sql (static text, see above). NULL with err filled on error. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct qerror *err);
/* A statement for SQL text built at run time; not cached: free it with db_finalize. */
struct db_stmt *db_prepare_dynamic(struct db *db, const char *sql, struct qerror *err);
void db_finalize(struct db_stmt *st);
/* Ends the current result (the statement can run again with the same bindings). */
void db_reset(struct db_stmt *st);

/* Binds, 1-based. Text and blobs are copied unless the _ref form is used. */
void db_bind_int64(struct db_stmt *st, int idx, int64_t v);
void db_bind_int(struct db_stmt *st, int idx, int v);
void db_bind_bool(struct db_stmt *st, int idx, bool v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_null(struct db_stmt *st, int idx);
/* NULL binds SQL NULL. */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_text_n(struct db_stmt *st, int idx, const char *s, size_t len);
/* Not copied: s must stay valid until the statement is reset or rebound (bulk imports). NULL binds NULL. */
void db_bind_text_ref(struct db_stmt *st, int idx, const char *s, size_t len);
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t len);
/* Nullable binds: SQL NULL when the value is absent. */
void db_bind_opt_int64(struct db_stmt *st, int idx, bool present, int64_t v);
/* Empty or NULL text binds SQL NULL. */
void db_bind_text_or_null(struct db_stmt *st, int idx, const char *s);

/* Steps st: DB_ROW, DB_DONE, or -1 with err filled (st is then reset). */
int db_step(struct db_stmt *st, struct qerror *err);

/* Runs a statement that returns no rows we need (INSERT/UPDATE/DELETE) to the end and resets it. */
enum qerr db_run(struct db_stmt *st, struct qerror *err);

/*
 * "One row or not found": steps st once. QERR_OK leaves st on the row (read
 * its columns, then db_reset); no row gives QERR_NOT_FOUND with err filled
 * (slug "not_found"; callers usually set their own message) and st reset.
 */
enum qerr db_one(struct db_stmt *st, struct qerror *err);

/* Column 0 of the one row st gives (a count, an id from RETURNING id); resets st. QERR_NOT_FOUND without a row. */
enum qerr db_scalar_int64(struct db_stmt *st, int64_t *out, struct qerror *err);

/*
 * The integer of a static query without parameters that always gives one row
 * (a count, a maximum, a setting): db_prepare + db_scalar_int64. No row is a
 * database error here (QERR_INTERNAL naming the SQL), not "not found".
 */
enum qerr db_query_int64(struct db *db, const char *sql, int64_t *out, struct qerror *err);

/* Columns of the current row, 0-based. */
int64_t db_col_int64(struct db_stmt *st, int col);
int db_col_int(struct db_stmt *st, int col);
bool db_col_bool(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
bool db_col_is_null(struct db_stmt *st, int col);
/* Text ("" for NULL), valid until the next step or reset. */
const char *db_col_text(struct db_stmt *st, int col);
/* Text, or NULL for SQL NULL. */
const char *db_col_text_or_null(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col);
size_t db_col_bytes(struct db_stmt *st, int col);
/* New JSON values: a string or an integer, JSON null for SQL NULL. */
json_t *db_col_json_text(struct db_stmt *st, int col);
json_t *db_col_json_int(struct db_stmt *st, int col);
json_t *db_col_json_bool(struct db_stmt *st, int col);

/*
 * One page of a list as {"items": [...], "next_cursor"}. st returns rows in
 * cursor order with the row's id (the cursor) in column 0 and is bound to
 * fetch limit + 1 rows, so the extra row only says that there is more.
 * Turns up to limit rows into JSON with row(st) and sets *out (caller
 * decrefs); resets st.
 */
enum qerr db_page(struct db_stmt *st, int limit, json_t *(*row)(struct db_stmt *), json_t **out,
		  struct qerror *err);

/*
 * Bulk writing, inside a write transaction, for imports whose rows were
 * checked in C: until db_bulk_end, db_run may send its statement without
 * waiting for the answer (PostgreSQL pipelining; SQLite runs it at once as
 * always). The answers are waited for at db_bulk_end, at the next
 * statement that returns rows, db_exec, db_changes or the commit, and an
 * error of a statement sent earlier is reported there (the whole
 * transaction then fails: roll it back). db_rollback ends bulk writing.
 */
void db_bulk_begin(struct db *db);
enum qerr db_bulk_end(struct db *db, struct qerror *err);

/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(struct db *db);

/* ---- transactions ---- */

/*
 * A write transaction. SQLite: BEGIN IMMEDIATE, the write lock up front, so it never fails half
 * way on a lock. PostgreSQL: SERIALIZABLE (docs/operations.md, "Isolation on PostgreSQL"); a
 * statement or the commit may fail with QERR_UNAVAILABLE "serialization_failure", after which
 * the whole request is run again (never shown as a 500). QILIAN_PG_WRITES=lock: READ COMMITTED
 * under one database-wide advisory lock instead (one writer at a time, as SQLite).
 */
enum qerr db_begin_write(struct db *db, struct qerror *err);
/*
 * Names a hot row that the next write transaction of this connection reads then writes (a
 * change counter, the finance chain head), before its db_begin_write. PostgreSQL: that
 * db_begin_write first takes a session advisory lock per name, in a fixed order, and only then
 * starts the SERIALIZABLE transaction, so writers of the same hot row queue (each one's
 * snapshot sees the previous one's commit) instead of losing serialisation conflicts to each
 * other; the locks are released after the COMMIT or ROLLBACK. Call it before each try (a name
 * lasts one transaction). db_touch names its counter the same way for the next try when its
 * transaction is rolled back. SQLite (one writer at a
 * time) and QILIAN_PG_WRITES=lock: no effect.
 */
void db_hot(struct db *db, const char *name);
/* A read transaction: one consistent snapshot for several statements. */
enum qerr db_begin_read(struct db *db, struct qerror *err);
/*
 * A check that rides with the read transaction's first statement. Right
 * after db_begin_read, st bound: true if the backend sends st with the
 * transaction's first statement, in the same round trip (the PostgreSQL
 * driver; false: run it the usual way). When st's answer comes, check(st,
 * arg) reads it (db_one ..., db_reset) and says whether it holds: only then
 * does the first statement's answer reach its caller. Until a check held,
 * nothing else runs on the connection: a statement, db_exec or write
 * transaction fails with QERR_UNAVAILABLE "session_unconfirmed" once the
 * transaction ended or was bypassed before its first statement, or the check
 * failed (LOST). db_deferred then says how it went, and forgets it:
 * CONFIRMED; PENDING, no statement has run in the transaction yet (the caller
 * runs st itself now, as its first); LOST; NONE, nothing was deferred.
 */
enum db_deferral { DB_DEFER_NONE, DB_DEFER_PENDING, DB_DEFER_CONFIRMED, DB_DEFER_LOST };
bool db_defer(struct db *db, struct db_stmt *st, bool (*check)(struct db_stmt *st, void *arg), void *arg);
enum db_deferral db_deferred(struct db *db);
enum qerr db_commit(struct db *db, struct qerror *err);
/* Rolls back the open transaction, if any. */
void db_rollback(struct db *db);
bool db_in_transaction(struct db *db);

/*
 * Ends every statement still mid-result and rolls back an open
 * transaction: a statement left on a row keeps its read snapshot, and the
 * connection would not see later commits. The server calls it after each
 * request.
 */
void db_release(struct db *db);

/* The liveness check of load balancers: one trivial query. QERR_OK when the database answers. */
enum qerr db_ping(struct db *db, struct qerror *err);

/* Runs SQL text without parameters (DDL, several statements). */
enum qerr db_exec(struct db *db, const char *sql, struct qerror *err);

/* ---- change counters ---- */

/* Inside a write transaction: bumps change counter name. In-memory indexes catch up by these. */
enum qerr db_touch(struct db *db, const char *name, struct qerror *err);
/* Current value of change counter name (0 if never bumped). */
enum qerr db_counter(struct db *db, const char *name, int64_t *version, struct qerror *err);

/* ---- fault injection (tests and the finance simulation) ---- */

/*
 * A hook in the generic layer, so every backend gets it: while a struct
 * db_faults is set, the seam asks it at every transaction start, statement
 * step and commit whether to fail there. Inert (one pointer test) unless
 * set; the server never sets it.
 *
 * Actions:
 *   DB_FAULT_ERROR    the call fails with QERR_INTERNAL "database_error"
 *                     without running (a commit so refused leaves the
 *                     transaction open: the caller must roll back)
 *   DB_FAULT_BUSY     the same with QERR_UNAVAILABLE "database_busy" (a
 *                     lock timeout at BEGIN, a serialisation failure)
 *   DB_FAULT_CRASH    the connection is lost here: its open transaction is
 *                     rolled back at once, as a dying process loses it, and
 *                     every later call on the connection fails with
 *                     QERR_INTERNAL "connection_lost" until db_close (the
 *                     caller then reopens, as a restarted process would)
 *   DB_FAULT_LOST_ACK (commit only) the commit is made durable, then the
 *                     connection is lost as above, so the caller sees a
 *                     failure for a write that happened (the answer lost
 *                     on the way back)
 *   DB_FAULT_ABORT    abort() the process before the call runs (for crash
 *                     tests in a forked child)
 *   DB_FAULT_ABORT_AFTER (commit only) the commit is made durable, then
 *                     abort(): a process that dies between its commit and
 *                     its answer
 *
 * The counters pick the Nth call of each kind (1-based, counted over every
 * connection from db_fault_set on; 0 = never); decide, when set, is asked
 * first at every point and its answer other than DB_FAULT_NONE wins. The
 * struct must stay valid while set; db.c updates its counts atomically.
 *
 * For crash tests of a whole program, the first db_open of a process reads
 * $QILIAN_DB_FAULT: "abort-after-commit:N" makes the process's Nth commit
 * durable and then aborts it (DB_FAULT_ABORT_AFTER); unset, nothing is set.
 */
enum db_fault_point { DB_AT_BEGIN, DB_AT_STEP, DB_AT_COMMIT };
enum db_fault_action {
	DB_FAULT_NONE,
	DB_FAULT_ERROR,
	DB_FAULT_BUSY,
	DB_FAULT_CRASH,
	DB_FAULT_LOST_ACK,
	DB_FAULT_ABORT,
	DB_FAULT_ABORT_AFTER,
};
struct db_faults {
	long begin_nth, step_nth, commit_nth;
	enum db_fault_action begin_action, step_action, commit_action;
	enum db_fault_action (*decide)(void *ctx, struct db *db, enum db_fault_point at, const char *sql);
	void *ctx;
	/* Calls seen and faults injected since db_fault_set (read them, do not write). */
	long begins, steps, commits, injected;
};
/* Sets (f) or clears (NULL) the faults of every connection; zeroes f's counts. Not thread-safe against running calls. */
void db_fault_set(struct db_faults *f);
/* True when db has lost its connection to an injected crash (it only accepts db_close). */
bool db_fault_lost(const struct db *db);

#endif
