/*
 * test_enterprise.c - the enterprise registry against a real database file:
 * all-or-nothing CSV import (inserts, updates without duplicates, every bad
 * row reported with its line and field, nothing written), ownership,
 * byte-exact export round trip, filtered and paged listing, size re-derived
 * on update, and the append-only audit log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/jsonio.h"
#include "base/util.h"
#include "registry/account.h"
#include "registry/enterprise.h"
#include "registry/synth.h"
#include "registry/uscc.h"
#include "store/db.h"
#include "testkit.h"
#include "store/migrate.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli;     /* the operator at the CLI */
	struct actor sme_a;   /* admin of SME A */
	struct actor sme_b;   /* member of SME B */
	struct actor bank;
	int64_t org_a, org_b;
};

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "ent");
	if (!f)
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	testkit_org(f->db, "苏州市中小企业服务中心", "operator", NULL);
	f->org_a = testkit_org(f->db, "昆山精锐模具科技有限公司", "sme", NULL);
	f->org_b = testkit_org(f->db, "太仓宏达精密机械有限公司", "sme", NULL);
	int64_t bank = testkit_org(f->db, "江苏银行苏州分行", "bank", NULL);
	testkit_actor(&f->sme_a, 101, f->org_a, ORG_SME, ROLE_ADMIN, "a@qilian.test");
	testkit_actor(&f->sme_b, 102, f->org_b, ORG_SME, ROLE_MEMBER, "b@qilian.test");
	testkit_actor(&f->bank, 103, bank, ORG_BANK, ROLE_ADMIN, "bank@qilian.test");
	*state = f;
	return 0;
}

static long long count_enterprises(struct fixture *f)
{
	return testdb_scalar(f->db, "SELECT count(*) FROM enterprises");
}

/* A text of synthetic rows (with header) from the project's own generator. */
static char *synth_csv(long n, uint64_t seed, size_t *len)
{
	char *text = NULL;
	FILE *out = open_memstream(&text, len);
	assert_non_null(out);
	assert_int_equal(synth_enterprises(out, n, seed), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* One CSV row of an industrial firm in 昆山 with a generated valid USCC. */
static int row(char *buf, size_t cap, uint64_t seed, const char *name, long employees, long revenue,
	       const char *level)
{
	char uscc[USCC_LEN + 1];
	uscc_generate("320583", seed, uscc);
	return snprintf(buf, cap, "%s,%s,320583,35,%ld,%ld,1000,%s\n", uscc, name, employees, revenue, level);
}

static struct testkit_import import_as(struct fixture *f, const struct actor *a, const char *data, size_t len)
{
	struct testkit_import r;
	memset(&r.e, 0, sizeof r.e);
	r.rc = enterprise_import(f->db, a, data, len, NULL, NULL, &r.report, &r.e);
	return r;
}

static void test_import_of_a_good_file_inserts_every_row(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *csv = synth_csv(300, 11, &len);
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 300, 300, 0);
	assert_int_equal(count_enterprises(f), 300);
	/* Sizes were derived and stored for every row. */
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE size IN ('large','medium','small','micro')"), 300);
	/* The operator's own import leaves new records unowned (org 0 = none). */
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE org_id IS NULL"), 300);
	free(csv);
}

static void test_reimport_updates_and_never_duplicates(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *csv = synth_csv(120, 12, &len);
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 120, 120, 0);
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 120, 0, 120);
	assert_int_equal(count_enterprises(f), 120);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(DISTINCT uscc) FROM enterprises"), 120);

	/* Changed values replace the old ones, and the size class follows them. */
	char text[512];
	int n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 7, "昆山一号机械有限公司", 10, 100, "none");
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 1, 1, 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE name='昆山一号机械有限公司' AND size='micro'"), 1);
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 7, "昆山一号机械股份有限公司", 500, 5000, "provincial");
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 1, 0, 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE name='昆山一号机械股份有限公司' AND size='medium'"
				  " AND level='provincial' AND employees=500"),
			 1);
	assert_int_equal(count_enterprises(f), 121);

	/* Lower-case USCCs are the same record. */
	char uscc[USCC_LEN + 1];
	uscc_generate("320583", 7, uscc);
	for (char *p = uscc; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n%s,昆山一号,320583,35,10,100,1000,none\n", uscc);
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 1, 0, 1);
	assert_int_equal(count_enterprises(f), 121);
	free(csv);
}

