/*
 * test_csv_import.c - the CSV import driver (platform/csv_import.h) with a
 * small fake importer of "key,value" rows into a table of its own: the
 * header check, field counts, a broken quote, errors past the reported
 * maximum still counted, all-or-nothing (nothing written when one row is
 * bad, validation goes on), the order of the callbacks and when each runs,
 * progress, a callback's failure, and the audit record written once on
 * success and never on rejection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/util.h"
#include "platform/csv_import.h"
#include "store/db.h"
#include "testdb.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct qerror e = {0};
	if (!f || !testdb_open(&f->t, "csvimport"))
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	if (db_exec(f->db, "CREATE TABLE fake(k TEXT PRIMARY KEY, v INTEGER NOT NULL)", &e))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	testdb_close(&f->t);
	free(f);
	return 0;
}

/* ---- the fake importer ---- */

enum { MAX_CALLS = 16 };

struct fake {
	char calls[MAX_CALLS][8]; /* the order of the callbacks (each row callback is one "row") */
	size_t ncalls;
	bool in_tx[MAX_CALLS]; /* was a transaction open at that call */
	long rows_seen, rows_rejected, rows_written;
	long fail_at_line;   /* the row callback fails (QERR_INTERNAL) at this line */
	long end_error_line; /* end reports an error at this line (a second pass) */
	long progress[8];
	size_t nprogress;
	bool custom_detail;
};

static void fake_call(struct fake *x, struct csv_import *im, const char *name)
{
	if (x->ncalls && strcmp(name, "row") == 0 && strcmp(x->calls[x->ncalls - 1], "row") == 0)
		return; /* one entry for a run of rows */
	assert_true(x->ncalls < MAX_CALLS);
	x->in_tx[x->ncalls] = db_in_transaction(im->db);
	snprintf(x->calls[x->ncalls++], sizeof x->calls[0], "%s", name);
}

static enum qerr fake_prepare(void *ctx, struct csv_import *im, struct qerror *err)
{
	fake_call(ctx, im, "prepare");
	return QERR_OK;
}

static enum qerr fake_begin(void *ctx, struct csv_import *im, struct qerror *err)
{
	fake_call(ctx, im, "begin");
	return QERR_OK;
}

/* A row is key (non-empty, unique in the table) and value (a whole number). */
static enum qerr fake_row(void *ctx, struct csv_import *im, struct qerror *rowerr, struct qerror *err)
{
	struct fake *x = ctx;
	fake_call(x, im, "row");
	x->rows_seen++;
	assert_int_equal(im->r.nfields, 2);
	assert_int_equal(im->line, im->r.record_line);
	if (im->line == x->fail_at_line)
		return qerr_set(err, QERR_INTERNAL, "fake_failure", NULL, "the fake importer failed");
	int64_t v;
	if (!im->r.field[0][0])
		return qerr_set(rowerr, QERR_INVALID, "empty_key", "k", "键不能为空 (k must not be empty)"), QERR_OK;
	if (!util_parse_i64(im->r.field[1], 0, INT64_MAX, &v))
		return qerr_set(rowerr, QERR_INVALID, NULL, "v", "v must be a whole number"), QERR_OK;
	if (im->rejected) {
		x->rows_rejected++;
		return QERR_OK;
	}
	struct db_stmt *st = db_prepare(im->db, "INSERT INTO fake(k,v) VALUES(?,?)", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, im->r.field[0]);
	db_bind_int64(st, 2, v);
	if (db_run(st, err))
		return err->code;
	x->rows_written++;
	im->inserted++;
	return QERR_OK;
}

static enum qerr fake_end(void *ctx, struct csv_import *im, struct qerror *err)
{
	struct fake *x = ctx;
	fake_call(x, im, "end");
	if (x->end_error_line) {
		struct qerror e;
		qerr_clear(&e);
		qerr_set(&e, QERR_INVALID, "second_pass", "k", "found by the second pass");
		csv_import_error(im, x->end_error_line, &e);
		assert_true(im->rejected);
	}
	return QERR_OK;
}

