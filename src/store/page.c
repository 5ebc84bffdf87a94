/* page.c - a list statement's rows as one page with a cursor (see page.h). */
#include "store/page.h"

#include <stdbool.h>
#include "base/jsonio.h"

enum qerr db_page(struct db *db, sqlite3_stmt *st, int limit, json_t *(*row)(sqlite3_stmt *), json_t **out,
		  struct qerror *err)
{
	*out = NULL;
	json_t *items = json_array();
	int rc, n = 0;
	int64_t last = 0;
	bool more = false;
	while ((rc = db_step(db, st, err)) == SQLITE_ROW) {
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
