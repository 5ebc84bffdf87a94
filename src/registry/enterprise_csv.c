/*
 * enterprise_csv.c - all-or-nothing CSV import and export of enterprises.
 *
 * The import runs on the CSV import driver (platform/csv_import.h): it
 * validates and writes in one pass inside one transaction, and rolls back if
 * any row was bad, so a large clean file is read once and a bad file changes
 * nothing. A USCC seen twice in one file is reported with
 * the line of its first occurrence.
 *
 * Large files take the bulk path: inserting a million random USCCs into a
 * B-tree index costs more than the rows themselves, so the import drops the
 * USCC index, keeps uniqueness in an in-memory map of the existing and new
 * codes, appends rows in file order, and rebuilds the index by sorting at
 * the end (still inside the transaction). Small files into a large table
 * upsert row by row instead, since a rebuild costs time proportional to the
 * whole table.
 */
#include "registry/enterprise.h"

#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/util.h"
#include "platform/audit.h"
#include "platform/csv_import.h"
#include "platform/enterprise_ref.h"

#define IMPORT_BULK_MIN_ROWS 20000 /* estimated rows from which the bulk path may pay off */
#define IMPORT_EST_ROW_BYTES 80

static const char *const import_columns[] = {"uscc",        "name",       "region", "industry", "employees",
					     "revenue_wan", "assets_wan", "level",  NULL};

/* USCC -> (first line in this file, existing row id and owner). Open addressing, power-of-two size. */
struct uscc_slot {
	char uscc[USCC_LEN + 1];
	bool used;
	long line;      /* 0 until seen in the file */
	int64_t id;     /* existing row, 0 if new */
	int64_t org_id; /* owner of the existing row */
};

struct uscc_map {
	struct uscc_slot *slots;
	size_t cap, len;
};

static uint64_t hash_uscc(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < USCC_LEN; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static struct uscc_slot *map_probe(struct uscc_slot *slots, size_t cap, const char *uscc)
{
	size_t j = hash_uscc(uscc) & (cap - 1);
	while (slots[j].used && memcmp(slots[j].uscc, uscc, USCC_LEN) != 0)
		j = (j + 1) & (cap - 1);
	return &slots[j];
}

static bool map_reserve(struct uscc_map *m, size_t n)
{
	if (n * 2 <= m->cap)
		return true;
	size_t cap = m->cap ? m->cap : 4096;
	while (n * 2 > cap)
		cap *= 2;
	struct uscc_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].used)
			*map_probe(slots, cap, m->slots[i].uscc) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return true;
}

/* The slot for uscc, created empty if absent; NULL when out of memory. */
static struct uscc_slot *map_get(struct uscc_map *m, const char *uscc)
{
	if (!map_reserve(m, m->len + 1))
		return NULL;
	struct uscc_slot *s = map_probe(m->slots, m->cap, uscc);
	if (!s->used) {
		memcpy(s->uscc, uscc, USCC_LEN + 1);
		s->used = true;
		m->len++;
	}
	return s;
}

/* Loads every existing USCC with its id and owner (bulk path). */
static enum qerr map_load_existing(struct db *db, struct uscc_map *m, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT uscc,id,org_id FROM enterprises", err);
	if (!st)
		return err->code;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *u = db_col_text(st, 0);
		if (strlen(u) != USCC_LEN)
			continue;
		struct uscc_slot *s = map_get(m, u);
		if (!s) {
			db_reset(st);
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		}
		s->id = db_col_int64(st, 1);
		s->org_id = db_col_int64(st, 2);
	}
	if (rc < 0)
		return err->code;
	db_reset(st); /* DROP INDEX is refused while a statement still reads the table */
	return QERR_OK;
}

static enum qerr table_size(struct db *db, int64_t *n, struct qerror *err)
{
	return db_query_int64(db, "SELECT coalesce(max(id),0) FROM enterprises", n, err);
}

/*
 * Writes one validated row; *inserted tells which way (and, on the upsert
 * path, which statement to try first for the next row). Adds a row error
 * (not a failure) for someone else's record.
 */
static enum qerr import_write(struct db *db, const struct actor *a, bool bulk, struct uscc_slot *slot,
			      struct enterprise *e, bool *inserted, struct qerror *rowerr, struct qerror *err)
{
	bool operator = a->org_type == ORG_OPERATOR;
	/* New rows get the importer's organisation; existing ones keep their owner. */
	e->org_id = a->org_id;
	if (bulk) {
		if (slot->id && !operator && slot->org_id != a->org_id)
			goto not_owner;
		*inserted = slot->id == 0;
		return slot->id ? enterprise_update_id(db, slot->id, e, err) : enterprise_insert_plain(db, e, err);
	}
	enum enterprise_outcome outcome;
	if (enterprise_write(db, e, operator, !*inserted, &outcome, err))
		return err->code;
	if (outcome == ENTERPRISE_NOT_OWNER)
		goto not_owner;
	*inserted = outcome == ENTERPRISE_INSERTED;
	return QERR_OK;
not_owner:
	qerr_set(rowerr, QERR_FORBIDDEN, "not_owner", "uscc",
		 "该企业属于其他组织 (this enterprise belongs to another organisation)");
	return QERR_OK;
}

