/*
 * idempotency.c - Idempotency-Key claims and stored answers (table
 * idempotency_keys, 0004_finance.sql). See idempotency.h for the protocol.
 */
#include "platform/idempotency.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "base/jsonio.h"
#include "base/util.h"

#define KEY_FIELD "Idempotency-Key"

enum qerr idempotency_key_check(const char *key, struct qerror *err)
{
	if (!key || !*key)
		return qerr_set(err, QERR_BAD_REQUEST, "idempotency_key_required", KEY_FIELD,
				"写操作需要 Idempotency-Key 请求头 (this write needs an Idempotency-Key header)");
	size_t n = strlen(key);
	if (n > IDEMPOTENCY_KEY_MAX)
		return qerr_set(err, QERR_BAD_REQUEST, "invalid_idempotency_key", KEY_FIELD,
				"Idempotency-Key 最长 %d 个字符 (an Idempotency-Key has at most %d characters)",
				IDEMPOTENCY_KEY_MAX, IDEMPOTENCY_KEY_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];
		if (c < 0x21 || c > 0x7e)
			return qerr_set(err, QERR_BAD_REQUEST, "invalid_idempotency_key", KEY_FIELD,
					"Idempotency-Key 只能含可打印 ASCII 字符 (an Idempotency-Key is printable ASCII "
					"without spaces; character %zu is not)",
					i + 1);
	}
	return QERR_OK;
}

static void hex_of(const unsigned char h[crypto_hash_sha256_BYTES], char out[IDEMPOTENCY_HASH_HEX])
{
	sodium_bin2hex(out, IDEMPOTENCY_HASH_HEX, h, crypto_hash_sha256_BYTES);
}

static enum qerr hash_json(const json_t *v, char out[IDEMPOTENCY_HASH_HEX], struct qerror *err)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!text)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	free(text);
	hex_of(h, out);
	return QERR_OK;
}

enum qerr idempotency_body_hash(const char *body, size_t len, char out[IDEMPOTENCY_HASH_HEX], struct qerror *err)
{
	json_t *v = len ? json_loadb(body, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (v) {
		enum qerr rc = hash_json(v, out, err);
		json_decref(v);
		return rc;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)(body ? body : ""), body ? len : 0);
	hex_of(h, out);
	return QERR_OK;
}

static enum qerr finish_prepare(struct idempotency *idem, const char *key, const char *method, const char *path,
				const char body_hash[IDEMPOTENCY_HASH_HEX], struct qerror *err)
{
	enum qerr rc = idempotency_key_check(key, err);
	if (rc)
		return rc;
	crypto_hash_sha256_state s;
	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const unsigned char *)method, strlen(method));
	crypto_hash_sha256_update(&s, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&s, (const unsigned char *)path, strlen(path));
	crypto_hash_sha256_update(&s, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&s, (const unsigned char *)body_hash, strlen(body_hash));
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&s, h);
	snprintf(idem->key, sizeof idem->key, "%s", key);
	hex_of(h, idem->fingerprint);
	return QERR_OK;
}

enum qerr idempotency_prepare(struct idempotency *idem, const char *key, const char *method, const char *path,
			      const char *body, size_t len, struct qerror *err)
{
	char body_hash[IDEMPOTENCY_HASH_HEX];
	enum qerr rc = idempotency_body_hash(body, len, body_hash, err);
	return rc ? rc : finish_prepare(idem, key, method, path, body_hash, err);
}

enum qerr idempotency_prepare_json(struct idempotency *idem, const char *key, const char *method, const char *path,
				   const json_t *body, struct qerror *err)
{
	char body_hash[IDEMPOTENCY_HASH_HEX];
	enum qerr rc;
	if (body)
		rc = hash_json(body, body_hash, err);
	else
		rc = idempotency_body_hash(NULL, 0, body_hash, err);
	return rc ? rc : finish_prepare(idem, key, method, path, body_hash, err);
}

enum qerr idempotency_claim(struct db *db, int64_t org_id, const struct idempotency *idem, bool *replay, int *status,
			    json_t **answer, struct qerror *err)
{
	*replay = false;
	*status = 0;
	*answer = NULL;
	char now[32];
	util_now_iso(now, sizeof now);
	/* The key row first: a concurrent claim of the same key (PostgreSQL) waits on it, then replays. */
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO idempotency_keys(org_id,idem_key,fingerprint,status,response,created_at)"
					" VALUES(?,?,?,0,'',?) ON CONFLICT (org_id,idem_key) DO NOTHING",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, idem->key);
	db_bind_text(st, 3, idem->fingerprint);
	db_bind_text(st, 4, now);
	enum qerr rc = db_run(st, err);
	if (rc)
		return rc;
	if (db_changes(db) == 1)
		return QERR_OK;
	st = db_prepare(db, "SELECT fingerprint,status,response FROM idempotency_keys WHERE org_id=? AND idem_key=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, idem->key);
	if ((rc = db_one(st, err)))
		return rc == QERR_NOT_FOUND ? qerr_set(err, QERR_INTERNAL, "database_error", NULL,
						       "idempotency key vanished during its claim")
					    : rc;
	bool same = strcmp(db_col_text(st, 0), idem->fingerprint) == 0;
	int stored = db_col_int(st, 1);
	json_t *v = same ? json_loads(db_col_text(st, 2), JSON_DECODE_ANY, NULL) : NULL;
	db_reset(st);
	if (!same)
		return qerr_set(err, QERR_CONFLICT, "idempotency_key_reused", KEY_FIELD,
				"该 Idempotency-Key 已用于另一个请求 (this Idempotency-Key was used for a different "
				"request)");
	if (stored == 0 || !v) {
		/* A claim without its answer was committed: a caller broke the protocol. */
		json_decref(v);
		return qerr_set(err, QERR_CONFLICT, "idempotency_key_in_progress", KEY_FIELD,
				"该 Idempotency-Key 的请求尚未完成 (the request with this Idempotency-Key has no answer)");
	}
	*replay = true;
	*status = stored;
	*answer = v;
	return QERR_OK;
}

enum qerr idempotency_store(struct db *db, int64_t org_id, const struct idempotency *idem, int status,
			    const json_t *answer, struct qerror *err)
{
	char *text = json_dumps(answer ? answer : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
	if (!text)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	struct db_stmt *st = db_prepare(
	    db, "UPDATE idempotency_keys SET status=?, response=? WHERE org_id=? AND idem_key=? AND fingerprint=?", err);
	enum qerr rc = st ? QERR_OK : err->code;
	if (st) {
		db_bind_int(st, 1, status > 0 ? status : 200);
		db_bind_text(st, 2, text);
		db_bind_int64(st, 3, org_id);
		db_bind_text(st, 4, idem->key);
		db_bind_text(st, 5, idem->fingerprint);
		rc = db_run(st, err);
		if (!rc && db_changes(db) != 1)
			rc = qerr_set(err, QERR_INTERNAL, "database_error", NULL,
				      "idempotency_store without idempotency_claim for this key");
	}
	free(text);
	return rc;
}

enum qerr idempotency_purge(struct db *db, const char *before, int64_t *removed, struct qerror *err)
{
	if (removed)
		*removed = 0;
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	struct db_stmt *st = db_prepare(db, "DELETE FROM idempotency_keys WHERE created_at < ?", err);
	if (!st) {
		db_rollback(db);
		return err->code;
	}
	db_bind_text(st, 1, before);
	if ((rc = db_run(st, err))) {
		db_rollback(db);
		return rc;
	}
	if (removed)
		*removed = db_changes(db);
	if ((rc = db_commit(db, err)))
		db_rollback(db);
	return rc;
}
