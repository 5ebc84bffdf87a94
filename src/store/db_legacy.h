/*
 * db_legacy.h - TRANSITION ONLY: the old SQLite-shaped calls, kept while the
 * domains move onto the store seam (db.h). Every file that still calls a
 * dbl_* function or sqlite3_* is unconverted; when none is left this file
 * and db_legacy.c are deleted and db.h stops including it.
 */
#ifndef QILIAN_DB_LEGACY_H
#define QILIAN_DB_LEGACY_H
#include <sqlite3.h>
#include "store/db.h"

sqlite3 *db_handle(struct db *db);
sqlite3_stmt *dbl_stmt(struct db *db, const char *sql, struct qerror *err);
int dbl_step(struct db *db, sqlite3_stmt *st, struct qerror *err);
void dbl_bind_text(sqlite3_stmt *st, int idx, const char *s);
const char *dbl_col_text(sqlite3_stmt *st, int col);
enum qerr dbl_page(struct db *db, sqlite3_stmt *st, int limit, json_t *(*row)(sqlite3_stmt *), json_t **out,
		   struct qerror *err);
enum qerr db_error(struct db *db, struct qerror *err);
long long db_last_id(struct db *db);
void db_clear_last_id(struct db *db);

#endif
