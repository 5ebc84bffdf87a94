/*
 * idempotency.h - Idempotency-Key for any domain's writes (DESIGN.md §5, §7).
 *
 * A client that may retry a write (a timeout, a crash of the server
 * between commit and reply, a load balancer's retry) sends a key with it.
 * The key is scoped to the caller's organisation and bound to the request
 * by a fingerprint: sha256 of the method, the path and the sha256 of the
 * canonical body (sorted keys, compact; a body that is not JSON is hashed
 * as its bytes). Inside the domain's own write transaction:
 *
 *     db_begin_write(db, err);
 *     rc = idempotency_claim(db, org, idem, &replay, &status, &answer, err);
 *     if (rc) -> roll back, fail (409 idempotency_key_reused: same key, other request)
 *     if (replay) -> roll back (nothing changed), answer with status + answer
 *     ... do the write, build the answer ...
 *     rc = idempotency_store(db, org, idem, 201, answer, err);
 *     db_commit(db, err);
 *
 * The answer is stored in the transaction that made the change, so either
 * both are committed or neither: a retry after a crash finds the stored
 * answer and the change is never applied twice. A failed request rolls
 * back and stores nothing, so the key may be used again. claim inserts the
 * key row first, so on PostgreSQL a concurrent transaction with the same
 * key waits on that row and then sees the committed answer (a replay)
 * instead of running the write again; SQLite's write lock serialises them.
 *
 * Keys live in idempotency_keys (PRIMARY KEY (org_id, idem_key)); the CLI's
 * operator is organisation 0. idempotency_purge drops old keys.
 */
#ifndef QILIAN_PLATFORM_IDEMPOTENCY_H
#define QILIAN_PLATFORM_IDEMPOTENCY_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"
#include "store/db.h"

#define IDEMPOTENCY_KEY_MAX 128
#define IDEMPOTENCY_HASH_HEX 65 /* 64 hex digits of a sha256 and a NUL */

/* A request's key and fingerprint, as idempotency_prepare fills them. */
struct idempotency {
	char key[IDEMPOTENCY_KEY_MAX + 1];
	char fingerprint[IDEMPOTENCY_HASH_HEX];
};

/*
 * Checks a key: 1 to IDEMPOTENCY_KEY_MAX printable ASCII characters
 * (0x21-0x7e, no space). QERR_BAD_REQUEST "invalid_idempotency_key" (field
 * "Idempotency-Key") otherwise, "idempotency_key_required" for NULL or "".
 */
enum qerr idempotency_key_check(const char *key, struct qerror *err);

/*
 * The hex sha256 of body[0..len) in canonical form: parsed as JSON and
 * written with sorted keys, compactly, when it is JSON; its bytes when it
 * is not (or empty). QERR_INTERNAL only when out of memory.
 */
enum qerr idempotency_body_hash(const char *body, size_t len, char out[IDEMPOTENCY_HASH_HEX], struct qerror *err);

/*
 * Fills *idem for key (checked as idempotency_key_check) and the request
 * method, path and body: fingerprint = sha256(method "\n" path "\n"
 * body_hash), hex.
 */
enum qerr idempotency_prepare(struct idempotency *idem, const char *key, const char *method, const char *path,
			      const char *body, size_t len, struct qerror *err);

/*
 * As idempotency_prepare for a body given as JSON (NULL = no body), for
 * in-process callers (the CLI, simulations): the same body gives the same
 * fingerprint as the HTTP request that carries it.
 */
enum qerr idempotency_prepare_json(struct idempotency *idem, const char *key, const char *method, const char *path,
				   const json_t *body, struct qerror *err);

/*
 * Claims idem's key for org_id inside the caller's write transaction.
 *  - a new key: *replay = false, and the caller goes on (and must call
 *    idempotency_store before it commits);
 *  - the key with the same fingerprint: *replay = true, *status and
 *    *answer (a new reference the caller decrefs) are the stored answer;
 *  - the key with another fingerprint: QERR_CONFLICT "idempotency_key_reused"
 *    (field "Idempotency-Key").
 * Store errors as usual. The caller rolls back on every error.
 */
enum qerr idempotency_claim(struct db *db, int64_t org_id, const struct idempotency *idem, bool *replay, int *status,
			    json_t **answer, struct qerror *err);

/* Stores the answer (status and JSON, borrowed) of a claimed key, in the same transaction. */
enum qerr idempotency_store(struct db *db, int64_t org_id, const struct idempotency *idem, int status,
			    const json_t *answer, struct qerror *err);

/* Deletes keys created before `before` (UTC ISO-8601); *removed (may be NULL) says how many. Opens its own write transaction. */
enum qerr idempotency_purge(struct db *db, const char *before, int64_t *removed, struct qerror *err);

#endif
