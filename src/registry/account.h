/*
 * account.h - organisations, users, sessions, login throttling and the
 * actor (who is asking) that every domain call is authorised against.
 *
 * Passwords are hashed with libsodium's argon2id (crypto_pwhash_str).
 * Session tokens are 32 random bytes, given to the client as 64 hex
 * characters and stored only as their BLAKE2b hash.
 *
 * Login throttling lives in the database (table login_failures), so it holds
 * across several server processes. Every failed login is one row keyed
 * "ip:ADDRESS|email:EMAIL" (e-mail in lower case), and two limits apply:
 *  - per account and address: after ACCOUNT_MAX_FAILURES failures from one
 *    address for one account (within ACCOUNT_PAIR_WINDOW) that address is
 *    locked out of that account for ACCOUNT_LOCK_SECONDS, doubling with each
 *    further failure up to ACCOUNT_LOCK_MAX_SECONDS; a right password from
 *    that address clears its failures. Other addresses are not affected, so
 *    nobody can lock someone else out by guessing wrong.
 *  - per address: ACCOUNT_ADDRESS_MAX_FAILURES failures on any accounts
 *    within ACCOUNT_FAILURE_WINDOW lock that address out of every account
 *    until the oldest of them is that old (offices share addresses, hence
 *    more than one account's worth).
 * The attempt is checked and recorded (as a failure, cleared if the password
 * turns out right) in one write transaction before the password is
 * verified, so concurrent guesses cannot all pass the check.
 */
#ifndef QILIAN_ACCOUNT_H
#define QILIAN_ACCOUNT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

#define ACCOUNT_TOKEN_HEX 64
#define ACCOUNT_SESSION_SECONDS (12 * 3600)
#define ACCOUNT_MAX_FAILURES 5              /* per account and address, then locked ... */
#define ACCOUNT_LOCK_SECONDS 60             /* ... for a minute, doubling per further failure ... */
#define ACCOUNT_LOCK_MAX_SECONDS 3600       /* ... up to an hour */
#define ACCOUNT_PAIR_WINDOW 86400           /* failures per account and address are remembered a day */
#define ACCOUNT_ADDRESS_MAX_FAILURES 20     /* per address on any accounts ... */
#define ACCOUNT_FAILURE_WINDOW 900          /* ... within 15 minutes */
#define ACCOUNT_MIN_PASSWORD 8              /* see registry/password.h for the whole rule */

/*
 * Creates an organisation. Only platform admins may. uscc may be NULL.
 * *out (new reference) is the created org as JSON. Audited.
 */
enum qerr org_create(struct db *db, const struct actor *a, const char *name, const char *type, const char *uscc,
		     json_t **out, struct qerror *err);

/* Lists organisations (platform admins see all, others only their own). */
enum qerr org_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

/* One organisation as JSON; others' orgs are visible to platform admins only (404 otherwise). */
enum qerr org_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * Creates a user in org_id with role and password. Platform admins may add
 * users to any org; an org's admin only to its own. The password must meet
 * password_check() (422 "weak_password" naming field "password"). Audited.
 */
enum qerr user_create(struct db *db, const struct actor *a, int64_t org_id, const char *email, const char *name,
		      const char *role, const char *password, json_t **out, struct qerror *err);

/* Users of the actor's org (platform admins: all users, or of org_id when > 0). */
enum qerr user_list(struct db *db, const struct actor *a, int64_t org_id, json_t **out, struct qerror *err);

/*
 * Checks e-mail and password. On success writes a new session token
 * (hex, NUL-terminated) to token and the user as JSON to *user.
 * Failures: QERR_UNAUTHORIZED (wrong e-mail or password, same message for
 * both), QERR_TOO_MANY when this address is locked out of this account or
 * out of every account (see the top of this file; checked before the
 * password, so guessing stops), with the seconds until it may try again in
 * *retry_after (if not NULL; 0 on any other outcome).
 */
enum qerr account_login(struct db *db, const char *email, const char *password, const char *client,
			char token[ACCOUNT_TOKEN_HEX + 1], json_t **user, long *retry_after, struct qerror *err);

/* Resolves a session token to its actor; QERR_UNAUTHORIZED when unknown or expired. */
enum qerr account_session(struct db *db, const char *token, struct actor *a, struct qerror *err);

/*
 * account_session, and *wrote_at (may be NULL): when the session last wrote
 * (unix seconds; its login counts as a write), as account_session_wrote
 * recorded it. `serve --read-db` sends the reads of a session that wrote
 * recently to the primary, so that it reads back its own writes.
 */
enum qerr account_session_ex(struct db *db, const char *token, struct actor *a, int64_t *wrote_at,
			     struct qerror *err);

/*
 * The session check of a read request, sent with the handler's first
 * statement (db_defer): the HTTP server runs the handler with the actor it
 * last saw for this token (*expect, which must outlive the request), and
 * that statement's answer reaches the handler only if the check found that
 * same actor in the request's own snapshot; otherwise the handler's every
 * statement fails ("session_unconfirmed"). NULL: the backend does not defer
 * (check the usual way). Right after db_begin_read.
 */
struct db_stmt *account_session_defer(struct db *db, const char *token, const struct actor *expect);
/*
 * After the handler, before its answer leaves: whether the deferred check
 * found *expect (run now if the handler ran no statement); false also when
 * the check could not ride along or failed. Forgets the deferral.
 */
bool account_session_confirm(struct db *db, struct db_stmt *st, const struct actor *expect);

/* Records that the session with this token wrote just now (one UPDATE, skipped when already this second). */
enum qerr account_session_wrote(struct db *db, const char *token, struct qerror *err);

/* Ends the session with this token (no error if it was already gone). */
enum qerr account_logout(struct db *db, const struct actor *a, const char *token, struct qerror *err);

/*
 * Changes the actor's password after checking the old one; the new one must
 * meet password_check() (field "new_password"). Ends the actor's other
 * sessions. Audited.
 */
enum qerr account_change_password(struct db *db, const struct actor *a, const char *old_password,
				  const char *new_password, const char *keep_token, struct qerror *err);

/*
 * The actor of the enabled user with this e-mail (case-insensitive: the
 * column is NOCASE on SQLite and CITEXT on PostgreSQL, as for logins):
 * for the CLI's `--as EMAIL`, which acts as that user without a
 * password (whoever runs the CLI holds the database). QERR_NOT_FOUND
 * "user_not_found" (field "as") when there is none.
 */
enum qerr account_actor_by_email(struct db *db, const char *email, struct actor *a, struct qerror *err);

/* The actor's own user and organisation as JSON. */
enum qerr account_me(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

#endif
