/*
 * api_market_inbox.c - HTTP handlers for subscriptions (需求订阅) and the
 * organisation's inbox (站内通知), docs/market.md.
 */
#include "http/api_market.h"

#include "market/inbox.h"
#include "market/subscription.h"

enum qerr api_subscription_list(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (market_subscription_list(req->db, &req->actor, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_subscription_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, market_subscription_fields, false, &body))
		return req->err.code;
	enum qerr rc = market_subscription_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 201, out);
	return QERR_OK;
}

enum qerr api_subscription_delete(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id) || market_subscription_delete(req->db, &req->actor, id, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:b}", "deleted", 1));
	return QERR_OK;
}

enum qerr api_inbox_list(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor, unread;
	json_t *out;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) ||
	    http_query_int(req, "unread", 0, 1, 0, &unread) ||
	    market_inbox_list(req->db, &req->actor, unread == 1, (int)limit, cursor, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_inbox_count(struct http_req *req, struct http_res *res)
{
	int64_t unread;
	if (market_inbox_count(req->db, &req->actor, &unread, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I}", "unread", (json_int_t)unread));
	return QERR_OK;
}

enum qerr api_inbox_read(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id) || market_inbox_read(req->db, &req->actor, id, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "read", 1));
	return QERR_OK;
}

enum qerr api_inbox_read_all(struct http_req *req, struct http_res *res)
{
	int64_t marked;
	if (market_inbox_read_all(req->db, &req->actor, &marked, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I}", "marked", (json_int_t)marked));
	return QERR_OK;
}
