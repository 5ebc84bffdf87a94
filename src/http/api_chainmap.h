/*
 * api_chainmap.h - the chain map's HTTP handlers (routes_chainmap.c): chain
 * analytics (api_chain.c) and the chain map's records and CSV files
 * (api_chainmap.c). Internal to src/http.
 */
#ifndef QILIAN_API_CHAINMAP_H
#define QILIAN_API_CHAINMAP_H
#include "http/api.h"

/* Chain analytics (api_chain.c). */
extern const struct jfield api_disrupt_fields[];
enum qerr api_chain_health(struct http_req *req, struct http_res *res);
enum qerr api_chain_suppliers(struct http_req *req, struct http_res *res);
enum qerr api_chain_local_rate(struct http_req *req, struct http_res *res);
enum qerr api_chain_critical(struct http_req *req, struct http_res *res);
enum qerr api_chain_disrupt(struct http_req *req, struct http_res *res);
enum qerr api_chain_fill(struct http_req *req, struct http_res *res);
enum qerr api_chain_graph(struct http_req *req, struct http_res *res);

/* Chain map records (api_chainmap.c). */
extern const struct jfield api_chain_fields[], api_segment_fields[], api_capability_fields[], api_relation_fields[];
enum qerr api_chain_get(struct http_req *req, struct http_res *res);
enum qerr api_chain_put(struct http_req *req, struct http_res *res);
enum qerr api_segment_put(struct http_req *req, struct http_res *res);
enum qerr api_segment_delete(struct http_req *req, struct http_res *res);
enum qerr api_capabilities_of(struct http_req *req, struct http_res *res);
enum qerr api_capability_put(struct http_req *req, struct http_res *res);
enum qerr api_capability_delete(struct http_req *req, struct http_res *res);
enum qerr api_relation_list(struct http_req *req, struct http_res *res);
enum qerr api_relation_get(struct http_req *req, struct http_res *res);
enum qerr api_relation_put(struct http_req *req, struct http_res *res);
enum qerr api_relation_delete(struct http_req *req, struct http_res *res);
enum qerr api_segments_import(struct http_req *req, struct http_res *res);
enum qerr api_capabilities_import(struct http_req *req, struct http_res *res);
enum qerr api_relations_import(struct http_req *req, struct http_res *res);
enum qerr api_segments_export(struct http_req *req, struct http_res *res);
enum qerr api_capabilities_export(struct http_req *req, struct http_res *res);
enum qerr api_relations_export(struct http_req *req, struct http_res *res);

#endif
