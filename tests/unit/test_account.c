/*
 * test_account.c - organisations, users, login, sessions and throttling
 * against a real database file: who may create what, password rules,
 * unique e-mails, the session token round trip, indistinguishable login
 * failures, lock-out after repeated failures, logout and password change.
 * argon2id is deliberately slow, so one database and a handful of users
 * serve the whole group, and each test uses its own e-mail and address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "registry/account.h"
#include "registry/password.h"
#include "store/db.h"
#include "testkit.h"
#include "store/migrate.h"
#include "platform/audit.h"

#define PASSWORD "qilian-test-2026"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli;
	int64_t org_op, org_a, org_b;
	struct actor op_member; /* member (not admin) of the operator */
	struct actor a_admin, a_member;
};

static int64_t make_user(struct fixture *f, const struct actor *by, int64_t org, const char *email, const char *role,
			 const char *password)
{
	json_t *u = NULL;
	struct qerror e = {0};
	if (user_create(f->db, by, org, email, "测试用户", role, password, &u, &e))
		fail_msg("user_create %s: %s", email, e.message);
	int64_t id = json_integer_value(json_object_get(u, "id"));
	assert_int_equal(json_integer_value(json_object_get(u, "org_id")), org);
	assert_string_equal(json_string_value(json_object_get(u, "role")), role);
	assert_null(json_object_get(u, "password_hash")); /* never echoed */
	json_decref(u);
	return id;
}

static int group_setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "acct");
	if (!f)
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	f->org_op = testkit_org(f->db, "苏州市中小企业服务中心", "operator", NULL);
	f->org_a = testkit_org(f->db, "昆山精锐模具科技有限公司", "sme", "91320583MA1N2L8E6H");
	f->org_b = testkit_org(f->db, "苏州汇川新能源汽车科技有限公司", "large", "91320500MA1MX4QF3P");
	int64_t m = make_user(f, &f->cli, f->org_op, "op-member@qilian.test", "member", PASSWORD);
	testkit_actor(&f->op_member, m, f->org_op, ORG_OPERATOR, ROLE_MEMBER, "op-member@qilian.test");
	int64_t aa = make_user(f, &f->cli, f->org_a, "a-admin@qilian.test", "admin", PASSWORD);
	testkit_actor(&f->a_admin, aa, f->org_a, ORG_SME, ROLE_ADMIN, "a-admin@qilian.test");
	int64_t am = make_user(f, &f->a_admin, f->org_a, "a-member@qilian.test", "member", PASSWORD);
	testkit_actor(&f->a_member, am, f->org_a, ORG_SME, ROLE_MEMBER, "a-member@qilian.test");
	*state = f;
	return 0;
}

struct login {
	enum qerr rc;
	char token[ACCOUNT_TOKEN_HEX + 1];
	json_t *user;
	long retry_after;
	struct qerror e;
};

static struct login login(struct fixture *f, const char *email, const char *password, const char *client)
{
	struct login l;
	memset(&l, 0, sizeof l);
	memset(l.token, 'z', sizeof l.token);
	l.retry_after = -1;
	l.rc = account_login(f->db, email, password, client, l.token, &l.user, &l.retry_after, &l.e);
	if (l.rc) {
		assert_null(l.user);
		assert_string_equal(l.token, "");
	}
	/* A wait comes with every 429 and only with it. */
	if (l.rc == QERR_TOO_MANY)
		assert_true(l.retry_after >= 1 && l.retry_after <= ACCOUNT_LOCK_MAX_SECONDS);
	else
		assert_int_equal(l.retry_after, 0);
	return l;
}

