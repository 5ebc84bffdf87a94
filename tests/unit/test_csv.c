/*
 * test_csv.c - the RFC 4180 reader and the quoting writer: quoted fields
 * with commas, quotes and newlines (and the line numbers after them), CRLF,
 * BOM, blank lines, every malformed-record error with its line, field count
 * limits, encoding, writer/reader round trips, and the protective quote
 * that keeps formulas (=, +, -, @, tab, CR) inert in spreadsheets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/csv.h"

struct reader {
	struct csv_reader r;
	struct qerror e;
};

static void start(struct reader *t, const char *data, size_t len)
{
	memset(&t->e, 0, sizeof t->e);
	csv_init(&t->r, data, len);
}
#define START(t, lit) start((t), (lit), sizeof(lit) - 1)

static int next(struct reader *t)
{
	memset(&t->e, 0, sizeof t->e);
	int rc = csv_next(&t->r, &t->e);
	if (rc == 1) {
		/* Invariants of every record: NUL-terminated fields inside scratch with matching lengths. */
		assert_true(t->r.nfields >= 1 && t->r.nfields <= CSV_MAX_FIELDS);
		for (size_t i = 0; i < t->r.nfields; i++) {
			assert_true(t->r.field[i] >= t->r.scratch);
			assert_true(t->r.field[i] + t->r.flen[i] < t->r.scratch + t->r.scratch_cap);
			assert_int_equal(strlen(t->r.field[i]), t->r.flen[i]);
		}
	}
	return rc;
}

/* Expects a record of exactly the given fields (NULL-terminated) starting at line. */
static void expect_record(struct reader *t, long line, ...)
{
	int rc = next(t);
	if (rc != 1)
		fail_msg("expected a record at line %ld, got %d (%s)", line, rc, t->e.message);
	assert_int_equal(t->r.record_line, line);
	va_list ap;
	va_start(ap, line);
	size_t i = 0;
	for (const char *want; (want = va_arg(ap, const char *)); i++) {
		if (i >= t->r.nfields)
			fail_msg("line %ld: only %zu fields", line, t->r.nfields);
		assert_string_equal(t->r.field[i], want);
		assert_int_equal(t->r.flen[i], strlen(want));
	}
	va_end(ap);
	assert_int_equal(t->r.nfields, i);
}

static void expect_end(struct reader *t)
{
	assert_int_equal(next(t), 0);
	assert_int_equal(next(t), 0); /* stays at the end */
	csv_free(&t->r);
}

static void expect_error(struct reader *t, const char *slug, long line)
{
	assert_int_equal(next(t), -1);
	assert_int_equal(t->e.code, QERR_BAD_REQUEST);
	assert_string_equal(t->e.slug, slug);
	assert_int_equal(t->e.line, line);
	char want[32];
	snprintf(want, sizeof want, "line %ld", line);
	if (!strstr(t->e.message, want))
		fail_msg("message lacks '%s': %s", want, t->e.message);
	csv_free(&t->r);
}

static void test_empty_input_has_no_records(void **state)
{
	struct reader t;
	start(&t, "", 0);
	expect_end(&t);
	start(&t, NULL, 0);
	expect_end(&t);
	START(&t, "\xEF\xBB\xBF");
	expect_end(&t);
	START(&t, "\n\n\r\n\r\n");
	expect_end(&t);
}

static void test_simple_records_and_missing_final_newline(void **state)
{
	struct reader t;
	START(&t, "a,b,c\n1,2,3");
	expect_record(&t, 1, "a", "b", "c", NULL);
	expect_record(&t, 2, "1", "2", "3", NULL);
	expect_end(&t);
}

static void test_quoted_fields_keep_commas_quotes_and_newlines(void **state)
{
	struct reader t;
	START(&t, "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\n"
		  "next,\"\"\"\",\"x\r\ny\"\n");
	expect_record(&t, 1, "a,b", "say \"hi\"", "two\nlines", "", NULL);
	/* The record after a two-line field starts on line 3. */
	expect_record(&t, 3, "next", "\"", "x\r\ny", NULL);
	expect_end(&t);
}

