/* db_legacy.c - TRANSITION ONLY: see db_legacy.h. */
#include "store/db_legacy.h"

#include "base/jsonio.h"
#include "store/db_private.h"

sqlite3 *db_handle(struct db *db) { return db->impl; }

sqlite3_stmt *dbl_stmt(struct db *db, const char *sql, struct qerror *err)
{
	struct db_stmt *s = db_prepare(db, sql, err);
	return s ? s->impl : NULL;
}

enum qerr db_error(struct db *db, struct qerror *err)
{
	int rc = sqlite3_extended_errcode(db->impl);
	int primary = rc & 0xff;
	if (primary == SQLITE_CONSTRAINT)
		return qerr_set(err, QERR_CONFLICT, "conflict", NULL, "conflict: %s", sqlite3_errmsg(db->impl));
	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database busy, try again");
	return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "database error: %s", sqlite3_errmsg(db->impl));
}

int dbl_step(struct db *db, sqlite3_stmt *st, struct qerror *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	db_error(db, err);
	sqlite3_reset(st);
	return -1;
}

void dbl_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, idx);
}

const char *dbl_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

enum qerr dbl_page(struct db *db, sqlite3_stmt *st, int limit, json_t *(*row)(sqlite3_stmt *), json_t **out,
		   struct qerror *err)
{
	*out = NULL;
	json_t *items = json_array();
	int rc, n = 0;
	int64_t last = 0;
	bool more = false;
	while ((rc = dbl_step(db, st, err)) == SQLITE_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		last = sqlite3_column_int64(st, 0);
		json_array_append_new(items, row(st));
		n++;
	}
	sqlite3_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_page(items, more, last);
	return QERR_OK;
}

long long db_last_id(struct db *db) { return sqlite3_last_insert_rowid(db->impl); }
void db_clear_last_id(struct db *db) { sqlite3_set_last_insert_rowid(db->impl, 0); }
