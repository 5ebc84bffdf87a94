/*
 * api_market_rfq.c - HTTP handlers for invitations, sealed quotes, closing
 * and awarding demands, orders and their steps, supplier scorecards and the
 * market statistics. Who sees which quote and who may take which order step
 * is decided in src/market (rfq.c, order.c); this file only translates.
 */
#include "http/api_market.h"

#include <string.h>
#include "http/http_idempotency.h"
#include "market/rfq.h"

#define END_FIELDS {NULL, 0, false, 0, 0, NULL, NULL}

/* Documents the award body; market_award checks the ids themselves (an array of integers). */
const struct jfield api_market_award_fields[] = {
	{"quotes", JF_STRING_ARRAY, true, 0, 0, NULL, "ids (integers) of the quotes to award"},
	END_FIELDS,
};

/* Answers with *out, read after the domain call filled it (C leaves the order of arguments unspecified). */
static enum qerr reply(struct http_req *req, struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_market_invitations(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(req, res, market_invitations(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_market_invite(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, market_invite_fields, false, &body))
		return req->err.code;
	enum qerr rc = market_invite(req->db, &req->actor, id, json_object_get(body, "suppliers"), &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 200, &out);
}

enum qerr api_market_quotes(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(req, res, market_quotes(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_market_quote_create(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	struct idempotency idem;
	bool keyed = false;
	if (api_param_id(req, 0, "id", &id) || http_idempotency(req, false, &idem, &keyed) ||
	    http_body_json(req, market_quote_fields, false, &body))
		return req->err.code;
	enum qerr rc = market_quote_submit(req->db, &req->actor, id, body, keyed ? &idem : NULL, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 201, &out);
}

enum qerr api_market_quote_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, market_quote_patch_fields, true, &body))
		return req->err.code;
	enum qerr rc = market_quote_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 200, &out);
}

enum qerr api_market_quote_withdraw(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(req, res, market_quote_withdraw(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_market_close(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(req, res, market_demand_close(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_market_award(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	json_error_t je;
	json_t *body = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &je);
	/* Malformed or not an object: 400 malformed_json, as json_decode answers every other body. */
	if (!body)
		return qerr_set(&req->err, QERR_BAD_REQUEST, "malformed_json", NULL, "malformed JSON at line %d column %d: %s",
				je.line, je.column, je.text);
	const char *key;
	json_t *value;
	enum qerr rc = QERR_OK;
	if (!json_is_object(body))
		rc = qerr_set(&req->err, QERR_BAD_REQUEST, "malformed_json", NULL, "request body must be a JSON object");
	json_object_foreach(body, key, value) {
		if (!rc && strcmp(key, "quotes") != 0)
			rc = qerr_set(&req->err, QERR_INVALID, "unknown_field", key, "unknown field %s", key);
	}
	json_t *quotes = json_object_get(body, "quotes");
	if (!rc && !quotes)
		rc = qerr_set(&req->err, QERR_INVALID, "missing_field", "quotes", "quotes is required");
	json_t *out = NULL;
	if (!rc)
		rc = market_award(req->db, &req->actor, id, quotes, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 201, &out);
}

enum qerr api_market_orders(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor))
		return req->err.code;
	struct market_order_filter f = {
		.role = http_query(req, "role"),
		.status = http_query(req, "status"),
		.limit = (int)limit,
		.cursor = cursor,
	};
	json_t *out = NULL;
	return reply(req, res, market_order_list(req->db, &req->actor, &f, &out, &req->err), 200, &out);
}

enum qerr api_market_order(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(req, res, market_order_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

static enum qerr order_step(struct http_req *req, struct http_res *res, enum market_order_action action)
{
	int64_t id;
	json_t *body = NULL, *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	if (action == ORDER_REJECT && http_body_json(req, market_reject_fields, false, &body))
		return req->err.code;
	enum qerr rc =
	    market_order_act(req->db, &req->actor, id, action, body ? json_str(body, "reason", NULL) : NULL, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 200, &out);
}

enum qerr api_market_order_ship(struct http_req *req, struct http_res *res)
{
	return order_step(req, res, ORDER_SHIP);
}

enum qerr api_market_order_deliver(struct http_req *req, struct http_res *res)
{
	return order_step(req, res, ORDER_DELIVER);
}

enum qerr api_market_order_accept(struct http_req *req, struct http_res *res)
{
	return order_step(req, res, ORDER_ACCEPT);
}

enum qerr api_market_order_reject(struct http_req *req, struct http_res *res)
{
	return order_step(req, res, ORDER_REJECT);
}

enum qerr api_market_scorecard(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(req, res, market_scorecard_get(req->db, &req->actor, req->params[0], &out, &req->err), 200, &out);
}

enum qerr api_market_stats(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(req, res,
		     market_stats(req->db, &req->actor, http_query(req, "from"), http_query(req, "to"), &out, &req->err),
		     200, &out);
}