static void test_line_numbers_after_multi_line_fields_and_blank_lines(void **state)
{
	struct reader t;
	START(&t, "h1,h2\n"
		  "\"l2\nl3\nl4\",x\n"
		  "\n"
		  "\n"
		  "r7,y\r\n"
		  "\r\n"
		  "r9,\"\n\n\"\n"
		  "r12,z\n");
	expect_record(&t, 1, "h1", "h2", NULL);
	expect_record(&t, 2, "l2\nl3\nl4", "x", NULL);
	expect_record(&t, 7, "r7", "y", NULL);
	expect_record(&t, 9, "r9", "\n\n", NULL);
	expect_record(&t, 12, "r12", "z", NULL);
	expect_end(&t);
}

static void test_crlf_line_endings(void **state)
{
	struct reader t;
	START(&t, "a,b\r\nc,d\r\n\"e\r\nf\",g\r\nh,\r\n");
	expect_record(&t, 1, "a", "b", NULL);
	expect_record(&t, 2, "c", "d", NULL);
	expect_record(&t, 3, "e\r\nf", "g", NULL);
	expect_record(&t, 5, "h", "", NULL);
	expect_end(&t);
}

static void test_lone_cr_ends_a_record_and_counts_as_a_line(void **state)
{
	/* Old Mac files: every record keeps a distinct line number, as an editor shows them. */
	struct reader t;
	START(&t, "a,b\rc,d\r\re\r\nf,\"x\ry\"\rg\r");
	expect_record(&t, 1, "a", "b", NULL);
	expect_record(&t, 2, "c", "d", NULL);
	expect_record(&t, 4, "e", NULL);
	expect_record(&t, 5, "f", "x\ry", NULL);
	expect_record(&t, 7, "g", NULL);
	expect_end(&t);
	assert_int_equal(t.r.line, 8);
}

static void test_bom_is_skipped_only_at_the_start(void **state)
{
	struct reader t;
	START(&t, "\xEF\xBB\xBFuscc,name\n\xEF\xBB\xBFx,y\n");
	expect_record(&t, 1, "uscc", "name", NULL);
	/* A BOM elsewhere is data (U+FEFF is valid UTF-8). */
	expect_record(&t, 2, "\xEF\xBB\xBFx", "y", NULL);
	expect_end(&t);
	/* A partial BOM is data and must not be skipped. */
	START(&t, "\xEF\xBB");
	expect_error(&t, "csv_bad_encoding", 1);
}

static void test_empty_fields_including_the_final_one(void **state)
{
	struct reader t;
	START(&t, "a,b,\n,,\n,\n\"\",\"\"\nlast,");
	expect_record(&t, 1, "a", "b", "", NULL);
	expect_record(&t, 2, "", "", "", NULL);
	expect_record(&t, 3, "", "", NULL);
	expect_record(&t, 4, "", "", NULL);
	expect_record(&t, 5, "last", "", NULL);
	expect_end(&t);
}

static void test_spaces_are_kept_verbatim(void **state)
{
	struct reader t;
	START(&t, " a , b \n");
	expect_record(&t, 1, " a ", " b ", NULL);
	expect_end(&t);
}

static void test_unterminated_quote_reports_the_record_line(void **state)
{
	struct reader t;
	START(&t, "a,b\nc,d\n\"open\nstill open\n");
	expect_record(&t, 1, "a", "b", NULL);
	expect_record(&t, 2, "c", "d", NULL);
	expect_error(&t, "csv_unterminated_quote", 3);
	START(&t, "\"");
	expect_error(&t, "csv_unterminated_quote", 1);
	START(&t, "x,\"abc\"\"");
	expect_error(&t, "csv_unterminated_quote", 1);
}

static void test_quote_inside_unquoted_field_is_an_error(void **state)
{
	struct reader t;
	START(&t, "ok\n\nab\"c,d\n");
	expect_record(&t, 1, "ok", NULL);
	expect_error(&t, "csv_bad_quote", 3);
	START(&t, "a,b\"\n");
	expect_error(&t, "csv_bad_quote", 1);
}

static void test_text_after_closing_quote_is_an_error(void **state)
{
	struct reader t;
	START(&t, "\"a\"b,c\n");
	expect_error(&t, "csv_bad_quote", 1);
	START(&t, "x\n\"multi\nline\" ,c\n");
	expect_record(&t, 1, "x", NULL);
	expect_error(&t, "csv_bad_quote", 2);
}