static void test_a_file_mixing_new_and_known_records_counts_each_right(void **state)
{
	struct fixture *f = *state;
	/* Existing records 10, 11, 12 (B's); the file alternates them with new ones, in runs of different lengths. */
	char text[4096];
	int n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	for (uint64_t seed = 10; seed < 13; seed++)
		n += row(text + n, sizeof text - (size_t)n, seed, "旧记录", 5, 50, "none");
	testkit_expect_imported(import_as(f, &f->sme_b, text, (size_t)n), 3, 3, 0);
	static const uint64_t order[] = {20, 10, 21, 22, 11, 12, 23, 24, 25};
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		n += row(text + n, sizeof text - (size_t)n, order[i], "新旧混合", 6, 60, "none");
	testkit_expect_imported(import_as(f, &f->sme_b, text, (size_t)n), 9, 6, 3);
	assert_int_equal(count_enterprises(f), 9);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE name='新旧混合' AND employees=6"), 9);
	/* Someone else's record in either position (after an insert, after an update) is refused. */
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 30, "A的新记录", 1, 1, "none");
	n += row(text + n, sizeof text - (size_t)n, 10, "抢占", 1, 1, "none");
	struct testkit_import r = import_as(f, &f->sme_a, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 1);
	testkit_expect_row_error(r.report, 0, 3, "uscc", "not_owner");
	json_decref(r.report);
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 11, "B的更新", 7, 70, "none");
	n += row(text + n, sizeof text - (size_t)n, 31, "B的新记录", 7, 70, "none");
	n += row(text + n, sizeof text - (size_t)n, 12, "B的更新", 7, 70, "none");
	testkit_expect_imported(import_as(f, &f->sme_b, text, (size_t)n), 3, 1, 2);
	assert_int_equal(count_enterprises(f), 10);
}

static void test_pasted_usccs_with_separators_are_stored_as_18_characters(void **state)
{
	struct fixture *f = *state;
	/* As printed on a licence, with an ideographic space, and split after the region code, in lower case. */
	char text[1024];
	int n = snprintf(text, sizeof text,
			 ENTERPRISE_CSV_HEADER "\n"
					       "9132 0583 MA1N 2L8E 6H,昆山精锐模具科技有限公司,320583,35,80,6000,3000,none\n"
					       "9132\u30000500\u3000MA1M\u3000X4QF\u30003P,苏州汇川新能源汽车科技有限公司,320500,36,800,"
					       "90000,70000,provincial\n"
					       "91350100-m000100y43,福州示例有限公司,350100,C,10,100,100,none\n");
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 3, 3, 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE uscc IN ('91320583MA1N2L8E6H',"
					      "'91320500MA1MX4QF3P','91350100M000100Y43')"),
			 3);
	/* The same records in the other spellings are updates, not new records. */
	n = snprintf(text, sizeof text,
		     ENTERPRISE_CSV_HEADER "\n91320583-MA1N2L8E6H,昆山精锐模具科技有限公司,320583,35,90,6000,3000,none\n"
					   "9135 0100 M000 100Y 43,福州示例有限公司,350100,C,11,100,100,none\n");
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 2, 0, 2);
	assert_int_equal(count_enterprises(f), 3);
	/* Reads take them too, and answer the 18 characters. */
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(enterprise_get(f->db, &f->bank, "9132 0583 ma1n 2l8e 6h", &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "uscc")), "91320583MA1N2L8E6H");
	assert_int_equal(json_integer_value(json_object_get(out, "employees")), 90);
	json_decref(out);
	struct enterprise_filter q = {.q = "9132 0583 MA1N 2L8E 6H", .limit = 10};
	assert_int_equal(enterprise_list(f->db, &f->bank, &q, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	/* Other separators are still a bad row with the reason. */
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n9132/0583/MA1N/2L8E/6H,昆山,320583,35,1,1,1,none\n");
	struct testkit_import r = import_as(f, &f->cli, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	testkit_expect_row_error(r.report, 0, 2, "uscc", "invalid_uscc");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(json_object_get(r.report, "errors"), 0),
								 "message")),
			       "'/' at position 5"));
	json_decref(r.report);
}

