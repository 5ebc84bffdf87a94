/*
 * enterprise_csv.c - all-or-nothing CSV import and export of enterprises.
 *
 * The import validates and writes in one pass inside one transaction, and
 * rolls back if any row was bad, so a large clean file is read once and a
 * bad file changes nothing. A USCC seen twice in one file is reported with
 * the line of its first occurrence (an open-addressing set of line numbers).
 */
#include "registry/enterprise.h"

#include <stdlib.h>
#include <string.h>
#include "base/csv.h"
#include "base/util.h"

#define IMPORT_MAX_REPORTED 1000

static const char *const import_columns[] = {"uscc",        "name",       "region", "industry", "employees",
					     "revenue_wan", "assets_wan", "level",  NULL};

struct seen_set {
	char (*keys)[USCC_LEN + 1];
	long *lines;
	size_t cap, len;
};

static uint64_t hash_uscc(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < USCC_LEN; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static bool seen_grow(struct seen_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 4096;
	char(*keys)[USCC_LEN + 1] = calloc(cap, sizeof *keys);
	long *lines = calloc(cap, sizeof *lines);
	if (!keys || !lines) {
		free(keys);
		free(lines);
		return false;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->lines[i])
			continue;
		size_t j = hash_uscc(s->keys[i]) & (cap - 1);
		while (lines[j])
			j = (j + 1) & (cap - 1);
		memcpy(keys[j], s->keys[i], USCC_LEN + 1);
		lines[j] = s->lines[i];
	}
	free(s->keys);
	free(s->lines);
	s->keys = keys;
	s->lines = lines;
	s->cap = cap;
	return true;
}

/* Adds uscc seen at line; returns the earlier line if it was there already, 0 if new, -1 on OOM. */
static long seen_add(struct seen_set *s, const char *uscc, long line)
{
	if ((s->len + 1) * 2 > s->cap && !seen_grow(s))
		return -1;
	size_t j = hash_uscc(uscc) & (s->cap - 1);
	while (s->lines[j]) {
		if (memcmp(s->keys[j], uscc, USCC_LEN) == 0)
			return s->lines[j];
		j = (j + 1) & (s->cap - 1);
	}
	memcpy(s->keys[j], uscc, USCC_LEN + 1);
	s->lines[j] = line;
	s->len++;
	return 0;
}

static void add_error(json_t *errors, long *count, long line, const struct qerror *e)
{
	(*count)++;
	if (json_array_size(errors) >= IMPORT_MAX_REPORTED)
		return;
	json_array_append_new(errors, json_pack("{s:i,s:s,s:s,s:s}", "line", (int)line, "field", e->field, "code",
						e->slug, "message", e->message));
}

static enum qerr check_header(struct csv_reader *r, struct qerror *err)
{
	int rc = csv_next(r, err);
	if (rc < 0)
		return err->code;
	if (rc == 0)
		return qerr_set(err, QERR_INVALID, "csv_empty", "file", "CSV is empty; expected header " ENTERPRISE_CSV_HEADER);
	bool ok = r->nfields == 8;
	for (size_t i = 0; ok && i < 8; i++)
		ok = strcmp(r->field[i], import_columns[i]) == 0;
	if (!ok) {
		qerr_set(err, QERR_INVALID, "csv_bad_header", "file",
			 "第1行表头应为 %s (line 1: header must be %s)", ENTERPRISE_CSV_HEADER, ENTERPRISE_CSV_HEADER);
		err->line = r->record_line;
		return QERR_INVALID;
	}
	return QERR_OK;
}

