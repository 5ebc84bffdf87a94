/* account.c - organisations, users, sessions, throttled login, audit log. */
#include "registry/account.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "base/jsonio.h"
#include "base/log.h"
#include "base/util.h"
#include "registry/uscc.h"

const char *const org_type_names[] = {"operator", "large", "sme", "bank", "provider", NULL};
const char *const user_role_names[] = {"admin", "member", NULL};

static bool parse_name(const char *const *names, const char *s, int *out)
{
	for (int i = 0; s && names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

bool org_type_parse(const char *s, enum org_type *out)
{
	int v;
	if (!parse_name(org_type_names, s, &v))
		return false;
	*out = (enum org_type)v;
	return true;
}

bool user_role_parse(const char *s, enum user_role *out)
{
	int v;
	if (!parse_name(user_role_names, s, &v))
		return false;
	*out = (enum user_role)v;
	return true;
}

void actor_cli(struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->org_type = ORG_OPERATOR;
	a->role = ROLE_ADMIN;
	snprintf(a->email, sizeof a->email, "cli");
}

bool actor_is_platform_admin(const struct actor *a)
{
	return a->org_type == ORG_OPERATOR && a->role == ROLE_ADMIN;
}

enum qerr audit_record(struct db *db, const struct actor *a, const char *action, const char *object_type,
		       const char *object_id, const json_t *detail, struct qerror *err)
{
	sqlite3_stmt *st = dbl_stmt(db,
				   "INSERT INTO audit_log(at,user_id,org_id,actor,action,object_type,object_id,detail)"
				   " VALUES(?,?,?,?,?,?,?,?)",
				   err);
	if (!st)
		return err->code;
	char ts[32];
	util_now_iso(ts, sizeof ts);
	dbl_bind_text(st, 1, ts);
	if (a->user_id)
		sqlite3_bind_int64(st, 2, a->user_id);
	if (a->org_id)
		sqlite3_bind_int64(st, 3, a->org_id);
	dbl_bind_text(st, 4, a->email);
	dbl_bind_text(st, 5, action);
	dbl_bind_text(st, 6, object_type);
	dbl_bind_text(st, 7, object_id);
	char *d = detail ? json_encode(detail) : NULL;
	dbl_bind_text(st, 8, d ? d : "{}");
	int rc = dbl_step(db, st, err);
	free(d);
	return rc < 0 ? err->code : QERR_OK;
}

static json_t *org_row(sqlite3_stmt *st)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)sqlite3_column_int64(st, 0), "name",
			      dbl_col_text(st, 1), "type", dbl_col_text(st, 2), "created_at", dbl_col_text(st, 4));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		json_object_set_new(o, "uscc", json_string(dbl_col_text(st, 3)));
	else
		json_object_set_new(o, "uscc", json_null());
	return o;
}

enum qerr org_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!actor_is_platform_admin(a) && a->org_id != id)
		return qerr_set(err, QERR_NOT_FOUND, "org_not_found", "id", "organisation %lld not found", (long long)id);
	sqlite3_stmt *st = dbl_stmt(db, "SELECT id,name,type,uscc,created_at FROM orgs WHERE id=?", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	int rc = dbl_step(db, st, err);
	if (rc < 0)
		return err->code;
	if (rc != SQLITE_ROW)
		return qerr_set(err, QERR_NOT_FOUND, "org_not_found", "id", "organisation %lld not found", (long long)id);
	*out = org_row(st);
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
	sqlite3_stmt *st = dbl_stmt(db, "INSERT INTO orgs(name,type,uscc,created_at) VALUES(?,?,?,?)", err);
	if (!st)
		goto fail;
	dbl_bind_text(st, 1, name);
	dbl_bind_text(st, 2, org_type_names[t]);
	dbl_bind_text(st, 3, uscc && *uscc ? canon : NULL);
	dbl_bind_text(st, 4, ts);
	if (dbl_step(db, st, err) < 0) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "duplicate_uscc", "uscc", "an organisation with this USCC exists");
		goto fail;
	}
	int64_t id = db_last_id(db);
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

enum qerr org_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	sqlite3_stmt *st = dbl_stmt(db, "SELECT id,name,type,uscc,created_at FROM orgs WHERE ?1 OR id=?2 ORDER BY id", err);
	if (!st)
		return err->code;
	sqlite3_bind_int(st, 1, actor_is_platform_admin(a));
	sqlite3_bind_int64(st, 2, a->org_id);
	json_t *items = json_array();
	int rc;
	while ((rc = dbl_step(db, st, err)) == SQLITE_ROW)
		json_array_append_new(items, org_row(st));
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

