/*
 * test_listing.c - market listings against a real database file: field
 * validation and list normalisation, the invited-demand visibility rule,
 * seq stamps on every write (create, update, withdraw/cancel, import),
 * CSV imports that report bad rows by line and write nothing, and
 * subscription matching by words: 电机 finds 永磁同步电机 but never 电视机,
 * one notification per enterprise, none for the demand's own enterprise,
 * and 10,000 subscriptions matched against one demand in a few ms.
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

#include "base/util.h"
#include "platform/inbox.h"
#include "market/listing.h"
#include "market/listing_int.h"
#include "market/subscription.h"
#include "registry/account.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"
#include "store/db.h"
#include "testkit.h"
#include "store/migrate.h"

enum { E_BUYER, E_SUPPLIER, E_OTHER, E_COUNT };

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli, buyer, supplier, other;
	char uscc[E_COUNT][USCC_LEN + 1];
	int64_t eid[E_COUNT];
};

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "ls");
	if (!f)
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	testkit_org(f->db, "运营方", "operator", NULL);
	testkit_org_actor(f->db, &f->buyer, 101, "整车厂", ORG_LARGE, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->supplier, 102, "电机厂", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->other, 103, "模具厂", ORG_SME, ROLE_ADMIN);
	const struct actor *owners[E_COUNT] = {&f->buyer, &f->supplier, &f->other};
	for (int i = 0; i < E_COUNT; i++) {
		uscc_generate("320583", 9100 + (uint64_t)i, f->uscc[i]);
		f->eid[i] =
		    testkit_enterprise(f->db, owners[i], f->uscc[i], "企业%d,320583,36,300,20000,15000,none", i);
	}
	testdb_exec(
	    f->db,
	    "INSERT INTO chains(id,name,name_en,created_at) VALUES('nev','新能源汽车','NEV','2026-01-01T00:00:00Z')");
	testdb_exec(f->db, "INSERT INTO segments(chain_id,code,name) VALUES('nev','motor','驱动电机')");
	*state = f;
	return 0;
}

static int64_t create(struct fixture *f, const struct actor *a, bool demand, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	json_t *b = testkit_json(text, demand ? market_demand_fields : market_supply_fields, false), *out = NULL;
	struct qerror e = {0};
	enum qerr rc = demand ? market_demand_create(f->db, a, b, NULL, &out, &e)
			      : market_supply_create(f->db, a, b, NULL, &out, &e);
	json_decref(b);
	if (rc)
		fail_msg("create %s: %s (%s)", text, e.message, e.field);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

/* Creating with text fails with code naming field, and writes nothing. */
static void refused(struct fixture *f, const struct actor *a, bool demand, const char *text, enum qerr code,
		    const char *field)
{
	int64_t before = testdb_scalar(f->db, demand ? "SELECT count(*) FROM demands" : "SELECT count(*) FROM supplies");
	json_t *b = NULL, *out = NULL;
	struct qerror e = {0};
	enum qerr rc = json_decode(text, strlen(text), demand ? market_demand_fields : market_supply_fields, false, &b, &e);
	if (!rc)
		rc = demand ? market_demand_create(f->db, a, b, NULL, &out, &e)
			      : market_supply_create(f->db, a, b, NULL, &out, &e);
	json_decref(b);
	json_decref(out);
	if (rc != code || strcmp(e.field, field) != 0)
		fail_msg("%s: got %d field '%s' (%s), want %d field '%s'", text, rc, e.field, e.message, code, field);
	assert_int_equal(testdb_scalar(f->db, demand ? "SELECT count(*) FROM demands" : "SELECT count(*) FROM supplies"), before);
}

