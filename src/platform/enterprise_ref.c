/*
 * enterprise_ref.c - enterprise resolution (enterprise_ref.h): the single
 * row reads of the enterprises table that every chain used to keep its own
 * copy of, and the wording of "no such enterprise".
 */
#include "platform/enterprise_ref.h"

#include <string.h>

/* Column 0 is the id, so that a lookup by id reads one column fewer (the bound id is the answer). */
#define REF_COLS "id,org_id,uscc,name,region,level,size"

/* Copies src into dst[cap] without cutting a UTF-8 sequence (the schema does not bound the text). */
static void copy_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = 0;
}

/* An empty ref, cheaper than a memset of the whole name buffer (by_id runs per match result). */
static void ref_clear(struct enterprise_ref *ref)
{
	ref->id = ref->org_id = 0;
	ref->uscc[0] = ref->name[0] = ref->region[0] = ref->level[0] = ref->size[0] = 0;
}

/* Fills ref from a row of REF_COLS (the id unless already set) and resets st. */
static void ref_from_row(struct db_stmt *st, struct enterprise_ref *ref)
{
	if (!ref->id)
		ref->id = db_col_int64(st, 0);
	ref->org_id = db_col_int64(st, 1); /* NULL reads as 0: no owner */
	copy_text(ref->uscc, sizeof ref->uscc, db_col_text(st, 2));
	copy_text(ref->name, sizeof ref->name, db_col_text(st, 3));
	copy_text(ref->region, sizeof ref->region, db_col_text(st, 4));
	copy_text(ref->level, sizeof ref->level, db_col_text(st, 5));
	copy_text(ref->size, sizeof ref->size, db_col_text(st, 6));
	db_reset(st);
}

static enum qerr no_such_id(int64_t id, struct qerror *err)
{
	return qerr_set(err, QERR_NOT_FOUND, "enterprise_not_found", "id", "企业不存在 (no enterprise %lld)",
			(long long)id);
}

enum qerr enterprise_ref_by_uscc(struct db *db, const char *uscc, struct enterprise_ref *ref, struct qerror *err)
{
	ref_clear(ref);
	struct db_stmt *st = db_prepare(db, "SELECT " REF_COLS " FROM enterprises WHERE uscc=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, uscc);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return enterprise_ref_not_found(err, QERR_NOT_FOUND, "uscc", uscc);
	if (rc)
		return rc;
	ref_from_row(st, ref);
	return QERR_OK;
}

enum qerr enterprise_ref_by_id(struct db *db, int64_t id, struct enterprise_ref *ref, struct qerror *err)
{
	ref_clear(ref);
	struct db_stmt *st = db_prepare(db, "SELECT " REF_COLS " FROM enterprises WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return no_such_id(id, err);
	if (rc)
		return rc;
	ref->id = id;
	ref_from_row(st, ref);
	return QERR_OK;
}

enum qerr enterprise_ref_level(struct db *db, int64_t id, char *level, struct qerror *err)
{
	level[0] = 0;
	struct db_stmt *st = db_prepare(db, "SELECT level FROM enterprises WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return no_such_id(id, err);
	if (rc)
		return rc;
	copy_text(level, ENTERPRISE_REF_LEVEL_SIZE, db_col_text(st, 0));
	db_reset(st);
	return QERR_OK;
}

enum qerr enterprise_ref_owner(struct db *db, const char *uscc, int64_t *id, int64_t *org_id, struct qerror *err)
{
	*id = *org_id = 0;
	struct db_stmt *st = db_prepare(db, "SELECT id,coalesce(org_id,0) FROM enterprises WHERE uscc=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, uscc);
	int rc = db_step(st, err);
	if (rc < 0)
		return err->code;
	if (rc == DB_ROW) {
		*id = db_col_int64(st, 0);
		*org_id = db_col_int64(st, 1);
	}
	db_reset(st);
	return QERR_OK;
}

enum qerr enterprise_ref_not_found(struct qerror *err, enum qerr code, const char *field, const char *uscc)
{
	return qerr_set(err, code, "enterprise_not_found", field, "企业不存在 (no enterprise with USCC %.64s)", uscc);
}

enum qerr enterprise_ref_not_registered(struct qerror *err, enum qerr code, const char *field, const char *uscc)
{
	return qerr_set(err, code, "enterprise_not_found", field,
			"企业未登记 (no enterprise with USCC %.64s is registered)", uscc);
}
