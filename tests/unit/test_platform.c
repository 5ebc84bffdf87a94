/*
 * test_platform.c - the platform services against a real database file,
 * with rows written directly (platform sits below the registry):
 *  - enterprise resolution: by USCC, by id, level only, owner only; no
 *    owner reads as 0; the exact not-found errors every chain gives (slug,
 *    code, field, message); a name longer than the buffer is cut on a
 *    character boundary; a store failure is a store error, not "not found";
 *  - the inbox: one notification per (enterprise, kind, object), none for a
 *    vanished enterprise, a kind of any chain, renotify making a row unread
 *    again (keeping the detail when none is given), an organisation sees
 *    only its own enterprises' notifications (another's is 404), reading
 *    twice keeps the first time, read-all counts, pages by cursor.
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
#include "platform/actor.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "store/db.h"
#include "testdb.h"

/* USCC-shaped codes: platform takes them as given (callers check them with registry/uscc.h). */
#define USCC_A "91320583MA1XXXXXX8"
#define USCC_B "91320583MA1YYYYYY6"
#define USCC_C "91110108MA00000001"

struct fixture {
	struct testdb t;
	struct db *db;
	int64_t org_a, org_b;
	int64_t ent_a, ent_b, ent_c; /* a: org a, b: org b, c: no owner */
	struct actor a, b;
};

static void exec(struct db *db, const char *sql)
{
	struct qerror e = {0};
	if (db_exec(db, sql, &e))
		fail_msg("%s: %s", sql, e.message);
}

static int64_t id_of(struct db *db, const char *uscc)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(db, "SELECT id FROM enterprises WHERE uscc=?", &e);
	assert_non_null(st);
	db_bind_text(st, 1, uscc);
	int64_t id = 0;
	assert_int_equal(db_scalar_int64(st, &id, &e), QERR_OK);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f || !testdb_open(&f->t, "platform"))
		return -1;
	f->db = f->t.db;
	exec(f->db, "INSERT INTO orgs(id,name,type,created_at) VALUES(1,'整车厂','large','2026-01-01T00:00:00Z'),"
		    "(2,'电机厂','sme','2026-01-01T00:00:00Z')");
	exec(f->db,
	     "INSERT INTO enterprises(uscc,name,region,industry,employees,revenue_wan,assets_wan,level,size,org_id,"
	     "created_at,updated_at) VALUES"
	     "('" USCC_A "','苏州整车有限公司','320583','36',2000,500000,400000,'none','large',1,"
	     "'2026-01-01T00:00:00Z','2026-01-01T00:00:00Z'),"
	     "('" USCC_B "','昆山电机有限公司','320583','38',120,9000,6000,'little_giant','medium',2,"
	     "'2026-01-01T00:00:00Z','2026-01-01T00:00:00Z'),"
	     "('" USCC_C "','无主企业','110108','C',5,50,40,'innovative','micro',NULL,"
	     "'2026-01-01T00:00:00Z','2026-01-01T00:00:00Z')");
	f->org_a = 1;
	f->org_b = 2;
	f->ent_a = id_of(f->db, USCC_A);
	f->ent_b = id_of(f->db, USCC_B);
	f->ent_c = id_of(f->db, USCC_C);
	f->a = (struct actor){.user_id = 11, .org_id = 1, .org_type = ORG_LARGE, .role = ROLE_ADMIN};
	f->b = (struct actor){.user_id = 12, .org_id = 2, .org_type = ORG_SME, .role = ROLE_MEMBER};
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

/* ---------- enterprise resolution ---------- */

