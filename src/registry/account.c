/* account.c - organisations, users, sessions, throttled login. */
#include "registry/account.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "base/jsonio.h"
#include "base/log.h"
#include "base/util.h"
#include "platform/audit.h"
#include "registry/password.h"
#include "registry/uscc.h"

static json_t *org_row(struct db_stmt *st)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1),
			      "type", db_col_text(st, 2), "created_at", db_col_text(st, 4));
	json_object_set_new(o, "uscc", db_col_json_text(st, 3));
	return o;
}

enum qerr org_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!actor_is_platform_admin(a) && a->org_id != id)
		return qerr_set(err, QERR_NOT_FOUND, "org_not_found", "id", "organisation %lld not found", (long long)id);
	struct db_stmt *st = db_prepare(db, "SELECT id,name,type,uscc,created_at FROM orgs WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "org_not_found", "id", "organisation %lld not found", (long long)id);
	if (rc)
		return rc;
	*out = org_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr org_create(struct db *db, const struct actor *a, const char *name, const char *type, const char *uscc,
		     json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!actor_is_platform_admin(a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "only platform administrators create organisations");
	enum org_type t;
	if (!org_type_parse(type, &t))
		return qerr_set(err, QERR_INVALID, "invalid_choice", "type",
				"type must be one of operator, large, sme, bank, provider");
	if (!name || !*name || util_utf8_len(name) > 200)
		return qerr_set(err, QERR_INVALID, "invalid_value", "name", "name must have 1 to 200 characters");
	char canon[USCC_LEN + 1];
	if (uscc && *uscc && uscc_check(uscc, canon, err))
		return err->code;
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	struct db_stmt *st = db_prepare(db, "INSERT INTO orgs(name,type,uscc,created_at) VALUES(?,?,?,?) RETURNING id", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, org_type_names[t]);
	db_bind_text(st, 3, uscc && *uscc ? canon : NULL);
	db_bind_text(st, 4, ts);
	int64_t id;
	if (db_scalar_int64(st, &id, err)) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "duplicate_uscc", "uscc", "an organisation with this USCC exists");
		goto fail;
	}
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	json_t *detail = json_pack("{s:s,s:s}", "name", name, "type", org_type_names[t]);
	rc = audit_record(db, a, "org.create", "org", idbuf, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	return org_get(db, a, id, out, err);
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

/* Runs st and collects row(st) of every row into {"items": [...]}. */
static enum qerr list_all(struct db_stmt *st, json_t *(*row)(struct db_stmt *), json_t **out, struct qerror *err)
{
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, row(st));
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

enum qerr org_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
		db_prepare(db, "SELECT id,name,type,uscc,created_at FROM orgs WHERE ?1 OR id=?2 ORDER BY id", err);
	if (!st)
		return err->code;
	db_bind_bool(st, 1, actor_is_platform_admin(a));
	db_bind_int64(st, 2, a->org_id);
	return list_all(st, org_row, out, err);
}

static json_t *user_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)db_col_int64(st, 0), "org_id",
			 (json_int_t)db_col_int64(st, 1), "email", db_col_text(st, 2), "name", db_col_text(st, 3), "role",
			 db_col_text(st, 4), "created_at", db_col_text(st, 5), "disabled", db_col_int(st, 6));
}

static bool email_plausible(const char *e)
{
	const char *at = e ? strchr(e, '@') : NULL;
	size_t n = e ? strlen(e) : 0;
	return at && at != e && strchr(at + 1, '.') && at[1] != '.' && n < 128 && !strpbrk(e, " \t\r\n<>\"'") &&
	       e[n - 1] != '.';
}

