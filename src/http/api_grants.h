/* api_grants.h - HTTP handlers of the data chain (api_grants.c, routes_grants.c). */
#ifndef QILIAN_API_GRANTS_H
#define QILIAN_API_GRANTS_H
#include "http/api.h"

enum qerr api_grant_create(struct http_req *req, struct http_res *res);
enum qerr api_grant_list(struct http_req *req, struct http_res *res);
enum qerr api_grant_get(struct http_req *req, struct http_res *res);
enum qerr api_grant_consent(struct http_req *req, struct http_res *res);
enum qerr api_grant_revoke(struct http_req *req, struct http_res *res);
enum qerr api_grant_read(struct http_req *req, struct http_res *res);
enum qerr api_grant_access_log(struct http_req *req, struct http_res *res);
enum qerr api_grant_export(struct http_req *req, struct http_res *res);
enum qerr api_grant_grantees(struct http_req *req, struct http_res *res);

#endif
