/*
 * db.h - the database connection: SQLite in WAL mode with a cache of
 * prepared statements, transactions, and the error mapping to qerr.
 *
 * One struct db per thread (SQLite connections are not shared across
 * threads here). SQL is always prepared with bound parameters; statements
 * are cached by the address of their (static) SQL text, so callers write
 *     sqlite3_stmt *st = db_stmt(db, "SELECT ...", err);
 * and never finalize: db_stmt resets and clears the bindings for them.
 * This is the backend seam: only src/store and *_store.c files see SQLite.
 */
#ifndef QILIAN_DB_H
#define QILIAN_DB_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"

struct db;

/* Opens (creating if create=true) the database at path. Returns NULL and fills err on failure. */
struct db *db_open(const char *path, bool create, struct qerror *err);
void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);
const char *db_path(const struct db *db);

/* A ready-to-bind cached statement for sql (which must be a string literal). NULL on error. */
sqlite3_stmt *db_stmt(struct db *db, const char *sql, struct qerror *err);

/*
 * Resets every statement still mid-result on this connection. A statement
 * left on a row keeps its read snapshot open, and that connection would not
 * see later commits; the server calls this after each request.
 */
void db_release(struct db *db);

/* Transactions. db_begin takes the write lock up front (BEGIN IMMEDIATE). */
enum qerr db_begin(struct db *db, struct qerror *err);
enum qerr db_begin_read(struct db *db, struct qerror *err);
enum qerr db_commit(struct db *db, struct qerror *err);
/* True while a transaction is open on this connection. */
bool db_in_transaction(struct db *db);
void db_rollback(struct db *db);

/* Runs SQL text with no parameters (DDL, pragmas). */
enum qerr db_exec(struct db *db, const char *sql, struct qerror *err);

/* Steps st; maps SQLite errors (constraint -> 409, busy -> 503, ...) into err. Returns SQLITE_ROW/DONE or -1. */
int db_step(struct db *db, sqlite3_stmt *st, struct qerror *err);

/* Binds text (NULL binds SQL NULL). */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Column text as a C string ("" for NULL). */
const char *db_col_text(sqlite3_stmt *st, int col);

/* Fills err from the connection's last error. */
enum qerr db_error(struct db *db, struct qerror *err);

/* Inside a write transaction: bumps change counter name (see change_counters). */
enum qerr db_touch(struct db *db, const char *name, struct qerror *err);

/* Current value of change counter name (0 if never bumped). */
enum qerr db_counter(struct db *db, const char *name, int64_t *version, struct qerror *err);

/* Id of the last inserted row; number of rows changed by the last statement. */
long long db_last_id(struct db *db);
/* Sets last_insert_rowid to 0, so a following upsert shows whether it inserted. */
void db_clear_last_id(struct db *db);
int db_changes(struct db *db);

#endif
