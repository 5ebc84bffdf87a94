/*
 * inbox.c - notifications: adding one (market_notify, for every market
 * module), and the organisation's inbox: list, unread count, mark read.
 *
 * The inbox of a user is the notifications of every enterprise its
 * organisation owns; a notification of another organisation's enterprise
 * is 404 to it, as if it did not exist.
 */
#include "market/inbox.h"

#include <stdlib.h>
#include <string.h>
#include "base/jsonio.h"
#include "base/util.h"
#include "store/db_legacy.h"

enum qerr market_notify(struct db *db, int64_t enterprise_id, const char *kind, int64_t object_id, const char *title,
			const json_t *detail, struct qerror *err)
{
	/* The EXISTS guard: a subscriber deleted since it was cached is skipped, not a foreign key failure. */
	sqlite3_stmt *st = dbl_stmt(db,
				   "INSERT OR IGNORE INTO notifications(enterprise_id,kind,object_id,title,detail,created_at)"
				   " SELECT ?1,?2,?3,?4,?5,?6 WHERE EXISTS(SELECT 1 FROM enterprises WHERE id=?1)",
				   err);
	if (!st)
		return err->code;
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	sqlite3_bind_int64(st, 1, enterprise_id);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, object_id);
	sqlite3_bind_text(st, 4, title ? title : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, text ? text : "{}", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, ts, -1, SQLITE_TRANSIENT);
	free(text);
	return dbl_step(db, st, err) < 0 ? err->code : QERR_OK;
}

static json_t *notification_row(sqlite3_stmt *st)
{
	json_t *detail = json_loads(dbl_col_text(st, 6), 0, NULL);
	json_t *o = json_pack("{s:I,s:{s:s,s:s},s:s,s:I,s:s,s:o,s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0),
			      "enterprise", "uscc", dbl_col_text(st, 1), "name", dbl_col_text(st, 2), "kind",
			      dbl_col_text(st, 3), "object_id", (json_int_t)sqlite3_column_int64(st, 4), "title",
			      dbl_col_text(st, 5), "detail", detail ? detail : json_object(), "created_at",
			      dbl_col_text(st, 7));
	bool unread = sqlite3_column_type(st, 8) == SQLITE_NULL;
	json_object_set_new(o, "read_at", unread ? json_null() : json_string(dbl_col_text(st, 8)));
	json_object_set_new(o, "read", json_boolean(!unread));
	return o;
}

enum qerr market_inbox_list(struct db *db, const struct actor *a, bool unread_only, int limit, int64_t cursor,
			    json_t **out, struct qerror *err)
{
	*out = NULL;
	if (limit <= 0 || limit > 500)
		limit = 50;
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT n.id,e.uscc,e.name,n.kind,n.object_id,n.title,n.detail,n.created_at,n.read_at"
				   " FROM enterprises e JOIN notifications n ON n.enterprise_id=e.id"
				   " WHERE e.org_id=?1 AND (?2=0 OR n.read_at IS NULL) AND (?3=0 OR n.id<?3)"
				   " ORDER BY n.id DESC LIMIT ?4",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	sqlite3_bind_int(st, 2, unread_only);
	sqlite3_bind_int64(st, 3, cursor > 0 ? cursor : 0);
	sqlite3_bind_int(st, 4, limit + 1);
	return dbl_page(db, st, limit, notification_row, out, err);
}

enum qerr market_inbox_count(struct db *db, const struct actor *a, int64_t *unread, struct qerror *err)
{
	*unread = 0;
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT count(*) FROM enterprises e JOIN notifications n ON n.enterprise_id=e.id"
				   " AND n.read_at IS NULL WHERE e.org_id=?",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	if (dbl_step(db, st, err) != SQLITE_ROW)
		return err->code ? err->code : QERR_INTERNAL;
	*unread = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return QERR_OK;
}

enum qerr market_inbox_read(struct db *db, const struct actor *a, int64_t id, struct qerror *err)
{
	char ts[32];
	util_now_iso(ts, sizeof ts);
	/* Marking twice keeps the first time; the SELECT tells "not yours" (404) from "already read". */
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT n.read_at IS NULL FROM notifications n JOIN enterprises e ON e.id=n.enterprise_id"
				   " WHERE n.id=?1 AND e.org_id=?2",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, a->org_id ? a->org_id : -1);
	int rc = dbl_step(db, st, err);
	bool unread = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc < 0)
		return err->code;
	if (rc != SQLITE_ROW)
		return qerr_set(err, QERR_NOT_FOUND, "notification_not_found", "id", "通知不存在 (no notification %lld)",
				(long long)id);
	if (!unread)
		return QERR_OK;
	st = dbl_stmt(db, "UPDATE notifications SET read_at=?2 WHERE id=?1 AND read_at IS NULL", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, ts, -1, SQLITE_TRANSIENT);
	return dbl_step(db, st, err) < 0 ? err->code : QERR_OK;
}

enum qerr market_inbox_read_all(struct db *db, const struct actor *a, int64_t *marked, struct qerror *err)
{
	*marked = 0;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	sqlite3_stmt *st = dbl_stmt(db,
				   "UPDATE notifications SET read_at=?2 WHERE read_at IS NULL AND enterprise_id IN"
				   " (SELECT id FROM enterprises WHERE org_id=?1)",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	sqlite3_bind_text(st, 2, ts, -1, SQLITE_TRANSIENT);
	if (dbl_step(db, st, err) < 0)
		return err->code;
	*marked = db_changes(db);
	return QERR_OK;
}
