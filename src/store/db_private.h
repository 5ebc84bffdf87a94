/*
 * db_private.h - what a backend driver provides to the store seam, and the
 * connection and statement structs the generic layer (db.c) shares with
 * the drivers. Only files in src/store include it.
 *
 * A driver works on its own handles (db->impl, st->impl); db.c keeps the
 * statement cache, the open hooks, transactions by cached statements, the
 * helpers built on stepping (db_one, db_page, ...) and change counters.
 */
#ifndef QILIAN_DB_PRIVATE_H
#define QILIAN_DB_PRIVATE_H
#include "store/db.h"

#include <pthread.h>

struct db_driver {
	const char *name;
	/* SQL of the transaction statements, run as cached statements. */
	const char *begin_write_sql, *begin_read_sql, *commit_sql, *rollback_sql;

	enum qerr (*open)(struct db *db, const char *path, bool create, struct qerror *err);
	void (*close)(struct db *db);
	/* persistent: the statement will be cached and reused for the program's life. */
	enum qerr (*prepare)(struct db *db, const char *sql, bool persistent, void **impl, struct qerror *err);
	void (*finalize)(void *impl);
	void (*reset)(void *impl);
	void (*clear_bindings)(void *impl);

	void (*bind_int64)(void *impl, int idx, int64_t v);
	void (*bind_double)(void *impl, int idx, double v);
	void (*bind_null)(void *impl, int idx);
	void (*bind_text)(void *impl, int idx, const char *s, size_t len, bool copy);
	void (*bind_blob)(void *impl, int idx, const void *p, size_t len, bool copy);

	/* DB_ROW, DB_DONE, or -1 with err filled (mapped) and the statement reset. */
	int (*step)(struct db *db, void *impl, struct qerror *err);

	int64_t (*col_int64)(void *impl, int col);
	double (*col_double)(void *impl, int col);
	bool (*col_is_null)(void *impl, int col);
	const char *(*col_text)(void *impl, int col); /* NULL for SQL NULL */
	const void *(*col_blob)(void *impl, int col);
	size_t (*col_bytes)(void *impl, int col);

	enum qerr (*exec)(struct db *db, const char *sql, struct qerror *err);
	bool (*in_transaction)(struct db *db);
	int64_t (*changes)(struct db *db);
	/* Resets every statement of the connection that is mid-result. */
	void (*reset_busy)(struct db *db);
	enum qerr (*register_tokenizer)(struct db *db, const struct db_tokenizer *t, struct qerror *err);
	/*
	 * Optional, for db_bulk_begin: send(st) queues the statement without
	 * waiting for its answer (1), declines so that db_run runs it the usual
	 * way (0), or fails (-1, err filled). flush() waits for every queued
	 * answer and reports the first error.
	 */
	int (*send)(struct db *db, void *impl, struct qerror *err);
	/* Optional: runs before a write transaction starts (SQLite: lets a waiting checkpoint go first). */
	void (*write_yield)(struct db *db);
	/* Optional: starts a write transaction its own way (instead of running begin_write_sql). */
	enum qerr (*begin_write)(struct db *db, struct qerror *err);
	/* Optional: db_hot and db_touch name a hot row; end_write runs after each COMMIT (committed) or ROLLBACK. */
	void (*hot)(struct db *db, const char *name);
	void (*end_write)(struct db *db, bool committed);
	enum qerr (*flush)(struct db *db, struct qerror *err);
	/* Optional (db_defer): takes st along with the read transaction's first statement and calls check(arg) on
	   its answer; deferred() says how it went. */
	bool (*defer)(struct db *db, void *impl, bool (*check)(void *arg), void *arg);
	enum db_deferral (*deferred)(struct db *db);
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pgsql;

/* PostgreSQL: sql with `?`/`?N` rewritten to `$N` (malloc'd; NULL when out of memory); *nparams the highest. */
char *db_pg_rewrite(const char *sql, int *nparams);

#define DB_STMT_CACHE 1024 /* distinct SQL texts in the program, with room; probing is by address */

struct db_stmt {
	struct db *db;
	void *impl;
	const char *sql;
};

struct db {
	const struct db_driver *drv;
	void *impl;
	char *path;
	bool bulk; /* db_bulk_begin .. db_bulk_end */
	/* db_defer's statement and check, for the driver's call back (defer_check) */
	struct db_stmt *defer_st;
	bool (*defer_check)(struct db_stmt *st, void *arg);
	void *defer_arg;
	struct db_stmt cache[DB_STMT_CACHE];
	bool fault_lost; /* an injected crash took the connection (db_fault_set) */
	bool standby;	 /* db_open_standby: db_begin_read reaches the server (if not, serve reads the primary) */
	/* db_share_writer: this connection's writes run on the process's one writer connection (db.c). */
	struct db_writer *writer;
	struct db *active; /* while one of those writes runs: the writer connection everything goes to */
	/* On a writer connection: the connection whose write holds the turn, and its thread. */
	bool writer_conn;
	struct db *holder;
	pthread_t holder_thread;
};

#endif
