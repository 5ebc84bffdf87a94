/*
 * test_grants.c - the data chain and the talent chain against a real
 * database file: a grant's life (pending before its first day, active,
 * expired after its last, revoked at once), reads refused for a scope not
 * granted and by an organisation with no grant, the owner reading its own
 * data unlogged, every read under a grant logged with who, what and how
 * many, certificates from the finance chain (only what the owner issued or
 * holds itself; 501 when a scope has no reader), the consent record, the own-data export; talent matching by
 * words (电机 finds 永磁同步电机 experts, not 电视机) and hidden contacts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/qtime.h"
#include "registry/uscc.h"
#include "services/grant.h"
#include "services/service.h"
#include "services/talent.h"
#include "testkit.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor op, owner, owner_member, bank, buyer, provider;
	char uscc[USCC_LEN + 1];
};

static void on(const char *date)
{
	char iso[32];
	snprintf(iso, sizeof iso, "%sT02:00:00Z", date);
	int64_t t;
	bool d;
	if (!qtime_parse(iso, 0, &t, &d))
		fail_msg("bad time %s", iso);
	service_clock_set(t);
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "grants");
	if (!f)
		return -1;
	f->db = f->t.db;
	testkit_org_actor(f->db, &f->op, 1, "运营方", ORG_OPERATOR, ROLE_ADMIN);
	int64_t org = testkit_org_actor(f->db, &f->owner, 2, "昆山精锐电驱科技有限公司", ORG_SME, ROLE_ADMIN);
	testkit_actor(&f->owner_member, 3, org, ORG_SME, ROLE_MEMBER, NULL);
	testkit_org_actor(f->db, &f->bank, 4, "江苏银行苏州分行", ORG_BANK, ROLE_MEMBER);
	testkit_org_actor(f->db, &f->buyer, 5, "苏州汇川新能源汽车科技有限公司", ORG_LARGE, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->provider, 6, "苏州工业园区知识产权服务中心", ORG_PROVIDER, ROLE_ADMIN);
	uscc_generate("320583", 7301, f->uscc);
	testkit_enterprise(f->db, &f->owner, f->uscc, "精锐电驱,320583,38,180,26000,18000,provincial");
	testdb_exec(f->db,
		    "INSERT INTO chains(id,name,created_at) VALUES('nev','新能源汽车产业链','2026-01-01T00:00:00Z')");
	testdb_exec(f->db, "INSERT INTO segments(chain_id,code,name) VALUES('nev','motor','驱动电机')");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	service_clock_set(0);
	grant_scope_restore();
	return testdb_teardown(state);
}

static int64_t grant(struct fixture *f, const struct actor *as, int64_t grantee, const char *scopes, const char *from,
		     const char *until, enum qerr want)
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"enterprise\":\"%s\",\"grantee_org_id\":%lld,\"scopes\":[%s],\"purpose\":\"授信审查\"%s%s%s,"
		 "\"valid_until\":\"%s\"}",
		 f->uscc, (long long)grantee, scopes, from ? ",\"valid_from\":\"" : "", from ? from : "",
		 from ? "\"" : "", until);
	json_t *b = testkit_json(body, grant_fields, false), *out = NULL;
	struct qerror e = {0};
	enum qerr rc = grant_create(f->db, as, b, &out, &e);
	json_decref(b);
	if (rc != want)
		fail_msg("grant: got %d %s (%s), want %d", rc, e.slug, e.message, want);
	int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
	json_decref(out);
	return id;
}

/* Reads scope as a; checks the code and (when failing) the slug. */
static void read_scope(struct fixture *f, const struct actor *a, const char *scope, enum qerr want, const char *slug)
{
	json_t *out = NULL;
	struct qerror e = {0};
	enum qerr rc = grant_read(f->db, a, f->uscc, scope, &out, &e);
	if (rc != want)
		fail_msg("read %s: got %d %s (%s), want %d %s", scope, rc, e.slug, e.message, want, slug ? slug : "");
	if (slug)
		assert_string_equal(e.slug, slug);
	json_decref(out);
}

static long long log_count(struct fixture *f)
{
	return testdb_scalar(f->db, "SELECT count(*) FROM data_access_log");
}

