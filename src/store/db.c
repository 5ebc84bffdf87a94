/* db.c - SQLite connection, WAL settings, statement cache, error mapping. */
#include "store/db.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "market/fts.h"

#define STMT_CACHE 1024 /* distinct SQL texts in the program, with room; probing is by address */

struct stmt_slot {
	const char *sql;
	sqlite3_stmt *st;
};

struct db {
	sqlite3 *h;
	char *path;
	struct stmt_slot cache[STMT_CACHE];
};

struct db *db_open(const char *path, bool create, struct qerror *err)
{
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return NULL;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		qerr_set(err, QERR_INVALID, "database_unavailable", "db", "cannot open database %s: %s", path,
			 db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	db->path = strdup(path);
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_extended_result_codes(db->h, 1);
	/*
	 * The market's listing tables have FTS5 indexes kept by triggers, so every
	 * connection that may write a listing needs the word tokenizer. Registering
	 * is cheap (the dictionary loads on first use), so every connection gets it.
	 */
	if (market_fts_register(db->h, err)) {
		db_close(db);
		return NULL;
	}
	if (db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
			"PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
		    err)) {
		db_close(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

sqlite3 *db_handle(struct db *db) { return db->h; }
const char *db_path(const struct db *db) { return db->path; }

enum qerr db_error(struct db *db, struct qerror *err)
{
	int rc = sqlite3_extended_errcode(db->h);
	int primary = rc & 0xff;
	if (primary == SQLITE_CONSTRAINT)
		return qerr_set(err, QERR_CONFLICT, "conflict", NULL, "conflict: %s", sqlite3_errmsg(db->h));
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database busy, try again");
	return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "database error: %s", sqlite3_errmsg(db->h));
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql, struct qerror *err)
{
	unsigned h = (unsigned)(((uintptr_t)sql >> 3) % STMT_CACHE);
	for (int probe = 0; probe < STMT_CACHE; probe++) {
		struct stmt_slot *s = &db->cache[(h + (unsigned)probe) % STMT_CACHE];
		if (s->sql == sql) {
			sqlite3_reset(s->st);
			sqlite3_clear_bindings(s->st);
			return s->st;
		}
		if (!s->sql) {
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
				db_error(db, err);
				s->st = NULL;
				return NULL;
			}
			s->sql = sql;
			return s->st;
		}
	}
	/* Cache full: should not happen with a fixed set of statements. */
	qerr_set(err, QERR_INTERNAL, "statement_cache_full", NULL, "statement cache full");
	return NULL;
}

static void reset_busy(struct db *db)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(db->h, NULL); st; st = sqlite3_next_stmt(db->h, st))
		if (sqlite3_stmt_busy(st))
			sqlite3_reset(st);
}

void db_release(struct db *db)
{
	reset_busy(db);
	db_rollback(db);
}

enum qerr db_exec(struct db *db, const char *sql, struct qerror *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum qerr rc = db_error(db, err);
		sqlite3_free(msg);
		return rc;
	}
	return QERR_OK;
}

/*
 * A transaction starts from a clean connection: a statement left on a row
 * from an earlier read would pin an old snapshot and block DDL.
 */
/* Transaction control through cached statements: parsing BEGIN and ROLLBACK on every request showed in profiles. */
static enum qerr run_cached(struct db *db, const char *sql, struct qerror *err)
{
	sqlite3_stmt *st = db_stmt(db, sql, err);
	if (!st)
		return err->code;
	int rc = db_step(db, st, err);
	sqlite3_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

enum qerr db_begin(struct db *db, struct qerror *err)
{
	reset_busy(db);
	return run_cached(db, "BEGIN IMMEDIATE", err);
}

enum qerr db_begin_read(struct db *db, struct qerror *err)
{
	reset_busy(db);
	return run_cached(db, "BEGIN", err);
}

enum qerr db_commit(struct db *db, struct qerror *err)
{
	return run_cached(db, "COMMIT", err);
}

bool db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

void db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return;
	struct qerror ignored = {0};
	if (run_cached(db, "ROLLBACK", &ignored))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_step(struct db *db, sqlite3_stmt *st, struct qerror *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	db_error(db, err);
	sqlite3_reset(st);
	return -1;
}

void db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

const char *db_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

long long db_last_id(struct db *db) { return sqlite3_last_insert_rowid(db->h); }
void db_clear_last_id(struct db *db) { sqlite3_set_last_insert_rowid(db->h, 0); }
int db_changes(struct db *db) { return sqlite3_changes(db->h); }

enum qerr db_touch(struct db *db, const char *name, struct qerror *err)
{
	sqlite3_stmt *st = db_stmt(db,
				   "INSERT INTO change_counters(name,version) VALUES(?,1)"
				   " ON CONFLICT(name) DO UPDATE SET version=version+1",
				   err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, name);
	return db_step(db, st, err) < 0 ? err->code : QERR_OK;
}

enum qerr db_counter(struct db *db, const char *name, int64_t *version, struct qerror *err)
{
	*version = 0;
	sqlite3_stmt *st = db_stmt(db, "SELECT version FROM change_counters WHERE name=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, name);
	int rc = db_step(db, st, err);
	if (rc < 0)
		return err->code;
	if (rc == SQLITE_ROW)
		*version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return QERR_OK;
}