static json_t *user_row(sqlite3_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)sqlite3_column_int64(st, 0), "org_id",
			 (json_int_t)sqlite3_column_int64(st, 1), "email", dbl_col_text(st, 2), "name", dbl_col_text(st, 3),
			 "role", dbl_col_text(st, 4), "created_at", dbl_col_text(st, 5), "disabled",
			 sqlite3_column_int(st, 6));
}

static enum qerr check_password_strength(const char *pw, const char *field, struct qerror *err)
{
	if (!pw || util_utf8_len(pw) < ACCOUNT_MIN_PASSWORD)
		return qerr_set(err, QERR_INVALID, "weak_password", field, "密码至少%d个字符 (password needs at least %d characters)",
				ACCOUNT_MIN_PASSWORD, ACCOUNT_MIN_PASSWORD);
	if (strlen(pw) > 512)
		return qerr_set(err, QERR_INVALID, "too_long", field, "password is too long");
	return QERR_OK;
}

static bool email_plausible(const char *e)
{
	const char *at = e ? strchr(e, '@') : NULL;
	size_t n = e ? strlen(e) : 0;
	return at && at != e && strchr(at + 1, '.') && at[1] != '.' && n < 128 && !strpbrk(e, " \t\r\n<>\"'") &&
	       e[n - 1] != '.';
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
	if (check_password_strength(password, "password", err))
		return err->code;
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "password hashing failed");
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	sqlite3_stmt *st = dbl_stmt(db, "SELECT 1 FROM orgs WHERE id=?", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, org_id);
	int found = dbl_step(db, st, err);
	if (found < 0)
		goto fail;
	if (found != SQLITE_ROW) {
		qerr_set(err, QERR_INVALID, "org_not_found", "org_id", "organisation %lld does not exist", (long long)org_id);
		goto fail;
	}
	char ts[32];
	util_now_iso(ts, sizeof ts);
	st = dbl_stmt(db, "INSERT INTO users(org_id,email,name,role,password_hash,created_at) VALUES(?,?,?,?,?,?)", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, org_id);
	dbl_bind_text(st, 2, email);
	dbl_bind_text(st, 3, name ? name : "");
	dbl_bind_text(st, 4, user_role_names[r]);
	dbl_bind_text(st, 5, hash);
	dbl_bind_text(st, 6, ts);
	if (dbl_step(db, st, err) < 0) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "duplicate_email", "email", "该邮箱已注册 (this e-mail is already registered)");
		goto fail;
	}
	int64_t id = db_last_id(db);
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	json_t *detail = json_pack("{s:s,s:I,s:s}", "email", email, "org_id", (json_int_t)org_id, "role", user_role_names[r]);
	rc = audit_record(db, a, "user.create", "user", idbuf, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		goto fail;
	st = dbl_stmt(db, "SELECT id,org_id,email,name,role,created_at,disabled FROM users WHERE id=?", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, id);
	if (dbl_step(db, st, err) != SQLITE_ROW)
		return err->code ? err->code : QERR_INTERNAL;
	*out = user_row(st);
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr user_list(struct db *db, const struct actor *a, int64_t org_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	int64_t only = actor_is_platform_admin(a) ? org_id : a->org_id;
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT id,org_id,email,name,role,created_at,disabled FROM users"
				   " WHERE ?1=0 OR org_id=?1 ORDER BY id",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, only);
	json_t *items = json_array();
	int rc;
	while ((rc = dbl_step(db, st, err)) == SQLITE_ROW)
		json_array_append_new(items, user_row(st));
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
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

static enum qerr count_failures(struct db *db, const char *key, int64_t since, int *count, struct qerror *err)
{
	sqlite3_stmt *st = dbl_stmt(db, "SELECT count(*) FROM login_failures WHERE key=? AND at>=?", err);
	if (!st)
		return err->code;
	dbl_bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, since);
	if (dbl_step(db, st, err) != SQLITE_ROW)
		return err->code;
	*count = sqlite3_column_int(st, 0);
	return QERR_OK;
}

static enum qerr record_failure(struct db *db, const char *email_key, const char *ip_key, struct qerror *err)
{
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	int64_t now = util_now_unix();
	const char *keys[2] = {email_key, ip_key};
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = dbl_stmt(db, "INSERT INTO login_failures(key,at) VALUES(?,?)", err);
		if (!st)
			goto fail;
		dbl_bind_text(st, 1, keys[i]);
		sqlite3_bind_int64(st, 2, now);
		if (dbl_step(db, st, err) < 0)
			goto fail;
	}
	/* Old failures no longer matter. */
	sqlite3_stmt *st = dbl_stmt(db, "DELETE FROM login_failures WHERE at<?", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, now - ACCOUNT_FAILURE_WINDOW);
	if (dbl_step(db, st, err) < 0 || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code;
}