static void test_ref_by_uscc(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	struct enterprise_ref r;
	assert_int_equal(enterprise_ref_by_uscc(f->db, USCC_B, &r, &e), QERR_OK);
	assert_int_equal(r.id, f->ent_b);
	assert_int_equal(r.org_id, f->org_b);
	assert_string_equal(r.uscc, USCC_B);
	assert_string_equal(r.name, "昆山电机有限公司");
	assert_string_equal(r.region, "320583");
	assert_string_equal(r.level, "little_giant");
	assert_string_equal(r.size, "medium");
	/* No owner reads as 0. */
	assert_int_equal(enterprise_ref_by_uscc(f->db, USCC_C, &r, &e), QERR_OK);
	assert_int_equal(r.org_id, 0);
	assert_string_equal(r.level, "innovative");
	/* Not registered: the error every chain gives, and the ref is empty. */
	assert_int_equal(enterprise_ref_by_uscc(f->db, "91350100M000100Y43", &r, &e), QERR_NOT_FOUND);
	assert_int_equal(e.code, QERR_NOT_FOUND);
	assert_string_equal(e.slug, "enterprise_not_found");
	assert_string_equal(e.field, "uscc");
	assert_string_equal(e.message, "企业不存在 (no enterprise with USCC 91350100M000100Y43)");
	assert_int_equal(r.id, 0);
	assert_string_equal(r.name, "");
	/* Platform does not normalise: another spelling finds nothing (callers run uscc_check first). */
	char lower[] = USCC_B;
	lower[8] = 'm';
	lower[9] = 'a';
	assert_int_equal(enterprise_ref_by_uscc(f->db, lower, &r, &e), QERR_NOT_FOUND);
	assert_int_equal(enterprise_ref_by_uscc(f->db, "", &r, &e), QERR_NOT_FOUND);
}

static void test_ref_by_id_and_level(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	struct enterprise_ref r;
	assert_int_equal(enterprise_ref_by_id(f->db, f->ent_a, &r, &e), QERR_OK);
	assert_int_equal(r.id, f->ent_a);
	assert_int_equal(r.org_id, f->org_a);
	assert_string_equal(r.uscc, USCC_A);
	assert_string_equal(r.size, "large");
	assert_int_equal(enterprise_ref_by_id(f->db, 999999, &r, &e), QERR_NOT_FOUND);
	assert_string_equal(e.slug, "enterprise_not_found");
	assert_string_equal(e.field, "id");
	assert_int_equal(r.id, 0);
	assert_int_equal(enterprise_ref_by_id(f->db, 0, &r, &e), QERR_NOT_FOUND);
	assert_int_equal(enterprise_ref_by_id(f->db, -1, &r, &e), QERR_NOT_FOUND);

	char level[ENTERPRISE_REF_LEVEL_SIZE];
	assert_int_equal(enterprise_ref_level(f->db, f->ent_b, level, &e), QERR_OK);
	assert_string_equal(level, "little_giant");
	/* Today's level: a change is seen at once (nothing is cached above the statement). */
	exec(f->db, "UPDATE enterprises SET level='provincial' WHERE uscc='" USCC_B "'");
	assert_int_equal(enterprise_ref_level(f->db, f->ent_b, level, &e), QERR_OK);
	assert_string_equal(level, "provincial");
	assert_int_equal(enterprise_ref_level(f->db, 999999, level, &e), QERR_NOT_FOUND);
	assert_string_equal(e.slug, "enterprise_not_found");
	assert_string_equal(level, "");
	/* Deleted since someone named it (a stale index entry): not found, not an error of the store. */
	exec(f->db, "DELETE FROM enterprises WHERE uscc='" USCC_C "'");
	assert_int_equal(enterprise_ref_by_id(f->db, f->ent_c, &r, &e), QERR_NOT_FOUND);
}

static void test_ref_owner(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	int64_t id = -1, org = -1;
	assert_int_equal(enterprise_ref_owner(f->db, USCC_A, &id, &org, &e), QERR_OK);
	assert_int_equal(id, f->ent_a);
	assert_int_equal(org, f->org_a);
	assert_int_equal(enterprise_ref_owner(f->db, USCC_C, &id, &org, &e), QERR_OK);
	assert_int_equal(id, f->ent_c);
	assert_int_equal(org, 0);
	/* Not registered is not an error here: both 0, err untouched. */
	id = org = -1;
	assert_int_equal(enterprise_ref_owner(f->db, "91350100M000100Y43", &id, &org, &e), QERR_OK);
	assert_int_equal(id, 0);
	assert_int_equal(org, 0);
	assert_int_equal(e.code, QERR_OK);
}

static void test_ref_wording(void **state)
{
	(void)state;
	struct qerror e = {0};
	/* The rfq's and the chain map's wording, with the caller's code and field. */
	assert_int_equal(enterprise_ref_not_found(&e, QERR_INVALID, "suppliers", USCC_A), QERR_INVALID);
	assert_int_equal(e.code, QERR_INVALID);
	assert_string_equal(e.slug, "enterprise_not_found");
	assert_string_equal(e.field, "suppliers");
	assert_string_equal(e.message, "企业不存在 (no enterprise with USCC " USCC_A ")");
	/* The listings' and relations' wording. */
	assert_int_equal(enterprise_ref_not_registered(&e, QERR_NOT_FOUND, "buyer_uscc", USCC_B), QERR_NOT_FOUND);
	assert_string_equal(e.slug, "enterprise_not_found");
	assert_string_equal(e.field, "buyer_uscc");
	assert_string_equal(e.message, "企业未登记 (no enterprise with USCC " USCC_B " is registered)");
}

