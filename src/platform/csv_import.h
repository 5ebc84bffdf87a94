/*
 * csv_import.h - the one CSV import driver every importer uses (enterprises,
 * segments, capabilities, relations, supplies, demands).
 *
 * What is the same for every import lives here: the header check, the row
 * loop (progress every CSV_IMPORT_PROGRESS_EVERY records, the field-count
 * check, a broken record stops reading), one write transaction for the whole
 * file, line-numbered errors (every bad row counted, the first
 * CSV_IMPORT_MAX_REPORTED reported), all-or-nothing (one bad row and the
 * transaction is rolled back, "import_rejected"), the audit record, the
 * commit and the report. What an importer knows (its columns, how a row is
 * validated and written, its bulk path) comes in a struct csv_import_ops.
 *
 * A run, in order:
 *   1. csv_expect_header; a bad header ends the run with a report of that one
 *      error and the header's error code (nothing else ran).
 *   2. ops->prepare (no transaction yet: connection settings that cannot
 *      change inside one, such as SQLite pragmas).
 *   3. db_begin_write, then ops->begin (maps of existing keys, dropping
 *      indexes for a bulk path).
 *   4. For each record: a record with the wrong number of fields is a row
 *      error the driver reports itself; otherwise ops->row validates it, and
 *      writes it unless im->rejected (an earlier row was bad: keep validating
 *      so every bad row is reported, but write nothing more).
 *   5. ops->end, whether or not a row was bad (a second pass over what the
 *      rows collected; it may report more errors with csv_import_error).
 *   6. Any error: roll back, the report, and QERR_INVALID "import_rejected".
 *      Otherwise ops->finish (index rebuilds, change counters), the audit
 *      record (ops->audit_action on ops->audit_object "*", detail from
 *      ops->audit_detail or {rows, inserted, updated, bulk}), the commit and
 *      the report.
 *
 * The report is {"rows","inserted","updated","error_count","errors":[{"line",
 * "field","code","message"}]}: rows counts every record read (the header
 * aside), inserted and updated are 0 when the file was rejected.
 */
#ifndef QILIAN_PLATFORM_CSV_IMPORT_H
#define QILIAN_PLATFORM_CSV_IMPORT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "base/csv.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

#define CSV_IMPORT_MAX_REPORTED 1000	/* errors listed in a report; error_count counts them all */
#define CSV_IMPORT_PROGRESS_EVERY 50000 /* records between two progress calls */

/* Progress of a large import: records read so far. */
typedef void (*csv_import_progress_fn)(long rows, void *ctx);

/* One run's state, handed to every callback. */
struct csv_import {
	struct db *db;
	const struct actor *actor;
	struct csv_reader r;	/* the current record: r.field[i] (NUL-terminated), r.flen[i], r.nfields */
	long line;		/* the line the current record starts on */
	bool rejected;		/* a row was bad: the file will be rolled back, write nothing more */
	bool bulk;		/* set by the importer when it takes its bulk path (the default audit detail) */
	long inserted, updated; /* counted by the importer as it writes */
	long rows;		/* records read so far (driver) */
	long nerrors;		/* errors so far, reported or not (driver) */
	json_t *errors;		/* the reported ones (driver) */
};

/*
 * An importer. Every callback gets the ctx passed to csv_import_run; only
 * row is required. A callback's non-zero return (with err filled) ends the
 * run: the transaction is rolled back, no report, that code returned.
 */
struct csv_import_ops {
	const char *const *columns; /* the header, exactly: columns[0..ncolumns) */
	size_t ncolumns;
	const char *header;			 /* the same, comma-joined, for the message */
	const char *audit_action, *audit_object; /* "enterprise.import", "enterprise" */
	/* After the header check, before the transaction opens. */
	enum qerr (*prepare)(void *ctx, struct csv_import *im, struct qerror *err);
	/* Inside the write transaction, before the first row. */
	enum qerr (*begin)(void *ctx, struct csv_import *im, struct qerror *err);
	/*
	 * One record of ncolumns fields at im->line: validates it and, unless
	 * im->rejected, writes it and counts it in im->inserted or im->updated.
	 * A bad row fills rowerr (code, slug, field, message) and returns QERR_OK.
	 */
	enum qerr (*row)(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err);
	/* After the last row, also when a row was bad (a second pass). */
	enum qerr (*end)(void *ctx, struct csv_import *im, struct qerror *err);
	/* Every row was good: the last writes before the audit record and the commit. */
	enum qerr (*finish)(void *ctx, struct csv_import *im, struct qerror *err);
	/* The audit record's detail (a new reference); NULL here gives {rows, inserted, updated, bulk}. */
	json_t *(*audit_detail)(void *ctx, const struct csv_import *im);
};

/*
 * Runs the import of data[0..len) as actor a (who may import is the
 * importer's check, made before). progress may be NULL. *report (the
 * caller's, json_decref it) is set when the file was read: on success
 * (QERR_OK), on a bad header (the header's error in err) and on rejection
 * (QERR_INVALID "import_rejected", field "file"). Any other failure
 * (database, out of memory, a callback's error) leaves *report NULL.
 */
enum qerr csv_import_run(struct db *db, const struct actor *a, const struct csv_import_ops *ops, void *ctx,
			 const char *data, size_t len, csv_import_progress_fn progress, void *pctx, json_t **report,
			 struct qerror *err);

/*
 * Adds an error at line (e's slug, or its code's default slug, field and
 * message) and marks the import rejected. For errors a callback finds other
 * than the current row's (a second pass); a row's own error goes in rowerr.
 */
void csv_import_error(struct csv_import *im, long line, const struct qerror *e);

#endif