static enum qerr fake_finish(void *ctx, struct csv_import *im, struct qerror *err)
{
	fake_call(ctx, im, "finish");
	return QERR_OK;
}

static json_t *fake_detail(void *ctx, const struct csv_import *im)
{
	struct fake *x = ctx;
	return x->custom_detail ? json_pack("{s:I,s:s}", "rows", (json_int_t)im->rows, "kind", "fake")
				: json_pack("{s:I,s:I,s:I,s:b}", "rows", (json_int_t)im->rows, "inserted",
					    (json_int_t)im->inserted, "updated", (json_int_t)im->updated, "bulk", 0);
}

static const char *const fake_columns[] = {"k", "v"};

static const struct csv_import_ops fake_ops = {
    .columns = fake_columns,
    .ncolumns = 2,
    .header = "k,v",
    .audit_action = "fake.import",
    .audit_object = "fake",
    .prepare = fake_prepare,
    .begin = fake_begin,
    .row = fake_row,
    .end = fake_end,
    .finish = fake_finish,
};

/* The same importer with only the required row callback and the default audit detail. */
static const struct csv_import_ops fake_ops_minimal = {
    .columns = fake_columns,
    .ncolumns = 2,
    .header = "k,v",
    .audit_action = "fake.import",
    .audit_object = "fake",
    .row = fake_row,
};

static void on_progress(long rows, void *ctx)
{
	struct fake *x = ctx;
	assert_true(x->nprogress < 8);
	x->progress[x->nprogress++] = rows;
}

struct run {
	enum qerr rc;
	struct qerror e;
	json_t *report;
};

static struct run run_ops(struct fixture *f, const struct csv_import_ops *ops, struct fake *x, const char *data,
			  size_t len)
{
	struct run r;
	r.rc = csv_import_run(f->db, &f->cli, ops, x, data, len, on_progress, x, &r.report, &r.e);
	assert_false(db_in_transaction(f->db)); /* committed or rolled back, whatever happened */
	return r;
}

static struct run run_fake(struct fixture *f, struct fake *x, const char *data)
{
	return run_ops(f, &fake_ops, x, data, strlen(data));
}

static long long report_int(const json_t *report, const char *key)
{
	json_t *v = json_object_get(report, key);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* The report's keys are exactly rows, inserted, updated, error_count, errors. */
static void expect_report(const json_t *report, long rows, long inserted, long error_count)
{
	assert_non_null(report);
	assert_int_equal(json_object_size(report), 5);
	assert_int_equal(report_int(report, "rows"), rows);
	assert_int_equal(report_int(report, "inserted"), inserted);
	assert_int_equal(report_int(report, "updated"), 0);
	assert_int_equal(report_int(report, "error_count"), error_count);
	assert_true(json_is_array(json_object_get(report, "errors")));
}

/* Error i of the report is at line with field and code (and the message contains msg when not NULL). */
static void expect_error(const json_t *report, size_t i, long line, const char *field, const char *code,
			 const char *msg)
{
	json_t *e = json_array_get(json_object_get(report, "errors"), i);
	assert_non_null(e);
	assert_int_equal(json_object_size(e), 4);
	assert_int_equal(json_integer_value(json_object_get(e, "line")), line);
	assert_string_equal(json_string_value(json_object_get(e, "field")), field);
	assert_string_equal(json_string_value(json_object_get(e, "code")), code);
	if (msg)
		assert_non_null(strstr(json_string_value(json_object_get(e, "message")), msg));
}

static void expect_calls(const struct fake *x, const char *const *want, size_t n)
{
	if (x->ncalls != n)
		fail_msg("%zu callbacks, expected %zu (first: %s)", x->ncalls, n, x->ncalls ? x->calls[0] : "none");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(x->calls[i], want[i]);
}

static long long count_rows(struct fixture *f)
{
	return testdb_scalar(f->db, "SELECT count(*) FROM fake");
}

static long long count_audit(struct fixture *f)
{
	return testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='fake.import'");
}

/* ---- tests ---- */

static void test_a_clean_file_is_written_audited_once_and_reported(void **state)
{
	struct fixture *f = *state;
	struct fake x = {0};
	struct run r = run_fake(f, &x, "k,v\na,1\nb,2\n\nc,3\n");
	assert_int_equal(r.rc, QERR_OK);
	expect_report(r.report, 3, 3, 0);
	assert_int_equal(json_array_size(json_object_get(r.report, "errors")), 0);
	json_decref(r.report);
	assert_int_equal(count_rows(f), 3);
	assert_int_equal(count_audit(f), 1);
	/* prepare before the transaction, everything else inside it, finish only for a clean file. */
	static const char *const want[] = {"prepare", "begin", "row", "end", "finish"};
	expect_calls(&x, want, 5);
	assert_false(x.in_tx[0]);
	for (size_t i = 1; i < 5; i++)
		assert_true(x.in_tx[i]);
	/* The default audit detail. */
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='fake.import' AND "
					      "object_type='fake' AND object_id='*' AND "
					      "detail='{\"rows\":3,\"inserted\":3,\"updated\":0,\"bulk\":false}'"),
			 1);
}

