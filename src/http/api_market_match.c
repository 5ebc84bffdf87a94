/*
 * api_market_match.c - matching over HTTP: a demand's supplies, a supply's
 * demands, free text, and the index statistics. Each shown result list is
 * counted for the platform statistics after the read snapshot ends, on the
 * primary (the read may have been a standby's).
 */
#include "http/api_market.h"
#include "market/match.h"

#include "base/log.h"

/* Ends the request's read transaction and counts the matches shown; a failure to count is logged, not answered. */
static void count_shown(struct http_req *req, const char *region, const char *chain, json_t *out)
{
	db_rollback(req->db);
	struct qerror e = {0};
	int n = (int)json_array_size(json_object_get(out, "results"));
	struct db *primary = http_primary_db(req); /* req->db may be a standby's (--read-db) */
	if (!primary || market_match_count(primary, region, chain, n, &e))
		log_error("matches shown not counted: %s", primary ? e.message : req->err.message);
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

enum qerr api_match_demand(struct http_req *req, struct http_res *res)
{
	int64_t id, limit;
	if (api_param_id(req, 0, "id", &id) || http_query_int(req, "limit", 1, MARKET_MATCH_MAX_LIMIT, 10, &limit))
		return req->err.code;
	json_t *out = NULL;
	enum qerr rc = market_match_demand(req->db, &req->actor, id, (int)limit, &out, &req->err);
	if (rc)
		return rc;
	json_t *demand = json_object_get(out, "demand");
	count_shown(req, str(demand, "region"), str(demand, "chain"), out);
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_match_supply(struct http_req *req, struct http_res *res)
{
	int64_t id, limit;
	if (api_param_id(req, 0, "id", &id) || http_query_int(req, "limit", 1, MARKET_MATCH_MAX_LIMIT, 10, &limit))
		return req->err.code;
	json_t *out = NULL;
	enum qerr rc = market_match_supply(req->db, &req->actor, id, (int)limit, &out, &req->err);
	if (rc)
		return rc;
	json_t *supply = json_object_get(out, "supply");
	count_shown(req, str(json_object_get(supply, "enterprise"), "region"), str(supply, "chain"), out);
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_match_text(struct http_req *req, struct http_res *res)
{
	int64_t limit;
	if (http_query_int(req, "limit", 1, MARKET_MATCH_MAX_LIMIT, 10, &limit))
		return req->err.code;
	struct market_match_query q = {
		.text = http_query(req, "q"),
		.region = http_query(req, "region"),
		.chain = http_query(req, "chain"),
		.segment = http_query(req, "segment"),
		.certifications = http_query(req, "certifications"),
		.limit = (int)limit,
	};
	json_t *out = NULL;
	enum qerr rc = market_match_text(req->db, &q, &out, &req->err);
	if (rc)
		return rc;
	count_shown(req, q.region, q.chain, out);
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_match_index(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	enum qerr rc = market_match_index_stats(req->db, &out, &req->err);
	if (rc)
		return rc;
	http_ok(res, 200, out);
	return QERR_OK;
}
