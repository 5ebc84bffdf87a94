/*
 * csv_import.c - the CSV import driver (csv_import.h has the contract).
 *
 * Six importers used to repeat this loop; they differed only in what a row
 * means. The driver writes as it validates, in one transaction, and rolls
 * back if any row was bad: a clean file is read once, a bad file changes
 * nothing, and every bad row is reported with its line, not only the first.
 */
#include "platform/csv_import.h"

#include "platform/audit.h"

void csv_import_error(struct csv_import *im, long line, const struct qerror *e)
{
	im->nerrors++;
	im->rejected = true;
	if (json_array_size(im->errors) >= CSV_IMPORT_MAX_REPORTED)
		return;
	json_array_append_new(im->errors,
			      json_pack("{s:I,s:s,s:s,s:s}", "line", (json_int_t)line, "field", e->field, "code",
					e->slug[0] ? e->slug : qerr_default_slug(e->code), "message", e->message));
}

/*
 * Reads the next record with ncolumns fields: 1, or 0 at the end of the
 * input or after a broken record (reported: the reader cannot
 * resynchronise after a broken quote). A record with another number of
 * fields is reported and skipped. e comes cleared and is left cleared when
 * a record is returned (one clear per row: it is the row's error record).
 */
static int next_row(struct csv_import *im, size_t ncolumns, csv_import_progress_fn progress, void *pctx,
		    struct qerror *e)
{
	for (;;) {
		int got = csv_next(&im->r, e);
		if (got == 0)
			return 0;
		im->rows++;
		if (progress && im->rows % CSV_IMPORT_PROGRESS_EVERY == 0)
			progress(im->rows, pctx);
		if (got < 0) {
			csv_import_error(im, e->line ? e->line : im->r.record_line, e);
			return 0;
		}
		im->line = im->r.record_line;
		if (im->r.nfields == ncolumns)
			return 1;
		qerr_set(e, QERR_INVALID, "csv_field_count", "",
			 "第%ld行应有%zu列，实际%zu列 (expected %zu fields, got %zu)", im->line, ncolumns,
			 im->r.nfields, ncolumns, im->r.nfields);
		csv_import_error(im, im->line, e);
		qerr_clear(e);
	}
}

static json_t *import_report(const struct csv_import *im)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:O}", "rows", (json_int_t)im->rows, "inserted", (json_int_t)im->inserted,
			 "updated", (json_int_t)im->updated, "error_count", (json_int_t)im->nerrors, "errors",
			 im->errors);
}

/* Audits the clean import and commits it; the caller rolls back on failure. */
static enum qerr import_commit(const struct csv_import_ops *ops, void *ctx, struct csv_import *im, struct qerror *err)
{
	json_t *detail = ops->audit_detail ? ops->audit_detail(ctx, im)
					   : json_pack("{s:I,s:I,s:I,s:b}", "rows", (json_int_t)im->rows, "inserted",
						       (json_int_t)im->inserted, "updated", (json_int_t)im->updated,
						       "bulk", im->bulk);
	if (!detail)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	enum qerr rc = audit_record(im->db, im->actor, ops->audit_action, ops->audit_object, "*", detail, err);
	json_decref(detail);
	return rc ? rc : db_commit(im->db, err);
}

enum qerr csv_import_run(struct db *db, const struct actor *a, const struct csv_import_ops *ops, void *ctx,
			 const char *data, size_t len, csv_import_progress_fn progress, void *pctx, json_t **report,
			 struct qerror *err)
{
	*report = NULL;
	qerr_clear(err);
	struct csv_import im = {.db = db, .actor = a, .errors = json_array()};
	csv_init(&im.r, data, len);
	enum qerr rc;
	if (!im.errors) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	if ((rc = csv_expect_header(&im.r, ops->columns, ops->ncolumns, ops->header, err))) {
		/* Nothing was started: the report carries the one error. */
		csv_import_error(&im, err->line ? err->line : 1, err);
		*report = import_report(&im);
		goto out;
	}
	if (ops->prepare && (rc = ops->prepare(ctx, &im, err)))
		goto out;
	if ((rc = db_begin_write(db, err)))
		goto out;
	if (ops->begin && (rc = ops->begin(ctx, &im, err)))
		goto rollback;
	/* The bulk path's rows are checked in C: their writes need not wait for answers (PostgreSQL). */
	if (im.bulk)
		db_bulk_begin(db);
	for (;;) {
		struct qerror rowerr;
		qerr_clear(&rowerr);
		if (!next_row(&im, ops->ncolumns, progress, pctx, &rowerr))
			break;
		if ((rc = ops->row(ctx, &im, &rowerr, err)))
			goto rollback;
		if (rowerr.code)
			csv_import_error(&im, im.line, &rowerr);
	}
	if (im.bulk && (rc = db_bulk_end(db, err)))
		goto rollback;
	if (ops->end && (rc = ops->end(ctx, &im, err)))
		goto rollback;
	if (im.nerrors) {
		db_rollback(db);
		im.inserted = im.updated = 0;
		rc = qerr_set(err, QERR_INVALID, "import_rejected", "file",
			      "%ld行有错误，未导入任何数据 (%ld bad rows; nothing was imported)", im.nerrors,
			      im.nerrors);
		*report = import_report(&im);
		goto out;
	}
	if ((ops->finish && (rc = ops->finish(ctx, &im, err))) || (rc = import_commit(ops, ctx, &im, err)))
		goto rollback;
	*report = import_report(&im);
	goto out;
rollback:
	db_rollback(db);
out:
	json_decref(im.errors);
	csv_free(&im.r);
	return rc;
}