static void test_the_audit_detail_may_come_from_the_importer(void **state)
{
	struct fixture *f = *state;
	struct fake x = {.custom_detail = true};
	struct csv_import_ops ops = fake_ops;
	ops.audit_detail = fake_detail;
	struct run r = run_ops(f, &ops, &x, "k,v\na,1\n", 8);
	assert_int_equal(r.rc, QERR_OK);
	json_decref(r.report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='fake.import' AND "
					      "detail='{\"rows\":1,\"kind\":\"fake\"}'"),
			 1);
}

static void test_only_the_row_callback_is_required(void **state)
{
	struct fixture *f = *state;
	struct fake x = {0};
	struct run r = run_ops(f, &fake_ops_minimal, &x, "k,v\na,1\nb,2\n", 12);
	assert_int_equal(r.rc, QERR_OK);
	expect_report(r.report, 2, 2, 0);
	json_decref(r.report);
	assert_int_equal(count_rows(f), 2);
	assert_int_equal(count_audit(f), 1);

	r = run_ops(f, &fake_ops_minimal, &x, "k,v\nc,x\n", 8);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	json_decref(r.report);
	assert_int_equal(count_rows(f), 2);
	assert_int_equal(count_audit(f), 1);
}

static void test_a_header_problem_reports_one_error_and_starts_nothing(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *data, *slug;
		long line;
	} cases[] = {
	    {"", "csv_empty", 1},
	    {"\n\n", "csv_empty", 1},
	    {"k\n", "csv_bad_header", 1},
	    {"k,v,w\n", "csv_bad_header", 1},
	    {"v,k\na,1\n", "csv_bad_header", 1},
	    {"K,v\n", "csv_bad_header", 1},
	    {"\n\nk,x\na,1\n", "csv_bad_header", 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fake x = {0};
		struct run r = run_fake(f, &x, cases[i].data);
		if (r.rc != QERR_INVALID)
			fail_msg("header #%zu: rc %d", i, r.rc);
		assert_string_equal(r.e.slug, cases[i].slug);
		assert_string_equal(r.e.field, "file");
		expect_report(r.report, 0, 0, 1);
		expect_error(r.report, 0, cases[i].line, "file", cases[i].slug, "k,v");
		json_decref(r.report);
		assert_int_equal(x.ncalls, 0); /* no callback ran, no transaction was opened */
	}
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(count_audit(f), 0);

	/* A header alone is a valid, empty import; a BOM and CRLF are fine. */
	struct fake x = {0};
	struct run r = run_fake(f, &x, "\xEF\xBB\xBFk,v\r\n");
	assert_int_equal(r.rc, QERR_OK);
	expect_report(r.report, 0, 0, 0);
	json_decref(r.report);
	assert_int_equal(count_audit(f), 1);
}

