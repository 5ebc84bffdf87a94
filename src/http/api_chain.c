/* api_chain.c - HTTP handlers for the chain analytics (see chainmap/analytics.h). */
#include "http/api_chainmap.h"

#include <stdlib.h>
#include <string.h>
#include "chainmap/analytics.h"

const struct jfield api_disrupt_fields[] = {
	{"enterprises", JF_STRING_ARRAY, false, 0, 0, NULL, "USCCs knocked out at tier 0"},
	{"region", JF_STRING, false, 2, 6, NULL, "or every enterprise in this region (2, 4 or 6 digits)"},
	{"threshold", JF_NUMBER, false, 0, 1, NULL, "share of a segment whose loss knocks a buyer out (default 0.5)"},
	{"max_tier", JF_INT, false, 1, 1000, NULL, "stop after this tier"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

/* Sets the result (call the analysis first: argument evaluation order is unspecified in C). */
static enum qerr respond(struct http_req *req, struct http_res *res, enum qerr rc, json_t *out)
{
	(void)req;
	if (rc)
		return rc;
	http_ok(res, 200, out);
	return QERR_OK;
}

static enum qerr required(struct http_req *req, const char *name, const char **out)
{
	*out = http_query(req, name);
	if (!*out || !**out)
		return qerr_set(&req->err, QERR_INVALID, "missing_parameter", name, "%s is required", name);
	return QERR_OK;
}

enum qerr api_chain_health(struct http_req *req, struct http_res *res)
{
	struct health_options o = {.region = http_query(req, "region")};
	int64_t min_sup;
	if (http_query_int(req, "min_suppliers", 0, 1000000, 2, &min_sup))
		return req->err.code;
	o.min_suppliers = (int)min_sup;
	const char *hhi = http_query(req, "max_hhi");
	if (hhi && *hhi) {
		char *end = NULL;
		o.max_hhi = strtod(hhi, &end);
		if (!end || *end || !(o.max_hhi > 0 && o.max_hhi <= 1))
			return qerr_set(&req->err, QERR_INVALID, "out_of_range", "max_hhi", "集中度阈值应在0到1之间 (max_hhi must be in (0, 1])");
	}
	json_t *out = NULL;
	enum qerr rc = analytics_health(req->db, &req->actor, req->params[0], o, &out, &req->err);
	return respond(req, res, rc, out);
}

enum qerr api_chain_suppliers(struct http_req *req, struct http_res *res)
{
	const char *buyer;
	if (required(req, "buyer", &buyer))
		return req->err.code;
	json_t *out = NULL;
	enum qerr rc = analytics_suppliers(req->db, &req->actor, buyer, http_query(req, "chain"), &out, &req->err);
	return respond(req, res, rc, out);
}

enum qerr api_chain_local_rate(struct http_req *req, struct http_res *res)
{
	const char *buyer, *level;
	if (required(req, "buyer", &buyer) || required(req, "level", &level))
		return req->err.code;
	json_t *out = NULL;
	enum qerr rc = analytics_local_rate(req->db, &req->actor, buyer, level, &out, &req->err);
	return respond(req, res, rc, out);
}

enum qerr api_chain_critical(struct http_req *req, struct http_res *res)
{
	const char *buyer;
	if (required(req, "buyer", &buyer))
		return req->err.code;
	json_t *out = NULL;
	enum qerr rc = analytics_critical(req->db, &req->actor, buyer, &out, &req->err);
	return respond(req, res, rc, out);
}

enum qerr api_chain_disrupt(struct http_req *req, struct http_res *res)
{
	json_t *body;
	if (http_body_json(req, api_disrupt_fields, false, &body))
		return req->err.code;
	json_t *list = json_object_get(body, "enterprises");
	size_t n = json_array_size(list);
	const char *region = json_str(body, "region", NULL);
	if ((n == 0) == (region == NULL)) {
		json_decref(body);
		return qerr_set(&req->err, QERR_INVALID, "missing_field", "enterprises",
				"请指定企业或地区之一 (give enterprises, a list of USCCs, or region, not both)");
	}
	const char **ids = calloc(n + 1, sizeof *ids);
	if (!ids) {
		json_decref(body);
		return qerr_set(&req->err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = json_string_value(json_array_get(list, i));
	json_t *t = json_object_get(body, "threshold");
	struct disrupt_options o = {.enterprises = n ? ids : NULL, .region = region,
				    .threshold = json_is_number(t) ? json_number_value(t) : 0.5,
				    .max_tier = (int)json_int(body, "max_tier", 0)};
	if (!(o.threshold > 0)) {
		free(ids);
		json_decref(body);
		return qerr_set(&req->err, QERR_INVALID, "out_of_range", "threshold", "阈值应在0到1之间 (threshold must be in (0, 1])");
	}
	json_t *out = NULL;
	enum qerr rc = analytics_disrupt(req->db, &req->actor, &o, &out, &req->err);
	free(ids);
	json_decref(body);
	return respond(req, res, rc, out);
}

enum qerr api_chain_fill(struct http_req *req, struct http_res *res)
{
	int64_t limit;
	if (http_query_int(req, "limit", 1, 1000, 20, &limit))
		return req->err.code;
	struct fill_options o = {.buyer = http_query(req, "buyer"), .region = http_query(req, "region"), .limit = (int)limit};
	json_t *out = NULL;
	enum qerr rc = analytics_fill(req->db, &req->actor, req->params[0], req->params[1], &o, &out, &req->err);
	return respond(req, res, rc, out);
}

enum qerr api_chain_graph(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	enum qerr rc = analytics_graph_stats(req->db, &req->actor, &out, &req->err);
	return respond(req, res, rc, out);
}