static void test_grant_life(void **state)
{
	struct fixture *f = *state;
	on("2026-03-02");
	/* Nobody else reads without a grant, the operator included; the owner reads its own, unlogged. */
	read_scope(f, &f->bank, "profile", QERR_FORBIDDEN, "no_grant");
	read_scope(f, &f->op, "profile", QERR_FORBIDDEN, "no_grant");
	read_scope(f, &f->owner_member, "profile", QERR_OK, NULL);
	read_scope(f, &f->bank, "nonsense", QERR_INVALID, "invalid_scope");
	assert_int_equal(log_count(f), 0);
	/* Only the owner's admin grants; not to itself; not in the past; at most three years. */
	grant(f, &f->owner_member, f->bank.org_id, "\"profile\"", NULL, "2026-06-30", QERR_FORBIDDEN);
	grant(f, &f->buyer, f->bank.org_id, "\"profile\"", NULL, "2026-06-30", QERR_FORBIDDEN);
	grant(f, &f->owner, f->owner.org_id, "\"profile\"", NULL, "2026-06-30", QERR_INVALID);
	grant(f, &f->owner, f->bank.org_id, "\"profile\"", "2026-03-01", "2026-06-30", QERR_INVALID);
	grant(f, &f->owner, f->bank.org_id, "\"profile\"", NULL, "2030-01-01", QERR_INVALID);
	grant(f, &f->owner, f->bank.org_id, "\"profile\",\"profile\"", NULL, "2026-06-30", QERR_INVALID);
	/* Starts on 3-10, ends on 3-31 (inclusive). */
	int64_t id = grant(f, &f->owner, f->bank.org_id, "\"service_requests\",\"profile\",\"relations\"", "2026-03-10",
			   "2026-03-31", QERR_OK);
	read_scope(f, &f->bank, "profile", QERR_FORBIDDEN, "grant_not_started");
	on("2026-03-10");
	read_scope(f, &f->bank, "profile", QERR_OK, NULL);
	read_scope(f, &f->bank, "relations", QERR_OK, NULL);
	read_scope(f, &f->bank, "orders", QERR_FORBIDDEN, "scope_not_granted");
	read_scope(f, &f->buyer, "profile", QERR_FORBIDDEN, "no_grant");
	assert_int_equal(log_count(f), 2);
	on("2026-03-31");
	read_scope(f, &f->bank, "service_requests", QERR_OK, NULL);
	on("2026-04-01");
	read_scope(f, &f->bank, "profile", QERR_FORBIDDEN, "grant_expired");
	assert_int_equal(log_count(f), 3);
	/* A new grant, revoked: refused at once; revoking twice is a conflict; only the owner's admin revokes. */
	int64_t g2 = grant(f, &f->owner, f->bank.org_id, "\"profile\"", NULL, "2026-12-31", QERR_OK);
	read_scope(f, &f->bank, "profile", QERR_OK, NULL);
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(grant_revoke(f->db, &f->bank, g2, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(grant_revoke(f->db, &f->owner_member, g2, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(grant_revoke(f->db, &f->owner, g2, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "state")), "revoked");
	json_decref(out);
	assert_int_equal(grant_revoke(f->db, &f->owner, g2, &out, &e), QERR_CONFLICT);
	read_scope(f, &f->bank, "profile", QERR_FORBIDDEN, "grant_revoked");
	/* The access log: who, what, how many; the owner and the operator see it, the reader does not. */
	assert_int_equal(grant_access_log(f->db, &f->owner_member, f->uscc, 100, 0, &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 4);
	json_t *first = json_array_get(items, 3);
	assert_string_equal(json_string_value(json_object_get(first, "scope")), "profile");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "reader"), "org_id")),
			 f->bank.org_id);
	assert_int_equal(json_integer_value(json_object_get(first, "grant_id")), id);
	assert_string_equal(json_string_value(json_object_get(first, "at")), "2026-03-10T02:00:00Z");
	json_decref(out);
	assert_int_equal(grant_access_log(f->db, &f->bank, f->uscc, 100, 0, &out, &e), QERR_FORBIDDEN);
	/* The consent record names who granted it. */
	assert_int_equal(grant_consent(f->db, &f->owner, id, &out, &e), QERR_OK);
	json_t *g = json_object_get(out, "grant");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(g, "granted_by"), "user_id")), 2);
	assert_string_equal(json_string_value(json_object_get(g, "purpose")), "授信审查");
	assert_string_equal(json_string_value(json_object_get(g, "valid_from")), "2026-03-10");
	json_decref(out);
	assert_int_equal(grant_consent(f->db, &f->buyer, id, &out, &e), QERR_NOT_FOUND);
}

/* A certificate row (active) and its pieces as the finance chain writes them; returns the certificate id. */
static int64_t certificate(struct fixture *f, int64_t issuer, int64_t issuer_org, int64_t payee, int64_t payee_org,
			   int64_t face)
{
	char sql[900];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO finance_certificates(issuer_id,issuer_org,payee_id,payee_org,face_fen,issue_date,maturity,"
	    "contract_no,memo,warnings,flags,flagged,status,created_at) VALUES(%lld,%lld,%lld,%lld,%lld,'2026-01-05',"
	    "'2026-09-30','HT-1','','[]','[]',0,'active','2026-01-05T02:00:00Z')",
	    (long long)issuer, (long long)issuer_org, (long long)payee, (long long)payee_org, (long long)face);
	testdb_exec(f->db, sql);
	return testdb_scalar(f->db, "SELECT max(id) FROM finance_certificates");
}