static void test_bad_rows_are_all_reported_and_nothing_is_written(void **state)
{
	struct fixture *f = *state;
	/* An existing record that a good row of the bad file would change. */
	char text[4096];
	int n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 1, "原有企业", 10, 100, "none");
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 1, 1, 0);
	long long audit_before = testdb_scalar(f->db, "SELECT count(*) FROM audit_log");

	char bad_check[USCC_LEN + 1], dup[USCC_LEN + 1];
	uscc_generate("320583", 900, bad_check);
	bad_check[17] = bad_check[17] == 'A' ? 'B' : 'A';
	uscc_generate("320583", 5, dup);
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");                             /* line 1 */
	n += row(text + n, sizeof text - (size_t)n, 1, "原有企业改名", 20, 300, "none");        /* 2: good, update */
	n += row(text + n, sizeof text - (size_t)n, 2, "\"苏州\"\"新\"\",有限公司\"", 20, 300, "none"); /* 3: good */
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,坏校验码,320583,35,1,1,1,none\n", bad_check); /* 4 */
	n += row(text + n, sizeof text - (size_t)n, 3, "good", 1, 1, "none");                    /* 5: good */
	n += snprintf(text + n, sizeof text - (size_t)n, "\n");                                  /* 6: blank */
	char u[USCC_LEN + 1];
	uscc_generate("320583", 4, u);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,未知地区,320599,35,1,1,1,none\n", u); /* 7 */
	uscc_generate("320583", 6, u);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,坏等级,320583,35,1,1,1,gold\n", u); /* 8 */
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,少一列,320583,35,1,1,1\n", u);      /* 9 */
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,重复一,320583,35,1,1,1,none\n", dup); /* 10 */
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,重复二,320583,35,1,1,1,none\n", dup); /* 11 */
	uscc_generate("320583", 8, u);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,负数,320583,35,-1,1,1,none\n", u);   /* 12 */
	uscc_generate("320583", 9, u);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,坏行业,320583,ZZ,1,1,1,none\n", u);   /* 13 */
	uscc_generate("320583", 10, u);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,,320583,35,1,1,1,none\n", u);         /* 14: empty name */
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,多一列,320583,35,1,1,1,none,x\n", u); /* 15 */
	assert_true((size_t)n < sizeof text);

	struct testkit_import r = import_as(f, &f->cli, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	assert_non_null(r.report);
	assert_int_equal(testkit_report_int(r.report, "inserted"), 0);
	assert_int_equal(testkit_report_int(r.report, "updated"), 0);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 9);
	testkit_expect_row_error(r.report, 0, 4, "uscc", "invalid_uscc");
	testkit_expect_row_error(r.report, 1, 7, "region", "invalid_region");
	testkit_expect_row_error(r.report, 2, 8, "level", "invalid_level");
	testkit_expect_row_error(r.report, 3, 9, "", "csv_field_count");
	testkit_expect_row_error(r.report, 4, 11, "uscc", "duplicate_uscc");
	testkit_expect_row_error(r.report, 5, 12, "employees", "invalid_number");
	testkit_expect_row_error(r.report, 6, 13, "industry", "invalid_industry");
	testkit_expect_row_error(r.report, 7, 14, "name", "invalid_name");
	testkit_expect_row_error(r.report, 8, 15, "", "csv_field_count");
	/* The duplicate names the line of its first occurrence; the bad check character the expected one. */
	const json_t *errors = json_object_get(r.report, "errors");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(errors, 4), "message")), "line 10"));
	char want[48];
	uscc_generate("320583", 900, u);
	snprintf(want, sizeof want, "should be '%c'", u[17]);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(errors, 0), "message")), want));
	json_decref(r.report);

	/* Nothing changed: no new rows, the existing one keeps its name, no audit entry. */
	assert_int_equal(count_enterprises(f), 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE name='原有企业'"), 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log"), audit_before);
}

static void test_broken_quote_stops_the_import_with_its_line(void **state)
{
	struct fixture *f = *state;
	char text[1024];
	int n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 1, "好", 1, 1, "none");
	n += row(text + n, sizeof text - (size_t)n, 2, "\"未闭合", 1, 1, "none");
	struct testkit_import r = import_as(f, &f->cli, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 1);
	testkit_expect_row_error(r.report, 0, 3, "", "csv_unterminated_quote");
	json_decref(r.report);
	assert_int_equal(count_enterprises(f), 0);

	/* Invalid UTF-8 in a row. */
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 1, "\xff\xfe", 1, 1, "none");
	r = import_as(f, &f->cli, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	testkit_expect_row_error(r.report, 0, 2, "", "csv_bad_encoding");
	json_decref(r.report);
	assert_int_equal(count_enterprises(f), 0);
}

static void test_bad_or_missing_header_is_rejected(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
		"",
		"\n\n",
		"uscc,name,region,industry,employees,revenue_wan,assets_wan\n",
		"uscc,name,region,industry,employees,revenue_wan,assets_wan,level,extra\n",
		"name,uscc,region,industry,employees,revenue_wan,assets_wan,level\n",
		"USCC,name,region,industry,employees,revenue_wan,assets_wan,level\n",
		"uscc, name,region,industry,employees,revenue_wan,assets_wan,level\n",
		"91350100M000100Y43,某公司,320583,35,1,1,1,none\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct testkit_import r = import_as(f, &f->cli, bad[i], strlen(bad[i]));
		if (r.rc != QERR_INVALID)
			fail_msg("header #%zu accepted (%d)", i, r.rc);
		assert_true(strcmp(r.e.slug, "csv_bad_header") == 0 || strcmp(r.e.slug, "csv_empty") == 0);
		assert_string_equal(r.e.field, "file");
		assert_non_null(r.report);
		assert_int_equal(testkit_report_int(r.report, "error_count"), 1);
		assert_int_equal(testkit_report_int(r.report, "inserted"), 0);
		json_decref(r.report);
	}
	/* Header only: a valid, empty import. A BOM and CRLF are fine. */
	testkit_expect_imported(import_as(f, &f->cli, ENTERPRISE_CSV_HEADER "\n", strlen(ENTERPRISE_CSV_HEADER) + 1), 0,
				0, 0);
	char text[512];
	int n = snprintf(text, sizeof text, "\xEF\xBB\xBF" ENTERPRISE_CSV_HEADER "\r\n");
	char uscc[USCC_LEN + 1];
	uscc_generate("320583", 77, uscc);
	n += snprintf(text + n, sizeof text - (size_t)n, "%s,BOM公司,320583,35,1,1,1,none\r\n", uscc);
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 1, 1, 0);
	assert_int_equal(count_enterprises(f), 1);
}