static void test_invalid_utf8_is_rejected_with_line_and_field(void **state)
{
	static const char *const bad[] = {
		"\xff",             /* never valid */
		"\xc0\xaf",         /* overlong '/' */
		"\xe0\x80\xaf",     /* overlong */
		"\xed\xa0\x80",     /* surrogate U+D800 */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xe4\xb8",         /* truncated 中 */
		"\x80",             /* lone continuation */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char data[64];
		int n = snprintf(data, sizeof data, "ok,ok\nok,\"%s\"\n", bad[i]);
		struct reader t;
		start(&t, data, (size_t)n);
		expect_record(&t, 1, "ok", "ok", NULL);
		assert_int_equal(next(&t), -1);
		assert_string_equal(t.e.slug, "csv_bad_encoding");
		assert_int_equal(t.e.line, 2);
		assert_non_null(strstr(t.e.message, "field 2"));
		csv_free(&t.r);
	}
	/* Valid multi-byte text passes, including 4-byte characters. */
	struct reader t;
	START(&t, "苏州,\xf0\x9f\x98\x80,é\n");
	expect_record(&t, 1, "苏州", "\xf0\x9f\x98\x80", "é", NULL);
	expect_end(&t);
}

static void test_nul_byte_inside_a_field_is_rejected(void **state)
{
	/* Otherwise "91350100M000100Y43\0junk" would reach the importer as a valid USCC. */
	struct reader t;
	START(&t, "a,b\n91350100M000100Y43\0junk,x\n");
	expect_record(&t, 1, "a", "b", NULL);
	expect_error(&t, "csv_bad_encoding", 2);
	START(&t, "\"q\0\",x\n");
	expect_error(&t, "csv_bad_encoding", 1);
}

static void test_64_fields_are_allowed_65_are_not(void **state)
{
	char data[512];
	size_t n = 0;
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(data + n, sizeof data - n, "%s%d", i ? "," : "", i);
	n += (size_t)snprintf(data + n, sizeof data - n, "\n");
	struct reader t;
	start(&t, data, n);
	assert_int_equal(next(&t), 1);
	assert_int_equal(t.r.nfields, CSV_MAX_FIELDS);
	assert_string_equal(t.r.field[CSV_MAX_FIELDS - 1], "63");
	expect_end(&t);

	/* 64 fields where the last is empty. */
	n = 0;
	for (int i = 0; i < CSV_MAX_FIELDS - 1; i++)
		n += (size_t)snprintf(data + n, sizeof data - n, "x,");
	start(&t, data, n);
	assert_int_equal(next(&t), 1);
	assert_int_equal(t.r.nfields, CSV_MAX_FIELDS);
	expect_end(&t);

	/* 65: a trailing comma after 64 fields is one too many. */
	n = 0;
	n += (size_t)snprintf(data + n, sizeof data - n, "ok\n");
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		n += (size_t)snprintf(data + n, sizeof data - n, "x,");
	n += (size_t)snprintf(data + n, sizeof data - n, "\n");
	start(&t, data, n);
	expect_record(&t, 1, "ok", NULL);
	expect_error(&t, "csv_too_many_fields", 2);
}

static void test_large_fields_grow_the_scratch_buffer(void **state)
{
	/* One field far beyond the initial 4 KiB scratch, quoted with doubled quotes, then a long unquoted one. */
	size_t big = 300000;
	char *data = malloc(big * 3 + 16);
	assert_non_null(data);
	size_t n = 0;
	data[n++] = '"';
	for (size_t i = 0; i < big; i++) {
		data[n++] = i % 1000 == 999 ? '"' : 'a';
		if (data[n - 1] == '"')
			data[n++] = '"';
	}
	data[n++] = '"';
	data[n++] = ',';
	for (size_t i = 0; i < big; i++)
		data[n++] = 'b';
	data[n++] = '\n';
	struct reader t;
	start(&t, data, n);
	assert_int_equal(next(&t), 1);
	assert_int_equal(t.r.nfields, 2);
	assert_int_equal(t.r.flen[0], big);
	assert_int_equal(t.r.flen[1], big);
	assert_int_equal(t.r.field[0][999], '"');
	assert_int_equal(t.r.field[1][big - 1], 'b');
	expect_end(&t);
	free(data);
}