enum qerr enterprise_import(struct db *db, const struct actor *a, const char *data, size_t len,
			    enterprise_progress_fn progress, void *ctx, json_t **report, struct qerror *err)
{
	*report = NULL;
	if (a->org_type != ORG_OPERATOR && a->org_type != ORG_LARGE && a->org_type != ORG_SME)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "this organisation may not import enterprises");
	bool operator = a->org_type == ORG_OPERATOR;
	struct csv_reader r;
	csv_init(&r, data, len);
	json_t *errors = json_array();
	long nerrors = 0, rows = 0, inserted = 0, updated = 0;
	struct seen_set seen = {0};
	enum qerr rc = check_header(&r, err);
	if (rc) {
		add_error(errors, &nerrors, err->line ? err->line : 1, err);
		goto report;
	}
	rc = db_begin(db, err);
	if (rc)
		goto out;
	int64_t max_before = 0;
	sqlite3_stmt *mx = db_stmt(db, "SELECT coalesce(max(id),0) FROM enterprises", err);
	if (!mx || db_step(db, mx, err) != SQLITE_ROW) {
		rc = err->code ? err->code : QERR_INTERNAL;
		goto rollback;
	}
	max_before = sqlite3_column_int64(mx, 0);
	sqlite3_reset(mx);
	for (;;) {
		struct qerror rowerr;
		qerr_clear(&rowerr);
		int got = csv_next(&r, &rowerr);
		if (got == 0)
			break;
		rows++;
		if (progress && rows % 50000 == 0)
			progress(rows, ctx);
		if (got < 0) {
			add_error(errors, &nerrors, rowerr.line, &rowerr);
			break; /* the reader cannot resynchronise after a broken quote */
		}
		long line = r.record_line;
		if (r.nfields != 8) {
			qerr_set(&rowerr, QERR_INVALID, "csv_field_count", "", "第%ld行应有8列，实际%zu列 (expected 8 fields, got %zu)",
				 line, r.nfields, r.nfields);
			add_error(errors, &nerrors, line, &rowerr);
			continue;
		}
		struct enterprise e;
		if (enterprise_from_text(r.field[0], r.field[1], r.field[2], r.field[3], r.field[4], r.field[5],
					 r.field[6], r.field[7], &e, &rowerr)) {
			add_error(errors, &nerrors, line, &rowerr);
			continue;
		}
		long first = seen_add(&seen, e.uscc, line);
		if (first < 0) {
			rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			goto rollback;
		}
		if (first > 0) {
			qerr_set(&rowerr, QERR_INVALID, "duplicate_uscc", "uscc",
				 "统一社会信用代码与第%ld行重复 (USCC repeats line %ld)", first, first);
			add_error(errors, &nerrors, line, &rowerr);
			continue;
		}
		if (nerrors)
			continue; /* keep validating, but stop writing: it will be rolled back */
		/* New rows get the importer's organisation; existing ones keep their owner. */
		e.org_id = a->org_id;
		int64_t id;
		if (enterprise_upsert(db, &e, operator, &id, err)) {
			rc = err->code;
			goto rollback;
		}
		if (!id) {
			qerr_set(&rowerr, QERR_FORBIDDEN, "not_owner", "uscc",
				 "该企业属于其他组织 (this enterprise belongs to another organisation)");
			add_error(errors, &nerrors, line, &rowerr);
			continue;
		}
		/* Rows inserted by this import get ids above the largest before it. */
		if (id > max_before)
			inserted++;
		else
			updated++;
	}
	if (nerrors) {
		db_rollback(db);
		rc = qerr_set(err, QERR_INVALID, "import_rejected", "file",
			      "%ld行有错误，未导入任何数据 (%ld bad rows; nothing was imported)", nerrors, nerrors);
		inserted = updated = 0;
		goto report;
	}
	json_t *detail = json_pack("{s:i,s:i,s:i}", "rows", (int)rows, "inserted", (int)inserted, "updated", (int)updated);
	rc = audit_record(db, a, "enterprise.import", "enterprise", "*", detail, err);
	json_decref(detail);
	if (rc || (rc = db_commit(db, err)))
		goto rollback;
	goto report;
rollback:
	db_rollback(db);
	goto out;
report:
	*report = json_pack("{s:i,s:i,s:i,s:i,s:O}", "rows", (int)rows, "inserted", (int)inserted, "updated",
			    (int)updated, "error_count", (int)nerrors, "errors", errors);
out:
	json_decref(errors);
	free(seen.keys);
	free(seen.lines);
	csv_free(&r);
	return rc;
}

enum qerr enterprise_export(struct db *db, const struct actor *a, FILE *out, long *rows, struct qerror *err)
{
	*rows = 0;
	(void)a; /* the directory is readable by every signed-in organisation */
	sqlite3_stmt *st = db_stmt(db,
				   "SELECT uscc,name,region,industry,employees,revenue_wan,assets_wan,level FROM enterprises"
				   " ORDER BY id",
				   err);
	if (!st)
		return err->code;
	fputs(ENTERPRISE_CSV_HEADER "\n", out);
	int rc;
	while ((rc = db_step(db, st, err)) == SQLITE_ROW) {
		for (int i = 0; i < 8; i++)
			csv_write_field(out, db_col_text(st, i), i == 0);
		fputc('\n', out);
		(*rows)++;
	}
	return rc < 0 ? err->code : QERR_OK;
}