static void test_a_wrong_field_count_is_a_row_error_and_rejects_the_file(void **state)
{
	struct fixture *f = *state;
	struct fake x = {0};
	struct run r = run_fake(f, &x, "k,v\na,1\nb,2,3\nc\nd,4\n");
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	assert_string_equal(r.e.field, "file");
	assert_string_equal(r.e.message, "2行有错误，未导入任何数据 (2 bad rows; nothing was imported)");
	expect_report(r.report, 4, 0, 2);
	expect_error(r.report, 0, 3, "", "csv_field_count", "第3行应有2列，实际3列 (expected 2 fields, got 3)");
	expect_error(r.report, 1, 4, "", "csv_field_count", "第4行应有2列，实际1列 (expected 2 fields, got 1)");
	json_decref(r.report);
	/* The rows of the right width went to the callback: the first written (and rolled back), the last only checked.
	 */
	assert_int_equal(x.rows_seen, 2);
	assert_int_equal(x.rows_written, 1);
	assert_int_equal(x.rows_rejected, 1);
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(count_audit(f), 0);
}

static void test_a_broken_quote_stops_reading_at_its_line(void **state)
{
	struct fixture *f = *state;
	struct fake x = {0};
	/* A quoted field over two lines first: line numbers count the file's lines, not records. */
	struct run r = run_fake(f, &x, "k,v\n\"a\nb\",1\nc,\"2\nd,3\ne,4\n");
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	expect_report(r.report, 2, 0, 1);
	expect_error(r.report, 0, 4, "", "csv_unterminated_quote", NULL);
	json_decref(r.report);
	assert_int_equal(x.rows_seen, 1); /* nothing after the broken record was read */
	assert_int_equal(count_rows(f), 0);

	/* Invalid UTF-8 is a broken record as well. */
	memset(&x, 0, sizeof x);
	r = run_fake(f, &x, "k,v\na,1\n\xff,2\nb,3\n");
	assert_int_equal(r.rc, QERR_INVALID);
	expect_report(r.report, 2, 0, 1);
	expect_error(r.report, 0, 3, "", "csv_bad_encoding", NULL);
	json_decref(r.report);
	assert_int_equal(x.rows_seen, 1);
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(count_audit(f), 0);
}

static void test_one_bad_row_writes_nothing_and_every_bad_row_is_reported(void **state)
{
	struct fixture *f = *state;
	struct fake x = {0};
	struct run r = run_fake(f, &x, "k,v\na,1\nb,2\n,3\nc,4\nd,x\ne,5\n");
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	expect_report(r.report, 6, 0, 2); /* inserted is 0 although two rows were written before the bad one */
	expect_error(r.report, 0, 4, "k", "empty_key", "键不能为空");
	expect_error(r.report, 1, 6, "v", "invalid", "whole number"); /* no slug: the code's default */
	json_decref(r.report);
	assert_int_equal(x.rows_seen, 6);
	assert_int_equal(x.rows_written, 2);
	assert_int_equal(x.rows_rejected, 2); /* c and e: checked, not written */
	/* end still ran (a second pass reports its errors too); finish did not. */
	static const char *const want[] = {"prepare", "begin", "row", "end"};
	expect_calls(&x, want, 4);
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(count_audit(f), 0);
}

static void test_a_second_pass_error_rejects_the_file(void **state)
{
	struct fixture *f = *state;
	struct fake x = {.end_error_line = 2};
	struct run r = run_fake(f, &x, "k,v\na,1\nb,2\n");
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	expect_report(r.report, 2, 0, 1);
	expect_error(r.report, 0, 2, "k", "second_pass", NULL);
	json_decref(r.report);
	assert_int_equal(x.rows_written, 2);
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(count_audit(f), 0);
}

