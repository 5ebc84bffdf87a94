/*
 * api_grants.c - HTTP handlers of the data chain: consent grants, reads of
 * another enterprise's data under them, the access log and the
 * enterprise's own-data export. The rules are in src/services/grant.c.
 */
#include "http/api_grants.h"

#include "services/grant.h"

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_grant_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, grant_fields, false, &body))
		return req->err.code;
	enum qerr rc = grant_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_grant_list(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(
	    res,
	    grant_list(req->db, &req->actor, http_query(req, "role"), http_query(req, "enterprise"), &out, &req->err),
	    200, &out);
}

enum qerr api_grant_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, grant_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_grant_consent(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	if (grant_consent(req->db, &req->actor, id, &out, &req->err))
		return req->err.code;
	res->disposition = "attachment; filename=\"data-grant-consent.json\"";
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_grant_revoke(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, grant_revoke(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_grant_read(struct http_req *req, struct http_res *res)
{
	/* A read under a grant is logged: end the request's read transaction so the domain can write. */
	db_rollback(req->db);
	json_t *out = NULL;
	return reply(res, grant_read(req->db, &req->actor, req->params[0], req->params[1], &out, &req->err), 200, &out);
}

enum qerr api_grant_access_log(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor;
	if (http_query_int(req, "limit", 1, 500, 100, &limit) ||
	    http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor))
		return req->err.code;
	json_t *out = NULL;
	return reply(
	    res,
	    grant_access_log(req->db, &req->actor, http_query(req, "enterprise"), (int)limit, cursor, &out, &req->err),
	    200, &out);
}

enum qerr api_grant_export(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	if (grant_export(req->db, &req->actor, http_query(req, "enterprise"), &out, &req->err))
		return req->err.code;
	res->disposition = "attachment; filename=\"enterprise-data-export.json\"";
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_grant_grantees(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, grant_grantees(req->db, &req->actor, &out, &req->err), 200, &out);
}
