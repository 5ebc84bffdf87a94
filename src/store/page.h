/*
 * page.h - one page of a list query as {"items": [...], "next_cursor"}.
 *
 * Every list in the API pages the same way: the statement returns rows in
 * cursor order with the row's id (the cursor) in column 0 and is bound to
 * fetch limit + 1 rows, so the extra row only says that there is more.
 */
#ifndef QILIAN_STORE_PAGE_H
#define QILIAN_STORE_PAGE_H
#include <jansson.h>
#include "base/qerr.h"
#include "store/db.h"

/*
 * Steps st (bound, fetching at most limit + 1 rows), turns up to limit rows
 * into JSON with row(st), and sets *out (caller decrefs) to the page whose
 * next_cursor is the last row's column 0 when more rows follow. Resets st.
 * Returns a database error as db_step maps it.
 */
enum qerr db_page(struct db *db, sqlite3_stmt *st, int limit, json_t *(*row)(sqlite3_stmt *), json_t **out,
		  struct qerror *err);

#endif