static void test_errors_past_the_reported_maximum_are_still_counted(void **state)
{
	struct fixture *f = *state;
	size_t n = CSV_IMPORT_MAX_REPORTED + 500;
	struct buf b = {0};
	buf_printf(&b, "k,v\ngood,1\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "k%zu,bad\n", i);
	buf_printf(&b, "last,1\n");
	struct fake x = {0};
	struct run r = run_ops(f, &fake_ops, &x, b.data, b.len);
	assert_int_equal(r.rc, QERR_INVALID);
	char want[96];
	snprintf(want, sizeof want, "%zu行有错误", n);
	assert_non_null(strstr(r.e.message, want));
	expect_report(r.report, (long)n + 2, 0, (long)n);
	json_t *errors = json_object_get(r.report, "errors");
	assert_int_equal(json_array_size(errors), CSV_IMPORT_MAX_REPORTED);
	expect_error(r.report, 0, 3, "v", "invalid", NULL);
	expect_error(r.report, CSV_IMPORT_MAX_REPORTED - 1, CSV_IMPORT_MAX_REPORTED + 2, "v", "invalid", NULL);
	json_decref(r.report);
	assert_int_equal(x.rows_rejected, 1);
	assert_int_equal(count_rows(f), 0);
	buf_free(&b);
}

static void test_progress_is_called_every_so_many_records(void **state)
{
	struct fixture *f = *state;
	long n = 2 * CSV_IMPORT_PROGRESS_EVERY + 7;
	struct buf b = {0};
	buf_printf(&b, "k,v\n");
	for (long i = 0; i < n; i++)
		buf_printf(&b, "k%ld,%ld\n", i, i);
	struct fake x = {0};
	struct run r = run_ops(f, &fake_ops, &x, b.data, b.len);
	assert_int_equal(r.rc, QERR_OK);
	expect_report(r.report, n, n, 0);
	json_decref(r.report);
	assert_int_equal(x.nprogress, 2);
	assert_int_equal(x.progress[0], CSV_IMPORT_PROGRESS_EVERY);
	assert_int_equal(x.progress[1], 2 * CSV_IMPORT_PROGRESS_EVERY);
	assert_int_equal(count_rows(f), n);
	assert_int_equal(count_audit(f), 1);
	/* No progress callback is fine. */
	json_t *report = NULL;
	struct qerror e;
	assert_int_equal(
	    csv_import_run(f->db, &f->cli, &fake_ops_minimal, &x, "k,v\nz,1\n", 8, NULL, NULL, &report, &e), QERR_OK);
	json_decref(report);
	buf_free(&b);
}

static void test_a_failing_callback_rolls_back_without_a_report(void **state)
{
	struct fixture *f = *state;
	struct fake x = {.fail_at_line = 4};
	struct run r = run_fake(f, &x, "k,v\na,1\nb,2\nc,3\nd,4\n");
	assert_int_equal(r.rc, QERR_INTERNAL);
	assert_string_equal(r.e.slug, "fake_failure");
	assert_null(r.report);
	assert_int_equal(x.rows_seen, 3);
	assert_int_equal(count_rows(f), 0);
	assert_int_equal(count_audit(f), 0);

	/* A database error while writing (a key already in the table) is a failure too, not a row error. */
	memset(&x, 0, sizeof x);
	r = run_fake(f, &x, "k,v\na,1\n");
	assert_int_equal(r.rc, QERR_OK);
	json_decref(r.report);
	r = run_fake(f, &x, "k,v\nb,1\na,2\n");
	assert_int_equal(r.rc, QERR_CONFLICT);
	assert_null(r.report);
	assert_int_equal(count_rows(f), 1);
	assert_int_equal(count_audit(f), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_a_clean_file_is_written_audited_once_and_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_the_audit_detail_may_come_from_the_importer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_only_the_row_callback_is_required, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_header_problem_reports_one_error_and_starts_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_wrong_field_count_is_a_row_error_and_rejects_the_file, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_broken_quote_stops_reading_at_its_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_one_bad_row_writes_nothing_and_every_bad_row_is_reported, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_second_pass_error_rejects_the_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors_past_the_reported_maximum_are_still_counted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_progress_is_called_every_so_many_records, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_failing_callback_rolls_back_without_a_report, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
