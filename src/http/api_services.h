/* api_services.h - HTTP handlers of the service, talent and data chains (api_services*.c, routes_services.c). */
#ifndef QILIAN_API_SERVICES_H
#define QILIAN_API_SERVICES_H
#include "http/api.h"

/* Service requests (api_services.c). */
enum qerr api_service_submit(struct http_req *req, struct http_res *res);
enum qerr api_service_list(struct http_req *req, struct http_res *res);
enum qerr api_service_get(struct http_req *req, struct http_res *res);
enum qerr api_service_accept(struct http_req *req, struct http_res *res);
enum qerr api_service_start(struct http_req *req, struct http_res *res);
enum qerr api_service_resolve(struct http_req *req, struct http_res *res);
enum qerr api_service_confirm(struct http_req *req, struct http_res *res);
enum qerr api_service_reopen(struct http_req *req, struct http_res *res);
enum qerr api_service_propose_withdrawal(struct http_req *req, struct http_res *res);
enum qerr api_service_supervise(struct http_req *req, struct http_res *res);
enum qerr api_service_withdraw(struct http_req *req, struct http_res *res);
enum qerr api_service_transfer(struct http_req *req, struct http_res *res);
enum qerr api_service_rate(struct http_req *req, struct http_res *res);
enum qerr api_service_extension_request(struct http_req *req, struct http_res *res);
enum qerr api_service_extension_approve(struct http_req *req, struct http_res *res);
enum qerr api_service_extension_reject(struct http_req *req, struct http_res *res);
enum qerr api_service_escalate(struct http_req *req, struct http_res *res);
enum qerr api_service_callback_sample(struct http_req *req, struct http_res *res);
enum qerr api_service_callback(struct http_req *req, struct http_res *res);
enum qerr api_service_routes(struct http_req *req, struct http_res *res);
enum qerr api_service_route_create(struct http_req *req, struct http_res *res);
enum qerr api_service_route_update(struct http_req *req, struct http_res *res);
enum qerr api_service_route_delete(struct http_req *req, struct http_res *res);
enum qerr api_service_limits(struct http_req *req, struct http_res *res);
enum qerr api_service_limit_set(struct http_req *req, struct http_res *res);
enum qerr api_service_stats(struct http_req *req, struct http_res *res);
enum qerr api_service_providers(struct http_req *req, struct http_res *res);
enum qerr api_workdays_add(struct http_req *req, struct http_res *res);

#endif