static void test_supply_validation_and_normalisation(void **state)
{
	struct fixture *f = *state;
	int64_t id = create(f, &f->supplier, false,
			    "{\"enterprise\":\"%s\",\"title\":\"永磁同步电机\",\"regions\":[\"3205\",\"320000\",\"32\",\"320583\"],"
			    "\"certifications\":[\" iso9001 \",\"IATF16949\",\"iatf16949\"],\"chain\":\"nev\",\"segment\":\"motor\"}",
			    f->uscc[E_SUPPLIER]);
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(f->db, "SELECT regions,certifications FROM supplies WHERE id=?", &e);
	assert_non_null(st);
	db_bind_int64(st, 1, id);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "32;3205;320583");
	assert_string_equal(db_col_text(st, 1), "IATF16949;ISO9001");
	db_reset(st);

	char t[512];
	const char *u = f->uscc[E_SUPPLIER];
#define REFUSE(fmt, field) (snprintf(t, sizeof t, fmt, u), refused(f, &f->supplier, false, t, QERR_INVALID, field))
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"\"}", "title");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"regions\":[\"99\"]}", "regions");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"regions\":[\"3205x\"]}", "regions");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"chain\":\"nev\"}", "segment");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"chain\":\"ic\",\"segment\":\"motor\"}", "chain");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"certifications\":[\"a,b\"]}", "certifications");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"certifications\":[\"  \"]}", "certifications");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"a\\u0001b\"}", "title");
#undef REFUSE
	snprintf(t, sizeof t, "{\"enterprise\":\"%s\",\"title\":\"x\"}", f->uscc[E_BUYER]);
	refused(f, &f->supplier, false, t, QERR_FORBIDDEN, "enterprise");
}

static void test_demand_validation(void **state)
{
	struct fixture *f = *state;
	char t[512];
	const char *u = f->uscc[E_BUYER];
#define REFUSE(fmt, field) (snprintf(t, sizeof t, fmt, u), refused(f, &f->buyer, true, t, QERR_INVALID, field))
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"deadline\":\"2020-01-01T00:00:00Z\"}", "deadline");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"deadline\":\"2031-13-01T00:00:00Z\"}", "deadline");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"deadline\":\"2031-01-01 00:00:00Z\"}", "deadline");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"quantity\":0}", "quantity");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"budget_fen\":-5}", "budget_fen");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"region\":\"320599\"}", "region");
	REFUSE("{\"enterprise\":\"%s\",\"title\":\"x\",\"visibility\":\"friends\"}", "visibility");
#undef REFUSE
	int64_t id = create(f, &f->buyer, true,
			    "{\"enterprise\":\"%s\",\"title\":\"采购电机\",\"budget_fen\":9223372036854775807,"
			    "\"deadline\":\"2031-01-01T00:00:00Z\",\"region\":\"320500\"}",
			    u);
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(market_demand_get(f->db, &f->other, id, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "budget_fen")), INT64_MAX);
	assert_string_equal(json_string_value(json_object_get(out, "region")), "3205");
	json_decref(out);
}