/* Verifies password against a fixed hash made once: the cost of a real check, for unknown accounts. */
static void burn_password_check(const char *password)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, make_dummy_hash);
	if (password && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
		log_info("timing equaliser matched a password; harmless but unexpected");
}

enum qerr account_login(struct db *db, const char *email, const char *password, const char *client,
			char token[ACCOUNT_TOKEN_HEX + 1], json_t **user, struct qerror *err)
{
	*user = NULL;
	token[0] = 0;
	char email_key[160], ip_key[96];
	snprintf(email_key, sizeof email_key, "email:%s", email ? email : "");
	for (char *p = email_key; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(ip_key, sizeof ip_key, "ip:%s", client ? client : "");
	int64_t since = util_now_unix() - ACCOUNT_FAILURE_WINDOW;
	int n_email = 0, n_ip = 0;
	if (count_failures(db, email_key, since, &n_email, err) || count_failures(db, ip_key, since, &n_ip, err))
		return err->code;
	/* An address may fail more often than one account: offices share addresses. */
	if (n_email >= ACCOUNT_MAX_FAILURES || n_ip >= ACCOUNT_MAX_FAILURES * 4)
		return qerr_set(err, QERR_TOO_MANY, "too_many_attempts", NULL,
				"登录失败次数过多，请15分钟后再试 (too many failed logins; try again in 15 minutes)");
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT u.id,u.org_id,u.email,u.name,u.role,u.created_at,u.disabled,u.password_hash"
				   " FROM users u WHERE u.email=?",
				   err);
	if (!st)
		return err->code;
	dbl_bind_text(st, 1, email ? email : "");
	int rc = dbl_step(db, st, err);
	if (rc < 0)
		return err->code;
	bool ok = false;
	int64_t uid = 0;
	if (rc == SQLITE_ROW && !sqlite3_column_int(st, 6) && password) {
		char hash[crypto_pwhash_STRBYTES];
		snprintf(hash, sizeof hash, "%s", dbl_col_text(st, 7));
		uid = sqlite3_column_int64(st, 0);
		*user = user_row(st);
		sqlite3_reset(st);
		ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	} else {
		sqlite3_reset(st);
		/* Spend the same time as a real check, so response times do not reveal which e-mails exist. */
		burn_password_check(password);
	}
	if (!ok) {
		json_decref(*user);
		*user = NULL;
		if (record_failure(db, email_key, ip_key, err))
			return err->code;
		return qerr_set(err, QERR_UNAUTHORIZED, "bad_credentials", NULL,
				"邮箱或密码错误 (wrong e-mail or password)");
	}
	unsigned char raw[32], h[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(token, ACCOUNT_TOKEN_HEX + 1, raw, sizeof raw);
	token_hash(token, h);
	if (db_begin_write(db, err))
		goto fail_nolock;
	st = dbl_stmt(db, "INSERT INTO sessions(token_hash,user_id,created_at,expires_at) VALUES(?,?,?,?)", err);
	if (!st)
		goto fail;
	int64_t now = util_now_unix();
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, now + ACCOUNT_SESSION_SECONDS);
	if (dbl_step(db, st, err) < 0)
		goto fail;
	st = dbl_stmt(db, "DELETE FROM login_failures WHERE key=?", err);
	if (!st)
		goto fail;
	dbl_bind_text(st, 1, email_key);
	if (dbl_step(db, st, err) < 0)
		goto fail;
	st = dbl_stmt(db, "DELETE FROM sessions WHERE expires_at<?", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	if (dbl_step(db, st, err) < 0 || db_commit(db, err))
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
	memset(a, 0, sizeof *a);
	if (!token || strlen(token) != ACCOUNT_TOKEN_HEX)
		return qerr_set(err, QERR_UNAUTHORIZED, "unauthorized", NULL, "请先登录 (login required)");
	unsigned char h[32];
	token_hash(token, h);
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT u.id,u.org_id,o.type,u.role,u.email FROM sessions s JOIN users u ON u.id=s.user_id"
				   " JOIN orgs o ON o.id=u.org_id WHERE s.token_hash=? AND s.expires_at>? AND u.disabled=0",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, util_now_unix());
	int rc = dbl_step(db, st, err);
	if (rc < 0)
		return err->code;
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return qerr_set(err, QERR_UNAUTHORIZED, "session_expired", NULL,
				"登录已失效，请重新登录 (session expired or unknown; log in again)");
	}
	a->user_id = sqlite3_column_int64(st, 0);
	a->org_id = sqlite3_column_int64(st, 1);
	org_type_parse(dbl_col_text(st, 2), &a->org_type);
	user_role_parse(dbl_col_text(st, 3), &a->role);
	snprintf(a->email, sizeof a->email, "%s", dbl_col_text(st, 4));
	sqlite3_reset(st);
	return QERR_OK;
}

