/*
 * inbox.c - notifications: adding one (inbox_notify, inbox_renotify, for
 * every chain), and the organisation's inbox: list, unread count, mark read.
 *
 * The inbox of a user is the notifications of every enterprise its
 * organisation owns and those addressed to the organisation itself
 * (0009_inbox_org.sql); any other notification is 404 to it, as if it did
 * not exist.
 */
#include "platform/inbox.h"

#include <stdlib.h>
#include <string.h>
#include "base/jsonio.h"
#include "base/util.h"

enum qerr inbox_notify(struct db *db, int64_t enterprise_id, const char *kind, int64_t object_id, const char *title,
		       const json_t *detail, struct qerror *err)
{
	/* The EXISTS guard: a subscriber deleted since it was cached is skipped, not a foreign key failure. */
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO notifications(enterprise_id,kind,object_id,title,detail,created_at)"
		       " SELECT ?1,?2,?3,?4,?5,?6 WHERE EXISTS(SELECT 1 FROM enterprises WHERE id=?1)"
		       " ON CONFLICT (enterprise_id,kind,object_id) DO NOTHING",
		       err);
	if (!st)
		return err->code;
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	db_bind_int64(st, 1, enterprise_id);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, object_id);
	db_bind_text(st, 4, title ? title : "");
	db_bind_text(st, 5, text ? text : "{}");
	db_bind_text(st, 6, ts);
	free(text);
	return db_run(st, err);
}

enum qerr inbox_renotify(struct db *db, int64_t enterprise_id, const char *kind, int64_t object_id, const char *title,
			 const json_t *detail, struct qerror *err)
{
	if (inbox_notify(db, enterprise_id, kind, object_id, title, detail, err))
		return err->code;
	/* The row exists now (new or old); make it unread and current. */
	char now[32];
	util_now_iso(now, sizeof now);
	char *text = detail ? json_encode(detail) : NULL;
	struct db_stmt *st =
	    db_prepare(db,
		       "UPDATE notifications SET title=?4, detail=COALESCE(?5,detail), created_at=?6, read_at=NULL"
		       " WHERE enterprise_id=?1 AND kind=?2 AND object_id=?3",
		       err);
	if (!st) {
		free(text);
		return err->code;
	}
	db_bind_int64(st, 1, enterprise_id);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, object_id);
	db_bind_text(st, 4, title);
	db_bind_text(st, 5, text); /* NULL keeps the old detail */
	db_bind_text(st, 6, now);
	free(text);
	return db_run(st, err);
}

enum qerr inbox_notify_org(struct db *db, int64_t org_id, const char *kind, int64_t object_id, const char *title,
			   const json_t *detail, struct qerror *err)
{
	if (org_id <= 0)
		return QERR_OK;
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO notifications(org_id,kind,object_id,title,detail,created_at)"
					" SELECT ?1,?2,?3,?4,?5,?6 WHERE EXISTS(SELECT 1 FROM orgs WHERE id=?1)"
					" ON CONFLICT (org_id,kind,object_id) DO NOTHING",
					err);
	if (!st)
		return err->code;
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, object_id);
	db_bind_text(st, 4, title ? title : "");
	db_bind_text(st, 5, text ? text : "{}");
	db_bind_text(st, 6, ts);
	free(text);
	return db_run(st, err);
}

enum qerr inbox_renotify_org(struct db *db, int64_t org_id, const char *kind, int64_t object_id, const char *title,
			     const json_t *detail, struct qerror *err)
{
	if (org_id <= 0)
		return QERR_OK;
	if (inbox_notify_org(db, org_id, kind, object_id, title, detail, err))
		return err->code;
	char now[32];
	util_now_iso(now, sizeof now);
	char *text = detail ? json_encode(detail) : NULL;
	struct db_stmt *st =
	    db_prepare(db,
		       "UPDATE notifications SET title=?4, detail=COALESCE(?5,detail), created_at=?6, read_at=NULL"
		       " WHERE org_id=?1 AND kind=?2 AND object_id=?3",
		       err);
	if (!st) {
		free(text);
		return err->code;
	}
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, kind);
	db_bind_int64(st, 3, object_id);
	db_bind_text(st, 4, title ? title : "");
	db_bind_text(st, 5, text);
	db_bind_text(st, 6, now);
	free(text);
	return db_run(st, err);
}

