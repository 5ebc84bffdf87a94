/*
 * api_registry.h - the registry's HTTP handlers (routes_registry.c):
 * accounts and the audit log (api_account.c), enterprises, codes, regions,
 * industries and the chain list (api_registry.c). Internal to src/http.
 */
#ifndef QILIAN_API_REGISTRY_H
#define QILIAN_API_REGISTRY_H
#include "http/api.h"

/* Accounts (api_account.c). */
extern const struct jfield api_login_fields[], api_password_fields[], api_org_fields[], api_user_fields[];
enum qerr api_login(struct http_req *req, struct http_res *res);
enum qerr api_logout(struct http_req *req, struct http_res *res);
enum qerr api_me(struct http_req *req, struct http_res *res);
enum qerr api_password(struct http_req *req, struct http_res *res);
enum qerr api_org_list(struct http_req *req, struct http_res *res);
enum qerr api_org_create(struct http_req *req, struct http_res *res);
enum qerr api_org_get(struct http_req *req, struct http_res *res);
enum qerr api_user_list(struct http_req *req, struct http_res *res);
enum qerr api_user_create(struct http_req *req, struct http_res *res);
enum qerr api_audit_list(struct http_req *req, struct http_res *res);

/* Enterprises, codes and classifications (api_registry.c). */
enum qerr api_enterprise_list(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_create(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_get(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_update(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_delete(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_import(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_export(struct http_req *req, struct http_res *res);
enum qerr api_enterprise_stats(struct http_req *req, struct http_res *res);
enum qerr api_uscc_check(struct http_req *req, struct http_res *res);
enum qerr api_classify(struct http_req *req, struct http_res *res);
enum qerr api_region_list(struct http_req *req, struct http_res *res);
enum qerr api_region_get(struct http_req *req, struct http_res *res);
enum qerr api_industry_list(struct http_req *req, struct http_res *res);
enum qerr api_chain_list(struct http_req *req, struct http_res *res);

#endif