static void test_only_platform_admins_create_organisations(void **state)
{
	struct fixture *f = *state;
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(org_create(f->db, &f->op_member, "新组织", "sme", NULL, &o, &e), QERR_FORBIDDEN);
	assert_null(o);
	assert_int_equal(org_create(f->db, &f->a_admin, "新组织", "sme", NULL, &o, &e), QERR_FORBIDDEN);
	assert_int_equal(org_create(f->db, &f->a_member, "新组织", "operator", NULL, &o, &e), QERR_FORBIDDEN);
	/* A platform admin with a real user row may. */
	struct actor admin;
	testkit_actor(&admin, 0, f->org_op, ORG_OPERATOR, ROLE_ADMIN, "admin@qilian.test");
	assert_true(actor_is_platform_admin(&admin));
	assert_false(actor_is_platform_admin(&f->op_member));
	assert_false(actor_is_platform_admin(&f->a_admin));
	assert_int_equal(org_create(f->db, &admin, "张家港服务机构", "provider", NULL, &o, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "provider");
	assert_true(json_is_null(json_object_get(o, "uscc")));
	json_decref(o);
}

static void test_org_create_validates_type_name_and_uscc(void **state)
{
	struct fixture *f = *state;
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(org_create(f->db, &f->cli, "x", "government", NULL, &o, &e), QERR_INVALID);
	assert_string_equal(e.field, "type");
	assert_int_equal(org_create(f->db, &f->cli, "x", NULL, NULL, &o, &e), QERR_INVALID);
	assert_int_equal(org_create(f->db, &f->cli, "", "sme", NULL, &o, &e), QERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_int_equal(org_create(f->db, &f->cli, NULL, "sme", NULL, &o, &e), QERR_INVALID);
	char longname[700] = "";
	for (int i = 0; i < 201; i++)
		memcpy(longname + i * 3, "链", 4);
	assert_int_equal(org_create(f->db, &f->cli, longname, "sme", NULL, &o, &e), QERR_INVALID);
	assert_int_equal(org_create(f->db, &f->cli, "x", "sme", "91320583MA1N2L8E6X", &o, &e), QERR_INVALID);
	assert_string_equal(e.field, "uscc");
	/* The same USCC twice is a conflict, also when given in lower case. */
	assert_int_equal(org_create(f->db, &f->cli, "x", "sme", "91320583ma1n2l8e6h", &o, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "duplicate_uscc");
	assert_null(o);
}

static void test_org_admins_add_users_only_to_their_own_org(void **state)
{
	struct fixture *f = *state;
	json_t *u = NULL;
	struct qerror e = {0};
	/* Admin of A into B: forbidden. Member of A into A: forbidden. Operator member: forbidden. */
	assert_int_equal(user_create(f->db, &f->a_admin, f->org_b, "x1@qilian.test", "", "member", PASSWORD, &u, &e),
			 QERR_FORBIDDEN);
	assert_null(u);
	assert_int_equal(user_create(f->db, &f->a_member, f->org_a, "x2@qilian.test", "", "member", PASSWORD, &u, &e),
			 QERR_FORBIDDEN);
	assert_int_equal(user_create(f->db, &f->op_member, f->org_b, "x3@qilian.test", "", "member", PASSWORD, &u, &e),
			 QERR_FORBIDDEN);
	/* Bad role, bad e-mail, unknown org. */
	assert_int_equal(user_create(f->db, &f->a_admin, f->org_a, "x4@qilian.test", "", "owner", PASSWORD, &u, &e),
			 QERR_INVALID);
	assert_string_equal(e.field, "role");
	static const char *const bad_email[] = {"", "plain", "@qilian.test", "a@", "a@b", "a@.test", "a b@qilian.test",
						"a@qilian.test.", "<a>@qilian.test"};
	for (size_t i = 0; i < sizeof bad_email / sizeof bad_email[0]; i++) {
		if (user_create(f->db, &f->a_admin, f->org_a, bad_email[i], "", "member", PASSWORD, &u, &e) != QERR_INVALID)
			fail_msg("e-mail '%s' accepted", bad_email[i]);
		assert_string_equal(e.field, "email");
	}
	assert_int_equal(user_create(f->db, &f->cli, 9999, "x5@qilian.test", "", "member", PASSWORD, &u, &e), QERR_INVALID);
	assert_string_equal(e.slug, "org_not_found");
	/* The users of B were untouched by all this. */
	json_t *list = NULL;
	assert_int_equal(user_list(f->db, &f->cli, f->org_b, &list, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
	json_decref(list);
	/* An org admin sees only their own org's users, whatever org_id they ask for. */
	assert_int_equal(user_list(f->db, &f->a_admin, f->org_op, &list, &e), QERR_OK);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it)
		assert_int_equal(json_integer_value(json_object_get(it, "org_id")), f->org_a);
	assert_int_equal(json_array_size(json_object_get(list, "items")), 2);
	json_decref(list);
}

static void test_weak_or_oversized_passwords_are_rejected(void **state)
{
	struct fixture *f = *state;
	json_t *u = NULL;
	struct qerror e = {0};
	static const char *const weak[] = {"", "1234567", "密码密码密码密"}; /* 0, 7 and 7 characters */
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		assert_int_equal(user_create(f->db, &f->cli, f->org_a, "weak@qilian.test", "", "member", weak[i], &u, &e),
				 QERR_INVALID);
		assert_string_equal(e.slug, "weak_password");
		assert_string_equal(e.field, "password");
	}
	assert_int_equal(user_create(f->db, &f->cli, f->org_a, "weak@qilian.test", "", "member", NULL, &u, &e),
			 QERR_INVALID);
	char huge[600];
	memset(huge, 'p', sizeof huge - 1);
	huge[sizeof huge - 1] = 0;
	assert_int_equal(user_create(f->db, &f->cli, f->org_a, "weak@qilian.test", "", "member", huge, &u, &e),
			 QERR_INVALID);
	assert_string_equal(e.field, "password");
	/* Eight Chinese characters are eight characters. */
	make_user(f, &f->cli, f->org_a, "cjk@qilian.test", "member", "密码密码密码密码");
	struct login l = login(f, "cjk@qilian.test", "密码密码密码密码", "10.0.0.9");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
}

static void assert_weak(const char *pw, const char *needle)
{
	struct qerror e = {0};
	if (password_check(pw, "password", &e) != QERR_INVALID)
		fail_msg("password '%s' accepted", pw);
	assert_string_equal(e.slug, "weak_password");
	assert_string_equal(e.field, "password");
	if (!strstr(e.message, needle))
		fail_msg("message for '%s' lacks '%s': %s", pw, needle, e.message);
}

static void test_password_needs_ten_characters_or_three_kinds_and_must_not_be_common(void **state)
{
	(void)state;
	/* The commonest passwords, whatever their length or case. */
	static const char *const common[] = {"12345678", "password1", "1234567890", "Password1", "iloveyou", "QWERTYUIOP",
					     "1qaz2wsx", "woaini1314", "a123456789", "admin123456"};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		assert_weak(common[i], "most common");
	/* 8 or 9 characters of fewer than three kinds. */
	static const char *const few_kinds[] = {"kqzvbnte", "kqzvbnte7", "KQZVBNTE", "kq-zv-bn", "83920571", "Kqzvbnte"};
	for (size_t i = 0; i < sizeof few_kinds / sizeof few_kinds[0]; i++)
		assert_weak(few_kinds[i], "three of");
	/* One character repeated, however long. */
	assert_weak("zzzzzzzzzzzzzzzz", "repeated");
	assert_weak("密密密密密密密密", "repeated");
	assert_weak("1234567", "at least 8");
	/* Accepted: ten characters of one kind, eight of three kinds, eight Chinese characters, the demo password. */
	static const char *const good[] = {"kqzvbntexw", "Kqzv-bn7", "kqzv7bn!", "KQZV7BN!", "密码密码密码密码", "长江大桥abcd",
					   "qilian-demo-2026", "qilian-test-2026", "correct horse battery"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct qerror e = {0};
		if (password_check(good[i], "password", &e))
			fail_msg("password '%s' refused: %s", good[i], e.message);
	}
	assert_false(password_is_common(NULL));
	assert_false(password_is_common(""));
}

static void test_common_password_list_is_large_sorted_and_lower_case(void **state)
{
	(void)state;
	assert_true(password_common_len >= 1000);
	for (size_t i = 0; i < password_common_len; i++) {
		for (const char *p = password_common[i]; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				fail_msg("'%s' is not lower case", password_common[i]);
		if (i && strcmp(password_common[i - 1], password_common[i]) >= 0)
			fail_msg("'%s' and '%s' out of order", password_common[i - 1], password_common[i]);
		assert_true(password_is_common(password_common[i]));
	}
}

static void test_user_creation_and_password_change_refuse_common_passwords(void **state)
{
	struct fixture *f = *state;
	json_t *u = NULL;
	struct qerror e = {0};
	assert_int_equal(user_create(f->db, &f->cli, f->org_a, "common@qilian.test", "", "member", "12345678", &u, &e),
			 QERR_INVALID);
	assert_int_equal(qerr_http_status(e.code), 422);
	assert_string_equal(e.slug, "weak_password");
	assert_string_equal(e.field, "password");
	assert_non_null(strstr(e.message, "最常见"));
	assert_null(u);
	int64_t id = make_user(f, &f->cli, f->org_a, "common@qilian.test", "member", PASSWORD);
	struct actor a;
	testkit_actor(&a, id, f->org_a, ORG_SME, ROLE_MEMBER, "common@qilian.test");
	assert_int_equal(account_change_password(f->db, &a, PASSWORD, "12345678", NULL, &e), QERR_INVALID);
	assert_string_equal(e.slug, "weak_password");
	assert_string_equal(e.field, "new_password");
	assert_int_equal(account_change_password(f->db, &a, PASSWORD, "kqzvbnte", NULL, &e), QERR_INVALID);
	assert_string_equal(e.field, "new_password");
	/* The old password still works: nothing changed. */
	struct login l = login(f, "common@qilian.test", PASSWORD, "10.0.6.1");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
}

static void test_duplicate_email_is_a_conflict_regardless_of_case(void **state)
{
	struct fixture *f = *state;
	json_t *u = NULL;
	struct qerror e = {0};
	assert_int_equal(user_create(f->db, &f->cli, f->org_b, "a-admin@qilian.test", "", "member", PASSWORD, &u, &e),
			 QERR_CONFLICT);
	assert_int_equal(qerr_http_status(e.code), 409);
	assert_string_equal(e.slug, "duplicate_email");
	assert_string_equal(e.field, "email");
	assert_int_equal(user_create(f->db, &f->cli, f->org_b, "A-Admin@Qilian.TEST", "", "member", PASSWORD, &u, &e),
			 QERR_CONFLICT);
	assert_null(u);
}

static void test_login_returns_a_token_that_resolves_to_the_actor(void **state)
{
	struct fixture *f = *state;
	struct login l = login(f, "a-member@qilian.test", PASSWORD, "10.0.1.1");
	assert_int_equal(l.rc, QERR_OK);
	assert_int_equal(strlen(l.token), ACCOUNT_TOKEN_HEX);
	for (int i = 0; i < ACCOUNT_TOKEN_HEX; i++)
		assert_non_null(strchr("0123456789abcdef", l.token[i]));
	assert_string_equal(json_string_value(json_object_get(l.user, "email")), "a-member@qilian.test");
	assert_null(json_object_get(l.user, "password_hash"));
	json_decref(l.user);

	struct actor a;
	struct qerror e = {0};
	assert_int_equal(account_session(f->db, l.token, &a, &e), QERR_OK);
	assert_int_equal(a.user_id, f->a_member.user_id);
	assert_int_equal(a.org_id, f->org_a);
	assert_int_equal(a.org_type, ORG_SME);
	assert_int_equal(a.role, ROLE_MEMBER);
	assert_string_equal(a.email, "a-member@qilian.test");

	/* A second login is a second, different session; both work. */
	struct login l2 = login(f, "A-Member@Qilian.Test", PASSWORD, "10.0.1.1"); /* e-mail case does not matter */
	assert_int_equal(l2.rc, QERR_OK);
	json_decref(l2.user);
	assert_string_not_equal(l.token, l2.token);
	assert_int_equal(account_session(f->db, l2.token, &a, &e), QERR_OK);
	assert_int_equal(account_session(f->db, l.token, &a, &e), QERR_OK);

	/* Tokens that are not sessions. */
	char forged[ACCOUNT_TOKEN_HEX + 1];
	memcpy(forged, l.token, sizeof forged);
	forged[0] = forged[0] == 'a' ? 'b' : 'a';
	static const char *const junk[] = {"", "abc", NULL};
	assert_int_equal(account_session(f->db, forged, &a, &e), QERR_UNAUTHORIZED);
	assert_int_equal(a.user_id, 0);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(account_session(f->db, junk[i], &a, &e), QERR_UNAUTHORIZED);
	char longer[ACCOUNT_TOKEN_HEX + 2];
	snprintf(longer, sizeof longer, "%s0", l.token);
	assert_int_equal(account_session(f->db, longer, &a, &e), QERR_UNAUTHORIZED);
	/* Only the hash is stored: the token itself appears nowhere in the database. */
	struct db_stmt *st =
		db_prepare_dynamic(f->db, "SELECT count(*) FROM sessions WHERE hex(token_hash)=upper(?) OR token_hash=?", &e);
	assert_non_null(st);
	db_bind_text(st, 1, l.token);
	db_bind_text(st, 2, l.token);
	assert_int_equal(db_step(st, &e), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 0);
	db_finalize(st);
}

static void test_wrong_password_and_unknown_email_fail_alike(void **state)
{
	struct fixture *f = *state;
	struct login wrong = login(f, "a-admin@qilian.test", "not-the-password", "10.0.2.1");
	struct login unknown = login(f, "nobody@qilian.test", PASSWORD, "10.0.2.1");
	struct login empty = login(f, "", "", "10.0.2.1");
	struct login null = login(f, NULL, NULL, NULL);
	struct login *all[] = {&wrong, &unknown, &empty, &null};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(all[i]->rc, QERR_UNAUTHORIZED);
		assert_int_equal(qerr_http_status(all[i]->rc), 401);
		assert_string_equal(all[i]->e.slug, wrong.e.slug);
		assert_string_equal(all[i]->e.message, wrong.e.message);
		assert_string_equal(all[i]->e.field, "");
	}
	/* The right password still works afterwards (one failure is not a lock-out). */
	struct login ok = login(f, "a-admin@qilian.test", PASSWORD, "10.0.2.1");
	assert_int_equal(ok.rc, QERR_OK);
	json_decref(ok.user);
}

static void test_sixth_attempt_after_five_failures_is_throttled_even_when_right(void **state)
{
	struct fixture *f = *state;
	make_user(f, &f->cli, f->org_b, "victim@qilian.test", "member", PASSWORD);
	for (int i = 0; i < ACCOUNT_MAX_FAILURES; i++) {
		/* Vary the case: the count is per account and address, not per spelling. */
		struct login l = login(f, i % 2 ? "Victim@qilian.test" : "victim@qilian.test", "guess-guess", "10.0.3.1");
		assert_int_equal(l.rc, QERR_UNAUTHORIZED);
	}
	struct login l = login(f, "victim@qilian.test", PASSWORD, "10.0.3.1");
	assert_int_equal(l.rc, QERR_TOO_MANY);
	assert_int_equal(qerr_http_status(l.rc), 429);
	assert_string_equal(l.e.slug, "too_many_attempts");
	/* Locked for a minute from the last failure, and the message says how long. */
	assert_true(l.retry_after >= ACCOUNT_LOCK_SECONDS - 2 && l.retry_after <= ACCOUNT_LOCK_SECONDS);
	assert_non_null(strstr(l.e.message, "seconds"));
	/* Other accounts are not affected. */
	l = login(f, "a-member@qilian.test", PASSWORD, "10.0.3.1");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
}

static void test_failures_from_one_address_do_not_lock_the_account_elsewhere(void **state)
{
	struct fixture *f = *state;
	make_user(f, &f->cli, f->org_b, "target@qilian.test", "member", PASSWORD);
	/* Someone else guesses from 198.51.100.1 until that address is locked out of the account ... */
	for (int i = 0; i < ACCOUNT_MAX_FAILURES; i++)
		assert_int_equal(login(f, "target@qilian.test", "guess-guess", "198.51.100.1").rc, QERR_UNAUTHORIZED);
	assert_int_equal(login(f, "target@qilian.test", PASSWORD, "198.51.100.1").rc, QERR_TOO_MANY);
	/* ... but the owner, from another address, still gets in: nobody can lock someone else out. */
	struct login l = login(f, "target@qilian.test", PASSWORD, "198.51.100.2");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
	/* The owner's own typos are throttled on their own address and cleared by the right password. */
	for (int i = 0; i < ACCOUNT_MAX_FAILURES - 1; i++)
		assert_int_equal(login(f, "target@qilian.test", "typo-typo", "198.51.100.2").rc, QERR_UNAUTHORIZED);
	l = login(f, "target@qilian.test", PASSWORD, "198.51.100.2");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM login_failures WHERE key LIKE 'ip:198.51.100.2|%'"), 0);
	/* The guesser is still locked out. */
	assert_int_equal(login(f, "target@qilian.test", PASSWORD, "198.51.100.1").rc, QERR_TOO_MANY);
}

/* Records n failures of email from client, secs_ago seconds ago (the key format of account.h). */
static void add_failures(struct fixture *f, const char *client, const char *email, int n, int64_t secs_ago)
{
	char sql[256];
	for (int i = 0; i < n; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO login_failures(key,at) VALUES('ip:%s|email:%s', %lld)", client, email,
			 (long long)(time(NULL) - secs_ago));
		testdb_exec(f->db, sql);
	}
}

static void test_lock_doubles_with_each_further_failure_up_to_an_hour(void **state)
{
	struct fixture *f = *state;
	make_user(f, &f->cli, f->org_b, "doubling@qilian.test", "member", PASSWORD);
	/* Five failures whose one-minute lock is over: one more try is checked ... */
	add_failures(f, "203.0.113.5", "doubling@qilian.test", ACCOUNT_MAX_FAILURES, ACCOUNT_LOCK_SECONDS + 1);
	assert_int_equal(login(f, "doubling@qilian.test", "guess-guess", "203.0.113.5").rc, QERR_UNAUTHORIZED);
	/* ... and, wrong, locks the address out for two minutes. */
	struct login l = login(f, "doubling@qilian.test", PASSWORD, "203.0.113.5");
	assert_int_equal(l.rc, QERR_TOO_MANY);
	assert_true(l.retry_after > ACCOUNT_LOCK_SECONDS && l.retry_after <= 2 * ACCOUNT_LOCK_SECONDS);
	/* Many failures: the lock stops growing at an hour. */
	add_failures(f, "203.0.113.6", "doubling@qilian.test", 40, 10);
	l = login(f, "doubling@qilian.test", PASSWORD, "203.0.113.6");
	assert_int_equal(l.rc, QERR_TOO_MANY);
	assert_true(l.retry_after > ACCOUNT_LOCK_MAX_SECONDS - 20 && l.retry_after <= ACCOUNT_LOCK_MAX_SECONDS);
	/* Failures older than a day are forgotten. */
	add_failures(f, "203.0.113.7", "doubling@qilian.test", 40, ACCOUNT_PAIR_WINDOW + 10);
	l = login(f, "doubling@qilian.test", PASSWORD, "203.0.113.7");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
}

static void test_throttled_attempts_are_not_checked_and_do_not_extend_the_lock(void **state)
{
	struct fixture *f = *state;
	make_user(f, &f->cli, f->org_b, "patient@qilian.test", "member", PASSWORD);
	add_failures(f, "203.0.113.9", "patient@qilian.test", ACCOUNT_MAX_FAILURES, 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(login(f, "patient@qilian.test", "guess-guess", "203.0.113.9").rc, QERR_TOO_MANY);
	assert_int_equal(
		testdb_scalar(f->db, "SELECT count(*) FROM login_failures WHERE key='ip:203.0.113.9|email:patient@qilian.test'"),
		ACCOUNT_MAX_FAILURES);
}

static void test_one_address_failing_on_many_accounts_is_throttled(void **state)
{
	struct fixture *f = *state;
	/* 4x the per-account limit from one address, each on a different (unknown) account. */
	for (int i = 0; i < ACCOUNT_MAX_FAILURES * 4; i++) {
		char email[64];
		snprintf(email, sizeof email, "spray%d@qilian.test", i);
		assert_int_equal(login(f, email, "guess-guess", "192.0.2.7").rc, QERR_UNAUTHORIZED);
	}
	assert_int_equal(login(f, "a-member@qilian.test", PASSWORD, "192.0.2.7").rc, QERR_TOO_MANY);
	struct login l = login(f, "a-member@qilian.test", PASSWORD, "192.0.2.8");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
	/* The address may try again when its oldest failure of the window is 15 minutes old. */
	l = login(f, "a-member@qilian.test", PASSWORD, "192.0.2.7");
	assert_true(l.retry_after > ACCOUNT_FAILURE_WINDOW - 20 && l.retry_after <= ACCOUNT_FAILURE_WINDOW);
	add_failures(f, "192.0.2.9", "spray@qilian.test", ACCOUNT_ADDRESS_MAX_FAILURES - 1, ACCOUNT_FAILURE_WINDOW + 5);
	add_failures(f, "192.0.2.9", "spray2@qilian.test", 1, 100);
	l = login(f, "a-member@qilian.test", PASSWORD, "192.0.2.9");
	assert_int_equal(l.rc, QERR_OK);
	json_decref(l.user);
}

static void test_logout_ends_only_that_session(void **state)
{
	struct fixture *f = *state;
	struct login l1 = login(f, "op-member@qilian.test", PASSWORD, "10.0.4.1");
	struct login l2 = login(f, "op-member@qilian.test", PASSWORD, "10.0.4.1");
	assert_int_equal(l1.rc, QERR_OK);
	assert_int_equal(l2.rc, QERR_OK);
	json_decref(l1.user);
	json_decref(l2.user);
	struct actor a;
	struct qerror e = {0};
	assert_int_equal(account_session(f->db, l1.token, &a, &e), QERR_OK);
	/* Another user cannot end this session with the token. */
	assert_int_equal(account_logout(f->db, &f->a_admin, l1.token, &e), QERR_OK);
	assert_int_equal(account_session(f->db, l1.token, &a, &e), QERR_OK);
	assert_int_equal(account_logout(f->db, &a, l1.token, &e), QERR_OK);
	assert_int_equal(account_session(f->db, l1.token, &a, &e), QERR_UNAUTHORIZED);
	assert_string_equal(e.slug, "session_expired");
	/* Logging out again, or with no token, is not an error. */
	assert_int_equal(account_logout(f->db, &f->op_member, l1.token, &e), QERR_OK);
	assert_int_equal(account_logout(f->db, &f->op_member, NULL, &e), QERR_OK);
	assert_int_equal(account_session(f->db, l2.token, &a, &e), QERR_OK);
}

static void test_change_password_needs_the_old_one_and_ends_other_sessions(void **state)
{
	struct fixture *f = *state;
	int64_t id = make_user(f, &f->cli, f->org_b, "changer@qilian.test", "admin", PASSWORD);
	struct login keep = login(f, "changer@qilian.test", PASSWORD, "10.0.5.1");
	struct login other = login(f, "changer@qilian.test", PASSWORD, "10.0.5.2");
	assert_int_equal(keep.rc, QERR_OK);
	assert_int_equal(other.rc, QERR_OK);
	json_decref(keep.user);
	json_decref(other.user);
	struct actor a;
	struct qerror e = {0};
	assert_int_equal(account_session(f->db, keep.token, &a, &e), QERR_OK);
	assert_int_equal(a.user_id, id);

	/* Wrong old password, weak new one, and the CLI (no user) are refused; nothing changes. */
	assert_int_equal(account_change_password(f->db, &a, "wrong-old-pw", "brand-new-pw-1", keep.token, &e), QERR_INVALID);
	assert_string_equal(e.field, "old_password");
	assert_int_equal(account_change_password(f->db, &a, NULL, "brand-new-pw-1", keep.token, &e), QERR_INVALID);
	assert_int_equal(account_change_password(f->db, &a, PASSWORD, "short", keep.token, &e), QERR_INVALID);
	assert_string_equal(e.field, "new_password");
	assert_int_equal(account_change_password(f->db, &f->cli, PASSWORD, "brand-new-pw-1", NULL, &e), QERR_FORBIDDEN);
	assert_int_equal(account_session(f->db, other.token, &a, &e), QERR_OK);

	assert_int_equal(account_change_password(f->db, &a, PASSWORD, "brand-new-pw-1", keep.token, &e), QERR_OK);
	assert_int_equal(account_session(f->db, keep.token, &a, &e), QERR_OK);
	assert_int_equal(account_session(f->db, other.token, &a, &e), QERR_UNAUTHORIZED);
	/* The old password no longer works; the new one does. */
	assert_int_equal(login(f, "changer@qilian.test", PASSWORD, "10.0.5.3").rc, QERR_UNAUTHORIZED);
	struct login fresh = login(f, "changer@qilian.test", "brand-new-pw-1", "10.0.5.3");
	assert_int_equal(fresh.rc, QERR_OK);
	json_decref(fresh.user);
	/* The change is audited. */
	json_t *log = NULL;
	assert_int_equal(audit_list(f->db, &f->cli, 5, 0, &log, &e), QERR_OK);
	json_t *newest = json_array_get(json_object_get(log, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(newest, "action")), "user.password");
	json_decref(log);
}

static void test_audit_log_is_for_the_operator_only(void **state)
{
	struct fixture *f = *state;
	json_t *log = NULL;
	struct qerror e = {0};
	assert_int_equal(audit_list(f->db, &f->a_admin, 10, 0, &log, &e), QERR_FORBIDDEN);
	assert_null(log);
	assert_int_equal(audit_list(f->db, &f->cli, 2, 0, &log, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(log, "items")), 2);
	assert_true(json_is_string(json_object_get(log, "next_cursor")));
	json_decref(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_platform_admins_create_organisations),
		cmocka_unit_test(test_org_create_validates_type_name_and_uscc),
		cmocka_unit_test(test_org_admins_add_users_only_to_their_own_org),
		cmocka_unit_test(test_weak_or_oversized_passwords_are_rejected),
		cmocka_unit_test(test_password_needs_ten_characters_or_three_kinds_and_must_not_be_common),
		cmocka_unit_test(test_common_password_list_is_large_sorted_and_lower_case),
		cmocka_unit_test(test_user_creation_and_password_change_refuse_common_passwords),
		cmocka_unit_test(test_duplicate_email_is_a_conflict_regardless_of_case),
		cmocka_unit_test(test_login_returns_a_token_that_resolves_to_the_actor),
		cmocka_unit_test(test_wrong_password_and_unknown_email_fail_alike),
		cmocka_unit_test(test_sixth_attempt_after_five_failures_is_throttled_even_when_right),
		cmocka_unit_test(test_failures_from_one_address_do_not_lock_the_account_elsewhere),
		cmocka_unit_test(test_lock_doubles_with_each_further_failure_up_to_an_hour),
		cmocka_unit_test(test_throttled_attempts_are_not_checked_and_do_not_extend_the_lock),
		cmocka_unit_test(test_one_address_failing_on_many_accounts_is_throttled),
		cmocka_unit_test(test_logout_ends_only_that_session),
		cmocka_unit_test(test_change_password_needs_the_old_one_and_ends_other_sessions),
		cmocka_unit_test(test_audit_log_is_for_the_operator_only),
	};
	return cmocka_run_group_tests(tests, group_setup, testdb_teardown);
}