static json_t *notification_row(struct db_stmt *st)
{
	json_t *detail = json_loads(db_col_text(st, 6), 0, NULL);
	/* An organisation's own notification has no enterprise: null, the same shape otherwise. */
	json_t *ent = db_col_is_null(st, 1)
			  ? json_null()
			  : json_pack("{s:s,s:s}", "uscc", db_col_text(st, 1), "name", db_col_text(st, 2));
	json_t *o =
	    json_pack("{s:I,s:o,s:s,s:I,s:s,s:o,s:s}", "id", (json_int_t)db_col_int64(st, 0), "enterprise", ent, "kind",
		      db_col_text(st, 3), "object_id", (json_int_t)db_col_int64(st, 4), "title", db_col_text(st, 5),
		      "detail", detail ? detail : json_object(), "created_at", db_col_text(st, 7));
	bool unread = db_col_is_null(st, 8);
	json_object_set_new(o, "read_at", db_col_json_text(st, 8));
	json_object_set_new(o, "read", json_boolean(!unread));
	return o;
}

enum qerr inbox_list(struct db *db, const struct actor *a, bool unread_only, int limit, int64_t cursor, json_t **out,
		     struct qerror *err)
{
	*out = NULL;
	if (limit <= 0 || limit > 500)
		limit = 50;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT n.id,e.uscc,e.name,n.kind,n.object_id,n.title,n.detail,n.created_at,n.read_at"
		       " FROM notifications n LEFT JOIN enterprises e ON e.id=n.enterprise_id"
		       " WHERE (n.org_id=?1 OR n.enterprise_id IN (SELECT id FROM enterprises WHERE org_id=?1))"
		       " AND (?2=0 OR n.read_at IS NULL) AND (?3=0 OR n.id<?3)"
		       " ORDER BY n.id DESC LIMIT ?4",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	db_bind_int(st, 2, unread_only);
	db_bind_int64(st, 3, cursor > 0 ? cursor : 0);
	db_bind_int(st, 4, limit + 1);
	return db_page(st, limit, notification_row, out, err);
}

enum qerr inbox_count(struct db *db, const struct actor *a, int64_t *unread, struct qerror *err)
{
	*unread = 0;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT count(*) FROM notifications n WHERE n.read_at IS NULL"
		       " AND (n.org_id=?1 OR n.enterprise_id IN (SELECT id FROM enterprises WHERE org_id=?1))",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	return db_scalar_int64(st, unread, err);
}

enum qerr inbox_read(struct db *db, const struct actor *a, int64_t id, struct qerror *err)
{
	char ts[32];
	util_now_iso(ts, sizeof ts);
	/* Marking twice keeps the first time; the SELECT tells "not yours" (404) from "already read". */
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT CASE WHEN n.read_at IS NULL THEN 1 ELSE 0 END FROM notifications n WHERE n.id=?1"
		       " AND (n.org_id=?2 OR n.enterprise_id IN (SELECT id FROM enterprises WHERE org_id=?2))",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, a->org_id ? a->org_id : -1);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "notification_not_found", "id",
				"通知不存在 (no notification %lld)", (long long)id);
	if (rc)
		return rc;
	bool unread = db_col_bool(st, 0);
	db_reset(st);
	if (!unread)
		return QERR_OK;
	st = db_prepare(db, "UPDATE notifications SET read_at=?2 WHERE id=?1 AND read_at IS NULL", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, ts);
	return db_run(st, err);
}

enum qerr inbox_read_all(struct db *db, const struct actor *a, int64_t *marked, struct qerror *err)
{
	*marked = 0;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	struct db_stmt *st = db_prepare(db,
					"UPDATE notifications SET read_at=?2 WHERE read_at IS NULL AND (org_id=?1 OR"
					" enterprise_id IN (SELECT id FROM enterprises WHERE org_id=?1))",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id ? a->org_id : -1);
	db_bind_text(st, 2, ts);
	if (db_run(st, err))
		return err->code;
	*marked = db_changes(db);
	return QERR_OK;
}