static void test_ref_long_name_and_store_error(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	/* 300 three-byte characters (900 bytes): more than the registry allows, cut on a character. */
	char sql[2048];
	size_t n = (size_t)snprintf(sql, sizeof sql, "UPDATE enterprises SET name='");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "企");
	snprintf(sql + n, sizeof sql - n, "' WHERE uscc='%s'", USCC_A);
	exec(f->db, sql);
	struct enterprise_ref r;
	assert_int_equal(enterprise_ref_by_uscc(f->db, USCC_A, &r, &e), QERR_OK);
	assert_int_equal(strlen(r.name), 798); /* 266 whole characters */
	assert_true(util_utf8_valid(r.name, strlen(r.name)));
	assert_string_equal(r.uscc, USCC_A);

	/* The table gone under the lookups: a store error, never "not found" and never a row. */
	exec(f->db, "ALTER TABLE enterprises RENAME TO enterprises_gone");
	int64_t id = -1, org = -1;
	assert_int_not_equal(enterprise_ref_owner(f->db, USCC_A, &id, &org, &e), QERR_OK);
	assert_int_not_equal(e.code, QERR_NOT_FOUND);
	assert_int_equal(id, 0);
	qerr_clear(&e);
	assert_int_not_equal(enterprise_ref_by_uscc(f->db, USCC_A, &r, &e), QERR_OK);
	assert_int_not_equal(e.code, QERR_NOT_FOUND);
	qerr_clear(&e);
	assert_int_not_equal(enterprise_ref_by_id(f->db, f->ent_a, &r, &e), QERR_OK);
	assert_int_not_equal(e.code, QERR_NOT_FOUND);
	exec(f->db, "ALTER TABLE enterprises_gone RENAME TO enterprises");
}

/* ---------- the inbox ---------- */

static int64_t rows(struct fixture *f, const char *where)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM notifications WHERE %s", where);
	return testdb_scalar(f->db, sql);
}

static void notify(struct fixture *f, int64_t ent, const char *kind, int64_t object, const char *title,
		   const char *detail, bool again)
{
	struct qerror e = {0};
	json_t *d = detail ? json_loads(detail, 0, NULL) : NULL;
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	enum qerr rc = again ? inbox_renotify(f->db, ent, kind, object, title, d, &e)
			     : inbox_notify(f->db, ent, kind, object, title, d, &e);
	if (rc)
		fail_msg("notify: %s", e.message);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
	json_decref(d);
}

static void test_inbox_one_per_object(void **state)
{
	struct fixture *f = *state;
	notify(f, f->ent_b, "demand_match", 7, "新需求:电机", "{\"keywords\":[\"电机\"]}", false);
	notify(f, f->ent_b, "demand_match", 7, "新需求:电机(改)", NULL, false); /* a no-op */
	assert_int_equal(rows(f, "kind='demand_match'"), 1);
	assert_int_equal(rows(f, "title='新需求:电机'"), 1);
	/* A kind of another chain, about the same object id, is another notification. */
	notify(f, f->ent_b, "booking", 7, "预约已批准", NULL, false);
	assert_int_equal(rows(f, "object_id=7"), 2);
	assert_int_equal(rows(f, "kind='booking' AND detail='{}'"), 1);
	/* An enterprise that is gone is skipped, not a foreign key failure. */
	notify(f, 999999, "demand_match", 7, "x", NULL, false);
	assert_int_equal(rows(f, "enterprise_id=999999"), 0);
	notify(f, 999999, "order", 8, "x", NULL, true);
	assert_int_equal(rows(f, "enterprise_id=999999"), 0);
}