static void test_only_registry_writers_may_import(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *csv = synth_csv(3, 13, &len);
	struct testkit_import r = import_as(f, &f->bank, csv, len);
	assert_int_equal(r.rc, QERR_FORBIDDEN);
	assert_null(r.report);
	assert_int_equal(count_enterprises(f), 0);
	free(csv);
}

static void test_sme_cannot_overwrite_another_orgs_records(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *csv = synth_csv(5, 14, &len);
	/* SME B imports: new records belong to B. */
	testkit_expect_imported(import_as(f, &f->sme_b, csv, len), 5, 5, 0);
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM enterprises WHERE org_id=%lld", (long long)f->org_b);
	assert_int_equal(testdb_scalar(f->db, sql), 5);
	/* B may re-import its own. */
	testkit_expect_imported(import_as(f, &f->sme_b, csv, len), 5, 0, 5);

	/* SME A may not: every row is not_owner, nothing changes. */
	struct testkit_import r = import_as(f, &f->sme_a, csv, len);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 5);
	for (size_t i = 0; i < 5; i++)
		testkit_expect_row_error(r.report, i, (long)i + 2, "uscc", "not_owner");
	json_decref(r.report);
	assert_int_equal(testdb_scalar(f->db, sql), 5);

	/* A file mixing A's new rows with one of B's: all rejected, A's rows not inserted. */
	char text[1024];
	int n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 500, "A公司", 1, 1, "none");
	const char *second = strchr(csv, '\n') + 1; /* B's first data row */
	const char *end = strchr(second, '\n') + 1;
	n += snprintf(text + n, sizeof text - (size_t)n, "%.*s", (int)(end - second), second);
	r = import_as(f, &f->sme_a, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	testkit_expect_row_error(r.report, 0, 3, "uscc", "not_owner");
	json_decref(r.report);
	assert_int_equal(count_enterprises(f), 5);

	/* Unowned (operator) records are not A's either. */
	n = snprintf(text, sizeof text, ENTERPRISE_CSV_HEADER "\n");
	n += row(text + n, sizeof text - (size_t)n, 501, "运营方登记", 1, 1, "none");
	testkit_expect_imported(import_as(f, &f->cli, text, (size_t)n), 1, 1, 0);
	r = import_as(f, &f->sme_a, text, (size_t)n);
	assert_int_equal(r.rc, QERR_INVALID);
	testkit_expect_row_error(r.report, 0, 2, "uscc", "not_owner");
	json_decref(r.report);

	/* The operator may overwrite B's records, and B keeps ownership. */
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 5, 0, 5);
	assert_int_equal(testdb_scalar(f->db, sql), 5);
	free(csv);
}

static void test_export_after_import_reproduces_the_file_byte_for_byte(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *synth = synth_csv(400, 15, &len);
	/* Append rows whose names need quoting. */
	char extra[1024];
	int n = 0;
	n += row(extra + n, sizeof extra - (size_t)n, 1001, "\"苏州,精密\"", 10, 100, "little_giant");
	n += row(extra + n, sizeof extra - (size_t)n, 1002, "\"说\"\"好\"\"的公司\"", 10, 100, "innovative");
	n += row(extra + n, sizeof extra - (size_t)n, 1003, "Acme (Kunshan) Co. Ltd.", 0, 0, "none");
	char *csv = malloc(len + (size_t)n + 1);
	memcpy(csv, synth, len);
	memcpy(csv + len, extra, (size_t)n + 1);
	len += (size_t)n;
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 403, 403, 0);

	char *out = NULL;
	size_t out_len = 0;
	FILE *mem = open_memstream(&out, &out_len);
	long rows = -1;
	struct qerror e = {0};
	assert_int_equal(enterprise_export(f->db, &f->cli, mem, &rows, &e), QERR_OK);
	fclose(mem);
	assert_int_equal(rows, 403);
	assert_int_equal(out_len, len);
	assert_memory_equal(out, csv, len);

	/* Importing the export changes nothing but the update count. */
	testkit_expect_imported(import_as(f, &f->cli, out, out_len), 403, 0, 403);
	assert_int_equal(count_enterprises(f), 403);
	free(out);
	free(csv);
	free(synth);
}

static bool has_unique_uscc_index(struct fixture *f)
{
	return testdb_scalar(f->db, "SELECT count(*) FROM pragma_index_list('enterprises') AS il, pragma_index_info(il.name) AS ii"
			" WHERE il.\"unique\"=1 AND ii.name='uscc'") >= 1;
}

