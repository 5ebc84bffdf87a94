/*
 * api_talent.c - HTTP handlers of the talent chain: posts, matches, contact
 * requests and secondments. The rules are in src/services/talent.c.
 */
#include "http/api_talent.h"

#include "services/talent.h"

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_talent_list(struct http_req *req, struct http_res *res)
{
	int64_t limit, mine;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "mine", 0, 1, 0, &mine))
		return req->err.code;
	struct talent_filter f = {.kind = http_query(req, "kind"),
				  .q = http_query(req, "q"),
				  .mode = http_query(req, "mode"),
				  .region = http_query(req, "region"),
				  .mine = (int)mine,
				  .limit = (int)limit};
	json_t *out = NULL;
	return reply(res, talent_post_list(req->db, &req->actor, &f, &out, &req->err), 200, &out);
}

enum qerr api_talent_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, talent_post_fields, false, &body))
		return req->err.code;
	enum qerr rc = talent_post_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

typedef enum qerr (*id_fn)(struct db *, const struct actor *, int64_t, json_t **, struct qerror *);

static enum qerr by_id(struct http_req *req, struct http_res *res, id_fn fn)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, fn(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_talent_get(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, talent_post_get);
}
enum qerr api_talent_close(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, talent_post_close);
}

enum qerr api_talent_matches(struct http_req *req, struct http_res *res)
{
	int64_t id, limit;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_query_int(req, "limit", 1, 100, 10, &limit))
		return req->err.code;
	return reply(res, talent_match(req->db, &req->actor, id, (int)limit, &out, &req->err), 200, &out);
}

enum qerr api_talent_contact(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, talent_contact_fields, false, &body))
		return req->err.code;
	enum qerr rc = talent_contact_request(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_talent_contacts(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, talent_contacts(req->db, &req->actor, &out, &req->err), 200, &out);
}

static enum qerr contact_decide(struct http_req *req, struct http_res *res, bool approve)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, talent_contact_decide(req->db, &req->actor, id, approve, &out, &req->err), 200, &out);
}
enum qerr api_talent_contact_approve(struct http_req *req, struct http_res *res)
{
	return contact_decide(req, res, true);
}
enum qerr api_talent_contact_decline(struct http_req *req, struct http_res *res)
{
	return contact_decide(req, res, false);
}

enum qerr api_talent_secondment_propose(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, talent_secondment_fields, false, &body))
		return req->err.code;
	enum qerr rc = talent_secondment_propose(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_talent_secondments(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, talent_secondments(req->db, &req->actor, &out, &req->err), 200, &out);
}

enum qerr api_talent_secondment_agree(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, talent_secondment_agree);
}
enum qerr api_talent_secondment_cancel(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, talent_secondment_cancel);
}

enum qerr api_talent_secondment_consent(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, talent_consent_fields, false, &body))
		return req->err.code;
	enum qerr rc = talent_secondment_consent(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}
