/* test_idempotency.c - Idempotency-Key: key checks, fingerprints, claim / replay / reuse, rollback frees the key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include "platform/idempotency.h"
#include "testdb.h"

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	*state = testdb_fixture(sizeof(struct testdb), "idem");
	return *state ? 0 : -1;
}

static void key_rules(void **state)
{
	(void)state;
	struct qerror e = {0};
	assert_int_equal(idempotency_key_check("abc-123_XYZ:1", &e), QERR_OK);
	assert_int_equal(idempotency_key_check(NULL, &e), QERR_BAD_REQUEST);
	assert_string_equal(e.slug, "idempotency_key_required");
	assert_int_equal(idempotency_key_check("", &e), QERR_BAD_REQUEST);
	assert_string_equal(e.slug, "idempotency_key_required");
	assert_int_equal(idempotency_key_check("has space", &e), QERR_BAD_REQUEST);
	assert_string_equal(e.slug, "invalid_idempotency_key");
	assert_string_equal(e.field, "Idempotency-Key");
	assert_int_equal(idempotency_key_check("键", &e), QERR_BAD_REQUEST);
	char long_key[IDEMPOTENCY_KEY_MAX + 2];
	memset(long_key, 'k', sizeof long_key - 1);
	long_key[IDEMPOTENCY_KEY_MAX + 1] = 0;
	assert_int_equal(idempotency_key_check(long_key, &e), QERR_BAD_REQUEST);
	long_key[IDEMPOTENCY_KEY_MAX] = 0;
	assert_int_equal(idempotency_key_check(long_key, &e), QERR_OK);
}

static void fingerprints_are_canonical(void **state)
{
	(void)state;
	struct qerror e = {0};
	struct idempotency a, b, c, d, j;
	const char *b1 = "{\"b\": 2, \"a\": [1, \"金额\"]}", *b2 = "{\"a\":[1,\"金额\"],\"b\":2}";
	assert_int_equal(idempotency_prepare(&a, "k", "POST", "/x", b1, strlen(b1), &e), QERR_OK);
	assert_int_equal(idempotency_prepare(&b, "k", "POST", "/x", b2, strlen(b2), &e), QERR_OK);
	assert_string_equal(a.fingerprint, b.fingerprint); /* key order and spaces do not matter */
	assert_int_equal(strlen(a.fingerprint), 64);
	assert_int_equal(idempotency_prepare(&c, "k", "POST", "/y", b1, strlen(b1), &e), QERR_OK);
	assert_string_not_equal(a.fingerprint, c.fingerprint); /* the path does */
	assert_int_equal(idempotency_prepare(&d, "k", "PUT", "/x", b1, strlen(b1), &e), QERR_OK);
	assert_string_not_equal(a.fingerprint, d.fingerprint); /* the method does */
	const char *b3 = "{\"a\":[1,\"金额\"],\"b\":3}";
	assert_int_equal(idempotency_prepare(&d, "k", "POST", "/x", b3, strlen(b3), &e), QERR_OK);
	assert_string_not_equal(a.fingerprint, d.fingerprint); /* the body does */
	json_t *v = json_loads(b2, 0, NULL);
	assert_int_equal(idempotency_prepare_json(&j, "k", "POST", "/x", v, &e), QERR_OK);
	json_decref(v);
	assert_string_equal(a.fingerprint, j.fingerprint); /* in-process callers match HTTP */
	/* Not JSON: its bytes; no body and an empty body agree. */
	assert_int_equal(idempotency_prepare(&c, "k", "POST", "/x", "{oops", 5, &e), QERR_OK);
	assert_int_equal(idempotency_prepare(&d, "k", "POST", "/x", "{oops ", 6, &e), QERR_OK);
	assert_string_not_equal(c.fingerprint, d.fingerprint);
	assert_int_equal(idempotency_prepare(&c, "k", "POST", "/x", NULL, 0, &e), QERR_OK);
	assert_int_equal(idempotency_prepare_json(&d, "k", "POST", "/x", NULL, &e), QERR_OK);
	assert_string_equal(c.fingerprint, d.fingerprint);
	assert_int_equal(idempotency_prepare(&c, "bad key", "POST", "/x", NULL, 0, &e), QERR_BAD_REQUEST);
}