static void piece(struct fixture *f, int64_t cert, int64_t lo, int64_t hi, int64_t org, int64_t eid, const char *state)
{
	char sql[600];
	snprintf(sql, sizeof sql,
		 "INSERT INTO finance_pieces(certificate_id,lo,hi,holder_org,holder_id,state,created_at,updated_at)"
		 " VALUES(%lld,%lld,%lld,%lld,%lld,'%s','2026-01-05T02:00:00Z','2026-01-05T02:00:00Z')",
		 (long long)cert, (long long)lo, (long long)hi, (long long)org, (long long)eid, state);
	testdb_exec(f->db, sql);
}

static enum qerr fake_certificates(struct db *db, int64_t eid, const char *uscc, json_t **out, struct qerror *err)
{
	(void)db, (void)eid, (void)err;
	*out = json_pack("{s:[{s:s}]}", "items", "holder", uscc);
	return QERR_OK;
}

/* The certificates scope is the finance chain's: what the owner issued or holds, never another holder's part. */
static void test_certificates(void **state)
{
	struct fixture *f = *state;
	on("2026-03-02");
	/* The leader (buyer) issues 100 万 to the owner, who passed 30 万 to a third enterprise; another certificate
	 * of the leader goes to the third enterprise only. */
	char leader[USCC_LEN + 1], third[USCC_LEN + 1];
	uscc_generate("320500", 7302, leader);
	uscc_generate("320585", 7303, third);
	int64_t e_leader = testkit_enterprise(f->db, &f->buyer, leader, "汇川,320500,900,3000,500000,400000,none");
	struct actor cli;
	actor_cli(&cli);
	int64_t e_third = testkit_enterprise(f->db, &cli, third, "第三方,320585,10,30,2000,1000,none");
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE enterprises SET org_id=%lld WHERE id=%lld", (long long)f->provider.org_id,
		 (long long)e_third);
	testdb_exec(f->db, sql);
	snprintf(sql, sizeof sql, "SELECT id FROM enterprises WHERE uscc='%s'", f->uscc);
	int64_t e_owner = testdb_scalar(f->db, sql);
	int64_t c1 = certificate(f, e_leader, f->buyer.org_id, e_owner, f->owner.org_id, 100000000);
	piece(f, c1, 1, 100000000, f->owner.org_id, e_owner, "split");
	piece(f, c1, 1, 70000000, f->owner.org_id, e_owner, "held");
	piece(f, c1, 70000001, 100000000, f->provider.org_id, e_third, "held");
	int64_t c2 = certificate(f, e_leader, f->buyer.org_id, e_third, f->provider.org_id, 5000000);
	piece(f, c2, 1, 5000000, f->provider.org_id, e_third, "held");

	grant(f, &f->owner, f->bank.org_id, "\"certificates\"", NULL, "2026-12-31", QERR_OK);
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(grant_read(f->db, &f->bank, f->uscc, "certificates", &out, &e), QERR_OK);
	json_t *items = json_object_get(json_object_get(out, "data"), "items");
	assert_int_equal(json_array_size(items), 1); /* not c2 */
	json_t *c = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(c, "id")), c1);
	assert_string_equal(json_string_value(json_object_get(c, "role")), "holder");
	assert_int_equal(json_integer_value(json_object_get(c, "face_fen")), 100000000);
	assert_int_equal(json_integer_value(json_object_get(c, "held_fen")), 70000000); /* its own piece only */
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "issuer"), "uscc")), leader);
	char *text = json_dumps(out, JSON_COMPACT);
	assert_null(strstr(text, third)); /* the other holder is nowhere in it */
	free(text);
	json_decref(out);
	assert_int_equal(log_count(f), 1);
	/* No grant, no read; the owner reads its own unlogged. */
	assert_int_equal(grant_read(f->db, &f->buyer, f->uscc, "certificates", &out, &e), QERR_FORBIDDEN);
	read_scope(f, &f->owner, "certificates", QERR_OK, NULL);
	assert_int_equal(log_count(f), 1);
	/* The export has them too. */
	assert_int_equal(grant_export(f->db, &f->owner, f->uscc, &out, &e), QERR_OK);
	items = json_object_get(json_object_get(out, "certificates"), "items");
	assert_int_equal(json_array_size(items), 1);
	assert_null(json_object_get(json_object_get(out, "certificates"), "available"));
	assert_non_null(json_object_get(out, "profile"));
	assert_non_null(json_object_get(out, "data_grants"));
	json_decref(out);
	assert_int_equal(grant_export(f->db, &f->bank, f->uscc, &out, &e), QERR_FORBIDDEN);
	/* A scope without a reader answers 501 and logs nothing; the table's reader can be replaced. */
	assert_int_equal(grant_scope_register("certificates", NULL, &e), QERR_OK);
	read_scope(f, &f->bank, "certificates", QERR_NOT_IMPLEMENTED, "scope_unavailable");
	assert_int_equal(log_count(f), 1);
	assert_int_equal(grant_export(f->db, &f->owner, f->uscc, &out, &e), QERR_OK);
	assert_false(json_boolean_value(json_object_get(json_object_get(out, "certificates"), "available")));
	json_decref(out);
	assert_int_equal(grant_scope_register("nonsense", fake_certificates, &e), QERR_INVALID);
	assert_int_equal(grant_scope_register("certificates", fake_certificates, &e), QERR_OK);
	read_scope(f, &f->bank, "certificates", QERR_OK, NULL);
	assert_int_equal(log_count(f), 2);
}

