/*
 * api_sharing_booking.c - HTTP handlers for bookings: requesting a window
 * (once, weekly, or onto the waitlist), the booker's and the owner's lists,
 * one booking, its steps, and the operator's maintenance pass. The state
 * machine and who may take which step live in src/sharing/booking.c.
 */
#include "http/api_sharing.h"

#include "sharing/booking.h"
#include "sharing/resource.h"

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_sharing_book(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, sharing_booking_fields, false, &body))
		return req->err.code;
	enum qerr rc = sharing_booking_request(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_sharing_booking_list(struct http_req *req, struct http_res *res)
{
	int64_t resource = 0, limit = 50, cursor = 0;
	if (http_query_int(req, "resource", 1, INT64_MAX, 0, &resource) ||
	    http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 1, INT64_MAX, 0, &cursor))
		return req->err.code;
	struct sharing_booking_filter f = {
	    .role = http_query(req, "role"),
	    .state = http_query(req, "state"),
	    .resource_id = resource,
	    .limit = (int)limit,
	    .cursor = cursor,
	};
	json_t *out = NULL;
	return reply(res, sharing_booking_list(req->db, &req->actor, &f, &out, &req->err), 200, &out);
}

enum qerr api_sharing_booking_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, sharing_booking_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

static enum qerr act(struct http_req *req, struct http_res *res, enum sharing_booking_action action)
{
	int64_t id;
	json_t *body = NULL, *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	/* The body is optional; one that says it is JSON must be JSON (an empty one too). */
	if ((req->body_len || http_header(req, "content-type")) &&
	    http_body_json(req, sharing_booking_action_fields, false, &body))
		return req->err.code;
	enum qerr rc = sharing_booking_act(req->db, &req->actor, id, action, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_sharing_booking_approve(struct http_req *req, struct http_res *res)
{
	return act(req, res, BOOKING_APPROVE);
}

enum qerr api_sharing_booking_reject(struct http_req *req, struct http_res *res)
{
	return act(req, res, BOOKING_REJECT);
}

enum qerr api_sharing_booking_cancel(struct http_req *req, struct http_res *res)
{
	return act(req, res, BOOKING_CANCEL);
}

enum qerr api_sharing_booking_check_in(struct http_req *req, struct http_res *res)
{
	return act(req, res, BOOKING_CHECK_IN);
}

enum qerr api_sharing_booking_complete(struct http_req *req, struct http_res *res)
{
	return act(req, res, BOOKING_COMPLETE);
}

enum qerr api_sharing_booking_confirm(struct http_req *req, struct http_res *res)
{
	return act(req, res, BOOKING_CONFIRM);
}

enum qerr api_sharing_maintain(struct http_req *req, struct http_res *res)
{
	int64_t changed = 0;
	enum qerr rc = sharing_maintain(req->db, 0, 0, &changed, &req->err);
	if (rc)
		return rc;
	http_ok(res, 200, json_pack("{s:I}", "changed", (json_int_t)changed));
	return QERR_OK;
}