static void test_inbox_renotify(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	/* New: renotify adds it. */
	notify(f, f->ent_a, "order", 3, "订单已下达", "{\"status\":\"placed\"}", true);
	json_t *out = NULL;
	assert_int_equal(inbox_list(f->db, &f->a, false, 10, 0, &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	int64_t id = json_integer_value(json_object_get(json_array_get(items, 0), "id"));
	json_decref(out);
	assert_int_equal(inbox_read(f->db, &f->a, id, &e), QERR_OK);
	assert_int_equal(rows(f, "read_at IS NOT NULL"), 1);
	/* Moved on: unread again, new title, new detail; the same row. */
	notify(f, f->ent_a, "order", 3, "订单已发货", "{\"status\":\"shipped\"}", true);
	assert_int_equal(rows(f, "kind='order'"), 1);
	assert_int_equal(rows(f, "read_at IS NULL AND title='订单已发货' AND detail='{\"status\":\"shipped\"}'"), 1);
	/* No detail keeps the old one. */
	notify(f, f->ent_a, "order", 3, "订单已送达", NULL, true);
	assert_int_equal(rows(f, "title='订单已送达' AND detail='{\"status\":\"shipped\"}'"), 1);
	/* inbox_notify never touches an existing row. */
	assert_int_equal(inbox_read(f->db, &f->a, id, &e), QERR_OK);
	notify(f, f->ent_a, "order", 3, "不应出现", "{}", false);
	assert_int_equal(rows(f, "read_at IS NOT NULL AND title='订单已送达'"), 1);
}

static void test_inbox_per_organisation(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	notify(f, f->ent_a, "quote", 1, "收到报价", NULL, false);
	notify(f, f->ent_b, "invited", 1, "邀请报价", NULL, false);
	notify(f, f->ent_c, "invited", 1, "无主", NULL, false);
	json_t *out = NULL;
	assert_int_equal(inbox_list(f->db, &f->b, false, 10, 0, &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *it = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(it, "kind")), "invited");
	assert_string_equal(json_string_value(json_object_get(json_object_get(it, "enterprise"), "uscc")), USCC_B);
	assert_true(json_is_false(json_object_get(it, "read")));
	assert_true(json_is_null(json_object_get(it, "read_at")));
	int64_t b_id = json_integer_value(json_object_get(it, "id"));
	json_decref(out);
	/* Another organisation's notification is 404, as if it did not exist. */
	assert_int_equal(inbox_read(f->db, &f->a, b_id, &e), QERR_NOT_FOUND);
	assert_string_equal(e.slug, "notification_not_found");
	assert_string_equal(e.field, "id");
	assert_int_equal(inbox_read(f->db, &f->a, 123456, &e), QERR_NOT_FOUND);
	/* An actor without an organisation (the CLI) sees nothing: no enterprise has org 0. */
	struct actor cli;
	actor_cli(&cli);
	int64_t unread = -1;
	assert_int_equal(inbox_count(f->db, &cli, &unread, &e), QERR_OK);
	assert_int_equal(unread, 0);
	/* Reading twice keeps the first time. */
	assert_int_equal(inbox_read(f->db, &f->b, b_id, &e), QERR_OK);
	exec(f->db, "UPDATE notifications SET read_at='2026-01-02T00:00:00Z' WHERE read_at IS NOT NULL");
	assert_int_equal(inbox_read(f->db, &f->b, b_id, &e), QERR_OK);
	assert_int_equal(rows(f, "read_at='2026-01-02T00:00:00Z'"), 1);
	/* read-all marks only the organisation's unread ones. */
	int64_t marked = -1;
	assert_int_equal(inbox_read_all(f->db, &f->b, &marked, &e), QERR_OK);
	assert_int_equal(marked, 0);
	assert_int_equal(inbox_count(f->db, &f->a, &unread, &e), QERR_OK);
	assert_int_equal(unread, 1);
	assert_int_equal(inbox_read_all(f->db, &f->a, &marked, &e), QERR_OK);
	assert_int_equal(marked, 1);
	assert_int_equal(inbox_count(f->db, &f->a, &unread, &e), QERR_OK);
	assert_int_equal(unread, 0);
	assert_int_equal(rows(f, "read_at IS NULL"), 1); /* the ownerless enterprise's */
}

/* Addressed to an organisation (one without an enterprise, a bank): its users see it with enterprise null. */
static void test_inbox_org(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	exec(f->db, "INSERT INTO orgs(id,name,type,created_at) VALUES(3,'银行','bank','2026-01-01T00:00:00Z')");
	struct actor bank = {.user_id = 13, .org_id = 3, .org_type = ORG_BANK, .role = ROLE_MEMBER};
	json_t *d = json_pack("{s:i}", "pieces", 2);
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	assert_int_equal(inbox_notify_org(f->db, 3, "finance_discount", 5, "贴现申请", d, &e), QERR_OK);
	assert_int_equal(inbox_notify_org(f->db, 3, "finance_discount", 5, "again", NULL, &e), QERR_OK); /* no-op */
	assert_int_equal(inbox_notify_org(f->db, 99, "finance_discount", 5, "gone", NULL, &e), QERR_OK); /* skipped */
	assert_int_equal(inbox_notify_org(f->db, 0, "finance_discount", 5, "none", NULL, &e), QERR_OK);	 /* skipped */
	/* The same kind and object for an enterprise is another notification. */
	assert_int_equal(inbox_notify(f->db, f->ent_b, "finance_discount", 5, "企业的", NULL, &e), QERR_OK);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
	json_decref(d);
	assert_int_equal(rows(f, "kind='finance_discount'"), 2);
	assert_int_equal(rows(f, "org_id=3 AND enterprise_id IS NULL"), 1);
	json_t *out = NULL;
	assert_int_equal(inbox_list(f->db, &bank, false, 10, 0, &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	json_t *it = json_array_get(items, 0);
	assert_true(json_is_null(json_object_get(it, "enterprise")));
	assert_string_equal(json_string_value(json_object_get(it, "title")), "贴现申请");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(it, "detail"), "pieces")), 2);
	int64_t id = json_integer_value(json_object_get(it, "id"));
	json_decref(out);
	int64_t unread = -1, marked = -1;
	assert_int_equal(inbox_count(f->db, &bank, &unread, &e), QERR_OK);
	assert_int_equal(unread, 1);
	/* Not the enterprise organisation's, nor the bank's the enterprise one. */
	assert_int_equal(inbox_read(f->db, &f->a, id, &e), QERR_NOT_FOUND);
	assert_int_equal(inbox_count(f->db, &f->b, &unread, &e), QERR_OK);
	assert_int_equal(unread, 1);
	assert_int_equal(inbox_read(f->db, &bank, id, &e), QERR_OK);
	assert_int_equal(inbox_count(f->db, &bank, &unread, &e), QERR_OK);
	assert_int_equal(unread, 0);
	/* renotify makes it unread again, with the new title. */
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	assert_int_equal(inbox_renotify_org(f->db, 3, "finance_discount", 5, "贴现已批准", NULL, &e), QERR_OK);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
	assert_int_equal(inbox_count(f->db, &bank, &unread, &e), QERR_OK);
	assert_int_equal(unread, 1);
	assert_int_equal(rows(f, "org_id=3 AND title='贴现已批准' AND detail LIKE '%pieces%'"), 1);
	assert_int_equal(inbox_read_all(f->db, &bank, &marked, &e), QERR_OK);
	assert_int_equal(marked, 1);
	assert_int_equal(rows(f, "enterprise_id IS NOT NULL AND read_at IS NULL AND kind='finance_discount'"), 1);
}

static void test_inbox_pages(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	for (int i = 1; i <= 5; i++)
		notify(f, f->ent_a, "demand_match", i, "新需求", NULL, false);
	json_t *out = NULL;
	int64_t seen[5], n = 0, cursor = 0;
	for (int page = 0; page < 5; page++) {
		assert_int_equal(inbox_list(f->db, &f->a, false, 2, cursor, &out, &e), QERR_OK);
		json_t *items = json_object_get(out, "items");
		for (size_t i = 0; i < json_array_size(items); i++)
			seen[n++] = json_integer_value(json_object_get(json_array_get(items, i), "object_id"));
		json_t *next = json_object_get(out, "next_cursor"); /* "<last id>" or null */
		cursor = json_is_string(next) ? strtoll(json_string_value(next), NULL, 10) : 0;
		json_decref(out);
		if (!cursor)
			break;
	}
	assert_int_equal(n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(seen[i], 5 - i); /* newest first, each once */
	/* unread_only, and a limit out of range falls back to 50. */
	exec(f->db, "UPDATE notifications SET read_at='2026-01-02T00:00:00Z' WHERE object_id<=2");
	assert_int_equal(inbox_list(f->db, &f->a, true, 0, 0, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 3);
	json_decref(out);
	assert_int_equal(inbox_list(f->db, &f->a, false, 100000, 0, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 5);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ref_by_uscc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ref_by_id_and_level, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ref_owner, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ref_wording, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ref_long_name_and_store_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_one_per_object, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_renotify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_per_organisation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_org, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_pages, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