static void test_errors_with_a_null_error_record_do_not_crash(void **state)
{
	static const char *const bad[] = {"\"open", "a\"b", "\"a\"b", "\xff"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct csv_reader r;
		csv_init(&r, bad[i], strlen(bad[i]));
		assert_int_equal(csv_next(&r, NULL), -1);
		csv_free(&r);
	}
}

static void test_input_need_not_be_nul_terminated(void **state)
{
	/* The reader stops at len even when the byte after it would continue the field. */
	const char data[] = "a,bXYZ";
	struct reader t;
	start(&t, data, 3);
	expect_record(&t, 1, "a", "b", NULL);
	expect_end(&t);
	start(&t, "\"ab\"cd", 4);
	expect_record(&t, 1, "ab", NULL);
	expect_end(&t);
}

/* Writes rows with csv_write_field into memory and reads them back. */
static void round_trip(const char *const *fields, size_t nrows, size_t ncols)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t c = 0; c < ncols; c++)
			csv_write_field(f, fields[r * ncols + c], c == 0);
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
	struct reader t;
	start(&t, text, len);
	for (size_t r = 0; r < nrows; r++) {
		if (next(&t) != 1)
			fail_msg("row %zu: %s\n%s", r, t.e.message, text);
		assert_int_equal(t.r.nfields, ncols);
		for (size_t c = 0; c < ncols; c++)
			assert_string_equal(t.r.field[c], fields[r * ncols + c]);
	}
	expect_end(&t);
	free(text);
}

static void test_writer_round_trips_every_awkward_field(void **state)
{
	static const char *const rows[] = {
		"plain",    "with,comma",   "with \"quote\"", "\"",
		"",         "two\nlines",   "crlf\r\nend",  "lone\rcr",
		"苏州精密", "\"\"",          ",",            " spaced ",
		"trailing,", "\n",          "\r",           "x\"y\"z",
	};
	round_trip(rows, 4, 4);
}

static void test_writer_quotes_only_when_needed(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	csv_write_field(f, "a", 1);
	csv_write_field(f, "b c", 0);
	csv_write_field(f, "d,e", 0);
	csv_write_field(f, "say \"hi\"", 0);
	csv_write_field(f, NULL, 0);
	csv_write_field(f, "", 0);
	csv_write_field(f, "昆山", 0);
	fclose(f);
	assert_string_equal(text, "a,b c,\"d,e\",\"say \"\"hi\"\"\",,,昆山");
	free(text);
	/* A field starting with a byte-order mark survives being first in a file. */
	static const char *const bom[] = {"\xEF\xBB\xBFx", "y"};
	round_trip(bom, 1, 2);
}

/* Writes one row of fields with csv_write_field and returns the text (malloc'd). */
static char *write_row(const char *const *fields, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		csv_write_field(f, fields[i], i == 0);
	fputc('\n', f);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_writer_neutralises_formulas(void **state)
{
	static const char *const cells[] = {
		"=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
		"\tTAB", "\r=1", "=1,2", "-",
	};
	char *text = write_row(cells, 8);
	assert_string_equal(text, "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'+cmd|' /C calc'!A0,'-2+3,"
				  "'@SUM(A1:A9),'\tTAB,\"'\r=1\",\"'=1,2\",'-\n");
	/* Reading it back gives the values as they were. */
	struct reader t;
	start(&t, text, strlen(text));
	expect_record(&t, 1, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], NULL);
	expect_end(&t);
	free(text);
}

static void test_writer_leaves_numbers_and_ordinary_text_alone(void **state)
{
	static const char *const cells[] = {"-12", "-0.5", "0", "120000", "3.25", "a=b", "苏州", " =1", "x-1"};
	char *text = write_row(cells, 9);
	assert_string_equal(text, "-12,-0.5,0,120000,3.25,a=b,苏州, =1,x-1\n");
	free(text);
	assert_false(csv_needs_guard("-12"));
	assert_false(csv_needs_guard("'plain"));
	assert_false(csv_needs_guard(""));
	/* Not plain decimals: these could be formulas (or are text a spreadsheet would mangle). */
	assert_true(csv_needs_guard("-1e5"));
	assert_true(csv_needs_guard("-1."));
	assert_true(csv_needs_guard("+86"));
	assert_true(csv_needs_guard("--1"));
	/* Quotes before a formula character are guarded too, or the reader would strip one. */
	assert_true(csv_needs_guard("'-12"));
	assert_true(csv_needs_guard("''=x"));
}

