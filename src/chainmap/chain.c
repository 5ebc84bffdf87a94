/* chain.c - the list of industry chains. */
#include "chainmap/chain.h"

#include <string.h>
#include "base/util.h"
#include "platform/audit.h"

static bool chain_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > 32)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

enum qerr chain_upsert(struct db *db, const struct actor *a, const char *id, const char *name, const char *name_en,
		       struct qerror *err)
{
	if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "only the operator defines chains");
	if (!chain_id_ok(id))
		return qerr_set(err, QERR_INVALID, "invalid_chain_id", "id", "chain id must be 1-32 of a-z, 0-9, _ and -");
	if (!name || !*name || util_utf8_len(name) > 100)
		return qerr_set(err, QERR_INVALID, "invalid_name", "name", "chain name must have 1 to 100 characters");
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO chains(id,name,name_en,created_at) VALUES(?,?,?,?)"
					" ON CONFLICT(id) DO UPDATE SET name=excluded.name,name_en=excluded.name_en",
					err);
	if (!st)
		goto fail;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, name_en ? name_en : "");
	db_bind_text(st, 4, ts);
	if (db_run(st, err))
		goto fail;
	json_t *detail = json_pack("{s:s}", "name", name);
	enum qerr rc = audit_record(db, a, "chain.upsert", "chain", id, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr chain_list(struct db *db, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT id,name,name_en FROM chains ORDER BY id", err);
	if (!st)
		return err->code;
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "id", db_col_text(st, 0), "name",
						       db_col_text(st, 1), "name_en", db_col_text(st, 2)));
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}
