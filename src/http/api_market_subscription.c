/*
 * api_market_subscription.c - HTTP handlers for subscriptions (需求订阅),
 * docs/market.md.
 */
#include "http/api_market.h"

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