static void test_invited_visibility(void **state)
{
	struct fixture *f = *state;
	int64_t id = create(f, &f->buyer, true, "{\"enterprise\":\"%s\",\"title\":\"定向采购\",\"visibility\":\"invited\"}",
			    f->uscc[E_BUYER]);
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(market_demand_get(f->db, &f->supplier, id, &out, &e), QERR_NOT_FOUND);
	assert_false(market_demand_readable(f->db, &f->supplier, id));
	assert_true(market_demand_readable(f->db, &f->buyer, id));
	assert_true(market_demand_readable(f->db, &f->cli, id));
	struct listing_filter lf = {.limit = 100};
	assert_int_equal(market_demand_list(f->db, &f->supplier, &lf, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
	/* Invited: the supplier's organisation now reads it. */
	char sql[160];
	snprintf(sql, sizeof sql, "INSERT INTO demand_invitations VALUES(%lld,%lld,'2026-01-01T00:00:00Z')", (long long)id,
		 (long long)f->eid[E_SUPPLIER]);
	testdb_exec(f->db, sql);
	assert_int_equal(market_demand_get(f->db, &f->supplier, id, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(market_demand_list(f->db, &f->supplier, &lf, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	assert_false(market_demand_readable(f->db, &f->other, id));
	/* Reading is not writing: the invited supplier may not change it. */
	json_t *b = testkit_json("{\"title\":\"改\"}", market_demand_update_fields, true);
	assert_int_equal(market_demand_update(f->db, &f->supplier, id, b, &out, &e), QERR_FORBIDDEN);
	json_decref(b);
}

static int64_t seq_of(struct fixture *f, const char *table, int64_t id)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT seq FROM %s WHERE id=%lld", table, (long long)id);
	struct qerror e = {0};
	int64_t v = 0;
	/* Built SQL in a test only; db_prepare caches by address, so use a fresh statement. */
	struct db_stmt *st = db_prepare_dynamic(f->db, sql, &e);
	assert_non_null(st);
	if (db_step(st, &e) == DB_ROW)
		v = db_col_int64(st, 0);
	db_finalize(st);
	return v;
}

static void test_every_write_stamps_seq(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	json_t *out = NULL;
	int64_t id = create(f, &f->supplier, false, "{\"enterprise\":\"%s\",\"title\":\"轴承\"}", f->uscc[E_SUPPLIER]);
	int64_t s1 = seq_of(f, "supplies", id), v;
	assert_int_equal(db_counter(f->db, "supplies", &v, &e), QERR_OK);
	assert_true(s1 > 0);
	assert_int_equal(s1, v);
	json_t *b = testkit_json("{\"title\":\"深沟球轴承\"}", market_supply_update_fields, true);
	assert_int_equal(market_supply_update(f->db, &f->supplier, id, b, &out, &e), QERR_OK);
	json_decref(b);
	json_decref(out);
	int64_t s2 = seq_of(f, "supplies", id);
	assert_true(s2 > s1);
	assert_int_equal(market_supply_withdraw(f->db, &f->other, id, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(seq_of(f, "supplies", id), s2);
	assert_int_equal(market_supply_withdraw(f->db, &f->supplier, id, &out, &e), QERR_OK);
	json_decref(out);
	int64_t s3 = seq_of(f, "supplies", id);
	assert_true(s3 > s2);
	assert_int_equal(market_supply_withdraw(f->db, &f->supplier, id, &out, &e), QERR_CONFLICT);

	int64_t d = create(f, &f->buyer, true, "{\"enterprise\":\"%s\",\"title\":\"采购\"}", f->uscc[E_BUYER]);
	int64_t d1 = seq_of(f, "demands", d);
	assert_int_equal(market_demand_cancel(f->db, &f->buyer, d, &out, &e), QERR_OK);
	json_decref(out);
	assert_true(seq_of(f, "demands", d) > d1);

	/* An import: every row gets the same new seq, above everything before. */
	char csv[512];
	snprintf(csv, sizeof csv, SUPPLIES_CSV_HEADER "\n%s,甲,,,,,\n%s,乙,,,,,\n", f->uscc[E_SUPPLIER], f->uscc[E_SUPPLIER]);
	json_t *report = NULL;
	assert_int_equal(market_import_supplies(f->db, &f->supplier, csv, strlen(csv), NULL, NULL, &report, &e), QERR_OK);
	json_decref(report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(DISTINCT seq) FROM supplies WHERE title IN ('甲','乙')"), 1);
	assert_true(testdb_scalar(f->db, "SELECT min(seq) FROM supplies WHERE title='甲'") > s3);
}

static void test_import_errors_by_line(void **state)
{
	struct fixture *f = *state;
	char csv[2048];
	const char *u = f->uscc[E_SUPPLIER];
	snprintf(csv, sizeof csv,
		 SUPPLIES_CSV_HEADER "\n%s,好的,,nev,motor,32,iso9001\n%s,,,,,,\n%s,地区,,,,32;99,\n%s,环节,,nev,,,\n"
				     "%s,别人的,,,,,\n%s,列数\n",
		 u, u, u, u, f->uscc[E_BUYER], u);
	json_t *report = NULL;
	struct qerror e = {0};
	assert_int_equal(market_import_supplies(f->db, &f->supplier, csv, strlen(csv), NULL, NULL, &report, &e),
			 QERR_INVALID);
	assert_string_equal(e.slug, "import_rejected");
	json_t *errors = json_object_get(report, "errors");
	static const struct {
		int line;
		const char *field;
	} want[] = {{3, "title"}, {4, "regions"}, {5, "segment"}, {6, "uscc"}, {7, ""}};
	assert_int_equal(json_array_size(errors), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *x = json_array_get(errors, i);
		assert_int_equal(json_integer_value(json_object_get(x, "line")), want[i].line);
		assert_string_equal(json_string_value(json_object_get(x, "field")), want[i].field);
	}
	json_decref(report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM supplies"), 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='supplies.import'"), 0);
	/* Demands: a past deadline and a bad quantity, by line. */
	snprintf(csv, sizeof csv,
		 DEMANDS_CSV_HEADER "\n%s,采购,,,,10,台,100,2031-01-01T00:00:00Z,320583,\n%s,采购,,,,0,台,,,,\n"
				    "%s,采购,,,,,台,,2001-01-01T00:00:00Z,,\n",
		 f->uscc[E_BUYER], f->uscc[E_BUYER], f->uscc[E_BUYER]);
	assert_int_equal(market_import_demands(f->db, &f->buyer, csv, strlen(csv), NULL, NULL, &report, &e), QERR_INVALID);
	errors = json_object_get(report, "errors");
	assert_int_equal(json_array_size(errors), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "field")), "quantity");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 1), "line")), 4);
	json_decref(report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM demands"), 0);
}

static void subscribe(struct fixture *f, const struct actor *a, int who, const char *lists)
{
	char text[512];
	snprintf(text, sizeof text, "{\"enterprise\":\"%s\",%s}", f->uscc[who], lists);
	json_t *b = testkit_json(text, market_subscription_fields, false), *out = NULL;
	struct qerror e = {0};
	if (market_subscription_create(f->db, a, b, &out, &e))
		fail_msg("subscribe %s: %s", text, e.message);
	json_decref(b);
	json_decref(out);
}

static int64_t notified(struct fixture *f, int who, int64_t demand)
{
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM notifications WHERE enterprise_id=%lld AND object_id=%lld AND kind='demand_match'",
		 (long long)f->eid[who], (long long)demand);
	return testdb_scalar(f->db, sql);
}

static void test_subscription_matching(void **state)
{
	struct fixture *f = *state;
	subscribe(f, &f->supplier, E_SUPPLIER, "\"keywords\":[\"电机\"]");
	subscribe(f, &f->supplier, E_SUPPLIER, "\"keywords\":[\"电机\",\"轴承\"],\"regions\":[\"32\"]");
	subscribe(f, &f->other, E_OTHER, "\"segments\":[\"nev/motor\"],\"regions\":[\"3301\"]");
	subscribe(f, &f->buyer, E_BUYER, "\"keywords\":[\"电机\"]");
	const char *u = f->uscc[E_BUYER];
	int64_t motor = create(f, &f->buyer, true,
			       "{\"enterprise\":\"%s\",\"title\":\"采购永磁同步电机\",\"region\":\"320583\",\"chain\":\"nev\","
			       "\"segment\":\"motor\"}",
			       u);
	int64_t tv = create(f, &f->buyer, true, "{\"enterprise\":\"%s\",\"title\":\"液晶电视机外壳\",\"region\":\"320583\"}", u);
	int64_t hz = create(f, &f->buyer, true,
			    "{\"enterprise\":\"%s\",\"title\":\"驱动总成\",\"region\":\"330106\",\"chain\":\"nev\",\"segment\":\"motor\"}",
			    u);
	int64_t inv = create(f, &f->buyer, true, "{\"enterprise\":\"%s\",\"title\":\"电机\",\"visibility\":\"invited\"}", u);
	assert_int_equal(notified(f, E_SUPPLIER, motor), 1); /* two subscriptions match: one notification */
	assert_int_equal(notified(f, E_SUPPLIER, tv), 0);    /* 电视机 is not 电机 */
	assert_int_equal(notified(f, E_OTHER, motor), 0);    /* region 3301 does not contain 320583 */
	assert_int_equal(notified(f, E_OTHER, hz), 1);
	assert_int_equal(notified(f, E_SUPPLIER, hz), 0);
	assert_int_equal(notified(f, E_BUYER, motor), 0); /* never the demand's own enterprise */
	assert_int_equal(notified(f, E_SUPPLIER, inv), 0);
	/* The detail names both subscriptions and the keywords that matched. */
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(inbox_list(f->db, &f->supplier, true, 10, 0, &out, &e), QERR_OK);
	json_t *item = json_array_get(json_object_get(out, "items"), 0);
	json_t *detail = json_object_get(item, "detail");
	assert_int_equal(json_array_size(json_object_get(detail, "subscriptions")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(detail, "keywords"), 0)), "电机");
	json_decref(out);
	/* Editing does not notify twice; an edit that makes it match does notify (once). */
	json_t *b = testkit_json("{\"description\":\"电机扁线\"}", market_demand_update_fields, true);
	assert_int_equal(market_demand_update(f->db, &f->buyer, motor, b, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(b);
	assert_int_equal(notified(f, E_SUPPLIER, motor), 1);
	b = testkit_json("{\"title\":\"液晶电视机外壳与电机支架\"}", market_demand_update_fields, true);
	assert_int_equal(market_demand_update(f->db, &f->buyer, tv, b, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(b);
	assert_int_equal(notified(f, E_SUPPLIER, tv), 1);
	int64_t unread;
	assert_int_equal(inbox_count(f->db, &f->supplier, &unread, &e), QERR_OK);
	assert_int_equal(unread, 2);
	assert_int_equal(inbox_read_all(f->db, &f->supplier, &unread, &e), QERR_OK);
	assert_int_equal(unread, 2);
	assert_int_equal(inbox_count(f->db, &f->supplier, &unread, &e), QERR_OK);
	assert_int_equal(unread, 0);
}

static void test_many_subscriptions(void **state)
{
	struct fixture *f = *state;
	/* 10,000 subscriptions of the other SME, written directly, then one demand. */
	testdb_exec(f->db, "BEGIN");
	testdb_exec(
	    f->db,
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<10000)"
	    " INSERT INTO subscriptions(enterprise_id,name,keywords,regions,created_at)"
	    " SELECT (SELECT id FROM enterprises WHERE name='企业2'), 's'||i,"
	    " CASE i%4 WHEN 0 THEN '电机;轴承' WHEN 1 THEN '模具' WHEN 2 THEN '注塑模具;电池包' ELSE '不锈钢螺栓' END,"
	    " CASE WHEN i%3=0 THEN '32' ELSE '' END, '2026-01-01T00:00:00Z' FROM n");
	testdb_exec(f->db, "COMMIT");
	struct qerror e = {0};
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	assert_int_equal(db_touch(f->db, "subscriptions", &e), QERR_OK);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
	int64_t t0 = util_mono_us();
	int64_t d1 = create(f, &f->buyer, true, "{\"enterprise\":\"%s\",\"title\":\"采购永磁同步电机及轴承\",\"region\":\"320583\"}",
			    f->uscc[E_BUYER]);
	int64_t t1 = util_mono_us();
	int64_t d2 = create(f, &f->buyer, true, "{\"enterprise\":\"%s\",\"title\":\"采购注塑模具\",\"region\":\"320583\"}",
			    f->uscc[E_BUYER]);
	int64_t t2 = util_mono_us();
	print_message("10,000 subscriptions: first demand %.1f ms (tokenizes the subscriptions), next %.1f ms\n",
		      (double)(t1 - t0) / 1000, (double)(t2 - t1) / 1000);
	assert_int_equal(notified(f, E_OTHER, d1), 1);
	assert_int_equal(notified(f, E_OTHER, d2), 1);
	assert_true(t2 - t1 < 1000000); /* a sanity bound that holds under the sanitizers too */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_supply_validation_and_normalisation, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_demand_validation, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_invited_visibility, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_every_write_stamps_seq, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_import_errors_by_line, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_subscription_matching, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_many_subscriptions, setup, testdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