/* The user with this id as JSON (user_row). */
static enum qerr user_get(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT id,org_id,email,name,role,created_at,disabled FROM users WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, NULL, NULL, "user not found");
	if (rc)
		return rc;
	*out = user_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr user_create(struct db *db, const struct actor *a, int64_t org_id, const char *email, const char *name,
		      const char *role, const char *password, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!actor_is_platform_admin(a) && !(a->role == ROLE_ADMIN && a->org_id == org_id))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "org_id",
				"only the organisation's administrators may add its users");
	enum user_role r;
	if (!user_role_parse(role, &r))
		return qerr_set(err, QERR_INVALID, "invalid_choice", "role", "role must be admin or member");
	if (!email_plausible(email))
		return qerr_set(err, QERR_INVALID, "invalid_email", "email", "邮箱格式不正确 (not a valid e-mail address)");
	if (name && util_utf8_len(name) > 100)
		return qerr_set(err, QERR_INVALID, "too_long", "name", "name must have at most 100 characters");
	if (password_check(password, "password", err))
		return err->code;
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "password hashing failed");
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	struct db_stmt *st = db_prepare(db, "SELECT 1 FROM orgs WHERE id=?", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, org_id);
	rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		qerr_set(err, QERR_INVALID, "org_not_found", "org_id", "organisation %lld does not exist", (long long)org_id);
	if (rc)
		goto fail;
	db_reset(st);
	char ts[32];
	util_now_iso(ts, sizeof ts);
	st = db_prepare(db,
			"INSERT INTO users(org_id,email,name,role,password_hash,created_at) VALUES(?,?,?,?,?,?) RETURNING id",
			err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, email);
	db_bind_text(st, 3, name ? name : "");
	db_bind_text(st, 4, user_role_names[r]);
	db_bind_text(st, 5, hash);
	db_bind_text(st, 6, ts);
	int64_t id;
	if (db_scalar_int64(st, &id, err)) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "duplicate_email", "email", "该邮箱已注册 (this e-mail is already registered)");
		goto fail;
	}
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	json_t *detail = json_pack("{s:s,s:I,s:s}", "email", email, "org_id", (json_int_t)org_id, "role", user_role_names[r]);
	rc = audit_record(db, a, "user.create", "user", idbuf, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	return user_get(db, id, out, err);
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr user_list(struct db *db, const struct actor *a, int64_t org_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t only = actor_is_platform_admin(a) ? org_id : a->org_id;
	struct db_stmt *st = db_prepare(db,
					"SELECT id,org_id,email,name,role,created_at,disabled FROM users"
					" WHERE ?1=0 OR org_id=?1 ORDER BY id",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, only);
	return list_all(st, user_row, out, err);
}

static char dummy_hash[crypto_pwhash_STRBYTES];

static void make_dummy_hash(void)
{
	static const char pw[] = "qilian-timing-equaliser";
	if (crypto_pwhash_str(dummy_hash, pw, sizeof pw - 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = 0;
}

static void token_hash(const char *hex, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)hex, strlen(hex), NULL, 0);
}

/*
 * The throttle's keys (see account.h): the failure key of this account and
 * address, and the key range [lo, hi) holding every failure key of the
 * address ('}' follows '|').
 */
struct login_keys {
	char pair[320];
	char lo[80], hi[80];
};

static void login_keys(const char *email, const char *client, struct login_keys *k)
{
	/* cppcheck-suppress ctuuninitvar ; k is written here, never read before */
	snprintf(k->lo, sizeof k->lo, "ip:%s|", client ? client : "");
	snprintf(k->hi, sizeof k->hi, "ip:%s}", client ? client : "");
	snprintf(k->pair, sizeof k->pair, "%semail:%s", k->lo, email ? email : "");
	for (char *p = k->pair + strlen(k->lo); *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* How long n failures of one account from one address lock it out (n >= ACCOUNT_MAX_FAILURES). */
static int64_t lock_seconds(int64_t n)
{
	int64_t doublings = n - ACCOUNT_MAX_FAILURES, lock = ACCOUNT_LOCK_SECONDS;
	while (doublings-- > 0 && lock < ACCOUNT_LOCK_MAX_SECONDS)
		lock *= 2;
	return lock < ACCOUNT_LOCK_MAX_SECONDS ? lock : ACCOUNT_LOCK_MAX_SECONDS;
}

/*
 * Inside the caller's write transaction: the seconds this attempt must wait
 * (0 when it may go ahead) by both limits of account.h.
 */
static enum qerr login_wait(struct db *db, const struct login_keys *k, int64_t now, int64_t *wait, struct qerror *err)
{
	*wait = 0;
	struct db_stmt *st =
		db_prepare(db, "SELECT count(*),coalesce(max(at),0) FROM login_failures WHERE key=? AND at>=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, k->pair);
	db_bind_int64(st, 2, now - ACCOUNT_PAIR_WINDOW);
	enum qerr rc = db_one(st, err);
	if (rc)
		return rc;
	int64_t n = db_col_int64(st, 0), last = db_col_int64(st, 1);
	db_reset(st);
	if (n >= ACCOUNT_MAX_FAILURES && last + lock_seconds(n) > now)
		*wait = last + lock_seconds(n) - now;
	/* The address may try again when the ACCOUNT_ADDRESS_MAX_FAILURES-th newest failure leaves the window. */
	st = db_prepare(db,
			"SELECT at FROM login_failures WHERE key>=? AND key<? AND at>=? ORDER BY at DESC LIMIT 1 OFFSET ?",
			err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, k->lo);
	db_bind_text(st, 2, k->hi);
	db_bind_int64(st, 3, now - ACCOUNT_FAILURE_WINDOW);
	db_bind_int(st, 4, ACCOUNT_ADDRESS_MAX_FAILURES - 1);
	rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND) {
		qerr_clear(err);
		return QERR_OK;
	}
	if (rc)
		return rc;
	int64_t until = db_col_int64(st, 0) + ACCOUNT_FAILURE_WINDOW;
	db_reset(st);
	if (until - now > *wait)
		*wait = until - now;
	if (*wait < 1)
		*wait = 1; /* at the window's edge: the failure leaves it within the second */
	return QERR_OK;
}

/*
 * Checks the throttle and, if the attempt may go ahead, records it as a
 * failure, in one write transaction: concurrent attempts see each other's
 * records, so no more than the limit get their password checked. A right
 * password clears the record afterwards. QERR_TOO_MANY with *wait set when
 * throttled.
 */
static enum qerr login_reserve(struct db *db, const struct login_keys *k, int64_t *wait, struct qerror *err)
{
	int64_t now = util_now_unix();
	if (db_begin_write(db, err))
		return err->code;
	if (login_wait(db, k, now, wait, err))
		goto fail;
	if (*wait > 0) {
		db_rollback(db);
		return qerr_set(err, QERR_TOO_MANY, "too_many_attempts", NULL,
				"登录失败次数过多，请%lld秒后再试 (too many failed logins; try again in %lld seconds)",
				(long long)*wait, (long long)*wait);
	}
	struct db_stmt *st = db_prepare(db, "INSERT INTO login_failures(key,at) VALUES(?,?)", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, k->pair);
	db_bind_int64(st, 2, now);
	if (db_run(st, err))
		goto fail;
	/* Old failures no longer matter. */
	st = db_prepare(db, "DELETE FROM login_failures WHERE at<?", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, now - ACCOUNT_PAIR_WINDOW);
	if (db_run(st, err) || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

/* Verifies password against a fixed hash made once: the cost of a real check, for unknown accounts. */
static void burn_password_check(const char *password)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_dummy_hash);
	if (password && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
		log_info("timing equaliser matched a password; harmless but unexpected");
}

/*
 * Looks the user up and verifies the password; *uid and *user are set when
 * it is right. Unknown and disabled accounts cost the same time as a check.
 */
static enum qerr login_verify(struct db *db, const char *email, const char *password, int64_t *uid, json_t **user,
			      struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT u.id,u.org_id,u.email,u.name,u.role,u.created_at,u.disabled,u.password_hash"
					" FROM users u WHERE u.email=?",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, email ? email : "");
	enum qerr rc = db_one(st, err);
	if (rc && rc != QERR_NOT_FOUND)
		return rc;
	qerr_clear(err);
	if (rc == QERR_OK && !db_col_int(st, 6) && password) {
		char hash[crypto_pwhash_STRBYTES];
		snprintf(hash, sizeof hash, "%s", db_col_text(st, 7));
		int64_t id = db_col_int64(st, 0);
		json_t *u = user_row(st);
		db_reset(st);
		if (crypto_pwhash_str_verify(hash, password, strlen(password)) == 0) {
			*uid = id;
			*user = u;
		} else {
			json_decref(u);
		}
		return QERR_OK;
	}
	if (rc == QERR_OK)
		db_reset(st);
	/* Spend the same time as a real check, so response times do not reveal which e-mails exist. */
	burn_password_check(password);
	return QERR_OK;
}

enum qerr account_login(struct db *db, const char *email, const char *password, const char *client,
			char token[ACCOUNT_TOKEN_HEX + 1], json_t **user, long *retry_after, struct qerror *err)
{
	*user = NULL;
	token[0] = 0;
	if (retry_after)
		*retry_after = 0;
	struct login_keys k;
	login_keys(email, client, &k);
	int64_t wait = 0;
	if (login_reserve(db, &k, &wait, err)) {
		if (retry_after)
			*retry_after = (long)wait;
		return err->code;
	}
	int64_t uid = 0;
	if (login_verify(db, email, password, &uid, user, err))
		return err->code;
	if (!*user)
		return qerr_set(err, QERR_UNAUTHORIZED, "bad_credentials", NULL, "邮箱或密码错误 (wrong e-mail or password)");
	unsigned char raw[32], h[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, ACCOUNT_TOKEN_HEX + 1, raw, sizeof raw);
	token_hash(token, h);
	if (db_begin_write(db, err))
		goto fail_nolock;
	struct db_stmt *st =
		db_prepare(db, "INSERT INTO sessions(token_hash,user_id,created_at,expires_at,wrote_at) VALUES(?,?,?,?,?)", err);
	if (!st)
		goto fail;
	int64_t now = util_now_unix();
	db_bind_blob(st, 1, h, sizeof h);
	db_bind_int64(st, 2, uid);
	db_bind_int64(st, 3, now);
	db_bind_int64(st, 4, now + ACCOUNT_SESSION_SECONDS);
	db_bind_int64(st, 5, now);
	if (db_run(st, err))
		goto fail;
	/* The right password from this address clears its failures on this account (and this attempt's record). */
	st = db_prepare(db, "DELETE FROM login_failures WHERE key=?", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, k.pair);
	if (db_run(st, err))
		goto fail;
	st = db_prepare(db, "DELETE FROM sessions WHERE expires_at<?", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, now);
	if (db_run(st, err) || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
fail_nolock:
	json_decref(*user);
	*user = NULL;
	token[0] = 0;
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr account_session(struct db *db, const char *token, struct actor *a, struct qerror *err)
{
	return account_session_ex(db, token, a, NULL, err);
}

#define SESSION_SQL                                                                                            \
	"SELECT u.id,u.org_id,o.type,u.role,u.email,s.wrote_at FROM sessions s JOIN users u ON u.id=s.user_id"  \
	" JOIN orgs o ON o.id=u.org_id WHERE s.token_hash=? AND s.expires_at>? AND u.disabled=0"

static enum qerr session_row(struct db_stmt *st, struct actor *a, int64_t *wrote_at, struct qerror *err);
static bool same_actor(struct db_stmt *st, void *arg);

enum qerr account_session_ex(struct db *db, const char *token, struct actor *a, int64_t *wrote_at,
			     struct qerror *err)
{
	memset(a, 0, sizeof *a);
	if (wrote_at)
		*wrote_at = 0;
	if (!token || strlen(token) != ACCOUNT_TOKEN_HEX)
		return qerr_set(err, QERR_UNAUTHORIZED, "unauthorized", NULL, "请先登录 (login required)");
	unsigned char h[32];
	token_hash(token, h);
	struct db_stmt *st = db_prepare(db, SESSION_SQL, err);
	if (!st)
		return err->code;
	db_bind_blob(st, 1, h, sizeof h);
	db_bind_int64(st, 2, util_now_unix());
	return session_row(st, a, wrote_at, err);
}

/* db_defer's check: the session row names this actor. */
static bool same_actor(struct db_stmt *st, void *arg)
{
	const struct actor *expect = arg;
	struct actor a;
	struct qerror err = {0};
	memset(&a, 0, sizeof a);
	if (session_row(st, &a, NULL, &err))
		return false;
	return a.user_id == expect->user_id && a.org_id == expect->org_id && a.org_type == expect->org_type &&
	       a.role == expect->role && strcmp(a.email, expect->email) == 0;
}

/* The check's own statement (another text, so no other caller's db_prepare resets it while it waits). */
struct db_stmt *account_session_defer(struct db *db, const char *token, const struct actor *expect)
{
	struct qerror err = {0};
	if (!token || strlen(token) != ACCOUNT_TOKEN_HEX)
		return NULL;
	struct db_stmt *st = db_prepare(db, SESSION_SQL " LIMIT 1", &err);
	if (!st)
		return NULL;
	unsigned char h[32];
	token_hash(token, h);
	db_bind_blob(st, 1, h, sizeof h);
	db_bind_int64(st, 2, util_now_unix());
	if (db_defer(db, st, same_actor, (void *)expect))
		return st;
	db_reset(st);
	return NULL;
}

bool account_session_confirm(struct db *db, struct db_stmt *st, const struct actor *expect)
{
	enum db_deferral d = db_deferred(db);
	if (d == DB_DEFER_CONFIRMED)
		return true;
	if (d == DB_DEFER_PENDING)
		return same_actor(st, (void *)expect); /* no statement ran: the check is the transaction's first */
	db_reset(st);
	return false;
}

/* Reads the actor from the session check st (bound), then resets it. */
static enum qerr session_row(struct db_stmt *st, struct actor *a, int64_t *wrote_at, struct qerror *err)
{
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_UNAUTHORIZED, "session_expired", NULL,
				"登录已失效，请重新登录 (session expired or unknown; log in again)");
	if (rc)
		return rc;
	a->user_id = db_col_int64(st, 0);
	a->org_id = db_col_int64(st, 1);
	org_type_parse(db_col_text(st, 2), &a->org_type);
	user_role_parse(db_col_text(st, 3), &a->role);
	snprintf(a->email, sizeof a->email, "%s", db_col_text(st, 4));
	if (wrote_at)
		*wrote_at = db_col_int64(st, 5);
	db_reset(st);
	return QERR_OK;
}

enum qerr account_session_wrote(struct db *db, const char *token, struct qerror *err)
{
	if (!token || strlen(token) != ACCOUNT_TOKEN_HEX)
		return QERR_OK;
	unsigned char h[32];
	token_hash(token, h);
	struct db_stmt *st = db_prepare(db, "UPDATE sessions SET wrote_at=? WHERE token_hash=? AND wrote_at<?", err);
	if (!st)
		return err->code;
	int64_t now = util_now_unix();
	db_bind_int64(st, 1, now);
	db_bind_blob(st, 2, h, sizeof h);
	db_bind_int64(st, 3, now);
	return db_run(st, err);
}

enum qerr account_logout(struct db *db, const struct actor *a, const char *token, struct qerror *err)
{
	if (!token)
		return QERR_OK;
	unsigned char h[32];
	token_hash(token, h);
	struct db_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE token_hash=? AND user_id=?", err);
	if (!st)
		return err->code;
	db_bind_blob(st, 1, h, sizeof h);
	db_bind_int64(st, 2, a->user_id);
	return db_run(st, err);
}

enum qerr account_change_password(struct db *db, const struct actor *a, const char *old_password,
				  const char *new_password, const char *keep_token, struct qerror *err)
{
	if (!a->user_id)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "no user account");
	if (password_check(new_password, "new_password", err))
		return err->code;
	struct db_stmt *st = db_prepare(db, "SELECT password_hash FROM users WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->user_id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_INTERNAL, NULL, NULL, "user %lld not found", (long long)a->user_id);
	if (rc)
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	snprintf(hash, sizeof hash, "%s", db_col_text(st, 0));
	db_reset(st);
	if (!old_password || crypto_pwhash_str_verify(hash, old_password, strlen(old_password)) != 0)
		return qerr_set(err, QERR_INVALID, "wrong_password", "old_password", "原密码错误 (the current password is wrong)");
	if (crypto_pwhash_str(hash, new_password, strlen(new_password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "password hashing failed");
	unsigned char keep[32] = {0};
	if (keep_token)
		token_hash(keep_token, keep);
	if (db_begin_write(db, err))
		return err->code;
	st = db_prepare(db, "UPDATE users SET password_hash=? WHERE id=?", err);
	if (!st)
		goto fail;
	db_bind_text(st, 1, hash);
	db_bind_int64(st, 2, a->user_id);
	if (db_run(st, err))
		goto fail;
	st = db_prepare(db, "DELETE FROM sessions WHERE user_id=? AND token_hash<>?", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, a->user_id);
	db_bind_blob(st, 2, keep, sizeof keep);
	if (db_run(st, err))
		goto fail;
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)a->user_id);
	if (audit_record(db, a, "user.password", "user", idbuf, NULL, err) || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr account_me(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	json_t *user = NULL, *org = NULL;
	if (user_get(db, a->user_id, &user, err))
		return err->code;
	if (org_get(db, a, a->org_id, &org, err)) {
		json_decref(user);
		return err->code;
	}
	*out = json_pack("{s:o,s:o}", "user", user, "org", org);
	return QERR_OK;
}

enum qerr account_actor_by_email(struct db *db, const char *email, struct actor *a, struct qerror *err)
{
	memset(a, 0, sizeof *a);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT u.id,u.org_id,o.type,u.role,u.email FROM users u JOIN orgs o ON o.id=u.org_id"
		       " WHERE u.email=? AND u.disabled=0",
		       err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, email);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "user_not_found", "as", "no enabled user %s", email);
	if (rc)
		return rc;
	a->user_id = db_col_int64(st, 0);
	a->org_id = db_col_int64(st, 1);
	bool ok = org_type_parse(db_col_text(st, 2), &a->org_type) && user_role_parse(db_col_text(st, 3), &a->role);
	snprintf(a->email, sizeof a->email, "%s", db_col_text(st, 4));
	db_reset(st);
	if (!ok)
		return qerr_set(err, QERR_INTERNAL, "bad_user_row", "as", "user %s has an unknown type or role", email);
	return QERR_OK;
}