static int64_t post(struct fixture *f, const struct actor *a, const char *json)
{
	json_t *b = testkit_json(json, talent_post_fields, false), *out = NULL;
	struct qerror e = {0};
	if (talent_post_create(f->db, a, b, &out, &e))
		fail_msg("post: %s", e.message);
	json_decref(b);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

static void test_talent(void **state)
{
	struct fixture *f = *state;
	on("2026-03-02");
	int64_t motor = post(f, &f->buyer,
			     "{\"kind\":\"expert\",\"mode\":\"secondment\",\"title\":\"永磁同步电机控制工程师\","
			     "\"person_name\":\"王工\","
			     "\"contact\":\"138\",\"skills\":\"FOC "
			     "矢量控制\",\"chain\":\"nev\",\"segment\":\"motor\",\"region\":\"320506\"}");
	int64_t tv = post(
	    f, &f->provider,
	    "{\"kind\":\"expert\",\"mode\":\"consulting\",\"title\":\"电视机主板维修专家\",\"person_name\":\"赵工\","
	    "\"skills\":\"电视机 主板\"}");
	int64_t need =
	    post(f, &f->owner,
		 "{\"kind\":\"need\",\"mode\":\"secondment\",\"title\":\"需要电机控制工程师\",\"skills\":\"电机\","
		 "\"chain\":\"nev\",\"segment\":\"motor\",\"region\":\"320583\"}");
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(talent_match(f->db, &f->owner, need, 10, &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1); /* 电机 never matches 电视机 */
	json_t *m = json_array_get(items, 0);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), motor);
	assert_true(json_is_true(json_object_get(json_object_get(m, "why"), "same_segment")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(m, "why"), "region")), "city");
	assert_true(json_is_null(json_object_get(m, "contact"))); /* hidden */
	json_decref(out);
	/* The other way: needs for the expert. */
	assert_int_equal(talent_match(f->db, &f->buyer, motor, 10, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 0), "id")),
			 need);
	json_decref(out);
	(void)tv;
	/* Posting rules: an SME posts needs, not experts; an expert names the person. */
	json_t *b = testkit_json("{\"kind\":\"expert\",\"mode\":\"training\",\"title\":\"x\",\"person_name\":\"y\"}",
				 talent_post_fields, false);
	assert_int_equal(talent_post_create(f->db, &f->owner, b, &out, &e), QERR_FORBIDDEN);
	json_decref(b);
	b = testkit_json("{\"kind\":\"expert\",\"mode\":\"training\",\"title\":\"x\"}", talent_post_fields, false);
	assert_int_equal(talent_post_create(f->db, &f->buyer, b, &out, &e), QERR_INVALID);
	json_decref(b);
	/* Contact: requested, decided by the expert's organisation only, then the contact shows. */
	b = testkit_json("{\"message\":\"项目支持\"}", talent_contact_fields, false);
	assert_int_equal(talent_contact_request(f->db, &f->owner, motor, b, &out, &e), QERR_OK);
	int64_t c = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(talent_contact_request(f->db, &f->owner, motor, b, &out, &e), QERR_CONFLICT);
	assert_int_equal(talent_contact_request(f->db, &f->buyer, motor, b, &out, &e), QERR_INVALID); /* own expert */
	json_decref(b);
	assert_int_equal(talent_contact_decide(f->db, &f->owner, c, true, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(talent_contact_decide(f->db, &f->buyer, c, true, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(talent_contact_decide(f->db, &f->buyer, c, false, &out, &e), QERR_CONFLICT);
	assert_int_equal(talent_post_get(f->db, &f->owner, motor, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "contact")), "138");
	json_decref(out);
	assert_int_equal(talent_post_get(f->db, &f->bank, motor, &out, &e), QERR_OK);
	assert_true(json_is_null(json_object_get(out, "person_name")));
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_grant_life, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_certificates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_talent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
