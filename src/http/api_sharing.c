/*
 * api_sharing.c - HTTP handlers for shared resources: the catalogue, one
 * resource, opening and changing it, its week calendar, its utilisation,
 * the owner's utilisation, and the iCalendar feed read with the feed token.
 */
#include "http/api_sharing.h"

#include <string.h>
#include "sharing/resource.h"
#include "sharing/utilisation.h"

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_sharing_resource_list(struct http_req *req, struct http_res *res)
{
	int64_t hours = 0, units = 1, limit = 20, cursor = 0, mine = 0;
	if (http_query_int(req, "hours", 1, 24 * 62, 0, &hours) || http_query_int(req, "units", 1, 10000, 1, &units) ||
	    http_query_int(req, "limit", 1, 200, 20, &limit) ||
	    http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) || http_query_int(req, "mine", 0, 1, 0, &mine))
		return req->err.code;
	struct sharing_search s = {
	    .type = http_query(req, "type"),
	    .region = http_query(req, "region"),
	    .q = http_query(req, "q"),
	    .hours = hours,
	    .from = http_query(req, "from"),
	    .to = http_query(req, "to"),
	    .units = units,
	    .mine = mine == 1,
	    .limit = (int)limit,
	    .cursor = cursor,
	};
	if (s.type && !*s.type)
		s.type = NULL;
	json_t *out = NULL;
	return reply(res, sharing_resource_search(req->db, &req->actor, &s, &out, &req->err), 200, &out);
}

enum qerr api_sharing_resource_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, sharing_resource_fields, false, &body))
		return req->err.code;
	enum qerr rc = sharing_resource_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_sharing_resource_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, sharing_resource_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_sharing_resource_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, sharing_resource_patch_fields, true, &body))
		return req->err.code;
	enum qerr rc = sharing_resource_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_sharing_availability(struct http_req *req, struct http_res *res)
{
	int64_t id, days = 7;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_query_int(req, "days", 1, 31, 7, &days))
		return req->err.code;
	return reply(res,
		     sharing_resource_availability(req->db, &req->actor, id, http_query(req, "from"), (int)days, &out,
						   &req->err),
		     200, &out);
}

enum qerr api_sharing_feed_rotate(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, sharing_feed_rotate(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_sharing_calendar(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	char *ics = NULL;
	size_t len = 0;
	enum qerr rc = sharing_calendar_ics(req->db, id, http_query(req, "token"), &ics, &len, &req->err);
	if (rc)
		return rc;
	res->raw = ics;
	res->raw_len = len;
	res->content_type = "text/calendar; charset=utf-8";
	return QERR_OK;
}

enum qerr api_sharing_utilisation_resource(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res,
		     sharing_utilisation_resource(req->db, &req->actor, id, http_query(req, "from"),
						  http_query(req, "to"), &out, &req->err),
		     200, &out);
}

enum qerr api_sharing_utilisation_owner(struct http_req *req, struct http_res *res)
{
	int64_t org = 0;
	json_t *out = NULL;
	if (http_query_int(req, "org_id", 1, INT64_MAX, 0, &org))
		return req->err.code;
	return reply(res,
		     sharing_utilisation_owner(req->db, &req->actor, org, http_query(req, "from"),
					       http_query(req, "to"), &out, &req->err),
		     200, &out);
}