static void test_bulk_import_of_a_large_file_keeps_every_guarantee(void **state)
{
	/* 25 000 rows take the bulk path (drop the USCC index, check uniqueness in memory, rebuild). */
	struct fixture *f = *state;
	size_t len;
	char *csv = synth_csv(25000, 18, &len);
	testkit_expect_imported(import_as(f, &f->sme_b, csv, len), 25000, 25000, 0);
	assert_int_equal(count_enterprises(f), 25000);
	assert_true(has_unique_uscc_index(f));
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='enterprise.import'"
				  " AND json_extract(detail,'$.bulk')=1"),
			 1);
	/* Re-import: all updates, no duplicates. */
	testkit_expect_imported(import_as(f, &f->sme_b, csv, len), 25000, 0, 25000);
	assert_int_equal(count_enterprises(f), 25000);

	/* Another SME's bulk import over B's records: every row is reported (up to the cap), nothing written. */
	struct testkit_import r = import_as(f, &f->sme_a, csv, len);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 25000);
	assert_int_equal(json_array_size(json_object_get(r.report, "errors")), 1000);
	testkit_expect_row_error(r.report, 0, 2, "uscc", "not_owner");
	testkit_expect_row_error(r.report, 999, 1001, "uscc", "not_owner");
	json_decref(r.report);
	assert_true(has_unique_uscc_index(f));

	/* A large file with new rows, one duplicate near the end and one bad row: nothing written. */
	char *big = synth_csv(30000, 19, &len);
	char *dup = strchr(strchr(big, '\n') + 1, '\n') + 1; /* line 3 */
	size_t duplen = (size_t)(strchr(dup, '\n') + 1 - dup);
	char *text = malloc(len + duplen + 64);
	memcpy(text, big, len);
	memcpy(text + len, dup, duplen); /* line 30002 repeats line 3 */
	size_t n = len + duplen;
	n += (size_t)snprintf(text + n, 64, "not-a-uscc,坏,320583,35,1,1,1,none\n"); /* line 30003 */
	r = import_as(f, &f->cli, text, n);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 2);
	testkit_expect_row_error(r.report, 0, 30002, "uscc", "duplicate_uscc");
	testkit_expect_row_error(r.report, 1, 30003, "uscc", "invalid_uscc");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(json_object_get(r.report, "errors"), 0),
								 "message")),
			       "line 3"));
	json_decref(r.report);
	assert_int_equal(count_enterprises(f), 25000);
	assert_true(has_unique_uscc_index(f));
	/* The rebuilt index still refuses a duplicate written behind the importer's back. */
	struct qerror behind = {0};
	assert_int_not_equal(db_exec(f->db,
				     "INSERT INTO enterprises(uscc,name,region,industry,employees,revenue_wan,assets_wan,"
				     "level,size,created_at,updated_at) SELECT uscc,name,region,industry,employees,"
				     "revenue_wan,assets_wan,level,size,created_at,updated_at FROM enterprises LIMIT 1",
				     &behind),
			     QERR_OK);
	/* And the clean large file goes in. */
	testkit_expect_imported(import_as(f, &f->cli, big, len), 30000, 30000, 0);
	assert_int_equal(count_enterprises(f), 55000);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(DISTINCT uscc) FROM enterprises"), 55000);
	assert_true(has_unique_uscc_index(f));
	free(text);
	free(big);
	free(csv);
}

/* Pages through enterprise_list with the given filter; returns rows seen, checks each is seen once. */
static long list_all(struct fixture *f, struct enterprise_filter flt, int limit, bool (*pred)(const json_t *, const void *),
		     const void *ctx)
{
	flt.limit = limit;
	flt.cursor = 0;
	long total = 0;
	char (*seen)[USCC_LEN + 1] = calloc(2000, sizeof *seen);
	for (int page = 0; page < 1000; page++) {
		json_t *res = NULL;
		struct qerror e = {0};
		if (enterprise_list(f->db, &f->cli, &flt, &res, &e))
			fail_msg("list failed: %s", e.message);
		json_t *items = json_object_get(res, "items");
		assert_true(json_array_size(items) <= (size_t)limit);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			const char *u = json_string_value(json_object_get(it, "uscc"));
			for (long k = 0; k < total; k++)
				if (strcmp(seen[k], u) == 0)
					fail_msg("%s listed twice", u);
			assert_true(total < 2000);
			memcpy(seen[total++], u, USCC_LEN + 1);
			if (pred && !pred(it, ctx))
				fail_msg("%s does not match the filter", u);
		}
		json_t *next = json_object_get(res, "next_cursor");
		if (json_is_null(next)) {
			json_decref(res);
			free(seen);
			return total;
		}
		assert_int_equal(json_array_size(items), (size_t)limit);
		int64_t cur;
		assert_true(util_parse_i64(json_string_value(next), 1, INT64_MAX, &cur));
		assert_true(cur > flt.cursor);
		flt.cursor = cur;
		json_decref(res);
	}
	fail_msg("paging did not end");
	return -1;
}