enum qerr account_logout(struct db *db, const struct actor *a, const char *token, struct qerror *err)
{
	if (!token)
		return QERR_OK;
	unsigned char h[32];
	token_hash(token, h);
	sqlite3_stmt *st = dbl_stmt(db, "DELETE FROM sessions WHERE token_hash=? AND user_id=?", err);
	if (!st)
		return err->code;
	sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->user_id);
	return dbl_step(db, st, err) < 0 ? err->code : QERR_OK;
}

enum qerr account_change_password(struct db *db, const struct actor *a, const char *old_password,
				  const char *new_password, const char *keep_token, struct qerror *err)
{
	if (!a->user_id)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "no user account");
	if (check_password_strength(new_password, "new_password", err))
		return err->code;
	sqlite3_stmt *st = dbl_stmt(db, "SELECT password_hash FROM users WHERE id=?", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a->user_id);
	if (dbl_step(db, st, err) != SQLITE_ROW)
		return err->code ? err->code : QERR_INTERNAL;
	char hash[crypto_pwhash_STRBYTES];
	snprintf(hash, sizeof hash, "%s", dbl_col_text(st, 0));
	sqlite3_reset(st);
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
	st = dbl_stmt(db, "UPDATE users SET password_hash=? WHERE id=?", err);
	if (!st)
		goto fail;
	dbl_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, a->user_id);
	if (dbl_step(db, st, err) < 0)
		goto fail;
	st = dbl_stmt(db, "DELETE FROM sessions WHERE user_id=? AND token_hash<>?", err);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, a->user_id);
	sqlite3_bind_blob(st, 2, keep, sizeof keep, SQLITE_STATIC);
	if (dbl_step(db, st, err) < 0)
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
	sqlite3_stmt *st = dbl_stmt(db, "SELECT id,org_id,email,name,role,created_at,disabled FROM users WHERE id=?", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a->user_id);
	if (dbl_step(db, st, err) != SQLITE_ROW)
		return err->code ? err->code : qerr_set(err, QERR_NOT_FOUND, NULL, NULL, "user not found");
	json_t *user = user_row(st);
	json_t *org = NULL;
	if (org_get(db, a, a->org_id, &org, err)) {
		json_decref(user);
		return err->code;
	}
	*out = json_pack("{s:o,s:o}", "user", user, "org", org);
	return QERR_OK;
}

enum qerr audit_list(struct db *db, const struct actor *a, int limit, int64_t before_id, json_t **out,
		     struct qerror *err)
{
	*out = NULL;
	if (!actor_is_platform_admin(a) && a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "only the platform operator reads the audit log");
	sqlite3_stmt *st = dbl_stmt(db,
				   "SELECT id,at,user_id,org_id,actor,action,object_type,object_id,detail FROM audit_log"
				   " WHERE ?1=0 OR id<?1 ORDER BY id DESC LIMIT ?2",
				   err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, before_id);
	sqlite3_bind_int(st, 2, limit + 1);
	json_t *items = json_array();
	int rc, n = 0;
	int64_t last = 0;
	bool more = false;
	while ((rc = dbl_step(db, st, err)) == SQLITE_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		json_t *detail = json_loads(dbl_col_text(st, 8), 0, NULL);
		last = sqlite3_column_int64(st, 0);
		json_t *row = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)last, "at",
					dbl_col_text(st, 1), "actor", dbl_col_text(st, 4), "action", dbl_col_text(st, 5),
					"object_type", dbl_col_text(st, 6), "object_id", dbl_col_text(st, 7), "detail",
					detail ? detail : json_object());
		json_object_set_new(row, "user_id", sqlite3_column_type(st, 2) == SQLITE_NULL
							    ? json_null()
							    : json_integer(sqlite3_column_int64(st, 2)));
		json_object_set_new(row, "org_id", sqlite3_column_type(st, 3) == SQLITE_NULL
							   ? json_null()
							   : json_integer(sqlite3_column_int64(st, 3)));
		json_array_append_new(items, row);
		n++;
	}
	sqlite3_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_page(items, more, last);
	return QERR_OK;
}