/* One write as a domain does it: claim, (replay or) change, store, commit. Returns the status answered. */
static int write_once(struct db *db, int64_t org, const struct idempotency *idem, int64_t value, json_t **answer,
		      enum qerr *rc_out)
{
	struct qerror e = {0};
	bool replay;
	int status;
	*answer = NULL;
	enum qerr rc = db_begin_write(db, &e);
	if (!rc)
		rc = idempotency_claim(db, org, idem, &replay, &status, answer, &e);
	if (!rc && replay) {
		db_rollback(db);
		*rc_out = QERR_OK;
		return status;
	}
	if (!rc) {
		char sql[128];
		snprintf(sql, sizeof sql, "INSERT INTO t(v) VALUES(%lld)", (long long)value);
		rc = db_exec(db, sql, &e);
	}
	if (!rc) {
		*answer = json_pack("{s:I}", "v", (json_int_t)value);
		rc = idempotency_store(db, org, idem, 201, *answer, &e);
	}
	if (!rc)
		rc = db_commit(db, &e);
	if (rc)
		db_rollback(db);
	*rc_out = rc;
	return rc ? 0 : 201;
}

static void claim_replay_reuse(void **state)
{
	struct testdb *t = *state;
	testdb_exec(t->db, "CREATE TABLE t(v INTEGER NOT NULL)");
	struct qerror e = {0};
	struct idempotency one, same, other;
	assert_int_equal(idempotency_prepare(&one, "key-1", "POST", "/t", "{\"v\":1}", 7, &e), QERR_OK);
	assert_int_equal(idempotency_prepare(&same, "key-1", "POST", "/t", "{ \"v\" : 1 }", 11, &e), QERR_OK);
	assert_int_equal(idempotency_prepare(&other, "key-1", "POST", "/t", "{\"v\":2}", 7, &e), QERR_OK);
	json_t *ans;
	enum qerr rc;
	assert_int_equal(write_once(t->db, 7, &one, 1, &ans, &rc), 201);
	assert_int_equal(rc, QERR_OK);
	json_decref(ans);
	/* The same request again: the first answer, nothing written. */
	assert_int_equal(write_once(t->db, 7, &same, 1, &ans, &rc), 201);
	assert_int_equal(rc, QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(ans, "v")), 1);
	json_decref(ans);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM t"), 1);
	/* The same key for another request: 409, nothing written. */
	write_once(t->db, 7, &other, 2, &ans, &rc);
	assert_int_equal(rc, QERR_CONFLICT);
	assert_null(ans);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM t"), 1);
	/* Keys are per organisation: another organisation's key-1 is its own. */
	assert_int_equal(write_once(t->db, 8, &other, 2, &ans, &rc), 201);
	json_decref(ans);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM t"), 2);
}

static void rollback_frees_the_key(void **state)
{
	struct testdb *t = *state;
	struct qerror e = {0};
	struct idempotency idem;
	assert_int_equal(idempotency_prepare(&idem, "key-rb", "POST", "/t", NULL, 0, &e), QERR_OK);
	bool replay;
	int status;
	json_t *ans;
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(idempotency_claim(t->db, 1, &idem, &replay, &status, &ans, &e), QERR_OK);
	assert_false(replay);
	db_rollback(t->db); /* the write failed */
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM idempotency_keys WHERE idem_key='key-rb'"), 0);
	/* A store without a claim is refused. */
	assert_int_equal(db_begin_write(t->db, &e), QERR_OK);
	assert_int_equal(idempotency_store(t->db, 1, &idem, 200, NULL, &e), QERR_INTERNAL);
	db_rollback(t->db);
	int64_t removed = -1;
	assert_int_equal(idempotency_purge(t->db, "9999-01-01T00:00:00Z", &removed, &e), QERR_OK);
	assert_true(removed >= 2);
	assert_int_equal(testdb_scalar(t->db, "SELECT count(*) FROM idempotency_keys"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_rules),
		cmocka_unit_test(fingerprints_are_canonical),
		cmocka_unit_test(claim_replay_reuse),
		cmocka_unit_test(rollback_frees_the_key),
	};
	return cmocka_run_group_tests(tests, setup, testdb_teardown);
}