static bool region_starts(const json_t *it, const void *ctx)
{
	const char *p = ctx;
	return strncmp(json_string_value(json_object_get(it, "region")), p, strlen(p)) == 0;
}

static bool field_is(const json_t *it, const void *ctx)
{
	const char *const *kv = ctx;
	return strcmp(json_string_value(json_object_get(it, kv[0])), kv[1]) == 0;
}

static bool name_has(const json_t *it, const void *ctx)
{
	return strstr(json_string_value(json_object_get(it, "name")), ctx) != NULL;
}

static void test_list_filters_and_pages_cover_every_row_once(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *csv = synth_csv(600, 16, &len);
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 600, 600, 0);
	free(csv);
	struct enterprise_filter none = {0};

	/* Paging with every page size boundary. */
	assert_int_equal(list_all(f, none, 7, NULL, NULL), 600);
	assert_int_equal(list_all(f, none, 500, NULL, NULL), 600);
	assert_int_equal(list_all(f, none, 600 / 4, NULL, NULL), 600); /* exact multiple: no empty last page */
	assert_int_equal(list_all(f, none, 1, NULL, NULL), 600);

	/* Region prefixes. */
	struct enterprise_filter flt = {0};
	flt.region = "32";
	long long want = testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE region LIKE '32%'");
	assert_true(want > 0 && want < 600);
	assert_int_equal(list_all(f, flt, 50, region_starts, "32"), want);
	flt.region = "320000"; /* a province code means the whole province */
	assert_int_equal(list_all(f, flt, 50, region_starts, "32"), want);
	flt.region = "3205";
	want = testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE region LIKE '3205%'");
	assert_int_equal(list_all(f, flt, 50, region_starts, "3205"), want);
	flt.region = "320500";
	assert_int_equal(list_all(f, flt, 50, region_starts, "3205"), want);

	/* Size and level. */
	static const char *const sizes[] = {"large", "medium", "small", "micro"};
	long long sum = 0;
	for (int i = 0; i < 4; i++) {
		struct enterprise_filter s = {0};
		s.size = sizes[i];
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM enterprises WHERE size='%s'", sizes[i]);
		const char *kv[2] = {"size", sizes[i]};
		long got = list_all(f, s, 100, field_is, kv);
		assert_int_equal(got, testdb_scalar(f->db, sql));
		sum += got;
	}
	assert_int_equal(sum, 600);
	struct enterprise_filter l = {0};
	l.level = "innovative";
	const char *kv[2] = {"level", "innovative"};
	want = testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE level='innovative'");
	assert_true(want > 0);
	assert_int_equal(list_all(f, l, 100, field_is, kv), want);

	/* Combined filters. */
	struct enterprise_filter c = {0};
	c.region = "32";
	c.size = "micro";
	want = testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE region LIKE '32%' AND size='micro'");
	assert_int_equal(list_all(f, c, 10, region_starts, "32"), want);

	/* Chinese substring of the name. */
	struct enterprise_filter q = {0};
	q.q = "科技";
	want = testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE instr(name,'科技')>0");
	assert_true(want > 0 && want < 600);
	assert_int_equal(list_all(f, q, 25, name_has, "科技"), want);
	q.q = "苏州";
	want = testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE instr(name,'苏州')>0");
	assert_int_equal(list_all(f, q, 25, name_has, "苏州"), want);
	q.q = "不存在的名字";
	assert_int_equal(list_all(f, q, 25, NULL, NULL), 0);

	/* A USCC (any case) finds exactly its record. */
	struct qerror e = {0};
	struct db_stmt *st = db_prepare_dynamic(f->db, "SELECT lower(uscc) FROM enterprises LIMIT 1 OFFSET 17", &e);
	assert_non_null(st);
	assert_int_equal(db_step(st, &e), DB_ROW);
	char lower[USCC_LEN + 1];
	snprintf(lower, sizeof lower, "%s", db_col_text(st, 0));
	db_finalize(st);
	q.q = lower;
	assert_int_equal(list_all(f, q, 25, NULL, NULL), 1);
}

