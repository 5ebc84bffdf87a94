/* api_registry.c - HTTP handlers for enterprises, USCC checks, classification, regions, industries, chains. */
#include "http/api_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "chainmap/chain.h"
#include "registry/enterprise.h"
#include "registry/lookup.h"

enum qerr api_param_id(struct http_req *req, int idx, const char *name, int64_t *out)
{
	if (!util_parse_i64(req->params[idx], 1, INT64_MAX, out))
		return qerr_set(&req->err, QERR_INVALID, "invalid_parameter", name, "%s must be a positive integer", name);
	return QERR_OK;
}

/*
 * The load balancer's check: the primary answers (writes and sessions need
 * it, even when this read was sent to a --read-db standby, which must answer
 * too). "reads" says where reads go now: "standby", or "primary" (no
 * standby, or it failed and the primary stands in).
 */
enum qerr api_health(struct http_req *req, struct http_res *res)
{
	struct db *primary = http_primary_db(req);
	if (!primary)
		return req->err.code ? req->err.code : QERR_UNAVAILABLE;
	if ((req->db != primary && db_ping(req->db, &req->err)) || db_ping(primary, &req->err))
		return req->err.code ? req->err.code : QERR_UNAVAILABLE;
	http_ok(res, 200,
		json_pack("{s:s,s:s,s:s}", "status", "ok", "version", QILIAN_VERSION, "reads",
			  req->db == primary ? "primary" : "standby"));
	return QERR_OK;
}

enum qerr api_openapi(struct http_req *req, struct http_res *res)
{
	(void)req;
	http_ok(res, 200, http_openapi());
	return QERR_OK;
}

enum qerr api_enterprise_list(struct http_req *req, struct http_res *res)
{
	struct enterprise_filter f = {0};
	int64_t limit, cursor, org;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) ||
	    http_query_int(req, "org_id", 0, INT64_MAX, 0, &org))
		return req->err.code;
	f.limit = (int)limit;
	f.cursor = cursor;
	f.org_id = org;
	f.region = http_query(req, "region");
	f.industry = http_query(req, "industry");
	f.size = http_query(req, "size");
	f.level = http_query(req, "level");
	f.q = http_query(req, "q");
	json_t *out;
	if (enterprise_list(req->db, &req->actor, &f, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_enterprise_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, enterprise_create_fields, false, &body))
		return req->err.code;
	enum qerr rc = enterprise_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 201, out);
	return QERR_OK;
}

enum qerr api_enterprise_get(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (enterprise_get(req->db, &req->actor, req->params[0], &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_enterprise_update(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, enterprise_update_fields, true, &body))
		return req->err.code;
	enum qerr rc = enterprise_update(req->db, &req->actor, req->params[0], body, &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_enterprise_delete(struct http_req *req, struct http_res *res)
{
	if (enterprise_delete(req->db, &req->actor, req->params[0], &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:b}", "deleted", 1));
	return QERR_OK;
}

enum qerr api_csv_import(struct http_req *req, struct http_res *res, api_import_fn fn)
{
	json_t *report = NULL;
	enum qerr rc = fn(req->db, &req->actor, req->body ? req->body : "", req->body_len, NULL, NULL, &report, &req->err);
	if (rc) {
		/* The report (every bad line) rides along with the error. */
		res->json = report ? json_pack("{s:o}", "report", report) : NULL;
		return rc;
	}
	http_ok(res, 200, report);
	return QERR_OK;
}

enum qerr api_csv_export(struct http_req *req, struct http_res *res, api_export_fn fn, const char *disposition)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f)
		return qerr_set(&req->err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	long rows;
	enum qerr rc = fn(req->db, &req->actor, f, &rows, &req->err);
	fclose(f);
	if (rc) {
		free(data);
		return rc;
	}
	res->raw = data;
	res->raw_len = len;
	res->content_type = "text/csv; charset=utf-8";
	res->disposition = disposition;
	return QERR_OK;
}

enum qerr api_enterprise_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, enterprise_import);
}

enum qerr api_enterprise_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, enterprise_export, "attachment; filename=\"enterprises.csv\"");
}

enum qerr api_enterprise_stats(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (lookup_stats(req->db, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_uscc_check(struct http_req *req, struct http_res *res)
{
	bool valid;
	http_ok(res, 200, lookup_uscc(req->params[0], &valid));
	return QERR_OK;
}

static enum qerr required_int(struct http_req *req, const char *name, int64_t *out)
{
	if (!http_query(req, name))
		return qerr_set(&req->err, QERR_INVALID, "missing_parameter", name, "%s is required", name);
	return http_query_int(req, name, 0, INT64_MAX / 2, 0, out);
}

enum qerr api_classify(struct http_req *req, struct http_res *res)
{
	const char *industry = http_query(req, "industry");
	int64_t employees, revenue, assets;
	if (!industry || !*industry)
		return qerr_set(&req->err, QERR_INVALID, "missing_parameter", "industry", "industry is required");
	if (required_int(req, "employees", &employees) || required_int(req, "revenue", &revenue) ||
	    http_query_int(req, "assets", 0, INT64_MAX / 2, -1, &assets))
		return req->err.code;
	json_t *out;
	if (lookup_classify(industry, employees, revenue, assets, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_region_list(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (lookup_regions(http_query(req, "parent"), &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_region_get(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (lookup_region(req->params[0], &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_industry_list(struct http_req *req, struct http_res *res)
{
	(void)req;
	http_ok(res, 200, lookup_industries());
	return QERR_OK;
}

enum qerr api_chain_list(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (chain_list(req->db, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}
