/*
 * api_chainmap.c - HTTP handlers for the chain map's records: one chain with
 * its segments, segment and capability CRUD, supply relations, and CSV
 * import/export of segments, capabilities and relations. Authorisation of
 * single objects (whose relation, whose enterprise) is the domain's job.
 */
#include "http/api_chainmap.h"

#include <stdio.h>
#include <stdlib.h>
#include "chainmap/chain.h"
#include "chainmap/chainmap.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}

const struct jfield api_chain_fields[] = {
    {"name", JF_STRING, true, 1, 100, NULL, "产业链名称, e.g. 新能源汽车产业链"},
    {"name_en", JF_STRING, false, 0, 100, NULL, "English name"},
    END_FIELDS,
};
const struct jfield api_segment_fields[] = {
    {"name", JF_STRING, true, 1, 100, NULL, "环节名称, e.g. 正极材料"},
    {"upstream", JF_STRING_ARRAY, false, 0, 0, NULL,
     "codes of the segments of the same chain that feed this one; omitted or null keeps the current links"},
    END_FIELDS,
};
const struct jfield api_capability_fields[] = {
    {"capacity", JF_INT, false, 0, INT64_MAX, NULL,
     "annual capacity in units of the enterprise's choice; null = not stated"},
    END_FIELDS,
};
const struct jfield api_relation_fields[] = {
    {"buyer_uscc", JF_STRING, true, 18, 36, NULL, "USCC of the buyer (采购方); spaces or hyphens between its groups are dropped"},
    {"supplier_uscc", JF_STRING, true, 18, 36, NULL, "USCC of the supplier (供应方); spaces or hyphens between its groups are dropped"},
    {"chain", JF_STRING, true, 1, 32, NULL, "chain id"},
    {"segment", JF_STRING, true, 1, 32, NULL, "segment code within the chain"},
    {"annual_amount_fen", JF_INT, true, 0, INT64_MAX, NULL, "annual purchase amount in fen (分)"},
    END_FIELDS,
};

/* 201 when the domain says it created the object, 200 when it changed one. */
static int created_status(json_t *out)
{
	return json_is_true(json_object_get(out, "created")) ? 201 : 200;
}

enum qerr api_chain_get(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (chainmap_chain_get(req->db, req->params[0], &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_chain_put(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, api_chain_fields, false, &body))
		return req->err.code;
	enum qerr rc = chain_upsert(req->db, &req->actor, req->params[0], json_str(body, "name", NULL),
				    json_str(body, "name_en", NULL), &req->err);
	json_decref(body);
	if (rc || chainmap_chain_get(req->db, req->params[0], &out, &req->err))
		return req->err.code ? req->err.code : rc;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_segment_put(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, api_segment_fields, false, &body))
		return req->err.code;
	json_t *up = json_object_get(body, "upstream");
	enum qerr rc =
	    chainmap_segment_put(req->db, &req->actor, req->params[0], req->params[1], json_str(body, "name", NULL),
				 json_is_array(up) ? up : NULL, &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, created_status(out), out);
	return QERR_OK;
}

enum qerr api_segment_delete(struct http_req *req, struct http_res *res)
{
	if (chainmap_segment_delete(req->db, &req->actor, req->params[0], req->params[1], &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:b}", "deleted", 1));
	return QERR_OK;
}

enum qerr api_capabilities_of(struct http_req *req, struct http_res *res)
{
	json_t *out;
	if (chainmap_capabilities_of(req->db, &req->actor, req->params[0], &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_capability_put(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, api_capability_fields, false, &body))
		return req->err.code;
	enum qerr rc = chainmap_capability_put(req->db, &req->actor, req->params[0], req->params[1], req->params[2],
					       json_int(body, "capacity", -1), &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_capability_delete(struct http_req *req, struct http_res *res)
{
	if (chainmap_capability_delete(req->db, &req->actor, req->params[0], req->params[1], req->params[2], &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:b}", "deleted", 1));
	return QERR_OK;
}

enum qerr api_relation_list(struct http_req *req, struct http_res *res)
{
	struct relation_filter f = {0};
	int64_t limit, cursor;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor))
		return req->err.code;
	f.limit = (int)limit;
	f.cursor = cursor;
	f.buyer = http_query(req, "buyer");
	f.supplier = http_query(req, "supplier");
	f.chain = http_query(req, "chain");
	f.segment = http_query(req, "segment");
	json_t *out;
	if (chainmap_relation_list(req->db, &req->actor, &f, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_relation_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out;
	if (api_param_id(req, 0, "id", &id) || chainmap_relation_get(req->db, &req->actor, id, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_relation_put(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, api_relation_fields, false, &body))
		return req->err.code;
	enum qerr rc = chainmap_relation_put(req->db, &req->actor, json_str(body, "buyer_uscc", NULL),
					     json_str(body, "supplier_uscc", NULL), json_str(body, "chain", NULL),
					     json_str(body, "segment", NULL), json_int(body, "annual_amount_fen", -1),
					     &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, created_status(out), out);
	return QERR_OK;
}

enum qerr api_relation_delete(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id) || chainmap_relation_delete(req->db, &req->actor, id, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:b}", "deleted", 1));
	return QERR_OK;
}

enum qerr api_segments_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, chainmap_import_segments);
}

enum qerr api_capabilities_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, chainmap_import_capabilities);
}

enum qerr api_relations_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, chainmap_import_relations);
}

enum qerr api_segments_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, chainmap_export_segments, "attachment; filename=\"segments.csv\"");
}

enum qerr api_capabilities_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, chainmap_export_capabilities, "attachment; filename=\"capabilities.csv\"");
}

enum qerr api_relations_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, chainmap_export_relations, "attachment; filename=\"relations.csv\"");
}