static void test_reader_strips_exactly_one_protective_quote(void **state)
{
	struct reader t;
	START(&t, "'=1,''=1,'-5,'x,'',',''-x,'\t\n");
	expect_record(&t, 1, "=1", "'=1", "-5", "'x", "''", "'", "'-x", "\t", NULL);
	expect_end(&t);
	/* Quoted fields too, and a quote later in a field is data. */
	START(&t, "\"'=a,b\",a'=b\n");
	expect_record(&t, 1, "=a,b", "a'=b", NULL);
	expect_end(&t);
}

/* Export -> import -> export is byte-identical for every value, including ones that look guarded already. */
static void test_guarded_values_round_trip_exactly(void **state)
{
	static const char *const rows[] = {
		"=1", "'=1", "''=1", "'''@x", "-", "'-", "-5", "'-5", "''-5", "'", "''", "'x",
		"\t", "'\t", "\r", "'\r\n", "+", "@", "=\"q\"", "'=,", "-1e5", "-0.5", "a", "",
	};
	round_trip(rows, 3, 8);
	char *once = write_row(rows, 24);
	struct reader t;
	start(&t, once, strlen(once));
	assert_int_equal(next(&t), 1);
	assert_int_equal(t.r.nfields, 24);
	const char *back[24];
	for (size_t i = 0; i < 24; i++)
		back[i] = t.r.field[i];
	char *twice = write_row(back, 24);
	assert_string_equal(once, twice);
	csv_free(&t.r);
	free(once);
	free(twice);
}

static void test_map_file_reads_files_and_reports_missing_ones(void **state)
{
	char path[] = "/tmp/qilian-test-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a,b\n", 4), 4);
	close(fd);
	struct qerror e = {0};
	size_t len = 99;
	const char *data = csv_map_file(path, &len, &e);
	assert_non_null(data);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "a,b\n", 4);
	csv_unmap(data, len);

	/* An empty file maps to an empty range. */
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	data = csv_map_file(path, &len, &e);
	assert_non_null(data);
	assert_int_equal(len, 0);
	csv_unmap(data, len);
	unlink(path);

	assert_null(csv_map_file(path, &len, &e));
	assert_string_equal(e.slug, "file_unreadable");
	assert_null(csv_map_file("/tmp", &len, &e));
	assert_string_equal(e.slug, "file_unreadable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input_has_no_records),
		cmocka_unit_test(test_simple_records_and_missing_final_newline),
		cmocka_unit_test(test_quoted_fields_keep_commas_quotes_and_newlines),
		cmocka_unit_test(test_line_numbers_after_multi_line_fields_and_blank_lines),
		cmocka_unit_test(test_crlf_line_endings),
		cmocka_unit_test(test_lone_cr_ends_a_record_and_counts_as_a_line),
		cmocka_unit_test(test_bom_is_skipped_only_at_the_start),
		cmocka_unit_test(test_empty_fields_including_the_final_one),
		cmocka_unit_test(test_spaces_are_kept_verbatim),
		cmocka_unit_test(test_unterminated_quote_reports_the_record_line),
		cmocka_unit_test(test_quote_inside_unquoted_field_is_an_error),
		cmocka_unit_test(test_text_after_closing_quote_is_an_error),
		cmocka_unit_test(test_invalid_utf8_is_rejected_with_line_and_field),
		cmocka_unit_test(test_nul_byte_inside_a_field_is_rejected),
		cmocka_unit_test(test_64_fields_are_allowed_65_are_not),
		cmocka_unit_test(test_large_fields_grow_the_scratch_buffer),
		cmocka_unit_test(test_errors_with_a_null_error_record_do_not_crash),
		cmocka_unit_test(test_input_need_not_be_nul_terminated),
		cmocka_unit_test(test_writer_round_trips_every_awkward_field),
		cmocka_unit_test(test_writer_quotes_only_when_needed),
		cmocka_unit_test(test_writer_neutralises_formulas),
		cmocka_unit_test(test_writer_leaves_numbers_and_ordinary_text_alone),
		cmocka_unit_test(test_reader_strips_exactly_one_protective_quote),
		cmocka_unit_test(test_guarded_values_round_trip_exactly),
		cmocka_unit_test(test_map_file_reads_files_and_reports_missing_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