static void test_list_rejects_bad_filter_values(void **state)
{
	struct fixture *f = *state;
	struct {
		struct enterprise_filter flt;
		const char *field;
	} bad[] = {
		{{.region = "3"}, "region"},       {{.region = "32a"}, "region"},   {{.region = "320599"}, "region"},
		{{.region = "32050"}, "region"},   {{.region = "3205830"}, "region"}, {{.region = "-32"}, "region"},
		{{.size = "huge"}, "size"},        {{.size = "Micro"}, "size"},     {{.level = "gold"}, "level"},
		{{.industry = "ZZ"}, "industry"},  {{.industry = "99999"}, "industry"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *res = NULL;
		struct qerror e = {0};
		if (enterprise_list(f->db, &f->cli, &bad[i].flt, &res, &e) != QERR_INVALID)
			fail_msg("filter #%zu accepted", i);
		assert_null(res);
		assert_string_equal(e.field, bad[i].field);
	}
	/* q of 101 characters is too long; 100 is fine. */
	char q[400] = "";
	for (int i = 0; i < 101; i++)
		memcpy(q + i * 3, "链", 4);
	struct enterprise_filter flt = {.q = q};
	json_t *res = NULL;
	struct qerror e = {0};
	assert_int_equal(enterprise_list(f->db, &f->cli, &flt, &res, &e), QERR_INVALID);
	assert_string_equal(e.field, "q");
	q[300] = 0;
	assert_int_equal(enterprise_list(f->db, &f->cli, &flt, &res, &e), QERR_OK);
	json_decref(res);
	/* Out-of-range limits fall back to the default page size. */
	flt = (struct enterprise_filter){.limit = 100000};
	assert_int_equal(enterprise_list(f->db, &f->cli, &flt, &res, &e), QERR_OK);
	json_decref(res);
}

static void test_update_rederives_size_and_checks_ownership(void **state)
{
	struct fixture *f = *state;
	char uscc[USCC_LEN + 1];
	uscc_generate("320583", 31, uscc);
	char body[512];
	snprintf(body, sizeof body,
		 "{\"uscc\":\"%s\",\"name\":\"昆山精锐模具科技有限公司\",\"region\":\"320583\",\"industry\":\"35\","
		 "\"employees\":10,\"revenue_wan\":100,\"assets_wan\":50,\"level\":\"none\"}",
		 uscc);
	json_t *in = testkit_json(body, enterprise_create_fields, false), *out = NULL;
	struct qerror e = {0};
	assert_int_equal(enterprise_create(f->db, &f->sme_a, in, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "size")), "micro");
	assert_int_equal(json_integer_value(json_object_get(out, "org_id")), f->org_a);
	assert_string_equal(json_string_value(json_object_get(out, "region_name")), "江苏省 苏州市 昆山市");
	json_decref(out);
	/* Creating it again is a conflict. */
	assert_int_equal(enterprise_create(f->db, &f->sme_a, in, &out, &e), QERR_CONFLICT);
	json_decref(in);

	struct {
		const char *patch;
		const char *size;
	} steps[] = {
		{"{\"employees\":300,\"revenue_wan\":2000}", "medium"},
		{"{\"employees\":1000,\"revenue_wan\":40000}", "large"},
		{"{\"revenue_wan\":39999}", "medium"},
		{"{\"employees\":19}", "micro"},
		{"{\"industry\":\"52\",\"employees\":20,\"revenue_wan\":200}", "small"}, /* 零售业 small: ≥10 and ≥100 */
		{"{\"name\":\"改名后的公司\"}", "small"},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		json_t *patch = testkit_json(steps[i].patch, enterprise_update_fields, true);
		if (enterprise_update(f->db, &f->sme_a, uscc, patch, &out, &e))
			fail_msg("patch %s: %s", steps[i].patch, e.message);
		if (strcmp(json_string_value(json_object_get(out, "size")), steps[i].size) != 0)
			fail_msg("patch %s: size %s, want %s", steps[i].patch,
				 json_string_value(json_object_get(out, "size")), steps[i].size);
		json_decref(out);
		json_decref(patch);
	}
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE name='改名后的公司' AND size='small'"), 1);

	/* Another SME may not change it; nor may a bank; the operator may. */
	json_t *patch = testkit_json("{\"employees\":5}", enterprise_update_fields, true);
	assert_int_equal(enterprise_update(f->db, &f->sme_b, uscc, patch, &out, &e), QERR_FORBIDDEN);
	assert_null(out);
	assert_int_equal(enterprise_update(f->db, &f->bank, uscc, patch, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(enterprise_delete(f->db, &f->sme_b, uscc, &e), QERR_FORBIDDEN);
	assert_int_equal(enterprise_update(f->db, &f->cli, uscc, patch, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "size")), "micro");
	json_decref(out);
	json_decref(patch);

	/* Invalid values are rejected and change nothing. */
	patch = testkit_json("{\"region\":\"320599\"}", enterprise_update_fields, true);
	assert_int_equal(enterprise_update(f->db, &f->sme_a, uscc, patch, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "region");
	json_decref(patch);
	patch =
	    testkit_json("{\"industry\":\"66\"}", enterprise_update_fields, true); /* 金融业 is outside the standard */
	assert_int_equal(enterprise_update(f->db, &f->sme_a, uscc, patch, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "industry");
	json_decref(patch);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM enterprises WHERE industry='52' AND employees=5"), 1);

	/* Unknown and malformed USCCs. */
	patch = testkit_json("{}", enterprise_update_fields, true);
	char other[USCC_LEN + 1];
	uscc_generate("320583", 32, other);
	assert_int_equal(enterprise_update(f->db, &f->cli, other, patch, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(enterprise_update(f->db, &f->cli, "not-a-uscc", patch, &out, &e), QERR_INVALID);
	json_decref(patch);
}

static void test_name_limit_is_200_characters_stored_whole(void **state)
{
	struct fixture *f = *state;
	/* 200 Chinese characters are 600 bytes: accepted, and must be stored in full. */
	char name[801] = "";
	for (int i = 0; i < 200; i++)
		memcpy(name + i * 3, "链", 4);
	struct enterprise e;
	struct qerror err = {0};
	char uscc[USCC_LEN + 1];
	uscc_generate("320583", 41, uscc);
	enum qerr rc = enterprise_from_text(uscc, name, "320583", "35", "1", "1", "1", "none", &e, &err);
	assert_int_equal(rc, QERR_OK);
	assert_string_equal(e.name, name);
	int64_t id = 0;
	assert_int_equal(db_begin_write(f->db, &err), QERR_OK);
	assert_int_equal(enterprise_upsert(f->db, &e, true, &id, &err), QERR_OK);
	assert_true(id > 0);
	assert_int_equal(db_commit(f->db, &err), QERR_OK);
	assert_int_equal(testdb_scalar(f->db, "SELECT length(name) FROM enterprises"), 200);
	/* 201 characters are too many. */
	memcpy(name + 600, "链", 4);
	assert_int_equal(enterprise_from_text(uscc, name, "320583", "35", "1", "1", "1", "none", &e, &err), QERR_INVALID);
	assert_string_equal(err.field, "name");
}

static void test_writes_append_to_the_audit_log_which_cannot_change(void **state)
{
	struct fixture *f = *state;
	long long before = testdb_scalar(f->db, "SELECT count(*) FROM audit_log");
	assert_true(before >= 4); /* the orgs created in setup */
	size_t len;
	char *csv = synth_csv(10, 17, &len);
	testkit_expect_imported(import_as(f, &f->cli, csv, len), 10, 10, 0);
	free(csv);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log"), before + 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='enterprise.import' AND object_id='*'"
				  " AND json_extract(detail,'$.inserted')=10"),
			 1);

	char uscc[USCC_LEN + 1];
	uscc_generate("320583", 51, uscc);
	char body[512];
	snprintf(body, sizeof body,
		 "{\"uscc\":\"%s\",\"name\":\"审计测试\",\"region\":\"320583\",\"industry\":\"35\","
		 "\"employees\":1,\"revenue_wan\":1,\"assets_wan\":1,\"level\":\"none\"}",
		 uscc);
	json_t *in = testkit_json(body, enterprise_create_fields, false), *out = NULL;
	struct qerror e = {0};
	assert_int_equal(enterprise_create(f->db, &f->sme_a, in, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(in);
	json_t *patch = testkit_json("{\"employees\":2}", enterprise_update_fields, true);
	assert_int_equal(enterprise_update(f->db, &f->sme_a, uscc, patch, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(patch);
	assert_int_equal(enterprise_delete(f->db, &f->sme_a, uscc, &e), QERR_OK);
	assert_int_equal(enterprise_delete(f->db, &f->sme_a, uscc, &e), QERR_NOT_FOUND);
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM audit_log WHERE object_id='%s' AND user_id=101 AND org_id=%lld AND actor='a@qilian.test'"
		 " AND action IN ('enterprise.create','enterprise.update','enterprise.delete')",
		 uscc, (long long)f->org_a);
	assert_int_equal(testdb_scalar(f->db, sql), 3);
	/* A rejected write leaves no trace. */
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log"), before + 4);

	/* The log is append-only, even for someone with direct database access. */
	struct qerror msg = {0};
	assert_int_not_equal(db_exec(f->db, "UPDATE audit_log SET action='x'", &msg), QERR_OK);
	assert_non_null(strstr(msg.message, "append-only"));
	qerr_clear(&msg);
	assert_int_not_equal(db_exec(f->db, "DELETE FROM audit_log", &msg), QERR_OK);
	assert_non_null(strstr(msg.message, "append-only"));
	assert_int_not_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id=1", &msg), QERR_OK);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log"), before + 4);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='x'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_import_of_a_good_file_inserts_every_row, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_reimport_updates_and_never_duplicates, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_a_file_mixing_new_and_known_records_counts_each_right, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_pasted_usccs_with_separators_are_stored_as_18_characters, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_rows_are_all_reported_and_nothing_is_written, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_broken_quote_stops_the_import_with_its_line, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_or_missing_header_is_rejected, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_only_registry_writers_may_import, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_sme_cannot_overwrite_another_orgs_records, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_import_of_a_large_file_keeps_every_guarantee, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_export_after_import_reproduces_the_file_byte_for_byte, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_list_filters_and_pages_cover_every_row_once, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_list_rejects_bad_filter_values, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_update_rederives_size_and_checks_ownership, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_name_limit_is_200_characters_stored_whole, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_writes_append_to_the_audit_log_which_cannot_change, setup,
					    testdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
