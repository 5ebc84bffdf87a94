/* audit.c - the append-only audit log (triggers in 0001_foundation.sql refuse UPDATE and DELETE). */
#include "platform/audit.h"

#include <stdlib.h>
#include "base/jsonio.h"
#include "base/util.h"

enum qerr audit_record(struct db *db, const struct actor *a, const char *action, const char *object_type,
		       const char *object_id, const json_t *detail, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO audit_log(at,user_id,org_id,actor,action,object_type,object_id,detail)"
					" VALUES(?,?,?,?,?,?,?,?)",
					err);
	if (!st)
		return err->code;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	db_bind_text(st, 1, ts);
	db_bind_opt_int64(st, 2, a->user_id != 0, a->user_id);
	db_bind_opt_int64(st, 3, a->org_id != 0, a->org_id);
	db_bind_text(st, 4, a->email);
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, object_type);
	db_bind_text(st, 7, object_id);
	char *d = detail ? json_encode(detail) : NULL;
	db_bind_text(st, 8, d ? d : "{}");
	enum qerr rc = db_run(st, err);
	free(d);
	return rc;
}

static json_t *audit_row(struct db_stmt *st)
{
	json_t *detail = json_loads(db_col_text(st, 8), 0, NULL);
	json_t *row = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_col_int64(st, 0), "at",
				db_col_text(st, 1), "actor", db_col_text(st, 4), "action", db_col_text(st, 5),
				"object_type", db_col_text(st, 6), "object_id", db_col_text(st, 7), "detail",
				detail ? detail : json_object());
	json_object_set_new(row, "user_id", db_col_json_int(st, 2));
	json_object_set_new(row, "org_id", db_col_json_int(st, 3));
	return row;
}

enum qerr audit_list(struct db *db, const struct actor *a, int limit, int64_t before_id, json_t **out,
		     struct qerror *err)
{
	*out = NULL;
	if (!actor_is_platform_admin(a) && a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "only the platform operator reads the audit log");
	/* Newest first: the cursor is the smallest id so far, and the next page continues below it. */
	struct db_stmt *st = db_prepare(db,
					"SELECT id,at,user_id,org_id,actor,action,object_type,object_id,detail FROM audit_log"
					" WHERE ?1=0 OR id<?1 ORDER BY id DESC LIMIT ?2",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, before_id);
	db_bind_int(st, 2, limit + 1);
	return db_page(st, limit, audit_row, out, err);
}
