/*
 * api_market_listing.c - HTTP handlers for supply and demand listings and
 * their CSV import/export (docs/market.md). Who may read or change which
 * listing is the domain's job (src/market/listing.c).
 */
#include "http/api_market.h"

#include <string.h>
#include "http/http_idempotency.h"
#include "market/listing.h"

/* Reads the list query parameters into f. */
static enum qerr listing_query(struct http_req *req, struct listing_filter *f)
{
	int64_t limit, cursor, mine;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) ||
	    http_query_int(req, "mine", 0, 1, 0, &mine))
		return req->err.code;
	memset(f, 0, sizeof *f);
	f->limit = (int)limit;
	f->cursor = cursor;
	f->mine = mine == 1;
	f->enterprise = http_query(req, "enterprise");
	f->chain = http_query(req, "chain");
	f->segment = http_query(req, "segment");
	f->region = http_query(req, "region");
	f->q = http_query(req, "q");
	f->status = http_query(req, "status");
	return QERR_OK;
}

static enum qerr reply(struct http_req *req, struct http_res *res, enum qerr rc, int status, json_t *out)
{
	if (rc)
		return req->err.code ? req->err.code : rc;
	http_ok(res, status, out);
	return QERR_OK;
}

enum qerr api_supply_list(struct http_req *req, struct http_res *res)
{
	struct listing_filter f;
	json_t *out = NULL;
	if (listing_query(req, &f))
		return req->err.code;
	enum qerr rc = market_supply_list(req->db, &req->actor, &f, &out, &req->err);
	return reply(req, res, rc, 200, out);
}

enum qerr api_demand_list(struct http_req *req, struct http_res *res)
{
	struct listing_filter f;
	json_t *out = NULL;
	if (listing_query(req, &f))
		return req->err.code;
	enum qerr rc = market_demand_list(req->db, &req->actor, &f, &out, &req->err);
	return reply(req, res, rc, 200, out);
}

enum qerr api_supply_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	struct idempotency idem;
	bool keyed = false;
	if (http_idempotency(req, false, &idem, &keyed) || http_body_json(req, market_supply_fields, false, &body))
		return req->err.code;
	enum qerr rc = market_supply_create(req->db, &req->actor, body, keyed ? &idem : NULL, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 201, out);
}

enum qerr api_demand_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	struct idempotency idem;
	bool keyed = false;
	if (http_idempotency(req, false, &idem, &keyed) || http_body_json(req, market_demand_fields, false, &body))
		return req->err.code;
	enum qerr rc = market_demand_create(req->db, &req->actor, body, keyed ? &idem : NULL, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 201, out);
}

enum qerr api_supply_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	enum qerr rc = market_supply_get(req->db, &req->actor, id, &out, &req->err);
	return reply(req, res, rc, 200, out);
}

enum qerr api_demand_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	enum qerr rc = market_demand_get(req->db, &req->actor, id, &out, &req->err);
	return reply(req, res, rc, 200, out);
}

enum qerr api_supply_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, market_supply_update_fields, true, &body))
		return req->err.code;
	enum qerr rc = market_supply_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 200, out);
}

enum qerr api_demand_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, market_demand_update_fields, true, &body))
		return req->err.code;
	enum qerr rc = market_demand_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(req, res, rc, 200, out);
}

enum qerr api_supply_withdraw(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	enum qerr rc = market_supply_withdraw(req->db, &req->actor, id, &out, &req->err);
	return reply(req, res, rc, 200, out);
}

enum qerr api_demand_cancel(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	enum qerr rc = market_demand_cancel(req->db, &req->actor, id, &out, &req->err);
	return reply(req, res, rc, 200, out);
}

enum qerr api_supplies_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, market_import_supplies);
}

enum qerr api_demands_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, market_import_demands);
}

enum qerr api_supplies_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, market_export_supplies, "attachment; filename=\"supplies.csv\"");
}

enum qerr api_demands_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, market_export_demands, "attachment; filename=\"demands.csv\"");
}