/*
 * Once a row is bad nothing more is written, so the upsert can no longer tell
 * us about records owned by someone else; look the owner up instead, so that
 * every such row is still reported, not only those before the first error.
 */
static enum qerr import_check_owner(struct db *db, const struct actor *a, bool bulk, const struct uscc_slot *slot,
				    const char *uscc, struct qerror *rowerr, struct qerror *err)
{
	if (a->org_type == ORG_OPERATOR)
		return QERR_OK;
	int64_t id = slot->id, owner = slot->org_id;
	if (!bulk) {
		if (enterprise_ref_owner(db, uscc, &id, &owner, err))
			return err->code;
	}
	if (id && owner != a->org_id)
		qerr_set(rowerr, QERR_FORBIDDEN, "not_owner", "uscc",
			 "该企业属于其他组织 (this enterprise belongs to another organisation)");
	return QERR_OK;
}

/* One import's own state beside the driver's. */
struct enterprise_import {
	size_t len;
	struct uscc_map map;
	bool was_insert; /* the previous row's outcome: new records are the likelier start */
};

/* Decides the path; the bulk path loads every USCC and drops the USCC index until finish. */
static enum qerr import_begin(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct enterprise_import *x = ctx;
	int64_t existing;
	if (table_size(im->db, &existing, err))
		return err->code;
	int64_t estimate = (int64_t)(x->len / IMPORT_EST_ROW_BYTES);
	im->bulk = estimate >= IMPORT_BULK_MIN_ROWS && estimate * 4 >= existing;
	/* Size the USCC map once instead of doubling and rehashing it all the way up. */
	if (!map_reserve(&x->map, x->len / 100 + (size_t)(im->bulk ? existing : 0)))
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	if (im->bulk &&
	    (map_load_existing(im->db, &x->map, err) || db_exec(im->db, "DROP INDEX enterprises_uscc", err)))
		return err->code;
	return QERR_OK;
}

static enum qerr import_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	struct enterprise_import *x = ctx;
	const char *const *f = im->r.field;
	struct enterprise e;
	if (enterprise_from_text(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], &e, rowerr))
		return QERR_OK;
	struct uscc_slot *slot = map_get(&x->map, e.uscc);
	if (!slot)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	if (slot->line) {
		qerr_set(rowerr, QERR_INVALID, "duplicate_uscc", "uscc",
			 "统一社会信用代码与第%ld行重复 (USCC repeats line %ld)", slot->line, slot->line);
		return QERR_OK;
	}
	slot->line = im->line;
	/* Once a row was bad: keep validating, but stop writing (it will be rolled back). */
	if (im->rejected)
		return import_check_owner(im->db, im->actor, im->bulk, slot, e.uscc, rowerr, err);
	if (import_write(im->db, im->actor, im->bulk, slot, &e, &x->was_insert, rowerr, err))
		return err->code;
	if (rowerr->code)
		return QERR_OK;
	if (x->was_insert)
		im->inserted++;
	else
		im->updated++;
	return QERR_OK;
}

static enum qerr import_finish(void *ctx, struct csv_import *im, struct qerror *err)
{
	if (im->bulk && db_exec(im->db, "CREATE UNIQUE INDEX enterprises_uscc ON enterprises(uscc)", err))
		return err->code;
	return db_touch(im->db, "enterprises", err);
}

static const struct csv_import_ops import_ops = {
    .columns = import_columns,
    .ncolumns = 8,
    .header = ENTERPRISE_CSV_HEADER,
    .audit_action = "enterprise.import",
    .audit_object = "enterprise",
    .begin = import_begin,
    .row = import_row,
    .finish = import_finish,
};

enum qerr enterprise_import(struct db *db, const struct actor *a, const char *data, size_t len,
			    enterprise_progress_fn progress, void *ctx, json_t **report, struct qerror *err)
{
	*report = NULL;
	if (a->org_type != ORG_OPERATOR && a->org_type != ORG_LARGE && a->org_type != ORG_SME)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "this organisation may not import enterprises");
	struct enterprise_import x = {.len = len, .was_insert = true};
	enum qerr rc = csv_import_run(db, a, &import_ops, &x, data, len, progress, ctx, report, err);
	free(x.map.slots);
	return rc;
}

enum qerr enterprise_export(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	*rows = 0;
	(void)a; /* the directory is readable by every signed-in organisation */
	struct db_stmt *st = db_prepare(db,
					"SELECT uscc,name,region,industry,employees,revenue_wan,assets_wan,level FROM enterprises"
					" ORDER BY id",
					err);
	if (!st)
		return err->code;
	fputs(ENTERPRISE_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		for (int i = 0; i < 8; i++)
			csv_write_field(out, db_col_text(st, i), i == 0);
		fputc('\n', out);
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}
