/* api_account.c - HTTP handlers for login, sessions, organisations, users and the audit log. */
#include "http/api_registry.h"
#include "platform/audit.h"

#include <stdio.h>
#include <string.h>

const struct jfield api_login_fields[] = {
	{"email", JF_STRING, true, 3, 127, NULL, "login e-mail"},
	{"password", JF_STRING, true, 1, 512, NULL, "password"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

const struct jfield api_password_fields[] = {
	{"old_password", JF_STRING, true, 1, 512, NULL, "current password"},
	{"new_password", JF_STRING, true, 8, 512, NULL,
	 "new password: at least 10 characters, or 8 with three of lower case, upper case, digits, symbols (a non-ASCII"
	 " character counts for three); not one of the commonest passwords"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

const struct jfield api_org_fields[] = {
	{"name", JF_STRING, true, 1, 200, NULL, "organisation name"},
	{"type", JF_STRING, true, 0, 0, org_type_names, "organisation type"},
	{"uscc", JF_STRING, false, 18, 36, NULL, "统一社会信用代码, optional; spaces or hyphens between its groups are dropped"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

const struct jfield api_user_fields[] = {
	{"org_id", JF_INT, true, 1, INT64_MAX, NULL, "organisation the user belongs to"},
	{"email", JF_STRING, true, 3, 127, NULL, "login e-mail"},
	{"name", JF_STRING, false, 0, 100, NULL, "display name"},
	{"role", JF_STRING, true, 0, 0, user_role_names, "admin or member"},
	{"password", JF_STRING, true, 8, 512, NULL,
	 "initial password: at least 10 characters, or 8 with three of lower case, upper case, digits, symbols (a"
	 " non-ASCII character counts for three); not one of the commonest passwords"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

enum qerr api_login(struct http_req *req, struct http_res *res)
{
	json_t *body;
	if (http_body_json(req, api_login_fields, false, &body))
		return req->err.code;
	char token[ACCOUNT_TOKEN_HEX + 1];
	json_t *user = NULL;
	long retry_after = 0;
	enum qerr rc = account_login(req->db, json_str(body, "email", ""), json_str(body, "password", ""), http_client(req),
				     token, &user, &retry_after, &req->err);
	json_decref(body);
	if (rc) {
		if (rc == QERR_TOO_MANY)
			snprintf(res->retry_after, sizeof res->retry_after, "%d",
				 retry_after < 1 ? 1 : retry_after > 86400 ? 86400 : (int)retry_after);
		return rc;
	}
	struct actor a;
	json_t *me = NULL;
	if (account_session(req->db, token, &a, &req->err) || account_me(req->db, &a, &me, &req->err)) {
		json_decref(user);
		return req->err.code;
	}
	json_decref(user);
	snprintf(res->set_cookie, sizeof res->set_cookie,
		 "qilian_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token, ACCOUNT_SESSION_SECONDS);
	json_object_set_new(me, "token", json_string(token));
	json_object_set_new(me, "expires_in", json_integer(ACCOUNT_SESSION_SECONDS));
	http_ok(res, 200, me);
	return QERR_OK;
}

enum qerr api_logout(struct http_req *req, struct http_res *res)
{
	if (account_logout(req->db, &req->actor, req->token, &req->err))
		return req->err.code;
	snprintf(res->set_cookie, sizeof res->set_cookie, "qilian_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	http_ok(res, 200, json_pack("{s:b}", "ok", 1));
	return QERR_OK;
}

enum qerr api_me(struct http_req *req, struct http_res *res)
{
	json_t *me;
	if (account_me(req->db, &req->actor, &me, &req->err))
		return req->err.code;
	http_ok(res, 200, me);
	return QERR_OK;
}

enum qerr api_password(struct http_req *req, struct http_res *res)
{
	json_t *body;
	if (http_body_json(req, api_password_fields, false, &body))
		return req->err.code;
	enum qerr rc = account_change_password(req->db, &req->actor, json_str(body, "old_password", ""),
					       json_str(body, "new_password", ""), req->token, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 200, json_pack("{s:b}", "ok", 1));
	return QERR_OK;
}

enum qerr api_org_list(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (org_list(req->db, &req->actor, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_org_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, api_org_fields, false, &body))
		return req->err.code;
	enum qerr rc = org_create(req->db, &req->actor, json_str(body, "name", ""), json_str(body, "type", ""),
				  json_str(body, "uscc", NULL), &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 201, out);
	return QERR_OK;
}

enum qerr api_org_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out;
	if (api_param_id(req, 0, "id", &id) || org_get(req->db, &req->actor, id, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_user_list(struct http_req *req, struct http_res *res)
{
	int64_t org_id;
	json_t *out;
	if (http_query_int(req, "org_id", 0, INT64_MAX, 0, &org_id) ||
	    user_list(req->db, &req->actor, org_id, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_user_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, api_user_fields, false, &body))
		return req->err.code;
	enum qerr rc = user_create(req->db, &req->actor, json_int(body, "org_id", 0), json_str(body, "email", ""),
				   json_str(body, "name", ""), json_str(body, "role", ""), json_str(body, "password", ""),
				   &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 201, out);
	return QERR_OK;
}

enum qerr api_audit_list(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor;
	json_t *out;
	if (http_query_int(req, "limit", 1, 500, 100, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) ||
	    audit_list(req->db, &req->actor, (int)limit, cursor, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}
